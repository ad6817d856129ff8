//! The gate: run a candidate over the golden cases and generated cases, compare each answer
//! with the reference, shrink disagreements to minimal cases, and report.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use iam_eval::Evaluator;
use iam_policy::pattern::{Glob, GlobSyntax};

use crate::candidate::{Candidate, CandidateFailure, InProcess};
use crate::cases::{Corpus, DecisionCase};
use crate::generate::{generate_cases, GeneratorConfig};
use crate::groups::{self, Group};
use crate::invariants::through::InvariantRun;
use crate::labels::case_labels;
use crate::oracle::Oracle;
use crate::protocol::{AnswerLine, CaseLine, MatchedRef, Verdict};
use crate::shrink::shrink;

mod calls;
pub use calls::{generated_calls, FEATURE as CALL_FEATURE};

/// How many disagreements of one run are shrunk (one per new group: a disagreement that fits
/// an existing group joins it unshrunk); later ones are reported as they are.
pub const SHRINK_LIMIT: usize = 60;

/// How a run is configured.
#[derive(Debug, Clone)]
pub struct Config {
    /// Run the golden corpus.
    pub golden: bool,
    /// The corpus to use; `None` means the one embedded in the binary.
    pub corpus: Option<Corpus>,
    /// How many generated cases.
    pub generated: usize,
    /// The generator's seed: the same seed gives the same cases.
    pub seed: u64,
    /// Stop generating when this much time has passed.
    pub time_budget: Option<Duration>,
    /// Hold the candidate to the reference's implementation-defined (`ID-n`) choices too.
    pub strict: bool,
    /// Compare the deciding statements as well as the decisions.
    pub compare_matched: bool,
    /// Compare only allowed against not allowed (explicit deny, implicit deny and error all
    /// count as not allowed): for evaluators that answer only yes or no.
    pub compare_allowed: bool,
    /// Expected failures: case-id globs with reasons.
    pub known_failures: Vec<KnownFailure>,
    /// Write each (shrunk) disagreement as a golden case file here.
    pub save_failures: Option<PathBuf>,
    /// Only cases whose id contains this text.
    pub filter: Option<String>,
    /// Most shrink attempts per disagreement.
    pub shrink_budget: usize,
    /// The generator's pools and weights.
    pub generator: GeneratorConfig,
    /// Over how many generated base cases the evaluator invariants run (0: not at all).
    pub invariant_cases: usize,
}

/// The default number of invariant base cases: a few seconds for a fast evaluator.
pub const DEFAULT_INVARIANT_CASES: usize = 300;

impl Default for Config {
    fn default() -> Self {
        Self {
            golden: true,
            corpus: None,
            generated: 10_000,
            seed: 0x1a3c_0f5e,
            time_budget: None,
            strict: false,
            compare_matched: false,
            compare_allowed: false,
            known_failures: Vec::new(),
            save_failures: None,
            filter: None,
            shrink_budget: 2_000,
            generator: GeneratorConfig::default(),
            invariant_cases: DEFAULT_INVARIANT_CASES,
        }
    }
}

/// A case-id glob that is expected to fail, and why.
#[derive(Debug, Clone)]
pub struct KnownFailure {
    /// The glob (`*` and `?`) over case ids.
    pub pattern: String,
    /// Why it fails.
    pub reason: String,
}

/// The prefix of a known-failures line that names a failure group (its key, or a glob over
/// keys) instead of case ids.
pub const GROUP_PREFIX: &str = "group=";

/// The prefix of a known-failures line that names an evaluator invariant (its name, or a glob
/// over names) that the evaluator is known to violate.
pub const INVARIANT_PREFIX: &str = "invariant=";

impl KnownFailure {
    /// Whether this line names the invariant `name` (an `invariant=GLOB` line).
    pub fn names_invariant(&self, name: &str) -> bool {
        self.pattern
            .strip_prefix(INVARIANT_PREFIX)
            .is_some_and(|pattern| Glob::new(pattern, GlobSyntax::Text).is_match(name))
    }

    fn matches(&self, id: &str, group: Option<&str>) -> bool {
        if self.pattern.starts_with(INVARIANT_PREFIX) {
            return false;
        }
        match self.pattern.strip_prefix(GROUP_PREFIX) {
            Some(pattern) => {
                group.is_some_and(|g| Glob::new(pattern, GlobSyntax::Text).is_match(g))
            }
            None => Glob::new(&self.pattern, GlobSyntax::Text).is_match(id),
        }
    }
}

/// Read a known-failures file: one `GLOB  reason` per line (`#` comments, blank lines
/// ignored); the reason is required.
pub fn parse_known_failures(text: &str) -> Result<Vec<KnownFailure>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (pattern, reason) = line
            .split_once(char::is_whitespace)
            .map(|(p, r)| (p, r.trim()))
            .unwrap_or((line, ""));
        if reason.is_empty() {
            return Err(format!(
                "line {}: `{pattern}` needs a reason after it",
                n + 1
            ));
        }
        out.push(KnownFailure {
            pattern: pattern.to_owned(),
            reason: reason.to_owned(),
        });
    }
    Ok(out)
}

/// Where a case came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The golden corpus.
    Golden,
    /// The generator.
    Generated,
}

/// How one case went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The candidate agreed with the reference.
    Passed,
    /// The candidate disagreed.
    Failed,
    /// It disagreed, as the known-failures list says it would.
    ExpectedFailure(String),
    /// It agreed although the known-failures list says it fails: the list must shrink.
    UnexpectedPass(String),
}

/// One case's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The case id.
    pub id: String,
    /// Golden or generated.
    pub origin: Origin,
    /// How it went.
    pub status: Status,
    /// The reference's verdict word.
    pub expected: String,
    /// The candidate's verdict word.
    pub got: String,
    /// What differed, in words.
    pub detail: String,
    /// The minimal case that still disagrees (the case itself when it could not shrink).
    pub minimal: Option<CaseLine>,
    /// The reference's explanation of the minimal case.
    pub explanation: Option<String>,
    /// Where the case was saved, with `--save-failures`.
    pub saved: Option<PathBuf>,
    /// Whether `minimal` is smaller than the case itself.
    pub shrunk: bool,
    /// The case's feature labels ([`crate::labels`]).
    pub labels: Vec<String>,
    /// For a disagreement: the key of its failure group (see [`Report::groups`]).
    pub group: Option<String>,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every case run, in order.
    pub outcomes: Vec<Outcome>,
    /// Cases left out because they depend on an `ID-n` choice (without `--strict`).
    pub skipped_implementation_defined: usize,
    /// The candidate stopped answering (crash, hang, garbage, ...): the run ended there.
    pub candidate_failure: Option<String>,
    /// The tail of the candidate's standard error.
    pub stderr_tail: String,
    /// How long the run took.
    pub elapsed: Duration,
    /// The disagreements by root cause, in the order each group first appeared.
    pub groups: Vec<Group>,
    /// What was compared: `decision`, `allowed` or `matched`.
    pub comparison: &'static str,
    /// The evaluator invariants: what ran and what broke.
    pub invariants: InvariantRun,
    /// Known-failures `group=` lines that no disagreement of the run fell under
    /// ([`crate::known::stale_group_lines`]): they fail the run, as a listed case that passes.
    pub stale_known_groups: Vec<String>,
}

impl Report {
    /// Cases with this status kind.
    pub fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.outcomes.iter().filter(|o| f(&o.status)).count()
    }

    /// Whether the candidate conforms: no unexpected disagreement, no unexpected pass, no
    /// candidate failure.
    pub fn passed(&self) -> bool {
        self.candidate_failure.is_none()
            && self.invariants.passed()
            && self.stale_known_groups.is_empty()
            && self
                .outcomes
                .iter()
                .all(|o| matches!(o.status, Status::Passed | Status::ExpectedFailure(_)))
    }

    /// The protocol's exit status: 0 agreed, 1 disagreed or failed.
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.passed())
    }
}

/// Check a Rust evaluator in process: the one-line way to run the whole suite from an
/// implementation's own `cargo test` is
/// `assert!(iam_conformance::check(&MyEvaluator, &Config::default()).passed())`.
pub fn check<E: Evaluator + ?Sized>(evaluator: &E, config: &Config) -> Report {
    run(&mut InProcess(evaluator), config, &mut |_, _| {})
}

/// Run `candidate` over the configured cases; `progress(done, total)` after each case.
pub fn run(
    candidate: &mut dyn Candidate,
    config: &Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let started = Instant::now();
    let mut report = Report {
        comparison: comparison_name(config),
        ..Report::default()
    };
    let mut oracle = Oracle::new();
    let golden = golden_cases(config, &mut report);
    let golden_calls = calls::golden_calls(config, &mut report);
    let total = golden.len() + config.generated;
    let mut done = 0;
    for case in golden {
        if let Err(failure) = run_case(
            candidate,
            &mut oracle,
            config,
            &case.case,
            Origin::Golden,
            Some(&case.expect),
            &case.implementation_defined,
            &mut report,
        ) {
            report.candidate_failure = Some(failure.to_string());
            break;
        }
        done += 1;
        progress(done, total);
    }
    if report.candidate_failure.is_none() {
        for generated in generate_cases(&config.generator, config.seed, config.generated) {
            if config.time_budget.is_some_and(|b| started.elapsed() >= b) {
                break;
            }
            if !config.strict && !generated.implementation_defined.is_empty() {
                report.skipped_implementation_defined += 1;
                continue;
            }
            if config
                .filter
                .as_ref()
                .is_some_and(|f| !generated.case.id.contains(f.as_str()))
            {
                continue;
            }
            if let Err(failure) = run_case(
                candidate,
                &mut oracle,
                config,
                &generated.case,
                Origin::Generated,
                None,
                &generated.implementation_defined,
                &mut report,
            ) {
                report.candidate_failure = Some(failure.to_string());
                break;
            }
            done += 1;
            progress(done, total);
        }
    }
    if report.candidate_failure.is_none() {
        let ran = calls::run_calls(candidate, &mut oracle, config, &golden_calls, &mut report);
        if let Err(failure) = ran {
            report.candidate_failure = Some(failure.to_string());
        }
    }
    if report.candidate_failure.is_none() {
        let deadline = config.time_budget.and_then(|b| started.checked_add(b));
        let (run, failure) = crate::invariants::through::run(candidate, config, deadline);
        report.invariants = run;
        report.invariants.mark_known(&config.known_failures);
        report.candidate_failure = failure.map(|f| f.to_string());
    }
    if report.candidate_failure.is_none() {
        if let Err(failure) = candidate.finish() {
            report.candidate_failure = Some(failure.to_string());
        }
    }
    if report.candidate_failure.is_none() {
        report.stale_known_groups =
            crate::known::stale_group_lines(&config.known_failures, &report);
    }
    report.stderr_tail = candidate.stderr_tail();
    report.elapsed = started.elapsed();
    report
}

fn golden_cases(config: &Config, report: &mut Report) -> Vec<DecisionCase> {
    if !config.golden {
        return Vec::new();
    }
    let corpus = match &config.corpus {
        Some(c) => c.clone(),
        None => match Corpus::embedded() {
            Ok(c) => c,
            Err(e) => {
                report.candidate_failure = Some(format!("the embedded corpus is broken: {e}"));
                return Vec::new();
            }
        },
    };
    let mut out = Vec::new();
    for case in corpus.gate_cases() {
        if config
            .filter
            .as_ref()
            .is_some_and(|f| !case.id.contains(f.as_str()))
        {
            continue;
        }
        if !config.strict && !case.implementation_defined.is_empty() {
            report.skipped_implementation_defined += 1;
            continue;
        }
        out.push(case);
    }
    out
}

/// What a run compares, as its report says.
fn comparison_name(config: &Config) -> &'static str {
    if config.compare_allowed {
        "allowed"
    } else if config.compare_matched {
        "matched"
    } else {
        "decision"
    }
}

/// Whether two answers agree under the run's comparison, and if not, in what words.
fn differs(reference: &AnswerLine, candidate: &AnswerLine, config: &Config) -> Option<String> {
    if config.compare_allowed {
        let allowed = |a: &AnswerLine| a.verdict.word() == "allowed";
        if allowed(reference) == allowed(candidate) {
            return None;
        }
        return Some(format!(
            "expected {} (`{}`), got {} (`{}`) (compared as allowed / not allowed)",
            if allowed(reference) {
                "allowed"
            } else {
                "not allowed"
            },
            reference.verdict.word(),
            if allowed(candidate) {
                "allowed"
            } else {
                "not allowed"
            },
            candidate.verdict.word()
        ));
    }
    compare(reference, candidate, config.compare_matched)
}

/// Whether two answers agree, and if not, in what words.
fn compare(
    reference: &AnswerLine,
    candidate: &AnswerLine,
    compare_matched: bool,
) -> Option<String> {
    if reference.verdict.word() != candidate.verdict.word() {
        let why = match &candidate.verdict {
            Verdict::Error(e) => format!(" (the candidate's error: {e})"),
            Verdict::Decision(_) => match &reference.verdict {
                Verdict::Error(e) => format!(" (the reference's error: {e})"),
                Verdict::Decision(_) => String::new(),
            },
        };
        return Some(format!(
            "expected `{}`, got `{}`{why}",
            reference.verdict.word(),
            candidate.verdict.word()
        ));
    }
    // `matched` belongs to decisions: an error answer has none to compare.
    let both_decide = matches!(reference.verdict, Verdict::Decision(_))
        && matches!(candidate.verdict, Verdict::Decision(_));
    if compare_matched && both_decide {
        let sorted = |m: &Option<Vec<MatchedRef>>| {
            let mut v = m.clone().unwrap_or_default();
            v.sort();
            v
        };
        if candidate.matched.is_none() {
            return Some(
                "the candidate's answer has no `matched` (needed with --compare matched)".into(),
            );
        }
        let (r, c) = (sorted(&reference.matched), sorted(&candidate.matched));
        if r != c {
            return Some(format!(
                "deciding statements differ: expected {r:?}, got {c:?}"
            ));
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn run_case(
    candidate: &mut dyn Candidate,
    oracle: &mut Oracle,
    config: &Config,
    case: &CaseLine,
    origin: Origin,
    golden_expect: Option<&str>,
    implementation_defined: &[String],
    report: &mut Report,
) -> Result<(), CandidateFailure> {
    let reference = oracle.answer(case);
    let answer = candidate.answer(case)?;
    let mut difference = differs(&reference, &answer, config);
    if let (Some(expect), None) = (golden_expect, &difference) {
        let allowed_agrees =
            config.compare_allowed && (expect == "allowed") == (answer.verdict.word() == "allowed");
        if expect != answer.verdict.word() && !allowed_agrees {
            difference = Some(format!(
                "the corpus expects `{expect}`, got `{}`",
                answer.verdict.word()
            ));
        }
    }
    let labels = case_labels(case, &reference, implementation_defined);
    let mut outcome = Outcome {
        id: case.id.clone(),
        origin,
        status: Status::Passed,
        expected: reference.verdict.word().to_owned(),
        got: answer.verdict.word().to_owned(),
        detail: difference.clone().unwrap_or_default(),
        minimal: None,
        explanation: None,
        saved: None,
        shrunk: false,
        labels,
        group: None,
    };
    let mut stopped = None;
    if difference.is_some() {
        let candidate_error = groups::masked_error(&answer);
        let existing = groups::find_group(
            &report.groups,
            &outcome.labels,
            &outcome.expected,
            &outcome.got,
            candidate_error.as_deref(),
        );
        // Each attempt gets its own id: ids are unique within a run (the protocol), and an
        // evaluator may rely on that.
        let mut attempt = 0usize;
        let mut still_fails = |c: &CaseLine| -> Result<bool, CandidateFailure> {
            attempt += 1;
            let mut probe = c.clone();
            probe.id = format!("{}~shrink-{attempt}", case.id);
            let r = oracle.answer(&probe);
            let a = candidate.answer(&probe)?;
            // The cause is kept, not only the class (groups::keeps_cause).
            Ok(groups::keeps_cause((&reference, &answer), (&r, &a))
                && differs(&r, &a, config).is_some())
        };
        // Golden and generated disagreements alike shrink, once per new group and at most
        // SHRINK_LIMIT per run; one that fits an existing group joins it as it is.
        let mut minimal = if existing.is_none() && report.groups.len() < SHRINK_LIMIT {
            match shrink(case, config.shrink_budget, &mut still_fails) {
                Ok(m) => m,
                Err(failure) => {
                    // Keep the disagreement found so far; the run stops after it.
                    stopped = Some(failure);
                    case.clone()
                }
            }
        } else {
            case.clone()
        };
        outcome.shrunk = minimal.policies != case.policies || minimal.request != case.request;
        minimal.id.clone_from(&case.id);
        // A rejected document or request is explained by the reference's error.
        let explanation = oracle
            .explain(&minimal)
            .unwrap_or_else(|e| format!("error: {e}"));
        let index = match existing {
            Some(i) => {
                groups::join(&mut report.groups, i, &case.id);
                i
            }
            None => {
                let minimal_reference = oracle.answer(&minimal);
                let minimal_labels =
                    case_labels(&minimal, &minimal_reference, implementation_defined);
                groups::add(
                    &mut report.groups,
                    minimal_labels,
                    &outcome.expected,
                    &answer,
                    &minimal,
                    &explanation,
                    &case.id,
                )
            }
        };
        outcome.group = report.groups.get(index).map(|g| g.key.clone());
        outcome.explanation = Some(explanation);
        if let Some(dir) = &config.save_failures {
            match crate::saved::save_case(dir, &minimal, &oracle.answer(&minimal)) {
                Ok(path) => outcome.saved = Some(path),
                Err(e) => {
                    outcome.detail.push_str(&format!(
                        " (could not be saved in `{}`: {e})",
                        dir.display()
                    ));
                }
            }
        }
        outcome.minimal = Some(minimal);
    }
    let known = config
        .known_failures
        .iter()
        .find(|k| k.matches(&case.id, outcome.group.as_deref()));
    outcome.status = match (&difference, known) {
        (None, None) => Status::Passed,
        (None, Some(k)) => Status::UnexpectedPass(k.reason.clone()),
        (Some(_), Some(k)) => Status::ExpectedFailure(k.reason.clone()),
        (Some(_), None) => Status::Failed,
    };
    report.outcomes.push(outcome);
    match stopped {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_eval::Decision;
    use serde_json::json;

    /// Answers `allowed` to everything and records the ids it was asked about.
    #[derive(Default)]
    struct AllowAll {
        ids: Vec<String>,
    }

    impl Candidate for AllowAll {
        fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
            self.ids.push(case.id.clone());
            Ok(AnswerLine {
                id: Some(case.id.clone()),
                verdict: Verdict::Decision(Decision::Allow),
                matched: None,
            })
        }
    }

    #[test]
    fn a_generated_disagreement_shrinks_with_fresh_ids() {
        let case = CaseLine::from_value(&json!({
            "id": "gen-1",
            "policies": [{"Version": "2012-10-17", "Statement": [
                {"Sid": "A", "Effect": "Deny", "Action": ["iot:DescribeJob", "iot:ListJobs"], "Resource": "*"},
                {"Sid": "B", "Effect": "Allow", "Action": "iot:*", "Resource": "*"}]}],
            "request": {"action": "iot:DescribeJob", "resource": "*", "context": {"aws:SourceIp": "192.0.2.1"}}
        }))
        .unwrap();
        let mut candidate = AllowAll::default();
        let mut report = Report::default();
        let config = Config {
            generated: 0,
            ..Config::default()
        };
        run_case(
            &mut candidate,
            &mut Oracle::new(),
            &config,
            &case,
            Origin::Generated,
            None,
            &[],
            &mut report,
        )
        .unwrap();
        let outcome = &report.outcomes[0];
        assert_eq!(outcome.status, Status::Failed);
        let minimal = outcome.minimal.as_ref().unwrap();
        assert_eq!(minimal.id, "gen-1");
        assert!(minimal.request.context.is_empty());
        assert_eq!(
            serde_json::to_string(&minimal.policies).unwrap(),
            r#"[{"Statement":{"Effect":"Deny","Action":"iot:DescribeJob","Resource":"*"}}]"#
        );
        let mut ids = candidate.ids.clone();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), candidate.ids.len(), "ids were reused");
        assert!(outcome
            .explanation
            .as_deref()
            .unwrap()
            .contains("explicitDeny"));
    }

    #[test]
    fn matched_is_compared_only_between_decisions() {
        let error = |m: Option<Vec<MatchedRef>>| AnswerLine {
            id: Some("x".into()),
            verdict: Verdict::Error("bad".into()),
            matched: m,
        };
        assert_eq!(compare(&error(Some(Vec::new())), &error(None), true), None);
        let allow = |m: Option<Vec<MatchedRef>>| AnswerLine {
            id: Some("x".into()),
            verdict: Verdict::Decision(Decision::Allow),
            matched: m,
        };
        let one = Some(vec![MatchedRef {
            policy: 0,
            statement: 1,
        }]);
        assert!(compare(&allow(one.clone()), &allow(None), true).is_some());
        assert!(compare(&allow(one.clone()), &allow(Some(Vec::new())), true).is_some());
        assert_eq!(compare(&allow(one.clone()), &allow(one), true), None);
        assert_eq!(compare(&allow(Some(Vec::new())), &allow(None), false), None);
    }
}
