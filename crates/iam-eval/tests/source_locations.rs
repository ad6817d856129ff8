//! Evaluation errors carry a source location: the bytes of their policy's text they are about.
//! Each test slices the policy text with the error's span and compares the slice with the text
//! it must be, exactly.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside `#[test]` functions may fail loudly"
)]

use iam_eval::{
    Context, ContextValue, EvaluationError, EvaluationErrorKind, Evaluator, PolicySet, Readings,
    ReferenceEvaluator, ReferenceUnder, Request,
};
use iam_policy::readings::{NotResourceMissingVariable, PlainOnMultivalued};
use iam_policy::{LineIndex, Point, Policy, Position};
use rstest::rstest;

const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/j1";

fn request(context: &[(&str, ContextValue)]) -> Request {
    let context = Context::from_pairs(context.iter().cloned()).expect("a context");
    Request::new("iot:DescribeJob", JOB, context).expect("a valid request")
}

/// The one error of evaluating `policies` against `request` under `readings`.
fn only_error(policies: &[&str], request: &Request, readings: Readings) -> EvaluationError {
    let response = ReferenceUnder(readings).evaluate(policies, request);
    assert_eq!(response.decision, None, "{response:?}");
    let [error] = <[EvaluationError; 1]>::try_from(response.errors)
        .unwrap_or_else(|errors| panic!("one error, got {errors:?}"));
    error
}

/// A policy whose second statement holds `entry` in its `Condition` under `operator`, written
/// over several lines so that positions have a line and a column to get right.
fn policy_with(operator: &str, entry: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    \
         {{\"Effect\": \"Allow\", \"Action\": \"iot:ListJobs\", \"Resource\": \"*\"}},\n    \
         {{\n      \"Effect\": \"Allow\",\n      \"Action\": \"iot:DescribeJob\",\n      \
         \"Resource\": \"*\",\n      \"Condition\": {{\"{operator}\": {{\n        {entry}\n      \
         }}}}\n    }}\n  ]\n}}\n"
    )
}

#[rstest]
#[case::number("NumericLessThan", r#""iot:JobCount": "5""#, "iot:JobCount", "abc")]
#[case::address(
    "IpAddress",
    r#""aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]"#,
    "aws:SourceIp",
    "not-an-ip"
)]
#[case::date(
    "DateEquals",
    r#""aws:CurrentTime": "2024-01-01T00:00:00Z""#,
    "aws:CurrentTime",
    "yesterday"
)]
#[case::boolean(
    "Bool",
    r#""aws:SecureTransport" : true"#,
    "aws:SecureTransport",
    "maybe"
)]
fn an_unreadable_request_value_points_at_its_condition_entry(
    #[case] operator: &str,
    #[case] entry: &str,
    #[case] key: &str,
    #[case] value: &str,
) {
    let policy = policy_with(operator, entry);
    let error = only_error(
        &[&policy],
        &request(&[(key, value.into())]),
        Readings::default(),
    );
    assert!(
        matches!(&error.kind, EvaluationErrorKind::UnreadableValue(v) if v.text == value),
        "{error:?}"
    );
    assert_eq!(error.source_text(&policy), Some(entry), "{error:?}");
    // The entry is on line 10 of the document, after eight spaces.
    let span = error.source_loc.expect("a location");
    assert_eq!(
        LineIndex::new(&policy).position(span.start),
        Position {
            line: 10,
            column: 9
        }
    );
    // The messages and places are as before.
    assert_eq!((error.policy, error.statement), (0, Some(1)));
    assert_eq!(error.key.as_deref(), Some(key));
    assert!(
        error.to_string().starts_with(&format!(
            "policy 0 statement 1 condition key `{key}`: `{value}` is not"
        )),
        "{error}"
    );
}

#[rstest]
#[case::number("NumericLessThan", r#""iot:JobCount": "abc""#, r#""abc""#)]
#[case::address("IpAddress", r#""aws:SourceIp": "not-an-ip""#, r#""not-an-ip""#)]
#[case::address_in_a_list(
    "NotIpAddress",
    r#""aws:SourceIp": ["192.0.2.0/24", "not-an-ip"]"#,
    r#""not-an-ip""#
)]
#[case::date("DateEquals", r#""aws:CurrentTime": "not-a-date""#, r#""not-a-date""#)]
#[case::boolean("Bool", r#""aws:SecureTransport": "maybe""#, r#""maybe""#)]
fn an_unreadable_policy_value_points_at_the_value(
    #[case] operator: &str,
    #[case] entry: &str,
    #[case] value: &str,
) {
    // A policy value that its operator cannot read rejects the document (§3): the location
    // is its first error diagnostic's, the value as written, quotes included.
    let policy = policy_with(operator, entry);
    let error = only_error(&[JOB_POLICY, &policy], &request(&[]), Readings::default());
    assert!(
        matches!(error.kind, EvaluationErrorKind::RejectedDocument(_)),
        "{error:?}"
    );
    assert_eq!(error.policy, 1);
    assert_eq!(error.source_text(&policy), Some(value), "{error:?}");
    assert!(error.source_text(JOB_POLICY).is_none_or(|t| t != value));
}

/// A valid policy to stand before the one under test.
const JOB_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}"#;

#[test]
fn an_unresolved_not_resource_points_at_its_element() {
    let element =
        r#""NotResource" :["arn:aws:iot:*:*:job/${aws:username}", "arn:aws:iot:*:*:thing/*"]"#;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Deny","Action":"iot:*",
            {element}}}}}"#
    );
    let readings = Readings {
        notresource_missing_variable: NotResourceMissingVariable::Error,
        ..Readings::default()
    };
    let error = only_error(&[&policy], &request(&[]), readings);
    assert_eq!(error.kind, EvaluationErrorKind::Reading(Point::Id12));
    assert_eq!(error.source_text(&policy), Some(element));
}

#[test]
fn a_reading_error_points_at_its_condition_entry() {
    let entry = r#""aws:TagKeys":"a""#;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iot:*","Resource":"*",
            "Condition":{{"StringEquals":{{"aws:username":"u"}},"StringLike":{{{entry}}}}}}}]}}"#
    );
    let readings = Readings {
        plain_on_multivalued: PlainOnMultivalued::Error,
        ..Readings::default()
    };
    let tags = ContextValue::Multi(vec!["a".into(), "b".into()]);
    let error = only_error(
        &[&policy],
        &request(&[("aws:username", "u".into()), ("aws:TagKeys", tags)]),
        readings,
    );
    assert_eq!(error.kind, EvaluationErrorKind::Reading(Point::Id8));
    assert_eq!(error.source_text(&policy), Some(entry));
}

#[test]
fn errors_without_a_place_in_a_text_have_no_location() {
    // A refused request belongs to no policy; a model built without text has no spans.
    let readings = Readings {
        outside_catalog: iam_policy::readings::OutsideCatalog::Error,
        ..Readings::default()
    };
    let outside = Request::new("iot:NoSuchAction", "*", Context::new()).expect("a request");
    let error = only_error(&[JOB_POLICY], &outside, readings);
    assert_eq!(error.kind, EvaluationErrorKind::Reading(Point::Id16));
    assert_eq!(error.source_loc, None);

    let policy = Policy::parse(&policy_with("NumericLessThan", r#""iot:n": "5""#)).expect("valid");
    let mut built = policy.clone();
    for statement in &mut built.statements {
        for condition in &mut statement.conditions {
            condition.origin = iam_policy::Origin::default();
        }
    }
    let asked = request(&[("iot:n", "five".into())]);
    let parsed = PolicySet::new(vec![policy]).evaluate(&asked);
    let by_hand = PolicySet::new(vec![built]).evaluate(&asked);
    assert!(parsed.errors[0].source_loc.is_some());
    assert_eq!(by_hand.errors[0].source_loc, None);
    // Apart from the location, the same error.
    assert_eq!(parsed.errors[0].clone().at(None), by_hand.errors[0]);
}

#[test]
fn the_reference_evaluator_keeps_locations_relative_to_each_document() {
    // Two documents, the error in the second: its span is within the second's text.
    let entry = r#""iot:n":"5""#;
    let second = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"iot:DescribeJob","Resource":"*","Condition":{{"NumericEquals":{{{entry}}}}}}}}}"#
    );
    let response =
        ReferenceEvaluator.evaluate(&[JOB_POLICY, &second], &request(&[("iot:n", "n/a".into())]));
    let [error] = response.errors.as_slice() else {
        panic!("one error: {response:?}");
    };
    assert_eq!(error.policy, 1);
    assert_eq!(error.source_text(&second), Some(entry));
}
