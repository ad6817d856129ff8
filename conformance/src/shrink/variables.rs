//! After the shrink proper: write out the policy variables the disagreement does not need.
//!
//! Removing parts of the JSON cannot turn `thing/${aws:username}` into `thing/alice`, so a
//! minimal case can keep a policy variable that has nothing to do with the disagreement (an
//! evaluator that ignores `Bool` ignores it whether its value is `${aws:x}` or `true`), and
//! its failure group would be keyed by `variables`, which is not its cause. Each variant here
//! writes one string of a policy with its variables replaced by the values the request gives
//! them (or their defaults); the caller keeps it only while its predicate still holds (the
//! same disagreement, the same cause). A variable that stays is one the disagreement needs.

use serde_json::{Map, Value};

use iam_policy::variable::{Template, TemplatePart, Variable};

use crate::protocol::CaseLine;

/// The text of `${...}` variables in `text` written with their values from `context`
/// (`${key}`, `${key, 'default'}`); `None` when no variable in it has a value (the escapes
/// `${*}`, `${?}`, `${$}` are characters, not variables, and are left as they are).
fn resolved(text: &str, context: &Map<String, Value>) -> Option<String> {
    written(text, |variable| {
        context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&variable.key))
            .and_then(|(_, v)| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .or_else(|| variable.default.clone())
    })
}

/// `text` with each policy variable that `value_of` gives a text written as that text; the
/// other variables, the escapes and the rest as they were. Variables are read as the reference
/// reads them ([`Template::parse`]: a malformed `${` is literal text). `None` when nothing was
/// written.
fn written(text: &str, mut value_of: impl FnMut(&Variable) -> Option<String>) -> Option<String> {
    let (template, _) = Template::parse(text);
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for part in template.parts {
        if let TemplatePart::Variable(variable) = &part {
            if let Some(value) = value_of(variable) {
                out.push_str(&value);
                changed = true;
                continue;
            }
        }
        out.push_str(&Template { parts: vec![part] }.render());
    }
    changed.then_some(out)
}

/// Every string value inside `value` (not object keys) that holds a variable, as a path of
/// array indices and object keys.
fn variable_paths(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::String(s) if s.contains("${") => out.push(path.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                variable_paths(item, path, out);
                path.pop();
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                path.push(Step::Key(key.clone()));
                variable_paths(member, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Index(usize),
    Key(String),
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Index(i) => node.get_mut(*i),
        Step::Key(k) => node.get_mut(k.as_str()),
    })
}

/// Literal texts tried in place of a variable the request gives no value (nor a default): a
/// value every condition operator reads (`true`), and a plain word.
const STAND_INS: &[&str] = &["true", "x"];

/// `text` with every policy variable (not the escapes `${*}`, `${?}`, `${$}`) replaced by
/// `stand_in`; `None` when it holds none.
fn replaced(text: &str, stand_in: &str) -> Option<String> {
    written(text, |_| Some(stand_in.to_owned()))
}

/// The variants of `case` with the variables of one string of one policy written out: with
/// the values the request gives them (or their defaults), else with a literal stand-in
/// ([`STAND_INS`]). Documents given as text are left alone.
pub fn variants(case: &CaseLine) -> Vec<CaseLine> {
    let mut out = Vec::new();
    for (p, policy) in case.policies.iter().enumerate() {
        if !policy.is_object() {
            continue;
        }
        let mut paths = Vec::new();
        variable_paths(policy, &mut Vec::new(), &mut paths);
        for path in paths {
            let Some(text) = at(policy, &path).and_then(Value::as_str) else {
                continue;
            };
            let mut texts: Vec<String> = Vec::new();
            match resolved(text, &case.request.context) {
                Some(written) => texts.push(written),
                None => texts.extend(STAND_INS.iter().filter_map(|s| replaced(text, s))),
            }
            for new in texts {
                let mut variant = case.clone();
                if let Some(node) = variant
                    .policies
                    .get_mut(p)
                    .and_then(|policy| at_mut(policy, &path))
                {
                    *node = Value::String(new);
                    out.push(variant);
                }
            }
        }
    }
    out
}

fn at<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Index(i) => node.get(*i),
        Step::Key(k) => node.get(k.as_str()),
    })
}

/// Keep writing out variables while `interesting` holds for the result, at most `budget`
/// tries; the simplest case found.
pub fn resolve_variables<E>(
    case: CaseLine,
    budget: usize,
    interesting: &mut dyn FnMut(&CaseLine) -> Result<bool, E>,
) -> Result<CaseLine, E> {
    super::first_step_while(case, budget, variants, interesting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(resource: &str, bool_value: &str) -> CaseLine {
        CaseLine::from_value(
            &json!({"id": "c", "policies": [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": resource,
             "Condition": {"Bool": {"aws:SecureTransport": bool_value}}}
        ]}], "request": {"action": "iot:DescribeJob", "resource": "*",
            "context": {"aws:username": "alice", "aws:SecureTransport": "true"}}}),
        )
        .unwrap()
    }

    fn statement(case: &CaseLine) -> &Value {
        &case.policies[0]["Statement"][0]
    }

    #[test]
    fn a_variable_is_written_with_its_value_or_its_default() {
        let context = case("*", "x").request.context;
        assert_eq!(
            resolved("thing/${aws:username}", &context).as_deref(),
            Some("thing/alice")
        );
        assert_eq!(
            resolved("thing/${AWS:UserName}-${aws:userid, 'none'}", &context).as_deref(),
            Some("thing/alice-none")
        );
        // No value and no default: nothing to write; the escapes are characters.
        assert_eq!(resolved("thing/${aws:userid}", &context), None);
        assert_eq!(resolved("a${*}b", &context), None);
        assert_eq!(resolved("no variable", &context), None);
        let c = case(
            "arn:aws:iot:*:*:thing/${aws:username}",
            "${aws:SecureTransport}",
        );
        let resources: Vec<String> = variants(&c)
            .iter()
            .map(|v| statement(v).to_string())
            .collect();
        assert_eq!(resources.len(), 2, "{resources:?}");
        assert!(resources[0].contains("thing/alice") && resources[0].contains("${aws:Secure"));
        // A variable without a value is tried with stand-ins.
        let unknown = case("arn:aws:iot:*:*:thing/${aws:userid}", "true");
        let written: Vec<String> = variants(&unknown)
            .iter()
            .map(|v| statement(v)["Resource"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            written,
            ["arn:aws:iot:*:*:thing/true", "arn:aws:iot:*:*:thing/x"]
        );
        assert_eq!(replaced("a${*}b", "x"), None);
    }

    #[test]
    fn variables_go_only_while_the_predicate_holds() {
        let c = case(
            "arn:aws:iot:*:*:thing/${aws:username}",
            "${aws:SecureTransport}",
        );
        // The disagreement needs the variable in the Resource, not the one in the Bool value.
        let mut keeps = |v: &CaseLine| -> Result<bool, ()> {
            Ok(statement(v)["Resource"]
                .as_str()
                .is_some_and(|r| r.contains("${")))
        };
        let simplest = resolve_variables(c.clone(), 10, &mut keeps).unwrap();
        assert_eq!(
            statement(&simplest)["Resource"],
            "arn:aws:iot:*:*:thing/${aws:username}"
        );
        assert_eq!(
            statement(&simplest)["Condition"]["Bool"]["aws:SecureTransport"],
            "true"
        );
        let mut never = |_: &CaseLine| -> Result<bool, ()> { Ok(false) };
        assert_eq!(resolve_variables(c.clone(), 10, &mut never).unwrap(), c);
    }
}
