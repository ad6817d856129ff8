//! The `readings` part of the JSON report: what the run showed about each
//! implementation-defined point ([`ReadingsTally`]), both ways.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use iam_eval::Point;

use super::nullable;
use crate::answer_set::DeclaredReadings;
use crate::inferred::{Inference, PointTally, ReadingsTally};

/// The readings of a run.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReadingsJson {
    cases_with_several_answers: usize,
    capped_cases: usize,
    points: Vec<PointJson>,
    /// Written for people; recomputed when read.
    #[serde(default)]
    suggested: String,
}

/// What the run showed about one point.
#[derive(Debug, Serialize, Deserialize)]
struct PointJson {
    #[serde(default, deserialize_with = "nullable")]
    id: String,
    /// `declared`, `bug`, `reading` or `undecided`.
    #[serde(default, deserialize_with = "nullable")]
    verdict: String,
    /// The readings (words) the answers are consistent with; the declared one.
    #[serde(default, deserialize_with = "nullable")]
    consistent: Vec<String>,
    cases: usize,
    #[serde(default, deserialize_with = "nullable")]
    told_apart: PerReading,
    #[serde(default, deserialize_with = "nullable")]
    ruled_out: PerReading,
    outside: usize,
    #[serde(default, deserialize_with = "nullable")]
    example_outside: Option<String>,
}

/// A count per reading, as `{word: count}` in the point's order of readings.
#[derive(Debug, Default, Deserialize)]
#[serde(from = "std::collections::BTreeMap<String, usize>")]
struct PerReading(Vec<(String, usize)>);

impl From<std::collections::BTreeMap<String, usize>> for PerReading {
    fn from(map: std::collections::BTreeMap<String, usize>) -> Self {
        PerReading(map.into_iter().collect())
    }
}

impl Serialize for PerReading {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (word, count) in &self.0 {
            map.serialize_entry(word, count)?;
        }
        map.end()
    }
}

impl PerReading {
    fn new(point: Point, counts: &[usize]) -> Self {
        let words = point.words().iter().map(|w| (*w).to_owned());
        PerReading(words.zip(counts.iter().copied()).collect())
    }

    /// The counts in the point's order of readings; a reading not named counts 0.
    fn counts(&self, point: Point) -> Vec<usize> {
        let count = |word: &str| {
            self.0
                .iter()
                .find(|(w, _)| w == word)
                .map_or(0, |(_, n)| *n)
        };
        point.words().iter().map(|w| count(w)).collect()
    }
}

impl ReadingsJson {
    pub(crate) fn new(tally: &ReadingsTally) -> Self {
        let points = Point::ALL
            .iter()
            .filter_map(|point| {
                let words = point.words();
                let names = |v: &[usize]| -> Vec<String> {
                    v.iter()
                        .filter_map(|i| words.get(*i).map(|w| (*w).to_owned()))
                        .collect()
                };
                let (verdict, consistent) = match tally.infer(*point) {
                    Inference::Untested => return None,
                    Inference::Declared(i) => ("declared", names(&[i])),
                    Inference::Bug => ("bug", Vec::new()),
                    Inference::Consistent(c) if c.len() == 1 => ("reading", names(&c)),
                    Inference::Consistent(c) => ("undecided", names(&c)),
                };
                // A declared point has no tally of its own: its counts are zero.
                let counts = tally.points.get(point).cloned().unwrap_or_default();
                Some(PointJson {
                    id: point.id().to_owned(),
                    verdict: verdict.to_owned(),
                    consistent,
                    cases: counts.cases,
                    told_apart: PerReading::new(*point, &counts.told_apart),
                    ruled_out: PerReading::new(*point, &counts.ruled_out),
                    outside: counts.outside,
                    example_outside: counts.example_outside,
                })
            })
            .collect();
        Self {
            cases_with_several_answers: tally.several_answers,
            capped_cases: tally.capped,
            points,
            suggested: tally.suggested(),
        }
    }

    pub(crate) fn into_tally(self) -> Result<ReadingsTally, String> {
        let mut tally = ReadingsTally {
            several_answers: self.cases_with_several_answers,
            capped: self.capped_cases,
            ..ReadingsTally::default()
        };
        let mut declared = Vec::new();
        for entry in self.points {
            let id = entry.id.as_str();
            let point = Point::from_id(id).ok_or_else(|| format!("`{id}` is not a point"))?;
            if entry.verdict == "declared" {
                let word = entry.consistent.first().map_or("", String::as_str);
                if let Some(word) = point.reading_index(word).and_then(|i| point.words().get(i)) {
                    declared.push(format!("{id}={word}"));
                }
                continue;
            }
            tally.points.insert(
                point,
                PointTally {
                    cases: entry.cases,
                    ruled_out: entry.ruled_out.counts(point),
                    told_apart: entry.told_apart.counts(point),
                    outside: entry.outside,
                    example_outside: entry.example_outside,
                },
            );
        }
        tally.declared = DeclaredReadings::parse(&declared.join(",")).map_err(|e| e.to_string())?;
        Ok(tally)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_reads_back_as_it_was_written() {
        let mut tally = ReadingsTally::new(DeclaredReadings::parse("ID-7=never").unwrap());
        tally.several_answers = 5;
        tally.capped = 1;
        let words = Point::Id1.words().len();
        tally.points.insert(
            Point::Id1,
            PointTally {
                cases: 4,
                ruled_out: (0..words).collect(),
                told_apart: (0..words).map(|i| i * 2).collect(),
                outside: 1,
                example_outside: Some("eval/x#y".into()),
            },
        );
        let text = serde_json::to_string_pretty(&ReadingsJson::new(&tally)).unwrap();
        // Counts per reading are written in the point's order of readings, not sorted.
        let first = Point::Id1.words()[0];
        let last = Point::Id1.words()[words - 1];
        let ruled = text.find("\"ruled_out\"").unwrap();
        assert!(text[ruled..].find(first).unwrap() < text[ruled..].find(last).unwrap());
        assert!(text.contains("\"verdict\": \"declared\""), "{text}");
        let back: ReadingsJson = serde_json::from_str(&text).unwrap();
        assert_eq!(back.into_tally().unwrap(), tally);
    }

    #[test]
    fn an_unknown_point_is_refused() {
        let text = r#"{"cases_with_several_answers": 0, "capped_cases": 0,
            "points": [{"id": "ID-99", "cases": 0, "outside": 0}]}"#;
        let back: ReadingsJson = serde_json::from_str(text).unwrap();
        assert_eq!(back.into_tally().unwrap_err(), "`ID-99` is not a point");
    }
}
