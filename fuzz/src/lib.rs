//! Shared pieces of the fuzz targets: the options a target reads from its first byte, and the
//! checks every parsed document must pass.

use iam_policy::{Checked, LineIndex, ParseOptions, Point, PolicyKind, Readings};

/// The parse options selected by `byte`: no kind or one of the four quotas (`byte % 5`), and
/// either the reference's readings or one of 26 others (`byte / 5`), so the parser's
/// non-default readings (ID-1 to ID-4, ID-9, ID-11, ID-13) are fuzzed too.
pub fn options(byte: u8) -> ParseOptions {
    let kind = match byte % 5 {
        0 => None,
        1 => Some(PolicyKind::Managed),
        2 => Some(PolicyKind::User),
        3 => Some(PolicyKind::Group),
        _ => Some(PolicyKind::Role),
    };
    let choice = byte / 5;
    let readings = if choice % 2 == 0 {
        Readings::REFERENCE
    } else {
        other_readings(usize::from(choice / 2))
    };
    ParseOptions {
        kind,
        readings,
        errors_only: false,
    }
}

/// Readings where point `i` takes its reading `(seed + i) % n`: every reading of every point
/// appears under some seed.
pub fn other_readings(seed: usize) -> Readings {
    let mut readings = Readings::REFERENCE;
    for (i, point) in Point::ALL.iter().enumerate() {
        let count = point.words().len().max(1);
        readings.set_index(*point, (seed + i) % count);
    }
    readings
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
