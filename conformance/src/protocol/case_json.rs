//! A case line as written: a serde struct borrowing the case, `{"id", "policies", "request":
//! {"action", "resource", "context"}}`. Nothing is copied to write it (`json!` first cloned
//! every policy and the context into a new tree: about a tenth of the gate's own time on a
//! failing run, where every shrink step and invariant variant is a line sent).

use serde::Serialize;
use serde_json::{Map, Value};

use super::CaseLine;

#[derive(Serialize)]
pub(super) struct CaseJson<'a> {
    id: &'a str,
    policies: &'a [Value],
    request: RequestJson<'a>,
}

#[derive(Serialize)]
struct RequestJson<'a> {
    action: &'a str,
    resource: &'a str,
    context: &'a Map<String, Value>,
}

impl<'a> CaseJson<'a> {
    pub(super) fn new(case: &'a CaseLine) -> Self {
        Self {
            id: &case.id,
            policies: &case.policies,
            request: RequestJson {
                action: &case.request.action,
                resource: &case.request.resource,
                context: &case.request.context,
            },
        }
    }

    /// The line; `None` should serde fail (it cannot: strings, JSON values and string-keyed
    /// maps only, which is also why `Value`'s own `Display` never fails).
    pub(super) fn to_line(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}
