//! The request: one action, one resource and a context of condition keys (§2).

use std::cmp::Ordering;
use std::fmt;

use iam_policy::text::{fold, folded};

/// Why a request is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The action is not `vendor:name` with exactly one colon and non-empty parts.
    #[error("`{action}` is not an action of the form `vendor:name`")]
    InvalidAction {
        /// The action as given.
        action: String,
    },
    /// Two context keys that differ only by case (or the same key twice).
    #[error("context key `{key}` duplicates `{previous}`: context keys are case-insensitive")]
    DuplicateKey {
        /// The key being inserted.
        key: String,
        /// The key already present.
        previous: String,
    },
}

/// The value of one context key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (possibly empty).
    Multi(Vec<String>),
}

impl ContextValue {
    /// Every value: one for [`ContextValue::Single`], all of them for [`ContextValue::Multi`].
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }

    /// The value where a single value is needed: a single value, or an array of exactly one.
    pub fn single(&self) -> Option<&str> {
        match self {
            ContextValue::Single(s) => Some(s),
            ContextValue::Multi(v) => match v.as_slice() {
                [one] => Some(one),
                _ => None,
            },
        }
    }
}

impl From<&str> for ContextValue {
    fn from(value: &str) -> Self {
        ContextValue::Single(value.to_owned())
    }
}

impl From<String> for ContextValue {
    fn from(value: String) -> Self {
        ContextValue::Single(value)
    }
}

impl From<Vec<String>> for ContextValue {
    fn from(value: Vec<String>) -> Self {
        ContextValue::Multi(value)
    }
}

impl From<&[&str]> for ContextValue {
    fn from(value: &[&str]) -> Self {
        ContextValue::Multi(value.iter().map(|s| (*s).to_owned()).collect())
    }
}

/// One entry of the context.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The key lowercased (per character), the sort key.
    lower: String,
    /// The key as given.
    key: String,
    value: ContextValue,
    /// The single value read once as the types conditions compare (the candidate normalised
    /// once, when the request is built).
    read: Normalized,
}

/// A single context value read once as an IP address and as a boolean, where it is one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Normalized {
    /// The value as an IP address (`IpAddress`, `NotIpAddress`).
    pub address: Option<std::net::IpAddr>,
    /// The value as a boolean (`Bool`): `true`/`false` in any case.
    pub boolean: Option<bool>,
}

impl Normalized {
    fn of(value: &ContextValue) -> Self {
        let Some(one) = value.single() else {
            return Self::default();
        };
        Self {
            address: one.parse().ok(),
            // As `value::parse_bool` reads it, without building its error message.
            boolean: if one.eq_ignore_ascii_case("true") {
                Some(true)
            } else if one.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            },
        }
    }
}

/// The request context: condition key → value, keys compared case-insensitively.
///
/// Lookups allocate nothing: keys are stored lowercased and sorted, and a looked-up key is
/// lowercased on the fly while it is compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<Entry>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a key. A key equal to a present one but for case is [`RequestError::DuplicateKey`].
    pub fn insert(&mut self, key: &str, value: ContextValue) -> Result<(), RequestError> {
        match self.search(key) {
            Ok(i) => Err(RequestError::DuplicateKey {
                key: key.to_owned(),
                previous: self
                    .entries
                    .get(i)
                    .map(|e| e.key.clone())
                    .unwrap_or_default(),
            }),
            Err(i) => {
                self.entries.insert(
                    i,
                    Entry {
                        lower: fold(key),
                        key: key.to_owned(),
                        read: Normalized::of(&value),
                        value,
                    },
                );
                Ok(())
            }
        }
    }

    /// Build a context from pairs; fails on the first duplicate key.
    pub fn from_pairs<K, V, I>(pairs: I) -> Result<Self, RequestError>
    where
        K: AsRef<str>,
        V: Into<ContextValue>,
        I: IntoIterator<Item = (K, V)>,
    {
        let mut context = Context::new();
        for (k, v) in pairs {
            context.insert(k.as_ref(), v.into())?;
        }
        Ok(context)
    }

    /// The value of `key`, compared case-insensitively.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        let i = self.search(key).ok()?;
        self.entries.get(i).map(|e| &e.value)
    }

    /// The value of `key` with the key as the request spelled it.
    pub fn get_key_value(&self, key: &str) -> Option<(&str, &ContextValue)> {
        let i = self.search(key).ok()?;
        self.entries.get(i).map(|e| (e.key.as_str(), &e.value))
    }

    /// Whether `key` is present (case-insensitive).
    pub fn contains_key(&self, key: &str) -> bool {
        self.search(key).is_ok()
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys as given with their values, in case-insensitive order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|e| (e.key.as_str(), &e.value))
    }

    /// The value of a key the caller already lowercased (as the model's `key_lower` is): a
    /// plain byte comparison, falling back to folding when `key_lower` is not lowercase.
    /// The value of a lowercased key, with its single value as read once at insertion.
    pub(crate) fn get_lowered_normalized(
        &self,
        key_lower: &str,
    ) -> Option<(&ContextValue, Normalized)> {
        match self
            .entries
            .binary_search_by(|e| e.lower.as_str().cmp(key_lower))
        {
            Ok(i) => self.entries.get(i).map(|e| (&e.value, e.read)),
            Err(_) => self
                .get_lowered(key_lower)
                .map(|v| (v, Normalized::default())),
        }
    }

    pub(crate) fn get_lowered(&self, key_lower: &str) -> Option<&ContextValue> {
        match self
            .entries
            .binary_search_by(|e| e.lower.as_str().cmp(key_lower))
        {
            Ok(i) => self.entries.get(i).map(|e| &e.value),
            Err(_)
                if key_lower
                    .bytes()
                    .all(|b| b.is_ascii() && !b.is_ascii_uppercase()) =>
            {
                None
            }
            Err(_) => self.get(key_lower),
        }
    }

    fn search(&self, key: &str) -> Result<usize, usize> {
        if key.is_ascii() {
            let key = key.as_bytes();
            self.entries
                .binary_search_by(|e| compare_ascii_lowered(e.lower.as_bytes(), key))
        } else {
            self.entries
                .binary_search_by(|e| e.lower.chars().cmp(folded(key)))
        }
    }
}

/// Compare an already-lowercased key with the ASCII `key` lowercased on the fly, in the byte
/// order of the lowercased texts (which is their character order).
fn compare_ascii_lowered(lower: &[u8], key: &[u8]) -> Ordering {
    for (a, b) in lower.iter().zip(key) {
        let b = b.to_ascii_lowercase();
        if *a != b {
            return a.cmp(&b);
        }
    }
    lower.len().cmp(&key.len())
}

/// A request to evaluate: an action, a resource and a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    action: String,
    action_lower: String,
    colon: usize,
    resource: String,
    context: Context,
}

impl Request {
    /// Why AWS could not send this request (docs/semantics.md §2, ID-16), or `None` when it
    /// could. Allocates: only the `error` reading of ID-16 asks.
    pub fn outside_catalog(&self) -> Option<iam_policy::catalog::OutsideCatalog> {
        use iam_policy::catalog::ContextShape;
        let context: Vec<(&str, ContextShape<'_>)> = self
            .context
            .iter()
            .map(|(key, value)| {
                let shape = match value {
                    ContextValue::Single(s) => ContextShape::Single(s),
                    ContextValue::Multi(v) => ContextShape::Array(v),
                };
                (key, shape)
            })
            .collect();
        iam_policy::catalog::outside_catalog(&self.action, &self.resource, &context)
    }

    /// A request for `action` (`vendor:name`) on `resource` (an ARN, or `*`).
    pub fn new(action: &str, resource: &str, context: Context) -> Result<Request, RequestError> {
        let invalid = || RequestError::InvalidAction {
            action: action.to_owned(),
        };
        // ID-16: a request outside the catalog (an unknown action, a resource type the
        // action does not take, a key it cannot receive) is decided as given.
        let (vendor, name) = action.split_once(':').ok_or_else(invalid)?;
        if vendor.is_empty() || name.is_empty() || name.contains(':') {
            return Err(invalid());
        }
        let action_lower = fold(action);
        let colon = action_lower.find(':').ok_or_else(invalid)?;
        Ok(Request {
            action: action.to_owned(),
            action_lower,
            colon,
            resource: resource.to_owned(),
            context,
        })
    }

    /// The action as given.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The action lowercased (`vendor:name`).
    pub fn action_lower(&self) -> &str {
        &self.action_lower
    }

    /// The vendor, lowercased.
    pub fn vendor(&self) -> &str {
        self.action_lower.get(..self.colon).unwrap_or_default()
    }

    /// The action's name, lowercased.
    pub fn action_name(&self) -> &str {
        self.action_lower.get(self.colon + 1..).unwrap_or_default()
    }

    /// The resource as given.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The context.
    pub fn context(&self) -> &Context {
        &self.context
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` on `{}`", self.action, self.resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("iot:DescribeJob", true)]
    #[case("iotjobsdata:UpdateJobExecution", true)]
    #[case("iot:*", true)]
    #[case("iot", false)]
    #[case(":DescribeJob", false)]
    #[case("iot:", false)]
    #[case("iot:a:b", false)]
    #[case("", false)]
    fn actions_are_validated(#[case] action: &str, #[case] ok: bool) {
        assert_eq!(Request::new(action, "*", Context::new()).is_ok(), ok);
    }

    #[test]
    fn action_is_split_and_lowercased() {
        let r = Request::new("IoTJobsData:DescribeJobExecution", "*", Context::new()).unwrap();
        assert_eq!(r.vendor(), "iotjobsdata");
        assert_eq!(r.action_name(), "describejobexecution");
        assert_eq!(r.action_lower(), "iotjobsdata:describejobexecution");
        assert_eq!(r.action(), "IoTJobsData:DescribeJobExecution");
    }

    #[test]
    fn keys_are_case_insensitive() {
        let mut c = Context::new();
        c.insert("aws:SourceIp", "192.0.2.1".into()).unwrap();
        c.insert("aws:TagKeys", ContextValue::Multi(vec![]))
            .unwrap();
        assert_eq!(
            c.get("AWS:SOURCEIP"),
            Some(&ContextValue::from("192.0.2.1"))
        );
        assert_eq!(
            c.get("aws:sourceip").and_then(ContextValue::single),
            Some("192.0.2.1")
        );
        assert_eq!(
            c.get_key_value("aws:sourceip").map(|p| p.0),
            Some("aws:SourceIp")
        );
        assert_eq!(c.get("aws:tagkeys").map(|v| v.values().len()), Some(0));
        assert!(c.get("aws:SourceVpc").is_none());
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn keys_differing_by_case_are_an_error() {
        let mut c = Context::new();
        c.insert("aws:SourceIp", "192.0.2.1".into()).unwrap();
        let err = c.insert("AWS:sourceip", "192.0.2.2".into()).unwrap_err();
        assert_eq!(
            err,
            RequestError::DuplicateKey {
                key: "AWS:sourceip".into(),
                previous: "aws:SourceIp".into()
            }
        );
        assert_eq!(c.len(), 1);
        assert!(err.to_string().contains("`AWS:sourceip`"));
    }

    #[test]
    fn non_ascii_keys_fold_per_character() {
        let mut c = Context::new();
        c.insert("iot:Ärger", "1".into()).unwrap();
        c.insert("iot:b", "2".into()).unwrap();
        c.insert("iot:Z", "3".into()).unwrap();
        assert!(c.get("IOT:äRGER").is_some());
        assert!(c.get("iot:z").is_some());
        assert!(c.get("iot:B").is_some());
        assert!(c.insert("IOT:ärger", "4".into()).is_err());
    }

    #[test]
    fn lowered_lookup_is_exact_with_a_folding_fallback() {
        let mut c = Context::new();
        c.insert("aws:SourceIp", "192.0.2.1".into()).unwrap();
        c.insert("iot:Ärger", "1".into()).unwrap();
        assert!(c.get_lowered("aws:sourceip").is_some());
        assert!(c.get_lowered("aws:SourceIP").is_some()); // not lowercase: folded
        assert!(c.get_lowered("iot:ärger").is_some());
        assert!(c.get_lowered("iot:ÄRGER").is_some());
        assert!(c.get_lowered("aws:sourcevpc").is_none());
    }

    #[test]
    fn single_of_one_element_array() {
        assert_eq!(ContextValue::Multi(vec!["a".into()]).single(), Some("a"));
        assert_eq!(ContextValue::Multi(vec![]).single(), None);
        assert_eq!(
            ContextValue::Multi(vec!["a".into(), "b".into()]).single(),
            None
        );
    }
}
