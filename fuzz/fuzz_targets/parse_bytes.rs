//! The policy parser on arbitrary bytes: no panic, every diagnostic's span within the text.
#![no_main]

use iam_policy::Policy;
use iamconf_fuzz::{assert_well_formed, options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let options = options(first);
    let checked = Policy::check_bytes(bytes, &options);
    assert_well_formed(bytes, &checked);
    if let Ok(text) = std::str::from_utf8(bytes) {
        // The text entry point agrees with the byte one.
        let by_text = Policy::check(text, &options);
        assert_eq!(by_text.diagnostics, checked.diagnostics);
        assert_eq!(by_text.policy, checked.policy);
    }
});
