//! Case folding is one routine, per character, on both sides of every comparison. Regression:
//! the parser folded condition keys and `StringEqualsIgnoreCase` values with
//! `str::to_lowercase` (a final `Σ` becomes `ς`) while requests were folded per character (`σ`),
//! so a key or value with a final capital sigma did not match itself.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside `#[test]` functions may fail loudly"
)]

use iam_eval::{Context, ContextValue, Decision, PolicySet, Request};
use iam_policy::Policy;

fn decide(condition: &str, key: &str, value: &str) -> Option<Decision> {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"iot:DescribeJob",
            "Resource":"*","Condition":{condition}}}}}"#
    );
    let policy = Policy::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut context = Context::new();
    context.insert(key, ContextValue::from(value)).unwrap();
    let request = Request::new("iot:DescribeJob", "*", context).unwrap();
    PolicySet::new(vec![policy]).decide(&request)
}

#[test]
fn a_key_with_a_final_sigma_matches_itself() {
    let condition = r#"{"StringEquals":{"aws:RequestTag/ΟΔΟΣ":"x"}}"#;
    assert_eq!(
        decide(condition, "aws:RequestTag/ΟΔΟΣ", "x"),
        Some(Decision::Allow)
    );
    assert_eq!(
        decide(condition, "aws:requesttag/οδοσ", "x"),
        Some(Decision::Allow)
    );
}

#[test]
fn an_ignore_case_value_with_a_final_sigma_matches_itself() {
    let condition = r#"{"StringEqualsIgnoreCase":{"aws:RequestTag/k":"ΟΔΟΣ"}}"#;
    assert_eq!(
        decide(condition, "aws:RequestTag/k", "ΟΔΟΣ"),
        Some(Decision::Allow)
    );
    assert_eq!(
        decide(condition, "aws:RequestTag/k", "οδοσ"),
        Some(Decision::Allow)
    );
    assert_eq!(
        decide(condition, "aws:RequestTag/k", "ΟΔΟ"),
        Some(Decision::ImplicitDeny)
    );
}
