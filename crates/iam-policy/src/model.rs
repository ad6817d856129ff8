//! The typed policy model: what a parsed document means, with every pattern compiled once and
//! every condition value already converted to its type.
//!
//! Source positions and byte spans ride along in [`Origin`] but never take part in equality:
//! two models are equal when they mean the same thing, which is what `parse(render(p)) == p`
//! asserts.

use std::net::IpAddr;

use ipnetwork::IpNetwork;
use rust_decimal::Decimal;

use crate::condition::Operator;
use crate::diagnostic::{Position, Span};
use crate::pattern::Glob;
use crate::value::Instant;
use crate::variable::Template;

/// A parsed identity-based policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `Version`, absent when the document has none.
    pub version: Option<Version>,
    /// `Id`, when present.
    pub id: Option<String>,
    /// The statements, in document order (never empty).
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Whether `${...}` policy variables are live (only under `2012-10-17`).
    pub fn variables_enabled(&self) -> bool {
        self.version == Some(Version::V2012_10_17)
    }
}

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`: the current language, with policy variables.
    V2012_10_17,
    /// `2008-10-17`: the original language; `${...}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The text of the version.
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }

    /// The version whose text is `text` (exact).
    pub fn from_text(text: &str) -> Option<Self> {
        match text {
            "2012-10-17" => Some(Version::V2012_10_17),
            "2008-10-17" => Some(Version::V2008_10_17),
            _ => None,
        }
    }
}

/// Where an element is in its source text: the line and column it starts at and the bytes it
/// covers, each when known (a model built by hand has neither). Never part of equality.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin {
    /// The line and column of its first byte.
    pub position: Option<Position>,
    /// The bytes it covers in the document's text.
    pub span: Option<Span>,
}

impl Origin {
    /// An element that starts at `position` and covers `span`.
    pub const fn new(position: Position, span: Span) -> Self {
        Self {
            position: Some(position),
            span: Some(span),
        }
    }

    /// An element that covers `span`, its line and column not computed.
    pub const fn spanning(span: Span) -> Self {
        Self {
            position: None,
            span: Some(span),
        }
    }
}

impl PartialEq for Origin {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`, when present (may be empty).
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub actions: ActionClause,
    /// `Resource` or `NotResource`.
    pub resources: ResourceClause,
    /// One entry per (operator, key) pair of the `Condition` block, in document order.
    pub conditions: Vec<Condition>,
    /// Where the statement is: its object, from `{` to `}`.
    pub origin: Origin,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants when it applies.
    Allow,
    /// Denies when it applies, overriding every Allow.
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// `Action` (negated = false) or `NotAction` (negated = true).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionClause {
    /// `true` for `NotAction`.
    pub negated: bool,
    /// The patterns (never empty).
    pub patterns: Vec<ActionPattern>,
}

/// One action pattern, as written and compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPattern {
    /// The text as written.
    pub text: String,
    /// The compiled form.
    pub matcher: ActionMatcher,
}

/// A compiled action pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionMatcher {
    /// `*`: every action.
    Any,
    /// `vendor:name-glob`.
    Vendor {
        /// The vendor, lowercased (compared exactly with the request's lowercased vendor).
        vendor: String,
        /// The name glob, lowercased, matched against the request's lowercased name.
        name: Glob,
    },
    /// A pattern with a wildcard in its vendor, under the `glob` reading of ID-3: one glob
    /// over the lowercased `vendor:name`, matched against the request's lowercased action.
    Glob(Glob),
}

/// `Resource` (negated = false) or `NotResource` (negated = true).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceClause {
    /// `true` for `NotResource`.
    pub negated: bool,
    /// The patterns (never empty).
    pub patterns: Vec<ResourcePattern>,
    /// Where the element is: its member, from the key's opening quote to the end of its
    /// value (no line and column).
    pub origin: Origin,
}

/// One resource pattern, as written and compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePattern {
    /// The text as written.
    pub text: String,
    /// The compiled form.
    pub matcher: ResourceMatcher,
}

/// A compiled resource pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceMatcher {
    /// `*`: every resource, including the `*` of resource-less actions.
    Any,
    /// An ARN pattern without live variables, matched by the ARN rule of §5.
    Arn(Glob),
    /// An ARN pattern whose resource part holds live variables (Version 2012-10-17).
    Template(ArnTemplate),
    /// Matches no resource: an ARN pattern with a wildcard in its resource-type part under
    /// the `literal` reading of ID-17 (never under the reference's readings).
    Nothing,
}

/// An ARN pattern with live variables in its resource part.
#[derive(Debug, Clone, PartialEq)]
pub struct ArnTemplate {
    /// The first five segments and their colons (`arn:aws:iot:us-east-1:123456789012:`),
    /// wildcards live.
    pub head: String,
    /// The resource part, after the fifth colon.
    pub tail: Template,
}

/// One (operator, key) entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator with its qualifier and `IfExists`.
    pub operator: Operator,
    /// The condition key as written.
    pub key: String,
    /// The condition key lowercased (context keys compare case-insensitively).
    pub key_lower: String,
    /// The policy values, converted to the operator's type (never empty, but under the
    /// `accept` reading of ID-11).
    pub values: ConditionValues,
    /// Where the entry is: it starts at its key's opening quote and covers the key and its
    /// values (`"aws:SourceIp": ["192.0.2.0/24"]`).
    pub origin: Origin,
}

/// A value as written beside its typed reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed<T> {
    /// The text as written (JSON numbers and booleans as their text).
    pub text: String,
    /// The typed reading.
    pub value: T,
}

/// The values of one condition key, typed by the operator's family.
#[derive(Debug, Clone, PartialEq)]
pub enum ConditionValues {
    /// String and ARN operators.
    Text(Vec<TextValue>),
    /// Numeric operators.
    Number(Vec<Typed<Decimal>>),
    /// Date operators.
    Date(Vec<Typed<Instant>>),
    /// `Bool`.
    Bool(Vec<Typed<bool>>),
    /// `Bool` whose values hold live policy variables (ID-18): each value is a boolean as
    /// written ([`TextMatcher::Exact`], already checked to read as one) or a
    /// [`TextMatcher::Template`] read as a boolean after substitution (case-insensitive; text
    /// that is not a boolean matches nothing).
    BoolVariables(Vec<TextValue>),
    /// `BinaryEquals`: the decoded bytes.
    Binary(Vec<Typed<Vec<u8>>>),
    /// `IpAddress` / `NotIpAddress`.
    Ip(Vec<Typed<IpNetwork>>),
    /// `Null`: `true` means "the key is absent".
    Null(Vec<Typed<bool>>),
}

impl ConditionValues {
    /// The values as written, in order.
    pub fn texts(&self) -> Vec<&str> {
        fn t<T>(v: &[Typed<T>]) -> Vec<&str> {
            v.iter().map(|x| x.text.as_str()).collect()
        }
        match self {
            ConditionValues::Text(v) | ConditionValues::BoolVariables(v) => {
                v.iter().map(|x| x.text.as_str()).collect()
            }
            ConditionValues::Number(v) => t(v),
            ConditionValues::Date(v) => t(v),
            ConditionValues::Bool(v) => t(v),
            ConditionValues::Binary(v) => t(v),
            ConditionValues::Ip(v) => t(v),
            ConditionValues::Null(v) => t(v),
        }
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        match self {
            ConditionValues::Text(v) | ConditionValues::BoolVariables(v) => v.len(),
            ConditionValues::Number(v) => v.len(),
            ConditionValues::Date(v) => v.len(),
            ConditionValues::Bool(v) => v.len(),
            ConditionValues::Binary(v) => v.len(),
            ConditionValues::Ip(v) => v.len(),
            ConditionValues::Null(v) => v.len(),
        }
    }

    /// Whether there are no values (never true for a parsed policy).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A string or ARN condition value, compiled for its operator.
#[derive(Debug, Clone, PartialEq)]
pub struct TextValue {
    /// The text as written.
    pub text: String,
    /// The compiled form.
    pub matcher: TextMatcher,
}

/// How a string or ARN condition value is compared.
#[derive(Debug, Clone, PartialEq)]
pub enum TextMatcher {
    /// `StringEquals`/`StringNotEquals`: exact, case-sensitive; `*` is literal.
    Exact(String),
    /// `StringEqualsIgnoreCase`/`StringNotEqualsIgnoreCase`: the value lowercased.
    Folded(String),
    /// `StringLike`/`StringNotLike`: a case-sensitive glob.
    Like(Glob),
    /// `ArnEquals`/`ArnLike` and negations: one glob per ARN component (six).
    Arn(Box<[Glob; 6]>),
    /// An `Arn...` value of fewer than six components: matches no request value.
    NoMatch,
    /// A value with live policy variables, resolved against each request.
    Template(Template),
}

/// The request-side reading of an IP address, re-exported for evaluators.
pub type RequestAddress = IpAddr;
