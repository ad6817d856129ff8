//! Known-failures files written from a run (`iamconf check --write-known-failures FILE`): one
//! line per failure group, `group=KEY  description`, and one per violated evaluator invariant,
//! `invariant=NAME  description`, so that a team gates its CI on today's
//! failures and shrinks the list as it fixes them.

use std::fmt::Write as _;

use iam_policy::pattern::{Glob, GlobSyntax};

use crate::gate::{KnownFailure, Report, Status, GROUP_PREFIX, INVARIANT_PREFIX};
use crate::groups::describe;

/// Today's failures as a known-failures list (read back by `--known-failures`).
pub fn write_known_failures(report: &Report) -> String {
    let mut out = String::from(
        "# iamconf known failures, one line per failure group: `group=KEY reason` (a line may\n\
         # also be `CASE-ID-GLOB reason` or `invariant=NAME reason`). Written by `iamconf check --write-known-failures`.\n",
    );
    let _ = writeln!(out, "# compared by {}", report.comparison);
    for group in &report.groups {
        let failing = report.problems.iter().any(|o| {
            matches!(o.status, Status::Failed | Status::ExpectedFailure(_))
                && o.group.as_deref() == Some(group.key.as_str())
        });
        if !failing {
            continue;
        }
        let _ = writeln!(out, "{GROUP_PREFIX}{}  {}", group.key, describe(group));
    }
    for t in report
        .invariants
        .tallies
        .iter()
        .filter(|t| t.violations > 0)
    {
        let _ = writeln!(
            out,
            "{INVARIANT_PREFIX}{}  violated on {} of {} base cases",
            t.name, t.violations, t.base_cases
        );
    }
    out
}

/// The `group=` lines of a known-failures list that no disagreement of this run falls under
/// (by its group's key, or by its variant: the detailed key older lists name):
/// the groups they name no longer fail (or the run did not reach them), so the lines must
/// leave the list, as a listed case that passes must. Each as `group=PATTERN  reason`.
pub fn stale_group_lines(known: &[KnownFailure], report: &Report) -> Vec<String> {
    known
        .iter()
        .filter_map(|k| {
            let pattern = k.pattern.strip_prefix(GROUP_PREFIX)?;
            let glob = Glob::new(pattern, GlobSyntax::Text);
            let failing = report.problems.iter().any(|o| {
                matches!(o.status, Status::Failed | Status::ExpectedFailure(_))
                    && (o.group.as_deref().is_some_and(|g| glob.is_match(g))
                        || o.variant.as_deref().is_some_and(|v| glob.is_match(v)))
            });
            (!failing).then(|| format!("{}  {}", k.pattern, k.reason))
        })
        .collect()
}
