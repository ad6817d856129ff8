//! The `iamconf-fixture` modes that live in their own files (the binary's root keeps the
//! small ones).

pub(crate) mod invariant_bugs;
pub(crate) mod rejects_set_operators;
