//! `iamconf validate FILE...`

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use iam_policy::json::MAX_SIZE;
use iam_policy::{Diagnostic, LineIndex, ParseOptions, Policy, PolicyKind};
use serde_json::json;

use super::Format;

/// Read at most one byte past the size limit, so that a huge file costs no more than that.
pub(super) fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let limit = (MAX_SIZE as u64) + 1;
    let result = if path == Path::new("-") {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        if path.is_dir() {
            return Err("is a directory, not a policy file".to_owned());
        }
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    match result {
        Ok(_) => Ok(bytes),
        Err(error) => Err(format!(
            "cannot be read: {}",
            error.to_string().to_lowercase()
        )),
    }
}

struct FileReport {
    path: String,
    text: String,
    valid: bool,
    diagnostics: Vec<Diagnostic>,
    read_error: Option<String>,
}

fn check_file(path: &Path, kind: Option<PolicyKind>) -> FileReport {
    let name = if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    };
    let bytes = match read_limited(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return FileReport {
                path: name,
                text: String::new(),
                valid: false,
                diagnostics: Vec::new(),
                read_error: Some(error),
            }
        }
    };
    let checked = Policy::check_bytes(
        &bytes,
        &ParseOptions {
            kind,
            ..ParseOptions::default()
        },
    );
    let text = if bytes.len() > MAX_SIZE {
        String::new()
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    FileReport {
        path: name,
        text,
        valid: checked.policy.is_some(),
        diagnostics: checked.diagnostics.0,
        read_error: None,
    }
}

/// Validate each file; print diagnostics; exit 0 (all valid), 1 (any invalid).
pub(super) fn run(files: &[PathBuf], format: Format, kind: Option<PolicyKind>) -> ExitCode {
    let reports: Vec<FileReport> = files.iter().map(|f| check_file(f, kind)).collect();
    let all_valid = reports.iter().all(|r| r.valid);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match format {
        Format::Human => write_human(&mut out, &reports),
        Format::Json => write_json(&mut out, &reports),
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn write_human(out: &mut impl Write, reports: &[FileReport]) -> std::io::Result<()> {
    for report in reports {
        if let Some(error) = &report.read_error {
            writeln!(out, "error[unreadable]: `{}` {error}", report.path)?;
            continue;
        }
        let index = LineIndex::new(&report.text);
        let errors = report.diagnostics.iter().filter(|d| d.is_error());
        let warnings = report.diagnostics.iter().filter(|d| !d.is_error());
        for d in errors.chain(warnings) {
            writeln!(out, "{}", d.render(&report.path, &index))?;
        }
        let (e, w) = counts(&report.diagnostics);
        if report.valid {
            writeln!(out, "{}: valid ({w} warning{})", report.path, plural(w))?;
        } else {
            writeln!(
                out,
                "{}: invalid ({e} error{}, {w} warning{})",
                report.path,
                plural(e),
                plural(w)
            )?;
        }
    }
    Ok(())
}

fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn write_json(out: &mut impl Write, reports: &[FileReport]) -> std::io::Result<()> {
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let diagnostics: Vec<serde_json::Value> = r
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .chain(r.diagnostics.iter().filter(|d| !d.is_error()))
                .map(|d| {
                    json!({
                        "code": d.code.as_str(),
                        "severity": d.severity().as_str(),
                        "line": d.position.line,
                        "column": d.position.column,
                        "offset": d.span.start,
                        "end": d.span.end,
                        "message": d.message,
                        "help": d.help,
                    })
                })
                .collect();
            json!({
                "path": r.path,
                "valid": r.valid,
                "error": r.read_error,
                "diagnostics": diagnostics,
            })
        })
        .collect();
    let doc = json!({ "valid": reports.iter().all(|r| r.valid), "files": files });
    // `{:#}` is `to_string_pretty`, which cannot fail on a `Value`.
    writeln!(out, "{doc:#}")
}
