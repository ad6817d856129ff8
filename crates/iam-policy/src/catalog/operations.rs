//! The AWS IoT Jobs API operations: for each, the IAM action it is authorised by and the
//! parameters that name the resources AWS checks (docs/iam-facts.md §9.2, §9.4, §9.5; which
//! ARNs are checked is implementation-defined, ID-22 of docs/semantics.md §11).
//!
//! The table is data only: `iam-eval`'s `call` module expands a call into its checks, and the
//! parser's lint asks [`needs`] what every call of an action must be allowed on.
//!
//! ```
//! use iam_policy::catalog::operations;
//!
//! let create = operations::lookup("CreateJob").unwrap();
//! assert_eq!(create.action, "iot:CreateJob");
//! assert!(create.param("targets").unwrap().required);
//! let groups = operations::needs("iot", "CreateJob");
//! assert_eq!(groups, vec![&["job"][..], &["thing", "thinggroup"][..]]);
//! ```

use super::lookup_action;

/// How a parameter names resources (or feeds the request context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A name from which the ARN of `resource_type` is built in the call's partition, Region
    /// and account (`jobId` -> `arn:aws:iot:us-east-1:123456789012:job/<jobId>`).
    Name {
        /// The resource type whose ARN the name completes.
        resource_type: &'static str,
        /// What the name may hold.
        syntax: NameSyntax,
    },
    /// The name of an AWS-managed job template: its ARN has an empty account and, when the
    /// `templateVersion` parameter is given, `:<version>` after the name (iam-facts §9.1).
    ManagedTemplateName,
    /// One ARN of one of these resource types.
    Arn(&'static [&'static str]),
    /// One or more ARNs of these resource types.
    ArnList(&'static [&'static str]),
    /// The job id of a data-plane call: it names no resource checked, it is the `iot:JobId`
    /// condition key of the check.
    JobIdKey,
    /// Tags, key -> value: the request context's `aws:RequestTag/<key>` and `aws:TagKeys`.
    Tags,
    /// Tag keys: the request context's `aws:TagKeys`.
    TagKeys,
    /// Text that names nothing IAM checks (an execution id, a template version).
    Text,
}

impl ParamKind {
    /// Whether a parameter of this kind names a resource that is checked.
    pub fn names_resource(&self) -> bool {
        matches!(
            self,
            ParamKind::Name { .. }
                | ParamKind::ManagedTemplateName
                | ParamKind::Arn(_)
                | ParamKind::ArnList(_)
        )
    }
}

/// What a name parameter may hold (the API's own constraints, iam-facts §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSyntax {
    /// 1 to 64 of `[a-zA-Z0-9_-]` (job ids, template ids, command ids).
    Id,
    /// 1 to 128 of `[a-zA-Z0-9:_-]` (thing names).
    ThingName,
}

impl NameSyntax {
    /// Whether `name` fits.
    pub fn accepts(self, name: &str) -> bool {
        let (max, colon) = match self {
            NameSyntax::Id => (64, false),
            NameSyntax::ThingName => (128, true),
        };
        !name.is_empty()
            && name.len() <= max
            && name.bytes().all(|b| {
                b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (colon && b == b':')
            })
    }

    /// The rule in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            NameSyntax::Id => "1 to 64 letters, digits, `_` or `-`",
            NameSyntax::ThingName => "1 to 128 letters, digits, `:`, `_` or `-`",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The API's parameter name (`jobId`).
    pub name: &'static str,
    /// What it names.
    pub kind: ParamKind,
    /// Whether the API requires it.
    pub required: bool,
}

/// One API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The API operation's name (`CreateJob`).
    pub name: &'static str,
    /// The IAM action that authorises it (`iot:CreateJob`).
    pub action: &'static str,
    /// Its parameters, in the order their checks are listed.
    pub params: &'static [Param],
    /// Whether tags given at creation also need `iot:TagResource` on the created resource (the
    /// first name parameter's ARN): the seed page says so for jobs and job templates.
    pub tag_on_create: bool,
}

impl Operation {
    /// The parameter called `name` (exact).
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The action's vendor (`iot` or `iotjobsdata`).
    pub fn vendor(&self) -> &'static str {
        self.action.split_once(':').map_or("", |(v, _)| v)
    }

    /// The action's name without the vendor.
    pub fn action_name(&self) -> &'static str {
        self.action.split_once(':').map_or(self.action, |(_, n)| n)
    }
}

const fn name(name: &'static str, resource_type: &'static str, syntax: NameSyntax) -> Param {
    Param {
        name,
        kind: ParamKind::Name {
            resource_type,
            syntax,
        },
        required: true,
    }
}

const fn param(name: &'static str, kind: ParamKind, required: bool) -> Param {
    Param {
        name,
        kind,
        required,
    }
}

const JOB_ID: Param = name("jobId", "job", NameSyntax::Id);
const THING_NAME: Param = name("thingName", "thing", NameSyntax::ThingName);
const TEMPLATE_ID: Param = name("jobTemplateId", "jobtemplate", NameSyntax::Id);
const COMMAND_ID: Param = name("commandId", "command", NameSyntax::Id);
const TARGETS: Param = param(
    "targets",
    ParamKind::ArnList(&["thing", "thinggroup"]),
    true,
);
const PACKAGE_VERSIONS: Param = param(
    "destinationPackageVersions",
    ParamKind::ArnList(&["packageversion"]),
    false,
);
const TAGS: Param = param("tags", ParamKind::Tags, false);
const COMMAND_TARGET: Param = param("targetArn", ParamKind::Arn(&["thing", "client"]), true);
const EXECUTION_ID: Param = param("executionId", ParamKind::Text, true);
const DATA_JOB_ID: Param = param("jobId", ParamKind::JobIdKey, true);

const fn op(name: &'static str, action: &'static str, params: &'static [Param]) -> Operation {
    Operation {
        name,
        action,
        params,
        tag_on_create: false,
    }
}

const fn creating(operation: Operation) -> Operation {
    Operation {
        tag_on_create: true,
        ..operation
    }
}

/// Every operation: the control plane's 21 Jobs operations and 9 command operations, then the
/// data plane's 4. `DescribeJobExecution` is on both planes (`iot:` and `iotjobsdata:`).
#[rustfmt::skip]
static OPERATIONS: [Operation; 34] = [
    op("AssociateTargetsWithJob", "iot:AssociateTargetsWithJob", &[JOB_ID, TARGETS]),
    op("CancelJob", "iot:CancelJob", &[JOB_ID]),
    op("CancelJobExecution", "iot:CancelJobExecution", &[JOB_ID, THING_NAME]),
    creating(op("CreateJob", "iot:CreateJob", &[
        JOB_ID, TARGETS,
        param("jobTemplateArn", ParamKind::Arn(&["jobtemplate"]), false),
        PACKAGE_VERSIONS, TAGS,
    ])),
    creating(op("CreateJobTemplate", "iot:CreateJobTemplate", &[
        TEMPLATE_ID,
        param("jobArn", ParamKind::Arn(&["job"]), false),
        PACKAGE_VERSIONS, TAGS,
    ])),
    op("DeleteJob", "iot:DeleteJob", &[JOB_ID]),
    op("DeleteJobExecution", "iot:DeleteJobExecution", &[JOB_ID, THING_NAME,
        param("executionNumber", ParamKind::Text, true)]),
    op("DeleteJobTemplate", "iot:DeleteJobTemplate", &[TEMPLATE_ID]),
    op("DescribeJob", "iot:DescribeJob", &[JOB_ID]),
    op("DescribeJobExecution", "iot:DescribeJobExecution", &[JOB_ID, THING_NAME,
        param("executionNumber", ParamKind::Text, false)]),
    op("DescribeJobTemplate", "iot:DescribeJobTemplate", &[TEMPLATE_ID]),
    op("DescribeManagedJobTemplate", "iot:DescribeManagedJobTemplate", &[
        param("templateName", ParamKind::ManagedTemplateName, true),
        param("templateVersion", ParamKind::Text, false),
    ]),
    op("GetJobDocument", "iot:GetJobDocument", &[JOB_ID]),
    op("ListJobExecutionsForJob", "iot:ListJobExecutionsForJob", &[JOB_ID]),
    op("ListJobExecutionsForThing", "iot:ListJobExecutionsForThing", &[THING_NAME]),
    op("ListJobs", "iot:ListJobs", &[]),
    op("ListJobTemplates", "iot:ListJobTemplates", &[]),
    op("ListManagedJobTemplates", "iot:ListManagedJobTemplates", &[]),
    op("UpdateJob", "iot:UpdateJob", &[JOB_ID]),
    op("TagResource", "iot:TagResource", &[
        param("resourceArn", ParamKind::Arn(&["job", "jobtemplate", "thinggroup",
            "dynamicthinggroup", "package", "packageversion", "command"]), true),
        param("tags", ParamKind::Tags, true),
    ]),
    op("UntagResource", "iot:UntagResource", &[
        param("resourceArn", ParamKind::Arn(&["job", "jobtemplate", "thinggroup",
            "dynamicthinggroup", "package", "packageversion", "command"]), true),
        param("tagKeys", ParamKind::TagKeys, true),
    ]),
    creating(op("CreateCommand", "iot:CreateCommand", &[COMMAND_ID, TAGS])),
    op("UpdateCommand", "iot:UpdateCommand", &[COMMAND_ID]),
    op("DeleteCommand", "iot:DeleteCommand", &[COMMAND_ID]),
    op("GetCommand", "iot:GetCommand", &[COMMAND_ID]),
    op("StartCommandExecution", "iot:StartCommandExecution", &[
        param("commandArn", ParamKind::Arn(&["command"]), true), COMMAND_TARGET,
    ]),
    op("GetCommandExecution", "iot:GetCommandExecution", &[EXECUTION_ID, COMMAND_TARGET]),
    op("DeleteCommandExecution", "iot:DeleteCommandExecution", &[EXECUTION_ID, COMMAND_TARGET]),
    op("ListCommandExecutions", "iot:ListCommandExecutions", &[
        param("commandArn", ParamKind::Arn(&["command"]), false),
        param("targetArn", ParamKind::Arn(&["thing", "client"]), false),
    ]),
    op("ListCommands", "iot:ListCommands", &[]),
    // Data plane (iam-facts §9.5): every action takes the thing; the job id is `iot:JobId`.
    op("DescribeJobExecution", "iotjobsdata:DescribeJobExecution", &[THING_NAME, DATA_JOB_ID,
        param("executionNumber", ParamKind::Text, false)]),
    op("GetPendingJobExecutions", "iotjobsdata:GetPendingJobExecutions", &[THING_NAME]),
    op("StartNextPendingJobExecution", "iotjobsdata:StartNextPendingJobExecution", &[THING_NAME]),
    op("UpdateJobExecution", "iotjobsdata:UpdateJobExecution", &[THING_NAME, DATA_JOB_ID]),
];

/// Every operation, control plane first.
pub fn operations() -> &'static [Operation] {
    &OPERATIONS
}

/// How an operation name was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Exactly one operation.
    Found(&'static Operation),
    /// The name is an operation of both planes: the caller must say `iot:` or `iotjobsdata:`.
    Ambiguous,
    /// No operation of that name.
    Unknown,
}

/// The operation `name` (`CreateJob`, or with the action's vendor, `iotjobsdata:UpdateJobExecution`),
/// compared case-sensitively as the API spells it.
pub fn resolve(name: &str) -> Lookup {
    let matches = |o: &&Operation| match name.split_once(':') {
        Some(_) => o.action == name,
        None => o.name == name,
    };
    let mut found = OPERATIONS.iter().filter(matches);
    match (found.next(), found.next()) {
        (Some(one), None) => Lookup::Found(one),
        (Some(_), Some(_)) => Lookup::Ambiguous,
        _ => Lookup::Unknown,
    }
}

/// The operation `name` when it names exactly one (see [`resolve`]).
pub fn lookup(name: &str) -> Option<&'static Operation> {
    match resolve(name) {
        Lookup::Found(operation) => Some(operation),
        Lookup::Ambiguous | Lookup::Unknown => None,
    }
}

/// What every call of the action `vendor:name` must be allowed on: groups of resource types,
/// each group one required parameter of the action's operation whose types the Service
/// Authorization Reference marks required for the action (a call names one of each group).
/// Empty when the action is not an operation's, or has no such parameter.
pub fn needs(vendor: &str, name: &str) -> Vec<&'static [&'static str]> {
    let Some(info) = lookup_action(vendor, name) else {
        return Vec::new();
    };
    let Some(operation) = OPERATIONS
        .iter()
        .find(|o| o.vendor() == info.vendor && o.action_name() == info.name)
    else {
        return Vec::new();
    };
    let sar_required = |t: &str| {
        info.resources
            .iter()
            .any(|r| r.required && r.resource_type == t)
    };
    operation
        .params
        .iter()
        .filter(|p| p.required)
        .filter_map(|p| match &p.kind {
            ParamKind::Name { resource_type, .. } => Some(std::slice::from_ref(resource_type)),
            ParamKind::Arn(types) | ParamKind::ArnList(types) => Some(*types),
            _ => None,
        })
        .filter(|types| types.iter().all(|t| sar_required(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    #[test]
    fn every_operation_is_a_catalog_action_and_every_action_an_operation() {
        for operation in operations() {
            let (vendor, name) = operation.action.split_once(':').unwrap();
            let info = catalog::lookup_action(vendor, name).unwrap();
            assert_eq!(info.name, name);
            for p in operation.params {
                let types: &[&str] = match &p.kind {
                    ParamKind::Name { resource_type, .. } => std::slice::from_ref(resource_type),
                    ParamKind::Arn(t) | ParamKind::ArnList(t) => t,
                    ParamKind::ManagedTemplateName => &["jobtemplate"],
                    _ => &[],
                };
                for t in types {
                    assert!(catalog::takes_resource(info, t), "{} {t}", operation.action);
                }
            }
        }
        for info in catalog::actions() {
            let action = format!("{}:{}", info.vendor, info.name);
            assert!(
                operations().iter().any(|o| o.action == action),
                "{action} has no operation"
            );
        }
    }

    #[test]
    fn names_resolve_by_plane() {
        assert_eq!(resolve("DescribeJobExecution"), Lookup::Ambiguous);
        assert_eq!(resolve("createjob"), Lookup::Unknown);
        let data = lookup("iotjobsdata:DescribeJobExecution").unwrap();
        assert_eq!(data.vendor(), "iotjobsdata");
        assert_eq!(lookup("iot:CreateJob"), lookup("CreateJob"));
    }

    #[test]
    fn needs_follow_required_parameters_and_sar_marks() {
        assert_eq!(
            needs("iot", "CancelJobExecution"),
            vec![&["job"][..], &["thing"][..]]
        );
        // The SAR marks neither job nor thing required for DescribeJobExecution.
        assert!(needs("iot", "DescribeJobExecution").is_empty());
        // A command target (thing or client) is optional in the SAR.
        assert_eq!(
            needs("iot", "StartCommandExecution"),
            vec![&["command"][..]]
        );
        assert!(needs("iot", "ListJobs").is_empty());
        assert!(needs("s3", "GetObject").is_empty());
    }

    #[test]
    fn name_syntax() {
        assert!(NameSyntax::Id.accepts("fw-42_a"));
        assert!(!NameSyntax::Id.accepts("fw:42"));
        assert!(!NameSyntax::Id.accepts(""));
        assert!(!NameSyntax::Id.accepts(&"a".repeat(65)));
        assert!(NameSyntax::ThingName.accepts("thing:1"));
        assert!(!NameSyntax::ThingName.accepts("thing/1"));
    }
}
