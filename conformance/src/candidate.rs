//! The evaluator under test: an external process speaking the protocol, or a Rust
//! [`Evaluator`] in this process. A bad candidate is reported, never hangs the gate: every
//! answer has a deadline, the pipes are read and written by their own threads, answer lines
//! are capped in length, and standard error is drained into a bounded tail.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use iam_eval::{Evaluator, Request};

use crate::protocol::{AnswerLine, CaseLine, Shared, Verdict};

mod exit;
mod group;
mod reason;

pub use exit::{BadExit, ExitNote};
pub use reason::{AnswerFault, SpawnFailure};

/// Longest answer line accepted.
pub const MAX_ANSWER_LINE: usize = 1 << 20;
/// How much of the candidate's standard error is kept for the report.
pub const STDERR_TAIL: usize = 16 * 1024;

/// Why a candidate could not answer: the run stops there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CandidateFailure {
    /// The command could not be started.
    #[error("cannot start the evaluator `{command}`: {reason}")]
    Spawn {
        /// The command line.
        command: String,
        /// Why.
        reason: SpawnFailure,
    },
    /// No answer within the per-case timeout.
    #[error("no answer to case `{case}` within {timeout:?}: the evaluator hangs")]
    Timeout {
        /// The case id.
        case: String,
        /// The timeout.
        timeout: Duration,
    },
    /// The evaluator closed its output (it crashed or exited early).
    #[error("the evaluator exited before answering case `{case}`{status}")]
    Exited {
        /// The case id.
        case: String,
        /// Whether and how it exited.
        status: ExitNote,
    },
    /// A line that is not an answer line.
    #[error("the answer to case `{case}` is not an answer line: {reason}; it was: {line}")]
    Garbage {
        /// The case id.
        case: String,
        /// What is wrong.
        reason: AnswerFault,
        /// The line (truncated).
        line: String,
    },
    /// An answer line longer than [`MAX_ANSWER_LINE`].
    #[error("the answer to case `{case}` is longer than {MAX_ANSWER_LINE} bytes")]
    TooLong {
        /// The case id.
        case: String,
    },
    /// An answer for another case: wrong id or out of order.
    #[error(
        "expected the answer to case `{expected}`, got one for `{got}` (wrong id or out of order)"
    )]
    WrongId {
        /// The case the gate waits for.
        expected: String,
        /// The id the evaluator sent.
        got: String,
    },
    /// The evaluator did not exit with status 0 after its input closed.
    #[error("after its input closed the evaluator {0}")]
    BadExit(BadExit),
}

/// Something that answers protocol cases.
pub trait Candidate {
    /// Answer one case.
    fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure>;
    /// End the session (close the pipe, check the exit status).
    fn finish(&mut self) -> Result<(), CandidateFailure> {
        Ok(())
    }
    /// What the candidate wrote to standard error (its tail), for the report.
    fn stderr_tail(&self) -> String {
        String::new()
    }
    /// Whether this candidate is the gate's own reference ([`ReferenceItself`]): the gate then
    /// takes the reference's answer as the candidate's instead of computing it twice.
    fn is_the_reference(&self) -> bool {
        false
    }
}

/// The reference as its own candidate: the self-check (`iamconf check` without
/// `--evaluator`). The gate answers each case with the reference once and holds that answer
/// to the golden expectations; evaluating the same deterministic code twice on the same input
/// would only double the cost. (The named invariants are what check the reference on
/// generated cases.)
#[derive(Debug, Default)]
pub struct ReferenceItself(crate::oracle::Oracle);

impl Candidate for ReferenceItself {
    fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
        Ok(self.0.answer(case))
    }

    fn is_the_reference(&self) -> bool {
        true
    }
}

/// A Rust [`Evaluator`] as a candidate, in process.
pub struct InProcess<'a, E: Evaluator + ?Sized>(pub &'a E);

impl<E: Evaluator + ?Sized> Candidate for InProcess<'_, E> {
    fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
        let error = |message: String| AnswerLine {
            id: Some(case.id.clone()),
            verdict: Verdict::Error(message),
            matched: None,
        };
        let texts = match case.policy_texts() {
            Ok(t) => t,
            Err(e) => return Ok(error(e)),
        };
        let request: Request = match case.request.to_request() {
            Ok(r) => r,
            Err(e) => return Ok(error(e)),
        };
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let response = self.0.evaluate(&refs, &request);
        Ok(AnswerLine::from_response(&case.id, &response))
    }
}

enum ReaderEvent {
    Line(String),
    NotUtf8(String),
    TooLong,
    Eof,
}

/// An evaluator process speaking the protocol over its standard input and output.
pub struct ProcessCandidate {
    child: Child,
    to_child: Option<Sender<String>>,
    answers: Receiver<ReaderEvent>,
    stderr: Arc<Mutex<Tail>>,
    timeout: Duration,
}

#[derive(Default)]
struct Tail {
    kept: VecDeque<u8>,
    total: u64,
}

impl ProcessCandidate {
    /// Start `command` (split like a POSIX shell would, without running a shell).
    pub fn spawn(command: &str, timeout: Duration) -> Result<Self, CandidateFailure> {
        let spawn_error = |reason: SpawnFailure| CandidateFailure::Spawn {
            command: command.to_owned(),
            reason,
        };
        let words =
            shlex::split(command).ok_or_else(|| spawn_error(SpawnFailure::UnbalancedQuotes))?;
        let Some((program, args)) = words.split_first() else {
            return Err(spawn_error(SpawnFailure::EmptyCommand));
        };
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        group::lead_new_group(&mut command);
        let mut child = command
            .spawn()
            .map_err(|e| spawn_error(SpawnFailure::Os(Shared::new(e))))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            group::kill_group(&child);
            let _ = child.kill();
            return Err(spawn_error(SpawnFailure::NoPipes));
        };
        let (to_child, lines) = mpsc::channel::<String>();
        thread::spawn(move || write_lines(stdin, &lines));
        // Bounded: an evaluator that floods its output cannot grow the gate's memory.
        let (answer_tx, answers) = mpsc::sync_channel(64);
        thread::spawn(move || read_answers(stdout, &answer_tx));
        let tail = Arc::new(Mutex::new(Tail::default()));
        let tail_writer = Arc::clone(&tail);
        thread::spawn(move || drain_stderr(stderr, &tail_writer));
        Ok(Self {
            child,
            to_child: Some(to_child),
            answers,
            stderr: tail,
            timeout,
        })
    }

    /// End the candidate and every process of its group.
    fn end(&mut self) {
        group::kill_group(&self.child);
        let _ = self.child.kill();
    }

    fn exit_status(&mut self) -> ExitNote {
        // Give a crashing process a moment to be reaped.
        let deadline = Instant::now() + Duration::from_millis(200);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return ExitNote::Exited(status);
            }
            thread::sleep(Duration::from_millis(5));
        }
        ExitNote::Unknown
    }
}

fn write_lines(mut stdin: ChildStdin, lines: &Receiver<String>) {
    for line in lines {
        if stdin.write_all(line.as_bytes()).is_err()
            || stdin.write_all(b"\n").is_err()
            || stdin.flush().is_err()
        {
            return;
        }
    }
    // Dropping stdin closes the pipe: the evaluator should exit 0.
}

fn read_answers(stdout: impl Read, events: &SyncSender<ReaderEvent>) {
    let mut reader = BufReader::with_capacity(64 * 1024, stdout);
    loop {
        let mut line = Vec::new();
        let limit = (MAX_ANSWER_LINE as u64) + 1;
        match (&mut reader).take(limit).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => {
                let _ = events.send(ReaderEvent::Eof);
                return;
            }
            Ok(_) => {}
        }
        if line.last() != Some(&b'\n') && line.len() > MAX_ANSWER_LINE {
            let _ = events.send(ReaderEvent::TooLong);
            return;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            // Blank lines are not answers; they are skipped here, not queued.
            continue;
        }
        let event = match String::from_utf8(line) {
            Ok(text) => ReaderEvent::Line(text.trim_end_matches(['\n', '\r']).to_owned()),
            Err(e) => ReaderEvent::NotUtf8(
                String::from_utf8_lossy(e.as_bytes())
                    .trim_end_matches(['\n', '\r'])
                    .to_owned(),
            ),
        };
        if events.send(event).is_err() {
            return;
        }
    }
}

fn drain_stderr(mut stderr: impl Read, tail: &Mutex<Tail>) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match stderr.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let Ok(mut t) = tail.lock() else { return };
                t.total += n as u64;
                // Only the last STDERR_TAIL bytes of a read can stay in the tail.
                let read = buffer.get(..n).unwrap_or_default();
                let last = read
                    .get(n.saturating_sub(STDERR_TAIL)..)
                    .unwrap_or_default();
                let excess = (t.kept.len() + last.len()).saturating_sub(STDERR_TAIL);
                let excess = excess.min(t.kept.len());
                t.kept.drain(..excess);
                t.kept.extend(last);
            }
        }
    }
}

fn truncate(line: &str) -> String {
    iam_policy::text::truncate(line, 200).into_owned()
}

impl Candidate for ProcessCandidate {
    fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
        let sent = self
            .to_child
            .as_ref()
            .is_some_and(|tx| tx.send(case.to_line()).is_ok());
        if !sent {
            let status = self.exit_status();
            return Err(CandidateFailure::Exited {
                case: case.id.clone(),
                status,
            });
        }
        // One deadline per case: blank lines do not extend it.
        let deadline = Instant::now().checked_add(self.timeout);
        loop {
            let left = deadline.map_or(self.timeout, |d| {
                d.saturating_duration_since(Instant::now())
            });
            let event = match self.answers.recv_timeout(left) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        // It exited, but its output is still open: a process it started
                        // holds the pipe.
                        group::kill_group(&self.child);
                        return Err(CandidateFailure::Exited {
                            case: case.id.clone(),
                            status: ExitNote::LeftOutputOpen(status),
                        });
                    }
                    self.end();
                    return Err(CandidateFailure::Timeout {
                        case: case.id.clone(),
                        timeout: self.timeout,
                    });
                }
                Err(RecvTimeoutError::Disconnected) => ReaderEvent::Eof,
            };
            let line = match event {
                ReaderEvent::Line(line) => line,
                ReaderEvent::NotUtf8(line) => {
                    return Err(CandidateFailure::Garbage {
                        case: case.id.clone(),
                        reason: AnswerFault::NotUtf8,
                        line: truncate(&line),
                    });
                }
                ReaderEvent::TooLong => {
                    self.end();
                    return Err(CandidateFailure::TooLong {
                        case: case.id.clone(),
                    });
                }
                ReaderEvent::Eof => {
                    let status = self.exit_status();
                    return Err(CandidateFailure::Exited {
                        case: case.id.clone(),
                        status,
                    });
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            let answer = AnswerLine::parse(&line).map_err(|reason| CandidateFailure::Garbage {
                case: case.id.clone(),
                reason: reason.into(),
                line: truncate(&line),
            })?;
            return match &answer.id {
                Some(id) if id == &case.id => Ok(answer),
                other => Err(CandidateFailure::WrongId {
                    expected: case.id.clone(),
                    got: other.clone().unwrap_or_default(),
                }),
            };
        }
    }

    fn finish(&mut self) -> Result<(), CandidateFailure> {
        self.to_child = None;
        let deadline = Instant::now().checked_add(self.timeout);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => return Err(CandidateFailure::BadExit(BadExit::Status(status))),
                Ok(None) if deadline.is_some_and(|d| Instant::now() >= d) => {
                    self.end();
                    let _ = self.child.wait();
                    return Err(CandidateFailure::BadExit(BadExit::StillRunning(
                        self.timeout,
                    )));
                }
                Ok(None) => thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    return Err(CandidateFailure::BadExit(BadExit::Unwaitable(Shared::new(
                        e,
                    ))))
                }
            }
        }
    }

    fn stderr_tail(&self) -> String {
        let Ok(t) = self.stderr.lock() else {
            return String::new();
        };
        let kept: Vec<u8> = t.kept.iter().copied().collect();
        let text = String::from_utf8_lossy(&kept).into_owned();
        if t.total > kept.len() as u64 {
            format!(
                "[{} earlier bytes not kept]\n{text}",
                t.total - kept.len() as u64
            )
        } else {
            text
        }
    }
}

impl Drop for ProcessCandidate {
    /// Whatever happened, no process of the candidate's group outlives the gate: the group is
    /// ended even when the candidate itself exited cleanly (a child it forked may live on).
    fn drop(&mut self) {
        self.to_child = None;
        group::kill_group(&self.child);
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
