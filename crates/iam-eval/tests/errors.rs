//! Evaluation errors are typed: a kind (rejected document, unreadable value, internal) and the
//! place they belong to, beside the message.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside `#[test]` functions may fail loudly"
)]

use iam_eval::{
    Context, ContextValue, EvaluationErrorKind, Evaluator, PolicySet, ReferenceEvaluator, Request,
};
use iam_policy::value::ValueKind;
use iam_policy::{Code, Policy};

const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/j1";

fn request(key: &str, value: &str) -> Request {
    let mut context = Context::new();
    context
        .insert(key, ContextValue::from(value))
        .expect("one key");
    Request::new("iot:DescribeJob", JOB, context).expect("a valid request")
}

#[test]
fn an_unreadable_value_names_its_type_text_and_place() {
    let policy = Policy::parse(
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"iot:*","Resource":"*"},
            {"Effect":"Allow","Action":"iot:DescribeJob","Resource":"*",
             "Condition":{"NumericLessThan":{"iot:JobCount":"5"}}}]}"#,
    )
    .expect("valid");
    let response = PolicySet::new(vec![policy]).evaluate(&request("iot:JobCount", "five"));
    assert_eq!(response.decision, None);
    let [error] = response.errors.as_slice() else {
        panic!("one error: {response:?}");
    };
    let EvaluationErrorKind::UnreadableValue(value) = &error.kind else {
        panic!("an unreadable value: {error:?}");
    };
    assert_eq!(value.expected, ValueKind::Number);
    assert_eq!(value.text, "five");
    assert_eq!(
        (error.policy, error.statement, error.key.as_deref()),
        (0, Some(1), Some("iot:JobCount"))
    );
    assert_eq!(error.message, value.to_string());
    assert!(
        error.message.starts_with("`five` is not a number"),
        "{error}"
    );
}

#[test]
fn a_rejected_document_keeps_its_error_diagnostics() {
    let texts = [
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"allow","Action":"*","Resource":"*"},}"#,
    ];
    let response = ReferenceEvaluator.evaluate(&texts, &request("aws:SourceIp", "203.0.113.7"));
    assert_eq!(response.decision, None);
    let [error] = response.errors.as_slice() else {
        panic!("one error: {response:?}");
    };
    assert_eq!((error.policy, error.statement), (1, None));
    let EvaluationErrorKind::RejectedDocument(diagnostics) = &error.kind else {
        panic!("a rejected document: {error:?}");
    };
    let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::InvalidEffect, Code::JsonSyntax]);
    assert!(diagnostics.iter().all(|d| d.is_error()));
    assert!(error.message.contains("invalid-effect"), "{error}");
}
