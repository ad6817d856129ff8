//! Decisions (§3), actions (§4), resources (§5), policy variables (§9), errors (ID-5),
//! explanations and the reference evaluator.

mod common;

use std::sync::Arc;

use common::*;
use iam_eval::{
    Context, Decision, Evaluator, PolicySet, ReferenceEvaluator, StatementRef, Verdict,
};
use iam_policy::Effect;
use proptest::prelude::*;
use rstest::rstest;

fn decision(set: &PolicySet, action: &str, resource: &str, context: Context) -> Option<Decision> {
    eval(set, &req(action, resource, context)).decision
}

use Decision::{Allow, ExplicitDeny, ImplicitDeny};

#[test]
fn deny_overrides_allow_across_policies() {
    let set = PolicySet::new(vec![
        policy(vec![allow(&["iot:*"], &["*"]).sid("All")]),
        policy(vec![
            allow(&["iot:DescribeJob"], &["*"]),
            deny(&["iot:DescribeJob"], &[JOB]).sid("NoJob"),
        ]),
    ]);
    let r = eval(&set, &req("iot:DescribeJob", JOB, Context::new()));
    assert_eq!(r.decision, Some(ExplicitDeny));
    assert_eq!(
        r.matched,
        vec![StatementRef {
            policy: 1,
            statement: 1,
            sid: Some(Arc::from("NoJob"))
        }]
    );
    let r = eval(&set, &req("iot:DescribeJob", THING, Context::new()));
    assert_eq!(r.decision, Some(Allow));
    let places: Vec<(usize, usize)> = r.matched.iter().map(|m| (m.policy, m.statement)).collect();
    assert_eq!(places, [(0, 0), (1, 0)]);
    assert_eq!(r.matched[0].sid.as_deref(), Some("All"));
    assert_eq!(r.matched[1].sid, None);
}

#[test]
fn nothing_applies_is_implicit_deny() {
    let set = set(vec![allow(&["iot:CreateJob"], &["*"])]);
    let r = eval(&set, &req("iot:DescribeJob", JOB, Context::new()));
    assert_eq!(r.decision, Some(ImplicitDeny));
    assert!(r.matched.is_empty());
    let empty = PolicySet::new(vec![]);
    assert_eq!(
        decision(&empty, "iot:DescribeJob", JOB, Context::new()),
        Some(ImplicitDeny)
    );
}

#[rstest]
#[case("iot:*", "iotjobsdata:DescribeJobExecution", ImplicitDeny)]
#[case("iotjobsdata:*", "iot:DescribeJobExecution", ImplicitDeny)]
#[case("iot:*", "iot:DescribeJobExecution", Allow)]
#[case("iotjobsdata:*", "iotjobsdata:DescribeJobExecution", Allow)]
#[case("iot*:*", "iotjobsdata:DescribeJobExecution", ImplicitDeny)] // vendor is exact
#[case("IoT:describeJOB", "iot:DescribeJob", Allow)]
#[case("iot:DescribeJob", "IOT:DESCRIBEJOB", Allow)]
#[case("iot:Describe*", "iot:describejobexecution", Allow)]
#[case("iot:Describe*", "iot:ListJobs", ImplicitDeny)]
#[case("iot:?escribeJob", "iot:DescribeJob", Allow)]
#[case("iot:?DescribeJob", "iot:DescribeJob", ImplicitDeny)]
#[case("*", "iotjobsdata:UpdateJobExecution", Allow)]
#[case("iot:DescribeJob", "iot:DescribeJobExecution", ImplicitDeny)]
fn actions(#[case] pattern: &str, #[case] action: &str, #[case] expected: Decision) {
    let set = set(vec![allow(&[pattern], &["*"])]);
    assert_eq!(decision(&set, action, JOB, Context::new()), Some(expected));
}

#[rstest]
#[case(&["*"], JOB, Allow)]
#[case(&["*"], "*", Allow)]
#[case(&["arn:aws:iot:*:*:*"], "*", ImplicitDeny)] // an ARN never matches `*`
#[case(&["arn:aws:iot:us-east-1:123456789012:job/*"], JOB, Allow)]
#[case(&["arn:aws:iot:us-east-1:123456789012:job/Firmware-42"], JOB, ImplicitDeny)]
#[case(&["arn:AWS:iot:us-east-1:123456789012:job/firmware-42"], JOB, ImplicitDeny)] // ID-6
#[case(&["arn:aws:iot:us-east-1:123456789012:thing/*", "arn:aws:iot:*:*:job/*"], JOB, Allow)]
#[case(&["arn:aws:iot:us-east-1:123456789012:thing/*"], JOB, ImplicitDeny)]
fn resources(#[case] patterns: &[&str], #[case] resource: &str, #[case] expected: Decision) {
    let set = set(vec![allow(&["iot:ListJobs"], patterns)]);
    assert_eq!(
        decision(&set, "iot:ListJobs", resource, Context::new()),
        Some(expected)
    );
}

#[rstest]
#[case("iot:DescribeJob", JOB, Allow)]
#[case("iot:DeleteJob", JOB, ImplicitDeny)]
#[case("iot:DescribeJob", THING, ImplicitDeny)] // only on the resources it names
#[case("iotjobsdata:DescribeJobExecution", JOB, Allow)]
fn allow_not_action(#[case] action: &str, #[case] resource: &str, #[case] expected: Decision) {
    let set = set(vec![allow(
        &["iot:DeleteJob", "iot:CancelJob"],
        &["arn:aws:iot:*:*:job/*"],
    )
    .not_action()]);
    assert_eq!(
        decision(&set, action, resource, Context::new()),
        Some(expected)
    );
}

#[rstest]
#[case("iot:DeleteJob", ExplicitDeny)]
#[case("iot:DescribeJob", Allow)]
#[case("iotjobsdata:DescribeJobExecution", ExplicitDeny)]
fn deny_not_action(#[case] action: &str, #[case] expected: Decision) {
    let set = set(vec![
        allow(&["*"], &["*"]),
        deny(&["iot:Describe*", "iot:List*"], &["*"]).not_action(),
    ]);
    assert_eq!(decision(&set, action, JOB, Context::new()), Some(expected));
}

#[rstest]
#[case(JOB, ImplicitDeny)]
#[case(THING, Allow)]
#[case("*", Allow)]
fn allow_not_resource(#[case] resource: &str, #[case] expected: Decision) {
    let set = set(vec![
        allow(&["iot:*"], &["arn:aws:iot:*:*:job/*"]).not_resource()
    ]);
    assert_eq!(
        decision(&set, "iot:DescribeJob", resource, Context::new()),
        Some(expected)
    );
}

#[rstest]
#[case(JOB, Allow)]
#[case(THING, ExplicitDeny)]
fn deny_not_resource(#[case] resource: &str, #[case] expected: Decision) {
    let set = set(vec![
        allow(&["iot:*"], &["*"]),
        deny(&["iot:*"], &["arn:aws:iot:*:*:job/*"]).not_resource(),
    ]);
    assert_eq!(
        decision(&set, "iot:DescribeJob", resource, Context::new()),
        Some(expected)
    );
}

fn bad_ip() -> Context {
    ctx(&[("aws:SourceIp", single("not-an-ip"))])
}

#[test]
fn an_error_wins_over_an_applicable_deny_in_any_order() {
    let erring = || {
        allow(&["iot:DescribeJob"], &["*"]).when(cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]))
    };
    let denying = || deny(&["iot:*"], &["*"]);
    for statements in [vec![erring(), denying()], vec![denying(), erring()]] {
        let set = set(statements);
        let r = eval(&set, &req("iot:DescribeJob", JOB, bad_ip()));
        assert_eq!(r.decision, None);
        assert!(r.matched.is_empty());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].key.as_deref(), Some("aws:SourceIp"));
        assert!(
            r.errors[0].message.contains("`not-an-ip`"),
            "{}",
            r.errors[0]
        );
    }
}

#[test]
fn errors_of_every_matching_statement_are_reported() {
    let set = set(vec![
        allow(&["iot:*"], &["*"]).when(cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"])),
        deny(&["iot:DescribeJob"], &["*"]).when(cond(
            "NotIpAddress",
            "aws:SourceIp",
            &["10.0.0.0/8"],
        )),
    ]);
    let r = eval(&set, &req("iot:DescribeJob", JOB, bad_ip()));
    let places: Vec<Option<usize>> = r.errors.iter().map(|e| e.statement).collect();
    assert_eq!(places.len(), 2);
    assert!(places.contains(&Some(0)) && places.contains(&Some(1)));
}

#[test]
fn statements_that_do_not_match_are_not_evaluated() {
    let set = set(vec![
        allow(&["iot:CreateJob"], &["*"]).when(cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"])),
        allow(&["iot:DescribeJob"], &[THING]).when(cond(
            "IpAddress",
            "aws:SourceIp",
            &["10.0.0.0/8"],
        )),
        allow(&["iot:DescribeJob"], &[JOB]),
    ]);
    let r = eval(&set, &req("iot:DescribeJob", JOB, bad_ip()));
    assert_eq!(r.decision, Some(Allow));
    assert!(r.errors.is_empty());
}

#[test]
fn an_error_after_a_false_condition_is_still_reported() {
    let set = set(vec![allow(&["iot:DescribeJob"], &["*"])
        .when(cond("StringEquals", "iot:ThingName", &["nope"]))
        .when(cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]))]);
    let context = ctx(&[
        ("iot:ThingName", single("t")),
        ("aws:SourceIp", single("bad")),
    ]);
    assert_eq!(decision(&set, "iot:DescribeJob", JOB, context), None);
}

#[test]
fn missing_keys_are_listed_once_and_only_for_matching_statements() {
    let set = set(vec![
        allow(&["iot:DescribeJob"], &["*"])
            .when(cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]))
            .when(cond("Null", "aws:TagKeys", &["true"])),
        allow(&["iot:DescribeJob"], &["*"])
            .when(cond("NotIpAddress", "AWS:SOURCEIP", &["10.0.0.0/8"]).clone()),
        allow(&["iot:DescribeJob"], &["*"]).when(cond(
            "BoolIfExists",
            "aws:SecureTransport",
            &["true"],
        )),
        allow(&["iot:CreateJob"], &["*"]).when(cond("StringEquals", "iot:Unrelated", &["x"])),
        allow(
            &["iot:DescribeJob"],
            &["arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"],
        ),
    ]);
    let r = eval(&set, &req("iot:DescribeJob", JOB, Context::new()));
    let keys: Vec<&str> = r.missing_keys.iter().map(|k| &**k).collect();
    assert_eq!(
        keys,
        [
            "aws:SecureTransport",
            "aws:SourceIp",
            "iot:Connection.Thing.ThingName"
        ]
    );
    assert_eq!(r.decision, Some(Allow)); // NotIpAddress and BoolIfExists hold when absent
}

#[test]
fn statements_are_evaluated_once_whatever_their_action_patterns() {
    let set = set(vec![
        allow(
            &[
                "iot:DescribeJob",
                "iot:Describe*",
                "iot:DescribeJob",
                "iotjobsdata:*",
            ],
            &["*"],
        ),
        allow(&["iot:DescribeJob", "IOT:DESCRIBEJOB"], &["*"]),
        allow(&["iot:ListJobs", "*"], &["*"]),
    ]);
    let r = eval(&set, &req("iot:DescribeJob", JOB, Context::new()));
    let places: Vec<usize> = r.matched.iter().map(|m| m.statement).collect();
    assert_eq!(places, [0, 1, 2]);
}

#[rstest]
#[case(THING, ctx(&[("iot:Connection.Thing.ThingName", single("MyIoTThing"))]), Allow)]
#[case(THING, ctx(&[("IOT:connection.thing.THINGNAME", single("MyIoTThing"))]), Allow)]
#[case(THING, ctx(&[("iot:Connection.Thing.ThingName", single("Other"))]), ImplicitDeny)]
#[case(THING, ctx(&[("iot:Connection.Thing.ThingName", multi(&["MyIoTThing"]))]), Allow)]
#[case(THING, ctx(&[("iot:Connection.Thing.ThingName", multi(&["MyIoTThing", "x"]))]), ImplicitDeny)]
#[case(THING, ctx(&[]), ImplicitDeny)]
#[case("arn:aws:iot:us-east-1:123456789012:thing/*", ctx(&[("iot:Connection.Thing.ThingName", single("*"))]), Allow)]
#[case(THING, ctx(&[("iot:Connection.Thing.ThingName", single("*"))]), ImplicitDeny)] // literal
#[case(THING, ctx(&[("iot:Connection.Thing.ThingName", single("My*"))]), ImplicitDeny)]
fn resource_variables(
    #[case] resource: &str,
    #[case] context: Context,
    #[case] expected: Decision,
) {
    let set = set(vec![allow(
        &["iotjobsdata:*"],
        &["arn:aws:iot:us-east-1:123456789012:thing/${iot:Connection.Thing.ThingName}"],
    )]);
    assert_eq!(
        decision(&set, "iotjobsdata:DescribeJobExecution", resource, context),
        Some(expected)
    );
}

#[rstest]
#[case("thing/${aws:username, 'anon'}", "thing/anon", ctx(&[]), Allow)]
#[case("thing/${aws:username, 'anon'}", "thing/bob", ctx(&[("aws:username", single("bob"))]), Allow)]
#[case("thing/${aws:username, 'anon'}", "thing/anon", ctx(&[("aws:username", single("bob"))]), ImplicitDeny)]
#[case("thing/a${*}", "thing/a*", ctx(&[]), Allow)]
#[case("thing/a${*}", "thing/ab", ctx(&[]), ImplicitDeny)]
#[case("thing/a${?}${$}", "thing/a?$", ctx(&[]), Allow)]
#[case("thing/*-${aws:username}", "thing/x-bob", ctx(&[("aws:username", single("bob"))]), Allow)]
#[case("thing/${aws:username}", "thing/", ctx(&[("aws:username", single(""))]), Allow)]
fn variable_defaults_and_escapes(
    #[case] tail: &str,
    #[case] resource_tail: &str,
    #[case] context: Context,
    #[case] expected: Decision,
) {
    let set = set(vec![allow(
        &["iot:*"],
        &[&format!("arn:aws:iot:us-east-1:123456789012:{tail}")],
    )]);
    let resource = format!("arn:aws:iot:us-east-1:123456789012:{resource_tail}");
    assert_eq!(
        decision(&set, "iot:DescribeJob", &resource, context),
        Some(expected)
    );
}

#[test]
fn variables_are_literal_text_outside_2012_10_17() {
    let text = "arn:aws:iot:us-east-1:123456789012:thing/${aws:username}";
    let bob = || ctx(&[("aws:username", single("bob"))]);
    for literal_model in [true, false] {
        // The parser's model (ARN glob) and a stray template both read as literal text.
        let mut s = allow(&["iot:*"], &[text]);
        if literal_model {
            s = s.literal_resources();
        }
        let set = PolicySet::new(vec![policy_2008(vec![s])]);
        assert_eq!(decision(&set, "iot:DescribeJob", text, bob()), Some(Allow));
        let resource = "arn:aws:iot:us-east-1:123456789012:thing/bob";
        assert_eq!(
            decision(&set, "iot:DescribeJob", resource, bob()),
            Some(ImplicitDeny)
        );
    }
    let c = cond_v("StringEquals", "iot:ThingName", &["${aws:username}"], true);
    let set = PolicySet::new(vec![policy_2008(vec![allow(&["iot:*"], &["*"]).when(c)])]);
    let literal = ctx(&[
        ("aws:username", single("bob")),
        ("iot:ThingName", single("${aws:username}")),
    ]);
    assert_eq!(decision(&set, "iot:DescribeJob", JOB, literal), Some(Allow));
}

/// ID-12: a NotResource entry whose variable has no value matches nothing.
#[rstest]
#[case(ctx(&[]), "thing/bob", ExplicitDeny)]
#[case(ctx(&[("aws:username", single("bob"))]), "thing/bob", Allow)]
#[case(ctx(&[("aws:username", single("bob"))]), "thing/eve", ExplicitDeny)]
fn not_resource_with_a_missing_variable(
    #[case] context: Context,
    #[case] tail: &str,
    #[case] expected: Decision,
) {
    let set = set(vec![
        allow(&["iot:*"], &["*"]),
        deny(&["iot:*"], &["arn:aws:iot:*:*:thing/${aws:username}"]).not_resource(),
    ]);
    let resource = format!("arn:aws:iot:us-east-1:123456789012:{tail}");
    assert_eq!(
        decision(&set, "iot:DescribeJob", &resource, context),
        Some(expected)
    );
}

#[rstest]
#[case("StringEquals", "${aws:username}", "bob", true)]
#[case("StringEquals", "${aws:username}", "Bob", false)]
#[case("StringEqualsIgnoreCase", "${aws:username}-X", "BOB-x", true)]
#[case("StringNotEquals", "${aws:username}", "bob", false)]
#[case("StringNotEquals", "${aws:username}", "eve", true)]
#[case("StringLike", "${aws:username}/*", "bob/1", true)]
#[case("StringLike", "${aws:username}/*", "bobby/1", false)]
#[case("StringLike", "${iot:Star}", "anything", false)] // substituted `*` is literal
#[case("StringLike", "${iot:Star}", "*", true)]
#[case(
    "ArnLike",
    "arn:aws:iot:*:*:thing/${aws:username}",
    "arn:aws:iot:us-east-1:1:thing/bob",
    true
)]
#[case(
    "ArnLike",
    "arn:aws:iot:*:*:thing/${aws:username}",
    "arn:aws:iot:us-east-1:1:thing/eve",
    false
)]
#[case(
    "ArnNotLike",
    "arn:aws:iot:*:*:thing/${aws:username}",
    "arn:aws:iot:us-east-1:1:thing/eve",
    true
)]
fn condition_variables(
    #[case] op: &str,
    #[case] value: &str,
    #[case] request: &str,
    #[case] expected: bool,
) {
    let set = set(vec![allow(&["iot:*"], &["*"]).when(cond(
        op,
        "iot:Value",
        &[value],
    ))]);
    let context = ctx(&[
        ("aws:username", single("bob")),
        ("iot:Star", single("*")),
        ("iot:Value", single(request)),
    ]);
    assert_eq!(
        decision(&set, "iot:DescribeJob", JOB, context),
        Some(if expected { Allow } else { ImplicitDeny })
    );
}

#[rstest]
#[case("StringEquals", ImplicitDeny)] // a positive value with no variable value does not match
#[case("StringNotEquals", Allow)] // a negated one does
#[case("StringLike", ImplicitDeny)]
#[case("StringNotLike", Allow)]
fn condition_variable_without_value(#[case] op: &str, #[case] expected: Decision) {
    let set = set(vec![allow(&["iot:*"], &["*"]).when(cond(
        op,
        "iot:Value",
        &["${aws:username}"],
    ))]);
    let context = ctx(&[("iot:Value", single("bob"))]);
    let r = eval(&set, &req("iot:DescribeJob", JOB, context));
    assert_eq!(r.decision, Some(expected));
    assert_eq!(
        r.missing_keys.iter().map(|k| &**k).collect::<Vec<_>>(),
        ["aws:username"]
    );
}

#[test]
fn explain_gives_a_verdict_per_statement() {
    let set = set(vec![
        allow(&["iot:CreateJob"], &["*"]).sid("Create"),
        allow(&["iot:DescribeJob"], &[THING]),
        allow(&["iot:DescribeJob"], &["*"]).when(cond("StringEquals", "iot:A", &["1", "2"])),
        allow(&["iot:DescribeJob"], &["*"]).when(cond(
            "IpAddress",
            "aws:SourceIp",
            &["10.0.0.0/8"],
        )),
        allow(&["iot:DescribeJob"], &[JOB]).sid("Job"),
    ]);
    let r = req(
        "iot:DescribeJob",
        JOB,
        ctx(&[("aws:SourceIp", single("10.1.2.3"))]),
    );
    let e = set.explain(&r);
    // Worked out by hand: statements 3 and 4 apply, both Allow (not `set.evaluate`, which
    // `explain` calls itself).
    assert_eq!(e.response.decision, Some(Allow));
    let matched: Vec<usize> = e.response.matched.iter().map(|m| m.statement).collect();
    assert_eq!(matched, [3, 4]);
    assert!(e.response.errors.is_empty());
    let verdicts: Vec<&Verdict> = e.statements.iter().map(|s| &s.verdict).collect();
    assert_eq!(verdicts[0], &Verdict::ActionNotMatched);
    assert_eq!(verdicts[1], &Verdict::ResourceNotMatched);
    assert_eq!(
        verdicts[2],
        &Verdict::ConditionNotMet {
            operator: "StringEquals".into(),
            key: "iot:A".into(),
            request_values: None,
            policy_values: vec!["1".into(), "2".into()],
        }
    );
    assert_eq!(verdicts[3], &Verdict::Applies);
    assert_eq!(verdicts[4], &Verdict::Applies);
    assert_eq!(e.statements[4].sid.as_deref(), Some("Job"));
    assert_eq!(e.statements[4].effect, Effect::Allow);
    let text = e.to_string();
    assert!(text.starts_with("allowed"), "{text}");
    assert!(
        text.contains("policy 0 statement 0 `Create` (Allow): action does not match"),
        "{text}"
    );
    assert!(
        text.contains(
            "`StringEquals` on `iot:A`: request has no such key, policy wants [`1`, `2`]"
        ),
        "{text}"
    );

    let bad = req("iot:DescribeJob", JOB, bad_ip());
    let e = set.explain(&bad);
    assert!(matches!(&e.statements[3].verdict, Verdict::Error(m) if m.contains("`not-an-ip`")));
    assert!(e.to_string().starts_with("error"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// `explain` works out each statement's verdict on a path of its own; the decision those
    /// verdicts give (§3: an error wins, then an applicable Deny, then an applicable Allow) and
    /// the statements that give it must be the response's.
    #[test]
    fn explained_verdicts_give_the_response(
        picks in proptest::collection::vec(0usize..7, 1..6),
        action in prop::sample::select(vec!["iot:DescribeJob", "iot:DeleteJob", "iotjobsdata:DescribeJobExecution"]),
        resource in prop::sample::select(vec![JOB, THING, "*"]),
        secure in prop::sample::select(vec!["true", "false", "maybe"]),
        ip in prop::sample::select(vec!["10.0.0.1", "192.0.2.1", "bad"]),
    ) {
        let pool = pool();
        let set = set(picks.iter().map(|i| pool[*i].clone()).collect());
        let request = req(action, resource, ctx(&[
            ("iot:A", single("1")),
            ("iot:T", single("MyIoTThing")),
            ("aws:SecureTransport", single(secure)),
            ("aws:SourceIp", single(ip)),
        ]));
        let e = set.explain(&request);
        let applying = |effect: Effect| -> Vec<(usize, usize)> {
            e.statements
                .iter()
                .filter(|s| s.verdict == Verdict::Applies && s.effect == effect)
                .map(|s| (s.policy, s.statement))
                .collect()
        };
        let errored = e.statements.iter().any(|s| matches!(s.verdict, Verdict::Error(_)));
        let (deny, allow) = (applying(Effect::Deny), applying(Effect::Allow));
        let (decision, deciding) = if errored {
            (None, Vec::new())
        } else if !deny.is_empty() {
            (Some(ExplicitDeny), deny)
        } else if !allow.is_empty() {
            (Some(Allow), allow)
        } else {
            (Some(ImplicitDeny), Vec::new())
        };
        prop_assert_eq!(e.response.decision, decision);
        if decision.is_some() {
            let matched: Vec<(usize, usize)> =
                e.response.matched.iter().map(|m| (m.policy, m.statement)).collect();
            prop_assert_eq!(matched, deciding);
        }
    }
}

#[test]
fn reference_evaluator_rejects_a_set_holding_a_bad_document() {
    let r = req("iot:DescribeJob", JOB, Context::new());
    let response = ReferenceEvaluator.evaluate(&[r#"{"Statement": []}"#, "{"], &r);
    assert_eq!(response.decision, None);
    assert!(!response.is_allowed());
    let policies: Vec<usize> = response.errors.iter().map(|e| e.policy).collect();
    assert_eq!(policies, [0, 1]);
    assert!(response.errors[0]
        .message
        .starts_with("policy document rejected: "));
    assert_eq!(
        ReferenceEvaluator.evaluate(&[], &r).decision,
        Some(ImplicitDeny)
    );
}

fn pool() -> Vec<S> {
    vec![
        allow(&["iot:*"], &["*"]),
        allow(&["iot:DescribeJob"], &[JOB]).when(cond("StringEquals", "iot:A", &["1"])),
        deny(&["iot:Describe*"], &[THING]),
        deny(&["iot:DeleteJob"], &["*"]).not_action().when(cond(
            "Bool",
            "aws:SecureTransport",
            &["false"],
        )),
        allow(&["iotjobsdata:*"], &["arn:aws:iot:*:*:thing/${iot:T}"]),
        allow(&["iot:*"], &["*"]).when(cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"])),
        deny(&["*"], &["arn:aws:iot:*:*:job/*"]).not_resource(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// The decision does not depend on the order of statements or policies, nor on duplicates.
    #[test]
    fn order_and_duplicates_do_not_matter(
        picks in proptest::collection::vec(0usize..7, 1..6),
        split in 0usize..6,
        action in prop::sample::select(vec!["iot:DescribeJob", "iot:DeleteJob", "iotjobsdata:DescribeJobExecution"]),
        resource in prop::sample::select(vec![JOB, THING, "*"]),
        secure in prop::sample::select(vec!["true", "false", "maybe"]),
        ip in prop::sample::select(vec!["10.0.0.1", "192.0.2.1", "bad"]),
    ) {
        let pool = pool();
        let chosen: Vec<S> = picks.iter().map(|i| pool[*i].clone()).collect();
        let context = || ctx(&[
            ("iot:A", single("1")),
            ("iot:T", single("MyIoTThing")),
            ("aws:SecureTransport", single(secure)),
            ("aws:SourceIp", single(ip)),
        ]);
        let request = req(action, resource, context());
        let forward = set(chosen.clone());
        let mut reversed = chosen.clone();
        reversed.reverse();
        let at = split.min(reversed.len());
        let (a, b) = reversed.split_at(at);
        let split_set = PolicySet::new(vec![policy(b.to_vec()), policy(a.to_vec())]);
        let mut doubled = chosen.clone();
        doubled.extend(chosen);
        let doubled = set(doubled);
        let expected = eval(&forward, &request).decision;
        prop_assert_eq!(eval(&split_set, &request).decision, expected);
        prop_assert_eq!(eval(&doubled, &request).decision, expected);
    }
}

#[test]
fn a_policy_set_is_shared_across_threads() {
    fn shareable<T: Send + Sync>(_: &T) {}
    let set = set(vec![allow(&["iot:*"], &["*"]).sid("All")]);
    shareable(&set);
    let r = req("iot:DescribeJob", JOB, Context::new());
    std::thread::scope(|scope| {
        let a = scope.spawn(|| set.decide(&r));
        let b = scope.spawn(|| set.evaluate(&r).decision);
        assert_eq!(a.join().unwrap(), Some(Allow));
        assert_eq!(b.join().unwrap(), Some(Allow));
    });
}
