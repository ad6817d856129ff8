//! Statement elements: action and resource strings, the `Condition` block, and the lints that
//! need the IoT Jobs catalog.

use std::borrow::Cow;

use super::{Builder, RawClause};
use super::{JsonKind, JsonValue};

use crate::arn::{self, PatternShape};
use crate::catalog::{self, ActionInfo};
use crate::condition::{Family, Operator, OperatorError, OperatorKind};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::{
    ActionClause, ActionMatcher, ActionPattern, ArnTemplate, Condition, ConditionValues, Origin,
    ResourceClause, ResourceMatcher, ResourcePattern, TextMatcher, TextValue, Typed,
};
use crate::pattern::{Glob, GlobSyntax};
use crate::readings::{
    BareIpv6, BoolVariable, DigitsDate, EmptyUnknownOperator, EmptyValues, IllTypedValue,
    NullQualifier, ResourceTypeWildcard, ShortArn, VendorWildcard,
};
use crate::value;
use crate::variable::Template;

/// A short description of a JSON value for messages: the text of a string or number, else its
/// type.
pub(super) fn describe(value: JsonValue<'_, '_>) -> String {
    match value.kind() {
        JsonKind::String(s) => format!("`{s}`"),
        JsonKind::Number(n) => format!("`{n}`"),
        JsonKind::Bool(b) => format!("`{b}`"),
        _ => format!("(a {})", value.type_name()),
    }
}

/// The longest ASCII text [`lowercase`] lowers without allocating.
const LOWER_MAX: usize = 64;

/// `text` folded ([`crate::text::fold`]): in `buf` when it is short ASCII, allocated only
/// otherwise.
fn lowercase<'b>(text: &'b str, buf: &'b mut [u8; LOWER_MAX]) -> Cow<'b, str> {
    if !text
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        return Cow::Borrowed(text);
    }
    let Some(out) = buf.get_mut(..text.len()).filter(|_| text.is_ascii()) else {
        return Cow::Owned(crate::text::fold(text));
    };
    for (o, b) in out.iter_mut().zip(text.bytes()) {
        *o = b.to_ascii_lowercase();
    }
    match std::str::from_utf8(out) {
        Ok(lower) => Cow::Borrowed(lower),
        Err(_) => Cow::Owned(crate::text::fold(text)),
    }
}

/// What a statement's actions are, for the resource-type lint.
pub(super) struct ActionFacts {
    /// The catalog entries of literal actions, with their spans; `None` once any action is a
    /// wildcard or outside the catalog (the lint then stays quiet).
    known: Option<Vec<(&'static ActionInfo, Span)>>,
    negated: bool,
}

/// What a statement's resources are, for the resource-type lint.
pub(super) struct ResourceFacts<'j> {
    items: Vec<(&'j str, Span)>,
    negated: bool,
}

impl ActionFacts {
    /// The literal catalog actions of an `Action` element (not `NotAction`), when every action
    /// is one.
    pub(super) fn granted(&self) -> Option<&[(&'static ActionInfo, Span)]> {
        self.known.as_deref().filter(|_| !self.negated)
    }
}

impl<'j> ResourceFacts<'j> {
    /// The entries of a `Resource` element (not `NotResource`).
    pub(super) fn granted(&self) -> Option<&[(&'j str, Span)]> {
        (!self.negated).then_some(self.items.as_slice())
    }
}

impl Builder<'_> {
    pub(super) fn actions(&mut self, raw: RawClause<'_>) -> Option<(ActionClause, ActionFacts)> {
        let mut patterns = Vec::with_capacity(raw.items.len());
        // The catalog facts feed only the lints (without them `known` is never read).
        let mut known = self.lints.then(|| Vec::with_capacity(raw.items.len()));
        let mut ok = true;
        for (text, span) in raw.items {
            match self.action(text, span) {
                Some((pattern, info)) => {
                    match (info, known.as_mut()) {
                        (Some(info), Some(list)) => list.push((info, span)),
                        _ => known = None,
                    }
                    patterns.push(pattern);
                }
                None => ok = false,
            }
        }
        ok.then_some((
            ActionClause {
                negated: raw.negated,
                patterns,
            },
            ActionFacts {
                known,
                negated: raw.negated,
            },
        ))
    }

    fn action(
        &mut self,
        text: &str,
        span: Span,
    ) -> Option<(ActionPattern, Option<&'static ActionInfo>)> {
        if text == "*" {
            let pattern = ActionPattern {
                text: text.to_owned(),
                matcher: ActionMatcher::Any,
            };
            return Some((pattern, None));
        }
        // `vendor:name` with exactly one colon.
        let colon = memchr::memchr(b':', text.as_bytes());
        let parts = colon.and_then(|at| Some((text.get(..at)?, text.get(at + 1..)?)));
        let (vendor, name) = match parts {
            Some((v, n)) if memchr::memchr(b':', n.as_bytes()).is_none() => (v, n),
            None => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidAction,
                        span,
                        format!("action `{text}` has no vendor prefix"),
                    )
                    .with_help("write `vendor:Action`, for example `iot:DescribeJob`, or `*`"),
                );
                return None;
            }
            _ => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidAction,
                        span,
                        format!("action `{text}` has more than one colon"),
                    )
                    .with_help("an action is `vendor:Action` with exactly one colon"),
                );
                return None;
            }
        };
        // ID-3: a wildcard in the vendor is an error (or, under `glob`, part of a glob).
        let vendor_wildcard = memchr::memchr2(b'*', b'?', vendor.as_bytes()).is_some();
        if vendor_wildcard && self.readings.vendor_wildcard == VendorWildcard::Error {
            self.report(
                Diagnostic::new(
                    Code::InvalidAction,
                    span,
                    format!("action `{text}` has a wildcard in its vendor prefix (ID-3)"),
                )
                .with_help("wildcards are allowed only in the action name: list each vendor, e.g. `iot:*` and `iotjobsdata:*`"),
            );
            return None;
        }
        // A vendor is any non-empty text without `:`, `*`, `?` and whitespace (IAM accepts
        // `s3.s:ListBucket`, iam-facts §1.10).
        if vendor.is_empty() || vendor.contains(char::is_whitespace) {
            self.report(
                Diagnostic::new(
                    Code::InvalidAction,
                    span,
                    format!("action `{text}` has an invalid vendor `{vendor}`"),
                )
                .with_help("a vendor prefix is a non-empty name without blanks, such as `iot`"),
            );
            return None;
        }
        if vendor_wildcard {
            // ID-3 `glob`: the whole action is one glob (a request action has one colon).
            let pattern = ActionPattern {
                text: text.to_owned(),
                matcher: ActionMatcher::Glob(Glob::new(&crate::text::fold(text), GlobSyntax::Text)),
            };
            return Some((pattern, None));
        }
        // Folded as the request's action is, so that any vendor compares.
        let vendor_lower = crate::text::fold(vendor);
        let mut buf = [0; LOWER_MAX];
        let name_lower = lowercase(name, &mut buf);
        let literal = memchr::memchr2(b'*', b'?', name.as_bytes()).is_none();
        let mut info = None;
        // The catalog entry feeds only the lints.
        if self.lints && literal && catalog::covers_vendor(vendor) {
            info = catalog::lookup_action(vendor, name);
            // A catalog action exists; only the others need the full list.
            if self.lints && info.is_none() && !catalog::action_exists(vendor, name) {
                let mut d = Diagnostic::new(
                    Code::UnknownAction,
                    span,
                    format!("`{text}` is not an action of `{vendor_lower}`"),
                );
                if let Some((v, n)) = catalog::suggest_action_name(vendor, name) {
                    d = d.with_help(format!("did you mean `{v}:{n}`?"));
                }
                self.report(d);
            }
        }
        let pattern = ActionPattern {
            text: text.to_owned(),
            matcher: ActionMatcher::Vendor {
                vendor: vendor_lower,
                name: Glob::new(&name_lower, GlobSyntax::Text),
            },
        };
        Some((pattern, info))
    }

    pub(super) fn resources<'j>(
        &mut self,
        raw: RawClause<'j>,
    ) -> Option<(ResourceClause, ResourceFacts<'j>)> {
        let mut patterns = Vec::with_capacity(raw.items.len());
        // The entries feed only the lints.
        let mut items = Vec::with_capacity(if self.lints { raw.items.len() } else { 0 });
        let mut ok = true;
        for (text, span) in raw.items {
            match self.resource(text, span) {
                Some(p) => {
                    patterns.push(p);
                    if self.lints {
                        items.push((text, span));
                    }
                }
                None => ok = false,
            }
        }
        ok.then_some((
            ResourceClause {
                negated: raw.negated,
                patterns,
                origin: Origin::spanning(raw.span),
            },
            ResourceFacts {
                items,
                negated: raw.negated,
            },
        ))
    }

    fn resource(&mut self, text: &str, span: Span) -> Option<ResourcePattern> {
        if text == "*" {
            return Some(ResourcePattern {
                text: text.to_owned(),
                matcher: ResourceMatcher::Any,
            });
        }
        let shape = arn::pattern_shape(text, false);
        if !arn::is_accepted(shape) {
            self.report(invalid_resource(text, shape, span));
            return None;
        }
        if let PatternShape::Short { segments } = shape {
            if self.readings.short_arn == ShortArn::Error {
                self.error(
                    Code::InvalidResource,
                    span,
                    format!("resource `{text}` has {segments} of an ARN's six segments (ID-15)"),
                )
                .help = Some("write all six segments, `arn:partition:service:region:account:resource`, using `*` where any value will do".into());
                return None;
            }
            let padded = arn::padded_shape(text, shape);
            self.report(
                Diagnostic::new(
                    Code::ShortArn,
                    span,
                    format!("resource `{text}` has {segments} of an ARN's six segments: it is read as `{padded}` (ID-15)"),
                )
                .with_help("write all six segments, `arn:partition:service:region:account:resource`, using `*` where any value will do"),
            );
        }
        let placeholders = if self.lints {
            catalog::placeholder_segments(text)
        } else {
            Vec::new()
        };
        if !placeholders.is_empty() {
            let names: Vec<String> = placeholders.iter().map(|(_, t)| format!("`{t}`")).collect();
            self.report(
                Diagnostic::new(
                    Code::PlaceholderArn,
                    span,
                    format!(
                        "resource `{text}` holds placeholder text {}: IAM takes it literally, so it matches no real resource",
                        names.join(", ")
                    ),
                )
                .with_help("replace the placeholders with your Region, account ID and resource names"),
            );
        }
        // Only the resource part (after the fifth colon) takes policy variables; a short
        // pattern has none.
        let tail = arn::resource_part(text);
        let template = tail.and_then(|tail| self.template(tail, span).map(|t| (tail, t)));
        let literal_type = self.readings.resource_type_wildcard == ResourceTypeWildcard::Literal;
        let matcher = match template {
            // ID-17 under the `literal` reading: the wildcard is resource-type text no
            // resource has, so the entry matches nothing.
            _ if literal_type && arn::wildcard_in_resource_type(text) => ResourceMatcher::Nothing,
            Some((tail, template)) => ResourceMatcher::Template(ArnTemplate {
                head: text
                    .get(..text.len() - tail.len())
                    .unwrap_or_default()
                    .to_owned(),
                tail: template,
            }),
            // ID-17: a wildcard in the resource-type part (`...:*/fw-1`) is an ordinary glob.
            // ID-6: every segment, partition, service and region included, is case-sensitive.
            // ID-15: a short pattern is compiled padded with `*` segments.
            None => {
                ResourceMatcher::Arn(Glob::new(&arn::padded_shape(text, shape), GlobSyntax::Arn))
            }
        };
        Some(ResourcePattern {
            text: text.to_owned(),
            matcher,
        })
    }

    /// The template of `text` when policy variables are live and it holds any.
    fn template(&mut self, text: &str, span: Span) -> Option<Template> {
        if !crate::text::has_variable_start(text) {
            return None;
        }
        if !self.variables {
            self.report(
                Diagnostic::new(
                    Code::SuspiciousVariable,
                    span,
                    format!("`{text}` holds `${{...}}`, which is literal text without `\"Version\": \"2012-10-17\"`"),
                )
                .with_help("policy variables need `\"Version\": \"2012-10-17\"`"),
            );
            return None;
        }
        let (template, warnings) = Template::parse(text);
        for warning in warnings {
            self.report(Diagnostic::new(Code::SuspiciousVariable, span, warning));
        }
        template.has_variables().then_some(template)
    }

    pub(super) fn lint_resource_types(
        &mut self,
        actions: &ActionFacts,
        resources: &ResourceFacts<'_>,
    ) -> Option<Vec<&'static str>> {
        let known = actions.known.as_ref()?;
        if actions.negated || resources.negated || known.is_empty() {
            return None;
        }
        // Each resource should be taken by some action of the statement.
        let mut all_typed = true;
        let mut any_taken = false;
        let mut types = Vec::new();
        for (text, span) in &resources.items {
            let Some(rt) = catalog::resource_type_of(text) else {
                all_typed = false;
                continue;
            };
            types.push(rt.name);
            if known
                .iter()
                .any(|(a, _)| catalog::takes_resource(a, rt.name))
            {
                any_taken = true;
            } else {
                let names: Vec<String> = known
                    .iter()
                    .map(|(a, _)| format!("`{}:{}`", a.vendor, a.name))
                    .collect();
                self.report(Diagnostic::new(
                    Code::ResourceTypeMismatch,
                    *span,
                    format!(
                        "a `{}` resource is taken by none of the statement's actions ({}): this entry grants nothing",
                        rt.name,
                        names.join(", ")
                    ),
                ));
            }
        }
        // Each action should take some resource of the statement (said only where another
        // action takes them; otherwise the warnings above already say it).
        if !all_typed {
            return None;
        }
        if !any_taken {
            return Some(types);
        }
        for (action, span) in known {
            if types.iter().any(|t| catalog::takes_resource(action, t)) {
                continue;
            }
            let needs = if action.resources.is_empty() {
                "it takes only `*`".to_owned()
            } else {
                let list: Vec<String> = action
                    .resources
                    .iter()
                    .map(|r| format!("`{}`", r.resource_type))
                    .collect();
                format!("it takes {}", list.join(", "))
            };
            self.report(Diagnostic::new(
                Code::ResourceTypeMismatch,
                *span,
                format!(
                    "`{}:{}` takes none of the resources this statement names: {needs}",
                    action.vendor, action.name
                ),
            ));
        }
        Some(types)
    }

    pub(super) fn conditions(&mut self, value: JsonValue<'_, '_>) -> Option<Vec<Condition>> {
        let JsonKind::Object(operators) = value.kind() else {
            let message = format!(
                "`Condition` must be an object of operators, found a {}",
                value.type_name()
            );
            self.error(Code::InvalidType, value.span(), message).help =
                Some("write `\"Condition\": {\"StringEquals\": {\"key\": \"value\"}}`".into());
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for member in operators.members() {
            let operator = match Operator::parse(member.key) {
                Ok(op) => Some(op),
                // ID-4: an unknown operator is an error, even with an empty body.
                Err(OperatorError::Unknown { .. })
                    if self.readings.empty_unknown_operator == EmptyUnknownOperator::Accept
                        && matches!(member.value.kind(), JsonKind::Object(keys) if keys.is_empty()) =>
                {
                    // ID-4 `accept`: no keys, so nothing to hold.
                    continue;
                }
                Err(OperatorError::BadQualifier { .. })
                    if self.readings.null_qualifier == NullQualifier::Plain
                        && null_under_qualifier(member.key).is_some() =>
                {
                    null_under_qualifier(member.key)
                }
                Err(OperatorError::Unknown { suggestion }) => {
                    let mut d = Diagnostic::new(
                        Code::UnknownOperator,
                        member.key_span,
                        format!("unknown condition operator `{}`", member.key),
                    );
                    if let Some(s) = suggestion {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    self.report(d);
                    None
                }
                Err(OperatorError::BadQualifier { reason }) => {
                    self.report(Diagnostic::new(
                        Code::InvalidQualifier,
                        member.key_span,
                        reason,
                    ));
                    None
                }
            };
            let JsonKind::Object(keys) = member.value.kind() else {
                let message = format!(
                    "operator `{}` must map to an object of condition keys, found a {}",
                    member.key,
                    member.value.type_name()
                );
                self.error(Code::InvalidType, member.value.span(), message);
                ok = false;
                continue;
            };
            let Some(operator) = operator else {
                ok = false;
                continue;
            };
            out.reserve(keys.len());
            for key in keys.members() {
                match self.condition_values(operator, key.value) {
                    Some(values) => out.push(Condition {
                        operator,
                        key: key.key.to_owned(),
                        key_lower: crate::text::fold(key.key),
                        values,
                        origin: self.origin(Span::new(key.key_span.start, key.value.span().end)),
                    }),
                    None => ok = false,
                }
            }
        }
        ok.then_some(out)
    }

    fn condition_values(
        &mut self,
        operator: Operator,
        value: JsonValue<'_, '_>,
    ) -> Option<ConditionValues> {
        let mut texts: Vec<(String, Span)> = Vec::with_capacity(match value.kind() {
            JsonKind::Array(items) => items.len(),
            _ => 1,
        });
        let scalar = |v: JsonValue<'_, '_>| match v.kind() {
            JsonKind::String(s) => Some(s.to_owned()),
            JsonKind::Number(n) => Some(n.to_owned()),
            JsonKind::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match value.kind() {
            // ID-11: an empty array of values is an error.
            JsonKind::Array(items)
                if items.is_empty() && self.readings.empty_values == EmptyValues::Accept => {}
            JsonKind::Array(items) if items.is_empty() => {
                let span = Span::new(value.span().start, value.span().start + 1);
                self.error(
                    Code::EmptyConditionValues,
                    span,
                    "condition key has an empty array of values (ID-11)",
                )
                .help = Some("give at least one value, or remove the key".into());
                return None;
            }
            JsonKind::Array(items) => {
                let mut ok = true;
                for item in items {
                    match scalar(item) {
                        Some(t) => texts.push((t, item.span())),
                        None => {
                            ok = false;
                            let message = format!(
                                "a condition value must be a string, number or boolean, found a {}",
                                item.type_name()
                            );
                            self.error(Code::InvalidType, item.span(), message);
                        }
                    }
                }
                if !ok {
                    return None;
                }
            }
            _ => match scalar(value) {
                Some(t) => texts.push((t, value.span())),
                None => {
                    let message = format!(
                        "a condition key must map to a value or an array of values, found a {}",
                        value.type_name()
                    );
                    self.error(Code::InvalidType, value.span(), message);
                    return None;
                }
            },
        }
        let kind = operator.kind;
        Some(match kind.family() {
            Family::String | Family::Arn => {
                let mut out = Vec::with_capacity(texts.len());
                for (text, span) in texts {
                    let matcher = self.text_matcher(kind, &text, span);
                    out.push(TextValue { text, matcher });
                }
                ConditionValues::Text(out)
            }
            // ID-19: a Numeric or IP value that does not read as its type rejects the document.
            // (Under the `nothing` reading of ID-19 such a value is dropped: it matches
            // nothing.)
            Family::Numeric => {
                let texts = self.fitting(texts, |t| value::parse_number(t).is_ok());
                ConditionValues::Number(self.typed(
                    texts,
                    Code::InvalidNumber,
                    value::parse_number,
                )?)
            }
            // ID-14: digits only are epoch seconds (or, under `year`, four of them a year).
            Family::Date => ConditionValues::Date(match self.readings.digits_date {
                DigitsDate::Epoch => self.typed(texts, Code::InvalidDate, value::parse_instant)?,
                DigitsDate::Year => self.typed(
                    texts,
                    Code::InvalidDate,
                    value::parse_instant_digits_as_year,
                )?,
            }),
            // ID-18: a policy variable in a `Bool` value is substituted, and the value read
            // as a boolean after substitution (under the `error` reading it is text that is
            // not a boolean: the document is rejected).
            Family::Bool
                if self.variables
                    && self.readings.bool_variable == BoolVariable::Substitute
                    && texts.iter().any(|(t, _)| t.contains("${")) =>
            {
                ConditionValues::BoolVariables(self.bool_variables(texts)?)
            }
            Family::Bool => {
                ConditionValues::Bool(self.typed(texts, Code::InvalidBool, value::parse_bool)?)
            }
            Family::Null => {
                ConditionValues::Null(self.typed(texts, Code::InvalidBool, value::parse_bool)?)
            }
            Family::Binary => ConditionValues::Binary(self.typed(
                texts,
                Code::InvalidBinary,
                value::decode_base64,
            )?),
            // ID-9 (a bare IPv6 address) and ID-19 (see Numeric above).
            Family::Ip => {
                let texts = self.fitting(texts, |t| value::parse_ip_range(t).is_ok());
                let bare_ipv6 = self.readings.bare_ipv6;
                ConditionValues::Ip(self.typed(texts, Code::InvalidIpRange, |text| {
                    read_ip_range(text, bare_ipv6)
                })?)
            }
        })
    }

    /// The values of a `Bool` key of which some hold live policy variables (ID-18): those
    /// become templates, the others must read as booleans now.
    fn bool_variables(&mut self, texts: Vec<(String, Span)>) -> Option<Vec<TextValue>> {
        let mut out = Vec::with_capacity(texts.len());
        let mut ok = true;
        for (text, span) in texts {
            if let Some(template) = self.template(&text, span) {
                out.push(TextValue {
                    text,
                    matcher: TextMatcher::Template(template),
                });
                continue;
            }
            match value::parse_bool(&text) {
                Ok(_) => out.push(TextValue {
                    matcher: TextMatcher::Exact(text.clone()),
                    text,
                }),
                Err(error) => {
                    ok = false;
                    self.report(Diagnostic::new(Code::InvalidBool, span, error.to_string()));
                }
            }
        }
        ok.then_some(out)
    }

    /// The values that `fits`, under the `nothing` reading of ID-19 (a value that does not
    /// read as its type matches nothing, so it is dropped); all of them under the reference's.
    fn fitting(
        &self,
        texts: Vec<(String, Span)>,
        fits: impl Fn(&str) -> bool,
    ) -> Vec<(String, Span)> {
        match self.readings.ill_typed_value {
            IllTypedValue::Error => texts,
            IllTypedValue::Nothing => texts.into_iter().filter(|(t, _)| fits(t)).collect(),
        }
    }

    fn typed<T>(
        &mut self,
        texts: Vec<(String, Span)>,
        code: Code,
        read: impl Fn(&str) -> Result<T, value::ValueError>,
    ) -> Option<Vec<Typed<T>>> {
        let mut out = Vec::with_capacity(texts.len());
        let mut ok = true;
        for (text, span) in texts {
            match read(&text) {
                Ok(value) => out.push(Typed { text, value }),
                Err(error) => {
                    ok = false;
                    let mut d = Diagnostic::new(code, span, error.to_string());
                    if text.contains("${") {
                        d = d.with_help(
                            "policy variables work only with String, ARN and Bool operators",
                        );
                    }
                    self.report(d);
                }
            }
        }
        ok.then_some(out)
    }

    fn text_matcher(&mut self, kind: OperatorKind, text: &str, span: Span) -> TextMatcher {
        let padded = match kind.family() {
            Family::Arn => self.padded_arn_value(text, span),
            _ => Cow::Borrowed(text),
        };
        if let Some(template) = self.template(&padded, span) {
            return TextMatcher::Template(template);
        }
        match kind.positive() {
            OperatorKind::StringEquals => TextMatcher::Exact(text.to_owned()),
            OperatorKind::StringEqualsIgnoreCase => TextMatcher::Folded(crate::text::fold(text)),
            OperatorKind::StringLike => TextMatcher::Like(Glob::new(text, GlobSyntax::Text)),
            _ => match arn::split(&padded, false) {
                // ID-6: every component, partition, service and region included, is compared
                // case-sensitively.
                Some(parts) => {
                    TextMatcher::Arn(Box::new(parts.map(|p| Glob::new(p, GlobSyntax::Text))))
                }
                None => {
                    self.report(Diagnostic::new(
                        Code::ShortArnPattern,
                        span,
                        format!("ARN pattern `{text}` has fewer than six components, so it matches no ARN"),
                    ).with_help("write all six components, `arn:partition:service:region:account:resource`, using `*` where any value will do"));
                    TextMatcher::NoMatch
                }
            },
        }
    }

    /// An `Arn*` condition value, padded with `*` components when it is a short pattern
    /// (ID-15), which a warning flags. A colon inside a live policy variable does not split.
    fn padded_arn_value<'t>(&mut self, text: &'t str, span: Span) -> Cow<'t, str> {
        let live = self.variables && crate::text::has_variable_start(text);
        let shape = arn::pattern_shape(text, live);
        if let (PatternShape::Short { segments }, ShortArn::Error) =
            (shape, self.readings.short_arn)
        {
            self.error(
                Code::InvalidType,
                span,
                format!("ARN pattern `{text}` has {segments} of an ARN's six components (ID-15)"),
            )
            .help = Some("write all six components, `arn:partition:service:region:account:resource`, using `*` where any value will do".into());
            return Cow::Borrowed(text);
        }
        let padded = arn::padded_shape(text, shape);
        if let PatternShape::Short { segments } = shape {
            self.report(Diagnostic::new(
                Code::ShortArn,
                span,
                format!("ARN pattern `{text}` has {segments} of an ARN's six components: it is read as `{padded}` (ID-15)"),
            ).with_help("write all six components, `arn:partition:service:region:account:resource`, using `*` where any value will do"));
        }
        padded
    }
}

/// The `invalid-resource` error for a resource that is not `*` or an accepted ARN pattern.
fn invalid_resource(text: &str, shape: PatternShape, span: Span) -> Diagnostic {
    const SEGMENTS: [&str; 6] = [
        "`arn`",
        "partition",
        "service",
        "region",
        "account",
        "resource",
    ];
    let six = "write all six segments, `arn:partition:service:region:account:resource`, using `*` where any value will do";
    let (message, help) = match shape {
        PatternShape::TooFewSegments => (
            format!("resource `{text}` has too few segments to be an ARN: it needs at least a partition and a service"),
            six,
        ),
        PatternShape::EmptySegment { index } => (
            format!(
                "resource `{text}` has fewer than six segments and an empty {} segment",
                SEGMENTS.get(index).copied().unwrap_or("")
            ),
            six,
        ),
        _ => (
            format!("resource `{text}` is not `*` or an ARN"),
            "a resource is `*` or an ARN such as `arn:aws:iot:us-east-1:123456789012:job/*`",
        ),
    };
    Diagnostic::new(Code::InvalidResource, span, message).with_help(help)
}

/// `ForAllValues:Null` or `ForAnyValue:Null` read as the plain `Null` with its qualifier kept
/// (the `plain` reading of ID-13; evaluation looks at `Null` before any qualifier).
fn null_under_qualifier(name: &str) -> Option<Operator> {
    let (qualifier, rest) = name.split_once(':')?;
    let plain = Operator::parse(rest).ok()?;
    let qualified = Operator::parse(&format!("{qualifier}:StringEquals")).ok()?;
    (plain.kind == OperatorKind::Null).then_some(Operator {
        qualifier: qualified.qualifier,
        ..plain
    })
}

/// A policy's IP range; under the `error` reading of ID-9 a bare IPv6 address is an error.
fn read_ip_range(
    text: &str,
    bare_ipv6: BareIpv6,
) -> Result<ipnetwork::IpNetwork, value::ValueError> {
    if bare_ipv6 == BareIpv6::Error && !text.contains('/') && text.contains(':') {
        return Err(value::ValueError {
            expected: value::ValueKind::IpRange,
            text: text.to_owned(),
            kind: value::ValueErrorKind::BareIpv6,
            offset: None,
        });
    }
    value::parse_ip_range(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_borrows_or_folds() {
        let long = "A".repeat(LOWER_MAX + 1);
        for text in [
            "describejob",
            "DescribeJob",
            "Ünïcode",
            "ΟΔΟΣ",
            "",
            "*Job?",
            long.as_str(),
        ] {
            let mut buf = [0; LOWER_MAX];
            let lower = lowercase(text, &mut buf);
            assert_eq!(lower, crate::text::fold(text), "{text}");
            let allocated = matches!(lower, Cow::Owned(_));
            assert_eq!(
                allocated,
                !text.is_ascii() || text.len() > LOWER_MAX,
                "{text}"
            );
        }
    }
}
