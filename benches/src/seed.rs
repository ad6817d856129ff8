//! The corrected AWS seed policies (E1-E6) and their requests, from the embedded golden corpus.

use iam_conformance::cases::{Corpus, DecisionCase};
use iam_conformance::oracle;
use iam_eval::{Decision, PolicySet, Request};

/// The seed examples that have a corrected, valid form.
pub const SEEDS: [&str; 6] = ["e1", "e2", "e3", "e4", "e5", "e6"];

/// One request of a seed decision file.
#[derive(Debug, Clone)]
pub struct SeedRequest {
    /// The case id, `eval/seed/eN-corrected#name`.
    pub id: String,
    /// The request, as the reference evaluator takes it.
    pub request: Request,
    /// The corpus's verdict: a decision, or `None` for `error`.
    pub expect: Option<Decision>,
    /// The case as one protocol line (what `iamconf evaluate` reads).
    pub line: String,
}

/// One seed policy, compiled, with its requests.
#[derive(Debug, Clone)]
pub struct Seed {
    /// `e1` .. `e6`.
    pub name: &'static str,
    /// The document text of `parse/seed/eN-corrected`.
    pub document: String,
    /// The policy set of `eval/seed/eN-corrected`, compiled.
    pub set: PolicySet,
    /// Its requests, in corpus order.
    pub requests: Vec<SeedRequest>,
}

impl Seed {
    /// The first request the corpus expects to end in `decision`.
    pub fn first(&self, decision: Decision) -> Option<&SeedRequest> {
        self.requests.iter().find(|r| r.expect == Some(decision))
    }
}

/// The corpus embedded in `iam-conformance`.
pub fn corpus() -> Corpus {
    Corpus::embedded().expect("the embedded corpus loads")
}

fn is_seed_case(case: &DecisionCase, name: &str) -> bool {
    case.id
        .strip_prefix("eval/seed/")
        .and_then(|rest| rest.strip_prefix(name))
        .is_some_and(|rest| rest.starts_with("-corrected#"))
}

/// The decision cases of the six corrected seed files, in corpus order.
pub fn seed_cases(corpus: &Corpus) -> Vec<DecisionCase> {
    SEEDS
        .iter()
        .flat_map(|name| {
            corpus
                .decisions
                .iter()
                .filter(move |c| is_seed_case(c, name))
                .cloned()
        })
        .collect()
}

/// A corpus holding only the seed decision cases that depend on no implementation-defined
/// choice: exactly what the gate runs of it by default (without `--strict`).
pub fn seed_corpus() -> Corpus {
    let corpus = corpus();
    let mut decisions = seed_cases(&corpus);
    decisions.retain(|c| c.implementation_defined.is_empty());
    Corpus {
        parse: Vec::new(),
        decisions,
        ..Corpus::default()
    }
}

/// The six seeds, compiled.
pub fn seeds() -> Vec<Seed> {
    let corpus = corpus();
    SEEDS
        .iter()
        .map(|&name| {
            let cases: Vec<DecisionCase> = corpus
                .decisions
                .iter()
                .filter(|c| is_seed_case(c, name))
                .cloned()
                .collect();
            assert!(!cases.is_empty(), "no decision cases for seed {name}");
            let texts = cases[0].case.policy_texts().expect("policy texts");
            let set = oracle::compile(&texts).expect("the corrected seed policy is valid");
            let parse_id = format!("parse/seed/{name}-corrected");
            let document = corpus
                .parse
                .iter()
                .find(|p| p.id == parse_id)
                .map(|p| p.policy.clone())
                .unwrap_or_else(|| panic!("no parse case {parse_id}"));
            let requests = cases
                .iter()
                .filter_map(|c| {
                    let request = c.case.request.to_request().ok()?;
                    Some(SeedRequest {
                        id: c.id.clone(),
                        request,
                        expect: Decision::from_protocol_str(&c.expect),
                        line: c.case.to_line(),
                    })
                })
                .collect();
            Seed {
                name,
                document,
                set,
                requests,
            }
        })
        .collect()
}

/// Every seed case as a protocol line, in corpus order.
pub fn case_lines() -> Vec<String> {
    seed_cases(&corpus())
        .iter()
        .map(|c| c.case.to_line())
        .collect()
}
