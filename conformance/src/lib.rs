//! Conformance harness (being built).

pub mod cases;
pub mod oracle;
pub mod protocol;
