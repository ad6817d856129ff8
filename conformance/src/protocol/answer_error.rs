//! Why a line is not an answer line: [`AnswerLineError`], typed, each variant rendering the
//! message the reader always gave.

use std::fmt;
use std::sync::Arc;

/// An error of another library, shared so that the error holding it stays `Clone`, and
/// compared by its message. It stands for the error in a chain of sources: it displays as
/// the error does and its source is the error's source (reach the error by
/// `downcast_ref::<Shared<E>>()` and [`Shared::get`]).
#[derive(Debug)]
pub struct Shared<E>(pub Arc<E>);

impl<E> Shared<E> {
    /// Share `error`.
    pub fn new(error: E) -> Self {
        Self(Arc::new(error))
    }

    /// The error.
    pub fn get(&self) -> &E {
        &self.0
    }
}

impl<E> Clone for Shared<E> {
    /// Another handle on the same error (`derive` would ask `E: Clone`).
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<E: fmt::Display> PartialEq for Shared<E> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl<E: fmt::Display> Eq for Shared<E> {}

impl<E: fmt::Display> fmt::Display for Shared<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Shared<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Why a line is not an answer line ([`super::AnswerLine::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerLineError {
    /// The line is not JSON.
    #[error("answer is not JSON: {0}")]
    NotJson(#[source] Shared<serde_json::Error>),
    /// The line is JSON, but no object.
    #[error("answer must be a JSON object, found {found}")]
    NotAnObject {
        /// The JSON type found (`an array`, ...).
        found: &'static str,
    },
    /// The answer has no `id`.
    #[error("the answer has no `id`")]
    NoId,
    /// The answer's `id` is no string.
    #[error("`id` in the answer must be a string, found {found}")]
    IdNotAString {
        /// The JSON type found.
        found: &'static str,
    },
    /// A `decision` that is none of the three.
    #[error("unknown decision `{0}`: expected `allowed`, `explicitDeny` or `implicitDeny`")]
    UnknownDecision(String),
    /// Both `decision` and `error`.
    #[error("answer has both `decision` and `error`")]
    BothVerdicts,
    /// Neither `decision` nor `error`.
    #[error("answer has neither `decision` nor `error`")]
    NoVerdict,
    /// A `decision` that is no string.
    #[error("`decision` must be a string, found {found}")]
    DecisionNotAString {
        /// The JSON type found.
        found: &'static str,
    },
    /// An `error` that is no string.
    #[error("`error` must be a string, found {found}")]
    ErrorNotAString {
        /// The JSON type found.
        found: &'static str,
    },
    /// A `matched` that is no array.
    #[error("`matched` must be an array, found {found}")]
    MatchedNotAnArray {
        /// The JSON type found.
        found: &'static str,
    },
    /// A `matched` entry without a non-negative integer `policy` or `statement`.
    #[error("each `matched` entry needs a non-negative integer `{field}`")]
    MatchedEntry {
        /// `policy` or `statement`.
        field: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::super::AnswerLine;
    use super::*;

    /// Each refusal, typed, with the message the reader gave as a string before.
    #[test]
    fn refusals_are_typed_and_render_as_before() {
        let cases: [(&str, AnswerLineError, &str); 11] = [
            (
                r#"[1]"#,
                AnswerLineError::NotAnObject { found: "an array" },
                "answer must be a JSON object, found an array",
            ),
            (
                r#"{"decision":"allowed"}"#,
                AnswerLineError::NoId,
                "the answer has no `id`",
            ),
            (
                r#"{"id":1,"decision":"allowed"}"#,
                AnswerLineError::IdNotAString { found: "a number" },
                "`id` in the answer must be a string, found a number",
            ),
            (
                r#"{"id":"1","decision":"Allow"}"#,
                AnswerLineError::UnknownDecision("Allow".into()),
                "unknown decision `Allow`: expected `allowed`, `explicitDeny` or `implicitDeny`",
            ),
            (
                r#"{"id":"1","decision":"allowed","error":"x"}"#,
                AnswerLineError::BothVerdicts,
                "answer has both `decision` and `error`",
            ),
            (
                r#"{"id":"1"}"#,
                AnswerLineError::NoVerdict,
                "answer has neither `decision` nor `error`",
            ),
            (
                r#"{"id":"1","decision":true}"#,
                AnswerLineError::DecisionNotAString { found: "a boolean" },
                "`decision` must be a string, found a boolean",
            ),
            (
                r#"{"id":"1","error":null}"#,
                AnswerLineError::ErrorNotAString { found: "null" },
                "`error` must be a string, found null",
            ),
            (
                r#"{"id":"1","error":"x","matched":{}}"#,
                AnswerLineError::MatchedNotAnArray { found: "an object" },
                "`matched` must be an array, found an object",
            ),
            (
                r#"{"id":"1","error":"x","matched":[{"policy":0}]}"#,
                AnswerLineError::MatchedEntry { field: "statement" },
                "each `matched` entry needs a non-negative integer `statement`",
            ),
            (
                r#"{"id":"1","error":"x","matched":[{"policy":-1,"statement":0}]}"#,
                AnswerLineError::MatchedEntry { field: "policy" },
                "each `matched` entry needs a non-negative integer `policy`",
            ),
        ];
        for (line, kind, message) in cases {
            let error = AnswerLine::parse(line).unwrap_err();
            assert_eq!(error, kind, "{line}");
            assert_eq!(error.to_string(), message, "{line}");
        }
    }

    #[test]
    fn a_line_that_is_not_json_keeps_the_json_error_as_its_source() {
        let error = AnswerLine::parse("{not json").unwrap_err();
        let AnswerLineError::NotJson(json) = &error else {
            panic!("{error:?}");
        };
        assert_eq!(
            error.to_string(),
            format!("answer is not JSON: {}", json.0),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "answer is not JSON: key must be a string at line 1 column 2"
        );
        let source = std::error::Error::source(&error).unwrap();
        let json = source.downcast_ref::<Shared<serde_json::Error>>().unwrap();
        assert_eq!((json.get().line(), json.get().column()), (1, 2));
        // Equal by message, so a failure read twice compares equal.
        assert_eq!(error, AnswerLine::parse("{not json").unwrap_err());
        assert_ne!(error, AnswerLine::parse("{\"a\" 1}").unwrap_err());
    }
}
