//! `--shard K/N`: a deterministic slice of a run, so that a CI matrix can spread one run over
//! N machines and `iamconf merge` can put the reports back together.

use std::fmt;
use std::str::FromStr;

/// Shard `index` (1-based) of `count`: the cases whose run position `p` has
/// `p % count == index - 1`. Golden and generated cases alike, with the same seed and ids as
/// the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    /// Which shard, from 1.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// Whether the case at run position `position` belongs to this shard.
    pub fn contains(&self, position: usize) -> bool {
        self.count > 0 && position % self.count == self.index.saturating_sub(1)
    }

    /// The first position of the shard (0-based).
    pub fn first(&self) -> usize {
        self.index.saturating_sub(1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let help = "help: write `K/N` with 1 <= K <= N, e.g. `3/8`";
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not a shard; {help}"))?;
        let number = |part: &str| {
            part.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{part}` in `{text}` is not a whole number; {help}"))
        };
        let (index, count) = (number(k)?, number(n)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!("`{text}` is not a shard; {help}"));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_split_positions_without_overlap() {
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for position in 0..30 {
            let owners = shards.iter().filter(|s| s.contains(position)).count();
            assert_eq!(owners, 1, "position {position}");
        }
        assert!(shards[0].contains(0) && shards[1].contains(1) && shards[2].contains(5));
        assert_eq!(shards[2].to_string(), "3/3");
    }

    #[test]
    fn bad_shards_are_explained() {
        for bad in ["0/3", "4/3", "1/0", "x/2", "2", "1/-1"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(
                e.contains(&format!("`{bad}`")) || e.contains("` in `"),
                "{e}"
            );
            assert!(e.contains("help: write `K/N`"), "{e}");
        }
    }
}
