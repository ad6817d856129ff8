//! Translation from iamconf's evaluator protocol (docs/evaluator-protocol.md) to iam-rs.
//!
//! iam-rs wants typed context values: a `Bool` condition never matches the string `"false"`.
//! The protocol carries every value as a string, so [`typed_value`] types each key by its
//! type in the AWS global condition keys table ([`KEY_TYPES`]; IoT Jobs' own keys are strings),
//! and reads it as that type when it can (otherwise it stays a string).

use iam_rs::{Arn, Context, ContextValue, Decision, IAMPolicy, IAMRequest, PolicyEvaluator};
use iam_rs::{Principal, PrincipalId, Validate};
use serde_json::Value;

/// A request as the protocol carries it: action, resource, context (key -> string or strings).
pub struct ProtocolRequest<'a> {
    /// `service:Operation`.
    pub action: &'a str,
    /// An ARN, or `*`.
    pub resource: &'a str,
    /// Each key with its value(s).
    pub context: Vec<(&'a str, Vec<&'a str>, bool)>,
}

/// The answer: a decision word of the protocol, or an error message.
pub type Answer = Result<&'static str, String>;

/// Condition key types (AWS global condition context keys; keys compared
/// case-insensitively). Any key not listed is a string.
pub const KEY_TYPES: &[(&str, KeyType)] = &[
    ("aws:SourceIp", KeyType::String),
    ("aws:ViaAWSService", KeyType::Bool),
    ("aws:SecureTransport", KeyType::Bool),
    ("aws:MultiFactorAuthPresent", KeyType::Bool),
    ("aws:PrincipalIsAWSService", KeyType::Bool),
    ("aws:CurrentTime", KeyType::Date),
    ("aws:TokenIssueTime", KeyType::Date),
    ("aws:EpochTime", KeyType::Numeric),
    ("aws:MultiFactorAuthAge", KeyType::Numeric),
];

/// The type a condition key's values are read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// Kept as text (iam-rs parses numbers, dates and addresses from text itself).
    String,
    /// `true` / `false` as booleans.
    Bool,
    /// Dates: iam-rs parses them from text; kept as text.
    Date,
    /// Numbers: iam-rs parses them from text; kept as text.
    Numeric,
}

/// The type of `key`.
pub fn key_type(key: &str) -> KeyType {
    KEY_TYPES
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map_or(KeyType::String, |(_, t)| *t)
}

/// A Bool context value: `true` or `false` in any case (IAM compares Bool values
/// case-insensitively, docs/iam-facts.md §7).
fn bool_of(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// One context value, typed by its key's type.
pub fn typed_value(key: &str, values: &[&str], multivalued: bool) -> ContextValue {
    if key_type(key) == KeyType::Bool {
        let booleans: Option<Vec<bool>> = values.iter().map(|v| bool_of(v)).collect();
        if let Some(b) = booleans {
            return match (multivalued, b.as_slice()) {
                (false, [one]) => ContextValue::Boolean(*one),
                _ => ContextValue::BooleanList(b),
            };
        }
    }
    match (multivalued, values) {
        (false, [one]) => ContextValue::String((*one).to_owned()),
        _ => ContextValue::StringList(values.iter().map(|v| (*v).to_owned()).collect()),
    }
}

/// The ARN iam-rs is given for the request resource `*` (iam-rs takes only ARNs): an ARN of the
/// action's service with empty region and account whose resource is `*`.
pub fn resource_arn(action: &str, resource: &str) -> Result<Arn, String> {
    if resource == "*" {
        let vendor = action.split(':').next().unwrap_or("iot");
        return Arn::parse(&format!("arn:aws:{vendor}:::*"))
            .map_err(|e| format!("iam-rs cannot express the resource `*`: {e}"));
    }
    Arn::parse(resource).map_err(|e| format!("iam-rs rejects the resource `{resource}`: {e}"))
}

/// Evaluate policy texts against a request with iam-rs: each document is parsed
/// (`IAMPolicy::from_json`) and validated (`Validate::validate_result`); a document either
/// rejects is an error.
pub fn evaluate(policies: &[&str], request: &ProtocolRequest<'_>) -> Answer {
    let mut parsed = Vec::with_capacity(policies.len());
    for (i, text) in policies.iter().enumerate() {
        let policy =
            IAMPolicy::from_json(text).map_err(|e| format!("policy {i}: iam-rs parse: {e}"))?;
        policy
            .validate_result()
            .map_err(|e| format!("policy {i}: iam-rs validation: {e}"))?;
        parsed.push(policy);
    }
    let mut context = Context::new();
    for (key, values, multivalued) in &request.context {
        context.insert((*key).to_owned(), typed_value(key, values, *multivalued));
    }
    let principal = Principal::Aws(PrincipalId::String(
        "arn:aws:iam::123456789012:user/iamconf".to_owned(),
    ));
    let arn = resource_arn(request.action, request.resource)?;
    let iam_request = IAMRequest::new_with_context(principal, request.action, arn, context);
    let result = PolicyEvaluator::with_policies(parsed)
        .evaluate(&iam_request)
        .map_err(|e| format!("iam-rs evaluation: {e}"))?;
    Ok(match result.decision {
        Decision::Allow => "allowed",
        Decision::Deny => "explicitDeny",
        Decision::NotApplicable => "implicitDeny",
    })
}

/// Answer one protocol case line (a JSON object) with an answer line (without the newline).
pub fn answer_line(line: &str) -> String {
    let case: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return serde_json::json!({"id": null, "error": format!("not a case line: {e}")})
                .to_string()
        }
    };
    let id = case.get("id").cloned().unwrap_or(Value::Null);
    let answer = answer_case(&case);
    match answer {
        Ok(decision) => serde_json::json!({"id": id, "decision": decision}),
        Err(error) => serde_json::json!({"id": id, "error": error}),
    }
    .to_string()
}

fn answer_case(case: &Value) -> Answer {
    let texts: Vec<String> = case
        .get("policies")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let request = case.get("request").ok_or("the case has no `request`")?;
    let field = |name: &str| -> Result<&str, String> {
        request
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("the request has no string `{name}`"))
    };
    let mut context = Vec::new();
    if let Some(map) = request.get("context").and_then(Value::as_object) {
        for (key, value) in map {
            match value {
                Value::String(s) => context.push((key.as_str(), vec![s.as_str()], false)),
                Value::Array(items) => {
                    let values: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                    let values = values.ok_or_else(|| format!("context `{key}` holds a non-string"))?;
                    context.push((key.as_str(), values, true));
                }
                _ => return Err(format!("context `{key}` is not a string or an array")),
            }
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    evaluate(
        &refs,
        &ProtocolRequest {
            action: field("action")?,
            resource: field("resource")?,
            context,
        },
    )
}
