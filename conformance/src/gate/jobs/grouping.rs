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

/// A disagreement's own cause key and detailed key (of its unshrunk content).
fn own_keys(problem: &Problem) -> (String, String) {
    let candidate = groups::masked_error(&problem.answer);
    let reference = groups::masked_error(&problem.reference);
    let errors = groups::Errors {
        candidate: candidate.as_deref(),
        reference: reference.as_deref(),
    };
    let (labels, expected, got) = (
        &problem.outcome.labels,
        &problem.outcome.expected,
        &problem.outcome.got,
    );
    (
        groups::cause_key(labels, expected, got, errors),
        groups::detailed_key(labels, expected, got, errors),
    )
}

/// The group a disagreement with the cause key `key` and the detailed key `variant` fits among
/// `groups` unshrunk, if any: the group of that key which already holds the variant (from a
/// case shrunk to it, or formed by it). A case of a variant the group has not seen may owe its
/// disagreement to the features that make it another variant, so it is shrunk first; a group
/// is coarse (its variants are many), but each variant in it comes from a shrunk case.
fn fitting_group(groups: &[Group], (key, variant): &(String, String)) -> Option<usize> {
    groups
        .iter()
        .position(|g| g.key == *key && g.variants.iter().any(|(v, _)| v == variant))
}

/// Form the failure groups in run order, shrinking each disagreement whose own cause key is no
/// group's yet (at most [`SHRINK_LIMIT`] shrinks; past it, such a disagreement is grouped by
/// its own, unshrunk, content): `shrink_wave` shrinks up to one per worker side by side, each
/// within its share of `budget`.
pub(super) fn group_and_shrink(
    plan: &Plan<'_>,
    report: &mut Report,
    problems: &mut [Problem],
    budget: &ShrinkBudget,
    shrink_wave: &mut ShrinkWave<'_>,
) {
    let mut oracle = Oracle::new();
    let mut shrunk: Vec<Option<CaseLine>> = vec![None; problems.len()];
    // Each disagreement's own cause key and detailed key, which decide whether it joins a
    // group unshrunk.
    let keys: Vec<Option<(String, String)>> = problems
        .iter()
        .map(|p| p.disagrees.then(|| own_keys(p)))
        .collect();
    let fits = |groups: &[Group], i: usize| {
        keys.get(i)
            .and_then(Option::as_ref)
            .and_then(|k| fitting_group(groups, k))
    };
    let mut cursor = 0;
    // Shrinks started so far.
    let mut shrinks = 0;
    while cursor < problems.len() {
        // The next disagreements that fit no group yet (the groups can only grow, so the
        // first of them is certain to need its shrink; the others may join it).
        let wave: Vec<usize> = (cursor..problems.len())
            .filter(|&i| {
                problems
                    .get(i)
                    .is_some_and(|p| p.disagrees && fits(&report.groups, i).is_none())
            })
            .take(budget.workers.min(SHRINK_LIMIT.saturating_sub(shrinks)))
            .collect();
        // About how many shrinks remain: the disagreements ahead that fit no group yet (some
        // will join the groups this wave forms), looking a bounded way ahead.
        let needed = (cursor..problems.len())
            .take(LOOKAHEAD)
            .filter(|&i| {
                problems
                    .get(i)
                    .is_some_and(|p| p.disagrees && fits(&report.groups, i).is_none())
            })
            .take(SHRINK_LIMIT.saturating_sub(shrinks))
            .count();
        shrinks += wave.len();
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
            let existing = fits(&report.groups, cursor);
            let minimal = match (existing, shrunk.get_mut(cursor).and_then(Option::take)) {
                (None, Some(minimal)) => minimal,
                // Not shrunk (the candidate stopped answering): the case as it is.
                (None, None) if wave.contains(&cursor) => problem.case.clone(),
                // Its shrink comes in the next wave.
                (None, None) if shrinks < SHRINK_LIMIT => break,
                // Past the limit of shrinks, or of its group: the case as it is.
                _ => problem.case.clone(),
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
            // Joined unshrunk: its variant is its own detailed key.
            let variant = groups::variant_of(&outcome.labels, &problem.reference, &problem.answer);
            groups::join(&mut report.groups, i, &problem.case.id, &variant);
            outcome.variant = Some(variant);
            i
        }
        None => {
            let minimal_reference = oracle.answer(&minimal);
            let tags = groups::deciding_tags(
                oracle,
                &minimal,
                &problem.implementation_defined,
                &crate::gate::readings::declared(config),
            );
            let mut labels = case_labels(&minimal, &minimal_reference, &tags);
            labels.extend(groups::root::deciding_family(
                oracle,
                &minimal,
                problem.answer.verdict.word(),
            ));
            outcome.variant = Some(groups::variant_of(
                &labels,
                &minimal_reference,
                &problem.answer,
            ));
            groups::add(
                &mut report.groups,
                labels,
                &minimal_reference,
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
        match crate::saved::save_case(dir, &minimal, &oracle.answer(&minimal)) {
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
    outcome.status = match plan.known_failure(
        &outcome.id,
        outcome.group.as_deref(),
        outcome.variant.as_deref(),
    ) {
        Some(k) => Status::ExpectedFailure(k.reason.clone()),
        None => Status::Failed,
    };
}
