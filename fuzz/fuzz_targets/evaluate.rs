//! The evaluator on structured input: policies and a request built from pools of the shapes
//! that matter (with arbitrary text now and then). Checks that evaluation fails closed (an
//! error is never a decision, a rejected document makes the set an error, an added Deny of
//! everything leaves no Allow) and that the decision does not depend on the order of
//! policies, statements or values, nor on a repeated policy. Half the inputs are evaluated under
//! the reference's readings, half under other permitted readings (ID-1 to ID-21): every reading
//! must fail closed too.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use iam_conformance::protocol::CaseLine;
use iam_eval::{Context, ContextValue, Decision, Evaluator, PolicySet, ReferenceUnder, Request};
use iam_policy::{Policy, Readings};
use iamconf_fuzz::other_readings;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

const ACTIONS: &[&str] = &[
    "*",
    "iot:*",
    "iot:DescribeJob",
    "iot:Describe*",
    "iot:?escribeJob",
    "IOT:describejob",
    "iotjobsdata:*",
    "iotjobsdata:DescribeJobExecution",
    "iot:CreateJob",
    "iot:ListJobs",
    "s3:GetObject",
    "iot*:Describe*",
    "iot:",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:iot:us-east-1:123456789012:job/*",
    "arn:aws:iot:us-east-1:123456789012:job/j1",
    "arn:aws:iot:*:123456789012:thing/${aws:username}",
    "arn:aws:iot:us-east-1:*:*",
    "arn:aws:iot:us-east-1:123456789012:thinggroup/g?",
    "arn:*:iot:*:*:*",
    "arn:aws:iot:us-east-1:123456789012:job/${aws:RequestTag/env}*",
    "arn:aws:iot:us-east-1:123456789012:job",
    "arn:aws:iot:us-east-1:123456789012:*/*",
];
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateLessThan",
    "DateGreaterThan",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
    "StringLik",
];
const QUALIFIERS: &[&str] = &["", "", "", "ForAllValues:", "ForAnyValue:"];
const KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:SecureTransport",
    "aws:CurrentTime",
    "aws:TagKeys",
    "aws:RequestTag/env",
    "aws:ResourceTag/env",
    "aws:username",
    "aws:PrincipalTag/team",
    "aws:EpochTime",
    "aws:MultiFactorAuthAge",
    "aws:SourceArn",
    "iot:thingGroupArn",
    "aws:sourceip",
];
const VALUES: &[&str] = &[
    "203.0.113.7",
    "10.0.0.0/8",
    "2001:db8::/32",
    "2001:db8::1",
    "not-an-ip",
    "true",
    "false",
    "TRUE",
    "42",
    "3.5",
    "-1",
    "2024-01-01T00:00:00Z",
    "1700000000",
    "beta",
    "b*",
    "?eta",
    "arn:aws:iot:us-east-1:123456789012:job/*",
    "arn:aws:iot:us-east-1:123456789012:job/j1",
    "${aws:username}",
    "${aws:PrincipalTag/team}",
    "${aws:undefined, 'x'}",
    "aGVsbG8=",
    "",
    "*",
    "alice",
    "env",
];
const REQUEST_ACTIONS: &[&str] = &[
    "iot:DescribeJob",
    "iot:describejob",
    "iotjobsdata:DescribeJobExecution",
    "iot:CreateJob",
    "iot:ListJobs",
    "s3:GetObject",
    "iot:DescribeJobExecution",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:iot:us-east-1:123456789012:job/j1",
    "*",
    "arn:aws:iot:us-east-1:123456789012:thing/alice",
    "arn:aws:iot:us-east-1:123456789012:thinggroup/g1",
    "arn:aws:iot:eu-west-1:123456789012:job/beta-1",
    "ARN:aws:iot:us-east-1:123456789012:job/j1",
    "arn:aws:iot:us-east-1:123456789012:job/a:b",
];

/// A pool entry, or (one time in eight) arbitrary text.
fn pick(u: &mut Unstructured<'_>, pool: &[&str]) -> arbitrary::Result<String> {
    if u.ratio(1, 8)? {
        let len = u.int_in_range(0..=24)?;
        let mut text = String::new();
        for _ in 0..len {
            text.push(char::arbitrary(u)?);
        }
        Ok(text)
    } else {
        Ok((*u.choose(pool)?).to_owned())
    }
}

fn list(u: &mut Unstructured<'_>, pool: &[&str], max: usize) -> arbitrary::Result<Vec<String>> {
    let n = u.int_in_range(1..=max)?;
    (0..n).map(|_| pick(u, pool)).collect()
}

/// One statement: its parts, so that they can be written in another order.
#[derive(Debug, Clone)]
struct StatementParts {
    sid: Option<String>,
    deny: bool,
    not_action: bool,
    actions: Vec<String>,
    not_resource: bool,
    resources: Vec<String>,
    /// operator -> key -> values.
    conditions: Vec<(String, Vec<(String, Vec<String>)>)>,
}

#[derive(Debug, Clone)]
enum PolicyParts {
    Document {
        version: Option<&'static str>,
        statements: Vec<StatementParts>,
    },
    /// Arbitrary text: almost always rejected.
    Text(String),
}

fn statement(u: &mut Unstructured<'_>, index: usize) -> arbitrary::Result<StatementParts> {
    let mut conditions = Vec::new();
    for _ in 0..u.int_in_range(0..=2)? {
        let qualifier = *u.choose(QUALIFIERS)?;
        let operator = *u.choose(OPERATORS)?;
        let if_exists = if u.ratio(1, 5)? { "IfExists" } else { "" };
        let mut keys = Vec::new();
        for _ in 0..u.int_in_range(1..=2)? {
            let key = pick(u, KEYS)?;
            let values = list(u, VALUES, 3)?;
            // A key twice in one block would render as one JSON member whose value depends
            // on the order (the last wins), so the reversed rendering would not be the same
            // policy: found by this target (fuzz/regressions/evaluate/duplicate-condition-key).
            if keys.iter().all(|(k, _)| *k != key) {
                keys.push((key, values));
            }
        }
        let name = format!("{qualifier}{operator}{if_exists}");
        if conditions.iter().all(|(n, _)| *n != name) {
            conditions.push((name, keys));
        }
    }
    Ok(StatementParts {
        sid: u.ratio(1, 2)?.then(|| format!("S{index}")),
        deny: u.ratio(1, 3)?,
        not_action: u.ratio(1, 6)?,
        actions: list(u, ACTIONS, 3)?,
        not_resource: u.ratio(1, 6)?,
        resources: list(u, RESOURCES, 3)?,
        conditions,
    })
}

fn policy(u: &mut Unstructured<'_>) -> arbitrary::Result<PolicyParts> {
    if u.ratio(1, 16)? {
        return Ok(PolicyParts::Text(String::arbitrary(u)?));
    }
    let version = *u.choose(&[
        Some("2012-10-17"),
        Some("2012-10-17"),
        Some("2008-10-17"),
        None,
    ])?;
    let n = u.int_in_range(1..=4)?;
    let statements = (0..n)
        .map(|i| statement(u, i))
        .collect::<arbitrary::Result<_>>()?;
    Ok(PolicyParts::Document {
        version,
        statements,
    })
}

/// How to write a policy: as given, or with every list and map in reverse order.
fn render(policy: &PolicyParts, reversed: bool) -> String {
    let order = |mut items: Vec<Value>| {
        if reversed {
            items.reverse();
        }
        Value::Array(items)
    };
    let strings = |items: &[String]| order(items.iter().map(|s| json!(s)).collect());
    match policy {
        PolicyParts::Text(text) => text.clone(),
        PolicyParts::Document {
            version,
            statements,
        } => {
            let statements: Vec<Value> = statements
                .iter()
                .map(|s| {
                    let mut out = Map::new();
                    if let Some(sid) = &s.sid {
                        out.insert("Sid".into(), json!(sid));
                    }
                    out.insert(
                        "Effect".into(),
                        json!(if s.deny { "Deny" } else { "Allow" }),
                    );
                    let action = if s.not_action { "NotAction" } else { "Action" };
                    out.insert(action.into(), strings(&s.actions));
                    let resource = if s.not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    };
                    out.insert(resource.into(), strings(&s.resources));
                    if !s.conditions.is_empty() {
                        let mut operators: Vec<_> = s.conditions.iter().collect();
                        if reversed {
                            operators.reverse();
                        }
                        let mut condition = Map::new();
                        for (operator, keys) in operators {
                            let mut body = Map::new();
                            let mut keys: Vec<_> = keys.iter().collect();
                            if reversed {
                                keys.reverse();
                            }
                            for (key, values) in keys {
                                body.insert(key.clone(), strings(values));
                            }
                            condition.insert(operator.clone(), Value::Object(body));
                        }
                        out.insert("Condition".into(), Value::Object(condition));
                    }
                    Value::Object(out)
                })
                .collect();
            let mut doc = Map::new();
            if let Some(version) = version {
                doc.insert("Version".into(), json!(version));
            }
            doc.insert("Statement".into(), order(statements));
            Value::Object(doc).to_string()
        }
    }
}

fn request(u: &mut Unstructured<'_>) -> arbitrary::Result<Option<Request>> {
    let mut context = Context::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let key = pick(u, KEYS)?;
        let value = if u.ratio(1, 4)? {
            let n = u.int_in_range(0..=3)?;
            ContextValue::Multi(
                (0..n)
                    .map(|_| pick(u, VALUES))
                    .collect::<arbitrary::Result<_>>()?,
            )
        } else {
            ContextValue::Single(pick(u, VALUES)?)
        };
        if context.insert(&key, value).is_err() {
            return Ok(None);
        }
    }
    let action = pick(u, REQUEST_ACTIONS)?;
    let resource = pick(u, REQUEST_RESOURCES)?;
    Ok(Request::new(&action, &resource, context).ok())
}

/// The decision under `readings`, or `None` for an error, checking the response's own
/// consistency.
fn decide(texts: &[String], request: &Request, readings: Readings) -> Option<Decision> {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let response = ReferenceUnder(readings).evaluate(&refs, request);
    assert_eq!(
        response.decision.is_none(),
        !response.errors.is_empty(),
        "{response:?}"
    );
    assert_eq!(
        response.is_allowed(),
        response.decision == Some(Decision::Allow)
    );
    match PolicySet::from_texts_with(&refs, readings) {
        Ok(set) => {
            assert_eq!(set.decide(request), response.decision);
            let mut again = iam_eval::Response::new();
            set.evaluate_into(request, &mut again);
            assert_eq!(again, response);
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert_eq!(response.decision, None, "a rejected document decided");
        }
    }
    response.decision
}

/// A golden case line (the seeds): its policies, the same policies reversed with their
/// statement lists reversed, and its request.
fn from_case_line(line: &str) -> Option<(Vec<String>, Vec<String>, Request)> {
    let case = CaseLine::parse(line).ok()?;
    let texts = case.policy_texts().ok()?;
    let request = case.request.to_request().ok()?;
    let reordered = texts
        .iter()
        .rev()
        .map(|text| {
            // Only an accepted document is rewritten: it has no duplicate key to lose.
            if Policy::parse(text).is_err() {
                return text.clone();
            }
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(mut doc)) => {
                    if let Some(Value::Array(statements)) = doc.get_mut("Statement") {
                        statements.reverse();
                    }
                    Value::Object(doc).to_string()
                }
                _ => text.clone(),
            }
        })
        .collect();
    Some((texts, reordered, request))
}

fn structured(data: &[u8]) -> arbitrary::Result<Option<(Vec<String>, Vec<String>, Request)>> {
    let mut u = Unstructured::new(data);
    let n = u.int_in_range(0..=3)?;
    let policies: Vec<PolicyParts> = (0..n)
        .map(|_| policy(&mut u))
        .collect::<arbitrary::Result<_>>()?;
    let Some(request) = request(&mut u)? else {
        return Ok(None);
    };
    let texts = policies.iter().map(|p| render(p, false)).collect();
    let reordered = policies.iter().rev().map(|p| render(p, true)).collect();
    Ok(Some((texts, reordered, request)))
}

fn check(texts: Vec<String>, mut reordered: Vec<String>, request: &Request, readings: Readings) {
    let decide = |texts: &[String]| decide(texts, request, readings);
    let decision = decide(&texts);

    // Order and repetition do not matter.
    assert_eq!(
        decide(&reordered),
        decision,
        "reversed: {reordered:?}"
    );
    if let Some(first) = texts.first() {
        reordered.push(first.clone());
        assert_eq!(
            decide(&reordered),
            decision,
            "repeated: {reordered:?}"
        );
    }

    // Fail closed: a rejected document spoils the set; a Deny of everything leaves no Allow.
    let mut spoiled = texts.clone();
    spoiled.push("{\"Statement\": [}".to_owned());
    assert_eq!(decide(&spoiled), None);
    let mut denied = texts;
    denied.push(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#.to_owned());
    let with_deny = decide(&denied);
    assert!(
        matches!(with_deny, None | Some(Decision::ExplicitDeny)),
        "deny of everything gave {with_deny:?}"
    );
    if decision.is_none() {
        assert_eq!(with_deny, None, "an error turned into a decision");
    }
}

fuzz_target!(|data: &[u8]| {
    // A line starting with `{` is a case line (the golden seeds); anything else is read as
    // structured input.
    let input = if data.first() == Some(&b'{') {
        std::str::from_utf8(data).ok().and_then(from_case_line)
    } else {
        structured(data).ok().flatten()
    };
    // The last byte picks the readings: the reference's for even bytes, else one of 128
    // combinations that together use every reading of every point.
    let readings = match data.last() {
        Some(&byte) if byte % 2 == 1 => other_readings(usize::from(byte / 2)),
        _ => Readings::REFERENCE,
    };
    if let Some((texts, reordered, request)) = input {
        check(texts, reordered, &request, readings);
    }
});
