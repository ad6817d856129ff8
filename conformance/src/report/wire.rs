//! The JSON report's layout (`iamconf check --format json`), both ways: serde structs that
//! [`crate::report::json_report_with`] writes and [`crate::merge::read_report`] reads, so the
//! two cannot drift apart. Field order is the document's key order.
//!
//! Reading is as lenient as the report's history asks: a text field that is `null` or absent
//! reads as empty, an optional text that is empty as absent, a list that is `null` or absent
//! as empty; counts and the problems list are required.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::gate::{Counts, LabelCount, Origin, Outcome, Report, Status};
use crate::groups::Group;
use crate::invariants::all;
use crate::invariants::through::{InvariantRun, Tally, Violation};
use crate::labels::mask_message;
use crate::protocol::CaseLine;
use readings::ReadingsJson;

mod readings;

/// `null` (or, with `#[serde(default)]`, an absent field) reads as the type's default.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    // Input, not an internal lookup: `null` is how the writer spells "none".
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An optional text: empty reads as absent.
fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

/// A case as the reports show it (`{policies, request}`, see [`CaseLine::report_json`]),
/// under the id `id`.
fn read_case(value: Value, id: &str) -> Result<CaseLine, String> {
    let Value::Object(mut case) = value else {
        return Err("a case must be a JSON object".into());
    };
    case.insert("id".into(), Value::String(id.to_owned()));
    CaseLine::from_value(&Value::Object(case)).map_err(|(_, e)| format!("not a case: {e}"))
}

/// A problem's status, as the report spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum StatusWord {
    Passed,
    Failed,
    ExpectedFailure,
    UnexpectedPass,
}

/// A case's origin, as the report spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum OriginWord {
    Golden,
    Generated,
}

/// The whole report.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReportJson {
    /// Written for people and CI; recomputed when read.
    #[serde(default)]
    conforms: bool,
    #[serde(default, deserialize_with = "nullable")]
    shard: Option<String>,
    /// Written for people; recomputed when read.
    #[serde(default)]
    total: usize,
    golden: usize,
    generated: usize,
    passed: usize,
    failed: usize,
    expected_failures: usize,
    unexpected_passes: usize,
    implementation_defined_left_out: usize,
    #[serde(default, deserialize_with = "nullable")]
    readings: Option<ReadingsJson>,
    #[serde(default, deserialize_with = "nullable")]
    candidate_failure: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    stderr_tail: String,
    elapsed_seconds: f64,
    #[serde(default, deserialize_with = "nullable")]
    comparison: String,
    #[serde(default, deserialize_with = "nullable")]
    label_counts: BTreeMap<String, LabelCount>,
    #[serde(default, deserialize_with = "nullable")]
    groups: Vec<GroupJson>,
    problems: Vec<ProblemJson>,
    #[serde(default, deserialize_with = "nullable")]
    stale_known_groups: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    invariants: Option<InvariantsJson>,
    /// Only in the reports of runs that checked the reference itself.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    self_check_problems: Option<Vec<String>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProblemJson {
    #[serde(default, deserialize_with = "nullable")]
    id: String,
    position: usize,
    origin: OriginWord,
    status: StatusWord,
    #[serde(default, deserialize_with = "nullable")]
    reason: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    expected: String,
    #[serde(default, deserialize_with = "nullable")]
    got: String,
    #[serde(default, deserialize_with = "nullable")]
    detail: String,
    #[serde(default, deserialize_with = "nullable")]
    minimal: Option<Value>,
    /// A call's minimal case is one of its checks, with an id of its own.
    #[serde(default, deserialize_with = "nullable")]
    minimal_id: Option<String>,
    #[serde(default)]
    shrunk: bool,
    #[serde(default, deserialize_with = "nullable")]
    explanation: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    saved: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    labels: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    group: Option<String>,
    /// Its variant inside the group (absent in reports written before variants).
    #[serde(default, deserialize_with = "nullable")]
    variant: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct GroupJson {
    #[serde(default, deserialize_with = "nullable")]
    key: String,
    #[serde(default, deserialize_with = "nullable")]
    labels: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    expected: String,
    #[serde(default, deserialize_with = "nullable")]
    got: String,
    count: usize,
    /// Its variants with their counts (absent in reports written before variants).
    #[serde(default, deserialize_with = "nullable")]
    variants: Vec<VariantJson>,
    /// The candidate's error message as it first came (unmasked).
    #[serde(default, deserialize_with = "nullable")]
    candidate_error: Option<String>,
    minimal: Value,
    #[serde(default, deserialize_with = "nullable")]
    minimal_id: String,
    #[serde(default, deserialize_with = "nullable")]
    explanation: String,
}

/// One variant of a group and how many of its cases have it.
#[derive(Debug, Serialize, Deserialize)]
struct VariantJson {
    variant: String,
    count: usize,
}

/// The invariants of a run ([`InvariantRun`]).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct InvariantsJson {
    generated: usize,
    /// Written for people; recomputed when read.
    #[serde(default)]
    base_cases: usize,
    out_of_scope: usize,
    sent: usize,
    #[serde(default)]
    cut_short: bool,
    #[serde(default, deserialize_with = "nullable")]
    tallies: Vec<TallyJson>,
    #[serde(default, deserialize_with = "nullable")]
    known: Vec<KnownJson>,
    #[serde(default, deserialize_with = "nullable")]
    violations: Vec<ViolationJson>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TallyJson {
    name: String,
    base_cases: usize,
    variants: usize,
    violations: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct KnownJson {
    name: String,
    reason: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ViolationJson {
    invariant: String,
    /// Written for people; the invariant's own claim when read.
    #[serde(default)]
    claim: String,
    message: String,
    base_id: String,
    base_index: usize,
    base: Value,
    #[serde(default)]
    shrunk: bool,
    base_answer: String,
    #[serde(default, deserialize_with = "nullable")]
    variant: Option<Value>,
    variant_answer: String,
    #[serde(default, deserialize_with = "nullable")]
    reference: Option<String>,
}

// ----- writing

/// `value` as pretty-printed JSON (two-space indent, as `Value`'s `{:#}`).
///
/// Writing the report's structs to a `String` cannot fail (string keys, finite numbers:
/// `as_secs_f64` of a `Duration`); should it, the text still says the run does not conform
/// and why, rather than being empty.
pub(crate) fn to_pretty<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => text,
        Err(e) => {
            debug_assert!(false, "cannot write JSON: {e}");
            let why = Value::from(format!("internal error: cannot write the JSON: {e}"));
            format!("{{\n  \"conforms\": false,\n  \"error\": {why}\n}}")
        }
    }
}

impl ReportJson {
    /// The report's JSON; with the problems of a self-check (any of them makes the run not
    /// conform) when one ran.
    pub(crate) fn new(report: &Report, self_check: Option<&[String]>) -> Self {
        let counts = &report.counts;
        Self {
            conforms: report.passed() && self_check.is_none_or(<[String]>::is_empty),
            shard: report.shard.map(|s| s.to_string()),
            total: counts.total(),
            golden: counts.golden,
            generated: counts.generated,
            passed: counts.passed,
            failed: counts.failed,
            expected_failures: counts.expected_failures,
            unexpected_passes: counts.unexpected_passes,
            implementation_defined_left_out: report.skipped_implementation_defined,
            readings: Some(ReadingsJson::new(&report.readings)),
            candidate_failure: report.candidate_failure.clone(),
            stderr_tail: report.stderr_tail.clone(),
            elapsed_seconds: report.elapsed.as_secs_f64(),
            comparison: report.comparison.to_owned(),
            label_counts: report.label_counts.clone(),
            groups: report.groups.iter().map(GroupJson::new).collect(),
            problems: report
                .problems
                .iter()
                .filter(|o| o.status != Status::Passed)
                .map(ProblemJson::new)
                .collect(),
            stale_known_groups: report.stale_known_groups.clone(),
            invariants: Some(InvariantsJson::new(&report.invariants)),
            self_check_problems: self_check.map(<[String]>::to_vec),
        }
    }

    /// The report as pretty-printed JSON.
    pub(crate) fn to_pretty(&self) -> String {
        to_pretty(self)
    }
}

impl ProblemJson {
    fn new(o: &Outcome) -> Self {
        let (status, reason) = match &o.status {
            Status::Passed => (StatusWord::Passed, None),
            Status::Failed => (StatusWord::Failed, None),
            Status::ExpectedFailure(r) => (StatusWord::ExpectedFailure, Some(r.clone())),
            Status::UnexpectedPass(r) => (StatusWord::UnexpectedPass, Some(r.clone())),
        };
        Self {
            id: o.id.clone(),
            position: o.position,
            origin: match o.origin {
                Origin::Golden => OriginWord::Golden,
                Origin::Generated => OriginWord::Generated,
            },
            status,
            reason,
            expected: o.expected.clone(),
            got: o.got.clone(),
            detail: o.detail.clone(),
            minimal: o.minimal.as_ref().map(CaseLine::report_json),
            minimal_id: o.minimal.as_ref().map(|m| m.id.clone()),
            shrunk: o.shrunk,
            explanation: o.explanation.clone(),
            saved: o.saved.as_ref().map(|p| p.display().to_string()),
            labels: o.labels.clone(),
            group: o.group.clone(),
            variant: o.variant.clone(),
        }
    }
}

impl GroupJson {
    fn new(g: &Group) -> Self {
        Self {
            key: g.key.clone(),
            labels: g.labels.clone(),
            expected: g.expected.clone(),
            got: g.got.clone(),
            count: g.count,
            variants: g
                .variants
                .iter()
                .map(|(variant, count)| VariantJson {
                    variant: variant.clone(),
                    count: *count,
                })
                .collect(),
            candidate_error: g.candidate_message.clone(),
            minimal: g.minimal.report_json(),
            minimal_id: g.minimal.id.clone(),
            explanation: g.explanation.clone(),
        }
    }
}

impl InvariantsJson {
    pub(crate) fn new(run: &InvariantRun) -> Self {
        Self {
            generated: run.generated,
            base_cases: run.base_cases(),
            out_of_scope: run.out_of_scope,
            sent: run.sent,
            cut_short: run.cut_short,
            tallies: run
                .tallies
                .iter()
                .map(|t| TallyJson {
                    name: t.name.to_owned(),
                    base_cases: t.base_cases,
                    variants: t.variants,
                    violations: t.violations,
                })
                .collect(),
            known: run
                .known
                .iter()
                .map(|(name, reason)| KnownJson {
                    name: (*name).to_owned(),
                    reason: reason.clone(),
                })
                .collect(),
            violations: run
                .violations
                .iter()
                .map(|v| ViolationJson {
                    invariant: v.invariant.to_owned(),
                    claim: v.claim.to_owned(),
                    message: v.message.clone(),
                    base_id: v.base_id.clone(),
                    base_index: v.base_index,
                    base: v.base.report_json(),
                    shrunk: v.shrunk,
                    base_answer: v.base_answer.clone(),
                    variant: v.variant.as_ref().map(CaseLine::report_json),
                    variant_answer: v.variant_answer.clone(),
                    reference: v.reference.clone(),
                })
                .collect(),
        }
    }
}

// ----- reading

impl ReportJson {
    /// Read a report's text.
    pub(crate) fn parse(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("not a JSON report: {e}"))
    }

    /// The report in the gate's types, and the problems of its self-check (none when no
    /// self-check ran).
    pub(crate) fn into_report(self) -> Result<(Report, Vec<String>), String> {
        let problems = self
            .problems
            .into_iter()
            .map(ProblemJson::into_outcome)
            .collect::<Result<Vec<_>, _>>()?;
        let groups = self
            .groups
            .into_iter()
            .map(|g| g.into_group(&problems))
            .collect::<Result<Vec<_>, _>>()?;
        let elapsed = Duration::try_from_secs_f64(self.elapsed_seconds)
            .map_err(|_| "`elapsed_seconds` must be a number of seconds")?;
        let report = Report {
            label_counts: self.label_counts,
            groups,
            comparison: comparison(&self.comparison)?,
            problems,
            counts: Counts {
                golden: self.golden,
                generated: self.generated,
                passed: self.passed,
                failed: self.failed,
                expected_failures: self.expected_failures,
                unexpected_passes: self.unexpected_passes,
            },
            skipped_implementation_defined: self.implementation_defined_left_out,
            readings: match self.readings {
                Some(readings) => readings.into_tally()?,
                None => crate::inferred::ReadingsTally::default(),
            },
            candidate_failure: non_empty(self.candidate_failure),
            stderr_tail: self.stderr_tail,
            elapsed,
            shard: self.shard.map(|s| s.parse()).transpose()?,
            invariants: match self.invariants {
                Some(run) => run.into_run()?,
                None => InvariantRun::default(),
            },
            stale_known_groups: self.stale_known_groups,
        };
        Ok((report, self.self_check_problems.unwrap_or_default()))
    }
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

impl ProblemJson {
    fn into_outcome(self) -> Result<Outcome, String> {
        let id = self.id;
        let at = |e: String| format!("problem `{id}`: {e}");
        let reason = self.reason.unwrap_or_default();
        let status = match self.status {
            StatusWord::Failed => Status::Failed,
            StatusWord::ExpectedFailure => Status::ExpectedFailure(reason),
            StatusWord::UnexpectedPass => Status::UnexpectedPass(reason),
            StatusWord::Passed => return Err(at("a passed case is no problem".into())),
        };
        let minimal_id = non_empty(self.minimal_id);
        let minimal = match self.minimal {
            None => None,
            Some(value) => {
                Some(read_case(value, minimal_id.as_deref().unwrap_or(&id)).map_err(at)?)
            }
        };
        Ok(Outcome {
            position: self.position,
            origin: match self.origin {
                OriginWord::Golden => Origin::Golden,
                OriginWord::Generated => Origin::Generated,
            },
            status,
            expected: self.expected,
            got: self.got,
            detail: self.detail,
            minimal,
            explanation: non_empty(self.explanation),
            saved: non_empty(self.saved).map(Into::into),
            shrunk: self.shrunk,
            labels: self.labels,
            group: non_empty(self.group),
            variant: non_empty(self.variant),
            id,
        })
    }
}

impl GroupJson {
    /// The group; its members are the problems that name it.
    fn into_group(self, problems: &[Outcome]) -> Result<Group, String> {
        let key = self.key;
        let at = |e: String| format!("group `{key}`: {e}");
        let message = non_empty(self.candidate_error);
        let minimal = read_case(self.minimal, &self.minimal_id).map_err(at)?;
        Ok(Group {
            labels: self.labels,
            expected: self.expected,
            got: self.got,
            candidate_error: message.as_deref().map(mask_message),
            candidate_message: message,
            minimal,
            explanation: self.explanation,
            count: self.count,
            ids: problems
                .iter()
                .filter(|o| o.group.as_deref() == Some(key.as_str()))
                .map(|o| o.id.clone())
                .collect(),
            variants: self
                .variants
                .into_iter()
                .map(|v| (v.variant, v.count))
                .collect(),
            key,
        })
    }
}

/// The invariant named `name`, as its static name and claim.
fn named(name: &str) -> Result<(&'static str, &'static str), String> {
    all()
        .iter()
        .find(|i| i.name == name)
        .map(|i| (i.name, i.claim))
        .ok_or_else(|| format!("`{name}` is not an invariant of this iamconf"))
}

impl InvariantsJson {
    fn into_run(self) -> Result<InvariantRun, String> {
        let tallies = self
            .tallies
            .into_iter()
            .map(|t| {
                Ok(Tally {
                    name: named(&t.name)?.0,
                    base_cases: t.base_cases,
                    variants: t.variants,
                    violations: t.violations,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let known = self
            .known
            .into_iter()
            .map(|k| Ok((named(&k.name)?.0, k.reason)))
            .collect::<Result<Vec<_>, String>>()?;
        let violations = self
            .violations
            .into_iter()
            .map(ViolationJson::into_violation)
            .collect::<Result<Vec<_>, String>>()?;
        Ok(InvariantRun {
            generated: self.generated,
            out_of_scope: self.out_of_scope,
            sent: self.sent,
            cut_short: self.cut_short,
            tallies,
            violations,
            known,
        })
    }
}

impl ViolationJson {
    fn into_violation(self) -> Result<Violation, String> {
        let (invariant, claim) = named(&self.invariant)?;
        let base_id = self.base_id;
        let at = |e: String| format!("violation of `{invariant}` on `{base_id}`: {e}");
        let base = read_case(self.base, &base_id).map_err(at)?;
        let variant = match self.variant {
            None => None,
            Some(v) => Some(read_case(v, &base_id).map_err(at)?),
        };
        Ok(Violation {
            invariant,
            claim,
            message: self.message,
            base_index: self.base_index,
            base,
            shrunk: self.shrunk,
            base_answer: self.base_answer,
            variant,
            variant_answer: self.variant_answer,
            reference: self.reference,
            base_id,
        })
    }
}
