//! Failure groups of a gate run: disagreements by root cause.
//!
//! A group's key is the disagreement's root cause ([`cause`], [`root`]): the stem of the
//! candidate's error message (masked) where it answers an error, the family of the reference's
//! diagnostic codes where it decides on a document the reference rejects, the stem of the
//! reference's message where it decides on a request the reference refuses, and otherwise the
//! deciding element of the shrunk (minimal) case (its condition operator families, else
//! `NotResource` / `NotAction`, else Action and Resource) with the direction of the difference.
//! Each case keeps its detailed key ([`detailed_key`]: every feature label, or the whole
//! message) as its variant inside the group. A disagreement joins a group only when its own
//! cause key is the group's ([`find_group`]). Any other disagreement is shrunk, keeping its cause
//! ([`keeps_cause`]), and the shrunk case's key then names its group (an existing one, or a new
//! one); so no case sits in a group whose cause it does not show. A run with hundreds of
//! failures shrinks about once per distinct case content, within the run's shrink budget.

mod cause;
pub mod root;

pub use cause::{
    cause_key, code_family, decision_parts, describe_key, detailed_key, direction, error_signature,
    error_slug, Errors, ACCEPTS_INVALID, ACCEPTS_UNREADABLE_REQUEST, REJECTS_VALID,
};

use iam_eval::Point;

use crate::answer_set::{Answerer, DeclaredReadings};
use crate::labels::{diagnostic_codes, mask_message};
use crate::oracle::Oracle;
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
    /// Its variants: the detailed keys ([`detailed_key`]) of its disagreements, each with how
    /// many have it, in the order first seen.
    pub variants: Vec<(String, usize)>,
}

/// The candidate's error message, masked, or `None` for a decision.
pub fn masked_error(answer: &AnswerLine) -> Option<String> {
    match &answer.verdict {
        Verdict::Error(message) => Some(mask_message(message)),
        Verdict::Decision(_) => None,
    }
}

/// The reference's diagnostic codes, for an error answer (none for a decision or a request
/// error).
fn reference_codes(answer: &AnswerLine) -> Vec<&str> {
    match &answer.verdict {
        Verdict::Error(message) => {
            let mut codes = diagnostic_codes(message);
            codes.sort_unstable();
            codes
        }
        Verdict::Decision(_) => Vec::new(),
    }
}

/// Whether a smaller case (`probe`: the reference's and the candidate's answers to it) keeps
/// the cause of the disagreement being shrunk (`original`): the same two verdicts, for a
/// candidate's error the same message once numbers and quoted text are masked, and for a
/// document the reference rejects the same diagnostic codes. (The caller also checks that the
/// two still disagree under the run's comparison.)
pub fn keeps_cause(
    original: (&AnswerLine, &AnswerLine),
    probe: (&AnswerLine, &AnswerLine),
) -> bool {
    probe.0.verdict.word() == original.0.verdict.word()
        && probe.1.verdict.word() == original.1.verdict.word()
        && masked_error(probe.1) == masked_error(original.1)
        && reference_codes(probe.0) == reference_codes(original.0)
}

/// The index of the existing group a disagreement with these answers and (unshrunk) labels
/// belongs to without being shrunk: the group whose key is the disagreement's own cause key.
/// For a decision that is the group of the same deciding element (operator families, or the
/// element without a condition) and direction: a case that holds another family than a group
/// may owe its disagreement to it, so it is shrunk first ([`keeps_cause`]) and grouped by what
/// it shrinks to.
pub fn find_group(
    groups: &[Group],
    labels: &[String],
    expected: &str,
    got: &str,
    errors: Errors<'_>,
) -> Option<usize> {
    let key = cause_key(labels, expected, got, errors);
    groups.iter().position(|g| g.key == key)
}

/// The implementation-defined tags of a case (`ID-n`) that its (minimal) content still
/// depends on, for its group's key: a tag is left out when every two of the case's permitted
/// answers that read its point differently give the same verdict, so that the point decides
/// nothing in it. Tags of points without readings, or declared, are kept.
pub fn deciding_tags(
    oracle: &mut Oracle,
    case: &CaseLine,
    tags: &[String],
    declared: &DeclaredReadings,
) -> Vec<String> {
    let points: Vec<Point> = tags.iter().filter_map(|t| Point::from_id(t)).collect();
    if points.is_empty() {
        return tags.to_vec();
    }
    let set = Answerer::new().answers(oracle, case, &points, declared);
    tags.iter()
        .filter(|tag| {
            let Some(slot) =
                Point::from_id(tag).and_then(|p| set.free.iter().position(|f| *f == p))
            else {
                return true;
            };
            set.answers.iter().any(|a| {
                set.answers.iter().any(|b| {
                    a.readings.get(slot) != b.readings.get(slot)
                        && a.answer.verdict.word() != b.answer.verdict.word()
                })
            })
        })
        .cloned()
        .collect()
}

/// The detailed key of a disagreement with these (case) labels and answers: its variant.
pub fn variant_of(labels: &[String], reference: &AnswerLine, candidate: &AnswerLine) -> String {
    let candidate_error = masked_error(candidate);
    let reference_error = masked_error(reference);
    detailed_key(
        labels,
        reference.verdict.word(),
        candidate.verdict.word(),
        Errors {
            candidate: candidate_error.as_deref(),
            reference: reference_error.as_deref(),
        },
    )
}

/// Add a disagreement to `groups`: to the group `key` when it exists, as a new group
/// otherwise; returns the group's index. `reference` is the reference's answer to `minimal`;
/// the disagreement's variant is its detailed key ([`variant_of`]) from `labels`.
pub fn add(
    groups: &mut Vec<Group>,
    labels: Vec<String>,
    reference: &AnswerLine,
    candidate: &AnswerLine,
    minimal: &CaseLine,
    explanation: &str,
    id: &str,
) -> usize {
    let expected = reference.verdict.word();
    let got = candidate.verdict.word();
    let candidate_error = masked_error(candidate);
    let reference_error = masked_error(reference);
    let errors = Errors {
        candidate: candidate_error.as_deref(),
        reference: reference_error.as_deref(),
    };
    let key = cause_key(&labels, expected, got, errors);
    let variant = variant_of(&labels, reference, candidate);
    let found = groups.iter().position(|g| g.key == key);
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
                variants: Vec::new(),
            });
            groups.len() - 1
        }
    };
    join(groups, index, id, &variant);
    index
}

/// Count one more disagreement `id`, of the variant `variant` ([`variant_of`]), in group
/// `index`.
pub fn join(groups: &mut [Group], index: usize, id: &str, variant: &str) {
    if let Some(g) = groups.get_mut(index) {
        g.count += 1;
        g.ids.push(id.to_owned());
        match g.variants.iter_mut().find(|(v, _)| v == variant) {
            Some((_, n)) => *n += 1,
            None => g.variants.push((variant.to_owned(), 1)),
        }
    }
}

/// A one-line description of a group, for a known-failures file or a report.
pub fn describe(group: &Group) -> String {
    let mut text = format!(
        "{} case{}: {}; e.g. {} (expected `{}`, got `{}`",
        group.count,
        if group.count == 1 { "" } else { "s" },
        describe_key(&group.key),
        group.minimal.id,
        group.expected,
        group.got
    );
    if let Some(message) = &group.candidate_message {
        let short: String = message.chars().take(100).collect();
        text.push_str(&format!(": `{}`", short.replace(['\n', '`'], " ")));
    }
    text.push(')');
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

    /// The reference's answer spelled `word`.
    fn decision(word: &str) -> AnswerLine {
        AnswerLine {
            id: None,
            verdict: Verdict::Decision(Decision::from_protocol_str(word).unwrap()),
            matched: None,
        }
    }

    fn error(message: &str) -> AnswerLine {
        AnswerLine {
            id: None,
            verdict: Verdict::Error(message.into()),
            matched: None,
        }
    }

    #[test]
    fn a_disagreement_joins_only_the_group_of_its_own_cause() {
        let mut groups = Vec::new();
        let allow = AnswerLine {
            id: None,
            verdict: Verdict::Decision(Decision::Allow),
            matched: None,
        };
        add(
            &mut groups,
            vec!["Deny".into()],
            &decision("explicitDeny"),
            &allow,
            &case("a"),
            "",
            "a",
        );
        add(
            &mut groups,
            vec!["Deny".into(), "op:Bool".into()],
            &decision("explicitDeny"),
            &allow,
            &case("b"),
            "",
            "b",
        );
        // `Deny` says how the case is built, not what it exercises: it is not part of the
        // key, so a case without it has the same cause.
        assert_eq!(groups[0].key, "-;applies-less");
        assert_eq!(groups[1].key, "op:Bool;applies-less");
        assert_eq!(
            find_group(
                &groups,
                &["op:Bool".into()],
                "explicitDeny",
                "allowed",
                Errors::default()
            ),
            Some(1)
        );
        assert_eq!(
            find_group(
                &groups,
                &["Deny".into(), "op:Bool".into(), "policies:many".into()],
                "allowed",
                "implicitDeny",
                Errors::default()
            ),
            Some(1)
        );
        assert_eq!(
            find_group(&groups, &[], "allowed", "implicitDeny", Errors::default()),
            Some(0)
        );
        // A case with a feature more than a group may owe its disagreement to that feature
        // (`op:Date` here): it joins no group unshrunk, neither the most specific one nor the
        // one without features.
        let labels: Vec<String> = vec!["Deny".into(), "op:Bool".into(), "op:Date".into()];
        assert_eq!(
            find_group(
                &groups,
                &labels,
                "explicitDeny",
                "allowed",
                Errors::default()
            ),
            None
        );
        assert_eq!(
            find_group(
                &groups,
                &["op:Date".into()],
                "allowed",
                "implicitDeny",
                Errors::default()
            ),
            None
        );
        // The other direction (the candidate applies more than the reference) is another cause.
        assert_eq!(
            find_group(
                &groups,
                &["op:Bool".into()],
                "implicitDeny",
                "allowed",
                Errors::default()
            ),
            None
        );
        // Once shrunk to `op:Bool` alone, the case has the group's cause and `add` puts it there.
        let index = add(
            &mut groups,
            vec!["op:Bool".into()],
            &decision("allowed"),
            &AnswerLine {
                verdict: Verdict::Decision(Decision::ImplicitDeny),
                ..allow.clone()
            },
            &case("c"),
            "",
            "c",
        );
        assert_eq!(index, 1);
        assert_eq!(groups[1].ids, ["b", "c"]);
    }

    #[test]
    fn a_tag_stays_in_the_key_only_while_its_point_decides_something() {
        let case_with = |sids: &[&str]| {
            let statements: Vec<_> = sids
                .iter()
                .map(|sid| json!({"Sid": sid, "Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*"}))
                .collect();
            CaseLine::from_value(&json!({"id": "c",
                "policies": [{"Version": "2012-10-17", "Statement": statements}],
                "request": {"action": "iot:DescribeJob", "resource": "*"}}))
            .unwrap()
        };
        let mut oracle = Oracle::new();
        let tags = vec!["ID-2".to_owned()];
        let declared = DeclaredReadings::default();
        // `A` and `a`: a duplicate Sid under one reading of ID-2, two Sids under the other.
        assert_eq!(
            deciding_tags(&mut oracle, &case_with(&["A", "a"]), &tags, &declared),
            tags
        );
        // Shrunk to one statement, the case no longer depends on ID-2.
        assert!(deciding_tags(&mut oracle, &case_with(&["A"]), &tags, &declared).is_empty());
        // Declared, the point has one reading: its tag is kept as given.
        let fixed = DeclaredReadings::parse("ID-2=sensitive").unwrap();
        assert_eq!(
            deciding_tags(&mut oracle, &case_with(&["A"]), &tags, &fixed),
            tags
        );
    }

    #[test]
    fn shrinking_keeps_the_cause_not_only_the_verdicts() {
        let allow = AnswerLine {
            id: None,
            verdict: Verdict::Decision(Decision::Allow),
            matched: None,
        };
        let unsupported = error("policy 0: unsupported `ForAllValues:NumericEquals` at 3");
        let no_version = error("policy 0: missing field `Version` at 1");
        let another_operator = error("policy 2: unsupported `ForAnyValue:DateEquals` at 9");
        assert!(keeps_cause(
            (&allow, &unsupported),
            (&allow, &another_operator)
        ));
        assert!(!keeps_cause((&allow, &unsupported), (&allow, &no_version)));
        let deny = AnswerLine {
            verdict: Verdict::Decision(Decision::ExplicitDeny),
            ..allow.clone()
        };
        assert!(!keeps_cause((&allow, &unsupported), (&deny, &unsupported)));
        // A rejected document keeps its diagnostic codes: an invalid Bool value does not
        // shrink into a missing Action.
        let bad_bool = error("policy 0: policy document rejected: 1:2: error[invalid-bool]: x");
        let bad_bool_elsewhere =
            error("policy 0: policy document rejected: 7:9: error[invalid-bool]: y");
        let no_action = error("policy 0: policy document rejected: 1:2: error[missing-action]: x");
        assert!(keeps_cause(
            (&bad_bool, &allow),
            (&bad_bool_elsewhere, &allow)
        ));
        assert!(!keeps_cause((&bad_bool, &allow), (&no_action, &allow)));
    }

    #[test]
    fn errors_group_by_their_masked_message() {
        let mut groups = Vec::new();
        add(
            &mut groups,
            vec![],
            &decision("allowed"),
            &error("bad `x` at 3"),
            &case("a"),
            "",
            "a",
        );
        add(
            &mut groups,
            vec![],
            &decision("allowed"),
            &error("bad `y` at 9"),
            &case("b"),
            "",
            "b",
        );
        add(
            &mut groups,
            vec![],
            &decision("allowed"),
            &error("other"),
            &case("c"),
            "",
            "c",
        );
        // The same message under another expected answer, labels and prefix: the same cause.
        add(
            &mut groups,
            vec!["Deny".into(), "op:Bool".into()],
            &decision("explicitDeny"),
            &error("policy 3: bad `w` at 12"),
            &case("d"),
            "",
            "d",
        );
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].key, "rejects-valid:bad");
        // Each message is a variant of the group, counted.
        assert_eq!(
            groups[0].variants,
            [("rejects-valid:bad_at_#".to_owned(), 3)]
        );
        assert_eq!(groups[1].key, "rejects-valid:other");
        assert_eq!(groups[0].ids, ["a", "b", "d"]);
        let masked = masked_error(&error("bad `z` at 1"));
        assert_eq!(
            find_group(
                &groups,
                &[],
                "allowed",
                "error",
                Errors::candidate(masked.as_deref())
            ),
            Some(0)
        );
        assert_eq!(
            find_group(
                &groups,
                &["op:Date".into()],
                "implicitDeny",
                "error",
                Errors::candidate(masked.as_deref())
            ),
            Some(0)
        );
        assert!(describe(&groups[0]).starts_with(
            "3 cases: the evaluator answers an error (`bad`) where the reference decides"
        ));
    }
}
