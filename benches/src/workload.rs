//! Named hot paths, each run a fixed number of times: the workload of the callgrind
//! regression check (`benches/regress.sh`) and of the smoke test.
//!
//! A workload is prepared outside the measured region (fixtures built, caches warm), then
//! [`Prepared::run`] runs its hot path once and returns a checksum that [`Prepared::expected`]
//! predicts independently (a count taken from the corpus or the generator), so a workload that
//! stopped doing its work is caught, not measured.

use std::hint::black_box;

use iam_conformance::candidate::InProcess;
use iam_conformance::gate::{self, Config};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{CaseLine, Verdict};
use iam_eval::{Decision, ReferenceEvaluator, Response};
use iam_policy::pattern::Glob;
use iam_policy::pattern::GlobSyntax;
use iam_policy::Policy;

use crate::{gen, generated, seed};

/// A workload ready to run.
pub struct Prepared {
    /// Run the hot path once; the checksum of what it computed.
    pub run: Box<dyn FnMut() -> u64>,
    /// The checksum one run must return.
    pub expected: u64,
}

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
        "case line → CaseLine::parse → Oracle::answer → to_line, every seed case",
        100,
    ),
    (
        "protocol-generated",
        "200 distinct generated cases (1-3 policies): line → CaseLine::parse → Oracle::answer → to_line, no cache hit",
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
        "parse-managed" => parse_managed(),
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
    let globs: Vec<(Glob, String)> = gen::strategy_cases()
        .into_iter()
        .map(|(_, pattern, syntax, value)| (Glob::new(&pattern, syntax), value))
        .collect();
    let expected = globs.len() as u64;
    Prepared {
        run: Box::new(move || {
            globs
                .iter()
                .filter(|(g, v)| black_box(g).is_match(black_box(v)))
                .count() as u64
        }),
        expected,
    }
}

fn adversarial(syntax: GlobSyntax) -> Prepared {
    let glob = gen::adversarial_glob(syntax);
    let values: Vec<(String, bool)> = gen::adversarial_values(4096, syntax)
        .into_iter()
        .map(|(_, v, m)| (v, m))
        .collect();
    let expected = values.iter().filter(|(_, m)| *m).count() as u64;
    Prepared {
        run: Box::new(move || {
            values
                .iter()
                .filter(|(v, _)| black_box(&glob).is_match(black_box(v)))
                .count() as u64
        }),
        expected,
    }
}

fn statements(policy: &Policy) -> u64 {
    policy.statements.len() as u64
}

fn parse_seed() -> Prepared {
    let docs: Vec<String> = seed::seeds().into_iter().map(|s| s.document).collect();
    let expected = docs
        .iter()
        .map(|d| serde_json::from_str::<serde_json::Value>(d).expect("JSON"))
        .map(|v| match &v["Statement"] {
            serde_json::Value::Array(items) => items.len() as u64,
            _ => 1,
        })
        .sum();
    Prepared {
        run: Box::new(move || {
            docs.iter()
                .map(|d| Policy::parse(black_box(d)).map_or(0, |p| statements(&p)))
                .sum()
        }),
        expected,
    }
}

fn parse_managed() -> Prepared {
    let doc = gen::managed_policy();
    let options = gen::managed_options();
    let expected = serde_json::from_str::<serde_json::Value>(&doc).expect("JSON")["Statement"]
        .as_array()
        .map_or(0, |a| a.len() as u64);
    Prepared {
        run: Box::new(move || {
            let checked = Policy::check(black_box(&doc), &options);
            checked.policy.as_ref().map_or(0, statements)
        }),
        expected,
    }
}

fn parse_sized(bytes: usize) -> Prepared {
    let doc = gen::document_of_size(bytes);
    let expected = serde_json::from_str::<serde_json::Value>(&doc).expect("JSON")["Statement"]
        .as_array()
        .map_or(0, |a| a.len() as u64);
    Prepared {
        run: Box::new(move || Policy::parse(black_box(&doc)).map_or(0, |p| statements(&p))),
        expected,
    }
}

fn eval_seed() -> Prepared {
    let seeds = seed::seeds();
    let expected = seeds.iter().map(|s| s.requests.len() as u64).sum();
    let mut response = Response::new();
    Prepared {
        run: Box::new(move || {
            let mut agree = 0;
            for s in &seeds {
                for r in &s.requests {
                    s.set.evaluate_into(black_box(&r.request), &mut response);
                    agree += u64::from(response.decision == r.expect);
                }
            }
            agree
        }),
        expected,
    }
}

/// A workload deciding one request against one set; checksum 1 when the decision is right.
fn decide(document: &str, request: iam_eval::Request, expect: Decision) -> Prepared {
    let set = gen::compile(document);
    Prepared {
        run: Box::new(move || u64::from(set.decide(black_box(&request)) == Some(expect))),
        expected: 1,
    }
}

fn eval_statements(n: usize) -> Prepared {
    let request = gen::request("iot:DescribeJob", &gen::arn("job/team-0/j1"), &[]);
    let set = gen::statements_set(n);
    Prepared {
        run: Box::new(move || u64::from(set.decide(black_box(&request)) == Some(Decision::Allow))),
        expected: 1,
    }
}

fn eval_wildcard(n: usize) -> Prepared {
    let request = gen::request("iot:DescribeJob", &gen::arn("job/j1"), &[]);
    decide(&gen::wildcard_policy(n), request, Decision::Allow)
}

fn eval_cidrs(n: usize) -> Prepared {
    let request = gen::request("iot:DescribeJob", "*", &[("aws:SourceIp", "192.0.2.1")]);
    decide(&gen::cidr_policy(n), request, Decision::ImplicitDeny)
}

fn eval_keys(n: usize) -> Prepared {
    decide(&gen::keys_policy(n), gen::keys_request(n), Decision::Allow)
}

fn eval_variables() -> Prepared {
    decide(
        &gen::variables_policy(),
        gen::variables_request(),
        Decision::Allow,
    )
}

fn protocol_seed() -> Prepared {
    let cases = seed::seed_cases(&seed::corpus());
    let lines: Vec<(String, String)> = cases
        .iter()
        .map(|c| (c.case.to_line(), c.expect.clone()))
        .collect();
    let expected = lines.len() as u64;
    let mut oracle = Oracle::new();
    let mut run = move || {
        let mut agree = 0;
        for (line, expect) in &lines {
            let Ok(case) = CaseLine::parse(black_box(line)) else {
                continue;
            };
            let answer = oracle.answer(&case);
            let out = black_box(answer.to_line());
            let word = match &answer.verdict {
                Verdict::Decision(d) => d.as_protocol_str(),
                Verdict::Error(_) => "error",
            };
            agree += u64::from(word == expect && !out.is_empty());
        }
        agree
    };
    // Warm the oracle's cache of compiled policy sets, as a long-running evaluator's is.
    run();
    Prepared {
        run: Box::new(run),
        expected,
    }
}

/// Distinct cases, as in a gate run or a real stream: a fresh oracle each run, so that every
/// case's policies are parsed and compiled (the oracle's cache never hits).
fn protocol_generated() -> Prepared {
    let cases = generated::cases(200);
    let words = generated::expected_words(&cases);
    let lines: Vec<(String, &str)> = cases.iter().map(CaseLine::to_line).zip(words).collect();
    let expected = lines.len() as u64;
    Prepared {
        run: Box::new(move || {
            let mut oracle = Oracle::new();
            let mut agree = 0;
            for (line, expect) in &lines {
                let Ok(case) = CaseLine::parse(black_box(line)) else {
                    continue;
                };
                let answer = oracle.answer(&case);
                let out = black_box(answer.to_line());
                let word = generated::verdict_word(&answer.verdict);
                agree += u64::from(word == *expect && !out.is_empty());
            }
            agree
        }),
        expected,
    }
}

fn gate_seed() -> Prepared {
    let config = Config {
        corpus: Some(seed::seed_corpus()),
        generated: 0,
        ..Config::default()
    };
    let expected = config
        .corpus
        .as_ref()
        .map_or(0, |c| c.decisions.len() as u64);
    Prepared {
        run: Box::new(move || {
            let report = gate::run(
                &mut InProcess(&ReferenceEvaluator),
                black_box(&config),
                &mut |_, _| {},
            );
            report.count(|s| *s == gate::Status::Passed) as u64
        }),
        expected,
    }
}
