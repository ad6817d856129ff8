//! Canonical rendering of a policy back to JSON.
//!
//! The canonical form: keys in the order `Version`, `Id`, `Statement`; `Statement` always an
//! array; in a statement `Sid`, `Effect`, `Action`/`NotAction`, `Resource`/`NotResource`,
//! `Condition`; every list an array; every condition value a string; conditions grouped by
//! operator in the order the operators first appear. `Policy::parse(&render(p)) == Ok(p)`.

use serde_json::{Map, Value};

use crate::model::{Condition, Policy, Statement};

/// Render `policy` as canonical, pretty-printed JSON.
pub fn render(policy: &Policy) -> String {
    // The alternate form of `Value`'s `Display` is `to_string_pretty`, without its `Result`:
    // writing a `Value` to a `String` cannot fail, so no empty-string fallback is needed.
    format!("{:#}", to_json(policy))
}

/// The canonical JSON value of `policy`.
pub fn to_json(policy: &Policy) -> Value {
    let mut root = Map::new();
    if let Some(version) = policy.version {
        root.insert("Version".into(), Value::from(version.as_str()));
    }
    if let Some(id) = &policy.id {
        root.insert("Id".into(), Value::from(id.as_str()));
    }
    root.insert(
        "Statement".into(),
        Value::Array(policy.statements.iter().map(statement).collect()),
    );
    Value::Object(root)
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    Value::Array(items.map(Value::from).collect())
}

fn statement(s: &Statement) -> Value {
    let mut out = Map::new();
    if let Some(sid) = &s.sid {
        out.insert("Sid".into(), Value::from(sid.as_str()));
    }
    out.insert("Effect".into(), Value::from(s.effect.as_str()));
    let action_key = if s.actions.negated {
        "NotAction"
    } else {
        "Action"
    };
    out.insert(
        action_key.into(),
        strings(s.actions.patterns.iter().map(|p| p.text.as_str())),
    );
    let resource_key = if s.resources.negated {
        "NotResource"
    } else {
        "Resource"
    };
    out.insert(
        resource_key.into(),
        strings(s.resources.patterns.iter().map(|p| p.text.as_str())),
    );
    if !s.conditions.is_empty() {
        out.insert("Condition".into(), conditions(&s.conditions));
    }
    Value::Object(out)
}

fn conditions(conditions: &[Condition]) -> Value {
    let mut by_operator = Map::new();
    for c in conditions {
        let entry = by_operator
            .entry(c.operator.name())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = entry {
            keys.insert(c.key.clone(), strings(c.values.texts().into_iter()));
        }
    }
    Value::Object(by_operator)
}
