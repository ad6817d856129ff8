//! Layer 4, the protocol: seed cases per second through the code path of `iamconf evaluate`
//! (`LineEvaluator::answer`: line in, answer line out), and the gate's own cost
//! per case (`gate::run` with the in-process reference, and that candidate alone, to subtract).
//! The end-to-end figure through the release binary is `iam-bench-workload e2e` (BENCHMARKS.md).

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
use iam_benches::{generated, seed};
use iam_conformance::candidate::{Candidate, InProcess};
use iam_conformance::gate::{self, Config, Status};
use iam_conformance::line_evaluator::LineEvaluator;
use iam_conformance::protocol::CaseLine;
use iam_eval::ReferenceEvaluator;

fn evaluate_lines(c: &mut Criterion) {
    let lines = seed::case_lines();
    let mut group = c.benchmark_group("protocol/evaluate");
    group.throughput(Throughput::Elements(lines.len() as u64));
    let mut evaluator = LineEvaluator::new();
    let mut out = String::new();
    group.bench_function("seed-cases", |b| {
        b.iter(|| {
            for line in &lines {
                out.clear();
                black_box(evaluator.answer(black_box(line), &mut out));
            }
        })
    });
    group.finish();
}

/// Distinct generated cases (1-3 policies each): a fresh evaluator per pass, so every case is
/// parsed and compiled, as in a gate run or a real stream.
fn evaluate_generated(c: &mut Criterion) {
    let lines = generated::case_lines(1_000);
    let mut group = c.benchmark_group("protocol/evaluate");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.sample_size(20);
    group.bench_function("generated-cases", |b| {
        b.iter(|| {
            let mut evaluator = LineEvaluator::new();
            let mut out = String::new();
            for line in &lines {
                out.clear();
                black_box(evaluator.answer(black_box(line), &mut out));
            }
        })
    });
    group.finish();
}

fn gate_cost(c: &mut Criterion) {
    let corpus = seed::seed_corpus();
    let cases: Vec<CaseLine> = corpus.decisions.iter().map(|d| d.case.clone()).collect();
    let config = Config {
        corpus: Some(corpus),
        generated: 0,
        invariant_cases: 0,
        ..Config::default()
    };
    let report = gate::run(&mut InProcess(&ReferenceEvaluator), &config, &mut |_, _| {});
    assert!(report.passed());
    assert_eq!(report.count(|s| *s == Status::Passed), cases.len());
    let mut group = c.benchmark_group("protocol/gate");
    group.sample_size(20);
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("run", |b| {
        b.iter(|| {
            gate::run(
                &mut InProcess(&ReferenceEvaluator),
                black_box(&config),
                &mut |_, _| {},
            )
        })
    });
    group.bench_function("candidate-alone", |b| {
        b.iter(|| {
            let mut candidate = InProcess(&ReferenceEvaluator);
            for case in &cases {
                black_box(candidate.answer(black_box(case)).expect("an answer"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, evaluate_lines, evaluate_generated, gate_cost);
criterion_main!(benches);
