//! The protocol readers on arbitrary lines: a case line reads or names its problem; what reads
//! writes back to the same case; the reference answers it without panicking and never allows
//! a case whose policies it rejects; answer lines read strictly and round-trip.
#![no_main]

use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};
use iam_eval::Decision;
use iam_policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(answer) = AnswerLine::parse(line) {
        assert_eq!(AnswerLine::parse(&answer.to_line()).as_ref(), Ok(&answer));
    }
    let case = match CaseLine::parse(line) {
        Ok(case) => case,
        Err((_, message)) => {
            assert!(!message.is_empty());
            return;
        }
    };
    assert_eq!(CaseLine::parse(&case.to_line()).as_ref(), Ok(&case));
    let answer = Oracle::new().answer(&case);
    assert_eq!(answer.id.as_deref(), Some(case.id.as_str()));
    assert_eq!(AnswerLine::parse(&answer.to_line()).as_ref(), Ok(&answer));
    let texts = case.policy_texts();
    let rejected = match &texts {
        Ok(texts) => texts.iter().any(|t| Policy::parse(t).is_err()),
        Err(_) => true,
    };
    if rejected || case.request.to_request().is_err() {
        assert!(
            matches!(answer.verdict, Verdict::Error(_)),
            "a rejected case got {:?}",
            answer.verdict
        );
    }
    if answer.verdict == Verdict::Decision(Decision::Allow) {
        assert!(!rejected);
    }
});
