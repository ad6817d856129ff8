//! Layer 3, evaluation: each seed policy against an allowed, an explicitly denied and an
//! implicitly denied request; 1 to 10,000 statements; wildcard-heavy actions; 1 to 1,000
//! CIDRs in one IpAddress; many condition keys; policy variables.

// Benchmark code: fixtures are fixed and known valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "benchmark harness: a broken workload should stop the run loudly"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use iam_benches::{gen, seed};
use iam_eval::{Decision, PolicySet, Request, Response};

fn seeds(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval/seed");
    let mut response = Response::new();
    for s in seed::seeds() {
        for decision in [
            Decision::Allow,
            Decision::ExplicitDeny,
            Decision::ImplicitDeny,
        ] {
            let Some(r) = s.first(decision) else {
                continue;
            };
            assert_eq!(s.set.decide(&r.request), Some(decision), "{}", r.id);
            let word = decision.as_protocol_str();
            group.bench_function(format!("{}/{word}/decide", s.name), |b| {
                b.iter(|| s.set.decide(black_box(&r.request)))
            });
            group.bench_function(format!("{}/{word}/evaluate_into", s.name), |b| {
                b.iter(|| s.set.evaluate_into(black_box(&r.request), &mut response))
            });
        }
    }
    group.finish();
}

/// Bench `decide` of `request` against each `(n, set)`, checking the decision first.
fn sizes(
    c: &mut Criterion,
    name: &str,
    sets: &[(usize, PolicySet)],
    request: impl Fn(usize) -> Request,
    expect: Decision,
) {
    let mut group = c.benchmark_group(name);
    for (n, set) in sets {
        let request = request(*n);
        assert_eq!(set.decide(&request), Some(expect), "{name} {n}");
        group.bench_with_input(BenchmarkId::from_parameter(n), &request, |b, r| {
            b.iter(|| set.decide(black_box(r)))
        });
    }
    group.finish();
}

fn statements(c: &mut Criterion) {
    let sets: Vec<_> = [1, 10, 100, 1_000, 10_000]
        .into_iter()
        .map(|n| (n, gen::statements_set(n)))
        .collect();
    let allowed = |_| gen::request("iot:DescribeJob", &gen::arn("job/team-0/j1"), &[]);
    sizes(c, "eval/statements", &sets, allowed, Decision::Allow);
    let wild: Vec<_> = [10, 100, 1_000]
        .into_iter()
        .map(|n| (n, gen::compile(&gen::wildcard_policy(n))))
        .collect();
    let describe = |_| gen::request("iot:DescribeJob", &gen::arn("job/j1"), &[]);
    sizes(c, "eval/wildcard-actions", &wild, describe, Decision::Allow);
}

fn cidrs(c: &mut Criterion) {
    let sets: Vec<_> = [1, 10, 100, 1_000]
        .into_iter()
        .map(|n| (n, gen::compile(&gen::cidr_policy(n))))
        .collect();
    let outside = |_| gen::request("iot:DescribeJob", "*", &[("aws:SourceIp", "192.0.2.1")]);
    sizes(
        c,
        "eval/cidrs-outside",
        &sets,
        outside,
        Decision::ImplicitDeny,
    );
    let inside = |n| {
        let ip = gen::ip_in_last_cidr(n);
        gen::request("iot:DescribeJob", "*", &[("aws:SourceIp", &ip)])
    };
    sizes(c, "eval/cidrs-in-last", &sets, inside, Decision::Allow);
}

fn keys_and_variables(c: &mut Criterion) {
    let sets: Vec<_> = [1, 10, 100]
        .into_iter()
        .map(|n| (n, gen::compile(&gen::keys_policy(n))))
        .collect();
    sizes(
        c,
        "eval/condition-keys",
        &sets,
        gen::keys_request,
        Decision::Allow,
    );
    let set = vec![(1, gen::compile(&gen::variables_policy()))];
    sizes(
        c,
        "eval/variables",
        &set,
        |_| gen::variables_request(),
        Decision::Allow,
    );
}

criterion_group!(benches, seeds, statements, cidrs, keys_and_variables);
criterion_main!(benches);
