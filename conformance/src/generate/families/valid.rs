//! Families of valid documents the model does not draw. None holds an `ID-n` point, except a
//! `::ffff:` request address whose two readings (ID-10) land differently.

use std::net::IpAddr;

use serde_json::{json, Value};

use super::{document, document_with_version, put, Aim, Draft, FamilyCase, ABSENT};
use crate::generate::pools::{naive_contains, read_range};

/// Condition values as JSON numbers (Numeric, Date and String operators read them as their
/// text).
pub(crate) fn json_numbers(case: &FamilyCase, draft: &mut Draft) {
    let (operator, key, value, request) = match case.choice(0, 4) {
        0 => (
            case.pick(
                1,
                &[
                    "NumericLessThan",
                    "NumericGreaterThanEquals",
                    "NumericEquals",
                    "NumericNotEqualsIfExists",
                ],
            ),
            "aws:MultiFactorAuthAge",
            case.pick(
                2,
                &[
                    json!(3600),
                    json!(0),
                    json!(-1),
                    json!(10.5),
                    json!([3600, "10"]),
                ],
            ),
            case.pick(3, &["10", "3600", "7200.5", "0", ABSENT]),
        ),
        1 => (
            case.pick(1, &["DateGreaterThan", "DateLessThanEquals"]),
            "aws:CurrentTime",
            case.pick(2, &[json!(1718454600), json!(1704067200.5)]),
            case.pick(
                3,
                &[
                    "2024-06-15T12:30:00Z",
                    "2024-01-01T00:00:00Z",
                    "2023-12-31T23:59:59Z",
                    ABSENT,
                ],
            ),
        ),
        2 => (
            case.pick(1, &["StringEquals", "StringLike", "StringNotEquals"]),
            "aws:PrincipalTag/level",
            case.pick(2, &[json!(3), json!(-1.5), json!([3, "4"])]),
            case.pick(3, &["3", "3.0", "-1.5", "4", ABSENT]),
        ),
        _ => (
            case.pick(1, &["NumericGreaterThan", "NumericLessThanEquals"]),
            "aws:EpochTime",
            case.pick(2, &[json!(1718454600), json!(0)]),
            case.pick(3, &["1718454600", "1718454601", "1000", ABSENT]),
        ),
    };
    draft.set_unless_absent(key, request);
    let condition = json!({ operator: { key: value } });
    draft.policies = vec![document(vec![case.statement(case.aim(), Some(condition))])];
}

/// Condition values as JSON booleans.
pub(crate) fn json_bools(case: &FamilyCase, draft: &mut Draft) {
    let condition = if case.choice(0, 3) == 2 {
        draft.set_unless_absent(
            "aws:username",
            case.pick(3, &["true", "True", "false", ABSENT]),
        );
        json!({"StringEquals": {"aws:username": case.pick(2, &[json!(true), json!(false)])}})
    } else {
        let key = case.pick(1, &["aws:SecureTransport", "aws:ViaAWSService"]);
        let operator = case.pick(4, &["Bool", "BoolIfExists"]);
        draft.set_unless_absent(
            key,
            case.pick(3, &["true", "false", "TRUE", "False", ABSENT]),
        );
        let value = case.pick(
            2,
            &[
                json!(true),
                json!(false),
                json!([true, false]),
                json!([false]),
            ],
        );
        json!({ operator: { key: value } })
    };
    draft.policies = vec![document(vec![case.statement(case.aim(), Some(condition))])];
}

/// `"Condition": {}`: the statement applies unconditionally.
pub(crate) fn empty_condition(case: &FamilyCase, draft: &mut Draft) {
    let mut statements = vec![case.statement(case.aim(), Some(json!({})))];
    if case.choice(1, 2) == 0 {
        statements.push(json!({"Effect": "Allow", "Action": "*", "Resource": "*"}));
    }
    draft.policies = vec![document(statements)];
}

/// A known operator with no keys: valid, and true.
pub(crate) fn operator_without_keys(case: &FamilyCase, draft: &mut Draft) {
    let operator = case.pick(
        1,
        &[
            "StringEquals",
            "ForAnyValue:StringLike",
            "ForAllValues:StringEquals",
            "NumericLessThanIfExists",
            "Bool",
            "IpAddress",
            "NotIpAddress",
            "Null",
            "ArnLike",
            "DateGreaterThan",
            "BinaryEquals",
            "StringNotEquals",
        ],
    );
    let mut condition = json!({ operator: {} });
    if case.choice(2, 2) == 0 {
        put(
            &mut condition,
            "StringEquals",
            json!({"aws:username": "sensor-1"}),
        );
    }
    draft.set_unless_absent("aws:username", case.pick(3, &["sensor-1", "other", ABSENT]));
    draft.policies = vec![document(vec![case.statement(case.aim(), Some(condition))])];
}

/// A document with an `Id`.
pub(crate) fn policy_id(case: &FamilyCase, draft: &mut Draft) {
    let id = case.pick(
        1,
        &[
            "",
            "café",
            "policy 1",
            "arn:aws:iam::123456789012:policy/jobs",
            "${aws:username}",
        ],
    );
    let mut doc = document(vec![case.statement(case.aim(), None)]);
    put(&mut doc, "Id", Value::from(id));
    draft.policies = vec![doc];
}

/// `${*}`, `${?}` and `${$}` in condition values, under each version.
pub(crate) fn escaped_variables(case: &FamilyCase, draft: &mut Draft) {
    let version = case.pick(0, &[Some("2012-10-17"), Some("2008-10-17"), None]);
    let operator = case.pick(
        1,
        &[
            "StringEquals",
            "StringLike",
            "StringNotLike",
            "StringEqualsIgnoreCase",
        ],
    );
    let pattern = case.pick(
        2,
        &[
            "a${*}b",
            "what${?}",
            "${$}{aws:username}",
            "${*}",
            "cost${$}5",
        ],
    );
    draft.set("aws:username", "sensor-1");
    draft.set(
        "aws:userid",
        case.pick(
            3,
            &[
                "a*b",
                "axb",
                "what?",
                "whatx",
                "${aws:username}",
                "*",
                "cost$5",
            ],
        ),
    );
    let condition = json!({ operator: {"aws:userid": pattern} });
    draft.policies = vec![document_with_version(
        version,
        vec![case.statement(case.aim(), Some(condition))],
    )];
}

/// A malformed `${` (unclosed, empty, with a space, a default without quotes): literal text,
/// with a warning.
pub(crate) fn malformed_variable(case: &FamilyCase, draft: &mut Draft) {
    let version = case.pick(0, &[Some("2012-10-17"), Some("2008-10-17")]);
    let pattern = case.pick(
        2,
        &[
            "${aws:username",
            "sensor-${",
            "${}",
            "${aws:user name}",
            "${aws:username, default}",
        ],
    );
    draft.set(
        "aws:username",
        case.pick(
            3,
            &[
                "sensor-1",
                "${aws:username",
                "sensor-${",
                "${}",
                "${aws:user name}",
            ],
        ),
    );
    let operator = case.pick(1, &["StringEquals", "StringLike", "StringNotEquals"]);
    let condition = json!({ operator: {"aws:username": pattern} });
    draft.policies = vec![document_with_version(
        version,
        vec![case.statement(case.aim(), Some(condition))],
    )];
}

/// `?` against a non-ASCII character (one Unicode scalar, not a byte), in a condition and in
/// a resource.
pub(crate) fn question_mark_non_ascii(case: &FamilyCase, draft: &mut Draft) {
    if case.choice(0, 2) == 0 {
        draft.request.action = "iotjobsdata:DescribeJobExecution".into();
        draft.request.resource = format!(
            "arn:aws:iot:us-east-1:123456789012:thing/{}",
            case.pick(3, &["café", "cafés", "cafe", "🙂"])
        );
        let pattern = case.pick(2, &["caf?", "caf??", "?", "???"]);
        let aim = case.aim();
        let action = match aim {
            Aim::Star => "*",
            Aim::Vendor => "iotjobsdata:*",
            Aim::OtherAction => "iot:DeleteJob",
            _ => "iotjobsdata:DescribeJobExecution",
        };
        let resource = match aim {
            Aim::Star => "*".to_owned(),
            Aim::OtherResource => "arn:aws:iot:us-east-1:123456789012:job/other".to_owned(),
            _ => format!("arn:aws:iot:us-east-1:123456789012:thing/{pattern}"),
        };
        draft.policies = vec![document(vec![
            json!({"Effect": case.effect(), "Action": action, "Resource": resource}),
        ])];
        return;
    }
    let operator = case.pick(1, &["StringLike", "StringNotLike"]);
    let pattern = case.pick(2, &["caf?", "?afé", "caf??", "?", "sensor-?"]);
    draft.set(
        "aws:username",
        case.pick(3, &["café", "cafés", "cafe", "🙂", "sensor-é", "e\u{301}"]),
    );
    let condition = json!({ operator: {"aws:username": pattern} });
    draft.policies = vec![document(vec![case.statement(case.aim(), Some(condition))])];
}

/// `::ffff:` policy ranges: an IPv4 request address never falls in them (§7); a mapped
/// request address is IPv6 (ID-10, tagged where its IPv4 reading lands otherwise).
pub(crate) fn mapped_policy_range(case: &FamilyCase, draft: &mut Draft) {
    let operator = case.pick(0, &["IpAddress", "NotIpAddress", "IpAddressIfExists"]);
    let ranges: Vec<&str> = case.pick(
        1,
        &[
            vec!["::ffff:192.0.2.0/120"],
            vec!["::ffff:0:0/96"],
            vec!["::ffff:c000:200/120", "2001:db8::/32"],
            vec!["::ffff:192.0.2.0/120", "192.0.2.0/24"],
            vec!["::FFFF:192.0.2.0/120"],
        ],
    );
    let address = case.pick(
        2,
        &[
            "192.0.2.7",
            "::ffff:192.0.2.7",
            "2001:db8::7",
            "203.0.113.7",
            "::ffff:203.0.113.7",
        ],
    );
    draft.set("aws:SourceIp", address);
    let aim = case.aim();
    let condition = json!({ operator: {"aws:SourceIp": ranges} });
    draft.policies = vec![document(vec![case.statement(aim, Some(condition))])];
    // ID-10: the condition's outcome with the address read as IPv6 and as its IPv4 address.
    let Ok(IpAddr::V6(v6)) = address.parse::<IpAddr>() else {
        return;
    };
    let Some(v4) = v6.to_ipv4_mapped() else {
        return;
    };
    let read: Vec<_> = ranges.iter().filter_map(|r| read_range(r)).collect();
    let inside = |a: IpAddr| read.iter().any(|r| naive_contains(*r, a));
    if aim.applies() && inside(IpAddr::V6(v6)) != inside(IpAddr::V4(v4)) {
        draft.tags.push("ID-10");
    }
}
