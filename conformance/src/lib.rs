//! Conformance harness (being built).
