//! The evaluator invariants run through a candidate (a process speaking the protocol, or a Rust
//! evaluator in process): every variant a relation builds is a protocol case line sent to the
//! candidate, and the relation is checked on the candidate's answers alone.
//!
//! Base cases are the generator's first `invariant_cases` cases, less those that hold an
//! implementation-defined feature ([`scope`](super::scope); with `--strict` none is left out:
//! the candidate is held to the reference's readings). A broken relation is reported under the
//! invariant's name with the base case, the variant, and the candidate's answers to both, after
//! shrinking the base case (kept within scope) while the relation still breaks.

use std::time::{Duration, Instant};

use super::{all, scope, Invariant};
use crate::candidate::{Candidate, CandidateFailure};
use crate::gate::Config;
use crate::generate::{generate_cases_at, GeneratedCase};
use crate::oracle::Oracle;
use crate::protocol::{CaseLine, Verdict};
use crate::shrink::{shrink_within, Limits};

/// Most violations of one invariant reported in full (shrunk); the rest are counted.
pub const REPORTED_PER_INVARIANT: usize = 2;
/// Most smaller base cases tried when shrinking one violation.
pub const SHRINK_ATTEMPTS: usize = 300;
/// Most time one violation's shrink takes, unless `--shrink-time` ([`Config::shrink_time`])
/// sets another: with a slow or buggy evaluator each attempt re-checks the invariant with all
/// its variants, so attempts alone do not bound the time.
pub const SHRINK_TIME: Duration = Duration::from_secs(10);

/// How one invariant went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The invariant's name.
    pub name: &'static str,
    /// Base cases it was checked on.
    pub base_cases: usize,
    /// Variant cases it sent (the base cases included).
    pub variants: usize,
    /// Base cases on which it broke.
    pub violations: usize,
}

/// One broken relation, shrunk.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The invariant's name.
    pub invariant: &'static str,
    /// Its claim.
    pub claim: &'static str,
    /// How it broke, in words (the variant and what was expected of it).
    pub message: String,
    /// The id of the base case it broke on first.
    pub base_id: String,
    /// That base case's index in the generated sequence (reports of shards and jobs are put
    /// back in this order).
    pub base_index: usize,
    /// The (shrunk) base case.
    pub base: CaseLine,
    /// Whether `base` is smaller than the base case it broke on first.
    pub shrunk: bool,
    /// The candidate's answer to `base`.
    pub base_answer: String,
    /// The variant whose answer broke the relation.
    pub variant: Option<CaseLine>,
    /// The candidate's answer to it.
    pub variant_answer: String,
    /// The reference's answer to the variant and its explanation.
    pub reference: Option<String>,
}

/// What the invariants found.
#[derive(Debug, Clone, Default)]
pub struct InvariantRun {
    /// Generated cases looked at as base cases.
    pub generated: usize,
    /// Of those, left out because they hold an implementation-defined feature.
    pub out_of_scope: usize,
    /// Case lines sent to the candidate.
    pub sent: usize,
    /// Each invariant that ran.
    pub tallies: Vec<Tally>,
    /// The violations reported in full.
    pub violations: Vec<Violation>,
    /// The time budget ran out before every base case was checked.
    pub cut_short: bool,
    /// Invariants a known-failures file lists (`invariant=NAME reason`), with the reason.
    pub known: Vec<(&'static str, String)>,
}

impl InvariantRun {
    /// Whether every relation held, or was violated while listed as a known failure; a listed
    /// invariant that held over some base case fails the run, so that the list only shrinks.
    pub fn passed(&self) -> bool {
        self.tallies
            .iter()
            .all(|t| match (t.violations, self.known_reason(t.name)) {
                (0, None) => true,
                (0, Some(_)) => t.base_cases == 0,
                (_, known) => known.is_some(),
            })
    }

    /// Why `name` is a known failure, when a known-failures line lists it.
    pub fn known_reason(&self, name: &str) -> Option<&str> {
        self.known
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, reason)| reason.as_str())
    }

    /// Record which invariants the known-failures lines list.
    pub fn mark_known(&mut self, known: &[crate::gate::KnownFailure]) {
        self.known = self
            .tallies
            .iter()
            .filter_map(|t| {
                known
                    .iter()
                    .find(|k| k.names_invariant(t.name))
                    .map(|k| (t.name, k.reason.clone()))
            })
            .collect();
    }

    /// Base cases checked (in scope).
    pub fn base_cases(&self) -> usize {
        self.generated - self.out_of_scope
    }
}

/// Sends cases to the candidate under fresh ids, remembers the base case's answer and the last
/// variant asked, and stops asking after the candidate fails.
struct Asker<'c> {
    candidate: &'c mut dyn Candidate,
    failure: Option<CandidateFailure>,
    next_id: &'c mut usize,
    prefix: String,
    base: CaseLine,
    base_answer: Option<Verdict>,
    last: Option<(CaseLine, Verdict)>,
    sent: usize,
}

impl Asker<'_> {
    fn ask(&mut self, case: &CaseLine) -> Verdict {
        let is_base = case.policies == self.base.policies && case.request == self.base.request;
        if is_base {
            if let Some(v) = &self.base_answer {
                self.last = Some((case.clone(), v.clone()));
                return v.clone();
            }
        }
        if self.failure.is_some() {
            return Verdict::Error("the candidate stopped answering".into());
        }
        *self.next_id += 1;
        let mut probe = case.clone();
        // `~n`, not `/n`: the protocol names the checks of a call case `<case id>/<n>`, and an
        // evaluator may treat ids of that form as one call's checks.
        probe.id = format!("{}~{}", self.prefix, self.next_id);
        self.sent += 1;
        let verdict = match self.candidate.answer(&probe) {
            Ok(answer) => answer.verdict,
            Err(failure) => {
                self.failure = Some(failure);
                return Verdict::Error("the candidate stopped answering".into());
            }
        };
        if is_base {
            self.base_answer = Some(verdict.clone());
        }
        self.last = Some((case.clone(), verdict.clone()));
        verdict
    }
}

/// What one check of one invariant on one base case gave.
struct Checked {
    result: Result<(), String>,
    base_answer: Option<Verdict>,
    last: Option<(CaseLine, Verdict)>,
    sent: usize,
}

fn check_once(
    invariant: &Invariant,
    base: &GeneratedCase,
    base_answer: Option<Verdict>,
    candidate: &mut dyn Candidate,
    next_id: &mut usize,
) -> Result<Checked, CandidateFailure> {
    let mut asker = Asker {
        candidate,
        failure: None,
        next_id,
        // `inv/<name>/...`: the labels of a case name the invariant it comes from.
        prefix: format!("inv/{}/{}", invariant.name, base.case.id),
        base: base.case.clone(),
        base_answer,
        last: None,
        sent: 0,
    };
    let result = invariant.check_with(base, &mut |c: &CaseLine| asker.ask(c));
    if let Some(failure) = asker.failure {
        return Err(failure);
    }
    Ok(Checked {
        result,
        base_answer: asker.base_answer,
        last: asker.last,
        sent: asker.sent,
    })
}

fn in_scope(config: &Config, case: &CaseLine) -> bool {
    config.strict || scope::is_id_free(case)
}

fn selected(config: &Config, invariant: &Invariant, base_id: &str) -> bool {
    config
        .filter
        .as_ref()
        .is_none_or(|f| base_id.contains(f.as_str()) || invariant.name.contains(f.as_str()))
}

/// Run every invariant over the configured base cases against `candidate`: what was found, and
/// the candidate's failure if it stopped answering (the run ends there).
pub fn run(
    candidate: &mut dyn Candidate,
    config: &Config,
    deadline: Option<Instant>,
) -> (InvariantRun, Option<CandidateFailure>) {
    run_at(candidate, config, deadline, 0..config.invariant_cases)
}

/// [`run`] over only the base cases at `indices` (increasing, below
/// [`Config::invariant_cases`]) of the generated sequence: one shard's or one job's share.
/// [`InvariantRun::merge`] puts the shares back together.
pub fn run_at(
    candidate: &mut dyn Candidate,
    config: &Config,
    deadline: Option<Instant>,
    indices: impl Iterator<Item = usize>,
) -> (InvariantRun, Option<CandidateFailure>) {
    let mut out = InvariantRun {
        tallies: all()
            .iter()
            .map(|i| Tally {
                name: i.name,
                base_cases: 0,
                variants: 0,
                violations: 0,
            })
            .collect(),
        ..InvariantRun::default()
    };
    if config.invariant_cases == 0 {
        out.tallies.clear();
        return (out, None);
    }
    let mut next_id = 0usize;
    let indices = indices.take_while(|i| *i < config.invariant_cases);
    for (base_index, base) in generate_cases_at(&config.generator, config.seed, indices) {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            out.cut_short = true;
            break;
        }
        let Some(base) = base else { continue };
        out.generated += 1;
        if !in_scope(config, &base.case) {
            out.out_of_scope += 1;
            continue;
        }
        let mut base_answer = None;
        for (invariant, tally) in all().iter().zip(out.tallies.iter_mut()) {
            if !selected(config, invariant, &base.case.id) {
                continue;
            }
            let checked = match check_once(
                invariant,
                &base,
                base_answer.clone(),
                candidate,
                &mut next_id,
            ) {
                Ok(c) => c,
                Err(failure) => return (out, Some(failure)),
            };
            out.sent += checked.sent;
            tally.base_cases += 1;
            tally.variants += checked.sent;
            base_answer = checked.base_answer.clone();
            let Err(message) = checked.result.clone() else {
                continue;
            };
            tally.violations += 1;
            if tally.violations > REPORTED_PER_INVARIANT {
                continue;
            }
            match violation(
                invariant,
                (&base, base_index),
                message,
                checked,
                candidate,
                config,
                &mut next_id,
            ) {
                Ok((v, sent)) => {
                    out.sent += sent;
                    out.violations.push(v);
                }
                Err(failure) => return (out, Some(failure)),
            }
        }
    }
    // Invariants the filter left out did not run.
    out.tallies
        .retain(|t| t.base_cases > 0 || config.filter.is_none());
    (out, None)
}

/// Shrink a violation's base case and describe it; also the number of cases sent.
fn violation(
    invariant: &Invariant,
    (base, base_index): (&GeneratedCase, usize),
    message: String,
    first: Checked,
    candidate: &mut dyn Candidate,
    config: &Config,
    next_id: &mut usize,
) -> Result<(Violation, usize), CandidateFailure> {
    let mut sent = 0usize;
    let mut still_fails = |smaller: &CaseLine| -> Result<bool, CandidateFailure> {
        if !in_scope(config, smaller) {
            return Ok(false);
        }
        let g = GeneratedCase {
            case: smaller.clone(),
            implementation_defined: Vec::new(),
        };
        let checked = check_once(invariant, &g, None, &mut *candidate, &mut *next_id)?;
        sent += checked.sent;
        Ok(checked.result.is_err())
    };
    let limits = Limits {
        attempts: SHRINK_ATTEMPTS,
        time: Some(config.shrink_time.unwrap_or(SHRINK_TIME)),
    };
    let minimal = shrink_within(&base.case, limits, &mut still_fails)?.case;
    let shrunk = minimal.policies != base.case.policies || minimal.request != base.case.request;
    let (message, checked) = if shrunk {
        let g = GeneratedCase {
            case: minimal.clone(),
            implementation_defined: Vec::new(),
        };
        let again = check_once(invariant, &g, None, candidate, next_id)?;
        sent += again.sent;
        match &again.result {
            Err(m) => (m.clone(), again),
            Ok(()) => (message, first),
        }
    } else {
        (message, first)
    };
    let base_case = if checked.result.is_err() && shrunk {
        minimal
    } else {
        base.case.clone()
    };
    let mut oracle = Oracle::new();
    let reference = checked.last.as_ref().map(|(variant, _)| {
        let word = oracle.answer(variant).verdict.word();
        match oracle.explain(variant) {
            Ok(text) => format!("`{word}`\n{text}"),
            Err(e) => format!("`{word}` ({e})"),
        }
    });
    let shrunk = base_case.policies != base.case.policies || base_case.request != base.case.request;
    Ok((
        Violation {
            invariant: invariant.name,
            claim: invariant.claim,
            message,
            base_id: base.case.id.clone(),
            base_index,
            base: base_case,
            shrunk,
            base_answer: checked
                .base_answer
                .as_ref()
                .map_or("(not needed by this invariant)", Verdict::word)
                .to_owned(),
            variant_answer: checked
                .last
                .as_ref()
                .map_or("(none)", |(_, v)| v.word())
                .to_owned(),
            variant: checked.last.map(|(c, _)| c),
            reference,
        },
        sent,
    ))
}

#[cfg(test)]
mod known_failure_tests {
    use super::*;
    use crate::gate::parse_known_failures;

    fn run_with(violations: usize, base_cases: usize, known: &str) -> InvariantRun {
        let mut run = InvariantRun {
            tallies: vec![Tally {
                name: "deny_overrides",
                base_cases,
                variants: base_cases * 2,
                violations,
            }],
            ..InvariantRun::default()
        };
        run.mark_known(&parse_known_failures(known).unwrap());
        run
    }

    #[test]
    fn a_listed_violation_passes_and_an_unlisted_one_fails() {
        assert!(!run_with(3, 10, "").passed());
        assert!(run_with(3, 10, "invariant=deny_overrides  known bug #12").passed());
        assert!(run_with(3, 10, "invariant=deny_*  known bug").passed());
        assert!(!run_with(3, 10, "invariant=prefix_*  another invariant").passed());
        assert_eq!(
            run_with(3, 10, "invariant=deny_overrides  known bug #12")
                .known_reason("deny_overrides"),
            Some("known bug #12")
        );
    }

    #[test]
    fn a_listed_invariant_that_held_fails_the_run_so_the_list_only_shrinks() {
        assert!(run_with(0, 10, "").passed());
        assert!(!run_with(0, 10, "invariant=deny_overrides  fixed since").passed());
        // No base case checked it (time budget): nothing to say either way.
        assert!(run_with(0, 0, "invariant=deny_overrides  fixed since").passed());
    }

    #[test]
    fn invariant_lines_and_case_lines_are_told_apart() {
        let known = parse_known_failures("invariant=*  everything").unwrap();
        assert!(known[0].names_invariant("deny_overrides"));
        let case_lines = parse_known_failures("eval/*  a case glob").unwrap();
        assert!(!case_lines[0].names_invariant("deny_overrides"));
    }
}
