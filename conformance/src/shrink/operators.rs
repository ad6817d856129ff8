//! After the shrink proper: drop condition-operator modifiers the disagreement does not need.
//!
//! Removing parts of the JSON cannot turn `ForAnyValue:NumericLessThanIfExists` into
//! `NumericLessThan`, so a minimal case can keep a set qualifier or an `IfExists` that has
//! nothing to do with the disagreement, and its failure group would be keyed by features that
//! are not its cause. Each variant here renames one operator without one of its modifiers; the
//! caller keeps it only while its predicate still holds (the same disagreement, the same cause).

use serde_json::{Map, Value};

use crate::protocol::CaseLine;

/// The set qualifiers an operator name may start with.
const QUALIFIERS: &[&str] = &["ForAnyValue:", "ForAllValues:"];

/// The operator name without one modifier: its set qualifier, or its `IfExists`.
fn without_modifiers(operator: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rest) = QUALIFIERS.iter().find_map(|q| operator.strip_prefix(q)) {
        out.push(rest.to_owned());
    }
    if let Some(rest) = operator.strip_suffix("IfExists") {
        if !rest.is_empty() && !rest.ends_with(':') {
            out.push(rest.to_owned());
        }
    }
    out
}

/// The statements of a policy document given as a JSON object.
fn statements_mut(document: &mut Value) -> Vec<&mut Map<String, Value>> {
    match document.get_mut("Statement") {
        Some(Value::Object(one)) => vec![one],
        Some(Value::Array(many)) => many.iter_mut().filter_map(Value::as_object_mut).collect(),
        _ => Vec::new(),
    }
}

/// Every operator name of the case's conditions that has a modifier, by position: (policy,
/// statement, operator name).
fn modified_operators(case: &CaseLine) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (p, policy) in case.policies.iter().enumerate() {
        let mut policy = policy.clone();
        for (s, statement) in statements_mut(&mut policy).into_iter().enumerate() {
            if let Some(Value::Object(condition)) = statement.get("Condition") {
                for name in condition.keys() {
                    if !without_modifiers(name).is_empty() {
                        out.push((p, s, name.clone()));
                    }
                }
            }
        }
    }
    out
}

/// The variants of `case` with one operator renamed without one of its modifiers (none where
/// the plain name is already in the same condition block). Documents given as text are left
/// alone.
pub fn variants(case: &CaseLine) -> Vec<CaseLine> {
    let mut out = Vec::new();
    for (p, s, name) in modified_operators(case) {
        for plain in without_modifiers(&name) {
            let mut variant = case.clone();
            let renamed = variant
                .policies
                .get_mut(p)
                .and_then(|policy| statements_mut(policy).into_iter().nth(s))
                .and_then(|statement| statement.get_mut("Condition"))
                .and_then(Value::as_object_mut)
                .is_some_and(|condition| {
                    if condition.contains_key(&plain) {
                        return false;
                    }
                    match condition.remove(&name) {
                        Some(body) => {
                            condition.insert(plain.clone(), body);
                            true
                        }
                        None => false,
                    }
                });
            if renamed {
                out.push(variant);
            }
        }
    }
    out
}

/// Keep dropping modifiers while `interesting` holds for the result, at most `budget` tries;
/// the simplest case found.
pub fn drop_modifiers<E>(
    case: CaseLine,
    budget: usize,
    interesting: &mut dyn FnMut(&CaseLine) -> Result<bool, E>,
) -> Result<CaseLine, E> {
    super::first_step_while(case, budget, variants, interesting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(condition: Value) -> CaseLine {
        CaseLine::from_value(&json!({"id": "c", "policies": [{"Statement": [
            {"Effect": "Allow", "Action": "iot:A", "Resource": "*", "Condition": condition}
        ]}], "request": {"action": "iot:A", "resource": "*"}}))
        .unwrap()
    }

    fn operators(case: &CaseLine) -> Vec<String> {
        let condition = &case.policies[0]["Statement"][0]["Condition"];
        let mut names: Vec<String> = condition.as_object().unwrap().keys().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn each_variant_drops_one_modifier() {
        let c = case(json!({"ForAnyValue:NumericLessThanIfExists": {"k": "1"},
                            "StringEquals": {"k": "a"}}));
        let names: Vec<Vec<String>> = variants(&c).iter().map(operators).collect();
        assert_eq!(
            names,
            [
                vec!["NumericLessThanIfExists", "StringEquals"],
                vec!["ForAnyValue:NumericLessThan", "StringEquals"]
            ]
        );
        // A plain name already in the block is not made twice.
        let taken = case(json!({"StringLikeIfExists": {"k": "a"}, "StringLike": {"k": "b"}}));
        assert!(variants(&taken).is_empty());
        assert!(without_modifiers("IfExists").is_empty());
        assert!(without_modifiers("ForAnyValue:IfExists").len() == 1);
    }

    #[test]
    fn modifiers_go_only_while_the_predicate_holds() {
        let c = case(json!({"ForAllValues:StringLikeIfExists": {"k": "a*"}}));
        // The disagreement needs the set qualifier, not IfExists.
        let mut keeps = |v: &CaseLine| -> Result<bool, ()> {
            Ok(operators(v).iter().all(|o| o.starts_with("ForAllValues:")))
        };
        let simplest = drop_modifiers(c.clone(), 10, &mut keeps).unwrap();
        assert_eq!(operators(&simplest), ["ForAllValues:StringLike"]);
        let mut anything = |_: &CaseLine| -> Result<bool, ()> { Ok(true) };
        assert_eq!(
            operators(&drop_modifiers(c.clone(), 10, &mut anything).unwrap()),
            ["StringLike"]
        );
        assert_eq!(
            operators(&drop_modifiers(c, 0, &mut anything).unwrap()),
            ["ForAllValues:StringLikeIfExists"]
        );
    }
}
