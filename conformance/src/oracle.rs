//! The reference evaluator behind the protocol: answers case lines, compiling each distinct
//! policy set once.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::Arc;

use iam_eval::{PolicySet, Readings, Response};

use crate::protocol::{AnswerLine, CaseLine, Verdict};

/// Most policy sets kept compiled; past that the cache starts afresh.
const CACHE_LIMIT: usize = 4_096;

/// A compiled policy set, or why the documents are rejected.
type Compiled = Result<Arc<PolicySet>, String>;

/// The reference, answering protocol cases.
#[derive(Debug, Default)]
pub struct Oracle {
    compiled: HashMap<Vec<String>, Compiled>,
    /// The policies of the previous case and their set: a stream of cases (a golden file, a
    /// gate run) mostly repeats its policies, and comparing them is cheaper than rendering
    /// them to text for the cache key.
    last: Option<(Vec<serde_json::Value>, Compiled)>,
    /// The readings of the implementation-defined points it answers under.
    readings: Readings,
    /// Most policy sets kept compiled (0: [`CACHE_LIMIT`]).
    cache_limit: usize,
}

/// Most policy sets an oracle under other readings keeps compiled: the gate keeps one such
/// oracle per combination of readings it meets.
const OTHER_READINGS_CACHE_LIMIT: usize = 64;

/// Compile a policy set from document texts; a rejected document makes the set an error,
/// described by one message naming each rejected document and its first errors.
pub fn compile(texts: &[String]) -> Result<PolicySet, String> {
    compile_under(texts, Readings::default())
}

/// [`compile`] under `readings`.
pub fn compile_under(texts: &[String], readings: Readings) -> Result<PolicySet, String> {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    compile_texts(&refs, readings)
}

/// [`compile_under`] from borrowed texts.
pub fn compile_texts(texts: &[&str], readings: Readings) -> Result<PolicySet, String> {
    PolicySet::from_texts_with(texts, readings).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })
}

impl Oracle {
    /// A new oracle with an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new oracle answering under `readings` instead of the reference's.
    pub fn under(readings: Readings) -> Self {
        Self {
            readings,
            cache_limit: OTHER_READINGS_CACHE_LIMIT,
            ..Self::default()
        }
    }

    /// The readings it answers under.
    pub fn readings(&self) -> &Readings {
        &self.readings
    }

    /// The compiled policy set of a case, from the cache when seen before.
    pub fn policy_set(&mut self, case: &CaseLine) -> Result<Arc<PolicySet>, String> {
        if let Some((policies, set)) = &self.last {
            if *policies == case.policies {
                return set.clone();
            }
        }
        let set = self.compiled_set(case);
        self.last = Some((case.policies.clone(), set.clone()));
        set
    }

    fn compiled_set(&mut self, case: &CaseLine) -> Compiled {
        let texts = case.policy_texts()?;
        let limit = if self.cache_limit == 0 {
            CACHE_LIMIT
        } else {
            self.cache_limit
        };
        if self.compiled.len() >= limit && !self.compiled.contains_key(&texts) {
            self.compiled.clear();
        }
        // One lookup (one hash of the texts) whether the set is cached or not.
        match self.compiled.entry(texts) {
            Entry::Occupied(found) => found.get().clone(),
            Entry::Vacant(slot) => {
                let compiled = compile_under(slot.key(), self.readings).map(Arc::new);
                slot.insert(compiled).clone()
            }
        }
    }

    /// The reference's full response to a case (errors as `Err`).
    pub fn respond(&mut self, case: &CaseLine) -> Result<Response, String> {
        let set = self.policy_set(case)?;
        let request = case.request.to_request()?;
        Ok(set.evaluate(&request))
    }

    /// The reference's answer line for a case.
    pub fn answer(&mut self, case: &CaseLine) -> AnswerLine {
        match self.respond(case) {
            Ok(response) => AnswerLine::from_response(&case.id, &response),
            Err(message) => AnswerLine {
                id: Some(case.id.clone()),
                verdict: Verdict::Error(message),
                matched: None,
            },
        }
    }
}

impl Oracle {
    /// The reference's explanation of a case, for people.
    pub fn explain(&mut self, case: &CaseLine) -> Result<String, String> {
        let set = self.policy_set(case)?;
        let request = case.request.to_request()?;
        Ok(set.explain(&request).to_string())
    }
}
