//! The run loop. A run has three phases:
//!
//! 1. **Judge**: the cases of the run (or of its shard) are dealt round-robin to the jobs; each
//!    job asks its own candidate and its own reference, and hands back per case only what the
//!    report keeps (a count, or the outcome of a problem). The report takes the results in
//!    case order, job after job, so it is the same with one job as with many.
//! 2. **Group and shrink**: in case order, a disagreement joins the failure group whose key is
//!    its own cause key ([`crate::groups`]) or, within [`crate::gate::SHRINK_LIMIT`] shrinks,
//!    is shrunk and joins the group of its shrunk case's key (a new one if none has it). The shrinks run in parallel: the jobs shrink the next disagreements
//!    that fit no group yet side by side, each shrink capped by attempts and by time, and the
//!    groups are then formed in case order as one job would (a speculative shrink whose case
//!    joins a group formed just before it is dropped).
//! 3. **Report**: the reference explains each disagreement, `--save-failures` writes them, the
//!    known-failures list decides each status, and every candidate is asked to exit.
//!
//! With one candidate everything runs on the calling thread (the candidate need not be `Send`).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use iam_eval::Point;
use iam_policy::pattern::Glob;

use super::readings::{agreements, declared, Judge};
use super::{
    comparison_name, differs, keeps_the_disagreement, Config, KnownFailure, Origin, Outcome,
    Report, Status, MIN_SHRINK_TIME,
};
use crate::answer_set::{other_answers, AnswerSet};
use crate::candidate::{Candidate, CandidateFailure};
use crate::cases::{Corpus, DecisionCase};
use crate::generate::generate_cases_at;
use crate::inferred::ReadingsTally;
use crate::labels::case_labels;
use crate::oracle::Oracle;
use crate::protocol::{AnswerLine, CaseLine};
use crate::shrink::{shrink_within, Limits};

mod grouping;
mod invariant_jobs;

use grouping::group_and_shrink;

/// Most tries, after a shrink, at dropping an operator's set qualifier or `IfExists` the
/// disagreement does not need ([`crate::shrink::operators`]), and at writing out a policy
/// variable it does not need ([`crate::shrink::variables`]).
const MODIFIER_TRIES: usize = 8;

/// How many results a job may queue ahead of the report.
const QUEUE: usize = 256;

/// Of the time the judging took, the share the shrinks get together (when
/// [`Config::shrink_time`] is not set).
const SHRINK_SHARE: f64 = 0.8;

/// What a run covers, shared by its jobs.
struct Plan<'a> {
    config: &'a Config,
    /// Every gate case of the corpus: the run positions `0..golden.len()`.
    golden: Vec<DecisionCase>,
    /// Each known failure's glob, and whether it is over group keys (`group=`).
    known: Vec<(bool, Glob, &'a KnownFailure)>,
    started: Instant,
    /// This run's positions: `first, first + stride, ...` below `end`.
    first: usize,
    stride: usize,
    end: usize,
}

impl<'a> Plan<'a> {
    fn new(config: &'a Config, report: &mut Report) -> Self {
        let golden = if config.golden {
            let corpus = match &config.corpus {
                Some(c) => Ok(c.gate_cases()),
                None => Corpus::embedded().map(|c| c.gate_cases()),
            };
            corpus.unwrap_or_else(|e| {
                report.candidate_failure = Some(format!("the embedded corpus is broken: {e}"));
                Vec::new()
            })
        } else {
            Vec::new()
        };
        let (first, stride) = config.shard.map_or((0, 1), |s| (s.first(), s.count.max(1)));
        let end = golden.len().saturating_add(config.generated);
        Self {
            config,
            known: config
                .known_failures
                .iter()
                .filter_map(|k| {
                    let (over_groups, glob) = k.compiled()?;
                    Some((over_groups, glob, k))
                })
                .collect(),
            golden,
            started: Instant::now(),
            first,
            stride,
            end,
        }
    }

    /// How many positions this run covers.
    fn slots(&self) -> usize {
        self.end.saturating_sub(self.first).div_ceil(self.stride)
    }

    /// The positions job `job` of `jobs` takes: the run's slots `job, job + jobs, ...`.
    fn positions(&self, job: usize, jobs: usize) -> impl Iterator<Item = usize> + '_ {
        (0..)
            .map(move |slot: usize| {
                slot.saturating_mul(jobs)
                    .saturating_add(job)
                    .saturating_mul(self.stride)
                    .saturating_add(self.first)
            })
            .take_while(move |p| *p < self.end)
    }

    /// The known-failures line that lists the case `id`, its group, or its variant inside the
    /// group (its detailed key, which older lists name).
    fn known_failure(
        &self,
        id: &str,
        group: Option<&str>,
        variant: Option<&str>,
    ) -> Option<&'a KnownFailure> {
        self.known
            .iter()
            .find(|(over_groups, glob, _)| match (over_groups, group) {
                (true, Some(group)) => {
                    glob.is_match(group) || variant.is_some_and(|v| glob.is_match(v))
                }
                (true, None) => false,
                (false, _) => glob.is_match(id),
            })
            .map(|(_, _, k)| *k)
    }

    fn filtered_out(&self, id: &str) -> bool {
        self.config
            .filter
            .as_ref()
            .is_some_and(|f| !id.contains(f.as_str()))
    }
}

/// A problem case as a job hands it back: its outcome (its status still to be decided for a
/// disagreement), and what grouping and shrinking it need.
struct Problem {
    outcome: Outcome,
    /// Whether the candidate disagreed (otherwise: an unexpected pass).
    disagrees: bool,
    case: CaseLine,
    implementation_defined: Vec<String>,
    /// The points the case depends on (its answer set's).
    points: Vec<Point>,
    reference: AnswerLine,
    answer: AnswerLine,
}

/// What a case depending on some point adds to the run's readings tally
/// ([`ReadingsTally::record`]): its answer set and which permitted answers the candidate
/// agreed with.
struct ReadingsRecord {
    id: String,
    set: AnswerSet,
    agrees: Vec<bool>,
}

/// What a job hands back per position.
enum Judged {
    /// Not run: filtered out, not drawn, or (`implementation_defined`) an `ID-n` case.
    Skipped { implementation_defined: bool },
    /// The candidate agreed; the case's labels when the run counts them.
    Passed(Origin, Vec<String>, Option<Box<ReadingsRecord>>),
    /// Anything else the report keeps.
    Problem(Box<Problem>, Option<Box<ReadingsRecord>>),
    /// The candidate stopped answering here: the run ends.
    Stopped(CandidateFailure),
}

/// Judge one case: its permitted answers (the reference's under the readings the run allows,
/// [`crate::answer_set`]), the candidate's answer, and whether it is one of them.
fn judge(
    candidate: &mut dyn Candidate,
    (oracle, readings): (&mut Oracle, &mut Judge),
    plan: &Plan<'_>,
    case: &CaseLine,
    (origin, position): (Origin, usize),
    (golden_expect, implementation_defined, points): (Option<&str>, &[String], Vec<Point>),
) -> Judged {
    let config = plan.config;
    let set = readings.answers(oracle, case, &points);
    let reference = set.first().cloned().unwrap_or_else(|| oracle.answer(case));
    let answer = if candidate.is_the_reference() && readings.declared.is_empty() {
        reference.clone()
    } else if candidate.is_the_reference() {
        oracle.answer(case)
    } else {
        match candidate.answer(case) {
            Ok(answer) => answer,
            Err(failure) => return Judged::Stopped(failure),
        }
    };
    let agrees = agreements(&set, &answer, config);
    let mut difference = if agrees.contains(&true) {
        None
    } else {
        differs(&reference, &answer, config).map(|d| d + &other_answers(&set))
    };
    // A case with several permitted answers is judged by its set (the corpus's expectation is
    // the reference's answer, one of them).
    let golden_expect = golden_expect.filter(|_| points.is_empty());
    if let (Some(expect), None) = (golden_expect, &difference) {
        let allowed_agrees =
            config.compare_allowed && (expect == "allowed") == (answer.verdict.word() == "allowed");
        if expect != answer.verdict.word() && !allowed_agrees {
            difference = Some(format!(
                "the corpus expects `{expect}`, got `{}`",
                answer.verdict.word()
            ));
        }
    }
    let record = (!set.free.is_empty()).then(|| {
        Box::new(ReadingsRecord {
            id: case.id.clone(),
            set,
            agrees,
        })
    });
    let status = match (&difference, plan.known_failure(&case.id, None, None)) {
        (None, None) => {
            let labels = if config.count_labels {
                case_labels(case, &reference, implementation_defined)
            } else {
                Vec::new()
            };
            return Judged::Passed(origin, labels, record);
        }
        (None, Some(k)) => Status::UnexpectedPass(k.reason.clone()),
        // Decided once the disagreement has its group.
        (Some(_), _) => Status::Failed,
    };
    Judged::Problem(
        Box::new(Problem {
            outcome: Outcome {
                id: case.id.clone(),
                position,
                origin,
                status,
                expected: reference.verdict.word().to_owned(),
                got: answer.verdict.word().to_owned(),
                detail: difference.clone().unwrap_or_default(),
                minimal: None,
                explanation: None,
                saved: None,
                shrunk: false,
                labels: case_labels(case, &reference, implementation_defined),
                group: None,
                variant: None,
            },
            disagrees: difference.is_some(),
            case: case.clone(),
            implementation_defined: implementation_defined.to_vec(),
            points,
            reference,
            answer,
        }),
        record,
    )
}

/// Job `job` of `jobs`: judge its positions in order, handing each result to `emit` (which
/// says whether to go on). Ends at the end of its share, at the time budget, when `stop` is
/// set, or after the candidate stopped answering.
fn judge_share(
    plan: &Plan<'_>,
    (job, jobs): (usize, usize),
    candidate: &mut dyn Candidate,
    stop: &AtomicBool,
    emit: &mut dyn FnMut(Judged) -> bool,
) {
    let config = plan.config;
    let mut oracle = Oracle::new();
    let mut readings = Judge::new(config);
    let mut go_on = |judged: Judged| {
        let stopped = matches!(judged, Judged::Stopped(_));
        emit(judged) && !stopped && !stop.load(Ordering::Relaxed)
    };
    let golden_end = plan.golden.len();
    let mut positions = plan.positions(job, jobs).peekable();
    while let Some(position) = positions.next_if(|p| *p < golden_end) {
        let Some(golden) = plan.golden.get(position) else {
            return;
        };
        let points = readings.points(&golden.implementation_defined);
        let judged = match points {
            _ if plan.filtered_out(&golden.id) => Judged::Skipped {
                implementation_defined: false,
            },
            None => Judged::Skipped {
                implementation_defined: true,
            },
            Some(points) => judge(
                candidate,
                (&mut oracle, &mut readings),
                plan,
                &golden.case,
                (Origin::Golden, position),
                (Some(&golden.expect), &golden.implementation_defined, points),
            ),
        };
        if !go_on(judged) {
            return;
        }
    }
    let indices = positions.map(|p| p - golden_end);
    for (index, generated) in generate_cases_at(&config.generator, config.seed, indices) {
        if config
            .time_budget
            .is_some_and(|b| plan.started.elapsed() >= b)
        {
            return;
        }
        let judged = match generated {
            None => Judged::Skipped {
                implementation_defined: false,
            },
            Some(g) => match readings.points(&g.implementation_defined) {
                None => Judged::Skipped {
                    implementation_defined: true,
                },
                Some(_) if plan.filtered_out(&g.case.id) => Judged::Skipped {
                    implementation_defined: false,
                },
                Some(points) => judge(
                    candidate,
                    (&mut oracle, &mut readings),
                    plan,
                    &g.case,
                    (Origin::Generated, golden_end + index),
                    (None, &g.implementation_defined, points),
                ),
            },
        };
        if !go_on(judged) {
            return;
        }
    }
}

/// The report in the making: counts as results arrive, problems kept in order.
struct Collector<'p> {
    report: Report,
    problems: Vec<Problem>,
    done: usize,
    total: usize,
    progress: &'p mut dyn FnMut(usize, usize),
}

impl Collector<'_> {
    /// Add a case's answer set to the readings tally.
    fn record(&mut self, record: Option<Box<ReadingsRecord>>) {
        if let Some(r) = record {
            self.report.readings.record(&r.id, &r.set, &r.agrees);
        }
    }

    /// Take the next result in run order; `false` once the run must end.
    fn take(&mut self, judged: Judged) -> bool {
        match judged {
            Judged::Skipped {
                implementation_defined,
            } => {
                self.report.skipped_implementation_defined += usize::from(implementation_defined);
                return true;
            }
            Judged::Passed(origin, labels, record) => {
                self.record(record);
                self.report.counts.add(origin, &Status::Passed);
                for label in labels {
                    let count = self.report.label_counts.entry(label).or_default();
                    count.passed += 1;
                    count.total += 1;
                }
            }
            // Counted once its status is decided.
            Judged::Problem(problem, record) => {
                self.record(record);
                self.problems.push(*problem);
            }
            Judged::Stopped(failure) => {
                self.report.candidate_failure = Some(failure.to_string());
                return false;
            }
        }
        self.done += 1;
        (self.progress)(self.done, self.total);
        true
    }
}

/// Run one candidate on this thread.
/// The run's plan and an empty report collecting into it (one process or several alike).
fn start<'a, 'p>(
    config: &'a Config,
    progress: &'p mut dyn FnMut(usize, usize),
) -> (Plan<'a>, Collector<'p>) {
    let mut report = Report {
        shard: config.shard,
        comparison: comparison_name(config),
        readings: ReadingsTally::new(declared(config)),
        ..Report::default()
    };
    let plan = Plan::new(config, &mut report);
    let collector = Collector {
        report,
        problems: Vec::new(),
        done: 0,
        total: plan.slots(),
        progress,
    };
    (plan, collector)
}

pub(super) fn run_inline(
    candidate: &mut dyn Candidate,
    config: &Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let (plan, mut collector) = start(config, progress);
    if collector.report.candidate_failure.is_none() {
        let stop = AtomicBool::new(false);
        judge_share(&plan, (0, 1), candidate, &stop, &mut |judged| {
            collector.take(judged)
        });
    }
    let Collector {
        mut report,
        mut problems,
        ..
    } = collector;
    let mut alive = report.candidate_failure.is_none();
    let budget = ShrinkBudget::new(config, plan.started.elapsed(), 1);
    let mut shrink_wave =
        |wave: &[usize], problems: &[Problem], limits: Limits| -> Vec<ShrinkResult> {
            let queue = Mutex::new(wave.iter().copied().collect());
            let results = Mutex::new(Vec::new());
            if alive {
                alive = shrink_share(candidate, config, problems, limits, &queue, &results);
            }
            results.into_inner().unwrap_or_default()
        };
    group_and_shrink(&plan, &mut report, &mut problems, &budget, &mut shrink_wave);
    if report.candidate_failure.is_none() && alive {
        run_call_cases(candidate, &plan, config, &mut report);
    }
    if report.candidate_failure.is_none() && alive {
        invariant_jobs::on_one(candidate, config, plan.started, &mut report);
    }
    if report.candidate_failure.is_none() {
        if let Err(failure) = candidate.finish() {
            report.candidate_failure = Some(failure.to_string());
        }
    }
    report.stderr_tail = candidate.stderr_tail();
    finish(report, problems, &plan)
}

/// Run several candidates, one thread each.
pub(super) fn run_parallel(
    candidates: &mut [Box<dyn Candidate + Send + '_>],
    config: &Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let jobs = candidates.len();
    if jobs <= 1 {
        return match candidates.first_mut() {
            Some(candidate) => run_inline(candidate.as_mut(), config, progress),
            None => Report {
                candidate_failure: Some("no evaluator to run".to_owned()),
                ..Report::default()
            },
        };
    }
    let (plan, mut collector) = start(config, progress);
    let mut alive = vec![collector.report.candidate_failure.is_none(); jobs];
    if collector.report.candidate_failure.is_none() {
        let stop = AtomicBool::new(false);
        thread::scope(|scope| {
            let mut receivers = Vec::with_capacity(jobs);
            let mut workers = Vec::with_capacity(jobs);
            for (job, candidate) in candidates.iter_mut().enumerate() {
                let (sender, receiver) = mpsc::sync_channel(QUEUE);
                receivers.push(receiver);
                let (plan, stop) = (&plan, &stop);
                workers.push(scope.spawn(move || {
                    let mut answering = true;
                    judge_share(plan, (job, jobs), candidate.as_mut(), stop, &mut |judged| {
                        answering &= !matches!(judged, Judged::Stopped(_));
                        sender.send(judged).is_ok()
                    });
                    answering
                }));
            }
            // Results in run order: slot `s` is job `s % jobs`'s next one. A job that ends
            // (its share done, the time budget, a failure) ends the run at its next slot.
            for slot in 0.. {
                let Some(receiver) = receivers.get(slot % jobs) else {
                    break;
                };
                let Ok(judged) = receiver.recv() else {
                    break;
                };
                if !collector.take(judged) {
                    break;
                }
            }
            stop.store(true, Ordering::Relaxed);
            drop(receivers);
            for (slot, worker) in alive.iter_mut().zip(workers) {
                *slot = worker.join().unwrap_or(false);
            }
        });
    }
    let Collector {
        mut report,
        mut problems,
        ..
    } = collector;
    let working = alive.iter().filter(|a| **a).count();
    let budget = ShrinkBudget::new(config, plan.started.elapsed(), working);
    let mut shrink_wave =
        |wave: &[usize], problems: &[Problem], limits: Limits| -> Vec<ShrinkResult> {
            let queue = Mutex::new(wave.iter().copied().collect());
            let results = Mutex::new(Vec::new());
            thread::scope(|scope| {
                let (queue, results) = (&queue, &results);
                let workers: Vec<_> = candidates
                    .iter_mut()
                    .zip(alive.iter_mut())
                    .filter(|(_, a)| **a)
                    .map(|(candidate, a)| {
                        scope.spawn(move || {
                            *a = shrink_share(
                                candidate.as_mut(),
                                config,
                                problems,
                                limits,
                                queue,
                                results,
                            );
                        })
                    })
                    .collect();
                for worker in workers {
                    let _ = worker.join();
                }
            });
            results.into_inner().unwrap_or_default()
        };
    group_and_shrink(&plan, &mut report, &mut problems, &budget, &mut shrink_wave);
    let first_answering = candidates
        .iter_mut()
        .zip(&alive)
        .find(|(_, a)| **a)
        .map(|(c, _)| c);
    if let (None, Some(candidate)) = (&report.candidate_failure, first_answering) {
        run_call_cases(candidate.as_mut(), &plan, config, &mut report);
    }
    if report.candidate_failure.is_none() {
        let answering = candidates
            .iter_mut()
            .zip(&alive)
            .filter(|(_, a)| **a)
            .map(|(c, _)| c.as_mut())
            .collect();
        invariant_jobs::on_many(answering, config, plan.started, &mut report);
    }
    if report.candidate_failure.is_none() {
        for candidate in candidates.iter_mut() {
            if let Err(failure) = candidate.finish() {
                report.candidate_failure = Some(failure.to_string());
                break;
            }
        }
    }
    report.stderr_tail = stderr_tails(candidates);
    finish(report, problems, &plan)
}

/// The call cases ([`super::calls`]) of the run's shard, after the decision cases (their run
/// positions follow them), with one candidate.
fn run_call_cases(
    candidate: &mut dyn Candidate,
    plan: &Plan<'_>,
    config: &Config,
    report: &mut Report,
) {
    let mut oracle = Oracle::new();
    let ran = super::calls::run_calls(candidate, &mut oracle, config, plan.end, report);
    if let Err(failure) = ran {
        report.candidate_failure = Some(failure.to_string());
    }
}

/// The tails of the candidates' standard errors, each under its process's name.
fn stderr_tails(candidates: &[Box<dyn Candidate + Send + '_>]) -> String {
    let mut out = String::new();
    for (i, candidate) in candidates.iter().enumerate() {
        let tail = candidate.stderr_tail();
        if !tail.trim().is_empty() {
            out.push_str(&format!(
                "[evaluator process {} of {}]\n{tail}\n",
                i + 1,
                candidates.len()
            ));
        }
    }
    out
}

/// The time the shrinks of a run may take together (about [`SHRINK_SHARE`] of the judging
/// time, at least [`MIN_SHRINK_BUDGET`]), shared out wave by wave; or the configured time per
/// shrink.
struct ShrinkBudget {
    attempts: usize,
    per_shrink: Option<Duration>,
    deadline: Instant,
    workers: usize,
}

/// The least time the shrinks of a run get together (unless `--shrink-time` says otherwise).
const MIN_SHRINK_BUDGET: Duration = Duration::from_secs(1);

impl ShrinkBudget {
    fn new(config: &Config, judging: Duration, workers: usize) -> Self {
        let total = judging.mul_f64(SHRINK_SHARE).max(MIN_SHRINK_BUDGET);
        Self {
            attempts: config.shrink_budget,
            per_shrink: config.shrink_time,
            deadline: Instant::now() + total,
            workers: workers.max(1),
        }
    }

    /// The limits of each shrink of a wave when about `needed` shrinks remain: an equal share
    /// of the time left, spread over the workers.
    fn limits(&self, needed: usize) -> Limits {
        let time = self.per_shrink.unwrap_or_else(|| {
            let left = self.deadline.saturating_duration_since(Instant::now());
            left.mul_f64(self.workers as f64 / needed.max(1) as f64)
                .min(left)
                .max(MIN_SHRINK_TIME)
        });
        Limits {
            attempts: self.attempts,
            time: Some(time),
        }
    }
}

/// A shrink's result: the problem's index, the smallest case found, and the candidate's
/// failure if it stopped answering meanwhile.
type ShrinkResult = (usize, CaseLine, Option<CandidateFailure>);

/// Shrinks the problems at the given indices, side by side where it can.
type ShrinkWave<'a> = dyn FnMut(&[usize], &[Problem], Limits) -> Vec<ShrinkResult> + 'a;

/// Shrink problems from `queue` with one candidate until the queue is empty or the candidate
/// stops answering; whether it still answers.
fn shrink_share(
    candidate: &mut dyn Candidate,
    config: &Config,
    problems: &[Problem],
    limits: Limits,
    queue: &Mutex<VecDeque<usize>>,
    results: &Mutex<Vec<ShrinkResult>>,
) -> bool {
    let mut oracle = Oracle::new();
    let mut readings = Judge::new(config);
    loop {
        let next = queue.lock().ok().and_then(|mut q| q.pop_front());
        let Some((index, problem)) = next.and_then(|i| problems.get(i).map(|p| (i, p))) else {
            return true;
        };
        // Each attempt gets its own id: ids are unique within a run (the protocol), and an
        // evaluator may rely on that.
        let mut attempt = 0usize;
        // Whether a smaller case must also disagree under every other reading of every point
        // (see below), not only under the case's own points.
        let every_point = std::cell::Cell::new(false);
        let mut interesting = |smaller: &CaseLine| -> Result<bool, CandidateFailure> {
            attempt += 1;
            let mut probe = smaller.clone();
            probe.id = format!("{}~shrink-{attempt}", problem.case.id);
            // The probe's permitted answers: it still depends on the case's points at most.
            let set = readings.answers(&mut oracle, &probe, &problem.points);
            let reference = set
                .first()
                .cloned()
                .unwrap_or_else(|| oracle.answer(&probe));
            let answer = if candidate.is_the_reference() {
                oracle.answer(&probe)
            } else {
                candidate.answer(&probe)?
            };
            Ok(keeps_the_disagreement(
                (&problem.reference, &problem.answer),
                (&reference, &answer),
                config,
            ) && !agreements(&set, &answer, config).contains(&true)
                && (!every_point.get()
                    || !agreements(
                        &readings.answers(&mut oracle, &probe, Point::ALL),
                        &answer,
                        config,
                    )
                    .contains(&true)))
        };
        let shrink = |interesting: &mut dyn FnMut(&CaseLine) -> Result<bool, CandidateFailure>| {
            shrink_within(&problem.case, limits, interesting)
                .and_then(|s| {
                    crate::shrink::operators::drop_modifiers(s.case, MODIFIER_TRIES, interesting)
                })
                .and_then(|case| {
                    crate::shrink::variables::resolve_variables(case, MODIFIER_TRIES, interesting)
                })
        };
        let mut shrunk = shrink(&mut interesting);
        // A smaller case may come to depend on a point the case did not (a wildcard left alone
        // in an ARN's service segment, ...), and disagree only because the candidate reads
        // that point another permitted way: then shrink again, keeping only smaller cases that
        // no reading of any point explains (rare, so the dearer check runs only then).
        if let Ok(minimal) = &shrunk {
            every_point.set(true);
            match interesting(minimal) {
                Ok(true) => {}
                Ok(false) => shrunk = shrink(&mut interesting),
                Err(failure) => shrunk = Err(failure),
            }
        }
        let (minimal, failure) = match shrunk {
            Ok(minimal) => (minimal, None),
            // Keep the disagreement found so far; this candidate answers no more.
            Err(failure) => (problem.case.clone(), Some(failure)),
        };
        let stopped = failure.is_some();
        if let Ok(mut r) = results.lock() {
            r.push((index, minimal, failure));
        }
        if stopped {
            return false;
        }
    }
}

/// Count the problems by their decided status, and close the report.
fn finish(mut report: Report, problems: Vec<Problem>, plan: &Plan<'_>) -> Report {
    // The call cases, recorded as they ran (after the decision cases), come last.
    let calls = std::mem::take(&mut report.problems);
    report.problems = problems
        .into_iter()
        .map(|problem| {
            report
                .counts
                .add(problem.outcome.origin, &problem.outcome.status);
            if plan.config.count_labels {
                for label in &problem.outcome.labels {
                    report.label_counts.entry(label.clone()).or_default().total += 1;
                }
            }
            problem.outcome
        })
        .chain(calls)
        .collect();
    if report.candidate_failure.is_none() {
        report.stale_known_groups =
            crate::known::stale_group_lines(&plan.config.known_failures, &report);
    }
    report.elapsed = plan.started.elapsed();
    report
}
