//! Expected answer sets (docs/semantics.md §11): a case that depends on implementation-defined
//! points `P1..Pk` accepts the reference's answer under every combination of their permitted
//! readings, unless the candidate declared its readings (`--readings`, or `--strict` for the
//! reference's throughout); a case that depends on no point has one answer.
//!
//! Combinations past [`COMBINATION_LIMIT`] are not all computed: the set then holds the
//! reference's answer and the answer of each single point's other readings (a subset of the
//! permitted answers), and the case is counted as capped.

use std::collections::HashMap;

use iam_eval::{Point, Readings};
use iam_policy::readings::ReadingsError;

use crate::oracle::Oracle;
use crate::protocol::{AnswerLine, CaseLine};

/// Most combinations of readings computed for one case.
pub const COMBINATION_LIMIT: usize = 64;

/// Most oracles under other readings kept at once (each caches a few compiled sets).
const ORACLE_LIMIT: usize = 32;

/// The readings a candidate declares: a declared point expects exactly the answer under that
/// reading; the others accept any permitted reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeclaredReadings {
    declared: Vec<(Point, usize)>,
}

impl DeclaredReadings {
    /// The reference's reading of every point (`--strict`).
    pub fn strict() -> Self {
        Self {
            declared: Point::ALL.iter().map(|p| (*p, 0)).collect(),
        }
    }

    /// `ID-7=never,ID-9=error`.
    pub fn parse(text: &str) -> Result<Self, ReadingsError> {
        Readings::parse_list(text).map(|declared| Self { declared })
    }

    /// These declarations, and the reference's reading of every point not declared.
    pub fn or_reference(&self) -> Self {
        let mut out = Self::strict();
        for (point, index) in &self.declared {
            if let Some(slot) = out.declared.iter_mut().find(|(p, _)| p == point) {
                slot.1 = *index;
            }
        }
        out
    }

    /// The declared reading of `point`.
    pub fn of(&self, point: Point) -> Option<usize> {
        self.declared
            .iter()
            .find(|(p, _)| *p == point)
            .map(|(_, i)| *i)
    }

    /// Whether nothing is declared.
    pub fn is_empty(&self) -> bool {
        self.declared.is_empty()
    }

    /// The declared readings, with the reference's for the others.
    pub fn base(&self) -> Readings {
        let mut readings = Readings::default();
        for (point, index) in &self.declared {
            readings.set_index(*point, *index);
        }
        readings
    }
}

/// The points a case's `ID-n` tags name; `Err` with the first tag that names no point the
/// reference has readings for.
pub fn points_of(tags: &[String]) -> Result<Vec<Point>, String> {
    let mut points = Vec::with_capacity(tags.len());
    for tag in tags {
        let point = Point::from_id(tag).ok_or_else(|| tag.clone())?;
        if !points.contains(&point) {
            points.push(point);
        }
    }
    points.sort_unstable();
    Ok(points)
}

/// One permitted answer: the readings of the case's free points, and the reference's answer
/// under them.
#[derive(Debug, Clone)]
pub struct PermittedAnswer {
    /// The reading index of each free point, in the order of [`AnswerSet::free`].
    pub readings: Vec<usize>,
    /// The reference's answer under them.
    pub answer: AnswerLine,
}

/// Every permitted answer of one case.
#[derive(Debug, Clone)]
pub struct AnswerSet {
    /// The case's points that the candidate did not declare.
    pub free: Vec<Point>,
    /// The answers, the reference's readings first.
    pub answers: Vec<PermittedAnswer>,
    /// Whether the combinations were past [`COMBINATION_LIMIT`] (single-point variations only).
    pub capped: bool,
}

impl AnswerSet {
    /// The answer under the reference's readings (or the declared ones).
    pub fn first(&self) -> Option<&AnswerLine> {
        self.answers.first().map(|a| &a.answer)
    }

    /// How many distinct verdicts the set holds.
    pub fn distinct_verdicts(&self) -> usize {
        let mut words: Vec<&str> = self
            .answers
            .iter()
            .map(|a| a.answer.verdict.word())
            .collect();
        words.sort_unstable();
        words.dedup();
        words.len()
    }
}

/// The reference under every combination of readings a run meets.
#[derive(Debug, Default)]
pub struct Answerer {
    others: HashMap<Readings, Oracle>,
}

impl Answerer {
    /// A new answerer with no oracle yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every permitted answer of `case`, which depends on `points`, under `declared`;
    /// `reference` answers under the reference's readings.
    pub fn answers(
        &mut self,
        reference: &mut Oracle,
        case: &CaseLine,
        points: &[Point],
        declared: &DeclaredReadings,
    ) -> AnswerSet {
        let free: Vec<Point> = points
            .iter()
            .copied()
            .filter(|p| declared.of(*p).is_none())
            .collect();
        let base = declared.base();
        let (combinations, capped) = combinations(&free);
        let answers = combinations
            .into_iter()
            .map(|indexes| {
                let mut readings = base;
                for (point, index) in free.iter().zip(&indexes) {
                    readings.set_index(*point, *index);
                }
                PermittedAnswer {
                    readings: indexes,
                    answer: self.answer_under(reference, readings, case),
                }
            })
            .collect();
        AnswerSet {
            free,
            answers,
            capped,
        }
    }

    fn answer_under(
        &mut self,
        reference: &mut Oracle,
        readings: Readings,
        case: &CaseLine,
    ) -> AnswerLine {
        if readings == *reference.readings() {
            return reference.answer(case);
        }
        if self.others.len() >= ORACLE_LIMIT && !self.others.contains_key(&readings) {
            self.others.clear();
        }
        self.others
            .entry(readings)
            .or_insert_with(|| Oracle::under(readings))
            .answer(case)
    }
}

/// Every combination of the readings of `free` (reading indexes, the reference's first), or,
/// past [`COMBINATION_LIMIT`], the reference's and each single point's other readings.
fn combinations(free: &[Point]) -> (Vec<Vec<usize>>, bool) {
    let total = free
        .iter()
        .try_fold(1usize, |n, p| n.checked_mul(p.words().len()))
        .unwrap_or(usize::MAX);
    if total <= COMBINATION_LIMIT {
        let mut out = vec![Vec::with_capacity(free.len())];
        for point in free {
            out = out
                .into_iter()
                .flat_map(|prefix| {
                    (0..point.words().len()).map(move |i| {
                        let mut next = prefix.clone();
                        next.push(i);
                        next
                    })
                })
                .collect();
        }
        return (out, false);
    }
    let mut out = vec![vec![0; free.len()]];
    for (slot, point) in free.iter().enumerate() {
        for index in 1..point.words().len() {
            let mut one = vec![0; free.len()];
            if let Some(s) = one.get_mut(slot) {
                *s = index;
            }
            out.push(one);
        }
    }
    (out, true)
}

/// The other verdicts `set` permits, with the readings that give each, for a failure's detail
/// (`; permitted under other readings: `implicitDeny` (ID-5=false)`); empty when there are none.
pub fn other_answers(set: &AnswerSet) -> String {
    let Some(first) = set.first().map(|a| a.verdict.word()) else {
        return String::new();
    };
    let mut seen: Vec<&str> = vec![first];
    let mut parts = Vec::new();
    for permitted in &set.answers {
        let word = permitted.answer.verdict.word();
        if seen.contains(&word) {
            continue;
        }
        seen.push(word);
        let readings: Vec<String> = set
            .free
            .iter()
            .zip(&permitted.readings)
            .filter(|(_, i)| **i != 0)
            .filter_map(|(p, i)| p.words().get(*i).map(|w| format!("{}={w}", p.id())))
            .collect();
        parts.push(format!("`{word}` ({})", readings.join(",")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; permitted under other readings: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_cover_every_reading_reference_first() {
        let (all, capped) = combinations(&[Point::Id7, Point::Id9]);
        assert!(!capped);
        assert_eq!(
            all,
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![1, 0],
                vec![1, 1],
                vec![2, 0],
                vec![2, 1]
            ]
        );
        assert_eq!(combinations(&[]), (vec![vec![]], false));
    }

    #[test]
    fn past_the_limit_points_vary_one_at_a_time() {
        let many = [
            Point::Id1,
            Point::Id2,
            Point::Id3,
            Point::Id4,
            Point::Id5,
            Point::Id7,
            Point::Id8,
        ];
        let (some, capped) = combinations(&many);
        assert!(capped);
        // 1 + (2 + 1 + 1 + 1 + 1 + 2 + 2).
        assert_eq!(some.len(), 11);
        assert!(some
            .iter()
            .all(|c| c.iter().filter(|i| **i != 0).count() <= 1));
    }

    #[test]
    fn declarations_fix_points_and_strict_fixes_all() {
        let d = DeclaredReadings::parse("ID-7=never").unwrap();
        assert_eq!(d.of(Point::Id7), Some(1));
        assert_eq!(d.of(Point::Id9), None);
        assert_eq!(d.or_reference().of(Point::Id9), Some(0));
        assert_eq!(d.or_reference().of(Point::Id7), Some(1));
        assert!(Point::ALL
            .iter()
            .all(|p| DeclaredReadings::strict().of(*p) == Some(0)));
        assert_eq!(
            points_of(&["ID-9".into(), "ID-7".into(), "ID-9".into()]).unwrap(),
            vec![Point::Id7, Point::Id9]
        );
        assert_eq!(points_of(&["ID-99".into()]).unwrap_err(), "ID-99");
    }
}
