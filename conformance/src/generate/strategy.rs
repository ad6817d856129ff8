//! The proptest strategies of the model, built from a [`GeneratorConfig`].

use std::sync::Arc;

use proptest::prelude::*;
use proptest::sample::select;

use super::focus;
use super::model::{Fault, Form, GenCase, GenCondition, GenPolicy, GenStatement};
use super::pools::{recase, Prepared};
use super::GeneratorConfig;
use iam_policy::Family;

/// A boolean true `percent`% of the time.
pub(super) fn pct(percent: u32) -> proptest::bool::Weighted {
    proptest::bool::weighted(f64::from(percent.min(100)) / 100.0)
}

pub(super) fn pick(values: Vec<String>) -> BoxedStrategy<String> {
    if values.is_empty() {
        return Just(String::new()).boxed();
    }
    select(values).boxed()
}

pub(super) fn picks(values: &[&str]) -> BoxedStrategy<String> {
    pick(values.iter().map(|s| (*s).to_owned()).collect())
}

/// `base` re-cased `percent`% of the time.
pub(super) fn maybe_recased(base: BoxedStrategy<String>, percent: u32) -> BoxedStrategy<String> {
    (base, pct(percent), 0u8..3)
        .prop_map(|(s, vary, how)| if vary { recase(&s, how) } else { s })
        .boxed()
}

/// The model strategy.
pub fn arb_model(config: &GeneratorConfig) -> BoxedStrategy<GenCase> {
    let prepared = Arc::new(Prepared::new(config));
    let policies = arb_policies(config, &prepared);
    let request = super::request::arb_request(config, &prepared);
    (policies, request, focus::arb_focus(config))
        .prop_map(|(mut policies, request, draws)| {
            focus::apply(&mut policies, &request, &draws);
            GenCase { policies, request }
        })
        .boxed()
}

fn arb_policies(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<Vec<GenPolicy>> {
    let w = &config.weights;
    let policy = arb_policy(config, p);
    let most = config.max_policies.max(1);
    (pct(w.empty_set), prop::collection::vec(policy, 1..=most))
        .prop_map(|(empty, policies)| if empty { Vec::new() } else { policies })
        .boxed()
}

fn arb_policy(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<GenPolicy> {
    let w = &config.weights;
    let version = (pct(w.version_2012), any::<bool>()).prop_map(|(v12, v08)| {
        if v12 {
            Some("2012-10-17".to_owned())
        } else if v08 {
            Some("2008-10-17".to_owned())
        } else {
            None
        }
    });
    let form = (
        pct(w.text_document),
        pct(w.malformed),
        select(Fault::ALL.to_vec()),
    )
        .prop_map(|(text, bad, fault)| match (text, bad) {
            (false, _) => Form::Object,
            (true, false) => Form::Text,
            (true, true) => Form::Malformed(fault),
        });
    let most = config.max_statements.max(1);
    let statements = prop::collection::vec(arb_statement(config, p), 1..=most);
    (version, statements, any::<bool>(), form)
        .prop_map(|(version, mut statements, single_object, form)| {
            for (i, s) in statements.iter_mut().enumerate() {
                if s.sid.is_some() {
                    s.sid = Some(format!("S{i}"));
                }
            }
            GenPolicy {
                version,
                statements,
                single_object,
                form,
            }
        })
        .boxed()
}

fn arb_action_pattern(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<String> {
    let w = &config.weights;
    let base = prop_oneof![
        3 => pick(p.pools.actions.clone()),
        2 => pick(p.pools.action_patterns.clone()),
        1 => pick(p.catalog.clone()),
    ]
    .boxed();
    maybe_recased(base, w.action_case_variant)
}

fn arb_statement(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<GenStatement> {
    let w = &config.weights;
    let actions = prop::collection::vec(arb_action_pattern(config, p), 1..=3);
    let resources = prop::collection::vec(arb_resource_pattern(config, p), 1..=2);
    let most = config.max_conditions;
    let conditions = prop::collection::vec(arb_condition(config, p), 0..=most);
    (
        any::<bool>(),
        pct(w.deny),
        pct(w.not_action),
        actions,
        pct(w.not_resource),
        resources,
        pct(w.condition),
        conditions,
    )
        .prop_map(
            |(sid, deny, not_action, actions, not_resource, resources, with, conditions)| {
                GenStatement {
                    sid: sid.then(String::new),
                    deny,
                    not_action,
                    actions,
                    not_resource,
                    resources,
                    conditions: if with { merge(conditions) } else { Vec::new() },
                }
            },
        )
        .boxed()
}

/// Merge entries with the same operator and key (a JSON object holds each key once).
fn merge(conditions: Vec<GenCondition>) -> Vec<GenCondition> {
    let mut out: Vec<GenCondition> = Vec::new();
    for c in conditions {
        match out
            .iter_mut()
            .find(|o| o.operator == c.operator && o.key == c.key)
        {
            Some(o) => {
                for v in c.values {
                    if !o.values.contains(&v) {
                        o.values.push(v);
                    }
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// The resource part of an ARN pattern: a type and an id pattern, or a variable.
fn arb_resource_part(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<String> {
    let w = &config.weights;
    let typed = (
        select(vec!["job", "thing", "thinggroup", "jobtemplate"]),
        any::<prop::sample::Index>(),
        0u8..6,
    );
    let pools = Arc::clone(p);
    let plain = typed.prop_map(move |(kind, index, shape)| {
        let pool = match kind {
            "job" => &pools.pools.job_ids,
            "thing" => &pools.pools.thing_names,
            "thinggroup" => &pools.pools.thing_groups,
            _ => &pools.pools.job_ids,
        };
        let id = if kind == "jobtemplate" {
            if index.index(2) == 0 {
                "AWS-Reboot:1.0".to_owned()
            } else {
                "my-template".to_owned()
            }
        } else {
            index.get(pool).clone()
        };
        let chars: Vec<char> = id.chars().collect();
        let head: String = chars.iter().take(2).collect();
        let rest: String = chars.iter().skip(1).collect();
        match shape {
            0 | 1 => format!("{kind}/{id}"),
            2 => format!("{kind}/*"),
            3 => format!("{kind}/{head}*"),
            4 => format!("{kind}/?{rest}"),
            _ => format!("{kind}*"),
        }
    });
    let variable = picks(&[
        "thing/${aws:username}",
        "thing/${aws:username, 'sensor-1'}",
        "thing/${aws:username}*",
        "thing/${*}",
        "job/${aws:RequestTag/env}",
        "*",
    ]);
    (pct(w.variable), plain, variable)
        .prop_map(|(var, plain, variable)| if var { variable } else { plain })
        .boxed()
}

/// `arn:a:b:c:d:e`, with (`percent`% of the time) one of partition, service or region
/// re-cased (ID-6).
fn join_arn(
    segments: impl Strategy<Value = [String; 5]> + 'static,
    percent: u32,
) -> BoxedStrategy<String> {
    (segments, pct(percent), 1usize..4, 0u8..3)
        .prop_map(|(mut parts, vary, which, how)| {
            if vary {
                if let Some(segment) = parts.get_mut(which - 1) {
                    *segment = recase(segment, how);
                }
            }
            let [a, b, c, d, e] = parts;
            format!("arn:{a}:{b}:{c}:{d}:{e}")
        })
        .boxed()
}

fn arb_resource_pattern(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<String> {
    let w = &config.weights;
    let partition = picks(&["aws", "aws", "aws", "*", "a?s"]);
    let service = picks(&["iot", "iot", "iot", "*", "io?"]);
    let mut regions = p.pools.regions.clone();
    regions.extend(["*", "us-*", "?s-east-1"].iter().map(|s| (*s).to_owned()));
    let region = pick(regions);
    let mut accounts = p.pools.accounts.clone();
    accounts.extend(["*", ""].iter().map(|s| (*s).to_owned()));
    let account = pick(accounts);
    let segments = (
        partition,
        service,
        region,
        account,
        arb_resource_part(config, p),
    )
        .prop_map(|(a, b, c, d, e)| [a, b, c, d, e]);
    let arn = join_arn(segments, w.arn_case_variant);
    prop_oneof![1 => Just("*".to_owned()), 8 => arn].boxed()
}

/// A concrete ARN, as a request's resource (or an `aws:SourceArn` value).
pub(super) fn arb_arn(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<String> {
    let w = &config.weights;
    let region = pick(p.pools.regions.clone());
    let account = pick(p.pools.accounts.clone());
    let part = prop_oneof![
        3 => pick(p.pools.job_ids.clone()).prop_map(|id| format!("job/{id}")),
        3 => pick(p.pools.thing_names.clone()).prop_map(|id| format!("thing/{id}")),
        1 => pick(p.pools.thing_groups.clone()).prop_map(|id| format!("thinggroup/{id}")),
        1 => Just("jobtemplate/my-template".to_owned()),
    ];
    let managed = (pick(p.pools.regions.clone()),)
        .prop_map(|(r,)| format!("arn:aws:iot:{r}::jobtemplate/AWS-Reboot:1.0"));
    let segments =
        (region, account, part).prop_map(|(c, d, e)| ["aws".to_owned(), "iot".to_owned(), c, d, e]);
    let arn = join_arn(segments, w.arn_case_variant);
    prop_oneof![12 => arn, 1 => managed].boxed()
}

fn arb_family(config: &GeneratorConfig) -> BoxedStrategy<Family> {
    let f = &config.weights.families;
    let weighted = [
        (f.string, Family::String),
        (f.numeric, Family::Numeric),
        (f.date, Family::Date),
        (f.bool, Family::Bool),
        (f.binary, Family::Binary),
        (f.ip, Family::Ip),
        (f.arn, Family::Arn),
        (f.null, Family::Null),
    ];
    let options: Vec<(u32, BoxedStrategy<Family>)> = weighted
        .iter()
        .filter(|(w, _)| *w > 0)
        .map(|(w, family)| ((*w).min(1_000), Just(*family).boxed()))
        .collect();
    if options.is_empty() {
        return Just(Family::String).boxed();
    }
    proptest::strategy::Union::new_weighted(options).boxed()
}

fn arb_condition(config: &GeneratorConfig, p: &Arc<Prepared>) -> BoxedStrategy<GenCondition> {
    let w = &config.weights;
    let most = config.max_values.max(1);
    let prepared = Arc::clone(p);
    let variables = w.variable;
    let key_variant = w.key_case_variant;
    let values = |pool: Vec<String>| prop::collection::vec(pick(pool), 1..=most).boxed();
    let p = &prepared.pools;
    let mut string_values = p.tag_values.clone();
    string_values.extend(p.tag_keys.iter().cloned());
    string_values.extend(p.thing_names.iter().cloned());
    let strings = (
        values(string_values),
        pct(variables),
        picks(&[
            "${aws:username}",
            "${aws:username, 'nobody'}",
            "sensor-${aws:username}",
            "${aws:RequestTag/env}",
        ]),
    )
        .prop_map(|(mut v, var, variable)| {
            if var {
                v.push(variable);
            }
            v
        })
        .boxed();
    let arns = (
        prop::collection::vec(arb_resource_pattern(config, &prepared), 1..=most),
        pct(variables),
    )
        .prop_map(|(mut v, var)| {
            v.retain(|s| s != "*");
            if v.is_empty() || var {
                v.push("arn:aws:iot:*:*:thing/${aws:username}".to_owned());
            }
            v
        })
        .boxed();
    let bools = values(
        ["true", "false", "TRUE", "False"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    );
    let nulls = values(vec!["true".to_owned(), "false".to_owned()]);
    let choice = (
        arb_family(config),
        0usize..6,
        pct(w.qualifier),
        any::<bool>(),
        pct(w.if_exists),
        0usize..3,
        (pct(key_variant), 0u8..3, pct(75)),
    );
    let pools = (
        strings,
        values(p.numbers.clone()),
        values(p.dates.clone()),
        bools,
        values(prepared.base64_values.clone()),
        ip_values(&p.ip_ranges, values),
        arns,
        nulls,
    );
    (choice, pools)
        .prop_map(
            move |(
                (family, op, qualified, all, if_exists, key, (vary, how, qualify_multi)),
                (strings, numbers, dates, bools, binaries, ips, arns, nulls),
            )| {
                let pick_op = |ops: &[&'static str]| -> &'static str {
                    ops.get(op % ops.len().max(1))
                        .copied()
                        .unwrap_or("StringEquals")
                };
                let pick_key = |keys: &[&'static str]| -> &'static str {
                    keys.get(key % keys.len().max(1))
                        .copied()
                        .unwrap_or("aws:username")
                };
                let (operator, key, values) = match family {
                    Family::String => (
                        pick_op(&[
                            "StringEquals",
                            "StringNotEquals",
                            "StringEqualsIgnoreCase",
                            "StringNotEqualsIgnoreCase",
                            "StringLike",
                            "StringNotLike",
                        ]),
                        pick_key(&["aws:RequestTag/env", "aws:TagKeys", "aws:username"]),
                        strings,
                    ),
                    Family::Numeric => (
                        pick_op(&[
                            "NumericEquals",
                            "NumericNotEquals",
                            "NumericLessThan",
                            "NumericLessThanEquals",
                            "NumericGreaterThan",
                            "NumericGreaterThanEquals",
                        ]),
                        "aws:MultiFactorAuthAge",
                        numbers,
                    ),
                    Family::Date => (
                        pick_op(&[
                            "DateEquals",
                            "DateNotEquals",
                            "DateLessThan",
                            "DateLessThanEquals",
                            "DateGreaterThan",
                            "DateGreaterThanEquals",
                        ]),
                        pick_key(&["aws:CurrentTime", "aws:EpochTime"]),
                        dates,
                    ),
                    Family::Bool => (
                        "Bool",
                        pick_key(&["aws:ViaAWSService", "aws:SecureTransport"]),
                        bools,
                    ),
                    Family::Binary => ("BinaryEquals", "aws:RequestTag/env", binaries),
                    Family::Ip => (pick_op(&["IpAddress", "NotIpAddress"]), "aws:SourceIp", ips),
                    Family::Arn => (
                        pick_op(&["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"]),
                        "aws:SourceArn",
                        arns,
                    ),
                    Family::Null => (
                        "Null",
                        pick_key(&["aws:SourceIp", "aws:TagKeys", "aws:username"]),
                        nulls,
                    ),
                };
                // A plain operator on the multivalued aws:TagKeys is ID-8: mostly qualify it.
                let qualified = qualified || (key == "aws:TagKeys" && qualify_multi);
                let mut name = String::new();
                if qualified && family != Family::Null {
                    name.push_str(if all { "ForAllValues:" } else { "ForAnyValue:" });
                }
                name.push_str(operator);
                if if_exists && family != Family::Null {
                    name.push_str("IfExists");
                }
                let key = if vary {
                    recase(key, how)
                } else {
                    key.to_owned()
                };
                let mut unique = Vec::new();
                for v in values {
                    if !unique.contains(&v) {
                        unique.push(v);
                    }
                }
                GenCondition {
                    operator: name,
                    key,
                    values: unique,
                }
            },
        )
        .boxed()
}

/// Policy IP ranges: a bare IPv6 address (ID-9: `/128` or a rejected document under spec v2,
/// whatever the request) in about one IP condition in six of those the pool alone would give,
/// so that ID-9 cases stay common enough to tell its readings apart and the tagged share small.
fn ip_values(
    pool: &[String],
    values: impl Fn(Vec<String>) -> BoxedStrategy<Vec<String>>,
) -> BoxedStrategy<Vec<String>> {
    let bare = |r: &String| !r.contains('/') && r.parse::<std::net::Ipv6Addr>().is_ok();
    let without: Vec<String> = pool.iter().filter(|r| !bare(r)).cloned().collect();
    if without.is_empty() || without.len() == pool.len() {
        return values(pool.to_vec());
    }
    prop_oneof![5 => values(without), 1 => values(pool.to_vec())].boxed()
}
