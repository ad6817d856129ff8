//! The matrix's inferred readings: for each implementation-defined point (`ID-n`,
//! docs/semantics.md §11) and each evaluator, which of the point's permitted readings the
//! evaluator's answers are consistent with ([`crate::inferred`]), that no permitted reading
//! explains them (a bug, not a reading), or that no case of the run depended on the point.

use std::fmt::Write as _;

use iam_eval::Point;

use super::{escape, Column};
use crate::inferred::Inference;

/// What one evaluator's answers say about `point`, as plain text (backticks around reading
/// words).
pub fn reading_text(column: &Column, point: Point) -> String {
    let readings = &column.report.readings;
    let words = point.words();
    let word = |i: usize| format!("`{}`", words.get(i).copied().unwrap_or("?"));
    let tally = readings.points.get(&point);
    match readings.infer(point) {
        Inference::Untested => "not observed".to_owned(),
        Inference::Declared(i) => format!("{} (declared)", word(i)),
        Inference::Bug => {
            let (outside, example) =
                tally.map_or((0, None), |t| (t.outside, t.example_outside.as_deref()));
            if outside == 0 {
                // Each case was answered by some reading, but no one reading answers them all.
                let ruled: Vec<String> = (0..words.len())
                    .map(|i| {
                        let n = tally.and_then(|t| t.ruled_out.get(i)).copied().unwrap_or(0);
                        format!("{} by {n} case{}", word(i), plural(n))
                    })
                    .collect();
                return format!(
                    "a bug, not a reading (no one reading gives every answer: ruled out {})",
                    ruled.join(", ")
                );
            }
            let example = example.map_or(String::new(), |e| format!(", e.g. `{e}`"));
            format!(
                "a bug, not a reading ({outside} case{} answered outside every permitted answer{example})",
                plural(outside)
            )
        }
        Inference::Consistent(consistent) => {
            let cases = tally.map_or(0, |t| t.cases);
            match consistent.as_slice() {
                [one] => {
                    let apart = tally
                        .and_then(|t| t.told_apart.get(*one))
                        .copied()
                        .unwrap_or(0);
                    format!(
                        "{} ({apart} case{} told it apart)",
                        word(*one),
                        plural(apart)
                    )
                }
                _ => {
                    let names: Vec<String> = consistent.iter().map(|i| word(*i)).collect();
                    format!(
                        "{} (no case of {cases} told them apart)",
                        names.join(" or ")
                    )
                }
            }
        }
    }
}

/// The inferred reading of the point a matrix row's label names (`ID-n`), for the cell;
/// `None` for other labels and for a point no case depended on.
pub fn row_reading(column: &Column, label: &str) -> Option<String> {
    let point = Point::from_id(label).filter(|p| p.id() == label)?;
    let words = point.words();
    let word = |i: &usize| format!("`{}`", words.get(*i).copied().unwrap_or("?"));
    match column.report.readings.infer(point) {
        Inference::Untested => None,
        Inference::Declared(i) => Some(format!("reads {} (declared)", word(&i))),
        Inference::Consistent(c) => {
            let names: Vec<String> = c.iter().map(word).collect();
            Some(format!("reads {}", names.join(" or ")))
        }
        Inference::Bug => Some("a bug, not a reading".to_owned()),
    }
}

const INTRO: &str = "For each implementation-defined point (`ID-n`, docs/semantics.md §11), the permitted readings each evaluator's answers are consistent with (with how many cases told the reading apart from another), `a bug, not a reading` when a case depending on the point was answered outside every permitted answer, and `not observed` when no case of the run depended on the point. A `--readings` line of the readings settled on one is under the table.";

/// The readings section as markdown: one row per point, one column per evaluator.
pub(super) fn markdown(columns: &[Column]) -> String {
    let mut out = format!(
        "\n## Inferred readings\n\n{INTRO}\n\n| point | permitted readings (reference first) |"
    );
    for c in columns {
        let _ = write!(out, " {} |", c.name);
    }
    out.push_str("\n|---|---|");
    for _ in columns {
        out.push_str("---|");
    }
    out.push('\n');
    for point in Point::ALL {
        let words: Vec<String> = point.words().iter().map(|w| format!("`{w}`")).collect();
        let _ = write!(
            out,
            "| {}: {} | {} |",
            point.id(),
            point.title().replace('|', "\\|"),
            words.join(", ")
        );
        for c in columns {
            let _ = write!(out, " {} |", reading_text(c, *point).replace('|', "\\|"));
        }
        out.push('\n');
    }
    out.push('\n');
    for c in columns {
        let suggested = c.report.readings.suggested();
        let line = if suggested.is_empty() {
            "no point settled on one reading".to_owned()
        } else {
            format!("`--readings {suggested}`")
        };
        let _ = writeln!(out, "- {}: {line}", c.name);
    }
    out
}

/// The readings section as HTML.
pub(super) fn html(columns: &[Column]) -> String {
    let mut out = format!(
        "<h2>Inferred readings</h2>\n<p>{}</p>\n<table><tr><th>point</th><th>permitted readings</th>",
        escape(INTRO)
    );
    for c in columns {
        let _ = write!(out, "<th>{}</th>", escape(&c.name));
    }
    out.push_str("</tr>\n");
    for point in Point::ALL {
        let _ = write!(
            out,
            "<tr><td>{}: {}</td><td>{}</td>",
            point.id(),
            escape(point.title()),
            escape(&point.words().join(", "))
        );
        for c in columns {
            let text = reading_text(c, *point);
            let class = match c.report.readings.infer(*point) {
                Inference::Bug => "bad",
                Inference::Untested => "none",
                _ => "ok",
            };
            let _ = write!(out, "<td class=\"{class}\">{}</td>", escape(&text));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n<ul>");
    for c in columns {
        let suggested = c.report.readings.suggested();
        let line = if suggested.is_empty() {
            "no point settled on one reading".to_owned()
        } else {
            format!("--readings {suggested}")
        };
        let _ = write!(
            out,
            "<li>{}: <code>{}</code></li>",
            escape(&c.name),
            escape(&line)
        );
    }
    out.push_str("</ul>\n");
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::Report;

    #[test]
    fn a_point_no_case_depended_on_is_not_observed_and_names_no_reading() {
        let column = Column {
            name: "x".into(),
            command: "x".into(),
            report: Report::default(),
        };
        for point in Point::ALL {
            assert_eq!(reading_text(&column, *point), "not observed");
            assert_eq!(row_reading(&column, point.id()), None);
        }
        assert_eq!(row_reading(&column, "op:Bool"), None);
        let text = markdown(std::slice::from_ref(&column));
        assert_eq!(text.matches("| not observed |").count(), Point::ALL.len());
        assert!(text.contains("- x: no point settled on one reading"));
    }

    #[test]
    fn a_bug_names_its_example_or_the_readings_each_case_ruled_out() {
        use crate::inferred::PointTally;
        let mut report = Report::default();
        report.readings.points.insert(
            Point::Id6,
            PointTally {
                cases: 4,
                ruled_out: vec![2, 3],
                told_apart: vec![2, 1],
                outside: 0,
                example_outside: None,
            },
        );
        report.readings.points.insert(
            Point::Id9,
            PointTally {
                cases: 0,
                ruled_out: vec![0; Point::Id9.words().len()],
                told_apart: vec![0; Point::Id9.words().len()],
                outside: 3,
                example_outside: Some("eval/ip/x".into()),
            },
        );
        report.readings.points.insert(
            Point::Id7,
            PointTally {
                cases: 5,
                ruled_out: vec![5, 0, 5],
                told_apart: vec![0, 5, 0],
                outside: 0,
                example_outside: None,
            },
        );
        let column = Column {
            name: "x".into(),
            command: "x".into(),
            report,
        };
        assert_eq!(
            reading_text(&column, Point::Id6),
            "a bug, not a reading (no one reading gives every answer: ruled out `sensitive` by 2 cases, `insensitive` by 3 cases)"
        );
        assert_eq!(
            reading_text(&column, Point::Id9),
            "a bug, not a reading (3 cases answered outside every permitted answer, e.g. `eval/ip/x`)"
        );
        assert_eq!(
            reading_text(&column, Point::Id7),
            "`never` (5 cases told it apart)"
        );
        assert_eq!(
            row_reading(&column, "ID-7").as_deref(),
            Some("reads `never`")
        );
        assert_eq!(
            row_reading(&column, "ID-6").as_deref(),
            Some("a bug, not a reading")
        );
    }
}
