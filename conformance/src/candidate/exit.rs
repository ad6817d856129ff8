//! How a candidate process ended, as [`super::CandidateFailure`] reports it: typed, rendered
//! into the failure's message.

use std::fmt;
use std::process::ExitStatus;
use std::time::Duration;

use crate::protocol::Shared;

/// What is known of a candidate that stopped answering: whether it exited, and with what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitNote {
    /// It had not exited (or could not be reaped) when the gate looked.
    Unknown,
    /// It exited with this status.
    Exited(ExitStatus),
    /// It exited with this status, but a process it started still holds its output open (that
    /// process group is ended).
    LeftOutputOpen(ExitStatus),
}

impl fmt::Display for ExitNote {
    /// Empty, or ` (status)` and what it left behind, to follow "exited before answering".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitNote::Unknown => Ok(()),
            ExitNote::Exited(status) => write!(f, " ({status})"),
            ExitNote::LeftOutputOpen(status) => {
                write!(
                    f,
                    " ({status}), leaving a process that holds its output open"
                )
            }
        }
    }
}

/// What went wrong after the candidate's input closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadExit {
    /// It exited with a status other than 0.
    Status(ExitStatus),
    /// It was still running this long after its input closed (it was ended).
    StillRunning(Duration),
    /// Waiting for it failed (the operating system's error).
    Unwaitable(Shared<std::io::Error>),
}

impl fmt::Display for BadExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadExit::Status(status) => write!(f, "exited with {status}"),
            BadExit::StillRunning(timeout) => write!(f, "did not exit within {timeout:?}"),
            BadExit::Unwaitable(why) => write!(f, "could not be waited for: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::CandidateFailure;

    fn exit_3() -> ExitStatus {
        std::process::Command::new("sh")
            .args(["-c", "exit 3"])
            .status()
            .unwrap()
    }

    #[test]
    fn failures_render_their_exit_as_before() {
        let exited = |status| {
            CandidateFailure::Exited {
                case: "c".into(),
                status,
            }
            .to_string()
        };
        assert_eq!(
            exited(ExitNote::Unknown),
            "the evaluator exited before answering case `c`"
        );
        assert_eq!(
            exited(ExitNote::Exited(exit_3())),
            "the evaluator exited before answering case `c` (exit status: 3)"
        );
        assert_eq!(
            exited(ExitNote::LeftOutputOpen(exit_3())),
            "the evaluator exited before answering case `c` (exit status: 3), leaving a process \
             that holds its output open"
        );
        let bad = |b| CandidateFailure::BadExit(b).to_string();
        assert_eq!(
            bad(BadExit::Status(exit_3())),
            "after its input closed the evaluator exited with exit status: 3"
        );
        assert_eq!(
            bad(BadExit::StillRunning(Duration::from_secs(2))),
            "after its input closed the evaluator did not exit within 2s"
        );
    }
}
