//! Typed condition values: numbers, instants, booleans, IP ranges and addresses, base-64.
//!
//! Every reader here serves both sides of a comparison (the policy's values and the request's),
//! so a value reads the same wherever it is written. All readers are strict: no surrounding
//! whitespace, no locale forms, no silent rounding. Error messages are lowercase, quote the
//! input in backticks and say why it was refused.
//!
//! Choices made where IAM's documentation leaves room (docs/semantics.md §6–§8):
//!
//! - **Numbers** ([`parse_number`]): `-`? digits (`.` digits)?. A leading `+`, `.5`, `5.`,
//!   exponents, `NaN`, hex and digit separators are refused. Leading zeros are allowed (`007`
//!   is 7) and `-0` is 0. Values must fit `rust_decimal` exactly (a 96-bit mantissa, at most 28
//!   decimal places after trailing zeros are dropped); anything else is refused as out of
//!   range rather than rounded. Comparison is numeric (`1.50` equals `1.5`).
//! - **Dates** ([`parse_instant`]): the W3C profiles of ISO 8601 plus the forms AWS was seen to
//!   accept where they are unambiguous (lowercase `t`/`z`, a one-digit hour, zones `+hh` and
//!   `+hhmm`); or epoch seconds. See [`parse_instant`] for the exact grammar.
//! - **Booleans** ([`parse_bool`]): `true`/`false`, any case, nothing else.
//! - **IP ranges** ([`parse_ip_range`]): the address by the standard library's strict reader,
//!   the prefix as plain decimal; host bits below the prefix are cleared.
//! - **Base-64** ([`decode_base64`]): standard alphabet; padding optional but, when present,
//!   correct; unused bits of the last symbol must be zero.

use std::net::IpAddr;
use std::str::FromStr;

use ipnetwork::{IpNetwork, Ipv4Network, Ipv6Network};
use rust_decimal::Decimal;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// An instant: nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instant(pub i128);

const NANOS_PER_SECOND: i128 = 1_000_000_000;

impl Instant {
    /// The instant `seconds` after the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Instant(seconds as i128 * NANOS_PER_SECOND)
    }

    /// The instant as RFC 3339 text in UTC (`2024-02-29T12:00:00.5Z`), when it lies in the
    /// years 0000 to 9999.
    pub fn format_rfc3339(self) -> Option<String> {
        let at = OffsetDateTime::from_unix_timestamp_nanos(self.0).ok()?;
        at.format(&time::format_description::well_known::Rfc3339)
            .ok()
    }
}

mod error;

use error::Refusal;
pub use error::{DateField, DateSeparator, ValueError, ValueErrorKind, ValueKind};
use ValueErrorKind as Why;

// ---------------------------------------------------------------------------------------------
// Numbers

/// Read a `Numeric...` value: optional `-`, digits, optional `.` and digits.
///
/// `007`, `-0` and `1.50` are accepted; `+1`, `.5`, `5.`, `1e5`, `0x10`, `NaN`, `1_000`, text
/// with whitespace and values that do not fit a 96-bit decimal exactly are refused.
pub fn parse_number(text: &str) -> Result<Decimal, ValueError> {
    read_number(text).map_err(|why| ValueError::new(ValueKind::Number, text, why))
}

fn read_number(text: &str) -> Result<Decimal, Refusal> {
    if text.is_empty() {
        return Err(Why::Empty.into());
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    // Where `unsigned` and its fraction start in `text`.
    let sign = text.len() - unsigned.len();
    let fraction = sign + int_part.len() + 1;
    if let Some((at, c)) = unsigned
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit() && *c != '.')
    {
        return Err(number_char_reason(c, text).at(sign + at));
    }
    if unsigned.is_empty() {
        return Err(Why::NoDigitAfterMinus.at(text.len()));
    }
    if int_part.is_empty() {
        return Err(Why::NoDigitBeforeDot.at(sign));
    }
    let frac = match frac_part {
        Some("") => return Err(Why::NoDigitAfterDot.at(text.len())),
        Some(f) => match f.find('.') {
            Some(second) => return Err(Why::SecondDot.at(fraction + second)),
            None => f.trim_end_matches('0'),
        },
        None => "",
    };
    // Leading zeros of the integer part and trailing zeros of the fraction do not change the
    // value; dropping them keeps rust_decimal's exact reader from refusing harmless text.
    let int = match int_part.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    // Build the decimal from its digits without allocating: a request value is read on the
    // evaluator's hot path.
    let out_of_range = || Refusal::from(Why::NumberOutOfRange);
    let mut mantissa: i128 = 0;
    for digit in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(digit - b'0')))
            .ok_or_else(out_of_range)?;
    }
    if negative {
        mantissa = -mantissa;
    }
    let scale = u32::try_from(frac.len()).map_err(|_| out_of_range())?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| out_of_range())
}

fn number_char_reason(c: char, text: &str) -> ValueErrorKind {
    match c {
        '+' if text.starts_with('+') => Why::LeadingPlus,
        '-' => Why::MinusNotFirst,
        'e' | 'E' if text.chars().any(|c| c.is_ascii_digit()) => Why::Exponent,
        c if c.is_whitespace() => Why::Whitespace,
        c => Why::NotADigit(c),
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// Read a `Date...` value: ISO 8601 (W3C profiles) or epoch seconds.
///
/// The accepted forms (no whitespace anywhere):
///
/// - `YYYY-MM`, `YYYY-MM-DD`: midnight UTC on the first day of the month, or on the day. The
///   year has exactly four digits (0000 to 9999). The W3C profile `YYYY` is not read as a year:
///   the spec (§6) makes every plain number epoch seconds, so `2024` is 2024 seconds after the
///   epoch.
/// - `YYYY-MM-DDThh:mmTZD`, `YYYY-MM-DDThh:mm:ssTZD`, `YYYY-MM-DDThh:mm:ss.sTZD` with 1 to 9
///   fractional digits. `T` may be `t`; the hour may have one digit (AWS accepts
///   `2016-12-13t2:00:00.593194+23`); minutes and seconds have two. Hours run 0–23, minutes
///   0–59, seconds 0–59 (no `24:00`, no leap second).
/// - TZD is `Z` (or `z`), `+hh:mm`, `-hh:mm`, `+hhmm`, `-hhmm`, `+hh` or `-hh`, with `hh` at
///   most 23 and `mm` at most 59. A time without a zone is refused (W3C requires one).
/// - Epoch seconds: `-`? digits (`.` 1–9 digits)?; the whole
///   seconds must fit an `i64`. The sign covers the fraction: `-1.5` is 1.5 s before the epoch.
///
/// Calendar dates are checked (`2023-02-29` is refused, `2024-02-29` accepted).
pub fn parse_instant(text: &str) -> Result<Instant, ValueError> {
    read_date(text).map_err(|why| ValueError::new(ValueKind::Date, text, why))
}

/// [`parse_instant`] under the `year` reading of ID-14: four digits (`2024`) are a W3C year,
/// the instant 2024-01-01T00:00:00Z; any other text reads as [`parse_instant`] reads it.
pub fn parse_instant_digits_as_year(text: &str) -> Result<Instant, ValueError> {
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        // The offsets of the text read are not `text`'s: none is kept.
        return parse_iso(format!("{text}-01-01T00:00:00Z").as_bytes())
            .map_err(|why| ValueError::new(ValueKind::Date, text, why.kind.into()));
    }
    parse_instant(text)
}

fn read_date(text: &str) -> Result<Instant, Refusal> {
    if text.is_empty() {
        return Err(Why::Empty.into());
    }
    let bytes = text.as_bytes();
    if let Some(at) = text.find(char::is_whitespace) {
        return Err(Why::Whitespace.at(at));
    }
    // ID-14: a plain number, four digits included (`2024`), is epoch seconds, not a year.
    if is_plain_number(bytes) {
        return parse_epoch(text);
    }
    parse_iso(bytes)
}

/// `-`? digits (`.` digits)?
fn is_plain_number(bytes: &[u8]) -> bool {
    let unsigned = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let mut parts = unsigned.splitn(2, |b| *b == b'.');
    let int = parts.next().unwrap_or_default();
    let int_ok = !int.is_empty() && int.iter().all(u8::is_ascii_digit);
    match parts.next() {
        None => int_ok,
        Some(frac) => int_ok && !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
    }
}

fn parse_epoch(text: &str) -> Result<Instant, Refusal> {
    let negative = text.starts_with('-');
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if frac.len() > 9 {
        return Err(Why::EpochFractionTooLong.at(int.len() + 1));
    }
    let seconds = i64::from_str(int).map_err(|_| Why::EpochOutOfRange)?;
    let frac_nanos = fraction_nanos(frac.as_bytes());
    let magnitude = i128::from(seconds).abs() * NANOS_PER_SECOND + i128::from(frac_nanos);
    Ok(Instant(if negative { -magnitude } else { magnitude }))
}

/// Nanoseconds of a fraction of at most 9 digits (`5` → 500 000 000).
fn fraction_nanos(digits: &[u8]) -> u32 {
    let mut value: u32 = 0;
    for i in 0..9 {
        let digit = digits
            .get(i)
            .map_or(0, |d| u32::from(d.saturating_sub(b'0')));
        value = value * 10 + digit;
    }
    value
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn at_end(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn eat(&mut self, options: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| options.contains(b))?;
        self.at += 1;
        Some(b)
    }

    fn digit(&mut self) -> Option<u32> {
        let b = self.peek().filter(u8::is_ascii_digit)?;
        self.at += 1;
        Some(u32::from(b - b'0'))
    }

    /// Exactly `n` digits; refused where a digit is missing.
    fn digits(&mut self, n: usize, field: DateField) -> Result<u32, Refusal> {
        let mut value = 0;
        for _ in 0..n {
            let d = self
                .digit()
                .ok_or(Why::MissingDigits { count: n, field }.at(self.at))?;
            value = value * 10 + d;
        }
        Ok(value)
    }

    /// `why`, standing where the cursor is.
    const fn here(&self, why: ValueErrorKind) -> Refusal {
        why.at(self.at)
    }

    /// The rest of the text, for messages.
    fn rest(&self) -> String {
        String::from_utf8_lossy(self.bytes.get(self.at..).unwrap_or_default()).into_owned()
    }
}

/// Where the month and the day start (`YYYY-MM-DD`).
const MONTH_AT: usize = 5;
const DAY_AT: usize = 8;

fn parse_iso(bytes: &[u8]) -> Result<Instant, Refusal> {
    let mut c = Cursor { bytes, at: 0 };
    let year = c.digits(4, DateField::Year).map_err(|missing| Refusal {
        kind: Why::NoYear,
        offset: missing.offset,
    })?;
    let mut month = 1;
    let mut day = 1;
    if !c.at_end() {
        expect(&mut c, b"-", DateSeparator::DashAfterYear)?;
        month = c.digits(2, DateField::Month)?;
        if !c.at_end() {
            expect(&mut c, b"-", DateSeparator::DashAfterMonth)?;
            day = c.digits(2, DateField::Day)?;
        }
    }
    // Month 1 and day 1 (the defaults) are always in the calendar: a refusal is about a
    // field that was written.
    let date = calendar_date(year, month, day).map_err(|why| match why {
        Why::NoSuchMonth(_) => why.at(MONTH_AT),
        Why::NoSuchDay { .. } => why.at(DAY_AT),
        other => other.into(),
    })?;
    if c.at_end() {
        return Ok(instant_of(date, Time::MIDNIGHT, 0));
    }
    expect(&mut c, b"Tt", DateSeparator::TimeDesignator)?;
    let hour_at = c.at;
    let first = c.digit().ok_or(c.here(Why::NoHour))?;
    let hour = match c.digit() {
        Some(second) => first * 10 + second,
        None => first,
    };
    expect(&mut c, b":", DateSeparator::ColonAfterHour)?;
    let minute_at = c.at;
    let minute = c.digits(2, DateField::Minute)?;
    let (mut second, mut nanos) = (0, 0);
    let mut second_at = c.at;
    if c.eat(b":").is_some() {
        second_at = c.at;
        second = c.digits(2, DateField::Second)?;
        if c.eat(b".").is_some() {
            let start = c.at;
            while c.digit().is_some() {}
            let frac = bytes.get(start..c.at).unwrap_or_default();
            match frac.len() {
                0 => return Err(Why::NoFractionDigits.at(start)),
                1..=9 => nanos = fraction_nanos(frac),
                n => return Err(Why::FractionTooLong(n).at(start)),
            }
        }
    }
    let time = clock_time(hour, minute, second, nanos).map_err(|why| match why {
        Why::FieldOutOfRange { field, .. } => why.at(match field {
            DateField::Hour => hour_at,
            DateField::Minute => minute_at,
            _ => second_at,
        }),
        other => other.into(),
    })?;
    let offset = zone(&mut c)?;
    if !c.at_end() {
        return Err(c.here(Why::AfterZone(c.rest())));
    }
    Ok(instant_of(date, time, offset))
}

fn expect(c: &mut Cursor<'_>, options: &[u8], separator: DateSeparator) -> Result<(), Refusal> {
    match c.eat(options) {
        Some(_) => Ok(()),
        None => Err(c.here(Why::MissingSeparator {
            separator,
            found: (!c.at_end()).then(|| c.rest()),
        })),
    }
}

/// The zone designator, as seconds east of UTC.
fn zone(c: &mut Cursor<'_>) -> Result<i64, Refusal> {
    let Some(sign) = c.eat(b"Zz+-") else {
        return Err(c.here(Why::NoZone {
            found: (!c.at_end()).then(|| c.rest()),
        }));
    };
    if sign == b'Z' || sign == b'z' {
        return Ok(0);
    }
    let hours_at = c.at;
    let hours = c
        .digits(2, DateField::ZoneHour)
        .map_err(|_| Why::ZoneHourDigits.at(hours_at))?;
    let colon = c.eat(b":").is_some();
    let minutes_at = c.at;
    let minutes = if colon || c.peek().is_some_and(|b| b.is_ascii_digit()) {
        c.digits(2, DateField::ZoneMinute)?
    } else {
        0
    };
    if hours > 23 {
        return Err(out_of_range(DateField::ZoneHour, hours).at(hours_at));
    }
    if minutes > 59 {
        return Err(out_of_range(DateField::ZoneMinute, minutes).at(minutes_at));
    }
    let east = i64::from(hours * 3600 + minutes * 60);
    Ok(if sign == b'-' { -east } else { east })
}

const fn out_of_range(field: DateField, value: u32) -> ValueErrorKind {
    Why::FieldOutOfRange { field, value }
}

fn calendar_date(year: u32, month: u32, day: u32) -> Result<Date, ValueErrorKind> {
    let m = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(Why::NoSuchMonth(month))?;
    let y = i32::try_from(year).map_err(|_| out_of_range(DateField::Year, year))?;
    let d = u8::try_from(day).map_err(|_| out_of_range(DateField::Day, day))?;
    Date::from_calendar_date(y, m, d).map_err(|_| Why::NoSuchDay { year, month, day })
}

fn clock_time(hour: u32, minute: u32, second: u32, nanos: u32) -> Result<Time, ValueErrorKind> {
    if hour > 23 {
        return Err(out_of_range(DateField::Hour, hour));
    }
    if minute > 59 {
        return Err(out_of_range(DateField::Minute, minute));
    }
    if second > 59 {
        return Err(out_of_range(DateField::Second, second));
    }
    let small = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
    Time::from_hms_nano(small(hour), small(minute), small(second), nanos)
        .map_err(|e| Why::TimeOutOfRange(e.to_string()))
}

fn instant_of(date: Date, time: Time, offset_east_seconds: i64) -> Instant {
    let local = PrimitiveDateTime::new(date, time)
        .assume_utc()
        .unix_timestamp_nanos();
    Instant(local - i128::from(offset_east_seconds) * NANOS_PER_SECOND)
}

// ---------------------------------------------------------------------------------------------
// Booleans

/// Read a `Bool` value: `true` or `false`, case-insensitive.
pub fn parse_bool(text: &str) -> Result<bool, ValueError> {
    read_boolean(text).map_err(|why| ValueError::new(ValueKind::Bool, text, why.into()))
}

fn read_boolean(text: &str) -> Result<bool, ValueErrorKind> {
    if text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else if text.is_empty() {
        Err(Why::Empty)
    } else {
        Err(Why::NotBoolean)
    }
}

// ---------------------------------------------------------------------------------------------
// IP addresses

/// Read a policy's IP range: CIDR, or a bare address (/32 or /128).
///
/// The address is read by the standard library (dotted quad without leading zeros, or any
/// RFC 4291 IPv6 text form, case-insensitive); short forms (`10/8`), netmask prefixes
/// (`/255.0.0.0`), zone ids (`fe80::1%eth0`) and whitespace are refused. The prefix is plain
/// decimal without sign or leading zeros (`/0`, `/8`, not `/08` or `/+8`). Host bits below
/// the prefix are cleared: `192.0.2.5/24` reads as `192.0.2.0/24`.
pub fn parse_ip_range(text: &str) -> Result<IpNetwork, ValueError> {
    read_ip_range(text).map_err(|why| ValueError::new(ValueKind::IpRange, text, why))
}

fn read_ip_range(text: &str) -> Result<IpNetwork, Refusal> {
    if text.is_empty() {
        return Err(Why::Empty.into());
    }
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr = read_address(address)?;
    let bits: u8 = if addr.is_ipv4() { 32 } else { 128 };
    let length = match prefix {
        // ID-9: a bare address is a /32 (IPv4) or /128 (IPv6) range.
        None => bits,
        // The prefix starts after the address and its `/`.
        Some(p) => read_prefix(p, bits).map_err(|why| why.at(address.len() + 1))?,
    };
    let network = match addr {
        IpAddr::V4(a) => Ipv4Network::new(a, length)
            .and_then(|n| Ipv4Network::new(n.network(), length))
            .map(IpNetwork::V4),
        IpAddr::V6(a) => Ipv6Network::new(a, length)
            .and_then(|n| Ipv6Network::new(n.network(), length))
            .map(IpNetwork::V6),
    };
    network.map_err(|e| Why::Network(e.to_string().to_lowercase()).into())
}

fn read_prefix(prefix: &str, bits: u8) -> Result<u8, ValueErrorKind> {
    if prefix.is_empty() {
        return Err(Why::EmptyPrefix);
    }
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Why::PrefixNotDecimal(prefix.to_owned()));
    }
    if prefix.len() > 1 && prefix.starts_with('0') {
        return Err(Why::PrefixLeadingZero(prefix.to_owned()));
    }
    match u8::from_str(prefix) {
        Ok(n) if n <= bits => Ok(n),
        _ => Err(Why::PrefixTooLong {
            prefix: prefix.to_owned(),
            bits,
        }),
    }
}

/// Read a request's IP address (no prefix).
///
/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) stays IPv6 (ID-10).
pub fn parse_ip_address(text: &str) -> Result<IpAddr, ValueError> {
    read_ip_address(text).map_err(|why| ValueError::new(ValueKind::IpAddress, text, why))
}

fn read_ip_address(text: &str) -> Result<IpAddr, Refusal> {
    if text.is_empty() {
        return Err(Why::Empty.into());
    }
    if let Some(slash) = text.find('/') {
        return Err(Why::RequestPrefix.at(slash));
    }
    read_address(text)
}

/// Whether `addr` lies in `range` (§7): an address never falls in a range of the other
/// family, and an IPv4-mapped IPv6 address is IPv6, so never in an IPv4 range.
pub fn ip_in_range(range: &IpNetwork, addr: IpAddr) -> bool {
    range.contains(addr)
}

/// Read a bare address, or say why not.
fn read_address(text: &str) -> Result<IpAddr, Refusal> {
    // ID-10: an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is read as IPv6.
    if let Ok(addr) = IpAddr::from_str(text) {
        return Ok(addr);
    }
    Err(address_reason(text))
}

fn address_reason(text: &str) -> Refusal {
    if text.is_empty() {
        return Why::EmptyAddress.at(0);
    }
    if let Some(at) = text.find(char::is_whitespace) {
        return Why::Whitespace.at(at);
    }
    if let Some(at) = text.find('%') {
        return Why::ZoneId.at(at);
    }
    if text.contains(':') {
        return Why::NotIpv6.into();
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let count = text.split('.').count();
        if count != 4 {
            return Why::OctetCount(count).into();
        }
        let mut at = 0;
        for octet in text.split('.') {
            if octet.is_empty() {
                return Why::EmptyOctet.at(at);
            }
            if octet.len() > 1 && octet.starts_with('0') {
                return Why::OctetLeadingZero(octet.to_owned()).at(at);
            }
            if u8::from_str(octet).is_err() {
                return Why::OctetOutOfRange(octet.to_owned()).at(at);
            }
            at += octet.len() + 1;
        }
    }
    Why::NotAnAddress.into()
}

// ---------------------------------------------------------------------------------------------
// Base-64

/// Decode a `BinaryEquals` policy value.
///
/// The standard alphabet (`+`, `/`). Padding is optional (`QQ` and `QQ==` are the same), but
/// wrong padding (`QQ=`) is refused, as are unused non-zero bits in the last symbol (`QR==`),
/// whitespace and the URL-safe alphabet. The empty string is the empty byte string.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, ValueError> {
    read_base64(text).map_err(|why| {
        // The decoder's offsets count bytes: one inside a character stands for the character.
        let offset = match why {
            Why::MisplacedPadding { offset }
            | Why::NotInAlphabet { offset, .. }
            | Why::UnusedBits { offset } => {
                (0..=offset).rev().find(|&at| text.is_char_boundary(at))
            }
            _ => None,
        };
        ValueError::new(ValueKind::Base64, text, Refusal { kind: why, offset })
    })
}

fn read_base64(text: &str) -> Result<Vec<u8>, ValueErrorKind> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::{DecodeError, Engine};
    // Padding is optional, but when there is any it must be complete (`QQ=` is refused).
    let engine = if text.contains('=') {
        &STANDARD
    } else {
        &STANDARD_NO_PAD
    };
    engine.decode(text).map_err(|e| match e {
        DecodeError::InvalidByte(offset, b'=') => Why::MisplacedPadding { offset },
        DecodeError::InvalidByte(offset, byte) => Why::NotInAlphabet { offset, byte },
        DecodeError::InvalidLength(_) => Why::LoneSymbol,
        DecodeError::InvalidLastSymbol(offset, _) => Why::UnusedBits { offset },
        DecodeError::InvalidPadding => Why::WrongPadding,
    })
}

#[cfg(test)]
mod tests;
