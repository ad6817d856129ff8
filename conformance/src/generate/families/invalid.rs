//! Families whose answer is an error: an invalid request, or a set holding a document that is
//! rejected. Most are errors under every reading and carry no tag; an ill-typed Numeric or IP
//! value carries ID-19 (another reading accepts the document) and `NullIfExists` with an empty
//! body ID-4 (another reading accepts an unknown operator with an empty body).

use serde_json::{json, Map, Value};

use super::{document, put, Draft, FamilyCase, ABSENT};

/// Two context keys that differ only by case: an invalid request (§2), whatever the policies.
pub(crate) fn keys_differing_by_case(case: &FamilyCase, draft: &mut Draft) {
    let (key, other, value, second) = case.pick(
        1,
        &[
            ("aws:SourceIp", "AWS:SourceIP", "203.0.113.7", "203.0.113.8"),
            ("aws:username", "AWS:USERNAME", "sensor-1", "sensor-1"),
            (
                "aws:PrincipalTag/team",
                "aws:principaltag/Team",
                "ops",
                "dev",
            ),
        ],
    );
    draft.set(key, value);
    draft.set(other, second);
    let condition = (case.choice(2, 2) == 0)
        .then(|| json!({"StringLike": {"aws:username": "*", "aws:PrincipalTag/team": "*"}}));
    draft.policies = vec![document(vec![case.statement(case.aim(), condition)])];
}

/// Invalid documents sent as JSON objects (not as text), each rejected under every reading.
pub(crate) fn invalid_policy_object(case: &FamilyCase, draft: &mut Draft) {
    let good = case.statement(case.aim(), None);
    let with = |key: &str, value: Value| {
        let mut s = good.clone();
        put(&mut s, key, value);
        document(vec![s])
    };
    let faults = [
        with("Effect", json!("allow")),
        with("Effect", json!(true)),
        json!({"Version": "2012-10-18", "Statement": [good.clone()]}),
        json!({"Version": 2012, "Statement": [good.clone()]}),
        with("Principal", json!("*")),
        with(
            "Condition",
            json!({"StringEqualz": {"aws:username": "sensor-1"}}),
        ),
        with(
            "Condition",
            json!([{"StringEquals": {"aws:username": "a"}}]),
        ),
        with("Condition", json!({"StringEquals": {"aws:username": null}})),
        with("Bool", json!({"aws:SecureTransport": "true"})),
        json!({"Version": "2012-10-17", "Statement": []}),
        json!({"Version": "2012-10-17", "statement": [good.clone()]}),
        json!({"Version": "2012-10-17", "Statement": "Allow"}),
        json!({"Version": "2012-10-17", "Id": 7, "Statement": [good.clone()]}),
        json!({"Version": "2012-10-17", "Foo": "bar", "Statement": [good.clone()]}),
        with("Resource", json!("not-an-arn")),
        with("Resource", json!(["*", null])),
        with("Action", json!("iotDescribeJob")),
        with("NotAction", json!("iot:CreateJob")),
        with("Action", json!({"iot": "DescribeJob"})),
    ];
    let fault = case.pick(1, &faults);
    draft.policies = vec![fault];
    if case.choice(2, 2) == 0 {
        draft
            .policies
            .push(json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
    }
}

/// Malformed values of every type: Numeric and IP ones are ID-19 (another reading accepts the
/// document and lets the value match nothing); Date, Bool and base-64 ones are rejected under
/// every reading.
pub(crate) fn malformed_typed_value(case: &FamilyCase, draft: &mut Draft) {
    let kind = case.choice(0, 5);
    let (operator, key, bad, good, request) = match kind {
        0 => (
            case.pick(1, &["NumericEquals", "NumericLessThan"]),
            "aws:MultiFactorAuthAge",
            case.pick(2, &["ten", "1e5", "0x10", ""]),
            "10",
            "3600",
        ),
        1 => (
            case.pick(1, &["IpAddress", "NotIpAddress"]),
            "aws:SourceIp",
            case.pick(2, &["10.0.0.256/8", "not-an-ip", "10.0.0.0/33", ""]),
            "10.0.0.0/8",
            "203.0.113.7",
        ),
        2 => (
            case.pick(1, &["DateGreaterThan", "DateEquals"]),
            "aws:CurrentTime",
            case.pick(2, &["2024-13-45T00:00:00Z", "yesterday", "2023-02-29", ""]),
            "2024-01-01T00:00:00Z",
            "2024-06-15T12:30:00Z",
        ),
        3 => (
            case.pick(1, &["Bool", "BoolIfExists"]),
            "aws:SecureTransport",
            case.pick(2, &["maybe", "yes", "1", ""]),
            "true",
            "true",
        ),
        _ => (
            case.pick(1, &["BinaryEquals", "BinaryEqualsIfExists"]),
            "aws:username",
            case.pick(2, &["not base-64!", "=AAA", "QQ=Q"]),
            "c2Vuc29yLTE=",
            "sensor-1",
        ),
    };
    let values = if case.choice(3, 2) == 0 {
        json!(bad)
    } else {
        json!([good, bad])
    };
    draft.set_unless_absent(key, case.pick(4, &[request, ABSENT]));
    let condition = json!({ operator: { key: values } });
    draft.policies = vec![document(vec![case.statement(case.aim(), Some(condition))])];
    if kind <= 1 {
        draft.tags.push("ID-19");
    }
}

/// A Sid that is not ASCII letters and digits, or not a string.
pub(crate) fn invalid_sid(case: &FamilyCase, draft: &mut Draft) {
    let mut s = case.statement(case.aim(), None);
    put(
        &mut s,
        "Sid",
        case.pick(
            1,
            &[
                json!("not a sid!"),
                json!("sid-1"),
                json!("Sid_1"),
                json!("café"),
                json!(7),
                json!({"a": 1}),
            ],
        ),
    );
    draft.policies = vec![document(vec![s])];
}

/// A statement without `Effect`, `Action` or `Resource` (absent, or an empty array).
pub(crate) fn missing_element(case: &FamilyCase, draft: &mut Draft) {
    let mut s = case.statement(case.aim(), None);
    if let Value::Object(m) = &mut s {
        match case.choice(1, 5) {
            0 => drop(m.shift_remove("Effect")),
            1 => drop(m.shift_remove("Action")),
            2 => drop(m.shift_remove("Resource")),
            3 => drop(m.insert("Action".into(), json!([]))),
            _ => drop(m.insert("Resource".into(), json!([]))),
        }
    }
    draft.policies = vec![document(vec![s])];
}

/// `Resource` and `NotResource` in one statement.
pub(crate) fn resource_and_not_resource(case: &FamilyCase, draft: &mut Draft) {
    let s = case.statement(case.aim(), None);
    let mut m = Map::new();
    let not_resource = case.pick(1, &["arn:aws:iot:*:*:job/*", "*"]);
    if case.choice(2, 2) == 0 {
        m.insert("NotResource".into(), Value::from(not_resource));
    }
    if let Value::Object(fields) = s {
        m.extend(fields);
    }
    m.insert("NotResource".into(), Value::from(not_resource));
    draft.policies = vec![document(vec![Value::Object(m)])];
}

/// `NotPrincipal` or `Principal`: not allowed in an identity policy.
pub(crate) fn not_principal(case: &FamilyCase, draft: &mut Draft) {
    let mut s = case.statement(case.aim(), None);
    let (key, value) = case.pick(
        1,
        &[
            (
                "NotPrincipal",
                json!({"AWS": "arn:aws:iam::123456789012:root"}),
            ),
            ("NotPrincipal", json!("*")),
            ("Principal", json!({"AWS": "*"})),
        ],
    );
    put(&mut s, key, value);
    draft.policies = vec![document(vec![s])];
}

/// `NullIfExists`: an unknown operator. With keys, rejected under every reading; with an
/// empty body, ID-4 (another reading accepts it as true).
pub(crate) fn null_if_exists(case: &FamilyCase, draft: &mut Draft) {
    let body = case.pick(
        1,
        &[
            json!({"aws:username": "true"}),
            json!({"aws:username": "false"}),
            json!({}),
        ],
    );
    if body == json!({}) {
        draft.tags.push("ID-4");
    }
    draft.set_unless_absent("aws:username", case.pick(2, &["sensor-1", ABSENT]));
    let condition = json!({"NullIfExists": body});
    draft.policies = vec![document(vec![case.statement(case.aim(), Some(condition))])];
}

/// A document nested deeper than 64 levels (65 to 104), as an object or as text.
pub(crate) fn too_deep(case: &FamilyCase, draft: &mut Draft) {
    // The document is depth 1, the statement array 2, the statement 3, `Condition` 4, the
    // operator 5: `n` arrays around the value make the deepest level 5 + n.
    let depth = 65 + case.choice(1, 40);
    let mut value = Value::from("sensor-1");
    for _ in 0..depth - 5 {
        value = Value::Array(vec![value]);
    }
    let condition = json!({"StringEquals": {"aws:username": value}});
    let doc = document(vec![case.statement(case.aim(), Some(condition))]);
    draft.policies = vec![if case.choice(2, 2) == 0 {
        doc
    } else {
        Value::String(doc.to_string())
    }];
}

/// A document larger than 1 MiB (its text, or the compact serialization of an object).
pub(crate) fn too_large(case: &FamilyCase, draft: &mut Draft) {
    const MIB: usize = 1 << 20;
    let extra = case.choice(3, 64);
    let mut s = case.statement(case.aim(), None);
    let policy = match case.choice(1, 3) {
        0 => {
            put(&mut s, "Sid", Value::from("A".repeat(MIB + extra)));
            document(vec![s])
        }
        1 => {
            put(
                &mut s,
                "Condition",
                json!({"StringEquals": {"aws:username": "x".repeat(MIB + extra)}}),
            );
            document(vec![s])
        }
        _ => {
            // Valid but for the blanks around it: the limit is on the text.
            let text = document(vec![s]).to_string();
            Value::String(format!("{text}{}", " ".repeat(MIB + extra)))
        }
    };
    draft.policies = vec![policy];
}
