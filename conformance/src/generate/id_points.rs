//! Generated cases of the implementation-defined points the model never reaches
//! (docs/semantics.md §11): ID-14 (a digits-only date), ID-15 (a short ARN pattern), ID-18 (a
//! policy variable in a `Bool` value), ID-19 (an ill-typed Numeric or IP policy value) and
//! ID-21 (an `Arn*` condition on a request value of fewer than six components). Each is a
//! family of [`super::families`], drawn and rendered like the others.
//!
//! Each case carries a point's tag exactly when another permitted reading of it gives another
//! answer (`conformance/tests/id_point_tags.rs` checks both directions):
//!
//! - ID-15, ID-18 (in a `2012-10-17` document) and ID-19: another reading rejects the document
//!   (ID-15, ID-18) or accepts it (ID-19), which an error against a decision always tells
//!   apart: tagged wherever written. Under another `Version` a variable in a `Bool` value is
//!   literal text, not a boolean, so the document is rejected under every reading: no tag.
//! - ID-14: where the statement applies and the request has the key, the condition is worked
//!   out with the value read as epoch seconds and as a W3C year; tagged where they differ.
//! - ID-21: another reading makes the condition an error; tagged where it is evaluated (the
//!   statement's action and resource match) on a request value of fewer than six components.

use serde_json::{json, Value};

use iam_policy::value::{self, Instant};

use super::families::{document, document_with_version, put, Draft, FamilyCase, ABSENT};

/// ID-14: `Date...` with a policy value of four digits.
pub(crate) fn digits_only_date(case: &FamilyCase, draft: &mut Draft) {
    let operator = case.pick(
        0,
        &[
            "DateGreaterThan",
            "DateLessThan",
            "DateEquals",
            "DateNotEquals",
            "DateGreaterThanEqualsIfExists",
            "DateLessThanEquals",
        ],
    );
    let year = case.pick(1, &["2024", "1970", "2030"]);
    let values: Vec<&str> = if case.choice(2, 3) == 0 {
        vec![year, "2023-01-01T00:00:00Z"]
    } else {
        vec![year]
    };
    let request = case.pick(
        3,
        &[
            "2024-06-15T12:30:00Z",
            "2023-06-01T00:00:00Z",
            "1970-01-01T00:30:00Z",
            "1970-01-01T01:00:00Z",
            "2030-06-01T00:00:00Z",
            "2024-01-01T00:00:00Z",
            ABSENT,
        ],
    );
    draft.set_unless_absent("aws:CurrentTime", request);
    let aim = case.aim();
    let condition = json!({ operator: {"aws:CurrentTime": values} });
    draft.policies = vec![document(vec![case.statement(aim, Some(condition))])];
    if !aim.applies() || request == ABSENT {
        return;
    }
    let (Ok(at), Ok(epoch), Ok(calendar)) = (
        value::parse_instant(request),
        value::parse_instant(year),
        value::parse_instant(&format!("{year}-01-01T00:00:00Z")),
    ) else {
        return;
    };
    let others: Vec<Instant> = values
        .iter()
        .filter(|v| **v != year)
        .filter_map(|v| value::parse_instant(v).ok())
        .collect();
    let outcome = |read: Instant| {
        let base = operator.trim_end_matches("IfExists");
        let compare = |p: &Instant| match base {
            "DateGreaterThan" => at > *p,
            "DateGreaterThanEquals" => at >= *p,
            "DateLessThan" => at < *p,
            "DateLessThanEquals" => at <= *p,
            _ => at == *p,
        };
        let any = compare(&read) || others.iter().any(compare);
        if base == "DateNotEquals" {
            !any
        } else {
            any
        }
    };
    if outcome(epoch) != outcome(calendar) {
        draft.tags.push("ID-14");
    }
}

/// ID-15: an ARN pattern of three to five segments in `Resource`, `NotResource` or an `Arn*`
/// condition.
pub(crate) fn short_arn_pattern(case: &FamilyCase, draft: &mut Draft) {
    let pattern = case.pick(
        1,
        &[
            "arn:aws:iot",
            "arn:aws:iot:us-east-1",
            "arn:aws:iot:eu-west-1:210987654321",
            "arn:aws:iot:*",
            "arn:aws:waf:*",
            "arn:aws:iot:us-east-1:123456789012",
        ],
    );
    let mut s = case.statement(case.aim(), None);
    match case.choice(0, 5) {
        0 => put(&mut s, "Resource", Value::from(pattern)),
        1 => {
            if let Value::Object(m) = &mut s {
                m.shift_remove("Resource");
            }
            put(&mut s, "NotResource", Value::from(pattern));
        }
        _ => {
            let operator = case.pick(
                4,
                &["ArnLike", "ArnNotLike", "ArnEquals", "ArnLikeIfExists"],
            );
            put(
                &mut s,
                "Condition",
                json!({ operator: {"aws:SourceArn": pattern} }),
            );
            draft.set_unless_absent(
                "aws:SourceArn",
                case.pick(
                    2,
                    &[
                        "arn:aws:iot:us-east-1:123456789012:job/firmware-42",
                        "arn:aws:iot:eu-west-1:210987654321:thing/MyIoTThing",
                        ABSENT,
                    ],
                ),
            );
        }
    }
    draft.policies = vec![document(vec![s])];
    draft.tags.push("ID-15");
}

/// ID-18: a policy variable in a `Bool` value.
pub(crate) fn bool_variable(case: &FamilyCase, draft: &mut Draft) {
    let version = case.pick(
        0,
        &[
            Some("2012-10-17"),
            Some("2012-10-17"),
            Some("2008-10-17"),
            None,
        ],
    );
    let operator = case.pick(4, &["Bool", "BoolIfExists"]);
    let key = case.pick(1, &["aws:SecureTransport", "aws:ViaAWSService"]);
    let value = case.pick(
        2,
        &[
            json!("${aws:username}"),
            json!("${aws:PrincipalTag/flag}"),
            json!("${aws:SecureTransport}"),
            json!("${aws:PrincipalTag/flag, 'true'}"),
            json!(["${aws:username}", "false"]),
        ],
    );
    let context = case.pick(
        3,
        &[("true", "true"), ("False", ABSENT), ("sensor-1", "no")],
    );
    draft.set("aws:username", context.0);
    draft.set_unless_absent("aws:PrincipalTag/flag", context.1);
    draft.set_unless_absent(key, case.pick(3, &["true", "false", ABSENT, "TRUE"]));
    let condition = json!({ operator: { key: value } });
    draft.policies = vec![document_with_version(
        version,
        vec![case.statement(case.aim(), Some(condition))],
    )];
    if version == Some("2012-10-17") {
        draft.tags.push("ID-18");
    }
}

/// ID-19: a Numeric or IP policy value that does not fit its operator, among good ones.
pub(crate) fn ill_typed_value(case: &FamilyCase, draft: &mut Draft) {
    let (operator, key, values, request) = if case.choice(0, 2) == 0 {
        (
            case.pick(
                1,
                &[
                    "NumericEquals",
                    "NumericLessThanIfExists",
                    "NumericNotEquals",
                    "ForAnyValue:NumericGreaterThan",
                ],
            ),
            "aws:MultiFactorAuthAge",
            case.pick(
                2,
                &[
                    json!("abc"),
                    json!(["3600", "1e3"]),
                    json!(["0x10", 10]),
                    json!("1,000"),
                    json!(" 10"),
                ],
            ),
            case.pick(3, &["10", "3600", ABSENT]),
        )
    } else {
        (
            case.pick(
                1,
                &[
                    "IpAddress",
                    "NotIpAddressIfExists",
                    "ForAnyValue:IpAddress",
                    "NotIpAddress",
                ],
            ),
            "aws:SourceIp",
            case.pick(
                2,
                &[
                    json!("10.0.0.256"),
                    json!(["203.0.113.0/24", "10.0.0.0/8/8"]),
                    json!("2001:db8::/129"),
                    json!("10.0.0.0/-1"),
                    json!(["192.0.2.0/24", "localhost"]),
                ],
            ),
            case.pick(3, &["203.0.113.7", "2001:db8::7", ABSENT]),
        )
    };
    draft.set_unless_absent(key, request);
    let mut statements =
        vec![case.statement(case.aim(), Some(json!({ operator: { key: values } })))];
    if case.choice(4, 3) == 0 {
        statements.push(json!({"Effect": "Allow", "Action": "*", "Resource": "*"}));
    }
    draft.policies = vec![document(statements)];
    if case.choice(4, 3) == 1 {
        // Beside a document every reading rejects, the set is an error whatever ID-19 says.
        draft
            .policies
            .push(json!({"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}}));
    } else {
        draft.tags.push("ID-19");
    }
}

/// ID-21: an `Arn*` condition on a string key whose request value has fewer than six
/// components (the request stays realistic: the key is a string key).
pub(crate) fn short_arn_request_value(case: &FamilyCase, draft: &mut Draft) {
    let operator = case.pick(
        0,
        &[
            "ArnLike",
            "ArnNotLike",
            "ArnEquals",
            "ArnNotEqualsIfExists",
            "ArnLikeIfExists",
        ],
    );
    let key = case.pick(1, &["aws:username", "aws:userid", "aws:PrincipalTag/arn"]);
    let pattern = case.pick(
        2,
        &[
            "arn:aws:iot:*:*:job/*",
            "arn:aws:iot:us-east-1:123456789012:job/firmware-42",
            "arn:aws:iot:*:*:*",
        ],
    );
    let request = case.pick(
        3,
        &[
            "sensor-1",
            "arn:aws:iot",
            "arn:aws:iot:us-east-1:123456789012",
            "arn:aws:iot:us-east-1:123456789012:job/firmware-42",
            ABSENT,
        ],
    );
    draft.set_unless_absent(key, request);
    let aim = case.aim();
    let condition = json!({ operator: { key: pattern } });
    draft.policies = vec![document(vec![case.statement(aim, Some(condition))])];
    if aim.applies() && request != ABSENT && iam_policy::arn::split(request, false).is_none() {
        draft.tags.push("ID-21");
    }
}
