//! Which base cases an evaluator invariant may run on: those where no implementation-defined
//! point (`ID-n`, docs/semantics.md §11) can be reached, so that every permitted reading gives
//! the same answers and a broken relation is a real bug, never a reading.
//!
//! The scan works on the protocol's JSON (so that it serves generated, golden and shrunk cases
//! alike) and errs on the side of naming a point: a document feature counts wherever it is
//! written, and an ARN pattern counts when its most permissive reading (case folded, every
//! wildcard and variable reaching across colons) matches what it is compared with. A case it
//! leaves unnamed is one where no `ID-n` can reach any answer; the invariants only build
//! variants that keep it so.
//!
//! ID-16 (a request outside the catalog, §2: decided as given, or refused with an error) is the
//! exception: the relations handle it themselves. A refusal belongs to the request, whatever
//! the policies, so relations between answers to the same request hold under both readings;
//! where a relation expects a fixed answer, it also accepts `error` for a request outside the
//! catalog ([`request_in_catalog`]).

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde_json::{Map, Value};

use iam_policy::condition::{Family, Operator};
use iam_policy::diagnostic::Code;
use iam_policy::pattern::{Glob, GlobSyntax};
use iam_policy::{arn, catalog};
use iam_policy::{value, Policy};

use crate::protocol::{CaseLine, RequestLine};

/// Global condition keys: every request may carry them (lowercase).
const GLOBAL_KEYS: &[&str] = &[
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:currenttime",
    "aws:epochtime",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principaltype",
    "aws:referer",
    "aws:requestedregion",
    "aws:securetransport",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:tokenissuetime",
    "aws:useragent",
    "aws:userid",
    "aws:username",
    "aws:viaawsservice",
];

/// Global keys whose prefix is followed by a tag key (lowercase).
const GLOBAL_PREFIXES: &[&str] = &["aws:principaltag/"];

/// Condition keys declared multivalued (lowercase): only they may hold an array.
const MULTIVALUED_KEYS: &[&str] = &["aws:tagkeys", "aws:calledvia"];

/// The `ID-n` points whose feature `case` holds (sorted); empty when none.
pub fn id_points(case: &CaseLine) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    request_points(&case.request, &mut found);
    for policy in &case.policies {
        match policy {
            Value::Object(root) => scan_policy(root, &case.request, &mut found),
            Value::String(text) => {
                text_points(text, &mut found);
                if let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) {
                    scan_policy(&root, &case.request, &mut found);
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether `case` holds no `ID-n` feature.
pub fn is_id_free(case: &CaseLine) -> bool {
    id_points(case).is_empty()
}

/// Whether a request is one AWS would send (§2): a catalog action, a resource of a type the
/// action takes (`*` when it takes none), global keys and the action's own keys only, arrays
/// only for multivalued keys. Action and key names compare case-insensitively.
pub fn request_in_catalog(request: &RequestLine) -> bool {
    let Some((vendor, name)) = request.action.split_once(':') else {
        return false;
    };
    let Some(info) = catalog::lookup_action(vendor, name) else {
        return false;
    };
    let resource_fits = if info.resources.is_empty() {
        request.resource == "*"
    } else {
        arn::split(&request.resource, false).is_some()
            && catalog::takes_arn(info, &request.resource) == Some(true)
    };
    resource_fits
        && request.context.iter().all(|(key, value)| {
            let key = key.to_lowercase();
            let known = GLOBAL_KEYS.contains(&key.as_str())
                || GLOBAL_PREFIXES.iter().any(|p| key.starts_with(p))
                || declared_key(info, &request.resource, &key);
            let shape = match value {
                Value::String(_) => true,
                Value::Array(_) => MULTIVALUED_KEYS.contains(&key.as_str()),
                _ => false,
            };
            known && shape
        })
}

/// Whether the action (or the type of its resource) declares `key` (lowercase).
fn declared_key(info: &catalog::ActionInfo, resource: &str, key: &str) -> bool {
    let fits = |declared: &&str| {
        let declared = declared.to_lowercase();
        match declared.split_once("${") {
            Some((prefix, _)) => key.starts_with(prefix) && key.len() > prefix.len(),
            None => declared == key,
        }
    };
    info.condition_keys.iter().any(fits)
        || catalog::resource_types_of(resource)
            .iter()
            .any(|t| t.condition_keys.iter().any(fits))
}

/// The strings of a JSON string or array.
fn texts(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Points of the request alone: a wildcard vendor, a short resource ARN, IPv4-mapped
/// addresses.
fn request_points(request: &RequestLine, found: &mut BTreeSet<&'static str>) {
    if request
        .action
        .split_once(':')
        .is_some_and(|(v, _)| v.contains(['*', '?']))
    {
        found.insert("ID-3");
    }
    if request.resource.starts_with("arn:") && arn::split(&request.resource, false).is_none() {
        found.insert("ID-15");
    }
    for value in request.context.values() {
        for text in texts(value) {
            if mapped_address(text) {
                found.insert("ID-10");
            }
        }
    }
}

/// The pattern with every variable read as `*`, and the colons left outside variables.
fn without_variables(pattern: &str) -> (String, usize) {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                out.push('*');
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let colons = out.matches(':').count();
    (out, colons)
}

/// An ARN pattern compared with an ARN value: where the most permissive reading matches, a
/// head in other case (ID-6), a wildcard in the resource type (ID-17), a wildcard with fewer
/// colons than the value (ID-7: a `*` may or may not reach across them).
fn arn_pair_points(pattern: &str, value: &str, found: &mut BTreeSet<&'static str>) {
    let (plain, pattern_colons) = without_variables(pattern);
    let permissive = Glob::new(&plain.to_lowercase(), GlobSyntax::Text);
    if !permissive.is_match(&value.to_lowercase()) {
        return;
    }
    if head_not_lowercase(pattern) || head_not_lowercase(value) {
        found.insert("ID-6");
    }
    let wildcard = plain.contains(['*', '?']);
    if wildcard && value.matches(':').count() > pattern_colons {
        found.insert("ID-7");
    }
    if let Some(resource) = arn::resource_part(pattern) {
        let kind = resource.split('/').next().unwrap_or(resource);
        if kind.contains(['*', '?']) {
            found.insert("ID-17");
        }
    }
}

/// Whether the partition, service or region of an ARN has an upper-case letter.
fn head_not_lowercase(text: &str) -> bool {
    arn::components(text)
        .take(4)
        .any(|part| part.chars().any(char::is_uppercase))
}

/// An IPv4-mapped IPv6 address, or text that mixes both families.
fn mapped_address(text: &str) -> bool {
    let address = text.split('/').next().unwrap_or(text);
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => v6.to_ipv4_mapped().is_some() || address.contains('.'),
        Ok(IpAddr::V4(_)) => false,
        Err(_) => address.contains(':') && address.contains('.'),
    }
}

/// Points of a document given as text that the reference rejects for an `ID-n` reason.
fn text_points(text: &str, found: &mut BTreeSet<&'static str>) {
    let Err(diagnostics) = Policy::parse(text) else {
        return;
    };
    for d in diagnostics.errors() {
        let point = match d.code {
            Code::DuplicateKey => "ID-1",
            Code::DuplicateSid => "ID-2",
            Code::InvalidAction => "ID-3",
            Code::UnknownOperator => "ID-4",
            Code::EmptyConditionValues => "ID-11",
            Code::InvalidQualifier => "ID-13",
            Code::InvalidResource => "ID-15",
            Code::InvalidBool => "ID-18",
            Code::InvalidNumber | Code::InvalidIpRange => "ID-19",
            _ => continue,
        };
        found.insert(point);
    }
}

/// Points of one policy object.
fn scan_policy(
    root: &Map<String, Value>,
    request: &RequestLine,
    found: &mut BTreeSet<&'static str>,
) {
    let statements: Vec<&Value> = match root.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let live = root.get("Version").and_then(Value::as_str) == Some("2012-10-17");
    let mut sids: Vec<&str> = Vec::new();
    for s in statements {
        let Value::Object(s) = s else { continue };
        if let Some(Value::String(sid)) = s.get("Sid") {
            if sids
                .iter()
                .any(|o| *o != sid && o.eq_ignore_ascii_case(sid))
            {
                found.insert("ID-2");
            }
            sids.push(sid);
        }
        for key in ["Action", "NotAction"] {
            for a in s.get(key).map(texts).unwrap_or_default() {
                if a.split_once(':')
                    .is_some_and(|(v, _)| v.contains(['*', '?']))
                {
                    found.insert("ID-3");
                }
            }
        }
        for key in ["Resource", "NotResource"] {
            for r in s.get(key).map(texts).unwrap_or_default() {
                arn_pattern_points(r, found);
                if is_arn(r) {
                    arn_pair_points(r, &request.resource, found);
                }
                if key == "NotResource" && live && unvalued_variable(r, request) {
                    found.insert("ID-12");
                }
            }
        }
        if let Some(Value::Object(block)) = s.get("Condition") {
            for (operator, body) in block {
                condition_points(operator, body, request, found);
            }
        }
    }
}

/// Whether a text is an ARN (pattern or value).
fn is_arn(text: &str) -> bool {
    text.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("arn:"))
}

/// An ARN pattern on its own: short (ID-15: padded, or the document rejected).
fn arn_pattern_points(pattern: &str, found: &mut BTreeSet<&'static str>) {
    if is_arn(pattern) && without_variables(pattern).1 < 5 {
        found.insert("ID-15");
    }
}

/// Whether a pattern holds a variable without a default whose key the request lacks or holds
/// with other than one value (ID-12 under `NotResource`).
fn unvalued_variable(pattern: &str, request: &RequestLine) -> bool {
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            return false;
        };
        let body = after.get(..end).unwrap_or("").trim();
        rest = after.get(end + 1..).unwrap_or("");
        if matches!(body, "*" | "?" | "$") || body.contains(',') {
            continue;
        }
        match context_values(request, body) {
            Some(v) if texts(v).len() == 1 => {}
            _ => return true,
        }
    }
    false
}

/// The context values of `key` (compared case-insensitively), if present.
fn context_values<'r>(request: &'r RequestLine, key: &str) -> Option<&'r Value> {
    let wanted = key.to_lowercase();
    request
        .context
        .iter()
        .find(|(k, _)| k.to_lowercase() == wanted)
        .map(|(_, v)| v)
}

/// Whether `text` is a value of `family` the reference can read.
fn readable(family: Family, text: &str) -> bool {
    match family {
        Family::Numeric => value::parse_number(text).is_ok(),
        Family::Date => value::parse_instant(text).is_ok(),
        Family::Bool => value::parse_bool(text).is_ok(),
        Family::Ip => value::parse_ip_address(text).is_ok(),
        Family::String | Family::Binary | Family::Arn | Family::Null => true,
    }
}

/// A digits-only date, which readings take as epoch seconds or as a W3C year (ID-14).
fn digits_only(text: &str) -> bool {
    text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Points of one condition operator and its keys.
fn condition_points(
    operator: &str,
    body: &Value,
    request: &RequestLine,
    found: &mut BTreeSet<&'static str>,
) {
    let Value::Object(keys) = body else { return };
    let op = match Operator::parse(operator) {
        Ok(op) => op,
        Err(_) => {
            if keys.is_empty() {
                found.insert("ID-4");
            }
            if operator.contains(':') && operator.contains("Null") {
                found.insert("ID-13");
            }
            return;
        }
    };
    let family = op.kind.family();
    if family == Family::Null && op.qualifier.is_some() {
        found.insert("ID-13");
    }
    for (key, values) in keys {
        if matches!(values, Value::Array(items) if items.is_empty()) {
            found.insert("ID-11");
        }
        let policy_values: Vec<String> = match values {
            Value::Array(items) => items.iter().map(value_text).collect(),
            other => vec![value_text(other)],
        };
        for v in &policy_values {
            match family {
                Family::Numeric if value::parse_number(v).is_err() => {
                    found.insert("ID-19");
                }
                Family::Ip => {
                    if value::parse_ip_range(v).is_err() {
                        found.insert("ID-19");
                    }
                    if !v.contains('/') && v.contains(':') {
                        found.insert("ID-9");
                    }
                    if mapped_address(v) {
                        found.insert("ID-10");
                    }
                }
                Family::Date if digits_only(v) => {
                    found.insert("ID-14");
                }
                Family::Bool if v.contains("${") => {
                    found.insert("ID-18");
                }
                Family::Arn => arn_pattern_points(v, found),
                _ => {}
            }
        }
        let Some(present) = context_values(request, key) else {
            continue;
        };
        let request_values = texts(present);
        if family == Family::Binary
            && request_values.iter().any(|r| {
                policy_values.iter().any(|p| {
                    r == p || value::decode_base64(p).is_ok_and(|bytes| bytes == r.as_bytes())
                })
            })
        {
            found.insert("ID-20");
        }
        if family == Family::Arn {
            for p in &policy_values {
                for r in &request_values {
                    arn_pair_points(p, r, found);
                }
            }
        }
        if op.qualifier.is_none() && family != Family::Null && request_values.len() != 1 {
            found.insert("ID-8");
        }
        for v in request_values {
            if !readable(family, v) {
                found.insert("ID-5");
            }
            match family {
                Family::Date if digits_only(v) => {
                    found.insert("ID-14");
                }
                Family::Arn if arn::split(v, false).is_none() => {
                    found.insert("ID-21");
                }
                _ => {}
            }
        }
    }
}

/// A condition value as text (numbers and booleans as written).
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(policies: Value, request: Value) -> CaseLine {
        CaseLine::from_value(&json!({"id": "t", "policies": policies, "request": request})).unwrap()
    }

    fn points(policies: Value, request: Value) -> Vec<&'static str> {
        id_points(&case(policies, request)).into_iter().collect()
    }

    const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/firmware-42";

    fn allow(resource: &str) -> Value {
        json!([{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
            "Action": "iot:DescribeJob", "Resource": resource}}])
    }

    #[test]
    fn a_plain_realistic_case_holds_no_point() {
        let request = json!({"action": "iot:DescribeJob", "resource": JOB,
            "context": {"aws:SourceIp": "203.0.113.7", "aws:TagKeys": ["a", "b"]}});
        assert_eq!(
            points(allow("arn:aws:iot:*:*:job/*"), request),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn requests_outside_the_catalog_are_told() {
        for request in [
            json!({"action": "iot:DescribeJobs", "resource": JOB}),
            json!({"action": "iot:ListJobs", "resource": JOB}),
            json!({"action": "iot:DescribeJob", "resource": "*"}),
            json!({"action": "iot:DescribeJob", "resource":
                "arn:aws:iot:us-east-1:123456789012:thing/t"}),
            json!({"action": "iot:DescribeJob", "resource": JOB,
                "context": {"aws:RequestTag/env": "prod"}}),
            json!({"action": "iot:DescribeJob", "resource": JOB,
                "context": {"aws:SourceIp": ["203.0.113.7"]}}),
        ] {
            let case = case(json!([]), request.clone());
            assert!(!request_in_catalog(&case.request), "{request}");
        }
        let create = case(
            json!([]),
            json!({"action": "IOT:createjob", "resource": JOB,
            "context": {"aws:RequestTag/env": "prod", "aws:TagKeys": ["env"]}}),
        );
        assert!(request_in_catalog(&create.request));
        let list = case(
            json!([]),
            json!({"action": "iot:ListJobs", "resource": "*",
            "context": {"aws:SourceIp": "203.0.113.7"}}),
        );
        assert!(request_in_catalog(&list.request));
    }

    #[test]
    fn each_feature_names_its_point() {
        let request = json!({"action": "iot:DescribeJob", "resource": JOB,
            "context": {"aws:SourceIp": "203.0.113.7", "aws:CurrentTime": "2024",
                        "aws:username": "not-a-number", "aws:SourceArn": "arn:aws:iot"}});
        let with = |statement: Value| {
            points(
                json!([{"Version": "2012-10-17", "Statement": statement}]),
                request.clone(),
            )
        };
        let base = json!({"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*"});
        let s = |k: &str, v: Value| {
            let mut s = base.clone();
            s[k] = v;
            s
        };
        assert!(with(s("Action", json!("iot*:Describe*"))).contains(&"ID-3"));
        let other_case = "arn:AWS:iot:us-east-1:123456789012:job/firmware-42";
        assert!(with(s("Resource", json!(other_case))).contains(&"ID-6"));
        let other_job = "arn:AWS:iot:us-east-1:123456789012:job/other";
        assert!(!with(s("Resource", json!(other_job))).contains(&"ID-6"));
        assert!(with(s("Resource", json!("arn:aws:iot:*"))).contains(&"ID-15"));
        assert!(with(s("Resource", json!("arn:aws:iot:*:*:*/firmware-42"))).contains(&"ID-17"));
        assert!(with(s("Resource", json!("arn:aws:iot:*:*:thing*"))).is_empty());
        let cond = |c: Value| with(s("Condition", c));
        assert!(cond(json!({"Foo": {}})).contains(&"ID-4"));
        assert!(cond(json!({"NumericEquals": {"aws:username": "1"}})).contains(&"ID-5"));
        assert!(cond(json!({"IpAddress": {"aws:SourceIp": "2001:db8::1"}})).contains(&"ID-9"));
        assert!(cond(json!({"StringEquals": {"aws:username": []}})).contains(&"ID-11"));
        assert!(cond(json!({"ForAnyValue:Null": {"aws:username": "true"}})).contains(&"ID-13"));
        assert!(cond(json!({"DateEquals": {"aws:CurrentTime": "1"}})).contains(&"ID-14"));
        assert!(
            cond(json!({"Bool": {"aws:SecureTransport": "${aws:username}"}})).contains(&"ID-18")
        );
        assert!(
            cond(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "abc"}})).contains(&"ID-19")
        );
        assert!(
            cond(json!({"BinaryEquals": {"aws:username": "bm90LWEtbnVtYmVy"}})).contains(&"ID-20")
        );
        assert!(cond(json!({"BinaryEquals": {"aws:username": "YQ=="}})).is_empty());
        assert!(
            cond(json!({"ArnLike": {"aws:SourceArn": "arn:aws:iot:*:*:*/*"}})).contains(&"ID-21")
        );
        let ip = |range: &str, address: &str| {
            points(
                json!([{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": range}}}}]),
                json!({"action": "iot:ListJobs", "resource": "*",
                    "context": {"aws:SourceIp": address}}),
            )
        };
        assert!(ip("10.0.0.0/8", "::ffff:10.0.0.1").contains(&"ID-10"));
        assert_eq!(ip("10.0.0.0/8", "10.0.0.1"), Vec::<&str>::new());
        let multi = points(
            json!([{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                "Condition": {"StringEquals": {"aws:TagKeys": "a"}}}}]),
            json!({"action": "iot:ListJobs", "resource": "*",
                "context": {"aws:TagKeys": ["a", "b"]}}),
        );
        assert!(multi.contains(&"ID-8"), "{multi:?}");
        let sids = points(
            json!([{"Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Sid": "a", "Effect": "Allow", "Action": "*", "Resource": "*"}]}]),
            json!({"action": "iot:ListJobs", "resource": "*"}),
        );
        assert_eq!(sids, ["ID-2"]);
        let not_resource = |version: &str| {
            points(
                json!([{"Version": version, "Statement": {"Effect": "Allow", "Action": "*",
                    "NotResource": "arn:aws:iot:r:1:thing/${aws:username}"}}]),
                json!({"action": "iot:ListJobs", "resource": "*"}),
            )
        };
        assert_eq!(not_resource("2012-10-17"), ["ID-12"]);
        assert!(not_resource("2008-10-17").is_empty());
        let managed = json!({"action": "iot:DescribeManagedJobTemplate",
            "resource": "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0"});
        let colon = points(allow("arn:aws:iot:*:*:jobtemplate/*"), managed.clone());
        assert!(colon.contains(&"ID-7"), "{colon:?}");
        let exact = points(
            allow("arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0"),
            managed,
        );
        assert!(exact.is_empty(), "{exact:?}");
    }

    #[test]
    fn rejected_texts_name_the_point_of_their_rejection() {
        let request = json!({"action": "iot:ListJobs", "resource": "*"});
        let text = |t: &str| points(json!([t]), request.clone());
        assert_eq!(
            text(
                r#"{"Statement": {"Effect": "Allow", "Effect": "Allow", "Action": "*", "Resource": "*"}}"#
            ),
            ["ID-1"]
        );
        assert_eq!(
            text(r#"{"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}}"#),
            Vec::<&str>::new()
        );
    }
}
