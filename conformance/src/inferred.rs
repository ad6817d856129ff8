//! Inferred readings: after a run, for each implementation-defined point, which of its
//! permitted readings the candidate's answers are consistent with, how many cases told them
//! apart, and — when no permitted reading explains its answers — that this is a bug rather than
//! a reading. Ends with a ready-to-paste `--readings` line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use iam_eval::Point;

use crate::answer_set::{AnswerSet, DeclaredReadings};

/// What the run showed about one point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointTally {
    /// Cases that depended on the point and were answered inside their answer set.
    pub cases: usize,
    /// Per reading: cases whose answer no combination with this reading gives.
    pub ruled_out: Vec<usize>,
    /// Per reading: cases consistent with this reading that ruled out another.
    pub told_apart: Vec<usize>,
    /// Cases that depended on the point and were answered outside every permitted answer.
    pub outside: usize,
    /// The first such case.
    pub example_outside: Option<String>,
}

/// The answer sets of a run, summed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadingsTally {
    /// What the candidate declared (`--readings`, `--strict`).
    pub declared: DeclaredReadings,
    /// Cases whose answer set held more than one verdict.
    pub several_answers: usize,
    /// Cases whose combinations of readings were past the limit.
    pub capped: usize,
    /// Per point not declared.
    pub points: BTreeMap<Point, PointTally>,
}

/// What the candidate's answers say about one point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inference {
    /// Declared by the candidate.
    Declared(usize),
    /// No case depended on it.
    Untested,
    /// The readings (indexes) its answers are consistent with.
    Consistent(Vec<usize>),
    /// No permitted reading explains its answers.
    Bug,
}

impl ReadingsTally {
    /// A tally for a run under `declared`.
    pub fn new(declared: DeclaredReadings) -> Self {
        Self {
            declared,
            ..Self::default()
        }
    }

    /// Count one case: its answer set, and for each permitted answer whether the candidate's
    /// answer agrees with it.
    pub fn record(&mut self, id: &str, set: &AnswerSet, agrees: &[bool]) {
        if set.distinct_verdicts() > 1 {
            self.several_answers += 1;
        }
        self.capped += usize::from(set.capped);
        let inside = agrees.iter().any(|a| *a);
        for (slot, point) in set.free.iter().enumerate() {
            let n = point.words().len();
            let tally = self.points.entry(*point).or_insert_with(|| PointTally {
                ruled_out: vec![0; n],
                told_apart: vec![0; n],
                ..PointTally::default()
            });
            if !inside {
                tally.outside += 1;
                tally.example_outside.get_or_insert_with(|| id.to_owned());
                continue;
            }
            tally.cases += 1;
            let mut consistent = vec![false; n];
            for (answer, agree) in set.answers.iter().zip(agrees) {
                if let (true, Some(index)) = (*agree, answer.readings.get(slot)) {
                    if let Some(c) = consistent.get_mut(*index) {
                        *c = true;
                    }
                }
            }
            let some_ruled_out = consistent.iter().any(|c| !c);
            for (index, ok) in consistent.iter().enumerate() {
                let (Some(ruled), Some(apart)) = (
                    tally.ruled_out.get_mut(index),
                    tally.told_apart.get_mut(index),
                ) else {
                    continue;
                };
                if *ok {
                    *apart += usize::from(some_ruled_out);
                } else {
                    *ruled += 1;
                }
            }
        }
    }

    /// Add another tally of the same run's configuration (a shard).
    pub fn merge(&mut self, other: &ReadingsTally) {
        self.several_answers += other.several_answers;
        self.capped += other.capped;
        for (point, theirs) in &other.points {
            let ours = self.points.entry(*point).or_insert_with(|| PointTally {
                ruled_out: vec![0; theirs.ruled_out.len()],
                told_apart: vec![0; theirs.told_apart.len()],
                ..PointTally::default()
            });
            ours.cases += theirs.cases;
            ours.outside += theirs.outside;
            if ours.example_outside.is_none() {
                ours.example_outside.clone_from(&theirs.example_outside);
            }
            for (a, b) in ours.ruled_out.iter_mut().zip(&theirs.ruled_out) {
                *a += b;
            }
            for (a, b) in ours.told_apart.iter_mut().zip(&theirs.told_apart) {
                *a += b;
            }
        }
    }

    /// What the answers say about `point`.
    pub fn infer(&self, point: Point) -> Inference {
        if let Some(index) = self.declared.of(point) {
            return Inference::Declared(index);
        }
        let Some(tally) = self.points.get(&point) else {
            return Inference::Untested;
        };
        if tally.outside > 0 {
            return Inference::Bug;
        }
        let consistent: Vec<usize> = tally
            .ruled_out
            .iter()
            .enumerate()
            .filter(|(_, n)| **n == 0)
            .map(|(i, _)| i)
            .collect();
        if consistent.is_empty() {
            Inference::Bug
        } else {
            Inference::Consistent(consistent)
        }
    }

    /// The `--readings` value naming every point the answers settle on one reading (declared
    /// ones included); empty when none.
    pub fn suggested(&self) -> String {
        Point::ALL
            .iter()
            .filter_map(|p| match self.infer(*p) {
                Inference::Declared(i) => Some((*p, i)),
                Inference::Consistent(c) if c.len() == 1 => c.first().map(|i| (*p, *i)),
                _ => None,
            })
            .filter_map(|(p, i)| p.words().get(i).map(|w| format!("{}={w}", p.id())))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// One line per point the run touched, then the `--readings` line.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let mut untested = Vec::new();
        for point in Point::ALL {
            let words = point.words();
            let word = |i: usize| words.get(i).copied().unwrap_or("?");
            let tally = self.points.get(point);
            let line = match self.infer(*point) {
                Inference::Untested => {
                    untested.push(point.id());
                    continue;
                }
                Inference::Declared(i) => format!("{} (declared)", word(i)),
                Inference::Bug => {
                    let (outside, example) =
                        tally.map_or((0, None), |t| (t.outside, t.example_outside.as_deref()));
                    let example = example.map_or(String::new(), |e| format!(", e.g. `{e}`"));
                    format!(
                        "no permitted reading explains the answers ({outside} case{} answered outside every permitted answer{example}): a bug, not a reading",
                        plural(outside)
                    )
                }
                Inference::Consistent(consistent) => {
                    let tally = tally.cloned().unwrap_or_default();
                    let names: Vec<&str> = consistent.iter().map(|i| word(*i)).collect();
                    let ruled: Vec<String> = (0..words.len())
                        .filter(|i| !consistent.contains(i))
                        .map(|i| {
                            let n = tally.ruled_out.get(i).copied().unwrap_or(0);
                            format!("{} ruled out by {n} case{}", word(i), plural(n))
                        })
                        .collect();
                    let ruled = if ruled.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", ruled.join(", "))
                    };
                    match consistent.as_slice() {
                        [one] => {
                            let n = tally.told_apart.get(*one).copied().unwrap_or(0);
                            format!("{} ({n} case{}{ruled})", word(*one), plural(n))
                        }
                        _ => format!(
                            "{} (no case told them apart{ruled}; {} case{})",
                            names.join(" or "),
                            tally.cases,
                            plural(tally.cases)
                        ),
                    }
                }
            };
            let _ = writeln!(out, "  {}: {line}", point.id());
        }
        if !untested.is_empty() {
            let _ = writeln!(out, "  no case depended on {}", untested.join(", "));
        }
        let suggested = self.suggested();
        if !suggested.is_empty() {
            let _ = writeln!(out, "  --readings {suggested}");
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
