//! `ParseOptions::errors_only` (what the evaluator parses with) gives the policy and the errors
//! of a full check, only without the lint warnings: over every golden document and the policies
//! of generated cases under the reference's readings, and every golden parse document under
//! every other reading of each point, one at a time.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use iam_conformance::cases::Corpus;
use iam_conformance::generate::{generate_cases, GeneratorConfig};
use iam_policy::{Checked, ParseOptions, Point, Policy, Readings, Severity};

/// The golden parse documents, and every document of the decision and generated cases.
fn documents() -> (Vec<String>, Vec<String>) {
    let corpus = Corpus::embedded().unwrap();
    let parse: Vec<String> = corpus.parse.iter().map(|c| c.policy.clone()).collect();
    let mut out = parse.clone();
    for case in &corpus.decisions {
        out.extend(case.case.policy_texts().unwrap_or_default());
    }
    for g in generate_cases(&GeneratorConfig::default(), 7, 1_000) {
        out.extend(g.case.policy_texts().unwrap_or_default());
    }
    (parse, out)
}

fn readings() -> Vec<Readings> {
    let mut all = vec![Readings::default()];
    for point in Point::ALL {
        for index in 1..point.words().len() {
            let mut r = Readings::default();
            assert!(r.set_index(*point, index));
            all.push(r);
        }
    }
    all
}

fn errors(checked: &Checked) -> Vec<String> {
    checked
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| format!("{:?}", d))
        .collect()
}

#[test]
fn errors_only_keeps_the_policy_and_every_error_and_drops_only_the_lints() {
    let (parse, all) = documents();
    let mut with_lints = 0;
    let mut rejected = 0;
    for readings in readings() {
        let documents = if readings == Readings::default() {
            &all
        } else {
            &parse
        };
        for text in documents {
            let full = Policy::check(
                text,
                &ParseOptions {
                    readings,
                    ..ParseOptions::default()
                },
            );
            let quick = Policy::check(
                text,
                &ParseOptions {
                    readings,
                    errors_only: true,
                    ..ParseOptions::default()
                },
            );
            assert_eq!(quick.policy, full.policy, "{readings:?}\n{text}");
            assert_eq!(errors(&quick), errors(&full), "{readings:?}\n{text}");
            assert!(
                quick
                    .diagnostics
                    .0
                    .iter()
                    .all(|d| d.severity() == Severity::Error),
                "{text}"
            );
            if full
                .diagnostics
                .0
                .iter()
                .any(|d| d.severity() != Severity::Error)
            {
                with_lints += 1;
            }
            if full.policy.is_none() {
                rejected += 1;
            }
        }
    }
    // The documents hold lints and errors to drop and keep, not only clean policies.
    assert!(with_lints > 500, "{with_lints}");
    assert!(rejected > 500, "{rejected}");
}
