//! `iamconf merge`: the shards' JSON reports of one run, joined into one verdict.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use iam_conformance::merge::{known_failures, merge, read_report};
use iam_conformance::{junit, report};

/// Output format of the merged report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum MergeFormat {
    /// A summary for people.
    Human,
    /// One JSON document (the format of `iamconf check --format json`, without `shard`).
    Json,
    /// JUnit XML, for CI systems.
    Junit,
    /// A known-failures file listing every case that does not pass, with why.
    KnownFailures,
}

#[derive(Debug, clap::Args)]
pub(super) struct MergeArgs {
    /// The JSON reports of `iamconf check --shard K/N --format json`, one per shard.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MergeFormat::Human)]
    format: MergeFormat,
    /// Also write the merged report as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write the known-failures view to FILE.
    #[arg(long, value_name = "FILE")]
    known_failures: Option<PathBuf>,
}

pub(super) fn run(args: &MergeArgs) -> ExitCode {
    let mut parts = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        let read = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))
            .and_then(|text| read_report(&text).map_err(|e| format!("{}: {e}", path.display())));
        match read {
            Ok(part) => parts.push(part),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let merged = match merge(parts) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let problems = &merged.self_check_problems;
    let report = &merged.report;
    let writes = [
        (&args.junit, junit::junit(report)),
        (&args.known_failures, known_failures(report)),
    ];
    for (path, text) in writes {
        if let Some(path) = path {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    let text = match args.format {
        MergeFormat::Human => report::self_check_human(problems) + &report::human(report),
        MergeFormat::Json => report::json_report_with(report, Some(problems)),
        MergeFormat::Junit => junit::junit(report),
        MergeFormat::KnownFailures => known_failures(report),
    };
    let _ = writeln!(std::io::stdout().lock(), "{}", text.trim_end());
    if report.passed() && problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
