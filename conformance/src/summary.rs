//! The human report by root cause: one block per failure group (count, labels, one minimal
//! case, the reference's explanation, the first case ids), sized so that the whole report
//! stays near [`LINE_BUDGET`] lines whatever the number of failures. `report::human` is the
//! full listing (`iamconf check --verbose`).

use std::fmt::Write as _;

use crate::gate::{Origin, Report, Status};
use crate::groups::Group;

/// About how many lines the grouped report takes at most.
pub const LINE_BUDGET: usize = 150;
/// Longest minimal case line printed (compact JSON).
const CASE_WIDTH: usize = 400;
/// Groups shown in full; later ones get one line each.
const FULL_GROUPS: usize = 10;

/// The grouped human report.
pub fn grouped(report: &Report) -> String {
    let mut out = String::new();
    let failed_groups: Vec<&Group> = report
        .groups
        .iter()
        .filter(|g| {
            report
                .outcomes
                .iter()
                .any(|o| o.status == Status::Failed && o.group.as_deref() == Some(g.key.as_str()))
        })
        .collect();
    let mut order: Vec<&Group> = failed_groups.clone();
    order.sort_by_key(|g| std::cmp::Reverse(g.count));
    let shown = order.len().min(FULL_GROUPS);
    // Lines per group: header, error, case, explanation, ids, saved, blank.
    let explanation_lines = (LINE_BUDGET.saturating_sub(10) / shown.max(1))
        .saturating_sub(6)
        .clamp(1, 8);
    for (n, group) in order.iter().enumerate() {
        if n >= shown {
            let _ = writeln!(
                out,
                "GROUP {}/{} [{}] {}",
                n + 1,
                order.len(),
                group.count,
                headline(group)
            );
            continue;
        }
        describe_group(
            &mut out,
            report,
            group,
            n + 1,
            order.len(),
            explanation_lines,
        );
    }
    if order.len() > shown {
        out.push('\n');
    }
    for o in &report.outcomes {
        if let Status::UnexpectedPass(reason) = &o.status {
            let _ = writeln!(
                out,
                "UNEXPECTED PASS {}: listed as a known failure ({reason}), but it now agrees: remove it from the list",
                o.id
            );
        }
    }
    if let Some(failure) = &report.candidate_failure {
        let _ = writeln!(out, "CANDIDATE FAILURE: {failure}\n");
    }
    if !report.stderr_tail.trim().is_empty() && !report.passed() {
        let tail: Vec<&str> = report.stderr_tail.trim_end().lines().collect();
        let start = tail.len().saturating_sub(10);
        let _ = writeln!(
            out,
            "the evaluator's standard error (last lines):\n{}\n",
            tail.get(start..).unwrap_or(&[]).join("\n")
        );
    }
    out.push_str(&crate::invariants::summary::human(&report.invariants));
    let golden = report
        .outcomes
        .iter()
        .filter(|o| o.origin == Origin::Golden)
        .count();
    let failed = report.count(|s| *s == Status::Failed);
    let _ = writeln!(
        out,
        "{} cases ({golden} golden, {} generated) in {:.2?}, compared by {}: {} passed, {} failed, {} expected failures, {} unexpected passes, {} with more than one permitted answer{}; {} failure group{}",
        report.outcomes.len(),
        report.outcomes.len() - golden,
        report.elapsed,
        report.comparison,
        report.count(|s| *s == Status::Passed),
        failed,
        report.count(|s| matches!(s, Status::ExpectedFailure(_))),
        report.count(|s| matches!(s, Status::UnexpectedPass(_))),
        report.readings.several_answers,
        crate::report::left_out(report),
        failed_groups.len(),
        if failed_groups.len() == 1 { "" } else { "s" },
    );
    if failed > 0 {
        let _ = writeln!(
            out,
            "(`--verbose` lists every failure; `--write-known-failures FILE` lists these groups)"
        );
    }
    let readings = report.readings.human();
    if !readings.is_empty() {
        let _ = writeln!(out, "readings the answers are consistent with:\n{readings}");
    }
    let _ = writeln!(
        out,
        "{}",
        if report.passed() {
            "conforms"
        } else {
            "DOES NOT CONFORM"
        }
    );
    out
}

/// The group's labels and answers in one line.
pub fn headline(group: &Group) -> String {
    let labels = if group.labels.is_empty() {
        "(no feature labels)".to_owned()
    } else {
        group.labels.join(" ")
    };
    let mut line = format!(
        "{labels}: expected `{}`, got `{}`",
        group.expected, group.got
    );
    if let Some(masked) = &group.candidate_error {
        let short: String = masked.chars().take(60).collect();
        line.push_str(&format!(" ({})", short.replace('\n', " ")));
    }
    line
}

fn describe_group(
    out: &mut String,
    report: &Report,
    group: &Group,
    n: usize,
    of: usize,
    explanation_lines: usize,
) {
    let _ = writeln!(
        out,
        "GROUP {n}/{of} [{} case{}] {}",
        group.count,
        if group.count == 1 { "" } else { "s" },
        headline(group)
    );
    let _ = writeln!(out, "  key: {}", group.key);
    if let Some(message) = &group.candidate_message {
        let short: String = message
            .chars()
            .take(CASE_WIDTH)
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        let _ = writeln!(out, "  the candidate's error: {short}");
    }
    let case = serde_json::json!({
        "policies": group.minimal.policies,
        "request": {"action": group.minimal.request.action,
                    "resource": group.minimal.request.resource,
                    "context": group.minimal.request.context},
    });
    let mut line = case.to_string();
    if line.chars().count() > CASE_WIDTH {
        line = line.chars().take(CASE_WIDTH).collect::<String>() + "…";
    }
    let _ = writeln!(out, "  minimal case:\n    {line}");
    let lines: Vec<&str> = group.explanation.lines().collect();
    let _ = writeln!(out, "  the reference explains:");
    for l in lines.iter().take(explanation_lines) {
        let _ = writeln!(out, "    {l}");
    }
    if lines.len() > explanation_lines {
        let _ = writeln!(
            out,
            "    … ({} more lines)",
            lines.len() - explanation_lines
        );
    }
    // The first failing case of the group by name (with where it was saved), then the others'
    // count.
    let members: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Failed && o.group.as_deref() == Some(group.key.as_str()))
        .collect();
    if let Some(first) = members.first() {
        let _ = writeln!(out, "FAILED {}", first.id);
        if let Some(path) = &first.saved {
            let _ = writeln!(out, "  saved as {}", path.display());
        }
    }
    if members.len() > 1 {
        let more: Vec<&str> = members
            .iter()
            .skip(1)
            .take(4)
            .map(|o| o.id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "  and {} more: {}{}",
            members.len() - 1,
            more.join(", "),
            if members.len() > 5 { ", …" } else { "" }
        );
    }
    out.push('\n');
}
