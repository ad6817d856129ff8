//! Shared pieces of the fuzz targets: the options a target reads from its first byte, and the
//! checks every parsed document must pass.

use iam_policy::{Checked, LineIndex, ParseOptions, PolicyKind};

/// The parse options selected by `byte` (no kind, or one of the four quotas).
pub fn options(byte: u8) -> ParseOptions {
    let kind = match byte % 5 {
        0 => None,
        1 => Some(PolicyKind::Managed),
        2 => Some(PolicyKind::User),
        3 => Some(PolicyKind::Group),
        _ => Some(PolicyKind::Role),
    };
    ParseOptions { kind }
}

/// What every check of `bytes` must satisfy: each diagnostic's span lies within the bytes (on
/// character boundaries when they are UTF-8) and its position is the span start's; the document
/// is accepted exactly when no diagnostic is an error.
pub fn assert_well_formed(bytes: &[u8], checked: &Checked) {
    let text = std::str::from_utf8(bytes).ok();
    let index = text.map(LineIndex::new);
    for d in &checked.diagnostics.0 {
        assert!(
            d.span.start <= d.span.end && d.span.end <= bytes.len(),
            "span {:?} outside a text of {} bytes: {d}",
            d.span,
            bytes.len()
        );
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        if let (Some(text), Some(index)) = (text, &index) {
            assert!(
                text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end),
                "span {:?} splits a character: {d}",
                d.span
            );
            assert_eq!(d.position, index.position(d.span.start), "position of {d}");
        }
    }
    assert_eq!(
        checked.policy.is_some(),
        !checked.diagnostics.has_errors(),
        "accepted exactly when no error: {:?}",
        checked.diagnostics
    );
}
