//! The evaluator invariants of one run spread over evaluator processes (`--jobs`) and CI
//! machines (`--shard K/N`): which base cases a share checks, how the shares' findings are put
//! back together into what one run over every base case reports (`iamconf merge`).
//!
//! Base case `i` (the generator's `i`-th case, `i < invariant_cases`) belongs to shard `K/N`
//! when `i % N == K - 1`, as the gate's cases do; within a shard, the jobs take its base cases
//! round-robin. Each base case is checked by exactly one share, with every invariant, so the
//! tallies add up to the unsharded run's; the violations reported in full are the first
//! [`REPORTED_PER_INVARIANT`] per invariant in base-case order, as one run gives. (The JSON
//! layout they are read back from is `crate::report::wire`.)

use super::all;
use super::through::{InvariantRun, REPORTED_PER_INVARIANT};
use crate::gate::Config;

/// The base cases (indices into the generated sequence) that job `job` of `jobs` checks in
/// this run's shard, in increasing order.
pub fn share(config: &Config, (job, jobs): (usize, usize)) -> impl Iterator<Item = usize> + '_ {
    (0..config.invariant_cases)
        .filter(|i| config.shard.is_none_or(|s| s.contains(*i)))
        .skip(job)
        .step_by(jobs.max(1))
}

/// Where an invariant stands in [`all`] (unknown names last).
fn rank(name: &str) -> usize {
    all()
        .iter()
        .position(|i| i.name == name)
        .unwrap_or(usize::MAX)
}

impl InvariantRun {
    /// Join the findings of disjoint shares of one run into what one run over all their base
    /// cases reports: counts added, one tally per invariant in declared order, the violations
    /// in base-case order with at most [`REPORTED_PER_INVARIANT`] per invariant, the known
    /// failures of every share. (`sent` is the sum of the shares' case lines, which includes
    /// the shrinking of violations a share reported but the whole run would only count.)
    pub fn merge(parts: impl IntoIterator<Item = InvariantRun>) -> InvariantRun {
        let mut out = InvariantRun::default();
        let mut violations = Vec::new();
        for part in parts {
            out.generated += part.generated;
            out.out_of_scope += part.out_of_scope;
            out.sent += part.sent;
            out.cut_short |= part.cut_short;
            for tally in part.tallies {
                match out.tallies.iter_mut().find(|t| t.name == tally.name) {
                    Some(t) => {
                        t.base_cases += tally.base_cases;
                        t.variants += tally.variants;
                        t.violations += tally.violations;
                    }
                    None => out.tallies.push(tally),
                }
            }
            for known in part.known {
                if !out.known.iter().any(|(name, _)| *name == known.0) {
                    out.known.push(known);
                }
            }
            violations.extend(part.violations);
        }
        out.tallies.sort_by_key(|t| rank(t.name));
        out.known.sort_by_key(|(name, _)| rank(name));
        violations.sort_by_key(|v| (v.base_index, rank(v.invariant)));
        for v in violations {
            let reported = out
                .violations
                .iter()
                .filter(|kept| kept.invariant == v.invariant)
                .count();
            if reported < REPORTED_PER_INVARIANT {
                out.violations.push(v);
            }
        }
        out
    }
}

/// The known-failures lines of the violated invariants (`invariant=NAME  why`).
pub fn known_failure_lines(run: &InvariantRun) -> String {
    let mut out = String::new();
    for t in run.tallies.iter().filter(|t| t.violations > 0) {
        out.push_str(&format!(
            "{}{}  violated on {} of {} base cases\n",
            crate::gate::INVARIANT_PREFIX,
            t.name,
            t.violations,
            t.base_cases
        ));
    }
    out
}
