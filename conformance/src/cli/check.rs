//! `iamconf check`: the gate.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use iam_conformance::candidate::{Candidate, ProcessCandidate, ReferenceItself};
use iam_conformance::cases::{check_parse_case, Corpus};
use iam_conformance::gate::{self, parse_known_failures, Config, Shard};
use iam_conformance::generate::{generate_cases_at, GeneratorConfig};
use iam_conformance::invariants::self_checks;
use iam_conformance::{junit, report};

/// Output format of the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum CheckFormat {
    /// A summary for people (with a progress bar on a terminal).
    Human,
    /// One JSON document.
    Json,
    /// JUnit XML, for CI systems.
    Junit,
}

/// What to compare besides the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Compare {
    /// Only the decision (allowed / explicitDeny / implicitDeny / error).
    Decision,
    /// The decision and the deciding statements (`matched`).
    Matched,
    /// Only allowed against not allowed (explicit deny, implicit deny and error all count as
    /// not allowed): for evaluators that answer only yes or no.
    Allowed,
}

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// The evaluator under test: a command line speaking the evaluator protocol on stdin/stdout.
    /// Without it, iamconf checks its own reference against the golden corpus and the invariants.
    #[arg(long, value_name = "CMD")]
    evaluator: Option<String>,
    /// How many generated cases (after the golden ones).
    #[arg(long = "cases", default_value_t = iam_conformance::generate::DEFAULT_CASES, value_name = "N")]
    cases: usize,
    /// The generator's seed (the same seed gives the same cases).
    #[arg(long, default_value_t = iam_conformance::generate::DEFAULT_SEED)]
    seed: u64,
    /// Stop generating after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    time_budget: Option<f64>,
    /// Seconds the evaluator may take to answer one case.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    timeout: f64,
    /// Hold the evaluator to the reference's reading of every implementation-defined point
    /// (`ID-n`), instead of accepting any permitted reading.
    #[arg(long, conflicts_with = "readings")]
    strict: bool,
    /// The evaluator's readings of implementation-defined points, as `ID-7=never,ID-9=error`:
    /// cases depending on a declared point expect exactly the answer under that reading.
    #[arg(long, value_name = "ID-n=READING,...")]
    readings: Option<String>,
    /// List every implementation-defined point and its permitted readings, and exit.
    #[arg(long)]
    list_readings: bool,
    /// What to compare.
    #[arg(long, value_enum, default_value_t = Compare::Decision)]
    compare: Compare,
    /// Expected failures: lines of `CASE-ID-GLOB reason` or `group=GROUP-KEY-GLOB reason`. A
    /// listed case that passes fails the run.
    #[arg(long, value_name = "FILE")]
    known_failures: Option<PathBuf>,
    /// Write today's failures to FILE as a known-failures list, one line per failure group
    /// with its description (then gate CI with `--known-failures FILE`).
    #[arg(long, value_name = "FILE")]
    write_known_failures: Option<PathBuf>,
    /// The human report lists every failure (by default: one block per failure group).
    #[arg(long)]
    verbose: bool,
    /// Write each (shrunk) disagreement as a golden case file in DIR.
    #[arg(long, value_name = "DIR")]
    save_failures: Option<PathBuf>,
    /// Only cases whose id contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Use the corpus in DIR instead of the one built into iamconf.
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Skip the golden corpus (generated cases only).
    #[arg(long)]
    no_golden: bool,
    /// Generator settings: a JSON file (see conformance/presets/).
    #[arg(long, value_name = "FILE")]
    generator: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Over how many generated base cases to check every evaluator invariant (each builds
    /// dozens of variant cases and sends them to the evaluator); without `--evaluator`, also
    /// how many cases the self-checks of the parser and the reference run over.
    #[arg(long, default_value_t = gate::DEFAULT_INVARIANT_CASES, value_name = "N")]
    invariant_cases: usize,
    /// How many evaluator processes (or, without `--evaluator`, reference threads) run side by
    /// side; the cases are dealt out round-robin and the report is the same as with one.
    /// Default: the number of cores.
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Run only shard K of N (1 <= K <= N): every N-th case of the run, golden and generated,
    /// with the same seed and ids as the whole run. `iamconf merge` joins the shards' JSON reports.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Most seconds to spend shrinking one disagreement or invariant violation. Default: the
    /// disagreements' shrinks share about as much time as the run before them took, and each
    /// invariant violation's shrink takes at most 10 s.
    #[arg(long, value_name = "SECONDS")]
    shrink_time: Option<f64>,
    /// Do not run the evaluator invariants.
    #[arg(long)]
    no_invariants: bool,
}

/// `--jobs`, or the number of cores.
fn jobs(args: &CheckArgs) -> Result<usize, String> {
    match args.jobs {
        Some(0) => Err("`--jobs` must be at least 1".into()),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, usize::from)),
    }
}

fn usage(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Seconds as a duration; an error (not a panic) for a negative, NaN or huge value.
fn seconds(flag: &str, value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| format!("`{flag}` must be a number of seconds from 0 up, found `{value}`"))
}

fn config(args: &CheckArgs) -> Result<Config, String> {
    let time_budget = match args.time_budget {
        Some(s) => Some(seconds("--time-budget", s)?),
        None => None,
    };
    let shrink_time = match args.shrink_time {
        Some(s) => Some(seconds("--shrink-time", s)?),
        None => None,
    };
    let mut config = Config {
        shrink_time,
        shard: args.shard,
        golden: !args.no_golden,
        generated: args.cases,
        seed: args.seed,
        time_budget,
        strict: args.strict,
        compare_matched: args.compare == Compare::Matched,
        compare_allowed: args.compare == Compare::Allowed,
        save_failures: args.save_failures.clone(),
        filter: args.filter.clone(),
        invariant_cases: if args.no_invariants {
            0
        } else {
            args.invariant_cases
        },
        ..Config::default()
    };
    if let Some(text) = &args.readings {
        config.readings = iam_conformance::answer_set::DeclaredReadings::parse(text)
            .map_err(|e| format!("--readings: {e}\nhelp: {}", e.help()))?;
    }
    if let Some(path) = &args.known_failures {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        config.known_failures =
            parse_known_failures(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(dir) = &args.corpus {
        config.corpus = Some(Corpus::load_dir(dir)?);
    }
    if let Some(path) = &args.generator {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        config.generator = serde_json::from_str::<GeneratorConfig>(&text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(config)
}

pub(super) fn run(args: &CheckArgs) -> ExitCode {
    if args.list_readings {
        let _ = write!(std::io::stdout().lock(), "{}", list_readings());
        return ExitCode::SUCCESS;
    }
    let config = match config(args) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let timeout = match seconds("--timeout", args.timeout) {
        Ok(t) if !t.is_zero() => t,
        _ => return usage("`--timeout` must be a positive number of seconds".into()),
    };
    let jobs = match jobs(args) {
        Ok(n) => n,
        Err(e) => return usage(e),
    };
    let mut self_checked = None;
    let mut candidates: Vec<Box<dyn Candidate + Send>> = Vec::with_capacity(jobs);
    match &args.evaluator {
        Some(command) => {
            for _ in 0..jobs {
                match ProcessCandidate::spawn(command, timeout) {
                    Ok(c) => candidates.push(Box::new(c)),
                    Err(e) => return usage(e.to_string()),
                }
            }
        }
        None => {
            self_checked = Some(self_check(&config, args.invariant_cases, jobs));
            for _ in 0..jobs {
                candidates.push(Box::new(ReferenceItself::default()));
            }
        }
    }
    let bar = progress_bar(args.format);
    let mut progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let report = gate::run_jobs(&mut candidates, &config, &mut progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let problems: &[String] = self_checked.as_ref().map_or(&[], |c| c.problems.as_slice());
    let text = match args.format {
        CheckFormat::Human => {
            let mut t = report::self_check_human(problems);
            if let Some(c) = &self_checked {
                t.push_str(&format!(
                    "self-check: {} golden parse cases against the parser; {} self-checks of the parser and the reference over {} generated cases: {} problem{}\n",
                    c.parse_cases,
                    c.checks,
                    c.cases,
                    c.problems.len(),
                    if c.problems.len() == 1 { "" } else { "s" }
                ));
            }
            if args.verbose {
                t + &report::human(&report)
            } else {
                t + &iam_conformance::summary::grouped(&report)
            }
        }
        CheckFormat::Json => report::json_report_with(
            &report,
            self_checked.as_ref().map(|c| c.problems.as_slice()),
        ),
        CheckFormat::Junit => {
            for p in problems {
                eprintln!("{p}\n");
            }
            junit::junit(&report)
        }
    };
    if let Some(path) = &args.write_known_failures {
        let list = iam_conformance::known::write_known_failures(&report);
        if let Err(e) = std::fs::write(path, list) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    // A closed standard output (`| head`) is no reason to panic; the exit status still tells.
    let _ = writeln!(std::io::stdout().lock(), "{}", text.trim_end());
    if report.passed() && problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What the self-check (no `--evaluator`) found.
struct SelfCheck {
    problems: Vec<String>,
    parse_cases: usize,
    cases: usize,
    checks: usize,
}

/// Without `--evaluator`: the golden parse cases against the reference parser, and every
/// self-check over the first `cases` generated cases, spread over `jobs` threads. With
/// `--shard K/N`, every N-th of each (so that the shards together check each once). (The
/// evaluator invariants run in the gate, against the reference as the candidate.)
fn self_check(config: &Config, cases: usize, jobs: usize) -> SelfCheck {
    let in_shard = |i: usize| config.shard.is_none_or(|s| s.contains(i));
    let mut problems = Vec::new();
    let corpus = match &config.corpus {
        Some(c) => Ok(c.clone()),
        None => Corpus::embedded(),
    };
    let mut parse_cases = 0;
    match corpus {
        Ok(corpus) => {
            for (_, case) in corpus
                .parse
                .iter()
                .enumerate()
                .filter(|(i, _)| in_shard(*i))
            {
                parse_cases += 1;
                if let Err(e) = check_parse_case(case) {
                    problems.push(format!("FAILED {}\n{e}", case.id));
                }
            }
        }
        Err(e) => problems.push(format!("the corpus is broken: {e}")),
    }
    let count = cases.min(config.generated);
    let cases: Vec<_> = generate_cases_at(
        &config.generator,
        config.seed,
        (0..count).filter(|i| in_shard(*i)),
    )
    .filter_map(|(_, case)| case)
    .collect();
    let threads = jobs.max(1);
    let chunk = cases.len().div_ceil(threads).max(1);
    let found: Vec<Vec<String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for case in part {
                        for check in self_checks::all() {
                            if let Err(e) = check.run(case) {
                                out.push(format!(
                                    "SELF-CHECK `{}` ({}) FAILED on case `{}`: {e}\n{}",
                                    check.name,
                                    check.claim,
                                    case.case.id,
                                    case.case.to_line()
                                ));
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| vec!["an invariant check panicked".to_owned()])
            })
            .collect()
    });
    problems.extend(found.into_iter().flatten());
    SelfCheck {
        problems,
        parse_cases,
        cases: cases.len(),
        checks: self_checks::all().len(),
    }
}

fn progress_bar(format: CheckFormat) -> Option<indicatif::ProgressBar> {
    if format != CheckFormat::Human || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cases {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Every point, its permitted readings (the reference's first) and what each means.
fn list_readings() -> String {
    let mut out = String::new();
    for point in iam_eval::Point::ALL {
        out.push_str(&format!("{}: {}\n", point.id(), point.title()));
        for (i, (word, meaning)) in point.words().iter().zip(point.meanings()).enumerate() {
            let mark = if i == 0 { " (reference)" } else { "" };
            out.push_str(&format!("  {}={word}{mark}: {meaning}\n", point.id()));
        }
    }
    out
}
