//! Self-checks of iamconf's own code, named apart from the evaluator invariants: they involve
//! no evaluator under test, so `iamconf check --evaluator` does not run them. `iamconf check`
//! without `--evaluator` runs them over generated cases; the tests run them as properties.
//!
//! - Parser properties: compiled globs against a naive matcher, render/parse round trip, no
//!   panic on bytes or mutations.
//! - The reference's full response: the statements it names have the decision's effect, and an
//!   evaluation error never comes with a decision.

use iam_eval::Decision;
use iam_policy::{Effect, Policy};

use super::{guarded, matching, parsing};
use crate::generate::GeneratedCase;
use crate::oracle::Oracle;

/// One named self-check.
#[derive(Debug, Clone, Copy)]
pub struct SelfCheck {
    /// A short name, snake_case.
    pub name: &'static str,
    /// The claim, in words.
    pub claim: &'static str,
    /// Check the claim on one case.
    pub check: fn(&GeneratedCase) -> Result<(), String>,
}

impl SelfCheck {
    /// Run the check on `case`, turning a panic into an `Err`.
    pub fn run(&self, case: &GeneratedCase) -> Result<(), String> {
        guarded(|| (self.check)(case))
    }
}

static ALL: [SelfCheck; 6] = [
    SelfCheck {
        name: "fast_glob_agrees_with_naive",
        claim: "the compiled globs match exactly what a naive matcher of §4/§5 matches, in both syntaxes",
        check: matching::fast_glob_agrees_with_naive,
    },
    SelfCheck {
        name: "render_parse_round_trip",
        claim: "every valid policy renders to text that parses back to the same policy",
        check: parsing::render_parse_round_trip,
    },
    SelfCheck {
        name: "parser_never_panics_on_bytes",
        claim: "checking any bytes (truncated, invalid UTF-8, BOM, NUL) returns diagnostics, never panics, and yields a policy exactly when there is no error",
        check: parsing::parser_never_panics_on_bytes,
    },
    SelfCheck {
        name: "parser_never_panics_on_mutations",
        claim: "checking a valid document with a byte deleted, inserted or replaced, a key duplicated or the nesting deepened never panics",
        check: parsing::parser_never_panics_on_mutations,
    },
    SelfCheck {
        name: "matched_statements_have_the_decision_effect",
        claim: "the statements the reference names as deciding have the decision's effect; implicitDeny names none",
        check: matched_statements_have_the_decision_effect,
    },
    SelfCheck {
        name: "evaluation_errors_never_decide",
        claim: "a reference response that holds an evaluation error has no decision and is not allowed",
        check: evaluation_errors_never_decide,
    },
];

/// Every self-check.
pub fn all() -> &'static [SelfCheck] {
    &ALL
}

/// The statements the reference's response names have the decision's effect, read from the
/// documents by the parser (not by the evaluator).
pub fn matched_statements_have_the_decision_effect(g: &GeneratedCase) -> Result<(), String> {
    let case = &g.case;
    let Ok(response) = Oracle::new().respond(case) else {
        return Ok(());
    };
    if response.matched.is_empty() {
        return Ok(());
    }
    let Ok(texts) = case.policy_texts() else {
        return Ok(());
    };
    let Ok(set) = texts
        .iter()
        .map(|t| Policy::parse(t))
        .collect::<Result<Vec<_>, _>>()
    else {
        return Err("a decision names statements of a rejected set".into());
    };
    let effect = match response.decision {
        Some(Decision::Allow) => Effect::Allow,
        Some(Decision::ExplicitDeny) => Effect::Deny,
        _ => {
            return Err(format!(
                "decision {:?} with {} matched statements",
                response.decision,
                response.matched.len()
            ))
        }
    };
    for m in &response.matched {
        let found = set
            .get(m.policy)
            .and_then(|p| p.statements.get(m.statement))
            .map(|s| s.effect);
        if found != Some(effect) {
            return Err(format!(
                "decision {:?} names statement {}/{} whose effect is {found:?}",
                response.decision, m.policy, m.statement
            ));
        }
    }
    Ok(())
}

/// Fail closed: a response with errors has no decision.
pub fn evaluation_errors_never_decide(g: &GeneratedCase) -> Result<(), String> {
    if let Ok(response) = Oracle::new().respond(&g.case) {
        if !response.errors.is_empty() && (response.decision.is_some() || response.is_allowed()) {
            return Err(format!(
                "evaluation errors {:?} but decision {:?}",
                response.errors, response.decision
            ));
        }
    }
    Ok(())
}
