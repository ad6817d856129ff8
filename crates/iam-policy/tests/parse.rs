//! The structure parser: every problem in one pass, each at its line and column, with a hint.

use iam_policy::{
    ActionMatcher, Code, ConditionValues, Effect, OperatorKind, ParseOptions, Policy, PolicyKind,
    ResourceMatcher, TextMatcher, Version,
};
use rstest::rstest;

/// (code, line, column) of every error, in source order.
fn errors(text: &str) -> Vec<(&'static str, usize, usize)> {
    match Policy::parse(text) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .errors()
            .map(|d| (d.code.as_str(), d.position.line, d.position.column))
            .collect(),
    }
}

fn warnings(text: &str) -> Vec<&'static str> {
    Policy::check(text, &ParseOptions::default())
        .diagnostics
        .warnings()
        .map(|d| d.code.as_str())
        .collect()
}

fn help_of(text: &str, code: Code) -> String {
    Policy::check(text, &ParseOptions::default())
        .diagnostics
        .0
        .into_iter()
        .find(|d| d.code == code)
        .and_then(|d| d.help)
        .unwrap_or_default()
}

const VALID: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowDescribe",
      "Effect": "Allow",
      "Action": ["iot:DescribeJob", "iot:List*"],
      "Resource": "arn:aws:iot:us-east-1:123456789012:job/*",
      "Condition": {
        "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]},
        "Bool": {"aws:ViaAWSService": false},
        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
        "StringLike": {"aws:RequestTag/env": "prod-*"},
        "ArnLike": {"aws:SourceArn": "arn:aws:iot:*:123456789012:thing/*"}
      }
    },
    {"Effect": "Deny", "NotAction": "iotjobsdata:*", "NotResource": ["*"]}
  ]
}"#;

#[test]
fn a_valid_policy_becomes_a_typed_model() {
    let policy = Policy::parse(VALID).unwrap();
    assert_eq!(policy.version, Some(Version::V2012_10_17));
    assert_eq!(policy.statements.len(), 2);
    let first = &policy.statements[0];
    assert_eq!(first.sid.as_deref(), Some("AllowDescribe"));
    assert_eq!(first.effect, Effect::Allow);
    assert!(matches!(
        &first.actions.patterns[0].matcher,
        ActionMatcher::Vendor { vendor, .. } if vendor == "iot"
    ));
    assert!(matches!(
        first.resources.patterns[0].matcher,
        ResourceMatcher::Arn(_)
    ));
    assert_eq!(first.conditions.len(), 5);
    assert_eq!(first.conditions[0].operator.kind, OperatorKind::IpAddress);
    assert!(matches!(&first.conditions[0].values, ConditionValues::Ip(v) if v.len() == 2));
    assert!(matches!(&first.conditions[1].values, ConditionValues::Bool(v) if !v[0].value));
    assert!(
        matches!(&first.conditions[2].values, ConditionValues::Number(v) if v[0].text == "3600")
    );
    assert!(
        matches!(&first.conditions[3].values, ConditionValues::Text(v) if matches!(v[0].matcher, TextMatcher::Like(_)))
    );
    assert_eq!(first.conditions[3].key_lower, "aws:requesttag/env");
    let origin = first.origin.position.unwrap();
    assert_eq!((origin.line, origin.column), (4, 5));
    let second = &policy.statements[1];
    assert!(second.actions.negated && second.resources.negated);
}

#[test]
fn render_then_parse_gives_the_same_policy() {
    let policy = Policy::parse(VALID).unwrap();
    let rendered = policy.render();
    assert_eq!(Policy::parse(&rendered).unwrap(), policy);
    assert_eq!(Policy::parse(&rendered).unwrap().render(), rendered);
}

#[rstest]
#[case::effect_case(
    r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}"#,
    "invalid-effect",
    1,
    47
)]
#[case::no_effect(
    r#"{"Version":"2012-10-17","Statement":{"Action":"*","Resource":"*"}}"#,
    "missing-effect",
    1,
    37
)]
#[case::no_action(
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#,
    "missing-action",
    1,
    37
)]
#[case::both_actions(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}}"#, "action-and-not-action", 1, 68)]
#[case::no_resource(
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*"}}"#,
    "missing-resource",
    1,
    37
)]
#[case::vendor_wildcard(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot*:Describe*","Resource":"*"}}"#, "invalid-action", 1, 64)]
#[case::two_colons(
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:a:b","Resource":"*"}}"#,
    "invalid-action",
    1,
    64
)]
#[case::short_arn(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3::bucket"}}"#, "invalid-resource", 1, 79)]
#[case::principal(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#, "principal-not-allowed", 1, 55)]
#[case::lowercase_element(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"version":"1"}"#, "unknown-element", 1, 84)]
#[case::bad_version(
    r#"{"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
    "invalid-version",
    1,
    12
)]
#[case::empty_statement(
    r#"{"Version":"2012-10-17","Statement":[]}"#,
    "missing-statement",
    1,
    37
)]
#[case::unknown_operator(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringEquals":{}}}}"#, "unknown-operator", 1, 96)]
#[case::null_qualifier(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:Null":{"a":"true"}}}}"#, "invalid-qualifier", 1, 96)]
#[case::empty_values(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a":[]}}}}"#, "empty-condition-values", 1, 116)]
#[case::bad_ip(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.256"}}}}"#, "invalid-ip-range", 1, 124)]
#[case::bad_bool(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"a":"yes"}}}}"#, "invalid-bool", 1, 108)]
#[case::bad_number(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"a":"ten"}}}}"#, "invalid-number", 1, 117)]
#[case::bad_sid(r#"{"Version":"2012-10-17","Statement":{"Sid":"a-b","Effect":"Allow","Action":"*","Resource":"*"}}"#, "invalid-sid", 1, 44)]
#[case::not_an_object(r#""policy""#, "invalid-type", 1, 1)]
fn each_structural_error_has_its_code_and_position(
    #[case] text: &str,
    #[case] code: &str,
    #[case] line: usize,
    #[case] column: usize,
) {
    assert_eq!(errors(text), vec![(code, line, column)], "{text}");
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let text = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"A","Effect":"allow","Action":"iot","Resource":"*"},
 {"Sid":"A","Effect":"Deny","Action":"*","Resource":"arn:aws"}
]}"#;
    let codes: Vec<&str> = errors(text).into_iter().map(|e| e.0).collect();
    assert_eq!(
        codes,
        vec![
            "invalid-effect",
            "invalid-action",
            "duplicate-sid",
            "invalid-resource"
        ]
    );
}

#[test]
fn sids_differing_by_case_are_distinct() {
    let text = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},
 {"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},
 {"Sid":"","Effect":"Allow","Action":"*","Resource":"*"},
 {"Sid":"","Effect":"Allow","Action":"*","Resource":"*"}
]}"#;
    assert_eq!(errors(text), vec![]);
}

#[test]
fn hints_say_how_to_fix() {
    let effect =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}"#;
    assert_eq!(
        help_of(effect, Code::InvalidEffect),
        "Effect is case-sensitive: write `Allow`"
    );
    let op = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"a":"b"}}}}"#;
    assert_eq!(
        help_of(op, Code::UnknownOperator),
        "did you mean `StringEquals`?"
    );
    let misplaced = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{},"Bool":{"aws:ViaAWSService":"true"}}}"#;
    assert_eq!(
        errors(misplaced),
        vec![("misplaced-condition-operator", 1, 98)]
    );
    assert_eq!(
        help_of(misplaced, Code::MisplacedConditionOperator),
        "move `Bool` inside `Condition`"
    );
    let element =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Actions":"*","Resource":"*"}}"#;
    assert_eq!(
        help_of(element, Code::UnknownElement),
        "did you mean `Action`?"
    );
}

#[test]
fn lints_are_warnings_not_errors() {
    let text = r#"{"Statement":[{"Effect":"Allow","Action":"iot:CreateJobTemplate","Resource":"arn:aws:iot:region:account-id:thinggroup/thing-group-name"},{"Effect":"Allow","Action":"iot:DescribeJobs","Resource":"*"}]}"#;
    assert!(Policy::parse(text).is_ok());
    let w = warnings(text);
    for code in [
        "missing-version",
        "placeholder-arn",
        "unknown-action",
        "resource-type-mismatch",
    ] {
        assert!(w.contains(&code), "{code} missing from {w:?}");
    }
    assert_eq!(
        help_of(text, Code::UnknownAction),
        "did you mean `iot:DescribeJob`?"
    );
}

#[test]
fn variables_are_live_only_under_2012_10_17() {
    let make = |version: &str| {
        format!(
            r#"{{{version}"Statement":{{"Effect":"Allow","Action":"*","Resource":"arn:aws:iot:us-east-1:123456789012:thing/${{aws:username}}","Condition":{{"StringEquals":{{"a":"${{aws:username}}"}}}}}}}}"#
        )
    };
    let live = Policy::parse(&make(r#""Version":"2012-10-17","#)).unwrap();
    assert!(matches!(
        live.statements[0].resources.patterns[0].matcher,
        ResourceMatcher::Template(_)
    ));
    let literal = Policy::parse(&make(r#""Version":"2008-10-17","#)).unwrap();
    assert!(matches!(
        literal.statements[0].resources.patterns[0].matcher,
        ResourceMatcher::Arn(_)
    ));
    assert!(matches!(
        &literal.statements[0].conditions[0].values,
        ConditionValues::Text(v) if matches!(v[0].matcher, TextMatcher::Exact(_))
    ));
    let absent = Policy::parse(&make("")).unwrap();
    assert!(matches!(
        absent.statements[0].resources.patterns[0].matcher,
        ResourceMatcher::Arn(_)
    ));
}

#[test]
fn size_quota_applies_only_with_a_kind() {
    let actions: Vec<String> = (0..200).map(|i| format!("\"iot:Action{i:04}\"")).collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":[{}],"Resource":"*"}}}}"#,
        actions.join(",")
    );
    assert!(Policy::parse(&text).is_ok());
    let user = Policy::check(
        &text,
        &ParseOptions {
            kind: Some(PolicyKind::User),
            ..ParseOptions::default()
        },
    );
    assert!(user.policy.is_none());
    assert!(user
        .diagnostics
        .errors()
        .any(|d| d.code == Code::OverSizeQuota));
    let role = Policy::check(
        &text,
        &ParseOptions {
            kind: Some(PolicyKind::Role),
            ..ParseOptions::default()
        },
    );
    assert!(role.policy.is_some());
}

#[test]
fn bad_bytes_get_diagnostics_not_panics() {
    let checked = Policy::check_bytes(b"{\"Version\": \"\xff\"}", &ParseOptions::default());
    assert!(checked.policy.is_none());
    let d = &checked.diagnostics.0[0];
    assert_eq!(
        (d.code, d.position.line, d.position.column),
        (Code::InvalidUtf8, 1, 14)
    );
    let big = vec![b' '; (1 << 20) + 1];
    let checked = Policy::check_bytes(&big, &ParseOptions::default());
    assert_eq!(checked.diagnostics.0[0].code, Code::TooLarge);
    for text in ["", "42", "null", "[]", "\u{feff}{}"] {
        assert!(Policy::parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn a_grant_short_of_a_call_type_is_named_with_a_hint() {
    // The seed's first statement: CreateJob on a thing group only; every call names a job.
    let group = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:CreateJob","Resource":"arn:aws:iot:eu-west-1:210987654321:thinggroup/fleet"}]}"#;
    assert_eq!(warnings(group), ["incomplete-call-grant"]);
    assert_eq!(
        help_of(group, Code::IncompleteCallGrant),
        "add a `job` resource, such as `arn:aws:iot:eu-west-1:210987654321:job/*`"
    );
    // Targets are a thing or a thing group: either one completes the grant.
    let thing = group.replace(
        r#""arn:aws:iot:eu-west-1:210987654321:thinggroup/fleet""#,
        r#"["arn:aws:iot:eu-west-1:210987654321:job/*","arn:aws:iot:eu-west-1:210987654321:thing/t1"]"#,
    );
    assert!(warnings(&thing).is_empty(), "{:?}", warnings(&thing));
    // A Deny short of a type is not a grant: no warning.
    let deny = group.replace("Allow", "Deny");
    assert!(warnings(&deny).is_empty());
}
