//! A case line read without a JSON tree: the id, action, resource and context keys borrowed
//! from the line where they hold no escape, the policies kept as the text they were sent as.
//!
//! The reader accepts only the plain shape of a request case (an object with exactly `id`,
//! `policies` and `request`; a request with exactly `action`, `resource` and an optional
//! `context` of strings and arrays of strings; no key twice). Anything else is `None`, and the
//! line is read again by [`crate::protocol::CaseLine::parse`], whose messages are the
//! protocol's: this reader never words an error.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use iam_eval::{Context, ContextValue};

/// A request case as its line spells it.
pub(crate) struct CaseText<'a> {
    /// The case id.
    pub(crate) id: Cow<'a, str>,
    /// Each policy, exactly as the line holds it.
    pub(crate) policies: Vec<&'a RawValue>,
    /// The line's text from the first policy to the end of the last (empty when there is
    /// none): the same text is the same policies.
    pub(crate) policies_text: &'a str,
    /// `request.action`.
    pub(crate) action: Cow<'a, str>,
    /// `request.resource`.
    pub(crate) resource: Cow<'a, str>,
    /// `request.context`, read straight into the evaluator's context (empty when absent or
    /// `null`).
    pub(crate) context: Context,
}

impl<'a> CaseText<'a> {
    /// Read `line` as a plain request case; `None` when it is anything else.
    pub(crate) fn read(line: &'a str) -> Option<CaseText<'a>> {
        let mut case: CaseText<'a> = serde_json::from_str(line).ok()?;
        case.policies_text = match (case.policies.first(), case.policies.last()) {
            (Some(first), Some(last)) => {
                // Where the policies sit in the line (both borrow from it).
                let base = line.as_ptr() as usize;
                let start = (first.get().as_ptr() as usize).checked_sub(base)?;
                let end = (last.get().as_ptr() as usize + last.get().len()).checked_sub(base)?;
                line.get(start..end)?
            }
            _ => "",
        };
        Some(case)
    }
}

/// The string a JSON string literal `raw` holds, borrowed when it holds no escape; `None`
/// when `raw` is not a string.
pub(crate) fn string(raw: &str) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Text<'_>>(raw).ok().map(|t| t.0)
}

/// A string borrowed from the line when it holds no escape.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }
}

/// Reject a key met twice (the tree reader keeps the last; the typed reader leaves the line to
/// it).
fn once<T, E: de::Error>(slot: &Option<T>) -> Result<(), E> {
    match slot {
        Some(_) => Err(E::custom("a key twice")),
        None => Ok(()),
    }
}

impl<'de> Deserialize<'de> for CaseText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_map`, not `deserialize_struct`: an array is not a case.
        deserializer.deserialize_map(CaseVisitor)
    }
}

struct CaseVisitor;

impl<'de> Visitor<'de> for CaseVisitor {
    type Value = CaseText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a case line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CaseText<'de>, A::Error> {
        let mut id = None;
        let mut policies = None;
        let mut request = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "id" => {
                    once(&id)?;
                    id = Some(map.next_value::<Text<'de>>()?.0);
                }
                "policies" => {
                    once(&policies)?;
                    policies = Some(map.next_value::<Vec<&'de RawValue>>()?);
                }
                "request" => {
                    once(&request)?;
                    request = Some(map.next_value::<RequestText<'de>>()?);
                }
                _ => return Err(de::Error::custom("another key")),
            }
        }
        match (id, policies, request) {
            (Some(id), Some(policies), Some(request)) => Ok(CaseText {
                id,
                policies,
                policies_text: "",
                action: request.action,
                resource: request.resource,
                context: request.context,
            }),
            _ => Err(de::Error::custom("a key missing")),
        }
    }
}

struct RequestText<'a> {
    action: Cow<'a, str>,
    resource: Cow<'a, str>,
    context: Context,
}

impl<'de> Deserialize<'de> for RequestText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RequestVisitor)
    }
}

struct RequestVisitor;

impl<'de> Visitor<'de> for RequestVisitor {
    type Value = RequestText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a request")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RequestText<'de>, A::Error> {
        let mut action = None;
        let mut resource = None;
        let mut context = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "action" => {
                    once(&action)?;
                    action = Some(map.next_value::<Text<'de>>()?.0);
                }
                "resource" => {
                    once(&resource)?;
                    resource = Some(map.next_value::<Text<'de>>()?.0);
                }
                "context" => {
                    once(&context)?;
                    context = Some(map.next_value_seed(OptionalContext)?);
                }
                _ => return Err(de::Error::custom("another key")),
            }
        }
        match (action, resource) {
            (Some(action), Some(resource)) => Ok(RequestText {
                action,
                resource,
                context: context.unwrap_or_default(),
            }),
            _ => Err(de::Error::custom("a key missing")),
        }
    }
}

/// `request.context`: `null` or an object (never another type, which `deserialize_any` would
/// let through as a map: serde_json hands an arbitrary-precision number over as one).
struct OptionalContext;

impl<'de> DeserializeSeed<'de> for OptionalContext {
    type Value = Context;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Context, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalContext {
    type Value = Context;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a context or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Context, E> {
        Ok(Context::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Context, D::Error> {
        deserializer.deserialize_map(ContextVisitor)
    }
}

struct ContextVisitor;

impl<'de> Visitor<'de> for ContextVisitor {
    type Value = Context;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a context")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Context, A::Error> {
        let mut context = Context::new();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let ContextItem(value) = map.next_value()?;
            // A key twice (in any case): the tree reader decides what that means.
            context
                .insert(&key.0, value)
                .map_err(|_| de::Error::custom("a key twice"))?;
        }
        Ok(context)
    }
}

/// A context value: a string, or an array of strings.
struct ContextItem(ContextValue);

impl<'de> Deserialize<'de> for ContextItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ContextItemVisitor)
    }
}

struct ContextItemVisitor;

impl<'de> Visitor<'de> for ContextItemVisitor {
    type Value = ContextItem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ContextItem, E> {
        Ok(ContextItem(ContextValue::Single(v.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ContextItem, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(value) = seq.next_element::<String>()? {
            values.push(value);
        }
        Ok(ContextItem(ContextValue::Multi(values)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_plain_shape_borrowing_unescaped_strings() {
        let line = r#"{"id":"c1","policies":[{"a":1}, "x"],"request":{"action":"iot:A","resource":"arn:\u0061","context":{"k":"v","m":["a","b"]}}}"#;
        let case = CaseText::read(line).unwrap();
        assert!(matches!(case.id, Cow::Borrowed("c1")));
        assert_eq!(case.policies_text, r#"{"a":1}, "x""#);
        assert_eq!(case.policies[1].get(), r#""x""#);
        assert!(matches!(case.action, Cow::Borrowed("iot:A")));
        assert!(matches!(&case.resource, Cow::Owned(r) if r == "arn:a"));
        assert_eq!(case.context.len(), 2);
        let line = r#"{"id":"c1","policies":[ ],"request":{"action":"a","resource":"*"}}"#;
        let case = CaseText::read(line).unwrap();
        assert_eq!((case.policies.len(), case.policies_text), (0, ""));
    }

    #[test]
    fn anything_but_the_plain_shape_is_left_to_the_tree_reader() {
        for line in [
            "nope",
            "[]",
            r#"["c1",[],{"action":"a","resource":"*"}]"#,
            r#"{"id":"c1","policies":[],"request":["a","*",null]}"#,
            r#"{"id":"c1","id":"c2","policies":[],"request":{"action":"a","resource":"*"}}"#,
            r#"{"id":1,"policies":[],"request":{"action":"a","resource":"*"}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*"},"x":1}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","x":1}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a"}}"#,
            r#"{"id":"c1","request":{"action":"a","resource":"*"}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":1}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":1.5e3}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":[]}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":{"k":1}}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":{"k":null}}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":{"k":[1]}}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":{"k":"a","k":"b"}}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":{"K":"a","k":"b"}}}"#,
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*"}} x"#,
            r#"{"id":"c1","policies":[],"call":{}}"#,
            r#"{"id":"c1","policies":{},"request":{"action":"a","resource":"*"}}"#,
            r#"{"id":"c1","policies":"[]","request":{"action":"a","resource":"*"}}"#,
        ] {
            assert!(CaseText::read(line).is_none(), "{line}");
        }
        let line =
            r#"{"id":"c1","policies":[],"request":{"action":"a","resource":"*","context":null}}"#;
        assert!(CaseText::read(line).unwrap().context.is_empty());
    }
}
