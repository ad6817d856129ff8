//! Shared, fixed inputs for the iamconf benchmarks and the callgrind regression workload.
//!
//! Every input is either taken from the golden corpus embedded in `iam-conformance` (the
//! corrected seed policies and their requests) or built by a generator from its size alone:
//! the same call gives the same bytes, on every machine, so figures are comparable.
//!
//! - [`seed`]: the six corrected AWS seed policies, their documents and requests.
//! - [`gen`]: generated policies, requests, documents and adversarial patterns.
//! - [`generated`]: distinct cases from the conformance generator (a fixed seed).
//! - [`workload`]: named hot paths run a fixed number of times (for callgrind).

// Benchmark support, not library code: the fixtures are fixed and known valid, so a broken one
// must stop the run loudly rather than be measured wrongly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "benchmark harness: a broken workload should stop the run loudly"
)]

pub mod gen;
pub mod generated;
pub mod seed;
pub mod workload;

#[cfg(test)]
mod tests;
