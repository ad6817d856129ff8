//! The IAM identity-policy language as iamconf reads it: a strict parser with positioned,
//! helpful diagnostics; a typed model with every pattern compiled once; IAM's own glob rules;
//! and the AWS IoT Jobs catalog of actions, resource types and condition keys.
//!
//! ```
//! use iam_policy::{Effect, Policy};
//!
//! let policy = Policy::parse(r#"{
//!     "Version": "2012-10-17",
//!     "Statement": {
//!         "Effect": "Allow",
//!         "Action": "iotjobsdata:DescribeJobExecution",
//!         "Resource": "arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing"
//!     }
//! }"#).expect("a valid policy");
//! assert_eq!(policy.statements[0].effect, Effect::Allow);
//!
//! // Malformed documents are rejected with every problem, each at its line and column.
//! let errors = Policy::parse(r#"{"Statement": [{"Effect": "allow",}]}"#).unwrap_err();
//! let codes: Vec<&str> = errors.errors().map(|d| d.code.as_str()).collect();
//! assert!(codes.contains(&"json-syntax"));
//! assert!(codes.contains(&"invalid-effect"));
//! ```
//!
//! The modules follow the pipeline: [`json`] (text to a flat tape of spanned, borrowed
//! values; [`json::parse_json`] gives a tree for other readers) → `parse` (tape to
//! [`model`], with [`condition`] operators, [`value`] types, [`variable`] templates and
//! [`pattern`] globs) → [`render`] (model back to canonical JSON). [`catalog`] drives the lints.

pub mod arn;
pub mod catalog;
pub mod condition;
pub mod diagnostic;
pub mod json;
pub mod model;
mod parse;
pub mod pattern;
pub mod readings;
pub mod render;
pub mod suggest;
pub mod text;
pub mod value;
pub mod variable;

pub use condition::{Family, Operator, OperatorKind, SetQualifier};
pub use diagnostic::{Code, Diagnostic, Diagnostics, LineIndex, Position, Severity, Span};
pub use model::{
    ActionClause, ActionMatcher, ActionPattern, ArnTemplate, Condition, ConditionValues, Effect,
    Origin, Policy, ResourceClause, ResourceMatcher, ResourcePattern, Statement, TextMatcher,
    TextValue, Typed, Version,
};
pub use readings::{Point, Readings};

/// The kind of IAM policy, which sets its size quota (non-whitespace characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// A customer managed policy: 6,144.
    Managed,
    /// Inline policies of a user: 2,048.
    User,
    /// Inline policies of a group: 5,120.
    Group,
    /// Inline policies of a role: 10,240.
    Role,
}

impl PolicyKind {
    /// The IAM size quota in non-whitespace characters.
    pub const fn quota(self) -> usize {
        match self {
            PolicyKind::Managed => 6_144,
            PolicyKind::User => 2_048,
            PolicyKind::Group => 5_120,
            PolicyKind::Role => 10_240,
        }
    }

    /// `managed`, `user`, `group` or `role`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Managed => "managed",
            PolicyKind::User => "user",
            PolicyKind::Group => "group",
            PolicyKind::Role => "role",
        }
    }
}

/// How to parse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// When given, the kind's size quota is enforced as an error.
    pub kind: Option<PolicyKind>,
    /// The readings of the implementation-defined points the parser decides (ID-1 to ID-4,
    /// ID-9, ID-11, ID-13); the reference's by default.
    pub readings: Readings,
    /// Report errors only: the lint warnings (placeholder ARNs, unknown actions with their
    /// "did you mean", resource types, call grants, ...) are neither computed nor reported.
    /// The policy, and every error, are exactly those of a full check; an evaluator, which
    /// keeps only the errors, sets it.
    pub errors_only: bool,
}

/// The result of checking a document: the policy when it has no error, and every diagnostic
/// (errors and lint warnings) in source order.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The policy, when the document has no error.
    pub policy: Option<Policy>,
    /// All diagnostics, positioned.
    pub diagnostics: Diagnostics,
}

impl Policy {
    /// Parse a document; on any error, every diagnostic (errors and warnings).
    pub fn parse(text: &str) -> Result<Policy, Diagnostics> {
        let checked = Self::check(text, &ParseOptions::default());
        match checked.policy {
            Some(policy) => Ok(policy),
            None => Err(checked.diagnostics),
        }
    }

    /// Parse a document and lint it.
    pub fn check(text: &str, options: &ParseOptions) -> Checked {
        parse::check(text, options)
    }

    /// Parse raw bytes: invalid UTF-8 and a byte-order mark are diagnostics, not panics.
    pub fn check_bytes(bytes: &[u8], options: &ParseOptions) -> Checked {
        parse::check_bytes(bytes, options)
    }

    /// Render the policy as canonical JSON; `Policy::parse(&p.render()) == Ok(p)`.
    pub fn render(&self) -> String {
        render::render(self)
    }
}
