//! `iamconf evaluate`'s line evaluator answers every line byte for byte as the tree reader
//! (`CaseLine::parse`, the oracle, `AnswerLine::to_line`, call cases by `answer_directly`)
//! does: over the golden corpus, generated cases, every golden policy document sent as an
//! object exactly as written (spaces, escapes, duplicate keys, numbers), and malformed lines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use iam_conformance::calls::{answer_directly, CallCase};
use iam_conformance::cases::Corpus;
use iam_conformance::generate::{generate_cases, GeneratorConfig};
use iam_conformance::line_evaluator::{LineEvaluator, LineOutcome};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};
use iam_eval::Decision;
use iam_policy::readings::DuplicateKeys;
use serde_json::Value;

/// The answer line the tree reader gives (what `iamconf evaluate` wrote before the line
/// evaluator), or `None` for a blank line.
fn by_tree(oracle: &mut Oracle, line: &str) -> Option<String> {
    if line.trim().is_empty() {
        return None;
    }
    let text = line.trim_end_matches(['\n', '\r']);
    Some(match CaseLine::parse(text) {
        Ok(case) => oracle.answer(&case).to_line(),
        Err((id, message)) => {
            let call = serde_json::from_str::<Value>(line)
                .ok()
                .filter(|v| v.get("call").is_some() && v.get("request").is_none());
            match call {
                Some(value) => match CallCase::from_value(&value) {
                    Ok(case) => answer_directly(oracle, &case).to_string(),
                    Err((id, message)) => error_line(id, message),
                },
                None => error_line(id, message),
            }
        }
    })
}

fn error_line(id: Option<String>, message: String) -> String {
    AnswerLine {
        id,
        verdict: Verdict::Error(message),
        matched: None,
    }
    .to_line()
}

/// Feed `lines` to one line evaluator and one tree oracle (each keeping its caches across the
/// lines, as a stream does); every answer must be the same, and say what it was answered with.
/// The counts of outcomes.
fn same_answers(lines: &[String]) -> [usize; 3] {
    let mut evaluator = LineEvaluator::new();
    let mut oracle = Oracle::new();
    let mut counts = [0; 3];
    for line in lines {
        let mut out = String::new();
        let outcome = evaluator.answer(line, &mut out);
        let expected = by_tree(&mut oracle, line);
        match expected {
            None => {
                assert_eq!(outcome, LineOutcome::Blank, "{line}");
                assert!(out.is_empty());
            }
            Some(expected) => {
                assert_eq!(out, expected, "line: {line}");
                let answer: Value = serde_json::from_str(&out).unwrap();
                let word = answer.get("decision").and_then(Value::as_str);
                match outcome {
                    LineOutcome::Decision(d) => {
                        assert_eq!(word, Some(d.as_protocol_str()), "{out}");
                        counts[usize::from(d != Decision::Allow)] += 1;
                    }
                    LineOutcome::Error => {
                        assert!(answer.get("error").is_some(), "{out}");
                        counts[2] += 1;
                    }
                    LineOutcome::Blank => panic!("blank answer to {line}"),
                }
            }
        }
    }
    counts
}

fn request_line(id: &str, policies: &str) -> String {
    format!(
        r#"{{"id":"{id}","policies":[{policies}],"request":{{"action":"iot:DescribeJob","resource":"arn:aws:iot:us-east-1:123456789012:job/j1","context":{{"aws:SourceIp":"203.0.113.7"}}}}}}"#
    )
}

#[test]
fn golden_cases_are_answered_as_the_tree_reader_answers_them() {
    let corpus = Corpus::embedded().unwrap();
    let mut lines: Vec<String> = corpus
        .gate_cases()
        .iter()
        .map(|d| d.case.to_line())
        .collect();
    lines.extend(corpus.calls.iter().map(|c| c.case.to_line()));
    let counts = same_answers(&lines);
    assert!(counts.iter().all(|&n| n > 10), "{counts:?}");
}

#[test]
fn generated_cases_are_answered_as_the_tree_reader_answers_them() {
    let mut config = GeneratorConfig {
        max_policies: 3,
        ..GeneratorConfig::default()
    };
    config.weights.empty_set = 1;
    let lines: Vec<String> = generate_cases(&config, 5, 800)
        .map(|g| g.case.to_line())
        .collect();
    // Again, so that the caches answer the second pass.
    let twice: Vec<String> = lines.iter().chain(&lines).cloned().collect();
    let counts = same_answers(&twice);
    assert!(counts.iter().all(|&n| n > 100), "{counts:?}");
}

/// Every golden document that is JSON, sent as an object exactly as its file writes it (with
/// its spaces, escapes, numbers and duplicate keys), and as its compact form.
#[test]
fn policy_objects_as_written_are_answered_as_the_tree_reader_answers_them() {
    assert_eq!(
        iam_eval::Readings::default().duplicate_keys,
        DuplicateKeys::Error,
        "the line evaluator reads an accepted object's text as the tree reader's only because \
         a duplicate key is an error"
    );
    let corpus = Corpus::embedded().unwrap();
    let mut lines = Vec::new();
    let mut objects = 0;
    for (i, case) in corpus.parse.iter().enumerate() {
        let Ok(value) = serde_json::from_str::<Value>(&case.policy) else {
            continue;
        };
        if !value.is_object() {
            continue;
        }
        objects += 1;
        lines.push(request_line(&format!("as-written-{i}"), &case.policy));
        lines.push(request_line(&format!("compact-{i}"), &value.to_string()));
        lines.push(request_line(
            &format!("twice-{i}"),
            &format!("{},{}", value, case.policy),
        ));
    }
    assert!(objects > 50, "{objects}");
    let counts = same_answers(&lines);
    assert!(counts[2] > 20 && counts[0] + counts[1] > 20, "{counts:?}");
}

#[test]
fn unusual_and_malformed_lines_are_answered_as_the_tree_reader_answers_them() {
    let allow = r#"{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}"#;
    let mut lines: Vec<String> = [
        "",
        "  ",
        "\r\n",
        "nope",
        "[]",
        "42",
        r#"{"id":"p","policies":{},"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"id":"n","policies":[42],"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"id":"n","policies":[null,true,[]],"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"policies":[],"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"id":7,"policies":[],"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"id":"r","policies":[],"request":["iot:A","*",null]}"#,
        r#"{"id":"r","policies":[],"request":{"action":"iot:A"}}"#,
        r#"{"id":"r","policies":[],"request":{"action":"iot:A","resource":"*","context":1}}"#,
        r#"{"id":"r","policies":[],"request":{"action":"iot:A","resource":"*","context":1e3}}"#,
        r#"{"id":"r","policies":[],"request":{"action":"iot:A","resource":"*","context":null}}"#,
        r#"{"id":"o","policies":[],"request":{"action":"iot:A","resource":"*","context":{"aws:SourceIp":{"a":1}}}}"#,
        r#"{"id":"o","policies":[],"request":{"action":"iot:A","resource":"*","context":{"k":[1]}}}"#,
        r#"{"id":"o","policies":[],"request":{"action":"iot:A","resource":"*","context":{"k":"a","k":"b"}}}"#,
        r#"{"id":"o","policies":[],"request":{"action":"iot:A","resource":"*","context":{"K":"a","k":"b"}}}"#,
        r#"{"id":"m","policies":["{\"Statement\": ["],"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"id":"a","id":"b","policies":[],"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"id":"x","policies":[],"request":{"action":"iot:A","resource":"*"},"extra":[1,{"a":2}]}"#,
        r#"{"id":"x","policies":[],"request":{"action":"iot:A","resource":"*","extra":1}}"#,
        r#"{"id":"x","policies":[],"request":{"action":"not an action","resource":"*"}}"#,
        r#"{"id":"x","policies":[],"request":{"action":"iot:A","resource":"arn:bad"}}"#,
        r#"{"id":"x","policies":[],"request":{"action":"iot:A","resource":"*"}} trailing"#,
        r#"{"id":"c","policies":[],"call":{"operation":"NoSuchCall"}}"#,
        r#"{"id":"c","policies":[],"call":{},"request":{"action":"iot:A","resource":"*"}}"#,
        r#"{"id":"\u0063\"q","policies":[],"request":{"action":"iot:\u0041","resource":"*"}}"#,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for (i, policy) in [
        allow.to_owned(),
        format!("{allow} "),
        allow.replace(':', ": "),
        allow.replace("Allow", "\\u0041llow"),
        allow.replace("iot:", "iot\\/"),
        format!(r#"{{"Version":"2012-10-17","Version":"2012-10-17",{}"#, &allow[1..]),
        format!(r#"{{"Statement":[],{}"#, &allow[1..]),
        r#"{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":1E5}}}}"#.to_owned(),
        r#"{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":1e+5}}}}"#.to_owned(),
        r#"{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":-0.50}}}}"#.to_owned(),
        format!(r#"{{"Statement":{}}}"#, "[".repeat(70) + &"]".repeat(70)),
        format!(r#"{{"Statement":{}}}"#, "[".repeat(130) + &"]".repeat(130)),
        serde_json::to_string(allow).unwrap(),
        serde_json::to_string(&allow.replace("iot:", "iot\\u003a")).unwrap(),
    ]
    .iter()
    .enumerate()
    {
        lines.push(request_line(&format!("p{i}"), policy));
        lines.push(request_line(&format!("q{i}"), &format!("{allow},{policy}")));
    }
    same_answers(&lines);
}
