//! Invariants about how statements combine into a decision (§3, §4).

use serde_json::{json, Map, Value};

use iam_policy::Policy;

use super::{
    accepted, expect_one_of, expect_same, or_refused, plus_policy, policy_of, rebuildable,
    statements, with_policies, Eval,
};
use crate::generate::GeneratedCase;
use crate::protocol::{CaseLine, Verdict};

fn is_error(v: &Verdict) -> bool {
    matches!(v, Verdict::Error(_))
}

/// Adding a Deny for the request's own action and resource yields `explicitDeny`.
pub fn explicit_deny_overrides(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let deny = json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny",
        "Action": case.request.action, "Resource": case.request.resource}});
    if Policy::parse(&deny.to_string()).is_err() {
        return Ok(());
    }
    let before = eval(case);
    let after = eval(&plus_policy(case, deny.clone()));
    let want: &[&str] = if is_error(&before) {
        &["error"]
    } else {
        &["explicitDeny"]
    };
    expect_one_of("with a matching Deny added", &after, want)?;
    // The same Deny placed first, as a statement of the first object policy.
    let mut policies = case.policies.clone();
    let first_rebuildable = policies.first().is_some_and(|p| rebuildable(p).is_some());
    if let Some(Value::Object(first)) = policies.first_mut().filter(|_| first_rebuildable) {
        let mut list = statements(first);
        if let Some(s) = deny.get("Statement") {
            list.insert(0, s.clone());
        }
        first.insert("Statement".into(), Value::Array(list));
        let after = eval(&with_policies(case, policies));
        expect_one_of("with a matching Deny put first", &after, want)?;
    }
    Ok(())
}

/// No policies, or no statement whose action matches: `implicitDeny`.
pub fn default_deny(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let empty = eval(&with_policies(case, Vec::new()));
    let want = if case.request.to_request().is_err() {
        vec!["error"]
    } else {
        or_refused(case, &["implicitDeny"])
    };
    expect_one_of("with no policies", &empty, &want)?;
    // Every statement of the set with its action element made unmatchable: implicitDeny.
    let mut policies = case.policies.clone();
    let mut changed = false;
    for p in &mut policies {
        if rebuildable(p).is_none() {
            continue;
        }
        let Value::Object(root) = p else { continue };
        let list: Vec<Value> = statements(root)
            .into_iter()
            .map(|mut s| {
                if let Value::Object(m) = &mut s {
                    m.shift_remove("NotAction");
                    m.insert("Action".into(), Value::from("iot:NoSuchAction"));
                }
                s
            })
            .collect();
        root.insert("Statement".into(), Value::Array(list));
        changed = true;
    }
    if changed
        && case.policies.iter().all(Value::is_object)
        && !case
            .request
            .action
            .rsplit_once(':')
            .is_some_and(|(_, name)| iam_policy::text::eq_folded(name, "nosuchaction"))
    {
        let want = if policies.iter().all(accepted) {
            want
        } else {
            vec!["error"]
        };
        let after = eval(&with_policies(case, policies));
        expect_one_of("with no statement matching the action", &after, &want)?;
    }
    Ok(())
}

/// Reverse every array and object inside `value`.
fn deep_reverse(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().rev().map(deep_reverse).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .rev()
                .map(|(k, v)| (k.clone(), deep_reverse(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Reordering, duplicating and splitting never change the decision.
pub fn order_and_duplicates_do_not_matter(
    g: &GeneratedCase,
    eval: &mut Eval<'_>,
) -> Result<(), String> {
    let case = &g.case;
    let before = eval(case);
    let mut reversed = case.policies.clone();
    reversed.reverse();
    expect_same(
        "with the policies reversed",
        &before,
        &eval(&with_policies(case, reversed)),
    )?;
    let deep: Vec<Value> = case
        .policies
        .iter()
        .map(|p| {
            if p.is_object() {
                deep_reverse(p)
            } else {
                p.clone()
            }
        })
        .collect();
    expect_same(
        "with every array and object of the policies reversed",
        &before,
        &eval(&with_policies(case, deep)),
    )?;
    let mut duplicated = Vec::new();
    let mut split = Vec::new();
    for p in &case.policies {
        let Some(root) = rebuildable(p) else {
            duplicated.push(p.clone());
            split.push(p.clone());
            continue;
        };
        let list = statements(root);
        let mut doubled = list.clone();
        for s in &list {
            let mut copy = s.clone();
            if let Value::Object(m) = &mut copy {
                m.shift_remove("Sid");
            }
            doubled.push(copy);
        }
        duplicated.push(policy_of(root.get("Version"), doubled));
        for s in list {
            split.push(policy_of(root.get("Version"), vec![s]));
        }
    }
    expect_same(
        "with every statement duplicated",
        &before,
        &eval(&with_policies(case, duplicated)),
    )?;
    expect_same(
        "with one statement per policy",
        &before,
        &eval(&with_policies(case, split)),
    )?;
    let mut rekeyed = case.clone();
    rekeyed.request.context = case
        .request
        .context
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    expect_same("with the context keys reversed", &before, &eval(&rekeyed))
}

/// Copies of the first statements of the object policies, with `effect`, appended to their
/// own policy (so that `Version` is the same); with and without their conditions.
fn with_copies(case: &CaseLine, effect: &str, keep_conditions: bool) -> Vec<CaseLine> {
    let mut out = Vec::new();
    let mut budget = 2;
    for (i, p) in case.policies.iter().enumerate() {
        let Some(root) = rebuildable(p) else { continue };
        let list = statements(root);
        for s in list.iter() {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let Value::Object(m) = s else { continue };
            let mut copy: Map<String, Value> = m.clone();
            copy.shift_remove("Sid");
            copy.insert("Effect".into(), Value::from(effect));
            if !keep_conditions {
                copy.shift_remove("Condition");
            }
            let mut extended = list.clone();
            extended.push(Value::Object(copy));
            let mut policies = case.policies.clone();
            if let Some(slot) = policies.get_mut(i) {
                *slot = policy_of(root.get("Version"), extended);
            }
            out.push(with_policies(case, policies));
        }
    }
    let fresh = json!({"Version": "2012-10-17", "Statement": {"Effect": effect,
        "Action": case.request.action, "Resource": case.request.resource}});
    if Policy::parse(&fresh.to_string()).is_ok() {
        out.push(plus_policy(case, fresh));
    }
    out
}

/// Adding an Allow never revokes.
pub fn adding_allow_never_revokes(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let before = eval(case);
    let want: &[&str] = match before.word() {
        "allowed" => &["allowed"],
        "explicitDeny" => &["explicitDeny"],
        "implicitDeny" => &["implicitDeny", "allowed"],
        _ => &["error"],
    };
    for keep in [true, false] {
        for variant in with_copies(case, "Allow", keep) {
            expect_one_of(
                &format!("with an Allow added (before: `{}`)", before.word()),
                &eval(&variant),
                want,
            )?;
        }
    }
    Ok(())
}

/// Adding a Deny never grants.
pub fn adding_deny_never_grants(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let before = eval(case);
    let want: &[&str] = match before.word() {
        "allowed" => &["allowed", "explicitDeny"],
        "explicitDeny" => &["explicitDeny"],
        "implicitDeny" => &["implicitDeny", "explicitDeny"],
        _ => &["error"],
    };
    for keep in [true, false] {
        for variant in with_copies(case, "Deny", keep) {
            expect_one_of(
                &format!("with a Deny added (before: `{}`)", before.word()),
                &eval(&variant),
                want,
            )?;
        }
    }
    Ok(())
}

/// The lowercased vendor of an action pattern (`None` for `*` or no colon).
fn vendor_of(pattern: &str) -> Option<String> {
    pattern
        .split_once(':')
        .map(|(v, _)| iam_policy::text::fold(v))
}

/// `iot:` statements never decide `iotjobsdata:` requests and the reverse; NotAction of one
/// prefix applies to every request of another.
pub fn prefix_separation(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let Some(vendor) = vendor_of(&case.request.action) else {
        return Ok(());
    };
    let before = eval(case);
    for other in ["iot", "iotjobsdata"] {
        if other == vendor {
            continue;
        }
        // Remove every statement whose Action lists only `other:` patterns.
        let mut removed = false;
        let mut kept = Vec::new();
        for p in &case.policies {
            let Some(root) = rebuildable(p) else {
                kept.push(p.clone());
                continue;
            };
            let list: Vec<Value> = statements(root)
                .into_iter()
                .filter(|s| {
                    let patterns: Vec<&str> = match s.get("Action") {
                        Some(Value::String(a)) => vec![a.as_str()],
                        Some(Value::Array(items)) => {
                            items.iter().filter_map(Value::as_str).collect()
                        }
                        _ => return true,
                    };
                    let foreign = !patterns.is_empty()
                        && patterns
                            .iter()
                            .all(|a| vendor_of(a).as_deref() == Some(other));
                    removed |= foreign;
                    !foreign
                })
                .collect();
            if !list.is_empty() {
                kept.push(policy_of(root.get("Version"), list));
            }
        }
        if removed {
            expect_same(
                &format!("with the `{other}:`-only statements removed"),
                &before,
                &eval(&with_policies(case, kept)),
            )?;
        }
        let foreign_allow = json!({"Statement": {"Effect": "Allow",
            "Action": format!("{other}:*"), "Resource": "*"}});
        expect_same(
            &format!("with an Allow of `{other}:*` added"),
            &before,
            &eval(&plus_policy(case, foreign_allow)),
        )?;
        let not_action = json!({"Statement": {"Effect": "Allow",
            "NotAction": format!("{other}:*"), "Resource": "*"}});
        let want: &[&str] = match before.word() {
            "error" => &["error"],
            "explicitDeny" => &["explicitDeny"],
            _ => &["allowed"],
        };
        expect_one_of(
            &format!("with an Allow of NotAction `{other}:*` on `*` added"),
            &eval(&plus_policy(case, not_action)),
            want,
        )?;
    }
    Ok(())
}

/// A rejected document or a failed evaluation is an error, never allowed.
pub fn malformed_never_allows(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let before = eval(case);
    if let Ok(texts) = case.policy_texts() {
        if texts.iter().any(|t| Policy::parse(t).is_err()) {
            expect_one_of("with a rejected document in the set", &before, &["error"])?;
        }
    }
    let allow_all =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    for bad in [
        allow_all.replacen("Allow", "allow", 1),
        format!("{},", allow_all.trim_end_matches('}')) + "}",
        allow_all.replacen(
            "\"Resource\":\"*\"",
            "\"Resource\":\"*\",\"Condition\":{\"StringEqual\":{\"aws:username\":\"a\"}}",
            1,
        ),
        allow_all
            .get(..allow_all.len() / 2)
            .unwrap_or("")
            .to_owned(),
    ] {
        let with_bad = plus_policy(case, Value::String(bad.clone()));
        expect_one_of(
            &format!("with the malformed document `{bad}` added"),
            &eval(&with_bad),
            &["error"],
        )?;
    }
    Ok(())
}
