//! The reference's direct answer to a call case (`iamconf evaluate`, protocol 1.1): a serde
//! struct written as one JSON line, `{"id", "decision" | "error", "checks"}`, each check
//! `{"action", "resource", "decision" | "error"}`.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use iam_eval::Decision;

/// The direct answer to a call case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectAnswer {
    /// The case id.
    pub id: String,
    /// The combined decision; `None` with `error`.
    #[serde(
        serialize_with = "decision_word",
        skip_serializing_if = "Option::is_none"
    )]
    pub decision: Option<Decision>,
    /// Why there is no decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The checks, when the call expanded and its policies were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<CheckAnswer>>,
}

/// One check of a direct answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckAnswer {
    /// The check's action.
    pub action: String,
    /// The check's resource.
    pub resource: String,
    /// Its decision; `None` with `error`.
    #[serde(
        serialize_with = "decision_word",
        skip_serializing_if = "Option::is_none"
    )]
    pub decision: Option<Decision>,
    /// Why it has no decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

// The signature is serde's `serialize_with`.
#[expect(
    clippy::ref_option,
    reason = "serde's serialize_with passes a reference to the field"
)]
fn decision_word<S: Serializer>(decision: &Option<Decision>, s: S) -> Result<S::Ok, S::Error> {
    match decision {
        Some(d) => s.serialize_str(d.as_protocol_str()),
        None => s.serialize_none(),
    }
}

impl DirectAnswer {
    /// An answer that is an error, without checks.
    pub fn error(id: &str, message: String) -> Self {
        Self {
            id: id.to_owned(),
            decision: None,
            error: Some(message),
            checks: None,
        }
    }

    /// The verdict's protocol word: the decision's spelling, or `error`.
    pub fn word(&self) -> &'static str {
        self.decision.map_or("error", Decision::as_protocol_str)
    }
}

impl fmt::Display for DirectAnswer {
    /// The answer line (compact JSON, no newline).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_string(self) {
            Ok(line) => f.write_str(&line),
            // Strings and optional strings only: writing cannot fail. Should it, the line is
            // still an answer, an error.
            Err(e) => {
                debug_assert!(false, "cannot write the answer: {e}");
                let id = Value::from(self.id.as_str());
                let why = Value::from(format!("internal error: cannot write the answer: {e}"));
                write!(f, "{{\"id\":{id},\"error\":{why}}}")
            }
        }
    }
}
