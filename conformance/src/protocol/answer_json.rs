//! An answer line as written: a serde struct, `{"id", "decision" | "error", "matched"}`
//! (`id` is `null` when unknown; `matched` only when the evaluator says).

use serde::Serialize;

use super::{AnswerLine, MatchedRef, Verdict};

#[derive(Serialize)]
pub(super) struct AnswerJson<'a> {
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    matched: Option<&'a [MatchedRef]>,
}

impl<'a> AnswerJson<'a> {
    pub(super) fn new(answer: &'a AnswerLine) -> Self {
        let (decision, error) = match &answer.verdict {
            Verdict::Decision(d) => (Some(d.as_protocol_str()), None),
            Verdict::Error(e) => (None, Some(e.as_str())),
        };
        Self {
            id: answer.id.as_deref(),
            decision,
            error,
            matched: answer.matched.as_deref(),
        }
    }

    /// The line; `None` should serde fail (it cannot: strings and integers only).
    pub(super) fn to_line(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}
