//! Invariants about matching actions, resources, addresses and globs (§4, §5, §7).

use std::net::IpAddr;

use serde_json::{json, Value};

use iam_policy::pattern::{Glob, GlobSyntax};
use iam_policy::value::parse_ip_range;

use super::{expect_one_of, expect_same, found_conditions, or_refused, statements, Eval};
use crate::generate::pools::{boundary_addresses, naive_contains, read_range, recase};
use crate::generate::GeneratedCase;
use crate::protocol::CaseLine;

/// Map every string of the action elements of the object policies through `f`.
fn map_actions(case: &CaseLine, f: &dyn Fn(&str) -> String) -> CaseLine {
    let mut out = case.clone();
    for p in &mut out.policies {
        if super::rebuildable(p).is_none() {
            continue;
        }
        let Value::Object(root) = p else { continue };
        let list: Vec<Value> = statements(root)
            .into_iter()
            .map(|mut s| {
                if let Value::Object(m) = &mut s {
                    for key in ["Action", "NotAction"] {
                        if let Some(v) = m.get_mut(key) {
                            *v = match &*v {
                                Value::String(a) => Value::from(f(a)),
                                Value::Array(items) => Value::Array(
                                    items
                                        .iter()
                                        .map(|i| match i {
                                            Value::String(a) => Value::from(f(a)),
                                            // Not an action: the document stays rejected.
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
            })
            .collect();
        root.insert("Statement".into(), Value::Array(list));
    }
    out
}

/// Re-casing actions, on either side, never changes the decision.
pub fn actions_case_insensitive(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let before = eval(case);
    for how in 0..3 {
        let mut recased = case.clone();
        recased.request.action = recase(&case.request.action, how);
        expect_same(
            &format!(
                "with the request action written `{}`",
                recased.request.action
            ),
            &before,
            &eval(&recased),
        )?;
    }
    let upper = map_actions(case, &|a| recase(a, 0));
    expect_same(
        "with the action patterns upper-cased",
        &before,
        &eval(&upper),
    )?;
    let swapped = map_actions(case, &|a| recase(a, 2));
    expect_same(
        "with the action patterns' case swapped",
        &before,
        &eval(&swapped),
    )
}

/// The resource with its resource part (after the fifth colon) re-cased.
fn recase_resource_part(arn: &str, how: u8) -> Option<String> {
    let (head, tail) = iam_policy::arn::head_and_resource(arn)?;
    Some(format!("{head}{}", recase(tail, how)))
}

/// A wildcard-free ARN pattern stops matching when the resource part is re-cased.
pub fn resources_case_sensitive(g: &GeneratedCase, eval: &mut Eval<'_>) -> Result<(), String> {
    let case = &g.case;
    let resource = &case.request.resource;
    if resource.contains(['*', '?']) || resource.contains("${") {
        return Ok(());
    }
    let allow_exact = |pattern: &str| {
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*",
               "Resource": pattern}})
    };
    if recase_resource_part(resource, 0).is_none() {
        return Ok(());
    }
    let mut exact = case.clone();
    exact.policies = vec![allow_exact(resource)];
    let invalid = case.request.to_request().is_err();
    let want_ok = if invalid {
        vec!["error"]
    } else {
        or_refused(&exact, &["allowed"])
    };
    expect_one_of("allowing the resource exactly", &eval(&exact), &want_ok)?;
    for how in 0..3 {
        let Some(recased) = recase_resource_part(resource, how) else {
            continue;
        };
        if recased == *resource {
            continue;
        }
        let want: &[&str] = if invalid {
            &["error"]
        } else {
            &["implicitDeny"]
        };
        let mut request_side = exact.clone();
        request_side.request.resource = recased.clone();
        expect_one_of(
            &format!("allowing `{resource}` exactly, requesting `{recased}`"),
            &eval(&request_side),
            &or_refused(&request_side, want),
        )?;
        let mut policy_side = exact.clone();
        policy_side.policies = vec![allow_exact(&recased)];
        expect_one_of(
            &format!("allowing `{recased}` exactly, requesting `{resource}`"),
            &eval(&policy_side),
            &or_refused(&policy_side, want),
        )?;
    }
    Ok(())
}

/// The ranges and request addresses of a case's IP conditions.
fn ip_material(case: &CaseLine) -> (Vec<String>, Vec<String>) {
    let mut ranges = Vec::new();
    for c in found_conditions(case, 16) {
        let base = c.operator.rsplit(':').next().unwrap_or("");
        if !base.trim_end_matches("IfExists").ends_with("IpAddress") {
            continue;
        }
        match &c.values {
            Value::String(s) => ranges.push(s.clone()),
            Value::Array(items) => {
                ranges.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    ranges.sort();
    ranges.dedup();
    ranges.truncate(4);
    let mut addresses: Vec<String> = Vec::new();
    for (k, v) in &case.request.context {
        if k.to_lowercase() != "aws:sourceip" {
            continue;
        }
        match v {
            Value::String(s) => addresses.push(s.clone()),
            Value::Array(items) => {
                addresses.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    for r in &ranges {
        addresses.extend(boundary_addresses(r));
    }
    addresses.sort();
    addresses.dedup();
    addresses.truncate(12);
    (ranges, addresses)
}

/// IP conditions agree with `IpNetwork::contains` and a naive CIDR test.
pub fn ip_conditions_agree_with_ipnetwork(
    g: &GeneratedCase,
    eval: &mut Eval<'_>,
) -> Result<(), String> {
    let (ranges, addresses) = ip_material(&g.case);
    for range in &ranges {
        let Some(naive_range) = read_range(range) else {
            continue;
        };
        let network = parse_ip_range(range)
            .map_err(|e| format!("`{range}` reads naively but not by the parser: {e}"))?;
        for address in &addresses {
            let Ok(addr) = address.parse::<IpAddr>() else {
                continue;
            };
            // An IPv4-mapped address is ID-10 (read as IPv6, or as its IPv4 address).
            if matches!(addr, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some()) {
                continue;
            }
            let naive = naive_contains(naive_range, addr);
            if network.contains(addr) != naive {
                return Err(format!(
                    "`IpNetwork::contains({range}, {address})` is {}, the naive test {naive}",
                    !naive
                ));
            }
            for (operator, holds) in [("IpAddress", naive), ("NotIpAddress", !naive)] {
                let mut case = g.case.clone();
                case.policies = vec![json!({"Version": "2012-10-17", "Statement": {
                    "Effect": "Allow", "Action": "*", "Resource": "*",
                    "Condition": {operator: {"aws:SourceIp": range}}}})];
                case.request.context = serde_json::Map::new();
                case.request
                    .context
                    .insert("aws:SourceIp".into(), Value::from(address.as_str()));
                let want = if holds { "allowed" } else { "implicitDeny" };
                expect_one_of(
                    &format!("{operator} `{range}` with aws:SourceIp `{address}`"),
                    &eval(&case),
                    &or_refused(&case, &[want]),
                )?;
            }
        }
    }
    Ok(())
}

/// A naive glob matcher (§4, §5), by dynamic programming over characters: `*` any run, `?`
/// one character, anything else literal. Under `Arn`, `*` and `?` never match `:`, except a
/// `*` that ends a colon-separated pattern segment.
pub fn naive_glob(pattern: &str, syntax: GlobSyntax, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    // reach[j]: the first i pattern characters can match the first j value characters.
    let mut reach = vec![false; v.len() + 1];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    for (i, &c) in p.iter().enumerate() {
        let mut next = vec![false; v.len() + 1];
        let arn = syntax == GlobSyntax::Arn;
        match c {
            '*' => {
                let crosses = !arn || matches!(p.get(i + 1), None | Some(':'));
                let mut open = false;
                // `reach` and `next` both have a slot per value prefix (`v.len() + 1`).
                for (j, (slot, &reached)) in next.iter_mut().zip(&reach).enumerate() {
                    if reached {
                        open = true;
                    } else if open && !crosses && j > 0 && v.get(j - 1) == Some(&':') {
                        open = false;
                    }
                    *slot = open;
                }
            }
            _ => {
                // Slot `j + 1` of `next` takes value character `j` after slot `j` of `reach`.
                for ((&ch, slot), &reached) in v.iter().zip(next.iter_mut().skip(1)).zip(&reach) {
                    let ok = if c == '?' {
                        !(arn && ch == ':')
                    } else {
                        ch == c
                    };
                    *slot = ok && reached;
                }
            }
        }
        reach = next;
    }
    // The whole value: the last slot (there is always one, for the empty prefix).
    reach.last() == Some(&true)
}

/// The (pattern, syntax, value) triples of a case worth comparing.
fn glob_material(case: &CaseLine) -> Vec<(String, GlobSyntax, String)> {
    let mut out = Vec::new();
    let action_name = case
        .request
        .action
        .split_once(':')
        .map(|(_, n)| iam_policy::text::fold(n))
        .unwrap_or_default();
    let resource = case.request.resource.clone();
    for p in &case.policies {
        let Value::Object(root) = p else { continue };
        for s in statements(root) {
            let strings = |key: &str| -> Vec<String> {
                match s.get(key) {
                    Some(Value::String(a)) => vec![a.clone()],
                    Some(Value::Array(items)) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                    _ => Vec::new(),
                }
            };
            for a in strings("Action").into_iter().chain(strings("NotAction")) {
                if let Some((_, name)) = a.split_once(':') {
                    let name = iam_policy::text::fold(name);
                    out.push((name.clone(), GlobSyntax::Text, action_name.clone()));
                    out.push((
                        name.clone(),
                        GlobSyntax::Text,
                        name.replace(['*', '?'], "x"),
                    ));
                }
            }
            for r in strings("Resource")
                .into_iter()
                .chain(strings("NotResource"))
            {
                out.push((r.clone(), GlobSyntax::Arn, resource.clone()));
                out.push((
                    r.clone(),
                    GlobSyntax::Arn,
                    r.replace('*', "a:b").replace('?', ":"),
                ));
                out.push((r.clone(), GlobSyntax::Text, resource.clone()));
            }
        }
    }
    for c in found_conditions(case, 8) {
        if !c.operator.contains("StringLike") && !c.operator.contains("StringNotLike") {
            continue;
        }
        let patterns: Vec<String> = match &c.values {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let values: Vec<String> = match super::context_entry(case, &c.key) {
            Some((_, Value::String(s))) => vec![s.clone()],
            Some((_, Value::Array(items))) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        for p in &patterns {
            for v in &values {
                out.push((p.clone(), GlobSyntax::Text, v.clone()));
            }
            out.push((p.clone(), GlobSyntax::Text, p.clone()));
        }
    }
    out.truncate(48);
    out
}

/// The compiled glob agrees with the naive matcher (a self-check of the parser's globs).
pub fn fast_glob_agrees_with_naive(g: &GeneratedCase) -> Result<(), String> {
    glob_agreement(g, &|p, s, v| Glob::new(p, s).is_match(v))
}

/// [`fast_glob_agrees_with_naive`] against any matcher `fast`.
pub fn glob_agreement(
    g: &GeneratedCase,
    fast: &dyn Fn(&str, GlobSyntax, &str) -> bool,
) -> Result<(), String> {
    for (pattern, syntax, value) in glob_material(&g.case) {
        let mut values = vec![value.clone()];
        let chars: Vec<char> = value.chars().collect();
        if !chars.is_empty() {
            let drop = (super::fnv(&value) as usize) % chars.len();
            values.push(
                chars
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != drop)
                    .map(|(_, c)| *c)
                    .collect(),
            );
        }
        for v in values {
            let want = naive_glob(&pattern, syntax, &v);
            if fast(&pattern, syntax, &v) != want {
                return Err(format!(
                    "glob `{pattern}` ({syntax:?}) on `{v}`: compiled says {}, naive says {want}",
                    !want
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A rewrite of action strings rewrites the documents the reference accepts (whose
    /// entries are all strings: the branch for another entry keeps it as it is, where it used
    /// to become the rewrite of the empty string) and keeps a rejected one whole.
    #[test]
    fn rewrites_touch_accepted_documents_only() {
        let case = |actions: serde_json::Value| {
            CaseLine::from_value(&json!({
                "id": "t",
                "policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
                    "Action": actions, "Resource": "*"}}],
                "request": {"action": "iot:DescribeJob", "resource": "*", "context": {}}
            }))
            .unwrap()
        };
        let upper = map_actions(
            &case(json!(["iot:DescribeJob", "iot:ListJobs"])),
            &str::to_uppercase,
        );
        assert_eq!(
            upper.policies[0]["Statement"][0]["Action"],
            json!(["IOT:DESCRIBEJOB", "IOT:LISTJOBS"])
        );
        let rejected = case(json!(["iot:DescribeJob", 7]));
        assert_eq!(map_actions(&rejected, &str::to_uppercase), rejected);
    }
}
