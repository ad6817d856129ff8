//! Named hot paths, each run a fixed number of times: the workload of the callgrind
//! regression check (`benches/regress.sh`) and of the smoke test.
//!
//! A workload is prepared outside the measured region (fixtures built, caches warm), then
//! [`Prepared::run`] runs its hot path once over several inputs and returns the [`checksum`] of
//! its answers, one per input, which [`Prepared::expected`] predicts from answers known
//! independently (the corpus's expectations, a naive matcher, `serde_json`, the generator's
//! design). The inputs of every workload have answers that differ, and the checksum depends on
//! each answer and its position, so a workload that stopped doing its work (or answers a
//! constant) is caught, not measured.

use std::hint::black_box;

use iam_conformance::candidate::{Candidate, CandidateFailure, InProcess};
use iam_conformance::gate::{self, Config};
use iam_conformance::invariants::matching::naive_glob;
use iam_conformance::line_evaluator::{LineEvaluator, LineOutcome};
use iam_conformance::protocol::{AnswerLine, CaseLine};
use iam_eval::{Decision, PolicySet, ReferenceEvaluator, Request, Response};
use iam_policy::pattern::Glob;
use iam_policy::pattern::GlobSyntax;
use iam_policy::{Effect, ParseOptions, Policy};

use crate::{gen, generated, seed};

/// A workload ready to run.
pub struct Prepared {
    /// Run the hot path once; the [`checksum`] of its answers, one per input.
    pub run: Box<dyn FnMut() -> u64>,
    /// The answers one run must give, in input order, from a source independent of the code
    /// measured (the corpus's expectations, a naive matcher, `serde_json`, the generator's
    /// design). The inputs are chosen so that they differ: no constant meets them.
    pub answers: Vec<u64>,
    /// The checksum one run must return: [`checksum`] of `answers`.
    pub expected: u64,
}

impl Prepared {
    fn new(answers: Vec<u64>, run: Box<dyn FnMut() -> u64>) -> Prepared {
        let expected = checksum(answers.iter().copied());
        Prepared {
            run,
            answers,
            expected,
        }
    }
}

/// The checksum of an answer vector: FNV-1a over each answer and its position, so that a
/// constant, a count of right answers or a reordering of them does not meet it.
pub fn checksum(answers: impl IntoIterator<Item = u64>) -> u64 {
    let mut fold = Fold::default();
    for a in answers {
        fold.push(a);
    }
    fold.0
}

/// A running [`checksum`] (no allocation in the measured loop).
#[derive(Clone, Copy)]
pub struct Fold(u64);

impl Default for Fold {
    fn default() -> Self {
        Fold(0xcbf2_9ce4_8422_2325)
    }
}

impl Fold {
    /// Fold in the next answer.
    pub fn push(&mut self, answer: u64) {
        for b in answer.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = self.0.rotate_left(5) ^ 0x9e37_79b9;
    }
}

/// A decision as an answer: 1 allowed, 2 explicitDeny, 3 implicitDeny, 0 none (an error).
pub fn decision_code(decision: Option<Decision>) -> u64 {
    match decision {
        Some(Decision::Allow) => 1,
        Some(Decision::ExplicitDeny) => 2,
        Some(Decision::ImplicitDeny) => 3,
        None => 0,
    }
}

/// A protocol verdict word as an answer (as [`decision_code`]; `error` is 0).
pub fn word_code(word: &str) -> u64 {
    decision_code(Decision::from_protocol_str(word))
}

/// What a parse gives, as an answer: 0 rejected, else `1 + 64 × statements + Deny statements`.
pub fn parse_code(policy: Option<&Policy>) -> u64 {
    policy.map_or(0, |p| {
        let denies = p
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .count();
        1 + 64 * p.statements.len() as u64 + denies as u64
    })
}

/// [`parse_code`] of a document read by `serde_json` (the independent expectation of a valid
/// document).
fn json_parse_code(document: &str) -> u64 {
    let value: serde_json::Value = serde_json::from_str(document).expect("JSON");
    let statements: Vec<&serde_json::Value> = match &value["Statement"] {
        serde_json::Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let denies = statements.iter().filter(|s| s["Effect"] == "Deny").count();
    1 + 64 * statements.len() as u64 + denies as u64
}

/// A small document every reading rejects (an empty `Statement`): the second input of the
/// one-document parse workloads, so that their answers differ.
pub const REJECTED_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[]}"#;

/// Every workload: `(name, what it runs, iterations of one regression measurement)`.
pub const WORKLOADS: &[(&str, &str, u32)] = &[
    (
        "pattern-strategies",
        "one match per glob strategy (any, exact, prefix, suffix, segments, nfa)",
        20_000,
    ),
    (
        "pattern-adversarial-segments",
        "`*a*a…*b` (16 pieces, Text) against 4 KiB no-b, late-fail and match values",
        200,
    ),
    (
        "pattern-adversarial-nfa",
        "`*a*a…*b` (16 pieces, Arn) against 4 KiB no-b, late-fail and match values",
        200,
    ),
    (
        "parse-seed",
        "Policy::parse of the six corrected seed documents",
        200,
    ),
    (
        "parse-managed",
        "Policy::check of a 6,144-character managed policy, quota enforced",
        50,
    ),
    (
        "parse-managed-errors-only",
        "the same check with ParseOptions::errors_only, as the evaluator parses (no lints)",
        50,
    ),
    ("parse-100k", "Policy::parse of a 100 KB document", 5),
    (
        "eval-seed",
        "evaluate_into over every seed request (60-odd), buffers reused",
        500,
    ),
    (
        "eval-statements-10",
        "DescribeJob against 10 exact-action statements",
        20_000,
    ),
    (
        "eval-statements-1000",
        "DescribeJob against 1,000 exact-action statements (3 candidates)",
        20_000,
    ),
    (
        "eval-wildcard-1000",
        "DescribeJob against 1,000 wildcard-action statements",
        200,
    ),
    (
        "eval-cidrs-1000",
        "an address outside 1,000 CIDRs of one IpAddress",
        1_000,
    ),
    (
        "eval-keys-100",
        "100 StringEquals keys, all present and equal",
        2_000,
    ),
    (
        "eval-variables",
        "resource and condition templates on the connected thing",
        20_000,
    ),
    (
        "protocol-seed",
        "case line → LineEvaluator::answer → answer line (`iamconf evaluate`), every seed case",
        100,
    ),
    (
        "protocol-generated",
        "200 distinct generated cases (1-3 policies): line → LineEvaluator::answer → answer line, no cache hit",
        5,
    ),
    (
        "gate-seed",
        "gate::run over the seed cases with the in-process reference as candidate",
        20,
    ),
];

/// Prepare the workload `name`, or `None` if there is none by that name.
pub fn prepare(name: &str) -> Option<Prepared> {
    Some(match name {
        "pattern-strategies" => pattern_strategies(),
        "pattern-adversarial-segments" => adversarial(GlobSyntax::Text),
        "pattern-adversarial-nfa" => adversarial(GlobSyntax::Arn),
        "parse-seed" => parse_seed(),
        "parse-managed" => parse_managed(gen::managed_options()),
        "parse-managed-errors-only" => parse_managed(ParseOptions {
            errors_only: true,
            ..gen::managed_options()
        }),
        "parse-100k" => parse_sized(100_000),
        "eval-seed" => eval_seed(),
        "eval-statements-10" => eval_statements(10),
        "eval-statements-1000" => eval_statements(1_000),
        "eval-wildcard-1000" => eval_wildcard(1_000),
        "eval-cidrs-1000" => eval_cidrs(1_000),
        "eval-keys-100" => eval_keys(100),
        "eval-variables" => eval_variables(),
        "protocol-seed" => protocol_seed(),
        "protocol-generated" => protocol_generated(),
        "gate-seed" => gate_seed(),
        _ => return None,
    })
}

fn pattern_strategies() -> Prepared {
    // Each strategy's glob against a value it matches and one it misses (`any` has none).
    let pairs: Vec<(String, GlobSyntax, String)> = gen::strategy_cases()
        .into_iter()
        .zip(gen::strategy_misses())
        .flat_map(|((_, pattern, syntax, hit), (_, miss))| {
            [(pattern.clone(), syntax, hit), (pattern, syntax, miss)]
        })
        .collect();
    let answers = pairs
        .iter()
        .map(|(p, syntax, v)| u64::from(naive_glob(p, *syntax, v)))
        .collect();
    let globs: Vec<(Glob, String)> = pairs
        .into_iter()
        .map(|(pattern, syntax, value)| (Glob::new(&pattern, syntax), value))
        .collect();
    Prepared::new(
        answers,
        Box::new(move || {
            let mut fold = Fold::default();
            for (g, v) in &globs {
                fold.push(u64::from(black_box(g).is_match(black_box(v))));
            }
            fold.0
        }),
    )
}

fn adversarial(syntax: GlobSyntax) -> Prepared {
    let glob = gen::adversarial_glob(syntax);
    let values: Vec<(String, bool)> = gen::adversarial_values(4096, syntax)
        .into_iter()
        .map(|(_, v, m)| (v, m))
        .collect();
    // The designed answers (no-b and late-fail miss, match matches).
    let answers = values.iter().map(|(_, m)| u64::from(*m)).collect();
    Prepared::new(
        answers,
        Box::new(move || {
            let mut fold = Fold::default();
            for (v, _) in &values {
                fold.push(u64::from(black_box(&glob).is_match(black_box(v))));
            }
            fold.0
        }),
    )
}

/// Parse each document; the answers are their [`parse_code`]s.
fn parse_all(documents: Vec<String>, answers: Vec<u64>) -> Prepared {
    Prepared::new(
        answers,
        Box::new(move || {
            let mut fold = Fold::default();
            for d in &documents {
                fold.push(parse_code(Policy::parse(black_box(d)).ok().as_ref()));
            }
            fold.0
        }),
    )
}

fn parse_seed() -> Prepared {
    let docs: Vec<String> = seed::seeds().into_iter().map(|s| s.document).collect();
    let answers = docs.iter().map(|d| json_parse_code(d)).collect();
    parse_all(docs, answers)
}

fn parse_managed(options: ParseOptions) -> Prepared {
    let documents = vec![gen::managed_policy(), REJECTED_DOCUMENT.to_owned()];
    let answers = vec![json_parse_code(&documents[0]), 0];
    Prepared::new(
        answers,
        Box::new(move || {
            let mut fold = Fold::default();
            for d in &documents {
                let checked = Policy::check(black_box(d), &options);
                fold.push(parse_code(checked.policy.as_ref()));
            }
            fold.0
        }),
    )
}

fn parse_sized(bytes: usize) -> Prepared {
    let documents = vec![gen::document_of_size(bytes), REJECTED_DOCUMENT.to_owned()];
    let answers = vec![json_parse_code(&documents[0]), 0];
    parse_all(documents, answers)
}

fn eval_seed() -> Prepared {
    let seeds = seed::seeds();
    // The corpus's expectations, written by hand from the AWS page.
    let answers = seeds
        .iter()
        .flat_map(|s| s.requests.iter().map(|r| decision_code(r.expect)))
        .collect();
    let mut response = Response::new();
    Prepared::new(
        answers,
        Box::new(move || {
            let mut fold = Fold::default();
            for s in &seeds {
                for r in &s.requests {
                    s.set.evaluate_into(black_box(&r.request), &mut response);
                    fold.push(decision_code(response.decision));
                }
            }
            fold.0
        }),
    )
}

/// A workload deciding requests against one set; the answers are the decisions each request
/// was designed to get.
fn decide(set: PolicySet, requests: Vec<(Request, Decision)>) -> Prepared {
    let answers = requests
        .iter()
        .map(|(_, d)| decision_code(Some(*d)))
        .collect();
    Prepared::new(
        answers,
        Box::new(move || {
            let mut fold = Fold::default();
            for (r, _) in &requests {
                fold.push(decision_code(set.decide(black_box(r))));
            }
            fold.0
        }),
    )
}

fn eval_statements(n: usize) -> Prepared {
    decide(
        gen::statements_set(n),
        vec![
            (
                gen::request("iot:DescribeJob", &gen::arn("job/team-0/j1"), &[]),
                Decision::Allow,
            ),
            (
                gen::request("iot:DescribeJob", &gen::arn("job/elsewhere"), &[]),
                Decision::ImplicitDeny,
            ),
        ],
    )
}

fn eval_wildcard(n: usize) -> Prepared {
    decide(
        gen::compile(&gen::wildcard_policy(n)),
        vec![
            (
                gen::request("iot:DescribeJob", &gen::arn("job/j1"), &[]),
                Decision::Allow,
            ),
            (
                gen::request("iot:CancelJob", &gen::arn("job/j1"), &[]),
                Decision::ImplicitDeny,
            ),
        ],
    )
}

fn eval_cidrs(n: usize) -> Prepared {
    let inside = gen::ip_in_last_cidr(n);
    decide(
        gen::compile(&gen::cidr_policy(n)),
        vec![
            (
                gen::request("iot:DescribeJob", "*", &[("aws:SourceIp", "192.0.2.1")]),
                Decision::ImplicitDeny,
            ),
            (
                gen::request("iot:DescribeJob", "*", &[("aws:SourceIp", &inside)]),
                Decision::Allow,
            ),
        ],
    )
}

fn eval_keys(n: usize) -> Prepared {
    decide(
        gen::compile(&gen::keys_policy(n)),
        vec![
            (gen::keys_request(n), Decision::Allow),
            (gen::keys_request(n - 1), Decision::ImplicitDeny),
        ],
    )
}

fn eval_variables() -> Prepared {
    decide(
        gen::compile(&gen::variables_policy()),
        vec![
            (gen::variables_request(), Decision::Allow),
            (gen::variables_request_elsewhere(), Decision::ImplicitDeny),
        ],
    )
}

fn protocol_seed() -> Prepared {
    let cases = seed::seed_cases(&seed::corpus());
    let lines: Vec<String> = cases.iter().map(|c| c.case.to_line()).collect();
    let answers = cases.iter().map(|c| word_code(&c.expect)).collect();
    let mut evaluator = LineEvaluator::new();
    let mut out = String::new();
    let mut run = move || {
        let mut fold = Fold::default();
        for line in &lines {
            if let Some(word) = answer_line(&mut evaluator, black_box(line), &mut out) {
                fold.push(word_code(word));
            }
        }
        fold.0
    };
    // Warm the oracle's cache of compiled policy sets, as a long-running evaluator's is.
    run();
    Prepared::new(answers, Box::new(run))
}

/// One line through `iamconf evaluate`'s code path: the verdict word of its answer line
/// (`None` for a blank line).
fn answer_line(
    evaluator: &mut LineEvaluator,
    line: &str,
    out: &mut String,
) -> Option<&'static str> {
    out.clear();
    let word = match evaluator.answer(line, out) {
        LineOutcome::Blank => return None,
        LineOutcome::Decision(decision) => decision.as_protocol_str(),
        LineOutcome::Error => "error",
    };
    black_box(&*out);
    Some(word)
}

/// Distinct cases, as in a gate run or a real stream: a fresh oracle each run, so that every
/// case's policies are parsed and compiled (the oracle's cache never hits).
fn protocol_generated() -> Prepared {
    let cases = generated::cases(200);
    // The answers of the reference's `Evaluator` in process (no oracle, no protocol lines):
    // generated cases have no hand-written expectations.
    let words = generated::expected_words(&cases);
    let answers = words.iter().map(|w| word_code(w)).collect();
    let lines: Vec<String> = cases.iter().map(CaseLine::to_line).collect();
    Prepared::new(
        answers,
        Box::new(move || {
            let mut evaluator = LineEvaluator::new();
            let mut out = String::new();
            let mut fold = Fold::default();
            for line in &lines {
                if let Some(word) = answer_line(&mut evaluator, black_box(line), &mut out) {
                    fold.push(word_code(word));
                }
            }
            fold.0
        }),
    )
}

/// A candidate that records the verdict word of each answer it gives, in order.
struct AnswerRecorder<C> {
    inner: C,
    words: Vec<u64>,
}

impl<C: Candidate> Candidate for AnswerRecorder<C> {
    fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
        let answer = self.inner.answer(case)?;
        self.words.push(word_code(answer.verdict.word()));
        Ok(answer)
    }
}

fn gate_seed() -> Prepared {
    let corpus = seed::seed_corpus();
    // What the candidate must answer (the corpus's expectations), and that the gate agrees.
    let answers = corpus
        .decisions
        .iter()
        .map(|d| 4 * word_code(&d.expect) + 1)
        .collect();
    let cases = corpus.decisions.len();
    let config = Config {
        corpus: Some(corpus),
        generated: 0,
        invariant_cases: 0,
        ..Config::default()
    };
    Prepared::new(
        answers,
        Box::new(move || {
            // The report keeps only the problems: the candidate's answers are recorded on the
            // way, each case passed unless a problem sits at its position.
            let mut candidate = AnswerRecorder {
                inner: InProcess(&ReferenceEvaluator),
                words: Vec::with_capacity(cases),
            };
            let report = gate::run(&mut candidate, black_box(&config), &mut |_, _| {});
            let mut fold = Fold::default();
            for (position, word) in candidate.words.iter().enumerate() {
                let passed = !report.problems.iter().any(|p| p.position == position);
                fold.push(4 * word + u64::from(passed));
            }
            fold.0
        }),
    )
}
