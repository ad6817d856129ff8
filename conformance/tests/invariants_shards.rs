//! The evaluator invariants under `--jobs` and `--shard K/N`: the base cases are dealt out to
//! the evaluator processes and to the shards, and the report (one process, several, or the
//! shards merged by `iamconf merge`) names the same violations on the same base cases.

// Test helpers outside `#[test]` functions may unwrap, index and panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn iamconf(args: &[&str]) -> Run {
    let output = Command::new(IAMCONF)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn quoted(path: &str) -> String {
    shlex::try_quote(path).map_or_else(|_| path.to_owned(), |q| q.into_owned())
}

/// The invariants alone (no golden, no generated case) over 30 base cases, against a fixture
/// that ignores every policy but the first: it breaks four invariants, most of them on more
/// base cases than are reported in full.
fn invariants_run(extra: &[&str]) -> Run {
    let evaluator = format!("{} first-policy-only", quoted(FIXTURE));
    let mut args = vec![
        "check",
        "--evaluator",
        &evaluator,
        "--timeout",
        "10",
        "--no-golden",
        "--cases",
        "0",
        "--invariant-cases",
        "30",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    iamconf(&args)
}

/// What must not depend on how the run was spread: the invariants' section of a JSON report
/// without `sent` (a share also shrinks violations the whole run only counts).
fn findings(stdout: &str) -> Value {
    let doc: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let mut invariants = doc["invariants"].clone();
    invariants.as_object_mut().unwrap().remove("sent");
    invariants
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "iamconf-invariants-shards-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn jobs_and_merged_shards_report_the_invariants_of_one_process() {
    let one = invariants_run(&["--jobs", "1"]);
    assert_eq!(one.code, 1, "{}", one.stderr);
    let whole = findings(&one.stdout);
    // The run is worth comparing: several invariants broken, some on more base cases than
    // are reported in full, every base case checked.
    let violated: Vec<&Value> = whole["tallies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["violations"].as_u64().unwrap() > 0)
        .collect();
    assert!(violated.len() >= 3, "{whole:#}");
    assert!(
        violated
            .iter()
            .any(|t| t["violations"].as_u64().unwrap() > 2),
        "{whole:#}"
    );
    assert_eq!(whole["generated"], 30, "{whole:#}");
    let reported = whole["violations"].as_array().unwrap();
    assert!(reported.len() >= 6, "{whole:#}");

    let three = invariants_run(&["--jobs", "3"]);
    assert_eq!(three.code, 1, "{}", three.stderr);
    assert_eq!(findings(&three.stdout), whole);

    let dir = temp_dir("merge");
    let mut reports = Vec::new();
    let mut shard_tallies = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let run = invariants_run(&["--jobs", "2", "--shard", &shard]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let part = findings(&run.stdout);
        // Each shard checks its own third of the base cases.
        assert_eq!(part["generated"], 10, "{part:#}");
        shard_tallies.push(part["tallies"].clone());
        let path = dir.join(format!("shard-{k}.json"));
        std::fs::write(&path, &run.stdout).unwrap();
        reports.push(path.display().to_string());
    }
    assert_ne!(shard_tallies[0], shard_tallies[1]);
    let known = dir.join("known-failures.txt").display().to_string();
    let mut merge_args = vec!["merge", "--format", "json", "--known-failures", &known];
    merge_args.extend(reports.iter().map(String::as_str));
    let merged = iamconf(&merge_args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    assert_eq!(findings(&merged.stdout), whole);

    // The merged known-failures view lists each violated invariant; given back to the gate,
    // the run conforms.
    let view = std::fs::read_to_string(&known).unwrap();
    for t in &violated {
        let line = format!("invariant={} ", t["name"].as_str().unwrap());
        assert!(view.contains(&line), "{view}");
    }
    let again = invariants_run(&["--jobs", "2", "--known-failures", &known]);
    assert_eq!(again.code, 0, "{}\n{view}", again.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}
