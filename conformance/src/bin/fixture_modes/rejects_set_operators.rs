//! `iamconf-fixture rejects-set-operators` (issue 14): an evaluator that, like iam-rs 0.8,
//! cannot read a set qualifier (`ForAllValues:` / `ForAnyValue:`) on an operator outside the
//! String, StringLike and Arn families, and requires `Version`. It answers an error naming the
//! first such operator, else an error for a document without `Version`, else the reference's
//! answer: so its failures show how the gate groups errors (by the masked message, whatever
//! the expected answer) and that shrinking keeps the cause (an unsupported operator does not
//! shrink into a missing `Version`).

use serde_json::Value;

use iam_conformance::labels::operator_family;
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};

/// The answer of the mode to `case`.
pub(crate) fn respond(oracle: &mut Oracle, case: &CaseLine) -> AnswerLine {
    let error = |message: String| AnswerLine {
        id: Some(case.id.clone()),
        verdict: Verdict::Error(message),
        matched: None,
    };
    let documents: Vec<Option<Value>> = case
        .policies
        .iter()
        .map(|p| match p {
            Value::String(text) => serde_json::from_str(text).ok(),
            other => Some(other.clone()),
        })
        .collect();
    for (i, document) in documents.iter().enumerate() {
        let Some(document) = document else { continue };
        if let Some((n, operator)) = unsupported_operator(document) {
            return error(format!(
                "policy {i}: unsupported condition operator `{operator}` in statement {n}"
            ));
        }
    }
    for (i, document) in documents.iter().enumerate() {
        if let Some(Value::Object(members)) = document {
            if !members.contains_key("Version") {
                return error(format!(
                    "policy {i}: missing field `Version` at line 1 column {}",
                    members.len() + 1
                ));
            }
        }
    }
    oracle.answer(case)
}

/// The first set-qualified operator outside String, StringLike and Arn, with its statement's
/// index.
fn unsupported_operator(document: &Value) -> Option<(usize, String)> {
    let statements: Vec<&Value> = match document.get("Statement")? {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    statements.iter().enumerate().find_map(|(n, statement)| {
        let condition = statement.get("Condition")?.as_object()?;
        condition.keys().find_map(|operator| {
            let (qualifier, name) = operator.split_once(':')?;
            let set = qualifier == "ForAllValues" || qualifier == "ForAnyValue";
            let name = name.strip_suffix("IfExists").unwrap_or(name);
            let family = operator_family(name);
            let supported = matches!(family, "String" | "StringLike" | "Arn" | "unknown");
            (set && !supported).then(|| (n, operator.clone()))
        })
    })
}
