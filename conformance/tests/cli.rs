//! The `iamconf validate` and `iamconf evaluate` commands, end to end.

// Test helpers outside `#[test]` functions may unwrap, index and panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use iam_conformance::cases::{Corpus, ExpectedDiagnostic, ParseCase};
use rstest::rstest;
use serde_json::{json, Value};

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
/// A liveness bound for one command on hostile input, not a speed target.
const BOUND: Duration = Duration::from_secs(20);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

fn iamconf(args: &[&str], stdin: &[u8]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(IAMCONF)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamconf-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn seed_cases() -> Vec<ParseCase> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let corpus = Corpus::load_dir(&dir).unwrap();
    let seeds: Vec<ParseCase> = corpus
        .parse
        .into_iter()
        .filter(|c| c.id.starts_with("parse/seed/") && c.kind.is_none())
        .collect();
    assert!(seeds.len() >= 14, "{}", seeds.len());
    seeds
}

/// The diagnostics blocks of human output: (severity, code, `path:line:column`, block text).
fn blocks(stdout: &str) -> Vec<(String, String, String, String)> {
    let mut out: Vec<(String, String, String, String)> = Vec::new();
    for line in stdout.lines() {
        let head = ["error[", "warning["]
            .iter()
            .find(|p| line.starts_with(**p) && !line.starts_with("error[unreadable]"));
        if let Some(prefix) = head {
            let code = line[prefix.len()..].split(']').next().unwrap().to_owned();
            out.push((
                prefix.trim_end_matches('[').to_owned(),
                code,
                String::new(),
                String::new(),
            ));
        }
        if let Some(last) = out.last_mut() {
            if let Some(at) = line.trim_start().strip_prefix("--> ") {
                if last.2.is_empty() {
                    last.2 = at.to_owned();
                }
            }
            last.3.push_str(line);
            last.3.push('\n');
        }
    }
    out
}

#[test]
fn validate_renders_each_seed_example() {
    let dir = temp_dir("seeds");
    for case in seed_cases() {
        let name = case.id.rsplit('/').next().unwrap();
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, &case.policy).unwrap();
        let path_text = path.to_str().unwrap();
        let run = iamconf(&["validate", path_text], b"");
        let expected_code = if case.expect.valid { 0 } else { 1 };
        assert_eq!(run.code, expected_code, "{}\n{}", case.id, run.stdout);
        let found = blocks(&run.stdout);
        // Each expected error, at `path:line:column`, with the caret and the hint.
        for e in &case.expect.errors {
            let at = format!("{path_text}:{}:{}", e.line, e.column);
            let block = found
                .iter()
                .find(|b| b.0 == "error" && b.1 == e.code && b.2 == at)
                .unwrap_or_else(|| panic!("{}: no {} at {at}\n{}", case.id, e.code, run.stdout));
            assert!(block.3.contains('^'), "{}", block.3);
            assert!(block.3.contains("= help: "), "{}", block.3);
        }
        let errors = found.iter().filter(|b| b.0 == "error").count();
        assert_eq!(
            errors,
            case.expect.errors.len(),
            "{}\n{}",
            case.id,
            run.stdout
        );
        if let Some(warnings) = &case.expect.warnings {
            let mut expected: Vec<String> = warnings
                .iter()
                .map(|w| format!("{}@{path_text}:{}:{}", w.code, w.line, w.column))
                .collect();
            let mut got: Vec<String> = found
                .iter()
                .filter(|b| b.0 == "warning")
                .map(|b| format!("{}@{}", b.1, b.2))
                .collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{}", case.id);
        }
        // Errors before warnings.
        let first_warning = found.iter().position(|b| b.0 == "warning");
        let last_error = found.iter().rposition(|b| b.0 == "error");
        if let (Some(w), Some(e)) = (first_warning, last_error) {
            assert!(
                e < w,
                "{}: an error after a warning\n{}",
                case.id,
                run.stdout
            );
        }
        let verdict = if case.expect.valid {
            "valid"
        } else {
            "invalid"
        };
        assert!(
            run.stdout.contains(&format!("{path_text}: {verdict} (")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn validate_json_lists_the_same_diagnostics() {
    let dir = temp_dir("json");
    for case in seed_cases() {
        let path = dir.join("policy.json");
        std::fs::write(&path, &case.policy).unwrap();
        let run = iamconf(
            &["validate", "--format", "json", path.to_str().unwrap()],
            b"",
        );
        assert_eq!(run.code, i32::from(!case.expect.valid), "{}", case.id);
        let doc: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["valid"], case.expect.valid);
        let file = &doc["files"][0];
        assert_eq!(file["valid"], case.expect.valid);
        let diagnostics = file["diagnostics"].as_array().unwrap();
        let of = |severity: &str| -> Vec<ExpectedDiagnostic> {
            let mut v: Vec<ExpectedDiagnostic> = diagnostics
                .iter()
                .filter(|d| d["severity"] == severity)
                .map(|d| ExpectedDiagnostic {
                    code: d["code"].as_str().unwrap().to_owned(),
                    line: d["line"].as_u64().unwrap() as usize,
                    column: d["column"].as_u64().unwrap() as usize,
                })
                .collect();
            v.sort();
            v
        };
        let mut errors = case.expect.errors.clone();
        errors.sort();
        assert_eq!(of("error"), errors, "{}", case.id);
        if let Some(warnings) = &case.expect.warnings {
            let mut warnings = warnings.clone();
            warnings.sort();
            assert_eq!(of("warning"), warnings, "{}", case.id);
        }
        let severities: Vec<&str> = diagnostics
            .iter()
            .map(|d| d["severity"].as_str().unwrap())
            .collect();
        assert!(
            severities
                .windows(2)
                .all(|w| !(w[0] == "warning" && w[1] == "error")),
            "{severities:?}"
        );
        assert!(diagnostics.iter().all(|d| d["message"].is_string()));
    }
}

#[test]
fn validate_reads_standard_input() {
    let corrected = seed_cases()
        .into_iter()
        .find(|c| c.id == "parse/seed/e2-corrected")
        .unwrap();
    let run = iamconf(&["validate", "-"], corrected.policy.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("<stdin>: valid"), "{}", run.stdout);
    let as_written = seed_cases()
        .into_iter()
        .find(|c| c.id == "parse/seed/e2-as-written")
        .unwrap();
    let run = iamconf(&["validate", "-"], as_written.policy.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("<stdin>:18:6"), "{}", run.stdout);
}

/// Hostile files: each gets a clear diagnostic and exit 1, in bounded time, without a panic.
#[rstest]
#[case::directory("dir", "is a directory")]
#[case::missing("missing", "cannot be read")]
#[case::empty("empty", "error[json-syntax]")]
#[case::invalid_utf8("utf8", "error[invalid-utf8]")]
#[case::bom("bom", "byte-order mark")]
#[case::deep("deep", "error[too-deep]")]
#[case::huge("huge", "error[too-large]")]
fn validate_survives_hostile_files(#[case] kind: &str, #[case] says: &str) {
    let dir = temp_dir(&format!("hostile-{kind}"));
    let path = dir.join("policy.json");
    match kind {
        "dir" => std::fs::create_dir(&path).unwrap(),
        "missing" => {}
        "empty" => std::fs::write(&path, b"").unwrap(),
        "utf8" => std::fs::write(&path, b"{\"Version\": \"2012-10-17\xff\"}").unwrap(),
        "bom" => std::fs::write(
            &path,
            b"\xef\xbb\xbf{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        )
        .unwrap(),
        "deep" => std::fs::write(&path, "[".repeat(100_000)).unwrap(),
        "huge" => {
            let mut text = String::with_capacity(50_000_010);
            text.push_str("{\"Sid\":\"");
            text.push_str(&"a".repeat(50_000_000));
            text.push_str("\"}");
            std::fs::write(&path, text).unwrap();
        }
        _ => unreachable!(),
    }
    let run = iamconf(&["validate", path.to_str().unwrap()], b"");
    assert_eq!(run.code, 1, "{kind}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(says), "{kind}: {}", run.stdout);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.elapsed < BOUND, "{kind}: {:?}", run.elapsed);
    assert!(run.stdout.contains(": invalid") || run.stdout.contains("error[unreadable]"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn validate_enforces_the_user_quota_only_when_asked() {
    // 2,049 characters that are not whitespace (whitespace inside is not counted).
    let head = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:DescribeJob","Resource":"arn:aws:iot:us-east-1:123456789012:job/"#;
    let tail = r#""}]}"#;
    let name = "j".repeat(2_049 - head.len() - tail.len());
    let policy = format!("{head}{name}{tail}");
    assert_eq!(policy.chars().filter(|c| !c.is_whitespace()).count(), 2_049);
    let dir = temp_dir("quota");
    let path = dir.join("user.json");
    std::fs::write(&path, &policy).unwrap();
    let path = path.to_str().unwrap();
    let run = iamconf(&["validate", "--kind", "user", path], b"");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[over-size-quota]"),
        "{}",
        run.stdout
    );
    let run = iamconf(&["validate", "--kind", "group", path], b"");
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = iamconf(&["validate", path], b"");
    assert_eq!(run.code, 0, "{}", run.stdout);
    // One character fewer fits the user quota.
    let shorter = format!("{head}{}{tail}", &name[1..]);
    std::fs::write(dir.join("fits.json"), shorter).unwrap();
    let fits = dir.join("fits.json");
    let run = iamconf(&["validate", "--kind", "user", fits.to_str().unwrap()], b"");
    assert_eq!(run.code, 0, "{}", run.stdout);
}

fn answers(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:DescribeJob","Resource":"*"},{"Effect":"Deny","Action":"iot:DeleteJob","Resource":"*"}]}"#;

fn case(id: &str, action: &str) -> String {
    json!({"id": id, "policies": [serde_json::from_str::<Value>(POLICY).unwrap()],
           "request": {"action": action, "resource": "arn:aws:iot:us-east-1:123456789012:job/j1"}})
    .to_string()
}

#[test]
fn evaluate_answers_each_line_in_order() {
    let input = [
        case("a", "iot:DescribeJob"),
        case("b", "iot:DeleteJob"),
        case("c", "iot:CreateJob"),
    ]
    .join("\n")
        + "\n";
    let run = iamconf(&["evaluate"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = answers(&run.stdout);
    let pairs: Vec<(&str, &str)> = got
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["decision"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("a", "allowed"),
            ("b", "explicitDeny"),
            ("c", "implicitDeny")
        ]
    );
}

#[rstest]
#[case::not_json("{not json", None, "not JSON")]
#[case::missing_id(
    r#"{"policies":[],"request":{"action":"iot:A","resource":"*"}}"#,
    None,
    "no `id`"
)]
#[case::policies_not_array(
    r#"{"id":"p","policies":{},"request":{"action":"iot:A","resource":"*"}}"#,
    Some("p"),
    "`policies` must be an array"
)]
#[case::policy_number(
    r#"{"id":"n","policies":[42],"request":{"action":"iot:A","resource":"*"}}"#,
    Some("n"),
    "policy 0 must be a JSON object"
)]
#[case::context_object(
    r#"{"id":"o","policies":[],"request":{"action":"iot:A","resource":"*","context":{"aws:SourceIp":{"a":1}}}}"#,
    Some("o"),
    "`aws:SourceIp` holds an object"
)]
#[case::malformed_document(
    r#"{"id":"m","policies":["{\"Statement\": ["],"request":{"action":"iot:A","resource":"*"}}"#,
    Some("m"),
    "json-syntax"
)]
fn evaluate_answers_a_bad_line_with_an_error_and_goes_on(
    #[case] bad: &str,
    #[case] id: Option<&str>,
    #[case] says: &str,
) {
    let input = format!(
        "{}\n{bad}\n{}\n",
        case("before", "iot:DescribeJob"),
        case("after", "iot:DescribeJob")
    );
    let run = iamconf(&["evaluate"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = answers(&run.stdout);
    assert_eq!(got.len(), 3, "{}", run.stdout);
    assert_eq!(got[0]["id"], "before");
    assert_eq!(got[0]["decision"], "allowed");
    assert_eq!(got[1]["id"], id.map_or(Value::Null, Value::from));
    assert!(got[1].get("decision").is_none());
    let error = got[1]["error"].as_str().unwrap();
    assert!(error.contains(says), "{error}");
    assert_eq!(got[2]["id"], "after");
    assert_eq!(got[2]["decision"], "allowed");
}

#[test]
fn evaluate_answers_the_seed_case_of_the_protocol() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/evaluator-protocol.md"),
    )
    .unwrap();
    let start = doc.find("{\"id\": \"seed-basic-03\",\n").unwrap();
    let end = start + doc[start..].find("\n```").unwrap();
    // The document elides the statements: fill in one that allows the request.
    let statement = r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "arn:aws:iot:us-east-1:123456789012:job/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}"#;
    let text = doc[start..end].replace("[ ... ]", &format!("[{statement}]"));
    let line = serde_json::from_str::<Value>(&text).unwrap().to_string();
    let run = iamconf(&["evaluate"], format!("{line}\n").as_bytes());
    assert_eq!(run.code, 0);
    let got = answers(&run.stdout);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["id"], "seed-basic-03");
    assert_eq!(got[0]["decision"], "allowed");
    assert_eq!(got[0]["matched"], json!([{"policy": 0, "statement": 0}]));
}

/// Lockstep, as the gate talks: each answer comes before the next case is sent, even when a
/// blank line follows the case; the process exits 0 when its input closes.
#[test]
fn evaluate_answers_before_its_input_closes() {
    let mut child = Command::new(IAMCONF)
        .arg("evaluate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    for (i, suffix) in ["\n", "\n\n", "\r\n", "\n  \n"].iter().enumerate() {
        let id = format!("c{i}");
        input
            .write_all(format!("{}{suffix}", case(&id, "iot:DescribeJob")).as_bytes())
            .unwrap();
        input.flush().unwrap();
        let line = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let answer: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(answer["id"], id.as_str());
    }
    drop(input);
    let started = Instant::now();
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(started.elapsed() < BOUND);
    let mut rest = String::new();
    let _ = child.stdout.take().map(|mut s| s.read_to_string(&mut rest));
    assert!(rx.try_recv().is_err());
}

#[test]
fn explain_into_a_closed_output_ends_quietly() {
    // `iamconf explain --list-calls | head -c 10`: the reader is gone before the output is
    // written. The command ends with its usual status, without a panic.
    let mut child = Command::new(IAMCONF)
        .args(["explain", "--list-calls", "--format", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
