//! Failure groups of a gate run: disagreements by root cause.
//!
//! The first disagreement of a kind is shrunk, and its minimal case's labels
//! ([`crate::labels`]) with the two answers make the group. A later disagreement joins an
//! existing group without being shrunk when it gives the same two answers (and, for a
//! candidate's error, the same message once numbers and quoted text are masked) and its own
//! labels include the group's: so a run with hundreds of failures shrinks about once per
//! cause.

use crate::labels::{group_key, mask_message};
use crate::protocol::{AnswerLine, CaseLine, Verdict};

/// One group of disagreements.
#[derive(Debug, Clone)]
pub struct Group {
    /// The group key (`labels;expected>got`): one word, usable in a known-failures file.
    pub key: String,
    /// The minimal case's labels.
    pub labels: Vec<String>,
    /// The reference's verdict word.
    pub expected: String,
    /// The candidate's verdict word.
    pub got: String,
    /// The candidate's error message, masked, when it answered an error.
    pub candidate_error: Option<String>,
    /// The candidate's error message as it first came (unmasked), for the report.
    pub candidate_message: Option<String>,
    /// The minimal case (its id is the case it was shrunk from).
    pub minimal: CaseLine,
    /// The reference's explanation of the minimal case.
    pub explanation: String,
    /// How many disagreements belong to it.
    pub count: usize,
    /// The ids of its disagreements, in run order.
    pub ids: Vec<String>,
}

/// The candidate's error message, masked, or `None` for a decision.
pub fn masked_error(answer: &AnswerLine) -> Option<String> {
    match &answer.verdict {
        Verdict::Error(message) => Some(mask_message(message)),
        Verdict::Decision(_) => None,
    }
}

/// The index of the existing group a disagreement with these answers and (unshrunk) labels
/// belongs to: the one with the most labels, all of them among `labels`.
pub fn find_group(
    groups: &[Group],
    labels: &[String],
    expected: &str,
    got: &str,
    candidate_error: Option<&str>,
) -> Option<usize> {
    groups
        .iter()
        .enumerate()
        .filter(|(_, g)| {
            g.expected == expected
                && g.got == got
                && g.candidate_error.as_deref() == candidate_error
                && g.labels.iter().all(|l| labels.contains(l))
        })
        .max_by_key(|(_, g)| g.labels.len())
        .map(|(i, _)| i)
}

/// Add a disagreement to `groups`: to the group `key` when it exists, as a new group
/// otherwise; returns the group's index.
pub fn add(
    groups: &mut Vec<Group>,
    labels: Vec<String>,
    expected: &str,
    candidate: &AnswerLine,
    minimal: &CaseLine,
    explanation: &str,
    id: &str,
) -> usize {
    let got = candidate.verdict.word();
    let candidate_error = masked_error(candidate);
    let mut key = group_key(&labels, expected, got);
    if let Some(masked) = &candidate_error {
        key.push(';');
        key.push_str(&error_slug(masked));
    }
    let found = groups
        .iter()
        .position(|g| g.key == key && g.candidate_error == candidate_error);
    let index = match found {
        Some(i) => i,
        None => {
            groups.push(Group {
                key,
                labels,
                expected: expected.to_owned(),
                got: got.to_owned(),
                candidate_error,
                candidate_message: match &candidate.verdict {
                    Verdict::Error(m) => Some(m.clone()),
                    Verdict::Decision(_) => None,
                },
                minimal: minimal.clone(),
                explanation: explanation.to_owned(),
                count: 0,
                ids: Vec::new(),
            });
            groups.len() - 1
        }
    };
    join(groups, index, id);
    index
}

/// A masked error message as one short word for a group key: its first 40 characters, each
/// blank or other punctuation as `_`.
pub fn error_slug(masked: &str) -> String {
    let slug: String = masked
        .chars()
        .filter(|c| *c != '…')
        .take(40)
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '#') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut out = String::with_capacity(slug.len());
    for c in slug.chars() {
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Count one more disagreement `id` in group `index`.
pub fn join(groups: &mut [Group], index: usize, id: &str) {
    if let Some(g) = groups.get_mut(index) {
        g.count += 1;
        g.ids.push(id.to_owned());
    }
}

/// A one-line description of a group, for a known-failures file or a report.
pub fn describe(group: &Group) -> String {
    let mut text = format!(
        "{} case{}: expected `{}`, got `{}`",
        group.count,
        if group.count == 1 { "" } else { "s" },
        group.expected,
        group.got
    );
    if let Some(message) = &group.candidate_message {
        let short: String = message.chars().take(100).collect();
        text.push_str(&format!(" (`{}`)", short.replace(['\n', '`'], " ")));
    }
    text.push_str(&format!("; e.g. {}", group.minimal.id));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_eval::Decision;
    use serde_json::json;

    fn case(id: &str) -> CaseLine {
        CaseLine::from_value(&json!({"id": id, "policies": [],
            "request": {"action": "iot:A", "resource": "*"}}))
        .unwrap()
    }

    fn error(message: &str) -> AnswerLine {
        AnswerLine {
            id: None,
            verdict: Verdict::Error(message.into()),
            matched: None,
        }
    }

    #[test]
    fn later_disagreements_join_the_most_specific_matching_group() {
        let mut groups = Vec::new();
        let allow = AnswerLine {
            id: None,
            verdict: Verdict::Decision(Decision::Allow),
            matched: None,
        };
        add(
            &mut groups,
            vec!["Deny".into()],
            "explicitDeny",
            &allow,
            &case("a"),
            "",
            "a",
        );
        add(
            &mut groups,
            vec!["Deny".into(), "op:Bool".into()],
            "explicitDeny",
            &allow,
            &case("b"),
            "",
            "b",
        );
        let labels: Vec<String> = vec!["Deny".into(), "op:Bool".into(), "op:Date".into()];
        assert_eq!(
            find_group(&groups, &labels, "explicitDeny", "allowed", None),
            Some(1)
        );
        assert_eq!(
            find_group(
                &groups,
                &["op:Bool".into()],
                "explicitDeny",
                "allowed",
                None
            ),
            None
        );
        assert_eq!(
            find_group(&groups, &labels, "implicitDeny", "allowed", None),
            None
        );
    }

    #[test]
    fn errors_group_by_their_masked_message() {
        let mut groups = Vec::new();
        add(
            &mut groups,
            vec![],
            "allowed",
            &error("bad `x` at 3"),
            &case("a"),
            "",
            "a",
        );
        add(
            &mut groups,
            vec![],
            "allowed",
            &error("bad `y` at 9"),
            &case("b"),
            "",
            "b",
        );
        add(
            &mut groups,
            vec![],
            "allowed",
            &error("other"),
            &case("c"),
            "",
            "c",
        );
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 2);
        assert_eq!(groups[0].key, "-;allowed>error;bad_at_#");
        assert_eq!(groups[1].key, "-;allowed>error;other");
        assert_eq!(groups[0].ids, ["a", "b"]);
        let masked = masked_error(&error("bad `z` at 1"));
        assert_eq!(
            find_group(&groups, &[], "allowed", "error", masked.as_deref()),
            Some(0)
        );
        assert!(describe(&groups[0]).starts_with("2 cases: expected `allowed`, got `error`"));
    }
}
