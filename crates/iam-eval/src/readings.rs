//! The evaluator's side of the non-default readings of ID-6 (case of an ARN's head), ID-7 (how
//! far a resource wildcard reaches) and ID-10 (IPv4-mapped addresses).
//!
//! Under the reference's readings none of this runs: the compiled globs match directly. The
//! other readings take a slower path (tokens, folded copies) that may allocate; they serve the
//! gate's answer sets and the fixtures, not the hot path.

use std::net::IpAddr;

pub(crate) use iam_policy::pattern::{fold_head, fold_tokens};
use iam_policy::pattern::{matches_tokens, never_crosses, Glob, GlobSyntax, GlobToken};
use iam_policy::readings::{ArnCase, ArnReach, MappedIpv4, Readings};

/// Whether resource ARNs match by the compiled globs (the reference's ID-6 and ID-7).
#[inline]
pub(crate) fn plain_arns(readings: &Readings) -> bool {
    readings.arn_case == ArnCase::Sensitive && readings.arn_reach == ArnReach::Segment
}

/// A resource glob against the request's resource under the readings of ID-6 and ID-7.
#[inline]
pub(crate) fn resource_glob(glob: &Glob, resource: &str, readings: &Readings) -> bool {
    if plain_arns(readings) {
        return glob.is_match(resource);
    }
    other_readings_glob(glob, resource, readings)
}

#[cold]
#[inline(never)]
fn other_readings_glob(glob: &Glob, resource: &str, readings: &Readings) -> bool {
    resource_tokens(glob.tokens(), resource, readings)
}

/// Resource tokens (head and resolved tail) against the request's resource under the
/// readings of ID-6 and ID-7.
pub(crate) fn resource_tokens(tokens: &[GlobToken], resource: &str, readings: &Readings) -> bool {
    if readings.arn_case == ArnCase::Insensitive {
        let tokens = fold_tokens(tokens, 4);
        let resource = fold_head(resource, 4);
        return reach(&tokens, &resource, readings.arn_reach);
    }
    reach(tokens, resource, readings.arn_reach)
}

fn reach(tokens: &[GlobToken], resource: &str, arn_reach: ArnReach) -> bool {
    match arn_reach {
        ArnReach::Segment => matches_tokens(tokens, GlobSyntax::Arn, resource),
        ArnReach::Never => never_crosses(tokens, resource),
        ArnReach::Always => matches_tokens(tokens, GlobSyntax::Text, resource),
    }
}

/// An `Arn*` condition's six compiled globs against a request value, under the `insensitive`
/// reading of ID-6: the first four components compare case-insensitively.
pub(crate) fn arn_folded(globs: &[Glob; 6], candidate: &str) -> bool {
    let mut components = iam_policy::arn::components(candidate);
    globs.iter().enumerate().all(|(i, g)| {
        let Some(c) = components.next() else {
            return false;
        };
        if i < 4 {
            let tokens = fold_tokens(g.tokens(), 1);
            matches_tokens(&tokens, GlobSyntax::Text, &fold_head(c, 1))
        } else {
            g.is_match(c)
        }
    })
}

/// A request address as the reading of ID-10 sees it.
#[inline]
pub(crate) fn address(address: IpAddr, readings: &Readings) -> IpAddr {
    match (readings.mapped_ipv4, address) {
        (MappedIpv4::Ipv4, IpAddr::V6(v6)) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        _ => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_policy::pattern::tokenize;
    use rstest::rstest;

    fn with(f: impl FnOnce(&mut Readings)) -> Readings {
        let mut r = Readings::default();
        f(&mut r);
        r
    }

    const JOB: &str = "arn:aws:iot:us-east-1:123456789012:job/a:b";

    /// ID-6 x ID-7: (pattern, resource, segment, never, always), case-sensitive.
    #[rstest]
    #[case("arn:aws:iot:*:*:job/*", JOB, true, false, true)]
    #[case("arn:aws:iot:*", JOB, true, false, true)]
    #[case("arn:aws:iot:us-*1:*:job/a:b", JOB, true, true, true)]
    #[case("arn:aws:*:job/a:b", JOB, true, false, true)]
    #[case("arn:aws:iot:us-east-1:123456789012:job?a:b", JOB, true, true, true)]
    #[case("arn:aws:iot:us-east-1:123456789012:job/a?b", JOB, false, false, true)]
    #[case("arn:aws:iot:us-east-1:123456789012:*/a:b", JOB, true, true, true)]
    #[case("arn:aws:iot:us-east-1:123456789012:j*b", JOB, false, false, true)]
    fn id7_reach(
        #[case] pattern: &str,
        #[case] resource: &str,
        #[case] segment: bool,
        #[case] never: bool,
        #[case] always: bool,
    ) {
        let glob = Glob::new(pattern, GlobSyntax::Arn);
        for (reading, want) in [
            (ArnReach::Segment, segment),
            (ArnReach::Never, never),
            (ArnReach::Always, always),
        ] {
            let r = with(|r| r.arn_reach = reading);
            assert_eq!(resource_glob(&glob, resource, &r), want, "{reading:?}");
            assert_eq!(
                resource_tokens(&tokenize(pattern), resource, &r),
                want,
                "{reading:?} (tokens)"
            );
        }
    }

    /// ID-6: (pattern, resource, sensitive, insensitive).
    #[rstest]
    #[case("arn:AWS:iot:*:*:job/*", JOB, false, true)]
    #[case("ARN:aws:IoT:US-EAST-1:*:job/*", JOB, false, true)]
    #[case("arn:aws:iot:*:*:JOB/*", JOB, false, false)]
    #[case("arn:aws:iot:*:*:job/*", "arn:aws:IOT:us-east-1:1:job/x", false, true)]
    #[case("arn:aws:iot:*:*:job/*", "arn:aws:iot:us-east-1:1:job/x", true, true)]
    fn id6_case(
        #[case] pattern: &str,
        #[case] resource: &str,
        #[case] sensitive: bool,
        #[case] insensitive: bool,
    ) {
        let glob = Glob::new(pattern, GlobSyntax::Arn);
        for (reading, want) in [
            (ArnCase::Sensitive, sensitive),
            (ArnCase::Insensitive, insensitive),
        ] {
            let r = with(|r| r.arn_case = reading);
            assert_eq!(resource_glob(&glob, resource, &r), want, "{reading:?}");
        }
    }

    #[rstest]
    #[case("arn:aws:iot:*:*:job/*", "arn:AWS:IOT:us-east-1:1:job/x", true)]
    #[case("arn:aws:iot:*:*:job/*", "arn:aws:iot:us-east-1:1:JOB/x", false)]
    #[case("ARN:AWS:IOT:US-*:*:job/?", "arn:aws:iot:us-east-1:1:job/x", true)]
    #[case("arn:aws:iot:*:*:job/*", "arn:aws:iot", false)]
    fn id6_arn_conditions_fold_the_first_four_components(
        #[case] pattern: &str,
        #[case] value: &str,
        #[case] want: bool,
    ) {
        let globs: [Glob; 6] = iam_policy::arn::split(pattern, false)
            .unwrap()
            .map(|part| Glob::new(part, GlobSyntax::Text));
        assert_eq!(arn_folded(&globs, value), want);
    }

    #[rstest]
    #[case("::ffff:192.0.2.1", "::ffff:192.0.2.1", "192.0.2.1")]
    #[case("2001:db8::1", "2001:db8::1", "2001:db8::1")]
    #[case("192.0.2.1", "192.0.2.1", "192.0.2.1")]
    fn id10_mapped_addresses(#[case] given: &str, #[case] ipv6: &str, #[case] ipv4: &str) {
        let a: IpAddr = given.parse().unwrap();
        assert_eq!(
            address(a, &Readings::default()),
            ipv6.parse::<IpAddr>().unwrap()
        );
        let r = with(|r| r.mapped_ipv4 = MappedIpv4::Ipv4);
        assert_eq!(address(a, &r), ipv4.parse::<IpAddr>().unwrap());
    }
}
