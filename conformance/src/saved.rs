//! Disagreements saved as golden decision case files (`--save-failures`), so that they join
//! the corpus. Its own module: the gate writes them and the report names them, and neither
//! depends on the other for it.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::protocol::{AnswerLine, CaseLine};

/// Where [`save_case`] puts its files under the `--save-failures` directory: a corpus layout, so
/// that `Corpus::load_dir(dir)` (and `iamconf check --corpus DIR`) reads them back.
pub const SAVED_GROUP: &str = "eval/failures";

/// Write a case as a golden decision case file in `dir/eval/failures/`, the reference's verdict
/// as its expectation; returns the path.
pub fn save_case(dir: &Path, case: &CaseLine, reference: &AnswerLine) -> std::io::Result<PathBuf> {
    let dir = dir.join(SAVED_GROUP);
    std::fs::create_dir_all(&dir)?;
    let name: String = case
        .id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let path = dir.join(format!("{name}.json"));
    let doc = json!({
        "description": format!("disagreement found by iamconf check (case `{}`)", case.id),
        "source": "iamconf check --save-failures; the expectation is the reference's answer",
        "implementation_defined": [],
        "policies": case.policies,
        "requests": [{
            "name": "minimal",
            "action": case.request.action,
            "resource": case.request.resource,
            "context": case.request.context,
            "expect": reference.verdict.word(),
        }],
    });
    std::fs::write(&path, format!("{doc:#}\n"))?;
    Ok(path)
}
