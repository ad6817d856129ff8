//! The root-cause key of a disagreement: coarse enough that one evaluator bug is one group,
//! fine enough that every case of a group shows the group's cause.
//!
//! - A decision disagreement is keyed by the **deciding element** of its shrunk case and the
//!   direction: the condition operator families it still holds (`op:IpAddress`,
//!   `op:Bool+op:IpAddress` when two remain), else `NotResource`, else `NotAction`, else `-`
//!   (only `Action` and `Resource` decide); or `variables` when the shrunk case still holds a
//!   policy variable (substitution is a cause of its own, whatever element holds the
//!   variable; the shrink writes out the variables a disagreement does not need). The other
//!   labels (the qualifiers
//!   `negated`, `ForAnyValue` / `ForAllValues`, `IfExists`, `IPv6`, `context:multivalued`,
//!   `resource:*`, the `ID-n` points) are the case's **variant** inside the group: its detailed
//!   key ([`super::detailed_key`]), counted per group and shown under it.
//! - An error message is keyed by its stable stem ([`message_stem`], [`reference_stem`]): the
//!   message without where it happened (`policy #:`, `at line # column #`) and without the
//!   detail that follows a quoted value (`Invalid value for field `…`: Only IAM version ...`
//!   is `Invalid value for field`), its masked values left out. The full message is the
//!   variant.

use super::cause::feature_labels;

/// The deciding element of a decision disagreement whose (shrunk) case carries `labels`:
/// `variables` when it holds a policy variable (the shrink writes out the variables a
/// disagreement does not need, so one that stays is part of its cause); else its condition
/// operator families, by AWS's families (`op:StringLike` is a String operator: `op:String`);
/// else `NotResource`; else `NotAction`; else `-` (only Action and Resource decide).
pub fn deciding_element(labels: &[String]) -> String {
    let features = feature_labels(labels);
    let has = |label: &str| features.iter().any(|l| l == label);
    if has("variables") {
        return "variables".to_owned();
    }
    if let Some(family) = features.iter().find_map(|l| l.strip_prefix(DECIDES)) {
        return family.to_owned();
    }
    let mut families: Vec<&str> = features
        .iter()
        .filter(|l| l.starts_with("op:"))
        .map(|l| {
            if l == "op:StringLike" {
                "op:String"
            } else {
                l.as_str()
            }
        })
        .collect();
    families.sort_unstable();
    families.dedup();
    if !families.is_empty() {
        families.join("+")
    } else if has("NotResource") {
        "NotResource".to_owned()
    } else if has("NotAction") {
        "NotAction".to_owned()
    } else {
        "-".to_owned()
    }
}

/// The prefix of the label that names the one operator family deciding a case that holds
/// several ([`deciding_family`]): `decides:op:Bool`. It keys the group; the variant keeps
/// every family.
pub const DECIDES: &str = "decides:";

/// For a decision case that holds condition operators of several families, the one family
/// whose operators, taken out of the case, make the reference answer as the candidate did (the
/// candidate behaves as if those conditions held, or were not there), as a label
/// `decides:op:<family>` to add to the case's labels; `None` for a case of one family or none,
/// or when no single family (or more than one) does.
pub fn deciding_family(
    oracle: &mut crate::oracle::Oracle,
    case: &crate::protocol::CaseLine,
    candidate_verdict: &str,
) -> Option<String> {
    if !matches!(
        candidate_verdict,
        "allowed" | "explicitDeny" | "implicitDeny"
    ) {
        return None;
    }
    let families = condition_families(case);
    if families.len() < 2 {
        return None;
    }
    let mut deciding = families.iter().filter(|family| {
        let mut without = case.clone();
        for policy in &mut without.policies {
            for statement in statements_mut(policy) {
                let emptied = match statement.get_mut("Condition") {
                    Some(serde_json::Value::Object(condition)) => {
                        condition.retain(|operator, _| family_of(operator) != **family);
                        condition.is_empty()
                    }
                    _ => false,
                };
                if emptied {
                    statement.remove("Condition");
                }
            }
        }
        oracle.answer(&without).verdict.word() == candidate_verdict
    });
    match (deciding.next(), deciding.next()) {
        (Some(family), None) => Some(format!("{DECIDES}op:{family}")),
        _ => None,
    }
}

/// The family of a condition operator name, as keys name it (`op:StringLike` is `String`).
fn family_of(operator: &str) -> &'static str {
    let name = operator.split_once(':').map_or(operator, |(_, n)| n);
    let name = name.strip_suffix("IfExists").unwrap_or(name);
    match crate::labels::operator_family(name) {
        "StringLike" => "String",
        family => family,
    }
}

/// The operator families of a case's conditions (documents given as objects), sorted.
fn condition_families(case: &crate::protocol::CaseLine) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for policy in &case.policies {
        let mut policy = policy.clone();
        for statement in statements_mut(&mut policy) {
            if let Some(serde_json::Value::Object(condition)) = statement.get("Condition") {
                out.extend(condition.keys().map(|k| family_of(k)));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The statements of a policy document given as a JSON object.
fn statements_mut(
    document: &mut serde_json::Value,
) -> Vec<&mut serde_json::Map<String, serde_json::Value>> {
    match document.get_mut("Statement") {
        Some(serde_json::Value::Object(one)) => vec![one],
        Some(serde_json::Value::Array(many)) => many
            .iter_mut()
            .filter_map(serde_json::Value::as_object_mut)
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `rest` starts with a masked value: a quoted text masked as `…` or a number as `#`.
fn starts_masked(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        Some('#') => true,
        Some('`' | '"' | '\'') => chars.next() == Some('…'),
        _ => false,
    }
}

/// The text with its masked values left out (`#`, `#-#-#`, `` `…` ``, `"…"`), blanks
/// collapsed.
fn without_masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if starts_masked(rest) {
            // Skip the masked value and what joins it to another (`#-#-#`, `#.#`, `#/#`).
            let mut skipped = rest;
            loop {
                let mut chars = skipped.chars();
                match chars.next() {
                    Some('#' | '…') => skipped = chars.as_str(),
                    Some(q @ ('`' | '"' | '\'')) => {
                        let after = chars.as_str();
                        let after = after.strip_prefix('…').unwrap_or(after);
                        skipped = after.strip_prefix(q).unwrap_or(after);
                        // A backquote masked up to a straight quote (`mask_message`).
                        if q == '`' {
                            skipped = skipped.strip_prefix('\'').unwrap_or(skipped);
                        }
                    }
                    Some('-' | '.' | '/' | ':') if starts_masked(chars.as_str()) => {
                        skipped = chars.as_str();
                    }
                    _ => break,
                }
            }
            rest = skipped;
            continue;
        }
        out.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a message says where rather than what: ` at #...`, ` at line #`, ` at position #`.
fn location_start(text: &str) -> Option<usize> {
    text.match_indices(" at ").map(|(i, _)| i).find(|&i| {
        let after = text.get(i + " at ".len()..).unwrap_or("");
        starts_masked(after)
            || ["line #", "position #", "column #", "offset #"]
                .iter()
                .any(|p| after.starts_with(p))
    })
}

/// The first `: ` after a masked value: what follows is the detail of one value, not the kind
/// of message (`Invalid condition for key `…`: String operator requires string`).
fn detail_start(text: &str) -> Option<usize> {
    let first_masked = text
        .char_indices()
        .find(|(i, _)| starts_masked(text.get(*i..).unwrap_or("")))
        .map(|(i, _)| i)?;
    text.get(first_masked..)
        .and_then(|rest| rest.find(": "))
        .map(|j| first_masked + j)
}

/// A text as one word of a group key ([`super::cause::key_word`]), without `:` or `.` at
/// either end.
fn slug(text: &str) -> String {
    super::cause::key_word(text)
        .trim_matches(|c| c == '_' || c == ':' || c == '.')
        .to_owned()
}

/// The stable stem of a candidate's masked error message, as one word: its signature
/// ([`super::error_signature`]) up to where it says where (` at #`, ` at line #`) or starts
/// the detail of a value (`: ` after a masked value), without masked values.
pub fn message_stem(masked: &str) -> String {
    let signature = super::error_signature(masked);
    let mut end = signature.len();
    for cut in [location_start(signature), detail_start(signature)]
        .into_iter()
        .flatten()
    {
        end = end.min(cut);
    }
    let stem = without_masked(signature.get(..end).unwrap_or(signature));
    match slug(&stem) {
        s if s.is_empty() => super::error_slug(masked),
        s => s,
    }
}

/// The stable stem of the reference's masked message refusing a request: without the place
/// (`policy # statement # condition key `…`:`), the value (`` `…` ``, `an empty string`) and
/// the reason after `: ` (`is not an IP address: octet is out of range` is
/// `is_not_an_IP_address`).
pub fn reference_stem(masked: &str) -> String {
    let mut rest = masked.trim_start();
    loop {
        let before = rest;
        for place in ["policy #", "statement #", "check #", "condition key `…`"] {
            if let Some(after) = rest.strip_prefix(place) {
                rest = after.trim_start();
            }
        }
        if let Some(after) = rest.strip_prefix(':') {
            rest = after.trim_start();
        }
        if before == rest {
            break;
        }
    }
    let what = rest.split([';', '\n']).next().unwrap_or("");
    let what = what.split(": ").next().unwrap_or(what);
    let mut what = without_masked(what);
    if let Some(after) = what.strip_prefix("an empty string ") {
        what = after.to_owned();
    }
    match slug(&what) {
        s if s.is_empty() => super::error_slug(masked),
        s => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::mask_message;

    fn strings(labels: &[&str]) -> Vec<String> {
        labels.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_deciding_element_is_the_operator_family_or_the_element() {
        assert_eq!(
            deciding_element(&strings(&["Deny", "op:IpAddress"])),
            "op:IpAddress"
        );
        // Qualifiers and points are variants, not elements.
        assert_eq!(
            deciding_element(&strings(&[
                "ForAnyValue",
                "ID-16",
                "IPv6",
                "IfExists",
                "context:multivalued",
                "negated",
                "op:IpAddress",
                "resource:*"
            ])),
            "op:IpAddress"
        );
        assert_eq!(
            deciding_element(&strings(&["op:IpAddress", "op:Bool", "NotAction"])),
            "op:Bool+op:IpAddress"
        );
        assert_eq!(
            deciding_element(&strings(&["NotAction", "NotResource", "ID-15"])),
            "NotResource"
        );
        assert_eq!(deciding_element(&strings(&["NotAction"])), "NotAction");
        assert_eq!(deciding_element(&strings(&["policies:many", "call"])), "-");
        assert_eq!(
            deciding_element(&strings(&["op:String", "variables"])),
            "variables"
        );
        assert_eq!(
            deciding_element(&strings(&["NotResource", "variables"])),
            "variables"
        );
        assert_eq!(deciding_element(&strings(&["variables"])), "variables");
        // StringLike is one of AWS's String condition operators.
        assert_eq!(
            deciding_element(&strings(&["negated", "op:StringLike"])),
            "op:String"
        );
    }

    #[test]
    fn of_two_families_the_one_the_candidate_ignores_decides() {
        let case = crate::protocol::CaseLine::from_value(&serde_json::json!({"id": "c",
            "policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
                "Action": "iot:CreateJob", "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                              "Bool": {"aws:ViaAWSService": "true"}}}}],
            "request": {"action": "iot:CreateJob", "resource": "arn:aws:iot:us-east-1:123456789012:job/j",
                "context": {"aws:SourceIp": "203.0.113.7", "aws:ViaAWSService": "false"}}}))
        .unwrap();
        let mut oracle = crate::oracle::Oracle::new();
        // The reference does not apply the statement (Bool is false); a candidate that allows
        // behaves as if the Bool condition were not there: Bool decides, not IpAddress.
        assert_eq!(
            deciding_family(&mut oracle, &case, "allowed").as_deref(),
            Some("decides:op:Bool")
        );
        let mut labels = strings(&["op:Bool", "op:IpAddress"]);
        labels.push("decides:op:Bool".to_owned());
        assert_eq!(deciding_element(&labels), "op:Bool");
        // The variant keeps both families.
        assert_eq!(
            crate::groups::detailed_key(&labels, "implicitDeny", "allowed", Default::default()),
            "op:Bool,op:IpAddress;applies-more"
        );
        // An answer no family's removal gives names none; nor does an error; one family is
        // no choice.
        assert_eq!(deciding_family(&mut oracle, &case, "explicitDeny"), None);
        assert_eq!(deciding_family(&mut oracle, &case, "error"), None);
        let mut one = case.clone();
        one.policies[0]["Statement"]["Condition"]
            .as_object_mut()
            .unwrap()
            .remove("IpAddress");
        assert_eq!(deciding_family(&mut oracle, &one, "allowed"), None);
    }

    #[test]
    fn a_message_stem_drops_where_and_the_detail_of_a_value() {
        let stem = |m: &str| message_stem(&mask_message(m));
        assert_eq!(
            stem("policy 0: pbac schema: INVALID_TYPE at #/Statement/0/Resource"),
            "pbac_schema:_INVALID_TYPE"
        );
        assert_eq!(
            stem("pbac schema: INVALID_TYPE at #/Statement"),
            stem("policy 2: pbac schema: INVALID_TYPE at #/Statement/1/Action")
        );
        assert_eq!(
            stem("iam-rs parse: missing field `Version` at line 1 column 80"),
            "iam-rs_parse:_missing_field"
        );
        assert_eq!(
            stem("iam-rs validation: Invalid value for field `Version`: Only IAM version 2012-10-17 is supported"),
            stem("iam-rs validation: Invalid value for field `Id`: Policy ID cannot be empty")
        );
        assert_eq!(
            stem("iam-rs validation: Invalid condition for key `aws:x`: String operator requires string"),
            "iam-rs_validation:_Invalid_condition_for_key"
        );
        assert_eq!(
            stem("Condition key `iot:jobid` not found"),
            "Condition_key_not_found"
        );
        assert_eq!(
            stem("MalformedPolicyDocument: Policy document must be version 2012-10-17 or greater."),
            "MalformedPolicyDocument:_Policy_document_must_be_version_or_greater"
        );
        assert_eq!(
            stem("MalformedPolicyDocument: Partition \"a?s\" is not valid for resource \"arn:a?s:iot:x\"."),
            "MalformedPolicyDocument:_Partition_is_not_valid_for_resource"
        );
        assert_eq!(
            stem("error: multiple repeat at position 3"),
            "error:_multiple_repeat"
        );
        assert_eq!(stem("no.resource.types"), "no.resource.types");
        assert_ne!(stem("no.resource.types"), stem("must.use.wildcard"));
        // A message that is only a masked value keeps its signature.
        assert_eq!(stem("`x`"), crate::groups::error_slug("`…`"));
    }

    #[test]
    fn a_reference_stem_is_the_kind_of_value_it_cannot_read() {
        let stem = |m: &str| reference_stem(&mask_message(m));
        let octet = stem("policy 0 statement 1 condition key `aws:SourceIp`: `1.2.3.999` is not an IP address: octet is out of range");
        let v6 = stem("policy 2 statement 0 condition key `aws:SourceIp`: `::g` is not an IP address: it is not an IPv6 address");
        assert_eq!(octet, "is_not_an_IP_address");
        assert_eq!(octet, v6);
        assert_eq!(
            stem("policy 0 statement 0 condition key `aws:SourceIp`: an empty string is not an IP address"),
            octet
        );
        assert_eq!(
            stem("policy 0 statement 0 condition key `aws:CurrentTime`: `2024-02-30` is not a date: day does not exist in month"),
            "is_not_a_date"
        );
        assert_eq!(
            stem("context key `aws:a` duplicates `aws:A`: context keys are case-insensitive"),
            "context_key_duplicates"
        );
    }
}
