//! Realistic requests (docs/semantics.md §2): whether AWS could send a request, by the
//! catalog. A request outside the catalog is still decided as given by the reference, but its
//! answer is implementation-defined (ID-16), so a case that holds one must carry that id.
//!
//! ```
//! use iam_policy::catalog::{outside_catalog, ContextShape};
//!
//! let job = "arn:aws:iot:us-east-1:123456789012:job/j1";
//! let ip = [("aws:SourceIp", ContextShape::Single("203.0.113.7"))];
//! assert!(outside_catalog("iot:DescribeJob", job, &ip).is_none());
//! assert!(outside_catalog("iot:ListJobs", "*", &ip).is_none());
//! assert!(outside_catalog("iot:ListJobs", job, &ip).is_some());
//! assert!(outside_catalog("iot:NoSuchAction", "*", &[]).is_some());
//! let bad = [("aws:SourceIp", ContextShape::Single("not-an-ip"))];
//! assert!(outside_catalog("iot:DescribeJob", job, &bad).is_some());
//! ```

use std::fmt;

use super::{action_receives_key, condition_key, lookup_action, resource_types_of, KeyType};
use crate::{arn, value};

/// How a request gives a context key: one string, or an array of strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextShape<'a> {
    /// A string.
    Single(&'a str),
    /// An array (possibly empty).
    Array(&'a [String]),
}

impl<'a> ContextShape<'a> {
    fn values(self) -> Box<dyn Iterator<Item = &'a str> + 'a> {
        match self {
            ContextShape::Single(s) => Box::new(std::iter::once(s)),
            ContextShape::Array(v) => Box::new(v.iter().map(String::as_str)),
        }
    }
}

/// Why AWS could not send a request (§2): the first reason found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutsideCatalog {
    /// The action is not a catalog action.
    UnknownAction(String),
    /// The action takes resources, but the request names `*`.
    StarForTypedAction(String),
    /// The action takes only `*`, or none of the resource's types.
    ResourceNotTaken {
        /// The action.
        action: String,
        /// The resource.
        resource: String,
    },
    /// A context key the catalog does not know.
    UnknownKey(String),
    /// A service key the action cannot receive.
    KeyNotReceived {
        /// The key.
        key: String,
        /// The action.
        action: String,
    },
    /// An array for a single-valued key.
    ArrayForSingleValued(String),
    /// A string for a multivalued key.
    SingleForMultivalued(String),
    /// A value that is not of the key's type.
    ValueNotOfType {
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// The key's type.
        expected: KeyType,
    },
}

impl fmt::Display for OutsideCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownAction(a) => write!(f, "`{a}` is not an action of the catalog"),
            Self::StarForTypedAction(a) => {
                write!(
                    f,
                    "`{a}` takes resources, so a request names an ARN, not `*`"
                )
            }
            Self::ResourceNotTaken { action, resource } => {
                write!(f, "`{action}` does not take the resource `{resource}`")
            }
            Self::UnknownKey(k) => write!(f, "context key `{k}` is not a known condition key"),
            Self::KeyNotReceived { key, action } => {
                write!(f, "a request for `{action}` never carries the key `{key}`")
            }
            Self::ArrayForSingleValued(k) => write!(f, "`{k}` is single-valued, given an array"),
            Self::SingleForMultivalued(k) => write!(f, "`{k}` is multivalued, given a string"),
            Self::ValueNotOfType {
                key,
                value,
                expected,
            } => write!(
                f,
                "`{value}` is not of type {}, the type of `{key}`",
                expected.as_str()
            ),
        }
    }
}

/// Whether `value` is of `expected` type as AWS would send it. A `Date, Numeric` value
/// (`aws:EpochTime`) is read by both families, so it is a plain number of epoch seconds.
pub fn value_fits(expected: KeyType, value: &str) -> bool {
    match expected {
        KeyType::String => true,
        KeyType::Arn => arn::split(value, false).is_some_and(|[head, ..]| head == "arn"),
        KeyType::Bool => value::parse_bool(value).is_ok(),
        KeyType::Ip => value::parse_ip_address(value).is_ok(),
        KeyType::Date => value::parse_instant(value).is_ok(),
        KeyType::Numeric => value::parse_number(value).is_ok(),
        KeyType::DateNumeric => {
            value::parse_instant(value).is_ok() && value::parse_number(value).is_ok()
        }
    }
}

/// Why AWS could not send the request (`action` as `vendor:name`, `resource` an ARN or `*`,
/// `context` its keys), or `None` when it could (§2).
pub fn outside_catalog(
    action: &str,
    resource: &str,
    context: &[(&str, ContextShape<'_>)],
) -> Option<OutsideCatalog> {
    let info = action
        .split_once(':')
        .and_then(|(vendor, name)| lookup_action(vendor, name));
    let Some(info) = info else {
        return Some(OutsideCatalog::UnknownAction(action.to_owned()));
    };
    if resource == "*" {
        if !info.resources.is_empty() {
            return Some(OutsideCatalog::StarForTypedAction(action.to_owned()));
        }
    } else {
        let takes = resource_types_of(resource)
            .iter()
            .any(|t| super::takes_resource(info, t.name));
        if !takes || !value_fits(KeyType::Arn, resource) {
            return Some(OutsideCatalog::ResourceNotTaken {
                action: action.to_owned(),
                resource: resource.to_owned(),
            });
        }
    }
    for (key, shape) in context {
        let Some(key_info) = condition_key(key) else {
            return Some(OutsideCatalog::UnknownKey((*key).to_owned()));
        };
        if !action_receives_key(info, key) {
            return Some(OutsideCatalog::KeyNotReceived {
                key: (*key).to_owned(),
                action: action.to_owned(),
            });
        }
        match (shape, key_info.multivalued) {
            (ContextShape::Array(_), false) => {
                return Some(OutsideCatalog::ArrayForSingleValued((*key).to_owned()))
            }
            (ContextShape::Single(_), true) => {
                return Some(OutsideCatalog::SingleForMultivalued((*key).to_owned()))
            }
            _ => {}
        }
        if let Some(bad) = shape.values().find(|v| !value_fits(key_info.value_type, v)) {
            return Some(OutsideCatalog::ValueNotOfType {
                key: (*key).to_owned(),
                value: bad.to_owned(),
                expected: key_info.value_type,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/j1";
    const THING: &str = "arn:aws:iot:us-east-1:123456789012:thing/t1";

    #[test]
    fn actions_and_resources_follow_the_catalog() {
        assert_eq!(outside_catalog("iot:DescribeJob", JOB, &[]), None);
        assert_eq!(outside_catalog("IOT:describejob", JOB, &[]), None);
        assert_eq!(
            outside_catalog("iotjobsdata:DescribeJobExecution", THING, &[]),
            None
        );
        assert_eq!(outside_catalog("iot:ListJobs", "*", &[]), None);
        assert!(matches!(
            outside_catalog("iot:DescribeJob", THING, &[]),
            Some(OutsideCatalog::ResourceNotTaken { .. })
        ));
        assert!(matches!(
            outside_catalog("iot:DescribeJob", "*", &[]),
            Some(OutsideCatalog::StarForTypedAction(_))
        ));
        assert!(matches!(
            outside_catalog("iot:DescribeThing", "*", &[]),
            Some(OutsideCatalog::UnknownAction(_))
        ));
        assert!(matches!(
            outside_catalog("s3:GetObject", "*", &[]),
            Some(OutsideCatalog::UnknownAction(_))
        ));
        // A managed template's ARN (empty account, version after a colon) is a jobtemplate.
        let managed = "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0";
        assert_eq!(
            outside_catalog("iot:DescribeManagedJobTemplate", managed, &[]),
            None
        );
        // A short ARN is not one a request carries.
        assert!(outside_catalog("iot:DescribeJob", "arn:aws:iot:us-east-1", &[]).is_some());
    }

    #[test]
    fn context_keys_follow_their_declaration() {
        let tags = ["env".to_owned()];
        let ok = |key, shape| outside_catalog("iot:CreateJob", JOB, &[(key, shape)]);
        assert_eq!(ok("aws:TagKeys", ContextShape::Array(&tags)), None);
        assert_eq!(ok("aws:TagKeys", ContextShape::Array(&[])), None);
        assert_eq!(ok("aws:RequestTag/env", ContextShape::Single("prod")), None);
        assert_eq!(
            ok("AWS:SOURCEIP", ContextShape::Single("2001:db8::1")),
            None
        );
        assert_eq!(
            ok(
                "aws:CurrentTime",
                ContextShape::Single("2024-01-01T00:00:00Z")
            ),
            None
        );
        assert_eq!(
            ok("aws:EpochTime", ContextShape::Single("1700000000")),
            None
        );
        // aws:EpochTime is "Date, Numeric": an ISO date is a Date but no Numeric operator
        // reads it, so AWS never sends one for this key.
        assert!(matches!(
            ok(
                "aws:EpochTime",
                ContextShape::Single("2024-01-01T00:00:00Z")
            ),
            Some(OutsideCatalog::ValueNotOfType {
                expected: KeyType::DateNumeric,
                ..
            })
        ));
        assert_eq!(
            ok(
                "aws:CalledViaFirst",
                ContextShape::Single("cloudformation.amazonaws.com")
            ),
            None
        );
        let services = ["iot.amazonaws.com".to_owned()];
        assert_eq!(
            ok(
                "aws:PrincipalServiceNamesList",
                ContextShape::Array(&services)
            ),
            None
        );
        assert!(matches!(
            ok("aws:CalledViaLast", ContextShape::Array(&services)),
            Some(OutsideCatalog::ArrayForSingleValued(_))
        ));
        assert_eq!(
            ok("aws:MultiFactorAuthAge", ContextShape::Single("300")),
            None
        );
        assert_eq!(ok("aws:SourceArn", ContextShape::Single(THING)), None);
        assert!(matches!(
            ok("aws:TagKeys", ContextShape::Single("env")),
            Some(OutsideCatalog::SingleForMultivalued(_))
        ));
        assert!(matches!(
            ok("aws:SourceIp", ContextShape::Array(&tags)),
            Some(OutsideCatalog::ArrayForSingleValued(_))
        ));
        assert!(matches!(
            ok("aws:SourceIp", ContextShape::Single("not-an-ip")),
            Some(OutsideCatalog::ValueNotOfType {
                expected: KeyType::Ip,
                ..
            })
        ));
        assert!(matches!(
            ok("aws:SourceArn", ContextShape::Single("arn:aws:iot")),
            Some(OutsideCatalog::ValueNotOfType {
                expected: KeyType::Arn,
                ..
            })
        ));
        assert!(matches!(
            ok("aws:ViaAWSService", ContextShape::Single("yes")),
            Some(OutsideCatalog::ValueNotOfType {
                expected: KeyType::Bool,
                ..
            })
        ));
        assert!(matches!(
            ok("iot:k", ContextShape::Single("v")),
            Some(OutsideCatalog::UnknownKey(_))
        ));
        assert!(matches!(
            ok("iot:JobId", ContextShape::Single("j1")),
            Some(OutsideCatalog::KeyNotReceived { .. })
        ));
        let describe = [("iot:JobId", ContextShape::Single("j1"))];
        assert_eq!(
            outside_catalog("iotjobsdata:DescribeJobExecution", THING, &describe),
            None
        );
    }

    #[test]
    fn a_date_numeric_value_is_read_by_both_families() {
        let fits = |v| value_fits(KeyType::DateNumeric, v);
        assert!(fits("1700000000"));
        assert!(fits("1700000000.5"));
        assert!(fits("0"));
        // A date only Date operators read, a number only Numeric ones read, neither.
        assert!(!fits("2024-01-01T00:00:00Z"));
        assert!(value_fits(KeyType::Date, "2024-01-01T00:00:00Z"));
        assert!(!fits("1.0000000001"));
        assert!(value_fits(KeyType::Numeric, "1.0000000001"));
        assert!(!fits("ten"));
        assert!(!fits(""));
    }

    #[test]
    fn reasons_say_what_is_wrong() {
        let r = outside_catalog("iot:ListJobs", JOB, &[]).unwrap();
        assert_eq!(
            r.to_string(),
            format!("`iot:ListJobs` does not take the resource `{JOB}`")
        );
        let r = outside_catalog(
            "iot:ListJobs",
            "*",
            &[("aws:SourceIp", ContextShape::Single("x"))],
        )
        .unwrap();
        assert_eq!(
            r.to_string(),
            "`x` is not of type IPAddress, the type of `aws:SourceIp`"
        );
    }
}
