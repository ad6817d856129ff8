//! `evaluate_into` and `decide` allocate nothing once warm (a counting global allocator,
//! per thread, from `allocation-counter`).

mod common;

use allocation_counter::measure;
use common::*;
use iam_eval::{Decision, PolicySet, Request, Response};

/// Warm up, then count the allocations of many evaluations.
fn count(set: &PolicySet, request: &Request, expected: Decision) -> (u64, u64) {
    let mut response = Response::new();
    set.evaluate_into(request, &mut response);
    assert_eq!(response.decision, Some(expected), "{response}");
    let warm = response.clone();
    let into = measure(|| {
        for _ in 0..16 {
            set.evaluate_into(request, &mut response);
        }
    });
    assert_eq!(response, warm);
    let decide = measure(|| {
        for _ in 0..16 {
            assert_eq!(set.decide(request), Some(expected));
        }
    });
    (into.count_total, decide.count_total)
}

/// Statements whose patterns need no glob: exact actions, `Resource: "*"`, conditions of
/// every non-glob family, a missing key, and a Deny that overrides.
#[test]
fn exact_actions_and_typed_conditions_allocate_nothing() {
    let set = PolicySet::new(vec![
        policy(vec![
            allow(&["iot:DescribeJob", "iot:ListJobs"], &["*"])
                .sid("Read")
                .when(cond(
                    "StringEquals",
                    "aws:RequestTag/env",
                    &["beta", "prod"],
                ))
                .when(cond(
                    "StringEqualsIgnoreCase",
                    "iot:ThingName",
                    &["MyThing"],
                ))
                .when(cond("Bool", "aws:SecureTransport", &["true"]))
                .when(cond(
                    "IpAddress",
                    "aws:SourceIp",
                    &["203.0.113.0/24", "2001:db8::/32"],
                ))
                .when(cond("NumericLessThan", "iot:Count", &["10"]))
                .when(cond("ForAnyValue:StringEquals", "aws:TagKeys", &["env"]))
                .when(cond("BinaryEquals", "iot:Blob", &["aGVsbG8="]))
                .when(cond("Null", "iot:Absent", &["true"]))
                .when(cond("StringNotEqualsIfExists", "iot:AlsoAbsent", &["x"])),
            allow(&["iot:CreateJob"], &["*"]),
        ]),
        policy(vec![deny(&["iot:DeleteJob"], &["*"]).sid("NoDelete")]),
    ]);
    let context = || {
        ctx(&[
            ("aws:RequestTag/env", single("beta")),
            ("iot:thingname", single("mything")),
            ("aws:SecureTransport", single("TRUE")),
            ("aws:SourceIp", single("203.0.113.7")),
            ("iot:Count", single("3")),
            ("aws:TagKeys", multi(&["team", "env"])),
            ("iot:Blob", single("hello")),
        ])
    };
    let allowed = req("iot:DescribeJob", JOB, context());
    assert_eq!(count(&set, &allowed, Decision::Allow), (0, 0));
    let mut response = Response::new();
    set.evaluate_into(&allowed, &mut response);
    assert_eq!(response.matched.len(), 1);
    assert_eq!(response.missing_keys.len(), 1); // iot:AlsoAbsent (Null tests presence)

    let denied = req("iot:DeleteJob", JOB, context());
    assert_eq!(count(&set, &denied, Decision::ExplicitDeny), (0, 0));
    let nothing = req("iot:CancelJob", JOB, context());
    assert_eq!(count(&set, &nothing, Decision::ImplicitDeny), (0, 0));
}

/// The typical seed policy: wildcard actions, ARN resources, `StringLike`, `ArnLike` and a
/// policy variable. Allocation-free only with the compiled pattern engine of iam-policy (the
/// stub `pattern::matches_tokens` allocates per character).
#[test]
fn globs_and_variables_allocate_nothing() {
    let set = PolicySet::new(vec![policy(vec![
        allow(
            &["iot:Describe*", "iot:List*"],
            &["arn:aws:iot:us-east-1:123456789012:job/*"],
        )
        .when(cond("StringLike", "aws:RequestTag/env", &["be*"]))
        .when(cond(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:iot:*:123456789012:thing/*"],
        )),
        allow(
            &["iotjobsdata:*"],
            &["arn:aws:iot:us-east-1:123456789012:thing/${iot:Connection.Thing.ThingName}"],
        )
        .when(cond(
            "StringEquals",
            "iot:ThingName",
            &["${iot:Connection.Thing.ThingName}"],
        )),
        deny(&["iot:Delete*"], &["*"]),
    ])]);
    let context = || {
        ctx(&[
            ("aws:RequestTag/env", single("beta")),
            (
                "aws:SourceArn",
                single("arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing"),
            ),
            ("iot:Connection.Thing.ThingName", single("MyIoTThing")),
            ("iot:ThingName", single("MyIoTThing")),
        ])
    };
    let r = req("iot:DescribeJob", JOB, context());
    assert_eq!(count(&set, &r, Decision::Allow), (0, 0));
    let r = req("iotjobsdata:DescribeJobExecution", THING, context());
    assert_eq!(count(&set, &r, Decision::Allow), (0, 0));
    let r = req("iot:DeleteJob", JOB, context());
    assert_eq!(count(&set, &r, Decision::ExplicitDeny), (0, 0));
}

/// The counter itself works: a test of this file that could not fail would prove nothing.
#[test]
fn the_counter_counts() {
    let info = measure(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert_eq!(info.count_total, 1);
}
