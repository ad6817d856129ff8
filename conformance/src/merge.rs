//! Joining the JSON reports of the shards of one run (`iamconf check --shard K/N --format
//! json`) back into the report of the whole run: `iamconf merge`.

use crate::gate::{Report, Shard, Status};

/// A report read back from its JSON, with what the command line added to it.
#[derive(Debug, Clone, Default)]
pub struct ReadReport {
    /// The gate's report.
    pub report: Report,
    /// The self-check's problems (runs without `--evaluator`).
    pub self_check_problems: Vec<String>,
}

/// Read a report written by `iamconf check --format json`.
pub fn read_report(json: &str) -> Result<ReadReport, String> {
    let (report, self_check_problems) =
        crate::report::wire::ReportJson::parse(json)?.into_report()?;
    Ok(ReadReport {
        report,
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
    use crate::report::{json_report, json_report_with};
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
    fn a_report_read_back_writes_the_same_text() {
        // Every field of the layout, a self-check's problems and the invariants included,
        // survives reading: the writer and the reader are one set of serde structs.
        let one = shard_report(Some(Shard { index: 1, count: 2 }));
        let mut two = shard_report(Some(Shard { index: 2, count: 2 }));
        two.self_check_problems = vec!["a problem".into()];
        let merged = merge(vec![one, two]).unwrap();
        let text = json_report_with(&merged.report, Some(&merged.self_check_problems));
        assert!(text.contains("\"self_check_problems\": [\n    \"shard 2/2: a problem\"\n  ]"));
        assert!(text.contains("\"conforms\": false"));
        assert!(!merged.report.invariants.violations.is_empty());
        assert!(!merged.report.groups.is_empty());
        let back = read_report(&text).unwrap();
        assert_eq!(
            json_report_with(&back.report, Some(&back.self_check_problems)),
            text
        );
        // Without a self-check, the key is left out.
        assert!(!json_report(&back.report).contains("self_check_problems"));
    }

    #[test]
    fn a_report_of_the_wrong_shape_says_where() {
        let e = read_report(r#"{"golden": 1}"#).unwrap_err();
        assert!(
            e.contains("not a JSON report") && e.contains("missing field"),
            "{e}"
        );
        let text = json_report(&shard_report(None).report);
        let bad = text.replacen("\"status\": \"failed\"", "\"status\": \"fine\"", 1);
        let e = read_report(&bad).unwrap_err();
        assert!(e.contains("unknown variant `fine`"), "{e}");
        let bad = text.replacen("\"name\": \"", "\"name\": \"no-such-", 1);
        let e = read_report(&bad).unwrap_err();
        assert!(e.contains("is not an invariant of this iamconf"), "{e}");
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
