//! `iamconf-iam-rs`: the iam-rs crate behind iamconf's evaluator protocol (stdin/stdout JSON lines).

use std::io::{BufRead, Write};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(stdout, "{}", iamconf_adapter_iam_rs::answer_line(&line))?;
        stdout.flush()?;
    }
    Ok(())
}
