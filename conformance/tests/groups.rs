//! Failure groups end to end (issue 14): `iamconf check` against `iamconf-fixture` evaluators
//! whose bugs have one cause each, showing that a group is one root cause: errors grouped by
//! the evaluator's masked message whatever the expected answer, rejected documents by the
//! family of their diagnostic codes, decisions by their features and direction; that shrinking
//! keeps the cause; and that a known-failures `group=` line that no longer fails is reported.
//!
//! Runs use a small corpus written here, or a `--filter` on the golden corpus, and no generated
//! cases, so that they stay fast and deterministic.

// Test helpers outside `#[test]` functions may unwrap, index and panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");

struct Run {
    code: i32,
    stdout: String,
}

fn fixture(mode: &str) -> String {
    let path = shlex::try_quote(FIXTURE).map_or_else(|_| FIXTURE.to_owned(), |q| q.into_owned());
    format!("{path} {mode}")
}

/// `iamconf check` of `evaluator` without generated cases and invariants.
fn check(evaluator: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--evaluator",
        evaluator,
        "--timeout",
        "5",
        "--no-invariants",
        "--cases",
        "0",
    ];
    args.extend_from_slice(extra);
    let output = Command::new(IAMCONF)
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

fn json_check(evaluator: &str, extra: &[&str]) -> Value {
    let run = check(evaluator, &[extra, &["--format", "json"]].concat());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamconf-groups-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A corpus of two golden files for `rejects-set-operators`: one policy without `Version`
/// holding `ForAllValues:NumericLessThan`, asked three times with three different expected
/// answers; one policy without `Version` and without set operators.
fn set_operator_corpus(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let eval = dir.join("eval").join("fixture");
    std::fs::create_dir_all(&eval).unwrap();
    let job = |name: &str| format!("arn:aws:iot:us-east-1:123456789012:job/{name}");
    let sets = json!({
        "description": "a set-qualified Numeric operator in a document without Version",
        "source": "conformance/tests/groups.rs",
        "implementation_defined": [],
        "policies": [{"Statement": [
            {"Sid": "Sets", "Effect": "Allow", "Action": "iot:DescribeJob",
             "Resource": ["arn:aws:iot:us-east-1:123456789012:job/a*", "arn:aws:iot:us-east-1:123456789012:job/b*"],
             "Condition": {"ForAllValues:NumericLessThan": {"aws:MultiFactorAuthAge": ["3600", "7200"]},
                           "StringEquals": {"aws:PrincipalTag/team": "blue"}}},
            {"Sid": "Locked", "Effect": "Deny", "Action": "iot:DescribeJob", "Resource": job("b-locked")}
        ]}],
        "requests": [
            {"name": "allowed", "action": "iot:DescribeJob", "resource": job("a1"),
             "context": {"aws:PrincipalTag/team": "blue"}, "expect": "allowed"},
            {"name": "denied", "action": "iot:DescribeJob", "resource": job("b-locked"),
             "context": {"aws:PrincipalTag/team": "blue"}, "expect": "explicitDeny"},
            {"name": "elsewhere", "action": "iot:DescribeJob", "resource": job("c1"),
             "context": {}, "expect": "implicitDeny"}
        ]
    });
    let plain = json!({
        "description": "a document without Version",
        "source": "conformance/tests/groups.rs",
        "implementation_defined": [],
        "policies": [{"Statement": {"Effect": "Allow", "Action": "iot:ListJobs", "Resource": "*"}}],
        "requests": [
            {"name": "list", "action": "iot:ListJobs", "resource": "*", "context": {}, "expect": "allowed"}
        ]
    });
    std::fs::write(eval.join("sets.json"), format!("{sets:#}\n")).unwrap();
    std::fs::write(eval.join("plain.json"), format!("{plain:#}\n")).unwrap();
    dir
}

fn failing_groups(report: &Value) -> BTreeSet<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "failed")
        .map(|p| p["group"].as_str().unwrap().to_owned())
        .collect()
}

/// The evaluator's errors fall into one group per masked message, whatever the reference
/// expected (`allowed`, `explicitDeny`, `implicitDeny`), and the unsupported operator's group
/// keeps its cause through shrinking: its minimal case still holds the set-qualified Numeric
/// operator, although a smaller document (without the condition) also draws an error from the
/// evaluator (for the missing `Version`).
#[test]
fn errors_group_by_message_and_shrinking_keeps_the_cause() {
    let corpus = set_operator_corpus("sets");
    let report = json_check(
        &fixture("rejects-set-operators"),
        &["--corpus", corpus.to_str().unwrap()],
    );
    assert_eq!(report["failed"], 4, "{report:#}");
    assert_eq!(
        failing_groups(&report),
        BTreeSet::from([
            "rejects-valid:missing_field".to_owned(),
            "rejects-valid:unsupported_condition_operator_in_statement".to_owned(),
        ])
    );
    let problems = report["problems"].as_array().unwrap();
    let expected: BTreeSet<&str> = problems
        .iter()
        .filter(|p| p["group"].as_str().unwrap().contains("unsupported"))
        .map(|p| p["expected"].as_str().unwrap())
        .collect();
    assert_eq!(
        expected,
        BTreeSet::from(["allowed", "explicitDeny", "implicitDeny"])
    );
    let group = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"].as_str().unwrap().contains("unsupported"))
        .unwrap();
    assert_eq!(group["count"], 3);
    let minimal = group["minimal"].to_string();
    assert!(
        minimal.contains("ForAllValues:NumericLessThan"),
        "the shrunk case lost its cause: {minimal}"
    );
    // It did shrink: the Deny statement and the StringEquals condition are not needed.
    assert!(!minimal.contains("Locked"), "{minimal}");
    assert!(!minimal.contains("StringEquals"), "{minimal}");
}

/// A document the reference rejects and the evaluator decides on is grouped by the family of
/// the reference's diagnostic codes (a handful of groups, not one per code); the codes stay as
/// the cases' labels and the human report lists them under the group.
#[test]
fn accepted_invalid_documents_group_by_family_with_their_codes_as_labels() {
    let report = json_check(&fixture("fail-open"), &["--filter", "parse/"]);
    let groups = failing_groups(&report);
    assert!(!groups.is_empty(), "{report:#}");
    let families = [
        "accepts-invalid:document",
        "accepts-invalid:structure",
        "accepts-invalid:element",
        "accepts-invalid:condition",
    ];
    for g in &groups {
        assert!(families.contains(&g.as_str()), "{g}");
    }
    let mut codes = BTreeSet::new();
    for p in report["problems"].as_array().unwrap() {
        let labels: Vec<&str> = p["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let code_labels: Vec<&&str> = labels
            .iter()
            .filter(|l| l.starts_with("malformed:"))
            .collect();
        assert!(!code_labels.is_empty(), "{p}");
        codes.extend(code_labels.into_iter().map(|l| (*l).to_owned()));
    }
    // Many codes, few groups.
    assert!(codes.len() > groups.len() + 4, "{codes:?} in {groups:?}");

    let human = check(&fixture("fail-open"), &["--filter", "parse/"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("GROUP 1/") && human.stdout.contains("its cases carry malformed:"),
        "{}",
        human.stdout
    );
}

/// A semantic bug that shows in decisions makes groups keyed by the features of the shrunk
/// case and the direction of the difference, not by how the case is built: the fixture that
/// drops Deny statements gives `applies-less` groups only (it never applies more), with no
/// `Deny` or `policies:many` in their keys.
#[test]
fn decision_groups_are_keyed_by_features_and_direction() {
    let report = json_check(&fixture("deny-does-not-override"), &["--filter", "eval/"]);
    let groups = failing_groups(&report);
    assert!(!groups.is_empty(), "{report:#}");
    for g in &groups {
        assert!(g.ends_with(";applies-less"), "{g}");
        let labels = g.split(';').next().unwrap();
        assert!(
            !labels
                .split(',')
                .any(|l| l == "Deny" || l == "policies:many"),
            "{g}"
        );
    }
    // Cases share a group only with the group's cause (its feature labels exactly): fewer
    // groups than failures, and every failing case's group is its own minimal case's key.
    let failed = report["failed"].as_u64().unwrap();
    assert!(
        failed as usize > groups.len(),
        "{failed} failures in {groups:?}"
    );
    assert_groups_are_the_minimal_cases_keys(&report);
}

/// Every failing decision case's group is the cause key of its own minimal case: its feature
/// labels (with the case's implementation-defined points that still decide something in it)
/// and the direction of its verdicts.
fn assert_groups_are_the_minimal_cases_keys(report: &Value) {
    use iam_conformance::answer_set::DeclaredReadings;
    use iam_conformance::groups::{cause_key, deciding_tags, Errors};
    use iam_conformance::labels::case_labels;
    use iam_conformance::oracle::Oracle;
    use iam_conformance::protocol::CaseLine;

    let mut oracle = Oracle::new();
    let problems = report["problems"].as_array().unwrap();
    let mut checked = 0;
    for p in problems.iter().filter(|p| p["status"] == "failed") {
        let got = p["got"].as_str().unwrap();
        let expected = p["expected"].as_str().unwrap();
        let labels: Vec<String> = p["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect();
        if got == "error" || expected == "error" || labels.iter().any(|l| l == "call") {
            continue;
        }
        let minimal = CaseLine::from_value(&json!({
            "id": p["id"], "policies": p["minimal"]["policies"], "request": p["minimal"]["request"]
        }))
        .unwrap();
        let points: Vec<String> = labels
            .iter()
            .filter(|l| l.starts_with("ID-"))
            .cloned()
            .collect();
        let points = deciding_tags(&mut oracle, &minimal, &points, &DeclaredReadings::default());
        let minimal_labels = case_labels(&minimal, &oracle.answer(&minimal), &points);
        assert_eq!(
            cause_key(&minimal_labels, expected, got, Errors::default()),
            p["group"].as_str().unwrap(),
            "{p:#}"
        );
        checked += 1;
    }
    assert!(checked > 0, "no decision case checked: {report:#}");
}

fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Known failures by group: listing today's groups passes the run; a listed group that no
/// longer fails is reported and fails the run, as a listed case that passes does.
#[test]
fn a_listed_group_that_no_longer_fails_is_reported() {
    let corpus = set_operator_corpus("stale");
    let corpus = corpus.to_str().unwrap();
    let dir = temp_dir("stale-list");
    let today = write(
        &dir.join("today.txt"),
        "group=rejects-valid:unsupported* set operators, tracked as #3\n\
         group=rejects-valid:missing_field* Version required, tracked as #4\n",
    );
    let run = check(
        &fixture("rejects-set-operators"),
        &["--corpus", corpus, "--known-failures", &today],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("STALE"), "{}", run.stdout);

    let stale = write(
        &dir.join("stale.txt"),
        "group=rejects-valid:unsupported* set operators, tracked as #3\n\
         group=rejects-valid:missing_field* Version required, tracked as #4\n\
         group=op:Bool;applies-less fixed in 1.2\n",
    );
    let run = check(
        &fixture("rejects-set-operators"),
        &["--corpus", corpus, "--known-failures", &stale],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("STALE KNOWN FAILURE group=op:Bool;applies-less  fixed in 1.2"),
        "{}",
        run.stdout
    );
    let report = json_check(
        &fixture("rejects-set-operators"),
        &["--corpus", corpus, "--known-failures", &stale],
    );
    assert_eq!(report["conforms"], false);
    assert_eq!(
        report["stale_known_groups"],
        json!(["group=op:Bool;applies-less  fixed in 1.2"])
    );
    // The reference has no failures at all: every group line is stale.
    let run = check(
        &fixture("reference"),
        &["--corpus", corpus, "--known-failures", &today],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.stdout.matches("STALE KNOWN FAILURE group=").count(), 2);
}

/// A corpus of two golden files for `several-bugs`: the first draws its `prefix-confusion`
/// bug (`iot:*` reaching `iotjobsdata:`, no feature label), the second its `negated-or` bug (a
/// negated operator with two values read as an OR), in a case that also names the first
/// file's features and none of `iot:*`.
fn two_causes_corpus(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let eval = dir.join("eval").join("fixture");
    std::fs::create_dir_all(&eval).unwrap();
    let thing = "arn:aws:iot:us-east-1:123456789012:thing/t1";
    let job = "arn:aws:iot:us-east-1:123456789012:job/j1";
    let prefix = json!({
        "description": "iot:* does not reach iotjobsdata:",
        "source": "conformance/tests/groups.rs",
        "implementation_defined": [],
        "policies": [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iot:*", "Resource": "*"}
        ]}],
        "requests": [
            {"name": "data-plane", "action": "iotjobsdata:DescribeJobExecution", "resource": thing,
             "context": {}, "expect": "implicitDeny"}
        ]
    });
    let negated = json!({
        "description": "StringNotEquals with two values is true only when the value is neither",
        "source": "conformance/tests/groups.rs",
        "implementation_defined": [],
        "policies": [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": job,
             "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]}}}
        ]}],
        "requests": [
            {"name": "red", "action": "iot:DescribeJob", "resource": job,
             "context": {"aws:PrincipalTag/team": "red"}, "expect": "implicitDeny"}
        ]
    });
    std::fs::write(eval.join("a-prefix.json"), format!("{prefix:#}\n")).unwrap();
    std::fs::write(eval.join("b-negated.json"), format!("{negated:#}\n")).unwrap();
    dir
}

/// A decision joins a group only when it has the group's cause: the `negated-or` case carries
/// every feature label of the group the `prefix-confusion` case formed (it has none) and
/// disagrees in the same direction, but it is not put there unshrunk: it is shrunk and forms
/// the group of its own cause. Every failing case's group is the cause key of its own minimal
/// case (its feature labels and the direction of the two verdicts).
#[test]
fn a_decision_joins_a_group_only_with_the_groups_cause() {
    let corpus = two_causes_corpus("two-causes");
    let report = json_check(
        &fixture("several-bugs"),
        &["--corpus", corpus.to_str().unwrap()],
    );
    assert_eq!(report["failed"], 2, "{report:#}");
    let problems = report["problems"].as_array().unwrap();
    let group_of = |id: &str| {
        problems
            .iter()
            .find(|p| p["id"].as_str().unwrap().contains(id))
            .unwrap_or_else(|| panic!("no problem `{id}`: {report:#}"))["group"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(group_of("a-prefix"), "-;applies-more");
    assert_eq!(group_of("b-negated"), "op:String;applies-more");
    assert_eq!(
        failing_groups(&report),
        BTreeSet::from([
            "-;applies-more".to_owned(),
            "op:String;applies-more".to_owned()
        ])
    );
    // Each case's variant is its detailed key: the feature labels of its minimal case.
    let variant_of = |id: &str| {
        problems
            .iter()
            .find(|p| p["id"].as_str().unwrap().contains(id))
            .unwrap()["variant"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(variant_of("b-negated"), "negated,op:String;applies-more");
    assert_eq!(variant_of("a-prefix"), "-;applies-more");
    assert_groups_are_the_minimal_cases_keys(&report);
}

/// A known-failures file written before root-cause keys names groups by their detailed keys
/// (every feature label of the minimal case, `negated,op:String;applies-more`): those lines
/// still list the cases (by their variant), so the run passes and no line is stale; a detailed
/// key no case has is stale, as before. Today's list (`--write-known-failures`) names the
/// root-cause groups and passes too.
#[test]
fn a_known_failures_file_naming_detailed_keys_still_matches() {
    let corpus = two_causes_corpus("old-known");
    let corpus = corpus.to_str().unwrap();
    let dir = temp_dir("old-known-list");
    let old = write(
        &dir.join("old.txt"),
        "group=-;applies-more iot:* reaches iotjobsdata:, tracked as #1\n\
         group=negated,op:String;applies-more negated operators read as OR, tracked as #2\n",
    );
    let run = check(
        &fixture("several-bugs"),
        &["--corpus", corpus, "--known-failures", &old],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("STALE"), "{}", run.stdout);
    let report = json_check(
        &fixture("several-bugs"),
        &["--corpus", corpus, "--known-failures", &old],
    );
    assert_eq!(report["expected_failures"], 2, "{report:#}");
    assert_eq!(report["failed"], 0, "{report:#}");

    let gone = write(
        &dir.join("gone.txt"),
        "group=-;applies-more tracked as #1\n\
         group=negated,op:String;applies-more tracked as #2\n\
         group=IfExists,negated,op:String;applies-more fixed in 1.2\n",
    );
    let run = check(
        &fixture("several-bugs"),
        &["--corpus", corpus, "--known-failures", &gone],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "STALE KNOWN FAILURE group=IfExists,negated,op:String;applies-more  fixed in 1.2"
        ),
        "{}",
        run.stdout
    );

    let today = dir.join("today.txt");
    let run = check(
        &fixture("several-bugs"),
        &[
            "--corpus",
            corpus,
            "--write-known-failures",
            today.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let list = std::fs::read_to_string(&today).unwrap();
    let keys: Vec<&str> = list
        .lines()
        .filter_map(|l| l.strip_prefix("group="))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(keys, ["-;applies-more", "op:String;applies-more"], "{list}");
    let run = check(
        &fixture("several-bugs"),
        &[
            "--corpus",
            corpus,
            "--known-failures",
            today.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// The human report of a run with hundreds of failures (`several-bugs`, seven bugs at once,
/// over the golden corpus and generated cases) fits in about 150 lines and names every failure
/// group by its key, in full or on one line; its groups are root causes, far fewer than the
/// detailed keys (variants) of their cases.
#[test]
fn the_human_report_of_hundreds_of_failures_fits_two_screens_and_names_its_groups() {
    let evaluator = fixture("several-bugs");
    let args = [
        "check",
        "--evaluator",
        evaluator.as_str(),
        "--timeout",
        "30",
        "--no-invariants",
        "--cases",
        "50",
    ];
    let run_with = |extra: &[&str]| {
        let output = Command::new(IAMCONF)
            .args(args)
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        }
    };
    let report: Value = serde_json::from_str(&run_with(&["--format", "json"]).stdout).unwrap();
    let failed = report["failed"].as_u64().unwrap();
    assert!(failed >= 200, "{failed} failures");
    let groups = failing_groups(&report);
    let variants: BTreeSet<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "failed")
        .map(|p| p["variant"].as_str().unwrap())
        .collect();
    assert!(
        groups.len() < variants.len(),
        "{} groups, {} variants: {groups:?}",
        groups.len(),
        variants.len()
    );
    // The human report of the same run (its groups may differ from the JSON run's where a
    // shrink ran out of time, so it is checked against its own summary line).
    let run = run_with(&[]);
    assert_eq!(run.code, 1);
    let text = &run.stdout;
    let lines = text.lines().count();
    assert!(lines <= 150, "{lines} lines:\n{text}");
    let summary = text
        .lines()
        .find(|l| l.contains(" failed, ") && l.contains("failure group"))
        .unwrap_or_else(|| panic!("no summary line:\n{text}"));
    let number_before = |word: &str| -> usize {
        let before = summary.split(word).next().unwrap();
        before
            .rsplit(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .unwrap()
            .parse()
            .unwrap()
    };
    let failed_here = number_before(" failed");
    let groups_here = number_before(" failure group");
    assert!(failed_here >= 200, "{summary}");
    // Every group is named by its key: in full (`GROUP n/m ...` then `  key: KEY`) or on one
    // line (`GROUP n/m [count] KEY: ...`).
    let all = text.lines().collect::<Vec<_>>();
    let mut named = BTreeSet::new();
    for (i, line) in all.iter().enumerate() {
        let Some(rest) = line.strip_prefix("GROUP ") else {
            continue;
        };
        assert!(
            rest.starts_with(&format!("{}/{groups_here} ", named.len() + 1)),
            "{line}\n{text}"
        );
        let key = match all.get(i + 1).and_then(|l| l.strip_prefix("  key: ")) {
            Some(key) => key.to_owned(),
            None => rest
                .split_once("] ")
                .and_then(|(_, after)| after.split_once(": "))
                .map(|(key, _)| key.to_owned())
                .unwrap_or_else(|| panic!("no key in `{line}`")),
        };
        assert!(!key.contains(' '), "{key}");
        named.insert(key);
    }
    assert_eq!(named.len(), groups_here, "{text}");
}
