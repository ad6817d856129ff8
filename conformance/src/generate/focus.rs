//! Statements aimed at the request: some statements' first action and first resource are
//! drawn from the request's own action and resource (exactly, as a case variant, as a wildcard
//! that covers it) or as a near miss (the other plane's same operation, the next name, another
//! resource type or account, the resource id re-cased), so that most cases decide something
//! while near misses stay common.

use proptest::prelude::*;

use super::model::{GenPolicy, GenRequest};
use super::pools::recase;
use super::GeneratorConfig;

/// What to do with one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FocusDraw {
    /// Aim this statement at the request.
    on: bool,
    /// Miss by one element (else cover the request).
    near: bool,
    /// Which element misses (action when even).
    which: u8,
    /// Which shape of the action pattern.
    action: u8,
    /// Which shape of the resource pattern.
    resource: u8,
    /// How a case variant is made.
    recase: u8,
}

/// Most statements a case can hold that are aimed (the rest are drawn freely).
const SLOTS: usize = 64;

/// The draws for a case's statements, in order.
pub(super) fn arb_focus(config: &GeneratorConfig) -> BoxedStrategy<Vec<FocusDraw>> {
    let w = &config.weights;
    let slots = config
        .max_policies
        .max(1)
        .saturating_mul(config.max_statements.max(1))
        .min(SLOTS);
    let one = (
        proptest::bool::weighted(f64::from(w.focus.min(100)) / 100.0),
        proptest::bool::weighted(f64::from(w.near_miss.min(100)) / 100.0),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        0u8..3,
    )
        .prop_map(|(on, near, which, action, resource, recase)| FocusDraw {
            on,
            near,
            which,
            action,
            resource,
            recase,
        });
    prop::collection::vec(one, slots).boxed()
}

/// Aim the statements of `policies` at `request`, one draw per statement in order.
pub(super) fn apply(policies: &mut [GenPolicy], request: &GenRequest, draws: &[FocusDraw]) {
    let statements = policies.iter_mut().flat_map(|p| p.statements.iter_mut());
    for (s, d) in statements.zip(draws) {
        if !d.on {
            continue;
        }
        let miss_action = d.near && d.which % 2 == 0;
        let miss_resource = d.near && d.which % 2 == 1;
        if let Some(first) = s.actions.first_mut() {
            *first = if miss_action {
                action_near_miss(&request.action, d.action)
            } else {
                action_cover(&request.action, d.action, d.recase)
            };
        }
        if let Some(first) = s.resources.first_mut() {
            *first = if miss_resource {
                resource_near_miss(&request.resource, d.resource, d.recase)
            } else {
                resource_cover(&request.resource, d.resource)
            };
        }
    }
}

fn split_action(action: &str) -> (&str, &str) {
    action.split_once(':').unwrap_or(("iot", action))
}

/// The name's first `n` characters (or fewer).
fn head(name: &str, n: usize) -> String {
    name.chars().take(n).collect()
}

/// The name's last `n` characters (or fewer).
fn tail(name: &str, n: usize) -> String {
    let count = name.chars().count();
    name.chars().skip(count.saturating_sub(n)).collect()
}

/// An action pattern that matches `action`.
fn action_cover(action: &str, shape: u8, how: u8) -> String {
    let (vendor, name) = split_action(action);
    match shape % 8 {
        0 | 1 => action.to_owned(),
        2 => recase(action, how),
        3 => format!("{vendor}:*"),
        4 => "*".to_owned(),
        5 => format!("{vendor}:{}*", head(name, 3)),
        6 => format!("{vendor}:*{}", tail(name, 5)),
        _ => format!("{vendor}:?{}", name.chars().skip(1).collect::<String>()),
    }
}

/// The other plane's vendor.
fn other_vendor(vendor: &str) -> &'static str {
    if vendor.eq_ignore_ascii_case("iot") {
        "iotjobsdata"
    } else {
        "iot"
    }
}

/// An action pattern that just misses `action`.
fn action_near_miss(action: &str, shape: u8) -> String {
    let (vendor, name) = split_action(action);
    let other = other_vendor(vendor);
    match shape % 4 {
        0 | 1 => format!("{other}:{name}"),
        2 => format!("{other}:{}*", head(name, 3)),
        _ => format!("{vendor}:{name}?"),
    }
}

/// The six segments of an ARN (the resource part may hold colons).
fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    iam_policy::arn::split(arn, false)
}

/// A resource pattern that matches `resource`.
fn resource_cover(resource: &str, shape: u8) -> String {
    let Some([a, p, s, r, acct, part]) = arn_parts(resource) else {
        return "*".to_owned();
    };
    let (kind, id) = part.split_once('/').unwrap_or((part, ""));
    match shape % 8 {
        0 | 1 => resource.to_owned(),
        2 => "*".to_owned(),
        3 => format!("{a}:{p}:{s}:{r}:{acct}:{kind}/*"),
        4 => format!("{a}:{p}:{s}:*:*:{part}"),
        5 => format!("{a}:{p}:{s}:{r}:{acct}:{kind}/{}*", head(id, 2)),
        6 => format!("{a}:{p}:{s}:{r}:*:{part}"),
        _ => format!(
            "{a}:{p}:{s}:{r}:{acct}:{kind}/?{}",
            id.chars().skip(1).collect::<String>()
        ),
    }
}

/// A resource pattern that just misses `resource`.
fn resource_near_miss(resource: &str, shape: u8, how: u8) -> String {
    let Some([a, p, s, r, acct, part]) = arn_parts(resource) else {
        // The request resource `*`: an ARN pattern never matches it.
        return "arn:aws:iot:*:*:*".to_owned();
    };
    let (kind, id) = part.split_once('/').unwrap_or((part, ""));
    let other_kind = if kind == "thing" { "job" } else { "thing" };
    let recased = recase(id, how);
    match shape % 4 {
        0 if recased != id => format!("{a}:{p}:{s}:{r}:{acct}:{kind}/{recased}"),
        0 | 1 => format!("{a}:{p}:{s}:{r}:{acct}:{other_kind}/{id}"),
        2 => {
            let other_account = if acct == "123456789012" {
                "210987654321"
            } else {
                "123456789012"
            };
            format!("{a}:{p}:{s}:{r}:{other_account}:{part}")
        }
        _ => format!("{a}:{p}:{s}:{r}:{acct}:{kind}/{id}?"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_policy::pattern::{matches_tokens, tokenize, GlobSyntax};

    fn arn_match(pattern: &str, value: &str) -> bool {
        pattern == "*" || matches_tokens(&tokenize(pattern), GlobSyntax::Arn, value)
    }

    fn action_match(pattern: &str, action: &str) -> bool {
        if pattern == "*" {
            return true;
        }
        let (pv, pn) = pattern.split_once(':').unwrap();
        let (av, an) = action.split_once(':').unwrap();
        pv.eq_ignore_ascii_case(av)
            && matches_tokens(
                &tokenize(&iam_policy::text::fold(pn)),
                GlobSyntax::Text,
                &iam_policy::text::fold(an),
            )
    }

    #[test]
    fn covers_cover_and_near_misses_miss() {
        for action in ["iot:DescribeJob", "iotjobsdata:UpdateJobExecution"] {
            for shape in 0..8 {
                for how in 0..3 {
                    let p = action_cover(action, shape, how);
                    assert!(action_match(&p, action), "{p} {action}");
                }
            }
            for shape in 0..4 {
                let p = action_near_miss(action, shape);
                assert!(!action_match(&p, action), "{p} {action}");
            }
        }
        for resource in [
            "arn:aws:iot:us-east-1:123456789012:job/firmware-42",
            "arn:aws:iot:eu-west-1:210987654321:thing/café",
            "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0",
        ] {
            for shape in 0..8 {
                let p = resource_cover(resource, shape);
                assert!(arn_match(&p, resource), "{p} {resource}");
            }
            for shape in 0..4 {
                for how in 0..3 {
                    let p = resource_near_miss(resource, shape, how);
                    assert!(!arn_match(&p, resource), "{p} {resource}");
                }
            }
        }
        assert_eq!(resource_cover("*", 3), "*");
        assert!(!arn_match(&resource_near_miss("*", 0, 0), "*"));
    }
}
