//! `iamconf explain --call`, end to end: the seed's first example (placeholders filled) against
//! a real CreateJob call, the job ARN check that denies it, `job/*` that allows it, and tags
//! that need `iot:TagResource`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const GROUP: &str = "arn:aws:iot:us-east-1:123456789012:thinggroup/FirmwareUpdateGroup";
const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/fw-42";

/// The seed's control-plane basic example (E1), commas fixed, placeholders filled as the page
/// says (`us-east-1`, an account, `FirmwareUpdateGroup`, `MyIoTThing`). `{resources}` is the
/// first statement's Resource, `{actions}` its Action.
fn e1(actions: &str, resources: &str) -> String {
    format!(
        r#"{{
    "Version": "2012-10-17",
    "Statement": [
        {{
            "Action": {actions},
            "Effect": "Allow",
            "Resource": {resources}
        }},
        {{
            "Action": ["iot:DescribeJob", "iot:CancelJob", "iot:DeleteJob"],
            "Effect": "Allow",
            "Resource": "arn:aws:iot:us-east-1:123456789012:job/*"
        }},
        {{
            "Action": ["iot:DescribeJobExecution", "iot:CancelJobExecution", "iot:DeleteJobExecution"],
            "Effect": "Allow",
            "Resource": [
                "arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing",
                "arn:aws:iot:us-east-1:123456789012:job/*"
            ]
        }}
    ]
}}"#
    )
}

const E1_ACTIONS: &str = r#"["iot:CreateJobTemplate", "iot:CreateJob"]"#;
const E1_RESOURCE: &str = r#""arn:aws:iot:us-east-1:123456789012:thinggroup/FirmwareUpdateGroup""#;
const WITH_JOBS: &str = r#"["arn:aws:iot:us-east-1:123456789012:thinggroup/FirmwareUpdateGroup",
    "arn:aws:iot:us-east-1:123456789012:job/*"]"#;

fn policy_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamconf-explain-call-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(IAMCONF).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `explain --call CreateJob` of job `fw-42` on the group, with `extra` options, as JSON.
fn create_job(policy: &str, extra: &[&str]) -> Value {
    let target = format!("targets={GROUP}");
    let mut args = vec![
        "explain",
        "--policy",
        policy,
        "--call",
        "CreateJob",
        "--region",
        "us-east-1",
        "--account",
        "123456789012",
        "--param",
        "jobId=fw-42",
        "--param",
        &target,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{out}{err}");
    serde_json::from_str(&out).unwrap()
}

fn checks(doc: &Value) -> Vec<(String, String, String)> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_owned(),
                c["resource"].as_str().unwrap().to_owned(),
                c["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn e1_denies_create_job_and_names_the_job_arn_check() {
    let p = policy_file("e1.json", &e1(E1_ACTIONS, E1_RESOURCE));
    let doc = create_job(p.to_str().unwrap(), &[]);
    assert_eq!(doc["decision"], "implicitDeny");
    assert_eq!(
        checks(&doc),
        [
            ("iot:CreateJob".into(), JOB.into(), "implicitDeny".into()),
            ("iot:CreateJob".into(), GROUP.into(), "allowed".into()),
        ]
    );
    assert_eq!(doc["checks"][0]["why"], "from `jobId`");
    assert_eq!(
        doc["checks"][0]["statements"][0]["verdict"]["kind"],
        "resource-not-matched"
    );

    // The human form says which check refused it.
    let target = format!("targets={GROUP}");
    let (code, out, _) = run(&[
        "explain",
        "--policy",
        p.to_str().unwrap(),
        "--call",
        "CreateJob",
        "--region",
        "us-east-1",
        "--account",
        "123456789012",
        "--param",
        "jobId=fw-42",
        "--param",
        &target,
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with("decision: implicitDeny\n"), "{out}");
    assert!(
        out.contains(&format!(
            "not allowed by: check 1 (iot:CreateJob on {JOB}: implicitDeny)"
        )),
        "{out}"
    );
}

#[test]
fn e1_with_job_star_allows_create_job_until_tags_need_tag_resource() {
    let p = policy_file("e1-jobs.json", &e1(E1_ACTIONS, WITH_JOBS));
    let doc = create_job(p.to_str().unwrap(), &[]);
    assert_eq!(doc["decision"], "allowed");
    assert!(checks(&doc).iter().all(|(_, _, d)| d == "allowed"));

    let doc = create_job(p.to_str().unwrap(), &["--tag", "env=prod"]);
    assert_eq!(doc["decision"], "implicitDeny");
    let all = checks(&doc);
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[2],
        ("iot:TagResource".into(), JOB.into(), "implicitDeny".into())
    );
    assert!(all[..2].iter().all(|(_, _, d)| d == "allowed"), "{all:?}");
    assert_eq!(doc["checks"][2]["why"], "tags given at creation");

    let tagging = r#"["iot:CreateJobTemplate", "iot:CreateJob", "iot:TagResource"]"#;
    let p = policy_file("e1-tagging.json", &e1(tagging, WITH_JOBS));
    let doc = create_job(p.to_str().unwrap(), &["--tag", "env=prod"]);
    assert_eq!(doc["decision"], "allowed", "{doc:#}");
}

#[test]
fn bad_calls_exit_2_naming_the_parameter_with_help() {
    let p = policy_file("e1-bad.json", &e1(E1_ACTIONS, E1_RESOURCE));
    let (code, _, err) = run(&[
        "explain",
        "--policy",
        p.to_str().unwrap(),
        "--call",
        "CreateJob",
        "--region",
        "us-east-1",
        "--account",
        "123456789012",
        "--param",
        "jobId=fw-42",
        "--param",
        "target=x",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error: operation `CreateJob` has no parameter `target`"),
        "{err}"
    );
    assert!(err.contains("help: it takes `jobId`, `targets`"), "{err}");

    let (code, _, err) = run(&[
        "explain",
        "--policy",
        p.to_str().unwrap(),
        "--call",
        "CreateJob",
        "--region",
        "us-east-1",
        "--account",
        "123456789012",
        "--param",
        "jobId=fw-42",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("needs the parameter `targets`"), "{err}");

    let (code, _, err) = run(&[
        "explain",
        "--policy",
        p.to_str().unwrap(),
        "--call",
        "CreateJob",
        "--region",
        "us-east-1",
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn list_calls_lists_operations_and_their_parameters() {
    let (code, out, _) = run(&["explain", "--list-calls", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let ops = doc.as_array().unwrap();
    assert_eq!(ops.len(), 34);
    let create = ops.iter().find(|o| o["operation"] == "CreateJob").unwrap();
    let params: Vec<(&str, bool)> = create["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            ("jobId", true),
            ("targets", true),
            ("jobTemplateArn", false),
            ("destinationPackageVersions", false),
            ("tags", false)
        ]
    );
    let (code, out, _) = run(&["explain", "--list-calls"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("UpdateJobExecution (iotjobsdata:UpdateJobExecution)"),
        "{out}"
    );
}
