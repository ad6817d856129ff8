use super::*;

use proptest::prelude::*;
use rstest::rstest;

use crate::pattern::GlobToken::{AnyChar, AnyRun, Literal};

fn text(s: &str) -> TemplatePart {
    TemplatePart::Text(s.to_owned())
}

fn var(key: &str, default: Option<&str>) -> TemplatePart {
    TemplatePart::Variable(Variable {
        key: key.to_owned(),
        key_lower: key.to_lowercase(),
        default: default.map(str::to_owned),
    })
}

fn esc(c: char) -> TemplatePart {
    TemplatePart::Escaped(c)
}

#[rstest]
#[case("", vec![])]
#[case("plain", vec![text("plain")])]
#[case("a*b?c", vec![text("a*b?c")])]
#[case("$", vec![text("$")])]
#[case("${aws:username}", vec![var("aws:username", None)])]
#[case("home/${aws:username}/*", vec![text("home/"), var("aws:username", None), text("/*")])]
#[case("${AWS:UserName}", vec![var("AWS:UserName", None)])]
#[case("${aws:PrincipalTag/team, 'company-wide'}", vec![var("aws:PrincipalTag/team", Some("company-wide"))])]
#[case("${aws:PrincipalTag/team,'company-wide'}", vec![var("aws:PrincipalTag/team", Some("company-wide"))])]
#[case("${aws:PrincipalTag/team,   'x y'}", vec![var("aws:PrincipalTag/team", Some("x y"))])]
#[case("${k, ''}", vec![var("k", Some(""))])]
#[case("${k, '*?$'}", vec![var("k", Some("*?$"))])]
#[case("${iot:Connection.Thing.ThingName}", vec![var("iot:Connection.Thing.ThingName", None)])]
#[case("${*}", vec![esc('*')])]
#[case("${?}", vec![esc('?')])]
#[case("${$}", vec![esc('$')])]
#[case("a${*}b${?}c${$}", vec![text("a"), esc('*'), text("b"), esc('?'), text("c"), esc('$')])]
#[case("$${a}", vec![text("$"), var("a", None)])]
#[case("${a}${b}", vec![var("a", None), var("b", None)])]
#[case("${a}}", vec![var("a", None), text("}")])]
#[case("{${a}", vec![text("{"), var("a", None)])]
fn template_parses(#[case] input: &str, #[case] parts: Vec<TemplatePart>) {
    let (t, warnings) = Template::parse(input);
    assert_eq!(t.parts, parts);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[rstest]
#[case("${aws:username", vec![text("${aws:username")], "no `}` closes it")]
#[case("a/${aws:username/${b}", vec![text("a/${aws:username/"), var("b", None)], "not closed before the next `${`")]
#[case("${a${b", vec![text("${a${b")], "no `}` closes it")]
#[case("${}", vec![text("${}")], "it is empty")]
#[case("x${}y", vec![text("x${}y")], "it is empty")]
#[case("${aws:user name}", vec![text("${aws:user name}")], "cannot contain a space")]
#[case("${ aws:username}", vec![text("${ aws:username}")], "cannot contain a space")]
#[case("${aws:username }", vec![text("${aws:username }")], "cannot contain a space")]
#[case("${k , 'd'}", vec![text("${k , 'd'}")], "cannot contain a space")]
#[case("${k\t}", vec![text("${k\t}")], "cannot contain a space")]
#[case("${, 'd'}", vec![text("${, 'd'}")], "key name is empty")]
#[case("${k, d}", vec![text("${k, d}")], "single quotes")]
#[case("${k,}", vec![text("${k,}")], "single quotes")]
#[case("${k, \"d\"}", vec![text("${k, \"d\"}")], "single quotes")]
#[case("${k, 'd}", vec![text("${k, 'd}")], "closing quote is missing")]
#[case("${k, 'd'x}", vec![text("${k, 'd'x}")], "nothing may follow")]
#[case("${k, 'a'b'}", vec![text("${k, 'a'b'}")], "nothing may follow")]
#[case("${k, 'a}b'}", vec![text("${k, 'a}b'}")], "closing quote is missing")]
#[case("${**}", vec![text("${**}")], "cannot contain `*`")]
#[case("${a?}", vec![text("${a?}")], "cannot contain `?`")]
#[case("${a'b}", vec![text("${a'b}")], "cannot contain `'`")]
#[case("${a{b}", vec![text("${a{b}")], "cannot contain `{`")]
#[case("${a$b}", vec![text("${a$b}")], "cannot contain `$`")]
fn template_malformed_stays_literal(
    #[case] input: &str,
    #[case] parts: Vec<TemplatePart>,
    #[case] warning: &str,
) {
    let (t, warnings) = Template::parse(input);
    assert_eq!(t.parts, parts);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains(warning), "{warnings:?}");
    assert!(warnings[0].contains("literal text"), "{warnings:?}");
}

#[test]
fn several_malformed_sequences_each_warn() {
    let (t, warnings) = Template::parse("${} ${a b} ${c}");
    assert_eq!(t.parts, vec![text("${} ${a b} "), var("c", None)]);
    assert_eq!(warnings.len(), 2);
}

#[test]
fn long_malformed_text_is_shortened_in_warnings() {
    let long = format!("${{{}", "x".repeat(500));
    let (_, warnings) = Template::parse(&long);
    assert!(warnings[0].len() < 200, "{}", warnings[0]);
    assert!(warnings[0].contains("…"));
}

#[test]
fn has_variables() {
    assert!(!Template::parse("a*b").0.has_variables());
    assert!(!Template::parse("${}").0.has_variables());
    assert!(Template::parse("${*}").0.has_variables());
    assert!(Template::parse("x${k}").0.has_variables());
}

#[rstest]
#[case("home/${aws:username}/*", "home/${aws:username}/*")]
#[case("${k,'d'}", "${k, 'd'}")]
#[case("${k,    'd'}", "${k, 'd'}")]
#[case("a${*}${?}${$}", "a${*}${?}${$}")]
#[case("${aws:username", "${aws:username")]
#[case("${a b}${c}", "${a b}${c}")]
fn render_is_canonical(#[case] input: &str, #[case] rendered: &str) {
    let (t, _) = Template::parse(input);
    assert_eq!(t.render(), rendered);
    assert_eq!(Template::parse(rendered).0, t);
}

fn lookup<'r>(pairs: &'r [(&'r str, &'r str)]) -> impl FnMut(&str) -> Option<&'r str> {
    move |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

#[test]
fn pieces_mark_what_is_literal() {
    let (t, _) = Template::parse("a*/${AWS:UserName}/${*}/${k, 'd?'}");
    let request = [("aws:username", "bob*")];
    let mut pieces = Vec::new();
    assert!(t.for_each_piece(lookup(&request), |p| pieces.push(p)));
    assert_eq!(
        pieces,
        vec![
            Piece::Pattern("a*/"),
            Piece::Literal("bob*"),
            Piece::Pattern("/"),
            Piece::Escaped('*'),
            Piece::Pattern("/"),
            Piece::Literal("d?"),
        ]
    );
}

#[test]
fn missing_value_without_default_fails() {
    let (t, _) = Template::parse("a/${k}/${other}");
    let request = [("k", "v")];
    let mut out = String::new();
    assert!(!t.resolve_into(lookup(&request), &mut out));
    let request = [("k", "v"), ("other", "w")];
    out.clear();
    assert!(t.resolve_into(lookup(&request), &mut out));
    assert_eq!(out, "a/v/w");
}

#[test]
fn request_value_wins_over_default() {
    let (t, _) = Template::parse("${k, 'd'}");
    let mut out = String::new();
    assert!(t.resolve_into(lookup(&[("k", "v")]), &mut out));
    assert_eq!(out, "v");
    out.clear();
    assert!(t.resolve_into(lookup(&[]), &mut out));
    assert_eq!(out, "d");
}

#[test]
fn tokens_keep_wildcards_live_only_in_text() {
    let (t, _) = Template::parse("?${k}*${?}");
    let mut out = Vec::new();
    assert!(t.tokens_into(lookup(&[("k", "*?")]), &mut out));
    assert_eq!(
        out,
        vec![AnyChar, Literal('*'), Literal('?'), AnyRun, Literal('?')]
    );
}

#[test]
fn resolution_borrows_request_and_template_separately() {
    // The request's strings live shorter than the template: the pieces borrow both.
    let (t, _) = Template::parse("x-${k}");
    let owned = String::from("value");
    let mut pieces: Vec<Piece<'_>> = Vec::new();
    {
        let look = |_: &str| Some(owned.as_str());
        assert!(t.for_each_piece(look, |p| pieces.push(p)));
    }
    assert_eq!(pieces, vec![Piece::Pattern("x-"), Piece::Literal("value")]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_is_canonical(input in "([a-z ,'*?$:/]|\\$\\{|\\}){0,30}") {
        let (t, _) = Template::parse(&input);
        prop_assert_eq!(&Template::parse(&t.render()).0, &t);
        // No two adjacent text parts.
        prop_assert!(!t.parts.windows(2).any(|w| matches!(w, [TemplatePart::Text(_), TemplatePart::Text(_)])));
        prop_assert!(!t.parts.iter().any(|p| matches!(p, TemplatePart::Text(s) if s.is_empty())));
    }

    #[test]
    fn without_defaults_render_is_identity(input in "([a-z:/*?]|\\$\\{|\\}|\\$){0,30}") {
        let (t, _) = Template::parse(&input);
        prop_assert_eq!(t.render(), input);
    }

    #[test]
    fn resolved_text_without_variables_is_the_text(input in "[a-z*?/$]{0,20}") {
        let (t, _) = Template::parse(&input);
        let mut out = String::new();
        prop_assert!(t.resolve_into(|_| None, &mut out));
        prop_assert_eq!(out, input);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_never_panics_and_is_canonical_on_any_text(input in any::<String>()) {
        let (t, _) = Template::parse(&input);
        prop_assert_eq!(&Template::parse(&t.render()).0, &t);
    }
}
