//! Each real evaluator's adapter (`adapters/<name>/`) over the seed's golden cases, when its
//! runtime and installed packages are present (`adapters/<name>/install.sh`; `.ci/run` installs
//! them). Without them the test says plainly that it skipped.

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

fn adapters() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../adapters")
}

fn has_node() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The adapter's command line, or why it cannot run here.
fn command(name: &str) -> Result<String, String> {
    let dir = adapters().join(name);
    let shown = dir.display();
    match name {
        "iam-simulate" | "pbac" => {
            let package = if name == "pbac" {
                "pbac"
            } else {
                "@cloud-copilot/iam-simulate"
            };
            if !has_node() {
                return Err("node is not installed".into());
            }
            if !dir.join("node_modules").join(package).exists() {
                return Err(format!(
                    "{package} is not installed (run {shown}/install.sh)"
                ));
            }
            Ok(format!("node {}", dir.join("adapter.js").display()))
        }
        "moto" => {
            if !dir.join(".venv/bin/python").exists() {
                return Err(format!("moto's venv is missing (run {shown}/install.sh)"));
            }
            Ok(dir.join("run.sh").display().to_string())
        }
        _ => {
            if !dir.join("target/release/iamconf-iam-rs").exists() {
                return Err(format!(
                    "the iam-rs adapter is not built (run {shown}/install.sh)"
                ));
            }
            Ok(dir.join("run.sh").display().to_string())
        }
    }
}

/// The adapter answers every seed case through the protocol (no crash, no garbage, no
/// timeout), and agrees with the reference on at least `floor` of them (what the pinned
/// version did when this test was written: a drop means the adapter broke).
fn seed_run(name: &str, compare: &str, floor: u64) {
    let command = match command(name) {
        Ok(c) => c,
        Err(why) => {
            eprintln!("SKIPPED: the {name} adapter was not run: {why}");
            return;
        }
    };
    let output = Command::new(IAMCONF)
        .args([
            "check",
            "--evaluator",
            &command,
            "--cases",
            "0",
            "--filter",
            "eval/seed/",
            "--compare",
            compare,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        report["candidate_failure"].is_null(),
        "{name}: {}\n{}",
        report["candidate_failure"],
        report["stderr_tail"]
    );
    let code = output.status.code().unwrap();
    assert_eq!(code, if report["conforms"] == true { 0 } else { 1 });
    assert_eq!(report["comparison"], compare);
    let total = report["total"].as_u64().unwrap();
    let passed = report["passed"].as_u64().unwrap();
    assert!(total >= 100, "{name}: {total} seed cases");
    assert!(
        passed >= floor,
        "{name}: {passed} of {total} passed, fewer than {floor}"
    );
    // Every disagreement is in a group, and carries labels or answers that name its cause.
    for problem in report["problems"].as_array().unwrap() {
        assert!(problem["group"].is_string(), "{problem}");
    }
    eprintln!("{name}: {passed} of {total} seed cases agree with the reference");
}

#[test]
fn iam_simulate_over_the_seed() {
    seed_run("iam-simulate", "decision", 100);
}

#[test]
fn pbac_over_the_seed() {
    seed_run("pbac", "allowed", 75);
}

#[test]
fn moto_over_the_seed() {
    seed_run("moto", "decision", 80);
}

#[test]
fn iam_rs_over_the_seed() {
    seed_run("iam-rs", "decision", 55);
}
