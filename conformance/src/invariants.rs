//! Named invariants (STUB: being built).

use crate::generate::GeneratedCase;

/// One named invariant: the claim it makes and its check over a generated case.
#[derive(Debug, Clone, Copy)]
pub struct Invariant {
    /// A short name, snake_case (`explicit_deny_overrides`).
    pub name: &'static str,
    /// The claim, in words.
    pub claim: &'static str,
    /// Check the claim on one case; `Err` says how it was violated.
    pub check: fn(&GeneratedCase) -> Result<(), String>,
}

/// Every invariant.
pub fn all() -> &'static [Invariant] {
    &[]
}
