//! The cause of a disagreement, which names its failure group (the group key).
//!
//! A group is one root cause, as far as the answers and the case's content can tell:
//!
//! - `rejects-valid:<message>`: the candidate answers an error where the reference decides.
//!   Grouped by the candidate's error message with numbers and quoted text masked (its first
//!   clause, without the `policy N:` / `check N:` prefixes), whatever the expected answer.
//! - `accepts-invalid:<family>`: the reference rejects a document the candidate decides on.
//!   Grouped by the family of the reference's diagnostic codes (`document`, `structure`,
//!   `element`, `condition`); the codes stay as the cases' `malformed:<code>` labels.
//! - `accepts-unreadable-request:<message>`: the reference errs on the request (an invalid
//!   request, such as two context keys that differ only by case, or a value its condition
//!   cannot read), the candidate decides. Grouped by the reference's error message, masked as a
//!   candidate's is, so that each group is one kind of request.
//! - `LABELS;applies-less` / `LABELS;applies-more` / `LABELS;same-answer`: both decide,
//!   differently. The candidate gives a weaker answer than the reference (a statement the
//!   reference applies does not apply: `explicitDeny` > `allowed` > `implicitDeny`), a stronger
//!   one, or the same one (deciding statements or a golden expectation differ). LABELS are the
//!   feature labels of the shrunk case, without those that say how the case is built rather
//!   than what it exercises (`Deny`, `policies:many`, `call`).

/// The prefix of the group of a candidate's error where the reference decides.
pub const REJECTS_VALID: &str = "rejects-valid:";
/// The prefix of the group of a document the reference rejects and the candidate decides on.
pub const ACCEPTS_INVALID: &str = "accepts-invalid:";
/// The prefix of the group of a request the reference cannot read and the candidate decides
/// on (the reference's masked message follows).
pub const ACCEPTS_UNREADABLE_REQUEST: &str = "accepts-unreadable-request:";

/// Labels that say how a case is built (its answer's shape) rather than which feature it
/// exercises: kept on the case, left out of a decision group's key.
const SHAPE_LABELS: &[&str] = &["Deny", "policies:many", "call"];

/// Diagnostic codes by family, in the order a document with codes of several families is
/// placed (the first family that has one of its codes).
const FAMILIES: &[(&str, &[&str])] = &[
    (
        "document",
        &[
            "json-syntax",
            "duplicate-key",
            "too-deep",
            "too-large",
            "over-size-quota",
        ],
    ),
    (
        "structure",
        &[
            "invalid-type",
            "unknown-element",
            "misplaced-condition-operator",
            "missing-statement",
            "missing-effect",
            "missing-action",
            "missing-resource",
            "action-and-not-action",
            "resource-and-not-resource",
            "principal-not-allowed",
        ],
    ),
    (
        "element",
        &[
            "invalid-version",
            "invalid-effect",
            "invalid-action",
            "invalid-resource",
            "invalid-sid",
            "duplicate-sid",
        ],
    ),
    (
        "condition",
        &[
            "unknown-operator",
            "invalid-qualifier",
            "empty-condition-values",
            "invalid-ip-range",
            "invalid-date",
            "invalid-number",
            "invalid-bool",
            "invalid-binary",
        ],
    ),
];

/// The family of a set of diagnostic codes (`malformed:<code>` labels): the first family of
/// [`FAMILIES`] holding one of them, `other` for codes of no family, `None` without codes.
pub fn code_family<'a>(labels: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    let codes: Vec<&str> = labels
        .into_iter()
        .filter_map(|l| l.strip_prefix("malformed:"))
        .collect();
    if codes.is_empty() {
        return None;
    }
    Some(
        FAMILIES
            .iter()
            .find(|(_, members)| codes.iter().any(|c| members.contains(c)))
            .map_or("other", |(family, _)| family),
    )
}

/// How strong an answer is: a Deny that applies beats an Allow that applies beats none.
fn strength(word: &str) -> u8 {
    match word {
        "explicitDeny" => 2,
        "allowed" => 1,
        _ => 0,
    }
}

/// Whether the candidate's decision applies less than the reference's, more, or the same.
pub fn direction(expected: &str, got: &str) -> &'static str {
    match strength(got).cmp(&strength(expected)) {
        std::cmp::Ordering::Less => "applies-less",
        std::cmp::Ordering::Greater => "applies-more",
        std::cmp::Ordering::Equal => "same-answer",
    }
}

/// The first clause of a masked error message, without the `policy #:` and `check #:` prefixes
/// that say where (which document, which check of a call) rather than what.
pub fn error_signature(masked: &str) -> &str {
    let mut rest = masked.trim_start();
    loop {
        let stripped = ["policy #:", "check #:"]
            .iter()
            .find_map(|prefix| rest.strip_prefix(prefix));
        match stripped {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    rest.split([';', '\n']).next().unwrap_or("").trim()
}

/// A masked error message as one word for a group key: its signature
/// ([`error_signature`]) as a [`key_word`].
pub fn error_slug(masked: &str) -> String {
    key_word(error_signature(masked))
}

/// A text as one word of a group key: at most 80 characters, each blank or other punctuation
/// as `_` (a run of them as one), no `_` at either end.
pub(super) fn key_word(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(80));
    for c in text.chars().filter(|c| *c != '…').take(80) {
        let c = if c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '#') {
            c
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_matches('_').to_owned()
}

/// The two error messages of a disagreement, masked: the candidate's and the reference's
/// (`None` where it decided).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Errors<'a> {
    /// The candidate's masked error message.
    pub candidate: Option<&'a str>,
    /// The reference's masked error message.
    pub reference: Option<&'a str>,
}

impl<'a> Errors<'a> {
    /// Only the candidate's error.
    pub fn candidate(message: Option<&'a str>) -> Self {
        Self {
            candidate: message,
            reference: None,
        }
    }
}

/// The labels a decision group is keyed by: the case's labels without [`SHAPE_LABELS`].
pub(super) fn feature_labels(labels: &[String]) -> Vec<String> {
    labels
        .iter()
        .filter(|l| !SHAPE_LABELS.contains(&l.as_str()))
        .cloned()
        .collect()
}

/// The group key of a disagreement, its root cause ([`super::root`]): `labels` are the
/// (shrunk) case's labels, `expected` and `got` the two verdict words, `errors` the
/// candidate's and the reference's error messages, masked ([`crate::labels::mask_message`]),
/// where they answered one. An error is keyed by the stem of its message, a rejected document
/// by the family of its codes, a decision by its deciding element and direction.
pub fn cause_key(labels: &[String], expected: &str, got: &str, errors: Errors<'_>) -> String {
    let candidate_errs = got == "error" && expected != "error";
    let reference_errs = expected == "error" && got != "error";
    if candidate_errs {
        return format!(
            "{REJECTS_VALID}{}",
            super::root::message_stem(errors.candidate.unwrap_or(""))
        );
    }
    if reference_errs {
        return match code_family(labels.iter().map(String::as_str)) {
            Some(family) => format!("{ACCEPTS_INVALID}{family}"),
            None => format!(
                "{ACCEPTS_UNREADABLE_REQUEST}{}",
                super::root::reference_stem(errors.reference.unwrap_or(""))
            ),
        };
    }
    format!(
        "{};{}",
        super::root::deciding_element(labels),
        direction(expected, got)
    )
}

/// The detailed key of a disagreement, its variant inside its group (and the group key of
/// iamconf before root-cause keys, which known-failures files may still name): `labels` are
/// the (shrunk) case's labels, `expected` and `got` the two verdict words, `errors` the
/// candidate's and the reference's error messages, masked ([`crate::labels::mask_message`]),
/// where they answered one. For a decision, every feature label of the case and the
/// direction; for an error, its whole message.
pub fn detailed_key(labels: &[String], expected: &str, got: &str, errors: Errors<'_>) -> String {
    let Errors {
        candidate: candidate_error,
        reference: reference_error,
    } = errors;
    let candidate_errs = got == "error" && expected != "error";
    let reference_errs = expected == "error" && got != "error";
    if candidate_errs {
        return format!(
            "{REJECTS_VALID}{}",
            error_slug(candidate_error.unwrap_or(""))
        );
    }
    if reference_errs {
        return match code_family(labels.iter().map(String::as_str)) {
            Some(family) => format!("{ACCEPTS_INVALID}{family}"),
            None => format!(
                "{ACCEPTS_UNREADABLE_REQUEST}{}",
                error_slug(reference_error.unwrap_or(""))
            ),
        };
    }
    let features: Vec<String> = feature_labels(labels)
        .into_iter()
        .filter(|l| !l.starts_with(super::root::DECIDES))
        .collect();
    let labels_part = if features.is_empty() {
        "-".to_owned()
    } else {
        features.join(",").replace(char::is_whitespace, "_")
    };
    format!("{labels_part};{}", direction(expected, got))
}

/// For a decision group's key (or a detailed key), its labels (the deciding element's parts,
/// or every feature label) and direction; `None` for the other causes.
pub fn decision_parts(key: &str) -> Option<(Vec<&str>, &str)> {
    if key.starts_with(REJECTS_VALID)
        || key.starts_with(ACCEPTS_INVALID)
        || key.starts_with(ACCEPTS_UNREADABLE_REQUEST)
    {
        return None;
    }
    let (labels, direction) = key.rsplit_once(';')?;
    let labels = labels
        .split([',', '+'])
        .filter(|l| !l.is_empty() && *l != "-")
        .collect();
    Some((labels, direction))
}

/// What a group key means, in words (for reports).
pub fn describe_key(key: &str) -> String {
    if let Some(slug) = key.strip_prefix(REJECTS_VALID) {
        return format!("the evaluator answers an error (`{slug}`) where the reference decides");
    }
    if let Some(family) = key.strip_prefix(ACCEPTS_INVALID) {
        return format!(
            "the evaluator decides on a document the reference rejects ({family} errors)"
        );
    }
    if let Some(slug) = key.strip_prefix(ACCEPTS_UNREADABLE_REQUEST) {
        return format!(
            "the evaluator decides on a request the reference refuses with an error (`{slug}`)"
        );
    }
    match decision_parts(key) {
        Some((labels, direction)) => {
            let what = match direction {
                "applies-less" => "a weaker decision than the reference (a statement it applies does not apply)",
                "applies-more" => "a stronger decision than the reference (a statement it does not apply applies)",
                _ => "the reference's decision, but the deciding statements or the golden expectation differ",
            };
            let labels = if labels.is_empty() {
                "Action and Resource only (no condition, NotAction or NotResource)".to_owned()
            } else {
                labels.join(" ")
            };
            format!("{labels}: the evaluator gives {what}")
        }
        None => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(labels: &[&str]) -> Vec<String> {
        labels.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_candidate_error_is_one_group_whatever_the_expected_answer() {
        let one = cause_key(
            &strings(&["Deny", "op:String"]),
            "explicitDeny",
            "error",
            Errors::candidate(Some("policy #: unsupported `…` at #")),
        );
        let other = cause_key(
            &[],
            "allowed",
            "error",
            Errors::candidate(Some(
                "check #: policy #: unsupported `…` at #; check #: policy #: unsupported",
            )),
        );
        assert_eq!(one, "rejects-valid:unsupported");
        assert_eq!(one, other);
        assert_ne!(
            one,
            cause_key(
                &[],
                "allowed",
                "error",
                Errors::candidate(Some("missing field `…`"))
            )
        );
    }

    #[test]
    fn a_rejected_document_is_grouped_by_the_family_of_its_codes() {
        let bool_value = cause_key(
            &strings(&["malformed:invalid-bool", "op:Bool"]),
            "error",
            "allowed",
            Errors::default(),
        );
        let date_value = cause_key(
            &strings(&["Deny", "malformed:invalid-date"]),
            "error",
            "explicitDeny",
            Errors::default(),
        );
        assert_eq!(bool_value, "accepts-invalid:condition");
        assert_eq!(bool_value, date_value);
        assert_eq!(
            cause_key(
                &strings(&["malformed:invalid-bool", "malformed:missing-action"]),
                "error",
                "implicitDeny",
                Errors::candidate(None)
            ),
            "accepts-invalid:structure"
        );
        assert_eq!(
            cause_key(
                &strings(&["malformed:new-code"]),
                "error",
                "allowed",
                Errors::candidate(None)
            ),
            "accepts-invalid:other"
        );
        // A request the reference refuses is grouped by the reference's masked message: two
        // context keys that differ only by case are one group, an unreadable value another.
        let duplicate = |expected_got: (&str, &str)| {
            cause_key(
                &strings(&["error:request"]),
                expected_got.0,
                expected_got.1,
                Errors {
                    candidate: None,
                    reference: Some(
                        "context key `…` duplicates `…`: context keys are case-insensitive",
                    ),
                },
            )
        };
        assert_eq!(
            duplicate(("error", "allowed")),
            "accepts-unreadable-request:context_key_duplicates"
        );
        assert_eq!(
            duplicate(("error", "allowed")),
            duplicate(("error", "implicitDeny"))
        );
        let unreadable = cause_key(
            &strings(&["error:request", "op:IpAddress"]),
            "error",
            "allowed",
            Errors {
                candidate: None,
                reference: Some("policy # statement # condition key `…`: `…` is not an IP address"),
            },
        );
        assert!(
            unreadable.starts_with(ACCEPTS_UNREADABLE_REQUEST),
            "{unreadable}"
        );
        assert_ne!(unreadable, duplicate(("error", "allowed")));
        assert!(describe_key(&unreadable).contains("refuses with an error"));
        assert_eq!(decision_parts(&unreadable), None);
    }

    #[test]
    fn a_decision_is_grouped_by_features_and_direction() {
        let key = cause_key(
            &strings(&["Deny", "op:IpAddress", "policies:many"]),
            "explicitDeny",
            "allowed",
            Errors::default(),
        );
        assert_eq!(key, "op:IpAddress;applies-less");
        assert_eq!(
            cause_key(
                &strings(&["op:IpAddress"]),
                "allowed",
                "implicitDeny",
                Errors::candidate(None)
            ),
            key
        );
        assert_eq!(
            cause_key(
                &strings(&["call"]),
                "implicitDeny",
                "allowed",
                Errors::candidate(None)
            ),
            "-;applies-more"
        );
        assert_eq!(
            cause_key(&[], "allowed", "allowed", Errors::candidate(None)),
            "-;same-answer"
        );
        assert_eq!(
            decision_parts("op:IpAddress,negated;applies-less"),
            Some((vec!["op:IpAddress", "negated"], "applies-less"))
        );
        assert_eq!(
            decision_parts("op:Bool+op:IpAddress+variables;applies-more"),
            Some((vec!["op:Bool", "op:IpAddress", "variables"], "applies-more"))
        );
        assert_eq!(
            decision_parts("-;applies-more"),
            Some((vec![], "applies-more"))
        );
        assert_eq!(decision_parts("rejects-valid:x;y"), None);
        assert_eq!(decision_parts("accepts-invalid:condition"), None);
    }

    #[test]
    fn cases_that_differ_only_by_a_qualifier_share_a_root_cause_and_keep_their_variant() {
        let key = |labels: &[&str]| {
            cause_key(
                &strings(labels),
                "implicitDeny",
                "allowed",
                Errors::default(),
            )
        };
        let detailed = |labels: &[&str]| {
            detailed_key(
                &strings(labels),
                "implicitDeny",
                "allowed",
                Errors::default(),
            )
        };
        let plain = ["op:IpAddress"];
        let qualified: &[&[&str]] = &[
            &["negated", "op:IpAddress"],
            &["ForAnyValue", "IfExists", "op:IpAddress"],
            &["IPv6", "op:IpAddress", "context:multivalued", "resource:*"],
            &["ID-9", "IPv6", "op:IpAddress"],
            &["Deny", "op:IpAddress", "policies:many"],
        ];
        for labels in qualified {
            assert_eq!(key(labels), key(&plain), "{labels:?}");
            assert_eq!(key(labels), "op:IpAddress;applies-more");
        }
        // Their variants stay apart (the shape labels aside).
        assert_eq!(
            detailed(&["ID-9", "IPv6", "op:IpAddress"]),
            "ID-9,IPv6,op:IpAddress;applies-more"
        );
        assert_ne!(detailed(&["negated", "op:IpAddress"]), detailed(&plain));
        // Another deciding family, a second family, or a policy variable is another cause;
        // so is the other direction.
        assert_ne!(key(&["op:Bool"]), key(&plain));
        assert_ne!(key(&["op:String"]), key(&["op:Numeric"]));
        assert_eq!(
            key(&["op:Bool", "op:IpAddress"]),
            "op:Bool+op:IpAddress;applies-more"
        );
        assert_ne!(key(&["op:Bool", "op:IpAddress"]), key(&["op:Bool"]));
        assert_eq!(key(&["op:String", "variables"]), "variables;applies-more");
        // StringLike is a String operator (AWS's families), kept apart in the variant.
        assert_eq!(key(&["op:StringLike"]), key(&["op:String"]));
        assert_ne!(detailed(&["op:StringLike"]), detailed(&["op:String"]));
        assert_ne!(
            key(&plain),
            cause_key(
                &strings(&plain),
                "allowed",
                "implicitDeny",
                Errors::default()
            )
        );
        // Without a condition, NotResource, then NotAction, then Action and Resource decide.
        assert_eq!(
            key(&["NotAction", "NotResource"]),
            "NotResource;applies-more"
        );
        assert_eq!(key(&["NotAction", "resource:*"]), "NotAction;applies-more");
        assert_eq!(key(&["ID-15", "resource:*"]), "-;applies-more");
    }

    #[test]
    fn signatures_drop_where_and_keep_what() {
        assert_eq!(
            error_signature("policy #: check #: pbac schema: INVALID_TYPE at #/Statement; more"),
            "pbac schema: INVALID_TYPE at #/Statement"
        );
        assert_eq!(
            error_signature("iam-rs validation: Multiple validation errors:\n  - a"),
            "iam-rs validation: Multiple validation errors:"
        );
        assert_eq!(error_slug("no.resource.types"), "no.resource.types");
        assert!(describe_key("accepts-invalid:condition").contains("condition errors"));
        assert!(describe_key("-;applies-less").contains("Action and Resource only"));
    }
}
