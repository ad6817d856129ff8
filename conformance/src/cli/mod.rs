//! The command line: one module per subcommand.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod check;
mod evaluate;
mod explain;
mod explain_call;
mod merge;
mod report;
mod validate;

/// iamconf: the conformance suite for IAM policy evaluation as it applies to AWS IoT Jobs.
#[derive(Debug, Parser)]
#[command(name = "iamconf", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check policy documents: every error at its line and column with a hint, then lint
    /// warnings. Exit 0 when all are valid, 1 when any is invalid, 2 on a usage error.
    Validate(ValidateArgs),
    /// Speak the evaluator protocol (JSON Lines) on stdin/stdout with the reference
    /// evaluator: one answer per case line, in order. Exit 0 when stdin closes.
    Evaluate,
    /// Explain one request: the decision, the statement that decided it (file, Sid, line),
    /// why every other statement did not apply, and the context keys the request lacked. With
    /// `--call`, a whole API call: its combined decision and each check it needs.
    Explain(explain::ExplainArgs),
    /// The gate: check an evaluator (or, without `--evaluator`, the reference itself) against
    /// the golden corpus and generated cases. Exit 0 conforms, 1 does not, 2 usage error.
    Check(check::CheckArgs),
    /// Join the JSON reports of the shards of one run (`check --shard K/N --format json`)
    /// into one verdict, JUnit file and known-failures view. Exit 0 conforms, 1 does not,
    /// 2 when the reports are unreadable or not the shards of one run.
    Merge(merge::MergeArgs),
    /// Run several evaluators (`NAME=CMD`) over the same cases and write a compliance matrix:
    /// feature labels by evaluators, passed/total, each linked to a minimal failing case.
    Report(report::ReportArgs),
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people.
    Human,
    /// For machines.
    Json,
}

/// The IAM policy kinds whose size quota `--kind` enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Customer managed policy: 6,144 non-whitespace characters.
    Managed,
    /// Inline policies of a user: 2,048.
    User,
    /// Inline policies of a group: 5,120.
    Group,
    /// Inline policies of a role: 10,240.
    Role,
}

impl From<KindArg> for iam_policy::PolicyKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::Managed => iam_policy::PolicyKind::Managed,
            KindArg::User => iam_policy::PolicyKind::User,
            KindArg::Group => iam_policy::PolicyKind::Group,
            KindArg::Role => iam_policy::PolicyKind::Role,
        }
    }
}

#[derive(Debug, clap::Args)]
struct ValidateArgs {
    /// Policy files; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Enforce this policy kind's IAM size quota as an error.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
}

/// Run the parsed command line.
pub(crate) fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Validate(args) => {
            validate::run(&args.files, args.format, args.kind.map(Into::into))
        }
        Command::Evaluate => evaluate::run(),
        Command::Explain(args) => explain::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Report(args) => report::run(&args),
    }
}
