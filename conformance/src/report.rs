//! Reports of a gate run: for people, as JSON, as JUnit XML; and disagreements saved as
//! golden case files that can join the corpus.

use std::fmt::Write as _;

use iam_policy::text::indent;
use serde_json::{json, Value};

use crate::gate::{Origin, Outcome, Report, Status};
use crate::protocol::CaseLine;

fn status_word(status: &Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::ExpectedFailure(_) => "expected-failure",
        Status::UnexpectedPass(_) => "unexpected-pass",
    }
}

/// The human summary: each problem with its minimal case and the reference's explanation,
/// then the counts.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    for o in &report.problems {
        match &o.status {
            Status::Failed => describe_failure(&mut out, o),
            Status::UnexpectedPass(reason) => {
                let _ = writeln!(
                    out,
                    "UNEXPECTED PASS {}\n  listed as a known failure ({reason}), but it now agrees: remove it from the list\n",
                    o.id
                );
            }
            _ => {}
        }
    }
    out.push_str(&stale_groups_human(report));
    if let Some(failure) = &report.candidate_failure {
        let _ = writeln!(out, "CANDIDATE FAILURE: {failure}\n");
    }
    if !report.stderr_tail.trim().is_empty() && !report.passed() {
        let _ = writeln!(
            out,
            "the evaluator's standard error (tail):\n{}\n",
            report.stderr_tail.trim_end()
        );
    }
    out.push_str(&crate::invariants::summary::human(&report.invariants));
    let counts = &report.counts;
    let shard = report
        .shard
        .map(|s| format!(" (shard {s})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} cases{shard} ({} golden, {} generated) in {:.2?}: {} passed, {} failed, {} expected failures, {} unexpected passes, {} with more than one permitted answer{}",
        counts.total(),
        counts.golden,
        counts.generated,
        report.elapsed,
        counts.passed,
        counts.failed,
        counts.expected_failures,
        counts.unexpected_passes,
        report.readings.several_answers,
        left_out(report),
    );
    let readings = report.readings.human();
    if !readings.is_empty() {
        let _ = writeln!(out, "readings the answers are consistent with:\n{readings}");
    }
    let calls = report.label_counts.get(crate::gate::CALL_FEATURE);
    let total = calls.map_or(0, |c| c.total);
    let failed = report
        .problems
        .iter()
        .filter(|o| o.status == Status::Failed)
        .filter(|o| o.labels.iter().any(|l| l == crate::gate::CALL_FEATURE))
        .count();
    if total > 0 {
        let _ = writeln!(
            out,
            "of which {total} call cases (feature `call`, each expanded into its checks): {} passed, {failed} failed",
            total - failed
        );
    }
    let _ = writeln!(out, "{}", verdict_line(report));
    out
}

/// The last line of a human report: whether the candidate conforms.
pub fn verdict_line(report: &Report) -> &'static str {
    if report.passed() {
        "conforms"
    } else {
        "DOES NOT CONFORM"
    }
}

/// What the summary says about capped and left-out cases (empty when none).
pub(crate) fn left_out(report: &Report) -> String {
    let mut out = String::new();
    if report.readings.capped > 0 {
        let _ = write!(
            out,
            " ({} past {} combinations of readings: each point varied alone)",
            report.readings.capped,
            crate::answer_set::COMBINATION_LIMIT
        );
    }
    if report.skipped_implementation_defined > 0 {
        let _ = write!(
            out,
            ", {} left out (they depend on a point without readings)",
            report.skipped_implementation_defined
        );
    }
    out
}

/// One line per stale `group=` line of the known-failures list.
pub fn stale_groups_human(report: &Report) -> String {
    report
        .stale_known_groups
        .iter()
        .map(|line| {
            format!("STALE KNOWN FAILURE {line}\n  no failure of this run is in this group: remove the line\n")
        })
        .collect()
}

fn describe_failure(out: &mut String, o: &Outcome) {
    let call = o.labels.iter().any(|l| l == crate::gate::CALL_FEATURE);
    let feature = if call { " [call]" } else { "" };
    let _ = writeln!(out, "FAILED {}{feature}\n  {}", o.id, o.detail);
    if let Some(minimal) = &o.minimal {
        let label = match (call, o.shrunk) {
            (true, _) => "the check that differs",
            (false, true) => "minimal case",
            (false, false) => "case",
        };
        let pretty = format!("{:#}", case_json(minimal));
        let _ = writeln!(out, "  {label}:\n{}", indent(&pretty, 4));
    }
    if let Some(explanation) = &o.explanation {
        let _ = writeln!(out, "  the reference explains:\n{}", indent(explanation, 4));
    }
    if let Some(path) = &o.saved {
        let _ = writeln!(out, "  saved as {}", path.display());
    }
    out.push('\n');
}

/// A case as the reports show it (see [`CaseLine::report_json`]).
pub fn case_json(case: &CaseLine) -> Value {
    case.report_json()
}

/// The report as one JSON document (`iamconf merge` reads it back).
pub fn json_report(report: &Report) -> String {
    json_report_with(report, None)
}

/// [`json_report`] with the problems a self-check found (`self_check_problems`; any of them
/// makes the run not conform), when one ran.
pub fn json_report_with(report: &Report, self_check: Option<&[String]>) -> String {
    let mut doc = json_value(report);
    if let (Some(problems), Some(object)) = (self_check, doc.as_object_mut()) {
        object.insert("self_check_problems".into(), problems.into());
        if !problems.is_empty() {
            object.insert("conforms".into(), false.into());
        }
    }
    // The alternate form of `Value`'s `Display` is `to_string_pretty` without its `Result`:
    // writing a `Value` to a `String` cannot fail, so no empty-string fallback is needed.
    format!("{doc:#}")
}

/// The report's JSON value.
fn json_value(report: &Report) -> Value {
    let cases: Vec<Value> = report
        .problems
        .iter()
        .filter(|o| o.status != Status::Passed)
        .map(|o| {
            json!({
                "id": o.id,
                "position": o.position,
                "origin": if o.origin == Origin::Golden { "golden" } else { "generated" },
                "status": status_word(&o.status),
                "reason": match &o.status {
                    Status::ExpectedFailure(r) | Status::UnexpectedPass(r) => Some(r),
                    Status::Passed | Status::Failed => None,
                },
                "expected": o.expected,
                "got": o.got,
                "detail": o.detail,
                "minimal": o.minimal.as_ref().map(case_json),
                "minimal_id": o.minimal.as_ref().map(|m| m.id.as_str()),
                "shrunk": o.shrunk,
                "explanation": o.explanation,
                "saved": o.saved.as_ref().map(|p| p.display().to_string()),
                "labels": o.labels,
                "group": o.group,
                "variant": o.variant,
            })
        })
        .collect();
    let counts = &report.counts;
    json!({
        "conforms": report.passed(),
        "shard": report.shard.map(|s| s.to_string()),
        "total": counts.total(),
        "golden": counts.golden,
        "generated": counts.generated,
        "passed": counts.passed,
        "failed": counts.failed,
        "expected_failures": counts.expected_failures,
        "unexpected_passes": counts.unexpected_passes,
        "implementation_defined_left_out": report.skipped_implementation_defined,
        "readings": report.readings.json(),
        "candidate_failure": report.candidate_failure,
        "stderr_tail": report.stderr_tail,
        "elapsed_seconds": report.elapsed.as_secs_f64(),
        "comparison": report.comparison,
        "label_counts": report.label_counts.iter().map(|(label, c)| {
            (label.clone(), json!({"passed": c.passed, "total": c.total}))
        }).collect::<serde_json::Map<String, Value>>(),
        "groups": report.groups.iter().map(|g| json!({
            "key": g.key,
            "labels": g.labels,
            "expected": g.expected,
            "got": g.got,
            "count": g.count,
            "variants": g.variants.iter().map(|(v, n)| json!({"variant": v, "count": n})).collect::<Vec<_>>(),
            "candidate_error": g.candidate_message,
            "minimal": case_json(&g.minimal),
            "minimal_id": g.minimal.id,
            "explanation": g.explanation,
        })).collect::<Vec<_>>(),
        "problems": cases,
        "stale_known_groups": report.stale_known_groups,
        "invariants": crate::invariants::summary::json(&report.invariants),
    })
}

pub use crate::saved::{save_case, SAVED_GROUP};
