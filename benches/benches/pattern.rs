//! Layer 1, pattern matching: one glob per compiled strategy, and the adversarial
//! `*a*a…*a*b` against 64 B to 64 KiB, whose time per byte must stay flat.

// Benchmark code: fixtures are fixed and known valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "benchmark harness: a broken workload should stop the run loudly"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iam_benches::gen;
use iam_policy::pattern::{Glob, GlobSyntax};

fn strategies(c: &mut Criterion) {
    let mut group = c.benchmark_group("pattern/strategy");
    for (strategy, pattern, syntax, value) in gen::strategy_cases() {
        let glob = Glob::new(&pattern, syntax);
        assert_eq!(glob.strategy_name(), strategy);
        assert!(glob.is_match(&value));
        group.bench_function(strategy, |b| {
            b.iter(|| black_box(&glob).is_match(black_box(&value)))
        });
    }
    group.finish();
}

fn adversarial(c: &mut Criterion) {
    for (label, syntax) in [("segments", GlobSyntax::Text), ("nfa", GlobSyntax::Arn)] {
        let glob = gen::adversarial_glob(syntax);
        assert_eq!(glob.strategy_name(), label);
        for (kind, _, _) in gen::adversarial_values(64, syntax) {
            let mut group = c.benchmark_group(format!("pattern/adversarial-{label}/{kind}"));
            for len in gen::ADVERSARIAL_SIZES {
                let (_, value, matches) = gen::adversarial_values(len, syntax)
                    .into_iter()
                    .find(|v| v.0 == kind)
                    .expect("same kinds at every size");
                assert_eq!(glob.is_match(&value), matches);
                group.throughput(Throughput::Bytes(len as u64));
                group.bench_with_input(BenchmarkId::from_parameter(len), &value, |b, v| {
                    b.iter(|| black_box(&glob).is_match(black_box(v)))
                });
            }
            group.finish();
        }
    }
}

criterion_group!(benches, strategies, adversarial);
criterion_main!(benches);
