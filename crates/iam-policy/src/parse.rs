//! From the JSON tape (the document's values in order, strings borrowed; see
//! `json::tape`) to the model, collecting every error and lint in one pass.
//!
//! The JSON layer recovers from syntax errors (a trailing or missing comma), so the structure
//! of an as-written document is checked too: a user sees all of its problems at once. A
//! document with any error yields no policy.

use crate::condition::looks_like_operator;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, LineIndex, Severity, Span};
use crate::suggest::closest;

use crate::json::tape::{Kind as JsonKind, Member as JsonMember, Value as JsonValue};
use crate::json::{self, parse_tape_with};
use crate::model::{Effect, Origin, Policy, Statement, Version};
use crate::readings::{Readings, SidCase};
use crate::{Checked, ParseOptions};

const TOP_LEVEL_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

pub(crate) fn check(text: &str, options: &ParseOptions) -> Checked {
    let mut outcome = parse_tape_with(text, options.readings.duplicate_keys);
    // After a syntax error other than a comma fault the recovered tree is a guess: report up
    // to that error and no structural error built on the guess.
    let fatal = json::first_fatal(&outcome.diagnostics);
    if let Some(i) = fatal {
        outcome.diagnostics.truncate(i + 1);
    }
    let mut builder = Builder {
        positions: Positions::new(text),
        diagnostics: outcome.diagnostics,
        variables: false,
        readings: options.readings,
        lints: !options.errors_only,
    };
    let policy = match fatal {
        None if !outcome.nodes.is_empty() => builder.policy(JsonValue::new(&outcome.nodes, 0)),
        _ => None,
    };
    let mut diagnostics = builder.diagnostics;
    crate::json::tape::recycle(outcome.nodes);
    size_checks(text, options, &mut diagnostics);
    if options.errors_only {
        diagnostics.retain(|d| d.code.severity() == Severity::Error);
    }
    let mut diagnostics = Diagnostics(diagnostics);
    if !diagnostics.0.is_empty() {
        diagnostics.finish(&LineIndex::new(text));
    }
    let policy = if diagnostics.has_errors() {
        None
    } else {
        policy
    };
    Checked {
        policy,
        diagnostics,
    }
}

pub(crate) fn check_bytes(bytes: &[u8], options: &ParseOptions) -> Checked {
    if bytes.len() > crate::json::MAX_SIZE {
        let mut diagnostics = Diagnostics(vec![Diagnostic::new(
            Code::TooLarge,
            Span::new(0, 0),
            format!(
                "document is over the limit of {} bytes (1 MiB)",
                crate::json::MAX_SIZE
            ),
        )
        .with_help("IAM policies are at most 10,240 characters; is this the right file?")]);
        diagnostics.finish(&LineIndex::new(""));
        return Checked {
            policy: None,
            diagnostics,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => check(text, options),
        Err(error) => {
            let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let index = LineIndex::new(prefix);
            let offset = error.valid_up_to();
            let byte = bytes.get(offset).copied().unwrap_or_default();
            let mut diagnostics = Diagnostics(vec![Diagnostic::new(
                Code::InvalidUtf8,
                Span::new(offset, offset),
                format!("invalid UTF-8: byte 0x{byte:02x} at offset {offset}"),
            )
            .with_help("a policy document is UTF-8 text; re-save the file as UTF-8")]);
            diagnostics.finish(&index);
            Checked {
                policy: None,
                diagnostics,
            }
        }
    }
}

/// Size quotas count the characters other than JSON whitespace (space, tab, LF, CR), wherever
/// they stand (strings included).
fn size_checks(text: &str, options: &ParseOptions, diagnostics: &mut Vec<Diagnostic>) {
    if text.len() > crate::json::MAX_SIZE {
        return;
    }
    // Characters other than JSON whitespace, counted on the bytes: a character is its first
    // byte (UTF-8 continuation bytes are `0b10xx_xxxx`).
    // Summed in 8-bit lanes, 255 bytes at a time, so that the loop vectorizes.
    let counts = |chunk: &[u8]| {
        chunk.iter().fold(0_u8, |n, &b| {
            let space = (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\r');
            n.wrapping_add(u8::from(!space & ((b & 0xC0) != 0x80)))
        })
    };
    let size: usize = text
        .as_bytes()
        .chunks(255)
        .map(|c| usize::from(counts(c)))
        .sum();
    match options.kind {
        Some(kind) if size > kind.quota() => diagnostics.push(
            Diagnostic::new(
                Code::OverSizeQuota,
                Span::new(0, 0),
                format!(
                    "policy has {size} non-whitespace characters, over the {} quota of {}",
                    kind.as_str(),
                    kind.quota()
                ),
            )
            .with_help("split the statements across several policies"),
        ),
        None if size > 6_144 => diagnostics.push(Diagnostic::new(
            Code::SizeOverQuota,
            Span::new(0, 0),
            format!("policy has {size} non-whitespace characters, over the managed-policy quota of 6144"),
        )),
        _ => {}
    }
}

struct Builder<'a> {
    positions: Positions<'a>,
    diagnostics: Vec<Diagnostic>,
    /// Whether `${...}` is live (Version 2012-10-17).
    variables: bool,
    /// The readings of the implementation-defined points.
    readings: Readings,
    /// Whether to compute and report lint warnings (not under [`ParseOptions::errors_only`]).
    lints: bool,
}

impl Builder<'_> {
    fn error(&mut self, code: Code, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(code, span, message));
        let last = self.diagnostics.len() - 1;
        #[expect(
            clippy::indexing_slicing,
            reason = "the diagnostic at `last` was just pushed"
        )]
        &mut self.diagnostics[last]
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        if !self.lints && diagnostic.code.severity() != Severity::Error {
            return;
        }
        self.diagnostics.push(diagnostic);
    }

    /// Where a statement or condition is, `span`: its position asked for in document order.
    fn origin(&mut self, span: Span) -> Origin {
        Origin::new(self.positions.position(span.start), span)
    }

    fn policy(&mut self, root: JsonValue<'_, '_>) -> Option<Policy> {
        let JsonKind::Object(members) = root.kind() else {
            self.report(
                Diagnostic::new(
                    Code::InvalidType,
                    root.span(),
                    format!(
                        "a policy must be a JSON object, found a {}",
                        root.type_name()
                    ),
                )
                .with_help("write `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`"),
            );
            return None;
        };
        let mut version = None;
        let mut version_seen = false;
        let mut id = None;
        let mut statement = None;
        for member in members.members() {
            match member.key {
                "Version" => {
                    version_seen = true;
                    match member.value.as_str().and_then(Version::from_text) {
                        Some(v) => {
                            version = Some(v);
                            if v == Version::V2008_10_17 {
                                self.report(Diagnostic::new(
                                    Code::OldVersion,
                                    member.value.span(),
                                    "version `2008-10-17` makes policy variables literal text and is refused by IAM's CreatePolicy",
                                ).with_help("use `\"Version\": \"2012-10-17\"`"));
                            }
                        }
                        None if member.value.as_str().is_none() => {
                            let message = format!(
                                "`Version` must be a string, found a {}",
                                member.value.type_name()
                            );
                            self.error(Code::InvalidType, member.value.span(), message)
                                .help = Some("use `\"Version\": \"2012-10-17\"`".into());
                        }
                        None => {
                            let found = describe(member.value);
                            self.report(
                                Diagnostic::new(
                                    Code::InvalidVersion,
                                    member.value.span(),
                                    format!("invalid `Version` {found}: it must be `2012-10-17` or `2008-10-17`"),
                                )
                                .with_help("use `\"Version\": \"2012-10-17\"`"),
                            );
                        }
                    }
                }
                "Id" => match member.value.as_str() {
                    Some(s) => id = Some(s.to_owned()),
                    None => {
                        let message = format!(
                            "`Id` must be a string, found a {}",
                            member.value.type_name()
                        );
                        self.error(Code::InvalidType, member.value.span(), message);
                    }
                },
                "Statement" => statement = Some(member.value),
                _ => self.unknown_top_level(&member),
            }
        }
        self.variables = version == Some(Version::V2012_10_17);
        if !version_seen {
            self.report(
                Diagnostic::new(
                    Code::MissingVersion,
                    Span::new(root.span().start, root.span().start + 1),
                    "no `Version`: policy variables are literal text and IAM's CreatePolicy refuses the document",
                )
                .with_help("add `\"Version\": \"2012-10-17\"`"),
            );
        }
        let statements = match statement {
            None => {
                self.error(
                    Code::MissingStatement,
                    Span::new(root.span().start, root.span().start + 1),
                    "policy has no `Statement`",
                )
                .help = Some("add `\"Statement\": [{...}]`".into());
                None
            }
            Some(value) => self.statements(value),
        }?;
        Some(Policy {
            version,
            id,
            statements,
        })
    }

    fn unknown_top_level(&mut self, member: &JsonMember<'_, '_>) {
        let key: &str = member.key;
        let mut d = Diagnostic::new(
            Code::UnknownElement,
            member.key_span,
            format!("unknown element `{key}` at the top level of the policy"),
        );
        if let Some(near) = closest(key, TOP_LEVEL_KEYS) {
            d = d.with_help(if near.eq_ignore_ascii_case(key) {
                format!("element names are case-sensitive: write `{near}`")
            } else {
                format!("did you mean `{near}`?")
            });
        } else if STATEMENT_KEYS.contains(&key) || key == "Principal" {
            d = d.with_help(format!("`{key}` belongs inside a statement of `Statement`"));
        } else {
            d = d.with_help("a policy has only `Version`, `Id` and `Statement`");
        }
        self.report(d);
    }

    fn statements(&mut self, value: JsonValue<'_, '_>) -> Option<Vec<Statement>> {
        match value.kind() {
            JsonKind::Object(_) => self.statement(value, &mut Vec::new()).map(|s| vec![s]),
            JsonKind::Array(items) => {
                if items.is_empty() {
                    self.error(
                        Code::MissingStatement,
                        Span::new(value.span().start, value.span().start + 1),
                        "`Statement` is an empty array",
                    )
                    .help = Some("add at least one statement".into());
                    return None;
                }
                let mut sids: Vec<(&str, Span)> = Vec::new();
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.statement(item, &mut sids) {
                        Some(s) => out.push(s),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            _ => {
                let message = format!(
                    "`Statement` must be an object or an array of objects, found a {}",
                    value.type_name()
                );
                self.error(Code::InvalidType, value.span(), message);
                None
            }
        }
    }

    fn statement<'j>(
        &mut self,
        value: JsonValue<'j, '_>,
        sids: &mut Vec<(&'j str, Span)>,
    ) -> Option<Statement> {
        let JsonKind::Object(members) = value.kind() else {
            let message = format!(
                "a statement must be an object, found a {}",
                value.type_name()
            );
            self.error(Code::InvalidType, value.span(), message);
            return None;
        };
        let open = Span::new(value.span().start, value.span().start + 1);
        let origin = self.origin(value.span());
        let find = |name: &str| members.members().find(|m| m.key == name);
        let mut ok = true;
        for member in members.members() {
            let key: &str = member.key;
            if STATEMENT_KEYS.contains(&key) {
                continue;
            }
            ok = false;
            if key == "Principal" || key == "NotPrincipal" {
                self.report(
                    Diagnostic::new(
                        Code::PrincipalNotAllowed,
                        member.key_span,
                        format!("`{key}` is not allowed in an identity-based policy"),
                    )
                    .with_help(
                        "the principal is whoever the policy is attached to; remove the element",
                    ),
                );
            } else if looks_like_operator(key) {
                self.report(
                    Diagnostic::new(
                        Code::MisplacedConditionOperator,
                        member.key_span,
                        format!("condition operator `{key}` is placed beside `Condition`, not inside it"),
                    )
                    .with_help(format!("move `{key}` inside `Condition`")),
                );
            } else {
                let mut d = Diagnostic::new(
                    Code::UnknownElement,
                    member.key_span,
                    format!("unknown element `{key}` in a statement"),
                );
                if let Some(near) = closest(key, STATEMENT_KEYS) {
                    d = d.with_help(if near.eq_ignore_ascii_case(key) {
                        format!("element names are case-sensitive: write `{near}`")
                    } else {
                        format!("did you mean `{near}`?")
                    });
                }
                self.report(d);
            }
        }

        let sid = find("Sid").and_then(|m| self.sid(&m, sids));
        let effect = match find("Effect") {
            None => {
                self.error(Code::MissingEffect, open, "statement has no `Effect`")
                    .help = Some("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`".into());
                None
            }
            Some(m) => self.effect(m.value),
        };
        let actions = self.clause(open, find("Action"), find("NotAction"), ClauseKind::Action);
        let resources = self.clause(
            open,
            find("Resource"),
            find("NotResource"),
            ClauseKind::Resource,
        );
        let conditions = match find("Condition") {
            None => Some(Vec::new()),
            Some(m) => self.conditions(m.value),
        };
        // Each clause is checked even when the other is missing or malformed, so that every
        // problem of the statement is reported in one pass.
        let actions = actions.and_then(|a| self.actions(a));
        let resources = resources.and_then(|r| self.resources(r));
        if let (true, Some(a), Some(r)) = (self.lints, &actions, &resources) {
            // The resource types of every entry, when each has one (read once for both lints).
            let types = self.lint_resource_types(&a.1, &r.1);
            if let (Some(types), Some(Effect::Allow)) = (types, effect) {
                self.lint_call_needs(&a.1, &r.1, &types);
            }
        }
        if !ok {
            return None;
        }
        Some(Statement {
            sid,
            effect: effect?,
            actions: actions?.0,
            resources: resources?.0,
            conditions: conditions?,
            origin,
        })
    }

    fn sid<'j>(
        &mut self,
        member: &JsonMember<'j, '_>,
        sids: &mut Vec<(&'j str, Span)>,
    ) -> Option<String> {
        let Some(sid) = member.value.as_str() else {
            let message = format!(
                "`Sid` must be a string, found a {}",
                member.value.type_name()
            );
            self.error(Code::InvalidType, member.value.span(), message);
            return None;
        };
        if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            let message = format!("`Sid` `{sid}` may hold only ASCII letters and digits");
            let cleaned: String = sid.chars().filter(char::is_ascii_alphanumeric).collect();
            self.error(Code::InvalidSid, member.value.span(), message)
                .help = Some(format!("write `{cleaned}`"));
            return None;
        }
        if !sid.is_empty() {
            // ID-2: Sids are ASCII letters and digits, so ASCII folding is the whole folding.
            let same = |s: &&str| match self.readings.sid_case {
                SidCase::Sensitive => *s == sid,
                SidCase::Insensitive => s.eq_ignore_ascii_case(sid),
            };
            if let Some((_, first)) = sids.iter().find(|(s, _)| same(s)) {
                let first = self.positions.position(first.start);
                let message = format!("`Sid` `{sid}` is used by an earlier statement");
                self.error(Code::DuplicateSid, member.value.span(), message)
                    .help = Some(format!(
                    "Sids must be unique within a policy; the first is at line {}, column {}",
                    first.line, first.column
                ));
                return None;
            }
            sids.push((sid, member.value.span()));
        }
        Some(sid.to_owned())
    }

    fn effect(&mut self, value: JsonValue<'_, '_>) -> Option<Effect> {
        match value.as_str() {
            Some("Allow") => Some(Effect::Allow),
            Some("Deny") => Some(Effect::Deny),
            Some(other) => {
                let mut d = Diagnostic::new(
                    Code::InvalidEffect,
                    value.span(),
                    format!("invalid `Effect` `{other}`: it must be `Allow` or `Deny`"),
                );
                if other.eq_ignore_ascii_case("allow") {
                    d = d.with_help("Effect is case-sensitive: write `Allow`");
                } else if other.eq_ignore_ascii_case("deny") {
                    d = d.with_help("Effect is case-sensitive: write `Deny`");
                }
                self.report(d);
                None
            }
            None => {
                let message = format!("`Effect` must be a string, found a {}", value.type_name());
                self.error(Code::InvalidType, value.span(), message);
                None
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ClauseKind {
    Action,
    Resource,
}

/// A clause's strings with their spans, before compilation.
struct RawClause<'j> {
    negated: bool,
    items: Vec<(&'j str, Span)>,
    /// The element's member, key and value.
    span: Span,
}

impl Builder<'_> {
    fn clause<'j>(
        &mut self,
        open: Span,
        positive: Option<JsonMember<'j, '_>>,
        negative: Option<JsonMember<'j, '_>>,
        kind: ClauseKind,
    ) -> Option<RawClause<'j>> {
        let (name, not_name, both, missing) = match kind {
            ClauseKind::Action => (
                "Action",
                "NotAction",
                Code::ActionAndNotAction,
                Code::MissingAction,
            ),
            ClauseKind::Resource => (
                "Resource",
                "NotResource",
                Code::ResourceAndNotResource,
                Code::MissingResource,
            ),
        };
        let (member, negated) = match (positive, negative) {
            (Some(_), Some(n)) => {
                self.error(
                    both,
                    n.key_span,
                    format!("statement has both `{name}` and `{not_name}`"),
                )
                .help = Some(format!("keep one of `{name}` and `{not_name}`"));
                return None;
            }
            (None, None) => {
                self.error(
                    missing,
                    open,
                    format!("statement has neither `{name}` nor `{not_name}`"),
                )
                .help = Some(format!("add `\"{name}\": [...]`"));
                return None;
            }
            (Some(p), None) => (p, false),
            (None, Some(n)) => (n, true),
        };
        let key: &str = member.key;
        let invalid = Code::InvalidType;
        let items = match member.value.kind() {
            JsonKind::String(s) => vec![(s, member.value.span())],
            JsonKind::Array(values) if values.is_empty() => {
                let span = Span::new(member.value.span().start, member.value.span().start + 1);
                self.error(missing, span, format!("`{key}` is an empty array"))
                    .help = Some(format!("list at least one {}", name.to_lowercase()));
                return None;
            }
            JsonKind::Array(values) => {
                let mut items = Vec::with_capacity(values.len());
                let mut ok = true;
                for v in values {
                    match v.as_str() {
                        Some(s) => items.push((s, v.span())),
                        None => {
                            ok = false;
                            let message = format!(
                                "each `{key}` entry must be a string, found a {}",
                                v.type_name()
                            );
                            self.error(invalid, v.span(), message);
                        }
                    }
                }
                if !ok {
                    return None;
                }
                items
            }
            _ => {
                let message = format!(
                    "`{key}` must be a string or an array of strings, found a {}",
                    member.value.type_name()
                );
                self.error(invalid, member.value.span(), message);
                return None;
            }
        };
        let span = Span::new(member.key_span.start, member.value.span().end);
        Some(RawClause {
            negated,
            items,
            span,
        })
    }
}

mod call_needs;
mod elements;
mod position;
use elements::describe;
use position::Positions;
