//! Call cases in the gate (protocol 1.1): each call is expanded into ordinary case lines
//! `<id>/<n>`, the candidate answers them as any v1 evaluator does, and the gate combines its
//! answers and compares the combination with the reference's (and a golden call's
//! expectation). Outcomes carry the feature label `call`. Call cases are not shrunk: a
//! failure shows the first check whose answer differs, with the reference's explanation.

use iam_eval::call::CallChecks;
use iam_eval::Point;

use crate::calls::generate::generate_call_cases;
use crate::calls::golden::GoldenCall;
use crate::calls::{answer_directly, check_call_invariant, combine_answers, CallCase};
use crate::candidate::{Candidate, CandidateFailure};
use crate::groups;
use crate::labels::case_labels;
use crate::oracle::Oracle;
use crate::protocol::{AnswerLine, CaseLine, Verdict};

use super::{differs, Config, Origin, Outcome, Report, Status};

/// The feature label of call outcomes.
pub const FEATURE: &str = "call";

/// How many generated call cases a run of `generated` ordinary cases adds: one in twenty.
pub fn generated_calls(generated: usize) -> usize {
    generated / 20
}

/// The reading of ID-22 the run expands calls under: the declared one, else the reference's.
/// (Each check is an ordinary request the candidate answers; which checks a call has is the
/// gate's expansion, so the reading is the user's to declare, never one a candidate shows.)
fn call_checks(config: &Config) -> CallChecks {
    config
        .readings
        .of(Point::Id22)
        .and_then(|i| CallChecks::ALL.get(i).copied())
        .unwrap_or_default()
}

/// The golden call cases of the run, each with its run position (from `first`, in corpus
/// order), and the first position after them: filtered, in this run's shard, and without
/// `--strict` those that depend on an `ID-n` choice left out (and counted).
pub(super) fn golden_calls(
    config: &Config,
    report: &mut Report,
    first: usize,
) -> (Vec<(usize, GoldenCall)>, usize) {
    if !config.golden {
        return (Vec::new(), first);
    }
    let corpus = match &config.corpus {
        Some(c) => c.calls.clone(),
        None => match crate::cases::Corpus::embedded() {
            Ok(c) => c.calls,
            Err(_) => return (Vec::new(), first),
        },
    };
    let next = first.saturating_add(corpus.len());
    let calls = corpus
        .into_iter()
        .enumerate()
        .map(|(i, c)| (first.saturating_add(i), c))
        .filter(|(position, _)| in_shard(config, *position))
        .filter(|(_, c)| {
            config
                .filter
                .as_ref()
                .is_none_or(|f| c.id.contains(f.as_str()))
        })
        .filter(|(_, c)| {
            let keep = config.strict || c.implementation_defined.iter().all(|t| t == "ID-22");
            if !keep {
                report.skipped_implementation_defined += 1;
            }
            keep
        })
        .collect();
    (calls, next)
}

/// Whether the case at run position `position` belongs to this run's shard.
fn in_shard(config: &Config, position: usize) -> bool {
    config.shard.is_none_or(|s| s.contains(position))
}

/// Run the golden and generated call cases of the run's shard; the call cases take the run
/// positions from `first` on (after every decision case), golden ones first.
pub(super) fn run_calls(
    candidate: &mut dyn Candidate,
    oracle: &mut Oracle,
    config: &Config,
    first: usize,
    report: &mut Report,
) -> Result<(), CandidateFailure> {
    let (golden, next) = golden_calls(config, report, first);
    for (position, g) in &golden {
        run_call(
            candidate,
            oracle,
            config,
            (&g.case, *position),
            Origin::Golden,
            Some(&g.expect),
            report,
        )?;
    }
    let generated = generate_call_cases(config.seed, generated_calls(config.generated));
    for (i, case) in generated.enumerate() {
        let position = next.saturating_add(i);
        if !in_shard(config, position)
            || config
                .filter
                .as_ref()
                .is_some_and(|f| !case.id.contains(f.as_str()))
        {
            continue;
        }
        run_call(
            candidate,
            oracle,
            config,
            (&case, position),
            Origin::Generated,
            None,
            report,
        )?;
    }
    Ok(())
}

fn run_call(
    candidate: &mut dyn Candidate,
    oracle: &mut Oracle,
    config: &Config,
    (case, position): (&CallCase, usize),
    origin: Origin,
    golden_expect: Option<&str>,
    report: &mut Report,
) -> Result<(), CandidateFailure> {
    let mut outcome = Outcome {
        id: case.id.clone(),
        // After every decision case of the run.
        position,
        origin,
        status: Status::Passed,
        expected: String::new(),
        got: String::new(),
        detail: String::new(),
        minimal: None,
        explanation: None,
        saved: None,
        shrunk: false,
        labels: vec![FEATURE.to_owned()],
        group: None,
        variant: None,
    };
    let reading = call_checks(config);
    let lines = match case.check_lines_under(reading) {
        Ok(lines) => lines,
        Err(message) => {
            // A call AWS would not take is the case's own fault: it is an error whoever
            // answers, and the golden expectation must say so.
            outcome.expected = "error".into();
            outcome.got = "error".into();
            if golden_expect.is_some_and(|e| e != "error") {
                outcome.status = Status::Failed;
                outcome.detail = format!("the call does not expand: {message}");
            }
            report.record(outcome);
            return Ok(());
        }
    };
    let mut references = Vec::with_capacity(lines.len());
    let mut answers = Vec::with_capacity(lines.len());
    for line in &lines {
        references.push(oracle.answer(line));
        answers.push(candidate.answer(line)?);
    }
    let (reference, got) = (combine_answers(&references), combine_answers(&answers));
    outcome.expected = reference.word().to_owned();
    outcome.got = got.word().to_owned();
    let mut problems = Vec::new();
    let as_answer = |verdict: &crate::protocol::Verdict| AnswerLine {
        id: Some(case.id.clone()),
        verdict: verdict.clone(),
        matched: None,
    };
    // The combination has no deciding statements: it is compared by its verdict (or, with
    // `--compare allowed`, as allowed / not allowed).
    let whole = if config.compare_allowed {
        differs(&as_answer(&reference), &as_answer(&got), config)
    } else {
        (reference.word() != got.word())
            .then(|| format!("expected `{}`, got `{}`", reference.word(), got.word()))
    };
    if let Some(why) = whole {
        problems.push(format!("the call: {why}"));
    }
    // A golden expectation is written under the reference's reading of ID-22.
    let golden_expect = golden_expect.filter(|_| reading == CallChecks::Every);
    if let Some(expect) = golden_expect {
        // With `--compare allowed`, the expectation too is compared as allowed or not.
        let allowed_agrees =
            config.compare_allowed && (expect == "allowed") == (got.word() == "allowed");
        if expect != got.word() && !allowed_agrees && problems.is_empty() {
            problems.push(format!(
                "the corpus expects `{expect}` for the call, got `{}`",
                got.word()
            ));
        }
    }
    // The reference's own direct answer must keep the invariant against its checks alone.
    if let Err(broken) = check_call_invariant(answer_directly(oracle, case).decision, &references) {
        problems.push(format!(
            "invariant `call-allowed-only-if-every-check-is`: {broken}"
        ));
    }
    let differing = lines
        .iter()
        .zip(references.iter().zip(&answers))
        .find_map(|(line, (r, a))| differs(r, a, config).map(|why| (line, why, r, a)));
    // A check answered differently is a disagreement on an ordinary request, even when the
    // combination happens to agree; its two answers are the failure's cause.
    let check_answers = differing
        .as_ref()
        .map(|(_, _, r, a)| (r.verdict.word().to_owned(), (*a).clone()));
    if let Some((line, why, _, _)) = differing {
        problems.push(format!(
            "check `{}` ({} on {}): {why}",
            line.id, line.request.action, line.request.resource
        ));
        outcome.explanation = Some(
            oracle
                .explain(line)
                .unwrap_or_else(|e| format!("error: {e}")),
        );
        outcome.minimal = Some(line.clone());
    }
    outcome.detail = problems.join("; ");
    let failed = !problems.is_empty();
    if failed {
        let shown = outcome.minimal.clone().or_else(|| lines.first().cloned());
        if let Some(line) = shown {
            let combined = AnswerLine {
                id: Some(case.id.clone()),
                verdict: got.clone(),
                matched: None,
            };
            let (expected, answer) = match &check_answers {
                Some((expected, answer)) => (expected.as_str(), answer),
                None => (outcome.expected.as_str(), &combined),
            };
            let expected = expected.to_owned();
            group(oracle, report, &mut outcome, &line, &expected, answer);
        }
    }
    let known = config.known_failures.iter().find(|k| {
        k.matches(
            &case.id,
            outcome.group.as_deref(),
            outcome.variant.as_deref(),
        )
    });
    outcome.status = match (failed, known) {
        (false, None) => Status::Passed,
        (false, Some(k)) => Status::UnexpectedPass(k.reason.clone()),
        (true, Some(k)) => Status::ExpectedFailure(k.reason.clone()),
        (true, None) => Status::Failed,
    };
    report.record(outcome);
    Ok(())
}

/// Put a failed call in its failure group: `call` and the labels of the check shown (the one
/// that differs, else the first), with that check's two answers (the combined ones when no
/// check differs): a call that fails on a check has the cause of that check.
fn group(
    oracle: &mut Oracle,
    report: &mut Report,
    outcome: &mut Outcome,
    line: &CaseLine,
    expected: &str,
    combined: &AnswerLine,
) {
    let reference_answer = oracle.answer(line);
    let mut labels = case_labels(line, &reference_answer, &[]);
    labels.push(FEATURE.to_owned());
    labels.extend(groups::root::deciding_family(
        oracle,
        line,
        combined.verdict.word(),
    ));
    labels.sort();
    labels.dedup();
    // The reference's answer the group is keyed by: the shown check's, or (no check
    // differs) the call's expected decision.
    let reference = if reference_answer.verdict.word() == expected {
        reference_answer
    } else {
        AnswerLine {
            id: None,
            verdict: iam_eval::Decision::from_protocol_str(expected)
                .map_or_else(|| Verdict::Error(String::new()), Verdict::Decision),
            matched: None,
        }
    };
    let candidate_error = groups::masked_error(combined);
    let reference_error = groups::masked_error(&reference);
    let found = groups::find_group(
        &report.groups,
        &labels,
        expected,
        combined.verdict.word(),
        groups::Errors {
            candidate: candidate_error.as_deref(),
            reference: reference_error.as_deref(),
        },
    );
    let variant = groups::variant_of(&labels, &reference, combined);
    let index = match found {
        Some(i) => {
            groups::join(&mut report.groups, i, &outcome.id, &variant);
            i
        }
        None => {
            let explanation = outcome.explanation.clone().unwrap_or_default();
            groups::add(
                &mut report.groups,
                labels.clone(),
                &reference,
                combined,
                line,
                &explanation,
                &outcome.id,
            )
        }
    };
    outcome.group = report.groups.get(index).map(|g| g.key.clone());
    outcome.variant = Some(variant);
    labels.retain(|l| !l.starts_with(groups::root::DECIDES));
    outcome.labels = labels;
}
