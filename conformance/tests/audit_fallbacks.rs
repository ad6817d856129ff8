//! The silent-fallback audit of the generator and invariant modules (docs/robustness.md)
//! changed code; these tests pin what it changed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use iam_conformance::invariants::{conditions, matching};
use iam_eval::{Context, Decision, Evaluator, ReferenceEvaluator, Request};
use iam_policy::pattern::{Glob, GlobSyntax};
use iam_policy::Operator;
use serde_json::json;

/// `Null` values written as JSON booleans are read as their text, as the parser reads them:
/// the invariants' expectation of a condition on an absent key agrees with the reference.
#[test]
fn null_on_an_absent_key_reads_json_booleans() {
    let null = Operator::parse("Null").unwrap();
    for (values, holds) in [
        (json!(true), true),
        (json!([false, true]), true),
        (json!(false), false),
        (json!("TRUE"), true),
        (json!(["false"]), false),
    ] {
        assert_eq!(
            conditions::holds_when_absent(null, &values),
            holds,
            "{values}"
        );
        let policy = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
            "Action": "iot:DescribeJob", "Resource": "*",
            "Condition": {"Null": {"iot:JobId": values}}}})
        .to_string();
        let request = Request::new("iot:DescribeJob", "*", Context::new()).unwrap();
        let response = ReferenceEvaluator.evaluate(&[&policy], &request);
        let want = if holds {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        assert_eq!(response.decision, Some(want), "{policy}");
    }
}

/// The naive glob (rewritten without index fallbacks) agrees with the compiled one on every
/// pattern and value of up to three characters over `a`, `:`, `*` and `?`.
#[test]
fn the_naive_glob_agrees_with_the_compiled_one_exhaustively() {
    let alphabet = ['a', ':', '*', '?'];
    let mut words = vec![String::new()];
    for length in 1..=3 {
        let shorter: Vec<String> = words
            .iter()
            .filter(|w| w.len() == length - 1)
            .cloned()
            .collect();
        for w in shorter {
            for c in alphabet {
                words.push(format!("{w}{c}"));
            }
        }
    }
    let values: Vec<&String> = words.iter().filter(|w| !w.contains(['*', '?'])).collect();
    let mut compared = 0;
    for syntax in [GlobSyntax::Text, GlobSyntax::Arn] {
        for pattern in &words {
            let glob = Glob::new(pattern, syntax);
            for value in &values {
                assert_eq!(
                    matching::naive_glob(pattern, syntax, value),
                    glob.is_match(value),
                    "`{pattern}` ({syntax:?}) on `{value}`"
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 2 * 85 * 15);
}
