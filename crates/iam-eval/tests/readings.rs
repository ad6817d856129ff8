//! Every permitted reading of every implementation-defined point (docs/semantics.md §11),
//! end to end: a policy and a request, and the answer under each reading of the point.

// Test helpers outside `#[test]` functions may unwrap.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use iam_eval::{Context, ContextValue, Decision, Evaluator, Point, ReferenceUnder, Request};
use rstest::rstest;

const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/j1";

/// The answer word under `point`'s reading `word`, every other point at the reference's.
fn answer(point: Point, word: &str, policies: &[&str], request: &Request) -> &'static str {
    let mut readings = iam_eval::Readings::default();
    readings.set_word(point, word).unwrap();
    match ReferenceUnder(readings)
        .evaluate(policies, request)
        .decision
    {
        Some(Decision::Allow) => "allowed",
        Some(Decision::ExplicitDeny) => "explicitDeny",
        Some(Decision::ImplicitDeny) => "implicitDeny",
        None => "error",
    }
}

fn request(action: &str, resource: &str, context: &[(&str, ContextValue)]) -> Request {
    let context = Context::from_pairs(context.iter().cloned()).unwrap();
    Request::new(action, resource, context).unwrap()
}

fn multi(values: &[&str]) -> ContextValue {
    ContextValue::Multi(values.iter().map(|v| (*v).to_owned()).collect())
}

/// A policy allowing `iot:DescribeJob` on every resource under `condition`.
fn allow_if(condition: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {condition}}}}}"#
    )
}

/// Check the answer of every reading of `point`, in the order of `point.words()`.
fn check(point: Point, policies: &[&str], request: &Request, want: &[&str]) {
    let words = point.words();
    assert_eq!(words.len(), want.len(), "one answer per reading of {point}");
    for (word, want) in words.iter().zip(want) {
        assert_eq!(
            answer(point, word, policies, request),
            *want,
            "{point}={word} on {policies:?}"
        );
    }
}

const ALLOW_ALL: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;

#[rstest]
// The first wins: Deny; the last: Allow.
#[case(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*"}}"#, ["error", "explicitDeny", "allowed"])]
// Duplicate at the top level: the second Statement grants.
#[case(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iot:ListJobs", "Resource": "*"}, "Statement": {"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*"}}"#, ["error", "implicitDeny", "allowed"])]
// Duplicate condition key: the first holds, the last does not.
#[case(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {"StringEquals": {"iot:x": "a", "iot:x": "b"}}}}"#, ["error", "allowed", "implicitDeny"])]
fn id1_duplicate_keys(#[case] policy: &str, #[case] want: [&str; 3]) {
    let r = request("iot:DescribeJob", JOB, &[("iot:x", "a".into())]);
    check(Point::Id1, &[policy], &r, &want);
}

#[rstest]
#[case(r#"[{"Sid": "A", "Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*"}, {"Sid": "a", "Effect": "Allow", "Action": "iot:ListJobs", "Resource": "*"}]"#, ["allowed", "error"])]
#[case(r#"[{"Sid": "A", "Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*"}, {"Sid": "B", "Effect": "Allow", "Action": "iot:ListJobs", "Resource": "*"}]"#, ["allowed", "allowed"])]
#[case(r#"[{"Sid": "A", "Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*"}, {"Sid": "A", "Effect": "Allow", "Action": "iot:ListJobs", "Resource": "*"}]"#, ["error", "error"])]
fn id2_sid_case(#[case] statements: &str, #[case] want: [&str; 2]) {
    let policy = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
    let r = request("iot:DescribeJob", JOB, &[]);
    check(Point::Id2, &[&policy], &r, &want);
}

#[rstest]
#[case("iot*:Describe*", "iotjobsdata:DescribeJobExecution", ["error", "allowed"])]
#[case("iot*:Describe*", "iot:DescribeJob", ["error", "allowed"])]
#[case("IOT?:*", "iot:DescribeJob", ["error", "implicitDeny"])]
#[case("i?t:describejob", "iot:DescribeJob", ["error", "allowed"])]
#[case("io*:List*", "iot:DescribeJob", ["error", "implicitDeny"])]
fn id3_vendor_wildcard(#[case] action: &str, #[case] asked: &str, #[case] want: [&str; 2]) {
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}}}"#
    );
    let r = request(asked, JOB, &[]);
    check(Point::Id3, &[&policy], &r, &want);
}

#[rstest]
#[case(r#"{"StringEqualsIfNotThere": {}}"#, ["error", "allowed"])]
#[case(r#"{"StringEqualsIfNotThere": {}, "StringEquals": {"iot:x": "b"}}"#, ["error", "implicitDeny"])]
// Not empty: an error under every reading.
#[case(r#"{"StringEqualsIfNotThere": {"iot:x": "a"}}"#, ["error", "error"])]
fn id4_empty_unknown_operator(#[case] condition: &str, #[case] want: [&str; 2]) {
    let r = request("iot:DescribeJob", JOB, &[("iot:x", "a".into())]);
    check(Point::Id4, &[&allow_if(condition)], &r, &want);
}

#[rstest]
#[case(r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, "not-an-ip", ["error", "implicitDeny"])]
// Negated operators are false too.
#[case(r#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, "not-an-ip", ["error", "implicitDeny"])]
#[case(r#"{"NumericNotEquals": {"iot:n": "3"}}"#, "three", ["error", "implicitDeny"])]
#[case(r#"{"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}"#, "yesterday", ["error", "implicitDeny"])]
#[case(r#"{"Bool": {"aws:SecureTransport": "true"}}"#, "yes", ["error", "implicitDeny"])]
// Readable: no difference.
#[case(r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, "10.1.2.3", ["allowed", "allowed"])]
fn id5_unreadable_value(#[case] condition: &str, #[case] value: &str, #[case] want: [&str; 2]) {
    let key = condition.split('"').nth(3).unwrap();
    let r = request("iot:DescribeJob", JOB, &[(key, value.into())]);
    check(Point::Id5, &[&allow_if(condition)], &r, &want);
}

#[test]
fn id5_a_false_condition_in_a_deny_does_not_deny() {
    // The Deny's condition cannot be read: under `false` the Deny does not apply and the
    // Allow grants; under `error` nothing is allowed.
    let deny = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}}"#;
    let r = request("iot:DescribeJob", JOB, &[("aws:SourceIp", "bad".into())]);
    check(Point::Id5, &[deny, ALLOW_ALL], &r, &["error", "allowed"]);
    // A qualifier with one unreadable value among readable ones.
    let any = allow_if(r#"{"ForAnyValue:IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#);
    let r = request(
        "iot:DescribeJob",
        JOB,
        &[("aws:SourceIp", multi(&["10.0.0.1", "bad"]))],
    );
    check(Point::Id5, &[&any], &r, &["error", "implicitDeny"]);
}

#[rstest]
#[case("arn:AWS:iot:us-east-1:123456789012:job/*", JOB, ["implicitDeny", "allowed"])]
#[case("arn:aws:IoT:US-EAST-1:123456789012:job/*", JOB, ["implicitDeny", "allowed"])]
#[case("arn:aws:iot:us-east-1:123456789012:JOB/*", JOB, ["implicitDeny", "implicitDeny"])]
#[case("arn:aws:iot:us-east-1:123456789012:job/*", "arn:aws:IOT:us-east-1:123456789012:job/j1", ["implicitDeny", "allowed"])]
fn id6_resource_case(#[case] pattern: &str, #[case] resource: &str, #[case] want: [&str; 2]) {
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "{pattern}"}}}}"#
    );
    let r = request("iot:DescribeJob", resource, &[]);
    check(Point::Id6, &[&policy], &r, &want);
}

#[rstest]
#[case("ArnLike", "arn:AWS:iot:*:*:thing/*", ["implicitDeny", "allowed"])]
#[case("ArnEquals", "arn:aws:IOT:us-east-1:123456789012:thing/t1", ["implicitDeny", "allowed"])]
#[case("ArnNotLike", "arn:AWS:iot:*:*:thing/*", ["allowed", "implicitDeny"])]
#[case("ArnLike", "arn:aws:iot:*:*:THING/*", ["implicitDeny", "implicitDeny"])]
// A template value: the written head folds too.
#[case("ArnLike", "arn:AWS:iot:*:*:thing/${iot:thing}", ["implicitDeny", "allowed"])]
fn id6_arn_condition_case(#[case] operator: &str, #[case] value: &str, #[case] want: [&str; 2]) {
    let condition = format!(r#"{{"{operator}": {{"iot:arn": "{value}"}}}}"#);
    let r = request(
        "iot:DescribeJob",
        JOB,
        &[
            (
                "iot:arn",
                "arn:aws:iot:us-east-1:123456789012:thing/t1".into(),
            ),
            ("iot:thing", "t1".into()),
        ],
    );
    check(Point::Id6, &[&allow_if(&condition)], &r, &want);
}

#[rstest]
// (pattern, resource, [segment, never, always])
#[case("arn:aws:iot:*:*:job/*", "arn:aws:iot:us-east-1:123456789012:job/a:b", ["allowed", "implicitDeny", "allowed"])]
#[case("arn:aws:iot:*:job/j1:x", "arn:aws:iot:us-east-1:123456789012:job/j1:x", ["allowed", "implicitDeny", "allowed"])]
#[case("arn:aws:iot:us-east-1:123456789012:job/a?b", "arn:aws:iot:us-east-1:123456789012:job/a:b", ["implicitDeny", "implicitDeny", "allowed"])]
#[case("arn:aws:iot:us-east-1:123456789012:j*1", JOB, ["allowed", "allowed", "allowed"])]
#[case("arn:aws:iot:us-east-1:123456789012:j*b", "arn:aws:iot:us-east-1:123456789012:job/a:b", ["implicitDeny", "implicitDeny", "allowed"])]
// A template pattern follows the same reading.
#[case("arn:aws:iot:*:*:${aws:username}/*", "arn:aws:iot:us-east-1:123456789012:bob/a:b", ["allowed", "implicitDeny", "allowed"])]
fn id7_arn_reach(#[case] pattern: &str, #[case] resource: &str, #[case] want: [&str; 3]) {
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "{pattern}"}}}}"#
    );
    let r = request(
        "iot:DescribeJob",
        resource,
        &[("aws:username", "bob".into())],
    );
    check(Point::Id7, &[&policy], &r, &want);
}

#[rstest]
// (condition, values, [unmatched, anyvalue, error])
#[case(r#"{"StringEquals": {"aws:TagKeys": "env"}}"#, &["env", "team"], ["implicitDeny", "allowed", "error"])]
#[case(r#"{"StringNotEquals": {"aws:TagKeys": "env"}}"#, &["env", "team"], ["allowed", "allowed", "error"])]
#[case(r#"{"StringNotEquals": {"aws:TagKeys": "env"}}"#, &["env", "env"], ["allowed", "implicitDeny", "error"])]
#[case(r#"{"StringEquals": {"aws:TagKeys": "env"}}"#, &[], ["implicitDeny", "implicitDeny", "error"])]
#[case(r#"{"StringNotEquals": {"aws:TagKeys": "env"}}"#, &[], ["allowed", "implicitDeny", "error"])]
// One value is that value under every reading.
#[case(r#"{"StringEquals": {"aws:TagKeys": "env"}}"#, &["env"], ["allowed", "allowed", "allowed"])]
fn id8_plain_on_multivalued(
    #[case] condition: &str,
    #[case] values: &[&str],
    #[case] want: [&str; 3],
) {
    let r = request("iot:DescribeJob", JOB, &[("aws:TagKeys", multi(values))]);
    check(Point::Id8, &[&allow_if(condition)], &r, &want);
}

#[rstest]
#[case("2001:db8::1", "2001:db8::1", ["allowed", "error"])]
#[case("2001:db8::1", "2001:db8::2", ["implicitDeny", "error"])]
#[case("2001:db8::/64", "2001:db8::2", ["allowed", "allowed"])]
#[case("192.0.2.1", "192.0.2.1", ["allowed", "allowed"])]
fn id9_bare_ipv6(#[case] range: &str, #[case] address: &str, #[case] want: [&str; 2]) {
    let condition = format!(r#"{{"IpAddress": {{"aws:SourceIp": "{range}"}}}}"#);
    let r = request("iot:DescribeJob", JOB, &[("aws:SourceIp", address.into())]);
    check(Point::Id9, &[&allow_if(&condition)], &r, &want);
}

#[rstest]
#[case("IpAddress", "192.0.2.0/24", "::ffff:192.0.2.7", ["implicitDeny", "allowed"])]
#[case("NotIpAddress", "192.0.2.0/24", "::ffff:192.0.2.7", ["allowed", "implicitDeny"])]
#[case("IpAddress", "::ffff:0:0/96", "::ffff:192.0.2.7", ["allowed", "implicitDeny"])]
#[case("ForAnyValue:IpAddress", "192.0.2.0/24", "::ffff:192.0.2.7", ["implicitDeny", "allowed"])]
#[case("IpAddress", "192.0.2.0/24", "192.0.2.7", ["allowed", "allowed"])]
fn id10_mapped_ipv4(
    #[case] operator: &str,
    #[case] range: &str,
    #[case] address: &str,
    #[case] want: [&str; 2],
) {
    let condition = format!(r#"{{"{operator}": {{"aws:SourceIp": "{range}"}}}}"#);
    let r = request("iot:DescribeJob", JOB, &[("aws:SourceIp", address.into())]);
    check(Point::Id10, &[&allow_if(&condition)], &r, &want);
}

#[rstest]
#[case(r#"{"StringEquals": {"iot:x": []}}"#, ["error", "implicitDeny"])]
#[case(r#"{"StringNotEquals": {"iot:x": []}}"#, ["error", "allowed"])]
#[case(r#"{"NotIpAddress": {"aws:SourceIp": []}}"#, ["error", "allowed"])]
#[case(r#"{"NumericEquals": {"iot:x": []}}"#, ["error", "implicitDeny"])]
fn id11_empty_values(#[case] condition: &str, #[case] want: [&str; 2]) {
    let r = request(
        "iot:DescribeJob",
        JOB,
        &[("iot:x", "1".into()), ("aws:SourceIp", "192.0.2.1".into())],
    );
    check(Point::Id11, &[&allow_if(condition)], &r, &want);
}

#[rstest]
// The variable has no value: the entry excludes nothing, or the evaluation fails.
#[case(&[], ["allowed", "error"])]
// It has one: both readings agree.
#[case(&[("aws:username", "bob")], ["allowed", "allowed"])]
#[case(&[("aws:username", "j1")], ["implicitDeny", "implicitDeny"])]
fn id12_notresource_missing_variable(#[case] context: &[(&str, &str)], #[case] want: [&str; 2]) {
    let policy = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iot:DescribeJob", "NotResource": "arn:aws:iot:us-east-1:123456789012:job/${aws:username}"}}"#;
    let context: Vec<(&str, ContextValue)> =
        context.iter().map(|(k, v)| (*k, (*v).into())).collect();
    let r = request("iot:DescribeJob", JOB, &context);
    check(Point::Id12, &[policy], &r, &want);
}

#[test]
fn id12_a_positive_resource_entry_never_fails() {
    let policy = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "arn:aws:iot:us-east-1:123456789012:job/${aws:username}"}}"#;
    let r = request("iot:DescribeJob", JOB, &[]);
    check(
        Point::Id12,
        &[policy],
        &r,
        &["implicitDeny", "implicitDeny"],
    );
}

#[rstest]
#[case("ForAllValues:Null", "true", &[], ["error", "allowed"])]
#[case("ForAnyValue:Null", "true", &[("iot:x", "a")], ["error", "implicitDeny"])]
#[case("ForAnyValue:Null", "false", &[("iot:x", "a")], ["error", "allowed"])]
#[case("Null", "false", &[("iot:x", "a")], ["allowed", "allowed"])]
fn id13_null_under_qualifier(
    #[case] operator: &str,
    #[case] value: &str,
    #[case] context: &[(&str, &str)],
    #[case] want: [&str; 2],
) {
    let condition = format!(r#"{{"{operator}": {{"iot:x": "{value}"}}}}"#);
    let context: Vec<(&str, ContextValue)> =
        context.iter().map(|(k, v)| (*k, (*v).into())).collect();
    let r = request("iot:DescribeJob", JOB, &context);
    check(Point::Id13, &[&allow_if(&condition)], &r, &want);
}

#[rstest]
// (condition, request value, [epoch, year])
// The policy's `2024` is 2024 s after 1970 (epoch) or 2024-01-01 (year).
#[case(r#"{"DateGreaterThan": {"aws:CurrentTime": "2024"}}"#, "2020-06-01T00:00:00Z", ["allowed", "implicitDeny"])]
#[case(r#"{"DateLessThan": {"aws:CurrentTime": "2024"}}"#, "2023-12-31T23:59:59Z", ["implicitDeny", "allowed"])]
// The request's `2024` too.
#[case(r#"{"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}"#, "2024", ["implicitDeny", "allowed"])]
// Other digits-only values are epoch seconds under both readings.
#[case(r#"{"DateGreaterThan": {"aws:CurrentTime": "20240"}}"#, "2020-06-01T00:00:00Z", ["allowed", "allowed"])]
#[case(r#"{"DateEquals": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}"#, "2024", ["implicitDeny", "allowed"])]
fn id14_digits_only_dates(#[case] condition: &str, #[case] value: &str, #[case] want: [&str; 2]) {
    let r = request("iot:DescribeJob", JOB, &[("aws:CurrentTime", value.into())]);
    check(Point::Id14, &[&allow_if(condition)], &r, &want);
}

#[rstest]
// (resource, request resource, [padded, error])
#[case("arn:aws:iot", JOB, ["allowed", "error"])]
#[case("arn:aws:iot:us-east-1:123456789012", JOB, ["allowed", "error"])]
#[case("arn:aws:s3", JOB, ["implicitDeny", "error"])]
#[case("arn:aws:iot:*:*:job/*", JOB, ["allowed", "allowed"])]
fn id15_short_resource_arns(
    #[case] pattern: &str,
    #[case] resource: &str,
    #[case] want: [&str; 2],
) {
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "{pattern}"}}}}"#
    );
    let r = request("iot:DescribeJob", resource, &[]);
    check(Point::Id15, &[&policy], &r, &want);
}

#[rstest]
#[case(r#"{"ArnLike": {"aws:SourceArn": "arn:aws:iot"}}"#, ["allowed", "error"])]
#[case(r#"{"ArnNotLike": {"aws:SourceArn": "arn:aws:s3"}}"#, ["allowed", "error"])]
#[case(r#"{"ArnLike": {"aws:SourceArn": "arn:aws:iot:*:*:job/*"}}"#, ["allowed", "allowed"])]
fn id15_short_arn_condition_values(#[case] condition: &str, #[case] want: [&str; 2]) {
    let r = request("iot:DescribeJob", JOB, &[("aws:SourceArn", JOB.into())]);
    check(Point::Id15, &[&allow_if(condition)], &r, &want);
}

#[rstest]
// (action, resource, context, [decide, error])
#[case("iot:DescribeJob", JOB, &[], ["allowed", "allowed"])]
// An unknown action.
#[case("iot:DescribeJobz", JOB, &[], ["allowed", "error"])]
// A resource type the action does not take.
#[case("iot:DescribeJob", "arn:aws:iot:us-east-1:123456789012:thing/t1", &[], ["allowed", "error"])]
// A key the action cannot receive.
#[case("iot:DescribeJob", JOB, &[("iot:nosuchkey", "x")], ["allowed", "error"])]
fn id16_requests_outside_the_catalog(
    #[case] action: &str,
    #[case] resource: &str,
    #[case] context: &[(&str, &str)],
    #[case] want: [&str; 2],
) {
    let context: Vec<(&str, ContextValue)> =
        context.iter().map(|(k, v)| (*k, (*v).into())).collect();
    let r = request(action, resource, &context);
    check(Point::Id16, &[ALLOW_ALL], &r, &want);
}

#[test]
fn id16_refuses_even_when_no_statement_applies() {
    let r = request("iot:DescribeJobz", JOB, &[]);
    let none = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iot:ListJobs", "Resource": "*"}}"#;
    check(Point::Id16, &[none], &r, &["implicitDeny", "error"]);
}

#[rstest]
// (resource, [glob, literal])
#[case("arn:aws:iot:us-east-1:123456789012:*/j1", ["allowed", "implicitDeny"])]
#[case("arn:aws:iot:us-east-1:123456789012:jo?/j1", ["allowed", "implicitDeny"])]
#[case("arn:aws:iot:us-east-1:123456789012:j*", ["allowed", "implicitDeny"])]
// A resource part of stars only is an ordinary wildcard under both.
#[case("arn:aws:iot:us-east-1:123456789012:*", ["allowed", "allowed"])]
#[case("arn:aws:iot:us-east-1:123456789012:job/*", ["allowed", "allowed"])]
// With a live variable in the rest of the resource part.
#[case("arn:aws:iot:us-east-1:123456789012:*/${aws:username}", ["allowed", "implicitDeny"])]
fn id17_wildcard_in_the_resource_type(#[case] pattern: &str, #[case] want: [&str; 2]) {
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "{pattern}"}}}}"#
    );
    let r = request("iot:DescribeJob", JOB, &[("aws:username", "j1".into())]);
    check(Point::Id17, &[&policy], &r, &want);
}

#[rstest]
// (Bool value, [substitute, error])
#[case("${iot:flag}", ["allowed", "error"])]
#[case("${iot:absent, 'true'}", ["allowed", "error"])]
#[case("true", ["allowed", "allowed"])]
fn id18_variables_in_bool_values(#[case] value: &str, #[case] want: [&str; 2]) {
    let condition = format!(r#"{{"Bool": {{"aws:SecureTransport": "{value}"}}}}"#);
    let r = request(
        "iot:DescribeJob",
        JOB,
        &[
            ("aws:SecureTransport", "true".into()),
            ("iot:flag", "TRUE".into()),
        ],
    );
    check(Point::Id18, &[&allow_if(&condition)], &r, &want);
}

#[rstest]
// (condition, [error, nothing])
#[case(r#"{"NumericEquals": {"iot:n": "abc"}}"#, ["error", "implicitDeny"])]
#[case(r#"{"NumericNotEquals": {"iot:n": "abc"}}"#, ["error", "allowed"])]
#[case(r#"{"NumericEquals": {"iot:n": ["abc", "5"]}}"#, ["error", "allowed"])]
#[case(r#"{"IpAddress": {"aws:SourceIp": "10.0.0.256"}}"#, ["error", "implicitDeny"])]
#[case(r#"{"NotIpAddress": {"aws:SourceIp": ["10.0.0.256", "192.0.2.0/24"]}}"#, ["error", "allowed"])]
// Values that read: no difference.
#[case(r#"{"NumericEquals": {"iot:n": "5"}}"#, ["allowed", "allowed"])]
fn id19_ill_typed_policy_values(#[case] condition: &str, #[case] want: [&str; 2]) {
    let r = request(
        "iot:DescribeJob",
        JOB,
        &[("iot:n", "5".into()), ("aws:SourceIp", "10.0.0.1".into())],
    );
    check(Point::Id19, &[&allow_if(condition)], &r, &want);
}

#[rstest]
// (policy value, request value, [bytes, text])
// `aGk=` is the base-64 of `hi`.
#[case("aGk=", "hi", ["allowed", "implicitDeny"])]
#[case("aGk=", "aGk=", ["implicitDeny", "allowed"])]
#[case("aGk=", "ho", ["implicitDeny", "implicitDeny"])]
fn id20_binary_equals(#[case] policy_value: &str, #[case] value: &str, #[case] want: [&str; 2]) {
    let condition = format!(r#"{{"BinaryEquals": {{"iot:b": "{policy_value}"}}}}"#);
    let r = request("iot:DescribeJob", JOB, &[("iot:b", value.into())]);
    check(Point::Id20, &[&allow_if(&condition)], &r, &want);
}

#[rstest]
// (operator, request value, [nomatch, false, error])
#[case("ArnLike", "arn:aws:iot", ["implicitDeny", "implicitDeny", "error"])]
#[case("ArnNotLike", "arn:aws:iot", ["allowed", "implicitDeny", "error"])]
#[case("ArnNotEquals", "not-an-arn", ["allowed", "implicitDeny", "error"])]
#[case("ForAnyValue:ArnNotLike", "arn:aws:iot", ["allowed", "implicitDeny", "error"])]
// Six components: no difference.
#[case("ArnLike", JOB, ["allowed", "allowed", "allowed"])]
#[case("ArnNotLike", "arn:aws:iot:us-east-1:123456789012:thing/t1", ["allowed", "allowed", "allowed"])]
fn id21_arn_conditions_on_short_values(
    #[case] operator: &str,
    #[case] value: &str,
    #[case] want: [&str; 3],
) {
    let condition = format!(r#"{{"{operator}": {{"aws:SourceArn": "arn:aws:iot:*:*:job/*"}}}}"#);
    let r = request("iot:DescribeJob", JOB, &[("aws:SourceArn", value.into())]);
    check(Point::Id21, &[&allow_if(&condition)], &r, &want);
}

#[test]
fn id21_a_template_value_follows_the_reading_too() {
    let condition = r#"{"ArnNotLike": {"aws:SourceArn": "arn:aws:iot:*:*:job/${aws:username}"}}"#;
    let r = request(
        "iot:DescribeJob",
        JOB,
        &[
            ("aws:SourceArn", "arn:aws".into()),
            ("aws:username", "j1".into()),
        ],
    );
    check(
        Point::Id21,
        &[&allow_if(condition)],
        &r,
        &["allowed", "implicitDeny", "error"],
    );
}
