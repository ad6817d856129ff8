//! Condition operators (§6-§8): truth tables per family, the missing-key table, set
//! qualifiers, NOR, IfExists, ID-8 and ID-5.

mod common;

use common::*;
use iam_eval::ContextValue;
use rstest::rstest;

fn s(v: &str) -> Option<ContextValue> {
    Some(single(v))
}

fn m(v: &[&str]) -> Option<ContextValue> {
    Some(multi(v))
}

const E: Option<bool> = None; // evaluation error
const T: Option<bool> = Some(true);
const F: Option<bool> = Some(false);

#[rstest]
#[case("StringEquals", &["a"], "a", T)]
#[case("StringEquals", &["a"], "A", F)]
#[case("StringEquals", &["*"], "x", F)] // `*` is literal
#[case("StringEquals", &["*"], "*", T)]
#[case("StringEquals", &["a", "b"], "b", T)] // values OR
#[case("StringNotEquals", &["a", "b"], "c", T)] // values NOR
#[case("StringNotEquals", &["a", "b"], "b", F)]
#[case("StringEqualsIgnoreCase", &["Beta"], "bETA", T)]
#[case("StringEqualsIgnoreCase", &["Straße"], "STRASSE", F)] // per character, no special casing
#[case("StringEqualsIgnoreCase", &["Ärger"], "äRGER", T)]
#[case("StringNotEqualsIgnoreCase", &["Beta"], "BETA", F)]
#[case("StringNotEqualsIgnoreCase", &["Beta"], "gamma", T)]
#[case("StringLike", &["job/*"], "job/firmware", T)]
#[case("StringLike", &["job/*"], "Job/firmware", F)] // case-sensitive
#[case("StringLike", &["a?c"], "abc", T)]
#[case("StringLike", &["a?c"], "aéc", T)] // `?` is one Unicode scalar
#[case("StringLike", &["a?c"], "ac", F)]
#[case("StringLike", &["*"], "", T)]
#[case("StringNotLike", &["dev-*", "test-*"], "prod-1", T)]
#[case("StringNotLike", &["dev-*", "test-*"], "test-1", F)]
fn string_operators(
    #[case] op: &str,
    #[case] values: &[&str],
    #[case] request: &str,
    #[case] expected: Option<bool>,
) {
    assert_eq!(
        holds(cond(op, "iot:ThingName", values), s(request)),
        expected
    );
}

#[rstest]
#[case("NumericEquals", &["10"], "10.0", T)]
#[case("NumericEquals", &["10"], "11", F)]
#[case("NumericNotEquals", &["1", "2"], "3", T)]
#[case("NumericNotEquals", &["1", "2"], "2", F)]
#[case("NumericLessThan", &["10"], "9.5", T)]
#[case("NumericLessThan", &["10"], "10", F)]
#[case("NumericLessThan", &["0"], "-1", T)]
#[case("NumericLessThanEquals", &["10"], "10", T)]
#[case("NumericLessThanEquals", &["10"], "10.01", F)]
#[case("NumericGreaterThan", &["10"], "10", F)]
#[case("NumericGreaterThan", &["10"], "100", T)]
#[case("NumericGreaterThanEquals", &["10"], "10", T)]
#[case("NumericGreaterThanEquals", &["10"], "9", F)]
#[case("NumericEquals", &["10"], "ten", E)]
#[case("NumericNotEquals", &["10"], "ten", E)]
#[case("NumericLessThanIfExists", &["10"], "", E)]
fn numeric_operators(
    #[case] op: &str,
    #[case] values: &[&str],
    #[case] request: &str,
    #[case] expected: Option<bool>,
) {
    assert_eq!(holds(cond(op, "iot:Count", values), s(request)), expected);
}

#[rstest]
#[case("DateLessThan", "1577836800", "not-a-date", E)]
#[case("DateEquals", "1577836800", "yesterday", E)]
#[case("DateNotEquals", "1577836800", "", E)]
fn date_operators_reject_unreadable_values(
    #[case] op: &str,
    #[case] policy: &str,
    #[case] request: &str,
    #[case] expected: Option<bool>,
) {
    assert_eq!(
        holds(cond(op, "aws:CurrentTime", &[policy]), s(request)),
        expected
    );
}

/// Needs `value::parse_instant`, which is being implemented in iam-policy.
#[rstest]
#[case("DateLessThan", "1577836800", "2019-12-31T23:59:59Z", T)]
#[case("DateLessThan", "1577836800", "2020-01-01T00:00:00Z", F)]
#[case("DateLessThanEquals", "1577836800", "1577836800", T)]
#[case("DateGreaterThan", "1577836800", "2020-01-01T00:00:01Z", T)]
#[case("DateGreaterThanEquals", "1577836800", "1577836799", F)]
#[case("DateEquals", "1577836800", "2020-01-01T00:00:00Z", T)]
#[case("DateNotEquals", "1577836800", "2020-01-01T00:00:00Z", F)]
fn date_operators(
    #[case] op: &str,
    #[case] policy: &str,
    #[case] request: &str,
    #[case] expected: Option<bool>,
) {
    assert_eq!(
        holds(cond(op, "aws:CurrentTime", &[policy]), s(request)),
        expected
    );
}

#[rstest]
#[case(&["true"], "true", T)]
#[case(&["true"], "TRUE", T)]
#[case(&["True"], "true", T)]
#[case(&["true"], "false", F)]
#[case(&["false"], "False", T)]
#[case(&["true"], "yes", E)]
#[case(&["true"], "1", E)]
fn bool_operator(#[case] values: &[&str], #[case] request: &str, #[case] expected: Option<bool>) {
    assert_eq!(
        holds(cond("Bool", "aws:SecureTransport", values), s(request)),
        expected
    );
}

#[rstest]
#[case(&["aGVsbG8="], "hello", T)]
#[case(&["aGVsbG8="], "Hello", F)]
#[case(&["", "aGVsbG8="], "", T)]
#[case(&["w6k="], "é", T)] // UTF-8 bytes
fn binary_operator(#[case] values: &[&str], #[case] request: &str, #[case] expected: Option<bool>) {
    assert_eq!(
        holds(cond("BinaryEquals", "iot:Blob", values), s(request)),
        expected
    );
}

#[rstest]
#[case("IpAddress", &["203.0.113.0/24"], "203.0.113.7", T)]
#[case("IpAddress", &["203.0.113.0/24"], "198.51.100.1", F)]
#[case("IpAddress", &["192.0.2.5/24"], "192.0.2.200", T)] // host bits ignored
#[case("IpAddress", &["203.0.113.7"], "203.0.113.7", T)] // bare v4 is /32
#[case("IpAddress", &["203.0.113.7"], "203.0.113.8", F)]
#[case("IpAddress", &["0.0.0.0/0"], "8.8.8.8", T)]
#[case("IpAddress", &["0.0.0.0/0"], "2001:db8::1", F)] // families never mix
#[case("IpAddress", &["::/0"], "2001:db8::1", T)]
#[case("IpAddress", &["2001:db8::/32"], "2001:DB8:0000::1", T)]
#[case("IpAddress", &["2001:db8::1"], "2001:db8::2", F)] // bare v6 is /128 (ID-9)
#[case("IpAddress", &["203.0.113.0/24"], "::ffff:203.0.113.7", F)] // ID-10
#[case("IpAddress", &["10.0.0.0/8", "2001:db8::/32"], "2001:db8::9", T)]
#[case("IpAddress", &["203.0.113.0/24"], "not-an-ip", E)]
#[case("IpAddress", &["10.0.0.0/8"], "10.0.0.0/8", E)]
#[case("NotIpAddress", &["203.0.113.0/24"], "203.0.113.7", F)]
#[case("NotIpAddress", &["203.0.113.0/24"], "198.51.100.1", T)]
#[case("NotIpAddress", &["203.0.113.0/24"], "not-an-ip", E)]
#[case("IpAddressIfExists", &["203.0.113.0/24"], "300.1.1.1", E)]
fn ip_operators(
    #[case] op: &str,
    #[case] values: &[&str],
    #[case] request: &str,
    #[case] expected: Option<bool>,
) {
    assert_eq!(
        holds(cond(op, "aws:SourceIp", values), s(request)),
        expected
    );
}

const THING_PATTERN: &str = "arn:aws:iot:*:123456789012:thing/*";

#[rstest]
#[case(
    "ArnLike",
    THING_PATTERN,
    "arn:aws:iot:us-east-1:123456789012:thing/t1",
    T
)]
#[case(
    "ArnEquals",
    THING_PATTERN,
    "arn:aws:iot:us-east-1:123456789012:thing/t1",
    T
)]
#[case(
    "ArnLike",
    THING_PATTERN,
    "arn:aws:iot:us-east-1:999999999999:thing/t1",
    F
)]
#[case(
    "ArnLike",
    THING_PATTERN,
    "arn:aws:iot:us-east-1:123456789012:thing/a:b",
    T
)]
#[case(
    "ArnLike",
    THING_PATTERN,
    "arn:AWS:iot:us-east-1:123456789012:thing/t1",
    F
)]
#[case("ArnLike", THING_PATTERN, "arn:aws:iot", F)] // fewer than six components
#[case("ArnLike", "arn:aws:iot:*:*:*", "arn:aws:iot:a:b", F)]
#[case("ArnNotLike", THING_PATTERN, "arn:aws:iot", T)]
#[case(
    "ArnNotLike",
    THING_PATTERN,
    "arn:aws:iot:us-east-1:123456789012:thing/t1",
    F
)]
#[case(
    "ArnNotEquals",
    THING_PATTERN,
    "arn:aws:iot:us-east-1:123456789012:job/j",
    T
)]
fn arn_operators(
    #[case] op: &str,
    #[case] pattern: &str,
    #[case] request: &str,
    #[case] expected: Option<bool>,
) {
    assert_eq!(
        holds(cond(op, "aws:SourceArn", &[pattern]), s(request)),
        expected
    );
}

#[rstest]
#[case(&["true"], None, T)]
#[case(&["true"], s("x"), F)]
#[case(&["false"], s("x"), T)]
#[case(&["false"], None, F)]
#[case(&["false"], m(&[]), T)] // an empty array is present
#[case(&["true", "false"], None, T)]
fn null_operator(
    #[case] values: &[&str],
    #[case] request: Option<ContextValue>,
    #[case] expected: Option<bool>,
) {
    assert_eq!(
        holds(cond("Null", "aws:TagKeys", values), request),
        expected
    );
}

/// The missing-key table of §6, for an operator of every family.
#[rstest]
fn absent_key_table(
    #[values(
        ("StringEquals", "a"),
        ("StringNotEquals", "a"),
        ("StringEqualsIgnoreCase", "a"),
        ("StringNotEqualsIgnoreCase", "a"),
        ("StringLike", "a*"),
        ("StringNotLike", "a*"),
        ("NumericEquals", "1"),
        ("NumericNotEquals", "1"),
        ("NumericLessThan", "1"),
        ("DateEquals", "1577836800"),
        ("DateNotEquals", "1577836800"),
        ("Bool", "true"),
        ("BinaryEquals", "aGVsbG8="),
        ("IpAddress", "10.0.0.0/8"),
        ("NotIpAddress", "10.0.0.0/8"),
        ("ArnLike", "arn:aws:iot:*:*:thing/*"),
        ("ArnEquals", "arn:aws:iot:*:*:thing/*"),
        ("ArnNotEquals", "arn:aws:iot:*:*:thing/*"),
        ("ArnNotLike", "arn:aws:iot:*:*:thing/*")
    )]
    op_value: (&str, &str),
    #[values("", "ForAllValues:", "ForAnyValue:")] qualifier: &str,
    #[values(false, true)] if_exists: bool,
) {
    let (op, value) = op_value;
    let name = format!("{qualifier}{op}{}", if if_exists { "IfExists" } else { "" });
    let negated = op.contains("Not");
    let expected = if if_exists {
        true
    } else {
        match qualifier {
            "ForAllValues:" => true,
            "ForAnyValue:" => false,
            _ => negated,
        }
    };
    assert_eq!(
        holds(cond(&name, "iot:Key", &[value]), None),
        Some(expected),
        "{name}"
    );
}

#[rstest]
#[case("ForAllValues:StringEquals", &["a", "b"], m(&["a", "b"]), T)]
#[case("ForAllValues:StringEquals", &["a", "b"], m(&["b", "a", "a"]), T)]
#[case("ForAllValues:StringEquals", &["a", "b"], m(&["a", "c"]), F)]
#[case("ForAllValues:StringEquals", &["a"], m(&[]), T)] // empty
#[case("ForAllValues:StringEquals", &["a"], s("a"), T)]
#[case("ForAnyValue:StringEquals", &["a", "b"], m(&["c", "a"]), T)]
#[case("ForAnyValue:StringEquals", &["a", "b"], m(&["c"]), F)]
#[case("ForAnyValue:StringEquals", &["a"], m(&[]), F)] // empty
#[case("ForAnyValue:StringEquals", &["a"], s("a"), T)]
#[case("ForAllValues:StringNotLike", &["x*"], m(&["a", "b"]), T)] // per value
#[case("ForAllValues:StringNotLike", &["x*"], m(&["a", "xa"]), F)]
#[case("ForAnyValue:StringNotEquals", &["a"], m(&["a", "b"]), T)]
#[case("ForAnyValue:StringNotEquals", &["a"], m(&["a"]), F)]
#[case("ForAnyValue:StringLikeIfExists", &["env*"], m(&["x", "environment"]), T)]
#[case("ForAllValues:StringEqualsIfExists", &["a"], m(&["a", "b"]), F)]
#[case("ForAnyValue:IpAddress", &["10.0.0.0/8"], m(&["10.1.1.1", "bad"]), E)] // all read
#[case("ForAnyValue:IpAddress", &["10.0.0.0/8"], m(&["bad", "10.1.1.1"]), E)]
#[case("ForAllValues:NumericLessThan", &["5"], m(&["1", "2"]), T)]
#[case("ForAllValues:NumericLessThan", &["5"], m(&["1", "7"]), F)]
fn set_qualifiers(
    #[case] op: &str,
    #[case] values: &[&str],
    #[case] request: Option<ContextValue>,
    #[case] expected: Option<bool>,
) {
    assert_eq!(holds(cond(op, "aws:TagKeys", values), request), expected);
}

/// ID-8: a plain operator on an array of other than one value.
#[rstest]
#[case("StringEquals", m(&["a", "b"]), F)]
#[case("StringEquals", m(&["a"]), T)]
#[case("StringEquals", m(&[]), F)]
#[case("StringNotEquals", m(&["a", "b"]), T)]
#[case("StringNotEquals", m(&["a"]), F)]
#[case("StringNotEquals", m(&[]), T)]
#[case("StringEqualsIfExists", m(&["a", "b"]), F)]
#[case("StringNotEqualsIfExists", m(&["x", "y"]), T)]
fn plain_operator_on_arrays(
    #[case] op: &str,
    #[case] request: Option<ContextValue>,
    #[case] expected: Option<bool>,
) {
    assert_eq!(holds(cond(op, "aws:TagKeys", &["a"]), request), expected);
}

#[test]
fn plain_operator_on_many_unreadable_values_is_not_read() {
    // ID-8 decides without reading the values.
    assert_eq!(
        holds(
            cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
            m(&["x", "y"])
        ),
        F
    );
    assert_eq!(
        holds(
            cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
            m(&["x"])
        ),
        E
    );
}

#[test]
fn if_exists_with_key_present_is_the_plain_operator() {
    let c = || cond("StringEqualsIfExists", "iot:ThingName", &["a"]);
    assert_eq!(holds(c(), s("a")), T);
    assert_eq!(holds(c(), s("b")), F);
    assert_eq!(holds(c(), None), T);
}

#[test]
fn context_keys_match_condition_keys_case_insensitively() {
    let set = set(vec![allow(&["iot:DescribeJob"], &["*"]).when(cond(
        "StringEquals",
        "aws:RequestTag/Env",
        &["beta"],
    ))]);
    let r = req(
        "iot:DescribeJob",
        JOB,
        ctx(&[("AWS:REQUESTTAG/env", single("beta"))]),
    );
    assert!(eval(&set, &r).is_allowed());
}

#[test]
fn conditions_and_together_across_operators_and_keys() {
    let set = set(vec![allow(&["iot:DescribeJob"], &["*"])
        .when(cond("StringEquals", "iot:A", &["1"]))
        .when(cond("StringEquals", "iot:B", &["2"]))
        .when(cond("Bool", "aws:SecureTransport", &["true"]))]);
    let both = ctx(&[
        ("iot:A", single("1")),
        ("iot:B", single("2")),
        ("aws:SecureTransport", single("true")),
    ]);
    assert!(eval(&set, &req("iot:DescribeJob", JOB, both)).is_allowed());
    let one_wrong = ctx(&[
        ("iot:A", single("1")),
        ("iot:B", single("3")),
        ("aws:SecureTransport", single("true")),
    ]);
    assert!(!eval(&set, &req("iot:DescribeJob", JOB, one_wrong)).is_allowed());
}

#[test]
fn a_known_operator_without_keys_is_true() {
    // A statement with no condition entries applies.
    let set = set(vec![allow(&["iot:DescribeJob"], &["*"])]);
    assert!(eval(&set, &req("iot:DescribeJob", JOB, ctx(&[]))).is_allowed());
}
