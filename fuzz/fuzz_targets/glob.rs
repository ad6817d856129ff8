//! Glob matching against the naive matcher, in both syntaxes, through every entry point.
//!
//! Input: one byte for the syntax (odd: Arn), then lines: a pattern, then values to match.
#![no_main]

use iam_conformance::invariants::matching::naive_glob;
use iam_policy::pattern::{matches_tokens, tokenize, Glob, GlobSyntax};
use libfuzzer_sys::fuzz_target;

/// Longest pattern and value tried, in characters (the naive matcher is quadratic).
const MAX_PATTERN: usize = 96;
const MAX_VALUE: usize = 200;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let syntax = if first % 2 == 1 {
        GlobSyntax::Arn
    } else {
        GlobSyntax::Text
    };
    let text = String::from_utf8_lossy(rest);
    let mut lines = text.split('\n');
    let pattern: String = lines
        .next()
        .unwrap_or_default()
        .chars()
        .take(MAX_PATTERN)
        .collect();
    let glob = Glob::new(&pattern, syntax);
    let tokens = tokenize(&pattern);
    let from_tokens = Glob::from_tokens(&tokens, syntax);
    assert_eq!(glob, from_tokens);
    assert_eq!(glob.tokens(), tokens.as_slice());
    assert_eq!(glob.to_pattern_text().as_deref(), Some(pattern.as_str()));
    for value in lines {
        let value: String = value.chars().take(MAX_VALUE).collect();
        let expected = naive_glob(&pattern, syntax, &value);
        let name = glob.strategy_name();
        assert_eq!(
            glob.is_match(&value),
            expected,
            "`{pattern}` ({syntax:?}, {name}) on `{value}`"
        );
        assert_eq!(
            from_tokens.is_match(&value),
            expected,
            "from_tokens `{pattern}` on `{value}`"
        );
        assert_eq!(
            matches_tokens(&tokens, syntax, &value),
            expected,
            "tokens `{pattern}` on `{value}`"
        );
        // A literal glob matches exactly its own text.
        let literal = Glob::literal(&value, syntax);
        assert!(literal.is_match(&value));
        assert_eq!(literal.is_match(&pattern), pattern == value);
    }
});
