//! Generators of policies and requests (STUB: being built).

use serde::Deserialize;

use crate::protocol::CaseLine;

/// The generator's pools and weights.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GeneratorConfig {}

/// A generated case, with the `ID-n` choices its expected answer depends on.
#[derive(Debug, Clone)]
pub struct GeneratedCase {
    /// The case.
    pub case: CaseLine,
    /// The implementation-defined choices it exercises.
    pub implementation_defined: Vec<String>,
}

/// `n` cases from `seed`: the same seed and config give the same cases.
pub fn generate_cases(
    _config: &GeneratorConfig,
    _seed: u64,
    _n: usize,
) -> impl Iterator<Item = GeneratedCase> {
    std::iter::empty()
}
