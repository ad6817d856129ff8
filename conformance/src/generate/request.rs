//! The request of a generated case (docs/semantics.md §2). Most requests are ones AWS could
//! send: the action is in the catalog, the resource is of a type the action takes (`*` for
//! actions that take none), each context key is single- or multivalued as declared and holds
//! a value of its type. In the `outside_catalog` share of requests the generator may break
//! that on purpose (a made-up action, a resource of another type or `*`, an array for a
//! single-valued key, a value that cannot be read as its type, a short ARN); those cases carry
//! ID-16 (`tags.rs` asks [`iam_policy::catalog::outside_catalog`]).

use std::sync::Arc;

use iam_policy::catalog::{self, KeyType};
use proptest::prelude::*;

use super::model::{CtxValue, GenRequest};
use super::pools::{recase, Prepared};
use super::strategy::{arb_arn, maybe_recased, pct, pick, picks};
use super::GeneratorConfig;

/// How a single-valued key is given in a request outside the catalog.
#[derive(Debug, Clone)]
enum Shape {
    Single,
    Empty,
    One,
    Two(String),
}

/// One single-valued key as drawn: its name, a value of its type, an unreadable one, and how
/// an outside-the-catalog request gives it.
type Drawn = Option<(String, String, Option<String>, Shape)>;

/// A value of a key's type and, now and then, one that cannot be read as it.
type TypedValue = BoxedStrategy<(String, Option<String>)>;

/// The dates that are epoch seconds, read by Date and by Numeric operators alike (the type of
/// `aws:EpochTime`); the numbers that are, when no date is.
fn epoch_seconds(dates: &[String], numbers: &[String]) -> Vec<String> {
    let fitting = |values: &[String]| -> Vec<String> {
        values
            .iter()
            .filter(|v| catalog::value_fits(KeyType::DateNumeric, v))
            .cloned()
            .collect()
    };
    let from_dates = fitting(dates);
    if from_dates.is_empty() {
        fitting(numbers)
    } else {
        from_dates
    }
}

/// The resource parts of every resource type the IoT Jobs actions take.
fn resource_parts(job: &str, thing: &str, group: &str) -> [(&'static str, String); 8] {
    [
        ("job", format!("job/{job}")),
        ("thing", format!("thing/{thing}")),
        ("thinggroup", format!("thinggroup/{group}")),
        ("jobtemplate", "jobtemplate/my-template".to_owned()),
        ("package", "package/firmware".to_owned()),
        ("packageversion", "package/firmware/version/1.0".to_owned()),
        ("command", "command/reboot".to_owned()),
        ("client", "client/client-1".to_owned()),
    ]
}

/// A resource of a type `action` takes: `*` when it takes none (or is not in the catalog).
fn resource_for(
    action: &str,
    region: &str,
    account: &str,
    ids: (&str, &str, &str),
    which: usize,
) -> String {
    let info = action
        .split_once(':')
        .and_then(|(v, n)| iam_policy::catalog::lookup_action(v, n));
    let Some(info) = info.filter(|i| !i.resources.is_empty()) else {
        return "*".to_owned();
    };
    let (job, thing, group) = ids;
    let parts: Vec<String> = resource_parts(job, thing, group)
        .into_iter()
        .filter(|(kind, _)| iam_policy::catalog::takes_resource(info, kind))
        .map(|(_, part)| part)
        .collect();
    let managed = iam_policy::catalog::takes_resource(info, "jobtemplate") && which % 7 == 6;
    match parts.get(which % parts.len().max(1)) {
        _ if managed => format!("arn:aws:iot:{region}::jobtemplate/AWS-Reboot:1.0"),
        Some(part) => format!("arn:aws:iot:{region}:{account}:{part}"),
        None => "*".to_owned(),
    }
}

/// The request strategy.
pub(super) fn arb_request(
    config: &GeneratorConfig,
    p: &Arc<Prepared>,
) -> BoxedStrategy<GenRequest> {
    let w = &config.weights;
    let in_catalog = prop_oneof![
        (100 - w.catalog_action.min(99)) => pick(p.pools.actions.clone()),
        w.catalog_action.clamp(1, 100) => pick(p.catalog.clone()),
    ]
    .boxed();
    let action = (
        maybe_recased(in_catalog, w.action_case_variant),
        picks(&[
            "iot:DescribeJobs",
            "iotjobsdata:DescribeJob",
            "iot:Describe",
        ]),
        0u8..20,
    );
    let resource = (
        (
            pick(p.pools.regions.clone()),
            pick(p.pools.accounts.clone()),
            pick(p.pools.job_ids.clone()),
            pick(p.pools.thing_names.clone()),
            pick(p.pools.thing_groups.clone()),
            any::<prop::sample::Index>(),
        ),
        arb_arn(config, p),
        pct(w.star_resource),
    );
    // Unreadable values only go in requests outside the catalog: as often overall as the
    // weight says, so that much more often within those requests.
    let unreadable = (w.unreadable_value * 100)
        .checked_div(w.outside_catalog)
        .unwrap_or(0)
        .min(100);
    let typed =
        |good: BoxedStrategy<String>, bad: &[&str]| -> BoxedStrategy<(String, Option<String>)> {
            let none = bad.is_empty();
            (good, pct(unreadable), picks(bad))
                .prop_map(move |(g, use_bad, b)| (g, (use_bad && !none).then_some(b)))
                .boxed()
        };
    let ip = typed(
        prop_oneof![
            12 => pick(p.addresses.clone()),
            1 => picks(&["::ffff:203.0.113.7", "::FFFF:10.0.0.1"]),
        ]
        .boxed(),
        &["not-an-ip", "10.0.0.0/8", "203.0.113.7 "],
    );
    let boolean = typed(picks(&["true", "false", "True", "FALSE"]), &["yes", "1"]);
    let number = typed(pick(p.pools.numbers.clone()), &["ten", "1e3"]);
    let date = typed(
        pick(p.pools.dates.clone()),
        &["yesterday", "2024-13-01T00:00:00Z"],
    );
    // aws:EpochTime is "Date, Numeric" (iam-facts §9.7): AWS sends epoch seconds, so its
    // values are the dates and numbers both families read; an ISO date is not of its type.
    let epoch = typed(
        pick(epoch_seconds(&p.pools.dates, &p.pools.numbers)),
        &["yesterday", "2024-01-01T00:00:00Z"],
    );
    let tag = typed(pick(p.pools.tag_values.clone()), &[]);
    let user = typed(pick(p.pools.thing_names.clone()), &[]);
    let arn = typed(arb_arn(config, p), &["arn:aws:iot"]);
    let singles: Vec<(&'static str, TypedValue)> = vec![
        ("aws:SourceIp", ip),
        ("aws:ViaAWSService", boolean.clone()),
        ("aws:SecureTransport", boolean),
        ("aws:MultiFactorAuthAge", number),
        ("aws:CurrentTime", date.clone()),
        ("aws:EpochTime", epoch),
        ("aws:RequestTag/env", tag),
        ("aws:username", user),
        ("aws:SourceArn", arn),
    ];
    let shapes = (
        pct(w.key_absent),
        pct(w.empty_array),
        pct(w.array_of_one),
        pct(w.key_case_variant),
        0u8..3,
        any::<prop::sample::Index>(),
    );
    let mut entries: Vec<BoxedStrategy<Drawn>> = Vec::new();
    for (key, value) in singles {
        let extra = value.clone();
        entries.push(
            (shapes.clone(), value, extra)
                .prop_map(
                    move |((absent, empty, one, vary, how, two), (good, bad), (v2, _))| {
                        if absent {
                            return None;
                        }
                        let name = if vary {
                            recase(key, how)
                        } else {
                            key.to_owned()
                        };
                        let shape = if empty {
                            Shape::Empty
                        } else if one {
                            Shape::One
                        } else if two.index(30) == 0 {
                            Shape::Two(v2)
                        } else {
                            Shape::Single
                        };
                        Some((name, good, bad, shape))
                    },
                )
                .boxed(),
        );
    }
    // aws:TagKeys is multivalued: always an array (empty or not).
    let tag_keys = (
        shapes,
        prop::collection::vec(pick(p.pools.tag_keys.clone()), 0..=3),
    )
        .prop_map(|((absent, _, _, vary, how, _), keys)| {
            (!absent).then(|| {
                let name = if vary {
                    recase("aws:TagKeys", how)
                } else {
                    "aws:TagKeys".to_owned()
                };
                (name, CtxValue::Multi(keys))
            })
        })
        .boxed();
    (pct(w.outside_catalog), action, resource, entries, tag_keys)
        .prop_map(
            |(outside, (action, made_up, which), (ids, any_arn, star), entries, tag_keys)| {
                // Outside the catalog now and then: a made-up action, or any resource.
                let action = if outside && which < 3 {
                    made_up
                } else {
                    action
                };
                let (region, account, job, thing, group, index) = ids;
                let resource = if outside && star {
                    "*".to_owned()
                } else if outside && which % 2 == 0 {
                    any_arn
                } else {
                    resource_for(
                        &action,
                        &region,
                        &account,
                        (&job, &thing, &group),
                        index.index(1_000),
                    )
                };
                let mut context: Vec<(String, CtxValue)> = entries
                    .into_iter()
                    .flatten()
                    .map(|(name, good, bad, shape)| {
                        let value = if outside { bad.unwrap_or(good) } else { good };
                        let value = match (outside, shape) {
                            (false, _) | (true, Shape::Single) => CtxValue::Single(value),
                            (true, Shape::Empty) => CtxValue::Multi(Vec::new()),
                            (true, Shape::One) => CtxValue::Multi(vec![value]),
                            (true, Shape::Two(other)) => CtxValue::Multi(vec![value, other]),
                        };
                        (name, value)
                    })
                    .collect();
                context.extend(tag_keys);
                GenRequest {
                    action,
                    resource,
                    context,
                }
            },
        )
        .boxed()
}
