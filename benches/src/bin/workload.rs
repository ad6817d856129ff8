//! `iam-bench-workload`: run one named hot path a fixed number of times (for callgrind), or
//! measure `iamconf evaluate` end to end.
//!
//! ```text
//! iam-bench-workload list
//! iam-bench-workload run <name> [iterations]      # checksum on stdout; exit 1 if wrong
//! iam-bench-workload lines <n>                    # n seed case lines (unique ids) on stdout
//! iam-bench-workload e2e <iamconf binary> <n>     # spawn `<binary> evaluate`, feed n lines
//! iam-bench-workload lines-generated <n>          # n distinct generated case lines (1-3 policies)
//! iam-bench-workload e2e-generated <iamconf> <n>  # the same end to end: distinct cases
//! iam-bench-workload shapes <n>                   # which shapes of generated case cost most
//! ```
//!
//! `run` measures only [`measured_loop`] (callgrind: `--toggle-collect=*measured_loop*`).
//! `IAM_BENCH_SLOWDOWN=<percent>` runs that many percent more iterations than asked: the
//! deliberate slowdown that shows `benches/regress.sh` fails when a path gets slower.

// A benchmark driver, not library code: a broken fixture or pipe must stop it loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "benchmark harness: a broken workload should stop the run loudly"
)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use iam_benches::{generated, seed, workload};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::CaseLine;

/// The measured region: `iterations` runs of the hot path; the sum of the checksums.
#[inline(never)]
fn measured_loop(run: &mut dyn FnMut() -> u64, iterations: u64) -> u64 {
    let mut sum = 0u64;
    for _ in 0..iterations {
        sum = sum.wrapping_add(run());
    }
    sum
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: iam-bench-workload list | run <name> [iterations] | lines <n> | e2e <iamconf> <n> \
         | lines-generated <n> | e2e-generated <iamconf> <n> | shapes <n>"
    );
    ExitCode::from(2)
}

/// `n` seed case lines, cycling through the seed cases, each with a unique id.
fn lines(n: usize) -> String {
    let cases = seed::seed_cases(&seed::corpus());
    let mut out = String::new();
    for (i, c) in cases.iter().cycle().take(n).enumerate() {
        let mut case = c.case.clone();
        case.id = format!("{}/{i}", case.id);
        out.push_str(&case.to_line());
        out.push('\n');
    }
    out
}

fn run(name: &str, iterations: Option<u64>) -> ExitCode {
    let Some(default) = workload::WORKLOADS.iter().find(|w| w.0 == name) else {
        eprintln!("no workload `{name}`; `list` shows them");
        return ExitCode::from(2);
    };
    let Some(mut prepared) = workload::prepare(name) else {
        return ExitCode::from(2);
    };
    let iterations = iterations.unwrap_or(u64::from(default.2));
    let slowdown: u64 = std::env::var("IAM_BENCH_SLOWDOWN")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let total = iterations + iterations * slowdown / 100;
    let sum = measured_loop(&mut *prepared.run, total);
    println!("{name}\t{total}\t{sum}");
    if sum != prepared.expected.wrapping_mul(total) {
        eprintln!(
            "`{name}` computed the wrong result: checksum {sum}, expected {} per iteration",
            prepared.expected
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// `n` distinct generated case lines, one a line.
fn generated_lines(n: usize) -> String {
    let mut out = String::new();
    for line in generated::case_lines(n) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Feed `input` (`n` lines) to `<binary> evaluate` and time it until the last answer.
fn e2e(binary: &str, input: String, n: usize) -> ExitCode {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .arg("evaluate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{binary}`: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).expect("write cases");
    });
    let reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut answers = 0usize;
    let mut errors = 0usize;
    for line in reader.lines() {
        let line = line.expect("read answers");
        answers += 1;
        errors += usize::from(line.contains("\"error\""));
    }
    writer.join().expect("writer");
    let status = child.wait().expect("wait");
    let elapsed = started.elapsed();
    let rate = answers as f64 / elapsed.as_secs_f64();
    println!(
        "{answers} answers ({errors} errors) in {:.3} s: {rate:.0} cases/s; exit {status}",
        elapsed.as_secs_f64()
    );
    if answers == n && status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Time each of `n` distinct generated cases through the path of `iamconf evaluate` (line →
/// `CaseLine::parse` → a fresh `Oracle::answer` → `to_line`; the best of 5 runs) and print,
/// per shape, how many cases, the mean time of one, and the share of the total time.
fn shapes(n: usize) -> ExitCode {
    use std::collections::BTreeMap;
    let cases = generated::cases(n);
    let words = generated::expected_words(&cases);
    let mut by_shape: BTreeMap<(usize, usize, bool, bool), (usize, f64)> = BTreeMap::new();
    let mut total = 0.0;
    for (case, word) in cases.iter().zip(&words) {
        let line = case.to_line();
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let started = Instant::now();
            let parsed = CaseLine::parse(std::hint::black_box(&line)).expect("a case line");
            let answer = Oracle::new().answer(&parsed);
            std::hint::black_box(answer.to_line());
            best = best.min(started.elapsed().as_secs_f64());
        }
        let shape = generated::shape(case, word);
        // Statements in buckets: 0-2, 3-5, 6-8, ...
        let key = (
            shape.policies,
            shape.statements / 3,
            shape.text,
            shape.error,
        );
        let entry = by_shape.entry(key).or_insert((0, 0.0));
        entry.0 += 1;
        entry.1 += best;
        total += best;
    }
    println!("policies\tstatements\ttext\terror\tcases\tmean µs\tshare of time");
    for ((policies, bucket, text, error), (count, time)) in &by_shape {
        println!(
            "{policies}\t{}-{}\t{text}\t{error}\t{count}\t{:.1}\t{:.1}%",
            bucket * 3,
            bucket * 3 + 2,
            time / *count as f64 * 1e6,
            time / total * 100.0
        );
    }
    println!(
        "all\t\t\t\t{n}\t{:.1}\t100% ({:.0} cases/s in process)",
        total / n as f64 * 1e6,
        n as f64 / total
    );
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["list"] => {
            for (name, what, iterations) in workload::WORKLOADS {
                println!("{name}\t{iterations}\t{what}");
            }
            ExitCode::SUCCESS
        }
        ["run", name] => run(name, None),
        ["run", name, n] => match n.parse() {
            Ok(n) => run(name, Some(n)),
            Err(_) => usage(),
        },
        ["lines", n] => match n.parse() {
            Ok(n) => {
                print!("{}", lines(n));
                ExitCode::SUCCESS
            }
            Err(_) => usage(),
        },
        ["e2e", binary, n] => match n.parse() {
            Ok(n) => e2e(binary, lines(n), n),
            Err(_) => usage(),
        },
        ["lines-generated", n] => match n.parse() {
            Ok(n) => {
                print!("{}", generated_lines(n));
                ExitCode::SUCCESS
            }
            Err(_) => usage(),
        },
        ["e2e-generated", binary, n] => match n.parse() {
            Ok(n) => e2e(binary, generated_lines(n), n),
            Err(_) => usage(),
        },
        ["shapes", n] => match n.parse() {
            Ok(n) => shapes(n),
            Err(_) => usage(),
        },
        _ => usage(),
    }
}
