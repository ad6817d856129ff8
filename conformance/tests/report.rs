//! `iamconf report` end to end against fixture evaluators: the compliance matrix carries each
//! evaluator's inferred readings, in the rows of the implementation-defined points and in a
//! table of their own, in markdown and HTML.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::path::PathBuf;
use std::process::Command;

const IAMCONF: &str = env!("CARGO_BIN_EXE_iamconf");
const FIXTURE: &str = env!("CARGO_BIN_EXE_iamconf-fixture");

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamconf-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The cells of the markdown table row that starts with `start`.
fn row<'a>(markdown: &'a str, start: &str) -> Vec<&'a str> {
    let line = markdown
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no row `{start}`:\n{markdown}"));
    line.trim_matches('|').split(" | ").map(str::trim).collect()
}

#[test]
fn the_matrix_shows_each_evaluators_inferred_readings() {
    let out = out_dir("readings");
    let (markdown, html) = (out.join("m.md"), out.join("m.html"));
    let output = Command::new(IAMCONF)
        .args(["report", "--cases", "0", "--markdown"])
        .arg(&markdown)
        .arg("--html")
        .arg(&html)
        .arg(format!("never={FIXTURE} reading ID-7=never"))
        .arg(format!("buggy={FIXTURE} unreadable-allows"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let text = std::fs::read_to_string(&markdown).unwrap();
    assert!(text.contains("\n## Inferred readings\n"), "{text}");
    assert!(
        text.contains("| point | permitted readings (reference first) | never | buggy |"),
        "{text}"
    );
    // ID-7 (how far a resource `*` reaches): the `never` fixture reads it as `never`, the bug
    // fixture as the reference does; each told apart by some case.
    let id7 = row(&text, "| ID-7: ");
    assert_eq!(id7[1], "`segment`, `never`, `always`", "{id7:?}");
    assert!(id7[2].starts_with("`never` ("), "{id7:?}");
    assert!(id7[2].contains("told it apart"), "{id7:?}");
    assert!(id7[3].starts_with("`segment` ("), "{id7:?}");
    // ID-5 (an unreadable request value): the bug fixture allows where every permitted
    // reading errs or is false: a bug, not a reading, with an example case.
    let id5 = row(&text, "| ID-5: ");
    assert!(
        id5[2].starts_with("`error`") && !id5[2].contains("a bug"),
        "{id5:?}"
    );
    assert!(
        id5[3].starts_with("a bug, not a reading (") && id5[3].contains("e.g. `"),
        "{id5:?}"
    );
    // Every point has a cell per evaluator, in one of the four forms.
    for line in text
        .lines()
        .filter(|l| l.starts_with("| ID-") && l.contains(": "))
    {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        if cells.len() != 4 || !cells[0].contains(": ") {
            continue;
        }
        for cell in &cells[2..] {
            let cell = cell.trim();
            assert!(
                cell == "not observed"
                    || cell.starts_with("a bug, not a reading")
                    || cell.starts_with('`'),
                "{line}"
            );
        }
    }
    // The `--readings` line of each evaluator names what its answers settled.
    let never_line = text
        .lines()
        .find(|l| l.starts_with("- never: "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(never_line.contains("ID-7=never"), "{never_line}");
    let buggy_line = text.lines().find(|l| l.starts_with("- buggy: ")).unwrap();
    assert!(buggy_line.contains("ID-7=segment"), "{buggy_line}");
    assert!(!buggy_line.contains("ID-5="), "{buggy_line}");
    // In the matrix, the point's own row carries the reading beside passed/total.
    let matrix_id7 = row(&text, "| ID-7 |");
    assert!(matrix_id7[1].ends_with("; reads `never`"), "{matrix_id7:?}");
    assert!(
        matrix_id7[2].ends_with("; reads `segment`"),
        "{matrix_id7:?}"
    );
    let matrix_id5 = row(&text, "| ID-5 |");
    assert!(
        matrix_id5[2].ends_with("; a bug, not a reading"),
        "{matrix_id5:?}"
    );
    // The HTML page holds the same table.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h2>Inferred readings</h2>"), "{page}");
    assert!(
        page.contains("<td class=\"bad\">a bug, not a reading ("),
        "{page}"
    );
    assert!(page.contains("<td class=\"ok\">`never` ("), "{page}");
    assert!(page.contains("ID-7=never"), "{page}");
    let _ = std::fs::remove_dir_all(&out);
}
