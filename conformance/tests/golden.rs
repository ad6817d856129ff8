//! The golden corpus, one test per case (libtest-mimic): every file under `conformance/cases/`.
//!
//! Filter like any test: `cargo test -p iam-conformance --test golden -- seed`.
//! Rendered diagnostics of each parse case are snapshotted beside it as `<case>.diagnostics`;
//! `IAMCONF_BLESS=1 cargo test -p iam-conformance --test golden` rewrites the snapshots.

use std::path::{Path, PathBuf};

use iam_conformance::calls::golden::{check_golden_call, GoldenCall};
use iam_conformance::cases::{
    check_parse_case, render_parse_case, Corpus, DecisionCase, ParseCase,
};
use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::Verdict;
use libtest_mimic::{Arguments, Failed, Trial};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

fn parse_trial(case: ParseCase) -> Trial {
    Trial::test(case.id.clone(), move || {
        let mut problems = Vec::new();
        if let Err(e) = check_parse_case(&case) {
            problems.push(e);
        }
        let snapshot = cases_dir().join(format!("{}.diagnostics", case.id));
        let rendered = render_parse_case(&case);
        if std::env::var_os("IAMCONF_BLESS").is_some() {
            std::fs::write(&snapshot, &rendered).map_err(|e| Failed::from(e.to_string()))?;
        } else {
            match std::fs::read_to_string(&snapshot) {
                Ok(expected) if expected == rendered => {}
                Ok(expected) => problems.push(format!(
                    "rendered diagnostics differ from {}\n--- expected\n{expected}\n--- actual\n{rendered}",
                    snapshot.display()
                )),
                Err(_) => problems.push(format!(
                    "no snapshot {}: run IAMCONF_BLESS=1 cargo test -p iam-conformance --test golden",
                    snapshot.display()
                )),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n").into())
        }
    })
}

fn decision_trial(case: DecisionCase) -> Trial {
    Trial::test(case.id.clone(), move || {
        let mut oracle = Oracle::new();
        let answer = oracle.answer(&case.case);
        let mut problems = Vec::new();
        if answer.verdict.word() != case.expect {
            let detail = match &answer.verdict {
                Verdict::Error(e) => format!(" ({e})"),
                Verdict::Decision(_) => String::new(),
            };
            problems.push(format!(
                "expected `{}`, the reference says `{}`{detail}",
                case.expect,
                answer.verdict.word()
            ));
        }
        if let (Some(expected), Some(actual)) = (&case.matched, &answer.matched) {
            let mut actual = actual.clone();
            actual.sort();
            if &actual != expected {
                problems.push(format!(
                    "deciding statements: expected {expected:?}, got {actual:?}"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{}\n{}", case.description, problems.join("\n")).into())
        }
    })
}

fn call_trial(case: GoldenCall) -> Trial {
    Trial::test(case.id.clone(), move || {
        check_golden_call(&mut Oracle::new(), &case).map_err(Failed::from)
    })
}

fn main() {
    let args = Arguments::from_args();
    let trials = match Corpus::load_dir(&cases_dir()) {
        Ok(corpus) => {
            let mut trials: Vec<Trial> = corpus.parse.into_iter().map(parse_trial).collect();
            trials.extend(corpus.decisions.into_iter().map(decision_trial));
            trials.extend(corpus.calls.into_iter().map(call_trial));
            trials.push(Trial::test("corpus/loads", || Ok(())));
            trials
        }
        Err(error) => vec![Trial::test("corpus/loads", move || {
            Err(error.clone().into())
        })],
    };
    libtest_mimic::run(&args, trials).exit();
}
