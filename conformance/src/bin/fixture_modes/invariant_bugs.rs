//! `iamconf-fixture` modes that each break one evaluator invariant (issue 10), so that
//! `iamconf check --evaluator "iamconf-fixture MODE" --no-golden --cases 0` shows the invariant
//! naming its bug. Each rewrites the case's policies or request (as JSON) and asks the
//! reference, or adjusts the reference's answer.

use serde_json::{Map, Value};

use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};
use iam_eval::Decision;
use iam_policy::condition::{Family, Operator};
use iam_policy::Policy;

/// One deliberately broken behaviour, and the invariant that catches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bug {
    /// No policy at all: `allowed` (default_deny).
    AllowByDefault,
    /// Only the first policy is read (order_and_duplicates_do_not_matter).
    FirstPolicyOnly,
    /// An even number of applicable Allow statements cancel out (adding_allow_never_revokes).
    AllowsCancelInPairs,
    /// An even number of applicable Deny statements cancel out (adding_deny_never_grants).
    DeniesCancelInPairs,
    /// Resources are compared ignoring case (resources_case_sensitive).
    CaseInsensitiveResources,
    /// `IpAddress` ranges are read as bare addresses (ip_conditions_agree_with_ipnetwork).
    IpPrefixIgnored,
    /// A negated operator on an absent key is false (missing_key_table).
    AbsentKeyNegatedFalse,
    /// `IfExists` is ignored (if_exists_equivalences).
    IfExistsIgnored,
    /// `ForAllValues:` is read as `ForAnyValue:` (qualifiers_on_absent_and_empty).
    ForAllValuesAsForAnyValue,
    /// `${...}` is substituted whatever the version (variables_literal_unless_2012).
    VariablesAlwaysLive,
    /// Rejected documents are skipped, the others evaluated (malformed_never_allows).
    SkipRejectedDocuments,
    /// A condition on an unreadable request value holds (unreadable_never_allows).
    UnreadableHolds,
}

impl Bug {
    /// Every bug, by its mode name.
    pub(crate) const ALL: [(&'static str, Bug); 12] = [
        ("allow-by-default", Bug::AllowByDefault),
        ("first-policy-only", Bug::FirstPolicyOnly),
        ("allows-cancel-in-pairs", Bug::AllowsCancelInPairs),
        ("denies-cancel-in-pairs", Bug::DeniesCancelInPairs),
        ("case-insensitive-resources", Bug::CaseInsensitiveResources),
        ("ip-prefix-ignored", Bug::IpPrefixIgnored),
        ("absent-key-negated-false", Bug::AbsentKeyNegatedFalse),
        ("ifexists-ignored", Bug::IfExistsIgnored),
        (
            "forallvalues-as-foranyvalue",
            Bug::ForAllValuesAsForAnyValue,
        ),
        ("variables-always-live", Bug::VariablesAlwaysLive),
        ("skip-rejected-documents", Bug::SkipRejectedDocuments),
        ("unreadable-holds", Bug::UnreadableHolds),
    ];

    /// The bug of a mode name.
    pub(crate) fn parse(name: &str) -> Option<Bug> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    }

    /// The buggy answer to `case`.
    pub(crate) fn respond(self, oracle: &mut Oracle, case: &CaseLine) -> AnswerLine {
        let decision = |d: Decision| AnswerLine {
            id: Some(case.id.clone()),
            verdict: Verdict::Decision(d),
            matched: None,
        };
        match self {
            Bug::AllowByDefault
                if case.policies.is_empty() && case.request.to_request().is_ok() =>
            {
                decision(Decision::Allow)
            }
            Bug::FirstPolicyOnly => {
                let mut c = case.clone();
                c.policies.truncate(1);
                oracle.answer(&c)
            }
            Bug::AllowsCancelInPairs => {
                let answer = oracle.answer(case);
                let pairs = matches!(&answer.matched, Some(m) if m.len() % 2 == 0);
                if answer.verdict == Verdict::Decision(Decision::Allow) && pairs {
                    decision(Decision::ImplicitDeny)
                } else {
                    answer
                }
            }
            Bug::DeniesCancelInPairs => {
                let answer = oracle.answer(case);
                let pairs = matches!(&answer.matched, Some(m) if m.len() % 2 == 0);
                if answer.verdict == Verdict::Decision(Decision::ExplicitDeny) && pairs {
                    // The Denies cancel: what the Allow statements alone say.
                    let c = rewrite_statements(case, false, &|_, s| {
                        if s.get("Effect").and_then(Value::as_str) == Some("Deny") {
                            s.insert("Action".into(), Value::from("iamconf-fixture:Cancelled"));
                            s.shift_remove("NotAction");
                        }
                    });
                    oracle.answer(&c)
                } else {
                    answer
                }
            }
            Bug::SkipRejectedDocuments => {
                let mut c = case.clone();
                c.policies.retain(|p| {
                    let text = p.as_str().map_or_else(|| p.to_string(), str::to_owned);
                    Policy::parse(&text).is_ok()
                });
                oracle.answer(&c)
            }
            // An evaluation error (not a rejected document) comes from a value that cannot be
            // read: the bug lets the condition hold.
            Bug::UnreadableHolds => match oracle.respond(case) {
                Ok(response) if !response.errors.is_empty() => decision(Decision::Allow),
                _ => oracle.answer(case),
            },
            Bug::CaseInsensitiveResources => {
                let mut c = rewrite_statements(case, false, &|_, s| {
                    for key in ["Resource", "NotResource"] {
                        if let Some(v) = s.get_mut(key) {
                            map_strings(v, &|t| t.to_lowercase());
                        }
                    }
                });
                c.request.resource = c.request.resource.to_lowercase();
                oracle.answer(&c)
            }
            _ => {
                let bug = self;
                let live = bug == Bug::VariablesAlwaysLive;
                let c = rewrite_statements(case, live, &|c, s| bug.rewrite(c, s));
                oracle.answer(&c)
            }
        }
    }

    /// Rewrite one statement (the modes that work on conditions and versions).
    fn rewrite(self, case: &CaseLine, statement: &mut Map<String, Value>) {
        let Some(Value::Object(block)) = statement.get_mut("Condition") else {
            return;
        };
        let entries: Vec<(String, Value)> = std::mem::take(block).into_iter().collect();
        for (name, body) in entries {
            let Ok(op) = Operator::parse(&name) else {
                block.insert(name, body);
                continue;
            };
            let mut body = body;
            let renamed = match self {
                Bug::IfExistsIgnored => name.replace("IfExists", ""),
                Bug::ForAllValuesAsForAnyValue => name.replace("ForAllValues:", "ForAnyValue:"),
                Bug::IpPrefixIgnored if op.kind.family() == Family::Ip => {
                    if let Value::Object(keys) = &mut body {
                        for v in keys.values_mut() {
                            map_strings(v, &|t| t.split('/').next().unwrap_or(t).to_owned());
                        }
                    }
                    name
                }
                Bug::AbsentKeyNegatedFalse
                    if op.kind.is_negated() && op.qualifier.is_none() && !op.if_exists =>
                {
                    // Keys the request lacks move under the positive operator (false there).
                    let positive = op.kind.positive().as_str().to_owned();
                    if let Value::Object(keys) = &mut body {
                        let absent: Vec<String> =
                            keys.keys().filter(|k| !has_key(case, k)).cloned().collect();
                        let mut moved = Map::new();
                        for k in absent {
                            if let Some(v) = keys.shift_remove(&k) {
                                moved.insert(k, v);
                            }
                        }
                        if !moved.is_empty() {
                            block.insert(positive, Value::Object(moved));
                        }
                    }
                    name
                }
                _ => name,
            };
            block.insert(renamed, body);
        }
    }
}

fn has_key(case: &CaseLine, key: &str) -> bool {
    let wanted = key.to_lowercase();
    case.request
        .context
        .keys()
        .any(|k| k.to_lowercase() == wanted)
}

fn map_strings(value: &mut Value, f: &dyn Fn(&str) -> String) {
    match value {
        Value::String(s) => *s = f(s),
        Value::Array(items) => items.iter_mut().for_each(|i| map_strings(i, f)),
        _ => {}
    }
}

/// The case with every statement of every policy rewritten by `f` (documents given as text are
/// parsed first; a rejected one is kept as it is); `live_variables` also sets `Version`
/// 2012-10-17 on every policy that holds `${`.
fn rewrite_statements(
    case: &CaseLine,
    live_variables: bool,
    f: &dyn Fn(&CaseLine, &mut Map<String, Value>),
) -> CaseLine {
    let mut out = case.clone();
    for policy in &mut out.policies {
        let mut object = match &*policy {
            Value::Object(_) => policy.clone(),
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(v @ Value::Object(_)) if Policy::parse(text).is_ok() => v,
                _ => continue,
            },
            _ => continue,
        };
        let live = object.to_string().contains("${");
        if let Some(root) = object.as_object_mut() {
            if live && live_variables {
                root.insert("Version".into(), Value::from("2012-10-17"));
            }
            match root.get_mut("Statement") {
                Some(Value::Array(items)) => {
                    for s in items.iter_mut().filter_map(Value::as_object_mut) {
                        f(case, s);
                    }
                }
                Some(Value::Object(one)) => f(case, one),
                _ => {}
            }
        }
        *policy = object;
    }
    out
}
