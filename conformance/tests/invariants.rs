//! Every evaluator invariant as a proptest property over generated cases, checked on the
//! reference (on every case, whatever implementation-defined feature it holds: the reference
//! keeps its own readings), and every self-check of the parser and the reference; and, for
//! each, a deliberately wrong evaluator (or matcher, renderer, parser) that it catches.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::Value;

use iam_conformance::generate::{arb_case, generate_cases, GeneratedCase, GeneratorConfig};
use iam_conformance::invariants::{
    self, conditions, decisions, matching, parsing, reference, self_checks, unreadable, Eval,
};
use iam_conformance::protocol::{CaseLine, Verdict};
use iam_eval::Decision;
use iam_policy::pattern::{Glob, GlobSyntax};
use iam_policy::{ParseOptions, Policy};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/invariants.proptest-regressions",
        ))),
        ..ProptestConfig::with_cases(cases)
    }
}

macro_rules! property {
    ($name:ident, $cases:expr) => {
        proptest! {
            #![proptest_config(config($cases))]
            #[test]
            fn $name(case in arb_case(&GeneratorConfig::default())) {
                let invariant = invariants::all()
                    .iter()
                    .find(|i| i.name == stringify!($name))
                    .unwrap();
                if let Err(e) = invariant.check_reference(&case) {
                    prop_assert!(false, "{}: {e}\n{}", invariant.name, case.case.to_line());
                }
            }
        }
    };
}

macro_rules! self_check {
    ($name:ident, $cases:expr) => {
        proptest! {
            #![proptest_config(config($cases))]
            #[test]
            fn $name(case in arb_case(&GeneratorConfig::default())) {
                let check = self_checks::all()
                    .iter()
                    .find(|i| i.name == stringify!($name))
                    .unwrap();
                if let Err(e) = check.run(&case) {
                    prop_assert!(false, "{}: {e}\n{}", check.name, case.case.to_line());
                }
            }
        }
    };
}

property!(explicit_deny_overrides, 64);
property!(default_deny, 64);
property!(order_and_duplicates_do_not_matter, 48);
property!(adding_allow_never_revokes, 48);
property!(adding_deny_never_grants, 48);
property!(prefix_separation, 64);
property!(actions_case_insensitive, 64);
property!(resources_case_sensitive, 64);
property!(ip_conditions_agree_with_ipnetwork, 64);

property!(negated_is_not_positive_when_present, 64);
property!(missing_key_table, 64);
property!(if_exists_equivalences, 64);
property!(qualifiers_on_absent_and_empty, 64);
property!(variables_literal_unless_2012, 64);
property!(malformed_never_allows, 48);
property!(unreadable_never_allows, 48);
self_check!(fast_glob_agrees_with_naive, 64);
self_check!(render_parse_round_trip, 64);
self_check!(parser_never_panics_on_bytes, 32);
self_check!(parser_never_panics_on_mutations, 32);
self_check!(matched_statements_have_the_decision_effect, 64);
self_check!(evaluation_errors_never_decide, 64);

#[test]
fn every_invariant_and_self_check_has_a_property() {
    let source = include_str!("invariants.rs");
    for i in invariants::all() {
        assert!(
            source.contains(&format!("property!({},", i.name)),
            "{} has no property",
            i.name
        );
    }
    for c in self_checks::all() {
        assert!(
            source.contains(&format!("self_check!({},", c.name)),
            "{} has no property",
            c.name
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Each invariant bites: over a few hundred generated cases, a wrong evaluator is caught at
// least once, while the reference never is.

type Check = fn(&GeneratedCase, &mut Eval<'_>) -> Result<(), String>;

fn cases(n: usize) -> Vec<GeneratedCase> {
    generate_cases(&GeneratorConfig::default(), 11, n).collect()
}

/// The case with every policy's text rewritten by `f` (objects through their text); a
/// rewrite that breaks an object's JSON fails the test (it used to send `null` silently).
#[expect(
    clippy::panic,
    reason = "a test helper: a broken rewrite is a broken test"
)]
fn rewrite(case: &CaseLine, f: &dyn Fn(&str) -> String) -> CaseLine {
    let mut out = case.clone();
    for p in &mut out.policies {
        *p = match &*p {
            Value::String(s) => Value::String(f(s)),
            other => {
                let text = f(&other.to_string());
                serde_json::from_str(&text).unwrap_or_else(|e| {
                    panic!("the rewrite broke the JSON of a policy object ({e}):\n{other}\n{text}")
                })
            }
        };
    }
    out
}

fn statement_count(case: &CaseLine) -> usize {
    case.policies
        .iter()
        .map(|p| p.to_string().matches("\"Effect\"").count())
        .sum()
}

fn assert_bites(check: Check, n: usize, bad: &mut dyn FnMut(&CaseLine) -> Verdict) {
    assert_bites_on(check, cases(n), bad);
}

fn assert_bites_on(
    check: Check,
    cases: Vec<GeneratedCase>,
    bad: &mut dyn FnMut(&CaseLine) -> Verdict,
) {
    let n = cases.len();
    let mut caught = 0;
    for c in &cases {
        let on_reference = invariants::guarded(|| check(c, &mut reference));
        assert!(
            on_reference.is_ok(),
            "the reference fails: {on_reference:?}"
        );
        if check(c, bad).is_err() {
            caught += 1;
        }
    }
    assert!(
        caught > 0,
        "the wrong evaluator was never caught in {n} cases"
    );
}

#[test]
fn explicit_deny_overrides_bites() {
    // Ignores Deny statements.
    assert_bites(decisions::explicit_deny_overrides, 100, &mut |c| {
        reference(&rewrite(c, &|t| t.replace("\"Deny\"", "\"Allow\"")))
    });
}

#[test]
fn default_deny_bites() {
    assert_bites(decisions::default_deny, 20, &mut |c| {
        if c.policies.is_empty() {
            Verdict::Decision(Decision::Allow)
        } else {
            reference(c)
        }
    });
}

#[test]
fn order_and_duplicates_bites() {
    // Looks only at the first policy.
    assert_bites(
        decisions::order_and_duplicates_do_not_matter,
        100,
        &mut |c| {
            let mut first = c.clone();
            first.policies.truncate(1);
            reference(&first)
        },
    );
}

/// Flips one decision to another when the set has an odd number of statements.
fn parity(from: Decision, to: Decision) -> impl FnMut(&CaseLine) -> Verdict {
    move |c| match reference(c) {
        Verdict::Decision(d) if d == from && statement_count(c) % 2 == 1 => Verdict::Decision(to),
        v => v,
    }
}

#[test]
fn adding_allow_never_revokes_bites() {
    assert_bites(
        decisions::adding_allow_never_revokes,
        150,
        &mut parity(Decision::Allow, Decision::ImplicitDeny),
    );
}

#[test]
fn adding_deny_never_grants_bites() {
    assert_bites(
        decisions::adding_deny_never_grants,
        150,
        &mut parity(Decision::ExplicitDeny, Decision::Allow),
    );
}

#[test]
fn prefix_separation_bites() {
    // Reads the data plane's actions as the control plane's.
    assert_bites(decisions::prefix_separation, 100, &mut |c| {
        let mut c = c.clone();
        c.request.action = c.request.action.replacen("iotjobsdata:", "iot:", 1);
        reference(&c)
    });
}

#[test]
fn actions_case_insensitive_bites() {
    assert_bites(matching::actions_case_insensitive, 100, &mut |c| {
        if c.request.action == c.request.action.to_uppercase() {
            Verdict::Decision(Decision::ImplicitDeny)
        } else {
            reference(c)
        }
    });
}

#[test]
fn resources_case_sensitive_bites() {
    // Folds the case of resources.
    assert_bites(matching::resources_case_sensitive, 100, &mut |c| {
        let mut c = rewrite(c, &|t| t.to_lowercase());
        c.request.resource = c.request.resource.to_lowercase();
        reference(&c)
    });
}

#[test]
fn ip_conditions_bite() {
    // Reads every range as a bare address.
    let strip = |t: &str| -> String {
        let mut out = String::new();
        let mut skipping = false;
        for ch in t.chars() {
            if ch == '/' && !t.contains("arn:") {
                skipping = true;
                continue;
            }
            if skipping && ch.is_ascii_digit() {
                continue;
            }
            skipping = false;
            out.push(ch);
        }
        out
    };
    assert_bites(
        matching::ip_conditions_agree_with_ipnetwork,
        150,
        &mut |c| reference(&rewrite(c, &strip)),
    );
}

#[test]
fn fast_glob_bites() {
    let cases = cases(100);
    let wrong = |p: &str, s: GlobSyntax, v: &str| Glob::new(&p.replace('?', "*"), s).is_match(v);
    assert!(cases
        .iter()
        .any(|c| matching::glob_agreement(c, &wrong).is_err()));
    // And the naive matcher itself is right on known answers.
    assert!(matching::naive_glob(
        "iot:describe*",
        GlobSyntax::Text,
        "iot:describejob"
    ));
    assert!(!matching::naive_glob("a?c", GlobSyntax::Text, "abbc"));
    assert!(matching::naive_glob(
        "arn:aws:iot:*:*:job/*",
        GlobSyntax::Arn,
        "arn:aws:iot:r:1:job/a:b"
    ));
    assert!(!matching::naive_glob(
        "arn:aws:iot:r:1:job/a*b",
        GlobSyntax::Arn,
        "arn:aws:iot:r:1:job/a:b"
    ));
    assert!(matching::naive_glob(
        "arn:*:iot:r:1:x",
        GlobSyntax::Arn,
        "arn:a:b:iot:r:1:x"
    ));
    assert!(!matching::naive_glob("a?c", GlobSyntax::Arn, "a:c"));
}

fn drop_negation(t: &str) -> String {
    t.replace("NotIpAddress", "IpAddress")
        .replace("StringNot", "String")
        .replace("ArnNot", "Arn")
        .replace("NumericNotEquals", "NumericEquals")
        .replace("DateNotEquals", "DateEquals")
}

#[test]
fn negated_is_not_positive_bites() {
    assert_bites(
        conditions::negated_is_not_positive_when_present,
        150,
        &mut |c| reference(&rewrite(c, &drop_negation)),
    );
}

#[test]
fn missing_key_table_bites() {
    assert_bites(conditions::missing_key_table, 150, &mut |c| {
        reference(&rewrite(c, &|t| t.replace("IfExists", "")))
    });
}

#[test]
fn if_exists_bites() {
    assert_bites(conditions::if_exists_equivalences, 150, &mut |c| {
        reference(&rewrite(c, &|t| t.replace("IfExists", "")))
    });
}

#[test]
fn qualifiers_bite() {
    assert_bites(conditions::qualifiers_on_absent_and_empty, 150, &mut |c| {
        reference(&rewrite(c, &|t| t.replace("ForAllValues:", "ForAnyValue:")))
    });
}

#[test]
fn variables_literal_bites() {
    // Makes variables live whatever the version: caught on a policy whose variable decides.
    let case = CaseLine::parse(
        r#"{"id": "v", "policies": [{"Version": "2008-10-17", "Statement": {"Effect": "Allow",
            "Action": "*", "Resource": "arn:aws:iot:us-east-1:123456789012:thing/${aws:username}"}}],
            "request": {"action": "iot:DescribeJob",
                        "resource": "arn:aws:iot:us-east-1:123456789012:thing/sensor-1",
                        "context": {"aws:username": "sensor-1"}}}"#,
    )
    .unwrap();
    let case = GeneratedCase {
        case,
        implementation_defined: Vec::new(),
    };
    let live = |t: &str| {
        let mut v: Value = serde_json::from_str(t).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("Version".into(), Value::from("2012-10-17"));
        }
        v.to_string()
    };
    conditions::variables_literal_unless_2012(&case, &mut reference).unwrap();
    assert!(conditions::variables_literal_unless_2012(&case, &mut |c| {
        reference(&rewrite(c, &live))
    })
    .is_err());
    assert_eq!(conditions::escape_variables("a/${x}"), "a/${$}{x}");
}

#[test]
fn round_trip_bites() {
    let cases = cases(30);
    let wrong = |p: &Policy| p.render().replacen("\"Allow\"", "\"Deny\"", 1);
    assert!(cases
        .iter()
        .any(|c| parsing::round_trip_with(c, &wrong).is_err()));
}

#[test]
fn parser_panics_are_caught() {
    let cases = cases(10);
    let panics_on_ff = |b: &[u8]| {
        assert!(!b.contains(&0xFF), "0xFF");
        Policy::check_bytes(b, &ParseOptions::default())
    };
    assert!(cases
        .iter()
        .any(|c| parsing::bytes_with(c, &panics_on_ff).is_err()));
    let panics_when_deep = |b: &[u8]| {
        assert!(!b.starts_with(b"[[[["), "deep");
        Policy::check_bytes(b, &ParseOptions::default())
    };
    assert!(cases
        .iter()
        .any(|c| parsing::mutations_with(c, &panics_when_deep).is_err()));
    // A checker that gives a policy despite errors is caught too.
    let lenient = |b: &[u8]| {
        let mut checked = Policy::check_bytes(b, &ParseOptions::default());
        if checked.policy.is_none() {
            checked.policy =
                Policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)
                    .ok();
        }
        checked
    };
    assert!(cases
        .iter()
        .any(|c| parsing::bytes_with(c, &lenient).is_err()));
}

#[test]
fn unreadable_never_allows_bites() {
    // Lets a condition on an unreadable value hold.
    assert_bites(unreadable::unreadable_never_allows, 10, &mut |c| {
        match iam_conformance::oracle::Oracle::new().respond(c) {
            Ok(r) if !r.errors.is_empty() => Verdict::Decision(Decision::Allow),
            _ => reference(c),
        }
    });
}

#[test]
fn malformed_never_allows_bites() {
    // Skips the documents it cannot read and evaluates the rest.
    assert_bites(decisions::malformed_never_allows, 50, &mut |c| {
        let mut kept = c.clone();
        kept.policies.retain(|p| {
            Policy::parse(&p.as_str().map_or_else(|| p.to_string(), str::to_owned)).is_ok()
        });
        reference(&kept)
    });
}
