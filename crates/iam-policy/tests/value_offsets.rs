//! A refused value says where in its text the reason stands (`ValueError::offset`): the
//! character, the field, the octet or prefix, the place a separator or zone is missing.

#![allow(
    clippy::indexing_slicing,
    reason = "test code: the slices are of the test's own texts"
)]

use iam_policy::value::{
    decode_base64, parse_bool, parse_instant, parse_ip_address, parse_ip_range, parse_number,
    ValueError, ValueErrorKind,
};
use proptest::prelude::*;
use rstest::rstest;

type Reader = fn(&str) -> Option<ValueError>;

fn number(t: &str) -> Option<ValueError> {
    parse_number(t).err()
}
fn date(t: &str) -> Option<ValueError> {
    parse_instant(t).err()
}
fn range(t: &str) -> Option<ValueError> {
    parse_ip_range(t).err()
}
fn address(t: &str) -> Option<ValueError> {
    parse_ip_address(t).err()
}
fn base64(t: &str) -> Option<ValueError> {
    decode_base64(t).err()
}
fn boolean(t: &str) -> Option<ValueError> {
    parse_bool(t).err()
}

/// `text` is refused with its reason at `at`, where the text continues with `here` (empty at
/// the end of the text).
#[rstest]
#[case::not_a_digit(number as Reader, "12a4", 2, "a4")]
#[case::minus_not_first(number as Reader, "-1-2", 2, "-2")]
#[case::exponent(number as Reader, "1e5", 1, "e5")]
#[case::leading_plus(number as Reader, "+1", 0, "+1")]
#[case::second_dot(number as Reader, "-1.2.3", 4, ".3")]
#[case::no_digit_after_dot(number as Reader, "5.", 2, "")]
#[case::no_digit_before_dot(number as Reader, "-.5", 1, ".5")]
#[case::no_digit_after_minus(number as Reader, "-", 1, "")]
#[case::number_whitespace(number as Reader, "1 000", 1, " 000")]
#[case::no_such_month(date as Reader, "2024-13-01", 5, "13-01")]
#[case::no_such_day(date as Reader, "2023-02-29", 8, "29")]
#[case::hour(date as Reader, "2024-02-10T25:00Z", 11, "25:00Z")]
#[case::one_digit_hour(date as Reader, "2024-02-10t9:61Z", 13, "61Z")]
#[case::second(date as Reader, "2024-02-10T10:00:75Z", 17, "75Z")]
#[case::no_zone(date as Reader, "2024-02-10T10:00", 16, "")]
#[case::after_zone(date as Reader, "2024-02-10T10:00Zjunk", 17, "junk")]
#[case::separator(date as Reader, "2024/02", 4, "/02")]
#[case::missing_month_digit(date as Reader, "2024-2", 6, "")]
#[case::no_hour(date as Reader, "2024-02-10Tx", 11, "x")]
#[case::no_fraction_digits(date as Reader, "2024-02-10T10:00:00.Z", 20, "Z")]
#[case::fraction_too_long(date as Reader, "2024-02-10T10:00:00.0123456789Z", 20, "0123456789Z")]
#[case::zone_hour(date as Reader, "2024-02-10T10:00+24:00", 17, "24:00")]
#[case::zone_minute(date as Reader, "2024-02-10T10:00+01:60", 20, "60")]
#[case::zone_hour_digits(date as Reader, "2024-02-10T10:00+1", 17, "1")]
#[case::no_year(date as Reader, "20x4-01", 2, "x4-01")]
#[case::date_whitespace(date as Reader, "2024-01-01 ", 10, " ")]
#[case::epoch_fraction(date as Reader, "-12.0123456789", 4, "0123456789")]
#[case::octet_out_of_range(range as Reader, "10.0.300.1/8", 5, "300.1/8")]
#[case::octet_leading_zero(range as Reader, "10.01.0.0", 3, "01.0.0")]
#[case::empty_octet(range as Reader, "10..0.1", 3, ".0.1")]
#[case::prefix_too_long(range as Reader, "10.0.0.0/33", 9, "33")]
#[case::prefix_not_decimal(range as Reader, "2001:db8::/x", 11, "x")]
#[case::prefix_leading_zero(range as Reader, "10.0.0.0/08", 9, "08")]
#[case::empty_prefix(range as Reader, "10.0.0.0/", 9, "")]
#[case::empty_address(range as Reader, "/8", 0, "/8")]
#[case::zone_id(address as Reader, "fe80::1%eth0", 7, "%eth0")]
#[case::request_prefix(address as Reader, "192.0.2.1/32", 9, "/32")]
#[case::address_whitespace(address as Reader, "192.0.2.1 ", 9, " ")]
#[case::not_in_alphabet(base64 as Reader, "QQ!A", 2, "!A")]
#[case::misplaced_padding(base64 as Reader, "Q=QA", 1, "=QA")]
fn a_reason_at_a_place_has_its_offset(
    #[case] reader: Reader,
    #[case] text: &str,
    #[case] at: usize,
    #[case] here: &str,
) {
    let error = reader(text).unwrap_or_else(|| panic!("`{text}` is refused"));
    assert_eq!(error.offset, Some(at), "{error:?}");
    assert_eq!(&text[at..], here, "{error}");
}

/// Reasons about the whole text have no offset.
#[rstest]
#[case::empty(number as Reader, "")]
#[case::number_out_of_range(number as Reader, "99999999999999999999999999999999")]
#[case::not_boolean(boolean as Reader, "maybe")]
#[case::not_an_address(address as Reader, "not-an-ip")]
#[case::not_ipv6(address as Reader, "2001:db8:::1")]
#[case::octet_count(range as Reader, "10.1")]
#[case::lone_symbol(base64 as Reader, "QUJDR")]
fn a_reason_about_the_whole_text_has_no_offset(#[case] reader: Reader, #[case] text: &str) {
    let error = reader(text).unwrap_or_else(|| panic!("`{text}` is refused"));
    assert_eq!(error.offset, None, "{error:?}");
}

#[test]
fn an_offset_inside_a_character_stands_for_the_character() {
    // The base-64 decoder counts bytes; the error points at the character's first byte.
    let text = "QUJD\u{1E8F0}";
    let error = decode_base64(text).expect_err("not base-64");
    let at = error.offset.expect("an offset");
    assert!(text.is_char_boundary(at), "{error:?}");
    assert_eq!(&text[at..], "\u{1E8F0}");
    assert!(matches!(error.kind, ValueErrorKind::NotInAlphabet { .. }));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every offset lies in its text, on a character boundary (`text.len()` included).
    #[test]
    fn offsets_lie_in_their_text(text in "[0-9a-zA-Z.:/%+=\\- \u{e9}\u{1E8F0}]{0,24}") {
        for reader in [number, date, range, address, base64, boolean] {
            if let Some(error) = reader(&text) {
                if let Some(at) = error.offset {
                    prop_assert!(text.is_char_boundary(at), "{:?} in `{}`", error, text);
                }
            }
        }
    }
}
