//! Shared inputs for the iamconf benchmarks.
