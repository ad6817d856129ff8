//! NFA simulation for Arn-syntax globs with a star that may not cross colons.
//!
//! The states are the token positions `0..=n` (state `i`: the first `i` tokens are matched),
//! kept as a bitset; each character of the value advances every live state at once, so the
//! cost is O(pattern × value) whatever the pattern. Two engines share that model:
//! [`is_match`] walks the live states of uncompiled tokens (for [`super::matches_tokens`]), and
//! [`BitNfa`], compiled once, advances 64 states per word operation (shift-and style) after
//! comparing the literal text before the first and after the last wildcard directly.
//!
//! Nothing is allocated: the two state sets live in stack arrays for patterns of up to
//! [`STACK_TOKENS`] tokens, and in a reusable per-thread buffer above (a fresh buffer only if
//! that one is already in use, or gone at thread exit).

use std::cell::RefCell;

use super::{star_crosses, GlobToken};

/// Patterns of up to this many tokens keep their state sets on the stack.
pub(super) const STACK_TOKENS: usize = 256;
const STACK_WORDS: usize = (STACK_TOKENS + 1).div_ceil(64);

thread_local! {
    /// State sets for patterns longer than [`STACK_TOKENS`], reused across calls.
    pub(super) static SCRATCH: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Run `f` on two zeroed state sets of `words` words each.
fn with_sets(words: usize, f: impl FnOnce(&mut [u64], &mut [u64]) -> bool) -> bool {
    if words <= STACK_WORDS {
        let mut current = [0u64; STACK_WORDS];
        let mut next = [0u64; STACK_WORDS];
        return match (current.get_mut(..words), next.get_mut(..words)) {
            (Some(current), Some(next)) => f(current, next),
            // `words <= STACK_WORDS`: unreachable. Were it reached, "no match" would be a
            // silently wrong answer (a Deny that does not apply), so debug builds stop here.
            _ => {
                debug_assert!(false, "{words} words do not fit the stack sets");
                false
            }
        };
    }
    // `f` is consumed by whichever branch runs; keep it in an Option to hand it over.
    let mut f = Some(f);
    let mut run_in = |buffer: &mut Vec<u64>| {
        buffer.clear();
        buffer.resize(words * 2, 0);
        match (buffer.split_at_mut_checked(words), f.take()) {
            (Some((current, next)), Some(f)) => f(current, next),
            // The buffer holds `2 * words` and `f` is taken once: unreachable (see above).
            _ => {
                debug_assert!(false, "the state sets could not be set up");
                false
            }
        }
    };
    let scratch = SCRATCH.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => Some(run_in(&mut scratch)),
        Err(_) => None,
    });
    match scratch {
        Ok(Some(matched)) => matched,
        // The buffer is in use (or gone, at thread exit): use a fresh one.
        _ => run_in(&mut Vec::new()),
    }
}

/// Whether `value` matches `tokens` (uncompiled, star runs allowed) under Arn syntax.
pub(super) fn is_match(tokens: &[GlobToken], value: &str) -> bool {
    let words = (tokens.len() + 1).div_ceil(64);
    with_sets(words, |current, next| run(tokens, value, current, next))
}

fn run(tokens: &[GlobToken], value: &str, current: &mut [u64], next: &mut [u64]) -> bool {
    let mut current = current;
    let mut next = next;
    current.fill(0);
    enter(tokens, current, 0);
    for ch in value.chars() {
        next.fill(0);
        for (word_index, &word) in current.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let state = word_index * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                // The accepting state `n` has no token and no transition.
                let Some(token) = tokens.get(state) else {
                    continue;
                };
                match *token {
                    GlobToken::Literal(l) if l == ch => enter(tokens, next, state + 1),
                    GlobToken::Literal(_) => {}
                    GlobToken::AnyChar if ch != ':' => enter(tokens, next, state + 1),
                    GlobToken::AnyChar => {}
                    GlobToken::AnyRun => {
                        if ch != ':' || star_crosses(tokens.get(state + 1)) {
                            enter(tokens, next, state);
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut current, &mut next);
        if current.iter().all(|&word| word == 0) {
            return false;
        }
    }
    contains(current, tokens.len())
}

/// Add `state` to `set` with its closure (a star may match the empty text, so the state after
/// it is live too).
fn enter(tokens: &[GlobToken], set: &mut [u64], state: usize) {
    let mut state = state;
    loop {
        let Some(word) = set.get_mut(state / 64) else {
            // The sets hold every state 0..=n; a state past them is a bug, not a non-match.
            debug_assert!(
                false,
                "state {state} is outside a set of {} words",
                set.len()
            );
            return;
        };
        let bit = 1u64 << (state % 64);
        if *word & bit != 0 {
            // Already live, and its closure with it.
            return;
        }
        *word |= bit;
        if tokens.get(state) != Some(&GlobToken::AnyRun) {
            return;
        }
        state += 1;
    }
}

fn contains(set: &[u64], state: usize) -> bool {
    set.get(state / 64)
        .is_some_and(|word| word & (1u64 << (state % 64)) != 0)
}

/// A bit-parallel NFA compiled once (shift-and style): per character of the value, a few word
/// operations per 64 tokens, plus a binary search for the character's mask.
#[derive(Debug, Clone)]
pub(super) struct BitNfa {
    /// The literal text before the first wildcard, compared directly.
    prefix: Box<str>,
    /// The literal text after the last wildcard, compared directly.
    suffix: Box<str>,
    /// Words per state set (of the tokens between `prefix` and `suffix`).
    words: usize,
    /// The accepting state (the token count).
    accept: usize,
    /// The distinct literal characters, sorted.
    chars: Box<[char]>,
    /// For each of `chars`, `words` words: the states whose token is that literal.
    char_masks: Box<[u64]>,
    /// The states whose token is `?`.
    any: Box<[u64]>,
    /// The states whose token is `*`.
    star: Box<[u64]>,
    /// The states whose token is a `*` that may cross colons.
    crossing: Box<[u64]>,
}

impl BitNfa {
    /// Compile tokens whose star runs are collapsed (a star is never followed by a star).
    pub(super) fn new(tokens: &[GlobToken]) -> Self {
        let is_literal = |t: &&GlobToken| matches!(t, GlobToken::Literal(_));
        let head = tokens.iter().take_while(is_literal).count();
        let tail = tokens.iter().rev().take_while(is_literal).count();
        let tail = tail.min(tokens.len().saturating_sub(head));
        let body = tokens.get(head..tokens.len() - tail).unwrap_or_default();
        let text = |part: &[GlobToken]| -> Box<str> {
            part.iter()
                .filter_map(|t| match t {
                    GlobToken::Literal(c) => Some(*c),
                    _ => None,
                })
                .collect()
        };
        let words = (body.len() + 1).div_ceil(64);
        let mut chars: Vec<char> = body
            .iter()
            .filter_map(|t| match t {
                GlobToken::Literal(c) => Some(*c),
                _ => None,
            })
            .collect();
        chars.sort_unstable();
        chars.dedup();
        let mut char_masks = vec![0u64; chars.len() * words];
        let mut any = vec![0u64; words];
        let mut star = vec![0u64; words];
        let mut crossing = vec![0u64; words];
        for (state, token) in body.iter().enumerate() {
            let set: &mut [u64] = match token {
                GlobToken::Literal(c) => match chars.binary_search(c) {
                    Ok(index) => char_masks
                        .get_mut(index * words..(index + 1) * words)
                        .unwrap_or_default(),
                    Err(_) => &mut [],
                },
                GlobToken::AnyChar => &mut any,
                GlobToken::AnyRun => {
                    // Whether it crosses depends on the next token of the whole pattern.
                    if star_crosses(tokens.get(head + state + 1)) {
                        insert(&mut crossing, state);
                    }
                    &mut star
                }
            };
            insert(set, state);
        }
        BitNfa {
            prefix: text(tokens.get(..head).unwrap_or_default()),
            suffix: text(tokens.get(tokens.len() - tail..).unwrap_or_default()),
            words,
            accept: body.len(),
            chars: chars.into(),
            char_masks: char_masks.into(),
            any: any.into(),
            star: star.into(),
            crossing: crossing.into(),
        }
    }

    /// The states whose literal is `c`, if any.
    fn char_mask(&self, c: char) -> Option<&[u64]> {
        let index = self.chars.binary_search(&c).ok()?;
        self.char_masks
            .get(index * self.words..(index + 1) * self.words)
    }

    /// Whether `value` matches.
    pub(super) fn is_match(&self, value: &str) -> bool {
        let Some(body) = value
            .strip_prefix(&*self.prefix)
            .and_then(|rest| rest.strip_suffix(&*self.suffix))
        else {
            return false;
        };
        with_sets(self.words, |current, next| self.run(body, current, next))
    }

    fn run(&self, value: &str, current: &mut [u64], next: &mut [u64]) -> bool {
        // Every state set is `words` long by construction (`new`, `with_sets`), so the
        // `get(word_index)` below always finds its word: their `unwrap_or(0)` exists only
        // because indexing is denied, and this checks the invariant they rest on.
        debug_assert!(
            [
                current.len(),
                next.len(),
                self.any.len(),
                self.star.len(),
                self.crossing.len()
            ]
            .iter()
            .all(|&len| len == self.words)
                && self.char_masks.len() == self.chars.len() * self.words,
            "a state set of the NFA is not {} words long",
            self.words
        );
        let mut current = current;
        let mut next = next;
        // The start state, and the state after a leading star.
        insert(current, 0);
        if contains(&self.star, 0) {
            insert(current, 1);
        }
        for c in value.chars() {
            let literal = self.char_mask(c);
            let colon = c == ':';
            let stay = if colon { &self.crossing } else { &self.star };
            let mut advance_carry = 0u64;
            let mut star_carry = 0u64;
            let mut live = 0u64;
            for (word_index, slot) in next.iter_mut().enumerate() {
                let word = current.get(word_index).copied().unwrap_or(0);
                let mut advancing = literal
                    .and_then(|mask| mask.get(word_index))
                    .copied()
                    .unwrap_or(0);
                if !colon {
                    advancing |= self.any.get(word_index).copied().unwrap_or(0);
                }
                let advanced = word & advancing;
                let staying = word & stay.get(word_index).copied().unwrap_or(0);
                let mut new = (advanced << 1) | advance_carry | staying;
                advance_carry = advanced >> 63;
                // Closure: a live star lets its successor (never a star) be live too.
                let stars = new & self.star.get(word_index).copied().unwrap_or(0);
                new |= (stars << 1) | star_carry;
                star_carry = stars >> 63;
                *slot = new;
                live |= new;
            }
            if live == 0 {
                return false;
            }
            std::mem::swap(&mut current, &mut next);
        }
        contains(current, self.accept)
    }
}

fn insert(set: &mut [u64], state: usize) {
    let Some(word) = set.get_mut(state / 64) else {
        debug_assert!(
            false,
            "state {state} is outside a set of {} words",
            set.len()
        );
        return;
    };
    *word |= 1u64 << (state % 64);
}
