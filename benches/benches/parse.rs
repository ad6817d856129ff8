//! Layer 2, parsing: each corrected seed policy, a 6,144-character managed policy (quota
//! enforced), and documents of 10 KB to 1 MB.

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
use iam_benches::{gen, seed};
use iam_policy::{ParseOptions, Policy};

fn seeds(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse/seed");
    for s in seed::seeds() {
        assert!(Policy::parse(&s.document).is_ok());
        group.throughput(Throughput::Bytes(s.document.len() as u64));
        group.bench_function(s.name, |b| b.iter(|| Policy::parse(black_box(&s.document))));
    }
    group.finish();
}

fn managed(c: &mut Criterion) {
    let doc = gen::managed_policy();
    let options = gen::managed_options();
    assert!(Policy::check(&doc, &options).policy.is_some());
    let mut group = c.benchmark_group("parse/managed-6144");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function("check", |b| {
        b.iter(|| Policy::check(black_box(&doc), &options))
    });
    group.bench_function("parse", |b| b.iter(|| Policy::parse(black_box(&doc))));
    // As the evaluator parses: the policy and errors only, no lint computed.
    let errors_only = ParseOptions {
        errors_only: true,
        ..options
    };
    group.bench_function("errors-only", |b| {
        b.iter(|| Policy::check(black_box(&doc), &errors_only))
    });
    group.finish();
}

fn sized(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse/size");
    group.sample_size(20);
    for (label, bytes) in [("10KB", 10_000), ("100KB", 100_000), ("1MB", 1_000_000)] {
        let doc = gen::document_of_size(bytes);
        assert!(Policy::parse(&doc).is_ok());
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(label), &doc, |b, d| {
            b.iter(|| Policy::parse(black_box(d)))
        });
    }
    group.finish();
}

criterion_group!(benches, seeds, managed, sized);
criterion_main!(benches);
