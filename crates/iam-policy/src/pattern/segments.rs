//! The segment engine, for globs whose every star may match any text (all of Text syntax, and
//! Arn-syntax globs whose every star ends a colon-separated segment).
//!
//! The glob is split at its stars into pieces of fixed character length (literals and `?`). The
//! head is anchored at the start of the value, the tail at its end, and each middle piece is
//! found leftmost-first in what remains between them: since the star after a piece can absorb
//! anything, the leftmost (hence earliest-ending) occurrence is always the best choice, so there
//! is no backtracking. Literal pieces are found with `memchr::memmem` (linear); pieces with `?`
//! are compared character by character at each boundary (O(piece × value)).

use memchr::memmem::{self, Finder};

use super::{literal_text, owned_finder, GlobToken};

/// Literal pieces up to this many UTF-8 bytes are searched with `memmem` without allocating.
const STACK_NEEDLE_BYTES: usize = 256;

/// A piece of a glob between two stars (no star inside).
pub(super) trait Piece {
    /// The byte length of the piece's match at the start of `s`, if it matches there.
    fn match_at(&self, s: &str) -> Option<usize>;
    /// The leftmost match in `s`, as (start, end) byte offsets.
    fn find(&self, s: &str) -> Option<(usize, usize)>;
    /// The start of the piece's match that ends exactly at the end of `s`, if any.
    fn match_end(&self, s: &str) -> Option<usize>;
}

impl<P: Piece + ?Sized> Piece for &P {
    fn match_at(&self, s: &str) -> Option<usize> {
        (**self).match_at(s)
    }
    fn find(&self, s: &str) -> Option<(usize, usize)> {
        (**self).find(s)
    }
    fn match_end(&self, s: &str) -> Option<usize> {
        (**self).match_end(s)
    }
}

/// Whether `value` matches `head *middle[0]* … *tail` (just `head` when `tail` is `None`, i.e.
/// the glob has no star).
pub(super) fn match_pieces<H: Piece, M: Piece>(
    head: &H,
    tail: Option<&H>,
    middle: impl Iterator<Item = M>,
    value: &str,
) -> bool {
    let Some(head_end) = head.match_at(value) else {
        return false;
    };
    let Some(tail) = tail else {
        return head_end == value.len();
    };
    let Some(rest) = value.get(head_end..) else {
        return false;
    };
    let Some(tail_start) = tail.match_end(rest) else {
        return false;
    };
    let Some(mut window) = rest.get(..tail_start) else {
        return false;
    };
    for piece in middle {
        let Some((_, end)) = piece.find(window) else {
            return false;
        };
        let Some(after) = window.get(end..) else {
            return false;
        };
        window = after;
    }
    true
}

/// A piece given as tokens (no star), compared character by character.
#[derive(Debug, Clone, Copy)]
pub(super) struct TokenPiece<'a> {
    pub(super) tokens: &'a [GlobToken],
    /// Arn syntax: `?` does not match `:`.
    pub(super) any_excludes_colon: bool,
}

impl TokenPiece<'_> {
    /// The leftmost match of an all-literal piece found with `memmem`, when the piece is
    /// all-literal and short enough to encode on the stack; `None` when not applicable.
    fn find_literal(&self, s: &str) -> Option<Option<(usize, usize)>> {
        let mut needle = [0u8; STACK_NEEDLE_BYTES];
        let mut len = 0;
        for token in self.tokens {
            let GlobToken::Literal(c) = *token else {
                return None;
            };
            let end = len + c.len_utf8();
            let slot = needle.get_mut(len..end)?;
            c.encode_utf8(slot);
            len = end;
        }
        let needle = needle.get(..len)?;
        Some(memmem::find(s.as_bytes(), needle).map(|at| (at, at + len)))
    }
}

impl Piece for TokenPiece<'_> {
    fn match_at(&self, s: &str) -> Option<usize> {
        let mut chars = s.char_indices();
        let mut end = 0;
        for token in self.tokens {
            let (at, c) = chars.next()?;
            let ok = match *token {
                GlobToken::Literal(l) => l == c,
                GlobToken::AnyChar => !(self.any_excludes_colon && c == ':'),
                GlobToken::AnyRun => false,
            };
            if !ok {
                return None;
            }
            end = at + c.len_utf8();
        }
        Some(end)
    }

    fn find(&self, s: &str) -> Option<(usize, usize)> {
        if self.tokens.is_empty() {
            return Some((0, 0));
        }
        if let Some(found) = self.find_literal(s) {
            return found;
        }
        s.char_indices().find_map(|(at, _)| {
            let len = self.match_at(s.get(at..)?)?;
            Some((at, at + len))
        })
    }

    fn match_end(&self, s: &str) -> Option<usize> {
        let Some(last) = self.tokens.len().checked_sub(1) else {
            return Some(s.len());
        };
        // Every token takes exactly one character: the match starts `len` characters from
        // the end.
        let (start, _) = s.char_indices().rev().nth(last)?;
        let rest = s.get(start..)?;
        (self.match_at(rest)? == rest.len()).then_some(start)
    }
}

/// A piece compiled once: literal pieces that are searched for (the middle pieces) keep an
/// owned `memmem` finder; the head and the tail, only compared in place, keep none.
#[derive(Debug, Clone)]
pub(super) enum CompiledPiece {
    /// Literal text.
    Literal {
        text: Box<str>,
        finder: Option<Box<Finder<'static>>>,
    },
    /// Text with `?`.
    Mixed {
        tokens: Box<[GlobToken]>,
        any_excludes_colon: bool,
    },
}

impl CompiledPiece {
    /// Compile a piece (tokens without a star); `searched` for a middle piece.
    pub(super) fn new(tokens: &[GlobToken], any_excludes_colon: bool, searched: bool) -> Self {
        match literal_text(tokens) {
            Some(text) => Self::literal(text, searched),
            None => CompiledPiece::Mixed {
                tokens: tokens.into(),
                any_excludes_colon,
            },
        }
    }

    /// A literal piece; `searched` for a middle piece.
    pub(super) fn literal(text: Box<str>, searched: bool) -> Self {
        CompiledPiece::Literal {
            finder: searched.then(|| Box::new(owned_finder(&text))),
            text,
        }
    }

    fn as_token_piece(tokens: &[GlobToken], any_excludes_colon: bool) -> TokenPiece<'_> {
        TokenPiece {
            tokens,
            any_excludes_colon,
        }
    }
}

impl Piece for CompiledPiece {
    fn match_at(&self, s: &str) -> Option<usize> {
        match self {
            CompiledPiece::Literal { text, .. } => s.starts_with(&**text).then_some(text.len()),
            CompiledPiece::Mixed {
                tokens,
                any_excludes_colon,
            } => Self::as_token_piece(tokens, *any_excludes_colon).match_at(s),
        }
    }

    fn find(&self, s: &str) -> Option<(usize, usize)> {
        match self {
            CompiledPiece::Literal { text, finder } => match finder {
                Some(finder) => finder.find(s.as_bytes()),
                None => memmem::find(s.as_bytes(), text.as_bytes()),
            }
            .map(|at| (at, at + text.len())),
            CompiledPiece::Mixed {
                tokens,
                any_excludes_colon,
            } => Self::as_token_piece(tokens, *any_excludes_colon).find(s),
        }
    }

    fn match_end(&self, s: &str) -> Option<usize> {
        match self {
            CompiledPiece::Literal { text, .. } => s.strip_suffix(&**text).map(str::len),
            CompiledPiece::Mixed {
                tokens,
                any_excludes_colon,
            } => Self::as_token_piece(tokens, *any_excludes_colon).match_end(s),
        }
    }
}
