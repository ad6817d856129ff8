use proptest::prelude::*;
use rstest::rstest;

use super::nfa::{SCRATCH, STACK_TOKENS};
use super::GlobSyntax::{Arn, Text};
use super::GlobToken::{AnyChar, AnyRun, Literal};
use super::{matches_tokens, tokenize, Glob, GlobSyntax, GlobToken};

/// The reference matcher: a table over (token index, char index) filled straight from the
/// definitions, on the tokens as given (no collapsing, no strategies).
fn naive(tokens: &[GlobToken], syntax: GlobSyntax, value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    let (n, m) = (tokens.len(), chars.len());
    // ok[i][j]: tokens[i..] matches chars[j..].
    let mut ok = vec![vec![false; m + 1]; n + 1];
    ok[n][m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            let c = chars.get(j).copied();
            ok[i][j] = match tokens[i] {
                Literal(l) => c == Some(l) && ok[i + 1][j + 1],
                AnyChar => c.is_some_and(|c| syntax == Text || c != ':') && ok[i + 1][j + 1],
                AnyRun => {
                    let crosses =
                        syntax == Text || matches!(tokens.get(i + 1), None | Some(Literal(':')));
                    ok[i + 1][j] || (c.is_some_and(|c| c != ':' || crosses) && ok[i][j + 1])
                }
            };
        }
    }
    ok[0][0]
}

/// Match through every entry point, assert they agree with the reference, return the result.
fn check(pattern: &str, syntax: GlobSyntax, value: &str) -> bool {
    let tokens = tokenize(pattern);
    let expected = naive(&tokens, syntax, value);
    let glob = Glob::new(pattern, syntax);
    assert_eq!(
        glob.is_match(value),
        expected,
        "Glob `{pattern}` ({syntax:?}, {}) vs `{value}`",
        glob.strategy_name()
    );
    assert_eq!(
        matches_tokens(&tokens, syntax, value),
        expected,
        "matches_tokens `{pattern}` ({syntax:?}) vs `{value}`"
    );
    expected
}

#[rstest]
#[case("*", Text, "any")]
#[case("*", Arn, "any")]
#[case("***", Arn, "any")]
#[case("", Text, "exact")]
#[case("abc", Text, "exact")]
#[case("arn:aws:iot:us-east-1:123:job/x", Arn, "exact")]
#[case("abc*", Text, "prefix")]
#[case("abc**", Arn, "prefix")]
#[case("arn:aws:iot:us-east-1:123:job/*", Arn, "prefix")]
#[case("*abc", Text, "suffix")]
#[case("*abc", Arn, "suffix")]
#[case("**:abc", Arn, "suffix")]
#[case("a*b", Text, "segments")]
#[case("*a*", Text, "segments")]
#[case("a?c", Text, "segments")]
#[case("a?c", Arn, "segments")]
#[case("*?", Text, "segments")]
#[case("arn:aws:iot:*:123:job/*", Arn, "segments")]
#[case("arn:aws:iot:*:*:*", Arn, "segments")]
#[case("a*b", Arn, "nfa")]
#[case("arn:aws:iot:us-*-1:123:job/*", Arn, "nfa")]
#[case("arn:aws:s3:::b/*/test/*", Arn, "nfa")]
fn strategy_choice(#[case] pattern: &str, #[case] syntax: GlobSyntax, #[case] name: &str) {
    assert_eq!(Glob::new(pattern, syntax).strategy_name(), name);
}

#[rstest]
// any
#[case("*", Arn, "a:b:c", true)]
#[case("*", Text, "", true)]
#[case("**", Arn, ":", true)]
// exact
#[case("abc", Text, "abc", true)]
#[case("abc", Text, "abcd", false)]
#[case("abc", Text, "ABC", false)]
#[case("", Text, "", true)]
#[case("", Arn, "a", false)]
// prefix
#[case("ab*", Text, "ab", true)]
#[case("ab*", Text, "a", false)]
#[case("ab*", Arn, "ab:c:d", true)]
#[case("ab*", Arn, "xab", false)]
// suffix
#[case("*ab", Text, "x:yab", true)]
#[case("*ab", Text, "b", false)]
#[case("*ab", Arn, "xyab", true)]
#[case("*ab", Arn, "x:yab", false)]
#[case("*:ab", Arn, "x:y:ab", true)]
#[case("*:ab", Arn, "x:yab", false)]
// segments (and nfa for the Arn cases whose leading star ends no segment)
#[case("a*b*c", Text, "a-b-c", true)]
#[case("a*b*c", Text, "abc", true)]
#[case("a*b*c", Text, "acb", false)]
#[case("a*bb*b", Text, "abbb", true)]
#[case("a*bb*b", Text, "abb", false)]
#[case("a?c", Text, "abc", true)]
#[case("a?c", Text, "a:c", true)]
#[case("a?c", Arn, "a:c", false)]
#[case("*?", Text, "", false)]
#[case("*?*", Text, "x", true)]
#[case("*a?b*", Arn, "x:a:b", false)]
#[case("*a?b*", Arn, "x:a-b:y", false)]
#[case("*a?b*", Arn, "xa-b:y", true)]
// nfa
#[case("a*b", Arn, "axxb", true)]
#[case("a*b", Arn, "a:b", false)]
#[case("a*:b*c", Arn, "a:x:b:yc", false)]
#[case("a*:b*c", Arn, "a:x:byc", true)]
#[case("a*:b*c", Arn, "a:b:c", false)]
fn strategy_behaviour(
    #[case] pattern: &str,
    #[case] syntax: GlobSyntax,
    #[case] value: &str,
    #[case] expected: bool,
) {
    assert_eq!(check(pattern, syntax, value), expected);
}

#[rstest]
// A final star crosses colons.
#[case("arn:aws:iot:*:123:job/*", "arn:aws:iot:us-east-1:123:job/a:b", true)]
// The region star is segment-final: it may cross colons too.
#[case("arn:aws:iot:*:123:job/*", "arn:aws:iot:a:b:123:job/x", true)]
#[case("arn:aws:iot:*:123:job/*", "arn:aws:iot:us-east-1:124:job/x", false)]
// A star inside a segment does not cross.
#[case(
    "arn:aws:iot:us-*-1:123:job/x",
    "arn:aws:iot:us-east-1:123:job/x",
    true
)]
#[case(
    "arn:aws:iot:us-*-1:123:job/x",
    "arn:aws:iot:us-a:b-1:123:job/x",
    false
)]
// `?` never matches `:` [facts 4.4].
#[case(
    "arn:aws:rds:us-west-?:123:db:x",
    "arn:aws:rds:us-west-2:123:db:x",
    true
)]
#[case(
    "arn:aws:rds:us-west-?:123:db:x",
    "arn:aws:rds:us-west-::123:db:x",
    false
)]
// Case-sensitive in every segment (ID-6).
#[case("arn:aws:iot:*:123:job/*", "arn:aws:IOT:us-east-1:123:job/x", false)]
// Package ARNs under `package/*` [facts 4.3].
#[case(
    "arn:aws:iot:us-east-1:123:package/*",
    "arn:aws:iot:us-east-1:123:package/P/version/V",
    true
)]
fn arn_worked_examples(#[case] pattern: &str, #[case] value: &str, #[case] expected: bool) {
    assert_eq!(check(pattern, Arn, value), expected);
}

/// [facts 4.3]: `/` is not special.
#[rstest]
#[case("/1/test/object.jpg", true)]
#[case("/1/2/test/3/object.jpg", true)]
#[case("/1///test///object.jpg", true)]
#[case("//test/object.jpg", true)]
#[case("/1/test/", true)]
#[case("/1-test/object.jpg", false)]
#[case("/test/object.jpg", false)]
#[case("/1/2/test.jpg", false)]
fn s3_slash_is_not_special(
    #[case] key: &str,
    #[case] expected: bool,
    #[values(Text, Arn)] syntax: GlobSyntax,
) {
    let value = format!("arn:aws:s3:::DOC-EXAMPLE-BUCKET{key}");
    assert_eq!(
        check("arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*", syntax, &value),
        expected
    );
}

/// [facts 4.12]: `StringLike` matches across components; `ArnLike` (a Text glob per component,
/// split by the caller at the first five colons) does not. The Resource rule lets the
/// segment-final region star cross colons, so it matches.
#[test]
fn string_like_vs_arn_like() {
    let pattern = "arn:aws:someservice:*:111122223333:finance/*";
    let value =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    assert!(check(pattern, Text, value));
    assert!(check(pattern, Arn, value));
    let components = pattern.splitn(6, ':').zip(value.splitn(6, ':'));
    let per_component: Vec<bool> = components.map(|(p, v)| check(p, Text, v)).collect();
    assert_eq!(per_component, [true, true, true, true, false, false]);
}

#[rstest]
#[case("?", "é", true)]
#[case("?", "日", true)]
#[case("??", "日", false)]
#[case("???", "日", false)]
#[case("a?c", "a日c", true)]
#[case("a???c", "a日c", false)]
#[case("*?日", "日日", true)]
#[case("é*?", "é", false)]
fn any_char_is_one_scalar(
    #[case] pattern: &str,
    #[case] value: &str,
    #[case] expected: bool,
    #[values(Text, Arn)] syntax: GlobSyntax,
) {
    assert_eq!(check(pattern, syntax, value), expected);
}

#[rstest]
fn long_value_many_stars(#[values(Text, Arn)] syntax: GlobSyntax) {
    let pattern = "*a*a*a*a*a*a*b";
    let mut value = "a".repeat(64 * 1024);
    assert!(!Glob::new(pattern, syntax).is_match(&value));
    assert!(!matches_tokens(&tokenize(pattern), syntax, &value));
    value.push('b');
    assert!(Glob::new(pattern, syntax).is_match(&value));
    assert!(matches_tokens(&tokenize(pattern), syntax, &value));
    value.insert(0, ':');
    let expected = syntax == Text;
    assert_eq!(Glob::new(pattern, syntax).is_match(&value), expected);
    assert_eq!(matches_tokens(&tokenize(pattern), syntax, &value), expected);
}

/// A pattern above the stack limit (the per-thread buffer), also while that buffer is in use.
#[test]
fn long_pattern_uses_scratch() {
    let segment = "ab*b?:";
    let repeat = 2 * STACK_TOKENS / segment.len() + 4;
    let pattern = segment.repeat(repeat);
    let tokens = tokenize(&pattern);
    assert!(tokens.len() > 2 * STACK_TOKENS);
    let value_ok = "abxxb-:".repeat(repeat);
    let value_bad = value_ok.replacen("xx", "x:", 1);
    let glob = Glob::new(&pattern, Arn);
    assert_eq!(glob.strategy_name(), "nfa");
    SCRATCH.with(|cell| cell.borrow_mut().clear());
    for (value, expected) in [(&value_ok, true), (&value_bad, false)] {
        assert_eq!(naive(&tokens, Arn, value), expected);
        assert_eq!(glob.is_match(value), expected);
        assert_eq!(matches_tokens(&tokens, Arn, value), expected);
        let held = SCRATCH.with(|cell| {
            let _guard = cell.borrow_mut();
            (glob.is_match(value), matches_tokens(&tokens, Arn, value))
        });
        assert_eq!(held, (expected, expected));
    }
    // The state sets did live in the per-thread buffer.
    assert!(SCRATCH.with(|cell| cell.borrow().len()) >= 2 * tokens.len().div_ceil(64));
}

#[test]
fn equality_is_on_tokens_and_syntax() {
    assert_eq!(
        Glob::new("a*?", Text),
        Glob::from_tokens(&[Literal('a'), AnyRun, AnyChar], Text)
    );
    assert_ne!(Glob::new("a*", Text), Glob::new("a*", Arn));
    assert_ne!(Glob::new("a**", Text), Glob::new("a*", Text));
    assert_ne!(Glob::literal("a*", Text), Glob::new("a*", Text));
    assert_eq!(Glob::new("a*", Arn).tokens(), &[Literal('a'), AnyRun]);
    assert_eq!(Glob::new("a*", Arn).syntax(), Arn);
}

/// `Glob::new` compiles from the text to the very plan the token compiler gives, for every
/// pattern of up to six characters over `a`, `:`, `*` and `?`, under both syntaxes; and its
/// tokens are the pattern's.
#[test]
fn text_plans_are_the_token_plans() {
    let alphabet = ['a', ':', '*', '?'];
    let mut patterns = vec![String::new()];
    let mut from_text = 0;
    for _ in 0..6 {
        let longer: Vec<String> = patterns
            .iter()
            .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
            .collect();
        for pattern in &longer {
            for syntax in [Text, Arn] {
                let glob = Glob::new(pattern, syntax);
                let tokens = tokenize(pattern);
                let expected = super::compile(&tokens, syntax);
                assert_eq!(
                    format!("{:?}", glob.strategy),
                    format!("{expected:?}"),
                    "`{pattern}` {syntax:?}"
                );
                assert_eq!(glob.tokens(), tokens.as_slice());
                assert_eq!(glob, Glob::from_tokens(&tokens, syntax));
                from_text += usize::from(super::from_text::plan(pattern, syntax).is_some());
            }
        }
        patterns = longer;
    }
    assert!(from_text > 1_000, "{from_text}");
}

#[test]
fn literal_globs() {
    let glob = Glob::literal("a*?", Text);
    assert!(glob.is_literal());
    assert_eq!(glob.as_literal(), Some("a*?"));
    assert!(glob.is_match("a*?"));
    assert!(!glob.is_match("abc"));
    assert_eq!(glob.to_pattern_text(), None);
    let wild = Glob::new("a*?b", Arn);
    assert!(!wild.is_literal());
    assert_eq!(wild.as_literal(), None);
    assert_eq!(wild.to_pattern_text().as_deref(), Some("a*?b"));
    assert!(Glob::new("**", Text).matches_everything());
    assert!(!Glob::new("*?", Text).matches_everything());
}

const ALPHABET: [char; 8] = ['a', 'b', ':', '/', '*', '?', 'é', '日'];

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(&ALPHABET[..]), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

fn syntax() -> impl Strategy<Value = GlobSyntax> {
    prop_oneof![Just(Text), Just(Arn)]
}

/// Tokens including literal `*` and `?`, which pattern text cannot express.
fn tokens(max: usize) -> impl Strategy<Value = Vec<GlobToken>> {
    let token = prop_oneof![
        3 => prop::sample::select(&ALPHABET[..]).prop_map(Literal),
        1 => Just(AnyChar),
        2 => Just(AnyRun),
    ];
    prop::collection::vec(token, 0..max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn agrees_with_reference(pattern in text(10), value in text(14), syntax in syntax()) {
        let expected = naive(&tokenize(&pattern), syntax, &value);
        prop_assert_eq!(Glob::new(&pattern, syntax).is_match(&value), expected);
        prop_assert_eq!(matches_tokens(&tokenize(&pattern), syntax, &value), expected);
    }

    #[test]
    fn tokens_agree_with_reference(tokens in tokens(10), value in text(14), syntax in syntax()) {
        let expected = naive(&tokens, syntax, &value);
        prop_assert_eq!(Glob::from_tokens(&tokens, syntax).is_match(&value), expected);
        prop_assert_eq!(matches_tokens(&tokens, syntax, &value), expected);
    }

    /// Values built from the pattern itself, so that most of them match.
    #[test]
    fn instantiated_values(
        tokens in tokens(10),
        fills in prop::collection::vec(text(4), 10),
        syntax in syntax(),
    ) {
        let mut value = String::new();
        for (token, fill) in tokens.iter().zip(&fills) {
            match token {
                Literal(c) => value.push(*c),
                AnyChar => value.push(fill.chars().next().unwrap_or('a')),
                AnyRun => value.push_str(fill),
            }
        }
        let expected = naive(&tokens, syntax, &value);
        if syntax == Text {
            prop_assert!(expected);
        }
        prop_assert_eq!(Glob::from_tokens(&tokens, syntax).is_match(&value), expected);
        prop_assert_eq!(matches_tokens(&tokens, syntax, &value), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Patterns of more than 64 tokens: the NFA state sets span several words.
    #[test]
    fn multi_word_patterns_agree(
        unit in tokens(12),
        fills in prop::collection::vec(text(3), 12),
        repeat in 6usize..10,
        syntax in syntax(),
    ) {
        let tokens: Vec<GlobToken> = unit.iter().copied().cycle().take(unit.len() * repeat).collect();
        let mut value = String::new();
        for (token, fill) in tokens.iter().zip(fills.iter().cycle()) {
            match token {
                Literal(c) => value.push(*c),
                AnyChar => value.push(fill.chars().next().unwrap_or('b')),
                AnyRun => value.push_str(fill),
            }
        }
        let expected = naive(&tokens, syntax, &value);
        prop_assert_eq!(Glob::from_tokens(&tokens, syntax).is_match(&value), expected);
        prop_assert_eq!(matches_tokens(&tokens, syntax, &value), expected);
    }
}
