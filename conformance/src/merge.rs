//! Joining the JSON reports of the shards of one run (`iamconf check --shard K/N --format
//! json`) back into the report of the whole run: `iamconf merge`.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::gate::{Counts, Origin, Outcome, Report, Shard, Status};
use crate::groups::Group;
use crate::labels::mask_message;
use crate::protocol::CaseLine;

/// A report read back from its JSON, with what the command line added to it.
#[derive(Debug, Clone, Default)]
pub struct ReadReport {
    /// The gate's report.
    pub report: Report,
    /// The self-check's problems (runs without `--evaluator`).
    pub self_check_problems: Vec<String>,
}

fn field<'v>(doc: &'v Map<String, Value>, name: &str) -> Result<&'v Value, String> {
    doc.get(name)
        .ok_or_else(|| format!("the report has no `{name}`"))
}

fn count(doc: &Map<String, Value>, name: &str) -> Result<usize, String> {
    field(doc, name)?
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("`{name}` must be a whole number"))
}

fn text(doc: &Map<String, Value>, name: &str) -> Result<String, String> {
    match doc.get(name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("`{name}` must be a string")),
    }
}

fn optional_text(doc: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    text(doc, name).map(|s| (!s.is_empty()).then_some(s))
}

fn outcome(value: &Value) -> Result<Outcome, String> {
    let doc = value
        .as_object()
        .ok_or("each problem must be a JSON object")?;
    let id = text(doc, "id")?;
    let at = |e: String| format!("problem `{id}`: {e}");
    let reason = text(doc, "reason").map_err(at)?;
    let status = match text(doc, "status").map_err(at)?.as_str() {
        "failed" => Status::Failed,
        "expected-failure" => Status::ExpectedFailure(reason),
        "unexpected-pass" => Status::UnexpectedPass(reason),
        other => return Err(at(format!("unknown status `{other}`"))),
    };
    let origin = match text(doc, "origin").map_err(at)?.as_str() {
        "golden" => Origin::Golden,
        "generated" => Origin::Generated,
        other => return Err(at(format!("unknown origin `{other}`"))),
    };
    // A call's minimal case is one of its checks, with an id of its own.
    let minimal_id = optional_text(doc, "minimal_id").map_err(at)?;
    let minimal = match doc.get("minimal") {
        None | Some(Value::Null) => None,
        Some(value) => Some(case(value, minimal_id.as_deref().unwrap_or(&id)).map_err(at)?),
    };
    Ok(Outcome {
        position: count(doc, "position").map_err(at)?,
        origin,
        status,
        expected: text(doc, "expected").map_err(at)?,
        got: text(doc, "got").map_err(at)?,
        detail: text(doc, "detail").map_err(at)?,
        minimal,
        explanation: optional_text(doc, "explanation").map_err(at)?,
        saved: optional_text(doc, "saved").map_err(at)?.map(Into::into),
        shrunk: doc.get("shrunk").and_then(Value::as_bool).unwrap_or(false),
        labels: strings(doc, "labels").map_err(at)?,
        group: optional_text(doc, "group").map_err(at)?,
        variant: optional_text(doc, "variant").map_err(at)?,
        id,
    })
}

/// A case as the reports show it (`{policies, request}`), with its id.
fn case(value: &Value, id: &str) -> Result<CaseLine, String> {
    let Value::Object(case) = value else {
        return Err("`minimal` must be a case object".into());
    };
    let mut case = case.clone();
    case.insert("id".into(), Value::String(id.to_owned()));
    CaseLine::from_value(&Value::Object(case))
        .map_err(|(_, e)| format!("`minimal` is not a case: {e}"))
}

fn strings(doc: &Map<String, Value>, name: &str) -> Result<Vec<String>, String> {
    match doc.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("`{name}` must be an array of strings")),
        Some(_) => Err(format!("`{name}` must be an array of strings")),
    }
}

/// A failure group; its members are the problems that name it.
fn group(value: &Value, problems: &[Outcome]) -> Result<Group, String> {
    let doc = value
        .as_object()
        .ok_or("each group must be a JSON object")?;
    let key = text(doc, "key")?;
    let at = |e: String| format!("group `{key}`: {e}");
    let message = optional_text(doc, "candidate_error").map_err(at)?;
    let minimal_id = text(doc, "minimal_id").map_err(at)?;
    let minimal = case(field(doc, "minimal").map_err(at)?, &minimal_id).map_err(at)?;
    Ok(Group {
        labels: strings(doc, "labels").map_err(at)?,
        expected: text(doc, "expected").map_err(at)?,
        got: text(doc, "got").map_err(at)?,
        candidate_error: message.as_deref().map(mask_message),
        candidate_message: message,
        minimal,
        explanation: text(doc, "explanation").map_err(at)?,
        count: count(doc, "count").map_err(at)?,
        ids: problems
            .iter()
            .filter(|o| o.group.as_deref() == Some(key.as_str()))
            .map(|o| o.id.clone())
            .collect(),
        variants: variants(doc).map_err(at)?,
        key,
    })
}

/// A group's `variants`: `[{variant, count}]` (absent in reports written before variants).
fn variants(doc: &Map<String, Value>) -> Result<Vec<(String, usize)>, String> {
    match doc.get("variants") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                let item = item
                    .as_object()
                    .ok_or("each of `variants` must be an object")?;
                Ok((text(item, "variant")?, count(item, "count")?))
            })
            .collect(),
        Some(_) => Err("`variants` must be an array".into()),
    }
}

/// `label_counts`: `{label: {passed, total}}` (absent when the run did not count labels).
fn label_counts(
    doc: &Map<String, Value>,
) -> Result<std::collections::BTreeMap<String, crate::gate::LabelCount>, String> {
    let mut out = std::collections::BTreeMap::new();
    if let Some(Value::Object(labels)) = doc.get("label_counts") {
        for (label, value) in labels {
            let count = value
                .as_object()
                .ok_or_else(|| format!("label count `{label}` must be an object"))?;
            out.insert(
                label.clone(),
                crate::gate::LabelCount {
                    passed: self::count(count, "passed")?,
                    total: self::count(count, "total")?,
                },
            );
        }
    }
    Ok(out)
}

/// The name of a comparison, as the gate spells it.
fn comparison(name: &str) -> Result<&'static str, String> {
    match name {
        "" | "decision" => Ok("decision"),
        "allowed" => Ok("allowed"),
        "matched" => Ok("matched"),
        other => Err(format!("unknown comparison `{other}`")),
    }
}

/// Read a report written by `iamconf check --format json`.
pub fn read_report(json: &str) -> Result<ReadReport, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| format!("not a JSON report: {e}"))?;
    let doc = value.as_object().ok_or("a report is a JSON object")?;
    let shard = match doc.get("shard") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.parse::<Shard>()?),
        Some(_) => return Err("`shard` must be a string `K/N`".into()),
    };
    let problems = field(doc, "problems")?
        .as_array()
        .ok_or("`problems` must be an array")?
        .iter()
        .map(outcome)
        .collect::<Result<Vec<_>, _>>()?;
    let counts = Counts {
        golden: count(doc, "golden")?,
        generated: count(doc, "generated")?,
        passed: count(doc, "passed")?,
        failed: count(doc, "failed")?,
        expected_failures: count(doc, "expected_failures")?,
        unexpected_passes: count(doc, "unexpected_passes")?,
    };
    let elapsed = field(doc, "elapsed_seconds")?
        .as_f64()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or("`elapsed_seconds` must be a number of seconds")?;
    let self_check_problems = match doc.get("self_check_problems") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|p| p.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or("`self_check_problems` must be strings")?,
        Some(_) => return Err("`self_check_problems` must be an array".into()),
    };
    let groups = match doc.get("groups") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|g| group(g, &problems))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err("`groups` must be an array".into()),
    };
    Ok(ReadReport {
        report: Report {
            label_counts: label_counts(doc)?,
            groups,
            comparison: comparison(&text(doc, "comparison")?)?,
            problems,
            counts,
            skipped_implementation_defined: count(doc, "implementation_defined_left_out")?,
            readings: crate::inferred::ReadingsTally::from_json(doc.get("readings"))?,
            candidate_failure: optional_text(doc, "candidate_failure")?,
            stderr_tail: text(doc, "stderr_tail")?,
            elapsed,
            shard,
            invariants: crate::invariants::shares::from_json(doc.get("invariants"))?,
            stale_known_groups: strings(doc, "stale_known_groups")?,
        },
        self_check_problems,
    })
}

/// Join the reports of all the shards of one run (each exactly once, in any order) into the
/// report of the whole run: counts added, problems in run order, candidate failures and
/// standard-error tails named by shard, the time of the longest shard.
pub fn merge(parts: Vec<ReadReport>) -> Result<ReadReport, String> {
    let help =
        "help: pass the JSON reports of `iamconf check --shard K/N --format json`, one per shard";
    let mut shards: Vec<Shard> = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let shard = part
            .report
            .shard
            .ok_or_else(|| format!("report {} is not a shard's report; {help}", i + 1))?;
        shards.push(shard);
    }
    let Some(count) = shards.first().map(|s| s.count) else {
        return Err(format!("no report to merge; {help}"));
    };
    for index in 1..=count {
        let found = shards.iter().filter(|s| s.index == index).count();
        if found == 0 {
            return Err(format!("shard {index}/{count} is missing; {help}"));
        }
        if found > 1 {
            return Err(format!(
                "shard {index}/{count} is given {found} times; {help}"
            ));
        }
    }
    if let Some(other) = shards.iter().find(|s| s.count != count) {
        return Err(format!(
            "shard {other} is not one of {count} shards like the first report's; {help}"
        ));
    }
    let mut merged = ReadReport::default();
    if let Some(first) = parts.first() {
        merged.report.comparison = first.report.comparison;
    }
    if let Some(other) = parts
        .iter()
        .find(|p| p.report.comparison != merged.report.comparison)
    {
        return Err(format!(
            "the shards compared differently (`{}` and `{}`); {help}",
            merged.report.comparison, other.report.comparison
        ));
    }
    let mut order: Vec<(Shard, ReadReport)> = shards.into_iter().zip(parts).collect();
    order.sort_by_key(|(s, _)| s.index);
    let mut failures = Vec::new();
    let mut invariants = Vec::with_capacity(order.len());
    // A `group=` line is stale for the whole run only when no shard had a failure in it.
    let mut stale: Option<Vec<String>> = None;
    for (shard, part) in order {
        let mut report = part.report;
        invariants.push(std::mem::take(&mut report.invariants));
        let lines = std::mem::take(&mut report.stale_known_groups);
        stale = Some(match stale {
            None => lines,
            Some(so_far) => so_far.into_iter().filter(|l| lines.contains(l)).collect(),
        });
        merged.report.counts.merge(&report.counts);
        merged.report.skipped_implementation_defined += report.skipped_implementation_defined;
        if merged.report.readings.points.is_empty() && merged.report.readings.several_answers == 0 {
            merged.report.readings.declared = report.readings.declared.clone();
        }
        merged.report.readings.merge(&report.readings);
        merged.report.elapsed = merged.report.elapsed.max(report.elapsed);
        merged.report.problems.extend(report.problems);
        for (label, count) in report.label_counts {
            let merged_count = merged.report.label_counts.entry(label).or_default();
            merged_count.passed += count.passed;
            merged_count.total += count.total;
        }
        for group in report.groups {
            match merged.report.groups.iter_mut().find(|g| g.key == group.key) {
                Some(existing) => {
                    existing.count += group.count;
                    existing.ids.extend(group.ids);
                    for (variant, n) in group.variants {
                        match existing.variants.iter_mut().find(|(v, _)| *v == variant) {
                            Some((_, m)) => *m += n,
                            None => existing.variants.push((variant, n)),
                        }
                    }
                }
                None => merged.report.groups.push(group),
            }
        }
        if let Some(failure) = report.candidate_failure {
            failures.push(format!("shard {shard}: {failure}"));
        }
        if !report.stderr_tail.trim().is_empty() {
            merged
                .report
                .stderr_tail
                .push_str(&format!("[shard {shard}]\n{}\n", report.stderr_tail));
        }
        merged.self_check_problems.extend(
            part.self_check_problems
                .into_iter()
                .map(|p| format!("shard {shard}: {p}")),
        );
    }
    merged.report.problems.sort_by_key(|o| o.position);
    merged.report.invariants = crate::invariants::through::InvariantRun::merge(invariants);
    merged.report.stale_known_groups = stale.unwrap_or_default();
    // Groups in the order each first appears in the run, members in run order.
    let position = |id: &str| {
        merged
            .report
            .problems
            .iter()
            .find(|o| o.id == id)
            .map_or(usize::MAX, |o| o.position)
    };
    let mut groups = std::mem::take(&mut merged.report.groups);
    for group in &mut groups {
        group.ids.sort_by_key(|id| position(id));
    }
    groups.sort_by_key(|g| g.ids.first().map_or(usize::MAX, |id| position(id)));
    merged.report.groups = groups;
    merged.report.candidate_failure = (!failures.is_empty()).then(|| failures.join("\n"));
    Ok(merged)
}

/// The known-failures view of a report: a known-failures file (`iamconf check
/// --known-failures`) listing every case that does not pass today, each with why; cases that
/// now pass although listed are named in comments, to be removed.
pub fn known_failures(report: &Report) -> String {
    let mut out = String::from(
        "# Known failures: CASE-ID-GLOB reason (iamconf check --known-failures FILE)\n",
    );
    for o in &report.problems {
        match &o.status {
            Status::Failed => out.push_str(&format!("{}  {}\n", o.id, one_line(&o.detail))),
            Status::ExpectedFailure(reason) => {
                out.push_str(&format!("{}  {}\n", o.id, one_line(reason)));
            }
            Status::UnexpectedPass(reason) => out.push_str(&format!(
                "# passes now, remove it from the list: {}  {}\n",
                o.id,
                one_line(reason)
            )),
            Status::Passed => {}
        }
    }
    out.push_str(&crate::invariants::shares::known_failure_lines(
        &report.invariants,
    ));
    out
}

fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        "(no reason given)".to_owned()
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{run, Config};
    use crate::report::json_report;
    use iam_eval::{Decision, Evaluator, Request, Response};

    /// Allows everything: fails every case that does not expect `allowed`.
    struct AllowAll;
    impl Evaluator for AllowAll {
        fn evaluate(&self, _: &[&str], _: &Request) -> Response {
            Response {
                decision: Some(Decision::Allow),
                ..Response::new()
            }
        }
    }

    fn shard_report(shard: Option<Shard>) -> ReadReport {
        let mut corpus = crate::cases::Corpus::embedded().unwrap();
        corpus.decisions = corpus.decisions.into_iter().step_by(10).collect();
        let config = Config {
            corpus: Some(corpus),
            generated: 40,
            shrink_budget: 0,
            invariant_cases: 20,
            shard,
            ..Config::default()
        };
        let report = run(
            &mut crate::candidate::InProcess(&AllowAll),
            &config,
            &mut |_, _| {},
        );
        read_report(&json_report(&report)).unwrap()
    }

    #[test]
    fn a_json_report_reads_back_as_it_was() {
        let config = Config {
            generated: 0,
            filter: Some("/seed/".into()),
            shrink_budget: 20,
            ..Config::default()
        };
        let report = run(
            &mut crate::candidate::InProcess(&AllowAll),
            &config,
            &mut |_, _| {},
        );
        assert!(report.counts.failed > 0);
        let back = read_report(&json_report(&report)).unwrap().report;
        assert_eq!(back.counts, report.counts);
        assert_eq!(back.problems, report.problems);
        assert_eq!(back.passed(), report.passed());
    }

    #[test]
    fn merged_shards_are_the_whole_run() {
        let whole = shard_report(None).report;
        let parts: Vec<ReadReport> = [3, 1, 2]
            .iter()
            .map(|&index| shard_report(Some(Shard { index, count: 3 })))
            .collect();
        let merged = merge(parts).unwrap().report;
        assert_eq!(merged.counts, whole.counts);
        assert_eq!(
            merged.skipped_implementation_defined,
            whole.skipped_implementation_defined
        );
        // Groups form within each shard (a case joins a group only its own shard formed), so
        // the merged report's group keys may differ from the whole run's, and so may which
        // cases were shrunk (a case that has the key of a group formed before it joins it
        // unshrunk); the verdicts do not.
        let without_groups = |r: &Report| {
            r.problems
                .iter()
                .cloned()
                .map(|mut o| {
                    o.group = None;
                    o.variant = None;
                    o.minimal = None;
                    o.shrunk = false;
                    o.explanation = None;
                    o
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(without_groups(&merged), without_groups(&whole));
        // Every disagreement is in one merged group, and the counts add up.
        let grouped: usize = merged.groups.iter().map(|g| g.count).sum();
        assert_eq!(grouped, merged.counts.failed);
        for o in &merged.problems {
            let key = o.group.as_deref().unwrap();
            assert!(merged
                .groups
                .iter()
                .any(|g| g.key == key && g.ids.contains(&o.id)));
        }
        assert!(!merged.passed());
        let view = known_failures(&merged);
        for o in &whole.problems {
            let line = format!("{}  {}\n", o.id, one_line(&o.detail));
            assert!(view.contains(&line), "{line} in {view}");
        }
        // The view is a known-failures file the gate accepts.
        let listed = crate::gate::parse_known_failures(&view).unwrap();
        let (invariant_lines, case_lines): (Vec<_>, Vec<_>) = listed
            .iter()
            .partition(|k| k.pattern.starts_with(crate::gate::INVARIANT_PREFIX));
        assert_eq!(case_lines.len(), whole.problems.len());
        // The invariants merge back too: the same tallies, one line per violated invariant.
        assert_eq!(merged.invariants.tallies, whole.invariants.tallies);
        let violated = whole.invariants.tallies.iter().filter(|t| t.violations > 0);
        assert!(violated.clone().count() > 0);
        assert_eq!(invariant_lines.len(), violated.count());
    }

    #[test]
    fn missing_or_repeated_shards_are_refused() {
        let one = shard_report(Some(Shard { index: 1, count: 2 }));
        let e = merge(vec![one.clone()]).unwrap_err();
        assert!(e.contains("shard 2/2 is missing"), "{e}");
        let e = merge(vec![one.clone(), one.clone()]).unwrap_err();
        assert!(e.contains("shard 1/2 is given 2 times"), "{e}");
        let e = merge(vec![shard_report(None)]).unwrap_err();
        assert!(e.contains("not a shard's report"), "{e}");
        assert!(read_report("{").unwrap_err().contains("not a JSON report"));
    }
}
