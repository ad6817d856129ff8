//! Reports of a gate run: for people, as JSON, as JUnit XML; and disagreements saved as
//! golden case files that can join the corpus.

use std::fmt::Write as _;

use iam_policy::text::indent;
use serde_json::Value;

use crate::gate::{Outcome, Report, Status};
use crate::protocol::CaseLine;

pub(crate) mod wire;

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
            // Named, not `_`: a new status must choose whether people see it.
            Status::Passed | Status::ExpectedFailure(_) => {}
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

/// The problems a self-check found, one paragraph each (empty when none), for the human
/// report of `iamconf check` and `iamconf merge`.
pub fn self_check_human(problems: &[String]) -> String {
    problems.iter().map(|p| format!("{p}\n\n")).collect()
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

/// `value` as pretty-printed JSON, as the reports are written (for the other JSON outputs of
/// the command line).
pub fn pretty_json<T: serde::Serialize>(value: &T) -> String {
    wire::to_pretty(value)
}

/// [`json_report`] with the problems a self-check found (`self_check_problems`; any of them
/// makes the run not conform), when one ran.
pub fn json_report_with(report: &Report, self_check: Option<&[String]>) -> String {
    wire::ReportJson::new(report, self_check).to_pretty()
}

pub use crate::saved::{save_case, SAVED_GROUP};
