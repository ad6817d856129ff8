//! Condition operators: their names, families, negation, `IfExists` and set qualifiers.

use std::fmt;

use crate::suggest::closest;

/// Every IAM condition operator, without qualifier or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// What type an operator's values have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `String...`
    String,
    /// `Numeric...`
    Numeric,
    /// `Date...`
    Date,
    /// `Bool`
    Bool,
    /// `BinaryEquals`
    Binary,
    /// `IpAddress`, `NotIpAddress`
    Ip,
    /// `Arn...`
    Arn,
    /// `Null`
    Null,
}

impl OperatorKind {
    /// Every operator.
    pub const ALL: [OperatorKind; 27] = [
        OperatorKind::StringEquals,
        OperatorKind::StringNotEquals,
        OperatorKind::StringEqualsIgnoreCase,
        OperatorKind::StringNotEqualsIgnoreCase,
        OperatorKind::StringLike,
        OperatorKind::StringNotLike,
        OperatorKind::NumericEquals,
        OperatorKind::NumericNotEquals,
        OperatorKind::NumericLessThan,
        OperatorKind::NumericLessThanEquals,
        OperatorKind::NumericGreaterThan,
        OperatorKind::NumericGreaterThanEquals,
        OperatorKind::DateEquals,
        OperatorKind::DateNotEquals,
        OperatorKind::DateLessThan,
        OperatorKind::DateLessThanEquals,
        OperatorKind::DateGreaterThan,
        OperatorKind::DateGreaterThanEquals,
        OperatorKind::Bool,
        OperatorKind::BinaryEquals,
        OperatorKind::IpAddress,
        OperatorKind::NotIpAddress,
        OperatorKind::ArnEquals,
        OperatorKind::ArnLike,
        OperatorKind::ArnNotEquals,
        OperatorKind::ArnNotLike,
        OperatorKind::Null,
    ];

    /// The operator's name.
    pub const fn as_str(self) -> &'static str {
        use OperatorKind::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    /// The operator named exactly `name` (case-sensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// The type of its values.
    pub const fn family(self) -> Family {
        use OperatorKind::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// Whether the operator is negated: true on an absent key, values NOR together.
    pub const fn is_negated(self) -> bool {
        use OperatorKind::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive operator this one negates (itself when not negated).
    pub const fn positive(self) -> Self {
        use OperatorKind::*;
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// Whether policy variables are live in its values (String and ARN operators).
    pub const fn takes_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn)
    }
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`: every request value matches; true on an absent or empty key.
    ForAllValues,
    /// `ForAnyValue:`: some request value matches; false on an absent or empty key.
    ForAnyValue,
}

impl SetQualifier {
    /// The qualifier's name, without the colon.
    pub const fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// A condition operator as written: kind, optional set qualifier, optional `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// The base operator.
    pub kind: OperatorKind,
    /// `ForAllValues:` / `ForAnyValue:`.
    pub qualifier: Option<SetQualifier>,
    /// The `IfExists` suffix.
    pub if_exists: bool,
}

/// Why an operator name was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorError {
    /// No such operator; `suggestion` is the nearest known name.
    Unknown {
        /// The nearest known operator name, if any is close.
        suggestion: Option<String>,
    },
    /// A qualifier that is malformed or not allowed on this operator.
    BadQualifier {
        /// What is wrong.
        reason: String,
    },
}

impl Operator {
    /// Parse an operator name such as `ForAnyValue:StringLikeIfExists`.
    pub fn parse(name: &str) -> Result<Self, OperatorError> {
        let (qualifier, rest) = match name.split_once(':') {
            None => (None, name),
            Some((q, rest)) => {
                let qualifier = match q {
                    "ForAllValues" => SetQualifier::ForAllValues,
                    "ForAnyValue" => SetQualifier::ForAnyValue,
                    _ => {
                        let near = closest(q, &["ForAllValues", "ForAnyValue"]);
                        return Err(OperatorError::BadQualifier {
                            reason: match near {
                                Some(n) => format!("unknown set qualifier `{q}`; did you mean `{n}`?"),
                                None => format!("unknown set qualifier `{q}`: use `ForAllValues` or `ForAnyValue`"),
                            },
                        });
                    }
                };
                if rest.contains(':') {
                    return Err(OperatorError::BadQualifier {
                        reason: format!("`{name}` has more than one colon"),
                    });
                }
                (Some(qualifier), rest)
            }
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let Some(kind) = OperatorKind::from_name(base) else {
            return Err(OperatorError::Unknown {
                suggestion: suggest_operator(rest),
            });
        };
        if kind == OperatorKind::Null && if_exists {
            return Err(OperatorError::Unknown {
                suggestion: Some("Null".to_owned()),
            });
        }
        // ID-13: `Null` under a set qualifier is an error.
        if kind == OperatorKind::Null && qualifier.is_some() {
            return Err(OperatorError::BadQualifier {
                reason: "`Null` takes no set qualifier (ID-13)".to_owned(),
            });
        }
        Ok(Operator {
            kind,
            qualifier,
            if_exists,
        })
    }

    /// Whether the base operator is negated.
    pub const fn is_negated(&self) -> bool {
        self.kind.is_negated()
    }

    /// The full name as written in a policy.
    pub fn name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{}:", q.as_str())?;
        }
        f.write_str(self.kind.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// Whether `name` is a condition operator name (with or without qualifier or `IfExists`),
/// used to recognise an operator placed beside `Condition`.
pub fn looks_like_operator(name: &str) -> bool {
    Operator::parse(name).is_ok()
}

/// The known operator name nearest to `name`, for "did you mean" hints.
pub fn suggest_operator(name: &str) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    for kind in OperatorKind::ALL {
        names.push(kind.as_str().to_owned());
        if kind != OperatorKind::Null {
            names.push(format!("{}IfExists", kind.as_str()));
        }
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    closest(name, &refs).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualified_if_exists() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.kind, OperatorKind::StringLike);
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert!(op.if_exists);
        assert_eq!(op.name(), "ForAnyValue:StringLikeIfExists");
    }

    #[test]
    fn operator_names_are_case_sensitive_with_a_suggestion() {
        assert_eq!(
            Operator::parse("stringEquals"),
            Err(OperatorError::Unknown {
                suggestion: Some("StringEquals".into())
            })
        );
    }

    #[test]
    fn null_takes_no_qualifier_and_no_if_exists() {
        assert!(matches!(
            Operator::parse("ForAllValues:Null"),
            Err(OperatorError::BadQualifier { .. })
        ));
        assert!(Operator::parse("NullIfExists").is_err());
    }

    #[test]
    fn malformed_qualifier_is_rejected() {
        assert!(matches!(
            Operator::parse("ForAnyValue::StringEqualsIfExists"),
            Err(OperatorError::BadQualifier { .. })
        ));
        assert!(matches!(
            Operator::parse("ForAnyValues:StringEquals"),
            Err(OperatorError::BadQualifier { .. })
        ));
    }

    #[test]
    fn negation_pairs() {
        for kind in OperatorKind::ALL {
            assert!(!kind.positive().is_negated());
            if kind.is_negated() {
                assert_ne!(kind.positive(), kind);
                assert_eq!(kind.positive().family(), kind.family());
            }
        }
    }
}
