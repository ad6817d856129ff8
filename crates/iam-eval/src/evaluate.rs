//! The policy set, compiled once, and the evaluation of requests against it (§3-§5).
//!
//! Statements are indexed by action at compile time: exact `vendor:name` patterns in a hash
//! map, statements with a wildcard name per vendor, and `*`/`NotAction` statements in a list
//! that every request checks. A request therefore costs what its candidate statements cost,
//! not what the whole set does. Evaluation allocates nothing once the response's buffers are
//! warm (errors aside).

use std::collections::HashMap;
use std::sync::Arc;

use iam_policy::model::{ActionClause, ActionMatcher, Effect, Policy, ResourceMatcher, Statement};
use iam_policy::readings::{OutsideCatalog, Point, Readings};
use iam_policy::text::cmp_folded;
use iam_policy::variable::TemplatePart;
use iam_policy::Span;
use rustc_hash::FxBuildHasher;

use crate::condition::{self, ConditionError, Env};
use crate::request::Request;
use crate::resource::resource_matches;
use crate::response::{Decision, EvaluationError, Response, StatementRef};

/// The index's maps: their keys are short and come from the policies, so speed matters more
/// than flooding resistance (rustc's Fx hash).
type FxMap<V> = HashMap<Box<str>, V, FxBuildHasher>;

/// One statement with what evaluation needs beside it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub policy: usize,
    pub index: usize,
    pub statement: Statement,
    /// Whether policy variables are live (Version 2012-10-17).
    pub variables: bool,
    pub sid: Option<Arc<str>>,
}

/// Which statements a request's action can select.
#[derive(Debug, Clone, Default)]
struct ActionIndex {
    /// Lowercased `vendor:name` of exact patterns → statements whose patterns are all exact.
    exact: FxMap<Vec<u32>>,
    /// Lowercased vendor → statements with a wildcard in some pattern's name.
    by_vendor: FxMap<Vec<u32>>,
    /// Statements with `*` or `NotAction`: checked for every request.
    always: Vec<u32>,
}

/// Policies compiled for evaluation.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub(crate) entries: Vec<Entry>,
    policy_count: usize,
    index: ActionIndex,
    /// Lowercased context key → the key as first written (for `missing_keys`).
    keys: FxMap<Arc<str>>,
    /// The readings of the implementation-defined points (the reference's by default).
    readings: Readings,
    /// Whether `readings` are the reference's throughout: evaluation then takes the
    /// reference's path, where the readings are constants (chosen once, in `run`).
    reference_readings: bool,
    /// More statements than the index can name: every evaluation is an internal error.
    too_many_statements: bool,
}

const MISSING_STATEMENT: &str = "the action index names a statement that is not in the set";
const UNINTERNED_KEY: &str = "a context key the policies use was not interned";
const TOO_MANY_STATEMENTS: &str = "the policy set has more statements than it can index (u32::MAX)";

/// What evaluation reports besides the decision.
pub(crate) trait Sink {
    /// A statement applied.
    fn applied(&mut self, entry: &Entry);
    /// A needed key was absent (lowercased).
    fn missing(&mut self, key_lower: &str);
    /// A condition (or the resource element) failed to evaluate; `at` is where it is in its
    /// policy's text.
    fn error(&mut self, entry: &Entry, key: &str, at: Option<Span>, error: ConditionError);
    /// An internal invariant does not hold (see [`EvaluationError::internal`]).
    fn internal(&mut self, what: &'static str);
    /// The whole request is refused under the `error` reading of `point` (ID-16).
    fn refused(&mut self, point: Point, message: String);
}

fn push_unique(list: &mut Vec<u32>, id: u32) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

impl ActionIndex {
    fn add(&mut self, id: u32, actions: &ActionClause) {
        let mut exact_only = !actions.negated;
        for p in &actions.patterns {
            match &p.matcher {
                ActionMatcher::Any | ActionMatcher::Glob(_) => exact_only = false,
                ActionMatcher::Vendor { name, .. } => exact_only &= name.as_literal().is_some(),
            }
        }
        let always = actions.negated
            || actions
                .patterns
                .iter()
                .any(|p| matches!(p.matcher, ActionMatcher::Any | ActionMatcher::Glob(_)));
        if always {
            self.always.push(id);
            return;
        }
        for p in &actions.patterns {
            let ActionMatcher::Vendor { vendor, name } = &p.matcher else {
                continue;
            };
            if let (true, Some(literal)) = (exact_only, name.as_literal()) {
                let key = format!("{vendor}:{literal}").into_boxed_str();
                push_unique(self.exact.entry(key).or_default(), id);
            } else {
                push_unique(
                    self.by_vendor.entry(vendor.as_str().into()).or_default(),
                    id,
                );
            }
        }
    }

    /// The candidates for a request, and whether their action is already known to match.
    fn candidates<'a>(&'a self, request: &Request) -> [(&'a [u32], bool); 3] {
        let lookup = |map: &'a FxMap<Vec<u32>>, key: &str| -> &'a [u32] {
            if map.is_empty() {
                return &[];
            }
            map.get(key).map_or(&[][..], Vec::as_slice)
        };
        let exact = lookup(&self.exact, request.action_lower());
        let vendor = lookup(&self.by_vendor, request.vendor());
        [(exact, true), (vendor, false), (&self.always, false)]
    }
}

/// Whether the action element matches (§4).
#[inline]
pub(crate) fn action_matches(actions: &ActionClause, request: &Request) -> bool {
    // `Vendor` is tested first: deciding it is one comparison of the enum's niche, where a
    // three-way match decodes the discriminant for every pattern.
    let any = actions.patterns.iter().any(|p| {
        if let ActionMatcher::Vendor { vendor, name } = &p.matcher {
            return vendor == request.vendor() && name.is_match(request.action_name());
        }
        match &p.matcher {
            ActionMatcher::Any => true,
            ActionMatcher::Glob(glob) => whole_action_glob(glob, request),
            // Decided above.
            ActionMatcher::Vendor { .. } => false,
        }
    });
    any != actions.negated
}

/// A whole-action glob (the `glob` reading of ID-3, never under the reference's): out of the
/// reference's path.
#[cold]
#[inline(never)]
fn whole_action_glob(glob: &iam_policy::pattern::Glob, request: &Request) -> bool {
    glob.is_match(request.action_lower())
}

impl PolicySet {
    /// Compile `policies` (already parsed and valid) for evaluation.
    pub fn new(policies: Vec<Policy>) -> PolicySet {
        Self::with_readings(policies, Readings::default())
    }

    /// Compile `policies` (parsed under the same `readings`) for evaluation under `readings`.
    pub fn with_readings(policies: Vec<Policy>, readings: Readings) -> PolicySet {
        let mut set = PolicySet {
            policy_count: policies.len(),
            readings,
            reference_readings: readings.is_reference(),
            ..PolicySet::default()
        };
        for (policy_index, policy) in policies.into_iter().enumerate() {
            let variables = policy.variables_enabled();
            for (index, statement) in policy.statements.into_iter().enumerate() {
                let Ok(id) = u32::try_from(set.entries.len()) else {
                    // Statements past u32::MAX cannot be indexed: the set refuses to decide
                    // rather than decide without them.
                    set.too_many_statements = true;
                    break;
                };
                set.index.add(id, &statement.actions);
                set.intern_keys(&statement);
                set.entries.push(Entry {
                    policy: policy_index,
                    index,
                    variables,
                    sid: statement.sid.as_deref().map(Arc::from),
                    statement,
                });
            }
        }
        set
    }

    fn intern_keys(&mut self, statement: &Statement) {
        let mut intern = |lower: &str, written: &str| {
            if !self.keys.contains_key(lower) {
                self.keys.insert(lower.into(), Arc::from(written));
            }
        };
        let mut templates = Vec::new();
        for c in &statement.conditions {
            intern(&c.key_lower, &c.key);
            if let iam_policy::ConditionValues::Text(values)
            | iam_policy::ConditionValues::BoolVariables(values) = &c.values
            {
                for v in values {
                    if let iam_policy::TextMatcher::Template(t) = &v.matcher {
                        templates.push(t);
                    }
                }
            }
        }
        for p in &statement.resources.patterns {
            if let ResourceMatcher::Template(t) = &p.matcher {
                templates.push(&t.tail);
            }
        }
        for t in templates {
            for part in &t.parts {
                if let TemplatePart::Variable(v) = part {
                    intern(&v.key_lower, &v.key);
                }
            }
        }
    }

    /// The readings the set evaluates under.
    pub fn readings(&self) -> &Readings {
        &self.readings
    }

    /// How many policies the set was built from.
    pub fn policy_count(&self) -> usize {
        self.policy_count
    }

    /// How many statements the set holds.
    pub fn statement_count(&self) -> usize {
        self.entries.len()
    }

    /// Evaluate `request`.
    pub fn evaluate(&self, request: &Request) -> Response {
        let mut response = Response::new();
        self.evaluate_into(request, &mut response);
        response
    }

    /// Evaluate `request` into `response`, reusing its buffers: nothing is allocated once they
    /// are warm, unless the evaluation fails (error messages are allocated).
    pub fn evaluate_into(&self, request: &Request, response: &mut Response) {
        response.clear();
        let mut sink = Collect {
            set: self,
            response,
            deny: false,
            allow: false,
        };
        self.run(request, &mut sink);
        let (deny, allow) = (sink.deny, sink.allow);
        finish(response, deny, allow);
    }

    /// The decision alone, allocating nothing (errors aside); `None` when evaluation fails.
    pub fn decide(&self, request: &Request) -> Option<Decision> {
        let mut sink = Flags::default();
        self.run(request, &mut sink);
        if sink.error {
            None
        } else if sink.deny {
            Some(Decision::ExplicitDeny)
        } else if sink.allow {
            Some(Decision::Allow)
        } else {
            Some(Decision::ImplicitDeny)
        }
    }

    /// Run every candidate statement, reporting to `sink`. The reference's readings and the
    /// others are told apart once here, not per statement or condition: under the reference's
    /// the readings are constants and their tests compile away.
    fn run(&self, request: &Request, sink: &mut impl Sink) {
        if self.too_many_statements {
            sink.internal(TOO_MANY_STATEMENTS);
            return;
        }
        if self.reference_readings {
            self.run_under::<true>(request, sink);
        } else {
            self.run_under::<false>(request, sink);
        }
    }

    /// [`PolicySet::run`] under the reference's readings (`REFERENCE`) or the set's.
    #[inline(always)]
    fn run_under<const REFERENCE: bool>(&self, request: &Request, sink: &mut impl Sink) {
        if !REFERENCE && self.readings.outside_catalog == OutsideCatalog::Error {
            if let Some(why) = request.outside_catalog() {
                sink.refused(
                    Point::Id16,
                    format!("a request AWS could not send (ID-16): {why}"),
                );
                return;
            }
        }
        for (ids, action_known) in self.index.candidates(request) {
            for id in ids {
                let Some(entry) = usize::try_from(*id).ok().and_then(|i| self.entries.get(i))
                else {
                    // The index holds only ids of entries: fail closed, never skip a
                    // statement (a skipped Deny would turn into a wrong Allow).
                    debug_assert!(
                        false,
                        "the action index names statement {id}, which is not in the set"
                    );
                    sink.internal(MISSING_STATEMENT);
                    continue;
                };
                evaluate_entry::<REFERENCE>(entry, request, action_known, &self.readings, sink);
            }
        }
    }

    /// The interned spelling of a lowercased key.
    fn key(&self, key_lower: &str) -> Option<&Arc<str>> {
        self.keys.get(key_lower)
    }
}

/// One statement: action, resource, then every condition (no short-circuit, §3).
#[inline(always)]
fn evaluate_entry<const REFERENCE: bool>(
    entry: &Entry,
    request: &Request,
    action_known: bool,
    readings: &Readings,
    sink: &mut impl Sink,
) {
    let statement = &entry.statement;
    if !action_known && !action_matches(&statement.actions, request) {
        return;
    }
    let readings = if REFERENCE {
        &Readings::REFERENCE
    } else {
        readings
    };
    match resource_matches::<REFERENCE>(
        &statement.resources,
        entry.variables,
        request,
        readings,
        &mut |k| sink.missing(k),
    ) {
        Some(true) => {}
        Some(false) => return,
        None => return unresolved_not_resource(entry, sink),
    }
    let env = Env::<REFERENCE> {
        context: request.context(),
        variables: entry.variables,
        readings,
    };
    let mut holds = true;
    let mut failed = false;
    for c in &statement.conditions {
        match condition::evaluate(c, &env, &mut |k| sink.missing(k)) {
            Ok(h) => holds &= h,
            Err(error) => {
                failed = true;
                sink.error(entry, &c.key, c.origin.span, error);
            }
        }
    }
    if holds && !failed {
        sink.applied(entry);
    }
}

/// Report [`UNRESOLVED_NOT_RESOURCE`] (out of the hot path).
#[cold]
#[inline(never)]
fn unresolved_not_resource(entry: &Entry, sink: &mut impl Sink) {
    sink.error(
        entry,
        "NotResource",
        entry.statement.resources.origin.span,
        ConditionError::Reading(Point::Id12, UNRESOLVED_NOT_RESOURCE),
    );
}

/// The error of a `NotResource` entry whose variable has no value (the `error` reading of
/// ID-12).
pub(crate) const UNRESOLVED_NOT_RESOURCE: &str =
    "a `NotResource` entry holds a policy variable the request has no value for (ID-12)";

/// Decide from what was collected: errors win, then Deny, then Allow (fail closed).
fn finish(response: &mut Response, deny: bool, allow: bool) {
    if !response.errors.is_empty() {
        response.decision = None;
        response.matched.clear();
        return;
    }
    // `Collect` keeps only the Deny statements once one applied.
    response.decision = Some(if deny {
        Decision::ExplicitDeny
    } else if allow {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    });
    response
        .matched
        .sort_unstable_by_key(|m| (m.policy, m.statement));
    response
        .missing_keys
        .sort_unstable_by(|a, b| cmp_folded(a, b));
}

/// Collects into a [`Response`].
struct Collect<'a> {
    set: &'a PolicySet,
    response: &'a mut Response,
    deny: bool,
    allow: bool,
}

impl Sink for Collect<'_> {
    fn applied(&mut self, entry: &Entry) {
        let deny = entry.statement.effect == Effect::Deny;
        if deny && !self.deny {
            // The first Deny: the Allows collected so far no longer decide.
            self.response.matched.clear();
        }
        if deny || !self.deny {
            self.response.matched.push(StatementRef {
                policy: entry.policy,
                statement: entry.index,
                sid: entry.sid.clone(),
            });
        }
        self.deny |= deny;
        self.allow |= !deny;
    }

    fn missing(&mut self, key_lower: &str) {
        let Some(key) = self.set.key(key_lower) else {
            // Every key a condition or a variable can ask for was interned when the set was
            // built; report an unknown one as a broken invariant rather than drop it.
            debug_assert!(false, "context key `{key_lower}` was not interned");
            self.internal(UNINTERNED_KEY);
            return;
        };
        if !self
            .response
            .missing_keys
            .iter()
            .any(|k| Arc::ptr_eq(k, key))
        {
            self.response.missing_keys.push(Arc::clone(key));
        }
    }

    fn error(&mut self, entry: &Entry, key: &str, at: Option<Span>, error: ConditionError) {
        let error = match error {
            ConditionError::Unreadable(error) => {
                EvaluationError::unreadable_value(entry.policy, entry.index, key, error)
            }
            ConditionError::Reading(point, message) => {
                EvaluationError::reading(entry.policy, entry.index, key, point, message)
            }
        };
        self.response.errors.push(error.at(at));
    }

    fn internal(&mut self, what: &'static str) {
        self.response.errors.push(EvaluationError::internal(what));
    }

    fn refused(&mut self, point: Point, message: String) {
        self.response
            .errors
            .push(EvaluationError::refused_request(point, message));
    }
}

/// Only the flags, for [`PolicySet::decide`].
#[derive(Default)]
struct Flags {
    deny: bool,
    allow: bool,
    error: bool,
}

impl Sink for Flags {
    fn applied(&mut self, entry: &Entry) {
        match entry.statement.effect {
            Effect::Deny => self.deny = true,
            Effect::Allow => self.allow = true,
        }
    }

    fn missing(&mut self, _key_lower: &str) {}

    fn error(&mut self, _entry: &Entry, _key: &str, _at: Option<Span>, _error: ConditionError) {
        self.error = true;
    }

    fn internal(&mut self, _what: &'static str) {
        self.error = true;
    }

    fn refused(&mut self, _point: Point, _message: String) {
        self.error = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Context, ContextValue};

    /// The same policies and request through both paths of [`PolicySet::run`]: the reference's
    /// (readings as constants) and the readings-aware one holding the reference's readings.
    fn both_paths(policy: &str, request: &Request) -> (Response, Response) {
        let parsed = Policy::parse(policy).unwrap();
        let reference = PolicySet::new(vec![parsed]);
        assert!(reference.reference_readings);
        let mut general = reference.clone();
        general.reference_readings = false;
        (reference.evaluate(request), general.evaluate(request))
    }

    #[test]
    fn the_readings_aware_path_under_the_reference_readings_answers_as_the_reference_path() {
        let statement = |body: &str| {
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{body}, {{"Effect": "Deny", "Action": "iot:CancelJob", "Resource": "*"}}]}}"#
            )
        };
        let policies = [
            r#"{"Effect": "Allow", "Action": "iot:*", "Resource": "arn:aws:iot:*:*:job/*"}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "arn:aws:iot:*:job/*"}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "arn:aws:iot:us-east-1:1:job/${aws:username}"}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "NotResource": "arn:aws:iot:*:*:job/${aws:username}"}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:iot:*:*:job/*"}}}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:iot:*:*:job/${aws:username}"}}}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::1"]}}}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": "a"}}}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {"NumericLessThan": {"iot:n": "5"}}}"#,
            r#"{"Effect": "Allow", "Action": "iot:DescribeJob", "Resource": "*", "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": "a*"}}}"#,
        ];
        let contexts: Vec<Vec<(&str, ContextValue)>> = vec![
            vec![],
            vec![
                ("aws:username", "j1".into()),
                ("aws:SourceArn", "arn:aws:iot:us-east-1:1:job/j1".into()),
                ("aws:SourceIp", "192.0.2.7".into()),
                ("iot:n", "4".into()),
            ],
            vec![
                ("aws:SourceArn", "arn:AWS:iot".into()),
                ("aws:SourceIp", "::ffff:192.0.2.7".into()),
                ("iot:n", "four".into()),
                (
                    "aws:TagKeys",
                    ContextValue::Multi(vec!["a".into(), "ab".into()]),
                ),
            ],
        ];
        let resources = [
            "arn:aws:iot:us-east-1:1:job/j1",
            "arn:aws:iot:us-east-1:1:job/a:b",
            "arn:AWS:iot:us-east-1:1:job/j1",
            "*",
        ];
        let mut decisions = std::collections::BTreeSet::new();
        for body in policies {
            let policy = statement(body);
            for context in &contexts {
                for resource in resources {
                    for action in ["iot:DescribeJob", "iot:CancelJob"] {
                        let context = Context::from_pairs(context.iter().cloned()).unwrap();
                        let request = Request::new(action, resource, context).unwrap();
                        let (reference, general) = both_paths(&policy, &request);
                        assert_eq!(reference, general, "{policy} on {request:?}");
                        decisions.insert(format!("{:?}", reference.decision));
                    }
                }
            }
        }
        // The table reaches every decision, errors included.
        assert_eq!(decisions.len(), 4, "{decisions:?}");
    }
}
