//! Strict RFC 8259 JSON with a span on every key and value, duplicate-key, depth and size
//! checks, and error recovery so that every syntax problem of a document is reported in one
//! pass (a trailing comma, a missing comma, ... each gets its own diagnostic and parsing goes
//! on with the tree as the author evidently meant it).
//!
//! STUB: the API is fixed; the implementation is being completed.

use crate::diagnostic::{Code, Diagnostic, Span};

/// Deepest nesting accepted (arrays and objects).
pub const MAX_DEPTH: usize = 64;
/// Largest document accepted, in bytes.
pub const MAX_SIZE: usize = 1 << 20;

/// A JSON value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonValue {
    /// What it is.
    pub kind: JsonKind,
    /// Where it is (the whole value, brackets and quotes included).
    pub span: Span,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as its exact text.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object; members in document order, a later duplicate key dropped (and reported).
    Object(Vec<JsonMember>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonMember {
    /// The key, unescaped.
    pub key: String,
    /// Where the key is (quotes included).
    pub key_span: Span,
    /// The value.
    pub value: JsonValue,
}

impl JsonKind {
    /// `null`, `boolean`, `number`, `string`, `array` or `object`.
    pub const fn type_name(&self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "boolean",
            JsonKind::Number(_) => "number",
            JsonKind::String(_) => "string",
            JsonKind::Array(_) => "array",
            JsonKind::Object(_) => "object",
        }
    }
}

/// What parsing a document gave: the (possibly recovered) tree and every problem found.
#[derive(Debug, Clone, Default)]
pub struct JsonOutcome {
    /// The tree; `None` when nothing usable could be recovered.
    pub value: Option<JsonValue>,
    /// Syntax, duplicate-key, depth and size errors, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse `text` strictly, recovering where it can. Never panics, never recurses deeper than
/// [`MAX_DEPTH`], and uses memory linear in the input.
pub fn parse_json(text: &str) -> JsonOutcome {
    if text.len() > MAX_SIZE {
        return JsonOutcome {
            value: None,
            diagnostics: vec![Diagnostic::new(
                Code::TooLarge,
                Span::new(0, 0),
                format!(
                    "document is {} bytes, over the limit of {MAX_SIZE}",
                    text.len()
                ),
            )],
        };
    }
    JsonOutcome::default()
}
