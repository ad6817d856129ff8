//! The generator families (issue 10 item 4) and the tags of the implementation-defined points
//! ID-14, ID-15, ID-18, ID-19 and ID-21 (issue 8).
//!
//! A case is tagged `ID-n` exactly when another permitted reading of that point could change
//! its answer. Each point is checked by a semantic oracle: the case rewritten at the JSON level
//! into what the reference would see if it read the point another way, then answered by the
//! reference again:
//!
//! - ID-14 (`2024` is epoch seconds; or a W3C year): four-digit `Date...` values become
//!   `2024-01-01T00:00:00Z`.
//! - ID-15 (a short ARN is padded; or an error): short patterns become `arn:aws` in
//!   `Resource`/`NotResource` and `null` in an `Arn*` condition, either of which rejects the
//!   document.
//! - ID-18 (a variable in a `Bool` value is substituted; or an error): such values become
//!   `not-a-bool`, which rejects the document (only in `2012-10-17` documents; elsewhere the
//!   variable is literal text and rejected under both readings).
//! - ID-19 (an ill-typed Numeric or IP value rejects the document; or matches nothing): such
//!   values become a well-typed value that matches no request value of the case.
//! - ID-21 (an `Arn*` condition on a short request value: no match; the condition false; an
//!   error): the condition's entry becomes one that cannot read the value (an evaluation
//!   error), and a negated one becomes false.
//!
//! An untagged case must keep its answer under every rewrite (soundness); a family case
//! tagged with the point must change it under some rewrite (precision; the families know
//! their points exactly).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};

use iam_conformance::cases::Corpus;
use iam_conformance::generate::families::{self, arb_family_case, Family};
use iam_conformance::generate::{
    generate_cases, GeneratedCase, GeneratorConfig, DEFAULT_CASES, DEFAULT_SEED,
};
use iam_conformance::invariants::scope;
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{CaseLine, Verdict};
use iam_conformance::realistic::outside_catalog;
use iam_policy::arn::{pattern_shape, PatternShape};
use iam_policy::{value, Policy};

/// The points this file checks.
const POINTS: [&str; 5] = ["ID-14", "ID-15", "ID-18", "ID-19", "ID-21"];

fn word(oracle: &mut Oracle, case: &CaseLine) -> String {
    match oracle.answer(case).verdict {
        Verdict::Error(_) => "error".to_owned(),
        other => other.word().to_owned(),
    }
}

/// The policies as JSON objects where the reference accepts them; a rejected document stays as
/// it is, so that no rewrite repairs it (it is rejected under every reading).
fn objects(case: &CaseLine) -> Vec<Value> {
    case.policies
        .iter()
        .map(|p| {
            let text = match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match (Policy::parse(&text), serde_json::from_str::<Value>(&text)) {
                (Ok(_), Ok(v @ Value::Object(_))) => v,
                _ => p.clone(),
            }
        })
        .collect()
}

/// Each statement object of each accepted policy, with whether its variables are live.
fn each_statement(policies: &mut [Value], mut f: impl FnMut(&mut Map<String, Value>, bool)) {
    for policy in policies {
        let Some(root) = policy.as_object_mut() else {
            continue;
        };
        let live = root.get("Version").and_then(Value::as_str) == Some("2012-10-17");
        match root.get_mut("Statement") {
            Some(Value::Object(s)) => f(s, live),
            Some(Value::Array(items)) => {
                for s in items.iter_mut().filter_map(Value::as_object_mut) {
                    f(s, live);
                }
            }
            _ => {}
        }
    }
}

/// Apply `f` to the policies; `None` when nothing changed.
fn rewrite_policies(
    case: &CaseLine,
    f: impl FnMut(&mut Map<String, Value>, bool) -> bool,
) -> Option<CaseLine> {
    let mut f = f;
    let mut policies = objects(case);
    let mut changed = false;
    each_statement(&mut policies, |s, live| changed |= f(s, live));
    changed.then(|| CaseLine {
        policies,
        ..case.clone()
    })
}

/// The operator without qualifier and `IfExists`.
fn base(operator: &str) -> &str {
    operator
        .rsplit(':')
        .next()
        .unwrap_or(operator)
        .trim_end_matches("IfExists")
}

/// Each value of each key of each operator of a statement's `Condition` that `which` selects.
fn condition_values(
    s: &mut Map<String, Value>,
    which: impl Fn(&str) -> bool,
    mut f: impl FnMut(&str, &str, &mut Value),
) {
    let Some(Value::Object(block)) = s.get_mut("Condition") else {
        return;
    };
    for (operator, body) in block.iter_mut() {
        if !which(operator) {
            continue;
        }
        let Value::Object(keys) = body else { continue };
        for (key, values) in keys.iter_mut() {
            match values {
                Value::Array(items) => items.iter_mut().for_each(|v| f(operator, key, v)),
                one => f(operator, key, one),
            }
        }
    }
}

fn context_texts(case: &CaseLine, key: &str) -> Option<Vec<String>> {
    case.request
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| match v {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            other => other.as_str().map(str::to_owned).into_iter().collect(),
        })
}

fn four_digits(text: &str) -> bool {
    text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())
}

/// ID-14, the W3C-year reading: four-digit Date values read as the start of that year.
fn id14_as_year(case: &CaseLine) -> Option<CaseLine> {
    rewrite_policies(case, |s, _| {
        let mut changed = false;
        condition_values(
            s,
            |op| base(op).starts_with("Date"),
            |_, _, v| {
                if let Some(year) = v.as_str().filter(|t| four_digits(t)) {
                    *v = Value::from(format!("{year}-01-01T00:00:00Z"));
                    changed = true;
                }
            },
        );
        changed
    })
}

fn short(text: &str, live: bool) -> bool {
    matches!(pattern_shape(text, live), PatternShape::Short { .. })
}

/// ID-15, the error reading: a short ARN pattern rejects its document.
fn id15_as_error(case: &CaseLine) -> Option<CaseLine> {
    rewrite_policies(case, |s, live| {
        let mut changed = false;
        for key in ["Resource", "NotResource"] {
            let items: Vec<&mut Value> = match s.get_mut(key) {
                Some(Value::Array(items)) => items.iter_mut().collect(),
                Some(one) => vec![one],
                None => Vec::new(),
            };
            for v in items {
                if v.as_str().is_some_and(|t| short(t, live)) {
                    *v = Value::from("arn:aws");
                    changed = true;
                }
            }
        }
        condition_values(
            s,
            |op| base(op).starts_with("Arn"),
            |_, _, v| {
                // `arn:aws` in a condition is accepted and matches nothing (§1.2 of the
                // corpus README); `null` is a value of the wrong type: rejected.
                if v.as_str()
                    .is_some_and(|t| short(t, live && t.contains("${")))
                {
                    *v = Value::Null;
                    changed = true;
                }
            },
        );
        changed
    })
}

/// ID-18, the error reading: a policy variable in a `Bool` value rejects its document.
fn id18_as_error(case: &CaseLine) -> Option<CaseLine> {
    rewrite_policies(case, |s, live| {
        let mut changed = false;
        if !live {
            return false;
        }
        condition_values(
            s,
            |op| base(op) == "Bool",
            |_, _, v| {
                if v.as_str().is_some_and(|t| t.contains("${")) {
                    *v = Value::from("not-a-bool");
                    changed = true;
                }
            },
        );
        changed
    })
}

/// ID-19, the other reading: an ill-typed Numeric or IP value matches nothing. It becomes a
/// well-typed value that matches none of the case's request values for its operator.
fn id19_matches_nothing(case: &CaseLine) -> Option<CaseLine> {
    rewrite_policies(case, |s, _| {
        let mut changed = false;
        condition_values(
            s,
            |op| {
                let b = base(op);
                b.starts_with("Numeric") || b.ends_with("IpAddress")
            },
            |operator, key, v| {
                let text = match v {
                    Value::String(t) => t.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return,
                };
                let b = base(operator);
                let replacement = if b.starts_with("Numeric") {
                    if value::parse_number(&text).is_ok() {
                        return;
                    }
                    match b {
                        "NumericLessThan" | "NumericLessThanEquals" => "-987654321987",
                        "NumericGreaterThan" | "NumericGreaterThanEquals" => "987654321987",
                        _ => "-987654321.125",
                    }
                } else {
                    if value::parse_ip_range(&text).is_ok() {
                        return;
                    }
                    let requested = context_texts(case, key).unwrap_or_default();
                    assert!(
                        !requested.iter().any(|r| r.starts_with("198.18.0.1")),
                        "the replacement range meets the request"
                    );
                    "198.18.0.1/32"
                };
                *v = Value::from(replacement);
                changed = true;
            },
        );
        changed
    })
}

/// Whether a request value has fewer than six ARN components.
fn short_value(text: &str) -> bool {
    text.matches(':').count() < 5
}

/// ID-21, the error reading: an `Arn*` entry on a key whose request value is short becomes an
/// entry that cannot read the value (an evaluation error wherever it is evaluated).
fn id21_as_error(case: &CaseLine) -> Option<CaseLine> {
    id21_rewrite(case, false)
}

/// ID-21, the "condition false" reading: a negated `Arn*` entry on a short request value
/// becomes false (`Null: true` on a present key).
fn id21_as_false(case: &CaseLine) -> Option<CaseLine> {
    id21_rewrite(case, true)
}

fn id21_rewrite(case: &CaseLine, negated_only: bool) -> Option<CaseLine> {
    rewrite_policies(case, |s, _| {
        let Some(Value::Object(block)) = s.get_mut("Condition") else {
            return false;
        };
        let mut out = Map::new();
        let mut changed = false;
        for (operator, body) in block.iter() {
            let b = base(operator);
            let negated = b.starts_with("ArnNot");
            let Value::Object(keys) = body else {
                out.insert(operator.clone(), body.clone());
                continue;
            };
            let mut kept = Map::new();
            for (key, values) in keys {
                let requested = context_texts(case, key);
                let hit = b.starts_with("Arn")
                    && (negated || !negated_only)
                    && requested
                        .as_ref()
                        .is_some_and(|r| r.iter().any(|t| short_value(t)));
                if !hit {
                    kept.insert(key.clone(), values.clone());
                    continue;
                }
                changed = true;
                let requested = requested.unwrap_or_default();
                let (op, v) = if negated_only {
                    ("Null", json!("true"))
                } else if requested.iter().all(|t| value::parse_number(t).is_err()) {
                    ("NumericEquals", json!("0"))
                } else if requested.iter().all(|t| value::parse_bool(t).is_err()) {
                    ("Bool", json!("true"))
                } else {
                    ("IpAddress", json!("0.0.0.0/0"))
                };
                let entry = out
                    .entry(op.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                entry[key.as_str()] = v;
            }
            if !kept.is_empty() || keys.is_empty() {
                out.insert(operator.clone(), Value::Object(kept));
            }
        }
        *block = out;
        changed
    })
}

type Rewrite = fn(&CaseLine) -> Option<CaseLine>;

/// The rewrites of a point.
fn rewrites(point: &str) -> Vec<(&'static str, Rewrite)> {
    match point {
        "ID-14" => vec![("as a year", id14_as_year)],
        "ID-15" => vec![("as an error", id15_as_error)],
        "ID-18" => vec![("as an error", id18_as_error)],
        "ID-19" => vec![("as matching nothing", id19_matches_nothing)],
        _ => vec![("as an error", id21_as_error), ("as false", id21_as_false)],
    }
}

/// Whether some rewrite of `point` applies to the case and moves its answer, with the
/// evidence; `None` when no rewrite applies.
fn moved(oracle: &mut Oracle, point: &str, case: &CaseLine) -> Option<(bool, String)> {
    let before = word(oracle, case);
    let mut applied = None;
    for (name, rewrite) in rewrites(point) {
        let Some(other) = rewrite(case) else { continue };
        let after = word(oracle, &other);
        let evidence = format!(
            "{point} {name}: {before} -> {after}\n{}\n{}",
            case.to_line(),
            other.to_line()
        );
        if after != before {
            return Some((true, evidence));
        }
        applied = Some((false, evidence));
    }
    applied
}

/// Check one case for every point: untagged never moves; tagged (when `exact`) moves.
fn check_case(
    oracle: &mut Oracle,
    case: &GeneratedCase,
    exact: bool,
    counts: &mut BTreeMap<(&'static str, bool), usize>,
) {
    // A cheap look at the text first: most cases hold none of the features.
    let line = case.case.to_line();
    for point in POINTS {
        let tagged = case.implementation_defined.iter().any(|t| t == point);
        let feature = match point {
            "ID-14" => line.contains("Date"),
            "ID-15" => line.contains("arn:"),
            "ID-18" => line.contains("Bool"),
            "ID-19" => line.contains("Numeric") || line.contains("IpAddress"),
            _ => line.contains("Arn"),
        };
        if !feature {
            assert!(!tagged, "{point} tagged without its feature:\n{line}");
            continue;
        }
        if !tagged || exact {
            if let Some((moves, evidence)) = moved(oracle, point, &case.case) {
                assert_eq!(
                    moves, tagged,
                    "tagged {:?}: {evidence}",
                    case.implementation_defined
                );
                *counts.entry((point, tagged)).or_default() += 1;
            } else {
                assert!(
                    !tagged,
                    "{point} tagged but nothing to read otherwise:\n{}",
                    case.case.to_line()
                );
            }
        }
    }
}

fn draw(family: Family, n: usize) -> Vec<GeneratedCase> {
    let strategy = arb_family_case(family);
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|i| {
            strategy
                .new_tree(&mut runner)
                .unwrap()
                .current()
                .to_generated(format!("t-{i}~{}", family.name()))
        })
        .collect()
}

#[test]
fn every_family_appears_in_a_default_run_and_every_id_point_is_set() {
    let mut families: BTreeMap<Family, usize> = BTreeMap::new();
    let mut tags: BTreeSet<String> = BTreeSet::new();
    let mut n = 0;
    for case in generate_cases(&GeneratorConfig::default(), DEFAULT_SEED, DEFAULT_CASES) {
        n += 1;
        if let Some(f) = families::family_of_id(&case.case.id) {
            *families.entry(f).or_default() += 1;
        }
        tags.extend(case.implementation_defined);
    }
    assert_eq!(n, DEFAULT_CASES);
    for f in families::ALL {
        assert!(
            families.get(f).copied().unwrap_or(0) >= 10,
            "{} in a default run: {families:?}",
            f.name()
        );
    }
    // Every point a single request can depend on (ID-22 is about whole API calls).
    for i in 1..=21 {
        let id = format!("ID-{i}");
        assert!(
            tags.contains(&id),
            "{id} never set in a default run: {tags:?}"
        );
    }
}

#[test]
fn family_cases_are_realistic_and_error_families_are_errors() {
    let mut oracle = Oracle::new();
    // Families whose documents the reference rejects, or whose request it refuses.
    let errors = [
        Family::KeysDifferingByCase,
        Family::InvalidPolicyObject,
        Family::MalformedTypedValue,
        Family::InvalidSid,
        Family::MissingElement,
        Family::ResourceAndNotResource,
        Family::NotPrincipal,
        Family::NullIfExists,
        Family::TooDeep,
        Family::TooLarge,
        Family::IllTypedValue,
    ];
    for family in families::ALL.iter().copied() {
        let n = if matches!(family, Family::TooLarge) {
            6
        } else {
            60
        };
        let mut answers: BTreeMap<String, usize> = BTreeMap::new();
        for case in draw(family, n) {
            let line = case.case.to_line();
            assert_eq!(outside_catalog(&case.case.request), None, "{line}");
            // The conservative scan of the invariants names every point a family tags.
            let scanned = scope::id_points(&case.case);
            for t in &case.implementation_defined {
                assert!(
                    scanned.contains(t.as_str()),
                    "{t} not in {scanned:?}: {line}"
                );
            }
            let answer = word(&mut oracle, &case.case);
            let literal_bool_variable = family == Family::BoolVariable
                && !case.implementation_defined.iter().any(|t| t == "ID-18");
            if errors.contains(&family) || literal_bool_variable {
                assert_eq!(answer, "error", "{}: {line}", family.name());
            } else if family != Family::BoolVariable {
                for p in &case.case.policies {
                    let text = p.as_str().map_or_else(|| p.to_string(), str::to_owned);
                    assert!(Policy::parse(&text).is_ok(), "{}: {text}", family.name());
                }
            }
            *answers.entry(answer).or_default() += 1;
        }
        // Valid families decide both ways.
        if !errors.contains(&family) && family != Family::BoolVariable {
            assert!(answers.len() >= 2, "{}: {answers:?}", family.name());
        }
    }
}

#[test]
fn id_point_families_are_tagged_exactly_when_a_reading_moves_the_answer() {
    let mut oracle = Oracle::new();
    let mut counts = BTreeMap::new();
    for family in [
        Family::DigitsOnlyDate,
        Family::ShortArnPattern,
        Family::BoolVariable,
        Family::IllTypedValue,
        Family::ShortArnRequestValue,
        Family::MalformedTypedValue,
    ] {
        for case in draw(family, 150) {
            check_case(&mut oracle, &case, true, &mut counts);
        }
    }
    // Each point was seen tagged, and (where a case can hold the feature without depending
    // on it) untagged.
    for point in POINTS {
        assert!(
            counts.get(&(point, true)).copied().unwrap_or(0) >= 20,
            "{point}: {counts:?}"
        );
    }
    // (A variable in a `Bool` value outside `2012-10-17` is literal text, which no reading
    // of ID-18 reads otherwise: such documents are rejected under every reading.)
    for point in ["ID-14", "ID-19", "ID-21"] {
        assert!(
            counts.get(&(point, false)).copied().unwrap_or(0) >= 10,
            "{point}: {counts:?}"
        );
    }
}

#[test]
fn untagged_generated_cases_keep_their_answer_under_id14_15_18_19_21() {
    let mut oracle = Oracle::new();
    let mut counts = BTreeMap::new();
    let variables: GeneratorConfig =
        serde_json::from_str(include_str!("../presets/variables.json")).unwrap();
    for (config, seed, n) in [
        (GeneratorConfig::default(), 31, 1_500),
        (variables, 32, 500),
    ] {
        for case in generate_cases(&config, seed, n) {
            let exact = families::family_of_id(&case.case.id).is_some();
            check_case(&mut oracle, &case, exact, &mut counts);
        }
    }
    // The rewrites met untagged cases (else this shows nothing), and every point was seen.
    let untagged: usize = counts
        .iter()
        .filter(|((_, tagged), _)| !tagged)
        .map(|(_, n)| n)
        .sum();
    assert!(untagged >= 10, "{counts:?}");
    for point in POINTS {
        assert!(
            counts.keys().any(|(p, _)| *p == point),
            "{point}: {counts:?}"
        );
    }
}

#[test]
fn golden_tags_of_id14_15_18_19_21_are_exact() {
    let mut oracle = Oracle::new();
    let corpus = Corpus::embedded().unwrap();
    let mut counts = BTreeMap::new();
    for case in corpus.gate_cases() {
        let generated = GeneratedCase {
            case: case.case.clone(),
            implementation_defined: case.implementation_defined.clone(),
        };
        // A parse case's tags are about its diagnostics (an ill-typed value beside other
        // errors changes them, not the answer `error`): only the untagged side is checked.
        let exact = !case.id.starts_with("parse/");
        check_case(&mut oracle, &generated, exact, &mut counts);
    }
    for point in POINTS {
        assert!(
            counts.get(&(point, true)).copied().unwrap_or(0) >= 1,
            "{point}: {counts:?}"
        );
    }
    // Parse cases: a document with a short ARN pattern depends on ID-15 exactly when it is
    // otherwise accepted (its diagnostics are a warning under one reading, an error under
    // the other).
    for case in &corpus.parse {
        let tagged = case.implementation_defined.iter().any(|t| t == "ID-15");
        let Ok(Value::Object(_)) = serde_json::from_str::<Value>(&case.policy) else {
            assert!(!tagged, "{}", case.id);
            continue;
        };
        let line = CaseLine::from_value(&json!({"id": case.id, "policies": [case.policy],
            "request": {"action": "iot:ListJobs", "resource": "*"}}))
        .unwrap();
        let holds_short = id15_as_error(&line).is_some();
        assert_eq!(tagged, holds_short, "{}: ID-15 tag", case.id);
    }
}
