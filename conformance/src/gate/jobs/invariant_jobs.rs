//! The evaluator invariants, after the cases: this run's share of the base cases
//! ([`crate::invariants::shares`]: a shard checks every N-th base case) dealt out round-robin to
//! the candidates that still answer, checked side by side, and their findings joined in
//! base-case order, so that the report is the same with one job as with many.

use std::thread;
use std::time::Instant;

use crate::candidate::{Candidate, CandidateFailure};
use crate::gate::{Config, Report};
use crate::invariants::shares::share;
use crate::invariants::through::{run_at, InvariantRun};

/// The deadline of the invariants: the run's time budget, counted from its start.
fn deadline(config: &Config, started: Instant) -> Option<Instant> {
    config.time_budget.and_then(|b| started.checked_add(b))
}

/// A share's findings, its candidate's failure in words.
fn stated(
    (run, failure): (InvariantRun, Option<CandidateFailure>),
) -> (InvariantRun, Option<String>) {
    (run, failure.map(|f| f.to_string()))
}

/// Put the shares' findings into the report; the first failure of a candidate ends the run.
fn conclude(config: &Config, report: &mut Report, shares: Vec<(InvariantRun, Option<String>)>) {
    let mut failure = None;
    let runs: Vec<InvariantRun> = shares
        .into_iter()
        .map(|(run, stopped)| {
            if failure.is_none() {
                failure = stopped;
            }
            run
        })
        .collect();
    report.invariants = InvariantRun::merge(runs);
    report.invariants.mark_known(&config.known_failures);
    if let Some(failure) = failure {
        report.candidate_failure = Some(failure);
    }
}

/// The invariants with one candidate, on this thread.
pub(super) fn on_one(
    candidate: &mut dyn Candidate,
    config: &Config,
    started: Instant,
    report: &mut Report,
) {
    let found = run_at(
        candidate,
        config,
        deadline(config, started),
        share(config, (0, 1)),
    );
    conclude(config, report, vec![stated(found)]);
}

/// The invariants with several candidates, one thread each.
pub(super) fn on_many(
    candidates: Vec<&mut (dyn Candidate + Send + '_)>,
    config: &Config,
    started: Instant,
    report: &mut Report,
) {
    let jobs = candidates.len();
    let deadline = deadline(config, started);
    let shares = thread::scope(|scope| {
        let workers: Vec<_> = candidates
            .into_iter()
            .enumerate()
            .map(|(job, candidate)| {
                scope.spawn(move || {
                    stated(run_at(
                        candidate,
                        config,
                        deadline,
                        share(config, (job, jobs)),
                    ))
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    (
                        InvariantRun::default(),
                        Some("an invariant job stopped unexpectedly".to_owned()),
                    )
                })
            })
            .collect()
    });
    conclude(config, report, shares);
}
