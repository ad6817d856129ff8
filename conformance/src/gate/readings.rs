//! What the gate holds a candidate to (docs/semantics.md §11): the readings it declared, and
//! for the other points of a case every permitted reading (the case's answer set,
//! [`crate::answer_set`]). Each job judges with its own [`Judge`].

use iam_eval::Point;

use super::{differs, Config};
use crate::answer_set::{points_of, AnswerSet, Answerer, DeclaredReadings};
use crate::oracle::Oracle;
use crate::protocol::{AnswerLine, CaseLine};

/// The answer sets of one job.
pub(super) struct Judge {
    answerer: Answerer,
    /// The declared readings (every point's reference reading under `--strict`).
    pub(super) declared: DeclaredReadings,
}

impl Judge {
    pub(super) fn new(config: &Config) -> Self {
        Self {
            answerer: Answerer::new(),
            declared: declared(config),
        }
    }

    /// The points of a case's tags; `None` (the case is left out) when a tag names no point
    /// the reference has readings for, unless every point is declared (`--strict`).
    pub(super) fn points(&self, tags: &[String]) -> Option<Vec<Point>> {
        match points_of(tags) {
            Ok(points) => Some(points),
            Err(_) if self.declared == DeclaredReadings::strict() => Some(Vec::new()),
            Err(_) => None,
        }
    }

    /// The permitted answers of `case`, which depends on `points`.
    pub(super) fn answers(
        &mut self,
        oracle: &mut Oracle,
        case: &CaseLine,
        points: &[Point],
    ) -> AnswerSet {
        self.answerer.answers(oracle, case, points, &self.declared)
    }
}

/// The readings a run holds candidates to: the declared ones, or all the reference's under
/// `--strict`.
pub(super) fn declared(config: &Config) -> DeclaredReadings {
    if config.strict {
        DeclaredReadings::strict()
    } else {
        config.readings.clone()
    }
}

/// Each permitted answer of `set`: whether `answer` agrees with it.
pub(super) fn agreements(set: &AnswerSet, answer: &AnswerLine, config: &Config) -> Vec<bool> {
    set.answers
        .iter()
        .map(|p| differs(&p.answer, answer, config).is_none())
        .collect()
}
