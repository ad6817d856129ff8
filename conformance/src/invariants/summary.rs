//! The invariants' part of a gate report: for people, as JSON, as JUnit test cases.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::through::{case_json, InvariantRun, Violation};

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn pretty(case: &crate::protocol::CaseLine) -> String {
    serde_json::to_string_pretty(&case_json(case)).unwrap_or_default()
}

/// One violation, for people.
pub fn describe(v: &Violation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "INVARIANT VIOLATED {} (on base case {})\n  claim: {}\n  {}",
        v.invariant, v.base_id, v.claim, v.message
    );
    let label = if v.shrunk {
        "base case (shrunk)"
    } else {
        "base case"
    };
    let _ = writeln!(out, "  {label}:\n{}", indent(&pretty(&v.base), 4));
    let _ = writeln!(
        out,
        "  the candidate answers the base case: `{}`",
        v.base_answer
    );
    if let Some(variant) = &v.variant {
        let _ = writeln!(out, "  variant:\n{}", indent(&pretty(variant), 4));
        let _ = writeln!(
            out,
            "  the candidate answers the variant: `{}`",
            v.variant_answer
        );
    }
    if let Some(reference) = &v.reference {
        let _ = writeln!(
            out,
            "  the reference answers the variant {}",
            indent(reference, 4).trim_start()
        );
    }
    out
}

/// The invariants' section of the human report: each violation, then one line per invariant.
pub fn human(run: &InvariantRun) -> String {
    let mut out = String::new();
    if run.tallies.is_empty() {
        return out;
    }
    for v in &run.violations {
        out.push_str(&describe(v));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "invariants: {} over {} base cases ({} of {} generated; {} left out as holding an implementation-defined feature), {} case lines sent{}",
        run.tallies.len(),
        run.base_cases(),
        run.base_cases(),
        run.generated,
        run.out_of_scope,
        run.sent,
        if run.cut_short { " (cut short by the time budget)" } else { "" }
    );
    for t in &run.tallies {
        let _ = writeln!(
            out,
            "  {:<42} {:>6} base cases {:>8} variants  {}",
            t.name,
            t.base_cases,
            t.variants,
            match (t.violations, run.known_reason(t.name)) {
                (0, None) => "held".to_owned(),
                (0, Some(reason)) if t.base_cases > 0 => {
                    format!("held, but listed as a known failure ({reason}): remove the line")
                }
                (0, Some(_)) => "held (no base case)".to_owned(),
                (n, Some(reason)) => {
                    format!("violated on {n} base case(s): known failure ({reason})")
                }
                (n, None) => format!("VIOLATED on {n} base case(s)"),
            }
        );
    }
    out
}

/// The invariants as JSON.
pub fn json(run: &InvariantRun) -> Value {
    json!({
        "generated": run.generated,
        "base_cases": run.base_cases(),
        "out_of_scope": run.out_of_scope,
        "sent": run.sent,
        "cut_short": run.cut_short,
        "tallies": run.tallies.iter().map(|t| json!({
            "name": t.name, "base_cases": t.base_cases, "variants": t.variants,
            "violations": t.violations,
        })).collect::<Vec<_>>(),
        "known": run.known.iter().map(|(name, reason)| json!({
            "name": name, "reason": reason,
        })).collect::<Vec<_>>(),
        "violations": run.violations.iter().map(|v| json!({
            "invariant": v.invariant,
            "claim": v.claim,
            "message": v.message,
            "base_id": v.base_id,
            "base_index": v.base_index,
            "base": case_json(&v.base),
            "shrunk": v.shrunk,
            "base_answer": v.base_answer,
            "variant": v.variant.as_ref().map(case_json),
            "variant_answer": v.variant_answer,
            "reference": v.reference,
        })).collect::<Vec<_>>(),
    })
}

/// JUnit `<testcase>` elements, one per invariant (`classname="invariant"`), with the count of
/// tests and of failures they add.
pub fn junit_cases(run: &InvariantRun, escape: &dyn Fn(&str) -> String) -> (String, usize, usize) {
    let mut out = String::new();
    let mut failures = 0;
    for t in &run.tallies {
        let _ = write!(
            out,
            "<testcase classname=\"invariant\" name=\"{}\">",
            escape(t.name)
        );
        let group = format!("invariant:{}", t.name);
        let properties = format!(
            "<properties><property name=\"labels\" value=\"{g}\"/><property name=\"group\" value=\"{g}\"/></properties>",
            g = escape(&group)
        );
        match (t.violations, run.known_reason(t.name)) {
            (0, None) => {}
            (0, Some(reason)) if t.base_cases > 0 => {
                failures += 1;
                let _ = write!(
                    out,
                    "{properties}<failure message=\"{}\"/>",
                    escape(&format!(
                        "invariant {} held but is listed as a known failure ({reason}): remove the line",
                        t.name
                    ))
                );
            }
            (0, Some(_)) => {}
            (_, Some(reason)) => {
                let _ = write!(
                    out,
                    "<skipped message=\"{}\"/>",
                    escape(&format!("known failure: {reason}"))
                );
            }
            (n, None) => {
                failures += 1;
                let body: String = run
                    .violations
                    .iter()
                    .filter(|v| v.invariant == t.name)
                    .map(describe)
                    .collect();
                let _ = write!(
                    out,
                    "{properties}<failure message=\"{}\">{}</failure>",
                    escape(&format!(
                        "invariant {} violated on {n} base case(s)",
                        t.name
                    )),
                    escape(&body)
                );
            }
        }
        out.push_str("</testcase>\n");
    }
    (out, run.tallies.len(), failures)
}
