//! Call cases (protocol 1.1): a whole AWS IoT Jobs API call instead of one request. The gate
//! never sends one to an evaluator: it expands the call into the checks AWS makes (ordinary case
//! lines `<id>/<n>`, `n` from 1) and combines the answers, so every v1 evaluator is tested on
//! calls unchanged. `iamconf evaluate` answers a call case directly, with its `checks`.

mod direct;
pub mod generate;
pub mod golden;

use serde::Serialize;
use serde_json::{Map, Value};

pub use direct::{CheckAnswer, DirectAnswer};

use iam_eval::call::{combine, Call, CallChecks, ExpandedCall, ParamValue};
use iam_eval::{ContextValue, Decision};

use crate::oracle::Oracle;
use crate::protocol::{type_name, AnswerLine, CaseLine, RequestLine, Verdict};

/// The `call` object of a call case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallLine {
    /// The operation (`CreateJob`, `iotjobsdata:UpdateJobExecution`).
    pub operation: String,
    /// The Region.
    pub region: String,
    /// The account.
    pub account: String,
    /// Parameter -> string, array of strings, or (for `tags`) an object of strings.
    pub params: Map<String, Value>,
    /// The request context every check carries.
    pub context: Map<String, Value>,
}

/// A call case: the caller's policies and one call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallCase {
    /// Unique within a run.
    pub id: String,
    /// As in a case line.
    pub policies: Vec<Value>,
    /// The call.
    pub call: CallLine,
}

fn text(object: &Map<String, Value>, name: &str) -> Result<String, String> {
    match object.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "`call.{name}` must be a string, found {}",
            type_name(other)
        )),
        None => Err(format!("`call` has no `{name}`")),
    }
}

fn object_field(object: &Map<String, Value>, name: &str) -> Result<Map<String, Value>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(other) => Err(format!(
            "`call.{name}` must be an object, found {}",
            type_name(other)
        )),
    }
}

impl CallLine {
    /// Read the `call` object.
    pub fn from_value(value: &Value) -> Result<CallLine, String> {
        let Value::Object(object) = value else {
            return Err(format!(
                "`call` must be an object, found {}",
                type_name(value)
            ));
        };
        if let Some(unknown) = object.keys().find(|k| {
            !["operation", "region", "account", "params", "context"].contains(&k.as_str())
        }) {
            return Err(format!(
                "`call` has an unknown field `{unknown}`: it takes `operation`, `region`, `account`, `params` and `context`"
            ));
        }
        Ok(CallLine {
            operation: text(object, "operation")?,
            region: text(object, "region")?,
            account: text(object, "account")?,
            params: object_field(object, "params")?,
            context: object_field(object, "context")?,
        })
    }

    /// The call as the reference takes it; a value of the wrong JSON type names its parameter.
    pub fn to_call(&self) -> Result<Call, String> {
        let mut params = Vec::with_capacity(self.params.len());
        for (name, value) in &self.params {
            let strings = |items: &[Value]| -> Result<Vec<String>, String> {
                items
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.clone()),
                        other => Err(format!(
                            "parameter `{name}` holds {}; its values are strings",
                            type_name(other)
                        )),
                    })
                    .collect()
            };
            let value = match value {
                Value::String(s) => ParamValue::Text(s.clone()),
                Value::Array(items) => ParamValue::List(strings(items)?),
                Value::Object(tags) => {
                    let mut pairs = Vec::with_capacity(tags.len());
                    for (key, v) in tags {
                        match v {
                            Value::String(s) => pairs.push((key.clone(), s.clone())),
                            other => {
                                return Err(format!(
                                    "tag `{key}` of parameter `{name}` holds {}; tag values are strings",
                                    type_name(other)
                                ))
                            }
                        }
                    }
                    ParamValue::Tags(pairs)
                }
                other => {
                    return Err(format!(
                        "parameter `{name}` holds {}: give a string, an array of strings or an object of tags",
                        type_name(other)
                    ))
                }
            };
            params.push((name.clone(), value));
        }
        // The context is read exactly as a case line's (same rules, same messages).
        let context = RequestLine {
            action: "iot:ListJobs".into(),
            resource: "*".into(),
            context: self.context.clone(),
        }
        .to_request()?
        .context()
        .clone();
        Ok(Call {
            operation: self.operation.clone(),
            region: self.region.clone(),
            account: self.account.clone(),
            params,
            context,
        })
    }

    /// The checks of the call, or why it is not one AWS would take (the message, then its help).
    pub fn expand(&self) -> Result<ExpandedCall, String> {
        self.expand_under(CallChecks::Every)
    }

    /// [`CallLine::expand`] under a reading of ID-22.
    pub fn expand_under(&self, reading: CallChecks) -> Result<ExpandedCall, String> {
        self.to_call()?
            .expand_under(reading)
            .map_err(|e| format!("{e} (help: {})", e.help()))
    }
}

impl CallCase {
    /// Read a call case from a JSON value: `id`, `policies`, `call`.
    pub fn from_value(value: &Value) -> Result<CallCase, (Option<String>, String)> {
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or((None, "the case line has no string `id`".to_owned()))?;
        let fail = |m: String| (Some(id.clone()), m);
        let policies = match value.get("policies") {
            Some(Value::Array(p)) => p.clone(),
            other => {
                return Err(fail(format!(
                    "`policies` must be an array, found {}",
                    other.map_or("nothing", type_name)
                )))
            }
        };
        let call = CallLine::from_value(value.get("call").unwrap_or(&Value::Null)).map_err(fail)?;
        Ok(CallCase { id, policies, call })
    }

    /// The case as one JSON line.
    pub fn to_line(&self) -> String {
        // Strings and JSON values only: writing cannot fail.
        serde_json::to_string(self).unwrap_or_else(|e| {
            debug_assert!(false, "cannot write the call case: {e}");
            String::new()
        })
    }

    /// The ordinary case lines of the call's checks, ids `<id>/<n>` from 1.
    pub fn check_lines(&self) -> Result<Vec<CaseLine>, String> {
        self.check_lines_under(CallChecks::Every)
    }

    /// [`CallCase::check_lines`] under a reading of ID-22 (which ARNs are checked).
    pub fn check_lines_under(&self, reading: CallChecks) -> Result<Vec<CaseLine>, String> {
        let expanded = self.call.expand_under(reading)?;
        Ok(check_lines(&self.id, &self.policies, &expanded))
    }
}

/// The case lines of an expanded call's checks.
pub fn check_lines(id: &str, policies: &[Value], expanded: &ExpandedCall) -> Vec<CaseLine> {
    expanded
        .checks
        .iter()
        .enumerate()
        .map(|(n, check)| {
            let context: Map<String, Value> = check
                .request
                .context()
                .iter()
                .map(|(key, value)| {
                    let value = match value {
                        ContextValue::Single(s) => Value::from(s.as_str()),
                        ContextValue::Multi(v) => Value::from(v.clone()),
                    };
                    (key.to_owned(), value)
                })
                .collect();
            CaseLine {
                id: format!("{id}/{}", n + 1),
                policies: policies.to_vec(),
                request: RequestLine {
                    action: check.request.action().to_owned(),
                    resource: check.request.resource().to_owned(),
                    context,
                },
            }
        })
        .collect()
}

/// Combine the answers to a call's checks (protocol 1.1): any error -> error; else any
/// `explicitDeny`; else all `allowed` -> allowed; else `implicitDeny`.
pub fn combine_answers(answers: &[AnswerLine]) -> Verdict {
    let decisions = answers.iter().map(|a| match &a.verdict {
        Verdict::Decision(d) => Some(*d),
        Verdict::Error(_) => None,
    });
    match combine(decisions) {
        Some(decision) => Verdict::Decision(decision),
        None => Verdict::Error(
            answers
                .iter()
                .enumerate()
                .filter_map(|(n, a)| match &a.verdict {
                    Verdict::Error(e) => Some(format!("check {}: {e}", n + 1)),
                    Verdict::Decision(_) => None,
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// The reference's direct answer to a call case (`iamconf evaluate`): the combined decision
/// and `checks`, each with its action, resource and decision (or error).
pub fn answer_directly(oracle: &mut Oracle, case: &CallCase) -> DirectAnswer {
    let expanded = match case.call.expand() {
        Ok(e) => e,
        Err(message) => return DirectAnswer::error(&case.id, message),
    };
    let set = match oracle.policy_set(&CaseLine {
        id: case.id.clone(),
        policies: case.policies.clone(),
        request: RequestLine {
            action: "iot:ListJobs".into(),
            resource: "*".into(),
            context: Map::new(),
        },
    }) {
        Ok(set) => set,
        Err(message) => return DirectAnswer::error(&case.id, message),
    };
    let response = set.evaluate_call(&expanded);
    let checks = expanded
        .checks
        .iter()
        .zip(&response.checks)
        .map(|(check, r)| {
            let (decision, error) = match AnswerLine::from_response("", r).verdict {
                Verdict::Decision(d) => (Some(d), None),
                Verdict::Error(e) => (None, Some(e)),
            };
            CheckAnswer {
                action: check.request.action().to_owned(),
                resource: check.request.resource().to_owned(),
                decision,
                error,
            }
        })
        .collect();
    DirectAnswer {
        id: case.id.clone(),
        decision: response.decision,
        error: response
            .decision
            .is_none()
            .then(|| "a check of the call is an error".to_owned()),
        checks: Some(checks),
    }
}

/// The invariant `call-allowed-only-if-every-check-is`: a direct answer `allowed` for a call
/// (`direct`, its decision) needs every check, asked alone as an ordinary case, to be
/// `allowed`.
pub fn check_call_invariant(direct: Option<Decision>, alone: &[AnswerLine]) -> Result<(), String> {
    if direct != Some(Decision::Allow) {
        return Ok(());
    }
    match alone
        .iter()
        .enumerate()
        .find(|(_, a)| a.verdict != Verdict::Decision(Decision::Allow))
    {
        Some((n, a)) => Err(format!(
            "the call is allowed, but its check {} alone is `{}`",
            n + 1,
            a.verdict.word()
        )),
        None => Ok(()),
    }
}
