//! Readings through the gate: for every point, an evaluator following a non-default permitted
//! reading (the reference under that reading, in process) passes the default gate, passes with
//! that reading declared, fails with another declared, and is named by the inferred-readings
//! report. Runs are the golden corpus plus a few hundred generated cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::OnceLock;

use iam_conformance::answer_set::DeclaredReadings;
use iam_conformance::cases::{Corpus, DecisionCase};
use iam_conformance::gate::{Config, Report, Status};
use iam_conformance::generate::{generate_cases, GeneratorConfig};
use iam_conformance::inferred::Inference;
use iam_conformance::oracle::Oracle;
use iam_conformance::{check, report};
use iam_eval::{Point, Readings, ReferenceUnder};
use rstest::rstest;

/// Generated cases per run (besides the golden ones).
const GENERATED: usize = 300;

/// The golden corpus and the first generated cases of the default seed, built once: the
/// default gate's cases, at a size a test can run several times over.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut corpus = Corpus::embedded().unwrap();
        let config = Config::default();
        let mut oracle = Oracle::new();
        for generated in generate_cases(&GeneratorConfig::default(), config.seed, GENERATED) {
            let expect = oracle.answer(&generated.case).verdict.word().to_owned();
            corpus.decisions.push(DecisionCase {
                id: generated.case.id.clone(),
                description: "generated".into(),
                source: "generator".into(),
                implementation_defined: generated.implementation_defined,
                case: generated.case,
                expect,
                matched: None,
            });
        }
        corpus
    })
}

fn under(point: Point, index: usize) -> ReferenceUnder {
    let mut readings = Readings::default();
    assert!(readings.set_index(point, index));
    ReferenceUnder(readings)
}

/// The cases of [`corpus`] that depend on `point`.
fn corpus_of(point: Point) -> Corpus {
    let tagged = |tags: &[String]| tags.iter().any(|t| t == point.id());
    let mut corpus = corpus().clone();
    corpus
        .decisions
        .retain(|c| tagged(&c.implementation_defined));
    corpus.parse.retain(|c| tagged(&c.implementation_defined));
    corpus
}

fn run(evaluator: &ReferenceUnder, corpus: Corpus, declared: Option<&str>) -> Report {
    let config = Config {
        corpus: Some(corpus),
        generated: 0,
        readings: declared.map_or_else(DeclaredReadings::default, |d| {
            DeclaredReadings::parse(d).unwrap()
        }),
        shrink_budget: 0,
        ..Config::default()
    };
    check(evaluator, &config)
}

fn failed(report: &Report) -> Vec<String> {
    report
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Failed)
        .map(|o| format!("{}: {}", o.id, o.detail))
        .collect()
}

#[rstest]
fn a_non_default_reading_passes_by_default_fails_when_another_is_declared_and_is_inferred(
    #[values(
        Point::Id1,
        Point::Id2,
        Point::Id3,
        Point::Id4,
        Point::Id5,
        Point::Id6,
        Point::Id7,
        Point::Id8,
        Point::Id9,
        Point::Id10,
        Point::Id11,
        Point::Id12,
        Point::Id13
    )]
    point: Point,
) {
    for (index, word) in point.words().iter().enumerate().skip(1) {
        let evaluator = under(point, index);
        let label = format!("{}={word}", point.id());
        // Cases that do not depend on the point give the same answer under every reading of it
        // (`untagged_cases_answer_alike_under_every_reading`), so the default gate is decided
        // by the cases that do.
        let report = run(&evaluator, corpus_of(point), None);
        assert!(
            report.passed(),
            "{label} fails the default gate: {:?}",
            failed(&report)
        );
        assert_eq!(
            report.readings.infer(point),
            Inference::Consistent(vec![index]),
            "{label} is not what the report infers:\n{}",
            report.readings.human()
        );
        assert!(report.readings.suggested().contains(&label));
        assert!(report::human(&report).contains(&format!("  {}: {word} (", point.id())));
        // Declared, only the cases that depend on the point can differ.
        let declared = run(&evaluator, corpus_of(point), Some(&label));
        assert!(
            declared.passed(),
            "{label} fails with its reading declared: {:?}",
            failed(&declared)
        );
        let other = point.words()[0];
        let wrong = run(
            &evaluator,
            corpus_of(point),
            Some(&format!("{}={other}", point.id())),
        );
        assert!(
            !wrong.passed(),
            "{label} passes with {}={other} declared",
            point.id()
        );
    }
}

/// Tag soundness: a case that does not name a point answers alike under every reading of it,
/// so an evaluator following another permitted reading agrees on it with the reference.
#[test]
fn untagged_cases_answer_alike_under_every_reading() {
    let corpus = corpus();
    let cases = corpus.gate_cases();
    let mut reference = Oracle::new();
    let expected: Vec<String> = cases
        .iter()
        .map(|c| reference.answer(&c.case).verdict.word().to_owned())
        .collect();
    let mut problems = Vec::new();
    for point in Point::ALL {
        for index in 1..point.words().len() {
            let mut readings = Readings::default();
            readings.set_index(*point, index);
            let mut oracle = Oracle::under(readings);
            for (case, want) in cases.iter().zip(&expected) {
                if case.implementation_defined.iter().any(|t| t == point.id()) {
                    continue;
                }
                let got = oracle.answer(&case.case);
                if got.verdict.word() != want {
                    problems.push(format!(
                        "{} answers `{}` under {}={}, `{want}` under the reference's reading: tag it {}",
                        case.id,
                        got.verdict.word(),
                        point.id(),
                        point.words()[index],
                        point.id()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
