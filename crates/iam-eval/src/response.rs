//! The response: a decision, the statements that decided it, the context keys that were
//! missing, and evaluation errors (which make the decision absent: fail closed).

use std::fmt::{self, Write as _};
use std::sync::Arc;

use iam_policy::readings::Point;
use iam_policy::value::ValueError;
use iam_policy::{Diagnostic, Diagnostics, Span};

/// The outcome of an evaluation (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// An applicable Allow and no applicable Deny.
    Allow,
    /// An applicable Deny.
    ExplicitDeny,
    /// Nothing applied.
    ImplicitDeny,
}

impl Decision {
    /// The protocol spelling: `allowed`, `explicitDeny` or `implicitDeny`.
    pub const fn as_protocol_str(self) -> &'static str {
        match self {
            Decision::Allow => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }

    /// The decision spelled `text` in the protocol (exact).
    pub fn from_protocol_str(text: &str) -> Option<Decision> {
        match text {
            "allowed" => Some(Decision::Allow),
            "explicitDeny" => Some(Decision::ExplicitDeny),
            "implicitDeny" => Some(Decision::ImplicitDeny),
            _ => None,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_protocol_str())
    }
}

impl std::str::FromStr for Decision {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::from_protocol_str(s).ok_or_else(|| {
            format!("`{s}` is not a decision: use `allowed`, `explicitDeny` or `implicitDeny`")
        })
    }
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatementRef {
    /// The policy's index in the set, from 0.
    pub policy: usize,
    /// The statement's index in its policy, from 0.
    pub statement: usize,
    /// The statement's `Sid`, when it has one (shared with the policy set, not copied).
    pub sid: Option<Arc<str>>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy {} statement {}", self.policy, self.statement)?;
        if let Some(sid) = &self.sid {
            write!(f, " (`{sid}`)")?;
        }
        Ok(())
    }
}

/// What kind of failure an [`EvaluationError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvaluationErrorKind {
    /// A policy document of the set was rejected by the parser: its error diagnostics. A set
    /// that holds a rejected document is an error as a whole (§3).
    RejectedDocument(Vec<Diagnostic>),
    /// A request value cannot be read as the type a condition needs (ID-5).
    UnreadableValue(ValueError),
    /// The evaluation fails under the `error` reading of an implementation-defined point
    /// (ID-8, ID-12, ID-16, ID-21; the reference's readings never give it).
    Reading(Point),
    /// An internal invariant of the evaluator does not hold: a bug in iamconf, never the
    /// input's fault. The evaluation fails closed instead of answering from a partial view.
    Internal(&'static str),
}

/// Why an evaluation failed, and where: the policy (and statement, and condition key) it
/// belongs to, and the bytes of that policy's text it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationError {
    /// What went wrong.
    pub kind: EvaluationErrorKind,
    /// The policy's index (0 for an internal error that belongs to no policy).
    pub policy: usize,
    /// The statement's index, when the error belongs to one.
    pub statement: Option<usize>,
    /// The condition key, when the error belongs to one.
    pub key: Option<String>,
    /// What went wrong, for people (lowercase, user input in backticks).
    pub message: String,
    /// The bytes of policy `policy`'s text the error is about, when the policy was parsed
    /// from text: the condition entry (key and values) whose request value could not be read
    /// or that fails under a reading, the `NotResource` element of ID-12, the first error
    /// diagnostic of a rejected document. `None` for a request refused as a whole, an
    /// internal error, or a policy built without text.
    pub source_loc: Option<Span>,
}

/// Room for an unreadable value's message beside its text: the longest reason and the
/// backticks (`value/error.rs`).
const UNREADABLE_MESSAGE_ROOM: usize = 128;

/// How many diagnostics of a rejected document the message quotes.
const QUOTED_DIAGNOSTICS: usize = 3;

impl EvaluationError {
    /// Policy `policy` was rejected with `diagnostics` (its errors are kept; warnings dropped).
    pub fn rejected_document(policy: usize, diagnostics: &Diagnostics) -> Self {
        let errors: Vec<Diagnostic> = diagnostics.errors().cloned().collect();
        let quoted: Vec<String> = errors
            .iter()
            .take(QUOTED_DIAGNOSTICS)
            .map(ToString::to_string)
            .collect();
        let mut message = format!("policy document rejected: {}", quoted.join("; "));
        if quoted.is_empty() {
            message.push_str("invalid document");
        }
        let more = errors.len().saturating_sub(quoted.len());
        if more > 0 {
            message.push_str(&format!(" (and {more} more)"));
        }
        Self {
            source_loc: errors.first().map(|d| d.span),
            kind: EvaluationErrorKind::RejectedDocument(errors),
            policy,
            statement: None,
            key: None,
            message,
        }
    }

    /// The request's value of condition key `key` (statement `statement` of policy `policy`)
    /// cannot be read as the condition needs.
    pub fn unreadable_value(policy: usize, statement: usize, key: &str, error: ValueError) -> Self {
        // Sized once for the text and the longest reason: `to_string` would grow the string
        // several times, each a reallocation on the error path.
        let mut message = String::with_capacity(error.text.len() + UNREADABLE_MESSAGE_ROOM);
        // Writing into a `String` cannot fail.
        let _ = write!(message, "{error}");
        Self {
            message,
            kind: EvaluationErrorKind::UnreadableValue(error),
            policy,
            statement: Some(statement),
            key: Some(key.to_owned()),
            source_loc: None,
        }
    }

    /// A condition (or `NotResource` entry) of statement `statement` of policy `policy` fails
    /// under the `error` reading of `point`; `message` says why.
    pub fn reading(
        policy: usize,
        statement: usize,
        key: &str,
        point: Point,
        message: &'static str,
    ) -> Self {
        Self {
            message: message.to_owned(),
            kind: EvaluationErrorKind::Reading(point),
            policy,
            statement: Some(statement),
            key: Some(key.to_owned()),
            source_loc: None,
        }
    }

    /// The whole request is refused under the `error` reading of `point` (ID-16: a request
    /// AWS could not send); `message` says why.
    pub fn refused_request(point: Point, message: String) -> Self {
        Self {
            message,
            kind: EvaluationErrorKind::Reading(point),
            policy: 0,
            statement: None,
            key: None,
            source_loc: None,
        }
    }

    /// A broken internal invariant, `what` says which.
    pub fn internal(what: &'static str) -> Self {
        Self {
            kind: EvaluationErrorKind::Internal(what),
            policy: 0,
            statement: None,
            key: None,
            message: format!("internal error (a bug in iamconf): {what}"),
            source_loc: None,
        }
    }

    /// The error, about the bytes `source_loc` of its policy's text.
    #[must_use]
    pub fn at(mut self, source_loc: Option<Span>) -> Self {
        self.source_loc = source_loc;
        self
    }

    /// The text the error is about, out of `policy_text` (policy `policy`'s text): `None`
    /// without a location, or when the location is not within `policy_text`.
    pub fn source_text<'t>(&self, policy_text: &'t str) -> Option<&'t str> {
        let span = self.source_loc?;
        policy_text.get(span.start..span.end)
    }
}

impl fmt::Display for EvaluationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy {}", self.policy)?;
        if let Some(statement) = self.statement {
            write!(f, " statement {statement}")?;
        }
        if let Some(key) = &self.key {
            write!(f, " condition key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for EvaluationError {}

/// The result of evaluating a request against a policy set.
///
/// `decision` is `None` exactly when `errors` is not empty; [`Response::is_allowed`] checks both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// The decision; `None` when the evaluation failed.
    pub decision: Option<Decision>,
    /// The statements that decided it, in (policy, statement) order: the applicable Deny
    /// statements for `ExplicitDeny`, the applicable Allow statements for `Allow`, none
    /// otherwise.
    pub matched: Vec<StatementRef>,
    /// Context keys that conditions (and policy variables) of statements whose action and
    /// resource matched needed but the request lacked, as the policy spells them, without
    /// duplicates (case-insensitive), sorted case-insensitively.
    pub missing_keys: Vec<Arc<str>>,
    /// Evaluation errors; not empty means no decision.
    pub errors: Vec<EvaluationError>,
}

impl Response {
    /// An empty response, ready for [`crate::PolicySet::evaluate_into`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A failed response with one error.
    pub fn from_error(error: EvaluationError) -> Self {
        Response {
            decision: None,
            matched: Vec::new(),
            missing_keys: Vec::new(),
            errors: vec![error],
        }
    }

    /// Whether the request is allowed: an `Allow` decision and no error.
    pub fn is_allowed(&self) -> bool {
        self.errors.is_empty() && self.decision == Some(Decision::Allow)
    }

    /// Empty every list, keeping their buffers.
    pub fn clear(&mut self) {
        self.decision = None;
        self.matched.clear();
        self.missing_keys.clear();
        self.errors.clear();
    }

    /// The protocol spelling of the decision, or `None` on error.
    pub fn protocol_decision(&self) -> Option<&'static str> {
        if self.errors.is_empty() {
            self.decision.map(Decision::as_protocol_str)
        } else {
            None
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.decision, self.errors.first()) {
            (Some(decision), None) => write!(f, "{decision}")?,
            (_, Some(_)) | (None, None) => f.write_str("error")?,
        }
        for m in &self.matched {
            write!(f, "\n  by {m}")?;
        }
        for e in &self.errors {
            write!(f, "\n  error: {e}")?;
        }
        if !self.missing_keys.is_empty() {
            f.write_str("\n  missing context keys:")?;
            for k in &self.missing_keys {
                write!(f, " `{k}`")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_spellings_round_trip() {
        for d in [
            Decision::Allow,
            Decision::ExplicitDeny,
            Decision::ImplicitDeny,
        ] {
            assert_eq!(Decision::from_protocol_str(d.as_protocol_str()), Some(d));
            assert_eq!(d.as_protocol_str().parse::<Decision>(), Ok(d));
        }
        assert_eq!(Decision::Allow.as_protocol_str(), "allowed");
        assert_eq!(Decision::from_protocol_str("Allowed"), None);
        assert!("allow".parse::<Decision>().unwrap_err().contains("`allow`"));
    }

    #[test]
    fn is_allowed_fails_closed() {
        let mut r = Response {
            decision: Some(Decision::Allow),
            ..Response::default()
        };
        assert!(r.is_allowed());
        let unreadable = iam_policy::value::parse_ip_address("x").unwrap_err();
        r.errors.push(EvaluationError::unreadable_value(
            0,
            1,
            "aws:SourceIp",
            unreadable.clone(),
        ));
        assert!(!r.is_allowed());
        assert_eq!(r.protocol_decision(), None);
        assert_eq!(
            r.errors[0].to_string(),
            "policy 0 statement 1 condition key `aws:SourceIp`: `x` is not an IP address: \
             it is not an IPv4 or IPv6 address"
        );
        assert_eq!(
            r.errors[0].kind,
            EvaluationErrorKind::UnreadableValue(unreadable)
        );
    }
}
