//! Why a call cannot be expanded into checks.

use std::fmt;

use crate::request::RequestError;

/// A call that names an unknown operation, lacks a parameter, or gives one that does not fit.
/// Messages are lowercase with user input in backticks; [`CallError::help`] says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// No IoT Jobs operation has this name.
    #[error("unknown operation `{name}`")]
    UnknownOperation {
        /// The name as given.
        name: String,
        /// A close operation name, when there is one.
        suggestion: Option<&'static str>,
    },
    /// The name is an operation of both planes.
    #[error("`{name}` is an operation of both the control plane and the data plane")]
    AmbiguousOperation {
        /// The name as given.
        name: String,
    },
    /// A parameter the operation does not take.
    #[error("operation `{operation}` has no parameter `{parameter}`")]
    UnknownParameter {
        /// The operation.
        operation: &'static str,
        /// The parameter as given.
        parameter: String,
        /// The parameters it takes.
        accepted: Vec<&'static str>,
    },
    /// A required parameter is missing.
    #[error("operation `{operation}` needs the parameter `{parameter}`")]
    MissingParameter {
        /// The operation.
        operation: &'static str,
        /// The missing parameter.
        parameter: &'static str,
        /// What the parameter is for.
        expected: String,
    },
    /// A parameter given twice.
    #[error("parameter `{parameter}` is given twice")]
    DuplicateParameter {
        /// The parameter.
        parameter: String,
    },
    /// A parameter whose value does not fit it.
    #[error("parameter `{parameter}` has the value `{value}`, which {reason}")]
    InvalidParameter {
        /// The parameter.
        parameter: &'static str,
        /// The offending value.
        value: String,
        /// Why it does not fit.
        reason: String,
        /// What it should be.
        expected: String,
    },
    /// A Region that is not a Region code.
    #[error("region `{region}` is not a Region code")]
    InvalidRegion {
        /// As given.
        region: String,
    },
    /// An account that is not 12 digits.
    #[error("account `{account}` is not a 12-digit AWS account ID")]
    InvalidAccount {
        /// As given.
        account: String,
    },
    /// A context key the call sets itself from a parameter.
    #[error("context key `{key}` is set by the call from its parameter `{parameter}`")]
    ContextKeyFromCall {
        /// The key as given.
        key: String,
        /// The parameter that sets it.
        parameter: &'static str,
    },
    /// The context is invalid (two keys differing only by case).
    #[error("{0}")]
    Context(#[from] RequestError),
}

/// `a`, `a or b`, `a, b or c`, each in backticks.
pub(crate) fn either(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

impl CallError {
    /// How to fix it.
    pub fn help(&self) -> String {
        match self {
            CallError::UnknownOperation {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`? `iamconf explain --list-calls` lists the operations"),
            CallError::UnknownOperation { .. } => {
                "`iamconf explain --list-calls` lists the operations".into()
            }
            CallError::AmbiguousOperation { name } => format!(
                "write `iot:{name}` for the control plane or `iotjobsdata:{name}` for the data plane"
            ),
            CallError::UnknownParameter { accepted, .. } if accepted.is_empty() => {
                "this operation takes no parameters".into()
            }
            CallError::UnknownParameter { accepted, .. } => {
                format!("it takes {}", either(accepted))
            }
            CallError::MissingParameter {
                parameter,
                expected,
                ..
            } => format!("add `{parameter}`: {expected}"),
            CallError::DuplicateParameter { .. } => {
                "give it once; a list parameter takes comma-separated values".into()
            }
            CallError::InvalidParameter { expected, .. } => format!("give {expected}"),
            CallError::InvalidRegion { .. } => "give a Region code such as `us-east-1`".into(),
            CallError::InvalidAccount { .. } => {
                "give the 12-digit account ID, such as `123456789012`".into()
            }
            CallError::ContextKeyFromCall { parameter, .. } => {
                format!("leave the key out of the context and give `{parameter}` instead")
            }
            CallError::Context(_) => "give each context key once".into(),
        }
    }
}

/// The error followed by its help, as one paragraph: `error: ...\n  help: ...`.
pub struct Rendered<'a>(pub &'a CallError);

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  help: {}", self.0, self.0.help())
    }
}
