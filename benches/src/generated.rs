//! Distinct generated cases: the workload of a gate run or of a real stream, where almost
//! every case carries policies the evaluator has not seen before, so every case is parsed.
//!
//! The cases come from the conformance generator with its default pools and weights, except
//! that every case has 1–3 policies (no empty policy set), from a fixed seed: the same `n`
//! gives the same lines on every machine.

use iam_conformance::candidate::{Candidate, InProcess};
use iam_conformance::generate::{generate_cases, GeneratorConfig};
use iam_conformance::protocol::{CaseLine, Verdict};
use iam_eval::ReferenceEvaluator;

/// The generator seed of the workload.
pub const SEED: u64 = 11;

/// The generator's default configuration with 1–3 policies in every case.
pub fn config() -> GeneratorConfig {
    let mut config = GeneratorConfig {
        max_policies: 3,
        ..GeneratorConfig::default()
    };
    config.weights.empty_set = 0;
    config
}

/// `n` distinct generated cases, each with a unique id.
pub fn cases(n: usize) -> Vec<CaseLine> {
    generate_cases(&config(), SEED, n).map(|g| g.case).collect()
}

/// `n` distinct generated case lines.
pub fn case_lines(n: usize) -> Vec<String> {
    cases(n).iter().map(CaseLine::to_line).collect()
}

/// The verdict word (`allowed`, `explicitDeny`, `implicitDeny` or `error`) of a verdict.
pub fn verdict_word(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Decision(d) => d.as_protocol_str(),
        Verdict::Error(_) => "error",
    }
}

/// What the in-process reference candidate (which parses every policy of every case, with no
/// cache and no protocol line) answers each case: the independent prediction a workload's
/// checksum is held to.
pub fn expected_words(cases: &[CaseLine]) -> Vec<&'static str> {
    let mut candidate = InProcess(&ReferenceEvaluator);
    cases
        .iter()
        .map(|case| match candidate.answer(case) {
            Ok(answer) => verdict_word(&answer.verdict),
            Err(_) => "error",
        })
        .collect()
}

/// The shape of a case, for the profile of which cases cost most: how many policies, whether
/// any is sent as document text, and whether the reference answers with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shape {
    /// Policies in the case.
    pub policies: usize,
    /// Statements over all its policies sent as objects (text documents are not counted).
    pub statements: usize,
    /// Whether any policy is sent as document text.
    pub text: bool,
    /// Whether the reference answers with an error (a rejected policy or request).
    pub error: bool,
}

/// The shape of `case`, whose reference answer is `word`.
pub fn shape(case: &CaseLine, word: &str) -> Shape {
    let statements = case
        .policies
        .iter()
        .map(|p| match p.get("Statement") {
            Some(serde_json::Value::Array(items)) => items.len(),
            Some(_) => 1,
            None => 0,
        })
        .sum();
    Shape {
        policies: case.policies.len(),
        statements,
        text: case.policies.iter().any(serde_json::Value::is_string),
        error: word == "error",
    }
}
