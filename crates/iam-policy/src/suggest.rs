//! "Did you mean": the one fuzzy matcher behind every hint that names a nearby word (element
//! names, condition operators and qualifiers, catalog actions).

use crate::text::{eq_folded, fold};

/// Longest name worth comparing fuzzily (the longest real action has 37 characters); a longer
/// name is only matched by case.
const MAX_FUZZY_LEN: usize = 80;

/// The candidate nearest to `name`, with its item: a candidate that differs from `name` only
/// by case wins; otherwise the closest by Jaro-Winkler among those close enough (at most a
/// couple of edits, or one extends the other). The earliest candidate wins a tie.
pub fn nearest<'a, T>(name: &str, candidates: impl IntoIterator<Item = (T, &'a str)>) -> Option<T> {
    let wanted = fold(name);
    let fuzzy = !name.is_empty() && name.chars().count() <= MAX_FUZZY_LEN;
    let mut best: Option<(f64, T)> = None;
    for (item, candidate) in candidates {
        let score = if eq_folded(candidate, name) {
            // Wins over any similarity, and no later candidate can tie it: done.
            return Some(item);
        } else if fuzzy {
            match closeness(&wanted, &fold(candidate)) {
                Some(score) => score,
                None => continue,
            }
        } else {
            continue;
        };
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, item));
        }
    }
    best.map(|(_, item)| item)
}

/// The candidate nearest to `name` (see [`nearest`]).
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    nearest(name, candidates.iter().map(|c| (*c, *c)))
}

/// How close two folded names are (Jaro-Winkler), when close enough to suggest: at most a
/// couple of edits (optimal-string-alignment Damerau-Levenshtein), or one name extends the
/// other.
fn closeness(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let len = la.max(lb);
    let max_edits = 1 + len / 8;
    let prefix = la >= 6 && (b.starts_with(a) || a.starts_with(b));
    if la.abs_diff(lb) > max_edits && !prefix {
        // At least that many edits, and neither extends the other.
        return None;
    }
    let jw = strsim::jaro_winkler(a, b);
    if jw < 0.75 {
        // Far below anything a few edits leave; spares the edit distance.
        return None;
    }
    let few_edits = len >= 4 && strsim::osa_distance(a, b) <= max_edits;
    let extends = prefix && jw >= 0.9;
    (few_edits || extends).then_some(jw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_variants_win_then_the_closest() {
        let words = ["Statement", "Version", "Id"];
        assert_eq!(closest("statement", &words), Some("Statement"));
        assert_eq!(closest("Statment", &words), Some("Statement"));
        assert_eq!(closest("Verison", &words), Some("Version"));
        assert_eq!(closest("Principal", &words), None);
        assert_eq!(closest("", &words), None);
        let long = "x".repeat(MAX_FUZZY_LEN + 1);
        assert_eq!(closest(&long, &[&long[1..]]), None);
        assert_eq!(
            closest(&long.to_uppercase(), &[long.as_str()]),
            Some(long.as_str())
        );
    }

    #[test]
    fn the_earliest_wins_a_tie() {
        assert_eq!(nearest("Efect", [(1, "Effect"), (2, "Effect")]), Some(1));
        assert_eq!(nearest("EFFECT", [(1, "effect"), (2, "Effect")]), Some(1));
    }
}
