//! The gate: run a candidate over the golden cases and generated cases, compare each answer
//! with the reference, shrink disagreements to minimal cases, and report.

use std::path::PathBuf;
use std::time::Duration;

use iam_eval::Evaluator;
use iam_policy::pattern::{Glob, GlobSyntax};

use crate::answer_set::DeclaredReadings;
use crate::candidate::{Candidate, InProcess};
use crate::cases::Corpus;
use crate::generate::GeneratorConfig;
use crate::groups::Group;
use crate::inferred::ReadingsTally;
use crate::invariants::through::InvariantRun;
use crate::protocol::{AnswerLine, CaseLine, MatchedRef, Verdict};

mod jobs;
mod readings;
mod shard;

pub use shard::Shard;

mod calls;
pub use calls::{generated_calls, FEATURE as CALL_FEATURE};

/// How many disagreements of one run are shrunk (each whose own cause key is no group's yet:
/// one that has a group's key joins it unshrunk); later ones are grouped as they are. The
/// shrinks' time is bounded too ([`Config::shrink_time`]).
pub const SHRINK_LIMIT: usize = 300;

/// The least time a shrink gets when its time is shared out of the run's own ([`Config::shrink_time`]).
pub const MIN_SHRINK_TIME: Duration = Duration::from_millis(100);

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
    /// Hold the candidate to the reference's reading of every implementation-defined point.
    pub strict: bool,
    /// The readings the candidate declares (`--readings`): cases depending on a declared
    /// point expect exactly the answer under its reading; other points accept any permitted
    /// reading.
    pub readings: DeclaredReadings,
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
    /// Most time per shrink; `None`: the shrinks together take about as long as the run before
    /// them (at least a second; each at least [`MIN_SHRINK_TIME`]), so that a failing run costs
    /// at most about twice a passing one.
    pub shrink_time: Option<Duration>,
    /// Run only this shard of the cases (`--shard K/N`).
    pub shard: Option<Shard>,
    /// Count the cases by feature label, passing ones too ([`Report::label_counts`], for the
    /// compliance matrix); off, only the problems carry their labels.
    pub count_labels: bool,
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
            readings: DeclaredReadings::default(),
            compare_matched: false,
            compare_allowed: false,
            known_failures: Vec::new(),
            save_failures: None,
            filter: None,
            shrink_budget: 2_000,
            shrink_time: None,
            shard: None,
            count_labels: false,
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

    /// Whether the line lists the case `id` or its failure group, by the group's key or by
    /// the case's variant inside it (the detailed key, as iamconf keyed groups before
    /// root-cause keys, so that older lists still match); never: an `invariant=` line.
    fn matches(&self, id: &str, group: Option<&str>, variant: Option<&str>) -> bool {
        match self.compiled() {
            Some((true, glob)) => {
                group.is_some_and(|g| glob.is_match(g)) || variant.is_some_and(|v| glob.is_match(v))
            }
            Some((false, glob)) => glob.is_match(id),
            None => false,
        }
    }

    /// The pattern, compiled once for a run: over group keys (`group=` lines) or case ids;
    /// `None` for an `invariant=` line, which lists no case.
    fn compiled(&self) -> Option<(bool, Glob)> {
        if self.pattern.starts_with(INVARIANT_PREFIX) {
            return None;
        }
        match self.pattern.strip_prefix(GROUP_PREFIX) {
            Some(pattern) => Some((true, Glob::new(pattern, GlobSyntax::Text))),
            None => Some((false, Glob::new(&self.pattern, GlobSyntax::Text))),
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
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The case id.
    pub id: String,
    /// Where the case stands in the whole (unsharded) run: golden cases in corpus order, then
    /// generated ones by index. Shards and jobs keep it, so reports merge back into run order.
    pub position: usize,
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
    /// For a disagreement: its variant inside the group, its detailed key
    /// ([`crate::groups::detailed_key`]), which a known-failures `group=` line may name too.
    pub variant: Option<String>,
}

/// How many cases ran, by origin and by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Golden cases run.
    pub golden: usize,
    /// Generated cases run.
    pub generated: usize,
    /// Cases where the candidate agreed (and no known failure was listed).
    pub passed: usize,
    /// Unexpected disagreements.
    pub failed: usize,
    /// Disagreements the known-failures list expects.
    pub expected_failures: usize,
    /// Listed known failures that agreed.
    pub unexpected_passes: usize,
}

impl Counts {
    /// Every case run.
    pub fn total(&self) -> usize {
        self.golden + self.generated
    }

    /// Count one case.
    pub fn add(&mut self, origin: Origin, status: &Status) {
        match origin {
            Origin::Golden => self.golden += 1,
            Origin::Generated => self.generated += 1,
        }
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::ExpectedFailure(_) => self.expected_failures += 1,
            Status::UnexpectedPass(_) => self.unexpected_passes += 1,
        }
    }

    /// The counts of two disjoint runs together.
    pub fn merge(&mut self, other: &Counts) {
        self.golden += other.golden;
        self.generated += other.generated;
        self.passed += other.passed;
        self.failed += other.failed;
        self.expected_failures += other.expected_failures;
        self.unexpected_passes += other.unexpected_passes;
    }
}

/// How many of the cases carrying one feature label ran, and passed (in the JSON report as
/// `{"passed": P, "total": T}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LabelCount {
    /// Cases with the label that passed.
    pub passed: usize,
    /// Cases with the label.
    pub total: usize,
}

/// The result of a run. It keeps the counts of every case but the outcome only of the cases
/// that did not simply pass, so its memory does not grow with the number of passing cases.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The cases that did not simply pass (failed, expected failures, unexpected passes), in
    /// run order.
    pub problems: Vec<Outcome>,
    /// How many cases ran, by origin and status.
    pub counts: Counts,
    /// Cases left out because they depend on an `ID-n` point the reference has no readings
    /// for (without `--strict`).
    pub skipped_implementation_defined: usize,
    /// The answer sets of the run, and what they say about the candidate's readings.
    pub readings: ReadingsTally,
    /// The candidate stopped answering (crash, hang, garbage, ...): the run ended there.
    pub candidate_failure: Option<String>,
    /// The tail of the candidate's standard error.
    pub stderr_tail: String,
    /// How long the run took.
    pub elapsed: Duration,
    /// The shard this run covered, if only one.
    pub shard: Option<Shard>,
    /// The disagreements by root cause, in the order each group first appeared.
    pub groups: Vec<Group>,
    /// What was compared: `decision`, `allowed` or `matched`.
    pub comparison: &'static str,
    /// With [`Config::count_labels`]: the cases by feature label.
    pub label_counts: std::collections::BTreeMap<String, LabelCount>,
    /// The evaluator invariants: what ran and what broke.
    pub invariants: InvariantRun,
    /// Known-failures `group=` lines that no disagreement of the run fell under
    /// ([`crate::known::stale_group_lines`]): they fail the run, as a listed case that passes.
    pub stale_known_groups: Vec<String>,
}

impl Report {
    /// Count one case, and keep its outcome when it did not simply pass.
    /// (Call cases are counted under their `call` label too, whether or not the run counts
    /// labels.)
    pub fn record(&mut self, outcome: Outcome) {
        self.counts.add(outcome.origin, &outcome.status);
        if outcome.labels.iter().any(|l| l == CALL_FEATURE) {
            let count = self
                .label_counts
                .entry(CALL_FEATURE.to_owned())
                .or_default();
            count.total += 1;
            count.passed += usize::from(outcome.status == Status::Passed);
        }
        if outcome.status != Status::Passed {
            self.problems.push(outcome);
        }
    }

    /// Cases with this status kind.
    pub fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        let passed = if f(&Status::Passed) {
            self.counts.passed
        } else {
            0
        };
        passed
            + self
                .problems
                .iter()
                .filter(|o| o.status != Status::Passed && f(&o.status))
                .count()
    }

    /// Whether the candidate conforms: no unexpected disagreement, no unexpected pass, no
    /// candidate failure.
    pub fn passed(&self) -> bool {
        self.candidate_failure.is_none()
            && self.counts.failed == 0
            && self.counts.unexpected_passes == 0
            && self.invariants.passed()
            && self.stale_known_groups.is_empty()
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
    jobs::run_inline(candidate, config, progress)
}

/// Run several candidates (evaluator processes) side by side: the cases are dealt out
/// round-robin, the disagreements shrunk in parallel, and the report is in the same order as
/// [`run`] with one candidate gives.
pub fn run_jobs(
    candidates: &mut [Box<dyn Candidate + Send + '_>],
    config: &Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    jobs::run_parallel(candidates, config, progress)
}

/// Whether a smaller case still shows the disagreement being shrunk (the shrinker's "still
/// interesting" predicate): the cause is kept, not only the class
/// ([`crate::groups::keeps_cause`]), and the two answers still disagree.
fn keeps_the_disagreement(
    original: (&AnswerLine, &AnswerLine),
    probe: (&AnswerLine, &AnswerLine),
    config: &Config,
) -> bool {
    crate::groups::keeps_cause(original, probe) && differs(probe.0, probe.1, config).is_some()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::CandidateFailure;
    use crate::oracle::Oracle;
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

    /// A corpus of one golden case expecting `explicitDeny`.
    fn one_case_corpus(case: CaseLine) -> Corpus {
        Corpus {
            parse: Vec::new(),
            calls: Vec::new(),
            decisions: vec![crate::cases::DecisionCase {
                id: case.id.clone(),
                description: String::new(),
                source: String::new(),
                implementation_defined: Vec::new(),
                case,
                expect: "explicitDeny".into(),
                matched: None,
            }],
        }
    }

    #[test]
    fn a_disagreement_shrinks_with_fresh_ids() {
        let case = CaseLine::from_value(&json!({
            "id": "eval/x#gen-1",
            "policies": [{"Version": "2012-10-17", "Statement": [
                {"Sid": "A", "Effect": "Deny", "Action": ["iot:DescribeJob", "iot:ListJobs"], "Resource": "*"},
                {"Sid": "B", "Effect": "Allow", "Action": "iot:*", "Resource": "*"}]}],
            "request": {"action": "iot:DescribeJob", "resource": "*", "context": {"aws:SourceIp": "192.0.2.1"}}
        }))
        .unwrap();
        let mut candidate = AllowAll::default();
        let config = Config {
            corpus: Some(one_case_corpus(case)),
            generated: 0,
            ..Config::default()
        };
        let report = run(&mut candidate, &config, &mut |_, _| {});
        assert_eq!(report.counts.failed, 1);
        let outcome = &report.problems[0];
        assert_eq!(outcome.status, Status::Failed);
        assert_eq!(outcome.position, 0);
        assert!(outcome.shrunk);
        let minimal = outcome.minimal.as_ref().unwrap();
        assert_eq!(minimal.id, "eval/x#gen-1");
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

    /// Answers like the reference, except `allowed` wherever the reference says
    /// `implicitDeny`; `Send`, to run as several jobs.
    struct AllowsImplicitDenies(Oracle);

    impl Candidate for AllowsImplicitDenies {
        fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
            let mut answer = self.0.answer(case);
            if answer.verdict == Verdict::Decision(Decision::ImplicitDeny) {
                answer.verdict = Verdict::Decision(Decision::Allow);
            }
            Ok(answer)
        }
    }

    /// Every 12th golden decision case (about 60).
    fn small_corpus() -> Corpus {
        let mut corpus = Corpus::embedded().unwrap();
        corpus.decisions = corpus.decisions.into_iter().step_by(12).collect();
        corpus.parse.clear();
        corpus
    }

    fn verdicts(report: &Report) -> Vec<(String, usize, Status, String, String, String)> {
        report
            .problems
            .iter()
            .map(|o| {
                (
                    o.id.clone(),
                    o.position,
                    o.status.clone(),
                    o.expected.clone(),
                    o.got.clone(),
                    o.detail.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn jobs_give_the_report_of_one_process() {
        let config = Config {
            corpus: Some(small_corpus()),
            generated: 60,
            // Attempts, not time, bound these shrinks: the same minimal cases either way.
            shrink_time: Some(Duration::from_secs(60)),
            shrink_budget: 40,
            ..Config::default()
        };
        let one = run(
            &mut AllowsImplicitDenies(Oracle::new()),
            &config,
            &mut |_, _| {},
        );
        let mut candidates: Vec<Box<dyn Candidate + Send>> = (0..3)
            .map(|_| Box::new(AllowsImplicitDenies(Oracle::new())) as Box<dyn Candidate + Send>)
            .collect();
        let mut seen = Vec::new();
        let three = run_jobs(&mut candidates, &config, &mut |done, _| seen.push(done));
        assert!(one.counts.failed > 20, "{:?}", one.counts);
        assert_eq!(one.counts, three.counts);
        assert_eq!(
            one.skipped_implementation_defined,
            three.skipped_implementation_defined
        );
        assert_eq!(verdicts(&one), verdicts(&three));
        let minimal = |r: &Report| {
            r.problems
                .iter()
                .map(|o| o.minimal.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(minimal(&one), minimal(&three));
        // The same groups, in the same order, with the same members: shrinking side by side
        // forms them as one process does.
        let groups = |r: &Report| {
            r.groups
                .iter()
                .map(|g| (g.key.clone(), g.ids.clone(), g.minimal.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(groups(&one), groups(&three));
        // Cases join a group unshrunk only with the group's own cause key; every case of a
        // group has it, shrunk or not, so each group's members show its cause.
        let shrunk = one.problems.iter().filter(|o| o.shrunk).count();
        assert!(shrunk >= 1, "{shrunk}");
        assert!(one.groups.len() < one.counts.failed);
        let mut oracle = Oracle::new();
        // (A call case is grouped by the check it shows, not shrunk: decision cases here.)
        let decisions = one
            .problems
            .iter()
            .filter(|o| o.group.is_some() && !o.labels.iter().any(|l| l == CALL_FEATURE));
        for o in decisions {
            let minimal = o.minimal.as_ref().unwrap();
            // The case's implementation-defined points are its minimal case's too.
            let points: Vec<String> = o
                .labels
                .iter()
                .filter(|l| l.starts_with("ID-"))
                .cloned()
                .collect();
            let points = crate::groups::deciding_tags(
                &mut oracle,
                minimal,
                &points,
                &crate::answer_set::DeclaredReadings::default(),
            );
            let reference = oracle.answer(minimal);
            let labels = crate::labels::case_labels(minimal, &reference, &points);
            // The candidate never errs; the reference may (a request it refuses).
            let reference_error = crate::groups::masked_error(&reference);
            let errors = crate::groups::Errors {
                candidate: None,
                reference: reference_error.as_deref(),
            };
            assert_eq!(
                Some(crate::groups::cause_key(
                    &labels,
                    &o.expected,
                    &o.got,
                    errors
                )),
                o.group,
                "{}",
                o.id
            );
        }
        // Positions ascend: the report is in run order (call cases come after every decision
        // case, and report no progress).
        let decisions: Vec<&Outcome> = three
            .problems
            .iter()
            .filter(|o| !o.labels.iter().any(|l| l == CALL_FEATURE))
            .collect();
        assert!(decisions.windows(2).all(|w| w[0].position < w[1].position));
        let calls = three.label_counts.get(CALL_FEATURE).map_or(0, |c| c.total);
        assert_eq!(seen, (1..=three.counts.total() - calls).collect::<Vec<_>>());
    }

    #[test]
    fn shards_together_are_the_whole_run() {
        let config = Config {
            corpus: Some(small_corpus()),
            generated: 60,
            shrink_budget: 0,
            ..Config::default()
        };
        let whole = run(
            &mut AllowsImplicitDenies(Oracle::new()),
            &config,
            &mut |_, _| {},
        );
        let mut counts = Counts::default();
        let mut skipped = 0;
        let mut problems = Vec::new();
        for index in 1..=4 {
            let shard = Shard { index, count: 4 };
            let part = run(
                &mut AllowsImplicitDenies(Oracle::new()),
                &Config {
                    shard: Some(shard),
                    ..config.clone()
                },
                &mut |_, _| {},
            );
            assert_eq!(part.shard, Some(shard));
            assert!(part.problems.iter().all(|o| shard.contains(o.position)));
            counts.merge(&part.counts);
            skipped += part.skipped_implementation_defined;
            problems.extend(part.problems);
        }
        problems.sort_by_key(|o| o.position);
        assert_eq!(counts, whole.counts);
        assert_eq!(skipped, whole.skipped_implementation_defined);
        let merged = Report {
            problems,
            ..Report::default()
        };
        assert_eq!(verdicts(&merged), verdicts(&whole));
    }

    #[test]
    fn a_candidate_failure_ends_the_run_at_its_case_with_any_number_of_jobs() {
        /// Fails on the case at its 40th answer.
        struct CrashesAt(usize, usize);
        impl Candidate for CrashesAt {
            fn answer(&mut self, case: &CaseLine) -> Result<AnswerLine, CandidateFailure> {
                self.0 += 1;
                if self.0 == self.1 {
                    return Err(CandidateFailure::Exited {
                        case: case.id.clone(),
                        status: crate::candidate::ExitNote::Unknown,
                    });
                }
                Ok(Oracle::new().answer(case))
            }
        }
        // Strict: no case is left out, so every slot asks a candidate.
        let config = Config {
            golden: false,
            generated: 200,
            strict: true,
            ..Config::default()
        };
        let one = run(&mut CrashesAt(0, 40), &config, &mut |_, _| {});
        assert!(one.candidate_failure.is_some());
        assert_eq!(one.counts.total(), 39);
        let mut two: Vec<Box<dyn Candidate + Send>> = vec![
            Box::new(CrashesAt(0, usize::MAX)),
            Box::new(CrashesAt(0, 40)),
        ];
        let report = run_jobs(&mut two, &config, &mut |_, _| {});
        assert!(report.candidate_failure.is_some());
        // The second job's 40th case is the run's 80th slot: 79 answered before it.
        assert_eq!(report.counts.total(), 79);
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
