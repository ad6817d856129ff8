use super::*;
use proptest::prelude::*;
use rstest::rstest;
use serde_json::Value;

/// The tree without spans, as serde_json would have it (numbers read by serde_json too, so
/// that it compares with `serde_json::from_str` of a whole document).
fn to_serde(value: &JsonValue) -> Value {
    convert(value, &|text| serde_json::from_str(text).unwrap())
}

/// The tree without spans, numbers read exactly (serde_json's default float parser is not
/// correctly rounded, so it is no oracle for trees serde_json serialized).
fn to_serde_exact(value: &JsonValue) -> Value {
    convert(value, &|text| {
        if let Ok(i) = text.parse::<i64>() {
            Value::from(i)
        } else if let Ok(u) = text.parse::<u64>() {
            Value::from(u)
        } else {
            Value::from(text.parse::<f64>().unwrap())
        }
    })
}

fn convert(value: &JsonValue, number: &dyn Fn(&str) -> Value) -> Value {
    match &value.kind {
        JsonKind::Null => Value::Null,
        JsonKind::Bool(b) => Value::Bool(*b),
        JsonKind::Number(text) => number(text),
        JsonKind::String(s) => Value::String(s.clone()),
        JsonKind::Array(items) => Value::Array(items.iter().map(|v| convert(v, number)).collect()),
        JsonKind::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| (m.key.clone(), convert(&m.value, number)))
                .collect(),
        ),
    }
}

fn codes_and_offsets(outcome: &JsonOutcome) -> Vec<(Code, usize)> {
    outcome
        .diagnostics
        .iter()
        .map(|d| (d.code, d.span.start))
        .collect()
}

fn check_spans(text: &str, outcome: &JsonOutcome) {
    for d in &outcome.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{d:?}"
        );
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        assert!(!d.message.is_empty());
    }
    let starts: Vec<usize> = outcome.diagnostics.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted, "diagnostics are in source order");
}

#[rstest]
#[case("null")]
#[case("true")]
#[case(" false ")]
#[case("0")]
#[case("-0")]
#[case("[1, -0, 0.5, 1e10, -1.5E-3, 2e+2, 10, 123456789012345678901234567890]")]
#[case(r#""\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r""#)]
#[case("\"é😀 raw unicode\"")]
#[case("{}")]
#[case("[]")]
#[case("[[], {}, [[]]]")]
#[case(r#"{"a": {"b": [true, false, null]}, "": "empty key"}"#)]
#[case("\t\r\n {\"x\" :\r\n 1 } \n")]
#[case(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)]
fn valid_documents_match_serde(#[case] text: &str) {
    let outcome = parse_json(text);
    assert_eq!(outcome.diagnostics, vec![], "{text}");
    let expected: Value = serde_json::from_str(text).unwrap();
    assert_eq!(to_serde(&outcome.value.unwrap()), expected);
}

#[test]
fn spans_cover_values_keys_and_brackets() {
    let text = r#" {"a": [1, "x\n"], "b": null} "#;
    let value = parse_json(text).value.unwrap();
    assert_eq!(value.span, Span::new(1, 29));
    let JsonKind::Object(members) = &value.kind else {
        panic!("an object")
    };
    assert_eq!(members[0].key_span, Span::new(2, 5));
    assert_eq!(members[0].value.span, Span::new(7, 17));
    let JsonKind::Array(items) = &members[0].value.kind else {
        panic!("an array")
    };
    assert_eq!(items[0].span, Span::new(8, 9));
    assert_eq!(items[1].span, Span::new(11, 16));
    assert_eq!(items[1].kind, JsonKind::String("x\n".into()));
    assert_eq!(members[1].value.span, Span::new(24, 28));
}

#[test]
fn numbers_keep_their_exact_text() {
    let value = parse_json("[1.50, -0.0e+00, 100000000000000000000000001]")
        .value
        .unwrap();
    let JsonKind::Array(items) = value.kind else {
        panic!("an array")
    };
    let texts: Vec<JsonKind> = items.into_iter().map(|v| v.kind).collect();
    assert_eq!(
        texts,
        vec![
            JsonKind::Number("1.50".into()),
            JsonKind::Number("-0.0e+00".into()),
            JsonKind::Number("100000000000000000000000001".into()),
        ]
    );
}

const S: Code = Code::JsonSyntax;

#[rstest]
#[case::trailing_comma_array("[1,]", &[(S, 2)])]
#[case::trailing_comma_object(r#"{"a":1,}"#, &[(S, 6)])]
#[case::missing_comma_array("[1 2]", &[(S, 3)])]
#[case::missing_comma_object(r#"{"a":1 "b":2}"#, &[(S, 7)])]
#[case::line_comment("// c\n{}", &[(S, 0)])]
#[case::block_comment("{} /* x */", &[(S, 3)])]
#[case::hash_comment("{\n# x\n}", &[(S, 2)])]
#[case::single_quotes("['a']", &[(S, 1)])]
#[case::unquoted_key("{a: 1}", &[(S, 1)])]
#[case::raw_tab("\"a\tb\"", &[(S, 2)])]
#[case::raw_nul("\"a\u{0}b\"", &[(S, 2)])]
#[case::leading_zero("[01]", &[(S, 1)])]
#[case::plus("[+1]", &[(S, 1)])]
#[case::bare_fraction("[.5]", &[(S, 1)])]
#[case::dot_without_digits("[1.]", &[(S, 1)])]
#[case::empty_exponent("[1e]", &[(S, 1)])]
#[case::lone_minus("[-]", &[(S, 1)])]
#[case::hex("[0x1F]", &[(S, 1)])]
#[case::nan("[NaN]", &[(S, 1)])]
#[case::infinity("[Infinity]", &[(S, 1)])]
#[case::minus_infinity("[-Infinity]", &[(S, 1)])]
#[case::capital_true("[True]", &[(S, 1)])]
#[case::bareword(r#"{"a": Allow}"#, &[(S, 6)])]
#[case::trailing_word("{} x", &[(S, 3)])]
#[case::trailing_closer("{}}", &[(S, 2)])]
#[case::second_document("[1] [2]", &[(S, 4)])]
#[case::invalid_escape(r#""\x""#, &[(S, 1)])]
#[case::lone_high_surrogate(r#""\ud800""#, &[(S, 1)])]
#[case::high_then_non_low(r#""\ud800\u0041""#, &[(S, 1)])]
#[case::lone_low_surrogate(r#""a\udc00""#, &[(S, 2)])]
#[case::short_unicode(r#""\u12G4""#, &[(S, 1)])]
#[case::bom("\u{feff}{}", &[(S, 0)])]
#[case::nbsp("{\"a\":1}\u{a0}", &[(S, 7)])]
#[case::form_feed("[1,\u{c}2]", &[(S, 3)])]
#[case::empty("", &[(S, 0)])]
#[case::blank("   ", &[(S, 3)])]
#[case::double_comma("[1,,2]", &[(S, 3)])]
#[case::double_comma_trailing("[1,,]", &[(S, 3)])]
#[case::leading_comma("[,1]", &[(S, 1)])]
#[case::missing_colon(r#"{"a" 1}"#, &[(S, 5)])]
#[case::missing_value(r#"{"a": }"#, &[(S, 6)])]
#[case::missing_value_before_comma(r#"{"a": , "b": 1}"#, &[(S, 6)])]
#[case::double_comma_object(r#"{"a" : 1,, "b":2}"#, &[(S, 9)])]
#[case::duplicate_key(r#"{"a":1,"a":2}"#, &[(Code::DuplicateKey, 7)])]
#[case::wrong_closer("[1, 2}", &[(S, 5)])]
#[case::wrong_closer_object(r#"{"a":1]"#, &[(S, 6)])]
#[case::wrong_closer_then_more(r#"{"a": [1, 2}, "b": 3}"#, &[(S, 11)])]
#[case::missing_closer_inner(r#"{"a": [1, 2}"#, &[(S, 11)])]
#[case::missing_object_closer(r#"[{"a":1]"#, &[(S, 7)])]
#[case::two_missing_closers(r#"{"a": [[1}"#, &[(S, 9), (S, 9)])]
#[case::unclosed_at_eof("[1, 2", &[(S, 5)])]
#[case::unclosed_nested(r#"{"a": [1"#, &[(S, 8)])]
#[case::unterminated("\"abc", &[(S, 0)])]
#[case::unterminated_then_comma("[\"abc\n, 1]", &[(S, 1)])]
#[case::garbage_between("[1 @ 2]", &[(S, 3)])]
#[case::trailing_and_missing_comma("[\"a\" \"b\",]", &[(S, 5), (S, 8)])]
fn invalid_documents(#[case] text: &str, #[case] expected: &[(Code, usize)]) {
    let outcome = parse_json(text);
    check_spans(text, &outcome);
    assert_eq!(
        codes_and_offsets(&outcome),
        expected,
        "{:#?}",
        outcome.diagnostics
    );
}

#[rstest]
#[case("[1,]", "[1]")]
#[case(r#"{"a":1,}"#, r#"{"a":1}"#)]
#[case("[1 2]", "[1,2]")]
#[case(r#"{"a":1 "b":2}"#, r#"{"a":1,"b":2}"#)]
#[case("['a']", r#"["a"]"#)]
#[case("{a: 1}", r#"{"a":1}"#)]
#[case(r#"{"Effect": Allow}"#, r#"{"Effect":"Allow"}"#)]
#[case("[True, FALSE, Null]", "[true,false,null]")]
#[case("\u{feff}[1]", "[1]")]
#[case("// note\n[1] /* end */", "[1]")]
#[case(r#"["a\x"]"#, r#"["a\\x"]"#)]
#[case(r#"["\ud800"]"#, r#"["\ufffd"]"#)]
#[case(r#"{"a":1,"a":2,"b":3}"#, r#"{"a":1,"b":3}"#)]
#[case("[1, 2}", "[1,2]")]
#[case(r#"{"a": [1, 2}, "b": 3}"#, r#"{"a":[1,2],"b":3}"#)]
#[case(r#"{"a": [1, 2}"#, r#"{"a":[1,2]}"#)]
#[case(r#"[{"a":1]"#, r#"[{"a":1}]"#)]
#[case(r#"{"a": [1, {"b": 2"#, r#"{"a":[1,{"b":2}]}"#)]
#[case(r#"{"a": 1, "b": }"#, r#"{"a":1}"#)]
#[case(r#"{"a" 1}"#, r#"{"a":1}"#)]
#[case("[1 @ 2]", "[1,2]")]
#[case("[\"a\n \"b\"]", r#"["a","b"]"#)]
#[case(
    "{\"Effect\": \"Allow,\n \"Action\": \"x\"}",
    r#"{"Effect":"Allow","Action":"x"}"#
)]
fn recovered_tree_is_what_was_meant(#[case] text: &str, #[case] meant: &str) {
    let outcome = parse_json(text);
    assert!(!outcome.diagnostics.is_empty(), "{text}");
    let expected: Value = serde_json::from_str(meant).unwrap();
    assert_eq!(to_serde(&outcome.value.unwrap()), expected, "{text}");
}

#[test]
fn one_diagnostic_per_unterminated_string() {
    let text = "{\"Effect\": \"Allow,\n \"Action\": \"x\"}";
    let outcome = parse_json(text);
    assert_eq!(codes_and_offsets(&outcome), vec![(S, 11)]);
    assert!(outcome.diagnostics[0]
        .message
        .contains("unterminated string"));
}

#[test]
fn messages_say_expected_and_found() {
    let text = "[\n  \"arn:aws:iot:region:account-id:thing/thing-name\"\n  \"b\",\n]";
    let outcome = parse_json(text);
    assert_eq!(outcome.diagnostics.len(), 2);
    let missing = &outcome.diagnostics[0];
    assert_eq!(
        missing.message,
        "expected `,` or `]` after an array element, found `\"b\"`"
    );
    assert_eq!(
        missing.help.as_deref(),
        Some("add a comma between the two values")
    );
    let trailing = &outcome.diagnostics[1];
    assert_eq!(trailing.message, "trailing comma before `]`");
    assert_eq!(trailing.help.as_deref(), Some("remove the comma"));
    assert_eq!(
        trailing.span,
        Span::new(text.rfind(',').unwrap(), text.rfind(',').unwrap() + 1)
    );

    let long = r#"["a" "arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing"]"#;
    let message = &parse_json(long).diagnostics[0].message;
    assert_eq!(
        message,
        "expected `,` or `]` after an array element, found `\"arn:aws:iot:us-east-1:123456789...`"
    );

    let bom = parse_json("\u{feff}{}");
    assert!(bom.diagnostics[0]
        .message
        .starts_with("byte-order mark is not allowed"));
    assert_eq!(bom.value.unwrap().kind, JsonKind::Object(vec![]));
}

#[test]
fn duplicate_keys_are_reported_with_the_first_position_and_dropped() {
    let text = "{\n  \"Effect\": \"Allow\",\n  \"Effect\": \"Deny\",\n  \"Effect\": 1\n}";
    let outcome = parse_json(text);
    let dups: Vec<&Diagnostic> = outcome.diagnostics.iter().collect();
    assert_eq!(dups.len(), 2);
    for d in &dups {
        assert_eq!(d.code, Code::DuplicateKey);
        assert_eq!(d.message, "duplicate key `Effect` in this object");
        assert_eq!(
            d.help.as_deref(),
            Some("the first `Effect` is at line 2, column 3 and is kept; remove one of them")
        );
    }
    assert_eq!(dups[0].span.start, text.find("\"Effect\": \"Deny").unwrap());
    assert_eq!(
        to_serde(&outcome.value.unwrap()),
        serde_json::json!({"Effect": "Allow"})
    );
    // The same key in different objects is no duplicate.
    assert!(parse_json(r#"[{"a":1},{"a":2},{"b":{"a":3}}]"#)
        .diagnostics
        .is_empty());
}

#[test]
fn mismatched_closer_names_the_opening_bracket() {
    let outcome = parse_json("{\n  \"a\": [1, 2}\n}");
    assert_eq!(outcome.diagnostics.len(), 1);
    assert_eq!(
        outcome.diagnostics[0].message,
        "expected `]` to close the array opened at line 2, column 8, found `}`"
    );
    let eof = parse_json("{\"a\": [1");
    assert_eq!(
        eof.diagnostics[0].help.as_deref(),
        Some("add `]}` at the end")
    );
}

fn nested(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

#[test]
fn depth_64_is_accepted_and_65_is_too_deep() {
    let ok = parse_json(&nested(MAX_DEPTH));
    assert_eq!(ok.diagnostics, vec![]);
    let too_deep = parse_json(&nested(MAX_DEPTH + 1));
    assert_eq!(
        codes_and_offsets(&too_deep),
        vec![(Code::TooDeep, MAX_DEPTH)]
    );
    // The too-deep subtree is dropped; the 64 levels above it remain.
    let mut value = too_deep.value.unwrap();
    let mut levels = 1;
    while let JsonKind::Array(mut items) = value.kind {
        let Some(inner) = items.pop() else { break };
        value = inner;
        levels += 1;
    }
    assert_eq!(levels, MAX_DEPTH);

    let objects = "{\"a\":".repeat(MAX_DEPTH + 1) + "1" + &"}".repeat(MAX_DEPTH + 1);
    let outcome = parse_json(&objects);
    assert_eq!(
        codes_and_offsets(&outcome),
        vec![(Code::TooDeep, MAX_DEPTH * 5)]
    );
}

#[test]
fn deep_nesting_needs_no_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let balanced = parse_json(&nested(100_000));
            let unbalanced = parse_json(&"[".repeat(100_000));
            let mixed = parse_json(&"{\"k\":[".repeat(50_000));
            (
                codes_and_offsets(&balanced),
                codes_and_offsets(&unbalanced),
                codes_and_offsets(&mixed),
            )
        })
        .unwrap();
    let (balanced, unbalanced, mixed) = handle.join().unwrap();
    assert_eq!(balanced, vec![(Code::TooDeep, MAX_DEPTH)]);
    assert_eq!(
        unbalanced,
        vec![(Code::TooDeep, MAX_DEPTH), (Code::JsonSyntax, 100_000)]
    );
    assert_eq!(mixed[0].0, Code::TooDeep);
    assert_eq!(mixed.len(), 2);
}

#[test]
fn size_limit() {
    let at_limit = format!("\"{}\"", "a".repeat(MAX_SIZE - 2));
    let outcome = parse_json(&at_limit);
    assert_eq!(outcome.diagnostics, vec![]);
    let over = format!("\"{}\"", "a".repeat(MAX_SIZE - 1));
    let outcome = parse_json(&over);
    assert_eq!(codes_and_offsets(&outcome), vec![(Code::TooLarge, 0)]);
    assert!(outcome.value.is_none());
}

#[test]
fn large_inputs_parse_in_linear_time() {
    let mut array = String::from("[1");
    while array.len() < 500_000 {
        array.push_str(",1");
    }
    array.push(']');
    let outcome = parse_json(&array);
    assert!(outcome.diagnostics.is_empty());
    let JsonKind::Array(items) = outcome.value.unwrap().kind else {
        panic!("an array")
    };
    assert_eq!(items.len(), 250_000);

    let escaped = format!("\"{}\"", "ab\\n\\u00e9".repeat(80_000));
    assert!(parse_json(&escaped).diagnostics.is_empty());

    // Many duplicate keys on one long line: each message locates the first key.
    let keys: String = (0..20_000).map(|i| format!("\"k{i}\":0,")).collect();
    let text = format!("{{{keys}{}\"end\":0}}", keys);
    let outcome = parse_json(&text);
    assert_eq!(outcome.diagnostics.len(), 20_000);
    assert!(outcome
        .diagnostics
        .iter()
        .all(|d| d.code == Code::DuplicateKey));

    // Many errors (each missing comma reported) stay linear too.
    let missing = format!("[{}]", "1 ".repeat(100_000));
    assert_eq!(parse_json(&missing).diagnostics.len(), 99_999);
}

// ----- the seed page's examples (conformance/seed/iam-policy-users-jobs.md) -----

const E1: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Action": [
                "iot:CreateJobTemplate",
                "iot:CreateJob",
                ],
            "Effect": "Allow",
            "Resource": "arn:aws:iot:region:account-id:thinggroup/thing-group-name"
        },
        {
            "Action": [
                "iot:DescribeJob",
                "iot:CancelJob",
                "iot:DeleteJob",
            ],
            "Effect": "Allow",
            "Resource": "arn:aws:iot:region:account-id:job/*"
        },
        {
            "Action": [
                "iot:DescribeJobExecution",
                "iot:CancelJobExecution",
                "iot:DeleteJobExecution",
            ],
            "Effect": "Allow",
            "Resource": [
                "arn:aws:iot:region:account-id:thing/thing-name"
                "arn:aws:iot:region:account-id:job/*"
            ]
        }
    ]
}"#;
const E1_FIXED: &str = r#"{"Version":"2012-10-17","Statement":[{"Action":["iot:CreateJobTemplate","iot:CreateJob"],"Effect":"Allow","Resource":"arn:aws:iot:region:account-id:thinggroup/thing-group-name"},{"Action":["iot:DescribeJob","iot:CancelJob","iot:DeleteJob"],"Effect":"Allow","Resource":"arn:aws:iot:region:account-id:job/*"},{"Action":["iot:DescribeJobExecution","iot:CancelJobExecution","iot:DeleteJobExecution"],"Effect":"Allow","Resource":["arn:aws:iot:region:account-id:thing/thing-name","arn:aws:iot:region:account-id:job/*"]}]}"#;

const E2: &str = "{            
   \"Version\": \"2012-10-17\",
   \"Statement\": [
       {
            \"Effect\": \"Allow\",
            \"Action\": [
                \"iot:CreateJobTemplate\",
                \"iot:CreateJob\"
             ],
            \"Resource\": [\"*\"],
            \"Condition\": {
                \"IpAddress\": {
                    \"aws:SourceIp\": \"123.45.167.89\"
                }
            },            
            \"Bool\": {\"aws:ViaAWSService\": \"true\"}
        }
    ],
}";
const E2_FIXED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:CreateJobTemplate","iot:CreateJob"],"Resource":["*"],"Condition":{"IpAddress":{"aws:SourceIp":"123.45.167.89"}},"Bool":{"aws:ViaAWSService":"true"}}]}"#;

const E3: &str = r#"{
    "Version": "2012-10-17",
    "Statement": 
    {
        "Action": ["iotjobsdata:DescribeJobExecution"],
        "Effect": "Allow",
        "Resource": "arn:aws:iot:region:account-id:thing/thing-name",
    }
   }"#;
const E3_FIXED: &str = r#"{"Version":"2012-10-17","Statement":{"Action":["iotjobsdata:DescribeJobExecution"],"Effect":"Allow","Resource":"arn:aws:iot:region:account-id:thing/thing-name"}}"#;

const E4: &str = "{            
   \"Version\": \"2012-10-17\",
   \"Statement\": [
       {
            \"Effect\": \"Allow\",
            \"Action\": [\"iotjobsdata:*\"],
            \"Resource\": [\"*\"],
            \"Condition\": {
                \"IpAddress\": {
                    \"aws:SourceIp\": \"123.45.167.89\"
                }
            },            
            \"Bool\": {\"aws:ViaAWSService\": \"false\"}
        }
    ],
}";
const E4_FIXED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iotjobsdata:*"],"Resource":["*"],"Condition":{"IpAddress":{"aws:SourceIp":"123.45.167.89"}},"Bool":{"aws:ViaAWSService":"false"}}]}"#;

const E5: &str = "{            
   \"Version\": \"2012-10-17\",
   \"Statement\": [
       {
            \"Effect\": \"Deny\",
            \"Action\": [\"iotjobsdata:*\"],
            \"Condition\": {
                \"IpAddress\": {
                    \"aws:SourceIp\": [
                        \"123.45.167.89\",
                        \"192.0.2.0/24\", 
                        \"203.0.113.0/24\"                        
                    ]
                }
            },
            \"Resource\": [\"*\"],
        }
    ],
}";
const E5_FIXED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iotjobsdata:*"],"Condition":{"IpAddress":{"aws:SourceIp":["123.45.167.89","192.0.2.0/24","203.0.113.0/24"]}},"Resource":["*"]}]}"#;

const E6: &str = "{
    \"Version\": \"2012-10-17\",
    \"Statement\": [
        {
            \"Action\": [\"iotjobsdata:DescribeJobExecution\"],
            \"Effect\": \"Allow\",
            \"Resource\": \"arn:aws:iot:region:account-id:thing/thing-name\"
        },
        {
            \"Action\": [
                \"iot:DescribeJobExecution\",
                \"iot:CancelJobExecution\",
                \"iot:DeleteJobExecution\",
            ],
            \"Effect\": \"Allow\",
            \"Resource\": [
                \"arn:aws:iot:region:account-id:thing/thing-name\"
                \"arn:aws:iot:region:account-id:job/*\"
            ]
        }
    ]            
}";
const E6_FIXED: &str = r#"{"Version":"2012-10-17","Statement":[{"Action":["iotjobsdata:DescribeJobExecution"],"Effect":"Allow","Resource":"arn:aws:iot:region:account-id:thing/thing-name"},{"Action":["iot:DescribeJobExecution","iot:CancelJobExecution","iot:DeleteJobExecution"],"Effect":"Allow","Resource":["arn:aws:iot:region:account-id:thing/thing-name","arn:aws:iot:region:account-id:job/*"]}]}"#;

const E7: &str = r#"{
    "Version": "2012-10-17",
    "Statement": 
    {
        "Action": [ "iot:CreateJob", "iot:CreateJobTemplate", "iot:TagResource" ],
        "Effect": "Allow",
        "Resource": [
            "arn:aws:iot:aws-region:account-id:job/*",
            "arn:aws:iot:aws-region:account-id:jobtemplate/*"
        ]
    }
}"#;

/// Offset of the comma that ends the first occurrence of `before` (a trailing comma).
fn comma_after(text: &str, before: &str) -> usize {
    text.find(before).unwrap() + before.len()
}

/// Offset of the string after the `thing-name` ARN that lacks its comma (E1, E6).
fn missing_comma(text: &str) -> usize {
    let marker = "thing/thing-name\"\n                \"";
    text.find(marker).unwrap() + marker.len() - 1
}

#[rstest]
#[case::e1(E1, E1_FIXED, vec![
    comma_after(E1, "\"iot:CreateJob\""),
    comma_after(E1, "\"iot:DeleteJob\""),
    comma_after(E1, "\"iot:DeleteJobExecution\""),
    missing_comma(E1),
])]
#[case::e2(E2, E2_FIXED, vec![comma_after(E2, "\n    ]")])]
#[case::e3(E3, E3_FIXED, vec![comma_after(E3, "thing/thing-name\"")])]
#[case::e4(E4, E4_FIXED, vec![comma_after(E4, "\n    ]")])]
#[case::e5(E5, E5_FIXED, vec![
    comma_after(E5, "\"Resource\": [\"*\"]"),
    comma_after(E5, "        }\n    ]"),
])]
#[case::e6(E6, E6_FIXED, vec![
    comma_after(E6, "\"iot:DeleteJobExecution\""),
    missing_comma(E6),
])]
#[case::e7(E7, E7, vec![])]
fn seed_examples(#[case] text: &str, #[case] fixed: &str, #[case] offsets: Vec<usize>) {
    let outcome = parse_json(text);
    check_spans(text, &outcome);
    let expected: Vec<(Code, usize)> = offsets.into_iter().map(|o| (S, o)).collect();
    assert_eq!(
        codes_and_offsets(&outcome),
        expected,
        "{:#?}",
        outcome.diagnostics
    );
    for (d, &(_, offset)) in outcome.diagnostics.iter().zip(&expected) {
        if text.as_bytes()[offset] == b',' {
            let closer = text[offset + 1..].trim_start().chars().next().unwrap();
            assert_eq!(d.message, format!("trailing comma before `{closer}`"));
        } else {
            assert!(d
                .message
                .starts_with("expected `,` or `]` after an array element, found `\"arn:"));
        }
    }
    let expected: Value = serde_json::from_str(fixed).unwrap();
    assert_eq!(to_serde(&outcome.value.unwrap()), expected);
}

// ----- properties -----

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (prop::num::f64::NORMAL | prop::num::f64::ZERO).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-zA-Z\"\\\\,:\\[\\]{} ]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z\",]{0,4}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// An array or object with at least two entries, so that it has a comma and a closer.
fn json_container() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::collection::vec(json_value(), 2..5).prop_map(Value::Array),
        prop::collection::btree_map("[a-z]{0,3}", json_value(), 2..5)
            .prop_map(|members| Value::Object(members.into_iter().collect())),
    ]
}

fn serialize(value: &Value, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(value).unwrap()
    } else {
        serde_json::to_string(value).unwrap()
    }
}

/// Byte offsets of the given structural characters (outside strings).
fn structural(text: &str, wanted: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if wanted.contains(&b) {
            out.push(i);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_any_string(text in any::<String>()) {
        let outcome = parse_json(&text);
        check_spans(&text, &outcome);
    }

    #[test]
    fn agrees_with_serde_on_json_like_text(text in "[\\[\\]{}:,\"'0-9a-z\\\\ \n.+eE-]{0,40}") {
        let outcome = parse_json(&text);
        check_spans(&text, &outcome);
        match serde_json::from_str::<Value>(&text) {
            Ok(expected) => {
                let dup = outcome.diagnostics.iter().any(|d| d.code == Code::DuplicateKey);
                if !dup {
                    prop_assert_eq!(&outcome.diagnostics, &vec![]);
                    prop_assert_eq!(to_serde(&outcome.value.unwrap()), expected);
                }
            }
            Err(e) => {
                // serde_json also rejects numbers it cannot hold; JSON allows them.
                prop_assert!(!outcome.diagnostics.is_empty() || e.to_string().contains("out of range"), "{}", e);
            }
        }
    }

    #[test]
    fn never_panics_on_mutated_policies(
        seed in prop::sample::select(vec![E1, E2, E3, E4, E5, E6, E7]),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<bool>(), prop::sample::select(
                vec!['{', '}', '[', ']', ':', ',', '"', '\'', '\\', 'x', '1', '-', '.', '/', '*', '\n', '\u{feff}'],
            )),
            1..4,
        ),
    ) {
        let mut text = seed.to_owned();
        apply_edits(&mut text, edits);
        let outcome = parse_json(&text);
        check_spans(&text, &outcome);
        prop_assert!(outcome.value.is_some());
    }

    #[test]
    fn valid_json_round_trips(value in json_value(), pretty in any::<bool>()) {
        let text = serialize(&value, pretty);
        let outcome = parse_json(&text);
        prop_assert_eq!(&outcome.diagnostics, &vec![]);
        prop_assert_eq!(to_serde_exact(&outcome.value.unwrap()), value);
    }

    #[test]
    fn one_missing_comma_is_one_diagnostic(
        value in json_container(),
        pretty in any::<bool>(),
        pick in any::<prop::sample::Index>(),
    ) {
        let text = serialize(&value, pretty);
        let commas = structural(&text, b",");
                let at = commas[pick.index(commas.len())];
        let mut broken = text.clone();
        broken.replace_range(at..=at, " ");
        let outcome = parse_json(&broken);
        let next = at + broken[at..].find(|c: char| !c.is_ascii_whitespace()).unwrap();
        prop_assert_eq!(codes_and_offsets(&outcome), vec![(S, next)]);
        prop_assert_eq!(to_serde_exact(&outcome.value.unwrap()), value);
    }

    #[test]
    fn one_extra_comma_is_one_diagnostic(
        value in json_container(),
        pretty in any::<bool>(),
        pick in any::<prop::sample::Index>(),
    ) {
        let text = serialize(&value, pretty);
        let closers = structural(&text, b"]}");
                let at = closers[pick.index(closers.len())];
        let mut broken = text.clone();
        broken.insert(at, ',');
        let outcome = parse_json(&broken);
        prop_assert_eq!(codes_and_offsets(&outcome), vec![(S, at)]);
        prop_assert_eq!(to_serde_exact(&outcome.value.unwrap()), value);
    }
}

/// Insert each edit's character at, or remove the character at, its chosen character
/// boundary of `text` (removing at the end inserts instead).
fn apply_edits(text: &mut String, edits: Vec<(prop::sample::Index, bool, char)>) {
    for (at, insert, c) in edits {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let at = boundaries[at.index(boundaries.len())];
        if insert || at == text.len() {
            text.insert(at, c);
        } else {
            text.remove(at);
        }
    }
}

mod fast_path;
