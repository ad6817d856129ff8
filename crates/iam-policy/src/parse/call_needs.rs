//! The `incomplete-call-grant` lint: an Allow statement that grants an action on some of the
//! resource types every call of it is checked on, but not all (docs/semantics.md §10.1). The
//! seed's first example grants `iot:CreateJob` only on a thing group: a CreateJob call is also
//! checked on its job, so no call succeeds on that grant alone.
//!
//! What every call needs comes from [`operations::needs`]: one group of resource types per
//! required parameter whose types the Service Authorization Reference marks required. The
//! lint speaks only where it is sure: literal catalog actions, every resource of a known type
//! (a `*` or an untyped pattern may cover anything), and at least one granted type the action
//! takes (otherwise `resource-type-mismatch` already says it).

use super::elements::{ActionFacts, ResourceFacts};
use super::Builder;
use crate::catalog::{self, operations};
use crate::diagnostic::{Code, Diagnostic};

/// `` `a` ``, `` `a` or `b` ``, ...
fn either(types: &[&str]) -> String {
    let quoted: Vec<String> = types.iter().map(|t| format!("`{t}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

impl Builder<'_> {
    pub(super) fn lint_call_needs(&mut self, actions: &ActionFacts, resources: &ResourceFacts<'_>) {
        let (Some(known), Some(items)) = (actions.granted(), resources.granted()) else {
            return;
        };
        let mut types = Vec::with_capacity(items.len());
        for (text, _) in items {
            match catalog::resource_type_of(text) {
                Some(rt) => types.push(rt.name),
                None => return,
            }
        }
        // The head `arn:partition:iot:region:account:` of the first resource, for the hint.
        let head = items
            .first()
            .and_then(|(text, _)| {
                text.match_indices(':')
                    .nth(4)
                    .and_then(|(i, _)| text.get(..=i))
            })
            .unwrap_or("arn:aws:iot:region:account-id:");
        for (action, span) in known {
            let needs = operations::needs(action.vendor, action.name);
            if needs.len() < 2 {
                continue;
            }
            let granted: Vec<&str> = types
                .iter()
                .copied()
                .filter(|t| catalog::takes_resource(action, t))
                .collect();
            let Some(missing) = needs
                .iter()
                .find(|group| !group.iter().any(|t| granted.contains(t)))
            else {
                continue;
            };
            if granted.is_empty() {
                continue;
            }
            let mut granted_list: Vec<&str> = Vec::with_capacity(granted.len());
            for t in &granted {
                if !granted_list.contains(t) {
                    granted_list.push(t);
                }
            }
            let all: Vec<String> = needs.iter().map(|g| either(g)).collect();
            let first = missing.first().copied().unwrap_or_default();
            self.report(
                Diagnostic::new(
                    Code::IncompleteCallGrant,
                    *span,
                    format!(
                        "`{}:{}` is checked on {} in every call: this statement grants it only on {}, so no {} call can succeed unless another statement grants {}",
                        action.vendor,
                        action.name,
                        all.join(" and "),
                        either(&granted_list),
                        action.name,
                        either(missing),
                    ),
                )
                .with_help(format!("add a {} resource, such as `{head}{first}/*`", either(missing))),
            );
        }
    }
}
