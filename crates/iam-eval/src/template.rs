//! Policy variables at evaluation time (§9): a template resolved against the request context
//! into pieces, and the comparisons that use them, without allocating once warm.
//!
//! [`for_each_piece`] resolves templates through `Template::for_each_piece_reporting`: substituted values and
//! escapes come out as [`Piece::Literal`] (wildcards not live), text as written as
//! [`Piece::Pattern`] (wildcards live where the operator globs).

use std::cell::RefCell;

use iam_policy::pattern::{matches_tokens, token, GlobSyntax, GlobToken};
use iam_policy::text::folded;
use iam_policy::variable::{self, Template};

use iam_policy::readings::Readings;

use crate::readings;
use crate::request::{Context, ContextValue};

/// One piece of a resolved template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text as written in the policy: wildcards live where the operator globs.
    Pattern(&'a str),
    /// A substituted value, a default or an escape: always literal.
    Literal(&'a str),
}

/// Where a template's text comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Variables live: resolve the template.
    Live(&'a Template),
    /// Variables not live (not Version 2012-10-17): the text as written is all pattern.
    Literal(&'a str),
}

/// Call `f` with each piece of `source` resolved against `context`, in order. A variable whose
/// key is absent (or holds other than exactly one value) takes its default; without one,
/// `missing` is called with its lowercased key and the result is `false` (the pieces given to
/// `f` are then incomplete and must be discarded).
pub(crate) fn for_each_piece(
    source: Source<'_>,
    context: &Context,
    mut f: impl FnMut(Piece<'_>),
    missing: &mut dyn FnMut(&str),
) -> bool {
    let template = match source {
        Source::Literal(text) => {
            f(Piece::Pattern(text));
            return true;
        }
        Source::Live(t) => t,
    };
    template.for_each_piece_reporting(
        |key_lower| {
            context
                .get_lowered(key_lower)
                .and_then(ContextValue::single)
        },
        |piece| match piece {
            variable::Piece::Pattern(text) => f(Piece::Pattern(text)),
            variable::Piece::Literal(text) => f(Piece::Literal(text)),
            variable::Piece::Escaped(c) => {
                let mut buf = [0u8; 4];
                f(Piece::Literal(c.encode_utf8(&mut buf)));
            }
        },
        |key_lower| missing(key_lower),
    )
}

/// Whether the resolved text equals `candidate` exactly (`fold`: case-insensitively).
pub(crate) fn equals(
    source: Source<'_>,
    context: &Context,
    candidate: &str,
    fold: bool,
    missing: &mut dyn FnMut(&str),
) -> bool {
    if fold {
        let mut rest = folded(candidate);
        let mut same = true;
        let complete = for_each_piece(
            source,
            context,
            |piece| {
                let (Piece::Pattern(text) | Piece::Literal(text)) = piece;
                if same {
                    same = folded(text).all(|c| rest.next() == Some(c));
                }
            },
            missing,
        );
        complete && same && rest.next().is_none()
    } else {
        let mut rest = Some(candidate);
        let complete = for_each_piece(
            source,
            context,
            |piece| {
                let (Piece::Pattern(text) | Piece::Literal(text)) = piece;
                rest = rest.and_then(|r| r.strip_prefix(text));
            },
            missing,
        );
        complete && rest == Some("")
    }
}

thread_local! {
    static TOKENS: RefCell<Vec<GlobToken>> = const { RefCell::new(Vec::new()) };
}

/// Run `f` with the thread's cleared token buffer (a fresh one if it is in use).
fn with_tokens(f: impl FnOnce(&mut Vec<GlobToken>) -> bool) -> bool {
    let mut f = Some(f);
    let shared = TOKENS.try_with(|cell| {
        let mut buf = cell.try_borrow_mut().ok()?;
        buf.clear();
        f.take().map(|f| f(&mut buf))
    });
    match (shared, f.take()) {
        (Ok(Some(result)), _) => result,
        (_, Some(f)) => f(&mut Vec::new()),
        // `f` is taken only to run it, and a run gives `Ok(Some(_))`: unreachable.
        (_, None) => {
            debug_assert!(
                false,
                "the token buffer's closure was taken but gave no result"
            );
            false
        }
    }
}

fn push_piece(tokens: &mut Vec<GlobToken>, piece: Piece<'_>) {
    match piece {
        Piece::Pattern(text) => tokens.extend(text.chars().map(token)),
        Piece::Literal(text) => tokens.extend(text.chars().map(GlobToken::Literal)),
    }
}

/// `StringLike` with a template: a case-sensitive glob over the whole value.
pub(crate) fn like(
    source: Source<'_>,
    context: &Context,
    candidate: &str,
    missing: &mut dyn FnMut(&str),
) -> bool {
    with_tokens(|tokens| {
        for_each_piece(source, context, |p| push_piece(tokens, p), missing)
            && matches_tokens(tokens, GlobSyntax::Text, candidate)
    })
}

/// A resource pattern with a template tail: `head` (wildcards live) then the resolved tail,
/// matched by the ARN rule of §5.
pub(crate) fn resource<const REFERENCE: bool>(
    head: &str,
    tail: Source<'_>,
    context: &Context,
    candidate: &str,
    readings: &Readings,
    missing: &mut dyn FnMut(&str),
) -> bool {
    with_tokens(|tokens| {
        tokens.extend(head.chars().map(token));
        for_each_piece(tail, context, |p| push_piece(tokens, p), missing)
            && if REFERENCE || readings::plain_arns(readings) {
                matches_tokens(tokens, GlobSyntax::Arn, candidate)
            } else {
                readings::resource_tokens(tokens, candidate, readings)
            }
    })
}

/// `ArnLike`/`ArnEquals` with a template: split at the first five colons written in the
/// pattern (not those of substituted values) and glob each component; with `fold` (the
/// `insensitive` reading of ID-6) the first four components compare case-insensitively.
pub(crate) fn arn(
    source: Source<'_>,
    context: &Context,
    candidate: &str,
    fold: bool,
    missing: &mut dyn FnMut(&str),
) -> bool {
    with_tokens(|tokens| {
        let mut bounds = [0usize; 5];
        let mut found = 0usize;
        let complete = for_each_piece(
            source,
            context,
            |piece| match piece {
                Piece::Pattern(text) => {
                    for c in text.chars() {
                        if c == ':' && found < 5 {
                            if let Some(b) = bounds.get_mut(found) {
                                *b = tokens.len();
                            }
                            found += 1;
                        } else {
                            tokens.push(token(c));
                        }
                    }
                }
                Piece::Literal(_) => push_piece(tokens, piece),
            },
            missing,
        );
        if !complete || found < 5 {
            return false;
        }
        let mut start = 0usize;
        let ends = bounds.iter().copied().chain(std::iter::once(tokens.len()));
        // ID-21: a request value of fewer than six components matches no pattern.
        let mut components = iam_policy::arn::components(candidate);
        for (index, end) in ends.enumerate() {
            let (Some(part), Some(value)) = (tokens.get(start..end), components.next()) else {
                return false;
            };
            let matched = if fold && index < 4 {
                let part = readings::fold_tokens(part, 1);
                matches_tokens(&part, GlobSyntax::Text, &readings::fold_head(value, 1))
            } else {
                matches_tokens(part, GlobSyntax::Text, value)
            };
            if !matched {
                return false;
            }
            start = end;
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_policy::variable::{TemplatePart, Variable};

    fn var(key: &str, default: Option<&str>) -> TemplatePart {
        TemplatePart::Variable(Variable {
            key: key.into(),
            key_lower: iam_policy::text::fold(key),
            default: default.map(Into::into),
        })
    }

    fn text(t: &str) -> TemplatePart {
        TemplatePart::Text(t.into())
    }

    fn ctx(pairs: &[(&str, ContextValue)]) -> Context {
        Context::from_pairs(pairs.iter().cloned()).unwrap()
    }

    #[test]
    fn pieces_substitute_escape_and_default() {
        let t = Template {
            parts: vec![
                text("a*"),
                TemplatePart::Escaped('*'),
                var("aws:username", None),
                var("iot:x", Some("dflt")),
            ],
        };
        let c = ctx(&[("AWS:UserName", "bob".into())]);
        let mut got = Vec::new();
        let ok = for_each_piece(
            Source::Live(&t),
            &c,
            |p| {
                got.push(match p {
                    Piece::Pattern(s) => format!("P{s}"),
                    Piece::Literal(s) => format!("L{s}"),
                })
            },
            &mut |_| {},
        );
        assert!(ok);
        assert_eq!(got, ["Pa*", "L*", "Lbob", "Ldflt"]);
    }

    #[test]
    fn missing_variable_is_reported() {
        let t = Template {
            parts: vec![text("x"), var("aws:username", None)],
        };
        let mut missing = Vec::new();
        let multi = ctx(&[(
            "aws:username",
            ContextValue::Multi(vec!["a".into(), "b".into()]),
        )]);
        for c in [Context::new(), multi] {
            missing.clear();
            assert!(!equals(Source::Live(&t), &c, "x", false, &mut |k| missing
                .push(k.to_owned())));
            assert_eq!(missing, ["aws:username"]);
        }
    }

    #[test]
    fn substituted_wildcards_are_literal() {
        let t = Template {
            parts: vec![text("job/"), var("k", None)],
        };
        let star = ctx(&[("k", "*".into())]);
        assert!(like(Source::Live(&t), &star, "job/*", &mut |_| {}));
        assert!(!like(Source::Live(&t), &star, "job/abc", &mut |_| {}));
        let t2 = Template {
            parts: vec![text("job/*"), var("k", None)],
        };
        let abc = ctx(&[("k", "abc".into())]);
        assert!(like(Source::Live(&t2), &abc, "job/xyzabc", &mut |_| {}));
        assert!(equals(
            Source::Live(&t),
            &abc,
            "job/abc",
            false,
            &mut |_| {}
        ));
        assert!(equals(Source::Live(&t), &abc, "JOB/ABC", true, &mut |_| {}));
        assert!(!equals(
            Source::Live(&t),
            &abc,
            "JOB/ABC",
            false,
            &mut |_| {}
        ));
        assert!(!equals(
            Source::Live(&t),
            &abc,
            "job/abcd",
            true,
            &mut |_| {}
        ));
    }

    #[test]
    fn arn_splits_on_written_colons_only() {
        let t = Template {
            parts: vec![text("arn:aws:iot:*:*:thing/"), var("k", None)],
        };
        let c = ctx(&[("k", "a:b".into())]);
        assert!(arn(
            Source::Live(&t),
            &c,
            "arn:aws:iot:us-east-1:1:thing/a:b",
            false,
            &mut |_| {}
        ));
        assert!(!arn(
            Source::Live(&t),
            &c,
            "arn:aws:iot:us-east-1:1:thing/a",
            false,
            &mut |_| {}
        ));
        assert!(!arn(
            Source::Live(&t),
            &c,
            "arn:aws:iot",
            false,
            &mut |_| {}
        ));
        let short = Template {
            parts: vec![text("arn:aws:"), var("k", None)],
        };
        assert!(!arn(
            Source::Live(&short),
            &c,
            "arn:aws:a:b",
            false,
            &mut |_| {}
        ));
    }

    #[test]
    fn resource_head_keeps_wildcards() {
        let t = Template {
            parts: vec![text("thing/"), var("k", None)],
        };
        let c = ctx(&[("k", "t1".into())]);
        let r = Readings::default();
        let m = |cand| {
            resource::<true>(
                "arn:aws:iot:*:*:",
                Source::Live(&t),
                &c,
                cand,
                &r,
                &mut |_| {},
            )
        };
        assert!(m("arn:aws:iot:us-east-1:123:thing/t1"));
        assert!(!m("arn:aws:iot:us-east-1:123:thing/t2"));
    }
}
