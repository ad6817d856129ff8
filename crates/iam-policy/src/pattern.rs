//! Glob patterns with IAM's own rules (not shell globs): `*` is any run of characters, `?` is
//! exactly one character (a Unicode scalar), everything else is literal. Under
//! [`GlobSyntax::Arn`] (the Resource rule of §5) `*` and `?` do not match `:`, except that a `*`
//! that is the last character of a colon-separated pattern segment may match any text.
//!
//! A [`Glob`] is compiled once into the cheapest strategy that fits its shape:
//!
//! | strategy   | shape                                   | cost            |
//! |------------|-----------------------------------------|-----------------|
//! | `any`      | only stars                              | O(1)            |
//! | `exact`    | no wildcard                             | byte compare    |
//! | `prefix`   | literal, then one trailing `*`          | byte compare    |
//! | `suffix`   | one leading `*`, then literal           | byte compare (Arn, star ending no segment: plus a colon scan) |
//! | `segments` | Text syntax; Arn syntax where every `*` may cross colons | linear for literal pieces, O(piece × value) for pieces with `?` |
//! | `nfa`      | Arn syntax with a `*` that may not cross colons | bit-parallel, O(pattern / 64 × value) |
//!
//! Matching allocates nothing (the NFA keeps its state sets on the stack for patterns up to
//! 256 tokens, and in a reusable per-thread buffer above) and never backtracks exponentially.
//! [`matches_tokens`] dispatches to the same engines without compiling.

mod folding;
mod from_text;
mod nfa;
mod segments;

use std::sync::OnceLock;

use memchr::memmem::Finder;

pub use folding::{fold_head, fold_tokens, never_crosses};
use segments::{match_pieces, CompiledPiece, TokenPiece};

/// One token of a glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlobToken {
    /// A literal character.
    Literal(char),
    /// `?`: one character.
    AnyChar,
    /// `*`: any run of characters.
    AnyRun,
}

/// Which wildcard rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlobSyntax {
    /// `*` and `?` match any character (action names, `StringLike`, ARN components).
    Text,
    /// The Resource rule of §5.
    Arn,
}

/// A glob compiled once. Two globs are equal when their tokens and syntax are.
#[derive(Clone)]
pub struct Glob {
    /// The tokens of a glob built from tokens; left empty (and derived on demand from the
    /// pattern or the plan) for the globs of [`Glob::new`].
    tokens: OnceLock<Vec<GlobToken>>,
    /// The pattern text of a [`Glob::new`] glob with a wildcard (`None` when the plan holds
    /// the text: `Exact`, `Prefix`).
    pattern: Option<Box<str>>,
    syntax: GlobSyntax,
    strategy: Plan,
}

impl PartialEq for Glob {
    fn eq(&self, other: &Self) -> bool {
        self.syntax == other.syntax && self.token_iter().eq(other.token_iter())
    }
}

impl Eq for Glob {}

impl std::fmt::Debug for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Glob")
            .field("tokens", &self.tokens())
            .field("syntax", &self.syntax)
            .field("strategy", &self.strategy)
            .finish()
    }
}

/// The tokens of a glob, stored or derived from its plan, without allocating.
enum TokenIter<'g> {
    Stored(std::slice::Iter<'g, GlobToken>),
    /// The tokens of pattern text.
    Pattern(std::str::Chars<'g>),
    /// Literal characters, then a star when `star`.
    Derived {
        chars: std::str::Chars<'g>,
        star: bool,
    },
}

impl Iterator for TokenIter<'_> {
    type Item = GlobToken;

    fn next(&mut self) -> Option<GlobToken> {
        match self {
            TokenIter::Stored(iter) => iter.next().copied(),
            TokenIter::Pattern(chars) => chars.next().map(token),
            TokenIter::Derived { chars, star } => match chars.next() {
                Some(c) => Some(GlobToken::Literal(c)),
                None if *star => {
                    *star = false;
                    Some(GlobToken::AnyRun)
                }
                None => None,
            },
        }
    }
}

/// The compiled form of a glob.
#[derive(Debug, Clone)]
enum Plan {
    /// Only stars: matches every value.
    Any,
    /// No wildcard: the value must equal the text.
    Exact(Box<str>),
    /// Literal text then one (segment-final) star: the value must start with the text.
    Prefix(Box<str>),
    /// One star then literal text: the value must end with the text; when `colon_free` (Arn
    /// syntax, star not segment-final), the part before the text must hold no `:`.
    Suffix { text: Box<str>, colon_free: bool },
    /// Split at the stars (every star may match any text): anchored head, anchored tail,
    /// middle pieces found leftmost-first.
    Segments(Box<SegmentPlan>),
    /// Arn syntax with a star that may not cross colons: bit-parallel NFA simulation.
    Nfa(Box<nfa::BitNfa>),
}

/// The pieces of a glob between its stars.
#[derive(Debug, Clone)]
struct SegmentPlan {
    head: CompiledPiece,
    /// `None` when the pattern has no star: the head must then match the whole value.
    tail: Option<CompiledPiece>,
    middle: Vec<CompiledPiece>,
}

impl Glob {
    /// Compile `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str, syntax: GlobSyntax) -> Self {
        // The common shapes straight from the text: no wildcard, or one trailing star.
        let strategy = match memchr::memchr2(b'*', b'?', pattern.as_bytes()) {
            None => Some(Plan::Exact(pattern.into())),
            Some(i) if i + 1 == pattern.len() && pattern.ends_with('*') && i > 0 => {
                pattern.get(..i).map(|head| Plan::Prefix(head.into()))
            }
            Some(_) => None,
        };
        match strategy {
            // The tokens are derived from the plan when asked for.
            Some(strategy) => Self {
                tokens: OnceLock::new(),
                pattern: None,
                syntax,
                strategy,
            },
            // The tokens are derived from the pattern when asked for.
            None => Self {
                tokens: OnceLock::new(),
                strategy: from_text::plan(pattern, syntax)
                    .unwrap_or_else(|| compile(&tokenize(pattern), syntax)),
                pattern: Some(pattern.into()),
                syntax,
            },
        }
    }

    /// A glob with no wildcards: every character literal.
    pub fn literal(text: &str, syntax: GlobSyntax) -> Self {
        let tokens: Vec<GlobToken> = text.chars().map(GlobToken::Literal).collect();
        Self::from_tokens(&tokens, syntax)
    }

    /// Compile from tokens.
    pub fn from_tokens(tokens: &[GlobToken], syntax: GlobSyntax) -> Self {
        Self {
            tokens: OnceLock::from(tokens.to_vec()),
            pattern: None,
            syntax,
            strategy: compile(tokens, syntax),
        }
    }

    /// The tokens.
    pub fn tokens(&self) -> &[GlobToken] {
        self.tokens.get_or_init(|| self.token_iter().collect())
    }

    /// The tokens, stored or derived, without allocating.
    fn token_iter(&self) -> TokenIter<'_> {
        if let Some(tokens) = self.tokens.get() {
            return TokenIter::Stored(tokens.iter());
        }
        if let Some(pattern) = &self.pattern {
            return TokenIter::Pattern(pattern.chars());
        }
        // Only the `Exact` and `Prefix` globs of `Glob::new` leave both unset.
        match &self.strategy {
            Plan::Prefix(text) => TokenIter::Derived {
                chars: text.chars(),
                star: true,
            },
            Plan::Exact(text) => TokenIter::Derived {
                chars: text.chars(),
                star: false,
            },
            _ => TokenIter::Derived {
                chars: "".chars(),
                star: false,
            },
        }
    }

    /// The syntax.
    pub fn syntax(&self) -> GlobSyntax {
        self.syntax
    }

    /// Whether the glob has no wildcard (a `Literal('*')` token is literal).
    pub fn is_literal(&self) -> bool {
        self.token_iter()
            .all(|t| matches!(t, GlobToken::Literal(_)))
    }

    /// The text of a glob without wildcards, as compiled.
    pub fn as_literal(&self) -> Option<&str> {
        match &self.strategy {
            Plan::Exact(text) => Some(text),
            _ => None,
        }
    }

    /// Whether the glob matches every value (it is made of stars only).
    pub fn matches_everything(&self) -> bool {
        matches!(self.strategy, Plan::Any)
    }

    /// The name of the compiled strategy: `any`, `exact`, `prefix`, `suffix`, `segments` or
    /// `nfa` (for diagnostics, tests and benches).
    pub fn strategy_name(&self) -> &'static str {
        match self.strategy {
            Plan::Any => "any",
            Plan::Exact(_) => "exact",
            Plan::Prefix(_) => "prefix",
            Plan::Suffix { .. } => "suffix",
            Plan::Segments(_) => "segments",
            Plan::Nfa(_) => "nfa",
        }
    }

    /// The glob as pattern text (`*` and `?` wildcards), or `None` when a literal `*` or `?`
    /// cannot be written in that text.
    pub fn to_pattern_text(&self) -> Option<String> {
        let mut text = String::new();
        for token in self.token_iter() {
            match token {
                GlobToken::Literal('*' | '?') => return None,
                GlobToken::Literal(c) => text.push(c),
                GlobToken::AnyChar => text.push('?'),
                GlobToken::AnyRun => text.push('*'),
            }
        }
        Some(text)
    }

    /// Whether `candidate` matches (case-sensitive; callers fold case beforehand).
    pub fn is_match(&self, candidate: &str) -> bool {
        match &self.strategy {
            Plan::Any => true,
            Plan::Exact(text) => candidate == &**text,
            Plan::Prefix(text) => candidate.starts_with(&**text),
            Plan::Suffix { text, colon_free } => match candidate.strip_suffix(&**text) {
                Some(rest) => !*colon_free || memchr::memchr(b':', rest.as_bytes()).is_none(),
                None => false,
            },
            Plan::Segments(plan) => match_pieces(
                &plan.head,
                plan.tail.as_ref(),
                plan.middle.iter(),
                candidate,
            ),
            Plan::Nfa(nfa) => nfa.is_match(candidate),
        }
    }
}

/// The tokens of `pattern` (`*` and `?` wildcards, everything else literal).
pub fn tokenize(pattern: &str) -> Vec<GlobToken> {
    pattern.chars().map(token).collect()
}

/// The token of one pattern character: `*` and `?` are wildcards, everything else literal.
pub fn token(c: char) -> GlobToken {
    match c {
        '*' => GlobToken::AnyRun,
        '?' => GlobToken::AnyChar,
        c => GlobToken::Literal(c),
    }
}

/// Match `candidate` against uncompiled tokens (used for patterns built per request from
/// policy variables). Allocates nothing for patterns of up to 256 tokens.
pub fn matches_tokens(tokens: &[GlobToken], syntax: GlobSyntax, candidate: &str) -> bool {
    let any_excludes_colon = match syntax {
        GlobSyntax::Text => false,
        GlobSyntax::Arn if every_star_crosses(tokens) => true,
        GlobSyntax::Arn => return nfa::is_match(tokens, candidate),
    };
    let piece = |tokens| TokenPiece {
        tokens,
        any_excludes_colon,
    };
    let stars = tokens
        .iter()
        .filter(|t| matches!(t, GlobToken::AnyRun))
        .count();
    // `split` yields one piece more than there are stars (at least one, two with a star), so
    // `next` and, with a star, `next_back` always find one: the defaults are never used.
    let mut pieces = tokens.split(|t| matches!(t, GlobToken::AnyRun));
    let head = piece(pieces.next().unwrap_or_default());
    if stars == 0 {
        return match_pieces(&head, None, std::iter::empty::<TokenPiece>(), candidate);
    }
    let tail = piece(pieces.next_back().unwrap_or_default());
    let middle = pieces.filter(|p| !p.is_empty()).map(piece);
    match_pieces(&head, Some(&tail), middle, candidate)
}

/// Under Arn syntax, whether a star may cross a colon: it is the last of its run of stars and
/// the next token is `:` or the end of the pattern. Earlier stars of a run may match the empty
/// text, so a run behaves as its last star.
fn star_crosses(next: Option<&GlobToken>) -> bool {
    // ID-7: the current AWS wording: only a segment-final `*` may cross colons.
    matches!(next, None | Some(GlobToken::Literal(':')))
}

/// Whether every run of stars ends at a `:` or at the end of the pattern.
fn every_star_crosses(tokens: &[GlobToken]) -> bool {
    let mut iter = tokens.iter().peekable();
    while let Some(token) = iter.next() {
        let next = iter.peek().copied();
        if *token == GlobToken::AnyRun && next != Some(&GlobToken::AnyRun) && !star_crosses(next) {
            return false;
        }
    }
    true
}

/// The tokens with every run of stars collapsed to one star (same language, both syntaxes).
fn collapse_stars(tokens: &[GlobToken]) -> Vec<GlobToken> {
    let mut out: Vec<GlobToken> = Vec::with_capacity(tokens.len());
    for &token in tokens {
        if token == GlobToken::AnyRun && out.last() == Some(&GlobToken::AnyRun) {
            continue;
        }
        out.push(token);
    }
    out
}

/// The text of literal-only tokens.
fn literal_text(tokens: &[GlobToken]) -> Option<Box<str>> {
    tokens
        .iter()
        .map(|t| match t {
            GlobToken::Literal(c) => Some(*c),
            _ => None,
        })
        .collect::<Option<String>>()
        .map(String::into_boxed_str)
}

fn compile(tokens: &[GlobToken], syntax: GlobSyntax) -> Plan {
    let tokens = collapse_stars(tokens);
    if tokens == [GlobToken::AnyRun] {
        return Plan::Any;
    }
    if let Some(text) = literal_text(&tokens) {
        return Plan::Exact(text);
    }
    if let Some((GlobToken::AnyRun, body)) = tokens.split_last() {
        if let Some(text) = literal_text(body) {
            // A trailing star is segment-final under Arn syntax: it matches any text.
            return Plan::Prefix(text);
        }
    }
    if let Some((GlobToken::AnyRun, body)) = tokens.split_first() {
        if let Some(text) = literal_text(body) {
            let colon_free = syntax == GlobSyntax::Arn && !text.starts_with(':');
            return Plan::Suffix { text, colon_free };
        }
    }
    let any_excludes_colon = match syntax {
        GlobSyntax::Text => false,
        GlobSyntax::Arn if every_star_crosses(&tokens) => true,
        GlobSyntax::Arn => return Plan::Nfa(Box::new(nfa::BitNfa::new(&tokens))),
    };
    let compile_piece =
        |piece: &[GlobToken], searched| CompiledPiece::new(piece, any_excludes_colon, searched);
    // As in `matches_tokens`: `split` yields one piece more than there are stars, so the
    // defaults are never used.
    let mut pieces = tokens.split(|t| *t == GlobToken::AnyRun);
    let head = compile_piece(pieces.next().unwrap_or_default(), false);
    let tail = if tokens.contains(&GlobToken::AnyRun) {
        Some(compile_piece(pieces.next_back().unwrap_or_default(), false))
    } else {
        None
    };
    let middle = pieces.map(|piece| compile_piece(piece, true)).collect();
    Plan::Segments(Box::new(SegmentPlan { head, tail, middle }))
}

/// An owned substring finder, built once.
fn owned_finder(needle: &str) -> Finder<'static> {
    Finder::new(needle.as_bytes()).into_owned()
}

#[cfg(test)]
mod tests;
