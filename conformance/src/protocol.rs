//! The evaluator protocol, version 1 (docs/evaluator-protocol.md): case lines from the gate,
//! answer lines from the evaluator, both JSON Lines.
//!
//! Reading is strict and explains itself: a line that is not a case (or not an answer) gets an
//! error naming the problem, never a panic.

use serde_json::{json, Map, Value};

use iam_eval::{Context, ContextValue, Decision, Request, Response};

mod answer_error;
mod answer_json;
mod case_json;

pub use answer_error::{AnswerLineError, Shared};

/// One case: the policies attached to the caller and one request.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseLine {
    /// Unique within a run; echoed back.
    pub id: String,
    /// Each policy as a JSON object or a string holding the document's text.
    pub policies: Vec<Value>,
    /// The request.
    pub request: RequestLine,
}

/// The request of a case line.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestLine {
    /// `service:Operation`.
    pub action: String,
    /// One ARN, or `*`.
    pub resource: String,
    /// Condition key -> string or array of strings.
    pub context: Map<String, Value>,
}

/// The answer the evaluator gives for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `allowed`, `explicitDeny` or `implicitDeny`.
    Decision(Decision),
    /// The policies were rejected or the request could not be evaluated.
    Error(String),
}

impl Verdict {
    /// The verdict's protocol word: the decision's spelling, or `error`.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Decision(d) => d.as_protocol_str(),
            Verdict::Error(_) => "error",
        }
    }
}

/// A statement that decided a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct MatchedRef {
    /// Policy index, from 0.
    pub policy: usize,
    /// Statement index within the policy, from 0.
    pub statement: usize,
}

/// One answer line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerLine {
    /// The case id echoed back (`None` when the case line had no readable id).
    pub id: Option<String>,
    /// The decision or error.
    pub verdict: Verdict,
    /// The statements that decided it, when the evaluator says.
    pub matched: Option<Vec<MatchedRef>>,
}

fn field<'a>(object: &'a Map<String, Value>, name: &str, at: &str) -> Result<&'a Value, String> {
    object
        .get(name)
        .ok_or_else(|| format!("{at} has no `{name}`"))
}

fn string_field(object: &Map<String, Value>, name: &str, at: &str) -> Result<String, String> {
    match field(object, name, at)? {
        Value::String(s) => Ok(s.clone()),
        other => Err(format!(
            "`{name}` in {at} must be a string, found {}",
            type_name(other)
        )),
    }
}

/// The JSON type name of a value, for messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl CaseLine {
    /// The case as the reports show it: its policies and request, without its id (the
    /// outcome's or the violation's).
    pub fn report_json(&self) -> Value {
        json!({
            "policies": self.policies,
            "request": {"action": self.request.action, "resource": self.request.resource,
                        "context": self.request.context},
        })
    }

    /// Read a case line. On error, the id when it could be read, and what is wrong.
    pub fn parse(line: &str) -> Result<CaseLine, (Option<String>, String)> {
        let value: Value = serde_json::from_str(line)
            .map_err(|e| (None, format!("case line is not JSON: {e}")))?;
        Self::from_owned(value)
    }

    /// Read a case from a JSON value.
    pub fn from_value(value: &Value) -> Result<CaseLine, (Option<String>, String)> {
        Self::from_owned(value.clone())
    }

    /// Read a case from a JSON value it may take apart (no copy of the policies or context).
    fn from_owned(mut value: Value) -> Result<CaseLine, (Option<String>, String)> {
        let Value::Object(object) = &mut value else {
            return Err((
                None,
                format!(
                    "case line must be a JSON object, found {}",
                    type_name(&value)
                ),
            ));
        };
        let id = string_field(object, "id", "the case line").map_err(|e| (None, e))?;
        let fail = |message: String| (Some(id.clone()), message);
        field(object, "policies", "the case line").map_err(fail)?;
        let policies = match object.get_mut("policies") {
            Some(Value::Array(items)) => std::mem::take(items),
            other => {
                return Err(fail(format!(
                    "`policies` must be an array, found {}",
                    other.map_or("nothing", |v| type_name(v))
                )))
            }
        };
        field(object, "request", "the case line").map_err(fail)?;
        let request = match object.get_mut("request") {
            Some(Value::Object(r)) => r,
            other => {
                return Err(fail(format!(
                    "`request` must be an object, found {}",
                    other.map_or("nothing", |v| type_name(v))
                )))
            }
        };
        let action = string_field(request, "action", "`request`").map_err(fail)?;
        let resource = string_field(request, "resource", "`request`").map_err(fail)?;
        let context = match request.get_mut("context") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(c)) => std::mem::take(c),
            Some(other) => {
                return Err(fail(format!(
                    "`request.context` must be an object, found {}",
                    type_name(other)
                )))
            }
        };
        Ok(CaseLine {
            id,
            policies,
            request: RequestLine {
                action,
                resource,
                context,
            },
        })
    }

    /// The case as one JSON line (no trailing newline).
    pub fn to_line(&self) -> String {
        case_json::CaseJson::new(self).to_line().unwrap_or_else(|| {
            // JSON values and string-keyed maps only: writing cannot fail. Should it, the line
            // still names the case, and any evaluator must answer it with an error (it has no
            // `policies`), which the gate reports against the reference's answer.
            debug_assert!(false, "cannot write case line `{}`", self.id);
            let id = Value::String(self.id.clone());
            format!("{{\"id\":{id}}}")
        })
    }

    /// The policy documents as text: strings as they are, objects by their compact
    /// serialization (which is what the size limits measure).
    pub fn policy_texts(&self) -> Result<Vec<String>, String> {
        policy_texts(&self.policies)
    }
}

/// The policy documents as text (see [`CaseLine::policy_texts`]).
pub fn policy_texts(policies: &[Value]) -> Result<Vec<String>, String> {
    policies
        .iter()
        .enumerate()
        .map(|(i, p)| match p {
            Value::String(s) => Ok(s.clone()),
            // The same compact text as `Display`, written straight into a buffer (the
            // formatter's many small writes cost about twice as much).
            Value::Object(_) => serde_json::to_string(p)
                .map_err(|e| format!("policy {i} cannot be written as text: {e}")),
            other => Err(format!(
                "policy {i} must be a JSON object or a string holding one, found {}",
                type_name(other)
            )),
        })
        .collect()
}

impl RequestLine {
    /// The request as the reference evaluator takes it.
    pub fn to_request(&self) -> Result<Request, String> {
        let mut context = Context::new();
        for (key, value) in &self.context {
            let value = match value {
                Value::String(s) => ContextValue::Single(s.clone()),
                Value::Array(items) => {
                    let mut values = Vec::with_capacity(items.len());
                    for item in items {
                        match item {
                            Value::String(s) => values.push(s.clone()),
                            other => {
                                return Err(format!(
                                    "context key `{key}` holds {}; values are strings",
                                    type_name(other)
                                ))
                            }
                        }
                    }
                    ContextValue::Multi(values)
                }
                other => {
                    return Err(format!(
                        "context key `{key}` holds {}; a value is a string or an array of strings",
                        type_name(other)
                    ))
                }
            };
            context.insert(key, value).map_err(|e| e.to_string())?;
        }
        Request::new(&self.action, &self.resource, context).map_err(|e| e.to_string())
    }
}

impl AnswerLine {
    /// The answer line for a reference response.
    pub fn from_response(id: &str, response: &Response) -> AnswerLine {
        let verdict = match response.decision {
            Some(decision) => Verdict::Decision(decision),
            None => Verdict::Error(
                response
                    .errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        AnswerLine {
            id: Some(id.to_owned()),
            verdict,
            matched: Some(
                response
                    .matched
                    .iter()
                    .map(|m| MatchedRef {
                        policy: m.policy,
                        statement: m.statement,
                    })
                    .collect(),
            ),
        }
    }

    /// The answer as one JSON line (no trailing newline).
    pub fn to_line(&self) -> String {
        answer_json::AnswerJson::new(self)
            .to_line()
            .unwrap_or_else(|| {
                // Strings and integers only: writing cannot fail. Should it, the line is
                // still an answer, an error.
                debug_assert!(false, "cannot write an answer line");
                let id = self.id.clone().map_or(Value::Null, Value::String);
                format!("{{\"id\":{id},\"error\":\"internal error: cannot write the answer\"}}")
            })
    }

    /// Read an answer line strictly: an object with a string `id` and exactly one of a known
    /// `decision` or a string `error`; `matched`, when present, well-formed.
    pub fn parse(line: &str) -> Result<AnswerLine, AnswerLineError> {
        use AnswerLineError as E;
        let value: Value = serde_json::from_str(line).map_err(|e| E::NotJson(Shared::new(e)))?;
        let Value::Object(object) = &value else {
            return Err(E::NotAnObject {
                found: type_name(&value),
            });
        };
        let id = match object.get("id") {
            Some(Value::String(id)) => id.clone(),
            Some(other) => {
                return Err(E::IdNotAString {
                    found: type_name(other),
                })
            }
            None => return Err(E::NoId),
        };
        let verdict = match (object.get("decision"), object.get("error")) {
            (Some(Value::String(d)), None) => Verdict::Decision(
                Decision::from_protocol_str(d).ok_or_else(|| E::UnknownDecision(d.clone()))?,
            ),
            (None, Some(Value::String(e))) => Verdict::Error(e.clone()),
            (Some(_), Some(_)) => return Err(E::BothVerdicts),
            (None, None) => return Err(E::NoVerdict),
            (Some(other), None) => {
                return Err(E::DecisionNotAString {
                    found: type_name(other),
                })
            }
            (None, Some(other)) => {
                return Err(E::ErrorNotAString {
                    found: type_name(other),
                })
            }
        };
        let matched = match object.get("matched") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(parse_matched)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(other) => {
                return Err(E::MatchedNotAnArray {
                    found: type_name(other),
                })
            }
        };
        Ok(AnswerLine {
            id: Some(id),
            verdict,
            matched,
        })
    }
}

fn parse_matched(value: &Value) -> Result<MatchedRef, AnswerLineError> {
    let index = |field: &'static str| -> Result<usize, AnswerLineError> {
        value
            .get(field)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or(AnswerLineError::MatchedEntry { field })
    };
    Ok(MatchedRef {
        policy: index("policy")?,
        statement: index("statement")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy texts are the compact `Display` form of each object, byte for byte (the
    /// parser's positions and the size quotas read them), over the generator's documents.
    #[test]
    fn policy_texts_are_the_compact_display_form() {
        let config = crate::generate::GeneratorConfig::default();
        let mut objects = 0;
        for g in crate::generate::generate_cases(&config, 3, 300) {
            let texts = g.case.policy_texts().unwrap();
            for (text, policy) in texts.iter().zip(&g.case.policies) {
                match policy {
                    Value::Object(_) => {
                        objects += 1;
                        assert_eq!(*text, policy.to_string());
                    }
                    Value::String(s) => assert_eq!(text, s),
                    other => panic!("{other}"),
                }
            }
        }
        assert!(objects > 100, "{objects}");
    }

    #[test]
    fn case_line_round_trips() {
        let line = r#"{"id":"c1","policies":[{"Version":"2012-10-17","Statement":[]},"{}"],"request":{"action":"iot:DescribeJob","resource":"*","context":{"aws:SourceIp":"203.0.113.7","aws:TagKeys":["a"]}}}"#;
        let case = CaseLine::parse(line).unwrap();
        assert_eq!(case.id, "c1");
        assert_eq!(CaseLine::parse(&case.to_line()).unwrap(), case);
        let texts = case.policy_texts().unwrap();
        assert_eq!(texts[0], r#"{"Version":"2012-10-17","Statement":[]}"#);
        assert_eq!(texts[1], "{}");
    }

    /// The line as a JSON tree writes it (how `to_line` wrote it before its serde struct).
    fn line_by_tree(case: &CaseLine) -> String {
        json!({
            "id": case.id,
            "policies": case.policies,
            "request": {
                "action": case.request.action,
                "resource": case.request.resource,
                "context": case.request.context,
            }
        })
        .to_string()
    }

    #[test]
    fn case_lines_are_written_as_a_json_tree_writes_them() {
        let corpus = crate::cases::Corpus::embedded().unwrap();
        let mut cases: Vec<CaseLine> = corpus.gate_cases().iter().map(|d| d.case.clone()).collect();
        let config = crate::generate::GeneratorConfig {
            max_policies: 3,
            ..crate::generate::GeneratorConfig::default()
        };
        cases.extend(crate::generate::generate_cases(&config, 11, 500).map(|g| g.case));
        // What the corpus and the generator may not hold: control characters, U+2028, a
        // non-BMP character, escapes, numbers of every spelling, and context values that are
        // not strings (the reader keeps them for the evaluator to reject).
        let odd = r#"{"id":"odd \u0000\u001f\u2028 \"q\" \\ 😀","policies":[{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"k":[1e5,-0.0,12345678901234567890,0.1]}}}],"Weird":[null,true,{"":[]}]},"text \n\t\u00e9"],"request":{"action":"iot:DescribeJob","resource":"*","context":{"k":["a","\u0001"],"n":7,"o":{"x":null}}}}"#;
        cases.push(CaseLine::parse(odd).unwrap());
        assert!(cases.len() > 600, "{}", cases.len());
        for case in &cases {
            let line = case.to_line();
            assert_eq!(line, line_by_tree(case));
            assert_eq!(&CaseLine::parse(&line).unwrap(), case);
        }
    }

    #[test]
    fn parse_and_from_value_read_the_same_case() {
        let line = r#"{"id":"c2","policies":[{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}],"request":{"action":"iot:A","resource":"*","context":{"k":["a","b"],"j":"c"}}}"#;
        let value: Value = serde_json::from_str(line).unwrap();
        let parsed = CaseLine::parse(line).unwrap();
        assert_eq!(CaseLine::from_value(&value).unwrap(), parsed);
        assert_eq!(
            parsed.policies,
            value["policies"].as_array().unwrap().clone()
        );
        assert_eq!(
            parsed.request.context,
            *value["request"]["context"].as_object().unwrap()
        );
        let keys: Vec<&str> = parsed.request.context.keys().map(String::as_str).collect();
        assert_eq!(keys, ["k", "j"]);
        let (_, message) = CaseLine::parse(r#"{"id":"x","policies":[],"request":[]}"#).unwrap_err();
        assert!(
            message.contains("`request` must be an object, found an array"),
            "{message}"
        );
        let (_, message) = CaseLine::parse(
            r#"{"id":"x","policies":[],"request":{"action":"a:b","resource":"*","context":1}}"#,
        )
        .unwrap_err();
        assert!(
            message.contains("`request.context` must be an object"),
            "{message}"
        );
    }

    #[test]
    fn bad_case_lines_name_the_problem() {
        assert!(CaseLine::parse("nope").unwrap_err().1.contains("not JSON"));
        let (id, message) =
            CaseLine::parse(r#"{"id":"x","policies":{},"request":{}}"#).unwrap_err();
        assert_eq!(id.as_deref(), Some("x"));
        assert!(message.contains("`policies` must be an array"), "{message}");
        let (_, message) =
            CaseLine::parse(r#"{"id":"x","policies":[],"request":{"action":"iot:A"}}"#)
                .unwrap_err();
        assert!(message.contains("no `resource`"), "{message}");
    }

    #[test]
    fn answers_parse_strictly() {
        let a = AnswerLine::parse(
            r#"{"id":"1","decision":"allowed","matched":[{"policy":0,"statement":2}]}"#,
        )
        .unwrap();
        assert_eq!(a.verdict, Verdict::Decision(Decision::Allow));
        assert_eq!(
            a.matched,
            Some(vec![MatchedRef {
                policy: 0,
                statement: 2
            }])
        );
        assert_eq!(AnswerLine::parse(&a.to_line()).unwrap(), a);
        assert!(AnswerLine::parse(r#"{"id":"1","decision":"Allow"}"#).is_err());
        assert!(AnswerLine::parse(r#"{"id":"1"}"#).is_err());
        assert!(AnswerLine::parse(r#"{"id":1,"decision":"allowed"}"#).is_err());
        assert!(AnswerLine::parse(r#"{"id":"1","decision":"allowed","error":"x"}"#).is_err());
        let e = AnswerLine::parse(r#"{"id":"1","error":"bad policy"}"#).unwrap();
        assert_eq!(e.verdict.word(), "error");
    }
}
