//! Policy variables: `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}`.
//!
//! STUB: the API is fixed; the implementation is being completed.

/// A text with policy variables, split into parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The parts, in order.
    pub parts: Vec<TemplatePart>,
}

/// One part of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    /// Text as written (wildcards, where the operator globs, are live).
    Text(String),
    /// An escape `${*}`, `${?}` or `${$}`: the character, always literal.
    Escaped(char),
    /// A variable.
    Variable(Variable),
}

/// A `${key}` or `${key, 'default'}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The key as written.
    pub key: String,
    /// The key lowercased.
    pub key_lower: String,
    /// The default, when given.
    pub default: Option<String>,
}

impl Template {
    /// Split `text` into parts. Malformed `${` sequences stay literal text; each is reported
    /// as a warning message.
    pub fn parse(text: &str) -> (Template, Vec<String>) {
        (
            Template {
                parts: vec![TemplatePart::Text(text.to_owned())],
            },
            Vec::new(),
        )
    }

    /// Whether any part is a variable or an escape.
    pub fn has_variables(&self) -> bool {
        self.parts
            .iter()
            .any(|p| !matches!(p, TemplatePart::Text(_)))
    }
}
