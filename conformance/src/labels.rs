//! Feature labels of a case, derived from its content, and the failure groups built on them.
//!
//! A case's labels name what it exercises: the condition operator families and their
//! qualifiers (`op:String`, `op:IpAddress`, `ForAllValues`, `IfExists`, `negated`), policy
//! variables, `NotAction` / `NotResource`, `Deny`, several policies, IPv6, a multivalued context
//! key, the resource `*`, the diagnostic codes of a document the reference rejects
//! (`malformed:<code>`), the implementation-defined points it depends on (`ID-n`), the
//! invariant it comes from (`invariant:<name>`) and whether it is a whole API call (`call`).
//!
//! A disagreement's group is the labels of its shrunk (minimal) case with the two answers:
//! disagreements that share a group share a cause, as far as the content can tell. The group
//! key is one word (no blanks), so that a known-failures line can name it.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::protocol::{AnswerLine, CaseLine, Verdict};

/// The labels of `case`, sorted; `reference` is the reference's answer to it (for
/// `malformed:<code>`), `implementation_defined` the `ID-n` points it depends on.
pub fn case_labels(
    case: &CaseLine,
    reference: &AnswerLine,
    implementation_defined: &[String],
) -> Vec<String> {
    let mut labels = BTreeSet::new();
    for policy in &case.policies {
        let parsed;
        let document = match policy {
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(v) => {
                    parsed = v;
                    &parsed
                }
                Err(_) => continue,
            },
            other => other,
        };
        for statement in statements(document) {
            policy_labels(statement, &mut labels);
        }
    }
    if case.policies.len() > 1 {
        labels.insert("policies:many".to_owned());
    }
    if case.request.resource == "*" {
        labels.insert("resource:*".to_owned());
    }
    for (key, value) in &case.request.context {
        if value.is_array() {
            labels.insert("context:multivalued".to_owned());
        }
        let values: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if key.eq_ignore_ascii_case("aws:SourceIp") && values.iter().any(|v| v.contains(':')) {
            labels.insert("IPv6".to_owned());
        }
    }
    if let Verdict::Error(message) = &reference.verdict {
        let codes = diagnostic_codes(message);
        if codes.is_empty() {
            labels.insert("error:request".to_owned());
        }
        for code in codes {
            labels.insert(format!("malformed:{code}"));
        }
    }
    for point in implementation_defined {
        labels.insert(point.clone());
    }
    if let Some(name) = invariant_of(&case.id) {
        labels.insert(format!("invariant:{name}"));
    }
    labels.into_iter().collect()
}

/// The invariant a case id names (`inv/<name>/...` or `invariant:<name>:...`), if any.
fn invariant_of(id: &str) -> Option<&str> {
    let rest = id
        .strip_prefix("inv/")
        .or_else(|| id.strip_prefix("invariant:"))?;
    rest.split(['/', ':', '#']).next().filter(|n| !n.is_empty())
}

/// The statements of a document (one object or an array of them).
fn statements(document: &Value) -> Vec<&Value> {
    match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

fn policy_labels(statement: &Value, labels: &mut BTreeSet<String>) {
    let Some(members) = statement.as_object() else {
        return;
    };
    if members.get("Effect").and_then(Value::as_str) == Some("Deny") {
        labels.insert("Deny".to_owned());
    }
    for element in ["NotAction", "NotResource"] {
        if members.contains_key(element) {
            labels.insert(element.to_owned());
        }
    }
    for element in ["Action", "Resource", "NotAction", "NotResource"] {
        if let Some(value) = members.get(element) {
            if strings(value).any(|s| s.contains("${")) {
                labels.insert("variables".to_owned());
            }
        }
    }
    let Some(Value::Object(condition)) = members.get("Condition") else {
        return;
    };
    for (operator, body) in condition {
        let (qualifier, name) = match operator.split_once(':') {
            Some((q, n)) => (Some(q), n),
            None => (None, operator.as_str()),
        };
        if let Some(q) = qualifier {
            labels.insert(q.to_owned());
        }
        let (name, if_exists) = match name.strip_suffix("IfExists") {
            Some(n) => (n, true),
            None => (name, false),
        };
        if if_exists {
            labels.insert("IfExists".to_owned());
        }
        let family = operator_family(name);
        if name.contains("Not") && family != "Null" {
            labels.insert("negated".to_owned());
        }
        labels.insert(format!("op:{family}"));
        if let Some(keys) = body.as_object() {
            for (_, values) in keys {
                if strings(values).any(|s| s.contains("${")) {
                    labels.insert("variables".to_owned());
                }
                if family == "IpAddress" && strings(values).any(|s| s.contains(':')) {
                    labels.insert("IPv6".to_owned());
                }
            }
        }
    }
}

/// The family of a condition operator (without qualifier and `IfExists`): `String`,
/// `StringLike`, `Numeric`, `Date`, `Bool`, `Binary`, `IpAddress`, `Arn`, `Null`, or `unknown`.
pub fn operator_family(name: &str) -> &'static str {
    const FAMILIES: &[(&str, &str)] = &[
        ("StringLike", "StringLike"),
        ("StringNotLike", "StringLike"),
        ("String", "String"),
        ("Numeric", "Numeric"),
        ("Date", "Date"),
        ("Bool", "Bool"),
        ("Binary", "Binary"),
        ("IpAddress", "IpAddress"),
        ("NotIpAddress", "IpAddress"),
        ("Arn", "Arn"),
        ("Null", "Null"),
    ];
    FAMILIES
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map_or("unknown", |(_, family)| family)
}

fn strings(value: &Value) -> Box<dyn Iterator<Item = &str> + '_> {
    match value {
        Value::String(s) => Box::new(std::iter::once(s.as_str())),
        Value::Array(items) => Box::new(items.iter().filter_map(Value::as_str)),
        _ => Box::new(std::iter::empty()),
    }
}

/// The diagnostic codes an error message of the reference quotes (`error[code]`).
pub fn diagnostic_codes(message: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(start) = rest.find("error[") {
        let after = rest.get(start + "error[".len()..).unwrap_or("");
        let Some(end) = after.find(']') else { break };
        let code = after.get(..end).unwrap_or("");
        if !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !out.contains(&code)
        {
            out.push(code);
        }
        rest = after.get(end..).unwrap_or("");
    }
    out
}

/// A message with its numbers and quoted text masked (`#` and `…`), so that two errors of the
/// same kind about different values compare equal.
pub fn mask_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    let mut last_digit = false;
    for c in message.chars() {
        if let Some(q) = quote {
            if c == q || (q == '`' && c == '\'') {
                quote = None;
                out.push(c);
            }
            continue;
        }
        match c {
            '`' | '"' | '\'' => {
                quote = Some(c);
                out.push(c);
                out.push('…');
                last_digit = false;
            }
            c if c.is_ascii_digit() => {
                if !last_digit {
                    out.push('#');
                }
                last_digit = true;
            }
            c => {
                out.push(c);
                last_digit = false;
            }
        }
    }
    out
}

/// The group key of a disagreement: its labels joined by `,` (or `-` when it has none), `;`,
/// then `expected>got` (`Deny,op:String;explicitDeny>implicitDeny`). Blanks in labels become `_`.
pub fn group_key(labels: &[String], expected: &str, got: &str) -> String {
    let labels = if labels.is_empty() {
        "-".to_owned()
    } else {
        labels.join(",").replace(char::is_whitespace, "_")
    };
    format!("{labels};{expected}>{got}")
}

/// The labels part of a group key.
pub fn group_labels(group: &str) -> Vec<&str> {
    let labels = group.split(';').next().unwrap_or("");
    if labels == "-" || labels.is_empty() {
        return Vec::new();
    }
    labels.split(',').collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_eval::Decision;
    use serde_json::json;

    fn answer(verdict: Verdict) -> AnswerLine {
        AnswerLine {
            id: None,
            verdict,
            matched: None,
        }
    }

    #[test]
    fn labels_name_operators_qualifiers_and_elements() {
        let case = CaseLine::from_value(&json!({
            "id": "gen-1",
            "policies": [
                {"Statement": [{"Effect": "Deny", "NotAction": "iot:A", "Resource": "arn:aws:iot:*:*:thing/${aws:username}",
                  "Condition": {"ForAllValues:StringNotEqualsIfExists": {"aws:TagKeys": ["a"]},
                                "NotIpAddress": {"aws:SourceIp": "2001:db8::/32"}}}]},
                "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"NotResource\": \"*\"}}"
            ],
            "request": {"action": "iot:B", "resource": "*", "context": {"aws:TagKeys": ["a"]}}
        }))
        .unwrap();
        let labels = case_labels(
            &case,
            &answer(Verdict::Decision(Decision::Allow)),
            &["ID-7".to_owned()],
        );
        assert_eq!(
            labels,
            [
                "Deny",
                "ForAllValues",
                "ID-7",
                "IPv6",
                "IfExists",
                "NotAction",
                "NotResource",
                "context:multivalued",
                "negated",
                "op:IpAddress",
                "op:String",
                "policies:many",
                "resource:*",
                "variables"
            ]
        );
    }

    #[test]
    fn a_rejected_document_is_labelled_by_its_codes() {
        let case = CaseLine::from_value(&json!({
            "id": "parse/errors/x", "policies": ["{"],
            "request": {"action": "iot:B", "resource": "arn:aws:iot:us-east-1:123456789012:job/j"}
        }))
        .unwrap();
        let message = "policy 0: policy document rejected: 1:2: error[json-syntax]: eof; 1:1: error[invalid-bool]: x; 2:1: error[json-syntax]: again";
        let labels = case_labels(&case, &answer(Verdict::Error(message.into())), &[]);
        assert_eq!(labels, ["malformed:invalid-bool", "malformed:json-syntax"]);
        let request_error = case_labels(&case, &answer(Verdict::Error("bad ip".into())), &[]);
        assert_eq!(request_error, ["error:request"]);
    }

    #[test]
    fn masking_keeps_the_kind_of_an_error_and_drops_its_values() {
        assert_eq!(
            mask_message("policy 0: Invalid value '2008-10-17' for field `Version` at 12"),
            mask_message("policy 3: Invalid value '2012' for field `Statement` at 7")
        );
        assert_ne!(
            mask_message("no.resource.types"),
            mask_message("must.use.wildcard")
        );
        assert_eq!(mask_message("at 12:5 `x`"), "at #:# `…`");
    }

    #[test]
    fn group_keys_are_one_word_and_give_back_their_labels() {
        let key = group_key(
            &["Deny".into(), "op:String".into()],
            "explicitDeny",
            "allowed",
        );
        assert_eq!(key, "Deny,op:String;explicitDeny>allowed");
        assert_eq!(group_labels(&key), ["Deny", "op:String"]);
        assert_eq!(group_key(&[], "allowed", "error"), "-;allowed>error");
        assert!(group_labels("-;allowed>error").is_empty());
        assert_eq!(operator_family("StringNotLike"), "StringLike");
        assert_eq!(operator_family("NotIpAddress"), "IpAddress");
        assert_eq!(operator_family("ArnNotEquals"), "Arn");
        assert_eq!(operator_family("Foo"), "unknown");
    }
}
