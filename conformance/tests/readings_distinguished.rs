//! Every permitted reading of every implementation-defined point is told apart from every
//! other in a default run (issue 9 item 5): for each point and each pair of its readings, some
//! case of the run (the golden corpus and the default seed's generated cases) that depends on
//! the point is answered differently under the two. Without such a case the inferred-readings
//! report could not name an evaluator's reading of the point. (The generated cases alone tell
//! every pair apart except ID-7's `segment` from `always`, which the golden wildcard cases do.)
//!
//! ID-22 (which ARNs an API call is checked on) is a reading of the gate's expansion of call
//! cases, not of a request's answer: `tests/readings.rs` and `iam-eval`'s call tests cover it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use std::collections::{BTreeMap, BTreeSet};

use iam_conformance::cases::Corpus;
use iam_conformance::generate::{generate_cases, GeneratorConfig, DEFAULT_CASES, DEFAULT_SEED};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::CaseLine;
use iam_eval::{Point, Readings};

/// For each point, the pairs of reading indexes some case tells apart, and how many cases.
type Told = BTreeMap<Point, (BTreeSet<(usize, usize)>, usize)>;

fn tell_apart(cases: &[(CaseLine, Vec<String>)]) -> Told {
    let mut oracles: BTreeMap<(Point, usize), Oracle> = BTreeMap::new();
    let mut told = Told::new();
    for (case, tags) in cases {
        for point in tags.iter().filter_map(|t| Point::from_id(t)) {
            let words: Vec<String> = (0..point.words().len())
                .map(|index| {
                    let oracle = oracles.entry((point, index)).or_insert_with(|| {
                        let mut readings = Readings::default();
                        readings.set_index(point, index);
                        Oracle::under(readings)
                    });
                    oracle.answer(case).verdict.word().to_owned()
                })
                .collect();
            let entry = told.entry(point).or_default();
            entry.1 += 1;
            for i in 0..words.len() {
                for j in i + 1..words.len() {
                    if words[i] != words[j] {
                        entry.0.insert((i, j));
                    }
                }
            }
        }
    }
    told
}

fn missing(told: &Told, points: &[Point]) -> Vec<String> {
    let mut out = Vec::new();
    for point in points {
        let n = point.words().len();
        let (pairs, cases) = told.get(point).cloned().unwrap_or_default();
        for i in 0..n {
            for j in i + 1..n {
                if !pairs.contains(&(i, j)) {
                    out.push(format!(
                        "{point}: no case tells `{}` from `{}` ({cases} cases depend on {point})",
                        point.words()[i],
                        point.words()[j]
                    ));
                }
            }
        }
    }
    out
}

fn generated() -> Vec<(CaseLine, Vec<String>)> {
    generate_cases(&GeneratorConfig::default(), DEFAULT_SEED, DEFAULT_CASES)
        .map(|g| (g.case, g.implementation_defined))
        .collect()
}

const REQUEST_POINTS: [Point; 21] = [
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
    Point::Id13,
    Point::Id14,
    Point::Id15,
    Point::Id16,
    Point::Id17,
    Point::Id18,
    Point::Id19,
    Point::Id20,
    Point::Id21,
];

#[test]
fn every_reading_of_every_point_is_told_apart_in_a_default_run() {
    let mut cases: Vec<(CaseLine, Vec<String>)> = Corpus::embedded()
        .unwrap()
        .gate_cases()
        .into_iter()
        .map(|c| (c.case, c.implementation_defined))
        .collect();
    cases.extend(generated());
    let told = tell_apart(&cases);
    let missing = missing(&told, &REQUEST_POINTS);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
