//! The generator's own small model of a case, and its rendering to the protocol.

use serde_json::{Map, Value};

use crate::protocol::RequestLine;

/// A whole case: the policies and the request.
#[derive(Debug, Clone, PartialEq)]
pub struct GenCase {
    /// The policies.
    pub policies: Vec<GenPolicy>,
    /// The request.
    pub request: GenRequest,
}

/// How a policy is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A JSON object.
    Object,
    /// Document text (pretty-printed).
    Text,
    /// Document text with one fault.
    Malformed(Fault),
}

/// One fault of a malformed document, each with the `ID-n` its rejection depends on, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    TrailingComma,
    MissingComma,
    Comment,
    Truncated,
    LowercaseEffect,
    UnknownOperator,
    UnknownOperatorEmpty,
    OperatorBesideCondition,
    Principal,
    DuplicateKey,
    DuplicateSid,
    SidsDifferingByCase,
    WildcardVendor,
    EmptyValues,
    NullUnderQualifier,
    BadVersion,
    EmptyStatement,
    LowercaseStatementKey,
    NotAnArn,
    BadIpRange,
    ActionAndNotAction,
}

impl Fault {
    /// Every fault.
    pub const ALL: [Fault; 21] = [
        Fault::TrailingComma,
        Fault::MissingComma,
        Fault::Comment,
        Fault::Truncated,
        Fault::LowercaseEffect,
        Fault::UnknownOperator,
        Fault::UnknownOperatorEmpty,
        Fault::OperatorBesideCondition,
        Fault::Principal,
        Fault::DuplicateKey,
        Fault::DuplicateSid,
        Fault::SidsDifferingByCase,
        Fault::WildcardVendor,
        Fault::EmptyValues,
        Fault::NullUnderQualifier,
        Fault::BadVersion,
        Fault::EmptyStatement,
        Fault::LowercaseStatementKey,
        Fault::NotAnArn,
        Fault::BadIpRange,
        Fault::ActionAndNotAction,
    ];

    /// The implementation-defined choice the document's verdict depends on.
    pub const fn implementation_defined(self) -> Option<&'static str> {
        match self {
            Fault::DuplicateKey => Some("ID-1"),
            Fault::SidsDifferingByCase => Some("ID-2"),
            Fault::WildcardVendor => Some("ID-3"),
            Fault::UnknownOperatorEmpty => Some("ID-4"),
            Fault::EmptyValues => Some("ID-11"),
            Fault::NullUnderQualifier => Some("ID-13"),
            Fault::BadIpRange => Some("ID-19"),
            _ => None,
        }
    }

    /// Whether the reference rejects the document (`SidsDifferingByCase` is valid under ID-2).
    pub const fn rejected(self) -> bool {
        !matches!(self, Fault::SidsDifferingByCase)
    }
}

/// One policy.
#[derive(Debug, Clone, PartialEq)]
pub struct GenPolicy {
    /// `Version`, when present.
    pub version: Option<String>,
    /// The statements (never empty).
    pub statements: Vec<GenStatement>,
    /// Write a lone statement as an object rather than an array of one.
    pub single_object: bool,
    /// How it is sent.
    pub form: Form,
}

impl GenPolicy {
    /// Whether `${...}` is live.
    pub fn variables_live(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct GenStatement {
    /// `Sid`, when present.
    pub sid: Option<String>,
    /// `Deny` when true.
    pub deny: bool,
    /// `NotAction` when true.
    pub not_action: bool,
    /// The action patterns (never empty).
    pub actions: Vec<String>,
    /// `NotResource` when true.
    pub not_resource: bool,
    /// The resource patterns (never empty).
    pub resources: Vec<String>,
    /// Condition entries, one per (operator, key); no two with the same operator and key text.
    pub conditions: Vec<GenCondition>,
}

/// One (operator, key) entry.
#[derive(Debug, Clone, PartialEq)]
pub struct GenCondition {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The values (never empty).
    pub values: Vec<String>,
}

/// The request.
#[derive(Debug, Clone, PartialEq)]
pub struct GenRequest {
    /// `vendor:Name`.
    pub action: String,
    /// An ARN or `*`.
    pub resource: String,
    /// The context, in order; no two keys equal but for case.
    pub context: Vec<(String, CtxValue)>,
}

/// A context value.
#[derive(Debug, Clone, PartialEq)]
pub enum CtxValue {
    /// A string.
    Single(String),
    /// An array of strings.
    Multi(Vec<String>),
}

impl CtxValue {
    /// Every value.
    pub fn values(&self) -> &[String] {
        match self {
            CtxValue::Single(s) => std::slice::from_ref(s),
            CtxValue::Multi(v) => v,
        }
    }

    fn to_json(&self) -> Value {
        match self {
            CtxValue::Single(s) => Value::from(s.as_str()),
            CtxValue::Multi(v) => Value::Array(v.iter().map(|s| Value::from(s.as_str())).collect()),
        }
    }
}

fn list(items: &[String]) -> Value {
    match items {
        [one] => Value::from(one.as_str()),
        _ => Value::Array(items.iter().map(|s| Value::from(s.as_str())).collect()),
    }
}

impl GenStatement {
    /// The statement as a JSON object.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(sid) = &self.sid {
            out.insert("Sid".into(), Value::from(sid.as_str()));
        }
        out.insert(
            "Effect".into(),
            Value::from(if self.deny { "Deny" } else { "Allow" }),
        );
        let action_key = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        out.insert(action_key.into(), list(&self.actions));
        let resource_key = if self.not_resource {
            "NotResource"
        } else {
            "Resource"
        };
        out.insert(resource_key.into(), list(&self.resources));
        if !self.conditions.is_empty() {
            let mut block = Map::new();
            for c in &self.conditions {
                let entry = block
                    .entry(c.operator.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(keys) = entry {
                    keys.insert(c.key.clone(), list(&c.values));
                }
            }
            out.insert("Condition".into(), Value::Object(block));
        }
        Value::Object(out)
    }
}

impl GenPolicy {
    /// The policy as a JSON object (whatever its form).
    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        if let Some(v) = &self.version {
            root.insert("Version".into(), Value::from(v.as_str()));
        }
        let statements: Vec<Value> = self.statements.iter().map(GenStatement::to_json).collect();
        let statement = match statements.as_slice() {
            [one] if self.single_object => one.clone(),
            _ => Value::Array(statements),
        };
        root.insert("Statement".into(), statement);
        Value::Object(root)
    }

    /// The policy as the protocol carries it.
    pub fn to_protocol(&self) -> Value {
        match self.form {
            Form::Object => self.to_json(),
            Form::Text => Value::String(format!("{:#}", self.to_json())),
            Form::Malformed(fault) => Value::String(malform(&self.to_json(), fault)),
        }
    }
}

/// The first statement object of a policy value.
fn first_statement(root: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    match root.get_mut("Statement")? {
        Value::Object(s) => Some(s),
        Value::Array(items) => items.first_mut()?.as_object_mut(),
        _ => None,
    }
}

fn condition_block(statement: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    statement
        .entry("Condition")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

/// Write `policy` with one `fault`. Every fault yields a document the reference rejects, but
/// `SidsDifferingByCase` (valid under ID-2).
pub fn malform(policy: &Value, fault: Fault) -> String {
    let mut value = policy.clone();
    let compact = |v: &Value| v.to_string();
    let Some(root) = value.as_object_mut() else {
        // `to_json` writes an object; the empty text is still a rejected document.
        debug_assert!(false, "a policy model wrote a non-object: {policy}");
        return String::new();
    };
    let text_fault = |text: String| -> String {
        match fault {
            Fault::TrailingComma => match text.rfind('}') {
                Some(i) => format!(
                    "{},{}",
                    text.get(..i).unwrap_or(""),
                    text.get(i..).unwrap_or("")
                ),
                None => text,
            },
            Fault::MissingComma => text.replacen(",\"", " \"", 1),
            Fault::Comment => format!("// identity policy\n{text}"),
            Fault::Truncated => {
                let mut cut = text.len() / 2;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.get(..cut).unwrap_or("").to_owned()
            }
            Fault::DuplicateKey => {
                text.replacen("\"Effect\":", "\"Effect\":\"Deny\",\"Effect\":", 1)
            }
            _ => text,
        }
    };
    match fault {
        Fault::TrailingComma
        | Fault::MissingComma
        | Fault::Comment
        | Fault::Truncated
        | Fault::DuplicateKey => {}
        Fault::BadVersion => {
            root.insert("Version".into(), Value::from("2012-10-18"));
        }
        Fault::EmptyStatement => {
            root.insert("Statement".into(), Value::Array(Vec::new()));
        }
        Fault::LowercaseStatementKey => {
            if let Some(s) = root.shift_remove("Statement") {
                root.insert("statement".into(), s);
            }
        }
        Fault::DuplicateSid | Fault::SidsDifferingByCase => {
            let statements = match root.get("Statement") {
                Some(Value::Array(items)) => items.clone(),
                Some(one) => vec![one.clone()],
                None => Vec::new(),
            };
            let mut doubled = Vec::new();
            for (i, s) in statements.iter().take(1).enumerate() {
                let mut a = s.clone();
                let mut b = s.clone();
                if let (Some(a), Some(b)) = (a.as_object_mut(), b.as_object_mut()) {
                    a.insert("Sid".into(), Value::from(format!("Dup{i}")));
                    let other = if fault == Fault::DuplicateSid {
                        format!("Dup{i}")
                    } else {
                        format!("DUP{i}")
                    };
                    b.insert("Sid".into(), Value::from(other));
                }
                doubled.push(a);
                doubled.push(b);
            }
            root.insert("Statement".into(), Value::Array(doubled));
        }
        _ => {
            let Some(statement) = first_statement(root) else {
                return compact(&value);
            };
            match fault {
                Fault::LowercaseEffect => {
                    let lower = match statement.get("Effect").and_then(Value::as_str) {
                        Some("Deny") => "deny",
                        _ => "allow",
                    };
                    statement.insert("Effect".into(), Value::from(lower));
                }
                Fault::Principal => {
                    statement.insert("Principal".into(), Value::from("*"));
                }
                Fault::OperatorBesideCondition => {
                    let mut body = Map::new();
                    body.insert("aws:ViaAWSService".into(), Value::from("false"));
                    statement.insert("Bool".into(), Value::Object(body));
                }
                Fault::WildcardVendor => {
                    statement.insert("Action".into(), Value::from("iot*:Describe*"));
                }
                Fault::NotAnArn => {
                    statement.insert("Resource".into(), Value::from("job/*"));
                }
                Fault::ActionAndNotAction => {
                    statement.insert("Action".into(), Value::from("iot:DescribeJob"));
                    statement.insert("NotAction".into(), Value::from("iot:CreateJob"));
                }
                Fault::UnknownOperator
                | Fault::UnknownOperatorEmpty
                | Fault::EmptyValues
                | Fault::NullUnderQualifier
                | Fault::BadIpRange => {
                    let Some(block) = condition_block(statement) else {
                        return compact(&value);
                    };
                    let mut body = Map::new();
                    let operator = match fault {
                        Fault::UnknownOperator => {
                            body.insert("aws:username".into(), Value::from("alice"));
                            "StringEqual"
                        }
                        Fault::UnknownOperatorEmpty => "StringEqual",
                        Fault::EmptyValues => {
                            body.insert("aws:username".into(), Value::Array(Vec::new()));
                            "StringEquals"
                        }
                        Fault::NullUnderQualifier => {
                            body.insert("aws:TagKeys".into(), Value::from("true"));
                            "ForAllValues:Null"
                        }
                        _ => {
                            body.insert("aws:SourceIp".into(), Value::from("10.0.0.300/8"));
                            "IpAddress"
                        }
                    };
                    block.insert(operator.into(), Value::Object(body));
                }
                // Written by the arms above this statement's match.
                Fault::TrailingComma
                | Fault::MissingComma
                | Fault::Comment
                | Fault::Truncated
                | Fault::DuplicateKey
                | Fault::BadVersion
                | Fault::EmptyStatement
                | Fault::LowercaseStatementKey
                | Fault::DuplicateSid
                | Fault::SidsDifferingByCase => {}
            }
        }
    }
    text_fault(compact(&value))
}

impl GenRequest {
    /// The request line.
    pub fn to_line(&self) -> RequestLine {
        RequestLine {
            action: self.action.clone(),
            resource: self.resource.clone(),
            context: self
                .context
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        }
    }
}
