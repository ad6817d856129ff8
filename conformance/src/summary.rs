//! The human report by root cause: one block per failure group (count, labels, one minimal
//! case, the reference's explanation, the first case ids), sized so that the whole report
//! stays near [`LINE_BUDGET`] lines whatever the number of failures. `report::human` is the
//! full listing (`iamconf check --verbose`).

use std::fmt::Write as _;

use iam_policy::text::truncate;

use crate::gate::{Report, Status};
use crate::groups::{describe_key, Group, REJECTS_VALID};

/// About how many lines the grouped report takes at most.
pub const LINE_BUDGET: usize = 150;
/// Longest minimal case line printed (compact JSON).
const CASE_WIDTH: usize = 400;
/// Groups shown in full; later ones get one line each.
const FULL_GROUPS: usize = 8;
/// Unexpected passes listed one per line; beyond, only their number.
const UNEXPECTED_SHOWN: usize = 10;
/// Variants (detailed keys) listed under a group shown in full; beyond, only their number.
const VARIANTS_SHOWN: usize = 3;
/// About how many lines the end of the report takes (invariants, counts, verdict).
const SUMMARY_LINES: usize = 40;

/// The grouped human report.
pub fn grouped(report: &Report) -> String {
    let mut out = String::new();
    let failed_groups: Vec<&Group> = report
        .groups
        .iter()
        .filter(|g| {
            report
                .problems
                .iter()
                .any(|o| o.status == Status::Failed && o.group.as_deref() == Some(g.key.as_str()))
        })
        .collect();
    let mut order: Vec<&Group> = failed_groups.clone();
    order.sort_by_key(|g| std::cmp::Reverse(g.count));
    // Lines per group shown in full, besides the explanation: header, key, labels, error,
    // case (2), "explains", "more lines", first id, saved, other ids, blank, and the variants
    // with the line of how many more. Fewer groups are
    // shown in full (at least 2) when the one-line groups would not fit otherwise; what is
    // left of the budget goes to the explanations.
    let variant_lines_most = order
        .iter()
        .take(FULL_GROUPS)
        .map(|g| variant_lines(g, VARIANTS_SHOWN).lines().count())
        .max()
        .unwrap_or(0);
    let fixed = 12 + variant_lines_most;
    let room = LINE_BUDGET.saturating_sub(SUMMARY_LINES);
    let mut shown = order.len().min(FULL_GROUPS);
    while shown > 2 && shown * (fixed + 1) + (order.len() - shown) > room {
        shown -= 1;
    }
    let one_line_room = room.saturating_sub(shown * (fixed + 1) + 1);
    let listed = (order.len() - shown).min(one_line_room);
    let rest = room.saturating_sub(listed);
    let explanation_lines = (rest / shown.max(1)).saturating_sub(fixed).clamp(1, 8);
    for (n, group) in order.iter().enumerate() {
        if n >= shown + listed {
            let _ = writeln!(
                out,
                "… and {} more groups (`--write-known-failures FILE` lists them all)",
                order.len() - n
            );
            break;
        }
        if n >= shown {
            let _ = writeln!(
                out,
                "GROUP {}/{} [{}] {}: {}",
                n + 1,
                order.len(),
                group.count,
                group.key,
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
    let unexpected: Vec<_> = report
        .problems
        .iter()
        .filter(|o| matches!(o.status, Status::UnexpectedPass(_)))
        .collect();
    if unexpected.len() > UNEXPECTED_SHOWN {
        let _ = writeln!(
            out,
            "{} UNEXPECTED PASSES (listed as known failures, but they now agree: remove them from the list); the first {UNEXPECTED_SHOWN}:",
            unexpected.len()
        );
    }
    for o in unexpected.iter().take(UNEXPECTED_SHOWN) {
        if let Status::UnexpectedPass(reason) = &o.status {
            let _ = writeln!(
                out,
                "UNEXPECTED PASS {}: listed as a known failure ({reason}), but it now agrees: remove it from the list",
                o.id
            );
        }
    }
    out.push_str(&crate::report::stale_groups_human(report));
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
    let used = out.lines().count();
    out.push_str(&invariants_within(
        &report.invariants,
        LINE_BUDGET.saturating_sub(used),
    ));
    let counts = &report.counts;
    let failed = counts.failed;
    let _ = writeln!(
        out,
        "{} cases{} ({} golden, {} generated) in {:.2?}, compared by {}: {} passed, {} failed, {} expected failures, {} unexpected passes, {} with more than one permitted answer{}; {} failure group{}",
        counts.total(),
        report
            .shard
            .map(|s| format!(" (shard {s})"))
            .unwrap_or_default(),
        counts.golden,
        counts.generated,
        report.elapsed,
        report.comparison,
        counts.passed,
        failed,
        counts.expected_failures,
        counts.unexpected_passes,
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
    let _ = writeln!(out, "{}", crate::report::verdict_line(report));
    out
}

/// The invariants within about `room` lines: the first violation of each violated invariant
/// in full (base case, variant, both answers) when they fit, else one line each
/// (`--verbose` shows every violation in full); then the table of all invariants.
fn invariants_within(run: &crate::invariants::through::InvariantRun, room: usize) -> String {
    use crate::invariants::summary::{describe, human};
    let mut firsts: Vec<&crate::invariants::through::Violation> = Vec::new();
    for v in &run.violations {
        if !firsts.iter().any(|f| f.invariant == v.invariant) {
            firsts.push(v);
        }
    }
    let mut table = run.clone();
    table.violations.clear();
    let table = human(&table);
    let full: String = firsts.iter().map(|v| describe(v) + "\n").collect();
    // The counts and the verdict after the invariants take a few lines more.
    let fits = full.lines().count() + table.lines().count() + 4 <= room;
    let mut out = String::new();
    if fits {
        out.push_str(&full);
    } else {
        for v in &firsts {
            let message = truncate(&v.message, 120);
            let _ = writeln!(
                out,
                "INVARIANT VIOLATED {} (first on base case {}): {}",
                v.invariant,
                v.base_id,
                message.replace('\n', " ")
            );
        }
    }
    if run.violations.len() > firsts.len() || (!fits && !firsts.is_empty()) {
        out.push_str("(`--verbose` shows every violation with its base case and variant)\n\n");
    }
    out.push_str(&table);
    out
}

/// A group's variants (its cases' detailed keys), most frequent first: one line each, at most
/// `most`, then how many more; nothing for a group of one variant (its key and minimal case
/// say it all).
pub fn variant_lines(group: &Group, most: usize) -> String {
    if group.variants.len() < 2 {
        return String::new();
    }
    let mut variants: Vec<&(String, usize)> = group.variants.iter().collect();
    variants.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut out = String::new();
    for (variant, n) in variants.iter().take(most) {
        let _ = writeln!(out, "  variant [{n}] {}", truncate(variant, 120));
    }
    if variants.len() > most {
        let rest: usize = variants.iter().skip(most).map(|(_, n)| n).sum();
        let _ = writeln!(
            out,
            "  … {} more variants ({rest} cases)",
            variants.len() - most
        );
    }
    out
}

/// The group's cause and one example's answers in one line.
pub fn headline(group: &Group) -> String {
    let mut line = format!(
        "{} (e.g. expected `{}`, got `{}`",
        describe_key(&group.key),
        group.expected,
        group.got
    );
    if let (Some(masked), false) = (&group.candidate_error, group.key.starts_with(REJECTS_VALID)) {
        let short = truncate(masked, 60);
        line.push_str(&format!(": {}", short.replace('\n', " ")));
    }
    line.push(')');
    line
}

/// The feature labels the group's failing cases carry, each with how many carry it, most
/// frequent first: for a group of rejected documents, its diagnostic codes
/// (`malformed:<code>`); for a group of errors, the features its cases exercise.
pub fn member_labels(report: &Report, group: &Group) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for o in report.problems.iter().filter(|o| {
        matches!(o.status, Status::Failed | Status::ExpectedFailure(_))
            && o.group.as_deref() == Some(group.key.as_str())
    }) {
        for label in &o.labels {
            *counts.entry(label.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> =
        counts.into_iter().map(|(l, n)| (l.to_owned(), n)).collect();
    out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    out
}

/// [`member_labels`] in one line, at most `most` of them.
pub fn member_labels_line(report: &Report, group: &Group, most: usize) -> String {
    let labels = member_labels(report, group);
    let mut shown: Vec<String> = labels
        .iter()
        .take(most)
        .map(|(l, n)| format!("{l} ({n})"))
        .collect();
    if labels.len() > most {
        shown.push(format!("… {} more", labels.len() - most));
    }
    shown.join(", ")
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
    out.push_str(&variant_lines(group, VARIANTS_SHOWN));
    let minimal_labels = if group.labels.is_empty() {
        "none".to_owned()
    } else {
        group.labels.join(" ")
    };
    let _ = writeln!(
        out,
        "  labels: {minimal_labels} (minimal case); its cases carry {}",
        member_labels_line(report, group, 8)
    );
    if let Some(message) = &group.candidate_message {
        let short = truncate(message, CASE_WIDTH).replace('\n', " ");
        let _ = writeln!(out, "  the candidate's error: {short}");
    }
    let case = group.minimal.report_json().to_string();
    let line = truncate(&case, CASE_WIDTH);
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
        .problems
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{Origin, Outcome};
    use crate::protocol::{AnswerLine, CaseLine, Verdict};
    use iam_eval::Decision;
    use serde_json::json;

    /// `groups` groups of `per_group` failures each, every group with a long minimal case, a
    /// long explanation and a long error message.
    fn report(groups: usize, per_group: usize) -> Report {
        let mut report = Report::default();
        for g in 0..groups {
            let minimal = CaseLine::from_value(&json!({
                "id": format!("gen-{g}"),
                "policies": [{"Statement": {"Effect": "Allow", "Action": "iot:DescribeJob",
                    "Resource": "x".repeat(600)}}],
                "request": {"action": "iot:DescribeJob", "resource": "*"}
            }))
            .unwrap();
            let answer = AnswerLine {
                id: None,
                verdict: if g % 2 == 0 {
                    // Messages that differ in words, not only in numbers.
                    let word: String = format!("{g:o}")
                        .chars()
                        .map(|d| char::from(b'a' + d.to_digit(8).map_or(0, |v| v as u8)))
                        .collect();
                    Verdict::Error(format!("unsupported {word} here\n{}", "y".repeat(500)))
                } else {
                    Verdict::Decision(Decision::Allow)
                },
                matched: None,
            };
            let explanation = (0..40)
                .map(|n| format!("line {n}"))
                .collect::<Vec<_>>()
                .join("\n");
            let labels = vec![format!("op:Feature{g}"), "Deny".to_owned()];
            for n in 0..per_group {
                let id = format!("gen-{g}-{n}");
                let index = crate::groups::add(
                    &mut report.groups,
                    labels.clone(),
                    &AnswerLine {
                        id: None,
                        verdict: Verdict::Decision(Decision::ImplicitDeny),
                        matched: None,
                    },
                    &answer,
                    &minimal,
                    &explanation,
                    &id,
                );
                report.record(Outcome {
                    id,
                    position: g * per_group + n,
                    origin: Origin::Generated,
                    status: Status::Failed,
                    expected: "implicitDeny".into(),
                    got: answer.verdict.word().into(),
                    detail: String::new(),
                    minimal: Some(minimal.clone()),
                    explanation: Some(explanation.clone()),
                    saved: None,
                    shrunk: true,
                    labels: labels.clone(),
                    group: report.groups.get(index).map(|g| g.key.clone()),
                    variant: None,
                });
            }
        }
        report
    }

    #[test]
    fn the_grouped_report_stays_within_its_budget_and_names_every_group() {
        for (groups, per_group) in [(1, 500), (8, 60), (25, 20), (80, 10), (300, 2)] {
            let report = report(groups, per_group);
            let text = grouped(&report);
            let lines = text.lines().count();
            assert!(
                lines <= LINE_BUDGET,
                "{groups} groups of {per_group}: {lines} lines\n{text}"
            );
            let named = text.lines().filter(|l| l.starts_with("GROUP ")).count();
            if groups <= 80 {
                assert_eq!(named, groups, "{text}");
            } else {
                assert!(
                    text.contains(&format!("and {} more groups", groups - named)),
                    "{text}"
                );
            }
            assert!(text.contains(&format!("{} failed", groups * per_group)));
        }
    }
}
