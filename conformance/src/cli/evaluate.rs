//! `iamconf evaluate`: the reference evaluator speaking the protocol on stdin/stdout.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use iam_conformance::line_evaluator::{LineEvaluator, LineOutcome};
use iam_conformance::protocol::{AnswerLine, Verdict};

/// Answer each case line as it arrives; a bad line gets an error answer and the stream goes
/// on. Exit 0 when standard input closes.
pub(super) fn run() -> ExitCode {
    let stdin = std::io::stdin();
    let mut input = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
    let stdout = std::io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    let mut evaluator = LineEvaluator::new();
    let mut line = Vec::new();
    let mut answer = String::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(_) => break,
        }
        answer.clear();
        let answered = match std::str::from_utf8(&line) {
            Err(error) => {
                answer.push_str(
                    &AnswerLine {
                        id: None,
                        verdict: Verdict::Error(format!("case line is not UTF-8: {error}")),
                        matched: None,
                    }
                    .to_line(),
                );
                true
            }
            Ok(text) => evaluator.answer(text, &mut answer) != LineOutcome::Blank,
        };
        if answered {
            answer.push('\n');
            if output.write_all(answer.as_bytes()).is_err() {
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
