//! Condition keys: per key its type and whether it is multivalued, and which keys a request
//! for an action may carry (docs/semantics.md §2, §10).
//!
//! Sources (docs/iam-facts.md §9.7 gives each key with the source's words): the IoT service
//! keys and the tag keys from the Service Authorization Reference (§9.2:
//! `aws:RequestTag/${TagKey}` String, `aws:TagKeys` ArrayOfString, `aws:ResourceTag/${TagKey}`
//! String, the command parameter keys Bool / Numeric / String; §9.5: `iot:JobId` String); the
//! global keys from the AWS page "AWS global condition context keys" [S18], which gives every
//! key a "Data type" and a "Value type": every `aws:` key of that page is here, with its type
//! and single/multivalued-ness as the page states them. `aws:EpochTime` is the one key of two
//! types ("Date, Numeric"): [`KeyType::DateNumeric`]. Only single-valued keys may be policy
//! variables (§8.1).
//!
//! ```
//! use iam_policy::catalog::{self, KeyType};
//!
//! let ip = catalog::condition_key("AWS:SourceIP").unwrap();
//! assert_eq!((ip.name, ip.value_type, ip.multivalued), ("aws:SourceIp", KeyType::Ip, false));
//! let tag = catalog::condition_key("aws:RequestTag/env").unwrap();
//! assert_eq!(tag.name, "aws:RequestTag/${TagKey}");
//! assert!(catalog::condition_key("aws:RequestTag/").is_none());
//! assert!(catalog::condition_key("iot:k").is_none());
//! let create = catalog::lookup_action("iot", "CreateJob").unwrap();
//! assert!(catalog::action_receives_key(create, "aws:TagKeys"));
//! let describe = catalog::lookup_action("iotjobsdata", "DescribeJobExecution").unwrap();
//! assert!(catalog::action_receives_key(describe, "iot:JobId"));
//! assert!(!catalog::action_receives_key(create, "iot:JobId"));
//! ```

use super::ActionInfo;

/// The type of a condition key's values: which operator family reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Text (String operators).
    String,
    /// An ARN (ARN operators).
    Arn,
    /// `true` or `false` (`Bool`).
    Bool,
    /// An IP address (`IpAddress`, `NotIpAddress`).
    Ip,
    /// An instant (Date operators).
    Date,
    /// A number (Numeric operators).
    Numeric,
    /// An instant in epoch seconds, read by Date operators and by Numeric operators alike: the
    /// global keys page gives `aws:EpochTime` the data type "Date, Numeric", so a value of it
    /// is a plain number of seconds since 1970 (`1700000000`), which both families read.
    DateNumeric,
}

impl KeyType {
    /// The name of the type as the SAR writes it (`String`, `ARN`, `Bool`, `IPAddress`,
    /// `Date`, `Numeric`), or as the global keys page does where the SAR has none
    /// (`Date, Numeric`).
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Bool => "Bool",
            KeyType::Ip => "IPAddress",
            KeyType::Date => "Date",
            KeyType::Numeric => "Numeric",
            KeyType::DateNumeric => "Date, Numeric",
        }
    }
}

/// Who may put a key in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyScope {
    /// A global key (`aws:`): any request may carry it.
    Global,
    /// A service key: only requests for actions (or resource types) that list it.
    Service,
}

/// One condition key, or a family of keys such as `aws:RequestTag/${TagKey}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyInfo {
    /// The name as the SAR writes it; a family ends in `/${...}` (`aws:RequestTag/${TagKey}`)
    /// and stands for every key with that prefix and a non-empty rest.
    pub name: &'static str,
    /// The type of its values.
    pub value_type: KeyType,
    /// Whether a request may give it several values (the SAR's `ArrayOf...`).
    pub multivalued: bool,
    /// Global or service key.
    pub scope: KeyScope,
}

impl KeyInfo {
    /// Whether this is a family (`.../${TagKey}`) rather than one key.
    pub fn is_family(&self) -> bool {
        self.family_prefix().is_some()
    }

    /// The prefix of a family, `/` included (`aws:RequestTag/`).
    pub fn family_prefix(&self) -> Option<&'static str> {
        // The cheap test first: every key is looked up against all of [`KEYS`], and most
        // names do not end in `}` (a substring search per key was a tenth of the self-check).
        if !self.name.ends_with('}') {
            return None;
        }
        let start = self.name.find("/${")?;
        self.name.get(..=start)
    }

    /// Whether `key` (a request's or a policy's key name) is this key or a member of this
    /// family, compared case-insensitively. A family member needs a non-empty rest
    /// (`aws:RequestTag/` alone is not one).
    pub fn names(&self, key: &str) -> bool {
        match self.family_prefix() {
            Some(prefix) => key.len() > prefix.len() && starts_with_folded(key, prefix),
            None => key.eq_ignore_ascii_case(self.name),
        }
    }
}

fn starts_with_folded(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

macro_rules! key {
    ($name:literal, $type:ident, $multi:literal, $scope:ident) => {
        KeyInfo {
            name: $name,
            value_type: KeyType::$type,
            multivalued: $multi,
            scope: KeyScope::$scope,
        }
    };
}

/// Every key the catalog knows: the global keys first, then the IoT service keys.
#[rustfmt::skip]
static KEYS: [KeyInfo; 56] = [
    // Global keys [S18], as the page's "Data type" and "Value type" lines give them (iam-facts
    // §9.7); the page's order: properties of the principal, of a role session, of the
    // network, of the resource, of the request.
    key!("aws:PrincipalArn", Arn, false, Global),
    key!("aws:PrincipalAccount", String, false, Global),
    key!("aws:PrincipalOrgPaths", String, true, Global),
    key!("aws:PrincipalOrgID", String, false, Global),
    key!("aws:PrincipalTag/${TagKey}", String, false, Global),
    key!("aws:PrincipalIsAWSService", Bool, false, Global),
    key!("aws:PrincipalServiceName", String, false, Global),
    key!("aws:PrincipalServiceNamesList", String, true, Global),
    key!("aws:PrincipalType", String, false, Global),
    key!("aws:userid", String, false, Global),
    key!("aws:username", String, false, Global),
    key!("aws:AssumedRoot", Bool, false, Global),
    // "String*": a string for AWS's own identity providers, an ARN for others.
    key!("aws:FederatedProvider", String, false, Global),
    key!("aws:TokenIssueTime", Date, false, Global),
    key!("aws:SignInSessionArn", Arn, false, Global),
    key!("aws:MultiFactorAuthAge", Numeric, false, Global),
    key!("aws:MultiFactorAuthPresent", Bool, false, Global),
    key!("aws:ChatbotSourceArn", Arn, false, Global),
    key!("aws:Ec2InstanceSourceVpc", String, false, Global),
    key!("aws:Ec2InstanceSourcePrivateIPv4", Ip, false, Global),
    key!("aws:SourceIdentity", String, false, Global),
    key!("aws:SourceIp", Ip, false, Global),
    key!("aws:SourceVpc", String, false, Global),
    key!("aws:SourceVpcArn", Arn, false, Global),
    key!("aws:SourceVpce", String, false, Global),
    key!("aws:VpceAccount", String, false, Global),
    key!("aws:VpceOrgID", String, false, Global),
    key!("aws:VpceOrgPaths", String, true, Global),
    key!("aws:VpcSourceIp", Ip, false, Global),
    key!("aws:ResourceAccount", String, false, Global),
    key!("aws:ResourceOrgID", String, false, Global),
    key!("aws:ResourceOrgPaths", String, true, Global),
    key!("aws:ResourceTag/${TagKey}", String, false, Global),
    key!("aws:CalledVia", String, true, Global),
    key!("aws:CalledViaFirst", String, false, Global),
    key!("aws:CalledViaLast", String, false, Global),
    key!("aws:CalledViaAWSMCP", String, false, Global),
    key!("aws:ViaAWSService", Bool, false, Global),
    key!("aws:ViaAWSMCPService", Bool, false, Global),
    key!("aws:CurrentTime", Date, false, Global),
    key!("aws:EpochTime", DateNumeric, false, Global),
    key!("aws:referer", String, false, Global),
    key!("aws:RequestedRegion", String, false, Global),
    key!("aws:RequestTag/${TagKey}", String, false, Global),
    key!("aws:TagKeys", String, true, Global),
    key!("aws:SecureTransport", Bool, false, Global),
    key!("aws:SourceAccount", String, false, Global),
    key!("aws:SourceArn", Arn, false, Global),
    key!("aws:SourceOrgID", String, false, Global),
    key!("aws:SourceOrgPaths", String, true, Global),
    key!("aws:UserAgent", String, false, Global),
    key!("aws:IsMcpServiceAction", Bool, false, Global),
    // IoT service keys (iam-facts §9.2, §9.5).
    key!("iot:JobId", String, false, Service),
    key!("iot:CommandExecutionParameterBoolean/${CommandParameterName}", Bool, false, Service),
    key!("iot:CommandExecutionParameterNumber/${CommandParameterName}", Numeric, false, Service),
    key!("iot:CommandExecutionParameterString/${CommandParameterName}", String, false, Service),
];

/// Every key and key family of the catalog.
pub fn condition_keys() -> &'static [KeyInfo] {
    &KEYS
}

/// The key (or family, for `aws:RequestTag/env` and the like) called `name`,
/// case-insensitively; `None` for a key the catalog does not know.
pub fn condition_key(name: &str) -> Option<&'static KeyInfo> {
    // `names`, with the test that rejects most keys (the length of a plain key) inline: a
    // request's every context key is looked up here.
    KEYS.iter().find(|k| {
        if k.name.ends_with('}') {
            k.names(name)
        } else {
            k.name.len() == name.len() && k.name.eq_ignore_ascii_case(name)
        }
    })
}

/// Whether a request for `action` may carry the key `name`: a global key, a key the action
/// lists, or a key of a resource type the action takes (`aws:ResourceTag/...` on a job).
pub fn action_receives_key(action: &ActionInfo, name: &str) -> bool {
    let Some(info) = condition_key(name) else {
        return false;
    };
    if info.scope == KeyScope::Global {
        return true;
    }
    let listed = |keys: &[&str]| keys.iter().any(|k| k.eq_ignore_ascii_case(info.name));
    listed(action.condition_keys)
        || action.resources.iter().any(|r| {
            super::resource_type(r.resource_type).is_some_and(|t| listed(t.condition_keys))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{actions, resource_types};

    #[test]
    fn every_key_the_catalog_names_has_a_type() {
        for action in actions() {
            for key in action.condition_keys {
                assert!(
                    condition_key(key).is_some(),
                    "{}:{} {key}",
                    action.vendor,
                    action.name
                );
            }
        }
        for t in resource_types() {
            for key in t.condition_keys {
                assert!(condition_key(key).is_some(), "{} {key}", t.name);
            }
        }
    }

    /// The inlined quick test of `condition_key` finds what `KeyInfo::names` finds, first
    /// match first, for every key as written, re-cased, as a family member, and near misses.
    #[test]
    fn condition_key_finds_what_names_finds() {
        let mut names: Vec<String> = Vec::new();
        for k in condition_keys() {
            names.push(k.name.to_owned());
            names.push(k.name.to_uppercase());
            names.push(k.name.to_lowercase());
            names.push(format!("{}x", k.name));
            names.push(k.name.chars().skip(1).collect());
            if let Some(prefix) = k.family_prefix() {
                names.push(prefix.to_owned());
                names.push(format!("{prefix}Env"));
                names.push(format!("{}env", prefix.to_lowercase()));
            }
        }
        names.extend(["", "aws:", "iot:k", "}", "aws:x}"].map(String::from));
        for name in &names {
            let slow = condition_keys().iter().find(|k| k.names(name));
            assert_eq!(condition_key(name), slow, "{name}");
        }
        assert!(names.iter().filter(|n| condition_key(n).is_some()).count() > 150);
    }

    #[test]
    fn families_need_a_rest_and_fold_case() {
        let tag = condition_key("AWS:requesttag/Env").unwrap();
        assert_eq!(tag.name, "aws:RequestTag/${TagKey}");
        assert_eq!(tag.family_prefix(), Some("aws:RequestTag/"));
        assert!(condition_key("aws:RequestTag").is_none());
        assert!(condition_key("aws:RequestTag/").is_none());
        let p = condition_key("iot:CommandExecutionParameterNumber/speed").unwrap();
        assert_eq!(p.value_type, KeyType::Numeric);
        assert!(!condition_key("aws:SourceIp").unwrap().is_family());
    }

    /// Each `aws:` key of the page "AWS global condition context keys" with its "Data type" and
    /// "Value type" lines as the page writes them (iam-facts §9.7 [S18]).
    const GLOBAL_KEYS_PAGE: [(&str, &str, &str); 52] = [
        ("aws:PrincipalArn", "ARN", "Single-valued"),
        ("aws:PrincipalAccount", "String", "Single-valued"),
        ("aws:PrincipalOrgPaths", "String (list)", "Multivalued"),
        ("aws:PrincipalOrgID", "String", "Single-valued"),
        ("aws:PrincipalTag/${TagKey}", "String", "Single-valued"),
        ("aws:PrincipalIsAWSService", "Boolean", "Single-valued"),
        ("aws:PrincipalServiceName", "String", "Single-valued"),
        (
            "aws:PrincipalServiceNamesList",
            "String (list)",
            "Multivalued",
        ),
        ("aws:PrincipalType", "String", "Single-valued"),
        ("aws:userid", "String", "Single-valued"),
        ("aws:username", "String", "Single-valued"),
        ("aws:AssumedRoot", "Boolean", "Single-valued"),
        ("aws:FederatedProvider", "String*", "Single-valued"),
        ("aws:TokenIssueTime", "Date", "Single-valued"),
        ("aws:SignInSessionArn", "ARN", "Single-valued"),
        ("aws:MultiFactorAuthAge", "Numeric", "Single-valued"),
        ("aws:MultiFactorAuthPresent", "Boolean", "Single-valued"),
        ("aws:ChatbotSourceArn", "ARN", "Single-valued"),
        ("aws:Ec2InstanceSourceVpc", "String", "Single-valued"),
        (
            "aws:Ec2InstanceSourcePrivateIPv4",
            "IP address",
            "Single-valued",
        ),
        ("aws:SourceIdentity", "String", "Single-valued"),
        ("aws:SourceIp", "IP address", "Single-valued"),
        ("aws:SourceVpc", "String", "Single-valued"),
        ("aws:SourceVpcArn", "ARN", "Single-valued"),
        ("aws:SourceVpce", "String", "Single-valued"),
        ("aws:VpceAccount", "String", "Single-valued"),
        ("aws:VpceOrgID", "String", "Single-valued"),
        ("aws:VpceOrgPaths", "String (list)", "Multivalued"),
        ("aws:VpcSourceIp", "IP address", "Single-valued"),
        ("aws:ResourceAccount", "String", "Single-valued"),
        ("aws:ResourceOrgID", "String", "Single-valued"),
        ("aws:ResourceOrgPaths", "String (list)", "Multivalued"),
        ("aws:ResourceTag/${TagKey}", "String", "Single-valued"),
        ("aws:CalledVia", "String (list)", "Multivalued"),
        ("aws:CalledViaFirst", "String", "Single-valued"),
        ("aws:CalledViaLast", "String", "Single-valued"),
        ("aws:CalledViaAWSMCP", "String", "Single-valued"),
        ("aws:ViaAWSService", "Boolean", "Single-valued"),
        ("aws:ViaAWSMCPService", "Boolean", "Single-valued"),
        ("aws:CurrentTime", "Date", "Single-valued"),
        ("aws:EpochTime", "Date, Numeric", "Single-valued"),
        ("aws:referer", "String", "Single-valued"),
        ("aws:RequestedRegion", "String", "Single-valued"),
        ("aws:RequestTag/${TagKey}", "String", "Single-valued"),
        ("aws:TagKeys", "String (list)", "Multivalued"),
        ("aws:SecureTransport", "Boolean", "Single-valued"),
        ("aws:SourceAccount", "String", "Single-valued"),
        ("aws:SourceArn", "ARN", "Single-valued"),
        ("aws:SourceOrgID", "String", "Single-valued"),
        ("aws:SourceOrgPaths", "String (list)", "Multivalued"),
        ("aws:UserAgent", "String", "Single-valued"),
        ("aws:IsMcpServiceAction", "Boolean", "Single-valued"),
    ];

    fn page_type(data_type: &str) -> KeyType {
        match data_type {
            "String" | "String (list)" | "String*" => KeyType::String,
            "ARN" => KeyType::Arn,
            "Boolean" => KeyType::Bool,
            "IP address" => KeyType::Ip,
            "Date" => KeyType::Date,
            "Numeric" => KeyType::Numeric,
            "Date, Numeric" => KeyType::DateNumeric,
            other => panic!("no data type {other} on the page"),
        }
    }

    #[test]
    fn global_keys_have_the_type_and_value_count_the_page_gives() {
        for (name, data_type, value_type) in GLOBAL_KEYS_PAGE {
            let info =
                condition_key(name).unwrap_or_else(|| panic!("{name} is not in the catalog"));
            assert_eq!(info.name, name);
            assert_eq!(info.scope, KeyScope::Global, "{name}");
            assert_eq!(info.value_type, page_type(data_type), "{name}");
            assert_eq!(info.multivalued, value_type == "Multivalued", "{name}");
            // The page's "(list)" and "Multivalued" go together.
            assert_eq!(data_type.ends_with("(list)"), info.multivalued, "{name}");
        }
        // And the catalog has no global key the page does not give.
        for info in condition_keys()
            .iter()
            .filter(|k| k.scope == KeyScope::Global)
        {
            assert!(
                GLOBAL_KEYS_PAGE.iter().any(|(name, ..)| *name == info.name),
                "{} is not on the page",
                info.name
            );
        }
    }

    #[test]
    fn types_and_multivalued_follow_the_facts() {
        let t = |k: &str| {
            let i = condition_key(k).unwrap();
            (i.value_type, i.multivalued)
        };
        // aws:EpochTime works with Date and Numeric operators: both read its values.
        assert_eq!(t("aws:EpochTime"), (KeyType::DateNumeric, false));
        assert_eq!(KeyType::DateNumeric.as_str(), "Date, Numeric");
        assert_eq!(t("aws:CurrentTime"), (KeyType::Date, false));
        assert_eq!(t("aws:TokenIssueTime"), (KeyType::Date, false));
        assert_eq!(t("aws:MultiFactorAuthAge"), (KeyType::Numeric, false));
        assert_eq!(t("aws:CalledVia"), (KeyType::String, true));
        assert_eq!(t("aws:CalledViaFirst"), (KeyType::String, false));
        assert_eq!(t("aws:CalledViaLast"), (KeyType::String, false));
        assert_eq!(t("aws:PrincipalOrgPaths"), (KeyType::String, true));
        assert_eq!(t("aws:PrincipalServiceNamesList"), (KeyType::String, true));
        assert_eq!(t("aws:TagKeys"), (KeyType::String, true));
        assert_eq!(t("aws:SourceVpc"), (KeyType::String, false));
        assert_eq!(t("aws:VpcSourceIp"), (KeyType::Ip, false));
        assert_eq!(t("aws:SourceArn"), (KeyType::Arn, false));
        assert_eq!(t("aws:userid"), (KeyType::String, false));
        assert_eq!(t("AWS:USERNAME"), (KeyType::String, false));
        assert_eq!(t("aws:PrincipalTag/team"), (KeyType::String, false));
        // The IoT keys as the SAR types them (iot.json, iotjobsdata.json).
        assert_eq!(t("iot:JobId"), (KeyType::String, false));
        let p = |kind: &str| t(&format!("iot:CommandExecutionParameter{kind}/p")).0;
        assert_eq!(p("Boolean"), KeyType::Bool);
        assert_eq!(p("Number"), KeyType::Numeric);
        assert_eq!(p("String"), KeyType::String);
    }

    #[test]
    fn service_keys_reach_only_the_actions_that_list_them() {
        let data = |n| crate::catalog::lookup_action("iotjobsdata", n).unwrap();
        let control = |n| crate::catalog::lookup_action("iot", n).unwrap();
        assert!(action_receives_key(data("UpdateJobExecution"), "IOT:JOBID"));
        assert!(!action_receives_key(
            data("GetPendingJobExecutions"),
            "iot:JobId"
        ));
        assert!(!action_receives_key(
            control("DescribeJobExecution"),
            "iot:JobId"
        ));
        assert!(action_receives_key(
            control("StartCommandExecution"),
            "iot:CommandExecutionParameterString/mode"
        ));
        assert!(!action_receives_key(
            control("GetCommand"),
            "iot:CommandExecutionParameterString/mode"
        ));
        assert!(action_receives_key(control("ListJobs"), "aws:SourceIp"));
        assert!(!action_receives_key(control("ListJobs"), "iot:k"));
        assert!(!action_receives_key(control("ListJobs"), "aws:NoSuchKey"));
    }
}
