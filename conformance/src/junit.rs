//! The gate's report as JUnit XML (`iamconf check --format junit`, `iamconf merge --junit`),
//! built with `quick-junit`: one testcase per problem case, one for all the cases that passed
//! (the report keeps no more of them than their number), one per invariant, one per stale
//! known-failure line, and a candidate failure as its own testcase.

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use crate::gate::{Report, Status};
use crate::invariants::summary::describe;
use crate::invariants::through::InvariantRun;

/// The name of the report and of its one suite.
const SUITE: &str = "iamconf";

/// The report as JUnit XML.
pub fn junit(report: &Report) -> String {
    let mut suite = TestSuite::new(SUITE);
    suite.set_time(report.elapsed);
    if report.counts.passed > 0 {
        let mut passed = TestCase::new(
            format!("{} cases passed", report.counts.passed),
            TestCaseStatus::success(),
        );
        passed.set_classname(SUITE);
        suite.add_test_case(passed);
    }
    suite.add_test_cases(report.problems.iter().map(problem_case));
    let invariants = invariant_cases(&report.invariants);
    let invariant_tests = invariants.len();
    let invariant_failures = invariants.iter().filter(|t| is_failure(&t.status)).count();
    suite.add_test_cases(invariants);
    for line in &report.stale_known_groups {
        let mut stale = TestCase::new(
            text(line),
            failure(
                "stale known failure: no failure of this run is in this group; remove the line",
            ),
        );
        stale.set_classname("known-failures");
        suite.add_test_case(stale);
    }
    if let Some(message) = &report.candidate_failure {
        let mut status = failure(message);
        status.set_description(text(&report.stderr_tail));
        let mut process = TestCase::new("process", status);
        process.set_classname("evaluator");
        suite.add_test_case(process);
    }
    // The counts are the run's, not the testcases': the passed cases share one testcase.
    let candidate = usize::from(report.candidate_failure.is_some());
    let stale = report.stale_known_groups.len();
    suite.tests = report.counts.total() + candidate + invariant_tests + stale;
    suite.failures = report.count(|s| matches!(s, Status::Failed | Status::UnexpectedPass(_)))
        + candidate
        + invariant_failures
        + stale;
    suite.skipped = report.count(|s| matches!(s, Status::ExpectedFailure(_)));
    let mut junit = quick_junit::Report::new(SUITE);
    junit.set_time(report.elapsed);
    junit.add_test_suite(suite);
    match junit.to_string() {
        Ok(xml) => xml,
        // Serialising into a `String` has no I/O to fail; should the writer fail all the same,
        // the document says so as a failing testcase rather than coming out empty.
        Err(error) => {
            debug_assert!(false, "junit serialisation failed: {error}");
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites><testsuite name=\"{SUITE}\" tests=\"1\" failures=\"1\"><testcase name=\"junit\"><failure message=\"the junit report could not be written\"/></testcase></testsuite></testsuites>\n"
            )
        }
    }
}

/// One problem case: its labels, group and variant as properties (when it did not pass), and
/// what went wrong.
fn problem_case(o: &crate::gate::Outcome) -> TestCase {
    let group = o.group.as_deref().unwrap_or("");
    let status = match &o.status {
        Status::Passed => TestCaseStatus::success(),
        Status::Failed => {
            let mut body = o.detail.clone();
            if let Some(m) = &o.minimal {
                body.push('\n');
                body.push_str(&format!("{:#}", m.report_json()));
            }
            if let Some(e) = &o.explanation {
                body.push('\n');
                body.push_str(e);
            }
            let mut status = failure(&o.detail);
            status.set_type(text(group));
            status.set_description(text(&body));
            status
        }
        Status::ExpectedFailure(reason) => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(text(&format!("known failure: {reason}")));
            status
        }
        Status::UnexpectedPass(reason) => failure(&format!(
            "unexpected pass: listed as a known failure ({reason})"
        )),
    };
    let (class, name) = o.id.split_once('#').unwrap_or(("generated", o.id.as_str()));
    let mut case = TestCase::new(text(name), status);
    case.set_classname(text(class));
    if o.status != Status::Passed {
        case.add_properties([
            Property::new("labels", text(&o.labels.join(" "))),
            Property::new("group", text(group)),
            Property::new("variant", text(o.variant.as_deref().unwrap_or(""))),
        ]);
    }
    case
}

/// One testcase per invariant (`classname="invariant"`): a violation or a stale known-failure
/// line fails it, a listed known failure skips it.
fn invariant_cases(run: &InvariantRun) -> Vec<TestCase> {
    run.tallies
        .iter()
        .map(|t| {
            let group = text(&format!("invariant:{}", t.name));
            let mut properties = true;
            let status = match (t.violations, run.known_reason(t.name)) {
                (0, Some(reason)) if t.base_cases > 0 => failure(&format!(
                    "invariant {} held but is listed as a known failure ({reason}): remove the line",
                    t.name
                )),
                (0, _) => {
                    properties = false;
                    TestCaseStatus::success()
                }
                (_, Some(reason)) => {
                    properties = false;
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(text(&format!("known failure: {reason}")));
                    status
                }
                (n, None) => {
                    let body: String = run
                        .violations
                        .iter()
                        .filter(|v| v.invariant == t.name)
                        .map(describe)
                        .collect();
                    let mut status = failure(&format!(
                        "invariant {} violated on {n} base case(s)",
                        t.name
                    ));
                    status.set_description(text(&body));
                    status
                }
            };
            let mut case = TestCase::new(t.name, status);
            case.set_classname("invariant");
            if properties {
                case.add_properties([
                    Property::new("labels", group.clone()),
                    Property::new("group", group),
                ]);
            }
            case
        })
        .collect()
}

fn is_failure(status: &TestCaseStatus) -> bool {
    matches!(
        status,
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            ..
        }
    )
}

/// A `<failure>` with `message`.
fn failure(message: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(text(message));
    status
}

/// `text` as XML 1.0 allows it: `quick-junit` drops the control characters it forbids and
/// escapes the rest; the two noncharacters it leaves become U+FFFD.
fn text(text: &str) -> String {
    text.replace(['\u{FFFE}', '\u{FFFF}'], "\u{FFFD}")
}
