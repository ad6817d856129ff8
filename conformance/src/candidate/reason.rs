//! Why a candidate could not be started, and why its line is not an answer: typed, each
//! variant rendering the message the gate always gave.

use std::fmt;
use std::io;

use crate::protocol::{AnswerLineError, Shared};

/// Why the candidate's command could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpawnFailure {
    /// The command line has an unclosed quote.
    #[error("unbalanced quotes")]
    UnbalancedQuotes,
    /// The command line holds no word.
    #[error("the command is empty")]
    EmptyCommand,
    /// The operating system did not start it.
    #[error("{}", Lowercase(.0))]
    Os(#[source] Shared<io::Error>),
    /// It started, but its standard streams could not be taken.
    #[error("its pipes could not be opened")]
    NoPipes,
}

impl SpawnFailure {
    /// The operating system's kind of error, when it refused.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            SpawnFailure::Os(error) => Some(error.0.kind()),
            _ => None,
        }
    }
}

/// An error rendered in lowercase (the operating system's messages start with a capital).
struct Lowercase<'a, E>(&'a E);

impl<E: fmt::Display> fmt::Display for Lowercase<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_string().to_lowercase())
    }
}

/// Why a line the candidate wrote is not an answer line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerFault {
    /// The line is not UTF-8.
    #[error("answer is not UTF-8")]
    NotUtf8,
    /// The protocol reader refused it.
    #[error(transparent)]
    Malformed(#[from] AnswerLineError),
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::time::Duration;

    use super::*;
    use crate::candidate::{CandidateFailure, ProcessCandidate};

    fn spawn_failure(command: &str) -> CandidateFailure {
        match ProcessCandidate::spawn(command, Duration::from_secs(5)) {
            Err(failure) => failure,
            Ok(_) => panic!("`{command}` started"),
        }
    }

    /// The reasons are typed; the messages are those the gate gave as strings before.
    #[test]
    fn spawn_failures_are_typed_and_render_as_before() {
        let failure = spawn_failure("'unbalanced");
        assert!(matches!(
            &failure,
            CandidateFailure::Spawn {
                reason: SpawnFailure::UnbalancedQuotes,
                ..
            }
        ));
        assert_eq!(
            failure.to_string(),
            "cannot start the evaluator `'unbalanced`: unbalanced quotes"
        );
        let failure = spawn_failure("  ");
        assert_eq!(
            failure.to_string(),
            "cannot start the evaluator `  `: the command is empty"
        );
        let failure = spawn_failure("/nonexistent/iamconf-evaluator --x");
        let CandidateFailure::Spawn { reason, .. } = &failure else {
            panic!("{failure:?}");
        };
        assert_eq!(reason.io_kind(), Some(io::ErrorKind::NotFound));
        let os = reason
            .source()
            .and_then(|s| s.downcast_ref::<Shared<io::Error>>())
            .unwrap()
            .get();
        assert_eq!(os.kind(), io::ErrorKind::NotFound);
        assert_eq!(
            failure.to_string(),
            format!(
                "cannot start the evaluator `/nonexistent/iamconf-evaluator --x`: {}",
                os.to_string().to_lowercase()
            )
        );
        assert_eq!(
            failure.to_string(),
            "cannot start the evaluator `/nonexistent/iamconf-evaluator --x`: no such file or \
             directory (os error 2)"
        );
    }

    #[test]
    fn garbage_renders_its_typed_reason_as_before() {
        let garbage = |reason| {
            CandidateFailure::Garbage {
                case: "c1".into(),
                reason,
                line: "xyz".into(),
            }
            .to_string()
        };
        assert_eq!(
            garbage(AnswerFault::NotUtf8),
            "the answer to case `c1` is not an answer line: answer is not UTF-8; it was: xyz"
        );
        assert_eq!(
            garbage(AnswerFault::Malformed(AnswerLineError::NoVerdict)),
            "the answer to case `c1` is not an answer line: answer has neither `decision` nor \
             `error`; it was: xyz"
        );
    }
}
