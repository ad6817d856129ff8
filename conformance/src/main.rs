//! `iamconf`: validate, evaluate, explain and check IAM policies for AWS IoT Jobs.

use std::process::ExitCode;

use clap::Parser;

mod cli;

/// mimalloc rather than the system allocator: a gate run or an `iamconf evaluate` stream
/// allocates and frees the documents, models and answers of every case, and glibc's malloc
/// and free were about a third of the instructions of the self-check (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    cli::run(args)
}
