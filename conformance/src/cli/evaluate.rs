//! `iamconf evaluate`: the reference evaluator speaking the protocol on stdin/stdout.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use iam_conformance::calls::{answer_directly, CallCase};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};

/// The answer to a call case (a line with `call` and no `request`), or `None` when the line
/// is not one.
fn answer_call(oracle: &mut Oracle, text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if value.get("call").is_none() || value.get("request").is_some() {
        return None;
    }
    Some(match CallCase::from_value(&value) {
        Ok(case) => answer_directly(oracle, &case).to_string(),
        Err((id, message)) => AnswerLine {
            id,
            verdict: Verdict::Error(message),
            matched: None,
        }
        .to_line(),
    })
}

/// Answer each case line as it arrives; a bad line gets an error answer and the stream goes
/// on. Exit 0 when standard input closes.
pub(super) fn run() -> ExitCode {
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
            Err(error) => Some(
                AnswerLine {
                    id: None,
                    verdict: Verdict::Error(format!("case line is not UTF-8: {error}")),
                    matched: None,
                }
                .to_line(),
            ),
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(match CaseLine::parse(text.trim_end_matches(['\n', '\r'])) {
                Ok(case) => oracle.answer(&case).to_line(),
                // Not a request case: a call case (protocol 1.1) is answered with its checks.
                Err((id, message)) => match answer_call(&mut oracle, text) {
                    Some(line) => line,
                    None => AnswerLine {
                        id,
                        verdict: Verdict::Error(message),
                        matched: None,
                    }
                    .to_line(),
                },
            }),
        };
        if let Some(answer) = answer {
            if writeln!(output, "{answer}").is_err() {
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
