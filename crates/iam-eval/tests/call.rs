//! Whole API calls: expansion into checks (ID-22, one check per ARN the call names), typed
//! errors naming the parameter, and the combined decision.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed setup or assertion should stop the test loudly"
)]

use iam_eval::call::{combine, Call, CallChecks, CallError, CheckReason, ParamValue};
use iam_eval::{Context, ContextValue, Decision, PolicySet};
use iam_policy::catalog::{self, operations};
use iam_policy::Policy;

const ACCOUNT: &str = "123456789012";
const GROUP: &str = "arn:aws:iot:us-east-1:123456789012:thinggroup/FirmwareUpdateGroup";
const THING: &str = "arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing";

fn text(v: &str) -> ParamValue {
    ParamValue::Text(v.into())
}

fn call(operation: &str, params: Vec<(&str, ParamValue)>) -> Call {
    Call {
        operation: operation.into(),
        region: "us-east-1".into(),
        account: ACCOUNT.into(),
        params: params.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        context: Context::new(),
    }
}

fn set(statements: &str) -> PolicySet {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
    PolicySet::new(vec![Policy::parse(&text).unwrap()])
}

fn create_job(tags: Vec<(&str, &str)>) -> Call {
    let mut params = vec![("jobId", text("fw-42")), ("targets", text(GROUP))];
    if !tags.is_empty() {
        let tags = tags
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        params.push(("tags", ParamValue::Tags(tags)));
    }
    call("CreateJob", params)
}

/// The seed's first statement, placeholders filled.
const E1_GROUP: &str = r#"{"Action": ["iot:CreateJobTemplate", "iot:CreateJob"], "Effect": "Allow",
    "Resource": "arn:aws:iot:us-east-1:123456789012:thinggroup/FirmwareUpdateGroup"}"#;
const JOBS: &str = r#"{"Action": "iot:CreateJob", "Effect": "Allow",
    "Resource": "arn:aws:iot:us-east-1:123456789012:job/*"}"#;
const TAGGING: &str = r#"{"Action": "iot:TagResource", "Effect": "Allow",
    "Resource": "arn:aws:iot:us-east-1:123456789012:job/*"}"#;

fn resources(call: &Call) -> Vec<(String, String)> {
    call.expand()
        .unwrap()
        .checks
        .iter()
        .map(|c| {
            (
                c.request.action().to_owned(),
                c.request.resource().to_owned(),
            )
        })
        .collect()
}

#[test]
fn create_job_on_a_group_alone_is_denied_by_the_job_check() {
    let expanded = create_job(vec![]).expand().unwrap();
    let response = set(E1_GROUP).evaluate_call(&expanded);
    assert_eq!(response.decision, Some(Decision::ImplicitDeny));
    assert_eq!(
        expanded.checks[0].request.resource(),
        "arn:aws:iot:us-east-1:123456789012:job/fw-42"
    );
    assert_eq!(expanded.checks[0].reason, CheckReason::Parameter("jobId"));
    assert_eq!(response.checks[0].decision, Some(Decision::ImplicitDeny));
    assert_eq!(response.checks[1].decision, Some(Decision::Allow));
    assert!(!response.is_allowed());
}

#[test]
fn create_job_with_the_job_granted_is_allowed_and_tags_need_tag_resource() {
    let both = format!("{E1_GROUP},{JOBS}");
    let response = set(&both).evaluate_call(&create_job(vec![]).expand().unwrap());
    assert_eq!(response.decision, Some(Decision::Allow));
    assert!(response.is_allowed());

    let tagged = create_job(vec![("env", "prod")]).expand().unwrap();
    let last = tagged.checks.last().unwrap();
    assert_eq!(last.reason, CheckReason::TagOnCreate);
    assert_eq!(last.request.action(), "iot:TagResource");
    assert_eq!(
        last.request.resource(),
        "arn:aws:iot:us-east-1:123456789012:job/fw-42"
    );
    let context = last.request.context();
    assert_eq!(
        context.get("aws:RequestTag/env"),
        Some(&ContextValue::Single("prod".into()))
    );
    assert_eq!(
        context.get("aws:TagKeys"),
        Some(&ContextValue::Multi(vec!["env".into()]))
    );
    // The CreateJob checks carry the request tags too (CreateJob declares both keys).
    assert!(tagged.checks[0]
        .request
        .context()
        .contains_key("aws:TagKeys"));
    let response = set(&both).evaluate_call(&tagged);
    assert_eq!(response.decision, Some(Decision::ImplicitDeny));
    let response = set(&format!("{both},{TAGGING}")).evaluate_call(&tagged);
    assert_eq!(response.decision, Some(Decision::Allow));
}

#[test]
fn any_explicit_deny_wins_and_any_error_wins_over_it() {
    let deny_group = r#"{"Effect": "Deny", "Action": "iot:CreateJob",
        "Resource": "arn:aws:iot:*:*:thinggroup/*"}"#;
    let all = format!("{E1_GROUP},{JOBS},{deny_group}");
    let response = set(&all).evaluate_call(&create_job(vec![]).expand().unwrap());
    assert_eq!(response.decision, Some(Decision::ExplicitDeny));
    assert_eq!(response.checks[0].decision, Some(Decision::Allow));

    // An unreadable value under the job statement's condition: that check is an error.
    let strict_jobs = r#"{"Effect": "Allow", "Action": "iot:CreateJob",
        "Resource": "arn:aws:iot:us-east-1:123456789012:job/*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#;
    let mut c = create_job(vec![]);
    c.context
        .insert("aws:SecureTransport", ContextValue::from("yes"))
        .unwrap();
    let response = set(&format!("{strict_jobs},{deny_group}")).evaluate_call(&c.expand().unwrap());
    assert_eq!(response.decision, None);
    assert!(!response.is_allowed());
}

#[test]
fn checks_follow_parameter_order_without_repeats() {
    let c = call(
        "CreateJob",
        vec![
            ("jobId", text("fw-42")),
            (
                "targets",
                ParamValue::List(vec![GROUP.into(), THING.into(), GROUP.into()]),
            ),
            (
                "jobTemplateArn",
                text("arn:aws:iot:us-east-1:123456789012:jobtemplate/fw"),
            ),
            (
                "destinationPackageVersions",
                text("arn:aws:iot:us-east-1:123456789012:package/p/version/1.0"),
            ),
        ],
    );
    let names: Vec<String> = resources(&c).into_iter().map(|(_, r)| r).collect();
    assert_eq!(
        names,
        [
            "arn:aws:iot:us-east-1:123456789012:job/fw-42",
            GROUP,
            THING,
            "arn:aws:iot:us-east-1:123456789012:jobtemplate/fw",
            "arn:aws:iot:us-east-1:123456789012:package/p/version/1.0",
        ]
    );
}

#[test]
fn data_plane_calls_check_the_thing_with_the_job_id_key() {
    let c = call(
        "iotjobsdata:DescribeJobExecution",
        vec![("thingName", text("MyIoTThing")), ("jobId", text("fw-42"))],
    );
    let expanded = c.expand().unwrap();
    assert_eq!(expanded.checks.len(), 1);
    let request = &expanded.checks[0].request;
    assert_eq!(request.action(), "iotjobsdata:DescribeJobExecution");
    assert_eq!(request.resource(), THING);
    assert_eq!(
        request.context().get("iot:JobId"),
        Some(&ContextValue::Single("fw-42".into()))
    );
    let only_fw = r#"{"Effect": "Allow", "Action": "iotjobsdata:DescribeJobExecution",
        "Resource": "arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing",
        "Condition": {"StringEquals": {"iot:JobId": "fw-42"}}}"#;
    assert!(set(only_fw).evaluate_call(&expanded).is_allowed());
    let other = call(
        "iotjobsdata:DescribeJobExecution",
        vec![("thingName", text("MyIoTThing")), ("jobId", text("fw-43"))],
    );
    assert!(!set(only_fw)
        .evaluate_call(&other.expand().unwrap())
        .is_allowed());
}

#[test]
fn resource_less_operations_check_star_and_managed_templates_have_no_account() {
    assert_eq!(
        resources(&call("ListJobs", vec![])),
        [("iot:ListJobs".to_owned(), "*".to_owned())]
    );
    let c = call(
        "DescribeManagedJobTemplate",
        vec![
            ("templateName", text("AWS-Reboot")),
            ("templateVersion", text("1.0")),
        ],
    );
    assert_eq!(
        resources(&c)[0].1,
        "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0"
    );
    let mut china = call("DescribeJob", vec![("jobId", text("j"))]);
    china.region = "cn-north-1".into();
    assert_eq!(
        resources(&china)[0].1,
        "arn:aws-cn:iot:cn-north-1:123456789012:job/j"
    );
}

fn error(c: &Call) -> CallError {
    c.expand().unwrap_err()
}

#[test]
fn bad_calls_are_typed_errors_naming_the_parameter() {
    let e = error(&call("createjob", vec![]));
    assert!(matches!(
        &e,
        CallError::UnknownOperation {
            suggestion: Some("CreateJob"),
            ..
        }
    ));
    assert!(
        e.help().contains("did you mean `CreateJob`?"),
        "{}",
        e.help()
    );

    let e = error(&call("DescribeJobExecution", vec![]));
    assert_eq!(
        e.to_string(),
        "`DescribeJobExecution` is an operation of both the control plane and the data plane"
    );
    assert!(e.help().contains("`iotjobsdata:DescribeJobExecution`"));

    let e = error(&call("CreateJob", vec![("jobId", text("j"))]));
    assert_eq!(
        e.to_string(),
        "operation `CreateJob` needs the parameter `targets`"
    );
    assert!(e.help().contains("`thing` or `thinggroup`"), "{}", e.help());

    let e = error(&call(
        "DescribeJob",
        vec![("jobId", text("j")), ("thingName", text("t"))],
    ));
    assert_eq!(
        e.to_string(),
        "operation `DescribeJob` has no parameter `thingName`"
    );
    assert_eq!(e.help(), "it takes `jobId`");

    let e = error(&call("DescribeJob", vec![("jobId", text("fw/42"))]));
    assert_eq!(
        e.to_string(),
        "parameter `jobId` has the value `fw/42`, which is not 1 to 64 letters, digits, `_` or `-`"
    );

    let job_as_target = "arn:aws:iot:us-east-1:123456789012:job/x";
    let e = error(&call(
        "CreateJob",
        vec![("jobId", text("j")), ("targets", text(job_as_target))],
    ));
    assert_eq!(
        e.to_string(),
        format!("parameter `targets` has the value `{job_as_target}`, which is a `job` ARN")
    );
    let e = error(&call(
        "CreateJob",
        vec![
            ("jobId", text("j")),
            (
                "targets",
                text("arn:aws:iot:us-east-1:123456789012:thing/*"),
            ),
        ],
    ));
    assert!(e.to_string().contains("holds a wildcard"), "{e}");
    let e = error(&call(
        "CreateJob",
        vec![("jobId", text("j")), ("targets", text("fleet"))],
    ));
    assert!(e.to_string().contains("is not an ARN"), "{e}");

    let mut c = call("DescribeJob", vec![("jobId", text("j"))]);
    c.account = "1234".into();
    assert!(matches!(error(&c), CallError::InvalidAccount { .. }));
    c.account = ACCOUNT.into();
    c.region = "US East".into();
    assert!(matches!(error(&c), CallError::InvalidRegion { .. }));

    let mut c = create_job(vec![("env", "prod")]);
    c.context
        .insert("aws:TagKeys", ContextValue::Multi(vec!["x".into()]))
        .unwrap();
    let e = error(&c);
    assert_eq!(
        e.to_string(),
        "context key `aws:TagKeys` is set by the call from its parameter `tags`"
    );

    let e = error(&call(
        "DescribeJob",
        vec![("jobId", text("a")), ("jobId", text("b"))],
    ));
    assert!(matches!(e, CallError::DuplicateParameter { .. }));
    let e = error(&call(
        "TagResource",
        vec![
            (
                "resourceArn",
                text("arn:aws:iot:us-east-1:123456789012:job/j"),
            ),
            ("tags", text("env=prod")),
        ],
    ));
    assert!(e.to_string().contains("is not a set of tags"), "{e}");
}

/// A valid value for each parameter kind, for the sweep below.
fn sample(param: &operations::Param) -> ParamValue {
    use operations::ParamKind;
    match &param.kind {
        ParamKind::Name { resource_type, .. } => text(&format!("{resource_type}-1")),
        ParamKind::ManagedTemplateName => text("AWS-Reboot"),
        ParamKind::Arn(types) | ParamKind::ArnList(types) => {
            let name = match types[0] {
                "packageversion" => "package/p/version/1",
                "dynamicthinggroup" => "thinggroup/g",
                other => return text(&format!("arn:aws:iot:us-east-1:123456789012:{other}/r1")),
            };
            text(&format!("arn:aws:iot:us-east-1:123456789012:{name}"))
        }
        ParamKind::JobIdKey => text("fw-42"),
        ParamKind::Tags => ParamValue::Tags(vec![("env".into(), "prod".into())]),
        ParamKind::TagKeys => text("env,team"),
        ParamKind::Text => text("1"),
    }
}

#[test]
fn every_operation_expands_into_requests_inside_the_catalog() {
    for operation in operations::operations() {
        for with_optional in [false, true] {
            let given: Vec<&operations::Param> = operation
                .params
                .iter()
                .filter(|p| p.required || with_optional)
                .collect();
            let c = call(
                operation.action,
                given.iter().map(|p| (p.name, sample(p))).collect(),
            );
            let expanded = c
                .expand()
                .unwrap_or_else(|e| panic!("{}: {e} ({})", operation.action, e.help()));
            assert!(!expanded.checks.is_empty());
            for check in &expanded.checks {
                let r = &check.request;
                let (vendor, name) = r.action().split_once(':').unwrap();
                let info = catalog::lookup_action(vendor, name).unwrap();
                if r.resource() == "*" {
                    assert!(given.iter().all(|p| !p.kind.names_resource()));
                } else {
                    assert_eq!(
                        catalog::takes_arn(info, r.resource()),
                        Some(true),
                        "{} on {}",
                        r.action(),
                        r.resource()
                    );
                }
                for (key, _) in r.context().iter() {
                    let declared = info.condition_keys.iter().any(|k| {
                        k.eq_ignore_ascii_case(key)
                            || k.strip_suffix("${TagKey}").is_some_and(|p| {
                                key.to_ascii_lowercase()
                                    .starts_with(&p.to_ascii_lowercase())
                            })
                    });
                    assert!(declared, "{} gets undeclared key {key}", r.action());
                }
            }
        }
    }
}

/// The resources checked under a reading of ID-22.
fn resources_under(call: &Call, reading: CallChecks) -> Vec<String> {
    call.expand_under(reading)
        .unwrap()
        .checks
        .iter()
        .map(|c| format!("{} {}", c.request.action(), c.request.resource()))
        .collect()
}

const JOB42: &str = "arn:aws:iot:us-east-1:123456789012:job/fw-42";
const TEMPLATE: &str = "arn:aws:iot:us-east-1:123456789012:jobtemplate/fw";

#[rstest::rstest]
// Every ARN the call names, in parameter order.
#[case(CallChecks::Every, &["iot:CreateJob JOB", "iot:CreateJob GROUP", "iot:CreateJob THING", "iot:CreateJob TEMPLATE", "iot:TagResource JOB"])]
// The optional `jobTemplateArn` is not checked.
#[case(CallChecks::Required, &["iot:CreateJob JOB", "iot:CreateJob GROUP", "iot:CreateJob THING", "iot:TagResource JOB"])]
// The job only; the tagging check of a create with tags under every reading.
#[case(CallChecks::First, &["iot:CreateJob JOB", "iot:TagResource JOB"])]
fn id22_the_checks_of_each_reading(#[case] reading: CallChecks, #[case] want: &[&str]) {
    let c = call(
        "CreateJob",
        vec![
            ("jobId", text("fw-42")),
            (
                "targets",
                ParamValue::List(vec![GROUP.into(), THING.into()]),
            ),
            ("jobTemplateArn", text(TEMPLATE)),
            (
                "tags",
                ParamValue::Tags(vec![("env".into(), "prod".into())]),
            ),
        ],
    );
    let want: Vec<String> = want
        .iter()
        .map(|w| {
            w.replace("JOB", JOB42)
                .replace("GROUP", GROUP)
                .replace("THING", THING)
                .replace("TEMPLATE", TEMPLATE)
        })
        .collect();
    assert_eq!(resources_under(&c, reading), want);
}

#[rstest::rstest]
// (statements, [every, required, first]): the job and the group granted, not the template.
#[case(&[JOBS, E1_GROUP], ["implicitDeny", "allowed", "allowed"])]
// The job alone granted.
#[case(&[JOBS], ["implicitDeny", "implicitDeny", "allowed"])]
// A Deny on the template.
#[case(&[JOBS, E1_GROUP, r#"{"Effect": "Deny", "Action": "*", "Resource": "arn:aws:iot:*:*:jobtemplate/*"}"#], ["explicitDeny", "allowed", "allowed"])]
fn id22_the_call_decision_of_each_reading(#[case] statements: &[&str], #[case] want: [&str; 3]) {
    let c = call(
        "CreateJob",
        vec![
            ("jobId", text("fw-42")),
            ("targets", text(GROUP)),
            ("jobTemplateArn", text(TEMPLATE)),
        ],
    );
    let policies = set(&statements.join(", "));
    for (reading, want) in [CallChecks::Every, CallChecks::Required, CallChecks::First]
        .into_iter()
        .zip(want)
    {
        let expanded = c.expand_under(reading).unwrap();
        let decisions = expanded
            .checks
            .iter()
            .map(|check| policies.evaluate(&check.request).decision);
        let got = match combine(decisions) {
            Some(Decision::Allow) => "allowed",
            Some(Decision::ExplicitDeny) => "explicitDeny",
            Some(Decision::ImplicitDeny) => "implicitDeny",
            None => "error",
        };
        assert_eq!(got, want, "{reading:?}");
    }
}
