//! The `ID-n` choices a generated case can depend on, found from its model (docs/semantics.md
//! §11). The analysis is conservative: a tag may be set on a case whose answer happens not to
//! depend on the choice, never left off one whose answer does.

use iam_policy::value;

use super::model::{CtxValue, Form, GenCase, GenCondition, GenPolicy};

/// The sorted, deduplicated `ID-n` tags of `case`.
pub fn implementation_defined(case: &GenCase) -> Vec<String> {
    let mut tags: Vec<&'static str> = Vec::new();
    let request = &case.request;
    if arn_head_recased(&request.resource) {
        tags.push("ID-6");
    }
    for (key, v) in &request.context {
        let k = key.to_lowercase();
        if k == "aws:sourcearn" && v.values().iter().any(|a| arn_head_recased(a)) {
            tags.push("ID-6");
        }
        if v.values()
            .iter()
            .any(|a| a.to_lowercase().starts_with("::ffff:"))
        {
            tags.push("ID-10");
        }
    }
    for policy in &case.policies {
        policy_tags(policy, case, &mut tags);
    }
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter().map(str::to_owned).collect()
}

fn policy_tags(policy: &GenPolicy, case: &GenCase, tags: &mut Vec<&'static str>) {
    if let Form::Malformed(fault) = policy.form {
        if let Some(id) = fault.implementation_defined() {
            tags.push(id);
        }
    }
    let request_colons = case.request.resource.matches(':').count();
    for s in &policy.statements {
        for r in &s.resources {
            if arn_head_recased(r) {
                tags.push("ID-6");
            }
            // ID-7: the three readings of §5 can only disagree when the request has more
            // colons than the pattern and the pattern has a wildcard.
            if (r.contains('*') || r.contains('?'))
                && r != "*"
                && request_colons > colons_outside_variables(r)
            {
                tags.push("ID-7");
            }
            if s.not_resource && r.contains("${") {
                tags.push("ID-12");
            }
        }
        for c in &s.conditions {
            condition_tags(c, case, tags);
        }
    }
}

fn condition_tags(c: &GenCondition, case: &GenCase, tags: &mut Vec<&'static str>) {
    let base = c
        .operator
        .rsplit(':')
        .next()
        .unwrap_or(&c.operator)
        .trim_end_matches("IfExists");
    let qualified = c.operator.contains(':');
    if base.ends_with("IpAddress") && c.values.iter().any(|v| bare_ipv6(v)) {
        tags.push("ID-9");
    }
    if base.starts_with("Arn") && c.values.iter().any(|v| arn_head_recased(v)) {
        tags.push("ID-6");
    }
    let wanted = c.key.to_lowercase();
    let Some((_, value)) = case
        .request
        .context
        .iter()
        .find(|(k, _)| k.to_lowercase() == wanted)
    else {
        return;
    };
    if base == "Null" {
        return;
    }
    if !qualified {
        if let CtxValue::Multi(v) = value {
            if v.len() != 1 {
                tags.push("ID-8");
            }
        }
    }
    let readable = |one: &String| -> bool {
        if base.starts_with("Numeric") {
            value::parse_number(one).is_ok()
        } else if base.starts_with("Date") {
            value::parse_instant(one).is_ok()
        } else if base == "Bool" {
            value::parse_bool(one).is_ok()
        } else if base.ends_with("IpAddress") {
            value::parse_ip_address(one).is_ok()
        } else {
            true
        }
    };
    if !value.values().iter().all(readable) {
        tags.push("ID-5");
    }
}

/// Whether an ARN (or ARN pattern) writes its partition, service or region with upper case.
fn arn_head_recased(arn: &str) -> bool {
    arn.split(':')
        .skip(1)
        .take(3)
        .any(|segment| segment.chars().any(char::is_uppercase))
        || arn
            .split(':')
            .next()
            .is_some_and(|a| a.chars().any(char::is_uppercase) && a.eq_ignore_ascii_case("arn"))
}

/// Colons of `pattern` outside `${...}`.
fn colons_outside_variables(pattern: &str) -> usize {
    let mut count = 0;
    let mut depth = false;
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if !depth && rest.starts_with("${") {
            depth = true;
        } else if depth && c == '}' {
            depth = false;
        } else if !depth && c == ':' {
            count += 1;
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    count
}

/// A bare IPv6 address (no prefix) as a policy range.
fn bare_ipv6(range: &str) -> bool {
    !range.contains('/') && range.parse::<std::net::Ipv6Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert!(arn_head_recased("arn:AWS:iot:us-east-1:1:job/x"));
        assert!(arn_head_recased("arn:aws:iot:US-east-1:1:job/x"));
        assert!(!arn_head_recased("arn:aws:iot:us-east-1:1:job/X"));
        assert_eq!(
            colons_outside_variables("arn:aws:iot:r:a:thing/${aws:username}"),
            5
        );
        assert!(bare_ipv6("2001:db8::1"));
        assert!(!bare_ipv6("2001:db8::/32"));
        assert!(!bare_ipv6("10.0.0.1"));
    }
}
