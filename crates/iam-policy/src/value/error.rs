//! Why a text cannot be read as a typed value: [`ValueError`], its [`ValueErrorKind`], and
//! the message and help each kind renders.
//!
//! Messages are lowercase, quote the input in backticks and say why it was refused:
//! `` `1e5` is not a number: exponents are not allowed ``. The kind says the same thing to a
//! program; [`ValueError::help`] says how to write the value.

use std::fmt;

/// The type a value was to be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// A `Numeric...` value ([`super::parse_number`]).
    Number,
    /// A `Date...` value ([`super::parse_instant`]).
    Date,
    /// A `Bool` or `Null` value ([`super::parse_bool`]).
    Bool,
    /// A policy's IP range ([`super::parse_ip_range`]).
    IpRange,
    /// A request's IP address ([`super::parse_ip_address`]).
    IpAddress,
    /// A `BinaryEquals` value ([`super::decode_base64`]).
    Base64,
}

impl ValueKind {
    /// What a value of this kind is called in messages: `a number`, `a date`, ...
    const fn noun(self) -> &'static str {
        match self {
            ValueKind::Number => "a number",
            ValueKind::Date => "a date",
            ValueKind::Bool => "`true` or `false`",
            ValueKind::IpRange => "an IP address or range",
            ValueKind::IpAddress => "an IP address",
            ValueKind::Base64 => "base-64",
        }
    }
}

/// A field of a date or time, for messages that name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateField {
    /// The year.
    Year,
    /// The month.
    Month,
    /// The day of the month.
    Day,
    /// The hour.
    Hour,
    /// The minute.
    Minute,
    /// The second.
    Second,
    /// The hours of a zone offset.
    ZoneHour,
    /// The minutes of a zone offset.
    ZoneMinute,
}

impl DateField {
    /// The field's name in `expected 2 digits for the ...`.
    const fn digits_name(self) -> &'static str {
        match self {
            DateField::Year => "year",
            DateField::Month => "month",
            DateField::Day => "day",
            DateField::Hour => "hour",
            DateField::Minute => "minute",
            DateField::Second => "second",
            DateField::ZoneHour => "zone hours",
            DateField::ZoneMinute => "zone minutes",
        }
    }

    /// The field's name in `... is out of range`.
    const fn name(self) -> &'static str {
        match self {
            DateField::ZoneHour => "zone hour",
            DateField::ZoneMinute => "zone minute",
            other => other.digits_name(),
        }
    }
}

/// A separator a date's grammar requires at some place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateSeparator {
    /// `-` between the year and the month.
    DashAfterYear,
    /// `-` between the month and the day.
    DashAfterMonth,
    /// `T` between the date and the time.
    TimeDesignator,
    /// `:` between the hour and the minute.
    ColonAfterHour,
}

impl fmt::Display for DateSeparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateSeparator::DashAfterYear => "`-` after the year",
            DateSeparator::DashAfterMonth => "`-` after the month",
            DateSeparator::TimeDesignator => "`T` before the time",
            DateSeparator::ColonAfterHour => "`:` after the hour",
        })
    }
}

/// Why a text was refused. Positions (`offset`) are byte offsets into the text; text fields
/// (`rest`, `octet`, `prefix`) are the part of the input the reason is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueErrorKind {
    /// The text is empty (and the empty string is no value of the kind).
    Empty,
    /// The text contains whitespace.
    Whitespace,

    /// A number starts with `+`.
    LeadingPlus,
    /// A `-` after the first character of a number.
    MinusNotFirst,
    /// A number with an exponent (`1e5`).
    Exponent,
    /// A character of a number that is no digit.
    NotADigit(char),
    /// A number that is only `-`.
    NoDigitAfterMinus,
    /// A number that starts with `.` (`.5`).
    NoDigitBeforeDot,
    /// A number that ends with `.` (`5.`).
    NoDigitAfterDot,
    /// A number with two `.`.
    SecondDot,
    /// A number that does not fit a 96-bit decimal with at most 28 decimal places.
    NumberOutOfRange,

    /// Epoch seconds with more than 9 fractional digits.
    EpochFractionTooLong,
    /// Epoch seconds whose whole seconds do not fit an `i64`.
    EpochOutOfRange,
    /// A date that does not start with a four-digit year (and is no plain number).
    NoYear,
    /// A field of a date or time without its digits.
    MissingDigits {
        /// How many digits the field takes.
        count: usize,
        /// The field.
        field: DateField,
    },
    /// A separator missing where the grammar needs it.
    MissingSeparator {
        /// The separator.
        separator: DateSeparator,
        /// The rest of the text where it was expected; `None` at the end of the text.
        found: Option<String>,
    },
    /// A `T` not followed by an hour.
    NoHour,
    /// A `.` in the seconds not followed by digits.
    NoFractionDigits,
    /// More than 9 fractional digits of a second.
    FractionTooLong(usize),
    /// Text after the zone.
    AfterZone(String),
    /// A time without a zone; `found` is the rest of the text where the zone should be.
    NoZone {
        /// The rest of the text; `None` at the end of the text.
        found: Option<String>,
    },
    /// Zone hours that are not two digits.
    ZoneHourDigits,
    /// A field of a date or time outside its range.
    FieldOutOfRange {
        /// The field.
        field: DateField,
        /// The value given.
        value: u32,
    },
    /// A month number that names no month.
    NoSuchMonth(u32),
    /// A day that the month does not have (`2023-02-29`).
    NoSuchDay {
        /// The year.
        year: u32,
        /// The month.
        month: u32,
        /// The day.
        day: u32,
    },
    /// A time the calendar library refuses (its message, lowercase).
    TimeOutOfRange(String),

    /// A boolean that is neither `true` nor `false`.
    NotBoolean,

    /// An address part that is empty (`/8`).
    EmptyAddress,
    /// An address with a zone id (`fe80::1%eth0`).
    ZoneId,
    /// A text with `:` that is no IPv6 address.
    NotIpv6,
    /// An IPv4 address without four octets (`10.1`).
    OctetCount(usize),
    /// An empty octet (`10..0.1`).
    EmptyOctet,
    /// An octet with a leading zero (`010`).
    OctetLeadingZero(String),
    /// An octet above 255.
    OctetOutOfRange(String),
    /// A text that is no IPv4 or IPv6 address.
    NotAnAddress,
    /// A range with nothing after `/`.
    EmptyPrefix,
    /// A prefix that is not plain decimal.
    PrefixNotDecimal(String),
    /// A prefix with a leading zero (`/08`).
    PrefixLeadingZero(String),
    /// A prefix longer than the address has bits.
    PrefixTooLong {
        /// The prefix as given.
        prefix: String,
        /// The address's bits (32 or 128).
        bits: u8,
    },
    /// A range the network library refuses (its message, lowercase).
    Network(String),
    /// A request address with a `/` prefix.
    RequestPrefix,
    /// A bare IPv6 address as a policy range, under the `error` reading of ID-9.
    BareIpv6,

    /// `=` where no padding may be.
    MisplacedPadding {
        /// Where.
        offset: usize,
    },
    /// A byte outside the standard base-64 alphabet.
    NotInAlphabet {
        /// Where.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A length that leaves a single symbol over.
    LoneSymbol,
    /// A last symbol with unused bits set.
    UnusedBits {
        /// Where.
        offset: usize,
    },
    /// Wrong padding.
    WrongPadding,
}

impl fmt::Display for ValueErrorKind {
    /// The reason alone, as it follows `` `text` is not a ...: `` in the message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ValueErrorKind as K;
        match self {
            K::Empty => f.write_str("it is empty"),
            K::Whitespace => f.write_str("it contains whitespace"),
            K::LeadingPlus => f.write_str("a leading `+` is not allowed"),
            K::MinusNotFirst => f.write_str("`-` may only come first"),
            K::Exponent => f.write_str("exponents are not allowed"),
            K::NotADigit(c) => write!(f, "`{c}` is not a digit"),
            K::NoDigitAfterMinus => f.write_str("a digit must follow `-`"),
            K::NoDigitBeforeDot => f.write_str("a digit must come before `.`"),
            K::NoDigitAfterDot => f.write_str("a digit must follow `.`"),
            K::SecondDot => f.write_str("it has more than one `.`"),
            K::NumberOutOfRange => f.write_str(
                "it is out of range (at most 28 decimal places and 96 bits of significant digits)",
            ),
            K::EpochFractionTooLong => {
                f.write_str("epoch seconds take at most 9 fractional digits")
            }
            K::EpochOutOfRange => f.write_str("epoch seconds out of range"),
            K::NoYear => f.write_str("expected a four-digit year (or epoch seconds)"),
            K::MissingDigits { count, field } => {
                write!(f, "expected {count} digits for the {}", field.digits_name())
            }
            K::MissingSeparator {
                separator,
                found: None,
            } => write!(f, "expected {separator}, found the end"),
            K::MissingSeparator {
                separator,
                found: Some(rest),
            } => write!(f, "expected {separator}, found `{rest}`"),
            K::NoHour => f.write_str("expected the hour after `T`"),
            K::NoFractionDigits => f.write_str("expected digits after `.`"),
            K::FractionTooLong(n) => write!(f, "{n} fractional digits (at most 9)"),
            K::AfterZone(rest) => write!(f, "unexpected `{rest}` after the zone"),
            K::NoZone { found } => {
                f.write_str("a time needs a zone (`Z`, `+hh:mm` or `-hh:mm`)")?;
                match found {
                    Some(rest) => write!(f, ", found `{rest}`"),
                    None => Ok(()),
                }
            }
            K::ZoneHourDigits => {
                f.write_str("zone hours take two digits (`+hh`, `+hh:mm` or `+hhmm`)")
            }
            K::FieldOutOfRange { field, value } => match field {
                DateField::Year => write!(f, "year `{value}` is out of range"),
                DateField::Month | DateField::Day => {
                    write!(f, "{} `{value:02}` is out of range", field.name())
                }
                DateField::Hour | DateField::ZoneHour => {
                    write!(
                        f,
                        "{} `{value:02}` is out of range (at most 23)",
                        field.name()
                    )
                }
                DateField::Minute | DateField::Second | DateField::ZoneMinute => {
                    write!(
                        f,
                        "{} `{value:02}` is out of range (at most 59)",
                        field.name()
                    )
                }
            },
            K::NoSuchMonth(month) => write!(f, "month `{month:02}` does not exist"),
            K::NoSuchDay { year, month, day } => {
                write!(f, "day `{day:02}` does not exist in {year:04}-{month:02}")
            }
            K::TimeOutOfRange(why) => write!(f, "the time is out of range ({why})"),
            K::NotBoolean => f.write_str("it is neither `true` nor `false`"),
            K::EmptyAddress => f.write_str("the address is empty"),
            K::ZoneId => f.write_str("zone ids (`%...`) are not allowed"),
            K::NotIpv6 => f.write_str("it is not a valid IPv6 address"),
            K::OctetCount(n) => write!(
                f,
                "an IPv4 address has four octets, found {n} (short forms are not allowed)"
            ),
            K::EmptyOctet => f.write_str("an octet is empty"),
            K::OctetLeadingZero(octet) => write!(f, "octet `{octet}` has a leading zero"),
            K::OctetOutOfRange(octet) => write!(f, "octet `{octet}` is out of range"),
            K::NotAnAddress => f.write_str("it is not an IPv4 or IPv6 address"),
            K::EmptyPrefix => f.write_str("the prefix after `/` is empty"),
            K::PrefixNotDecimal(p) => write!(f, "prefix `/{p}` is not a decimal number"),
            K::PrefixLeadingZero(p) => write!(f, "prefix `/{p}` has a leading zero"),
            K::PrefixTooLong { prefix, bits } => {
                write!(f, "prefix `/{prefix}` is longer than {bits} bits")
            }
            K::Network(why) => f.write_str(why),
            K::RequestPrefix => f.write_str("a request address has no `/` prefix"),
            K::BareIpv6 => f.write_str("a bare IPv6 address is not a range (ID-9)"),
            K::MisplacedPadding { offset } => {
                write!(f, "`=` at offset {offset} is misplaced padding")
            }
            K::NotInAlphabet { offset, byte } => write!(
                f,
                "`{}` at offset {offset} is not in the standard alphabet",
                char::from(*byte).escape_default()
            ),
            K::LoneSymbol => {
                f.write_str("its length leaves a single symbol over, which is no whole byte")
            }
            K::UnusedBits { offset } => {
                write!(f, "the symbol at offset {offset} has unused bits set")
            }
            K::WrongPadding => f.write_str("its padding is wrong"),
        }
    }
}

/// A text that cannot be read as the kind of value asked for.
///
/// It renders as `` `text` is not <kind>: <reason> ``, or `an empty string is not <kind>`.
/// Where the text stands in a policy or request is the caller's to say (a diagnostic's span,
/// an evaluation error's policy, statement, key and source location): the reader sees the
/// text alone, and says where in it the reason stands ([`ValueError::offset`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValueError {
    /// The kind of value asked for.
    pub expected: ValueKind,
    /// The text as given.
    pub text: String,
    /// Why it was refused.
    pub kind: ValueErrorKind,
    /// The byte offset in `text` where the reason stands, when it stands at one place: the
    /// character that is no digit, the date field out of range, the place a separator or a
    /// zone is missing (`text.len()` at the end), the octet or prefix that is wrong. `None`
    /// when the reason is about the whole text (`it is empty`, `it is neither `true` nor
    /// `false``, out of range as a whole, not an IPv6 address).
    pub offset: Option<usize>,
}

/// Why a reader refused its text, and where in it (see [`ValueError::offset`]).
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) kind: ValueErrorKind,
    pub(crate) offset: Option<usize>,
}

impl From<ValueErrorKind> for Refusal {
    /// A reason about the whole text.
    fn from(kind: ValueErrorKind) -> Self {
        Self { kind, offset: None }
    }
}

impl ValueErrorKind {
    /// The reason, standing at byte `offset` of the text.
    pub(crate) const fn at(self, offset: usize) -> Refusal {
        Refusal {
            kind: self,
            offset: Some(offset),
        }
    }
}

impl ValueError {
    /// `text`, refused as a value of kind `expected` for `refusal`.
    pub(crate) fn new(expected: ValueKind, text: &str, refusal: Refusal) -> Self {
        let within = |at: &usize| text.is_char_boundary(*at);
        // A reader's offset lies within its text (`text.len()` included); another would be a
        // bug in the reader, which then says nothing rather than a wrong place.
        debug_assert!(
            refusal.offset.as_ref().is_none_or(within),
            "offset {:?} is not in `{text}`",
            refusal.offset
        );
        Self {
            expected,
            text: text.to_owned(),
            kind: refusal.kind,
            offset: refusal.offset.filter(within),
        }
    }

    /// How to write a value of the kind asked for.
    pub fn help(&self) -> &'static str {
        if self.kind == ValueErrorKind::BareIpv6 {
            return "write a range with its prefix, such as `2001:db8::1/128`";
        }
        match self.expected {
            ValueKind::Number => {
                "write digits with an optional leading `-` and `.` fraction, such as `-1.5`"
            }
            ValueKind::Date => {
                "write an ISO 8601 date such as `2024-03-15` or `2024-03-15T10:20:30Z`, or epoch seconds"
            }
            ValueKind::Bool => "write `true` or `false`",
            ValueKind::IpRange => {
                "write an address or a CIDR range, such as `192.0.2.0/24` or `2001:db8::/32`"
            }
            ValueKind::IpAddress => "write an address, such as `192.0.2.1` or `2001:db8::1`",
            ValueKind::Base64 => {
                "write standard base-64 (`A`-`Z`, `a`-`z`, `0`-`9`, `+`, `/`), padding optional"
            }
        }
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &self.text;
        let noun = self.expected.noun();
        match &self.kind {
            ValueErrorKind::Empty => write!(f, "an empty string is not {noun}"),
            ValueErrorKind::NotBoolean => write!(f, "`{text}` is not {noun}"),
            ValueErrorKind::BareIpv6 => write!(
                f,
                "`{text}` is a bare IPv6 address: write a range such as `{text}/128` (ID-9)"
            ),
            reason => write!(f, "`{text}` is not {noun}: {reason}"),
        }
    }
}

impl std::error::Error for ValueError {}
