//! Spec v2 §1: short resources padded with `*` (ID-15), vendors of any characters but `:`,
//! `*`, `?` and whitespace, and policy variables in `Bool` values (ID-18).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use iam_policy::{
    ActionMatcher, Code, ConditionValues, ParseOptions, Policy, ResourceMatcher, TextMatcher,
};
use rstest::rstest;

fn with_resource(resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"iot:DescribeJob","Resource":"{resource}"}}}}"#
    )
}

fn with_action(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"{action}","Resource":"*"}}}}"#
    )
}

fn with_condition(operator: &str, value: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"iot:DescribeJob","Resource":"*","Condition":{{"{operator}":{{"aws:SourceArn":"{value}"}}}}}}}}"#
    )
}

/// (code, column) of every diagnostic, errors and warnings.
fn diagnostics(text: &str) -> Vec<(&'static str, usize)> {
    Policy::check(text, &ParseOptions::default())
        .diagnostics
        .0
        .iter()
        .map(|d| (d.code.as_str(), d.position.column))
        .collect()
}

#[rstest]
#[case::four_segments("arn:aws:waf:*", "arn:aws:waf:*:*:*")]
#[case::three_segments("arn:aws:fdsasf", "arn:aws:fdsasf:*:*:*")]
#[case::region_only("arn:aws:sqs:us-east-1", "arn:aws:sqs:us-east-1:*:*")]
#[case::five_segments(
    "arn:aws:sqs:us-east-1:123456789012",
    "arn:aws:sqs:us-east-1:123456789012:*"
)]
fn short_resources_are_padded_and_flagged(#[case] resource: &str, #[case] padded: &str) {
    let text = with_resource(resource);
    let policy = Policy::parse(&text).expect("a short resource is accepted (ID-15)");
    let pattern = &policy.statements[0].resources.patterns[0];
    assert_eq!(pattern.text, resource, "the text stays as written");
    let ResourceMatcher::Arn(glob) = &pattern.matcher else {
        panic!("an ARN glob: {:?}", pattern.matcher)
    };
    assert_eq!(glob.to_pattern_text().as_deref(), Some(padded));
    let column = text.find(resource).unwrap(); // the opening quote is one before, 1-based
    assert_eq!(diagnostics(&text), [("short-arn", column)]);
    let check = Policy::check(&text, &ParseOptions::default());
    let warning = check.diagnostics.0.first().unwrap();
    assert!(warning.message.contains(padded), "{}", warning.message);
    assert!(warning.message.contains("ID-15"), "{}", warning.message);
    assert!(warning.help.as_deref().unwrap().contains("six segments"));
}

#[test]
fn short_not_resources_are_padded_too() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","NotResource":["arn:aws:iot:us-east-1","arn:aws:s3:::b"]}}"#;
    let policy = Policy::parse(text).unwrap();
    let clause = &policy.statements[0].resources;
    assert!(clause.negated);
    let ResourceMatcher::Arn(glob) = &clause.patterns[0].matcher else {
        panic!()
    };
    assert_eq!(
        glob.to_pattern_text().as_deref(),
        Some("arn:aws:iot:us-east-1:*:*")
    );
}

#[rstest]
#[case::two_segments("arn:aws", "too few segments")]
#[case::arn_and_colon("arn:", "too few segments")]
#[case::empty_region_short("arn:aws:s3::example_bucket", "empty region")]
#[case::empty_service("arn:aws::x", "empty service")]
#[case::trailing_colon("arn:aws:waf:", "empty region")]
#[case::empty_partition("arn::iot:*", "empty partition")]
#[case::not_arn("bucket/*", "not `*` or an ARN")]
#[case::upper_arn("ARN:aws:iot:us-east-1:1:job/j", "not `*` or an ARN")]
#[case::bare_word("arn", "not `*` or an ARN")]
fn other_resources_stay_errors(#[case] resource: &str, #[case] says: &str) {
    let text = with_resource(resource);
    let check = Policy::check(&text, &ParseOptions::default());
    let errors: Vec<_> = check.diagnostics.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, Code::InvalidResource);
    assert_eq!(errors[0].position.column, text.find(resource).unwrap());
    assert!(errors[0].message.contains(says), "{}", errors[0].message);
    assert!(errors[0].help.is_some());
}

#[test]
fn six_segments_with_empty_segments_stay_valid() {
    for resource in [
        "arn:aws:s3:::bucket",
        "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0",
        "arn:aws:iot:*:*:*/*",
    ] {
        let text = with_resource(resource);
        assert!(Policy::parse(&text).is_ok(), "{resource}");
        assert!(
            !diagnostics(&text).iter().any(|(c, _)| *c == "short-arn"),
            "{resource}"
        );
    }
}

#[test]
fn a_variable_in_a_short_resource_is_literal_text() {
    // A short pattern has no resource part, so `${...}` there is never substituted.
    let text = with_resource("arn:aws:iot:${aws:username}");
    let policy = Policy::parse(&text).unwrap();
    assert!(matches!(
        policy.statements[0].resources.patterns[0].matcher,
        ResourceMatcher::Arn(_)
    ));
}

#[rstest]
#[case::dotted("s3.s:ListBucket", "s3.s")]
#[case::dashed("s3-s:ListBucket", "s3-s")]
#[case::underscore("my_service:Get", "my_service")]
#[case::non_ascii("Ünï:Get", "ünï")]
#[case::punctuation("a+b@c:Get*", "a+b@c")]
fn vendors_take_any_character_but_colon_wildcards_and_blanks(
    #[case] action: &str,
    #[case] vendor_lower: &str,
) {
    let policy = Policy::parse(&with_action(action)).expect("a valid vendor");
    let ActionMatcher::Vendor { vendor, .. } = &policy.statements[0].actions.patterns[0].matcher
    else {
        panic!()
    };
    assert_eq!(vendor, vendor_lower);
}

#[rstest]
#[case::space("a a:Get", "invalid vendor")]
#[case::tab("a\\tb:Get", "invalid vendor")]
#[case::empty(":Get", "invalid vendor")]
#[case::star("iot*:Get", "wildcard")]
#[case::question("io?:Get", "wildcard")]
#[case::two_colons("a:b:c", "more than one colon")]
#[case::no_colon("iot", "no vendor prefix")]
fn other_vendors_stay_errors(#[case] action: &str, #[case] says: &str) {
    let text = with_action(action);
    let check = Policy::check(&text, &ParseOptions::default());
    let errors: Vec<_> = check.diagnostics.errors().collect();
    assert_eq!(errors.len(), 1, "{action}: {errors:?}");
    assert_eq!(errors[0].code, Code::InvalidAction);
    assert!(errors[0].message.contains(says), "{}", errors[0].message);
}

#[rstest]
#[case::four("arn:aws:iot:*", ["arn", "aws", "iot", "*", "*", "*"])]
#[case::three("arn:aws:iot", ["arn", "aws", "iot", "*", "*", "*"])]
#[case::five("arn:aws:iot:us-east-1:1", ["arn", "aws", "iot", "us-east-1", "1", "*"])]
fn short_arn_condition_patterns_are_padded(#[case] value: &str, #[case] components: [&str; 6]) {
    for operator in ["ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEqualsIfExists"] {
        let text = with_condition(operator, value);
        let policy = Policy::parse(&text).unwrap();
        let ConditionValues::Text(values) = &policy.statements[0].conditions[0].values else {
            panic!()
        };
        let TextMatcher::Arn(globs) = &values[0].matcher else {
            panic!("{operator}: {:?}", values[0].matcher)
        };
        let got: Vec<String> = globs.iter().map(|g| g.to_pattern_text().unwrap()).collect();
        assert_eq!(got, components, "{operator}");
        let codes: Vec<_> = diagnostics(&text).into_iter().map(|(c, _)| c).collect();
        assert_eq!(codes, ["short-arn"], "{operator}");
    }
}

#[test]
fn short_arn_condition_patterns_with_variables_are_padded() {
    let text = with_condition("ArnLike", "arn:aws:${aws:username}");
    let policy = Policy::parse(&text).unwrap();
    let ConditionValues::Text(values) = &policy.statements[0].conditions[0].values else {
        panic!()
    };
    let TextMatcher::Template(template) = &values[0].matcher else {
        panic!()
    };
    assert_eq!(template.render(), "arn:aws:${aws:username}:*:*:*");
}

#[rstest]
#[case::two("arn:aws")]
#[case::empty_segment("arn:aws:s3::b")]
#[case::star("*")]
fn condition_patterns_that_cannot_be_padded_match_nothing(#[case] value: &str) {
    let text = with_condition("ArnLike", value);
    let policy = Policy::parse(&text).expect("not an error in a condition");
    let ConditionValues::Text(values) = &policy.statements[0].conditions[0].values else {
        panic!()
    };
    assert_eq!(values[0].matcher, TextMatcher::NoMatch);
    let codes: Vec<_> = diagnostics(&text).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["short-arn-pattern"]);
}

fn bool_policy(version: &str, values: &str) -> String {
    format!(
        r#"{{"Version":"{version}","Statement":{{"Effect":"Allow","Action":"iot:CreateJob","Resource":"*","Condition":{{"Bool":{{"aws:SecureTransport":{values}}}}}}}}}"#
    )
}

#[test]
fn bool_values_with_variables_are_templates() {
    let text = bool_policy("2012-10-17", r#"["${aws:ViaAWSService}", "TRUE"]"#);
    let policy = Policy::parse(&text).expect("ID-18: substituted, checked after");
    let ConditionValues::BoolVariables(values) = &policy.statements[0].conditions[0].values else {
        panic!("{:?}", policy.statements[0].conditions[0].values)
    };
    assert!(matches!(values[0].matcher, TextMatcher::Template(_)));
    assert_eq!(values[1].matcher, TextMatcher::Exact("TRUE".into()));
    assert_eq!(
        policy.statements[0].conditions[0].values.texts(),
        ["${aws:ViaAWSService}", "TRUE"]
    );
}

#[test]
fn bool_values_with_variables_still_check_the_other_values() {
    let text = bool_policy("2012-10-17", r#"["${aws:ViaAWSService}", "yes"]"#);
    let errors: Vec<_> = diagnostics(&text)
        .into_iter()
        .filter(|(c, _)| *c == "invalid-bool")
        .collect();
    assert_eq!(errors.len(), 1);
}

#[test]
fn bool_values_hold_literal_variables_under_other_versions() {
    // Without 2012-10-17 `${...}` is literal text, which is not a boolean.
    let text = bool_policy("2008-10-17", r#""${aws:ViaAWSService}""#);
    let codes: Vec<_> = diagnostics(&text).into_iter().map(|(c, _)| c).collect();
    assert!(codes.contains(&"invalid-bool"), "{codes:?}");
    // Plain booleans stay the typed form.
    let policy = Policy::parse(&bool_policy("2012-10-17", "true")).unwrap();
    assert!(matches!(
        policy.statements[0].conditions[0].values,
        ConditionValues::Bool(_)
    ));
}

#[test]
fn numeric_values_with_variables_stay_errors() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"aws:MultiFactorAuthAge":"${aws:x}"}}}}"#;
    let check = Policy::check(text, &ParseOptions::default());
    let error = check.diagnostics.errors().next().unwrap();
    assert_eq!(error.code, Code::InvalidNumber);
    assert!(error
        .help
        .as_deref()
        .unwrap()
        .contains("String, ARN and Bool"));
}

#[test]
fn the_render_round_trip_keeps_short_resources_and_bool_variables() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3.s:Get*","Resource":"arn:aws:waf:*","Condition":{"Bool":{"aws:SecureTransport":"${aws:ViaAWSService}"},"ArnLike":{"aws:SourceArn":"arn:aws:iot"}}}}"#;
    let policy = Policy::parse(text).unwrap();
    let rendered = iam_policy::render::render(&policy);
    assert_eq!(Policy::parse(&rendered).unwrap(), policy);
}
