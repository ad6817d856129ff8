//! Diagnostics: every problem the parser and the linter find, with a stable code, a position,
//! a message and, where one helps, a hint.

use std::fmt;

/// A byte range `start..end` in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// Line number, from 1.
    pub line: usize,
    /// Column number, from 1, in characters.
    pub column: usize,
}

impl Default for Position {
    fn default() -> Self {
        Self { line: 1, column: 1 }
    }
}

/// Maps byte offsets of one text to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Index the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes());
        let mut line_starts = Vec::with_capacity(newlines.clone().count() + 1);
        line_starts.push(0);
        line_starts.extend(newlines.map(|i| i + 1));
        Self { text, line_starts }
    }

    /// The line and column of byte offset `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        Position {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// The text of line `line` (1-based), without its line terminator.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next.saturating_sub(1));
        self.text
            .get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The document is rejected.
    Error,
    /// The document is valid; this is advice (a lint).
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident => $text:literal, $severity:ident; )*) => {
        /// The stable code of a diagnostic. Its text (`Code::as_str`) never changes once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, errors first.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable kebab-case text of the code.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// Whether the code is an error or a lint warning.
            pub const fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// The code whose text is `text`.
            pub fn from_str_code(text: &str) -> Option<Code> {
                match text { $( $text => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    /// The bytes are not UTF-8.
    InvalidUtf8 => "invalid-utf8", Error;
    /// The text is not strict RFC 8259 JSON.
    JsonSyntax => "json-syntax", Error;
    /// An object has the same key twice (ID-1).
    DuplicateKey => "duplicate-key", Error;
    /// Nesting deeper than 64 levels.
    TooDeep => "too-deep", Error;
    /// A document larger than 1 MiB.
    TooLarge => "too-large", Error;
    /// An element has the wrong JSON type (for example a policy that is a string).
    InvalidType => "invalid-type", Error;
    /// An element name that IAM does not know.
    UnknownElement => "unknown-element", Error;
    /// A condition operator placed beside `Condition` instead of inside it.
    MisplacedConditionOperator => "misplaced-condition-operator", Error;
    /// `Version` other than `2012-10-17` or `2008-10-17`.
    InvalidVersion => "invalid-version", Error;
    /// No `Statement`, or an empty one.
    MissingStatement => "missing-statement", Error;
    /// `Effect` other than `Allow` or `Deny`.
    InvalidEffect => "invalid-effect", Error;
    /// No `Effect`.
    MissingEffect => "missing-effect", Error;
    /// Neither `Action` nor `NotAction`, or an empty list.
    MissingAction => "missing-action", Error;
    /// Both `Action` and `NotAction`.
    ActionAndNotAction => "action-and-not-action", Error;
    /// An action string that is not `*` or `vendor:name`.
    InvalidAction => "invalid-action", Error;
    /// Neither `Resource` nor `NotResource`, or an empty list.
    MissingResource => "missing-resource", Error;
    /// Both `Resource` and `NotResource`.
    ResourceAndNotResource => "resource-and-not-resource", Error;
    /// A resource that is not `*` or an ARN pattern (`arn:` and at least three segments, none
    /// empty unless it has six).
    InvalidResource => "invalid-resource", Error;
    /// A condition operator IAM does not know.
    UnknownOperator => "unknown-operator", Error;
    /// A set qualifier that is malformed or not allowed (`ForAllValues:Null`, ID-13).
    InvalidQualifier => "invalid-qualifier", Error;
    /// A condition key with an empty array of values (ID-11).
    EmptyConditionValues => "empty-condition-values", Error;
    /// An `IpAddress`/`NotIpAddress` value that is not an address or CIDR range.
    InvalidIpRange => "invalid-ip-range", Error;
    /// A `Date...` value that is not an ISO 8601 instant or epoch seconds.
    InvalidDate => "invalid-date", Error;
    /// A `Numeric...` value that is not a number.
    InvalidNumber => "invalid-number", Error;
    /// A `Bool` or `Null` value that is not `true` or `false`.
    InvalidBool => "invalid-bool", Error;
    /// A `BinaryEquals` value that is not base-64.
    InvalidBinary => "invalid-binary", Error;
    /// A `Sid` with characters other than ASCII letters and digits.
    InvalidSid => "invalid-sid", Error;
    /// Two statements with the same non-empty `Sid` (ID-2).
    DuplicateSid => "duplicate-sid", Error;
    /// `Principal` or `NotPrincipal` in an identity policy.
    PrincipalNotAllowed => "principal-not-allowed", Error;
    /// Over the IAM size quota of the policy kind given.
    OverSizeQuota => "over-size-quota", Error;
    /// A placeholder ARN segment such as `region` or `account-id`.
    PlaceholderArn => "placeholder-arn", Warning;
    /// An `iot`/`iotjobsdata` action that does not exist.
    UnknownAction => "unknown-action", Warning;
    /// A resource whose type the statement's actions do not take.
    ResourceTypeMismatch => "resource-type-mismatch", Warning;
    /// An Allow that grants an action on some, not all, of the resource types every call of
    /// it is checked on (`iot:CreateJob` on a thing group alone: the job is not granted).
    IncompleteCallGrant => "incomplete-call-grant", Warning;
    /// `Version` absent: IAM's CreatePolicy requires 2012-10-17 and variables are literal.
    MissingVersion => "missing-version", Warning;
    /// `Version` 2008-10-17: variables are literal.
    OldVersion => "old-version", Warning;
    /// Over 6,144 non-whitespace characters, the managed-policy quota.
    SizeOverQuota => "size-over-quota", Warning;
    /// An `Arn...` condition value that is not an ARN pattern the padding of ID-15 accepts
    /// (fewer than three segments, an empty segment, not `arn:`): it matches nothing.
    ShortArnPattern => "short-arn-pattern", Warning;
    /// A resource or `Arn...` condition pattern of three to five segments, read as padded
    /// with `*` segments to six (ID-15).
    ShortArn => "short-arn", Warning;
    /// A policy variable that is malformed or placed where it is literal text.
    SuspiciousVariable => "suspicious-variable", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Where in the source it is.
    pub span: Span,
    /// Line and column of `span.start`.
    pub position: Position,
    /// What is wrong, lowercase, user input in backticks.
    pub message: String,
    /// How to fix it, where that helps.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at `span`; the position is filled in by [`Diagnostic::locate`].
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            code,
            span,
            position: Position::default(),
            message: message.into(),
            help: None,
        }
    }

    /// The same diagnostic with a hint.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Error or warning, from the code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Whether this is an error (the document is rejected).
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// Fill in `position` from `span.start`.
    pub fn locate(&mut self, index: &LineIndex<'_>) {
        self.position = index.position(self.span.start);
    }

    /// Render in the rustc style: `path:line:column`, the source line, a caret, the hint.
    pub fn render(&self, path: &str, index: &LineIndex<'_>) -> String {
        let Position { line, column } = self.position;
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let span_chars = index
            .text
            .get(self.span.start..self.span.end.max(self.span.start))
            .map_or(1, |s| s.chars().take_while(|&c| c != '\n').count())
            .clamp(1, SHOWN_LINE_CHARS);
        let (visible, caret_column) = excerpt(index.line_text(line), column.saturating_sub(1));
        let caret_offset: String = visible
            .chars()
            .take(caret_column)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let mut out = format!(
            "{}[{}]: {}\n{pad}--> {path}:{line}:{column}\n{pad} |\n{line} | {visible}\n{pad} | {caret_offset}{}\n",
            self.severity().as_str(),
            self.code,
            self.message,
            "^".repeat(span_chars),
        );
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

/// The longest source excerpt a rendered diagnostic shows, in characters.
const SHOWN_LINE_CHARS: usize = 120;

/// The part of `line` to show around character `column` (0-based), with control characters
/// blanked and `…` where it is cut; and the column of the same character in the excerpt.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let total = line.chars().count();
    let (start, lead) = if total <= SHOWN_LINE_CHARS || column < SHOWN_LINE_CHARS / 2 {
        (0, "")
    } else {
        (column - SHOWN_LINE_CHARS / 2, "…")
    };
    let shown = line.chars().skip(start).take(SHOWN_LINE_CHARS);
    let mut visible: String = lead.to_owned();
    visible.extend(shown.map(|c| if c.is_control() && c != '\t' { ' ' } else { c }));
    if start + SHOWN_LINE_CHARS < total {
        visible.push('…');
    }
    (visible, column - start + lead.chars().count())
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}[{}]: {}",
            self.position.line,
            self.position.column,
            self.severity().as_str(),
            self.code,
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// All diagnostics of one document, errors and warnings together, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The lint warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Sort by position, errors before warnings at the same place, and drop exact repeats.
    pub fn finish(&mut self, index: &LineIndex<'_>) {
        for d in &mut self.0 {
            d.locate(index);
        }
        self.0.sort_by_key(|d| (d.span.start, d.severity(), d.code));
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
