//! Failure groups in run order, with the shrinks they need made side by side (see the
//! parent module's phase 2).

use super::{Plan, Problem, ShrinkBudget, ShrinkWave};
use crate::gate::{Report, Status, SHRINK_LIMIT};
use crate::groups::{self, Group};
use crate::labels::case_labels;
use crate::oracle::Oracle;
use crate::protocol::CaseLine;

/// How far ahead the estimate of the shrinks still needed looks.
const LOOKAHEAD: usize = 10_000;

/// The group a disagreement fits among `groups`, if any.
fn fitting_group(groups: &[Group], problem: &Problem) -> Option<usize> {
    let error = groups::masked_error(&problem.answer);
    groups::find_group(
        groups,
        &problem.outcome.labels,
        &problem.outcome.expected,
        &problem.outcome.got,
        error.as_deref(),
    )
}

/// Form the failure groups in run order, shrinking the first disagreement of each new group
/// (at most [`SHRINK_LIMIT`] groups are shrunk): `shrink_wave` shrinks up to one per worker
/// side by side, each within its share of `budget`.
pub(super) fn group_and_shrink(
    plan: &Plan<'_>,
    report: &mut Report,
    problems: &mut [Problem],
    budget: &ShrinkBudget,
    shrink_wave: &mut ShrinkWave<'_>,
) {
    let mut oracle = Oracle::new();
    let mut shrunk: Vec<Option<CaseLine>> = vec![None; problems.len()];
    let mut cursor = 0;
    while cursor < problems.len() {
        // The next disagreements that fit no group yet (the groups can only grow, so the
        // first of them is certain to need its shrink; the others may join it).
        let wave: Vec<usize> = (cursor..problems.len())
            .filter(|&i| {
                problems
                    .get(i)
                    .is_some_and(|p| p.disagrees && fitting_group(&report.groups, p).is_none())
            })
            .take(
                budget
                    .workers
                    .min(SHRINK_LIMIT.saturating_sub(report.groups.len())),
            )
            .collect();
        // About how many shrinks remain: the disagreements ahead that fit no group yet (some
        // will join the groups this wave forms), looking a bounded way ahead.
        let needed = problems
            .iter()
            .skip(cursor)
            .take(LOOKAHEAD)
            .filter(|p| p.disagrees && fitting_group(&report.groups, p).is_none())
            .take(SHRINK_LIMIT.saturating_sub(report.groups.len()))
            .count();
        for (index, minimal, failure) in shrink_wave(&wave, problems, budget.limits(needed)) {
            if let (None, Some(failure)) = (&report.candidate_failure, failure) {
                report.candidate_failure = Some(failure.to_string());
            }
            if let Some(slot) = shrunk.get_mut(index) {
                *slot = Some(minimal);
            }
        }
        // A disagreement that still needs a shrink no wave made waits for the next wave.
        while cursor < problems.len() {
            let Some(problem) = problems.get_mut(cursor) else {
                break;
            };
            if !problem.disagrees {
                cursor += 1;
                continue;
            }
            let existing = fitting_group(&report.groups, problem);
            let shrink = existing.is_none() && report.groups.len() < SHRINK_LIMIT;
            let minimal = match (shrink, shrunk.get_mut(cursor).and_then(Option::take)) {
                (true, Some(minimal)) => minimal,
                // Not shrunk (the candidate stopped answering): the case as it is.
                (true, None) if wave.contains(&cursor) => problem.case.clone(),
                (true, None) => break,
                (false, _) => problem.case.clone(),
            };
            place_in_group(plan, report, &mut oracle, problem, existing, minimal);
            cursor += 1;
        }
    }
}

/// Put one disagreement (with its minimal case) into its group, explain it, and save it.
fn place_in_group(
    plan: &Plan<'_>,
    report: &mut Report,
    oracle: &mut Oracle,
    problem: &mut Problem,
    existing: Option<usize>,
    mut minimal: CaseLine,
) {
    let config = plan.config;
    let outcome = &mut problem.outcome;
    outcome.shrunk =
        minimal.policies != problem.case.policies || minimal.request != problem.case.request;
    minimal.id.clone_from(&problem.case.id);
    // A rejected document or request is explained by the reference's error.
    let explanation = oracle
        .explain(&minimal)
        .unwrap_or_else(|e| format!("error: {e}"));
    let index = match existing {
        Some(i) => {
            groups::join(&mut report.groups, i, &problem.case.id);
            i
        }
        None => {
            let minimal_reference = oracle.answer(&minimal);
            let labels = case_labels(
                &minimal,
                &minimal_reference,
                &problem.implementation_defined,
            );
            groups::add(
                &mut report.groups,
                labels,
                &outcome.expected,
                &problem.answer,
                &minimal,
                &explanation,
                &problem.case.id,
            )
        }
    };
    outcome.group = report.groups.get(index).map(|g| g.key.clone());
    outcome.explanation = Some(explanation);
    if let Some(dir) = &config.save_failures {
        match crate::report::save_case(dir, &minimal, &oracle.answer(&minimal)) {
            Ok(path) => outcome.saved = Some(path),
            Err(e) => {
                outcome.detail.push_str(&format!(
                    " (could not be saved in `{}`: {e})",
                    dir.display()
                ));
            }
        }
    }
    outcome.minimal = Some(minimal);
    outcome.status = match plan.known_failure(&outcome.id, outcome.group.as_deref()) {
        Some(k) => Status::ExpectedFailure(k.reason.clone()),
        None => Status::Failed,
    };
}
