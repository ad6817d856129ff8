//! Policy variables: `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}`.
//!
//! The grammar (docs/semantics.md §9, iam-facts §8), read left to right:
//!
//! - `${*}`, `${?}`, `${$}`: the character, always literal.
//! - `${key}`: a variable. The key is one or more characters other than whitespace, control
//!   characters and `$ { } ' , * ?`; it compares case-insensitively (`key_lower`).
//! - `${key,'default'}` or `${key, 'default'}`: a default, used when the request has no value
//!   for the key. After the comma any number of spaces (U+0020, none required) may come; there
//!   may be none before it (a space in the key is refused). The default is in single quotes
//!   and may be empty; it cannot hold `'`, `}` or `${`. A default, like a request's value, is
//!   literal: its `*` and `?` are not wildcards.
//! - Anything else that starts with `${` is malformed: its `${` stays literal text, reading
//!   goes on just after it, and a warning says why (`${aws:username` unclosed, `${}` empty,
//!   `${aws:user name}` with a space, `${a, b}` without quotes, ...).
//!
//! Parsing is canonical: adjacent text is merged, so `parse(&t.render()).0 == t` for every
//! parsed `t`, and `render` gives back the input except that a default is always written
//! `${key, 'default'}` (one space).
//!
//! Resolution ([`Template::for_each_piece`]) does not allocate: it hands out borrowed
//! [`Piece`]s, from which callers build glob tokens or text in their own reusable buffers.

use crate::pattern::GlobToken;

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

/// One piece of a resolved template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Piece<'a> {
    /// Text of the template: where the operator globs, its `*` and `?` are wildcards.
    Pattern(&'a str),
    /// A substituted value (the request's or the default): every character literal.
    Literal(&'a str),
    /// An escaped character (`${*}` → `*`): literal.
    Escaped(char),
}

impl Piece<'_> {
    /// Append this piece's glob tokens: wildcards only from [`Piece::Pattern`].
    pub fn push_tokens(self, out: &mut Vec<GlobToken>) {
        match self {
            Piece::Pattern(text) => out.extend(text.chars().map(crate::pattern::token)),
            Piece::Literal(text) => out.extend(text.chars().map(GlobToken::Literal)),
            Piece::Escaped(c) => out.push(GlobToken::Literal(c)),
        }
    }

    /// Append this piece's text (for exact comparisons, where nothing is a wildcard).
    pub fn push_text(self, out: &mut String) {
        match self {
            Piece::Pattern(text) | Piece::Literal(text) => out.push_str(text),
            Piece::Escaped(c) => out.push(c),
        }
    }
}

impl Template {
    /// Split `text` into parts. Malformed `${` sequences stay literal text; each is reported
    /// as a warning message.
    pub fn parse(text: &str) -> (Template, Vec<String>) {
        let mut parts = Vec::new();
        let mut warnings = Vec::new();
        let mut pending = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let (before, from_dollar) = rest.split_at_checked(start).unwrap_or((rest, ""));
            pending.push_str(before);
            let after = from_dollar.get(2..).unwrap_or_default();
            let Some(end) = after.find('}') else {
                warnings.push(format!(
                    "`{}` is not a policy variable: no `}}` closes it, so it is literal text",
                    shorten(from_dollar)
                ));
                pending.push_str(from_dollar);
                rest = "";
                break;
            };
            let body = after.get(..end).unwrap_or_default();
            let parsed = if body.contains("${") {
                Err(format!(
                    "`{}` is not a policy variable: it is not closed before the next `${{`, \
                     so it is literal text",
                    shorten(
                        from_dollar
                            .get(..body.find("${").unwrap_or(0) + 2)
                            .unwrap_or("${")
                    )
                ))
            } else {
                parse_body(body).map_err(|reason| {
                    format!(
                        "`${{{}}}` is not a policy variable: {reason}, so it is literal text",
                        shorten(body)
                    )
                })
            };
            match parsed {
                Ok(part) => {
                    if !pending.is_empty() {
                        parts.push(TemplatePart::Text(std::mem::take(&mut pending)));
                    }
                    parts.push(part);
                    rest = after.get(end + 1..).unwrap_or_default();
                }
                Err(warning) => {
                    warnings.push(warning);
                    pending.push_str("${");
                    rest = after;
                }
            }
        }
        pending.push_str(rest);
        if !pending.is_empty() {
            parts.push(TemplatePart::Text(pending));
        }
        (Template { parts }, warnings)
    }

    /// Whether any part is a variable or an escape.
    pub fn has_variables(&self) -> bool {
        self.parts
            .iter()
            .any(|p| !matches!(p, TemplatePart::Text(_)))
    }

    /// The canonical text: parts as written, escapes as `${*}`, variables as `${key}` or
    /// `${key, 'default'}`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Text(text) => out.push_str(text),
                TemplatePart::Escaped(c) => {
                    out.push_str("${");
                    out.push(*c);
                    out.push('}');
                }
                TemplatePart::Variable(v) => {
                    out.push_str("${");
                    out.push_str(&v.key);
                    if let Some(default) = &v.default {
                        out.push_str(", '");
                        out.push_str(default);
                        out.push('\'');
                    }
                    out.push('}');
                }
            }
        }
        out
    }

    /// Resolve against a request without allocating: call `f` with each piece in order.
    ///
    /// `lookup` gets a variable's `key_lower` and returns the request's single value for it,
    /// or `None` when the key is absent (or not single-valued). A variable without a value
    /// takes its default; when it has none, this returns `false` (the pieces handed to `f`
    /// must then be discarded: the value matches nothing). Pieces borrow from the template
    /// (`'t`) or from the request (`'r`).
    pub fn for_each_piece<'t, 'r, 'p>(
        &'t self,
        lookup: impl FnMut(&str) -> Option<&'r str>,
        f: impl FnMut(Piece<'p>),
    ) -> bool
    where
        't: 'p,
        'r: 'p,
    {
        self.for_each_piece_reporting(lookup, f, |_| {})
    }

    /// As [`Template::for_each_piece`], calling `missing` with the `key_lower` of every
    /// variable that has neither a value nor a default (all of them, not only the first).
    pub fn for_each_piece_reporting<'t, 'r, 'p>(
        &'t self,
        mut lookup: impl FnMut(&str) -> Option<&'r str>,
        mut f: impl FnMut(Piece<'p>),
        mut missing: impl FnMut(&str),
    ) -> bool
    where
        't: 'p,
        'r: 'p,
    {
        let mut complete = true;
        for part in &self.parts {
            match part {
                TemplatePart::Text(text) => f(Piece::Pattern(text)),
                TemplatePart::Escaped(c) => f(Piece::Escaped(*c)),
                TemplatePart::Variable(v) => match lookup(&v.key_lower) {
                    Some(value) => f(Piece::Literal(value)),
                    None => match &v.default {
                        Some(default) => f(Piece::Literal(default)),
                        None => {
                            missing(&v.key_lower);
                            complete = false;
                        }
                    },
                },
            }
        }
        complete
    }

    /// Append the resolved text to `out` (for exact and case-folded comparisons). `false`
    /// when a variable has no value and no default (then `out` holds a partial result).
    pub fn resolve_into<'r>(
        &self,
        lookup: impl FnMut(&str) -> Option<&'r str>,
        out: &mut String,
    ) -> bool {
        self.for_each_piece(lookup, |piece| piece.push_text(out))
    }

    /// Append the resolved glob tokens to `out`: wildcards live in the template's text only.
    /// `false` when a variable has no value and no default (then `out` holds a partial
    /// result).
    pub fn tokens_into<'r>(
        &self,
        lookup: impl FnMut(&str) -> Option<&'r str>,
        out: &mut Vec<GlobToken>,
    ) -> bool {
        self.for_each_piece(lookup, |piece| piece.push_tokens(out))
    }
}

/// Read the text between `${` and `}` (which holds no `}` and no `${`).
fn parse_body(body: &str) -> Result<TemplatePart, String> {
    match body {
        "" => return Err("it is empty".to_owned()),
        "*" => return Ok(TemplatePart::Escaped('*')),
        "?" => return Ok(TemplatePart::Escaped('?')),
        "$" => return Ok(TemplatePart::Escaped('$')),
        _ => {}
    }
    let (key, default) = match body.split_once(',') {
        Some((key, default)) => (key, Some(default)),
        None => (body, None),
    };
    check_key(key)?;
    let default = match default {
        None => None,
        Some(text) => Some(parse_default(text)?),
    };
    Ok(TemplatePart::Variable(Variable {
        key: key.to_owned(),
        key_lower: crate::text::fold(key),
        default,
    }))
}

fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("the key name is empty".to_owned());
    }
    for c in key.chars() {
        if c.is_whitespace() {
            return Err("a key name cannot contain a space".to_owned());
        }
        if c.is_control() {
            return Err("a key name cannot contain a control character".to_owned());
        }
        if matches!(c, '$' | '{' | '\'' | '*' | '?') {
            return Err(format!("a key name cannot contain `{c}`"));
        }
    }
    Ok(())
}

/// After the comma: spaces, then `'default'`.
fn parse_default(text: &str) -> Result<String, String> {
    let quoted = text.trim_start_matches(' ');
    let Some(inner) = quoted.strip_prefix('\'') else {
        return Err("the default must be in single quotes after the comma".to_owned());
    };
    let Some(close) = inner.find('\'') else {
        return Err("the default's closing quote is missing".to_owned());
    };
    let (value, after) = inner.split_at_checked(close).unwrap_or((inner, "'"));
    if after != "'" {
        return Err("nothing may follow the default's closing quote".to_owned());
    }
    Ok(value.to_owned())
}

/// At most 60 characters of `text`, for messages.
fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    crate::text::truncate(text, 60)
}

#[cfg(test)]
mod tests;
