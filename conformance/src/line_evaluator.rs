//! The reference answering protocol lines, as `iamconf evaluate` does: one input line in, one
//! answer line out.
//!
//! A plain request case (by far the most common line) is read without a JSON tree
//! ([`case_text`]): its policies are handed to the parser as the text the line holds them in
//! when that text is already what the tree reader would produce ([`compact`]), and the
//! compiled policy set is cached under the line's `policies` text, so a policy set is neither
//! rebuilt as a tree, nor written back to text, nor hashed as a list of texts. Every other
//! line (a call case, a malformed line, a policy written with spaces or uncommon escapes) goes
//! through [`CaseLine::parse`] and the [`Oracle`], which word the protocol's messages; both
//! ways give the same answer line, byte for byte (tests `conformance/tests/line_evaluator.rs`).

mod answer_text;
mod case_text;
mod compact;

use std::hash::Hasher;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use serde_json::value::RawValue;

use iam_eval::{Decision, PolicySet, Readings, Request, Response};

use crate::calls::{answer_directly, CallCase};
use crate::oracle::{compile_texts, Oracle};
use crate::protocol::{AnswerLine, CaseLine, Verdict};
use case_text::CaseText;

/// Most policy sets kept compiled under their line text; past that the cache starts afresh.
const CACHE_LIMIT: usize = 4_096;

/// A compiled policy set, or the message that rejects its documents.
type Compiled = Result<Arc<PolicySet>, String>;

/// What a line was answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOutcome {
    /// A blank line: no answer is written.
    Blank,
    /// A decision.
    Decision(Decision),
    /// An error answer (a rejected policy, a bad request, or a line that is not a case).
    Error,
}

/// The reference behind `iamconf evaluate`, under the reference's readings.
#[derive(Debug, Default)]
pub struct LineEvaluator {
    /// Answers every line the typed reader leaves (and call cases).
    oracle: Oracle,
    /// Compiled sets by a hash of the `policies` text of the line that brought them, with
    /// that text: the text is hashed once, and a hash met with another text is a miss (the
    /// newer set then takes the slot), so crafted collisions cost compilations, not lookups.
    compiled: FxHashMap<u64, (Box<str>, Compiled)>,
    /// The previous line's `policies` text and its set: a stream mostly repeats its policies,
    /// and comparing the text is cheaper than hashing it.
    last: Option<(String, Compiled)>,
    /// A reused response.
    response: Response,
}

impl LineEvaluator {
    /// A new evaluator with empty caches.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answer one input line (its line ending included or not): append the answer line,
    /// without a newline, to `out`. A blank line appends nothing.
    pub fn answer(&mut self, line: &str, out: &mut String) -> LineOutcome {
        if line.trim().is_empty() {
            return LineOutcome::Blank;
        }
        let text = line.trim_end_matches(['\n', '\r']);
        if let Some(outcome) = self.answer_plain(text, out) {
            return outcome;
        }
        self.answer_by_tree(text, out)
    }

    /// The typed way: `None` (and nothing written) when the line is not a plain request case
    /// whose policies can be parsed as they are written.
    fn answer_plain(&mut self, text: &str, out: &mut String) -> Option<LineOutcome> {
        let case = CaseText::read(text)?;
        // A request the reference rejects: the tree reader words it, after any policy error.
        let request = Request::new(&case.action, &case.resource, case.context).ok()?;
        match self.policy_set(&case.policies, case.policies_text)? {
            Ok(set) => {
                set.evaluate_into(&request, &mut self.response);
                answer_text::push_response(out, &case.id, &self.response);
                Some(match self.response.decision {
                    Some(decision) => LineOutcome::Decision(decision),
                    None => LineOutcome::Error,
                })
            }
            Err(message) => {
                answer_text::push_error(out, &case.id, &message);
                Some(LineOutcome::Error)
            }
        }
    }

    /// The compiled set of a line's `policies`, from the caches when its text was seen before;
    /// `None` when the policies must go through the tree reader.
    fn policy_set(&mut self, policies: &[&RawValue], key: &str) -> Option<Compiled> {
        if let Some((text, set)) = &self.last {
            if text == key {
                return Some(set.clone());
            }
        }
        let mut hasher = FxHasher::default();
        hasher.write(key.as_bytes());
        let hash = hasher.finish();
        let set = match self.compiled.get(&hash) {
            Some((text, set)) if **text == *key => set.clone(),
            _ => {
                let set = compile_as_written(policies)?;
                if self.compiled.len() >= CACHE_LIMIT {
                    self.compiled.clear();
                }
                self.compiled.insert(hash, (key.into(), set.clone()));
                set
            }
        };
        match &mut self.last {
            Some((text, last)) => {
                text.clear();
                text.push_str(key);
                *last = set.clone();
            }
            None => self.last = Some((key.to_owned(), set.clone())),
        }
        Some(set)
    }

    /// The tree way, which words every message of the protocol.
    fn answer_by_tree(&mut self, text: &str, out: &mut String) -> LineOutcome {
        let answer = match CaseLine::parse(text) {
            Ok(case) => self.oracle.answer(&case),
            // Not a request case: a call case (protocol 1.1) is answered with its checks.
            Err((id, message)) => match self.answer_call(text) {
                Some((line, outcome)) => {
                    out.push_str(&line);
                    return outcome;
                }
                None => AnswerLine {
                    id,
                    verdict: Verdict::Error(message),
                    matched: None,
                },
            },
        };
        out.push_str(&answer.to_line());
        match answer.verdict {
            Verdict::Decision(decision) => LineOutcome::Decision(decision),
            Verdict::Error(_) => LineOutcome::Error,
        }
    }

    /// The answer to a call case (a line with `call` and no `request`), or `None` when the
    /// line is not one.
    fn answer_call(&mut self, text: &str) -> Option<(String, LineOutcome)> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        if value.get("call").is_none() || value.get("request").is_some() {
            return None;
        }
        Some(match CallCase::from_value(&value) {
            Ok(case) => {
                let answer = answer_directly(&mut self.oracle, &case);
                let outcome = match answer.decision {
                    Some(decision) => LineOutcome::Decision(decision),
                    None => LineOutcome::Error,
                };
                (answer.to_string(), outcome)
            }
            Err((id, message)) => (
                AnswerLine {
                    id,
                    verdict: Verdict::Error(message),
                    matched: None,
                }
                .to_line(),
                LineOutcome::Error,
            ),
        })
    }
}

/// Compile the policies of a line from the text they are written in, or `None` when that
/// text might not be what the tree reader gives the parser (then the line goes that way).
fn compile_as_written(policies: &[&RawValue]) -> Option<Compiled> {
    let mut texts = Vec::with_capacity(policies.len());
    let mut objects = Vec::new();
    for item in policies {
        let raw = item.get();
        match raw.as_bytes().first() {
            Some(b'{') if compact::is_compact_form(raw) => {
                objects.push(raw);
                texts.push(std::borrow::Cow::Borrowed(raw));
            }
            Some(b'"') => texts.push(case_text::string(raw)?),
            _ => return None,
        }
    }
    let refs: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
    match compile_texts(&refs, Readings::default()) {
        Ok(set) => Some(Ok(Arc::new(set))),
        // The documents are rejected. Under the reference's readings a duplicate key is an
        // error, so an accepted object had none and its text is the tree reader's; a rejected
        // one may have had one (which the tree reader drops), so its text is checked.
        Err(message) => objects
            .iter()
            .all(|raw| written_back(raw).as_deref() == Some(*raw))
            .then_some(Err(message)),
    }
}

/// What the tree reader makes of a policy object's text.
fn written_back(raw: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(raw).ok()?;
    serde_json::to_string(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(policies: &str) -> String {
        format!(
            r#"{{"id":"t","policies":[{policies}],"request":{{"action":"iot:DescribeJob","resource":"*"}}}}"#
        )
    }

    /// The lines the gate writes (compact objects) need the tree reader only when the
    /// reference rejects their request (whose message it words).
    #[test]
    fn generated_lines_are_answered_without_a_tree() {
        let config = crate::generate::GeneratorConfig::default();
        let mut evaluator = LineEvaluator::new();
        let (mut errors, mut bad_requests) = (0, 0);
        for g in crate::generate::generate_cases(&config, 9, 300) {
            let mut out = String::new();
            let outcome = evaluator.answer_plain(&g.case.to_line(), &mut out);
            if g.case.request.to_request().is_err() {
                assert!(outcome.is_none());
                bad_requests += 1;
                continue;
            }
            assert!(outcome.is_some(), "{}", g.case.to_line());
            errors += usize::from(outcome == Some(LineOutcome::Error));
        }
        assert!(errors > 10 && bad_requests < 30, "{errors} {bad_requests}");
    }

    #[test]
    fn only_text_the_tree_reader_would_write_is_parsed_as_written() {
        let allow = r#"{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}"#;
        let rejected = r#"{"Statement":{"Effect":"Allow","Action":"iot:*"}}"#;
        let duplicate =
            r#"{"Statement":{"Effect":"Allow","Effect":"Deny","Action":"iot:*","Resource":"*"}}"#;
        let mut evaluator = LineEvaluator::new();
        let mut answer =
            |policies: &str| evaluator.answer_plain(&line(policies), &mut String::new());
        assert_eq!(answer(allow), Some(LineOutcome::Decision(Decision::Allow)));
        assert_eq!(answer(rejected), Some(LineOutcome::Error));
        assert_eq!(
            answer(&serde_json::to_string(allow).unwrap()),
            Some(LineOutcome::Decision(Decision::Allow))
        );
        // Spaces, or a duplicate key the tree drops: the tree reader's text differs.
        assert_eq!(answer(&allow.replace(':', ": ")), None);
        assert_eq!(answer(duplicate), None);
        assert_eq!(answer(&format!("{allow},{duplicate}")), None);
    }
}
