//! The parser's output: a flat tape of borrowed tokens, one entry per JSON value in document
//! order, in a single vector (no allocation per array or object, nothing to free per node).
//!
//! A container's entry records how many members it has and where its subtree ends, so its
//! children are walked by skipping whole subtrees; an object member's entry carries its key.
//! Strings are borrowed from the document unless they hold an escape. [`Value`] is a cheap,
//! copyable view of one entry, which the policy parser reads instead of a tree.

use std::borrow::Cow;

use crate::diagnostic::Span;

/// What one tape entry is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry<'t> {
    Null,
    Bool(bool),
    /// A number, as its exact text.
    Number(&'t str),
    /// A string, unescaped.
    String(Cow<'t, str>),
    /// An array of `len` items; its subtree ends before entry `end`.
    Array {
        len: usize,
        end: usize,
    },
    /// An object of `len` members; its subtree ends before entry `end`.
    Object {
        len: usize,
        end: usize,
    },
}

/// One value on the tape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'t> {
    pub(crate) entry: Entry<'t>,
    /// The whole value, brackets and quotes included.
    pub(crate) span: Span,
    /// The key and its span, when the value is an object member.
    pub(crate) key: Option<(Cow<'t, str>, Span)>,
}

impl Node<'_> {
    /// The index of the entry after this one's subtree, given this one's index.
    pub(crate) fn next(&self, at: usize) -> usize {
        match self.entry {
            Entry::Array { end, .. } | Entry::Object { end, .. } => end,
            _ => at + 1,
        }
    }
}

/// A view of one value of a tape.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Value<'a, 't> {
    nodes: &'a [Node<'t>],
    at: usize,
}

/// What a [`Value`] is, with its contents.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind<'a, 't> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(&'a str),
    Array(Children<'a, 't>),
    Object(Children<'a, 't>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member<'a, 't> {
    pub(crate) key: &'a str,
    pub(crate) key_span: Span,
    pub(crate) value: Value<'a, 't>,
}

/// The items of an array or the members of an object, in document order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Children<'a, 't> {
    nodes: &'a [Node<'t>],
    next: usize,
    end: usize,
    len: usize,
}

impl<'a, 't> Value<'a, 't> {
    /// The value at entry `at` (the root is entry 0).
    pub(crate) fn new(nodes: &'a [Node<'t>], at: usize) -> Self {
        Self { nodes, at }
    }

    fn node(&self) -> Option<&'a Node<'t>> {
        self.nodes.get(self.at)
    }

    pub(crate) fn span(&self) -> Span {
        self.node().map_or(Span::new(0, 0), |n| n.span)
    }

    pub(crate) fn kind(&self) -> Kind<'a, 't> {
        let Some(node) = self.node() else {
            return Kind::Null;
        };
        let children = |len, end| Children {
            nodes: self.nodes,
            next: self.at + 1,
            end,
            len,
        };
        match &node.entry {
            Entry::Null => Kind::Null,
            Entry::Bool(b) => Kind::Bool(*b),
            Entry::Number(n) => Kind::Number(n),
            Entry::String(s) => Kind::String(s),
            Entry::Array { len, end } => Kind::Array(children(*len, *end)),
            Entry::Object { len, end } => Kind::Object(children(*len, *end)),
        }
    }

    /// The string, when the value is one.
    pub(crate) fn as_str(&self) -> Option<&'a str> {
        match self.node().map(|n| &n.entry) {
            Some(Entry::String(s)) => Some(s),
            _ => None,
        }
    }

    /// `null`, `boolean`, `number`, `string`, `array` or `object`.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.node().map(|n| &n.entry) {
            None | Some(Entry::Null) => "null",
            Some(Entry::Bool(_)) => "boolean",
            Some(Entry::Number(_)) => "number",
            Some(Entry::String(_)) => "string",
            Some(Entry::Array { .. }) => "array",
            Some(Entry::Object { .. }) => "object",
        }
    }
}

impl<'a, 't> Children<'a, 't> {
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many items or members there are.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The members of an object (an array's items come back without keys: none).
    pub(crate) fn members(self) -> impl Iterator<Item = Member<'a, 't>> {
        self.filter_map(|value| {
            let (key, key_span) = value.node()?.key.as_ref()?;
            Some(Member {
                key,
                key_span: *key_span,
                value,
            })
        })
    }
}

impl<'a, 't> Iterator for Children<'a, 't> {
    type Item = Value<'a, 't>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let at = self.next;
        let node = self.nodes.get(at)?;
        self.next = node.next(at);
        Some(Value {
            nodes: self.nodes,
            at,
        })
    }
}

/// The largest tape kept for reuse, in entries (about 350 KB): a thread that once read a
/// huge document does not hold its tape forever.
const SPARE_MAX: usize = 4096;

std::thread_local! {
    /// This thread's spare tape: the allocation of the last one recycled, empty.
    static SPARE: std::cell::RefCell<Vec<Node<'static>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty tape with room for at least `capacity` entries: this thread's spare when it has
/// one, so that reading one document after another does not allocate (and free) a tape each
/// time.
pub(crate) fn empty_tape<'t>(capacity: usize) -> Vec<Node<'t>> {
    let spare = SPARE
        .try_with(|spare| spare.try_borrow_mut().map(|mut s| std::mem::take(&mut *s)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let mut nodes = retagged(spare);
    nodes.reserve(capacity);
    nodes
}

/// Keep `nodes`' allocation as this thread's spare tape (its entries dropped).
pub(crate) fn recycle(mut nodes: Vec<Node<'_>>) {
    if nodes.capacity() > SPARE_MAX {
        return;
    }
    nodes.clear();
    let nodes = retagged(nodes);
    let _ = SPARE.try_with(|spare| {
        if let Ok(mut spare) = spare.try_borrow_mut() {
            if nodes.capacity() > spare.capacity() {
                *spare = nodes;
            }
        }
    });
}

/// An empty vector of entries as one of entries of another lifetime, in the same allocation
/// (the standard library collects a mapped `Vec` iterator in place when the element layout
/// is the same; the map is never called, the vector being empty).
fn retagged<'a, 'b>(nodes: Vec<Node<'a>>) -> Vec<Node<'b>> {
    debug_assert!(nodes.is_empty());
    nodes
        .into_iter()
        .map(|node| Node {
            entry: Entry::Null,
            span: node.span,
            key: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recycled_tape_is_reused_empty() {
        let text = String::from("borrowed");
        let mut nodes = empty_tape(100);
        nodes.push(Node {
            entry: Entry::String(std::borrow::Cow::Borrowed(&text)),
            span: Span::new(0, 8),
            key: None,
        });
        let (at, capacity) = (nodes.as_ptr() as usize, nodes.capacity());
        recycle(nodes);
        drop(text);
        let again: Vec<Node<'_>> = empty_tape(10);
        assert!(again.is_empty());
        assert_eq!(again.as_ptr() as usize, at, "the same allocation");
        assert_eq!(again.capacity(), capacity);
        // While it is out, another tape is a fresh one; the larger of two comes back.
        let other: Vec<Node<'_>> = empty_tape(10);
        assert_ne!(other.as_ptr() as usize, at);
        recycle(other);
        recycle(again);
        let last: Vec<Node<'_>> = empty_tape(1);
        assert_eq!(last.as_ptr() as usize, at);
    }

    #[test]
    fn a_huge_tape_is_not_kept() {
        recycle(empty_tape(8));
        recycle(empty_tape(SPARE_MAX + 1));
        assert!(empty_tape(0).capacity() <= SPARE_MAX);
    }
}
