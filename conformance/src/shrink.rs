//! Shrinking a disagreement to a minimal case, in bounded time.
//!
//! The shrinker removes parts of the case's JSON (whole policies, context keys, statements,
//! elements, condition operators and keys, values) and unwraps one-element arrays, keeping a
//! smaller case only while a caller-given predicate says it is still interesting (for the gate:
//! the candidate and the reference still disagree in the same way). It works on the protocol's
//! JSON, so it serves any evaluator in any language.
//!
//! Bounded: reductions are built one at a time from the current case (never a list of every
//! smaller clone); shallow containers are tried before deep ones and, in each container, large
//! chunks before single members (halving, as in delta debugging); and every shrink stops at a
//! number of attempts and at a deadline, returning the smallest case found so far.

use std::time::{Duration, Instant};

pub mod operators;
pub mod variables;

use serde_json::{Map, Value};

use crate::protocol::CaseLine;

/// When a shrink stops trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most smaller cases tried.
    pub attempts: usize,
    /// Most time spent (`None`: no time limit).
    pub time: Option<Duration>,
}

/// What a shrink found.
#[derive(Debug, Clone, PartialEq)]
pub struct Shrunk {
    /// The smallest case that is still interesting (the case itself if none smaller is).
    pub case: CaseLine,
    /// How many smaller cases were tried.
    pub attempts: usize,
    /// Whether a limit stopped the shrink before no reduction was left to try.
    pub cut_short: bool,
}

/// Shrink `case` while `interesting` holds, trying at most `budget` smaller cases.
pub fn shrink<E>(
    case: &CaseLine,
    budget: usize,
    interesting: &mut dyn FnMut(&CaseLine) -> Result<bool, E>,
) -> Result<CaseLine, E> {
    let limits = Limits {
        attempts: budget,
        time: None,
    };
    shrink_within(case, limits, interesting).map(|s| s.case)
}

/// Shrink `case` while `interesting` holds, within `limits`. An error of the predicate (the
/// candidate stopped answering) ends the shrink and is returned.
pub fn shrink_within<E>(
    case: &CaseLine,
    limits: Limits,
    interesting: &mut dyn FnMut(&CaseLine) -> Result<bool, E>,
) -> Result<Shrunk, E> {
    let mut search = Search {
        template: case,
        current: Value::Array(vec![
            Value::Array(case.policies.clone()),
            Value::Object(case.request.context.clone()),
        ]),
        attempts: 0,
        limits,
        deadline: limits.time.and_then(|t| Instant::now().checked_add(t)),
        interesting,
    };
    let mut cut_short = false;
    loop {
        match search.pass()? {
            Pass::Progress => continue,
            Pass::Done => break,
            Pass::OutOfBudget => {
                cut_short = true;
                break;
            }
        }
    }
    Ok(Shrunk {
        case: search.case_of(search.current.clone()),
        attempts: search.attempts,
        cut_short,
    })
}

enum Pass {
    Progress,
    Done,
    OutOfBudget,
}

/// One reduction of a container.
#[derive(Clone, Copy)]
enum Step {
    /// Remove the members `start..start + len`.
    Remove { start: usize, len: usize },
    /// Replace a one-element array by its element.
    Unwrap,
}

struct Search<'a, E> {
    template: &'a CaseLine,
    /// `[policies, context]`: one tree, so that one walk reaches every part.
    current: Value,
    attempts: usize,
    limits: Limits,
    deadline: Option<Instant>,
    interesting: &'a mut dyn FnMut(&CaseLine) -> Result<bool, E>,
}

impl<E> Search<'_, E> {
    fn case_of(&self, tree: Value) -> CaseLine {
        let (policies, context) = match tree {
            Value::Array(mut parts) if parts.len() == 2 => {
                let context = parts.pop();
                let policies = parts.pop();
                (policies, context)
            }
            _ => (None, None),
        };
        let mut case = self.template.clone();
        if let Some(Value::Array(policies)) = policies {
            case.policies = policies;
        }
        if let Some(Value::Object(context)) = context {
            case.request.context = context;
        }
        case
    }

    fn out_of_budget(&self) -> bool {
        self.attempts >= self.limits.attempts || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Try `step` on the container at `path`; keep it when the result is still interesting.
    fn try_step(&mut self, path: &[usize], step: Step) -> Result<Option<bool>, E> {
        if self.out_of_budget() {
            return Ok(None);
        }
        let mut trial = self.current.clone();
        let Some(node) = node_mut(&mut trial, path) else {
            return Ok(Some(false));
        };
        if !apply(node, step) {
            return Ok(Some(false));
        }
        self.attempts += 1;
        let case = self.case_of(trial);
        if (self.interesting)(&case)? {
            self.current = Value::Array(vec![
                Value::Array(case.policies),
                Value::Object(case.request.context),
            ]);
            return Ok(Some(true));
        }
        Ok(Some(false))
    }

    /// Every container, shallow ones first, large steps first within each.
    fn pass(&mut self) -> Result<Pass, E> {
        let mut progress = false;
        for depth in 1.. {
            let mut n = 0;
            let mut any = false;
            while let Some(path) = nth_container_at(&self.current, depth, n) {
                any = true;
                match self.reduce_container(&path)? {
                    Some(p) => progress |= p,
                    None => return Ok(Pass::OutOfBudget),
                }
                n += 1;
            }
            if !any {
                break;
            }
        }
        Ok(if progress { Pass::Progress } else { Pass::Done })
    }

    /// Remove chunks of the container's members, halving the chunk size, then unwrap it.
    /// `None` when out of budget; otherwise whether anything was kept.
    fn reduce_container(&mut self, path: &[usize]) -> Result<Option<bool>, E> {
        let mut progress = false;
        // The policy list and the context may become empty; an array inside a policy keeps one
        // member (an empty `Action` is a different error, not a smaller case).
        let may_empty = path.len() == 1 || node(&self.current, path).is_some_and(Value::is_object);
        let members = |s: &Self| node(&s.current, path).map_or(0, member_count);
        let most = |s: &Self| {
            let m = members(s);
            if may_empty {
                m
            } else {
                m.saturating_sub(1)
            }
        };
        let mut size = most(self);
        while size > 0 {
            let mut start = 0;
            loop {
                let len = size
                    .min(members(self).saturating_sub(start))
                    .min(most(self));
                if len == 0 {
                    break;
                }
                match self.try_step(path, Step::Remove { start, len })? {
                    None => return Ok(None),
                    Some(true) => progress = true,
                    Some(false) => start += len,
                }
            }
            if size == 1 {
                break;
            }
            size = size.div_ceil(2).min(most(self));
        }
        if path.len() >= 2 {
            match self.try_step(path, Step::Unwrap)? {
                None => return Ok(None),
                Some(kept) => progress |= kept,
            }
        }
        Ok(Some(progress))
    }
}

fn member_count(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.len(),
        Value::Object(members) => members.len(),
        _ => 0,
    }
}

fn child(value: &Value, i: usize) -> Option<&Value> {
    match value {
        Value::Array(items) => items.get(i),
        Value::Object(members) => members.values().nth(i),
        _ => None,
    }
}

fn child_mut(value: &mut Value, i: usize) -> Option<&mut Value> {
    match value {
        Value::Array(items) => items.get_mut(i),
        Value::Object(members) => members.values_mut().nth(i),
        _ => None,
    }
}

fn node<'v>(root: &'v Value, path: &[usize]) -> Option<&'v Value> {
    path.iter().try_fold(root, |v, &i| child(v, i))
}

fn node_mut<'v>(root: &'v mut Value, path: &[usize]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |v, &i| child_mut(v, i))
}

/// The path of the `n`-th non-empty container at `depth`, in document order.
fn nth_container_at(root: &Value, depth: usize, n: usize) -> Option<Vec<usize>> {
    fn walk(value: &Value, depth: usize, path: &mut Vec<usize>, left: &mut usize) -> bool {
        if member_count(value) == 0 {
            return false;
        }
        if depth == 0 {
            if *left == 0 {
                return true;
            }
            *left -= 1;
            return false;
        }
        for i in 0..member_count(value) {
            let Some(c) = child(value, i) else { break };
            path.push(i);
            if walk(c, depth - 1, path, left) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::with_capacity(depth);
    let mut left = n;
    walk(root, depth, &mut path, &mut left).then_some(path)
}

/// Apply a step in place; `false` when it does not apply (nothing changed).
fn apply(value: &mut Value, step: Step) -> bool {
    match (value, step) {
        (Value::Array(items), Step::Remove { start, len }) => {
            if len == 0 || start + len > items.len() {
                return false;
            }
            items.drain(start..start + len);
            true
        }
        (Value::Object(members), Step::Remove { start, len }) => {
            if len == 0 || start + len > members.len() {
                return false;
            }
            let kept: Map<String, Value> = std::mem::take(members)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| *i < start || *i >= start + len)
                .map(|(_, member)| member)
                .collect();
            *members = kept;
            true
        }
        (value @ Value::Array(_), Step::Unwrap) => {
            let Value::Array(items) = value else {
                return false;
            };
            match items.as_slice() {
                [only] if !only.is_array() => {
                    let only = only.clone();
                    *value = only;
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// From `case`, take the first of `steps(current)` for which `interesting` holds, again and
/// again, until none does or `budget` tries are spent; the last case taken.
fn first_step_while<E>(
    case: CaseLine,
    budget: usize,
    steps: fn(&CaseLine) -> Vec<CaseLine>,
    interesting: &mut dyn FnMut(&CaseLine) -> Result<bool, E>,
) -> Result<CaseLine, E> {
    let mut current = case;
    let mut tries = 0;
    'outer: loop {
        for step in steps(&current) {
            if tries >= budget {
                break 'outer;
            }
            tries += 1;
            if interesting(&step)? {
                current = step;
                continue 'outer;
            }
        }
        break;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(value: Value) -> CaseLine {
        CaseLine::from_value(&value).unwrap()
    }

    #[test]
    fn shrinks_to_the_part_that_matters() {
        let case = case(json!({
            "id": "g1",
            "policies": [
                {"Statement": [{"Effect": "Allow", "Action": ["iot:A", "iot:B"], "Resource": "*"},
                               {"Effect": "Deny", "Action": "iot:C", "Resource": "*"}]},
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
            ],
            "request": {"action": "iot:B", "resource": "*", "context": {"a": "1", "b": ["x", "y"]}}
        }));
        // The "bug": any policy text mentioning iot:B disagrees.
        let mut fails = |c: &CaseLine| -> Result<bool, ()> {
            Ok(serde_json::to_string(&c.policies)
                .unwrap()
                .contains("iot:B"))
        };
        let minimal = shrink(&case, 10_000, &mut fails).unwrap();
        assert_eq!(
            minimal.policies,
            vec![json!({"Statement": {"Action": "iot:B"}})]
        );
        assert!(minimal.request.context.is_empty());
        assert_eq!(minimal.id, "g1");
        assert_eq!(minimal.request.action, "iot:B");
    }

    #[test]
    fn the_budget_bounds_the_attempts() {
        let case = case(json!({
            "id": "g1", "policies": [{"a": [1, 2, 3]}],
            "request": {"action": "iot:B", "resource": "*"}
        }));
        let mut calls = 0;
        let mut fails = |_: &CaseLine| -> Result<bool, ()> {
            calls += 1;
            Ok(false)
        };
        let _ = shrink(&case, 3, &mut fails).unwrap();
        assert_eq!(calls, 3);
    }

    /// A policy of `n` statements, each with several actions and a condition.
    fn big_case(n: usize) -> CaseLine {
        let statements: Vec<Value> = (0..n)
            .map(|i| {
                json!({"Sid": format!("S{i}"), "Effect": "Allow",
                       "Action": [format!("iot:A{i}"), format!("iot:B{i}"), "iot:C"],
                       "Resource": ["*", format!("arn:aws:iot:us-east-1:1:job/j{i}")],
                       "Condition": {"StringEquals": {"aws:k": [format!("v{i}"), "w"]}}})
            })
            .collect();
        case(json!({
            "id": "big",
            "policies": [{"Version": "2012-10-17", "Statement": statements}],
            "request": {"action": "iot:A1", "resource": "*", "context": {"aws:k": "v"}}
        }))
    }

    #[test]
    fn large_steps_first_make_a_big_case_small_in_few_attempts() {
        let case = big_case(512);
        // Interesting while statement S317 is there.
        let mut calls = 0usize;
        let mut fails = |c: &CaseLine| -> Result<bool, ()> {
            calls += 1;
            Ok(serde_json::to_string(&c.policies)
                .unwrap()
                .contains("\"S317\""))
        };
        let shrunk = shrink_within(
            &case,
            Limits {
                attempts: 100_000,
                time: None,
            },
            &mut fails,
        )
        .unwrap();
        assert!(!shrunk.cut_short);
        assert_eq!(
            shrunk.case.policies,
            vec![json!({"Statement": {"Sid": "S317"}})]
        );
        // Halving finds one statement among 512 in about 2 log2(512) steps, not 512.
        assert!(shrunk.attempts < 120, "{} attempts", shrunk.attempts);
        assert_eq!(calls, shrunk.attempts);
    }

    #[test]
    fn the_time_limit_bounds_a_slow_shrink() {
        let case = big_case(64);
        let mut fails = |_: &CaseLine| -> Result<bool, ()> {
            std::thread::sleep(Duration::from_millis(20));
            Ok(false)
        };
        let started = Instant::now();
        let shrunk = shrink_within(
            &case,
            Limits {
                attempts: usize::MAX,
                time: Some(Duration::from_millis(100)),
            },
            &mut fails,
        )
        .unwrap();
        assert!(shrunk.cut_short);
        assert_eq!(shrunk.case, case);
        // The deadline is checked before each attempt: at most one attempt runs past it.
        assert!(shrunk.attempts <= 6, "{} attempts", shrunk.attempts);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn the_predicate_is_a_parameter_and_its_error_ends_the_shrink() {
        let case = big_case(8);
        let mut calls = 0;
        let mut fails = |c: &CaseLine| -> Result<bool, String> {
            calls += 1;
            if calls == 4 {
                Err("the candidate crashed".to_owned())
            } else {
                Ok(!c.policies.is_empty())
            }
        };
        let result = shrink_within(
            &case,
            Limits {
                attempts: 1_000,
                time: None,
            },
            &mut fails,
        );
        assert_eq!(result, Err("the candidate crashed".to_owned()));
        assert_eq!(calls, 4);
    }

    #[test]
    fn arrays_inside_policies_keep_a_member_and_unwrap() {
        let case = case(json!({
            "id": "a", "policies": [{"Statement": [{"Action": ["iot:A", "iot:B"]}]}],
            "request": {"action": "iot:B", "resource": "*"}
        }));
        // The shrinker never tries an empty array inside a policy (only the list of policies
        // and objects may lose every member); a one-element array becomes its element.
        let mut seen_empty_array = false;
        let mut fails = |c: &CaseLine| -> Result<bool, ()> {
            let text = serde_json::to_string(&c.policies).unwrap();
            seen_empty_array |= !c.policies.is_empty() && text.contains("[]");
            Ok(text.contains("iot:B"))
        };
        let minimal = shrink(&case, 1_000, &mut fails).unwrap();
        assert_eq!(
            minimal.policies,
            vec![json!({"Statement": {"Action": "iot:B"}})]
        );
        assert!(!seen_empty_array);
    }
}
