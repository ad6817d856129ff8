//! Hostile candidates: processes that trickle, close their output but live on, or leave a
//! child holding the pipe. Each gets a verdict within its timeout, and no process of theirs
//! outlives the gate (the candidate runs in its own process group, which the gate ends), with
//! one evaluator process (`--jobs 1`) and several side by side (`--jobs 2`).

#![cfg(target_os = "linux")]
// Test helpers outside `#[test]` functions may unwrap, index and panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rstest::rstest;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");
/// The per-case timeout given to the gate.
const TIMEOUT: Duration = Duration::from_secs(1);
/// Slack on top of the timeout for a run that must end (a liveness bound, not a speed target).
const SLACK: Duration = Duration::from_secs(8);

/// Whether process `pid` is alive: it exists and is not a zombie (a zombie has ended; only
/// its parent has yet to reap it).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `pid (comm) S ...`: the state follows the last `)`.
        Ok(stat) => {
            let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
            !matches!(state.and_then(|s| s.chars().next()), Some('Z' | 'X') | None)
        }
        Err(_) => false,
    }
}

/// The pids the fixture announced on standard error (`iamconf-fixture: pid N`), as the
/// report's standard-error tail shows them.
fn announced_pids(report: &str) -> Vec<u32> {
    report
        .lines()
        .filter_map(|l| l.split_once("iamconf-fixture: pid ").map(|(_, n)| n))
        .map(|n| n.trim().parse().unwrap())
        .collect()
}

#[rstest]
#[case("slow-partial-lines 50", "hangs", 1)]
#[case("close-stdout", "exited before answering", 1)]
#[case("fork-holding-pipe", "leaving a process that holds its output open", 2)]
fn hostile_candidates_get_a_verdict_and_leave_no_process(
    #[case] mode: &str,
    #[case] says: &str,
    #[case] processes: usize,
    #[values(1, 2)] jobs: usize,
) {
    let evaluator = format!("{FIXTURE} {mode}");
    let started = Instant::now();
    let output = Command::new(IAMCONF)
        .args([
            "check",
            "--evaluator",
            &evaluator,
            "--timeout",
            "1",
            "--jobs",
            &jobs.to_string(),
        ])
        .args(["--cases", "0", "--filter", "eval/seed/"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{mode}\n{stdout}");
    assert!(stdout.contains("CANDIDATE FAILURE"), "{stdout}");
    assert!(stdout.contains(says), "{mode}: {stdout}");
    assert!(elapsed < TIMEOUT + SLACK, "{mode}: {elapsed:?}");
    let pids = announced_pids(&stdout);
    // One evaluator process per job, each with its own.
    assert_eq!(
        pids.len(),
        jobs * processes,
        "{mode} --jobs {jobs}: {stdout}"
    );
    // SIGKILL is delivered before kill(2) returns, but the kernel may take a moment to tear
    // the process down: poll briefly.
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(|&pid| alive(pid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left: Vec<u32> = pids.into_iter().filter(|&pid| alive(pid)).collect();
    assert!(
        left.is_empty(),
        "{mode} --jobs {jobs}: processes left running: {left:?}"
    );
}

/// The check above can fail: a process outside the gate's reach is seen alive.
#[test]
fn a_live_process_is_seen() {
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    assert!(alive(child.id()));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!alive(child.id()));
}
