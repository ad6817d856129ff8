//! Spec v2 decisions: short ARN patterns padded with `*` (ID-15) in `Resource`, `NotResource`
//! and `Arn*` conditions; short request values under `Arn*` (ID-21); policy variables in
//! `Bool` values (ID-18); vendors of any characters.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use iam_eval::{Context, ContextValue, Decision, Evaluator, ReferenceEvaluator, Request};

use Decision::{Allow, ExplicitDeny, ImplicitDeny};

fn decide(
    policy: &str,
    action: &str,
    resource: &str,
    context: &[(&str, &str)],
) -> Option<Decision> {
    let context = Context::from_pairs(
        context
            .iter()
            .map(|(k, v)| (k.to_string(), ContextValue::from(*v))),
    )
    .unwrap();
    let request = Request::new(action, resource, context).unwrap();
    ReferenceEvaluator.evaluate(&[policy], &request).decision
}

fn allow_on(resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"{resource}"}}}}"#
    )
}

const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/j1";

#[test]
fn a_short_resource_matches_as_its_padded_form() {
    let waf = allow_on("arn:aws:waf:*");
    assert_eq!(
        decide(
            &waf,
            "waf:GetRule",
            "arn:aws:waf::123456789012:rule/r1",
            &[]
        ),
        Some(Allow)
    );
    assert_eq!(
        decide(&waf, "iot:DescribeJob", JOB, &[]),
        Some(ImplicitDeny)
    );
    let iot = allow_on("arn:aws:iot:us-east-1");
    assert_eq!(decide(&iot, "iot:DescribeJob", JOB, &[]), Some(Allow));
    assert_eq!(
        decide(
            &iot,
            "iot:DescribeJob",
            "arn:aws:iot:us-west-2:123456789012:job/j1",
            &[]
        ),
        Some(ImplicitDeny)
    );
    let account = allow_on("arn:aws:iot:us-east-1:123456789012");
    assert_eq!(decide(&account, "iot:DescribeJob", JOB, &[]), Some(Allow));
    assert_eq!(
        decide(
            &account,
            "iot:DescribeJob",
            "arn:aws:iot:us-east-1:210987654321:job/j1",
            &[]
        ),
        Some(ImplicitDeny)
    );
    // A resource part with colons still matches: the padded last `*` ends its segment.
    assert_eq!(
        decide(
            &allow_on("arn:aws:iot:us-east-1"),
            "iot:DescribeManagedJobTemplate",
            "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0",
            &[]
        ),
        Some(Allow)
    );
    // A pattern is never a prefix: the short form does not match a longer service name.
    assert_eq!(
        decide(&allow_on("arn:aws:io"), "iot:DescribeJob", JOB, &[]),
        Some(ImplicitDeny)
    );
    // Never the `*` of a resource-less action.
    assert_eq!(
        decide(&allow_on("arn:aws:iot"), "iot:ListJobs", "*", &[]),
        Some(ImplicitDeny)
    );
}

#[test]
fn a_short_not_resource_excludes_its_padded_form() {
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"iot:*","Resource":"*"},
        {"Effect":"Deny","Action":"iot:*","NotResource":"arn:aws:iot:us-east-1"}]}"#;
    assert_eq!(decide(policy, "iot:DescribeJob", JOB, &[]), Some(Allow));
    assert_eq!(
        decide(
            policy,
            "iot:DescribeJob",
            "arn:aws:iot:eu-west-1:123456789012:job/j1",
            &[]
        ),
        Some(ExplicitDeny)
    );
}

fn arn_condition(operator: &str, pattern: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"{operator}":{{"aws:SourceArn":"{pattern}"}}}}}}}}"#
    )
}

#[test]
fn a_short_arn_condition_pattern_matches_as_its_padded_form() {
    let like = arn_condition("ArnLike", "arn:aws:iot:us-east-1");
    let src = |v: &'static str| [("aws:SourceArn", v)];
    assert_eq!(decide(&like, "iot:ListJobs", "*", &src(JOB)), Some(Allow));
    assert_eq!(
        decide(
            &like,
            "iot:ListJobs",
            "*",
            &src("arn:aws:iot:eu-west-1:1:job/j")
        ),
        Some(ImplicitDeny)
    );
    let equals = arn_condition("ArnEquals", "arn:aws:iot");
    assert_eq!(decide(&equals, "iot:ListJobs", "*", &src(JOB)), Some(Allow));
    let not_like = arn_condition("ArnNotLike", "arn:aws:iot:us-east-1");
    assert_eq!(
        decide(&not_like, "iot:ListJobs", "*", &src(JOB)),
        Some(ImplicitDeny)
    );
    assert_eq!(
        decide(&not_like, "iot:ListJobs", "*", &src("arn:aws:s3:::b")),
        Some(Allow)
    );
    let with_variable = arn_condition("ArnLike", "arn:aws:${aws:PrincipalTag/svc}");
    assert_eq!(
        decide(
            &with_variable,
            "iot:ListJobs",
            "*",
            &[("aws:SourceArn", JOB), ("aws:PrincipalTag/svc", "iot")]
        ),
        Some(Allow)
    );
    assert_eq!(
        decide(
            &with_variable,
            "iot:ListJobs",
            "*",
            &[("aws:SourceArn", JOB), ("aws:PrincipalTag/svc", "s3")]
        ),
        Some(ImplicitDeny)
    );
}

#[test]
fn a_short_request_value_matches_no_arn_pattern() {
    // ID-21: request values are never padded.
    let src = |v: &'static str| [("aws:SourceArn", v)];
    let like = arn_condition("ArnLike", "arn:aws:iot:*:*:*");
    assert_eq!(
        decide(&like, "iot:ListJobs", "*", &src("arn:aws:iot")),
        Some(ImplicitDeny)
    );
    assert_eq!(
        decide(
            &arn_condition("ArnLike", "arn:aws:iot"),
            "iot:ListJobs",
            "*",
            &src("arn:aws:iot")
        ),
        Some(ImplicitDeny)
    );
    let not_like = arn_condition("ArnNotLike", "arn:aws:iot:*:*:*");
    assert_eq!(
        decide(&not_like, "iot:ListJobs", "*", &src("arn:aws:iot")),
        Some(Allow)
    );
}

fn bool_condition(values: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"Bool":{{"aws:SecureTransport":{values}}}}}}}}}"#
    )
}

#[test]
fn bool_values_substitute_policy_variables() {
    let policy = bool_condition(r#""${aws:PrincipalTag/tls}""#);
    let ask = |secure: &'static str, tag: Option<&'static str>| {
        let mut context = vec![("aws:SecureTransport", secure)];
        if let Some(tag) = tag {
            context.push(("aws:PrincipalTag/tls", tag));
        }
        decide(&policy, "iot:ListJobs", "*", &context)
    };
    assert_eq!(ask("true", Some("true")), Some(Allow));
    assert_eq!(
        ask("TRUE", Some("tRuE")),
        Some(Allow),
        "case-insensitive on both sides"
    );
    assert_eq!(ask("false", Some("FALSE")), Some(Allow));
    assert_eq!(ask("true", Some("false")), Some(ImplicitDeny));
    assert_eq!(
        ask("true", Some("yes")),
        Some(ImplicitDeny),
        "not a boolean: matches nothing"
    );
    assert_eq!(
        ask("true", None),
        Some(ImplicitDeny),
        "no value: matches nothing"
    );
    assert_eq!(
        ask("maybe", Some("true")),
        None,
        "an unreadable request value is an error (ID-5)"
    );
    let with_default = bool_condition(r#"["${aws:PrincipalTag/tls, 'true'}", "false"]"#);
    let d = |secure| {
        decide(
            &with_default,
            "iot:ListJobs",
            "*",
            &[("aws:SecureTransport", secure)],
        )
    };
    assert_eq!(d("true"), Some(Allow));
    assert_eq!(d("false"), Some(Allow));
}

#[test]
fn negated_bool_like_use_of_a_variable_under_a_qualifier() {
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:Bool":{"aws:SecureTransport":"${aws:PrincipalTag/deny}"}}}}"#;
    let context = [
        ("aws:SecureTransport", "false"),
        ("aws:PrincipalTag/deny", "False"),
    ];
    assert_eq!(
        decide(policy, "iot:ListJobs", "*", &context),
        Some(ExplicitDeny)
    );
}

#[test]
fn any_vendor_matches_case_insensitively() {
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3.s:List*","Ünï:Get"],"Resource":"*"}}"#;
    assert_eq!(decide(policy, "S3.S:ListBucket", "*", &[]), Some(Allow));
    assert_eq!(decide(policy, "ÜNÏ:get", "*", &[]), Some(Allow));
    assert_eq!(
        decide(policy, "s3:ListBucket", "*", &[]),
        Some(ImplicitDeny)
    );
}
