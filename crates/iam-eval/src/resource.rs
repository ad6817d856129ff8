//! Whether a statement's resource element matches the request (§5, §9), on the reference's
//! path (the readings as constants) or under other readings of ID-6, ID-7, ID-12 and ID-17.

use iam_policy::model::{ArnTemplate, ResourceClause, ResourceMatcher, ResourcePattern};
use iam_policy::readings::{NotResourceMissingVariable, Readings};

use crate::readings;
use crate::request::Request;
use crate::template::{self, Source};

/// Whether the resource element matches (§5, §9); `None` when it cannot be evaluated (the
/// `error` reading of ID-12). With `REFERENCE`, `readings` is not read: the reference's path
/// runs, the code of the reference alone.
#[inline(always)]
pub(crate) fn resource_matches<const REFERENCE: bool>(
    resources: &ResourceClause,
    variables: bool,
    request: &Request,
    readings: &Readings,
    missing: &mut dyn FnMut(&str),
) -> Option<bool> {
    if REFERENCE {
        Some(reference_resource_matches(
            resources, variables, request, missing,
        ))
    } else {
        resource_matches_under(resources, variables, request, readings, missing)
    }
}

/// [`resource_matches`] under the reference's readings (inlined into the evaluation loop, as
/// it was before readings existed).
#[inline]
fn reference_resource_matches(
    resources: &ResourceClause,
    variables: bool,
    request: &Request,
    missing: &mut dyn FnMut(&str),
) -> bool {
    let resource = request.resource();
    let star = resource == "*";
    let mut any = false;
    for p in &resources.patterns {
        // Every pattern is looked at (no short-circuit) so that missing variables are all
        // reported whatever the order.
        let matched = match &p.matcher {
            ResourceMatcher::Any => true,
            _ if star => false,
            // Plain ARN patterns report nothing: skip them once one matched.
            ResourceMatcher::Arn(glob) => !any && glob.is_match(resource),
            // ID-12: an entry whose variable has no value matches nothing (so under
            // `NotResource` it excludes nothing).
            ResourceMatcher::Template(t) => {
                let (head, tail) = template_parts(p, t, variables);
                template::resource::<true>(
                    head,
                    tail,
                    request.context(),
                    resource,
                    &Readings::REFERENCE,
                    missing,
                )
            }
            // Only the `literal` reading of ID-17 compiles it.
            ResourceMatcher::Nothing => false,
        };
        any |= matched;
    }
    any != resources.negated
}

/// [`resource_matches`] under other readings (ID-6, ID-7, ID-12, ID-17): out of the
/// reference's path.
#[inline(never)]
fn resource_matches_under(
    resources: &ResourceClause,
    variables: bool,
    request: &Request,
    readings: &Readings,
    missing: &mut dyn FnMut(&str),
) -> Option<bool> {
    let resource = request.resource();
    let star = resource == "*";
    let mut any = false;
    let mut unresolved = false;
    for p in &resources.patterns {
        let matched = match &p.matcher {
            ResourceMatcher::Any => true,
            _ if star => false,
            ResourceMatcher::Arn(glob) => !any && readings::resource_glob(glob, resource, readings),
            // ID-17 under the `literal` reading.
            ResourceMatcher::Nothing => false,
            // ID-12: an entry whose variable has no value matches nothing (so under
            // `NotResource` it excludes nothing, or fails under the `error` reading).
            ResourceMatcher::Template(t) => {
                let mut lacking = |key: &str| {
                    unresolved = true;
                    missing(key);
                };
                let (head, tail) = template_parts(p, t, variables);
                template::resource::<false>(
                    head,
                    tail,
                    request.context(),
                    resource,
                    readings,
                    &mut lacking,
                )
            }
        };
        any |= matched;
    }
    if unresolved
        && resources.negated
        && readings.notresource_missing_variable == NotResourceMissingVariable::Error
    {
        return None;
    }
    Some(any != resources.negated)
}

/// The literal head and the rest of resource entry `p` with template `t`: its head and live
/// tail when variables are live, else its whole text as written, all pattern.
fn template_parts<'a>(
    p: &'a ResourcePattern,
    t: &'a ArnTemplate,
    variables: bool,
) -> (&'a str, Source<'a>) {
    if variables {
        (t.head.as_str(), Source::Live(&t.tail))
    } else {
        (p.text.as_str(), Source::Literal(""))
    }
}
