//! The GitHub Action's steps (`ci/gate.sh`, run by `action.yml`) end to end, against fixture
//! evaluators: its JUnit, saved failures and known-failures list.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamconf-action-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn gate(mode: &str, out: &Path, known: Option<&Path>) -> (i32, String) {
    let mut command = Command::new("bash");
    command
        .arg(root().join("ci/gate.sh"))
        .env("IAMCONF_BIN", IAMCONF)
        .env("IAMCONF_EVALUATOR", format!("{FIXTURE} {mode}"))
        .env("IAMCONF_CASES", "100")
        .env("IAMCONF_SEED", "7")
        .env("IAMCONF_OUT", out);
    if let Some(k) = known {
        command.env("IAMCONF_KNOWN_FAILURES", k);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_action_script_gates_a_broken_evaluator_and_adopts_its_failures() {
    let out = out_dir("broken");
    let (code, stdout) = gate("negated-or", &out, None);
    assert_eq!(code, 1, "{stdout}");
    let junit = std::fs::read_to_string(out.join("iamconf.xml")).unwrap();
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(junit.contains("<testsuite name=\"iamconf\""));
    let failures = junit.matches("<failure ").count();
    assert!(failures > 0, "{junit}");
    // Every failing testcase carries its labels and group.
    assert_eq!(junit.matches("<property name=\"group\"").count(), failures);
    assert!(junit.contains("op:String"), "{junit}");
    assert!(
        stdout.contains(&format!("{failures} failing test cases")),
        "{stdout}"
    );
    // The shrunk failing cases are saved as golden case files (a violated invariant is a
    // testcase of its own, classname `invariant`, with no case file).
    let parsed = quick_junit::Report::deserialize_from_str(&junit).unwrap();
    let case_failures = parsed.test_suites[0]
        .test_cases
        .iter()
        .filter(|t| {
            matches!(
                t.status,
                quick_junit::TestCaseStatus::NonSuccess {
                    kind: quick_junit::NonSuccessKind::Failure,
                    ..
                }
            ) && t.classname.as_ref().map(|c| c.as_str()) != Some("invariant")
        })
        .count();
    assert!(case_failures > 0 && case_failures < failures, "{junit}");
    let saved = std::fs::read_dir(out.join("failures/eval/failures"))
        .unwrap()
        .count();
    assert_eq!(saved, case_failures);
    // Today's failures, at group level, make tomorrow's gate pass; the reference then shows
    // the list is stale (each listed group now passes: its cases are unexpected passes).
    let known = out.join("known-failures.txt");
    let list = std::fs::read_to_string(&known).unwrap();
    assert!(list.lines().any(|l| l.starts_with("group=")), "{list}");
    // negated-or also breaks the negation invariant: it is adopted by name.
    assert!(list.lines().any(|l| l.starts_with("invariant=")), "{list}");
    let again = out_dir("adopted");
    let (code, stdout) = gate("negated-or", &again, Some(&known));
    assert_eq!(code, 0, "{stdout}\n{list}");
    let junit = std::fs::read_to_string(again.join("iamconf.xml")).unwrap();
    assert!(!junit.contains("<failure "), "{junit}");
    assert!(
        junit.contains("<skipped message=\"known failure: "),
        "{junit}"
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn the_action_script_passes_a_conforming_evaluator() {
    let out = out_dir("reference");
    let (code, stdout) = gate("reference", &out, None);
    assert_eq!(code, 0, "{stdout}");
    let junit = std::fs::read_to_string(out.join("iamconf.xml")).unwrap();
    assert!(junit.contains("failures=\"0\""), "{junit}");
    assert!(!junit.contains("<failure "));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn the_action_runs_the_script_with_every_input() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(action.contains("using: composite"));
    assert!(action.contains("ci/gate.sh"));
    for (input, variable) in [
        ("evaluator", "IAMCONF_EVALUATOR"),
        ("cases", "IAMCONF_CASES"),
        ("seed", "IAMCONF_SEED"),
        ("readings", "IAMCONF_READINGS"),
        ("known-failures", "IAMCONF_KNOWN_FAILURES"),
        ("output", "IAMCONF_OUT"),
    ] {
        assert!(action.contains(&format!("\n  {input}:\n")), "input {input}");
        assert!(
            action.contains(&format!("{variable}: ${{{{ inputs.{input} }}}}")),
            "{variable}"
        );
        let script = std::fs::read_to_string(root().join("ci/gate.sh")).unwrap();
        assert!(script.contains(variable), "{variable}");
    }
    assert!(action.contains("actions/upload-artifact@v4"));
}
