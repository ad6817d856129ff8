//! Text routines with one home: case folding, which every case-insensitive comparison of the
//! parser and the evaluator uses (actions, condition keys, `...IgnoreCase` values), and the
//! truncation and indentation of long input quoted in messages.
//!
//! Folding is per character (`char::to_lowercase`), never `str::to_lowercase`: the latter
//! lowercases a final capital sigma to `ς` by context, so a text folded whole and the same text
//! folded character by character would differ, and a key or value would not match itself.

use std::borrow::Cow;
use std::cmp::Ordering;

/// The characters of `text`, folded.
pub fn folded(text: &str) -> impl Iterator<Item = char> + Clone + '_ {
    text.chars().flat_map(char::to_lowercase)
}

/// One character folded to one character: the first of its lowercase (where a character
/// lowercases to several, as `İ` does, the rest are dropped). For glob tokens and other
/// per-character work that must keep one character for one; [`fold`] keeps them all.
pub fn fold_char(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// `text` folded (lowercase per character).
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        folded(text).collect()
    }
}

/// Whether `text` holds `${`, the start of a policy variable (the common text, which holds
/// no `$`, is passed over at memchr speed).
pub fn has_variable_start(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|at| bytes.get(at + 1) == Some(&b'{'))
}

/// Whether `a` and `b` are equal once folded, allocating nothing.
pub fn eq_folded(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        folded(a).eq(folded(b))
    }
}

/// `a` and `b` compared once folded, allocating nothing.
pub fn cmp_folded(a: &str, b: &str) -> Ordering {
    folded(a).cmp(folded(b))
}

/// Every line of `text` indented by `by` spaces (for a block quoted in a message).
pub fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max_chars` characters of `text`, with `…` in place of the rest.
pub fn truncate(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", text.get(..at).unwrap_or(text))),
    }
}

/// The pieces of `text` between the ASCII byte `at`, the last holding the rest once there
/// are `most`: what `text.splitn(most, at)` gives (`usize::MAX`: `text.split(at)`), found
/// by a plain byte loop (ARN segments are short: cheaper than the char searcher or memchr's
/// set-up).
pub(crate) fn split_bytes(text: &str, at: u8, most: usize) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(text);
    let mut left = most;
    std::iter::from_fn(move || {
        let piece = rest?;
        left = left.checked_sub(1)?;
        let end = piece.bytes().position(|b| b == at).filter(|_| left > 0);
        match end {
            Some(end) => {
                rest = piece.get(end + 1..);
                piece.get(..end)
            }
            None => {
                rest = None;
                Some(piece)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_per_character() {
        // `str::to_lowercase` would give a final `ς`; per character it is `σ` everywhere.
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold("ΟΔΟΣ"), folded("ΟΔΟΣ").collect::<String>());
        assert!(eq_folded("ΟΔΟΣ", "οδοσ"));
        assert!(eq_folded(&fold("ΟΔΟΣ"), "ΟΔΟΣ"));
        assert!(!eq_folded("ΟΔΟΣ", "οδος"));
        assert_eq!(fold("İ"), "i\u{307}");
        assert!(eq_folded("AwS:SourceIP", "aws:sourceip"));
        assert_eq!(cmp_folded("B", "a"), Ordering::Greater);
        assert_eq!(cmp_folded("Straße", "STRASSE"), Ordering::Greater);
    }

    #[test]
    fn a_variable_start_is_found_as_contains_finds_it() {
        for text in [
            "",
            "$",
            "{",
            "${",
            "$$",
            "$${",
            "a$b{",
            "$ {",
            "arn:${aws:username}",
            "x$}${",
            "€${",
            "é$",
            "${}$",
            "}$",
        ] {
            assert_eq!(has_variable_start(text), text.contains("${"), "{text:?}");
        }
    }

    #[test]
    fn indentation_pads_every_line() {
        assert_eq!(indent("a\nb", 2), "  a\n  b");
        assert_eq!(indent("", 4), "");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc…");
        assert_eq!(truncate("ééé", 2), "éé…");
        assert_eq!(truncate("", 0), "");
        assert_eq!(truncate("a", 0), "…");
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn split_bytes_is_splitn(text in "[a:/\u{e9}]{0,12}", most in 0usize..8, sep in prop::sample::select(vec![b':', b'/'])) {
            let c = char::from(sep);
            let expected: Vec<&str> = text.splitn(most, c).collect();
            prop_assert_eq!(split_bytes(&text, sep, most).collect::<Vec<_>>(), expected);
            let all: Vec<&str> = text.split(c).collect();
            prop_assert_eq!(split_bytes(&text, sep, usize::MAX).collect::<Vec<_>>(), all);
        }
    }
}
