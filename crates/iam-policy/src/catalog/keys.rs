//! Condition keys: per key its type and whether it is multivalued, and which keys a request
//! for an action may carry (docs/semantics.md §2, §10).
//!
//! Sources (docs/iam-facts.md): the IoT service keys and the tag keys from the Service
//! Authorization Reference (§9.2: `aws:RequestTag/${TagKey}` String, `aws:TagKeys`
//! ArrayOfString, `aws:ResourceTag/${TagKey}` String; §9.5: `iot:JobId` String); the global
//! keys from the global condition keys page [S18] as the facts cite it: `aws:SourceIp` IP,
//! single-valued (§5.14, §6.1); `aws:ViaAWSService` and `aws:SecureTransport` Bool,
//! single-valued (§7.3, §7.4); `aws:CurrentTime` and `aws:EpochTime` Date (§5.8);
//! `aws:PrincipalTag/...`, `aws:RequestTag/...`, `aws:ResourceTag/...` single-valued and
//! `aws:TagKeys` multivalued (§5.14); only single-valued keys may be policy variables (§8.1).
//! The other global keys' types are those of [S18] (§9.7 of the facts lists them).
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
    /// An instant (Date operators; `aws:EpochTime` also works with Numeric ones).
    Date,
    /// A number (Numeric operators).
    Numeric,
}

impl KeyType {
    /// The SAR's name of the type (`String`, `ARN`, `Bool`, `IPAddress`, `Date`, `Numeric`).
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Bool => "Bool",
            KeyType::Ip => "IPAddress",
            KeyType::Date => "Date",
            KeyType::Numeric => "Numeric",
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
        let start = self.name.find("/${")?;
        self.name
            .ends_with('}')
            .then(|| self.name.get(..=start))
            .flatten()
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
static KEYS: [KeyInfo; 32] = [
    // Global keys [S18] (iam-facts §5.8, §5.14, §6.1, §7.3, §7.4, §9.2, §9.7).
    key!("aws:SourceIp", Ip, false, Global),
    key!("aws:VpcSourceIp", Ip, false, Global),
    key!("aws:ViaAWSService", Bool, false, Global),
    key!("aws:SecureTransport", Bool, false, Global),
    key!("aws:MultiFactorAuthPresent", Bool, false, Global),
    key!("aws:PrincipalIsAWSService", Bool, false, Global),
    key!("aws:MultiFactorAuthAge", Numeric, false, Global),
    key!("aws:CurrentTime", Date, false, Global),
    key!("aws:EpochTime", Date, false, Global),
    key!("aws:TokenIssueTime", Date, false, Global),
    key!("aws:username", String, false, Global),
    key!("aws:userid", String, false, Global),
    key!("aws:PrincipalAccount", String, false, Global),
    key!("aws:PrincipalArn", Arn, false, Global),
    key!("aws:PrincipalOrgID", String, false, Global),
    key!("aws:PrincipalOrgPaths", String, true, Global),
    key!("aws:PrincipalType", String, false, Global),
    key!("aws:PrincipalTag/${TagKey}", String, false, Global),
    key!("aws:RequestTag/${TagKey}", String, false, Global),
    key!("aws:ResourceTag/${TagKey}", String, false, Global),
    key!("aws:TagKeys", String, true, Global),
    key!("aws:RequestedRegion", String, false, Global),
    key!("aws:CalledVia", String, true, Global),
    key!("aws:SourceArn", Arn, false, Global),
    key!("aws:SourceAccount", String, false, Global),
    key!("aws:SourceVpc", String, false, Global),
    key!("aws:SourceVpce", String, false, Global),
    key!("aws:ResourceAccount", String, false, Global),
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
    KEYS.iter().find(|k| k.names(name))
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

    #[test]
    fn types_and_multivalued_follow_the_facts() {
        let t = |k: &str| {
            let i = condition_key(k).unwrap();
            (i.value_type, i.multivalued)
        };
        assert_eq!(t("aws:SourceIp"), (KeyType::Ip, false));
        assert_eq!(t("aws:ViaAWSService"), (KeyType::Bool, false));
        assert_eq!(t("aws:SecureTransport"), (KeyType::Bool, false));
        assert_eq!(t("aws:CurrentTime"), (KeyType::Date, false));
        assert_eq!(t("aws:EpochTime"), (KeyType::Date, false));
        assert_eq!(t("aws:MultiFactorAuthAge"), (KeyType::Numeric, false));
        assert_eq!(t("aws:TagKeys"), (KeyType::String, true));
        assert_eq!(t("aws:PrincipalTag/team"), (KeyType::String, false));
        assert_eq!(t("aws:SourceArn"), (KeyType::Arn, false));
        assert_eq!(t("aws:username"), (KeyType::String, false));
        assert_eq!(t("iot:JobId"), (KeyType::String, false));
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
