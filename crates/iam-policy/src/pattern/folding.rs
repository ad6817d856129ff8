//! The readings of ID-6 and ID-7 on glob tokens, with one home for the evaluator and the
//! generator's tags: the case folding of an ARN's head, and the `never` reading of a wildcard
//! and a colon.

use super::{matches_tokens, GlobSyntax, GlobToken};
use crate::text::fold_char;

/// The tokens with the literals before the `colons`-th colon folded (the `insensitive`
/// reading of ID-6 folds `arn`, partition, service and region: `colons` = 4; one ARN
/// component on its own: `colons` = 1).
pub fn fold_tokens(tokens: &[GlobToken], colons: usize) -> Vec<GlobToken> {
    let mut seen = 0;
    tokens
        .iter()
        .map(|t| match *t {
            GlobToken::Literal(':') => {
                seen += 1;
                *t
            }
            GlobToken::Literal(c) if seen < colons => GlobToken::Literal(fold_char(c)),
            other => other,
        })
        .collect()
}

/// The text with the characters before the `colons`-th colon folded (as [`fold_tokens`]).
pub fn fold_head(value: &str, colons: usize) -> String {
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if c == ':' {
                seen += 1;
                c
            } else if seen < colons {
                fold_char(c)
            } else {
                c
            }
        })
        .collect()
}

/// The `never` reading of ID-7: the pattern's colon-separated segments match the value's,
/// one for one, and no wildcard matches a colon.
pub fn never_crosses(tokens: &[GlobToken], value: &str) -> bool {
    let mut segments = tokens.split(|t| *t == GlobToken::Literal(':'));
    let mut parts = value.split(':');
    loop {
        match (segments.next(), parts.next()) {
            (None, None) => return true,
            (Some(s), Some(p)) if matches_tokens(s, GlobSyntax::Text, p) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::tokenize;

    #[test]
    fn folding_stops_at_the_given_colon() {
        assert_eq!(
            fold_head("arn:AWS:IoT:US-east-1:A:job/X", 4),
            "arn:aws:iot:us-east-1:A:job/X"
        );
        assert_eq!(fold_head("AbC:DeF", 1), "abc:DeF");
        let tokens = fold_tokens(&tokenize("ARN:Aws:*:R:A"), 2);
        assert_eq!(tokens, tokenize("arn:aws:*:R:A"));
    }

    #[test]
    fn never_keeps_wildcards_within_their_segment() {
        let t = tokenize("arn:aws:iot:*:*:job/*");
        assert!(never_crosses(&t, "arn:aws:iot:r:1:job/x"));
        assert!(!never_crosses(&t, "arn:aws:iot:r:1:job/x:y"));
        assert!(!never_crosses(&t, "arn:aws:iot:r:1"));
    }
}
