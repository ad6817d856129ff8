//! Fail closed on unreadable request values (§3, ID-5): a condition on a value that cannot be
//! read as its operator's type is an evaluation error, or (the other permitted reading) false,
//! positive and negated alike. Under neither reading does it grant.

use serde_json::Value;

use super::{allow_all_when, expect_one_of, with_context_key, Eval};
use crate::generate::GeneratedCase;

/// Typed global keys, each with a value its type cannot read, the operators tried on it (plain,
/// negated, `IfExists`, qualified) and a policy value that fits the operator.
const PROBES: &[(&str, &str, &[&str], &str)] = &[
    (
        "aws:SourceIp",
        "not-an-ip",
        &[
            "IpAddress",
            "NotIpAddress",
            "NotIpAddressIfExists",
            "ForAllValues:NotIpAddress",
        ],
        "0.0.0.0/0",
    ),
    (
        "aws:SourceIp",
        "10.0.0.0/8",
        &["IpAddress", "NotIpAddress"],
        "10.0.0.0/8",
    ),
    (
        "aws:CurrentTime",
        "yesterday",
        &["DateGreaterThan", "DateNotEquals", "DateLessThanIfExists"],
        "2024-01-01T00:00:00Z",
    ),
    (
        "aws:MultiFactorAuthAge",
        "ten",
        &[
            "NumericLessThan",
            "NumericNotEquals",
            "ForAnyValue:NumericGreaterThanEquals",
        ],
        "3600",
    ),
    (
        "aws:SecureTransport",
        "maybe",
        &["Bool", "BoolIfExists"],
        "true",
    ),
];

/// Allow-all policies conditioned on an unreadable request value are never `allowed`; the
/// request is the base case's, with only the probed key changed.
pub fn unreadable_never_allows(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let pick = super::fnv(&case.id) as usize;
    // Two probes per base case, chosen by the case id, so every probe runs over a few cases.
    for offset in 0..2 {
        let Some((key, unreadable, operators, fitting)) =
            PROBES.get((pick + offset) % PROBES.len())
        else {
            continue;
        };
        let probed = with_context_key(case, key, Some(Value::from(*unreadable)));
        for operator in *operators {
            let mut variant = probed.clone();
            let values = if operator.starts_with("For") {
                Value::Array(vec![Value::from(*fitting)])
            } else {
                Value::from(*fitting)
            };
            variant.policies = vec![allow_all_when(
                Some(&Value::from("2012-10-17")),
                operator,
                key,
                &values,
            )];
            expect_one_of(
                &format!("allowing everything when `{operator}` on `{key}` = `{unreadable}`"),
                &eval(&variant),
                &["error", "implicitDeny"],
            )?;
        }
    }
    Ok(())
}
