//! The cross-implementation compliance matrix (`iamconf report`): rows are feature labels,
//! columns are evaluators, each cell `passed/total` over the cases carrying that label, linked
//! to the evaluator's largest failure group with that label; then, per evaluator, each failure
//! group with its minimal case, the reference's explanation and the project's explanation of it
//! (from an explanations file: lines `EVALUATOR group=KEY-GLOB text`). Each evaluator's
//! inferred readings of the implementation-defined points are in the cells of the points'
//! rows (`ID-n`) and in a table of their own ([`readings`]).

mod readings;

pub use readings::{reading_text, row_reading};

use std::collections::BTreeSet;
use std::fmt::Write as _;

use iam_policy::pattern::{Glob, GlobSyntax};

use crate::gate::{Report, Status};
use crate::groups::Group;
use crate::summary::{headline, member_labels_line};

/// One evaluator's run.
pub struct Column {
    /// Its name (the column header).
    pub name: String,
    /// The command line it ran as.
    pub command: String,
    /// The gate's report.
    pub report: Report,
}

/// The evaluator name of an explanation line that holds for every evaluator.
pub const ANY_EVALUATOR: &str = "*";

/// One explanation of failure groups: the evaluator (or `*`), a glob over group keys, the text.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The evaluator's name.
    pub evaluator: String,
    /// A glob over group keys.
    pub pattern: String,
    /// What causes the group (the evaluator's bug, a permitted reading, or ours).
    pub text: String,
}

/// Read an explanations file: `EVALUATOR group=KEY-GLOB text` per line (`*` for every
/// evaluator), `#` comments.
pub fn parse_explanations(text: &str) -> Result<Vec<Explanation>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, char::is_whitespace);
        let (Some(evaluator), Some(pattern), Some(text)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "line {}: expected `EVALUATOR group=KEY-GLOB explanation`",
                n + 1
            ));
        };
        let Some(pattern) = pattern.strip_prefix("group=") else {
            return Err(format!(
                "line {}: `{pattern}` must start with `group=`",
                n + 1
            ));
        };
        out.push(Explanation {
            evaluator: evaluator.to_owned(),
            pattern: pattern.to_owned(),
            text: text.trim().to_owned(),
        });
    }
    Ok(out)
}

/// The explanation lines that explain no failure group of the run (for a warning: a bug was
/// fixed, or a group's key changed).
pub fn unused_explanations<'a>(
    columns: &[Column],
    explanations: &'a [Explanation],
) -> Vec<&'a Explanation> {
    explanations
        .iter()
        .filter(|e| {
            !columns.iter().any(|c| {
                (c.name == e.evaluator || e.evaluator == ANY_EVALUATOR)
                    && failing_groups(&c.report).iter().any(|g| {
                        explanation_for(explanations, &c.name, &g.key)
                            .is_some_and(|t| std::ptr::eq(t, e.text.as_str()))
                    })
            })
        })
        .collect()
}

/// The failure groups of a column that no explanation line explains, by key.
pub fn unexplained_groups<'a>(column: &'a Column, explanations: &[Explanation]) -> Vec<&'a str> {
    failing_groups(&column.report)
        .iter()
        .filter(|g| explanation_for(explanations, &column.name, &g.key).is_none())
        .map(|g| g.key.as_str())
        .collect()
}

fn explanation_for<'a>(
    explanations: &'a [Explanation],
    evaluator: &str,
    key: &str,
) -> Option<&'a str> {
    explanations
        .iter()
        .find(|e| {
            (e.evaluator == evaluator || e.evaluator == ANY_EVALUATOR)
                && Glob::new(&e.pattern, GlobSyntax::Text).is_match(key)
        })
        .map(|e| e.text.as_str())
}

/// Groups of a report that hold a failing case, largest first.
pub fn failing_groups(report: &Report) -> Vec<&Group> {
    let mut groups: Vec<&Group> = report
        .groups
        .iter()
        .filter(|g| {
            report.problems.iter().any(|o| {
                matches!(o.status, Status::Failed | Status::ExpectedFailure(_))
                    && o.group.as_deref() == Some(g.key.as_str())
            })
        })
        .collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    groups
}

fn anchor(evaluator: &str, index: usize) -> String {
    let name: String = evaluator
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{name}-group-{}", index + 1)
}

/// One cell: passed and total over the cases with `label` (all cases for `None`), and the
/// anchor of the largest failure group holding the label.
fn cell(column: &Column, label: Option<&str>) -> (usize, usize, Option<String>) {
    let has = |labels: &[String]| label.is_none_or(|l| labels.iter().any(|x| x == l));
    let report = &column.report;
    let (passed, total) = match label {
        None => (report.counts.passed, report.counts.total()),
        Some(l) => report
            .label_counts
            .get(l)
            .map_or((0, 0), |c| (c.passed, c.total)),
    };
    // The group holding most of the failing cases with the label.
    let groups = failing_groups(&column.report);
    let mut best: Option<(usize, usize)> = None;
    for (i, g) in groups.iter().enumerate() {
        let n = report
            .problems
            .iter()
            .filter(|o| {
                matches!(o.status, Status::Failed | Status::ExpectedFailure(_))
                    && o.group.as_deref() == Some(g.key.as_str())
                    && has(&o.labels)
            })
            .count();
        if n > 0 && best.is_none_or(|(_, most)| n > most) {
            best = Some((i, n));
        }
    }
    let link = best.map(|(i, _)| anchor(&column.name, i));
    (passed, total, link)
}

fn rows(columns: &[Column]) -> Vec<String> {
    let mut labels = BTreeSet::new();
    for c in columns {
        labels.extend(c.report.label_counts.keys().cloned());
    }
    labels.into_iter().collect()
}

/// The matrix and the failure groups as markdown. `preamble` goes after the title.
pub fn markdown(columns: &[Column], explanations: &[Explanation], preamble: &str) -> String {
    let mut out = String::from("# Implementations\n\n");
    out.push_str(preamble.trim_end());
    out.push_str("\n\n## Evaluators\n\n| evaluator | command | compared by | cases | passed | failure groups |\n|---|---|---|---|---|---|\n");
    for c in columns {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} |",
            c.name,
            c.command,
            c.report.comparison,
            c.report.counts.total(),
            c.report.counts.passed,
            failing_groups(&c.report).len()
        );
    }
    out.push_str("\n## Compliance matrix\n\nRows are feature labels (a case counts in every row whose label it carries); cells are passed/total, linked to the evaluator's largest failure group with that label; in the row of an implementation-defined point (`ID-n`), the readings the evaluator's answers are consistent with (see Inferred readings).\n\n| feature |");
    for c in columns {
        let _ = write!(out, " {} |", c.name);
    }
    out.push_str("\n|---|");
    for _ in columns {
        out.push_str("---|");
    }
    out.push('\n');
    let all = std::iter::once(None).chain(rows(columns).into_iter().map(Some));
    for label in all {
        let _ = write!(out, "| {} |", label.as_deref().unwrap_or("**all cases**"));
        for c in columns {
            let (passed, total, link) = cell(c, label.as_deref());
            match link.filter(|_| passed < total) {
                Some(a) => {
                    let _ = write!(out, " [{passed}/{total}](#{a})");
                }
                None => {
                    let _ = write!(out, " {passed}/{total}");
                }
            }
            if let Some(reading) = label.as_deref().and_then(|l| row_reading(c, l)) {
                let _ = write!(out, "; {reading}");
            }
            out.push_str(" |");
        }
        out.push('\n');
    }
    out.push_str(&readings::markdown(columns));
    for c in columns {
        let _ = writeln!(out, "\n## {}: failure groups\n", c.name);
        let groups = failing_groups(&c.report);
        if groups.is_empty() {
            out.push_str("None: it agrees with the reference on every case.\n");
        }
        for (i, g) in groups.iter().enumerate() {
            let _ = writeln!(
                out,
                "<a id=\"{}\"></a>\n### {} group {}: {} case{}\n\n{}\n\n- key: `{}`",
                anchor(&c.name, i),
                c.name,
                i + 1,
                g.count,
                if g.count == 1 { "" } else { "s" },
                headline(g).replace('|', "\\|"),
                g.key
            );
            let _ = writeln!(
                out,
                "- its cases carry: {}",
                member_labels_line(&c.report, g, 12)
            );
            if let Some(variants) = variants_line(g, 10) {
                let _ = writeln!(out, "- variants (detailed keys): {variants}");
            }
            if let Some(m) = &g.candidate_message {
                let short = iam_policy::text::truncate(m, 300);
                let _ = writeln!(
                    out,
                    "- the evaluator's error: `{}`",
                    short.replace('`', "'")
                );
            }
            let _ = writeln!(
                out,
                "- explained: {}",
                explanation_for(explanations, &c.name, &g.key).unwrap_or("**not explained yet**")
            );
            let case = case_text(&g.minimal);
            let explanation: Vec<&str> = g.explanation.lines().take(12).collect();
            let _ = writeln!(
                out,
                "\nminimal case (from `{}`):\n\n```json\n{}\n```\n\nthe reference explains:\n\n```text\n{}\n```",
                g.minimal.id,
                case,
                explanation.join("\n")
            );
        }
    }
    out
}

/// A group's variants (its cases' detailed keys) with their counts, most frequent first, at
/// most `most` of them; `None` for a group of one variant.
fn variants_line(group: &Group, most: usize) -> Option<String> {
    if group.variants.len() < 2 {
        return None;
    }
    let mut variants: Vec<&(String, usize)> = group.variants.iter().collect();
    variants.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut shown: Vec<String> = variants
        .iter()
        .take(most)
        .map(|(v, n)| format!("`{v}` ({n})"))
        .collect();
    if variants.len() > most {
        shown.push(format!("… {} more", variants.len() - most));
    }
    Some(shown.join(", "))
}

/// Longest minimal case written (compact JSON); a longer one (an over-size document) is cut.
const CASE_CHARS: usize = 4_000;

/// A minimal case as compact JSON, at most [`CASE_CHARS`] characters.
fn case_text(case: &crate::protocol::CaseLine) -> String {
    let text = case.report_json().to_string();
    let count = text.chars().count();
    if count <= CASE_CHARS {
        return text;
    }
    let cut = iam_policy::text::truncate(&text, CASE_CHARS);
    format!("{cut} ({} more characters)", count - CASE_CHARS)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A self-contained HTML page of the same content (inline style, no script, no link outside).
pub fn html(columns: &[Column], explanations: &[Explanation], preamble: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>iamconf: implementations</title>\n<style>body{font-family:sans-serif;max-width:70em;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px}td.ok{background:#dfd}td.bad{background:#fdd}td.none{color:#777}pre{background:#f4f4f4;padding:6px;white-space:pre-wrap}</style></head><body>\n<h1>Implementations</h1>\n",
    );
    let _ = writeln!(out, "<pre>{}</pre>", escape(preamble.trim()));
    out.push_str("<table><tr><th>feature</th>");
    for c in columns {
        let _ = write!(
            out,
            "<th>{}<br><small>compared by {}</small></th>",
            escape(&c.name),
            c.report.comparison
        );
    }
    out.push_str("</tr>\n");
    let all = std::iter::once(None).chain(rows(columns).into_iter().map(Some));
    for label in all {
        let _ = write!(
            out,
            "<tr><td>{}</td>",
            escape(label.as_deref().unwrap_or("all cases"))
        );
        for c in columns {
            let (passed, total, link) = cell(c, label.as_deref());
            let class = if passed == total { "ok" } else { "bad" };
            match link.filter(|_| passed < total) {
                Some(a) => {
                    let _ = write!(
                        out,
                        "<td class=\"{class}\"><a href=\"#{a}\">{passed}/{total}</a>"
                    );
                }
                None => {
                    let _ = write!(out, "<td class=\"{class}\">{passed}/{total}");
                }
            }
            if let Some(reading) = label.as_deref().and_then(|l| row_reading(c, l)) {
                let _ = write!(out, "<br><small>{}</small>", escape(&reading));
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out.push_str(&readings::html(columns));
    for c in columns {
        let _ = writeln!(
            out,
            "<h2>{}: failure groups</h2><p><code>{}</code></p>",
            escape(&c.name),
            escape(&c.command)
        );
        for (i, g) in failing_groups(&c.report).iter().enumerate() {
            let case = case_text(&g.minimal);
            let _ = writeln!(
                out,
                "<h3 id=\"{}\">group {}: {} cases</h3><p>{}</p><p>key: <code>{}</code>; its cases carry: {}{}</p><p>explained: {}</p><pre>{}</pre><pre>{}</pre>",
                anchor(&c.name, i),
                i + 1,
                g.count,
                escape(&headline(g)),
                escape(&g.key),
                escape(&member_labels_line(&c.report, g, 12)),
                variants_line(g, 10)
                    .map(|v| format!("; variants (detailed keys): {}", escape(&v)))
                    .unwrap_or_default(),
                escape(
                    explanation_for(explanations, &c.name, &g.key).unwrap_or("not explained yet")
                ),
                escape(&case),
                escape(&g.explanation)
            );
        }
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explanations_need_an_evaluator_a_group_and_a_text() {
        let parsed = parse_explanations("# c\nmoto group=*op:Bool* moto skips Bool\n").unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(
            explanation_for(&parsed, "moto", "op:Bool;allowed>implicitDeny"),
            Some("moto skips Bool")
        );
        assert_eq!(explanation_for(&parsed, "pbac", "op:Bool;x>y"), None);
        let shared = parse_explanations("* group=accepts-* everyone\nmoto group=* moto\n").unwrap();
        assert_eq!(
            explanation_for(&shared, "pbac", "accepts-invalid:condition"),
            Some("everyone")
        );
        assert_eq!(
            explanation_for(&shared, "moto", "op:Bool;applies-more"),
            Some("moto")
        );
        assert_eq!(
            explanation_for(&shared, "pbac", "op:Bool;applies-more"),
            None
        );
        assert!(parse_explanations("moto op:Bool text").is_err());
        assert!(parse_explanations("moto group=x").is_err());
    }
}
