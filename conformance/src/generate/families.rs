//! Case families the model-level generator does not draw: one case in [`PERIOD`] of a run is
//! replaced by a family case, the families taking turns, so that a default run (10,000 cases)
//! holds every family many times and any run of [`PERIOD`] × [`FAMILIES`]`.len()` cases holds
//! each at least once.
//!
//! A family case is built from the drawn case (its request, and for some families its
//! policies), with choices taken from a hash of the case id. Its `ID-n` tags are the drawn
//! case's, plus every point the family case holds ([`scope::id_points`], which errs on the side
//! of naming one), plus ID-16 when its request is outside the catalog; a family whose answer is
//! an error under every reading (an invalid request, a document rejected for a reason no
//! reading accepts) carries none.

use serde_json::{json, Value};

use super::GeneratedCase;
use crate::invariants::scope;
use crate::protocol::CaseLine;

/// One case in `PERIOD` is a family case.
pub const PERIOD: usize = 20;

/// The families, in the order they take turns.
pub const FAMILIES: &[&str] = &[
    "context-keys-differing-by-case",
    "condition-value-json-number",
    "condition-value-json-bool",
    "empty-condition",
    "operator-without-keys",
    "invalid-policy-as-object",
    "policy-id",
    "escaped-variables",
    "malformed-variable",
    "question-mark-non-ascii",
    "ipv4-mapped-policy-range",
    "malformed-typed-value",
    "invalid-sid",
    "missing-element",
    "resource-and-not-resource",
    "not-principal",
    "null-if-exists",
    "too-deep",
    "too-large",
    "implementation-defined-probe",
];

/// The family case `index` of a run is replaced by, if any.
pub fn family_of(index: usize) -> Option<&'static str> {
    if index % PERIOD != PERIOD / 2 {
        return None;
    }
    FAMILIES.get((index / PERIOD) % FAMILIES.len()).copied()
}

/// The family case `g` (case `index` of its run) is replaced by, or `g` itself.
pub fn apply(index: usize, g: GeneratedCase) -> GeneratedCase {
    let Some(family) = family_of(index) else {
        return g;
    };
    let pick = crate::invariants::fnv(&g.case.id) as usize;
    let mut case = g.case.clone();
    let surely_error = build(family, pick, &mut case);
    let mut tags: Vec<String> = if surely_error {
        Vec::new()
    } else {
        let mut t = g.implementation_defined.clone();
        t.extend(scope::id_points(&case).into_iter().map(str::to_owned));
        if !scope::request_in_catalog(&case.request) {
            t.push("ID-16".to_owned());
        }
        t
    };
    tags.sort_unstable();
    tags.dedup();
    case.id = format!("{}~{family}", g.case.id);
    GeneratedCase {
        case,
        implementation_defined: tags,
    }
}

/// The family of a case id `apply` gave, if any.
pub fn family_of_id(id: &str) -> Option<&str> {
    id.rsplit_once('~')
        .map(|(_, f)| f)
        .filter(|f| FAMILIES.contains(f))
}

fn allow(condition: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*",
        "Resource": "*", "Condition": condition}})
}

fn set(case: &mut CaseLine, key: &str, value: &str) {
    case.request.context.insert(key.to_owned(), Value::from(value));
}

/// Rewrite `case` into a case of `family`; whether its answer is an error under every reading.
fn build(family: &str, pick: usize, case: &mut CaseLine) -> bool {
    let flip = pick % 2 == 0;
    match family {
        "context-keys-differing-by-case" => {
            set(case, "aws:SourceIp", "203.0.113.7");
            set(case, "AWS:SOURCEIP", "203.0.113.8");
            return true;
        }
        "condition-value-json-number" => {
            set(case, "aws:MultiFactorAuthAge", if flip { "10" } else { "7200" });
            case.policies = vec![allow(
                json!({"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}),
            )];
        }
        "condition-value-json-bool" => {
            set(case, "aws:SecureTransport", if flip { "true" } else { "FALSE" });
            case.policies = vec![allow(json!({"Bool": {"aws:SecureTransport": [true]}}))];
        }
        "empty-condition" => case.policies.push(allow(json!({}))),
        "operator-without-keys" => {
            let effect = if flip { "Allow" } else { "Deny" };
            case.policies.push(json!({"Version": "2012-10-17", "Statement": {
                "Effect": effect, "Action": case.request.action, "Resource": "*",
                "Condition": {"StringEquals": {}}}}));
        }
        "invalid-policy-as-object" => {
            let faults = [
                json!({"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}}),
                json!({"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}}),
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                    "Condition": {"StringEqualz": {"aws:username": "a"}}}}),
                json!({"Statement": []}),
                json!({"statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "not-an-arn"}}),
                json!({"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "iot:*", "Resource": "*"}}),
            ];
            let fault = faults.get(pick % faults.len()).cloned().unwrap_or(Value::Null);
            case.policies.push(fault);
            return true;
        }
        "policy-id" => {
            for p in &mut case.policies {
                if let Value::Object(root) = p {
                    root.insert("Id".into(), Value::from(format!("policy-{}", pick % 97)));
                }
            }
            case.policies.push(json!({"Id": "granted", "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": case.request.action, "Resource": "*"}}));
        }
        "escaped-variables" => {
            let (pattern, value) = [
                ("a${*}b", "a*b"),
                ("what${?}", "what?"),
                ("${$}{aws:username}", "${aws:username}"),
                ("a${*}b", "axb"),
            ]
            .get(pick % 4)
            .copied()
            .unwrap_or(("a", "a"));
            set(case, "aws:username", "sensor-1");
            set(case, "aws:userid", value);
            let operator = if flip { "StringEquals" } else { "StringLike" };
            case.policies = vec![allow(json!({operator: {"aws:userid": pattern}}))];
        }
        "malformed-variable" => {
            set(case, "aws:username", "sensor-1");
            case.policies = vec![allow(json!({"StringEquals": {
                "aws:username": if flip { "${aws:username" } else { "sensor-${" }}}))];
        }
        "question-mark-non-ascii" => {
            set(case, "aws:username", if flip { "café" } else { "cafés" });
            case.policies = vec![allow(json!({"StringLike": {"aws:username": "caf?"}}))];
        }
        "ipv4-mapped-policy-range" => {
            set(case, "aws:SourceIp", if flip { "192.0.2.7" } else { "2001:db8::7" });
            case.policies = vec![allow(
                json!({"IpAddress": {"aws:SourceIp": ["::ffff:192.0.2.0/120", "2001:db8::/32"]}}),
            )];
        }
        "malformed-typed-value" => {
            let conditions = [
                json!({"NumericEquals": {"aws:MultiFactorAuthAge": "ten"}}),
                json!({"DateGreaterThan": {"aws:CurrentTime": "2024-13-45T00:00:00Z"}}),
                json!({"Bool": {"aws:SecureTransport": "maybe"}}),
                json!({"BinaryEquals": {"aws:username": "not base-64!"}}),
                json!({"IpAddress": {"aws:SourceIp": "10.0.0.256/8"}}),
            ];
            let which = pick % conditions.len();
            case.policies
                .push(allow(conditions.get(which).cloned().unwrap_or(Value::Null)));
            // Date, Bool and base-64 values that do not fit are errors under every reading;
            // Numeric and IP ones are ID-19 (scope names it).
            return matches!(which, 1..=3);
        }
        "invalid-sid" => {
            case.policies.push(json!({"Statement": {"Sid": "not a sid!", "Effect": "Allow",
                "Action": "*", "Resource": "*"}}));
            return true;
        }
        "missing-element" => {
            let mut statement = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
            if let Value::Object(m) = &mut statement {
                m.shift_remove(["Effect", "Action", "Resource"][pick % 3]);
            }
            case.policies.push(json!({"Statement": statement}));
            return true;
        }
        "resource-and-not-resource" => {
            case.policies.push(json!({"Statement": {"Effect": "Allow", "Action": "*",
                "Resource": "*", "NotResource": "arn:aws:iot:*:*:job/*"}}));
            return true;
        }
        "not-principal" => {
            case.policies.push(json!({"Statement": {"Effect": "Deny", "Action": "*",
                "Resource": "*", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}}}));
            return true;
        }
        "null-if-exists" => {
            case.policies
                .push(allow(json!({"NullIfExists": {"aws:username": "true"}})));
            return true;
        }
        "too-deep" => {
            let depth = 70 + pick % 30;
            let text = format!(
                "{{\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{{\"StringEquals\":{{\"aws:username\":{}\"a\"{}}}}}}}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            case.policies.push(Value::String(text));
            return true;
        }
        "too-large" => {
            let actions: Vec<String> = (0..90_000).map(|i| format!("iot:Op{i}")).collect();
            case.policies.push(json!({"Statement": {"Effect": "Allow", "Action": actions,
                "Resource": "*"}}));
            return true;
        }
        "implementation-defined-probe" => probe(pick, case),
        _ => {}
    }
    false
}

/// A case that holds one implementation-defined feature, the points taking turns.
fn probe(pick: usize, case: &mut CaseLine) {
    let arn = "arn:aws:iot:us-east-1:123456789012:job/firmware-42";
    let (policy, key_value) = match pick % 8 {
        0 => (
            allow(json!({"DateGreaterThan": {"aws:CurrentTime": "2024"}})),
            ("aws:CurrentTime", "2025-01-01T00:00:00Z"),
        ),
        1 => (
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:iot:*"}}),
            ("aws:username", "sensor-1"),
        ),
        2 => (
            json!({"Statement": {"Effect": "Allow", "Action": "*",
                "Resource": "arn:aws:iot:*:*:*/firmware-42"}}),
            ("aws:username", "sensor-1"),
        ),
        3 => (
            allow(json!({"Bool": {"aws:SecureTransport": "${aws:username}"}})),
            ("aws:username", "true"),
        ),
        4 => (
            allow(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "soon"}})),
            ("aws:MultiFactorAuthAge", "10"),
        ),
        5 => (
            allow(json!({"BinaryEquals": {"aws:username": "c2Vuc29yLTE="}})),
            ("aws:username", "sensor-1"),
        ),
        6 => (
            allow(json!({"ArnLike": {"aws:SourceArn": "arn:aws:iot:*:*:job/*"}})),
            ("aws:SourceArn", "arn:aws:iot"),
        ),
        _ => (
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
            ("aws:username", "sensor-1"),
        ),
    };
    // A request in the catalog, except for the last probe (an action that does not exist).
    case.request.action = if pick % 8 == 7 {
        "iot:DescribeJobs".into()
    } else {
        "iot:DescribeJob".into()
    };
    case.request.resource = arn.into();
    set(case, key_value.0, key_value.1);
    case.policies = vec![policy];
}
