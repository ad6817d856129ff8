//! The gate end to end: `iamconf check` against the deliberately broken evaluators of
//! `iamconf-fixture`, and the Rust API (`iam_conformance::check`).
//!
//! Semantic-bug runs use `--cases 0` and a `--filter` on the golden group that holds the cases
//! catching the bug, so that they stay fast and deterministic whatever the generator does; runs
//! that must pass use `--cases 200`. Hang tests use a 2 s `--timeout`.

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
use std::time::{Duration, Instant};

use iam_conformance::cases::Corpus;
use iam_conformance::gate::{Config, Status};
use iam_eval::{Decision, Evaluator, Request, Response};
use rstest::rstest;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");
/// The per-case timeout given to the gate in these tests.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Slack on top of the timeout for a run that must end (a liveness bound, not a speed target).
const SLACK: Duration = Duration::from_secs(8);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

fn quoted(path: &str) -> String {
    shlex::try_quote(path).map_or_else(|_| path.to_owned(), |q| q.into_owned())
}

fn fixture(mode: &str) -> String {
    format!("{} {mode}", quoted(FIXTURE))
}

fn iamconf(args: &[&str]) -> Run {
    let started = Instant::now();
    let output = Command::new(IAMCONF)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// A gate run without the evaluator invariants (tests/invariants_gate.rs covers those): one
/// evaluator process unless `extra` says `--jobs`.
fn check(evaluator: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--evaluator",
        evaluator,
        "--timeout",
        "2",
        "--no-invariants",
    ];
    if !extra.contains(&"--jobs") {
        args.extend_from_slice(&["--jobs", "1"]);
    }
    args.extend_from_slice(extra);
    iamconf(&args)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamconf-gate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Each semantic bug is caught by the golden cases of one group: exit 1, a FAILED case of that
/// group with its case JSON and the reference's explanation. The reference fixture passes the
/// same group, so the failures are the bug's.
#[rstest]
#[case("deny-does-not-override", "eval/seed/")]
#[case("prefix-confusion", "eval/wildcards/actions")]
#[case("notresource-deny-grants", "eval/wildcards/not-resource")]
#[case("fail-open", "parse/errors/")]
#[case("ignore-unknown-operators", "parse/errors/")]
#[case("case-sensitive-actions", "eval/wildcards/actions")]
#[case("negated-or", "eval/operators/string")]
fn each_semantic_bug_fails_the_gate(#[case] mode: &str, #[case] group: &str) {
    let run = check(&fixture(mode), &["--cases", "0", "--filter", group]);
    assert_eq!(run.code, 1, "{mode}\n{}\n{}", run.stdout, run.stderr);
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("FAILED "))
        .collect();
    assert!(
        !failed.is_empty(),
        "{mode}: no failing case named\n{}",
        run.stdout
    );
    assert!(failed.iter().all(|id| id.contains(group)), "{failed:?}");
    assert!(run.stdout.contains("case:\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\"policies\""), "{}", run.stdout);
    assert!(run.stdout.contains("\"request\""), "{}", run.stdout);
    assert!(
        run.stdout.contains("the reference explains:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("DOES NOT CONFORM"), "{}", run.stdout);

    let reference = check(&fixture("reference"), &["--cases", "0", "--filter", group]);
    assert_eq!(reference.code, 0, "{}", reference.stdout);
    assert!(!reference.stdout.contains("FAILED"), "{}", reference.stdout);
}

#[rstest]
#[case("reference")]
#[case("stderr-flood")]
#[case("slow 1")]
fn correct_answers_pass(#[case] mode: &str) {
    // A generous per-answer timeout: the 50 MB flood must not be mistaken for a hang when the
    // machine is busy with other tests.
    let evaluator = fixture(mode);
    let run = iamconf(&[
        "check",
        "--evaluator",
        &evaluator,
        "--timeout",
        "30",
        "--cases",
        "200",
        "--no-invariants",
    ]);
    assert_eq!(run.code, 0, "{mode}\n{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.trim_end().ends_with("conforms"),
        "{}",
        run.stdout
    );
    assert!(run.elapsed < Duration::from_secs(60), "{:?}", run.elapsed);
}

#[test]
fn the_reference_through_the_protocol_passes() {
    let evaluator = format!("{} evaluate", quoted(IAMCONF));
    let run = check(&evaluator, &["--cases", "200"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // Also under --strict --compare matched: error answers carry no `matched` to compare.
    let run = check(
        &evaluator,
        &["--cases", "0", "--strict", "--compare", "matched"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

/// Each protocol misbehaviour ends the run with exit 1 within the timeout (plus slack), and
/// the report names the problem.
#[rstest]
#[case("crash-after 3", "exited")]
#[case("crash-after 0", "exited")]
#[case("exit-early", "exited")]
#[case("hang-on 2", "hangs")]
#[case("slow 4000", "hangs")]
#[case("garbage", "not an answer line")]
#[case("wrong-id", "wrong id")]
#[case("out-of-order", "wrong id")]
#[case("huge-line", "longer than")]
fn protocol_misbehaviour_fails_the_gate_in_bounded_time(#[case] mode: &str, #[case] says: &str) {
    let run = check(
        &fixture(mode),
        &["--cases", "200", "--filter", "eval/seed/"],
    );
    assert_eq!(run.code, 1, "{mode}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("CANDIDATE FAILURE"), "{}", run.stdout);
    assert!(run.stdout.contains(says), "{mode}: {}", run.stdout);
    assert!(run.elapsed < TIMEOUT + SLACK, "{mode}: {:?}", run.elapsed);
}

#[test]
fn crash_reports_the_exit_status_and_the_cases_before_it() {
    let run = check(
        &fixture("crash-after 3"),
        &["--cases", "0", "--filter", "eval/seed/"],
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("exit status: 3"), "{}", run.stdout);
    assert!(run.stdout.contains("3 cases (3 golden"), "{}", run.stdout);
}

#[cfg(unix)]
#[rstest]
// Blank lines forever: the deadline is per case, blank lines do not extend it.
#[case("while :; do echo; done", "hangs")]
#[case("read l; printf '\\377\\n'; sleep 30", "not UTF-8")]
// Answers, then stays alive after its input closes.
#[case(
    "read l; echo '{\"id\":\"eval/seed/e1-as-written#would-decide-if-corrected\",\"error\":\"x\"}'; exec sleep 30",
    "did not exit"
)]
fn shell_evaluators_that_misbehave(#[case] script: &str, #[case] says: &str) {
    let evaluator = format!("sh -c {}", quoted(script));
    let run = check(
        &evaluator,
        &[
            "--cases",
            "0",
            "--filter",
            "eval/seed/e1-as-written#would-decide-if-corrected",
        ],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(says), "{}", run.stdout);
    assert!(run.elapsed < TIMEOUT + SLACK, "{:?}", run.elapsed);
}

#[rstest]
#[case(&["check", "--evaluator", "/nonexistent/iamconf-no-such-evaluator", "--cases", "0"])]
#[case(&["check", "--evaluator", "", "--cases", "0"])]
#[case(&["check", "--evaluator", "'unbalanced", "--cases", "0"])]
#[case(&["check", "--no-such-flag"])]
#[case(&["check", "--timeout", "0", "--cases", "0"])]
#[case(&["check", "--timeout", "1e300", "--cases", "0"])]
#[case(&["check", "--time-budget=-1", "--cases", "0"])]
#[case(&["check", "--format", "xml"])]
#[case(&["check", "--known-failures", "/nonexistent/known-failures.txt"])]
fn the_gate_cannot_run_exit_2(#[case] args: &[&str]) {
    let run = iamconf(args);
    assert_eq!(run.code, 2, "{args:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("error"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn json_report() {
    let filter = ["--cases", "0", "--filter", "eval/wildcards/not-resource"];
    let run = check(
        &fixture("notresource-deny-grants"),
        &[&filter[..], &["--format", "json"]].concat(),
    );
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["conforms"], false);
    assert!(doc["failed"].as_u64().unwrap() >= 1);
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len() as u64, doc["failed"].as_u64().unwrap());
    for p in problems {
        assert_eq!(p["status"], "failed");
        assert!(p["id"]
            .as_str()
            .unwrap()
            .starts_with("eval/wildcards/not-resource#"));
        assert_eq!(p["expected"], "explicitDeny");
        assert_eq!(p["got"], "allowed");
        assert!(p["minimal"]["policies"].is_array());
        assert!(p["explanation"].is_string());
    }

    let run = check(
        &fixture("reference"),
        &[&filter[..], &["--format", "json"]].concat(),
    );
    assert_eq!(run.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["conforms"], true);
    assert_eq!(doc["problems"], serde_json::json!([]));

    let run = check(
        &fixture("garbage"),
        &[&filter[..], &["--format", "json"]].concat(),
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["conforms"], false);
    assert!(doc["candidate_failure"]
        .as_str()
        .unwrap()
        .contains("not an answer line"));
}

/// A small well-formedness check: a prolog, balanced tags, quoted attributes, text without
/// raw `<`, and only the predefined entities.
fn assert_well_formed_xml(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .unwrap();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    let mut roots = 0;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start]);
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
            assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()));
            let mut attrs = tag[name.len()..].trim();
            while !attrs.is_empty() {
                let (key, value) = attrs.split_once("=\"").expect("attribute without value");
                assert!(
                    key.trim().chars().all(|c| c.is_ascii_alphanumeric()),
                    "{key}"
                );
                let close = value.find('"').expect("unclosed attribute");
                check_text(&value[..close]);
                attrs = value[close + 1..].trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1);
}

fn check_text(text: &str) {
    assert!(!text.contains('<'));
    let mut parts = text.split('&');
    parts.next();
    for part in parts {
        assert!(
            ["amp;", "lt;", "gt;", "quot;", "apos;"]
                .iter()
                .any(|e| part.starts_with(e)),
            "bad entity in {text:?}"
        );
    }
}

#[test]
fn junit_report_is_well_formed() {
    for mode in ["negated-or", "reference", "garbage", "stderr-flood"] {
        // A generous per-answer timeout: on a busy machine the 50 MB flood takes more than the
        // 2 s of `check`, and must not be mistaken for a hang (as in `correct_answers_pass`).
        let run = iamconf(&[
            "check",
            "--evaluator",
            &fixture(mode),
            "--timeout",
            "30",
            "--no-invariants",
            "--cases",
            "0",
            "--filter",
            "eval/operators/string",
            "--format",
            "junit",
        ]);
        assert_eq!(
            run.code,
            i32::from(mode == "negated-or" || mode == "garbage")
        );
        assert_well_formed_xml(&run.stdout);
        assert!(run.stdout.contains("<testsuite name=\"iamconf\""));
        assert_eq!(
            run.stdout.contains("<failure"),
            run.code == 1,
            "{mode}: {}",
            run.stdout
        );
    }
}

#[test]
fn the_xml_checker_rejects_broken_xml() {
    for broken in [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a><b></a></b>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>x < y</a>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a m=\"&bad;\"/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>",
    ] {
        assert!(std::panic::catch_unwind(|| assert_well_formed_xml(broken)).is_err());
    }
}

#[test]
fn known_failures_turn_failures_into_expected_ones_and_must_shrink() {
    let dir = temp_dir("known");
    let list = dir.join("known-failures.txt");
    std::fs::write(
        &list,
        "# the fixture reads a NotResource Deny as an Allow\n\
         eval/wildcards/not-resource#template-action-* NotResource Deny bug, tracked as #12\n\
         eval/wildcards/not-resource#template-list-???? same bug\n",
    )
    .unwrap();
    let list = list.to_str().unwrap();
    let filter = ["--cases", "0", "--filter", "eval/wildcards/not-resource"];
    let run = check(
        &fixture("notresource-deny-grants"),
        &[&filter[..], &["--known-failures", list]].concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("0 failed, 2 expected failures"),
        "{}",
        run.stdout
    );

    // The bug fixed, the listed cases pass: the list must shrink.
    let run = check(
        &fixture("reference"),
        &[&filter[..], &["--known-failures", list]].concat(),
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("UNEXPECTED PASS eval/wildcards/not-resource#template-action-elsewhere"),
        "{}",
        run.stdout
    );

    // A line without a reason is a usage error.
    std::fs::write(dir.join("bad.txt"), "eval/*\n").unwrap();
    let bad = dir.join("bad.txt");
    let run = check(
        &fixture("reference"),
        &[&filter[..], &["--known-failures", bad.to_str().unwrap()]].concat(),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("needs a reason"), "{}", run.stderr);
}

#[test]
fn saved_failures_join_the_corpus_with_the_reference_expectation() {
    let dir = temp_dir("saved");
    let saved = dir.join("failures");
    let filter = ["--cases", "0", "--filter", "eval/operators/string"];
    let run = check(
        &fixture("negated-or"),
        &[
            &filter[..],
            &["--verbose", "--save-failures", saved.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let failed = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAILED "))
        .count();
    assert_eq!(run.stdout.matches("  saved as ").count(), failed);

    let corpus = Corpus::load_dir(&saved).unwrap();
    assert_eq!(corpus.decisions.len(), failed);
    let golden = Corpus::embedded().unwrap();
    for case in &corpus.decisions {
        // The saved case is the golden one it came from, shrunk: the same expectation as the
        // hand-written one (not the reference's answer, which wrote it), and no more policy
        // text than the original.
        let id = case
            .description
            .split("(case `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .unwrap();
        let original = golden.decisions.iter().find(|g| g.id == id).unwrap();
        assert_eq!(case.expect, original.expect);
        let size = |policies: &[serde_json::Value]| serde_json::to_string(policies).unwrap().len();
        assert!(
            size(&case.case.policies) <= size(&original.case.policies),
            "{id}"
        );
    }

    // The saved corpus replays the disagreement, and the reference passes it.
    let saved = saved.to_str().unwrap();
    let bug = check(&fixture("negated-or"), &["--cases", "0", "--corpus", saved]);
    assert_eq!(bug.code, 1, "{}", bug.stdout);
    // Shrinking kept every disagreement.
    assert!(
        bug.stdout.contains(&format!(": 0 passed, {failed} failed")),
        "{}",
        bug.stdout
    );
    let good = check(&fixture("reference"), &["--cases", "0", "--corpus", saved]);
    assert_eq!(good.code, 0, "{}", good.stdout);
    assert!(
        good.stdout.contains(&format!("{failed} passed")),
        "{}",
        good.stdout
    );
}

#[test]
fn the_rust_api_passes_the_reference() {
    let config = Config {
        generated: 0,
        ..Default::default()
    };
    let report = iam_conformance::check(&iam_eval::ReferenceEvaluator, &config);
    assert!(
        report.passed(),
        "{}",
        iam_conformance::report::human(&report)
    );
    assert!(report.counts.total() > 100);
    assert_eq!(report.counts.passed, report.counts.total());
    assert_eq!(report.exit_code(), 0);
}

/// A broken evaluator: everything is allowed, even a malformed document.
struct AllowEverything;

impl Evaluator for AllowEverything {
    fn evaluate(&self, _: &[&str], _: &Request) -> Response {
        Response {
            decision: Some(Decision::Allow),
            ..Response::default()
        }
    }
}

#[test]
fn the_rust_api_names_the_cases_a_broken_evaluator_fails() {
    let config = Config {
        generated: 0,
        filter: Some("eval/seed/".into()),
        ..Default::default()
    };
    let report = iam_conformance::check(&AllowEverything, &config);
    assert!(!report.passed());
    assert_eq!(report.exit_code(), 1);
    let failed: Vec<&str> = report
        .problems
        .iter()
        .filter(|o| o.status == Status::Failed)
        .map(|o| o.id.as_str())
        .collect();
    assert!(!failed.is_empty());
    // Exactly the cases none of whose permitted answers is `allowed` fail: the expectation
    // of a case that depends on no point, any reading's answer for one that does (issue 9:
    // no case is left out).
    let gate_cases = iam_conformance::cases::Corpus::embedded()
        .unwrap()
        .gate_cases();
    let mut answerer = iam_conformance::answer_set::Answerer::new();
    let mut oracle = iam_conformance::oracle::Oracle::new();
    let not_allowed: Vec<&str> = gate_cases
        .iter()
        .filter(|c| c.id.contains("eval/seed/"))
        .filter(|c| {
            let points = iam_conformance::answer_set::points_of(&c.implementation_defined).unwrap();
            let set = answerer.answers(&mut oracle, &c.case, &points, &Default::default());
            if points.is_empty() {
                assert_eq!(set.first().unwrap().verdict.word(), c.expect, "{}", c.id);
            }
            !set.answers
                .iter()
                .any(|a| a.answer.verdict.word() == "allowed")
        })
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(failed, not_allowed);
    for o in &report.problems {
        assert_eq!(o.status, Status::Failed, "{}", o.id);
        assert_ne!(o.expected, "allowed", "{}", o.id);
    }
    let text = iam_conformance::report::human(&report);
    for id in failed {
        assert!(text.contains(&format!("FAILED {id}\n")), "{id}");
    }
    assert!(text.contains("DOES NOT CONFORM"));
}

/// The generator on its own (no golden case) finds every semantic bug class of the fixtures,
/// and each disagreement it reports is shrunk.
#[rstest]
#[case("deny-does-not-override")]
#[case("prefix-confusion")]
#[case("notresource-deny-grants")]
#[case("fail-open")]
#[case("ignore-unknown-operators")]
#[case("case-sensitive-actions")]
#[case("negated-or")]
fn generated_cases_alone_catch_each_semantic_bug(#[case] mode: &str) {
    let run = check(&fixture(mode), &["--no-golden", "--cases", "1500"]);
    assert_eq!(run.code, 1, "{mode}\n{}", run.stdout);
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("FAILED "))
        .collect();
    assert!(!failed.is_empty(), "{mode}\n{}", run.stdout);
    assert!(failed.iter().all(|id| id.starts_with("gen-")), "{failed:?}");
    assert!(run.stdout.contains("minimal case:\n"), "{}", run.stdout);
}

/// The problems of a JSON report as (id, position, status, expected, got, detail), and its
/// counts.
fn verdicts(doc: &serde_json::Value) -> (Vec<String>, Vec<u64>) {
    let problems = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} @{} {} {} {} {}",
                p["id"], p["position"], p["status"], p["expected"], p["got"], p["detail"]
            )
        })
        .collect();
    let counts = [
        "total",
        "golden",
        "generated",
        "passed",
        "failed",
        "expected_failures",
        "unexpected_passes",
        "implementation_defined_left_out",
    ]
    .iter()
    .map(|k| doc[k].as_u64().unwrap())
    .collect();
    (problems, counts)
}

#[test]
fn three_jobs_and_three_shards_give_the_verdicts_of_one_process() {
    // 400 generated cases: at least 10 disagreements once the implementation-defined ones
    // are left out. Each shrink ends by its attempt budget, well before 30 s: a shrink cut by
    // time would depend on the machine's load, and the runs' minimal cases (in `detail`) with it.
    let args = ["--cases", "400", "--format", "json", "--shrink-time", "30"];
    let one = check(
        &fixture("prefix-confusion"),
        &[&args[..], &["--jobs", "1"]].concat(),
    );
    assert_eq!(one.code, 1, "{}", one.stderr);
    let one: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    let three = check(
        &fixture("prefix-confusion"),
        &[&args[..], &["--jobs", "3"]].concat(),
    );
    assert_eq!(three.code, 1, "{}", three.stderr);
    let three: serde_json::Value = serde_json::from_str(&three.stdout).unwrap();
    let whole = verdicts(&one);
    assert!(whole.0.len() >= 10, "{whole:?}");
    assert_eq!(whole, verdicts(&three));

    let dir = temp_dir("shards");
    let mut reports = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let run = check(
            &fixture("prefix-confusion"),
            &[&args[..], &["--jobs", "2", "--shard", &shard]].concat(),
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["shard"], shard.as_str());
        let path = dir.join(format!("shard-{k}.json"));
        std::fs::write(&path, &run.stdout).unwrap();
        reports.push(path.display().to_string());
    }
    let junit = dir.join("merged.xml").display().to_string();
    let known = dir.join("known-failures.txt").display().to_string();
    let mut merge_args = vec!["merge", "--format", "json", "--junit", &junit];
    merge_args.extend(["--known-failures", &known]);
    merge_args.extend(reports.iter().map(String::as_str));
    let merged = iamconf(&merge_args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    let merged: serde_json::Value = serde_json::from_str(&merged.stdout).unwrap();
    assert_eq!(verdicts(&merged), whole);
    assert_eq!(merged["conforms"], false);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_well_formed_xml(&xml);
    assert!(xml.contains(&format!("tests=\"{}\"", whole.1[0])), "{xml}");
    // The known-failures view, given back to the gate, turns every failure into an expected
    // one: the run conforms.
    let again = check(
        &fixture("prefix-confusion"),
        &[&args[..], &["--known-failures", &known]].concat(),
    );
    assert_eq!(again.code, 0, "{}", again.stdout);

    // Not the shards of one run: a usage error naming the missing shard.
    let partial = iamconf(&["merge", &reports[0], &reports[2]]);
    assert_eq!(partial.code, 2);
    assert!(
        partial.stderr.contains("shard 2/3 is missing"),
        "{}",
        partial.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}
