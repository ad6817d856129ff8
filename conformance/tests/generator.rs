//! The generator's `ID-n` tags are sound (an untagged case keeps its answer under another
//! allowed choice) and precise (few cases are tagged), and its cases decide things.
//!
//! Soundness is shown by rewriting each untagged case at the JSON level into what an evaluator
//! with another choice would see, and checking the reference's answer does not move:
//! ID-8 (a plain operator on a multivalued key read as true, false, `ForAnyValue:` or
//! `ForAllValues:`), ID-10 (a mapped address read as IPv4), ID-9 (a bare IPv6 range: none in an untagged
//! case, since spec v2's `error` reading rejects the document), ID-6 (the ARN head's case folded, in resources, in ARN conditions, in both)
//! and ID-12 (a `NotResource` entry without a value read as `*`). ID-5 is checked by its
//! effect: under the reference an unreadable value that reaches a condition is an evaluation
//! error, so an untagged case never has one. ID-7 has no clean JSON rewrite; its analysis
//! matches under the two extreme readings (a wildcard never crosses a colon / always may), and
//! `reference_lies_between_the_readings` checks the reference's own reading lies between them.

// Test helpers outside `#[test]` functions may unwrap, index and panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv6Addr};

use serde_json::{Map, Value};

use iam_conformance::generate::{generate_cases, GeneratedCase, GeneratorConfig};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{CaseLine, Verdict};
use iam_eval::{Point, Readings};
use iam_policy::variable::{Template, TemplatePart};
use iam_policy::Policy;

fn config(preset: &str) -> GeneratorConfig {
    let text = match preset {
        "ip-heavy" => include_str!("../presets/ip-heavy.json"),
        "variables" => include_str!("../presets/variables.json"),
        "malformed" => include_str!("../presets/malformed.json"),
        _ => include_str!("../presets/default.json"),
    };
    let mut config: GeneratorConfig = serde_json::from_str(text).unwrap();
    if preset == "arn-heavy" {
        // Re-cased ARN heads and ARN conditions, often (ID-6).
        config.weights.arn_case_variant = 40;
        config.weights.condition = 80;
        config.weights.families.arn = 12;
        config.weights.focus = 20;
    }
    config
}

fn word(oracle: &mut Oracle, case: &CaseLine) -> String {
    match oracle.answer(case).verdict {
        Verdict::Error(_) => "error".to_owned(),
        other => other.word().to_owned(),
    }
}

/// Untagged cases of a few presets and seeds.
fn untagged(n: usize) -> Vec<GeneratedCase> {
    let mut out = Vec::new();
    for (preset, seed) in [
        ("default", 11),
        ("ip-heavy", 12),
        ("variables", 13),
        ("arn-heavy", 14),
    ] {
        out.extend(
            generate_cases(&config(preset), seed, n)
                .filter(|c| c.implementation_defined.is_empty()),
        );
    }
    out
}

/// The case's policies as JSON objects; a rejected document is kept as it is (as text, which
/// the rewrites leave alone), so that no rewrite can repair it.
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
                _ => Value::String(text),
            }
        })
        .collect()
}

/// Call `f` with each statement object of each policy, and whether its variables are live.
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
                    f(s, live)
                }
            }
            _ => {}
        }
    }
}

fn context_value<'a>(case: &'a CaseLine, key: &str) -> Option<&'a Value> {
    case.request
        .context
        .iter()
        .find(|(k, _)| k.to_lowercase() == key.to_lowercase())
        .map(|(_, v)| v)
}

/// Rewrite a case; `None` when nothing changed. The answer must not move.
fn assert_unmoved(
    oracle: &mut Oracle,
    case: &GeneratedCase,
    what: &str,
    rewrite: impl Fn(&CaseLine) -> Option<CaseLine>,
) -> usize {
    let Some(other) = rewrite(&case.case) else {
        return 0;
    };
    let before = word(oracle, &case.case);
    let after = word(oracle, &other);
    assert_eq!(
        before,
        after,
        "{what} moves an untagged case:\n{}\n{}",
        case.case.to_line(),
        other.to_line()
    );
    1
}

#[derive(Clone, Copy, Debug)]
enum PlainReading {
    True,
    False,
    AnyValue,
    AllValues,
}

/// ID-8: every plain operator on a key the request gives other than one value, read another way.
fn rewrite_plain_multivalued(case: &CaseLine, reading: PlainReading) -> Option<CaseLine> {
    let mut policies = objects(case);
    let mut changed = false;
    each_statement(&mut policies, |s, _| {
        let Some(Value::Object(block)) = s.get_mut("Condition") else {
            return;
        };
        let mut out = Map::new();
        for (operator, body) in block.iter() {
            let Value::Object(keys) = body else {
                out.insert(operator.clone(), body.clone());
                continue;
            };
            let plain = !operator.contains(':') && operator != "Null";
            for (key, values) in keys {
                let hit = plain
                    && matches!(context_value(case, key), Some(Value::Array(a)) if a.len() != 1);
                let (op, k) = match (hit, reading) {
                    (false, _) => (operator.clone(), key.clone()),
                    (true, PlainReading::True) => {
                        changed = true;
                        continue;
                    }
                    (true, PlainReading::False) => (
                        "StringEquals".to_owned(),
                        "aws:PrincipalTag/never".to_owned(),
                    ),
                    (true, PlainReading::AnyValue) => {
                        (format!("ForAnyValue:{operator}"), key.clone())
                    }
                    (true, PlainReading::AllValues) => {
                        (format!("ForAllValues:{operator}"), key.clone())
                    }
                };
                changed |= hit;
                let entry = out.entry(op).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = entry {
                    m.insert(k, values.clone());
                }
            }
        }
        *block = out;
    });
    changed.then(|| CaseLine {
        policies,
        ..case.clone()
    })
}

/// ID-10: IPv4-mapped request addresses read as IPv4.
fn rewrite_mapped(case: &CaseLine) -> Option<CaseLine> {
    let mut out = case.clone();
    let mut changed = false;
    let unmap = |v: &mut Value, changed: &mut bool| {
        if let Some(Ok(IpAddr::V6(a))) = v.as_str().map(str::parse::<IpAddr>) {
            if let Some(v4) = a.to_ipv4_mapped() {
                *v = Value::from(v4.to_string());
                *changed = true;
            }
        }
    };
    for (_, v) in out.request.context.iter_mut() {
        match v {
            Value::Array(items) => items.iter_mut().for_each(|i| unmap(i, &mut changed)),
            one => unmap(one, &mut changed),
        }
    }
    changed.then_some(out)
}

/// Apply `f` to every string value of every condition entry whose operator satisfies `which`.
fn rewrite_condition_values(
    case: &CaseLine,
    which: impl Fn(&str) -> bool,
    f: impl Fn(&str) -> Option<String>,
) -> Option<CaseLine> {
    let mut policies = objects(case);
    let mut changed = false;
    each_statement(&mut policies, |s, _| {
        let Some(Value::Object(block)) = s.get_mut("Condition") else {
            return;
        };
        for (operator, body) in block.iter_mut() {
            if !which(operator) {
                continue;
            }
            let Value::Object(keys) = body else { continue };
            for values in keys.values_mut() {
                let items: Vec<&mut Value> = match values {
                    Value::Array(items) => items.iter_mut().collect(),
                    one => vec![one],
                };
                for v in items {
                    if let Some(new) = v.as_str().and_then(&f) {
                        *v = Value::from(new);
                        changed = true;
                    }
                }
            }
        }
    });
    changed.then(|| CaseLine {
        policies,
        ..case.clone()
    })
}

fn is_ip_operator(operator: &str) -> bool {
    operator.trim_end_matches("IfExists").ends_with("IpAddress")
}

fn is_arn_operator(operator: &str) -> bool {
    operator.rsplit(':').next().unwrap_or("").starts_with("Arn")
}

/// The first four segments (`arn`, partition, service, region) lowercased.
fn fold_head(text: &str) -> String {
    let mut colons = 0;
    text.chars()
        .map(|c| {
            if c == ':' {
                colons += 1;
            }
            if colons < 4 {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn fold_if_changed(text: &str) -> Option<String> {
    let folded = fold_head(text);
    (folded != text).then_some(folded)
}

/// ID-6 in resource elements: the request resource's and every resource entry's head folded.
fn fold_resources(case: &CaseLine) -> Option<CaseLine> {
    let mut policies = objects(case);
    let mut changed = false;
    each_statement(&mut policies, |s, _| {
        for key in ["Resource", "NotResource"] {
            let items: Vec<&mut Value> = match s.get_mut(key) {
                Some(Value::Array(items)) => items.iter_mut().collect(),
                Some(one) => vec![one],
                None => Vec::new(),
            };
            for v in items {
                if let Some(new) = v.as_str().and_then(fold_if_changed) {
                    *v = Value::from(new);
                    changed = true;
                }
            }
        }
    });
    let mut out = CaseLine {
        policies,
        ..case.clone()
    };
    if let Some(new) = fold_if_changed(&case.request.resource) {
        out.request.resource = new;
        changed = true;
    }
    changed.then_some(out)
}

/// ID-6 in ARN conditions: the policy values' and the `aws:SourceArn` values' heads folded.
fn fold_arn_conditions(case: &CaseLine) -> Option<CaseLine> {
    let mut out = rewrite_condition_values(case, is_arn_operator, fold_if_changed)
        .unwrap_or_else(|| case.clone());
    let mut changed = out != *case;
    for (k, v) in out.request.context.iter_mut() {
        if k.to_lowercase() != "aws:sourcearn" {
            continue;
        }
        let items: Vec<&mut Value> = match v {
            Value::Array(items) => items.iter_mut().collect(),
            one => vec![one],
        };
        for item in items {
            if let Some(new) = item.as_str().and_then(fold_if_changed) {
                *item = Value::from(new);
                changed = true;
            }
        }
    }
    changed.then_some(out)
}

/// ID-12: a `NotResource` entry whose variable has no value read as `*` (excluding everything).
fn rewrite_valueless_not_resource(case: &CaseLine) -> Option<CaseLine> {
    let mut policies = objects(case);
    let mut changed = false;
    each_statement(&mut policies, |s, live| {
        if !live {
            return;
        }
        let items: Vec<&mut Value> = match s.get_mut("NotResource") {
            Some(Value::Array(items)) => items.iter_mut().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        for v in items {
            let Some(text) = v.as_str() else { continue };
            let (template, _) = Template::parse(text);
            let valueless = template.parts.iter().any(|p| match p {
                TemplatePart::Variable(var) => {
                    var.default.is_none()
                        && !matches!(context_value(case, &var.key), Some(Value::String(_)))
                        && !matches!(context_value(case, &var.key),
                            Some(Value::Array(a)) if a.len() == 1)
                }
                _ => false,
            });
            if valueless {
                *v = Value::from("*");
                changed = true;
            }
        }
    });
    changed.then(|| CaseLine {
        policies,
        ..case.clone()
    })
}

#[test]
fn untagged_cases_keep_their_answer_under_other_choices() {
    let mut oracle = Oracle::new();
    let cases = untagged(600);
    let mut exercised: BTreeMap<&str, usize> = BTreeMap::new();
    for case in &cases {
        for reading in [
            PlainReading::True,
            PlainReading::False,
            PlainReading::AnyValue,
            PlainReading::AllValues,
        ] {
            *exercised.entry("ID-8").or_default() +=
                assert_unmoved(&mut oracle, case, &format!("ID-8 ({reading:?})"), |c| {
                    rewrite_plain_multivalued(c, reading)
                });
        }
        *exercised.entry("ID-10").or_default() +=
            assert_unmoved(&mut oracle, case, "ID-10", rewrite_mapped);
        // ID-9 under spec v2 (`/128`; error): the `error` reading rejects any document with a
        // bare IPv6 range, whatever the request, so an untagged case that has one must be an
        // error (or rejected) under the reference too. Every reading of every point is checked
        // over generated cases by `readings.rs`.
        let bare = rewrite_condition_values(&case.case, is_ip_operator, |r| {
            (!r.contains('/') && r.parse::<Ipv6Addr>().is_ok()).then(|| format!("{r}/128"))
        });
        if bare.is_some() {
            let mut readings = Readings::default();
            readings.set_index(Point::Id9, 1);
            let under = word(&mut Oracle::under(readings), &case.case);
            assert_eq!(
                under,
                word(&mut oracle, &case.case),
                "{} has a bare IPv6 range, no ID-9 tag, and another answer under ID-9=error",
                case.case.id
            );
        }
        *exercised.entry("ID-6").or_default() +=
            assert_unmoved(&mut oracle, case, "ID-6 (resources)", fold_resources);
        *exercised.entry("ID-6").or_default() +=
            assert_unmoved(&mut oracle, case, "ID-6 (conditions)", fold_arn_conditions);
        *exercised.entry("ID-6").or_default() +=
            assert_unmoved(&mut oracle, case, "ID-6 (both)", |c| {
                fold_arn_conditions(&fold_resources(c).unwrap_or_else(|| c.clone()))
            });
        *exercised.entry("ID-12").or_default() +=
            assert_unmoved(&mut oracle, case, "ID-12", rewrite_valueless_not_resource);
    }
    // Each rewrite met untagged cases it applies to (else this test would show nothing).
    for id in ["ID-6", "ID-8", "ID-10", "ID-12"] {
        assert!(
            exercised.get(id).copied().unwrap_or(0) >= 5,
            "{id} rewrites exercised: {exercised:?}"
        );
    }
}

#[test]
fn untagged_cases_never_meet_an_unreadable_value() {
    // ID-5: under the reference an unreadable value that reaches a condition is an evaluation
    // error; another evaluator may read it otherwise, so an untagged case must have none.
    let mut oracle = Oracle::new();
    let mut unreadable_but_untagged = 0;
    for case in untagged(600) {
        if let Ok(response) = oracle.respond(&case.case) {
            assert!(
                response.errors.is_empty(),
                "untagged evaluation error {:?}:\n{}",
                response.errors,
                case.case.to_line()
            );
        }
        let bad = ["not-an-ip", "10.0.0.0/8", "yes", "ten", "1e3", "yesterday"];
        if case
            .case
            .request
            .context
            .values()
            .any(|v| v.as_str().is_some_and(|s| bad.contains(&s)))
        {
            unreadable_but_untagged += 1;
        }
    }
    // Cases with an unreadable value that no condition reads are left untagged.
    assert!(unreadable_but_untagged > 0);
}

#[test]
fn the_default_mix_is_mostly_untagged_and_decides() {
    let mut oracle = Oracle::new();
    let n = 1_000;
    let mut tagged = 0;
    let mut decisions: BTreeMap<String, usize> = BTreeMap::new();
    for case in generate_cases(&GeneratorConfig::default(), 1, n) {
        if !case.implementation_defined.is_empty() {
            tagged += 1;
        }
        *decisions.entry(word(&mut oracle, &case.case)).or_default() += 1;
    }
    let share = |w: &str| decisions.get(w).copied().unwrap_or(0) * 100 / n;
    eprintln!("tagged {tagged}/{n}; {decisions:?}");
    assert!(tagged * 100 / n < 15, "tagged {tagged}/{n}");
    assert!(share("allowed") >= 25, "{decisions:?}");
    assert!(share("explicitDeny") >= 25, "{decisions:?}");
    // Near misses stay common.
    assert!(share("implicitDeny") >= 15, "{decisions:?}");
}

#[test]
fn without_focus_few_cases_decide() {
    // The weight is what aims statements at the request.
    let mut config = GeneratorConfig::default();
    config.weights.focus = 0;
    let mut oracle = Oracle::new();
    let n = 500;
    let implicit = generate_cases(&config, 1, n)
        .filter(|c| word(&mut oracle, &c.case) == "implicitDeny")
        .count();
    assert!(implicit * 100 / n > 50, "{implicit}/{n}");
}
