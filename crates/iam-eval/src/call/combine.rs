//! Deciding a call from its checks: any error -> error; else any explicit deny ->
//! `ExplicitDeny`; else all allowed -> `Allow`; else `ImplicitDeny` (protocol 1.1).

use crate::evaluate::PolicySet;
use crate::explain::Explanation;
use crate::response::{Decision, Response};

use super::ExpandedCall;

/// Combine the decisions of a call's checks (`None` is an error). No check at all decides
/// nothing, so it is `ImplicitDeny` (an expanded call always has a check).
pub fn combine<I: IntoIterator<Item = Option<Decision>>>(decisions: I) -> Option<Decision> {
    let mut any = false;
    let mut all_allowed = true;
    let mut denied = false;
    for decision in decisions {
        any = true;
        match decision {
            None => return None,
            Some(Decision::ExplicitDeny) => denied = true,
            Some(Decision::ImplicitDeny) => all_allowed = false,
            Some(Decision::Allow) => {}
        }
    }
    Some(if denied {
        Decision::ExplicitDeny
    } else if any && all_allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    })
}

/// The reference's answer to a call: the combined decision and each check's response, in
/// the order of [`ExpandedCall::checks`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResponse {
    /// The combined decision; `None` when any check is an error.
    pub decision: Option<Decision>,
    /// Each check's response.
    pub checks: Vec<Response>,
}

impl CallResponse {
    /// Whether the call is allowed: every check allowed, none an error.
    pub fn is_allowed(&self) -> bool {
        self.decision == Some(Decision::Allow) && self.checks.iter().all(Response::is_allowed)
    }
}

impl PolicySet {
    /// Evaluate every check of a call and combine them.
    pub fn evaluate_call(&self, call: &ExpandedCall) -> CallResponse {
        let checks: Vec<Response> = call
            .checks
            .iter()
            .map(|c| self.evaluate(&c.request))
            .collect();
        CallResponse {
            decision: combine(checks.iter().map(Response::protocol_decision_value)),
            checks,
        }
    }

    /// Explain every check of a call, statement by statement.
    pub fn explain_call(&self, call: &ExpandedCall) -> (Option<Decision>, Vec<Explanation>) {
        let explanations: Vec<Explanation> = call
            .checks
            .iter()
            .map(|c| self.explain(&c.request))
            .collect();
        let decision = combine(
            explanations
                .iter()
                .map(|e| e.response.protocol_decision_value()),
        );
        (decision, explanations)
    }
}

impl Response {
    /// The decision, or `None` when the evaluation failed (errors win over a decision).
    fn protocol_decision_value(&self) -> Option<Decision> {
        if self.errors.is_empty() {
            self.decision
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};

    #[test]
    fn error_then_deny_then_all_allowed() {
        assert_eq!(combine([Some(Allow), None, Some(ExplicitDeny)]), None);
        assert_eq!(
            combine([Some(Allow), Some(ImplicitDeny), Some(ExplicitDeny)]),
            Some(ExplicitDeny)
        );
        assert_eq!(
            combine([Some(Allow), Some(ImplicitDeny)]),
            Some(ImplicitDeny)
        );
        assert_eq!(combine([Some(Allow), Some(Allow)]), Some(Allow));
        assert_eq!(combine([]), Some(ImplicitDeny));
    }
}
