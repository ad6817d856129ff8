//! The invariants' part of a gate report: for people and as JUnit test cases (the JSON report's
//! layout, this part included, is `crate::report::wire`).

use std::fmt::Write as _;

use iam_policy::text::indent;

use super::through::{InvariantRun, Violation};

fn pretty(case: &crate::protocol::CaseLine) -> String {
    format!("{:#}", case.report_json())
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
