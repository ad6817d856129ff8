//! The evaluator invariants of one run spread over evaluator processes (`--jobs`) and CI
//! machines (`--shard K/N`): which base cases a share checks, how the shares' findings are put
//! back together into what one run over every base case reports, and how a JSON report's
//! invariants are read back (`iamconf merge`).
//!
//! Base case `i` (the generator's `i`-th case, `i < invariant_cases`) belongs to shard `K/N`
//! when `i % N == K - 1`, as the gate's cases do; within a shard, the jobs take its base cases
//! round-robin. Each base case is checked by exactly one share, with every invariant, so the
//! tallies add up to the unsharded run's; the violations reported in full are the first
//! [`REPORTED_PER_INVARIANT`] per invariant in base-case order, as one run gives.

use serde_json::{Map, Value};

use super::all;
use super::through::{InvariantRun, Tally, Violation, REPORTED_PER_INVARIANT};
use crate::gate::Config;
use crate::protocol::CaseLine;

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

fn number(doc: &Map<String, Value>, name: &str) -> Result<usize, String> {
    doc.get(name)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("`invariants.{name}` must be a whole number"))
}

fn text(doc: &Map<String, Value>, name: &str) -> Result<String, String> {
    doc.get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("`invariants.{name}` must be a string"))
}

/// The invariant named `name`, as its static name and claim.
fn named(name: &str) -> Result<(&'static str, &'static str), String> {
    all()
        .iter()
        .find(|i| i.name == name)
        .map(|i| (i.name, i.claim))
        .ok_or_else(|| format!("`{name}` is not an invariant of this iamconf"))
}

/// A case as the report shows it (`{policies, request}`), under the id `id`.
fn case(value: &Value, id: &str) -> Result<CaseLine, String> {
    let mut case = value
        .as_object()
        .ok_or("a case must be a JSON object")?
        .clone();
    case.insert("id".into(), Value::String(id.to_owned()));
    CaseLine::from_value(&Value::Object(case)).map_err(|(_, e)| format!("not a case: {e}"))
}

fn violation(value: &Value) -> Result<Violation, String> {
    let doc = value
        .as_object()
        .ok_or("each invariant violation must be an object")?;
    let (invariant, claim) = named(&text(doc, "invariant")?)?;
    let base_id = text(doc, "base_id")?;
    let at = |e: String| format!("violation of `{invariant}` on `{base_id}`: {e}");
    let base = case(doc.get("base").unwrap_or(&Value::Null), &base_id).map_err(at)?;
    let variant = match doc.get("variant") {
        None | Some(Value::Null) => None,
        Some(v) => Some(case(v, &base_id).map_err(at)?),
    };
    Ok(Violation {
        invariant,
        claim,
        message: text(doc, "message").map_err(at)?,
        base_index: number(doc, "base_index").map_err(at)?,
        base,
        shrunk: doc.get("shrunk").and_then(Value::as_bool).unwrap_or(false),
        base_answer: text(doc, "base_answer").map_err(at)?,
        variant,
        variant_answer: text(doc, "variant_answer").map_err(at)?,
        reference: doc
            .get("reference")
            .and_then(Value::as_str)
            .map(str::to_owned),
        base_id,
    })
}

fn array<'v>(doc: &'v Map<String, Value>, name: &str) -> Result<&'v [Value], String> {
    match doc.get(name) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("`invariants.{name}` must be an array")),
    }
}

/// The invariants of a JSON report ([`super::summary::json`]); absent, none ran.
pub fn from_json(value: Option<&Value>) -> Result<InvariantRun, String> {
    let doc = match value {
        None | Some(Value::Null) => return Ok(InvariantRun::default()),
        Some(Value::Object(doc)) => doc,
        Some(_) => return Err("`invariants` must be an object".into()),
    };
    let tallies = array(doc, "tallies")?
        .iter()
        .map(|t| {
            let t = t
                .as_object()
                .ok_or("each invariant tally must be an object")?;
            Ok(Tally {
                name: named(&text(t, "name")?)?.0,
                base_cases: number(t, "base_cases")?,
                variants: number(t, "variants")?,
                violations: number(t, "violations")?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let known = array(doc, "known")?
        .iter()
        .map(|k| {
            let k = k
                .as_object()
                .ok_or("each known invariant must be an object")?;
            Ok((named(&text(k, "name")?)?.0, text(k, "reason")?))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(InvariantRun {
        generated: number(doc, "generated")?,
        out_of_scope: number(doc, "out_of_scope")?,
        sent: number(doc, "sent")?,
        cut_short: doc
            .get("cut_short")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        tallies,
        violations: array(doc, "violations")?
            .iter()
            .map(violation)
            .collect::<Result<_, _>>()?,
        known,
    })
}
