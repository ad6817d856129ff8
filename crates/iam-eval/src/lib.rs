//! Reference evaluator (being built).
