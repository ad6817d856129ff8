//! Golden call cases: `conformance/cases/calls/<group>/<name>.json` (format in
//! `conformance/cases/README.md` §4).

use serde::Deserialize;
use serde_json::Value;

use super::{answer_directly, combine_answers, CallCase, CallLine};
use crate::oracle::Oracle;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallFile {
    description: String,
    source: String,
    #[serde(default)]
    implementation_defined: Vec<String>,
    policies: Vec<Value>,
    calls: Vec<CallEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallEntry {
    name: String,
    #[serde(default)]
    why: Option<String>,
    rests_on: String,
    call: Value,
    expect: String,
    #[serde(default)]
    checks: Option<Vec<ExpectedCheck>>,
    #[serde(default)]
    implementation_defined: Vec<String>,
}

/// One check a golden call expects, in expansion order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedCheck {
    /// The action checked.
    pub action: String,
    /// The resource checked.
    pub resource: String,
    /// Its decision alone: `allowed`, `explicitDeny`, `implicitDeny` or `error`.
    pub expect: String,
}

/// One golden call case.
#[derive(Debug, Clone)]
pub struct GoldenCall {
    /// `calls/<group>/<file>#<name>`.
    pub id: String,
    /// The file's description, then the call's `why`.
    pub description: String,
    /// Where it comes from.
    pub source: String,
    /// The AWS passage the expectation rests on.
    pub rests_on: String,
    /// The `ID-n` choices it depends on.
    pub implementation_defined: Vec<String>,
    /// The call case as the gate expands it.
    pub case: CallCase,
    /// The combined decision.
    pub expect: String,
    /// The checks, when the case lists them.
    pub checks: Option<Vec<ExpectedCheck>>,
}

const VERDICTS: [&str; 4] = ["allowed", "explicitDeny", "implicitDeny", "error"];

/// Read one call file (`stem` is its path without `.json`).
pub fn call_cases(stem: &str, text: &str) -> Result<Vec<GoldenCall>, String> {
    let file: CallFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if file.calls.is_empty() {
        return Err("a call file needs at least one call".into());
    }
    let mut out = Vec::with_capacity(file.calls.len());
    for entry in file.calls {
        let verdicts =
            std::iter::once(&entry.expect).chain(entry.checks.iter().flatten().map(|c| &c.expect));
        if let Some(bad) = verdicts
            .into_iter()
            .find(|v| !VERDICTS.contains(&v.as_str()))
        {
            return Err(format!(
                "call `{}` expects `{bad}`: use one of {VERDICTS:?}",
                entry.name
            ));
        }
        let mut ids = file.implementation_defined.clone();
        for extra in entry.implementation_defined {
            if !ids.contains(&extra) {
                ids.push(extra);
            }
        }
        if let Some(bad) = ids.iter().find(|id| {
            id.strip_prefix("ID-")
                .and_then(|n| n.parse::<u32>().ok())
                .is_none()
        }) {
            return Err(format!(
                "`{bad}` is not an implementation-defined id (`ID-n`)"
            ));
        }
        let id = format!("{stem}#{}", entry.name);
        let call =
            CallLine::from_value(&entry.call).map_err(|e| format!("call `{}`: {e}", entry.name))?;
        out.push(GoldenCall {
            description: match &entry.why {
                Some(why) => format!("{} — {why}", file.description),
                None => file.description.clone(),
            },
            source: file.source.clone(),
            rests_on: entry.rests_on,
            implementation_defined: ids,
            case: CallCase {
                id: id.clone(),
                policies: file.policies.clone(),
                call,
            },
            id,
            expect: entry.expect,
            checks: entry.checks,
        });
    }
    Ok(out)
}

/// Check a golden call against the reference: its checks (when listed) one by one, the
/// combined decision through the gate's expansion, and the direct answer of `iamconf evaluate`.
pub fn check_golden_call(oracle: &mut Oracle, golden: &GoldenCall) -> Result<(), String> {
    let mut problems = Vec::new();
    let lines = match golden.case.check_lines() {
        Ok(lines) => lines,
        Err(_) if golden.expect == "error" => return Ok(()),
        Err(e) => return Err(format!("the call does not expand: {e}")),
    };
    let answers: Vec<_> = lines.iter().map(|l| oracle.answer(l)).collect();
    if let Some(expected) = &golden.checks {
        let actual: Vec<ExpectedCheck> = lines
            .iter()
            .zip(&answers)
            .map(|(l, a)| ExpectedCheck {
                action: l.request.action.clone(),
                resource: l.request.resource.clone(),
                expect: a.verdict.word().to_owned(),
            })
            .collect();
        if &actual != expected {
            problems.push(format!(
                "checks differ\n  expected: {expected:?}\n  actual:   {actual:?}"
            ));
        }
    }
    let combined = combine_answers(&answers);
    if combined.word() != golden.expect {
        problems.push(format!(
            "expected `{}`, the combined checks say `{}`",
            golden.expect,
            combined.word()
        ));
    }
    let direct = answer_directly(oracle, &golden.case);
    let word = direct.word();
    if word != golden.expect {
        problems.push(format!(
            "expected `{}`, `iamconf evaluate` answers `{word}`",
            golden.expect
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{}", golden.description, problems.join("\n")))
    }
}
