//! Why a request got its decision: a verdict for every statement of the set.

use std::fmt;

use iam_policy::diagnostic::Position;
use iam_policy::model::Effect;

use crate::condition::{self, Env};
use crate::evaluate::{action_matches, PolicySet, UNRESOLVED_NOT_RESOURCE};
use crate::request::Request;
use crate::resource::resource_matches;
use crate::response::Response;
use iam_policy::Readings;

/// A response with a verdict for each statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The response, as [`PolicySet::evaluate`] gives it.
    pub response: Response,
    /// Every statement of the set, in (policy, statement) order.
    pub statements: Vec<StatementExplanation>,
}

/// The verdict on one statement.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementExplanation {
    /// The policy's index.
    pub policy: usize,
    /// The statement's index in its policy.
    pub statement: usize,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
    /// Where the statement starts in its document, when known.
    pub origin: Option<Position>,
    /// What happened to it.
    pub verdict: Verdict,
}

/// What happened to one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Action, resource and every condition matched.
    Applies,
    /// The action element did not match.
    ActionNotMatched,
    /// The resource element did not match.
    ResourceNotMatched,
    /// The first condition (in document order) that did not hold.
    ConditionNotMet {
        /// The operator as written.
        operator: String,
        /// The key as written.
        key: String,
        /// The request's values; `None` when the key is absent.
        request_values: Option<Vec<String>>,
        /// The policy's values as written.
        policy_values: Vec<String>,
    },
    /// A condition could not be evaluated.
    Error(String),
}

impl PolicySet {
    /// Evaluate `request` and say, statement by statement, why.
    pub fn explain(&self, request: &Request) -> Explanation {
        let response = self.evaluate(request);
        let statements = self
            .entries
            .iter()
            .map(|entry| {
                let s = &entry.statement;
                StatementExplanation {
                    policy: entry.policy,
                    statement: entry.index,
                    sid: s.sid.clone(),
                    effect: s.effect,
                    origin: s.origin.position,
                    verdict: verdict(entry, request, self.readings()),
                }
            })
            .collect();
        Explanation {
            response,
            statements,
        }
    }
}

fn verdict(entry: &crate::evaluate::Entry, request: &Request, readings: &Readings) -> Verdict {
    let s = &entry.statement;
    if !action_matches(&s.actions, request) {
        return Verdict::ActionNotMatched;
    }
    match resource_matches::<false>(
        &s.resources,
        entry.variables,
        request,
        readings,
        &mut |_| {},
    ) {
        Some(true) => {}
        Some(false) => return Verdict::ResourceNotMatched,
        None => return Verdict::Error(UNRESOLVED_NOT_RESOURCE.to_owned()),
    }
    let env = Env::<false> {
        context: request.context(),
        variables: entry.variables,
        readings,
    };
    let mut first_false = None;
    for c in &s.conditions {
        match condition::evaluate(c, &env, &mut |_| {}) {
            Err(message) => {
                return Verdict::Error(format!("condition key `{}`: {message}", c.key));
            }
            Ok(false) if first_false.is_none() => first_false = Some(c),
            Ok(_) => {}
        }
    }
    match first_false {
        None => Verdict::Applies,
        Some(c) => Verdict::ConditionNotMet {
            operator: c.operator.name(),
            key: c.key.clone(),
            request_values: condition::request_values(c, request.context()),
            policy_values: c.values.texts().into_iter().map(str::to_owned).collect(),
        },
    }
}

fn list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    format!("[{}]", quoted.join(", "))
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Applies => f.write_str("applies"),
            Verdict::ActionNotMatched => f.write_str("action does not match"),
            Verdict::ResourceNotMatched => f.write_str("resource does not match"),
            Verdict::ConditionNotMet {
                operator,
                key,
                request_values,
                policy_values,
            } => {
                write!(f, "condition not met: `{operator}` on `{key}`: request ")?;
                match request_values {
                    None => f.write_str("has no such key")?,
                    Some(values) => write!(f, "has {}", list(values))?,
                }
                write!(f, ", policy wants {}", list(policy_values))
            }
            Verdict::Error(message) => write!(f, "error: {message}"),
        }
    }
}

impl fmt::Display for StatementExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy {} statement {}", self.policy, self.statement)?;
        if let Some(sid) = &self.sid {
            write!(f, " `{sid}`")?;
        }
        write!(f, " ({}", self.effect.as_str())?;
        if let Some(p) = self.origin {
            write!(f, ", line {} column {}", p.line, p.column)?;
        }
        write!(f, "): {}", self.verdict)
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.response)?;
        for s in &self.statements {
            write!(f, "\n{s}")?;
        }
        Ok(())
    }
}
