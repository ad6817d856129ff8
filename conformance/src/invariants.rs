//! Named invariants: metamorphic relations between an evaluator's answers. Each derives
//! variants of one case (reordered, re-cased, with a statement added, a key removed, ...) and
//! checks that the answers relate as the claim says. They need no reference answer, so they run
//! on any evaluator: `iamconf check --evaluator CMD` sends every variant to the candidate as a
//! protocol case line ([`through`]), on base cases where no implementation-defined point can be
//! reached ([`scope`]), so that a broken relation is a bug under every permitted reading.
//!
//! Every relation is written against an evaluator given as a function
//! (`&mut dyn FnMut(&CaseLine) -> Verdict`): the candidate through the protocol, the reference
//! ([`reference`]), or, in tests, a deliberately wrong evaluator.
//!
//! The properties of iamconf's own code that involve no evaluator (glob against a naive matcher,
//! render/parse round trip, no panic on bytes or mutations) and the consistency of the
//! reference's full response are [`self_checks`]: `iamconf check` without `--evaluator` runs
//! them, and tests run them.

pub mod conditions;
pub mod decisions;
pub mod matching;
pub mod parsing;
pub mod scope;
pub mod self_checks;
pub mod shares;
pub mod summary;
pub mod through;
pub mod unreadable;

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{json, Map, Value};

use iam_eval::PolicySet;
use iam_policy::Policy;

use crate::generate::GeneratedCase;
use crate::protocol::{CaseLine, Verdict};

/// A relation's check over one base case, against an evaluator; `Err` says how it broke.
pub type Relation = fn(&GeneratedCase, &mut Eval<'_>) -> Result<(), String>;

/// One named evaluator invariant: the claim and the relation that checks it.
#[derive(Debug, Clone, Copy)]
pub struct Invariant {
    /// A short name, snake_case (`explicit_deny_overrides`).
    pub name: &'static str,
    /// The claim, in words.
    pub claim: &'static str,
    /// Check the claim on one base case against an evaluator.
    pub relation: Relation,
}

impl Invariant {
    /// Check the claim on `case` against `eval`, turning a panic into an `Err`.
    pub fn check_with(&self, case: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
        guarded(|| (self.relation)(case, eval))
    }

    /// Check the claim on `case` against the reference.
    pub fn check_reference(&self, case: &GeneratedCase) -> Result<(), String> {
        self.check_with(case, &mut reference)
    }
}

/// An evaluator as the invariants see it.
pub type Eval<'a> = dyn FnMut(&CaseLine) -> Verdict + 'a;

/// Most parsed documents kept per thread; past that the cache starts afresh.
const PARSED_LIMIT: usize = 8_192;

thread_local! {
    static PARSED: RefCell<HashMap<String, Option<Policy>>> = RefCell::new(HashMap::new());
}

/// The reference's verdict on `case`: what [`Oracle::answer`](crate::oracle::Oracle::answer)
/// says, with each document text parsed once per thread (the invariants' variants share most
/// of their documents).
pub fn reference(case: &CaseLine) -> Verdict {
    let texts = match case.policy_texts() {
        Ok(t) => t,
        Err(e) => return Verdict::Error(e),
    };
    let mut policies = Vec::with_capacity(texts.len());
    let mut rejected = false;
    PARSED.with(|cell| {
        let Ok(mut cache) = cell.try_borrow_mut() else {
            rejected = true;
            return;
        };
        if cache.len() >= PARSED_LIMIT {
            cache.clear();
        }
        for text in texts {
            let parsed = cache
                .entry(text)
                .or_insert_with_key(|t| Policy::parse(t).ok());
            match parsed {
                Some(p) => policies.push(p.clone()),
                None => rejected = true,
            }
        }
    });
    if rejected {
        return Verdict::Error("a policy document is rejected".into());
    }
    let request = match case.request.to_request() {
        Ok(r) => r,
        Err(e) => return Verdict::Error(e),
    };
    match PolicySet::new(policies).decide(&request) {
        Some(decision) => Verdict::Decision(decision),
        None => Verdict::Error("evaluation error".into()),
    }
}

/// Run `check`, turning a panic into an `Err`.
pub fn guarded(check: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(check)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        }
    }
}

macro_rules! invariant {
    ($module:ident :: $name:ident, $claim:expr) => {
        Invariant {
            name: stringify!($name),
            claim: $claim,
            relation: $module::$name,
        }
    };
}

static ALL: [Invariant; 16] = [
    invariant!(decisions::explicit_deny_overrides,
        "adding a Deny statement that matches the request's action and resource, with no condition, yields explicitDeny unless the set is an error"),
    invariant!(decisions::default_deny,
        "with no policies, or no statement whose action matches, the decision is implicitDeny"),
    invariant!(decisions::order_and_duplicates_do_not_matter,
        "permuting policies, statements, array elements, object keys or context keys, duplicating a statement, or splitting statements across policies never changes the decision"),
    invariant!(decisions::adding_allow_never_revokes,
        "adding an Allow statement never turns allowed or explicitDeny into anything else, nor clears an error"),
    invariant!(decisions::adding_deny_never_grants,
        "adding a Deny statement never yields allowed where it was not, nor clears an error"),
    invariant!(decisions::prefix_separation,
        "statements whose actions are all `iot:` never decide an `iotjobsdata:` request and the reverse; a NotAction listing only one prefix applies to every request of another"),
    invariant!(matching::actions_case_insensitive,
        "re-casing the request action or the policies' action patterns never changes the decision"),
    invariant!(matching::resources_case_sensitive,
        "a resource pattern without wildcards stops matching when the resource part is re-cased, on either side"),
    invariant!(matching::ip_conditions_agree_with_ipnetwork,
        "IpAddress/NotIpAddress decide as `IpNetwork::contains` and a naive CIDR test do: v4 and v6, host bits ignored, families never mix"),
    invariant!(conditions::negated_is_not_positive_when_present,
        "with the key present, a negated operator holds exactly when its positive form does not (ForAnyValue:X against ForAllValues:NotX)"),
    invariant!(conditions::missing_key_table,
        "with the key absent: IfExists true, ForAllValues true, ForAnyValue false, negated true, positive false, Null as its value says"),
    invariant!(conditions::if_exists_equivalences,
        "with the key present, XIfExists decides as X; with it absent, XIfExists holds"),
    invariant!(conditions::qualifiers_on_absent_and_empty,
        "on an absent or empty key, ForAllValues holds and ForAnyValue does not (absent + IfExists: both hold)"),
    invariant!(conditions::variables_literal_unless_2012,
        "under 2008-10-17 or no Version, `${...}` is literal: the same as escaping it under 2012-10-17, and the same for both"),
    invariant!(decisions::malformed_never_allows,
        "a set holding a document rejected under every reading is an error, never allowed"),
    invariant!(unreadable::unreadable_never_allows,
        "a condition on a request value that cannot be read as its operator's type never grants: an error or not applicable, positive and negated alike"),
];

/// Every evaluator invariant.
pub fn all() -> &'static [Invariant] {
    &ALL
}

// -------------------------------------------------------------------------------------------
// Helpers shared by the invariants.

/// The protocol word of a verdict.
pub fn word(v: &Verdict) -> &'static str {
    v.word()
}

/// `Ok` when `got` is one of `allowed` words, else an `Err` naming `what`.
pub fn expect_one_of(what: &str, got: &Verdict, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&got.word()) {
        Ok(())
    } else {
        Err(format!(
            "{what}: expected {}, got `{}`{}",
            allowed
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            got.word(),
            match got {
                Verdict::Error(e) => format!(" ({e})"),
                Verdict::Decision(_) => String::new(),
            }
        ))
    }
}

/// `want`, and `error` too when the case's request is outside the catalog (ID-16: such a
/// request may be refused whatever the policies). For relations that expect a fixed answer.
pub fn or_refused(case: &CaseLine, want: &[&'static str]) -> Vec<&'static str> {
    let mut out = want.to_vec();
    if !scope::request_in_catalog(&case.request) && !out.contains(&"error") {
        out.push("error");
    }
    out
}

/// `Ok` when both verdicts have the same word.
pub fn expect_same(what: &str, before: &Verdict, after: &Verdict) -> Result<(), String> {
    expect_one_of(what, after, &[before.word()])
}

/// Whether the reference accepts a policy (an object, or a string holding a document).
pub fn accepted(policy: &Value) -> bool {
    let text = match policy {
        Value::String(s) => s.clone(),
        Value::Object(_) => policy.to_string(),
        _ => return false,
    };
    PARSED.with(|cell| {
        let Ok(mut cache) = cell.try_borrow_mut() else {
            return Policy::parse(&text).is_ok();
        };
        if cache.len() >= PARSED_LIMIT {
            cache.clear();
        }
        cache
            .entry(text)
            .or_insert_with_key(|t| Policy::parse(t).ok())
            .is_some()
    })
}

/// The object of a policy the variants may take apart and rebuild: an object the reference
/// accepts. A rejected one is kept whole (rebuilding it could drop what makes it invalid).
pub fn rebuildable(policy: &Value) -> Option<&Map<String, Value>> {
    match policy {
        Value::Object(root) if accepted(policy) => Some(root),
        _ => None,
    }
}

/// A copy of `case` with other policies.
pub fn with_policies(case: &CaseLine, policies: Vec<Value>) -> CaseLine {
    CaseLine {
        policies,
        ..case.clone()
    }
}

/// A copy of `case` with one more policy.
pub fn plus_policy(case: &CaseLine, policy: Value) -> CaseLine {
    let mut policies = case.policies.clone();
    policies.push(policy);
    with_policies(case, policies)
}

/// The statements of a policy object (one object or an array).
pub fn statements(policy: &Map<String, Value>) -> Vec<Value> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// A policy of `statements` with `version` (none: no `Version`).
pub fn policy_of(version: Option<&Value>, statements: Vec<Value>) -> Value {
    let mut root = Map::new();
    if let Some(v) = version {
        root.insert("Version".into(), v.clone());
    }
    root.insert("Statement".into(), Value::Array(statements));
    Value::Object(root)
}

/// One condition entry of an object policy, with the policy's `Version`.
#[derive(Debug, Clone)]
pub struct FoundCondition {
    /// The policy's `Version` value, if any.
    pub version: Option<Value>,
    /// The operator as written.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The values as written (a string or an array).
    pub values: Value,
}

/// The condition entries of the case's object policies, at most `most`.
pub fn found_conditions(case: &CaseLine, most: usize) -> Vec<FoundCondition> {
    let mut out = Vec::new();
    for policy in &case.policies {
        let Some(p) = rebuildable(policy) else {
            continue;
        };
        for s in statements(p) {
            let Some(Value::Object(block)) = s.get("Condition") else {
                continue;
            };
            for (operator, body) in block {
                let Value::Object(keys) = body else { continue };
                for (key, values) in keys {
                    if out.len() >= most {
                        return out;
                    }
                    out.push(FoundCondition {
                        version: p.get("Version").cloned(),
                        operator: operator.clone(),
                        key: key.clone(),
                        values: values.clone(),
                    });
                }
            }
        }
    }
    out
}

/// A policy allowing everything when one condition holds.
pub fn allow_all_when(version: Option<&Value>, operator: &str, key: &str, values: &Value) -> Value {
    policy_of(
        version,
        vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*",
                    "Condition": {operator: {key: values}}})],
    )
}

/// The context value of `key`, compared case-insensitively, with the key as written.
pub fn context_entry<'a>(case: &'a CaseLine, key: &str) -> Option<(&'a String, &'a Value)> {
    case.request
        .context
        .iter()
        .find(|(k, _)| iam_policy::text::eq_folded(k, key))
}

/// A copy of `case` whose context has `key` (any case) replaced by `value`, or removed.
pub fn with_context_key(case: &CaseLine, key: &str, value: Option<Value>) -> CaseLine {
    let mut out = case.clone();
    out.request
        .context
        .retain(|k, _| !iam_policy::text::eq_folded(k, key));
    if let Some(v) = value {
        out.request.context.insert(key.to_owned(), v);
    }
    out
}

/// A small deterministic hash (FNV-1a) of a text, to place mutations.
pub fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case() {
        let mut names: Vec<&str> = all().iter().map(|i| i.name).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all().len());
    }

    #[test]
    fn self_check_names_differ_from_invariant_names() {
        for check in self_checks::all() {
            assert!(all().iter().all(|i| i.name != check.name), "{}", check.name);
        }
    }

    #[test]
    fn a_panic_becomes_an_error() {
        let e = guarded(|| panic!("boom")).unwrap_err();
        assert!(e.contains("boom"), "{e}");
    }
}
