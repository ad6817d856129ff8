//! Shrinking a disagreement to a minimal case: greedy removal over the case's JSON (whole
//! policies, statements, elements, condition operators and keys, values, context keys), kept
//! only while the candidate and the reference still disagree in the same way. It works on the
//! protocol's JSON, so it serves any evaluator in any language.

use serde_json::Value;

use crate::candidate::CandidateFailure;
use crate::protocol::CaseLine;

/// Shrink `case` while `still_fails` holds, trying at most `budget` smaller cases.
pub fn shrink(
    case: &CaseLine,
    budget: usize,
    still_fails: &mut dyn FnMut(&CaseLine) -> Result<bool, CandidateFailure>,
) -> Result<CaseLine, CandidateFailure> {
    let mut current = case.clone();
    let mut attempts = 0;
    'progress: loop {
        for smaller in reductions(&current) {
            if attempts >= budget {
                break 'progress;
            }
            attempts += 1;
            if still_fails(&smaller)? {
                current = smaller;
                continue 'progress;
            }
        }
        break;
    }
    Ok(current)
}

/// Every one-step reduction of a case, larger steps first.
pub fn reductions(case: &CaseLine) -> Vec<CaseLine> {
    let mut out = Vec::new();
    for i in 0..case.policies.len() {
        let mut smaller = case.clone();
        smaller.policies.remove(i);
        out.push(smaller);
    }
    for key in case.request.context.keys() {
        let mut smaller = case.clone();
        smaller.request.context.remove(key);
        out.push(smaller);
    }
    for (i, policy) in case.policies.iter().enumerate() {
        for reduced in value_reductions(policy) {
            let mut smaller = case.clone();
            if let Some(slot) = smaller.policies.get_mut(i) {
                *slot = reduced;
            }
            out.push(smaller);
        }
    }
    for (key, value) in &case.request.context {
        for reduced in value_reductions(value) {
            let mut smaller = case.clone();
            smaller.request.context.insert(key.clone(), reduced);
            out.push(smaller);
        }
    }
    out
}

/// Every one-step reduction of a JSON value: drop an array element or an object member, turn
/// a one-element array into its element, or reduce a child.
pub fn value_reductions(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match value {
        Value::Array(items) => {
            if items.len() > 1 {
                for i in 0..items.len() {
                    let mut smaller = items.clone();
                    smaller.remove(i);
                    out.push(Value::Array(smaller));
                }
            }
            if let [only] = items.as_slice() {
                if !only.is_array() {
                    out.push(only.clone());
                }
            }
            for (i, item) in items.iter().enumerate() {
                for reduced in value_reductions(item) {
                    let mut smaller = items.clone();
                    if let Some(slot) = smaller.get_mut(i) {
                        *slot = reduced;
                    }
                    out.push(Value::Array(smaller));
                }
            }
        }
        Value::Object(members) => {
            for key in members.keys() {
                let mut smaller = members.clone();
                smaller.shift_remove(key);
                out.push(Value::Object(smaller));
            }
            for (key, member) in members {
                for reduced in value_reductions(member) {
                    let mut smaller = members.clone();
                    smaller.insert(key.clone(), reduced);
                    out.push(Value::Object(smaller));
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shrinks_to_the_part_that_matters() {
        let case = CaseLine::from_value(&json!({
            "id": "g1",
            "policies": [
                {"Statement": [{"Effect": "Allow", "Action": ["iot:A", "iot:B"], "Resource": "*"},
                               {"Effect": "Deny", "Action": "iot:C", "Resource": "*"}]},
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
            ],
            "request": {"action": "iot:B", "resource": "*", "context": {"a": "1", "b": ["x", "y"]}}
        }))
        .unwrap();
        // The "bug": any policy text mentioning iot:B disagrees.
        let mut fails = |c: &CaseLine| {
            Ok(serde_json::to_string(&c.policies)
                .unwrap()
                .contains("iot:B"))
        };
        let minimal = shrink(&case, 10_000, &mut fails).unwrap();
        assert_eq!(
            minimal.policies,
            vec![json!({"Statement": {"Action": "iot:B"}})]
        );
        assert!(minimal.request.context.is_empty());
    }

    #[test]
    fn the_budget_bounds_the_attempts() {
        let case = CaseLine::from_value(&json!({
            "id": "g1", "policies": [{"a": [1, 2, 3]}],
            "request": {"action": "iot:B", "resource": "*"}
        }))
        .unwrap();
        let mut calls = 0;
        let mut fails = |_: &CaseLine| {
            calls += 1;
            Ok(false)
        };
        let _ = shrink(&case, 3, &mut fails).unwrap();
        assert_eq!(calls, 3);
    }
}
