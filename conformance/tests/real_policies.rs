//! Real policies nobody on this project wrote (`conformance/real-policies/`): every AWS-managed
//! policy validates with no error, and iamconf accepts or rejects each document of IAM's
//! CreatePolicy record as IAM did, except the divergences listed with their cause.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a malformed corpus file should stop the test loudly"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iam_policy::{ParseOptions, Policy};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("real-policies")
}

fn json_lines(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
    text.lines()
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", n + 1))
        })
        .collect()
}

/// The error codes the parser reports for a document, with their positions.
fn errors(text: &str) -> Vec<String> {
    let checked = Policy::check(text, &ParseOptions::default());
    checked
        .diagnostics
        .errors()
        .map(|d| {
            format!(
                "{} at {}:{}",
                d.code.as_str(),
                d.position.line,
                d.position.column
            )
        })
        .collect()
}

#[test]
fn every_aws_managed_policy_validates_with_no_error() {
    let policies = json_lines("aws-managed.jsonl");
    assert!(
        policies.len() >= 1_500,
        "only {} managed policies",
        policies.len()
    );
    let mut failures = Vec::new();
    for policy in &policies {
        let name = policy["name"].as_str().unwrap();
        let text = serde_json::to_string_pretty(&policy["document"]).unwrap();
        let found = errors(&text);
        if !found.is_empty() {
            failures.push(format!("{name}: {}", found.join(", ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} AWS-managed policies rejected:\n{}",
        failures.len(),
        policies.len(),
        failures.join("\n")
    );
}

#[test]
fn iam_create_policy_record_agrees_except_listed_divergences() {
    let cases = json_lines("iam-create-policy.jsonl");
    assert_eq!(
        cases.len(),
        132,
        "the record of moto 5.2.5 has 78 invalid and 54 valid cases"
    );
    let listed: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("divergences.json")).unwrap())
            .unwrap();
    let listed: BTreeMap<&str, &str> = listed["divergences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["cause"].as_str().unwrap()))
        .collect();

    let mut unlisted = Vec::new();
    let mut agreeing_but_listed = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let iam_accepts = case["iam_accepts"].as_bool().unwrap();
        let found = errors(case["text"].as_str().unwrap());
        let iamconf_accepts = found.is_empty();
        match (iamconf_accepts == iam_accepts, listed.get(id)) {
            (true, None) => {}
            (true, Some(cause)) => agreeing_but_listed.push(format!("{id} ({cause})")),
            (false, Some(_)) => {}
            (false, None) => unlisted.push(format!(
                "{id}: IAM {} ({}), iamconf {}",
                if iam_accepts { "accepts" } else { "rejects" },
                case["iam_message"].as_str().unwrap_or("no message"),
                if iamconf_accepts {
                    "accepts".to_owned()
                } else {
                    found.join(", ")
                }
            )),
        }
    }
    assert!(
        unlisted.is_empty(),
        "iamconf and IAM disagree on documents not in divergences.json:\n{}",
        unlisted.join("\n")
    );
    assert!(
        agreeing_but_listed.is_empty(),
        "divergences.json lists documents on which iamconf now agrees with IAM (remove them):\n{}",
        agreeing_but_listed.join("\n")
    );
}

#[test]
fn rejected_documents_are_rejected_for_a_reason_iam_gives() {
    // IAM names the first problem its own check order meets; iamconf reports every problem. Where
    // both reject, one of iamconf's errors must be of the family IAM's message names, so that a
    // document rejected for another reason does not count as agreement.
    let families: &[(&str, &[&str])] = &[
        (
            "Syntax errors in policy.",
            &[
                "json-syntax",
                "invalid-type",
                "unknown-element",
                "action-and-not-action",
                "resource-and-not-resource",
                "missing-statement",
                "missing-effect",
                "invalid-effect",
                "invalid-version",
                "unknown-operator",
                "invalid-qualifier",
                "invalid-sid",
                "misplaced-condition-operator",
            ],
        ),
        (
            "Policy document must be version 2012-10-17 or greater.",
            &["invalid-version"],
        ),
        (
            "Policy statement must contain actions.",
            &["missing-action"],
        ),
        (
            "Policy statement must contain resources.",
            &["missing-resource"],
        ),
        (
            "Actions/Conditions must be prefaced by a vendor",
            &["invalid-action"],
        ),
        (
            "Actions/Condition can contain only one colon.",
            &["invalid-action"],
        ),
        ("Vendor ", &["invalid-action"]),
        ("Resource ", &["invalid-resource"]),
        ("Partition ", &["invalid-resource"]),
        (
            "The policy failed legacy parsing",
            &["invalid-effect", "invalid-date", "invalid-resource"],
        ),
        (
            "Statement IDs (SID) in a single policy must be unique.",
            &["duplicate-sid"],
        ),
        (
            "Statement IDs (SID) must be alpha-numeric.",
            &["invalid-sid"],
        ),
        (
            "Policy document should not specify a principal.",
            &["principal-not-allowed"],
        ),
    ];
    let mut wrong = Vec::new();
    let mut checked = 0;
    for case in json_lines("iam-create-policy.jsonl") {
        let Some(message) = case["iam_message"].as_str() else {
            continue;
        };
        let text = case["text"].as_str().unwrap();
        let found = errors(text);
        if found.is_empty() {
            continue; // a listed divergence (the test above holds that list exact)
        }
        // A document without `Version` (or with 2008-10-17) is refused by CreatePolicy for that
        // first; iamconf only warns there (divergences invalid/1 and invalid/2), and rejects
        // the document for its other problems.
        let version_first = message.starts_with("Policy document must be version")
            && (!text.contains("\"Version\"") || text.contains("2008-10-17"));
        let allowed: Vec<&str> = families
            .iter()
            .filter(|(prefix, _)| message.starts_with(prefix))
            .flat_map(|(_, codes)| codes.iter().copied())
            .collect();
        assert!(
            !allowed.is_empty(),
            "{}: no family for IAM's message `{message}`",
            case["id"]
        );
        checked += 1;
        let codes: Vec<&str> = found.iter().map(|e| e.split(' ').next().unwrap()).collect();
        if !version_first && !codes.iter().any(|c| allowed.contains(c)) {
            wrong.push(format!(
                "{}: IAM says `{message}`, iamconf: {}",
                case["id"],
                found.join(", ")
            ));
        }
    }
    assert!(checked >= 70, "only {checked} rejected documents compared");
    assert!(
        wrong.is_empty(),
        "rejected for another reason than IAM's:\n{}",
        wrong.join("\n")
    );
}
