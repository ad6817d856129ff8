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
    closeness_with(a, b, true)
}

/// [`closeness`], with the bag-distance filter or without it (the tests' oracle: the filter
/// only spares work, it never changes an answer).
fn closeness_with(a: &str, b: &str, bag_filter: bool) -> Option<f64> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let len = la.max(lb);
    let max_edits = 1 + len / 8;
    let prefix = la >= 6 && (b.starts_with(a) || a.starts_with(b));
    if la.abs_diff(lb) > max_edits && !prefix {
        // At least that many edits, and neither extends the other.
        return None;
    }
    if bag_filter && !prefix && bag_distance(a, b).is_some_and(|bag| bag > max_edits) {
        // More edits than allowed (the bag distance never exceeds the edit distance), and
        // neither extends the other: spares Jaro-Winkler, the cost of a policy full of
        // misspelt actions (each one is compared with every action of both planes).
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

/// The bag distance of two ASCII names: the larger count of characters one has beyond the
/// other, as multisets. A lower bound of the optimal-string-alignment distance (an insertion,
/// deletion or substitution changes each side's excess by at most one; a transposition changes
/// neither). `None` for a name outside ASCII.
fn bag_distance(a: &str, b: &str) -> Option<usize> {
    if !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    // What `a` has left to match, by character; each character of `b` matches one or is extra.
    let mut unmatched = [0_u32; 128];
    for byte in a.bytes() {
        if let Some(n) = unmatched.get_mut(usize::from(byte)) {
            *n += 1;
        }
    }
    let mut extra_b = 0;
    for byte in b.bytes() {
        match unmatched.get_mut(usize::from(byte)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => extra_b += 1,
        }
    }
    let matched = b.len().saturating_sub(extra_b);
    Some(a.len().saturating_sub(matched).max(extra_b))
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

    #[test]
    fn the_bag_distance_is_the_excess_of_the_larger_side() {
        assert_eq!(bag_distance("abc", "abc"), Some(0));
        assert_eq!(bag_distance("abc", "cba"), Some(0));
        assert_eq!(bag_distance("abc", "abd"), Some(1));
        assert_eq!(bag_distance("abc", "abcde"), Some(2));
        assert_eq!(bag_distance("", "xyz"), Some(3));
        assert_eq!(bag_distance("é", "e"), None);
    }

    proptest::proptest! {
        #[test]
        fn the_bag_distance_never_exceeds_the_edit_distance(
            a in "[a-f:*]{0,12}",
            b in "[a-f:*]{0,12}",
        ) {
            let bag = bag_distance(&a, &b).unwrap_or(usize::MAX);
            proptest::prop_assert!(bag <= strsim::osa_distance(&a, &b));
        }

        #[test]
        fn the_bag_filter_never_changes_closeness(
            a in "(describe|job|execution|cancel|thing|[a-e]){1,5}",
            b in "(describe|job|execution|cancel|thing|[a-e]){1,5}",
        ) {
            proptest::prop_assert_eq!(closeness(&a, &b), closeness_with(&a, &b, false));
        }
    }

    #[test]
    fn every_catalog_suggestion_is_unchanged_by_the_filter() {
        // Each catalog action, misspelt in the ways the fuzzers and users do, is suggested the
        // same name with and without the filter.
        let names: Vec<String> = crate::catalog::iot_action_names().map(fold).collect();
        assert!(names.len() > 100, "the catalog's `iot` names");
        for name in &names {
            let mut variants = vec![
                format!("{name}x"),
                name[1..].to_owned(),
                name.replace('e', ""),
            ];
            variants.push(name.chars().rev().collect());
            for variant in variants {
                for candidate in &names {
                    assert_eq!(
                        closeness(&variant, candidate),
                        closeness_with(&variant, candidate, false),
                        "{variant} against {candidate}"
                    );
                }
            }
        }
    }
}
