//! Pools derived from the configuration: the catalog's actions, request addresses around each
//! policy range, base-64 forms, case variants.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{GeneratorConfig, Pools};

/// The pools after filling empty ones from the defaults, plus derived pools.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The configured pools, none empty.
    pub pools: Pools,
    /// Every catalog action, `vendor:Name`, both planes.
    pub catalog: Vec<String>,
    /// Request addresses: for each range its first and last address and the neighbours just
    /// outside, plus a few fixed ones of each family.
    pub addresses: Vec<String>,
    /// Base-64 encodings of the tag values.
    pub base64_values: Vec<String>,
}

fn or_default(pool: &[String], fallback: &[String]) -> Vec<String> {
    if pool.is_empty() {
        fallback.to_vec()
    } else {
        pool.to_vec()
    }
}

impl Prepared {
    /// Prepare `config`'s pools.
    pub fn new(config: &GeneratorConfig) -> Prepared {
        let d = Pools::default();
        let p = &config.pools;
        let pools = Pools {
            actions: or_default(&p.actions, &d.actions),
            action_patterns: or_default(&p.action_patterns, &d.action_patterns),
            job_ids: or_default(&p.job_ids, &d.job_ids),
            thing_names: or_default(&p.thing_names, &d.thing_names),
            thing_groups: or_default(&p.thing_groups, &d.thing_groups),
            regions: or_default(&p.regions, &d.regions),
            accounts: or_default(&p.accounts, &d.accounts),
            ip_ranges: or_default(&p.ip_ranges, &d.ip_ranges),
            tag_values: or_default(&p.tag_values, &d.tag_values),
            tag_keys: or_default(&p.tag_keys, &d.tag_keys),
            numbers: or_default(&p.numbers, &d.numbers),
            dates: or_default(&p.dates, &d.dates),
        };
        let catalog = iam_policy::catalog::actions()
            .iter()
            .map(|a| format!("{}:{}", a.vendor, a.name))
            .collect();
        let mut addresses: Vec<String> = pools
            .ip_ranges
            .iter()
            .flat_map(|r| boundary_addresses(r))
            .collect();
        addresses.extend(
            ["203.0.113.7", "2001:db8::7", "2001:DB8::0:7"]
                .iter()
                .map(|s| (*s).to_owned()),
        );
        addresses.sort();
        addresses.dedup();
        let base64_values = pools
            .tag_values
            .iter()
            .map(|v| base64(v.as_bytes()))
            .collect();
        Prepared {
            pools,
            catalog,
            addresses,
            base64_values,
        }
    }
}

/// Read a policy range the way §7 does (bare = /32 or /128, host bits ignored): the network
/// address, the prefix length and the family width; `None` when it is not a range.
pub fn read_range(text: &str) -> Option<(IpAddr, u8)> {
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let bits = if address.is_ipv4() { 32 } else { 128 };
    let length = match prefix {
        Some(p) => {
            if p.is_empty() || (p.len() > 1 && p.starts_with('0')) {
                return None;
            }
            p.parse::<u8>().ok().filter(|n| *n <= bits)?
        }
        None => bits,
    };
    Some((address, length))
}

/// Whether `address` lies in the range read by [`read_range`]: same family, same leading bits.
pub fn naive_contains(range: (IpAddr, u8), address: IpAddr) -> bool {
    match (range.0, address) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(range.1)).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(range.1)).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// The first and last address of a range and the neighbours just outside it (those that
/// exist).
pub fn boundary_addresses(range: &str) -> Vec<String> {
    let Some((address, length)) = read_range(range) else {
        return Vec::new();
    };
    // Both families in u128 arithmetic, the IPv4 one confined to its 32 bits.
    let (bits, max, value) = match address {
        IpAddr::V4(a) => (32, u128::from(u32::MAX), u128::from(u32::from(a))),
        IpAddr::V6(a) => (128, u128::MAX, u128::from(a)),
    };
    let mask = max.checked_shl(bits - u32::from(length)).unwrap_or(0) & max;
    let first = value & mask;
    let last = first | (!mask & max);
    [
        Some(first),
        Some(last),
        first.checked_sub(1),
        last.checked_add(1).filter(|n| *n <= max),
    ]
    .into_iter()
    .flatten()
    .filter_map(|n| match address {
        IpAddr::V4(_) => u32::try_from(n).ok().map(|n| Ipv4Addr::from(n).to_string()),
        IpAddr::V6(_) => Some(Ipv6Addr::from(n).to_string()),
    })
    .collect()
}

/// Standard base-64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = ((n >> (18 - 6 * i)) & 63) as usize;
                out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A case variant of `text`: 0 upper, 1 lower, otherwise every letter's case swapped.
pub fn recase(text: &str, how: u8) -> String {
    match how {
        0 => text.to_uppercase(),
        1 => text.to_lowercase(),
        _ => text
            .chars()
            .flat_map(|c| {
                let swapped: Vec<char> = if c.is_lowercase() {
                    c.to_uppercase().collect()
                } else {
                    c.to_lowercase().collect()
                };
                swapped
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_of_a_v4_range() {
        assert_eq!(
            boundary_addresses("192.0.2.5/24"),
            vec!["192.0.2.0", "192.0.2.255", "192.0.1.255", "192.0.3.0"]
        );
        assert_eq!(
            boundary_addresses("0.0.0.0/0"),
            vec!["0.0.0.0", "255.255.255.255"]
        );
        assert_eq!(
            boundary_addresses("2001:db8::1"),
            vec!["2001:db8::1", "2001:db8::1", "2001:db8::", "2001:db8::2"]
        );
        assert_eq!(
            boundary_addresses("255.255.255.255/32"),
            vec!["255.255.255.255", "255.255.255.255", "255.255.255.254"]
        );
        assert_eq!(
            boundary_addresses("::/0"),
            vec!["::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
        );
    }

    #[test]
    fn naive_containment() {
        let r = read_range("10.0.0.0/8").unwrap();
        assert!(naive_contains(r, "10.255.255.255".parse().unwrap()));
        assert!(!naive_contains(r, "11.0.0.0".parse().unwrap()));
        assert!(!naive_contains(r, "::ffff:10.0.0.1".parse().unwrap()));
        assert!(read_range("10.0.0.0/08").is_none());
        assert!(read_range("10.0.0.0/33").is_none());
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"prod"), "cHJvZA==");
        assert_eq!(base64(b"beta"), "YmV0YQ==");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64("café".as_bytes()), "Y2Fmw6k=");
    }

    #[test]
    fn recasing() {
        assert_eq!(recase("iot:DescribeJob", 2), "IOT:dESCRIBEjOB");
        assert_eq!(recase("café", 0), "CAFÉ");
    }
}
