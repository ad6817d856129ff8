//! Parse/render round trip: an accepted document renders to canonical JSON that parses back to
//! the same policy and renders to the same text.
#![no_main]

use iam_policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::parse(text) else {
        return;
    };
    let rendered = policy.render();
    assert!(!rendered.is_empty());
    let again = match Policy::parse(&rendered) {
        Ok(again) => again,
        Err(diagnostics) => panic!("rendered policy rejected:\n{rendered}\n{diagnostics}"),
    };
    assert_eq!(
        again, policy,
        "round trip changed the policy:\n{text}\n{rendered}"
    );
    assert_eq!(again.render(), rendered, "rendering is not canonical");
});
