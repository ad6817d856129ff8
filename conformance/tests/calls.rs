//! Call cases (protocol 1.1) through the gate, `iamconf evaluate` and the generator: a v1
//! evaluator is tested on calls unchanged, a fixture that ignores every check but the first is
//! caught by call cases alone, and generated calls keep the invariant
//! `call-allowed-only-if-every-check-is`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::io::Write;
use std::process::{Command, Stdio};

use iam_conformance::calls::generate::generate_call_cases;
use iam_conformance::calls::{answer_directly, check_call_invariant, combine_answers};
use iam_conformance::cases::Corpus;
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, Verdict};
use iam_eval::Decision;
use serde_json::{json, Value};

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");

fn check_json(mode: &str, extra: &[&str]) -> (i32, Value) {
    let evaluator = format!("\"{FIXTURE}\" {mode}");
    let out = Command::new(IAMCONF)
        .args([
            "check",
            "--evaluator",
            &evaluator,
            "--timeout",
            "30",
            "--format",
            "json",
        ])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

#[test]
fn first_check_only_is_caught_by_call_cases_alone() {
    let (code, report) = check_json("first-check-only", &["--cases", "400"]);
    assert_eq!(code, 1, "{report:#}");
    let problems = report["problems"].as_array().unwrap();
    assert!(!problems.is_empty());
    for p in problems {
        let labels = p["labels"].as_array().unwrap();
        assert!(
            labels.iter().any(|l| l == "call"),
            "a non-call case failed: {p:#}"
        );
        assert_eq!(p["status"], "failed");
    }
    // The seed's E7 call: the fixture answers the thing check as it answered the job check.
    let e7 = problems
        .iter()
        .find(|p| p["id"] == "calls/seed/e7-with-thing-without-tagging#create-job-with-tags")
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert_eq!(e7["expected"], "implicitDeny");
    assert_eq!(e7["got"], "allowed");
    assert_eq!(e7["minimal"]["request"]["action"], "iot:TagResource");
    // Generated call cases catch it too.
    assert!(problems
        .iter()
        .any(|p| p["id"].as_str().unwrap().starts_with("gen-call-")));

    // The same run with the faithful fixture passes, call cases included.
    let (code, report) = check_json("reference", &["--cases", "400"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["failed"], 0);
}

#[test]
fn golden_call_cases_load_with_provenance() {
    let corpus = Corpus::embedded().unwrap();
    assert!(corpus.calls.len() >= 30, "{}", corpus.calls.len());
    for call in &corpus.calls {
        assert!(call.id.starts_with("calls/"), "{}", call.id);
        assert!(
            call.rests_on.contains("§"),
            "{}: {}",
            call.id,
            call.rests_on
        );
        assert!(call.source.contains("iam-policy-users-jobs"), "{}", call.id);
    }
    let e1 = corpus
        .calls
        .iter()
        .find(|c| c.id == "calls/seed/e1-calls#create-job-on-group")
        .unwrap();
    assert_eq!(e1.expect, "implicitDeny");
}

#[test]
fn evaluate_answers_call_cases_with_their_checks() {
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "iot:CreateJob", "Resource": "arn:aws:iot:us-east-1:123456789012:*"}]});
    let call = json!({"operation": "CreateJob", "region": "us-east-1", "account": "123456789012",
        "params": {"jobId": "fw-42", "targets": ["arn:aws:iot:us-east-1:123456789012:thing/t1"],
                   "tags": {"env": "prod"}}});
    let lines = [
        json!({"id": "c1", "policies": [policy], "call": call}),
        json!({"id": "c2", "policies": [], "call": {"operation": "CreateJob",
            "region": "us-east-1", "account": "123456789012", "params": {"jobId": "fw-42"}}}),
        json!({"id": "c3", "policies": [], "call": {"operation": "CreateJob"}}),
    ];
    let mut child = Command::new(IAMCONF)
        .arg("evaluate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in &lines {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let answers: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["decision"], "implicitDeny");
    let checks = answers[0]["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 3);
    assert_eq!(
        checks[0],
        json!({"action": "iot:CreateJob", "resource": "arn:aws:iot:us-east-1:123456789012:job/fw-42", "decision": "allowed"})
    );
    assert_eq!(checks[2]["action"], "iot:TagResource");
    assert_eq!(checks[2]["decision"], "implicitDeny");
    assert_eq!(answers[1]["id"], "c2");
    assert!(answers[1]["error"]
        .as_str()
        .unwrap()
        .contains("needs the parameter `targets`"));
    assert!(answers[2]["error"]
        .as_str()
        .unwrap()
        .contains("`call` has no `region`"));
}

/// Ask the reference each check of `case` alone.
fn alone(oracle: &mut Oracle, case: &iam_conformance::calls::CallCase) -> Vec<AnswerLine> {
    case.check_lines()
        .unwrap()
        .iter()
        .map(|l| oracle.answer(l))
        .collect()
}

#[test]
fn generated_calls_decide_variously_and_keep_the_invariant() {
    let mut oracle = Oracle::new();
    let mut words = std::collections::BTreeMap::new();
    let mut multi = 0;
    for case in generate_call_cases(7, 300) {
        let lines = case
            .check_lines()
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        if lines.len() > 1 {
            multi += 1;
        }
        let answers = alone(&mut oracle, &case);
        let direct = answer_directly(&mut oracle, &case);
        check_call_invariant(direct.decision, &answers)
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let combined = combine_answers(&answers);
        assert_eq!(direct.word(), combined.word());
        *words.entry(combined.word()).or_insert(0) += 1;
    }
    assert!(multi > 150, "{multi} of 300 calls have several checks");
    for word in ["allowed", "explicitDeny", "implicitDeny"] {
        let n = words.get(word).copied().unwrap_or(0);
        assert!(n >= 30, "{word}: {n} of 300 ({words:?})");
    }
    // The same seed gives the same cases.
    let again: Vec<String> = generate_call_cases(7, 5).map(|c| c.to_line()).collect();
    let first: Vec<String> = generate_call_cases(7, 5).map(|c| c.to_line()).collect();
    assert_eq!(again, first);
}

#[test]
fn the_invariant_catches_a_call_allowed_when_one_check_is_not() {
    // A wrong combination, "any check allowed -> allowed", is caught on generated calls.
    let mut oracle = Oracle::new();
    let mut caught = 0;
    for case in generate_call_cases(11, 200) {
        let answers = alone(&mut oracle, &case);
        let any_allowed = answers
            .iter()
            .any(|a| a.verdict == Verdict::Decision(Decision::Allow));
        let wrong = if any_allowed {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        if check_call_invariant(Some(wrong), &answers).is_err() {
            caught += 1;
        }
    }
    assert!(caught > 10, "caught {caught}");
}
