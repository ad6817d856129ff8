//! Soundness of the spec-v2 tags ID-17 and ID-20 on generated and golden cases: an untagged
//! case keeps its answer when rewritten as an evaluator with the other reading would see it.
//! ID-20: a `BinaryEquals` value `v` rewritten to the base-64 of its own text, so that the
//! reference then compares the request's text with `v` (the "two base-64 texts" reading).
//! ID-17: a resource entry with a wildcard in its resource-type part rewritten to one that
//! matches nothing (the "type text is literal" reading).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use serde_json::Value;

use iam_conformance::cases::Corpus;
use iam_conformance::generate::pools::base64;
use iam_conformance::generate::tags::wildcard_in_resource_type;
use iam_conformance::generate::{generate_cases, GeneratorConfig};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{CaseLine, Verdict};

/// A rewrite of one statement object; `true` when it changed something.
type StatementRewrite = fn(&mut serde_json::Map<String, Value>) -> bool;

fn word(oracle: &mut Oracle, case: &CaseLine) -> String {
    match oracle.answer(case).verdict {
        Verdict::Error(_) => "error".to_owned(),
        other => other.word().to_owned(),
    }
}

/// Apply `f` to every statement object of every policy given as an object (or as the text of
/// one, which is re-sent as an object); `None` when nothing changed.
fn rewrite(
    case: &CaseLine,
    f: impl Fn(&mut serde_json::Map<String, Value>) -> bool,
) -> Option<CaseLine> {
    let mut changed = false;
    let mut out = case.clone();
    for p in &mut out.policies {
        // A rejected document (as text or as an object) is left alone, so that no rewrite
        // can repair it: it is rejected under every reading.
        let text = match &*p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut doc = match serde_json::from_str::<Value>(&text) {
            Ok(v) if iam_policy::Policy::parse(&text).is_ok() => v,
            _ => continue,
        };
        let mut here = false;
        match doc.get_mut("Statement") {
            Some(Value::Object(s)) => here |= f(s),
            Some(Value::Array(items)) => {
                for s in items.iter_mut().filter_map(Value::as_object_mut) {
                    here |= f(s);
                }
            }
            _ => {}
        }
        if here {
            *p = doc;
            changed = true;
        }
    }
    changed.then_some(out)
}

fn binary_as_text(s: &mut serde_json::Map<String, Value>) -> bool {
    let Some(Value::Object(block)) = s.get_mut("Condition") else {
        return false;
    };
    let mut changed = false;
    for (op, body) in block.iter_mut() {
        if !op.trim_end_matches("IfExists").ends_with("BinaryEquals") {
            continue;
        }
        let Value::Object(keys) = body else { continue };
        for values in keys.values_mut() {
            let items: Vec<&mut Value> = match values {
                Value::Array(items) => items.iter_mut().collect(),
                one => vec![one],
            };
            for v in items {
                if let Some(text) = v.as_str() {
                    *v = Value::from(base64(text.as_bytes()));
                    changed = true;
                }
            }
        }
    }
    changed
}

fn type_wildcards_match_nothing(s: &mut serde_json::Map<String, Value>) -> bool {
    let mut changed = false;
    for key in ["Resource", "NotResource"] {
        let items: Vec<&mut Value> = match s.get_mut(key) {
            Some(Value::Array(items)) => items.iter_mut().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        for v in items {
            if v.as_str().is_some_and(wildcard_in_resource_type) {
                *v = Value::from("arn:none:none:none:none:none");
                changed = true;
            }
        }
    }
    changed
}

fn check(oracle: &mut Oracle, id: &str, case: &CaseLine, exercised: &mut usize) {
    let rewrites: [(&str, StatementRewrite); 2] = [
        ("ID-20", binary_as_text),
        ("ID-17", type_wildcards_match_nothing),
    ];
    for (point, f) in rewrites {
        if point != id {
            continue;
        }
        if let Some(other) = rewrite(case, f) {
            *exercised += 1;
            assert_eq!(
                word(oracle, case),
                word(oracle, &other),
                "{point} moves an untagged case:\n{}\n{}",
                case.to_line(),
                other.to_line()
            );
        }
    }
}

#[test]
fn generated_cases_without_id17_or_id20_keep_their_answer() {
    let mut oracle = Oracle::new();
    let mut config = GeneratorConfig::default();
    config.weights.families.binary = 6;
    config.pools.action_patterns.clear();
    let mut exercised = [0usize; 2];
    for case in generate_cases(&config, 21, 1_500) {
        for (i, id) in ["ID-20", "ID-17"].iter().enumerate() {
            if !case.implementation_defined.iter().any(|t| t == id) {
                check(&mut oracle, id, &case.case, &mut exercised[i]);
            }
        }
    }
    assert!(exercised[0] >= 5, "ID-20 rewrites exercised: {exercised:?}");
}

#[test]
fn golden_cases_without_id17_or_id20_keep_their_answer() {
    let mut oracle = Oracle::new();
    let corpus = Corpus::embedded().unwrap();
    let mut exercised = [0usize; 2];
    for case in corpus.gate_cases() {
        for (i, id) in ["ID-20", "ID-17"].iter().enumerate() {
            if !case.implementation_defined.iter().any(|t| t == id) {
                check(&mut oracle, id, &case.case, &mut exercised[i]);
            }
        }
    }
    assert!(exercised[0] >= 1 && exercised[1] >= 1, "{exercised:?}");
}
