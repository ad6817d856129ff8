//! The evaluator invariants through the gate: `iamconf check --evaluator` sends their variant
//! cases to the candidate, reports what ran, and names the invariant a broken evaluator
//! violates, with the base case, the variant and both answers.

// Test helpers outside `#[test]` functions may unwrap, index and panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::process::{Command, Stdio};

use iam_conformance::gate::Config;
use iam_conformance::invariants;
use iam_eval::{Decision, Evaluator, ReferenceEvaluator, Request, Response};
use rstest::rstest;
use serde_json::Value;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn quoted(path: &str) -> String {
    shlex::try_quote(path).map_or_else(|_| path.to_owned(), |q| q.into_owned())
}

/// `iamconf check --evaluator CMD --no-golden --cases 0 ...`: the invariants alone.
fn invariants_only(evaluator: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--evaluator",
        evaluator,
        "--timeout",
        "10",
        "--no-golden",
        "--cases",
        "0",
    ];
    args.extend_from_slice(extra);
    let output = Command::new(IAMCONF)
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The invariant lines of the human report: (name, base cases, variants, held).
fn tallies(stdout: &str) -> Vec<(String, usize, usize, bool)> {
    let names: Vec<&str> = invariants::all().iter().map(|i| i.name).collect();
    stdout
        .lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let name = *words.first()?;
            if !l.starts_with("  ") || !names.contains(&name) {
                return None;
            }
            Some((
                name.to_owned(),
                words.get(1)?.parse().ok()?,
                words.get(4)?.parse().ok()?,
                words.get(6) == Some(&"held"),
            ))
        })
        .collect()
}

/// Each evaluator invariant catches a fixture that breaks it, with the golden corpus and the
/// generated cases off; the report names it, with the base case, the variant and both answers.
#[rstest]
#[case("deny-does-not-override", "explicit_deny_overrides")]
#[case("allow-by-default", "default_deny")]
#[case("first-policy-only", "order_and_duplicates_do_not_matter")]
#[case("allows-cancel-in-pairs", "adding_allow_never_revokes")]
#[case("denies-cancel-in-pairs", "adding_deny_never_grants")]
#[case("prefix-confusion", "prefix_separation")]
#[case("case-sensitive-actions", "actions_case_insensitive")]
#[case("case-insensitive-resources", "resources_case_sensitive")]
#[case("ip-prefix-ignored", "ip_conditions_agree_with_ipnetwork")]
#[case("negated-or", "negated_is_not_positive_when_present")]
#[case("absent-key-negated-false", "missing_key_table")]
#[case("ifexists-ignored", "if_exists_equivalences")]
#[case("forallvalues-as-foranyvalue", "qualifiers_on_absent_and_empty")]
#[case("variables-always-live", "variables_literal_unless_2012")]
#[case("skip-rejected-documents", "malformed_never_allows")]
#[case("unreadable-holds", "unreadable_never_allows")]
fn each_invariant_catches_its_fixture(#[case] mode: &str, #[case] invariant: &str) {
    let evaluator = format!("{} {mode}", quoted(FIXTURE));
    // The filter keeps the run to this invariant (the others run too without it).
    let run = invariants_only(&evaluator, &["--filter", invariant]);
    assert_eq!(run.code, 1, "{mode}\n{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "INVARIANT VIOLATED {invariant} (on base case gen-"
        )),
        "{mode}\n{}",
        run.stdout
    );
    for part in [
        "  claim: ",
        "  base case",
        "  the candidate answers the variant: `",
        "  variant:\n",
        "\"policies\"",
        "DOES NOT CONFORM",
    ] {
        assert!(
            run.stdout.contains(part),
            "{mode}: no `{part}`\n{}",
            run.stdout
        );
    }
    let lines = tallies(&run.stdout);
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert_eq!(lines[0].0, invariant);
    assert!(!lines[0].3, "{}", run.stdout);
    // No golden or generated case ran: the invariant alone caught it.
    assert!(
        run.stdout.contains("0 cases (0 golden, 0 generated)"),
        "{}",
        run.stdout
    );
}

/// A default run against the reference through the protocol runs every invariant, reports
/// each with its case counts, and conforms.
#[test]
fn the_reference_through_the_protocol_keeps_every_invariant() {
    let evaluator = format!("{} evaluate", quoted(IAMCONF));
    let run = invariants_only(&evaluator, &["--invariant-cases", "120"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let lines = tallies(&run.stdout);
    assert_eq!(lines.len(), invariants::all().len(), "{}", run.stdout);
    for (name, base, variants, held) in &lines {
        assert!(*held, "{name}\n{}", run.stdout);
        assert!(
            *base > 20,
            "{name} ran on {base} base cases\n{}",
            run.stdout
        );
        assert!(*variants > 0, "{name} sent no case\n{}", run.stdout);
    }
    let summary = run
        .stdout
        .lines()
        .find(|l| l.starts_with("invariants: 16 over "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(summary.contains("of 120 generated"), "{summary}");
    assert!(
        run.stdout.trim_end().ends_with("conforms"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_invariants_skips_them_and_the_json_report_lists_them() {
    let evaluator = format!("{} reference", quoted(FIXTURE));
    let run = invariants_only(&evaluator, &["--no-invariants"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("invariants:"), "{}", run.stdout);

    let bug = format!("{} allow-by-default", quoted(FIXTURE));
    let run = invariants_only(
        &bug,
        &[
            "--filter",
            "default_deny",
            "--format",
            "json",
            "--invariant-cases",
            "40",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["conforms"], false);
    let inv = &doc["invariants"];
    assert_eq!(inv["generated"], 40);
    assert_eq!(inv["tallies"][0]["name"], "default_deny");
    let v = &inv["violations"][0];
    assert_eq!(v["invariant"], "default_deny");
    assert_eq!(v["variant_answer"], "allowed");
    assert_eq!(v["variant"]["policies"], Value::Array(Vec::new()));
    assert!(v["message"].as_str().unwrap().contains("with no policies"));
    assert!(v["base"]["request"]["action"].is_string());

    let run = invariants_only(
        &bug,
        &[
            "--filter",
            "default_deny",
            "--format",
            "junit",
            "--invariant-cases",
            "40",
        ],
    );
    // The invariant is a testcase of its own (classname `invariant`), labelled and grouped by
    // its name, and failing.
    let junit = quick_junit::Report::deserialize_from_str(&run.stdout).unwrap();
    let case = junit.test_suites[0]
        .test_cases
        .iter()
        .find(|t| t.name.as_str() == "default_deny")
        .unwrap_or_else(|| panic!("no default_deny testcase: {}", run.stdout));
    assert_eq!(
        case.classname.as_ref().map(|c| c.as_str()),
        Some("invariant")
    );
    let properties: Vec<(&str, &str)> = case
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        properties,
        [
            ("labels", "invariant:default_deny"),
            ("group", "invariant:default_deny")
        ]
    );
    assert!(
        matches!(
            case.status,
            quick_junit::TestCaseStatus::NonSuccess {
                kind: quick_junit::NonSuccessKind::Failure,
                ..
            }
        ),
        "{}",
        run.stdout
    );
}

/// Answers as the reference, but lets a Deny lose to an Allow: in process, through the same
/// candidate abstraction.
struct DenyLoses;

impl Evaluator for DenyLoses {
    fn evaluate(&self, policies: &[&str], request: &Request) -> Response {
        let mut response = ReferenceEvaluator.evaluate(policies, request);
        if response.decision == Some(Decision::ExplicitDeny) {
            response.decision = Some(Decision::Allow);
        }
        response
    }
}

#[test]
fn in_process_evaluators_are_held_to_the_invariants() {
    let config = Config {
        golden: false,
        generated: 0,
        invariant_cases: 60,
        filter: Some("explicit_deny_overrides".into()),
        ..Config::default()
    };
    let report = iam_conformance::check(&DenyLoses, &config);
    assert!(!report.passed());
    // No gate case ran (the report keeps counts, and the outcomes of problems only).
    assert_eq!(report.counts.total(), 0);
    assert!(report.problems.is_empty());
    let v = &report.invariants.violations[0];
    assert_eq!(v.invariant, "explicit_deny_overrides");
    assert_eq!(v.variant_answer, "allowed");
    // Shrunk: the smallest base case that still breaks the relation.
    assert!(v.base.policies.len() <= 1, "{:?}", v.base);

    let report = iam_conformance::check(&ReferenceEvaluator, &config);
    assert!(
        report.passed(),
        "{}",
        iam_conformance::report::human(&report)
    );
    assert_eq!(report.invariants.tallies.len(), 1);
}

/// An invariant violation's shrink stops at its time cap (`--shrink-time`) as well as at its
/// attempts: with no time at all the base case is reported as it broke, unshrunk; with the
/// default cap the same violation is shrunk.
#[test]
fn invariant_shrinks_stop_at_the_time_cap() {
    let config = Config {
        golden: false,
        generated: 0,
        invariant_cases: 60,
        filter: Some("explicit_deny_overrides".into()),
        ..Config::default()
    };
    let shrunk = iam_conformance::check(&DenyLoses, &config);
    let v = &shrunk.invariants.violations[0];
    assert!(v.shrunk, "{:?}", v.base);
    let capped = Config {
        shrink_time: Some(std::time::Duration::ZERO),
        ..config
    };
    let unshrunk = iam_conformance::check(&DenyLoses, &capped);
    assert!(!unshrunk.passed());
    let u = &unshrunk.invariants.violations[0];
    assert_eq!(u.base_id, v.base_id);
    assert!(!u.shrunk, "{:?}", u.base);
    assert!(u.base.policies.len() >= v.base.policies.len());
    assert_ne!(u.base, v.base);
}

/// With `--strict` the candidate is held to the reference's readings: no base case is left out.
#[test]
fn strict_runs_every_base_case() {
    let config = Config {
        golden: false,
        generated: 0,
        invariant_cases: 40,
        strict: true,
        filter: Some("prefix_separation".into()),
        ..Config::default()
    };
    let report = iam_conformance::check(&ReferenceEvaluator, &config);
    assert!(
        report.passed(),
        "{}",
        iam_conformance::report::human(&report)
    );
    assert_eq!(report.invariants.out_of_scope, 0);
    assert_eq!(report.invariants.tallies[0].base_cases, 40);
    let loose = iam_conformance::check(
        &ReferenceEvaluator,
        &Config {
            strict: false,
            ..config
        },
    );
    assert!(loose.invariants.out_of_scope > 0);
}
