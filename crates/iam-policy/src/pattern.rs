//! Glob patterns with IAM's own rules (not shell globs): `*` is any run of characters, `?` is
//! exactly one character (a Unicode scalar), everything else is literal. Under
//! [`GlobSyntax::Arn`] (the Resource rule of §5) `*` and `?` do not match `:`, except that a `*`
//! that is the last character of a colon-separated pattern segment may match any text.
//!
//! STUB: the API is fixed; the implementation is being replaced by the compiled strategies.

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

/// A glob compiled once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    tokens: Vec<GlobToken>,
    syntax: GlobSyntax,
}

impl Glob {
    /// Compile `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str, syntax: GlobSyntax) -> Self {
        Self::from_tokens(&tokenize(pattern), syntax)
    }

    /// A glob with no wildcards: every character literal.
    pub fn literal(text: &str, syntax: GlobSyntax) -> Self {
        let tokens: Vec<GlobToken> = text.chars().map(GlobToken::Literal).collect();
        Self::from_tokens(&tokens, syntax)
    }

    /// Compile from tokens.
    pub fn from_tokens(tokens: &[GlobToken], syntax: GlobSyntax) -> Self {
        Self {
            tokens: tokens.to_vec(),
            syntax,
        }
    }

    /// The tokens.
    pub fn tokens(&self) -> &[GlobToken] {
        &self.tokens
    }

    /// The syntax.
    pub fn syntax(&self) -> GlobSyntax {
        self.syntax
    }

    /// Whether `candidate` matches (case-sensitive; callers fold case beforehand).
    pub fn is_match(&self, candidate: &str) -> bool {
        matches_tokens(&self.tokens, self.syntax, candidate)
    }
}

/// The tokens of `pattern` (`*` and `?` wildcards, everything else literal).
pub fn tokenize(pattern: &str) -> Vec<GlobToken> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => GlobToken::AnyRun,
            '?' => GlobToken::AnyChar,
            c => GlobToken::Literal(c),
        })
        .collect()
}

/// Match `candidate` against uncompiled tokens (used for patterns built per request from
/// policy variables).
#[allow(clippy::indexing_slicing)] // stub, replaced by the compiled matcher
pub fn matches_tokens(tokens: &[GlobToken], syntax: GlobSyntax, candidate: &str) -> bool {
    let n = tokens.len();
    let mut states = vec![false; n + 1];
    let crosses = |i: usize| -> bool {
        syntax == GlobSyntax::Text
            || matches!(tokens.get(i + 1), None | Some(GlobToken::Literal(':')))
    };
    let close = |states: &mut Vec<bool>| {
        for i in 0..n {
            if states[i] && tokens[i] == GlobToken::AnyRun {
                states[i + 1] = true;
            }
        }
    };
    states[0] = true;
    close(&mut states);
    for ch in candidate.chars() {
        let mut next = vec![false; n + 1];
        for i in 0..n {
            if !states[i] {
                continue;
            }
            match tokens[i] {
                GlobToken::Literal(c) if c == ch => next[i + 1] = true,
                GlobToken::Literal(_) => {}
                GlobToken::AnyChar => {
                    if syntax == GlobSyntax::Text || ch != ':' {
                        next[i + 1] = true
                    }
                }
                GlobToken::AnyRun => {
                    if ch != ':' || crosses(i) {
                        next[i] = true
                    }
                }
            }
        }
        close(&mut next);
        states = next;
    }
    states[n]
}
