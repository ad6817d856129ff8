//! Whole API calls: an AWS IoT Jobs API call is authorised by several checks, one request per
//! resource the call names (docs/semantics.md §10; which ARNs are checked is ID-22, the
//! reference's reading being one check per ARN the call names). A call is allowed only when
//! every check is.
//!
//! ```
//! use iam_eval::call::{Call, ParamValue};
//! use iam_eval::{Context, Decision, PolicySet};
//! use iam_policy::Policy;
//!
//! // The seed's first example grants CreateJob only on the thing group.
//! let policy = Policy::parse(r#"{"Version": "2012-10-17", "Statement": [{
//!     "Effect": "Allow", "Action": "iot:CreateJob",
//!     "Resource": "arn:aws:iot:us-east-1:123456789012:thinggroup/fleet"}]}"#).unwrap();
//! let set = PolicySet::new(vec![policy]);
//! let call = Call {
//!     operation: "CreateJob".into(),
//!     region: "us-east-1".into(),
//!     account: "123456789012".into(),
//!     params: vec![
//!         ("jobId".into(), ParamValue::Text("fw-42".into())),
//!         ("targets".into(), ParamValue::List(vec![
//!             "arn:aws:iot:us-east-1:123456789012:thinggroup/fleet".into()])),
//!     ],
//!     context: Context::new(),
//! };
//! let expanded = call.expand().unwrap();
//! let response = set.evaluate_call(&expanded);
//! // The target check is allowed, but the job's is not: the call is denied.
//! assert_eq!(response.checks[1].decision, Some(Decision::Allow));
//! assert_eq!(response.checks[0].decision, Some(Decision::ImplicitDeny));
//! assert_eq!(response.decision, Some(Decision::ImplicitDeny));
//! ```

mod combine;
mod error;

pub use combine::{combine, CallResponse};
pub use error::{CallError, Rendered};

use iam_policy::catalog::operations::{Lookup, NameSyntax, Operation, Param, ParamKind};
use iam_policy::catalog::{self, operations};

use crate::request::{Context, ContextValue, Request};
use error::either;
pub use iam_policy::readings::CallChecks;

/// The value of one parameter, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// One text. A list parameter reads it as comma-separated values.
    Text(String),
    /// Several texts.
    List(Vec<String>),
    /// Tags, key -> value, in the order given.
    Tags(Vec<(String, String)>),
}

/// An API call as a caller makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The operation (`CreateJob`; `iot:` or `iotjobsdata:` before a name both planes have).
    pub operation: String,
    /// The Region the call is made in (`us-east-1`).
    pub region: String,
    /// The account the resources are in.
    pub account: String,
    /// The operation's parameters by their API names (`jobId`, `targets`, `tags`, ...).
    pub params: Vec<(String, ParamValue)>,
    /// The request context every check carries (`aws:SourceIp`, ...); the call adds its own
    /// keys (`aws:RequestTag/...`, `aws:TagKeys`, `iot:JobId`) from its parameters.
    pub context: Context,
}

/// Why a check is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckReason {
    /// The parameter names the resource.
    Parameter(&'static str),
    /// The operation names no resource: its action is checked on `*`.
    NoResource,
    /// Tags given at creation: `iot:TagResource` on the created resource.
    TagOnCreate,
}

/// One authorisation check of a call: a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Why it is made.
    pub reason: CheckReason,
    /// The request: action, resource, context.
    pub request: Request,
}

/// A call expanded into its checks, in a fixed order: the resources in parameter order (for
/// `CreateJob`: the job, each target, the template, each package version), then the tagging
/// check. A resource named twice is checked once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedCall {
    /// The operation.
    pub operation: &'static Operation,
    /// The checks; never empty.
    pub checks: Vec<Check>,
}

const REQUEST_TAG: &str = "aws:RequestTag/${TagKey}";
const TAG_KEYS: &str = "aws:TagKeys";
const JOB_ID_KEY: &str = "iot:JobId";

/// The partition of a Region code.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

fn resolve(name: &str) -> Result<&'static Operation, CallError> {
    match operations::resolve(name) {
        Lookup::Found(operation) => Ok(operation),
        Lookup::Ambiguous => Err(CallError::AmbiguousOperation { name: name.into() }),
        Lookup::Unknown => {
            let bare = name.rsplit(':').next().unwrap_or(name);
            let suggestion = operations::operations()
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(bare) || o.action.eq_ignore_ascii_case(name))
                .map(|o| o.name);
            Err(CallError::UnknownOperation {
                name: name.into(),
                suggestion,
            })
        }
    }
}

/// What a parameter expects, in words.
fn expected(param: &Param) -> String {
    match &param.kind {
        ParamKind::Name {
            resource_type,
            syntax,
        } => format!("the {resource_type}'s name ({})", syntax.describe()),
        ParamKind::ManagedTemplateName => {
            format!(
                "the managed template's name ({})",
                NameSyntax::Id.describe()
            )
        }
        ParamKind::Arn(types) => format!("one ARN of a {} resource", either(types)),
        ParamKind::ArnList(types) => {
            format!("comma-separated ARNs of {} resources", either(types))
        }
        ParamKind::JobIdKey => format!("the job id ({})", NameSyntax::Id.describe()),
        ParamKind::Tags => "tags, each `KEY=VALUE` (`--tag`)".into(),
        ParamKind::TagKeys => "comma-separated tag keys".into(),
        ParamKind::Text => "a non-empty value".into(),
    }
}

/// A parameter's values checked and read.
struct Reader<'c> {
    call: &'c Call,
    operation: &'static Operation,
}

impl Reader<'_> {
    fn invalid(&self, param: &'static Param, value: &str, reason: impl Into<String>) -> CallError {
        CallError::InvalidParameter {
            parameter: param.name,
            value: value.to_owned(),
            reason: reason.into(),
            expected: expected(param),
        }
    }

    fn given(&self, param: &Param) -> Option<&ParamValue> {
        self.call
            .params
            .iter()
            .find(|(name, _)| name == param.name)
            .map(|(_, v)| v)
    }

    fn text<'v>(&self, param: &'static Param, value: &'v ParamValue) -> Result<&'v str, CallError> {
        match value {
            ParamValue::Text(t) if !t.is_empty() => Ok(t),
            ParamValue::Text(t) => Err(self.invalid(param, t, "is empty")),
            ParamValue::List(items) => {
                Err(self.invalid(param, &items.join(","), "is a list, not one value"))
            }
            ParamValue::Tags(_) => Err(self.invalid(param, "", "is a set of tags, not one value")),
        }
    }

    fn list(&self, param: &'static Param, value: &ParamValue) -> Result<Vec<String>, CallError> {
        let items: Vec<String> = match value {
            ParamValue::Text(t) => t.split(',').map(str::to_owned).collect(),
            ParamValue::List(items) => items.clone(),
            ParamValue::Tags(_) => {
                return Err(self.invalid(param, "", "is a set of tags, not a list"))
            }
        };
        if items.is_empty() {
            return Err(self.invalid(param, "", "is an empty list"));
        }
        match items.iter().find(|i| i.is_empty()) {
            Some(_) => Err(self.invalid(param, &items.join(","), "has an empty element")),
            None => Ok(items),
        }
    }

    fn name(&self, param: &'static Param, syntax: NameSyntax) -> Result<Option<String>, CallError> {
        let Some(value) = self.given(param) else {
            return Ok(None);
        };
        let text = self.text(param, value)?;
        if !syntax.accepts(text) {
            return Err(self.invalid(param, text, format!("is not {}", syntax.describe())));
        }
        Ok(Some(text.to_owned()))
    }

    /// Check that `arn` is a concrete ARN of one of `types`.
    fn arn(&self, param: &'static Param, arn: &str, types: &[&str]) -> Result<(), CallError> {
        if !matches!(iam_policy::arn::split(arn, false), Some(["arn", ..])) {
            return Err(self.invalid(param, arn, "is not an ARN"));
        }
        if arn.contains(['*', '?']) {
            return Err(self.invalid(
                param,
                arn,
                "holds a wildcard: a call names concrete resources",
            ));
        }
        let found = catalog::resource_types_of(arn);
        if found.iter().any(|t| types.contains(&t.name)) {
            return Ok(());
        }
        let reason = match found.first() {
            Some(t) => format!("is a `{}` ARN", t.name),
            None => "is not the ARN of an IoT Jobs resource".to_owned(),
        };
        Err(self.invalid(param, arn, reason))
    }

    fn tags(&self, param: &'static Param) -> Result<Vec<(String, String)>, CallError> {
        match self.given(param) {
            None => Ok(Vec::new()),
            Some(ParamValue::Tags(tags)) => match tags.iter().find(|(k, _)| k.is_empty()) {
                Some((_, v)) => Err(self.invalid(param, v, "has a tag with an empty key")),
                None => Ok(tags.clone()),
            },
            Some(ParamValue::Text(t)) => Err(self.invalid(param, t, "is not a set of tags")),
            Some(ParamValue::List(items)) => {
                Err(self.invalid(param, &items.join(","), "is not a set of tags"))
            }
        }
    }
}

impl Call {
    /// The checks AWS makes for this call (ID-22: one per ARN the call names), or why the call
    /// is not one AWS would take.
    pub fn expand(&self) -> Result<ExpandedCall, CallError> {
        self.expand_under(CallChecks::Every)
    }

    /// [`Call::expand`] under a reading of ID-22: every ARN the call names (the reference's),
    /// only those of its required parameters, or the first only. The `iot:TagResource` check
    /// of a create with tags is made under every reading.
    pub fn expand_under(&self, reading: CallChecks) -> Result<ExpandedCall, CallError> {
        let operation = resolve(&self.operation)?;
        let region_ok = self.region.starts_with(|c: char| c.is_ascii_lowercase())
            && self
                .region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !region_ok {
            return Err(CallError::InvalidRegion {
                region: self.region.clone(),
            });
        }
        if self.account.len() != 12 || !self.account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CallError::InvalidAccount {
                account: self.account.clone(),
            });
        }
        for (i, (name, _)) in self.params.iter().enumerate() {
            if operation.param(name).is_none() {
                return Err(CallError::UnknownParameter {
                    operation: operation.name,
                    parameter: name.clone(),
                    accepted: operation.params.iter().map(|p| p.name).collect(),
                });
            }
            if self.params.iter().take(i).any(|(n, _)| n == name) {
                return Err(CallError::DuplicateParameter {
                    parameter: name.clone(),
                });
            }
        }
        if let Some(missing) = operation
            .params
            .iter()
            .find(|p| p.required && !self.params.iter().any(|(n, _)| n == p.name))
        {
            return Err(CallError::MissingParameter {
                operation: operation.name,
                parameter: missing.name,
                expected: expected(missing),
            });
        }
        let reader = Reader {
            call: self,
            operation,
        };
        let (mut resources, keys) = reader.read()?;
        let created = resources.first().map(|(_, arn)| arn.clone());
        match reading {
            CallChecks::Every => {}
            CallChecks::Required => resources.retain(|(reason, _)| match reason {
                CheckReason::Parameter(name) => operation.param(name).is_some_and(|p| p.required),
                CheckReason::NoResource | CheckReason::TagOnCreate => true,
            }),
            CallChecks::First => resources.truncate(1),
        }
        self.checks(operation, resources, created.as_deref(), &keys)
    }

    fn checks(
        &self,
        operation: &'static Operation,
        resources: Vec<(CheckReason, String)>,
        created: Option<&str>,
        keys: &CallKeys,
    ) -> Result<ExpandedCall, CallError> {
        for (key, _) in self.context.iter() {
            if let Some(parameter) = keys.sets(key) {
                return Err(CallError::ContextKeyFromCall {
                    key: key.to_owned(),
                    parameter,
                });
            }
        }
        let mut checks = Vec::with_capacity(resources.len() + 1);
        let mut add = |reason: CheckReason, action: &str, resource: &str| {
            let request = Request::new(action, resource, keys.context(&self.context, action)?)?;
            checks.push(Check { reason, request });
            Ok::<(), CallError>(())
        };
        if resources.is_empty() {
            add(CheckReason::NoResource, operation.action, "*")?;
        }
        for (i, (reason, arn)) in resources.iter().enumerate() {
            if !resources.iter().take(i).any(|(_, seen)| seen == arn) {
                add(*reason, operation.action, arn)?;
            }
        }
        if operation.tag_on_create && !keys.tags.is_empty() {
            if let Some(created) = created {
                add(CheckReason::TagOnCreate, "iot:TagResource", created)?;
            }
        }
        Ok(ExpandedCall { operation, checks })
    }
}

/// The context keys a call sets from its parameters.
#[derive(Debug, Default)]
struct CallKeys {
    tags: Vec<(String, String)>,
    tag_keys: Option<(&'static str, Vec<String>)>,
    job_id: Option<String>,
}

impl CallKeys {
    /// The parameter that sets `key`, if the call sets it.
    fn sets(&self, key: &str) -> Option<&'static str> {
        let lower = key.to_ascii_lowercase();
        if let Some((param, _)) = &self.tag_keys {
            if lower == "aws:tagkeys" || lower.starts_with("aws:requesttag/") {
                return Some(param);
            }
        }
        (self.job_id.is_some() && lower == "iot:jobid").then_some("jobId")
    }

    /// The context of a check of `action`: the call's context plus the call's own keys that
    /// the action declares (catalog condition keys).
    fn context(&self, base: &Context, action: &str) -> Result<Context, CallError> {
        let declared = action
            .split_once(':')
            .and_then(|(v, n)| catalog::lookup_action(v, n))
            .map_or(&[][..], |a| a.condition_keys);
        let mut context = base.clone();
        if declared.contains(&REQUEST_TAG) {
            for (key, value) in &self.tags {
                context.insert(
                    &format!("aws:RequestTag/{key}"),
                    ContextValue::Single(value.clone()),
                )?;
            }
        }
        if let (true, Some((_, keys))) = (declared.contains(&TAG_KEYS), &self.tag_keys) {
            context.insert("aws:TagKeys", ContextValue::Multi(keys.clone()))?;
        }
        if let (true, Some(job)) = (declared.contains(&JOB_ID_KEY), &self.job_id) {
            context.insert(JOB_ID_KEY, ContextValue::Single(job.clone()))?;
        }
        Ok(context)
    }
}

impl Reader<'_> {
    /// The ARNs the call names, in parameter order, and its context keys.
    fn read(&self) -> Result<(Vec<(CheckReason, String)>, CallKeys), CallError> {
        let call = self.call;
        let (part, region, account) = (partition(&call.region), &call.region, &call.account);
        let mut resources = Vec::new();
        let mut keys = CallKeys::default();
        for param in self.operation.params {
            let reason = CheckReason::Parameter(param.name);
            match &param.kind {
                ParamKind::Name {
                    resource_type,
                    syntax,
                } => {
                    if let Some(name) = self.name(param, *syntax)? {
                        let arn =
                            format!("arn:{part}:iot:{region}:{account}:{resource_type}/{name}");
                        resources.push((reason, arn));
                    }
                }
                ParamKind::ManagedTemplateName => {
                    if let Some(name) = self.name(param, NameSyntax::Id)? {
                        let version = self
                            .operation
                            .param("templateVersion")
                            .and_then(|v| self.given(v).map(|value| (v, value)));
                        let mut arn = format!("arn:{part}:iot:{region}::jobtemplate/{name}");
                        if let Some((v, value)) = version {
                            let text = self.text(v, value)?;
                            if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
                                return Err(self.invalid(
                                    v,
                                    text,
                                    "is not a version such as `1.0`",
                                ));
                            }
                            arn.push(':');
                            arn.push_str(text);
                        }
                        resources.push((reason, arn));
                    }
                }
                ParamKind::Arn(types) => {
                    if let Some(value) = self.given(param) {
                        let arn = self.text(param, value)?;
                        self.arn(param, arn, types)?;
                        resources.push((reason, arn.to_owned()));
                    }
                }
                ParamKind::ArnList(types) => {
                    if let Some(value) = self.given(param) {
                        for arn in self.list(param, value)? {
                            self.arn(param, &arn, types)?;
                            resources.push((reason, arn));
                        }
                    }
                }
                ParamKind::JobIdKey => keys.job_id = self.name(param, NameSyntax::Id)?,
                ParamKind::Tags => {
                    keys.tags = self.tags(param)?;
                    if self.given(param).is_some() {
                        let list = keys.tags.iter().map(|(k, _)| k.clone()).collect();
                        keys.tag_keys = Some((param.name, list));
                    }
                }
                ParamKind::TagKeys => {
                    if let Some(value) = self.given(param) {
                        keys.tag_keys = Some((param.name, self.list(param, value)?));
                    }
                }
                ParamKind::Text => {
                    if let Some(value) = self.given(param) {
                        self.text(param, value)?;
                    }
                }
            }
        }
        Ok((resources, keys))
    }
}
