//! `iamconf report NAME=CMD ...`: run several evaluators through the gate with the same cases
//! and write the compliance matrix (markdown and one self-contained HTML page).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use iam_conformance::candidate::ProcessCandidate;
use iam_conformance::gate::{self, Config};
use iam_conformance::matrix::{self, Column};

/// The time each shrink of a report's runs may take.
const REPORT_SHRINK_TIME: Duration = Duration::from_secs(5);

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// Evaluators, each `NAME=CMD` (compared by decision) or `NAME:allowed=CMD` (compared as
    /// allowed / not allowed, for evaluators that answer only yes or no).
    #[arg(required = true, value_name = "NAME=CMD")]
    evaluators: Vec<String>,
    /// How many generated cases (after the golden ones).
    #[arg(long = "cases", default_value_t = 1_000, value_name = "N")]
    cases: usize,
    /// The generator's seed.
    #[arg(long, default_value_t = 0x1a3c_0f5e)]
    seed: u64,
    /// Seconds an evaluator may take to answer one case.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    timeout: f64,
    /// Explanations of failure groups: lines `EVALUATOR group=KEY-GLOB text`.
    #[arg(long, value_name = "FILE")]
    explanations: Option<PathBuf>,
    /// Text put under the title (versions, date, how to regenerate).
    #[arg(long, value_name = "FILE")]
    preamble: Option<PathBuf>,
    /// Where the markdown goes (standard output without it).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Where the HTML page goes.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

fn read(path: &Option<PathBuf>) -> Result<String, String> {
    match path {
        Some(p) => {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))
        }
        None => Ok(String::new()),
    }
}

fn write(path: &PathBuf, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

pub(super) fn run(args: &ReportArgs) -> ExitCode {
    match report(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn report(args: &ReportArgs) -> Result<(), String> {
    let explanations = matrix::parse_explanations(&read(&args.explanations)?)
        .map_err(|e| format!("explanations: {e}"))?;
    let preamble = read(&args.preamble)?;
    let timeout = Duration::try_from_secs_f64(args.timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or("`--timeout` must be a positive number of seconds")?;
    let mut columns = Vec::new();
    for spec in &args.evaluators {
        let (name, command) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}` is not `NAME=CMD`"))?;
        let (name, allowed) = match name.strip_suffix(":allowed") {
            Some(n) => (n, true),
            None => (name, false),
        };
        if name.is_empty() || command.trim().is_empty() {
            return Err(format!("`{spec}` is not `NAME=CMD`"));
        }
        let config = Config {
            generated: args.cases,
            seed: args.seed,
            compare_allowed: allowed,
            count_labels: true,
            // The matrix shows cases and readings, not the evaluator invariants: running
            // them would only cost time.
            invariant_cases: 0,
            // Each shrink gets its own time rather than a share of the run's, so that the
            // groups (keyed by the shrunk cases) depend on the evaluator, not on the load.
            shrink_time: Some(REPORT_SHRINK_TIME),
            ..Config::default()
        };
        let mut candidate = ProcessCandidate::spawn(command, timeout).map_err(|e| e.to_string())?;
        let report = gate::run(&mut candidate, &config, &mut |_, _| {});
        if let Some(failure) = &report.candidate_failure {
            eprintln!("warning: `{name}` stopped: {failure}");
        }
        eprintln!(
            "{name}: {} cases, {} passed, {} failure groups",
            report.counts.total(),
            report.counts.passed,
            matrix::failing_groups(&report).len()
        );
        columns.push(Column {
            name: name.to_owned(),
            command: command.to_owned(),
            report,
        });
    }
    for c in &columns {
        for key in matrix::unexplained_groups(c, &explanations) {
            eprintln!("warning: `{}` group `{key}` is not explained", c.name);
        }
    }
    for e in matrix::unused_explanations(&columns, &explanations) {
        eprintln!(
            "warning: the explanation `{} group={}` explains no failure group of this run: remove it",
            e.evaluator, e.pattern
        );
    }
    let markdown = matrix::markdown(&columns, &explanations, &preamble);
    match &args.markdown {
        Some(path) => write(path, &markdown)?,
        None => println!("{markdown}"),
    }
    if let Some(path) = &args.html {
        write(path, &matrix::html(&columns, &explanations, &preamble))?;
    }
    Ok(())
}
