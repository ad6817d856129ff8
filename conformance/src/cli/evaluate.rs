//! `iamconf evaluate`: the reference evaluator speaking the protocol on stdin/stdout.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};

/// Answer each case line as it arrives; a bad line gets an error answer and the stream goes
/// on. Exit 0 when standard input closes.
pub fn run() -> ExitCode {
    let stdin = std::io::stdin();
    let mut input = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
    let stdout = std::io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    let mut oracle = Oracle::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(_) => break,
        }
        let answer = match std::str::from_utf8(&line) {
            Err(error) => Some(AnswerLine {
                id: None,
                verdict: Verdict::Error(format!("case line is not UTF-8: {error}")),
                matched: None,
            }),
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(match CaseLine::parse(text.trim_end_matches(['\n', '\r'])) {
                Ok(case) => oracle.answer(&case),
                Err((id, message)) => AnswerLine {
                    id,
                    verdict: Verdict::Error(message),
                    matched: None,
                },
            }),
        };
        if let Some(answer) = answer {
            if writeln!(output, "{}", answer.to_line()).is_err() {
                return ExitCode::from(1);
            }
        }
        // Flush once every complete line already read has been answered (a blank line, or
        // the start of a line still being written, must not hold answers back).
        if !input.buffer().contains(&b'\n') && output.flush().is_err() {
            return ExitCode::from(1);
        }
    }
    if output.flush().is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
