//! Whether a protocol request is one AWS could send (docs/semantics.md §2). A case whose
//! request is not must carry ID-16: another conforming evaluator may refuse it.

use serde_json::Value;

use iam_policy::catalog::{self, ContextShape, OutsideCatalog};

use crate::protocol::RequestLine;

/// Why AWS could not send `request`, or `None` when it could. A context value that is not a
/// string or an array of strings makes the request invalid, not unrealistic: it is skipped.
pub fn outside_catalog(request: &RequestLine) -> Option<OutsideCatalog> {
    let arrays: Vec<(&str, Vec<String>)> = request
        .context
        .iter()
        .filter_map(|(k, v)| match v {
            Value::Array(items) => Some((
                k.as_str(),
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let mut context: Vec<(&str, ContextShape<'_>)> = Vec::with_capacity(request.context.len());
    for (k, v) in &request.context {
        match v {
            Value::String(s) => context.push((k.as_str(), ContextShape::Single(s))),
            Value::Array(_) => {
                if let Some((_, items)) = arrays.iter().find(|(name, _)| *name == k.as_str()) {
                    context.push((k.as_str(), ContextShape::Array(items)));
                }
            }
            _ => {}
        }
    }
    catalog::outside_catalog(&request.action, &request.resource, &context)
}
