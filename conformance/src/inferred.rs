//! Inferred readings: after a run, for each implementation-defined point, which of its
//! permitted readings the candidate's answers are consistent with, how many cases told them
//! apart, and — when no permitted reading explains its answers — that this is a bug rather than
//! a reading. Ends with a ready-to-paste `--readings` line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use iam_eval::Point;
use serde_json::{json, Value};

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

    /// Read back what [`ReadingsTally::json`] wrote (`iamconf merge`); `None` (absent) is
    /// an empty tally.
    pub fn from_json(value: Option<&Value>) -> Result<Self, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(Self::default());
        };
        let count = |v: &Value, name: &str| -> Result<usize, String> {
            v.get(name)
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("`readings.{name}` must be a whole number"))
        };
        let mut tally = Self {
            several_answers: count(value, "cases_with_several_answers")?,
            capped: count(value, "capped_cases")?,
            ..Self::default()
        };
        let mut declared = Vec::new();
        let points = value
            .get("points")
            .and_then(Value::as_array)
            .ok_or("`readings.points` must be an array")?;
        for entry in points {
            let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
            let point = Point::from_id(id).ok_or_else(|| format!("`{id}` is not a point"))?;
            let per_reading = |name: &str| -> Result<Vec<usize>, String> {
                let map = entry.get(name).and_then(Value::as_object);
                point
                    .words()
                    .iter()
                    .map(|w| {
                        let n = map.and_then(|m| m.get(*w)).map_or(Some(0), Value::as_u64);
                        n.and_then(|n| usize::try_from(n).ok())
                            .ok_or_else(|| format!("`{id}.{name}.{w}` must be a whole number"))
                    })
                    .collect()
            };
            if entry.get("verdict").and_then(Value::as_str) == Some("declared") {
                let word = entry
                    .get("consistent")
                    .and_then(|c| c.get(0))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if let Some(word) = point.reading_index(word).and_then(|i| point.words().get(i)) {
                    declared.push(format!("{id}={word}"));
                }
                continue;
            }
            tally.points.insert(
                point,
                PointTally {
                    cases: count(entry, "cases")?,
                    ruled_out: per_reading("ruled_out")?,
                    told_apart: per_reading("told_apart")?,
                    outside: count(entry, "outside")?,
                    example_outside: entry
                        .get("example_outside")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                },
            );
        }
        tally.declared = DeclaredReadings::parse(&declared.join(",")).map_err(|e| e.to_string())?;
        Ok(tally)
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

    /// The tally as JSON, for the report.
    pub fn json(&self) -> Value {
        let points: Vec<Value> = Point::ALL
            .iter()
            .filter_map(|point| {
                let words = point.words();
                let names = |v: &[usize]| -> Vec<&str> {
                    v.iter().filter_map(|i| words.get(*i).copied()).collect()
                };
                let (verdict, consistent) = match self.infer(*point) {
                    Inference::Untested => return None,
                    Inference::Declared(i) => ("declared", names(&[i])),
                    Inference::Bug => ("bug", Vec::new()),
                    Inference::Consistent(c) if c.len() == 1 => ("reading", names(&c)),
                    Inference::Consistent(c) => ("undecided", names(&c)),
                };
                let tally = self.points.get(point).cloned().unwrap_or_default();
                let per_reading = |counts: &[usize]| -> Value {
                    words
                        .iter()
                        .zip(counts)
                        .map(|(w, n)| ((*w).to_owned(), json!(n)))
                        .collect::<serde_json::Map<String, Value>>()
                        .into()
                };
                Some(json!({
                    "id": point.id(),
                    "verdict": verdict,
                    "consistent": consistent,
                    "cases": tally.cases,
                    "told_apart": per_reading(&tally.told_apart),
                    "ruled_out": per_reading(&tally.ruled_out),
                    "outside": tally.outside,
                    "example_outside": tally.example_outside,
                }))
            })
            .collect();
        json!({
            "cases_with_several_answers": self.several_answers,
            "capped_cases": self.capped,
            "points": points,
            "suggested": self.suggested(),
        })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
