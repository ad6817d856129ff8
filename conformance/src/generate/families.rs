//! Case families the model-level generator ([`super::model`]) does not draw: context keys
//! differing only by case, condition values as JSON numbers and booleans, empty conditions,
//! operators without keys, invalid documents sent as JSON objects, `Id`, escaped and malformed
//! policy variables, `?` against non-ASCII text, `::ffff:` policy ranges, ill-typed values of
//! every type, invalid Sids, missing and conflicting elements, `NotPrincipal`, `NullIfExists`,
//! documents too deep and too large, and the cases of the implementation-defined points
//! ID-14, ID-15, ID-18, ID-19 and ID-21 ([`super::id_points`]).
//!
//! One case in [`PERIOD`] of a run (index `i` with `i % PERIOD == PERIOD / 2`) is a family
//! case, the families taking turns in the order of [`ALL`], so that any run of
//! `PERIOD * ALL.len()` cases holds every family once and a default run (10,000 cases) holds
//! each about twenty times.
//!
//! A family case is drawn as a small model ([`FamilyCase`]: the family, a realistic target
//! request from [`TARGETS`], an effect, six small choices), then rendered. Rendering is a pure
//! function of the model, and so are its `ID-n` tags: each family knows exactly which point
//! its answer depends on (a document every evaluator rejects depends on none; an ill-typed
//! Numeric value on ID-19; a digits-only date on ID-14 only where its two readings land on
//! different sides of the request's instant; ...). Every request is realistic (§2: a catalog
//! action, a resource of a type it takes, global keys of their types), so none needs ID-16.

mod invalid;
mod valid;

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::id_points;
use super::GeneratedCase;
use crate::protocol::{CaseLine, RequestLine};

/// One case in `PERIOD` is a family case.
pub const PERIOD: usize = 20;

/// The families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    DigitsOnlyDate,
    JsonNumberValues,
    ShortArnPattern,
    JsonBoolValues,
    BoolVariable,
    EmptyCondition,
    IllTypedValue,
    OperatorWithoutKeys,
    ShortArnRequestValue,
    KeysDifferingByCase,
    PolicyId,
    EscapedVariables,
    MalformedVariable,
    QuestionMarkNonAscii,
    MappedPolicyRange,
    InvalidPolicyObject,
    MalformedTypedValue,
    InvalidSid,
    MissingElement,
    ResourceAndNotResource,
    NotPrincipal,
    NullIfExists,
    TooDeep,
    TooLarge,
}

/// Every family, in the order they take turns. The expensive ones (too deep, too large) come
/// last, so that the first few hundred cases (the invariants' base cases and the self-checks
/// of a default run) hold none.
pub const ALL: &[Family] = &[
    Family::DigitsOnlyDate,
    Family::JsonNumberValues,
    Family::ShortArnPattern,
    Family::JsonBoolValues,
    Family::BoolVariable,
    Family::EmptyCondition,
    Family::IllTypedValue,
    Family::OperatorWithoutKeys,
    Family::ShortArnRequestValue,
    Family::KeysDifferingByCase,
    Family::PolicyId,
    Family::EscapedVariables,
    Family::MalformedVariable,
    Family::QuestionMarkNonAscii,
    Family::MappedPolicyRange,
    Family::InvalidPolicyObject,
    Family::MalformedTypedValue,
    Family::InvalidSid,
    Family::MissingElement,
    Family::ResourceAndNotResource,
    Family::NotPrincipal,
    Family::NullIfExists,
    Family::TooDeep,
    Family::TooLarge,
];

impl Family {
    /// The family's name (kebab-case; the suffix of its case ids).
    pub fn name(self) -> &'static str {
        match self {
            Family::DigitsOnlyDate => "digits-only-date",
            Family::JsonNumberValues => "condition-value-json-number",
            Family::ShortArnPattern => "short-arn-pattern",
            Family::JsonBoolValues => "condition-value-json-bool",
            Family::BoolVariable => "variable-in-bool-value",
            Family::EmptyCondition => "empty-condition",
            Family::IllTypedValue => "ill-typed-numeric-or-ip-value",
            Family::OperatorWithoutKeys => "operator-without-keys",
            Family::ShortArnRequestValue => "arn-operator-on-short-request-value",
            Family::KeysDifferingByCase => "context-keys-differing-by-case",
            Family::PolicyId => "policy-id",
            Family::EscapedVariables => "escaped-variables",
            Family::MalformedVariable => "malformed-variable",
            Family::QuestionMarkNonAscii => "question-mark-non-ascii",
            Family::MappedPolicyRange => "ipv4-mapped-policy-range",
            Family::InvalidPolicyObject => "invalid-policy-as-object",
            Family::MalformedTypedValue => "malformed-typed-value",
            Family::InvalidSid => "invalid-sid",
            Family::MissingElement => "missing-element",
            Family::ResourceAndNotResource => "resource-and-not-resource",
            Family::NotPrincipal => "not-principal",
            Family::NullIfExists => "null-if-exists",
            Family::TooDeep => "too-deep",
            Family::TooLarge => "too-large",
        }
    }

    /// The family of a name.
    pub fn from_name(name: &str) -> Option<Family> {
        ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// The family case `index` of a run is, if any.
pub fn family_of(index: usize) -> Option<Family> {
    if index % PERIOD != PERIOD / 2 {
        return None;
    }
    ALL.get((index / PERIOD) % ALL.len()).copied()
}

/// The family of a generated case id (`gen-<seed>-<index>~<family>`), if any.
pub fn family_of_id(id: &str) -> Option<Family> {
    id.rsplit_once('~').and_then(|(_, f)| Family::from_name(f))
}

/// Realistic requests (§2) family cases aim at: a catalog action and a resource of a type it
/// takes (`*` for `ListJobs`, which takes none).
pub const TARGETS: &[(&str, &str)] = &[
    (
        "iot:DescribeJob",
        "arn:aws:iot:us-east-1:123456789012:job/firmware-42",
    ),
    (
        "iot:CancelJob",
        "arn:aws:iot:eu-west-1:210987654321:job/Firmware-7",
    ),
    (
        "iotjobsdata:DescribeJobExecution",
        "arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing",
    ),
    ("iot:ListJobs", "*"),
    (
        "iot:CreateJob",
        "arn:aws:iot:us-east-1:123456789012:thinggroup/fleet",
    ),
    (
        "iot:DescribeJobTemplate",
        "arn:aws:iot:us-east-1:123456789012:jobtemplate/reboot",
    ),
];

/// A drawn family case: what it is rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyCase {
    /// The family.
    pub family: Family,
    /// Which of [`TARGETS`] the request is.
    pub target: usize,
    /// Whether the family's main statement is a `Deny`.
    pub deny: bool,
    /// Small choices, each family reading them as indexes into its own small pools; the last
    /// one aims the main statement ([`FamilyCase::aim`]).
    pub picks: [u8; 6],
}

/// The strategy of a family's cases.
pub fn arb_family_case(family: Family) -> impl Strategy<Value = FamilyCase> {
    (0..TARGETS.len(), any::<bool>(), any::<[u8; 6]>()).prop_map(move |(target, deny, picks)| {
        FamilyCase {
            family,
            target,
            deny,
            picks,
        }
    })
}

/// What a family renders: the policies, the request, the tags.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub policies: Vec<Value>,
    pub request: RequestLine,
    pub tags: Vec<&'static str>,
}

impl Draft {
    /// Set a context key.
    pub(crate) fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.request.context.insert(key.to_owned(), value.into());
    }

    /// Set a context key unless `value` is [`ABSENT`].
    pub(crate) fn set_unless_absent(&mut self, key: &str, value: &str) {
        if value != ABSENT {
            self.set(key, value);
        }
    }
}

/// A request value that stands for the key left out of the context.
pub(crate) const ABSENT: &str = "<absent>";

/// How a family's main statement is aimed at the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aim {
    /// The request's own action and resource.
    Exact,
    /// `*` and `*`.
    Star,
    /// `vendor:*` and the request's resource.
    Vendor,
    /// An action the request does not have (the statement does not apply).
    OtherAction,
    /// A resource the request does not have (the statement does not apply).
    OtherResource,
}

impl Aim {
    /// Whether the statement's action and resource elements match the request.
    pub(crate) fn applies(self) -> bool {
        !matches!(self, Aim::OtherAction | Aim::OtherResource)
    }
}

impl FamilyCase {
    /// Choice `slot` as an index into `pool` (`T::default()` for an empty pool, which the
    /// constant pools here never are).
    pub(crate) fn pick<T: Clone + Default>(&self, slot: usize, pool: &[T]) -> T {
        debug_assert!(!pool.is_empty(), "an empty pool for choice {slot}");
        let n = self.pick_byte(slot);
        pool.get(n % pool.len().max(1)).cloned().unwrap_or_default()
    }

    /// Choice `slot` reduced to `0..n`.
    pub(crate) fn choice(&self, slot: usize, n: usize) -> usize {
        self.pick_byte(slot) % n.max(1)
    }

    /// The drawn byte of choice `slot` (a family asks for the slots it drew: 0 to 5).
    fn pick_byte(&self, slot: usize) -> usize {
        let byte = self.picks.get(slot).copied();
        debug_assert!(byte.is_some(), "choice {slot} was not drawn");
        usize::from(byte.unwrap_or(0))
    }

    /// `Allow` or `Deny`.
    pub(crate) fn effect(&self) -> &'static str {
        if self.deny {
            "Deny"
        } else {
            "Allow"
        }
    }

    /// The target request's action and resource.
    pub(crate) fn target(&self) -> (&'static str, &'static str) {
        let target = TARGETS.get(self.target).copied();
        // Drawn from `0..TARGETS.len()`.
        debug_assert!(target.is_some(), "target {} is not one", self.target);
        target.unwrap_or(("iot:ListJobs", "*"))
    }

    /// How the main statement is aimed (mostly at the request), from the last choice.
    pub(crate) fn aim(&self) -> Aim {
        [
            Aim::Exact,
            Aim::Exact,
            Aim::Star,
            Aim::Vendor,
            Aim::OtherAction,
            Aim::OtherResource,
        ]
        .get(self.choice(5, 6))
        .copied()
        .unwrap_or(Aim::Exact)
    }

    /// A statement aimed as `aim`, with an optional `Condition`.
    pub(crate) fn statement(&self, aim: Aim, condition: Option<Value>) -> Value {
        let (action, resource) = self.target();
        let vendor = action.split_once(':').map_or("iot", |(v, _)| v);
        let (action, resource) = match aim {
            Aim::Exact => (action.to_owned(), resource.to_owned()),
            Aim::Star => ("*".to_owned(), "*".to_owned()),
            Aim::Vendor => (format!("{vendor}:*"), resource.to_owned()),
            Aim::OtherAction => ("iot:DeleteJob".to_owned(), resource.to_owned()),
            Aim::OtherResource => (
                action.to_owned(),
                "arn:aws:iot:us-east-1:123456789012:job/other".to_owned(),
            ),
        };
        let mut s = Map::new();
        s.insert("Effect".into(), Value::from(self.effect()));
        s.insert("Action".into(), Value::from(action));
        s.insert("Resource".into(), Value::from(resource));
        if let Some(c) = condition {
            s.insert("Condition".into(), c);
        }
        Value::Object(s)
    }

    /// The case rendered, with its tags, as case `id`.
    pub fn to_generated(&self, id: String) -> GeneratedCase {
        let (action, resource) = self.target();
        let mut draft = Draft {
            policies: Vec::new(),
            request: RequestLine {
                action: action.to_owned(),
                resource: resource.to_owned(),
                context: Map::new(),
            },
            tags: Vec::new(),
        };
        match self.family {
            Family::DigitsOnlyDate => id_points::digits_only_date(self, &mut draft),
            Family::ShortArnPattern => id_points::short_arn_pattern(self, &mut draft),
            Family::BoolVariable => id_points::bool_variable(self, &mut draft),
            Family::IllTypedValue => id_points::ill_typed_value(self, &mut draft),
            Family::ShortArnRequestValue => id_points::short_arn_request_value(self, &mut draft),
            Family::JsonNumberValues => valid::json_numbers(self, &mut draft),
            Family::JsonBoolValues => valid::json_bools(self, &mut draft),
            Family::EmptyCondition => valid::empty_condition(self, &mut draft),
            Family::OperatorWithoutKeys => valid::operator_without_keys(self, &mut draft),
            Family::PolicyId => valid::policy_id(self, &mut draft),
            Family::EscapedVariables => valid::escaped_variables(self, &mut draft),
            Family::MalformedVariable => valid::malformed_variable(self, &mut draft),
            Family::QuestionMarkNonAscii => valid::question_mark_non_ascii(self, &mut draft),
            Family::MappedPolicyRange => valid::mapped_policy_range(self, &mut draft),
            Family::KeysDifferingByCase => invalid::keys_differing_by_case(self, &mut draft),
            Family::InvalidPolicyObject => invalid::invalid_policy_object(self, &mut draft),
            Family::MalformedTypedValue => invalid::malformed_typed_value(self, &mut draft),
            Family::InvalidSid => invalid::invalid_sid(self, &mut draft),
            Family::MissingElement => invalid::missing_element(self, &mut draft),
            Family::ResourceAndNotResource => invalid::resource_and_not_resource(self, &mut draft),
            Family::NotPrincipal => invalid::not_principal(self, &mut draft),
            Family::NullIfExists => invalid::null_if_exists(self, &mut draft),
            Family::TooDeep => invalid::too_deep(self, &mut draft),
            Family::TooLarge => invalid::too_large(self, &mut draft),
        }
        let mut tags: Vec<String> = draft.tags.iter().map(|t| (*t).to_owned()).collect();
        tags.sort_unstable();
        tags.dedup();
        GeneratedCase {
            case: CaseLine {
                id,
                policies: draft.policies,
                request: draft.request,
            },
            implementation_defined: tags,
        }
    }
}

/// Set `key` of a JSON object (nothing when `target` is not an object).
pub(crate) fn put(target: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = target {
        m.insert(key.to_owned(), value);
    }
}

/// A policy document (`Version: 2012-10-17`) of the given statements.
pub(crate) fn document(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A document with another `Version` (`None`: absent).
pub(crate) fn document_with_version(version: Option<&str>, statements: Vec<Value>) -> Value {
    let mut root = Map::new();
    if let Some(v) = version {
        root.insert("Version".into(), Value::from(v));
    }
    root.insert("Statement".into(), Value::Array(statements));
    Value::Object(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_cover_every_family_once_per_round() {
        let round: Vec<Family> = (0..PERIOD * ALL.len()).filter_map(family_of).collect();
        assert_eq!(round, ALL);
        assert_eq!(family_of(PERIOD / 2), ALL.first().copied());
        assert_eq!(family_of(0), None);
        for f in ALL {
            assert_eq!(Family::from_name(f.name()), Some(*f));
            assert_eq!(family_of_id(&format!("gen-1-10~{}", f.name())), Some(*f));
        }
        assert_eq!(family_of_id("gen-1-10"), None);
    }
}
