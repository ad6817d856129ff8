//! One condition entry against the request context (§6-§9).

use std::cmp::Ordering;

use iam_policy::arn;
use iam_policy::condition::{OperatorKind, SetQualifier};
use iam_policy::model::{Condition, ConditionValues, TextMatcher, TextValue};
use iam_policy::pattern::Glob;
use iam_policy::readings::{
    ArnCase, BinaryCompare, DigitsDate, PlainOnMultivalued, Point, Readings, ShortArnValue,
    UnreadableValue,
};
use iam_policy::text::eq_folded;
use iam_policy::value::{self, ValueError};

use crate::readings;
use crate::request::{Context, ContextValue};
use crate::template::{self, Source};

/// What evaluating one condition needs besides the condition. `REFERENCE` is chosen once per
/// [`crate::PolicySet`]: when `true`, the readings are the reference's constants
/// ([`Readings::REFERENCE`]) whatever `readings` holds, so the compiler folds every reading
/// test away and the hot path is the reference's code alone.
pub(crate) struct Env<'a, const REFERENCE: bool> {
    /// The request context.
    pub context: &'a Context,
    /// Whether policy variables are live in this policy.
    pub variables: bool,
    /// The readings of the implementation-defined points (unread when `REFERENCE`).
    pub readings: &'a Readings,
}

impl<const REFERENCE: bool> Env<'_, REFERENCE> {
    /// The readings to follow.
    #[inline(always)]
    pub(crate) fn readings(&self) -> &Readings {
        if REFERENCE {
            &Readings::REFERENCE
        } else {
            self.readings
        }
    }
}

/// Why a condition cannot be decided.
#[derive(Debug)]
pub(crate) enum ConditionError {
    /// A request value cannot be read as the condition's type (ID-5).
    Unreadable(ValueError),
    /// The `error` reading of a point (ID-8, ID-12, ID-16, ID-21), with its message.
    Reading(Point, &'static str),
}

impl std::fmt::Display for ConditionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConditionError::Unreadable(error) => error.fmt(f),
            ConditionError::Reading(_, message) => f.write_str(message),
        }
    }
}

impl From<ValueError> for ConditionError {
    fn from(error: ValueError) -> Self {
        ConditionError::Unreadable(error)
    }
}

/// What a request value that cannot be read (ID-5), or a short ARN value under the `false`
/// or `error` reading of ID-21, makes of the condition: the error, or a false condition.
fn undecided<const R: bool>(
    env: &Env<'_, R>,
    error: ConditionError,
) -> Result<bool, ConditionError> {
    let readings = env.readings();
    match error {
        ConditionError::Unreadable(_) if readings.unreadable_value == UnreadableValue::False => {
            Ok(false)
        }
        ConditionError::Reading(Point::Id21, _)
            if readings.short_arn_value == ShortArnValue::False =>
        {
            Ok(false)
        }
        other => Err(other),
    }
}

/// The error of an `Arn*` condition on a short request value (the `false` and `error`
/// readings of ID-21; the first makes the condition false).
const SHORT_ARN_VALUE: &str =
    "an `Arn*` condition on a request value of fewer than six components (ID-21)";

/// The error of a plain operator on other than one value (the `error` reading of ID-8).
const PLAIN_ON_MULTIVALUED: &str =
    "a plain operator on a key of zero or two or more values (ID-8): use `ForAnyValue:` or `ForAllValues:`";

/// Evaluate `condition`: `Ok(true)` when it holds, `Err(message)` when a request value cannot
/// be read as the condition's type (ID-5). Every request value is read, whatever the result,
/// so that an error never depends on the order of values. `missing` receives the lowercased
/// keys that were needed but absent (the condition's own key, unless it is `Null`, and
/// variables without a value).
pub(crate) fn evaluate<const R: bool>(
    condition: &Condition,
    env: &Env<'_, R>,
    missing: &mut dyn FnMut(&str),
) -> Result<bool, ConditionError> {
    let op = condition.operator;
    let found = env.context.get_lowered_normalized(&condition.key_lower);
    if op.kind == OperatorKind::Null {
        return Ok(null_holds(&condition.values, found.is_some()));
    }
    let Some((value, read)) = found else {
        missing(&condition.key_lower);
        if op.if_exists {
            return Ok(true);
        }
        return Ok(match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => op.is_negated(),
        });
    };
    let negated = op.is_negated();
    match op.qualifier {
        // ID-8: a plain operator on an array of zero or 2+ values: positive operators
        // false, negated ones true. (An array of one value is that value: a rule.)
        // Addresses and booleans were read once, when the request was built.
        None => match (
            value.single(),
            &condition.values,
            read.address,
            read.boolean,
        ) {
            (Some(_), ConditionValues::Ip(ranges), Some(address), _) => {
                let address = readings::address(address, env.readings());
                Ok(ranges.iter().any(|r| r.value.contains(address)) != negated)
            }
            (Some(_), ConditionValues::Bool(wanted), _, Some(boolean)) => {
                Ok(wanted.iter().any(|w| w.value == boolean) != negated)
            }
            // ID-5: a value that cannot be read as the operator's type is an error (or, under
            // the `false` reading, a false condition).
            (Some(one), _, _, _) => match any_matches(condition, one, env, missing) {
                Ok(matched) => Ok(matched != negated),
                Err(error) => undecided(env, error),
            },
            (None, _, _, _) => match env.readings().plain_on_multivalued {
                PlainOnMultivalued::Unmatched => Ok(negated),
                PlainOnMultivalued::AnyValue => {
                    qualified(condition, SetQualifier::ForAnyValue, value, env, missing)
                }
                PlainOnMultivalued::Error => {
                    Err(ConditionError::Reading(Point::Id8, PLAIN_ON_MULTIVALUED))
                }
            },
        },
        Some(qualifier) => qualified(condition, qualifier, value, env, missing),
    }
}

/// A condition under a set qualifier, over every request value of its key.
fn qualified<const R: bool>(
    condition: &Condition,
    qualifier: SetQualifier,
    value: &ContextValue,
    env: &Env<'_, R>,
    missing: &mut dyn FnMut(&str),
) -> Result<bool, ConditionError> {
    let negated = condition.operator.is_negated();
    let mut all = true;
    let mut any = false;
    let mut error = None;
    for one in value.values() {
        match any_matches(condition, one, env, missing) {
            Ok(matched) => {
                let holds = matched != negated;
                all &= holds;
                any |= holds;
            }
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    match (error, qualifier) {
        (Some(e), _) => undecided(env, e),
        (None, SetQualifier::ForAllValues) => Ok(all),
        (None, SetQualifier::ForAnyValue) => Ok(any),
    }
}

/// `Null`: `true` means "absent", `false` "present"; the values OR together.
fn null_holds(values: &ConditionValues, present: bool) -> bool {
    match values {
        ConditionValues::Null(v) | ConditionValues::Bool(v) => {
            v.iter().any(|want_absent| want_absent.value != present)
        }
        _ => false,
    }
}

/// Whether the request value `one` matches some policy value under the positive form of the
/// operator; an error when `one` cannot be read as the operator's type.
fn any_matches<const R: bool>(
    condition: &Condition,
    one: &str,
    env: &Env<'_, R>,
    missing: &mut dyn FnMut(&str),
) -> Result<bool, ConditionError> {
    let kind = condition.operator.kind.positive();
    let readings = env.readings();
    Ok(match &condition.values {
        // ID-21: under the reference's reading a short value matches no pattern (below).
        ConditionValues::Text(_)
            if readings.short_arn_value != ShortArnValue::NoMatch
                && matches!(kind, OperatorKind::ArnEquals | OperatorKind::ArnLike)
                && arn::split(one, false).is_none() =>
        {
            return Err(ConditionError::Reading(Point::Id21, SHORT_ARN_VALUE));
        }
        ConditionValues::Text(values) => values
            .iter()
            .any(|v| text_matches(kind, v, one, env, missing)),
        ConditionValues::Number(values) => {
            let n = value::parse_number(one)?;
            values.iter().any(|v| ordered(kind, n.cmp(&v.value)))
        }
        ConditionValues::Date(values) => {
            // ID-14: digits only are epoch seconds, or (four of them) a year.
            let t = match readings.digits_date {
                DigitsDate::Epoch => value::parse_instant(one)?,
                DigitsDate::Year => value::parse_instant_digits_as_year(one)?,
            };
            values.iter().any(|v| ordered(kind, t.cmp(&v.value)))
        }
        ConditionValues::Bool(values) => {
            let b = value::parse_bool(one)?;
            values.iter().any(|v| v.value == b)
        }
        ConditionValues::BoolVariables(values) => {
            let b = value::parse_bool(one)?;
            values.iter().any(|v| bool_matches(v, b, env, missing))
        }
        // ID-20: the request value's UTF-8 bytes against the policy value's base-64 decoding
        // (or, under the `text` reading, the request's text against the policy's).
        ConditionValues::Binary(values) => match readings.binary_compare {
            BinaryCompare::Bytes => values.iter().any(|v| v.value == one.as_bytes()),
            BinaryCompare::Text => values.iter().any(|v| v.text == one),
        },
        ConditionValues::Ip(values) => {
            let address = readings::address(value::parse_ip_address(one)?, readings);
            values.iter().any(|v| v.value.contains(address))
        }
        ConditionValues::Null(_) => false,
    })
}

/// Whether `ordering` (request value against policy value) satisfies a numeric or date
/// operator (its positive form).
fn ordered(kind: OperatorKind, ordering: Ordering) -> bool {
    use OperatorKind::*;
    match kind {
        NumericLessThan | DateLessThan => ordering == Ordering::Less,
        NumericLessThanEquals | DateLessThanEquals => ordering != Ordering::Greater,
        NumericGreaterThan | DateGreaterThan => ordering == Ordering::Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ordering != Ordering::Less,
        _ => ordering == Ordering::Equal,
    }
}

/// `ArnLike` with compiled components: six components at the first five colons.
fn arn_matches(globs: &[Glob; 6], candidate: &str) -> bool {
    // ID-21: a request value of fewer than six components matches no pattern (it is never
    // padded); ID-6: its partition, service and region compare case-sensitively.
    let mut components = arn::components(candidate);
    globs
        .iter()
        .all(|g| components.next().is_some_and(|c| g.is_match(c)))
}

/// One String or ARN policy value against one request value (positive operator `kind`).
fn text_matches<const R: bool>(
    kind: OperatorKind,
    value: &TextValue,
    one: &str,
    env: &Env<'_, R>,
    missing: &mut dyn FnMut(&str),
) -> bool {
    match &value.matcher {
        TextMatcher::Exact(s) => s == one,
        TextMatcher::Folded(s) => eq_folded(s, one),
        TextMatcher::Like(glob) => glob.is_match(one),
        TextMatcher::Arn(globs) => match env.readings().arn_case {
            ArnCase::Sensitive => arn_matches(globs, one),
            ArnCase::Insensitive => readings::arn_folded(globs, one),
        },
        TextMatcher::NoMatch => false,
        TextMatcher::Template(t) => {
            let source = if env.variables {
                Source::Live(t)
            } else {
                Source::Literal(&value.text)
            };
            match kind {
                OperatorKind::StringEquals => {
                    template::equals(source, env.context, one, false, missing)
                }
                OperatorKind::StringEqualsIgnoreCase => {
                    template::equals(source, env.context, one, true, missing)
                }
                OperatorKind::ArnEquals | OperatorKind::ArnLike => {
                    let fold = env.readings().arn_case == ArnCase::Insensitive;
                    template::arn(source, env.context, one, fold, missing)
                }
                _ => template::like(source, env.context, one, missing),
            }
        }
    }
}

/// One `Bool` policy value that may hold policy variables against the request's boolean
/// (ID-18): the value, after substitution, read as a boolean case-insensitively; text that is
/// not a boolean matches nothing, and so does a variable without a value.
fn bool_matches<const R: bool>(
    value: &TextValue,
    wanted: bool,
    env: &Env<'_, R>,
    missing: &mut dyn FnMut(&str),
) -> bool {
    let text = if wanted { "true" } else { "false" };
    match &value.matcher {
        TextMatcher::Template(t) => {
            let source = if env.variables {
                Source::Live(t)
            } else {
                Source::Literal(&value.text)
            };
            template::equals(source, env.context, text, true, missing)
        }
        _ => value.text.eq_ignore_ascii_case(text),
    }
}

/// The request values of a condition's key, for explanations: `None` when absent.
pub(crate) fn request_values(condition: &Condition, context: &Context) -> Option<Vec<String>> {
    context
        .get_lowered(&condition.key_lower)
        .map(|v: &ContextValue| v.values().to_vec())
}
