//! Compiling a glob straight from its pattern text, without a token vector for the whole
//! pattern: only stars, and pieces between stars (as globset compiles its literal, prefix and
//! suffix globs from the text); only a piece holding `?` keeps the tokens of that piece.
//! Arn-syntax patterns with a star that may not cross a colon (the NFA) take the token
//! compiler.

use super::segments::CompiledPiece;
use super::{token, GlobSyntax, Plan, SegmentPlan};

/// The plan of `pattern` (which holds a wildcard) compiled from its text, or `None` when it
/// needs the token compiler. The same plan as [`super::compile`] gives for its tokens, shape
/// for shape and in the same order of preference.
pub(super) fn plan(pattern: &str, syntax: GlobSyntax) -> Option<Plan> {
    let any_excludes_colon = syntax == GlobSyntax::Arn;
    let mut pieces = pattern.split('*');
    let head = pieces.next()?;
    let Some(tail) = pieces.next_back() else {
        // No star (so a `?`): the head must match the whole value.
        return Some(Plan::Segments(Box::new(SegmentPlan {
            head: piece(head, any_excludes_colon, false),
            tail: None,
            middle: Vec::new(),
        })));
    };
    // A run of stars is one star: the empty texts between them are no pieces.
    let mut middle = pieces.filter(|piece| !piece.is_empty()).peekable();
    let literal = |piece: &str| !piece.contains('?');
    if middle.peek().is_none() && literal(head) && literal(tail) {
        match (head.is_empty(), tail.is_empty()) {
            (true, true) => return Some(Plan::Any),
            // A trailing star is segment-final under Arn syntax: it matches any text.
            (false, true) => return Some(Plan::Prefix(head.into())),
            (true, false) => {
                let colon_free = syntax == GlobSyntax::Arn && !tail.starts_with(':');
                return Some(Plan::Suffix {
                    text: tail.into(),
                    colon_free,
                });
            }
            (false, false) => {}
        }
    }
    if syntax == GlobSyntax::Arn && !every_star_crosses(pattern) {
        return None;
    }
    Some(Plan::Segments(Box::new(SegmentPlan {
        head: piece(head, any_excludes_colon, false),
        tail: Some(piece(tail, any_excludes_colon, false)),
        middle: middle
            .map(|text| piece(text, any_excludes_colon, true))
            .collect(),
    })))
}

/// A piece (text without a star); `searched` for a middle piece.
fn piece(text: &str, any_excludes_colon: bool, searched: bool) -> CompiledPiece {
    if text.contains('?') {
        CompiledPiece::Mixed {
            tokens: text.chars().map(token).collect(),
            any_excludes_colon,
        }
    } else {
        CompiledPiece::literal(text.into(), searched)
    }
}

/// [`super::every_star_crosses`] on pattern text: every run of stars ends at a `:` or at the
/// end of the pattern.
fn every_star_crosses(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(at, &byte)| byte != b'*' || matches!(bytes.get(at + 1), None | Some(b'*' | b':')))
}
