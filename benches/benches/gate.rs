//! The gate's run loop: what a failing evaluator costs against its passing twin (bounded
//! shrinking), and the reference self-check's cost per generated case.
//!
//! - `gate/shrink/{passing,failing}`: the same cases (the golden corpus and 2,000 generated)
//!   through an in-process candidate that is the reference (`passing`) or the reference with
//!   one bug (`failing`: `allowed` wherever the reference says `implicitDeny`, which fails
//!   hundreds of cases; one per failure group is shrunk). The target: `failing` <= 2 x
//!   `passing`. (`benches/gate-cost.sh failing` measures the same through evaluator processes,
//!   with a fixture that makes dozens of groups.)
//! - `gate/self-check/generated`: `gate::run` of the reference against itself over 2,000
//!   generated cases (generate, reference, candidate, compare), `Throughput::Elements`.

// Benchmark code: fixtures are fixed and known valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "benchmark harness: a broken workload should stop the run loudly"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iam_conformance::candidate::{Candidate, CandidateFailure, InProcess};
use iam_conformance::gate::{self, Config, SHRINK_LIMIT};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};
use iam_eval::{Decision, ReferenceEvaluator};

/// The reference, except `allowed` wherever it says `implicitDeny`.
struct AllowsImplicitDenies(Oracle);

impl Candidate for AllowsImplicitDenies {
    fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
        let mut answer = self.0.answer(case);
        if answer.verdict == Verdict::Decision(Decision::ImplicitDeny) {
            answer.verdict = Verdict::Decision(Decision::Allow);
        }
        Ok(answer)
    }
}

fn shrink_cost(c: &mut Criterion) {
    let config = Config {
        generated: 2_000,
        ..Config::default()
    };
    let failing = gate::run(
        &mut AllowsImplicitDenies(Oracle::new()),
        &config,
        &mut |_, _| {},
    );
    assert!(failing.counts.failed > SHRINK_LIMIT);
    // One shrink per new failure group, at most SHRINK_LIMIT.
    let shrunk = failing.problems.iter().filter(|o| o.shrunk).count();
    assert!((1..=SHRINK_LIMIT).contains(&shrunk), "{shrunk} shrunk");
    let mut group = c.benchmark_group("gate/shrink");
    group.sample_size(10);
    group.bench_function("passing", |b| {
        b.iter(|| {
            let report = gate::run(
                &mut InProcess(&ReferenceEvaluator),
                black_box(&config),
                &mut |_, _| {},
            );
            assert!(report.passed());
        })
    });
    group.bench_function("failing", |b| {
        b.iter(|| {
            let report = gate::run(
                &mut AllowsImplicitDenies(Oracle::new()),
                black_box(&config),
                &mut |_, _| {},
            );
            assert!(!report.passed());
        })
    });
    group.finish();
}

fn self_check_cost(c: &mut Criterion) {
    let config = Config {
        golden: false,
        generated: 2_000,
        ..Config::default()
    };
    let report = gate::run(&mut InProcess(&ReferenceEvaluator), &config, &mut |_, _| {});
    assert!(report.passed());
    let mut group = c.benchmark_group("gate/self-check");
    group.sample_size(10);
    group.throughput(Throughput::Elements(report.counts.total() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| {
            gate::run(
                &mut InProcess(&ReferenceEvaluator),
                black_box(&config),
                &mut |_, _| {},
            )
        })
    });
    group.finish();
}

criterion_group!(benches, shrink_cost, self_check_cost);
criterion_main!(benches);
