//! ARNs and ARN patterns: the one place that splits them into their six components, tells a
//! policy pattern's shape, and pads a short pattern with `*` components (docs/semantics.md §1,
//! §5, §6).
//!
//! An ARN is `arn:partition:service:region:account:resource`; it splits at its first five
//! colons, so the resource part may itself hold colons. A policy pattern of three to five
//! segments with no empty segment (`arn:aws:waf:*`, `arn:aws:fdsasf`) is read as if the missing
//! trailing segments were `*` (ID-15). A request value is never padded: one of fewer than six
//! components matches no `Arn*` pattern (ID-21).
//!
//! ```
//! use iam_policy::arn::{self, PatternShape};
//!
//! assert_eq!(arn::split("arn:aws:iot:us-east-1:1:job/a:b", false).unwrap()[5], "job/a:b");
//! assert_eq!(arn::pattern_shape("arn:aws:waf:*", false), PatternShape::Short { segments: 4 });
//! assert_eq!(arn::padded("arn:aws:waf:*"), "arn:aws:waf:*:*:*");
//! assert_eq!(arn::pattern_shape("arn:aws", false), PatternShape::TooFewSegments);
//! ```

use std::borrow::Cow;

/// How many components an ARN has.
pub const COMPONENTS: usize = 6;

/// The fewest segments of a pattern that is padded instead of rejected (`arn:aws:fdsasf`).
pub const MIN_SEGMENTS: usize = 3;

/// Split `text` at its first five colons; `None` when it has fewer than six components. With
/// `skip_variables`, a colon inside `${...}` does not split.
pub fn split(text: &str, skip_variables: bool) -> Option<[&str; COMPONENTS]> {
    let mut parts = [""; COMPONENTS];
    let mut found = 0;
    let mut start = 0;
    for colon in colons(text, skip_variables).take(COMPONENTS - 1) {
        *parts.get_mut(found)? = text.get(start..colon)?;
        found += 1;
        start = colon + 1;
    }
    if found < COMPONENTS - 1 {
        return None;
    }
    *parts.get_mut(COMPONENTS - 1)? = text.get(start..)?;
    Some(parts)
}

/// The byte offsets of the colons that separate segments: every colon, or with
/// `skip_variables` every colon outside `${...}`.
fn colons(text: &str, skip_variables: bool) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(i) {
            let at = i;
            i += 1;
            match b {
                b'$' if skip_variables && bytes.get(i) == Some(&b'{') => {
                    depth += 1;
                    i += 1;
                }
                b'}' if depth > 0 => depth -= 1,
                b':' if depth == 0 => return Some(at),
                _ => {}
            }
        }
        None
    })
}

/// The components of a request ARN value, at its first five colons (fewer when the value has
/// fewer colons). Request values are never padded.
pub fn components(value: &str) -> impl Iterator<Item = &str> + '_ {
    crate::text::split_bytes(value, b':', COMPONENTS)
}

/// What a policy ARN pattern (a `Resource` entry, an `Arn*` condition value) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternShape {
    /// Six components or more (the sixth, the resource part, may hold colons).
    Full,
    /// Three to five segments, none empty: read as padded with `*` to six (ID-15).
    Short {
        /// How many segments it has (3 to 5).
        segments: usize,
    },
    /// Fewer than three segments (`arn:aws`, `arn:`).
    TooFewSegments,
    /// Three to five segments, one of them empty (`arn:aws:s3::example_bucket`).
    EmptySegment {
        /// Which segment is empty (0-based; 0 is `arn`).
        index: usize,
    },
    /// Text that does not start with `arn:`.
    NotArn,
}

/// The shape of a policy ARN pattern. With `skip_variables`, a colon inside `${...}` does not
/// separate segments.
pub fn pattern_shape(text: &str, skip_variables: bool) -> PatternShape {
    if !text.starts_with("arn:") {
        return PatternShape::NotArn;
    }
    let mut segments = 1;
    let mut start = 0;
    let mut empty = None;
    for colon in colons(text, skip_variables).take(COMPONENTS - 1) {
        if colon == start && empty.is_none() {
            empty = Some(segments - 1);
        }
        segments += 1;
        start = colon + 1;
    }
    if segments >= COMPONENTS {
        return PatternShape::Full;
    }
    if start == text.len() && empty.is_none() {
        empty = Some(segments - 1);
    }
    match (segments, empty) {
        (s, _) if s < MIN_SEGMENTS => PatternShape::TooFewSegments,
        (_, Some(index)) => PatternShape::EmptySegment { index },
        (segments, None) => PatternShape::Short { segments },
    }
}

/// Whether a policy pattern of this shape is accepted (six components, or short and padded).
pub fn is_accepted(shape: PatternShape) -> bool {
    matches!(shape, PatternShape::Full | PatternShape::Short { .. })
}

/// `text` padded with `:*` to six segments when it is a short pattern (ID-15); as it is
/// otherwise.
pub fn padded(text: &str) -> Cow<'_, str> {
    padded_shape(text, pattern_shape(text, false))
}

/// [`padded`] for a pattern whose shape is already known.
pub fn padded_shape(text: &str, shape: PatternShape) -> Cow<'_, str> {
    match shape {
        // ID-15: a pattern of three to five segments is read as padded with `*` segments.
        PatternShape::Short { segments } => {
            let mut out = String::with_capacity(text.len() + 2 * (COMPONENTS - segments));
            out.push_str(text);
            for _ in segments..COMPONENTS {
                out.push_str(":*");
            }
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(text),
    }
}

/// The resource part of an ARN (after its fifth colon), when it has six components.
pub fn resource_part(text: &str) -> Option<&str> {
    split(text, false).map(|[.., resource]| resource)
}

/// An ARN split before its resource part: the first five segments with their colons
/// (`arn:aws:iot:us-east-1:123456789012:`) and the resource part (`job/j1`), when it has six
/// components.
pub fn head_and_resource(text: &str) -> Option<(&str, &str)> {
    let resource = resource_part(text)?;
    Some((text.get(..text.len() - resource.len())?, resource))
}

/// Whether the resource part of an ARN pattern has a `*` or `?` in its resource-type text
/// (ID-17): before its first `/` (`...:*/fw-1`), or, when it has none, mixed with other text
/// (`...:u*`, `...:job*`). A resource part of stars only (`...:*`, and the padding of a short
/// pattern) stands for the whole resource, type and id: an ordinary wildcard.
pub fn wildcard_in_resource_type(pattern: &str) -> bool {
    resource_part(pattern).is_some_and(|part| match part.split_once('/') {
        Some((kind, _)) => kind.contains(['*', '?']),
        None => part.contains(['*', '?']) && !part.chars().all(|c| c == '*'),
    })
}

/// The service segment of an ARN (pattern), when it has one (`iot` in `arn:aws:iot:...`).
pub fn service(text: &str) -> Option<&str> {
    let mut parts = components(text);
    match (parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(_), Some(service)) => Some(service),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_the_resource_type() {
        for (pattern, want) in [
            ("arn:aws:iot:*:*:*/fw-1", true),
            ("arn:aws:iot:*:*:jo?/fw-1", true),
            ("arn:aws:iot:*:*:job*", true),
            ("arn:aws:iot:*:*:*", false),
            ("arn:aws:iot:*:*:**", false),
            ("arn:aws:iot:*:*:job/*", false),
            ("arn:aws:iot", false),
        ] {
            assert_eq!(wildcard_in_resource_type(pattern), want, "{pattern}");
        }
    }

    #[test]
    fn splits_at_the_first_five_colons() {
        assert_eq!(
            split("arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0", false),
            Some([
                "arn",
                "aws",
                "iot",
                "us-east-1",
                "",
                "jobtemplate/AWS-Reboot:1.0"
            ])
        );
        assert_eq!(split("arn:aws:iot:us-east-1:1", false), None);
        assert_eq!(split("", false), None);
    }

    #[test]
    fn colons_inside_variables_split_only_when_asked() {
        let text = "arn:aws:iot:${aws:x}:1:job/a";
        assert_eq!(split(text, true).map(|p| p[3]), Some("${aws:x}"));
        assert_eq!(split(text, false).map(|p| p[3]), Some("${aws"));
        assert_eq!(
            pattern_shape("arn:aws:${a:b}", true),
            PatternShape::Short { segments: 3 }
        );
        assert_eq!(
            pattern_shape("arn:aws:${a:b}", false),
            PatternShape::Short { segments: 4 }
        );
    }

    #[test]
    fn shapes_follow_section_1() {
        use PatternShape::*;
        let cases = [
            ("arn:aws:iot:us-east-1:123456789012:job/j1", Full),
            ("arn:aws:s3:::bucket", Full),
            ("arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0", Full),
            ("arn:aws:waf:*", Short { segments: 4 }),
            ("arn:aws:fdsasf", Short { segments: 3 }),
            ("arn:aws:sqs:us-east-1", Short { segments: 4 }),
            ("arn:aws:sqs:us-east-1:123456789012", Short { segments: 5 }),
            ("arn:aws:s3::example_bucket", EmptySegment { index: 3 }),
            ("arn::s3", EmptySegment { index: 1 }),
            ("arn:aws:", EmptySegment { index: 2 }),
            ("arn:aws:waf:", EmptySegment { index: 3 }),
            ("arn:aws", TooFewSegments),
            ("arn:", TooFewSegments),
            ("arn", NotArn),
            ("*", NotArn),
            ("ARN:aws:iot:us-east-1:1:job/j", NotArn),
            ("", NotArn),
        ];
        for (text, want) in cases {
            assert_eq!(pattern_shape(text, false), want, "{text}");
        }
    }

    #[test]
    fn short_patterns_are_padded_with_stars() {
        assert_eq!(padded("arn:aws:waf:*"), "arn:aws:waf:*:*:*");
        assert_eq!(padded("arn:aws:fdsasf"), "arn:aws:fdsasf:*:*:*");
        assert_eq!(
            padded("arn:aws:sqs:us-east-1:1"),
            "arn:aws:sqs:us-east-1:1:*"
        );
        assert!(matches!(padded("arn:aws:iot:r:a:job/j"), Cow::Borrowed(_)));
        assert!(matches!(padded("arn:aws"), Cow::Borrowed(_)));
        assert!(matches!(padded("arn:aws:s3::b"), Cow::Borrowed(_)));
    }

    #[test]
    fn request_values_are_not_padded() {
        assert_eq!(components("arn:aws:waf").count(), 3);
        assert_eq!(components("arn:aws:iot:r:a:job/x:y").count(), 6);
        assert_eq!(resource_part("arn:aws:iot:r:a:job/x:y"), Some("job/x:y"));
        assert_eq!(resource_part("arn:aws:waf:*"), None);
        assert_eq!(
            head_and_resource("arn:aws:iot:r:a:job/x:y"),
            Some(("arn:aws:iot:r:a:", "job/x:y"))
        );
        assert_eq!(service("arn:aws:iot:r"), Some("iot"));
        assert_eq!(service("arn:aws"), None);
    }
}
