//! The lexer of [`super`]: tokens with spans, unescaped strings, number checks, and the
//! problems that belong to one token (a bad escape, an invalid number, an unterminated
//! string, a comment, whitespace JSON does not allow). Problems of where a token stands are
//! the parser's.

use std::borrow::Cow;

use crate::diagnostic::{Code, Diagnostic, Span};

/// What a token is; string contents travel separately in [`Token::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    Str,
    Num,
    True,
    False,
    Null,
    Word,
    Garbage,
    Eof,
}

#[derive(Debug)]
pub(super) struct Token<'a> {
    pub(super) kind: Kind,
    pub(super) span: Span,
    /// The unescaped contents of a string, borrowed when it holds no escape.
    pub(super) text: Cow<'a, str>,
    /// A string that ran into the end of its line.
    pub(super) unterminated: bool,
}

impl Token<'_> {
    fn new(kind: Kind, start: usize, end: usize) -> Self {
        Self {
            kind,
            span: Span::new(start, end),
            text: Cow::Borrowed(""),
            unterminated: false,
        }
    }
}

/// Tokens on demand, with up to two of lookahead.
pub(super) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    /// Lexed but not yet taken: the next token, and the one after it.
    ahead: Option<Token<'a>>,
    second: Option<Token<'a>>,
    /// While skipping a too-deep subtree: problems are not reported.
    pub(super) quiet: bool,
    /// Every problem found so far, the parser's included.
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The end of the last token taken.
    pub(super) last_end: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            ahead: None,
            second: None,
            quiet: false,
            diagnostics: Vec::new(),
            last_end: 0,
        }
    }

    /// Report a problem (unless quiet).
    pub(super) fn report(&mut self, code: Code, span: Span, message: String, help: Option<&str>) {
        if self.quiet {
            return;
        }
        let d = Diagnostic::new(code, span, message);
        self.diagnostics.push(if let Some(h) = help {
            d.with_help(h)
        } else {
            d
        });
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|s| s.chars().next())
    }

    pub(super) fn peek(&mut self) -> (Kind, Span) {
        if let Some(t) = &self.ahead {
            return (t.kind, t.span);
        }
        let t = self.lex();
        let peeked = (t.kind, t.span);
        self.ahead = Some(t);
        peeked
    }

    pub(super) fn peek2(&mut self) -> Kind {
        if self.ahead.is_none() {
            self.ahead = Some(self.lex());
        }
        if self.second.is_none() {
            self.second = Some(self.lex());
        }
        self.second.as_ref().map_or(Kind::Eof, |t| t.kind)
    }

    pub(super) fn bump(&mut self) -> Token<'a> {
        let t = match self.ahead.take() {
            Some(t) => {
                self.ahead = self.second.take();
                t
            }
            None => self.lex(),
        };
        self.last_end = t.span.end;
        t
    }

    /// Skip whitespace, reporting comments and non-JSON whitespace as they go by.
    fn skip_trivia(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.pos) {
            self.pos += 1;
        }
        loop {
            let start = self.pos;
            match self.byte(start) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                // Any other ASCII byte but `#`, `/` and the two ASCII spaces JSON does not
                // allow (U+000B, U+000C) starts a token.
                Some(b) if b.is_ascii() && !matches!(b, b'#' | b'/' | 0x0b | 0x0c) => return,
                Some(b'#') => self.line_comment(),
                Some(b'/') if self.byte(start + 1) == Some(b'/') => self.line_comment(),
                Some(b'/') if self.byte(start + 1) == Some(b'*') => {
                    let body = self.text.get(start + 2..).unwrap_or("");
                    self.pos = body
                        .find("*/")
                        .map_or(self.text.len(), |i| start + 2 + i + 2);
                    self.comment(start);
                }
                Some(_) => {
                    let Some(c) = self.char_at(start) else { return };
                    if start == 0 && c == '\u{feff}' {
                        self.pos += c.len_utf8();
                        self.report(
                            Code::JsonSyntax,
                            Span::new(0, self.pos),
                            "byte-order mark is not allowed at the start of a JSON document"
                                .to_owned(),
                            Some("save the file as UTF-8 without a byte-order mark"),
                        );
                        continue;
                    }
                    if !is_foreign_space(c) {
                        return;
                    }
                    while let Some(c) = self.char_at(self.pos).filter(|&c| is_foreign_space(c)) {
                        self.pos += c.len_utf8();
                    }
                    let names: Vec<String> = self
                        .text
                        .get(start..self.pos)
                        .unwrap_or("")
                        .chars()
                        .take(3)
                        .map(|c| format!("U+{:04X}", u32::from(c)))
                        .collect();
                    self.report(
                        Code::JsonSyntax,
                        Span::new(start, self.pos),
                        format!("`{}` is not JSON whitespace", names.join(" ")),
                        Some("use only spaces, tabs and line breaks between tokens"),
                    );
                }
                None => return,
            }
        }
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let rest = self.text.get(start..).unwrap_or("");
        self.pos = memchr::memchr(b'\n', rest.as_bytes()).map_or(self.text.len(), |i| start + i);
        self.comment(start);
    }

    fn comment(&mut self, start: usize) {
        let span = Span::new(start, self.pos);
        self.report(
            Code::JsonSyntax,
            span,
            "comments are not allowed in JSON".to_owned(),
            Some("remove the comment"),
        );
    }

    fn lex(&mut self) -> Token<'a> {
        self.skip_trivia();
        let start = self.pos;
        let Some(b) = self.byte(start) else {
            return Token::new(Kind::Eof, start, start);
        };
        let single = match b {
            b'{' => Kind::LBrace,
            b'}' => Kind::RBrace,
            b'[' => Kind::LBracket,
            b']' => Kind::RBracket,
            b':' => Kind::Colon,
            b',' => Kind::Comma,
            b'"' | b'\'' => return self.lex_string(b),
            b'-' | b'+' | b'.' | b'0'..=b'9' => return self.lex_number(),
            _ if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                while self.byte(self.pos).is_some_and(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'-' | b'.')
                }) {
                    self.pos += 1;
                }
                let kind = match self.text.get(start..self.pos) {
                    Some("true") => Kind::True,
                    Some("false") => Kind::False,
                    Some("null") => Kind::Null,
                    _ => Kind::Word,
                };
                return Token::new(kind, start, self.pos);
            }
            _ => {
                while let Some(c) = self.char_at(self.pos) {
                    let stop = matches!(c, '{' | '}' | '[' | ']' | ':' | ',' | '"' | '\'')
                        || c.is_whitespace();
                    if stop && self.pos > start {
                        break;
                    }
                    self.pos += c.len_utf8();
                }
                return Token::new(Kind::Garbage, start, self.pos);
            }
        };
        self.pos += 1;
        Token::new(single, start, self.pos)
    }

    fn lex_number(&mut self) -> Token<'a> {
        let start = self.pos;
        self.pos += 1;
        while let Some(b) = self.byte(self.pos) {
            let sign_after_e =
                matches!(b, b'+' | b'-') && matches!(self.byte(self.pos - 1), Some(b'e' | b'E'));
            if !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_') || sign_after_e) {
                break;
            }
            self.pos += 1;
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        if let Some((reason, help)) = number_problem(text) {
            let message = format!("invalid number {}: {reason}", quote(text));
            self.report(
                Code::JsonSyntax,
                Span::new(start, self.pos),
                message,
                Some(help),
            );
        }
        Token::new(Kind::Num, start, self.pos)
    }

    fn lex_string(&mut self, quote_byte: u8) -> Token<'a> {
        let start = self.pos;
        self.pos += 1;
        // The common string: no escape, no control character, closed on its line. Borrowed.
        let text: &'a str = self.text;
        let body = text.as_bytes().get(self.pos..).unwrap_or_default();
        // The first quote or backslash; the string is plain when it is the quote and no
        // control character comes before it.
        let end = memchr::memchr2(quote_byte, b'\\', body).filter(|&len| {
            body.get(len) == Some(&quote_byte)
                && !body
                    .get(..len)
                    .unwrap_or_default()
                    .iter()
                    .any(|&b| b < 0x20)
        });
        if let Some(len) = end {
            let contents = text.get(self.pos..self.pos + len).unwrap_or("");
            self.pos += len + 1;
            let span = Span::new(start, self.pos);
            if quote_byte == b'\'' {
                self.single_quoted(span);
            }
            return Token {
                kind: Kind::Str,
                span,
                text: Cow::Borrowed(contents),
                unterminated: false,
            };
        }
        let mut out = String::new();
        let mut run = self.pos;
        let mut unterminated = false;
        loop {
            let i = self.pos;
            let b = self.byte(i);
            let line_end = match b {
                None | Some(b'\n') => true,
                Some(b'\r') => self.byte(i + 1) == Some(b'\n'),
                _ => false,
            };
            if line_end {
                out.push_str(self.text.get(run..i).unwrap_or(""));
                unterminated = true;
                break;
            }
            match b {
                Some(q) if q == quote_byte => {
                    out.push_str(self.text.get(run..i).unwrap_or(""));
                    self.pos = i + 1;
                    break;
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(run..i).unwrap_or(""));
                    self.escape(&mut out, quote_byte);
                    run = self.pos;
                }
                Some(c @ 0..=0x1f) => {
                    out.push_str(self.text.get(run..i).unwrap_or(""));
                    out.push(char::from(c));
                    self.pos = i + 1;
                    run = self.pos;
                    let escaped = match c {
                        b'\t' => "\\t".to_owned(),
                        b'\r' => "\\r".to_owned(),
                        0x08 => "\\b".to_owned(),
                        0x0c => "\\f".to_owned(),
                        _ => format!("\\u{c:04x}"),
                    };
                    self.report(
                        Code::JsonSyntax,
                        Span::new(i, i + 1),
                        format!("unescaped control character `U+{c:04X}` in a string"),
                        Some(&format!("write it as `{escaped}`")),
                    );
                }
                _ => self.pos = i + 1,
            }
        }
        let span = Span::new(start, self.pos);
        if quote_byte == b'\'' {
            self.single_quoted(span);
        } else if unterminated {
            let trimmed = out.trim_end();
            if let Some(stripped) = trimmed.strip_suffix(',') {
                out.truncate(stripped.trim_end().len());
            }
            self.report(
                Code::JsonSyntax,
                span,
                "unterminated string: no closing `\"` before the end of the line".to_owned(),
                Some("add the closing `\"`"),
            );
        }
        Token {
            kind: Kind::Str,
            span,
            text: Cow::Owned(out),
            unterminated,
        }
    }

    fn single_quoted(&mut self, span: Span) {
        self.report(
            Code::JsonSyntax,
            span,
            "strings must be in double quotes, not single quotes".to_owned(),
            Some("replace the `'` quotes with `\"`"),
        );
    }

    /// Read the escape at `self.pos` (a backslash) into `out`.
    fn escape(&mut self, out: &mut String, quote_byte: u8) {
        let i = self.pos;
        let simple = match self.byte(i + 1) {
            None | Some(b'\n' | b'\r') => {
                out.push('\\');
                self.pos = i + 1;
                return;
            }
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'\'') if quote_byte == b'\'' => '\'',
            Some(b'u') => return self.unicode_escape(out),
            Some(_) => {
                let c = self.char_at(i + 1).unwrap_or('\u{fffd}');
                self.pos = i + 1 + c.len_utf8();
                out.push('\\');
                out.push(c);
                let text = self.text.get(i..self.pos).unwrap_or("");
                self.report(
                Code::JsonSyntax,
                    Span::new(i, self.pos),
                    format!("invalid escape {} in a string", quote(text)),
                    Some("valid escapes are `\\\"` `\\\\` `\\/` `\\b` `\\f` `\\n` `\\r` `\\t` and `\\uXXXX`; write a backslash as `\\\\`"),
                );
                return;
            }
        };
        out.push(simple);
        self.pos = i + 2;
    }

    fn unicode_escape(&mut self, out: &mut String) {
        let i = self.pos;
        let Some(high) = self.hex4(i + 2) else {
            let mut end = i + 2;
            while end < i + 6 && self.byte(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
                end += 1;
            }
            out.push_str("\\u");
            self.pos = i + 2;
            let text = self.text.get(i..end).unwrap_or("");
            self.report(
                Code::JsonSyntax,
                Span::new(i, end),
                format!("invalid unicode escape {}", quote(text)),
                Some("`\\u` must be followed by exactly four hex digits"),
            );
            return;
        };
        self.pos = i + 6;
        if (0xd800..0xdc00).contains(&high) && self.text.get(i + 6..i + 8) == Some("\\u") {
            if let Some(low) = self.hex4(i + 8).filter(|l| (0xdc00..0xe000).contains(l)) {
                let code = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                self.pos = i + 12;
                return;
            }
        }
        match char::from_u32(high) {
            Some(c) => out.push(c),
            None => {
                out.push('\u{fffd}');
                let text = self.text.get(i..i + 6).unwrap_or("");
                self.report(
                Code::JsonSyntax,
                    Span::new(i, i + 6),
                    format!("unpaired surrogate {} in a string", quote(text)),
                    Some("a `\\uD800`-`\\uDBFF` escape must be followed by a `\\uDC00`-`\\uDFFF` escape"),
                );
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.text.get(at..at + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }
}

/// Unicode whitespace (and the invisible U+FEFF, U+200B) that JSON does not allow.
fn is_foreign_space(c: char) -> bool {
    (c.is_whitespace() && !matches!(c, ' ' | '\t' | '\n' | '\r'))
        || matches!(c, '\u{feff}' | '\u{200b}')
}

/// User text for a message: in backticks, control characters escaped, at most 32 characters.
pub(super) fn quote(text: &str) -> String {
    let mut out = String::from("`");
    for (n, c) in text.chars().enumerate() {
        if n == 32 {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// What is wrong with a number token, and how to fix it; `None` when it is valid JSON.
fn number_problem(text: &str) -> Option<(&'static str, &'static str)> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let digit = |i: usize| at(i).is_some_and(|b| b.is_ascii_digit());
    if at(0) == Some(b'+') {
        return Some(("a leading `+` is not allowed", "remove the `+`"));
    }
    let mut i = usize::from(at(0) == Some(b'-'));
    let rest = text.get(i..).unwrap_or("").to_ascii_lowercase();
    if matches!(rest.as_str(), "nan" | "inf" | "infinity") {
        return Some((
            "JSON has no NaN or infinity",
            "JSON numbers are finite; write a string if this is text",
        ));
    }
    match at(i) {
        Some(b'0') if digit(i + 1) => {
            return Some(("leading zeros are not allowed", "remove the leading zeros"));
        }
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while digit(i) {
                i += 1;
            }
        }
        Some(b'.') => {
            return Some((
                "a digit is required before the decimal point",
                "write `0` before the `.`",
            ));
        }
        _ => {
            return Some((
                "a digit is required",
                "write a number such as `0`, `-1` or `2.5`",
            ))
        }
    }
    if at(i) == Some(b'.') {
        i += 1;
        if !digit(i) {
            return Some((
                "a digit is required after the decimal point",
                "add a digit after the `.`, or remove the `.`",
            ));
        }
        while digit(i) {
            i += 1;
        }
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(at(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return Some(("the exponent has no digits", "add digits after the `e`"));
        }
        while digit(i) {
            i += 1;
        }
    }
    (i != bytes.len()).then_some((
        "it is not a JSON number",
        "write a number such as `0`, `-1` or `2.5e3`, or quote it as a string",
    ))
}

/// Byte offset to line and column (in characters), in O(log n + 256) per query so that many
/// queries on a long single-line document stay linear.
pub(super) struct Locator {
    line_starts: Vec<usize>,
    /// `marks[k]`: characters before byte `k * MARK`.
    marks: Vec<usize>,
}

const MARK: usize = 256;

const fn is_char_start(b: u8) -> bool {
    b & 0xc0 != 0x80
}

impl Locator {
    pub(super) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let mut marks = Vec::with_capacity(bytes.len() / MARK + 2);
        let mut count = 0;
        for chunk in bytes.chunks(MARK) {
            marks.push(count);
            count += chunk.iter().filter(|&&b| is_char_start(b)).count();
        }
        marks.push(count);
        Self { line_starts, marks }
    }

    fn chars_before(&self, bytes: &[u8], offset: usize) -> usize {
        let k = offset / MARK;
        let base = self.marks.get(k).copied().unwrap_or(0);
        let tail = bytes.get(k * MARK..offset).unwrap_or(&[]);
        base + tail.iter().filter(|&&b| is_char_start(b)).count()
    }

    pub(super) fn line_col(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(bytes.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self.chars_before(bytes, offset) - self.chars_before(bytes, start);
        (line + 1, column + 1)
    }
}
