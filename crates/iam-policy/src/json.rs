//! Strict RFC 8259 JSON with a span on every key and value, duplicate-key, depth and size
//! checks, and error recovery so that every syntax problem of a document is reported in one
//! pass (a trailing comma, a missing comma, ... each gets its own diagnostic and parsing goes
//! on with the tree as the author evidently meant it).
//!
//! # Why hand-written
//!
//! No crate does all three of: strict RFC 8259, a byte span on every key and value, and
//! recovery that reports every problem of a document in one pass (in the style of toml-rs's
//! error recovery). `serde_json` stops at the first error and keeps no spans; the
//! span-keeping parsers are lenient (JSON5, comments) or also stop at the first error. A
//! policy author with three trailing commas and a missing comma should see four diagnostics
//! at once, so this module is a small hand-written lexer (`json/lex.rs`: tokens, escapes,
//! numbers, and the problems of a single token) plus an iterative parser here (an explicit
//! stack of open containers, so no recursion whatever the input).
//!
//! The parser writes the values onto a flat tape (`json/tape.rs`: one vector for the whole
//! document, strings borrowed where they hold no escape), which the policy parser reads
//! directly; [`parse_json`] turns the tape into a [`JsonValue`] tree for other readers.
//!
//! # What is rejected
//!
//! Everything RFC 8259 does not allow: trailing or missing commas, comments (`//`, `/* */`,
//! `#`), single-quoted strings, unquoted keys and barewords, unescaped control characters in
//! strings, invalid escapes (`\x`), malformed `\u` escapes and unpaired surrogates, leading
//! zeros, `+1`, `.5`, `1.`, `1e`, NaN and Infinity, whitespace other than space, tab, line
//! feed and carriage return (including a byte-order mark at the start), and anything after
//! the document. Duplicate keys are [`Code::DuplicateKey`], nesting deeper than [`MAX_DEPTH`]
//! is [`Code::TooDeep`], a document over [`MAX_SIZE`] bytes is [`Code::TooLarge`]; every other
//! problem is [`Code::JsonSyntax`].
//!
//! # Where diagnostics point (spans are byte ranges)
//!
//! - A trailing comma (`[1,]`): the comma itself.
//! - A missing comma (`["a" "b"]`) or colon: the start of the token found instead (`"b"`).
//! - Any other unexpected token: that token. A token's own problem (a bad escape, an invalid
//!   number, an unterminated string, a comment, a stray byte-order mark): the offending text.
//! - A duplicate key: the later key; the message gives the first one's line and column.
//! - A mismatched or missing closer: the closer found (or the end of input); the message gives
//!   the line and column of the opening bracket.
//! - Too deep: the first bracket past [`MAX_DEPTH`].
//!
//! # Recovery
//!
//! The recovered tree is what the author evidently meant: a trailing comma is ignored; a
//! missing comma or colon is assumed; a wrong closer (`[1, 2}`) is taken as the right one when
//! what follows fits, otherwise the inner container is taken as unclosed; containers still
//! open at the end of input are closed; an unterminated string ends at the end of its line
//! (a `,` just before the line end is taken as the separator, not as content); a bareword
//! value is read as a string (`Allow` → `"Allow"`), `True`/`FALSE`/`Null` as the literal,
//! `NaN`/`Infinity` and malformed numbers as a number with their text; an unquoted key as the
//! key; a single-quoted string as a string; stray tokens are skipped. A later duplicate key is
//! dropped with its value (the first is kept); a member without a value is dropped; a subtree
//! past [`MAX_DEPTH`] is skipped whole with a bracket counter (its contents are not checked).
//! `value` is `None` only when no value could be recovered at all (an empty document) or the
//! document is too large.
//!
//! Each problem gets one diagnostic: after an "unexpected token" error, further
//! unexpected-token errors are suppressed until a token is accepted normally, so a problem
//! does not cascade into follow-on errors at the same spot.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic, Span};
use lex::{quote, Kind, Lexer, Locator};
use tape::{Entry, Node};

use crate::readings::DuplicateKeys;

mod fast;
mod lex;
pub(crate) mod tape;

/// Deepest nesting accepted (arrays and objects).
pub const MAX_DEPTH: usize = 64;
/// Largest document accepted, in bytes.
pub const MAX_SIZE: usize = 1 << 20;

/// A JSON value with its span. `S` is the text of strings, numbers and keys: owned from
/// [`parse_json`]; the policy parser borrows it from the document where it can.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonValue<S = String> {
    /// What it is.
    pub kind: JsonKind<S>,
    /// Where it is (the whole value, brackets and quotes included).
    pub span: Span,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind<S = String> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as its exact text.
    Number(S),
    /// A string, unescaped.
    String(S),
    /// An array.
    Array(Vec<JsonValue<S>>),
    /// An object; members in document order, a later duplicate key dropped (and reported).
    Object(Vec<JsonMember<S>>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonMember<S = String> {
    /// The key, unescaped.
    pub key: S,
    /// Where the key is (quotes included).
    pub key_span: Span,
    /// The value.
    pub value: JsonValue<S>,
}

impl<S> JsonKind<S> {
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
pub struct JsonOutcome<S = String> {
    /// The tree; `None` when nothing usable could be recovered.
    pub value: Option<JsonValue<S>>,
    /// Syntax, duplicate-key, depth and size errors, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// The hints of the comma faults, the syntax errors whose recovery is certain.
const COMMA_HINTS: [&str; 3] = [
    "remove the comma",
    "add a comma between the two values",
    "add a comma between the two members",
];

impl<S> JsonOutcome<S> {
    /// The index in `diagnostics` of the first problem after which the recovered tree cannot
    /// be trusted: any syntax error other than a trailing or missing comma, too deep, too
    /// large. Comma faults and duplicate keys recover with certainty, so the structure of a
    /// document with only those is still checked.
    pub fn first_fatal(&self) -> Option<usize> {
        first_fatal(&self.diagnostics)
    }
}

/// [`JsonOutcome::first_fatal`] of a list of diagnostics.
pub(crate) fn first_fatal(diagnostics: &[Diagnostic]) -> Option<usize> {
    diagnostics.iter().position(|d| match d.code {
        Code::DuplicateKey => false,
        Code::JsonSyntax => !d.help.as_deref().is_some_and(|h| COMMA_HINTS.contains(&h)),
        _ => true,
    })
}

/// What reading a document gave: the (possibly recovered) values on a flat tape, the root
/// at entry 0 when there is one, and every problem found.
#[derive(Debug, Clone, Default)]
pub(crate) struct TapeOutcome<'t> {
    /// The values; empty when nothing usable could be recovered.
    pub(crate) nodes: Vec<Node<'t>>,
    /// Syntax, duplicate-key, depth and size errors, in source order.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Parse `text` strictly, recovering where it can. Never panics, never recurses deeper than
/// [`MAX_DEPTH`], and uses memory linear in the input.
pub fn parse_json(text: &str) -> JsonOutcome {
    let outcome = parse_tape(text);
    JsonOutcome {
        value: (!outcome.nodes.is_empty()).then(|| tree(&outcome.nodes, 0)),
        diagnostics: outcome.diagnostics,
    }
}

/// The tree of the value at entry `at` of a tape (recursion bounded by [`MAX_DEPTH`]: deeper
/// subtrees never reach the tape).
fn tree(nodes: &[Node<'_>], at: usize) -> JsonValue {
    let span = nodes.get(at).map_or(Span::new(0, 0), |n| n.span);
    let children = |end: usize| {
        let mut i = at + 1;
        std::iter::from_fn(move || {
            let node = nodes.get(i).filter(|_| i < end)?;
            let this = i;
            i = node.next(i);
            Some((this, node))
        })
    };
    let kind = match nodes.get(at).map(|n| &n.entry) {
        None | Some(Entry::Null) => JsonKind::Null,
        Some(Entry::Bool(b)) => JsonKind::Bool(*b),
        Some(Entry::Number(n)) => JsonKind::Number((*n).to_owned()),
        Some(Entry::String(s)) => JsonKind::String(s.as_ref().to_owned()),
        Some(Entry::Array { end, .. }) => {
            JsonKind::Array(children(*end).map(|(i, _)| tree(nodes, i)).collect())
        }
        Some(Entry::Object { end, .. }) => JsonKind::Object(
            children(*end)
                .filter_map(|(i, node)| {
                    let (key, key_span) = node.key.as_ref()?;
                    Some(JsonMember {
                        key: key.as_ref().to_owned(),
                        key_span: *key_span,
                        value: tree(nodes, i),
                    })
                })
                .collect(),
        ),
    };
    JsonValue { kind, span }
}

/// [`parse_json`] onto a flat tape, strings borrowed from `text` where they hold no escape.
pub(crate) fn parse_tape(text: &str) -> TapeOutcome<'_> {
    parse_tape_with(text, DuplicateKeys::Error)
}

/// [`parse_tape`] under a reading of ID-1: with [`DuplicateKeys::First`] or
/// [`DuplicateKeys::Last`] a duplicate key is no error, and the first or the last one is kept.
pub(crate) fn parse_tape_with(text: &str, duplicates: DuplicateKeys) -> TapeOutcome<'_> {
    if text.len() > MAX_SIZE {
        return TapeOutcome {
            nodes: Vec::new(),
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
    // The common case, a document without a problem, in one pass; anything else is read
    // again by the recovering reader, which words every diagnostic.
    if let Some(nodes) = fast::tape(text) {
        #[cfg(fuzzing)]
        fuzzing_checks::fast_read_is_the_recovering_read(text, duplicates, &nodes);
        return TapeOutcome {
            nodes,
            diagnostics: Vec::new(),
        };
    }
    let outcome = recovering_tape_with(text, duplicates);
    #[cfg(fuzzing)]
    fuzzing_checks::clean_recovering_read_was_fast(&outcome, duplicates);
    outcome
}

/// Under the fuzzers only (`cargo fuzz` builds with `--cfg fuzzing` and debug assertions, so a
/// broken claim is a crash), every document any fuzz target parses checks the fast path
/// against the recovering reader, as the property tests `json::tests::fast_path` do on
/// generated documents.
#[cfg(fuzzing)]
mod fuzzing_checks {
    use super::{recovering_tape_with, DuplicateKeys, Entry, Node, TapeOutcome, SMALL_OBJECT};

    /// A document the fast path read reads the same, without a diagnostic, by the
    /// recovering reader.
    pub(super) fn fast_read_is_the_recovering_read(
        text: &str,
        duplicates: DuplicateKeys,
        nodes: &[Node<'_>],
    ) {
        let slow = recovering_tape_with(text, duplicates);
        debug_assert!(slow.diagnostics.is_empty(), "fast path read {text:?}");
        debug_assert!(
            slow.nodes == nodes,
            "the fast path's tape differs on {text:?}"
        );
    }

    /// A document the recovering reader reads cleanly (with duplicate keys an error) was the
    /// fast path's, unless it holds an object the fast path leaves to the recovering reader's
    /// key index.
    pub(super) fn clean_recovering_read_was_fast(
        outcome: &TapeOutcome<'_>,
        duplicates: DuplicateKeys,
    ) {
        let large_object = outcome
            .nodes
            .iter()
            .any(|n| matches!(n.entry, Entry::Object { len, .. } if len > SMALL_OBJECT));
        debug_assert!(
            !outcome.diagnostics.is_empty()
                || outcome.nodes.is_empty()
                || large_object
                || duplicates != DuplicateKeys::Error,
            "the recovering reader reads a document cleanly, the fast path does not"
        );
    }
}

/// [`parse_tape_with`] by the recovering reader alone (the token lexer and its state
/// machine), whatever the document.
fn recovering_tape_with(text: &str, duplicates: DuplicateKeys) -> TapeOutcome<'_> {
    let mut parser = Parser::new(text);
    parser.duplicates = duplicates;
    parser.run();
    let mut diagnostics = parser.lex.diagnostics;
    diagnostics.sort_by_key(|d| d.span.start);
    let mut nodes = parser.nodes;
    if parser.root.is_none() {
        nodes.clear();
    }
    TapeOutcome { nodes, diagnostics }
}

/// Where the parser is: what it expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    RootValue,
    RootAfter,
    ArrStart,
    ArrValue,
    ArrAfter,
    ObjStart,
    ObjKey,
    ObjColon,
    ObjValue,
    ObjAfter,
}

/// An open array or object.
/// Objects with fewer members than this find duplicate keys by a direct search.
const SMALL_OBJECT: usize = 16;

struct Frame<'t> {
    open: Span,
    is_object: bool,
    /// The container's entry on the tape.
    node: usize,
    /// Items or members delivered so far.
    len: usize,
    /// Key to entry, for duplicate detection in large objects.
    index: HashMap<Cow<'t, str>, usize>,
    /// The key of the member being read.
    key: Option<(Cow<'t, str>, Span)>,
    last_comma: Option<Span>,
}

const fn closer_of(is_object: bool) -> (char, &'static str) {
    if is_object {
        ('}', "object")
    } else {
        (']', "array")
    }
}

struct Parser<'a> {
    text: &'a str,
    lex: Lexer<'a>,
    /// After an unexpected-token error, until a token is accepted normally.
    suppress: bool,
    stack: Vec<Frame<'a>>,
    state: State,
    /// Every value delivered so far, in document order.
    nodes: Vec<Node<'a>>,
    /// The root's entry, once delivered.
    root: Option<usize>,
    locator: Option<Locator>,
    /// What a duplicate key does (ID-1).
    duplicates: DuplicateKeys,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            lex: Lexer::new(text),
            suppress: false,
            stack: Vec::new(),
            state: State::RootValue,
            // About one value per sixteen bytes in a pretty-printed policy.
            nodes: tape::empty_tape(text.len() / 16 + 1),
            root: None,
            locator: None,
            duplicates: DuplicateKeys::Error,
        }
    }

    // ----- diagnostics -----

    fn syntax(&mut self, span: Span, message: String, help: Option<&str>) {
        self.lex.report(Code::JsonSyntax, span, message, help);
    }

    /// An unexpected-token error: suppressed while recovering from the previous one.
    fn error(&mut self, span: Span, message: String, help: Option<&str>) {
        if !self.suppress {
            self.syntax(span, message, help);
        }
        self.suppress = true;
    }

    fn accept(&mut self) {
        self.suppress = false;
    }

    /// `line L, column C` of a byte offset.
    fn at(&mut self, offset: usize) -> String {
        let text = self.text;
        let locator = self.locator.get_or_insert_with(|| Locator::new(text));
        let (line, column) = locator.line_col(text.as_bytes(), offset);
        format!("line {line}, column {column}")
    }

    /// The text of a token for a message: backticked, control characters escaped, truncated.
    /// Nothing is formatted until a message is (the parser asks for it on every token).
    fn found(&self, kind: Kind, span: Span) -> Found<'a> {
        let text = self.text.get(span.start..span.end);
        debug_assert!(text.is_some(), "token span {span:?} is not in the text");
        Found {
            eof: kind == Kind::Eof,
            // Message text only: every `found` is quoted in an error that is reported anyway.
            text: text.unwrap_or(""),
        }
    }

    /// The text of a token that becomes part of the document (a number, a bareword, an
    /// unquoted key). The lexer's spans lie in the text and on char boundaries (it stops at
    /// ASCII delimiters); a span that does not is a bug in iamconf, which `debug_assert!`s
    /// and, in release, is an error that rejects the document: never an empty token read
    /// as if it were the input.
    fn token_text(&mut self, span: Span) -> &'a str {
        if let Some(text) = self.text.get(span.start..span.end) {
            return text;
        }
        debug_assert!(false, "token span {span:?} is not in the text");
        self.lex.diagnostics.push(Diagnostic::new(
            Code::JsonSyntax,
            span,
            format!(
                "internal error (a bug in iamconf): the token at bytes {}..{} is not in the text",
                span.start, span.end
            ),
        ));
        ""
    }

    // ----- the parser proper -----

    fn run(&mut self) {
        loop {
            let (kind, span) = self.lex.peek();
            if kind == Kind::Eof {
                self.end_of_input(span);
                return;
            }
            match self.state {
                State::RootAfter => {
                    // The lexer's complaints about this token are moot: it should not be here.
                    self.lex.diagnostics.retain(|d| d.span.start < span.start);
                    let found = self.found(kind, span);
                    self.syntax(
                        span,
                        format!("unexpected {found} after the end of the document"),
                        Some("a JSON document holds exactly one value; remove the extra text"),
                    );
                    return;
                }
                State::RootValue | State::ArrStart | State::ArrValue | State::ObjValue => {
                    self.on_value(kind, span);
                }
                State::ArrAfter => self.on_arr_after(kind, span),
                State::ObjStart | State::ObjKey => self.on_key(kind, span),
                State::ObjColon => self.on_colon(kind, span),
                State::ObjAfter => self.on_obj_after(kind, span),
            }
        }
    }

    fn on_value(&mut self, kind: Kind, span: Span) {
        match kind {
            Kind::LBrace | Kind::LBracket => self.open(kind, span),
            Kind::RBrace | Kind::RBracket => self.closer(kind, span),
            Kind::Str | Kind::Num | Kind::True | Kind::False | Kind::Null | Kind::Word => {
                let tok = self.lex.bump();
                let entry = match tok.kind {
                    Kind::Str => Entry::String(tok.text),
                    Kind::True => Entry::Bool(true),
                    Kind::False => Entry::Bool(false),
                    Kind::Null => Entry::Null,
                    Kind::Word => self.bareword(tok.span),
                    _ => Entry::Number(self.token_text(span)),
                };
                if tok.unterminated {
                    self.suppress = true;
                } else if tok.kind != Kind::Word {
                    self.accept();
                }
                let at = self.nodes.len();
                self.nodes.push(Node {
                    entry,
                    span: tok.span,
                    key: None,
                });
                self.deliver(Some(at));
            }
            Kind::Comma => {
                let (message, help) = match self.state {
                    State::ArrStart => ("expected a value or `]`, found `,`", "remove the comma"),
                    State::ArrValue => (
                        "expected a value after `,`, found another `,`",
                        "remove the extra comma",
                    ),
                    State::ObjValue => (
                        "expected a value after `:`, found `,`",
                        "add the value, or remove the member",
                    ),
                    _ => ("expected a value, found `,`", "remove the comma"),
                };
                self.error(span, message.to_owned(), Some(help));
                self.lex.bump();
                if self.state == State::ObjValue {
                    self.state = State::ObjKey;
                    if let Some(frame) = self.stack.last_mut() {
                        frame.key = None;
                        frame.last_comma = Some(span);
                    }
                }
            }
            Kind::Colon | Kind::Garbage | Kind::Eof => {
                let found = self.found(kind, span);
                self.error(span, format!("expected a value, found {found}"), None);
                self.lex.bump();
            }
        }
    }

    /// The value a bareword stands for, reporting it.
    fn bareword(&mut self, span: Span) -> Entry<'a> {
        let text: &'a str = self.token_text(span);
        let shown = quote(text);
        let lower = text.to_ascii_lowercase();
        let (value, message, help) = match lower.as_str() {
            "true" | "false" | "null" => (
                match lower.as_str() {
                    "true" => Entry::Bool(true),
                    "false" => Entry::Bool(false),
                    _ => Entry::Null,
                },
                format!("{shown} is not a JSON literal"),
                format!("JSON literals are lowercase: `{lower}`"),
            ),
            "nan" | "infinity" | "inf" => (
                Entry::Number(text),
                format!("{shown} is not a JSON number"),
                "JSON numbers are finite; write a string if this is text".to_owned(),
            ),
            _ => (
                Entry::String(Cow::Borrowed(text)),
                format!("expected a value, found {shown}"),
                format!("strings must be in double quotes: `\"{text}\"`"),
            ),
        };
        self.error(span, message, Some(&help));
        value
    }

    fn on_arr_after(&mut self, kind: Kind, span: Span) {
        let found = self.found(kind, span);
        let message = || format!("expected `,` or `]` after an array element, found {found}");
        match kind {
            Kind::Comma => {
                self.accept();
                self.lex.bump();
                self.state = State::ArrValue;
                if let Some(frame) = self.stack.last_mut() {
                    frame.last_comma = Some(span);
                }
            }
            Kind::RBrace | Kind::RBracket => self.closer(kind, span),
            Kind::Colon | Kind::Garbage | Kind::Eof => {
                self.error(span, message(), None);
                self.lex.bump();
            }
            _ => {
                self.error(span, message(), Some("add a comma between the two values"));
                self.state = State::ArrValue;
            }
        }
    }

    fn on_key(&mut self, kind: Kind, span: Span) {
        let found = self.found(kind, span);
        let expected = if self.state == State::ObjStart {
            "expected a key or `}`"
        } else {
            "expected a key after `,`"
        };
        match kind {
            Kind::Str | Kind::Word | Kind::Num | Kind::True | Kind::False | Kind::Null => {
                let tok = self.lex.bump();
                let key = if tok.kind == Kind::Str {
                    if tok.unterminated {
                        self.suppress = true;
                    } else {
                        self.accept();
                    }
                    tok.text
                } else {
                    let raw: &'a str = self.token_text(span);
                    let help = format!("write the key in double quotes: `\"{raw}\"`");
                    self.error(
                        span,
                        format!("object keys must be strings in double quotes, found {found}"),
                        Some(&help),
                    );
                    Cow::Borrowed(raw)
                };
                if let Some(frame) = self.stack.last_mut() {
                    frame.key = Some((key, tok.span));
                }
                self.state = State::ObjColon;
            }
            Kind::RBrace | Kind::RBracket => self.closer(kind, span),
            Kind::Colon | Kind::LBrace | Kind::LBracket => {
                // A value without a key: read it and drop it.
                self.error(span, format!("{expected}, found {found}"), None);
                if kind == Kind::Colon {
                    self.lex.bump();
                }
                self.state = State::ObjValue;
            }
            Kind::Comma | Kind::Garbage | Kind::Eof => {
                let help = (kind == Kind::Comma).then_some("remove the extra comma");
                self.error(span, format!("{expected}, found {found}"), help);
                self.lex.bump();
            }
        }
    }

    fn pending_key(&self) -> String {
        let key = self.stack.last().and_then(|f| f.key.as_ref());
        key.map_or_else(String::new, |(k, _)| format!(" {}", quote(k)))
    }

    fn on_colon(&mut self, kind: Kind, span: Span) {
        let found = self.found(kind, span);
        let message = |parser: &Self| {
            format!(
                "expected `:` after the key{}, found {found}",
                parser.pending_key()
            )
        };
        match kind {
            Kind::Colon => {
                self.accept();
                self.lex.bump();
                self.state = State::ObjValue;
            }
            Kind::RBrace | Kind::RBracket => self.closer(kind, span),
            Kind::Comma => {
                self.error(
                    span,
                    message(self),
                    Some("give the key a value: `\"key\": value`"),
                );
                self.lex.bump();
                self.state = State::ObjKey;
                if let Some(frame) = self.stack.last_mut() {
                    frame.key = None;
                    frame.last_comma = Some(span);
                }
            }
            Kind::Garbage | Kind::Eof => {
                self.error(
                    span,
                    message(self),
                    Some("use `:` between a key and its value"),
                );
                self.lex.bump();
                self.state = State::ObjValue;
            }
            _ => {
                self.error(
                    span,
                    message(self),
                    Some("add `:` between the key and its value"),
                );
                self.state = State::ObjValue;
            }
        }
    }

    fn on_obj_after(&mut self, kind: Kind, span: Span) {
        let found = self.found(kind, span);
        let message = || format!("expected `,` or `}}` after an object member, found {found}");
        match kind {
            Kind::Comma => {
                self.accept();
                self.lex.bump();
                self.state = State::ObjKey;
                if let Some(frame) = self.stack.last_mut() {
                    frame.last_comma = Some(span);
                }
            }
            Kind::RBrace | Kind::RBracket => self.closer(kind, span),
            Kind::Str | Kind::Word => {
                self.error(span, message(), Some("add a comma between the two members"));
                self.state = State::ObjKey;
            }
            Kind::Colon | Kind::Garbage | Kind::Eof => {
                self.error(span, message(), None);
                self.lex.bump();
            }
            Kind::Num | Kind::True | Kind::False | Kind::Null | Kind::LBrace | Kind::LBracket => {
                // A second value for the same member: read it and drop it.
                self.error(span, message(), None);
                self.state = State::ObjValue;
            }
        }
    }

    fn open(&mut self, kind: Kind, span: Span) {
        if self.stack.len() >= MAX_DEPTH {
            self.lex.report(
                Code::TooDeep,
                span,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
                Some("no policy needs more than a few levels; flatten the document"),
            );
            self.skip_subtree();
            self.deliver(None);
            return;
        }
        self.accept();
        self.lex.bump();
        let is_object = kind == Kind::LBrace;
        let node = self.nodes.len();
        self.nodes.push(Node {
            entry: Entry::Null,
            span,
            key: None,
        });
        self.stack.push(Frame {
            open: span,
            is_object,
            node,
            len: 0,
            index: HashMap::new(),
            key: None,
            last_comma: None,
        });
        self.state = if is_object {
            State::ObjStart
        } else {
            State::ArrStart
        };
    }

    /// Skip the container opening at the next token with a bracket counter, quietly.
    fn skip_subtree(&mut self) {
        let was_quiet = self.lex.quiet;
        self.lex.quiet = true;
        let mut depth = 0_usize;
        loop {
            let (kind, _) = self.lex.peek();
            match kind {
                Kind::Eof => break,
                Kind::LBrace | Kind::LBracket => depth += 1,
                Kind::RBrace | Kind::RBracket => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.lex.bump();
            if depth == 0 {
                break;
            }
        }
        self.lex.quiet = was_quiet;
    }

    /// A `]` or `}` where a value, key, colon, comma or closer was expected.
    fn closer(&mut self, kind: Kind, span: Span) {
        let found = self.found(kind, span);
        let want_object = kind == Kind::RBrace;
        let Some(top) = self.stack.last() else {
            self.error(span, format!("expected a value, found {found}"), None);
            self.lex.bump();
            return;
        };
        let (open, is_object, last_comma) = (top.open, top.is_object, top.last_comma);
        match self.state {
            State::ArrValue | State::ObjKey => self.error(
                last_comma.unwrap_or(span),
                format!("trailing comma before {found}"),
                Some("remove the comma"),
            ),
            State::ObjColon => {
                let message = format!(
                    "expected `:` after the key{}, found {found}",
                    self.pending_key()
                );
                self.error(span, message, Some("give the key a value, or remove it"));
            }
            State::ObjValue => self.error(
                span,
                format!("expected a value after `:`, found {found}"),
                Some("add the value, or remove the member"),
            ),
            _ => {}
        }
        if let Some(frame) = self.stack.last_mut() {
            frame.key = None;
        }
        if is_object == want_object {
            self.accept();
            self.lex.bump();
            self.close(span.end);
            return;
        }
        // A wrong closer: either a typo for the right one, or the right one is missing.
        let next = self.lex.peek2();
        let parent = self
            .stack
            .len()
            .checked_sub(2)
            .and_then(|i| self.stack.get(i));
        let fits_after = match parent {
            Some(p) => {
                next == Kind::Comma
                    || next
                        == if p.is_object {
                            Kind::RBrace
                        } else {
                            Kind::RBracket
                        }
            }
            None => next == Kind::Eof,
        };
        let closes_outer = self
            .stack
            .iter()
            .rev()
            .skip(1)
            .any(|f| f.is_object == want_object);
        let (want, what) = closer_of(is_object);
        let opened = self.at(open.start);
        let message =
            format!("expected `{want}` to close the {what} opened at {opened}, found {found}");
        if fits_after || !closes_outer {
            self.syntax(
                span,
                message,
                Some(&format!("replace {found} with `{want}`")),
            );
            self.lex.bump();
            self.close(span.end);
        } else {
            self.syntax(span, message, Some(&format!("add `{want}` before {found}")));
            self.close(self.lex.last_end);
        }
        self.suppress = true;
    }

    fn end_of_input(&mut self, span: Span) {
        let Some(top) = self.stack.last() else {
            if self.state == State::RootValue {
                self.error(
                    span,
                    "expected a JSON value, found end of input".to_owned(),
                    Some("the document is empty"),
                );
            }
            return;
        };
        let open = top.open;
        let (want, what) = closer_of(top.is_object);
        let all: String = self
            .stack
            .iter()
            .rev()
            .map(|f| closer_of(f.is_object).0)
            .collect();
        let opened = self.at(open.start);
        self.syntax(
            span,
            format!("expected `{want}` to close the {what} opened at {opened}, found end of input"),
            Some(&format!("add `{all}` at the end")),
        );
        while let Some(frame) = self.stack.last_mut() {
            frame.key = None;
            self.close(self.lex.last_end);
        }
    }

    fn close(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end_entry = self.nodes.len();
        if let Some(node) = self.nodes.get_mut(frame.node) {
            node.entry = if frame.is_object {
                Entry::Object {
                    len: frame.len,
                    end: end_entry,
                }
            } else {
                Entry::Array {
                    len: frame.len,
                    end: end_entry,
                }
            };
            node.span = Span::new(frame.open.start, end.max(frame.open.end));
        }
        self.deliver(Some(frame.node));
    }

    /// Hand a finished value (its entry, the last subtree on the tape; or `None`: nothing was
    /// read) to the container being read. A value the container does not keep is taken off
    /// the tape.
    fn deliver(&mut self, value: Option<usize>) {
        let Some(frame) = self.stack.last_mut() else {
            self.root = value;
            self.state = State::RootAfter;
            return;
        };
        if !frame.is_object {
            frame.len += usize::from(value.is_some());
            self.state = State::ArrAfter;
            return;
        }
        self.state = State::ObjAfter;
        let key = frame.key.take();
        let Some(value) = value else { return };
        let Some((key, key_span)) = key else {
            self.nodes.truncate(value);
            return;
        };
        // Small objects (every real policy's) are searched directly; a large one builds its
        // index once, so duplicate detection stays linear.
        if frame.index.is_empty() && frame.len >= SMALL_OBJECT {
            let mut i = frame.node + 1;
            while let Some(node) = self.nodes.get(i).filter(|_| i < value) {
                if let Some((k, _)) = &node.key {
                    frame.index.insert(k.clone(), i);
                }
                i = node.next(i);
            }
        }
        let first = if frame.index.is_empty() {
            let mut i = frame.node + 1;
            let mut found = None;
            while let Some(node) = self.nodes.get(i).filter(|_| i < value) {
                if let Some((k, _)) = &node.key {
                    if *k == key {
                        found = Some(i);
                        break;
                    }
                }
                i = node.next(i);
            }
            found
        } else {
            frame.index.get(&key).copied()
        };
        let Some((first_at, first)) = first.and_then(|i| {
            let span = self.nodes.get(i)?.key.as_ref()?.1;
            Some((i, span))
        }) else {
            if !frame.index.is_empty() {
                frame.index.insert(key.clone(), value);
            }
            frame.len += 1;
            if let Some(node) = self.nodes.get_mut(value) {
                node.key = Some((key, key_span));
            }
            return;
        };
        match self.duplicates {
            DuplicateKeys::Error => {}
            DuplicateKeys::First => {
                self.nodes.truncate(value);
                return;
            }
            DuplicateKeys::Last => {
                // The earlier member stays on the tape without its key, so no walk of the
                // object's members sees it; the later one takes its place.
                if let Some(node) = self.nodes.get_mut(first_at) {
                    node.key = None;
                }
                if !frame.index.is_empty() {
                    frame.index.insert(key.clone(), value);
                }
                if let Some(node) = self.nodes.get_mut(value) {
                    node.key = Some((key, key_span));
                }
                return;
            }
        }
        self.nodes.truncate(value);
        let first = first.start;
        let shown = quote(&key);
        let at = self.at(first);
        self.lex.report(
            Code::DuplicateKey,
            key_span,
            format!("duplicate key {shown} in this object"),
            Some(&format!(
                "the first {shown} is at {at} and is kept; remove one of them"
            )),
        );
    }
}

#[cfg(test)]
mod tests;

/// A token's text for a message, formatted only when a message is.
#[derive(Debug, Clone, Copy)]
struct Found<'t> {
    eof: bool,
    text: &'t str,
}

impl std::fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.eof {
            f.write_str("end of input")
        } else {
            f.write_str(&quote(self.text))
        }
    }
}
