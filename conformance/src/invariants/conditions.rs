//! Invariants about conditions (§6) and policy variables (§9).

use serde_json::Value;

use iam_policy::condition::{Family, OperatorKind, SetQualifier};
use iam_policy::{value, Operator};

use super::{
    allow_all_when, context_entry, expect_one_of, expect_same, found_conditions, or_refused,
    statements, with_context_key, with_policies, Eval, FoundCondition,
};
use crate::generate::GeneratedCase;
use crate::protocol::{CaseLine, Verdict};

/// An operator name from its parts.
pub fn operator_name(
    qualifier: Option<SetQualifier>,
    kind: OperatorKind,
    if_exists: bool,
) -> String {
    let mut name = String::new();
    if let Some(q) = qualifier {
        name.push_str(q.as_str());
        name.push(':');
    }
    name.push_str(kind.as_str());
    if if_exists {
        name.push_str("IfExists");
    }
    name
}

/// The operator that negates `kind`, if there is one.
pub fn negation(kind: OperatorKind) -> Option<OperatorKind> {
    if kind.is_negated() {
        return Some(kind.positive());
    }
    OperatorKind::ALL
        .iter()
        .copied()
        .find(|k| k.is_negated() && k.positive() == kind)
}

/// The case with one policy: Allow everything when `operator` holds on `c`'s key and values.
fn single(case: &CaseLine, c: &FoundCondition, operator: &str) -> CaseLine {
    with_policies(
        case,
        vec![allow_all_when(
            c.version.as_ref(),
            operator,
            &c.key,
            &c.values,
        )],
    )
}

fn parsed(c: &FoundCondition) -> Option<Operator> {
    Operator::parse(&c.operator).ok()
}

/// With the key present, a negated operator holds exactly when its positive form does not.
pub fn negated_is_not_positive_when_present(
    g: &GeneratedCase,
    eval: &mut Eval<'_>,
) -> Result<(), String> {
    let case = &g.case;
    for c in found_conditions(case, 3) {
        let Some(op) = parsed(&c) else { continue };
        let Some(other) = negation(op.kind) else {
            continue;
        };
        let Some((_, value)) = context_entry(case, &c.key) else {
            continue;
        };
        let count = match value {
            Value::Array(items) => items.len(),
            _ => 1,
        };
        let (a, b) = match op.qualifier {
            None if count == 1 => (
                operator_name(None, op.kind, op.if_exists),
                operator_name(None, other, op.if_exists),
            ),
            Some(_) if count >= 1 => (
                operator_name(Some(SetQualifier::ForAnyValue), op.kind, op.if_exists),
                operator_name(Some(SetQualifier::ForAllValues), other, op.if_exists),
            ),
            _ => continue,
        };
        let first = eval(&single(case, &c, &a));
        let second = eval(&single(case, &c, &b));
        let consistent = match (&first, &second) {
            (Verdict::Error(_), Verdict::Error(_)) => true,
            _ => {
                let mut words = [first.word(), second.word()];
                words.sort_unstable();
                words == ["allowed", "implicitDeny"]
            }
        };
        if !consistent {
            return Err(format!(
                "`{a}` gives `{}` and `{b}` gives `{}` on `{}` = {value}: exactly one should hold",
                first.word(),
                second.word(),
                c.key
            ));
        }
    }
    Ok(())
}

/// What a condition is on an absent key (§6).
pub fn holds_when_absent(op: Operator, values: &Value) -> bool {
    if op.kind == OperatorKind::Null {
        // A value is read as its text, JSON booleans included (`"Null": {"k": true}`), as the
        // parser reads it.
        let is_true = |v: &Value| match v {
            Value::String(s) => value::parse_bool(s) == Ok(true),
            Value::Bool(b) => *b,
            _ => false,
        };
        return match values {
            Value::Array(items) => items.iter().any(is_true),
            one => is_true(one),
        };
    }
    if op.if_exists {
        return true;
    }
    match op.qualifier {
        Some(SetQualifier::ForAllValues) => true,
        Some(SetQualifier::ForAnyValue) => false,
        None => op.kind.is_negated(),
    }
}

fn decision_word(holds: bool) -> &'static str {
    if holds {
        "allowed"
    } else {
        "implicitDeny"
    }
}

/// The §6 table for absent keys.
pub fn missing_key_table(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    for c in found_conditions(&g.case, 3) {
        let Some(op) = parsed(&c) else { continue };
        let absent = with_context_key(&g.case, &c.key, None);
        if absent.request.to_request().is_err() {
            continue;
        }
        let want = decision_word(holds_when_absent(op, &c.values));
        expect_one_of(
            &format!("`{}` on `{}` absent", c.operator, c.key),
            &eval(&single(&absent, &c, &c.operator)),
            &or_refused(&absent, &[want]),
        )?;
    }
    Ok(())
}

/// `XIfExists` is `X` on a present key and true on an absent one.
pub fn if_exists_equivalences(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    for c in found_conditions(case, 3) {
        let Some(op) = parsed(&c) else { continue };
        if op.kind == OperatorKind::Null {
            continue;
        }
        let plain = operator_name(op.qualifier, op.kind, false);
        let with = operator_name(op.qualifier, op.kind, true);
        if context_entry(case, &c.key).is_some() {
            expect_same(
                &format!("`{with}` against `{plain}` with `{}` present", c.key),
                &eval(&single(case, &c, &plain)),
                &eval(&single(case, &c, &with)),
            )?;
        }
        let absent = with_context_key(case, &c.key, None);
        if absent.request.to_request().is_ok() {
            expect_one_of(
                &format!("`{with}` with `{}` absent", c.key),
                &eval(&single(&absent, &c, &with)),
                &or_refused(&absent, &["allowed"]),
            )?;
        }
    }
    Ok(())
}

/// Qualifiers on absent and empty keys.
pub fn qualifiers_on_absent_and_empty(
    g: &GeneratedCase,
    eval: &mut Eval<'_>,
) -> Result<(), String> {
    let case = &g.case;
    for c in found_conditions(case, 2) {
        let Some(op) = parsed(&c) else { continue };
        if op.kind == OperatorKind::Null {
            continue;
        }
        let absent = with_context_key(case, &c.key, None);
        let empty = with_context_key(case, &c.key, Some(Value::Array(Vec::new())));
        if absent.request.to_request().is_err() {
            continue;
        }
        for q in [SetQualifier::ForAllValues, SetQualifier::ForAnyValue] {
            for if_exists in [false, true] {
                let name = operator_name(Some(q), op.kind, if_exists);
                let all = q == SetQualifier::ForAllValues;
                expect_one_of(
                    &format!("`{name}` on `{}` absent", c.key),
                    &eval(&single(&absent, &c, &name)),
                    &or_refused(&absent, &[decision_word(all || if_exists)]),
                )?;
                expect_one_of(
                    &format!("`{name}` on `{}` = []", c.key),
                    &eval(&single(&empty, &c, &name)),
                    &or_refused(&empty, &[decision_word(all)]),
                )?;
            }
        }
    }
    Ok(())
}

/// Escape every `${` of `text` as `${$}{` (literal under 2012-10-17).
pub fn escape_variables(text: &str) -> String {
    text.replace("${", "${$}{")
}

/// Escape `${` where it is live under 2012-10-17: the resource part of `Resource` and
/// `NotResource`, and the values of String and ARN operators.
fn escape_live(statement: &Value) -> Value {
    let mut s = statement.clone();
    let Value::Object(m) = &mut s else { return s };
    for key in ["Resource", "NotResource"] {
        let escape = |r: &str| -> Value {
            match iam_policy::arn::head_and_resource(r) {
                Some((head, tail)) => Value::from(format!("{head}{}", escape_variables(tail))),
                None => Value::from(r),
            }
        };
        if let Some(v) = m.get_mut(key) {
            *v = match &*v {
                Value::String(r) => escape(r),
                Value::Array(items) => Value::Array(
                    items
                        .iter()
                        .map(|i| match i {
                            Value::String(r) => escape(r),
                            // Not a resource: the document stays rejected.
                            other => other.clone(),
                        })
                        .collect(),
                ),
                other => other.clone(),
            };
        }
    }
    if let Some(Value::Object(block)) = m.get_mut("Condition") {
        for (operator, body) in block.iter_mut() {
            let live = Operator::parse(operator)
                .is_ok_and(|o| matches!(o.kind.family(), Family::String | Family::Arn));
            let Value::Object(keys) = body else { continue };
            if !live {
                continue;
            }
            for values in keys.values_mut() {
                *values = match &*values {
                    Value::String(t) => Value::from(escape_variables(t)),
                    Value::Array(items) => Value::Array(
                        items
                            .iter()
                            .map(|i| match i {
                                Value::String(t) => Value::from(escape_variables(t)),
                                other => other.clone(),
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                };
            }
        }
    }
    s
}

/// `${...}` is literal unless the version is 2012-10-17.
pub fn variables_literal_unless_2012(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    for (i, p) in case.policies.iter().enumerate() {
        let Some(root) = super::rebuildable(p) else {
            continue;
        };
        if !p.to_string().contains("${") {
            continue;
        }
        let list = statements(root);
        let variant = |version: Option<&str>, escaped: bool| -> CaseLine {
            let list: Vec<Value> = if escaped {
                list.iter().map(escape_live).collect()
            } else {
                list.clone()
            };
            let version = version.map(Value::from);
            let mut policies = case.policies.clone();
            if let Some(slot) = policies.get_mut(i) {
                *slot = super::policy_of(version.as_ref(), list);
            }
            with_policies(case, policies)
        };
        let old = eval(&variant(Some("2008-10-17"), false));
        let none = eval(&variant(None, false));
        let escaped = eval(&variant(Some("2012-10-17"), true));
        expect_same("policy without Version against 2008-10-17", &old, &none)?;
        expect_same(
            "2012-10-17 with `${` escaped as `${$}{` against 2008-10-17",
            &old,
            &escaped,
        )?;
    }
    decisive_variable(case, eval)
}

/// A probe where the variable decides: an Allow of the request's own resource with its last
/// name written `${aws:username}`, and `aws:username` that name. Written under 2008-10-17, with
/// no Version, and escaped under 2012-10-17, it must decide alike (literal text, matching
/// nothing); unescaped under 2012-10-17 it is live, which shows the probe can tell.
fn decisive_variable(case: &CaseLine, eval: &mut Eval<'_>) -> Result<(), String> {
    let resource = &case.request.resource;
    let Some((head, name)) = resource.rsplit_once('/') else {
        return Ok(());
    };
    if name.is_empty()
        || name.contains(['*', '?', '$', '{', '}'])
        || iam_policy::arn::split(resource, false).is_none_or(|[.., part]| part.contains(':'))
    {
        return Ok(());
    }
    let probe = |version: Option<&str>, pattern: String| -> CaseLine {
        let mut out = with_context_key(case, "aws:username", Some(Value::from(name)));
        let mut policy = serde_json::Map::new();
        if let Some(v) = version {
            policy.insert("Version".into(), Value::from(v));
        }
        policy.insert(
            "Statement".into(),
            serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": pattern}),
        );
        out.policies = vec![Value::Object(policy)];
        out
    };
    let variable = format!("{head}/${{aws:username}}");
    let old = eval(&probe(Some("2008-10-17"), variable.clone()));
    let none = eval(&probe(None, variable.clone()));
    let escaped = eval(&probe(Some("2012-10-17"), escape_variables(&variable)));
    expect_same(
        &format!("Allow of `{variable}` without Version against 2008-10-17"),
        &old,
        &none,
    )?;
    expect_same(
        &format!("Allow of `{variable}` under 2012-10-17 escaped against 2008-10-17"),
        &old,
        &escaped,
    )
}
