//! The `ID-n` choices a generated case can depend on, found from its model (docs/semantics.md
//! §11).
//!
//! The analysis is sound: a case whose answer could differ under another allowed choice of an
//! `ID-n` carries that tag. It is also precise enough to leave most cases untagged: a choice is
//! only looked at where it can reach the answer.
//!
//! - A document that every conforming evaluator rejects (a fault without an `ID-n`) makes the
//!   whole set an error, whatever the other choices: such a case carries no tag.
//! - A statement whose action element does not match the request is never looked at further:
//!   its resource element and conditions cannot change the answer (§3).
//! - A resource element is matched under every reading of ID-6 (case of the ARN head folded or
//!   not) and ID-7 (a wildcard never crosses a colon, or always may: every allowed reading lies
//!   between the two). Where all agree, neither is needed; where they disagree, the element's
//!   outcome is unknown and the tags that made it so are set.
//! - Conditions are evaluated only in a statement whose resource element can match under some
//!   reading; a condition whose key the request lacks depends on no choice. ID-8, ID-5, ID-9,
//!   ID-10, ID-6, ID-14 (a four-digit date), ID-20 (`BinaryEquals` where comparing the texts
//!   would differ) and ID-21 (an `Arn*` condition on a short request value) are then set only
//!   where the request's values meet them.
//! - A resource entry with a wildcard in its resource-type part (`...:*/fw-1`, `...:*`) that
//!   may match is ID-17 (another reading matches nothing there).
//! - Wherever they are written: a short ARN pattern (ID-15) and a policy variable in a `Bool`
//!   value (ID-18), since another reading rejects the document; a request outside the catalog
//!   (ID-16, §2), since another reading refuses it.

use std::net::IpAddr;

use iam_policy::arn;
use iam_policy::catalog::{self, ContextShape};
use iam_policy::pattern::{
    fold_head, fold_tokens, matches_tokens, never_crosses, tokenize, GlobSyntax, GlobToken,
};
use iam_policy::value;
use iam_policy::variable::Template;

use super::model::{CtxValue, Form, GenCase, GenCondition, GenPolicy, GenRequest, GenStatement};
use super::pools::{naive_contains, read_range};
use super::GeneratedCase;
use crate::protocol::CaseLine;

/// A match outcome over every allowed choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    /// Matches under no choice.
    No,
    /// Matches under some choices only (or cannot be told).
    Maybe,
    /// Matches under every choice.
    Yes,
}

impl Tri {
    fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }

    fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
            Tri::Yes => Tri::No,
        }
    }

    /// The OR of several outcomes.
    fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut out = Tri::No;
        for t in items {
            match t {
                Tri::Yes => return Tri::Yes,
                Tri::Maybe => out = Tri::Maybe,
                Tri::No => {}
            }
        }
        out
    }
}

/// The sorted, deduplicated `ID-n` tags of `case`.
pub fn implementation_defined(case: &GenCase) -> Vec<String> {
    let surely_rejected = case.policies.iter().any(|p| {
        matches!(p.form, Form::Malformed(f) if f.rejected() && f.implementation_defined().is_none())
    });
    if surely_rejected {
        return Vec::new();
    }
    let mut tags: Vec<&'static str> = Vec::new();
    // ID-16: a request AWS could not send may be refused whatever the policies say.
    if outside_catalog(&case.request) {
        tags.push("ID-16");
    }
    for policy in &case.policies {
        if let Form::Malformed(fault) = policy.form {
            if let Some(id) = fault.implementation_defined() {
                tags.push(id);
            }
        }
        let live = policy.variables_live();
        for s in &policy.statements {
            document_tags(s, live, &mut tags);
            statement_tags(s, live, &case.request, &mut tags);
        }
    }
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter().map(str::to_owned).collect()
}

fn statement_tags(
    s: &GenStatement,
    live: bool,
    request: &GenRequest,
    tags: &mut Vec<&'static str>,
) {
    // A wildcard vendor (from a configured pool) is ID-3 wherever it is written.
    if s.actions.iter().any(|a| wildcard_vendor(a)) {
        tags.push("ID-3");
    }
    let actions = Tri::any(s.actions.iter().map(|p| action_pattern(p, &request.action)));
    let actions = if s.not_action { actions.not() } else { actions };
    if actions == Tri::No {
        return;
    }
    let mut reasons = Vec::new();
    // Every entry is looked at (ID-12 is set whatever the other entries say).
    let entries: Vec<Tri> = s
        .resources
        .iter()
        .map(|p| resource_entry(p, live, s.not_resource, request, &mut reasons, tags))
        .collect();
    let entries = Tri::any(entries);
    let resources = if s.not_resource {
        entries.not()
    } else {
        entries
    };
    match resources {
        Tri::No => return,
        Tri::Maybe => tags.extend(reasons),
        Tri::Yes => {}
    }
    for c in &s.conditions {
        condition_tags(c, request, tags);
    }
}

/// Whether the request is one AWS could not send (§2).
fn outside_catalog(request: &GenRequest) -> bool {
    let context: Vec<(&str, ContextShape<'_>)> = request
        .context
        .iter()
        .map(|(k, v)| {
            let shape = match v {
                CtxValue::Single(s) => ContextShape::Single(s),
                CtxValue::Multi(items) => ContextShape::Array(items),
            };
            (k.as_str(), shape)
        })
        .collect();
    catalog::outside_catalog(&request.action, &request.resource, &context).is_some()
}

/// Choices that decide whether the document is accepted at all, so that they reach the
/// answer wherever they are written: a short ARN pattern (ID-15: another reading rejects it)
/// and a policy variable in a `Bool` value (ID-18: likewise).
fn document_tags(s: &GenStatement, live: bool, tags: &mut Vec<&'static str>) {
    let short = |text: &str, variables: bool| {
        matches!(
            arn::pattern_shape(text, variables),
            arn::PatternShape::Short { .. }
        )
    };
    if s.resources.iter().any(|r| short(r, false)) {
        tags.push("ID-15");
    }
    for c in &s.conditions {
        let base = base_operator(&c.operator);
        let has_variable = |v: &String| live && v.contains("${");
        if base.starts_with("Arn") && c.values.iter().any(|v| short(v, has_variable(v))) {
            tags.push("ID-15");
        }
        if base == "Bool" && c.values.iter().any(has_variable) {
            tags.push("ID-18");
        }
        // ID-9 (spec v2): under its `error` reading a bare IPv6 address rejects the document,
        // whatever the request, so the choice is made wherever one is written.
        if base.ends_with("IpAddress") && c.values.iter().any(|v| bare_ipv6(v)) {
            tags.push("ID-9");
        }
    }
}

/// The operator without its qualifier and `IfExists` (`StringLike`).
fn base_operator(operator: &str) -> &str {
    operator
        .rsplit(':')
        .next()
        .unwrap_or(operator)
        .trim_end_matches("IfExists")
}

fn wildcard_vendor(pattern: &str) -> bool {
    pattern
        .split_once(':')
        .is_some_and(|(vendor, _)| vendor.contains(['*', '?']))
}

/// One action pattern against the request's action (§4): no choice reaches it.
fn action_pattern(pattern: &str, action: &str) -> Tri {
    if pattern == "*" {
        return Tri::Yes;
    }
    if !pattern.is_ascii() || !action.is_ascii() || wildcard_vendor(pattern) {
        return Tri::Maybe;
    }
    let (Some((pv, pn)), Some((av, an))) = (pattern.split_once(':'), action.split_once(':')) else {
        return Tri::Maybe;
    };
    if !pv.eq_ignore_ascii_case(av) {
        return Tri::No;
    }
    let tokens = tokenize(&pn.to_ascii_lowercase());
    Tri::from_bool(matches_tokens(
        &tokens,
        GlobSyntax::Text,
        &an.to_ascii_lowercase(),
    ))
}

/// The request's value of a key (key names compare case-insensitively).
fn lookup<'r>(request: &'r GenRequest, key: &str) -> Option<&'r CtxValue> {
    request
        .context
        .iter()
        .find(|(k, _)| iam_policy::text::eq_folded(k, key))
        .map(|(_, v)| v)
}

/// One resource entry against the request's resource, over the readings of ID-6 and ID-7.
/// Why it is unknown goes to `reasons` (set only when the whole element is unknown); an
/// entry whose outcome another choice could turn into anything (ID-12) goes to `tags` at once.
fn resource_entry(
    pattern: &str,
    live: bool,
    negated: bool,
    request: &GenRequest,
    reasons: &mut Vec<&'static str>,
    tags: &mut Vec<&'static str>,
) -> Tri {
    if pattern == "*" {
        return Tri::Yes;
    }
    let tokens = if live && pattern.contains("${") {
        let Some(split) = fifth_colon(pattern) else {
            reasons.extend(["ID-6", "ID-7"]);
            return Tri::Maybe;
        };
        let (head, tail) = pattern.split_at(split);
        let mut tokens = tokenize(head);
        let (template, _) = Template::parse(tail);
        let resolved =
            template.tokens_into(|key| lookup(request, key).and_then(single), &mut tokens);
        if !resolved {
            // A variable without a value: the entry matches nothing under the reference; under
            // `NotResource` that reading is ID-12 (another may exclude everything, or fail).
            if negated {
                tags.push("ID-12");
                return Tri::Maybe;
            }
            return Tri::No;
        }
        tokens
    } else {
        // ID-15: a short pattern is matched as padded (its tag is set by `document_tags`).
        tokenize(&arn::padded(pattern))
    };
    if request.resource == "*" {
        return Tri::No;
    }
    // ID-17: another reading takes a wildcard in the resource-type part literally, so that
    // the entry matches nothing; where the reference's reading may match, that differs.
    if wildcard_in_resource_type(pattern) {
        let reference = resource_readings(&tokens, &request.resource, reasons);
        if reference != Tri::No {
            reasons.push("ID-17");
            return Tri::Maybe;
        }
        return Tri::No;
    }
    resource_readings(&tokens, &request.resource, reasons)
}

/// Whether the resource part of an ARN pattern has a `*` or `?` in its resource-type text:
/// before its first `/` (`...:*/fw-1`), or, when it has none, mixed with other text
/// (`...:u*`, `...:job*`). A resource part of stars only (`...:*`, and the padding of a short
/// pattern) stands for the whole resource, type and id: an ordinary wildcard.
pub fn wildcard_in_resource_type(pattern: &str) -> bool {
    arn::resource_part(pattern).is_some_and(|part| match part.split_once('/') {
        Some((kind, _)) => kind.contains(['*', '?']),
        None => part.contains(['*', '?']) && !part.chars().all(|c| c == '*'),
    })
}

/// The ARN head the `insensitive` reading of ID-6 folds: `arn`, partition, service and
/// region (the text before the fourth colon).
const ARN_HEAD: usize = 4;

/// One resource entry's tokens against the request's resource, over the readings of ID-6
/// and ID-7.
fn resource_readings(tokens: &[GlobToken], resource: &str, reasons: &mut Vec<&'static str>) -> Tri {
    let folded = fold_tokens(tokens, ARN_HEAD);
    let folded_resource = fold_head(resource, ARN_HEAD);
    let never = never_crosses(tokens, resource);
    let always = matches_tokens(tokens, GlobSyntax::Text, resource);
    let never_folded = never_crosses(&folded, &folded_resource);
    let always_folded = matches_tokens(&folded, GlobSyntax::Text, &folded_resource);
    if never == always && never_folded == always_folded && never == never_folded {
        return Tri::from_bool(never);
    }
    if never != always || never_folded != always_folded {
        reasons.push("ID-7");
    }
    if never != never_folded || always != always_folded {
        reasons.push("ID-6");
    }
    Tri::Maybe
}

/// The byte offset just after the fifth colon.
fn fifth_colon(pattern: &str) -> Option<usize> {
    pattern
        .match_indices(':')
        .nth(4)
        .map(|(i, _)| i + 1)
        .filter(|&i| !pattern.get(..i).unwrap_or("").contains("${"))
}

/// A single value, or an array of one (what a variable substitutes).
fn single(value: &CtxValue) -> Option<&str> {
    match value {
        CtxValue::Single(s) => Some(s),
        CtxValue::Multi(v) => match v.as_slice() {
            [one] => Some(one),
            _ => None,
        },
    }
}

fn condition_tags(c: &GenCondition, request: &GenRequest, tags: &mut Vec<&'static str>) {
    let base = base_operator(&c.operator);
    let qualified = c.operator.contains(':');
    // An absent key depends on no choice (IfExists, Null and the qualifiers have fixed rules).
    let Some(value) = lookup(request, &c.key) else {
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
    if base.ends_with("IpAddress") {
        ip_tags(&c.values, value.values(), tags);
    }
    if base.starts_with("Arn") && arn_head_differs(&c.values, value.values()) {
        tags.push("ID-6");
    }
    // ID-21: a request value of fewer than six components, which the readings treat apart.
    if base.starts_with("Arn")
        && value
            .values()
            .iter()
            .any(|v| arn::split(v, false).is_none())
    {
        tags.push("ID-21");
    }
    // ID-14: a digits-only date of four digits is epoch seconds or, read otherwise, a year.
    let year_like = |v: &String| v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit());
    if base.starts_with("Date")
        && (c.values.iter().any(year_like) || value.values().iter().any(year_like))
    {
        tags.push("ID-14");
    }
    // ID-20: the request's bytes against the decoded policy value, or the two texts.
    if base == "BinaryEquals" {
        let differs = value.values().iter().any(|one| {
            c.values.iter().any(|v| {
                let decoded = value::decode_base64(v).is_ok_and(|d| d == one.as_bytes());
                decoded != (v == one)
            })
        });
        if differs {
            tags.push("ID-20");
        }
    }
}

/// ID-10 where an IPv4-mapped address falls in a range under one reading and not the other
/// (ID-9 is a document tag: `document_tags`).
fn ip_tags(ranges: &[String], addresses: &[String], tags: &mut Vec<&'static str>) {
    let read: Vec<_> = ranges.iter().filter_map(|r| read_range(r)).collect();
    for a in addresses {
        let Ok(address) = value::parse_ip_address(a) else {
            continue;
        };
        let IpAddr::V6(v6) = address else {
            continue;
        };
        if let Some(v4) = v6.to_ipv4_mapped() {
            let differs = read.iter().any(|range| {
                naive_contains(*range, IpAddr::V6(v6)) != naive_contains(*range, IpAddr::V4(v4))
            });
            if differs {
                tags.push("ID-10");
            }
        }
    }
}

/// Whether folding the case of the ARN head (partition, service, region) changes whether
/// the first four components of some pattern match some request value (ID-6).
fn arn_head_differs(patterns: &[String], values: &[String]) -> bool {
    let head =
        |text: &str| -> String { arn::components(text).take(4).collect::<Vec<_>>().join(":") };
    patterns.iter().any(|p| {
        let p_head = head(p);
        let tokens = tokenize(&p_head);
        let folded = fold_tokens(&tokens, ARN_HEAD);
        values.iter().any(|v| {
            let v_head = head(v);
            never_crosses(&tokens, &v_head) != never_crosses(&folded, &fold_head(&v_head, ARN_HEAD))
        })
    })
}

/// A bare IPv6 address (no prefix) as a policy range.
fn bare_ipv6(range: &str) -> bool {
    !range.contains('/') && range.parse::<std::net::Ipv6Addr>().is_ok()
}

impl GenCase {
    /// The protocol case with its tags.
    pub fn to_generated(&self, id: String) -> GeneratedCase {
        GeneratedCase {
            case: CaseLine {
                id,
                policies: self.policies.iter().map(GenPolicy::to_protocol).collect(),
                request: self.request.to_line(),
            },
            implementation_defined: implementation_defined(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert!(bare_ipv6("2001:db8::1"));
        assert!(wildcard_in_resource_type("arn:aws:iot:r:1:*/fw-1"));
        assert!(wildcard_in_resource_type("arn:aws:iot:r:1:j*"));
        assert!(wildcard_in_resource_type(
            "arn:aws:elasticloadbalancing:*:*:*/*"
        ));
        assert!(!wildcard_in_resource_type("arn:aws:iot:*:*:*"));
        assert!(!wildcard_in_resource_type("arn:aws:iot:r:1:job/*"));
        assert!(!wildcard_in_resource_type("arn:aws:iot:us-east-1"));
        assert!(!bare_ipv6("2001:db8::/32"));
        assert!(!bare_ipv6("10.0.0.1"));
        assert_eq!(
            fifth_colon("arn:aws:iot:r:a:thing/${aws:username}"),
            Some(16)
        );
        assert_eq!(
            fold_head("arn:AWS:IoT:US-east-1:A:job/X", ARN_HEAD),
            "arn:aws:iot:us-east-1:A:job/X"
        );
    }

    #[test]
    fn readings_of_a_star() {
        let t = tokenize("arn:aws:iot:*:1:job/*");
        assert!(never_crosses(&t, "arn:aws:iot:r:1:job/x"));
        assert!(!never_crosses(&t, "arn:aws:iot:r:1:job/x:y"));
        assert!(matches_tokens(
            &t,
            GlobSyntax::Text,
            "arn:aws:iot:r:1:job/x:y"
        ));
    }

    /// ID-7/ID-6: where the analysis says an entry matches (or not) under every reading, the
    /// reference (one of the readings) agrees; so the reference lies between the extremes.
    #[test]
    fn reference_lies_between_the_readings() {
        use crate::generate::{arb_model, model::Form, GeneratorConfig};
        use proptest::strategy::{Strategy, ValueTree};
        use proptest::test_runner::TestRunner;
        use serde_json::json;
        let mut known = 0;
        for preset in [
            GeneratorConfig::default(),
            serde_json::from_str(include_str!("../../presets/variables.json")).unwrap(),
        ] {
            let strategy = arb_model(&preset);
            let mut runner = TestRunner::deterministic();
            for _ in 0..1_500 {
                let model = strategy.new_tree(&mut runner).unwrap().current();
                let request = model.request.to_line().to_request().unwrap();
                for policy in model
                    .policies
                    .iter()
                    .filter(|p| matches!(p.form, Form::Object | Form::Text))
                {
                    for s in &policy.statements {
                        for r in &s.resources {
                            let t = resource_entry(
                                r,
                                policy.variables_live(),
                                false,
                                &model.request,
                                &mut Vec::new(),
                                &mut Vec::new(),
                            );
                            if t == Tri::Maybe {
                                continue;
                            }
                            known += 1;
                            let mut doc = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": r}});
                            if let Some(v) = &policy.version {
                                doc["Version"] = json!(v);
                            }
                            let set = iam_eval::PolicySet::from_texts(&[&doc.to_string()]).unwrap();
                            let allowed = set.decide(&request) == Some(iam_eval::Decision::Allow);
                            assert_eq!(
                                allowed,
                                t == Tri::Yes,
                                "{r} against {}",
                                model.request.resource
                            );
                        }
                    }
                }
            }
        }
        assert!(known > 1_000);
    }

    #[test]
    fn actions() {
        assert_eq!(action_pattern("iot:describe*", "IOT:DescribeJob"), Tri::Yes);
        assert_eq!(action_pattern("iot:*", "iotjobsdata:DescribeJob"), Tri::No);
        assert_eq!(action_pattern("iot*:*", "iot:DescribeJob"), Tri::Maybe);
    }
}
