//! From the spanned JSON tree to the model, collecting every error and lint in one pass.

use crate::diagnostic::{Code, Diagnostic, Diagnostics, LineIndex, Span};
use crate::{Checked, ParseOptions};

pub(crate) fn check(text: &str, _options: &ParseOptions) -> Checked {
    let index = LineIndex::new(text);
    let mut diagnostics = Diagnostics(vec![Diagnostic::new(
        Code::JsonSyntax,
        Span::new(0, 0),
        "parser not ready",
    )]);
    diagnostics.finish(&index);
    Checked {
        policy: None,
        diagnostics,
    }
}

pub(crate) fn check_bytes(bytes: &[u8], options: &ParseOptions) -> Checked {
    match std::str::from_utf8(bytes) {
        Ok(text) => check(text, options),
        Err(_) => check("", options),
    }
}
