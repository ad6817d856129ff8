//! `validate` rendering: every diagnostic of any document renders in the rustc style without
//! panicking, names its code and place, shows a caret, and keeps control characters out.
#![no_main]

use iam_policy::{LineIndex, Policy};
use iamconf_fuzz::options;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let checked = Policy::check_bytes(bytes, &options(first));
    // As `iamconf validate` does: the diagnostics over the text read lossily.
    let text = String::from_utf8_lossy(bytes);
    let index = LineIndex::new(&text);
    for d in &checked.diagnostics.0 {
        let rendered = d.render("policy.json", &index);
        let head = format!("{}[{}]: ", d.severity().as_str(), d.code);
        assert!(rendered.starts_with(&head), "{rendered}");
        let place = format!(
            "--> policy.json:{}:{}\n",
            d.position.line, d.position.column
        );
        assert!(rendered.contains(&place), "{rendered}");
        let lines: Vec<&str> = rendered.lines().collect();
        assert!(lines.len() >= 5, "{rendered}");
        assert!(lines
            .iter()
            .any(|l| l.trim_start().starts_with("| ") && l.contains('^')));
        // The source excerpt never carries control characters (a CR or an escape would garble
        // the terminal); the message and help may quote input, but only inside backticks.
        let excerpt = lines.get(3).copied().unwrap_or_default();
        assert!(
            !excerpt.chars().any(|c| c.is_control() && c != '\t'),
            "control character in the excerpt: {excerpt:?}"
        );
        let shown = excerpt.split_once(" | ").map_or("", |(_, s)| s);
        assert!(
            shown.chars().count() <= 122,
            "excerpt too long: {excerpt:?}"
        );
        let line = d.to_string();
        assert!(line.starts_with(&format!("{}:{}: ", d.position.line, d.position.column)));
    }
});
