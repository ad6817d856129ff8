use super::*;
use proptest::prelude::*;
use rstest::rstest;

const SEED_CONTROL: [&str; 21] = [
    "AssociateTargetsWithJob",
    "CancelJob",
    "CancelJobExecution",
    "CreateJob",
    "CreateJobTemplate",
    "DeleteJob",
    "DeleteJobExecution",
    "DeleteJobTemplate",
    "DescribeJob",
    "DescribeJobExecution",
    "DescribeJobTemplate",
    "DescribeManagedJobTemplate",
    "GetJobDocument",
    "ListJobExecutionsForJob",
    "ListJobExecutionsForThing",
    "ListJobs",
    "ListJobTemplates",
    "ListManagedJobTemplates",
    "UpdateJob",
    "TagResource",
    "UntagResource",
];

const COMMANDS: [&str; 9] = [
    "CreateCommand",
    "UpdateCommand",
    "DeleteCommand",
    "GetCommand",
    "StartCommandExecution",
    "GetCommandExecution",
    "DeleteCommandExecution",
    "ListCommandExecutions",
    "ListCommands",
];

const DATA: [&str; 4] = [
    "DescribeJobExecution",
    "GetPendingJobExecutions",
    "StartNextPendingJobExecution",
    "UpdateJobExecution",
];

fn names(list: &[&'static ActionInfo]) -> Vec<&'static str> {
    let mut v: Vec<&str> = list.iter().map(|a| a.name).collect();
    v.sort_unstable();
    v
}

fn required(a: &ActionInfo) -> Vec<&'static str> {
    a.resources
        .iter()
        .filter(|r| r.required)
        .map(|r| r.resource_type)
        .collect()
}

fn optional(a: &ActionInfo) -> Vec<&'static str> {
    a.resources
        .iter()
        .filter(|r| !r.required)
        .map(|r| r.resource_type)
        .collect()
}

#[test]
fn counts_per_plane() {
    let control: Vec<_> = actions().iter().filter(|a| a.vendor == "iot").collect();
    let data: Vec<_> = actions()
        .iter()
        .filter(|a| a.vendor == "iotjobsdata")
        .collect();
    assert_eq!(control.len(), SEED_CONTROL.len() + COMMANDS.len());
    assert_eq!(data.len(), DATA.len());
    assert_eq!(actions().len(), 34);
    for a in actions() {
        assert_eq!(a.control_plane, a.vendor == "iot", "{}", a.name);
    }
}

#[test]
fn every_listed_action_is_on_its_plane() {
    for n in SEED_CONTROL.iter().chain(COMMANDS.iter()) {
        let a = lookup_action("iot", n).unwrap();
        assert!(a.control_plane);
        assert_eq!(a.name, *n);
    }
    for n in DATA {
        let a = lookup_action("iotjobsdata", n).unwrap();
        assert!(!a.control_plane);
        assert_eq!(
            a.resources,
            &[ResourceUse {
                resource_type: "thing",
                required: true
            }]
        );
    }
    // Only DescribeJobExecution is on both planes.
    for n in [
        "GetPendingJobExecutions",
        "StartNextPendingJobExecution",
        "UpdateJobExecution",
    ] {
        assert!(lookup_action("iot", n).is_none(), "{n}");
    }
    for n in SEED_CONTROL.iter().chain(COMMANDS.iter()) {
        if *n != "DescribeJobExecution" {
            assert!(lookup_action("iotjobsdata", n).is_none(), "{n}");
        }
    }
}

#[test]
fn no_duplicate_actions() {
    let mut keys: Vec<(&str, &str)> = actions().iter().map(|a| (a.vendor, a.name)).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), actions().len());
}

#[test]
fn describe_job_execution_differs_between_planes() {
    let control = lookup_action("iot", "DescribeJobExecution").unwrap();
    let data = lookup_action("iotjobsdata", "DescribeJobExecution").unwrap();
    assert_eq!(control.access, AccessLevel::Read);
    assert_eq!(data.access, AccessLevel::Read);
    assert!(required(control).is_empty());
    assert_eq!(optional(control), ["job", "thing"]);
    assert!(control.condition_keys.is_empty());
    assert_eq!(required(data), ["thing"]);
    assert_eq!(data.condition_keys, ["iot:JobId"]);
}

#[rstest]
#[case("iot", "AssociateTargetsWithJob", AccessLevel::Write, &["job", "thing", "thinggroup"], &[], 0)]
#[case("iot", "CreateJob", AccessLevel::Write, &["job", "thing", "thinggroup"], &["jobtemplate", "package", "packageversion"], 2)]
#[case("iot", "CreateJobTemplate", AccessLevel::Write, &["jobtemplate"], &["job", "package", "packageversion"], 2)]
#[case("iot", "DeleteJobTemplate", AccessLevel::Write, &["jobtemplate"], &[], 0)]
#[case("iot", "DescribeManagedJobTemplate", AccessLevel::Read, &["jobtemplate"], &[], 0)]
#[case("iot", "ListJobExecutionsForJob", AccessLevel::List, &["job"], &[], 0)]
#[case("iot", "ListJobExecutionsForThing", AccessLevel::List, &["thing"], &[], 0)]
#[case("iot", "ListJobs", AccessLevel::List, &[], &[], 0)]
#[case("iot", "TagResource", AccessLevel::Tagging, &[], &["job", "jobtemplate", "thinggroup", "dynamicthinggroup", "package", "packageversion", "command"], 2)]
#[case("iot", "UntagResource", AccessLevel::Tagging, &[], &["job", "jobtemplate", "thinggroup", "dynamicthinggroup", "package", "packageversion", "command"], 1)]
#[case("iot", "CreateCommand", AccessLevel::Write, &["command"], &[], 2)]
#[case("iot", "GetCommand", AccessLevel::Read, &["command"], &[], 0)]
#[case("iot", "StartCommandExecution", AccessLevel::Write, &["command"], &["thing", "client"], 3)]
#[case("iot", "GetCommandExecution", AccessLevel::Read, &[], &["thing", "client"], 0)]
#[case("iot", "DeleteCommandExecution", AccessLevel::Write, &[], &["thing", "client"], 0)]
#[case("iot", "ListCommandExecutions", AccessLevel::List, &[], &["command", "thing", "client"], 0)]
#[case("iot", "ListCommands", AccessLevel::List, &[], &[], 0)]
#[case("iotjobsdata", "StartNextPendingJobExecution", AccessLevel::Write, &["thing"], &[], 0)]
#[case("iotjobsdata", "UpdateJobExecution", AccessLevel::Write, &["thing"], &[], 1)]
fn table_rows(
    #[case] vendor: &str,
    #[case] name: &str,
    #[case] access: AccessLevel,
    #[case] req: &[&str],
    #[case] opt: &[&str],
    #[case] keys: usize,
) {
    let a = lookup_action(vendor, name).unwrap();
    assert_eq!(a.access, access);
    assert_eq!(required(a), req);
    assert_eq!(optional(a), opt);
    assert_eq!(a.condition_keys.len(), keys);
}

#[test]
fn tagging_condition_keys() {
    let tag = lookup_action("iot", "TagResource").unwrap();
    assert_eq!(
        tag.condition_keys,
        ["aws:RequestTag/${TagKey}", "aws:TagKeys"]
    );
    let untag = lookup_action("iot", "UntagResource").unwrap();
    assert_eq!(untag.condition_keys, ["aws:TagKeys"]);
    let start = lookup_action("iot", "StartCommandExecution").unwrap();
    assert!(start
        .condition_keys
        .iter()
        .all(|k| k.starts_with("iot:CommandExecutionParameter")
            && k.ends_with("/${CommandParameterName}")));
}

#[test]
fn resource_types_are_consistent() {
    for a in actions() {
        for r in a.resources {
            assert!(
                resource_type(r.resource_type).is_some(),
                "{}: {}",
                a.name,
                r.resource_type
            );
        }
    }
    assert_eq!(resource_types().len(), 9);
    for t in resource_types() {
        assert!(t
            .arn_template
            .starts_with("arn:${Partition}:iot:${Region}:${Account}:"));
        let tagged = !matches!(t.name, "thing" | "client");
        assert_eq!(
            t.condition_keys == ["aws:ResourceTag/${TagKey}"],
            tagged,
            "{}",
            t.name
        );
        assert_eq!(t.condition_keys.is_empty(), !tagged, "{}", t.name);
    }
    assert_eq!(resource_type("THING").unwrap().name, "thing");
    assert!(resource_type("topic").is_none());
}

#[test]
fn every_action_has_a_description() {
    for a in actions() {
        let d = a.description();
        assert!(!d.is_empty(), "{}", a.name);
        assert!(!d.contains('\n'));
        assert_eq!(d, d.trim());
    }
    let thing = lookup_action("iot", "ListJobExecutionsForThing").unwrap();
    assert!(thing.description().ends_with("for a thing"));
    let data = lookup_action("iotjobsdata", "GetPendingJobExecutions").unwrap();
    assert!(data.description().contains("not in a terminal state"));
}

#[test]
fn catalog_iot_actions_are_in_the_name_list() {
    for a in actions().iter().filter(|a| a.vendor == "iot") {
        assert!(iot_action_names().any(|n| n == a.name), "{}", a.name);
    }
    let mut all: Vec<&str> = iot_action_names().collect();
    let before = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), before);
    assert!(!iot_action_names().any(|n| n == "GetPendingJobExecutions"));
}

#[rstest]
#[case("iot", "createjob", Some("CreateJob"))]
#[case("IOT", "CREATEJOB", Some("CreateJob"))]
#[case("IoTJobsData", "describejobexecution", Some("DescribeJobExecution"))]
#[case("iot", "CreateJob ", None)]
#[case("iot", "Create", None)]
#[case("iotjobsdata", "CreateJob", None)]
#[case("s3", "CreateJob", None)]
fn lookup_is_case_insensitive_and_exact(
    #[case] vendor: &str,
    #[case] name: &str,
    #[case] expected: Option<&str>,
) {
    assert_eq!(lookup_action(vendor, name).map(|a| a.name), expected);
}

#[rstest]
#[case("iot", "Publish", true)]
#[case("IOT", "describething", true)]
#[case("iot", "CreateJob", true)]
#[case("iotjobsdata", "GetPendingJobExecutions", true)]
#[case("iotjobsdata", "Publish", false)]
#[case("iot", "GetPendingJobExecutions", false)]
#[case("iot", "Frobnicate", false)]
#[case("s3", "GetObject", false)]
fn existence(#[case] vendor: &str, #[case] name: &str, #[case] expected: bool) {
    assert_eq!(action_exists(vendor, name), expected);
}

/// The sorted lookup answers exactly as a scan of the snapshot would, for every name, its case
/// variants, and near misses one character longer, shorter or changed.
#[test]
fn iot_name_lookup_agrees_with_a_scan() {
    let scan = |name: &str| iot_action_names().any(|n| n.eq_ignore_ascii_case(name));
    let mut probes = vec![String::new(), "a".to_owned(), "zzzz".to_owned()];
    for name in iot_action_names() {
        probes.push(name.to_owned());
        probes.push(name.to_ascii_uppercase());
        probes.push(name.to_ascii_lowercase());
        probes.push(format!("{name}s"));
        probes.push(name[..name.len() - 1].to_owned());
        probes.push(format!("{}_", &name[..name.len() - 1]));
    }
    let mut found = 0;
    for probe in &probes {
        assert_eq!(is_iot_action_name(probe), scan(probe), "`{probe}`");
        found += usize::from(scan(probe));
    }
    // The probes include both answers, many times.
    assert!(found >= 3 * iot_action_names().count());
    assert!(probes.len() - found >= 3);
}

#[rstest]
#[case("iot", "CreateJobs", Some(("iot", "CreateJob")))]
#[case("iot", "ListJob", Some(("iot", "ListJobs")))]
#[case("iot", "DescribeJobExecutions", Some(("iot", "DescribeJobExecution")))]
#[case("iot", "CancelJobExecuton", Some(("iot", "CancelJobExecution")))]
#[case("iot", "DeleteJobTemplates", Some(("iot", "DeleteJobTemplate")))]
#[case("iot", "listjobexecutionsforthings", Some(("iot", "ListJobExecutionsForThing")))]
#[case("iot", "canceljob", Some(("iot", "CancelJob")))]
#[case("iot", "GetPendingJobExecutions", Some(("iotjobsdata", "GetPendingJobExecutions")))]
#[case("iot", "StartNextPendingJobExecution", Some(("iotjobsdata", "StartNextPendingJobExecution")))]
#[case("iot", "GetPendingJobExecution", Some(("iotjobsdata", "GetPendingJobExecutions")))]
#[case("iotjobsdata", "CreateJob", Some(("iot", "CreateJob")))]
#[case("iotjobsdata", "DescribeJob", Some(("iot", "DescribeJob")))]
#[case("iotjobsdata", "UpdateJobExecutoin", Some(("iotjobsdata", "UpdateJobExecution")))]
#[case("iotjobsdata", "DescribeJobExecution", Some(("iotjobsdata", "DescribeJobExecution")))]
#[case("iot", "Frobnicate", None)]
#[case("iot", "x", None)]
#[case("iot", "", None)]
#[case("iot", "DeleteEverything", None)]
#[case("iot", "ListAllTheThingsInTheWorld", None)]
#[case("iot", "DescribeThing", None)]
#[case("iot", "DescribeThng", None)]
#[case("s3", "CreateJob", None)]
fn suggestions(#[case] vendor: &str, #[case] name: &str, #[case] expected: Option<(&str, &str)>) {
    assert_eq!(
        suggest_action(vendor, name).map(|a| (a.vendor, a.name)),
        expected
    );
}

#[test]
fn suggestions_outside_the_catalog_are_names_only() {
    assert_eq!(
        suggest_action_name("iot", "DescribeThng"),
        Some(("iot", "DescribeThing"))
    );
    assert_eq!(
        suggest_action_name("iot", "publish"),
        Some(("iot", "Publish"))
    );
    assert_eq!(suggest_action("iot", "publish"), None);
    assert_eq!(suggest_action_name("iot", &"CreateJob".repeat(50)), None);
}

/// An ARN of the template with sample values for its variables.
fn instantiate(t: &ResourceType) -> String {
    let mut out = String::new();
    let mut rest = t.arn_template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str(match &rest[start + 2..end] {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => "123456789012",
            _ => "Sample-Name_1",
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn resource_type_of_each_template() {
    for t in resource_types() {
        let arn = instantiate(t);
        let expected = if t.name == "dynamicthinggroup" {
            "thinggroup"
        } else {
            t.name
        };
        assert_eq!(
            resource_type_of(&arn).map(|r| r.name),
            Some(expected),
            "{arn}"
        );
        assert!(
            resource_types_of(&arn).iter().any(|r| r.name == t.name),
            "{arn}"
        );
    }
}

#[rstest]
#[case("arn:aws:iot:us-east-1:123456789012:job/*", Some("job"))]
#[case("arn:aws:iot:region:account-id:job/*", Some("job"))]
#[case("arn:aws:iot:*:*:jobtemplate/*", Some("jobtemplate"))]
#[case(
    "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0",
    Some("jobtemplate")
)]
#[case(
    "arn:aws:iot:region::jobtemplate/AWS-Restart-Application:1.0",
    Some("jobtemplate")
)]
#[case(
    "arn:aws:iot:region:account-id:thinggroup/thing-group-name",
    Some("thinggroup")
)]
#[case("arn:aws:iot:region:account-id:thing/thing-name", Some("thing"))]
#[case(
    "arn:aws:iot:us-east-1:123456789012:thing/${iot:Connection.Thing.ThingName}",
    Some("thing")
)]
#[case("arn:aws:iot:us-east-1:123456789012:package/*", Some("package"))]
#[case("arn:aws:iot:us-east-1:123456789012:package/P", Some("package"))]
#[case(
    "arn:aws:iot:us-east-1:123456789012:package/P/version/V",
    Some("packageversion")
)]
#[case(
    "arn:aws:iot:us-east-1:123456789012:package/P/version/*",
    Some("packageversion")
)]
#[case(
    "arn:aws:iot:us-east-1:123456789012:package/P/*",
    Some("packageversion")
)]
#[case("arn:aws:iot:us-east-1:123456789012:command/c-?", Some("command"))]
#[case("arn:aws-cn:iot:cn-north-1:123456789012:client/dev:1", Some("client"))]
#[case("*", None)]
#[case("arn:aws:iot:*:*:*", None)]
#[case("arn:aws:iot:us-east-1:123456789012:*", None)]
#[case("arn:aws:iot:us-east-1:123456789012:*/job", None)]
#[case("arn:aws:iot:us-east-1:123456789012:j*/x", None)]
#[case("arn:aws:iot:us-east-1:123456789012:job*", None)]
#[case("arn:aws:iot:us-east-1:123456789012:job/", None)]
#[case("arn:aws:iot:us-east-1:123456789012:thing/a/b", None)]
#[case("arn:aws:iot:us-east-1:123456789012:topic/a", None)]
#[case("arn:aws:iot:us-east-1:123456789012:Job/a", None)]
#[case("arn:aws:iotjobsdata:us-east-1:123456789012:thing/a", None)]
#[case("arn:aws:IOT:us-east-1:123456789012:thing/a", None)]
#[case("arn:aws:s3:::bucket/job/a", None)]
#[case("arn:aws:iot:us-east-1:job/a", None)]
#[case("", None)]
fn resource_type_of_patterns(#[case] arn: &str, #[case] expected: Option<&str>) {
    assert_eq!(resource_type_of(arn).map(|t| t.name), expected);
}

#[test]
fn group_arns_fit_both_group_types() {
    let types = resource_types_of("arn:aws:iot:us-east-1:123456789012:thinggroup/g");
    let found: Vec<&str> = types.iter().map(|t| t.name).collect();
    assert_eq!(found, ["thinggroup", "dynamicthinggroup"]);
}

#[test]
fn takes_resource_and_actions_taking() {
    let list = lookup_action("iot", "ListJobs").unwrap();
    for t in resource_types() {
        assert!(!takes_resource(list, t.name));
    }
    let create = lookup_action("iot", "CreateJob").unwrap();
    assert!(takes_resource(create, "thinggroup"));
    assert!(takes_resource(create, "JobTemplate"));
    assert!(!takes_resource(create, "command"));
    let cancel = lookup_action("iot", "CancelJob").unwrap();
    assert!(!takes_resource(cancel, "thing"));

    assert_eq!(
        names(&actions_taking("jobtemplate")),
        [
            "CreateJob",
            "CreateJobTemplate",
            "DeleteJobTemplate",
            "DescribeJobTemplate",
            "DescribeManagedJobTemplate",
            "TagResource",
            "UntagResource",
        ]
    );
    assert_eq!(
        names(&actions_taking("client")),
        [
            "DeleteCommandExecution",
            "GetCommandExecution",
            "ListCommandExecutions",
            "StartCommandExecution",
        ]
    );
    let thing = actions_taking("thing");
    assert_eq!(thing.iter().filter(|a| !a.control_plane).count(), 4);
    assert!(actions_taking("topic").is_empty());
    for t in resource_types() {
        for a in actions_taking(t.name) {
            assert!(takes_resource(a, t.name));
        }
    }
}

#[test]
fn takes_arn_uses_every_fitting_type() {
    let tag = lookup_action("iot", "TagResource").unwrap();
    let describe = lookup_action("iot", "DescribeJob").unwrap();
    let group = "arn:aws:iot:us-east-1:123456789012:thinggroup/g";
    assert_eq!(takes_arn(tag, group), Some(true));
    assert_eq!(takes_arn(describe, group), Some(false));
    assert_eq!(
        takes_arn(describe, "arn:aws:iot:us-east-1:123456789012:job/j"),
        Some(true)
    );
    assert_eq!(takes_arn(describe, "*"), None);
}

#[rstest]
#[case(
    "arn:aws:iot:region:account-id:thinggroup/thing-group-name",
    &[(3, "region"), (4, "account-id"), (5, "thing-group-name")]
)]
#[case("arn:aws:iot:region:account-id:thing/thing-name", &[(3, "region"), (4, "account-id"), (5, "thing-name")])]
#[case("arn:aws:iot:region:account-id:job/*", &[(3, "region"), (4, "account-id")])]
#[case("arn:aws:iot:aws-region:account-id:job/test_job", &[(3, "aws-region"), (4, "account-id")])]
#[case("arn:aws:iot:us-east-1:123456789012:job/firmware-42", &[])]
#[case("arn:aws:iot:us-east-1:57EXAMPLE833:thing/MyIoTThing", &[(4, "57EXAMPLE833")])]
#[case("arn:aws:iot:REGION:AWS-ACCOUNT-ID:job/jobID", &[(3, "REGION"), (4, "AWS-ACCOUNT-ID"), (5, "jobID")])]
#[case("arn:aws:iot:your-region:your-account-id:thing/your_thing_name", &[(3, "your-region"), (4, "your-account-id"), (5, "your_thing_name")])]
#[case(
    "arn:${Partition}:iot:${Region}:${Account}:job/${JobId}",
    &[(1, "${Partition}"), (3, "${Region}"), (4, "${Account}"), (5, "${JobId}")]
)]
#[case("arn:aws:iot:<region>:account:thinggroup/<group>", &[(3, "<region>"), (4, "account"), (5, "<group>")])]
#[case("arn:aws:iot:us-east-1:111122223333:package/package-name/version/version-name", &[(5, "package-name"), (5, "version-name")])]
#[case("arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}", &[])]
#[case("arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0", &[])]
#[case("arn:aws:iot:us-*:1234567890??:thing/MyThingName", &[])]
#[case("arn:aws:iam::aws:policy/AWSIoTFullAccess", &[])]
#[case("arn:aws:iot:eu-west-1:123456789012:thing/Region", &[])]
#[case("*", &[])]
#[case("", &[])]
fn placeholders(#[case] arn: &str, #[case] expected: &[(usize, &str)]) {
    let found = placeholder_segments(arn);
    let found: Vec<(usize, &str)> = found.iter().map(|(i, s)| (*i, s.as_str())).collect();
    assert_eq!(found, expected);
}

#[test]
fn long_wildcard_patterns_stay_cheap() {
    let start = std::time::Instant::now();
    let arn = format!(
        "arn:aws:iot:r:1:package/{}/version/{}",
        "*".repeat(3000),
        "*?".repeat(1500)
    );
    assert_eq!(
        resource_type_of(&arn).map(|t| t.name),
        Some("packageversion")
    );
    let arn = format!("arn:aws:iot:r:1:package/{}x", "*/".repeat(2000));
    assert_eq!(resource_type_of(&arn), None);
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics(text in "\\PC{0,60}", arn_tail in "[a-z*?/:${}.-]{0,40}") {
        let arn = format!("arn:aws:iot:{arn_tail}");
        for s in [text.as_str(), arn.as_str()] {
            let _ = resource_type_of(s);
            let _ = placeholder_segments(s);
            let _ = suggest_action("iot", s);
            let _ = suggest_action("iotjobsdata", s);
            let _ = lookup_action(s, s);
        }
    }

    #[test]
    fn real_job_arns_are_jobs_without_placeholders(
        region in prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"]),
        account in "[0-9]{12}",
        job in "[a-zA-Z0-9]{1,20}[-_][0-9]{1,5}",
    ) {
        let arn = format!("arn:aws:iot:{region}:{account}:job/{job}");
        prop_assert_eq!(resource_type_of(&arn).map(|t| t.name), Some("job"));
        prop_assert!(placeholder_segments(&arn).is_empty());
    }

    #[test]
    fn exact_names_are_their_own_suggestion(index in 0usize..34, upper in any::<bool>()) {
        let a = &actions()[index];
        let name = if upper { a.name.to_ascii_uppercase() } else { a.name.to_ascii_lowercase() };
        prop_assert_eq!(suggest_action(a.vendor, &name), Some(a));
    }
}
