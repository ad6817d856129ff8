//! Builders of the policy model from strings, for tests (the JSON parser is tested elsewhere).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers shared by several test binaries (each uses some); a failed setup should stop the test loudly"
)]

use iam_eval::{Context, ContextValue, Decision, PolicySet, Request, Response};
use iam_policy::model::*;
use iam_policy::pattern::{Glob, GlobSyntax};
use iam_policy::value;
use iam_policy::variable::{Template, TemplatePart, Variable};
use iam_policy::{Family, Operator};

/// A test template parser: `${key}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`.
pub(crate) fn template(text: &str) -> Template {
    let mut parts = Vec::new();
    let mut rest = text;
    let mut literal = String::new();
    while let Some(start) = rest.find("${") {
        literal.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').expect("closed variable");
        let inner = &after[..end];
        if !literal.is_empty() {
            parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
        }
        match inner {
            "*" | "?" | "$" => parts.push(TemplatePart::Escaped(inner.chars().next().unwrap())),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_owned())),
                    None => (inner.trim(), None),
                };
                parts.push(TemplatePart::Variable(Variable {
                    key: key.to_owned(),
                    key_lower: key.to_lowercase(),
                    default,
                }));
            }
        }
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(TemplatePart::Text(literal));
    }
    Template { parts }
}

pub(crate) fn action(text: &str) -> ActionPattern {
    let matcher = if text == "*" {
        ActionMatcher::Any
    } else {
        let (vendor, name) = text.split_once(':').expect("vendor:name");
        ActionMatcher::Vendor {
            vendor: vendor.to_lowercase(),
            name: Glob::new(&name.to_lowercase(), GlobSyntax::Text),
        }
    };
    ActionPattern {
        text: text.to_owned(),
        matcher,
    }
}

/// The byte offset of the fifth colon's end, if any.
fn after_fifth_colon(text: &str) -> Option<usize> {
    text.match_indices(':').nth(4).map(|(i, _)| i + 1)
}

pub(crate) fn resource(text: &str, variables: bool) -> ResourcePattern {
    let matcher = if text == "*" {
        ResourceMatcher::Any
    } else {
        match after_fifth_colon(text) {
            Some(split) if variables && text[split..].contains("${") => {
                ResourceMatcher::Template(ArnTemplate {
                    head: text[..split].to_owned(),
                    tail: template(&text[split..]),
                })
            }
            _ => ResourceMatcher::Arn(Glob::new(text, GlobSyntax::Arn)),
        }
    };
    ResourcePattern {
        text: text.to_owned(),
        matcher,
    }
}

fn text_value(op: &Operator, text: &str, variables: bool) -> TextValue {
    use iam_policy::OperatorKind::*;
    let matcher = if variables && text.contains("${") {
        TextMatcher::Template(template(text))
    } else {
        match op.kind.positive() {
            StringEquals => TextMatcher::Exact(text.to_owned()),
            StringEqualsIgnoreCase => TextMatcher::Folded(text.to_lowercase()),
            StringLike => TextMatcher::Like(Glob::new(text, GlobSyntax::Text)),
            _ => {
                let parts: Vec<Glob> = text
                    .splitn(6, ':')
                    .map(|c| Glob::new(c, GlobSyntax::Text))
                    .collect();
                TextMatcher::Arn(Box::new(parts.try_into().expect("six ARN components")))
            }
        }
    };
    TextValue {
        text: text.to_owned(),
        matcher,
    }
}

fn typed<T>(texts: &[&str], f: impl Fn(&str) -> T) -> Vec<Typed<T>> {
    texts
        .iter()
        .map(|t| Typed {
            text: (*t).to_owned(),
            value: f(t),
        })
        .collect()
}

/// Epoch seconds as an instant (policy side, while `value::parse_instant` is being built).
pub(crate) fn instant(text: &str) -> value::Instant {
    value::parse_instant(text).unwrap_or_else(|_| {
        value::Instant(text.parse::<i128>().expect("epoch seconds") * 1_000_000_000)
    })
}

pub(crate) fn cond_v(op: &str, key: &str, values: &[&str], variables: bool) -> Condition {
    let operator = Operator::parse(op).expect("operator");
    let values = match operator.kind.family() {
        Family::String | Family::Arn => ConditionValues::Text(
            values
                .iter()
                .map(|v| text_value(&operator, v, variables))
                .collect(),
        ),
        Family::Numeric => {
            ConditionValues::Number(typed(values, |t| value::parse_number(t).unwrap()))
        }
        Family::Date => ConditionValues::Date(typed(values, instant)),
        Family::Bool => ConditionValues::Bool(typed(values, |t| value::parse_bool(t).unwrap())),
        Family::Binary => {
            ConditionValues::Binary(typed(values, |t| value::decode_base64(t).unwrap()))
        }
        Family::Ip => ConditionValues::Ip(typed(values, |t| value::parse_ip_range(t).unwrap())),
        Family::Null => ConditionValues::Null(typed(values, |t| value::parse_bool(t).unwrap())),
    };
    Condition {
        operator,
        key: key.to_owned(),
        key_lower: key.to_lowercase(),
        values,
        origin: Origin::default(),
    }
}

pub(crate) fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
    cond_v(op, key, values, true)
}

/// A statement builder.
#[derive(Clone)]
pub(crate) struct S(pub Statement);

pub(crate) fn stmt(effect: Effect, actions: &[&str], resources: &[&str]) -> S {
    S(Statement {
        sid: None,
        effect,
        actions: ActionClause {
            negated: false,
            patterns: actions.iter().map(|a| action(a)).collect(),
        },
        resources: ResourceClause {
            negated: false,
            patterns: resources.iter().map(|r| resource(r, true)).collect(),
            origin: Origin::default(),
        },
        conditions: Vec::new(),
        origin: Origin::default(),
    })
}

pub(crate) fn allow(actions: &[&str], resources: &[&str]) -> S {
    stmt(Effect::Allow, actions, resources)
}

pub(crate) fn deny(actions: &[&str], resources: &[&str]) -> S {
    stmt(Effect::Deny, actions, resources)
}

impl S {
    pub(crate) fn sid(mut self, sid: &str) -> S {
        self.0.sid = Some(sid.to_owned());
        self
    }
    pub(crate) fn not_action(mut self) -> S {
        self.0.actions.negated = true;
        self
    }
    pub(crate) fn not_resource(mut self) -> S {
        self.0.resources.negated = true;
        self
    }
    pub(crate) fn when(mut self, c: Condition) -> S {
        self.0.conditions.push(c);
        self
    }
    /// Rebuild the resources as a policy without live variables would have them.
    pub(crate) fn literal_resources(mut self) -> S {
        for p in &mut self.0.resources.patterns {
            *p = resource(&p.text.clone(), false);
        }
        self
    }
}

pub(crate) fn policy(statements: Vec<S>) -> Policy {
    Policy {
        version: Some(Version::V2012_10_17),
        id: None,
        statements: statements.into_iter().map(|s| s.0).collect(),
    }
}

pub(crate) fn policy_2008(statements: Vec<S>) -> Policy {
    Policy {
        version: Some(Version::V2008_10_17),
        ..policy(statements)
    }
}

pub(crate) fn set(statements: Vec<S>) -> PolicySet {
    PolicySet::new(vec![policy(statements)])
}

pub(crate) fn ctx(pairs: &[(&str, ContextValue)]) -> Context {
    Context::from_pairs(pairs.iter().cloned()).unwrap()
}

pub(crate) fn single(v: &str) -> ContextValue {
    ContextValue::Single(v.to_owned())
}

pub(crate) fn multi(v: &[&str]) -> ContextValue {
    ContextValue::Multi(v.iter().map(|s| (*s).to_owned()).collect())
}

pub(crate) fn req(action: &str, resource: &str, context: Context) -> Request {
    Request::new(action, resource, context).unwrap()
}

pub(crate) const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/firmware-42";
pub(crate) const THING: &str = "arn:aws:iot:us-east-1:123456789012:thing/MyIoTThing";

/// Evaluate and check that `decide` and `evaluate` agree.
pub(crate) fn eval(set: &PolicySet, request: &Request) -> Response {
    let response = set.evaluate(request);
    assert_eq!(set.decide(request), response.decision, "decide disagrees");
    assert_eq!(response.decision.is_none(), !response.errors.is_empty());
    if !response.errors.is_empty() {
        assert!(!response.is_allowed());
    }
    response
}

/// Whether one condition holds: `Some(true)` Allow, `Some(false)` ImplicitDeny, `None` error.
pub(crate) fn holds(c: Condition, value: Option<ContextValue>) -> Option<bool> {
    let set = set(vec![allow(&["iot:DescribeJob"], &["*"]).when(c.clone())]);
    let context = match value {
        Some(v) => ctx(&[(c.key.as_str(), v)]),
        None => Context::new(),
    };
    let response = eval(&set, &req("iot:DescribeJob", JOB, context));
    response.decision.map(|d| match d {
        Decision::Allow => true,
        Decision::ImplicitDeny => false,
        Decision::ExplicitDeny => panic!("no deny here"),
    })
}
