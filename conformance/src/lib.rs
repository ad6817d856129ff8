//! Conformance harness (being built).

pub mod candidate;
pub mod cases;
pub mod gate;
pub mod generate;
pub mod invariants;
pub mod oracle;
pub mod protocol;
pub mod report;
pub mod shrink;

pub use gate::{check, Config, Report};
