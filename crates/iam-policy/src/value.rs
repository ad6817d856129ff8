//! Typed condition values: numbers, instants, booleans, IP ranges and addresses, base-64.
//!
//! STUB: the API is fixed; the implementation is being completed.

use std::net::IpAddr;

use ipnetwork::IpNetwork;
use rust_decimal::Decimal;

/// An instant: nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instant(pub i128);

/// Read a `Numeric...` value: optional `-`, digits, optional `.` and digits.
pub fn parse_number(text: &str) -> Result<Decimal, String> {
    text.parse::<Decimal>()
        .map_err(|_| format!("`{text}` is not a number"))
}

/// Read a `Date...` value: ISO 8601 (W3C profiles) or epoch seconds.
pub fn parse_instant(text: &str) -> Result<Instant, String> {
    Err(format!("`{text}` is not a date"))
}

/// Read a `Bool` value: `true` or `false`, case-insensitive.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    if text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(format!("`{text}` is not `true` or `false`"))
    }
}

/// Read a policy's IP range: CIDR, or a bare address (/32 or /128).
pub fn parse_ip_range(text: &str) -> Result<IpNetwork, String> {
    text.parse::<IpNetwork>()
        .map_err(|_| format!("`{text}` is not an IP address or CIDR range"))
}

/// Read a request's IP address (no prefix).
pub fn parse_ip_address(text: &str) -> Result<IpAddr, String> {
    text.parse::<IpAddr>()
        .map_err(|_| format!("`{text}` is not an IP address"))
}

/// Decode a `BinaryEquals` policy value.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| format!("`{text}` is not base-64"))
}
