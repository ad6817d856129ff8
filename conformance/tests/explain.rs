//! `iamconf explain`, end to end: the decision, the deciding statement by file and line, why
//! each other statement did not apply, the missing context keys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/j1";

/// The seed's control-plane IP example, corrected (`Bool` moved inside `Condition`), with a
/// Deny statement added so that every verdict shows up.
const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowFromOffice",
      "Effect": "Allow",
      "Action": ["iot:CreateJobTemplate", "iot:CreateJob"],
      "Resource": ["*"],
      "Condition": {
        "IpAddress": {"aws:SourceIp": "123.45.167.89"},
        "Bool": {"aws:ViaAWSService": "true"}
      }
    },
    {
      "Sid": "NoDeletes",
      "Effect": "Deny",
      "Action": "iot:DeleteJob",
      "Resource": "arn:aws:iot:*:*:job/*"
    },
    {
      "Sid": "DataPlane",
      "Effect": "Allow",
      "Action": "iotjobsdata:*",
      "Resource": "arn:aws:iot:us-east-1:123456789012:thing/t1"
    }
  ]
}"#;

fn policy_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamconf-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn explain(policy: &Path, action: &str, resource: &str, extra: &[&str]) -> (i32, String) {
    let out = Command::new(IAMCONF)
        .args([
            "explain",
            "--policy",
            policy.to_str().unwrap(),
            "--action",
            action,
        ])
        .args(["--resource", resource])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn a_condition_that_fails_is_named_with_the_values_compared() {
    let p = policy_file("direct.json", POLICY);
    let (code, out) = explain(
        &p,
        "iot:CreateJob",
        JOB,
        &[
            "--context",
            "aws:SourceIp=123.45.167.89",
            "--context",
            "aws:ViaAWSService=false",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("decision: implicitDeny\n"), "{out}");
    assert!(out.contains("no statement applies"), "{out}");
    let line = format!("{}:4:5 statement 0 `AllowFromOffice` (Allow): condition not met: `Bool` on `aws:ViaAWSService`: request has [`false`], policy wants [`true`]", p.display());
    assert!(out.contains(&line), "{out}");
    assert!(
        out.contains("statement 1 `NoDeletes` (Deny): action does not match"),
        "{out}"
    );
    assert!(
        out.contains("statement 2 `DataPlane` (Allow): action does not match"),
        "{out}"
    );
}

#[test]
fn the_deciding_statement_is_given_by_file_line_and_sid() {
    let p = policy_file("deny.json", POLICY);
    let (code, out) = explain(&p, "IOT:deletejob", JOB, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("decision: explicitDeny\n"), "{out}");
    assert!(
        out.contains(&format!(
            "decided by: {}:14:5 statement 1 `NoDeletes` (Deny)",
            p.display()
        )),
        "{out}"
    );
}

#[test]
fn missing_context_keys_are_listed() {
    let p = policy_file("missing.json", POLICY);
    let (code, out) = explain(
        &p,
        "iot:CreateJob",
        JOB,
        &["--context", "aws:ViaAWSService=true"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: implicitDeny"), "{out}");
    assert!(
        out.contains("missing context keys: `aws:SourceIp`"),
        "{out}"
    );
    assert!(out.contains("request has no such key"), "{out}");
}

#[test]
fn json_output_carries_every_verdict() {
    let p = policy_file("json.json", POLICY);
    let (code, out) = explain(
        &p,
        "iotjobsdata:DescribeJobExecution",
        "arn:aws:iot:us-east-1:123456789012:thing/t1",
        &["--format", "json"],
    );
    assert_eq!(code, 0, "{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["decision"], "allowed");
    assert_eq!(doc["matched"][0]["statement"], 2);
    assert_eq!(doc["matched"][0]["sid"], "DataPlane");
    let kinds: Vec<&str> = doc["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["verdict"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["action-not-matched", "action-not-matched", "applies"]
    );
    assert_eq!(doc["statements"][2]["line"], 20);
    assert_eq!(doc["statements"][2]["decided"], true);
}

#[test]
fn a_multivalued_key_is_given_by_repeating_it() {
    let p = policy_file(
        "tags.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:TagResource","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}}}"#,
    );
    let ok = [
        "--context",
        "aws:TagKeys=env",
        "--context",
        "aws:TagKeys=team",
    ];
    let (_, out) = explain(&p, "iot:TagResource", JOB, &ok);
    assert!(out.starts_with("decision: allowed"), "{out}");
    let (_, out) = explain(
        &p,
        "iot:TagResource",
        JOB,
        &["--context", r#"aws:TagKeys=["env","owner"]"#],
    );
    assert!(out.starts_with("decision: implicitDeny"), "{out}");
    assert!(out.contains("request has [`env`, `owner`]"), "{out}");
}

#[test]
fn an_invalid_policy_is_an_error_with_its_diagnostics() {
    let p = policy_file(
        "bad.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*",}}"#,
    );
    let (code, out) = explain(&p, "iot:CreateJob", JOB, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("decision: error"), "{out}");
    assert!(out.contains("error[json-syntax]: trailing comma"), "{out}");
    assert!(out.contains("bad.json:1:"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let p = policy_file("usage.json", POLICY);
    let (code, out) = explain(&p, "CreateJob", JOB, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("`CreateJob`"), "{out}");
    let (code, out) = explain(&p, "iot:CreateJob", JOB, &["--context", "noequals"]);
    assert_eq!(code, 2, "{out}");
    let (code, _) = explain(
        &p,
        "iot:CreateJob",
        JOB,
        &["--context", "a=1", "--context", "A=2"],
    );
    assert_eq!(code, 2);
}

#[test]
fn an_evaluation_error_is_given_by_file_line_and_column() {
    let p = policy_file("unreadable.json", POLICY);
    let context = ["--context", "aws:SourceIp=not-an-ip"];
    let (code, out) = explain(&p, "iot:CreateJob", JOB, &context);
    assert!(out.starts_with("decision: error"), "{code} {out}");
    // The `aws:SourceIp` entry of the first statement's `IpAddress` block.
    let want = format!(
        "error: {}:10:23: policy 0 statement 0 condition key `aws:SourceIp`: `not-an-ip` is not an IP address",
        p.display()
    );
    assert!(out.contains(&want), "{out}");
    // The JSON output's errors are the messages alone, as before.
    let (_, json) = explain(
        &p,
        "iot:CreateJob",
        JOB,
        &[&context[..], &["--format", "json"]].concat(),
    );
    let doc: Value = serde_json::from_str(&json).unwrap();
    let error = doc["errors"][0].as_str().unwrap();
    assert!(
        error.starts_with("policy 0 statement 0 condition key `aws:SourceIp`: `not-an-ip`"),
        "{error}"
    );
}
