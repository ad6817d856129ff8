//! The permitted readings of every implementation-defined point (docs/semantics.md §11).
//!
//! Where AWS is silent or contradicts itself, the semantics name the choice `ID-n` and list the
//! readings an evaluator may follow. [`Readings`] holds one reading per point; its
//! [`Default`] is the reference's choice throughout. The parser ([`crate::ParseOptions`]) and
//! the evaluator (`iam_eval::PolicySet::with_readings`) take it, so the reference can compute
//! the answer of a case under any permitted reading, and the gate can accept every one of them.
//!
//! Each reading has a short word (`ID-7=never`) and a one-line meaning:
//!
//! ```
//! use iam_policy::readings::{ArnReach, Point, Readings};
//!
//! let mut readings = Readings::default();
//! assert_eq!(readings.word(Point::Id7), "segment");
//! readings.set_word(Point::Id7, "never").unwrap();
//! assert_eq!(readings.arn_reach, ArnReach::Never);
//! assert!(readings.set_word(Point::Id7, "sometimes").is_err());
//! assert_eq!(Readings::parse_list("ID-7=never,ID-9=error").unwrap().len(), 2);
//! ```

use std::fmt;

/// One enum per point: its readings, the reference's first, each with a word and a meaning.
macro_rules! reading {
    (
        $(#[$doc:meta])*
        $name:ident {
            $first:ident => ($first_word:literal, $first_meaning:literal)
            $(, $variant:ident => ($word:literal, $meaning:literal))+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            #[doc = $first_meaning]
            #[default]
            $first,
            $(#[doc = $meaning] $variant,)+
        }

        impl $name {
            /// The reference's reading.
            pub const REFERENCE: $name = $name::$first;
            /// Every permitted reading, the reference's first.
            pub const ALL: &'static [$name] = &[$name::$first $(, $name::$variant)+];
            /// The readings' words, in the order of [`Self::ALL`].
            pub const WORDS: &'static [&'static str] = &[$first_word $(, $word)+];
            /// The readings' meanings, in the order of [`Self::ALL`].
            pub const MEANINGS: &'static [&'static str] = &[$first_meaning $(, $meaning)+];

            /// The short word that names this reading (`--readings ID-n=word`).
            pub const fn word(self) -> &'static str {
                match self {
                    $name::$first => $first_word,
                    $($name::$variant => $word,)+
                }
            }

            /// The position of this reading in [`Self::ALL`]: its declaration order, which
            /// `ALL` follows (no search, so no fallback to the reference's reading).
            pub const fn index(self) -> usize {
                self as usize
            }
        }
    };
}

reading! {
    /// ID-1: an object with the same key twice.
    DuplicateKeys {
        Error => ("error", "the document is rejected"),
        First => ("first", "the first of the duplicate keys wins"),
        Last => ("last", "the last of the duplicate keys wins"),
    }
}

reading! {
    /// ID-2: how `Sid`s are compared for uniqueness.
    SidCase {
        Sensitive => ("sensitive", "`A` and `a` are different Sids"),
        Insensitive => ("insensitive", "`A` and `a` are the same Sid (a duplicate)"),
    }
}

reading! {
    /// ID-3: a wildcard in an action's vendor (`iot*:Describe*`).
    VendorWildcard {
        Error => ("error", "the document is rejected"),
        Glob => ("glob", "the vendor is a glob like the name"),
    }
}

reading! {
    /// ID-4: an unknown condition operator whose body is empty.
    EmptyUnknownOperator {
        Error => ("error", "the document is rejected"),
        Accept => ("accept", "accepted, and true (it has no keys)"),
    }
}

reading! {
    /// ID-5: a request value that cannot be read as the condition's type.
    UnreadableValue {
        Error => ("error", "the evaluation fails (never allowed)"),
        False => ("false", "the condition is false, positive and negated operators alike"),
    }
}

reading! {
    /// ID-6: the case of an ARN's partition, service and region.
    ArnCase {
        Sensitive => ("sensitive", "compared case-sensitively, like the rest of the ARN"),
        Insensitive => ("insensitive", "compared case-insensitively"),
    }
}

reading! {
    /// ID-7: how far a `*` of a resource ARN pattern reaches across colons.
    ArnReach {
        Segment => ("segment", "a `*` that ends a segment may cross colons, no other wildcard may (current AWS wording)"),
        Never => ("never", "no wildcard ever matches a colon"),
        Always => ("always", "every wildcard may match colons"),
    }
}

reading! {
    /// ID-8: a plain operator on a request key holding zero or two or more values.
    PlainOnMultivalued {
        Unmatched => ("unmatched", "positive operators are false, negated ones true"),
        AnyValue => ("anyvalue", "read as `ForAnyValue:`"),
        Error => ("error", "the evaluation fails"),
    }
}

reading! {
    /// ID-9: a bare IPv6 address in an `IpAddress` policy value.
    BareIpv6 {
        Slash128 => ("slash128", "a bare IPv6 address is a /128 range"),
        Error => ("error", "the document is rejected"),
    }
}

reading! {
    /// ID-10: an IPv4-mapped IPv6 request address (`::ffff:192.0.2.1`).
    MappedIpv4 {
        Ipv6 => ("ipv6", "it is an IPv6 address, in no IPv4 range"),
        Ipv4 => ("ipv4", "it is the IPv4 address it maps"),
    }
}

reading! {
    /// ID-11: a condition key with an empty array of values.
    EmptyValues {
        Error => ("error", "the document is rejected"),
        Accept => ("accept", "accepted: positive operators false, negated ones true"),
    }
}

reading! {
    /// ID-12: a `NotResource` entry whose policy variable has no value.
    NotResourceMissingVariable {
        Nothing => ("nothing", "the entry matches nothing, so it excludes nothing"),
        Error => ("error", "the evaluation fails"),
    }
}

reading! {
    /// ID-13: `Null` under a set qualifier (`ForAllValues:Null`).
    NullQualifier {
        Error => ("error", "the document is rejected"),
        Plain => ("plain", "read as the plain `Null`"),
    }
}

reading! {
    /// ID-14: a date value of digits only (`2024`).
    DigitsDate {
        Epoch => ("epoch", "digits only are seconds since 1970-01-01T00:00:00Z"),
        Year => ("year", "four digits are a W3C year (`2024` is 2024-01-01T00:00:00Z); other digits-only values stay epoch seconds"),
    }
}

reading! {
    /// ID-15: a resource ARN (or `Arn*` pattern) of three to five segments.
    ShortArn {
        Padded => ("padded", "padded with `*` segments to six"),
        Error => ("error", "the document is rejected"),
    }
}

reading! {
    /// ID-16: a request AWS could not send (an unknown action, a resource type or key the
    /// action does not take, a value not of its key's type; docs/semantics.md §2).
    OutsideCatalog {
        Decide => ("decide", "decided as given"),
        Error => ("error", "the evaluation fails"),
    }
}

reading! {
    /// ID-17: a wildcard in the resource-type part of a resource ARN (`...:*/fw-1`).
    ResourceTypeWildcard {
        Glob => ("glob", "an ordinary wildcard"),
        Literal => ("literal", "the resource-type text is literal: the entry matches nothing"),
    }
}

reading! {
    /// ID-18: a policy variable in a `Bool` value.
    BoolVariable {
        Substitute => ("substitute", "substituted, then read as a boolean"),
        Error => ("error", "the document is rejected"),
    }
}

reading! {
    /// ID-19: a `Numeric` or IP policy value that does not read as its type.
    IllTypedValue {
        Error => ("error", "the document is rejected"),
        Nothing => ("nothing", "the value matches nothing"),
    }
}

reading! {
    /// ID-20: what `BinaryEquals` compares.
    BinaryCompare {
        Bytes => ("bytes", "the request value's UTF-8 bytes with the base-64 decoding of the policy value"),
        Text => ("text", "the request value's text with the policy's base-64 text"),
    }
}

reading! {
    /// ID-21: an `Arn*` condition on a request value of fewer than six components.
    ShortArnValue {
        NoMatch => ("nomatch", "the value matches no pattern (negated operators true)"),
        False => ("false", "the condition is false, negated operators too"),
        Error => ("error", "the evaluation fails"),
    }
}

reading! {
    /// ID-22: which ARNs an IoT Jobs API call is checked on (docs/semantics.md §10.1).
    CallChecks {
        Every => ("every", "one check per ARN the call names"),
        Required => ("required", "only the ARNs of the call's required parameters"),
        First => ("first", "the first ARN only"),
    }
}

/// The table of points: variant, id, field of [`Readings`], reading type, title.
macro_rules! points {
    ($($point:ident $id:literal $field:ident: $ty:ident = $title:literal;)+) => {
        /// An implementation-defined point, `ID-n`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Point {
            $(#[doc = concat!($id, ": ", $title)] $point,)+
        }

        impl Point {
            /// Every point, in order.
            pub const ALL: &'static [Point] = &[$(Point::$point),+];

            /// `ID-n`.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Point::$point => $id,)+
                }
            }

            /// What the point is about, in a few words.
            pub const fn title(self) -> &'static str {
                match self {
                    $(Point::$point => $title,)+
                }
            }

            /// The words of its permitted readings, the reference's first.
            pub const fn words(self) -> &'static [&'static str] {
                match self {
                    $(Point::$point => $ty::WORDS,)+
                }
            }

            /// The meanings of its permitted readings, in the order of [`Point::words`].
            pub const fn meanings(self) -> &'static [&'static str] {
                match self {
                    $(Point::$point => $ty::MEANINGS,)+
                }
            }
        }

        /// One permitted reading per implementation-defined point; the default is the
        /// reference's reading throughout.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct Readings {
            $(#[doc = concat!($id, ": ", $title)] pub $field: $ty,)+
        }

        impl Readings {
            /// The reference's reading of every point (the [`Default`], usable in constants).
            pub const REFERENCE: Readings = Readings { $($field: $ty::REFERENCE,)+ };

            /// Whether every point has the reference's reading.
            pub fn is_reference(&self) -> bool {
                *self == Self::REFERENCE
            }

            /// The position of the reading of `point` among [`Point::words`].
            pub fn index(&self, point: Point) -> usize {
                match point {
                    $(Point::$point => self.$field.index(),)+
                }
            }

            /// Set the reading of `point` by its position among [`Point::words`]; `false` when
            /// there is no such reading.
            pub fn set_index(&mut self, point: Point, index: usize) -> bool {
                match point {
                    $(Point::$point => match $ty::ALL.get(index) {
                        Some(reading) => {
                            self.$field = *reading;
                            true
                        }
                        None => false,
                    },)+
                }
            }
        }
    };
}

points! {
    Id1 "ID-1" duplicate_keys: DuplicateKeys = "duplicate JSON keys";
    Id2 "ID-2" sid_case: SidCase = "Sid uniqueness case";
    Id3 "ID-3" vendor_wildcard: VendorWildcard = "wildcard in an action's vendor";
    Id4 "ID-4" empty_unknown_operator: EmptyUnknownOperator = "unknown condition operator with an empty body";
    Id5 "ID-5" unreadable_value: UnreadableValue = "unreadable typed request value";
    Id6 "ID-6" arn_case: ArnCase = "case of ARN partition, service and region";
    Id7 "ID-7" arn_reach: ArnReach = "how far an ARN `*` reaches across colons";
    Id8 "ID-8" plain_on_multivalued: PlainOnMultivalued = "plain operator on a request key of zero or 2+ values";
    Id9 "ID-9" bare_ipv6: BareIpv6 = "bare IPv6 address in a policy";
    Id10 "ID-10" mapped_ipv4: MappedIpv4 = "IPv4-mapped IPv6 request address";
    Id11 "ID-11" empty_values: EmptyValues = "empty array of condition values";
    Id12 "ID-12" notresource_missing_variable: NotResourceMissingVariable = "`NotResource` entry whose variable has no value";
    Id13 "ID-13" null_qualifier: NullQualifier = "`Null` under a set qualifier";
    Id14 "ID-14" digits_date: DigitsDate = "a date value of digits only";
    Id15 "ID-15" short_arn: ShortArn = "a resource ARN of three to five segments";
    Id16 "ID-16" outside_catalog: OutsideCatalog = "a request outside the catalog";
    Id17 "ID-17" resource_type_wildcard: ResourceTypeWildcard = "a wildcard in the resource-type part of an ARN";
    Id18 "ID-18" bool_variable: BoolVariable = "a policy variable in a `Bool` value";
    Id19 "ID-19" ill_typed_value: IllTypedValue = "a Numeric or IP policy value that does not fit its operator";
    Id20 "ID-20" binary_compare: BinaryCompare = "what `BinaryEquals` compares";
    Id21 "ID-21" short_arn_value: ShortArnValue = "an `Arn*` condition on a request value of fewer than six components";
    Id22 "ID-22" call_checks: CallChecks = "which ARNs an API call is checked on";
}

impl Point {
    /// The point named `ID-n` (case-insensitive `id`).
    pub fn from_id(id: &str) -> Option<Point> {
        Point::ALL
            .iter()
            .copied()
            .find(|p| p.id().eq_ignore_ascii_case(id.trim()))
    }

    /// The position of `word` among the point's readings.
    pub fn reading_index(self, word: &str) -> Option<usize> {
        self.words()
            .iter()
            .position(|w| w.eq_ignore_ascii_case(word.trim()))
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A `--readings` entry that names no point or no reading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadingsError {
    /// The entry is not `ID-n=word`.
    #[error("`{entry}` is not `ID-n=reading`")]
    Malformed {
        /// The entry as written.
        entry: String,
    },
    /// No point has this id.
    #[error("`{id}` is not an implementation-defined point (ID-1 to ID-{})", Point::ALL.len())]
    UnknownPoint {
        /// The id as written.
        id: String,
    },
    /// The point has no reading of this name.
    #[error("`{word}` is not a reading of {point}: its readings are {}", quoted(point.words()))]
    UnknownReading {
        /// The point.
        point: Point,
        /// The word as written.
        word: String,
    },
    /// The same point is named twice.
    #[error("{point} is given twice")]
    Repeated {
        /// The point.
        point: Point,
    },
}

impl ReadingsError {
    /// A hint for the user.
    pub fn help(&self) -> &'static str {
        "`iamconf check --list-readings` lists every point and its readings"
    }
}

fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Readings {
    /// The word of the reading of `point`.
    pub fn word(&self, point: Point) -> &'static str {
        // `words()` and the index come from the same `reading!` list, so the word is always
        // there; the empty default exists only because indexing is denied.
        point
            .words()
            .get(self.index(point))
            .copied()
            .unwrap_or_default()
    }

    /// Set the reading of `point` by its word.
    pub fn set_word(&mut self, point: Point, word: &str) -> Result<(), ReadingsError> {
        match point.reading_index(word) {
            Some(index) if self.set_index(point, index) => Ok(()),
            _ => Err(ReadingsError::UnknownReading {
                point,
                word: word.trim().to_owned(),
            }),
        }
    }

    /// Read a list `ID-7=never,ID-9=error` (spaces allowed, ids and words case-insensitive)
    /// into (point, reading index) pairs, each point at most once.
    pub fn parse_list(text: &str) -> Result<Vec<(Point, usize)>, ReadingsError> {
        let mut out: Vec<(Point, usize)> = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((id, word)) = entry.split_once('=') else {
                return Err(ReadingsError::Malformed {
                    entry: entry.to_owned(),
                });
            };
            let point = Point::from_id(id).ok_or_else(|| ReadingsError::UnknownPoint {
                id: id.trim().to_owned(),
            })?;
            let index = point
                .reading_index(word)
                .ok_or_else(|| ReadingsError::UnknownReading {
                    point,
                    word: word.trim().to_owned(),
                })?;
            if out.iter().any(|(p, _)| *p == point) {
                return Err(ReadingsError::Repeated { point });
            }
            out.push((point, index));
        }
        Ok(out)
    }

    /// The points whose reading is not the reference's, as `ID-n=word` entries.
    pub fn to_list(&self) -> String {
        Point::ALL
            .iter()
            .filter(|p| self.index(**p) != 0)
            .map(|p| format!("{}={}", p.id(), self.word(*p)))
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_point_has_two_or_more_distinct_readings_and_meanings() {
        for (n, point) in Point::ALL.iter().enumerate() {
            assert_eq!(point.id(), format!("ID-{}", n + 1));
            let words = point.words();
            assert!(words.len() >= 2, "{point}");
            assert_eq!(words.len(), point.meanings().len());
            let mut sorted = words.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), words.len(), "{point}: repeated word");
            for w in words {
                assert!(w
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
            }
        }
    }

    #[test]
    fn set_and_read_back_every_reading() {
        for point in Point::ALL {
            for (index, word) in point.words().iter().enumerate() {
                let mut readings = Readings::default();
                readings.set_word(*point, word).unwrap();
                assert_eq!(readings.index(*point), index);
                assert_eq!(readings.word(*point), *word);
                // No other point moved.
                for other in Point::ALL.iter().filter(|o| *o != point) {
                    assert_eq!(readings.index(*other), 0);
                }
            }
            assert!(!Readings::default().set_index(*point, point.words().len()));
        }
    }

    #[test]
    fn lists_parse_and_print() {
        let list = Readings::parse_list(" id-7 = Never , ID-9=error,").unwrap();
        assert_eq!(list, vec![(Point::Id7, 1), (Point::Id9, 1)]);
        let mut readings = Readings::default();
        for (p, i) in list {
            readings.set_index(p, i);
        }
        assert_eq!(readings.to_list(), "ID-7=never,ID-9=error");
        assert_eq!(Readings::default().to_list(), "");
    }

    #[test]
    fn bad_lists_say_what_is_wrong() {
        let e = Readings::parse_list("ID-7").unwrap_err();
        assert_eq!(e.to_string(), "`ID-7` is not `ID-n=reading`");
        let e = Readings::parse_list("ID-99=x").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("`ID-99` is not an implementation-defined point"));
        let e = Readings::parse_list("ID-7=sometimes").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`sometimes` is not a reading of ID-7: its readings are `segment`, `never`, `always`"
        );
        let e = Readings::parse_list("ID-7=never,ID-7=always").unwrap_err();
        assert_eq!(e.to_string(), "ID-7 is given twice");
    }
}
