//! The smoke test CI runs: every workload once, its result checked; the fixtures are what they
//! claim to be.

use iam_eval::Decision;
use iam_policy::pattern::{Glob, GlobSyntax};
use iam_policy::Policy;

use crate::{gen, seed, workload};

#[test]
fn every_workload_runs_once_and_computes_the_right_result() {
    for (name, _, iterations) in workload::WORKLOADS {
        assert!(*iterations > 0, "{name}");
        let mut prepared = workload::prepare(name).unwrap_or_else(|| panic!("{name} prepares"));
        assert_eq!((prepared.run)(), prepared.expected, "workload {name}");
    }
    assert!(workload::prepare("no-such-workload").is_none());
}

/// No workload's checksum is met without its work: its answers differ (so no constant answer
/// gives them), and the checksum tells a constant vector, a reordering and a single wrong
/// answer from the right one. (Replacing a workload's hot path by a constant, e.g. `decide`
/// by `Some(Allow)` or `is_match` by `true`, gives such a constant vector.)
#[test]
fn no_constant_meets_a_checksum() {
    for (name, _, _) in workload::WORKLOADS {
        let prepared = workload::prepare(name).unwrap();
        let answers = &prepared.answers;
        assert_eq!(
            workload::checksum(answers.iter().copied()),
            prepared.expected
        );
        let mut distinct = answers.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(
            distinct.len() >= 2,
            "{name}: every input has the answer {distinct:?}"
        );
        for constant in distinct.iter().copied().chain(0..4) {
            let vector = vec![constant; answers.len()];
            assert_ne!(
                workload::checksum(vector),
                prepared.expected,
                "{name}: the constant {constant} meets the checksum"
            );
        }
        let mut reversed = answers.clone();
        reversed.reverse();
        if reversed != *answers {
            assert_ne!(workload::checksum(reversed), prepared.expected, "{name}");
        }
        for i in 0..answers.len() {
            let mut wrong = answers.clone();
            wrong[i] ^= 1;
            assert_ne!(workload::checksum(wrong), prepared.expected, "{name} #{i}");
        }
    }
}

/// The pattern workload's answers come from the naive matcher; they are the designed ones:
/// each strategy's hit matches and its miss does not (`any` matches both).
#[test]
fn pattern_answers_are_the_designed_hits_and_misses() {
    let prepared = workload::prepare("pattern-strategies").unwrap();
    let designed: Vec<u64> = gen::strategy_cases()
        .iter()
        .flat_map(|(strategy, ..)| [1, u64::from(*strategy == "any")])
        .collect();
    assert_eq!(prepared.answers, designed);
    for ((strategy, pattern, syntax, _), (name, miss)) in gen::strategy_cases()
        .into_iter()
        .zip(gen::strategy_misses())
    {
        assert_eq!(strategy, name);
        assert_eq!(
            Glob::new(&pattern, syntax).is_match(&miss),
            strategy == "any"
        );
    }
}

#[test]
fn the_seeds_decide_as_the_corpus_says() {
    let seeds = seed::seeds();
    assert_eq!(seeds.len(), 6);
    for s in &seeds {
        assert!(!s.requests.is_empty(), "{}", s.name);
        for r in &s.requests {
            assert_eq!(s.set.evaluate(&r.request).decision, r.expect, "{}", r.id);
        }
        // Every seed has an allowed and an implicitly denied request; only E5 denies.
        assert!(
            s.first(Decision::Allow).is_some() || s.name == "e5",
            "{}",
            s.name
        );
        assert!(s.first(Decision::ImplicitDeny).is_some(), "{}", s.name);
        let doc = Policy::parse(&s.document).expect("corrected seed parses");
        assert!(!doc.statements.is_empty());
    }
    let denies = seeds
        .iter()
        .filter(|s| s.first(Decision::ExplicitDeny).is_some())
        .count();
    assert_eq!(denies, 1);
    let gated = seed::seed_corpus().decisions.len();
    assert!(gated > 0 && gated <= seed::case_lines().len());
}

#[test]
fn each_strategy_fixture_compiles_to_its_strategy_and_matches() {
    for (strategy, pattern, syntax, value) in gen::strategy_cases() {
        let glob = Glob::new(&pattern, syntax);
        assert_eq!(glob.strategy_name(), strategy, "{pattern}");
        assert!(glob.is_match(&value), "{pattern} ~ {value}");
    }
    assert_eq!(
        gen::adversarial_glob(GlobSyntax::Text).strategy_name(),
        "segments"
    );
    assert_eq!(
        gen::adversarial_glob(GlobSyntax::Arn).strategy_name(),
        "nfa"
    );
    for syntax in [GlobSyntax::Text, GlobSyntax::Arn] {
        let glob = gen::adversarial_glob(syntax);
        // The two smallest sizes: the benches check every size themselves (debug is slow).
        for len in [gen::ADVERSARIAL_SIZES[0], gen::ADVERSARIAL_SIZES[1]] {
            for (label, value, matches) in gen::adversarial_values(len, syntax) {
                assert_eq!(value.len(), len, "{label}");
                assert_eq!(glob.is_match(&value), matches, "{syntax:?} {label} {len}");
            }
        }
    }
}

#[test]
fn generated_documents_have_their_sizes() {
    let managed = gen::managed_policy();
    assert_eq!(gen::quota_chars(&managed), 6_144);
    let checked = Policy::check(&managed, &gen::managed_options());
    assert!(checked.policy.is_some(), "{:?}", checked.diagnostics);
    // One more character breaks the quota: the fixture sits exactly at it.
    let over = managed.replacen("\"Pad", "\"PadY", 1);
    assert!(Policy::check(&over, &gen::managed_options())
        .policy
        .is_none());
    for size in [10_000, 100_000] {
        let doc = gen::document_of_size(size);
        assert!(
            doc.len() >= size && doc.len() < size + 2_000,
            "{}",
            doc.len()
        );
        assert!(Policy::parse(&doc).is_ok());
    }
}

#[test]
fn generated_policies_decide_as_designed() {
    let allowed = gen::request("iot:DescribeJob", &gen::arn("job/team-0/j1"), &[]);
    let other = gen::request("iot:DescribeJob", &gen::arn("job/elsewhere"), &[]);
    // 1,500 statements make two documents: the split keeps every statement.
    for n in [1, 10, 1_500] {
        let set = gen::statements_set(n);
        assert_eq!(set.statement_count(), n);
        assert_eq!(set.policy_count(), n.div_ceil(gen::STATEMENTS_PER_DOCUMENT));
        assert_eq!(set.decide(&allowed), Some(Decision::Allow));
        assert_eq!(set.decide(&other), Some(Decision::ImplicitDeny));
        assert!(gen::describe_positions(n).len() <= 3);
    }
    let set = gen::compile(&gen::wildcard_policy(100));
    assert_eq!(set.decide(&other), Some(Decision::Allow));
    for n in [1, 10, 1_000] {
        let set = gen::compile(&gen::cidr_policy(n));
        let inside = gen::request(
            "iot:DescribeJob",
            "*",
            &[("aws:SourceIp", &gen::ip_in_last_cidr(n))],
        );
        let outside = gen::request("iot:DescribeJob", "*", &[("aws:SourceIp", "192.0.2.1")]);
        assert_eq!(set.decide(&inside), Some(Decision::Allow), "{n}");
        assert_eq!(set.decide(&outside), Some(Decision::ImplicitDeny), "{n}");
    }
    let set = gen::compile(&gen::keys_policy(100));
    assert_eq!(set.decide(&gen::keys_request(100)), Some(Decision::Allow));
    assert_eq!(
        set.decide(&gen::keys_request(99)),
        Some(Decision::ImplicitDeny)
    );
    let set = gen::compile(&gen::variables_policy());
    assert_eq!(set.decide(&gen::variables_request()), Some(Decision::Allow));
}
