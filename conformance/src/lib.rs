//! The iamconf conformance harness: the golden corpus, generators of policies and requests,
//! named invariants, and the gate that compares any evaluator with the reference.
//!
//! A Rust evaluator runs the whole suite in process, from its own `cargo test`:
//!
//! ```
//! use iam_conformance::{check, Config};
//! use iam_eval::{Decision, Evaluator, ReferenceEvaluator, Request, Response};
//!
//! // The reference conforms (here with 200 generated cases besides the golden ones).
//! let config = Config { generated: 200, ..Config::default() };
//! let report = check(&ReferenceEvaluator, &config);
//! assert!(report.passed(), "{}", iam_conformance::report::human(&report));
//!
//! // An evaluator that allows everything does not, and the report names the cases.
//! struct AllowAll;
//! impl Evaluator for AllowAll {
//!     fn evaluate(&self, _policies: &[&str], _request: &Request) -> Response {
//!         Response { decision: Some(Decision::Allow), ..Response::new() }
//!     }
//! }
//! let report = check(&AllowAll, &Config { generated: 0, ..Config::default() });
//! assert!(!report.passed());
//! assert!(report.exit_code() == 1);
//! ```
//!
//! Any other evaluator speaks the JSON-lines protocol (`docs/evaluator-protocol.md`) and is
//! run by `iamconf check --evaluator CMD`. The modules follow the pipeline: [`cases`] (the
//! corpus) and [`generate`] (generated cases) feed [`gate`], which asks a [`candidate`] and the
//! [`oracle`] (the reference) over the [`protocol`] (whole API calls: [`calls`]), [`shrink`]s each disagreement, and
//! writes a [`report`]; [`invariants`] are the named claims the reference itself must keep.

pub mod answer_set;
pub mod calls;
pub mod candidate;
pub mod cases;
pub mod gate;
pub mod generate;
pub mod groups;
pub mod inferred;
pub mod invariants;
pub mod junit;
pub mod known;
pub mod labels;
pub mod line_evaluator;
pub mod matrix;
pub mod merge;
pub mod oracle;
pub mod protocol;
pub mod realistic;
pub mod report;
pub mod saved;
pub mod shrink;
pub mod summary;

pub use gate::{check, Config, Report};

/// The README's Rust example, compiled (`cargo test --doc`) so that it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExample;
