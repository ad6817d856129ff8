//! The reference evaluator of IAM identity policies (docs/semantics.md §2-§9): a request is
//! `Allow`, `ExplicitDeny` or `ImplicitDeny`, with the statements that decided it, the context
//! keys the conditions needed but did not get, and — failing closed — no decision at all when a
//! request value cannot be read as a condition needs (ID-5).
//!
//! ```
//! use iam_eval::{Context, ContextValue, Decision, PolicySet, Request};
//! use iam_policy::Policy;
//!
//! let policy = Policy::parse(r#"{
//!     "Version": "2012-10-17",
//!     "Statement": [{
//!         "Sid": "DescribeJobs",
//!         "Effect": "Allow",
//!         "Action": "iot:DescribeJob",
//!         "Resource": "arn:aws:iot:us-east-1:123456789012:job/*",
//!         "Condition": {"Bool": {"aws:SecureTransport": "true"}}
//!     }]
//! }"#).unwrap();
//! let set = PolicySet::new(vec![policy]);
//!
//! let mut context = Context::new();
//! context.insert("aws:securetransport", ContextValue::from("TRUE")).unwrap();
//! let arn = "arn:aws:iot:us-east-1:123456789012:job/firmware-42";
//! let request = Request::new("iot:describejob", arn, context).unwrap();
//! let response = set.evaluate(&request);
//! assert_eq!(response.decision, Some(Decision::Allow));
//! assert_eq!(response.matched[0].sid.as_deref(), Some("DescribeJobs"));
//!
//! // A key the condition needs is missing: nothing allows it, and the response says why.
//! let request = Request::new("iot:DescribeJob", arn, Context::new()).unwrap();
//! let response = set.evaluate(&request);
//! assert_eq!(response.decision, Some(Decision::ImplicitDeny));
//! assert_eq!(&*response.missing_keys[0], "aws:SecureTransport");
//!
//! // An unreadable value is an error, never an Allow.
//! let mut context = Context::new();
//! context.insert("aws:SecureTransport", ContextValue::from("yes")).unwrap();
//! let response = set.evaluate(&Request::new("iot:DescribeJob", arn, context).unwrap());
//! assert_eq!(response.decision, None);
//! assert!(!response.is_allowed());
//! ```
//!
//! The modules follow the pipeline: [`request`] → [`evaluate`] (with the private `condition`
//! and `template` modules) → [`response`]; [`explain`] gives a verdict per statement.
//! [`PolicySet::evaluate_into`] and [`PolicySet::decide`] allocate nothing once warm.

pub mod call;
mod condition;
pub mod evaluate;
pub mod explain;
mod readings;
pub mod request;
mod resource;
pub mod response;
mod template;

pub use evaluate::PolicySet;
pub use explain::{Explanation, StatementExplanation, Verdict};
pub use request::{Context, ContextValue, Request, RequestError};
pub use response::{Decision, EvaluationError, EvaluationErrorKind, Response, StatementRef};

pub use iam_policy::readings::{Point, Readings};
use iam_policy::{ParseOptions, Policy};

/// An evaluator of identity policies, given as document texts.
pub trait Evaluator {
    /// Evaluate `request` against the documents `policies`. A rejected document makes the
    /// whole response an error.
    fn evaluate(&self, policies: &[&str], request: &Request) -> Response;
}

/// The reference evaluator: [`Policy::parse`] each document, then [`PolicySet::evaluate`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ReferenceEvaluator;

impl PolicySet {
    /// Parse and compile policy documents given as text. A rejected document makes the whole
    /// set an error (§3): one [`EvaluationError`] per rejected document, quoting its first
    /// diagnostics.
    pub fn from_texts(texts: &[&str]) -> Result<PolicySet, Vec<EvaluationError>> {
        Self::from_texts_with(texts, Readings::default())
    }

    /// [`PolicySet::from_texts`], parsing and evaluating under `readings`.
    pub fn from_texts_with(
        texts: &[&str],
        readings: Readings,
    ) -> Result<PolicySet, Vec<EvaluationError>> {
        let mut parsed = Vec::with_capacity(texts.len());
        let mut errors = Vec::new();
        // Only the errors decide whether a set compiles: the lints are not computed.
        let options = ParseOptions {
            readings,
            errors_only: true,
            ..ParseOptions::default()
        };
        for (index, text) in texts.iter().enumerate() {
            let checked = Policy::check(text, &options);
            match checked.policy.ok_or(checked.diagnostics) {
                Ok(policy) => parsed.push(policy),
                Err(diagnostics) => {
                    errors.push(EvaluationError::rejected_document(index, &diagnostics));
                }
            }
        }
        if errors.is_empty() {
            Ok(PolicySet::with_readings(parsed, readings))
        } else {
            Err(errors)
        }
    }
}

/// The reference evaluator following other permitted readings of the implementation-defined
/// points: what an evaluator that made other choices answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferenceUnder(pub Readings);

impl Evaluator for ReferenceEvaluator {
    fn evaluate(&self, policies: &[&str], request: &Request) -> Response {
        ReferenceUnder(Readings::default()).evaluate(policies, request)
    }
}

impl Evaluator for ReferenceUnder {
    fn evaluate(&self, policies: &[&str], request: &Request) -> Response {
        match PolicySet::from_texts_with(policies, self.0) {
            Ok(set) => set.evaluate(request),
            Err(errors) => Response {
                decision: None,
                matched: Vec::new(),
                missing_keys: Vec::new(),
                errors,
            },
        }
    }
}
