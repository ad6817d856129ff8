use super::*;

use std::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use rstest::rstest;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

// ----- numbers

#[rstest]
#[case("0", "0")]
#[case("-0", "0")]
#[case("42", "42")]
#[case("-42", "-42")]
#[case("007", "7")]
#[case("1.5", "1.5")]
#[case("1.50", "1.5")]
#[case("-0.25", "-0.25")]
#[case("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
#[case("1.000000000000000000000000000000000", "1")]
#[case("000000000000000000000000000000000000001", "1")]
#[case("79228162514264337593543950335", "79228162514264337593543950335")]
#[case("-79228162514264337593543950335", "-79228162514264337593543950335")]
fn number_accepted(#[case] text: &str, #[case] expected: &str) {
    assert_eq!(parse_number(text).unwrap(), dec(expected));
}

#[rstest]
#[case("", "empty")]
#[case("+1", "leading `+`")]
#[case("-", "a digit must follow `-`")]
#[case("--1", "`-` may only come first")]
#[case("1-", "`-` may only come first")]
#[case(".5", "digit must come before `.`")]
#[case("5.", "digit must follow `.`")]
#[case("1.2.3", "more than one `.`")]
#[case("1e5", "exponents")]
#[case("1E5", "exponents")]
#[case("NaN", "`N` is not a digit")]
#[case("inf", "`i` is not a digit")]
#[case("0x10", "`x` is not a digit")]
#[case("1_000", "`_` is not a digit")]
#[case("1,5", "`,` is not a digit")]
#[case(" 1", "whitespace")]
#[case("1 ", "whitespace")]
#[case("79228162514264337593543950336", "out of range")]
#[case("0.00000000000000000000000000001", "out of range")]
#[case("٣", "is not a digit")]
fn number_rejected(#[case] text: &str, #[case] reason: &str) {
    let error = parse_number(text).unwrap_err();
    assert_eq!(
        (error.expected, error.text.as_str()),
        (ValueKind::Number, text)
    );
    let err = error.to_string();
    assert!(err.contains(reason), "{err}");
    if !text.is_empty() {
        assert!(err.contains(&format!("`{text}`")), "{err}");
    }
}

#[test]
fn numbers_compare_numerically() {
    assert_eq!(parse_number("1.50").unwrap(), parse_number("1.5").unwrap());
    assert!(parse_number("-2").unwrap() < parse_number("-1.99").unwrap());
    assert!(parse_number("10").unwrap() > parse_number("9.999").unwrap());
}

// ----- dates

fn nanos(dt: time::OffsetDateTime) -> i128 {
    dt.unix_timestamp_nanos()
}

#[rstest]
#[case("2024", datetime!(1970-01-01 0:33:44 UTC))] // a plain number is epoch seconds (§6), not the year
#[case("0000", datetime!(1970-01-01 0:00 UTC))]
#[case("9999", datetime!(1970-01-01 2:46:39 UTC))]
#[case("2024-03", datetime!(2024-03-01 0:00 UTC))]
#[case("2024-03-15", datetime!(2024-03-15 0:00 UTC))]
#[case("2024-02-29", datetime!(2024-02-29 0:00 UTC))]
#[case("2000-02-29", datetime!(2000-02-29 0:00 UTC))]
#[case("2024-03-15T10:20Z", datetime!(2024-03-15 10:20 UTC))]
#[case("2024-03-15T10:20:30Z", datetime!(2024-03-15 10:20:30 UTC))]
#[case("2024-03-15T10:20:30.5Z", datetime!(2024-03-15 10:20:30.5 UTC))]
#[case("2024-03-15T10:20:30.123456789Z", datetime!(2024-03-15 10:20:30.123456789 UTC))]
#[case("2017-07-01T00:00:00Z", datetime!(2017-07-01 0:00 UTC))]
#[case("2016-12-13T21:20:37.593194+00:00", datetime!(2016-12-13 21:20:37.593194 UTC))]
#[case("2024-03-15T10:20:30+02:00", datetime!(2024-03-15 8:20:30 UTC))]
#[case("2024-03-15T10:20:30-05:30", datetime!(2024-03-15 15:50:30 UTC))]
#[case("2024-03-15T10:20:30+0200", datetime!(2024-03-15 8:20:30 UTC))]
#[case("2024-03-15T10:20:30+02", datetime!(2024-03-15 8:20:30 UTC))]
#[case("2024-03-15T10:20-02", datetime!(2024-03-15 12:20 UTC))]
#[case("2024-03-15t10:20:30z", datetime!(2024-03-15 10:20:30 UTC))]
#[case("2024-03-15T2:20:30Z", datetime!(2024-03-15 2:20:30 UTC))]
#[case("2016-12-13t2:00:00.593194+23", datetime!(2016-12-12 3:00:00.593194 UTC))]
#[case("2024-01-01T00:30+01:00", datetime!(2023-12-31 23:30 UTC))]
#[case("2024-12-31T23:59:59.999999999Z", datetime!(2024-12-31 23:59:59.999999999 UTC))]
#[case("9999-12-31T23:59:59-23:59", datetime!(9999-12-31 23:59:59 -23:59))]
#[case("0000-01-01T00:00:00+23:59", datetime!(0000-01-01 0:00 +23:59))]
fn date_iso_accepted(#[case] text: &str, #[case] expected: time::OffsetDateTime) {
    assert_eq!(
        parse_instant(text).unwrap(),
        Instant(nanos(expected)),
        "{text}"
    );
}

#[rstest]
#[case("0", 0)]
#[case("-0", 0)]
#[case("1", 1_000_000_000)]
#[case("-1", -1_000_000_000)]
#[case("123", 123_000_000_000)]
#[case("12345", 12_345_000_000_000)]
#[case("1700000000", 1_700_000_000_000_000_000)]
#[case("1700000000.5", 1_700_000_000_500_000_000)]
#[case("-1.5", -1_500_000_000)]
#[case("-0.5", -500_000_000)]
#[case("0.000000001", 1)]
#[case("2024.5", 2_024_500_000_000)]
#[case("-2024", -2_024_000_000_000)]
#[case("00001700000000", 1_700_000_000_000_000_000)]
#[case("9223372036854775807", 9_223_372_036_854_775_807 * 1_000_000_000)]
#[case("-9223372036854775808", -9_223_372_036_854_775_808 * 1_000_000_000)]
fn date_epoch_accepted(#[case] text: &str, #[case] expected: i128) {
    assert_eq!(parse_instant(text).unwrap(), Instant(expected), "{text}");
}

#[test]
fn epoch_and_iso_agree() {
    assert_eq!(
        parse_instant("1700000000").unwrap(),
        parse_instant("2023-11-14T22:13:20Z").unwrap()
    );
    assert_eq!(
        parse_instant("0").unwrap(),
        parse_instant("1970-01-01").unwrap()
    );
}

#[rstest]
#[case("", "empty")]
#[case("sdfdsf", "four-digit year")]
#[case("234-13", "four-digit year")]
#[case("01T", "four-digit year")]
#[case("-292275054-01-01", "four-digit year")]
#[case("+2024-01-01", "four-digit year")]
#[case("2024-1", "2 digits for the month")]
#[case("2024-13", "month `13` does not exist")]
#[case("2024-00", "month `00` does not exist")]
#[case("2024-01-1", "2 digits for the day")]
#[case("2023-02-29", "day `29` does not exist in 2023-02")]
#[case("2024-02-30", "day `30` does not exist in 2024-02")]
#[case("2024-04-31", "day `31` does not exist")]
#[case("2024-01-00", "day `00` does not exist")]
#[case("2024/01/01", "`-` after the year")]
#[case("2024-01-01T", "the hour")]
#[case("2024-01-01 10:00Z", "whitespace")]
#[case(" 2024", "whitespace")]
#[case("2024-01-01X10:00Z", "`T` before the time")]
#[case("2024-01-01T10Z", "`:` after the hour")]
#[case("2024-01-01T10:00", "needs a zone")]
#[case("2024-01-01T10:00:00", "needs a zone")]
#[case("2024-01-01T10:00:00.5", "needs a zone")]
#[case("2024-01-01T10:0Z", "2 digits for the minute")]
#[case("2024-01-01T10:00:0Z", "2 digits for the second")]
#[case("2024-01-01T100:00Z", "`:` after the hour")]
#[case("2024-01-01T24:00Z", "hour `24` is out of range")]
#[case("2024-01-01T10:60Z", "minute `60` is out of range")]
#[case("2024-01-01T10:00:60Z", "second `60` is out of range")]
#[case("2024-01-01T10:00:00.Z", "digits after `.`")]
#[case("2024-01-01T10:00:00.1234567890Z", "10 fractional digits")]
#[case("2016-12-13t2:00:00.593194+1", "zone hours take two digits")]
#[case("2024-01-01T10:00+24:00", "zone hour `24` is out of range")]
#[case("2024-01-01T10:00+05:60", "zone minute `60` is out of range")]
#[case("2024-01-01T10:00+05:0", "2 digits for the zone minutes")]
#[case("2024-01-01T10:00+050", "2 digits for the zone minutes")]
#[case("2024-01-01T10:00ZZ", "unexpected `Z` after the zone")]
#[case("2024-01-01T10:00UTC", "needs a zone")]
#[case("2024-01-01Z", "`T` before the time")]
#[case("9223372036854775808", "out of range")]
#[case("-9223372036854775809", "out of range")]
#[case("1.1234567890", "at most 9 fractional digits")]
#[case("1.", "four-digit year")]
#[case(".5", "four-digit year")]
#[case("+5", "four-digit year")]
#[case("1e9", "four-digit year")]
fn date_rejected(#[case] text: &str, #[case] reason: &str) {
    let error = parse_instant(text).unwrap_err();
    assert_eq!(
        (error.expected, error.text.as_str()),
        (ValueKind::Date, text)
    );
    let err = error.to_string();
    assert!(err.contains(reason), "{text}: {err}");
    if !text.is_empty() {
        assert!(err.contains(&format!("`{text}`")), "{err}");
    }
}

#[test]
fn date_five_digits_is_epoch() {
    assert_eq!(parse_instant("20240").unwrap(), Instant(20_240_000_000_000));
}

#[test]
fn instant_formats_as_rfc3339() {
    let i = parse_instant("2024-02-29T12:00:00.5+01:00").unwrap();
    assert_eq!(i.format_rfc3339().unwrap(), "2024-02-29T11:00:00.5Z");
    assert_eq!(Instant::from_unix_seconds(-1), parse_instant("-1").unwrap());
    assert_eq!(Instant(i128::MAX).format_rfc3339(), None);
}

fn arb_offset_datetime() -> impl Strategy<Value = time::OffsetDateTime> {
    // Local date-times in years 0001..=9998 so that any offset keeps the UTC year in range
    // for `time`'s RFC 3339 formatting.
    let lo = datetime!(0001-01-02 0:00 UTC).unix_timestamp();
    let hi = datetime!(9998-12-30 0:00 UTC).unix_timestamp();
    (lo..hi, 0u32..1_000_000_000, -23i8..=23, 0i8..=59).prop_map(|(s, n, h, m)| {
        let m = if h < 0 { -m } else { m };
        let offset = time::UtcOffset::from_hms(h, m, 0).unwrap();
        time::OffsetDateTime::from_unix_timestamp(s)
            .unwrap()
            .replace_nanosecond(n)
            .unwrap()
            .to_offset(offset)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_instant_agrees_with_time_rfc3339(dt in arb_offset_datetime()) {
        let text = dt.format(&Rfc3339).unwrap();
        prop_assert_eq!(parse_instant(&text).unwrap(), Instant(dt.unix_timestamp_nanos()), "{}", text);
        // The lowercase and compact-zone spellings read the same.
        let lower = text.to_lowercase();
        prop_assert_eq!(parse_instant(&lower).unwrap(), Instant(dt.unix_timestamp_nanos()));
    }

    #[test]
    fn epoch_seconds_agree_with_time(s in -62_135_596_800i64..253_402_300_799, n in 0u32..1_000_000_000) {
        let text = format!("{s}.{n:09}");
        let expected = i128::from(s) * 1_000_000_000 + if s < 0 { -i128::from(n) } else { i128::from(n) };
        prop_assert_eq!(parse_instant(&text).unwrap(), Instant(expected));
    }

    #[test]
    fn parse_instant_never_panics(text in "[0-9Tt:.+Zz-]{0,40}") {
        let _ = parse_instant(&text);
    }
}

// ----- booleans

#[rstest]
#[case("true", true)]
#[case("TRUE", true)]
#[case("tRUe", true)]
#[case("True", true)]
#[case("false", false)]
#[case("FALSE", false)]
#[case("fAlSe", false)]
fn bool_accepted(#[case] text: &str, #[case] expected: bool) {
    assert_eq!(parse_bool(text).unwrap(), expected);
}

#[rstest]
#[case("")]
#[case("1")]
#[case("0")]
#[case("yes")]
#[case("true ")]
#[case(" false")]
#[case("t")]
#[case("truee")]
fn bool_rejected(#[case] text: &str) {
    let error = parse_bool(text).unwrap_err();
    assert_eq!(
        (error.expected, error.text.as_str()),
        (ValueKind::Bool, text)
    );
    let err = error.to_string();
    assert!(err.contains("is not `true` or `false`"), "{err}");
}

// ----- IP ranges and addresses

fn v4(a: u8, b: u8, c: u8, d: u8, p: u8) -> IpNetwork {
    IpNetwork::V4(Ipv4Network::new(Ipv4Addr::new(a, b, c, d), p).unwrap())
}

fn v6(s: &str, p: u8) -> IpNetwork {
    IpNetwork::V6(Ipv6Network::new(Ipv6Addr::from_str(s).unwrap(), p).unwrap())
}

#[rstest]
#[case("203.0.113.0/24", v4(203, 0, 113, 0, 24))]
#[case("123.45.167.89", v4(123, 45, 167, 89, 32))]
#[case("192.0.2.5/24", v4(192, 0, 2, 0, 24))]
#[case("10.1.2.3/8", v4(10, 0, 0, 0, 8))]
#[case("0.0.0.0/0", v4(0, 0, 0, 0, 0))]
#[case("255.255.255.255/0", v4(0, 0, 0, 0, 0))]
#[case("192.0.2.1/32", v4(192, 0, 2, 1, 32))]
#[case("2001:DB8:1234:5678::/64", v6("2001:db8:1234:5678::", 64))]
#[case("2001:DB8::/32", v6("2001:db8::", 32))]
#[case("2001:0db8:0000::/32", v6("2001:db8::", 32))]
#[case("2001:db8::1", v6("2001:db8::1", 128))]
#[case("2001:db8::1/128", v6("2001:db8::1", 128))]
#[case("2001:db8::ffff/120", v6("2001:db8::ff00", 120))]
#[case("::/0", v6("::", 0))]
#[case("::ffff:192.0.2.0/120", v6("::ffff:192.0.2.0", 120))]
fn ip_range_accepted(#[case] text: &str, #[case] expected: IpNetwork) {
    assert_eq!(parse_ip_range(text).unwrap(), expected, "{text}");
}

#[rstest]
#[case("", "empty")]
#[case("10/8", "four octets, found 1")]
#[case("10.0/16", "four octets, found 2")]
#[case("10.0.0/24", "four octets, found 3")]
#[case("10.0.0.0.0/8", "four octets, found 5")]
#[case("10.0.0.256", "octet `256` is out of range")]
#[case("10.0.0.256/32", "octet `256` is out of range")]
#[case("010.0.0.1", "octet `010` has a leading zero")]
#[case("10..0.1", "an octet is empty")]
#[case("10.0.0.0/33", "prefix `/33` is longer than 32 bits")]
#[case("10.0.0.0/255", "prefix `/255` is longer than 32 bits")]
#[case("10.0.0.0/999", "prefix `/999` is longer than 32 bits")]
#[case("2001:db8::/129", "prefix `/129` is longer than 128 bits")]
#[case("10.0.0.0/", "prefix after `/` is empty")]
#[case("10.0.0.0/08", "prefix `/08` has a leading zero")]
#[case("10.0.0.0/+8", "prefix `/+8` is not a decimal number")]
#[case("10.0.0.0/-1", "prefix `/-1` is not a decimal number")]
#[case("10.0.0.0/255.0.0.0", "not a decimal number")]
#[case("10.0.0.0/8/8", "not a decimal number")]
#[case("10.0.0.0 /8", "whitespace")]
#[case(" 10.0.0.0/8", "whitespace")]
#[case("10.0.0.0/ 8", "not a decimal number")]
#[case("fe80::1%eth0", "zone ids")]
#[case("fe80::1%1/64", "zone ids")]
#[case("2001:db8:::1", "not a valid IPv6 address")]
#[case("2001:00db8::1", "not a valid IPv6 address")]
#[case("[2001:db8::1]", "not a valid IPv6 address")]
#[case("example.com", "not an IPv4 or IPv6 address")]
#[case("0x0a.0.0.1", "not an IPv4 or IPv6 address")]
fn ip_range_rejected(#[case] text: &str, #[case] reason: &str) {
    let error = parse_ip_range(text).unwrap_err();
    assert_eq!(
        (error.expected, error.text.as_str()),
        (ValueKind::IpRange, text)
    );
    let err = error.to_string();
    assert!(err.contains(reason), "{text}: {err}");
    if !text.is_empty() {
        assert!(err.contains(&format!("`{text}`")), "{err}");
    }
}

#[rstest]
#[case("192.0.2.1", IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)))]
#[case("2001:DB8::1", IpAddr::V6(Ipv6Addr::from_str("2001:db8::1").unwrap()))]
#[case("2001:0db8:0000:0000:0000:0000:0000:0001", IpAddr::V6(Ipv6Addr::from_str("2001:db8::1").unwrap()))]
#[case("::ffff:192.0.2.1", IpAddr::V6(Ipv4Addr::new(192, 0, 2, 1).to_ipv6_mapped()))]
#[case("::", IpAddr::V6(Ipv6Addr::UNSPECIFIED))]
fn ip_address_accepted(#[case] text: &str, #[case] expected: IpAddr) {
    assert_eq!(parse_ip_address(text).unwrap(), expected);
}

#[rstest]
#[case("", "empty")]
#[case("10.0.0.0/8", "no `/` prefix")]
#[case("2001:db8::/32", "no `/` prefix")]
#[case("10.0.0.256", "octet `256` is out of range")]
#[case("garbage", "not an IPv4 or IPv6 address")]
#[case("fe80::1%eth0", "zone ids")]
#[case("192.0.2.1 ", "whitespace")]
fn ip_address_rejected(#[case] text: &str, #[case] reason: &str) {
    let error = parse_ip_address(text).unwrap_err();
    assert_eq!(
        (error.expected, error.text.as_str()),
        (ValueKind::IpAddress, text)
    );
    let err = error.to_string();
    assert!(err.contains(reason), "{text}: {err}");
}

#[rstest]
#[case("192.0.2.0/24", "192.0.2.1", true)]
#[case("192.0.2.0/24", "192.0.2.255", true)]
#[case("192.0.2.0/24", "192.0.3.0", false)]
#[case("192.0.2.5/24", "192.0.2.200", true)]
#[case("192.0.2.5/24", "192.0.1.5", false)]
#[case("123.45.167.89", "123.45.167.89", true)]
#[case("123.45.167.89", "123.45.167.90", false)]
#[case("0.0.0.0/0", "255.255.255.255", true)]
#[case("0.0.0.0/0", "::1", false)]
#[case("::/0", "::1", true)]
#[case("::/0", "10.0.0.1", false)]
#[case("192.0.2.0/24", "::ffff:192.0.2.1", false)]
#[case("0.0.0.0/0", "::ffff:192.0.2.1", false)]
#[case("::ffff:192.0.2.0/120", "::ffff:192.0.2.1", true)]
#[case("::ffff:192.0.2.0/120", "192.0.2.1", false)]
#[case("2001:DB8::/32", "2001:db8:ffff::1", true)]
#[case("2001:db8::/32", "2001:DB9::1", false)]
#[case("2001:db8::1", "2001:0DB8:0:0::0001", true)]
#[case("2001:db8::1", "2001:db8::2", false)]
fn ip_containment(#[case] range: &str, #[case] addr: &str, #[case] expected: bool) {
    let range = parse_ip_range(range).unwrap();
    let addr = parse_ip_address(addr).unwrap();
    assert_eq!(ip_in_range(&range, addr), expected);
}

#[test]
fn ipnetwork_contains_ignores_host_bits_even_unnormalised() {
    // Our parser clears host bits; a network built with them set still contains by mask.
    let raw = IpNetwork::V4(Ipv4Network::new(Ipv4Addr::new(192, 0, 2, 5), 24).unwrap());
    assert!(ip_in_range(&raw, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9))));
    assert!(!ip_in_range(&raw, IpAddr::V4(Ipv4Addr::new(192, 0, 3, 5))));
    // ipnetwork's own parser is laxer than ours: it takes netmask prefixes.
    assert!("10.0.0.0/255.0.0.0".parse::<IpNetwork>().is_ok());
    assert!(parse_ip_range("10.0.0.0/255.0.0.0").is_err());
}

fn mask32(p: u8) -> u32 {
    if p == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(p))
    }
}

fn mask128(p: u8) -> u128 {
    if p == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(p))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ip_in_range_v4_agrees_with_bitmask(net: u32, p in 0u8..=32, addr: u32, near: bool) {
        // Half the time, put the address inside the range's /p so both outcomes occur.
        let addr = if near { (net & mask32(p)) | (addr & !mask32(p)) } else { addr };
        let text = format!("{}/{p}", Ipv4Addr::from(net));
        let range = parse_ip_range(&text).unwrap();
        let expected = (net ^ addr) & mask32(p) == 0;
        prop_assert_eq!(ip_in_range(&range, IpAddr::V4(Ipv4Addr::from(addr))), expected);
        // Never in a v6 range of any kind, and the mapped form is never in the v4 range.
        prop_assert!(!ip_in_range(&range, IpAddr::V6(Ipv4Addr::from(addr).to_ipv6_mapped())));
    }

    #[test]
    fn ip_in_range_v6_agrees_with_bitmask(net: u128, p in 0u8..=128, addr: u128, near: bool) {
        let addr = if near { (net & mask128(p)) | (addr & !mask128(p)) } else { addr };
        let text = format!("{}/{p}", Ipv6Addr::from(net));
        let range = parse_ip_range(&text).unwrap();
        let expected = (net ^ addr) & mask128(p) == 0;
        prop_assert_eq!(ip_in_range(&range, IpAddr::V6(Ipv6Addr::from(addr))), expected);
        prop_assert!(!ip_in_range(&range, IpAddr::V4(Ipv4Addr::from(addr as u32))));
    }

    #[test]
    fn ipv6_text_forms_are_equivalent(a: u128, p in 0u8..=128) {
        let addr = Ipv6Addr::from(a);
        let full: String = addr.segments().iter().map(|s| format!("{s:04X}")).collect::<Vec<_>>().join(":");
        prop_assert_eq!(
            parse_ip_range(&format!("{full}/{p}")).unwrap(),
            parse_ip_range(&format!("{addr}/{p}")).unwrap()
        );
    }
}

// ----- base-64

#[rstest]
#[case("", b"")]
#[case("QQ==", b"A")]
#[case("QQ", b"A")]
#[case("QUI=", b"AB")]
#[case("QUI", b"AB")]
#[case("QUJD", b"ABC")]
#[case("aGVsbG8gd29ybGQ=", b"hello world")]
#[case("+/8=", &[0xfb, 0xff])]
fn base64_accepted(#[case] text: &str, #[case] expected: &[u8]) {
    assert_eq!(decode_base64(text).unwrap(), expected);
}

#[rstest]
#[case("Q", "single symbol over")]
#[case("QQ=", "padding")]
#[case("QQ===", "")]
#[case("=QQ=", "misplaced padding")]
#[case("QR==", "unused bits")]
#[case("-_8=", "`-` at offset 0 is not in the standard alphabet")]
#[case("QU I=", "offset 2")]
#[case("QUI=\n", "offset 4")]
#[case("QQ==QQ==", "")]
fn base64_rejected(#[case] text: &str, #[case] reason: &str) {
    let error = decode_base64(text).unwrap_err();
    assert_eq!(
        (error.expected, error.text.as_str()),
        (ValueKind::Base64, text)
    );
    let err = error.to_string();
    assert!(err.contains(reason), "{text:?}: {err}");
    assert!(
        err.starts_with(&format!("`{text}` is not base-64")),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn readers_never_panic(text in any::<String>()) {
        let _ = parse_number(&text);
        let _ = parse_instant(&text);
        let _ = parse_bool(&text);
        let _ = parse_ip_range(&text);
        let _ = parse_ip_address(&text);
        let _ = decode_base64(&text);
    }

    #[test]
    fn numbers_agree_with_decimal(m: i64, scale in 0u32..=18) {
        let d = Decimal::new(m, scale);
        prop_assert_eq!(parse_number(&d.to_string()).unwrap(), d);
    }
}

// ----- typed errors: the kind says what the message says

#[rstest]
#[case(
    parse_number(""),
    ValueErrorKind::Empty,
    "an empty string is not a number"
)]
#[case(
    parse_number("1e5"),
    ValueErrorKind::Exponent,
    "`1e5` is not a number: exponents are not allowed"
)]
#[case(
    parse_number("0x10"),
    ValueErrorKind::NotADigit('x'),
    "`0x10` is not a number: `x` is not a digit"
)]
#[case(
    parse_instant("2023-02-29"),
    ValueErrorKind::NoSuchDay { year: 2023, month: 2, day: 29 },
    "`2023-02-29` is not a date: day `29` does not exist in 2023-02"
)]
#[case(
    parse_instant("2024-03-15T10:61Z"),
    ValueErrorKind::FieldOutOfRange { field: DateField::Minute, value: 61 },
    "`2024-03-15T10:61Z` is not a date: minute `61` is out of range (at most 59)"
)]
#[case(
    parse_instant("2024-03x"),
    ValueErrorKind::MissingSeparator { separator: DateSeparator::DashAfterMonth, found: Some("x".into()) },
    "`2024-03x` is not a date: expected `-` after the month, found `x`"
)]
#[case(
    parse_instant("2024-03-15T10:20"),
    ValueErrorKind::NoZone { found: None },
    "`2024-03-15T10:20` is not a date: a time needs a zone (`Z`, `+hh:mm` or `-hh:mm`)"
)]
#[case(
    parse_bool("yes"),
    ValueErrorKind::NotBoolean,
    "`yes` is not `true` or `false`"
)]
#[case(
    parse_ip_range("10.0.0.0/33"),
    ValueErrorKind::PrefixTooLong { prefix: "33".into(), bits: 32 },
    "`10.0.0.0/33` is not an IP address or range: prefix `/33` is longer than 32 bits"
)]
#[case(
    parse_ip_address("10.0.0.1/8"),
    ValueErrorKind::RequestPrefix,
    "`10.0.0.1/8` is not an IP address: a request address has no `/` prefix"
)]
#[case(
    parse_ip_address("010.0.0.1"),
    ValueErrorKind::OctetLeadingZero("010".into()),
    "`010.0.0.1` is not an IP address: octet `010` has a leading zero"
)]
#[case(
    decode_base64("Q!=="),
    ValueErrorKind::NotInAlphabet { offset: 1, byte: b'!' },
    "`Q!==` is not base-64: `!` at offset 1 is not in the standard alphabet"
)]
fn error_kinds_and_messages<T: std::fmt::Debug>(
    #[case] result: Result<T, ValueError>,
    #[case] kind: ValueErrorKind,
    #[case] message: &str,
) {
    let error = result.unwrap_err();
    assert_eq!(error.kind, kind);
    assert_eq!(error.to_string(), message);
    assert!(!error.help().is_empty());
}

#[test]
fn each_value_kind_has_its_own_help() {
    let helps = [
        parse_number("x").unwrap_err().help(),
        parse_instant("x").unwrap_err().help(),
        parse_bool("x").unwrap_err().help(),
        parse_ip_range("x").unwrap_err().help(),
        parse_ip_address("x").unwrap_err().help(),
        decode_base64("!").unwrap_err().help(),
    ];
    for (i, help) in helps.iter().enumerate() {
        assert!(help.starts_with("write "), "{help}");
        assert!(!helps[..i].contains(help), "{help} repeated");
    }
    assert!(parse_bool("x")
        .unwrap_err()
        .help()
        .contains("`true` or `false`"));
}
