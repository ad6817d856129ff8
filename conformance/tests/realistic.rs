//! Realistic requests (docs/semantics.md §2): every request the generator makes and every
//! golden request is one AWS could send, except where the case carries ID-16.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use iam_conformance::cases::Corpus;
use iam_conformance::generate::{generate_cases, GeneratorConfig};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{RequestLine, Verdict};
use iam_conformance::realistic::outside_catalog;

#[test]
fn generated_requests_are_catalog_true_unless_tagged() {
    let n = 10_000;
    let mut outside = 0;
    let mut oracle = Oracle::new();
    let mut epoch = EpochTimes::default();
    for case in generate_cases(&GeneratorConfig::default(), 5, n) {
        epoch.look_at(&case.case.request);
        if let Some(why) = outside_catalog(&case.case.request) {
            outside += 1;
            // A set holding a document every evaluator rejects is an error under every
            // reading, ID-16's other reading (error) included: no tag is needed.
            if case.implementation_defined.is_empty()
                && matches!(oracle.answer(&case.case).verdict, Verdict::Error(_))
            {
                continue;
            }
            assert!(
                case.implementation_defined.iter().any(|t| t == "ID-16"),
                "{why}, yet no ID-16:\n{}",
                case.case.to_line()
            );
        }
    }
    eprintln!("{outside}/{n} requests outside the catalog");
    // Most requests are realistic; some are not, on purpose (else this shows nothing).
    assert!(outside * 100 / n < 10, "{outside}/{n}");
    assert!(outside > 0);
    // aws:EpochTime is "Date, Numeric" (iam-facts §9.7): AWS sends epoch seconds. Requests
    // give it epoch seconds, and an ISO date only when outside the catalog on purpose.
    assert!(epoch.seconds > 100, "{epoch:?}");
    assert!(epoch.iso_outside > 0, "{epoch:?}");
}

/// What the generated requests give `aws:EpochTime`.
#[derive(Debug, Default)]
struct EpochTimes {
    /// Plain numbers (epoch seconds).
    seconds: usize,
    /// ISO dates, each in a request outside the catalog.
    iso_outside: usize,
}

impl EpochTimes {
    fn look_at(&mut self, request: &RequestLine) {
        let value = request
            .context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("aws:EpochTime"))
            .and_then(|(_, v)| v.as_str());
        let Some(value) = value else {
            return;
        };
        if iam_policy::value::parse_number(value).is_ok() {
            self.seconds += 1;
            return;
        }
        assert!(
            outside_catalog(request).is_some(),
            "aws:EpochTime `{value}` is not epoch seconds, yet the request is realistic"
        );
        if iam_policy::value::parse_instant(value).is_ok() {
            self.iso_outside += 1;
        }
    }
}

#[test]
fn golden_requests_are_catalog_true_unless_tagged() {
    let corpus = Corpus::embedded().unwrap();
    let mut failures = Vec::new();
    let mut tagged = 0;
    for case in corpus.gate_cases() {
        let Some(why) = outside_catalog(&case.case.request) else {
            continue;
        };
        // An error under every reading (a document every evaluator rejects, an invalid
        // request) is also the answer of ID-16's other reading.
        if case.expect == "error" && case.implementation_defined.is_empty() {
            continue;
        }
        if case.implementation_defined.iter().any(|t| t == "ID-16") {
            tagged += 1;
        } else {
            failures.push(format!("{}: {why}", case.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} untagged:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(tagged > 0);
}
