//! The well-formed path of the JSON reader: one pass over the bytes straight onto the tape,
//! with no token objects, no lookahead buffer and no diagnostics.
//!
//! Nearly every document a policy parser sees is valid JSON. This reader accepts exactly the
//! documents that the recovering reader (`json.rs` and `json/lex.rs`) would read without a
//! single diagnostic, and writes the same tape; at the first thing it does not expect (any
//! syntax error, a duplicate key, nesting past [`MAX_DEPTH`], an object of
//! [`SMALL_OBJECT`] members or more, an invalid escape or an unpaired surrogate) it gives up
//! and returns `None`, and the caller reads the document again with the recovering reader,
//! which words every diagnostic. So no message is written here, and the two readers cannot
//! disagree on what a valid document means: `json::tests::fast_path_*` check it on generated,
//! mutated and golden documents.
//!
//! Work is bounded: one forward pass (a duplicate search walks at most `SMALL_OBJECT` keys),
//! an explicit stack of at most [`MAX_DEPTH`] open containers, no recursion.

use std::borrow::Cow;

use super::tape::{self, Entry, Node};
use super::{MAX_DEPTH, MAX_SIZE, SMALL_OBJECT};
use crate::diagnostic::Span;

/// An open container: its entry on the tape, its kind, and how many values it holds so far.
struct Open {
    node: usize,
    is_object: bool,
    len: usize,
}

/// The tape of `text` when it is JSON the recovering reader reads without a diagnostic;
/// `None` otherwise (not necessarily invalid: the recovering reader decides).
pub(super) fn tape(text: &str) -> Option<Vec<Node<'_>>> {
    if text.len() > MAX_SIZE {
        return None;
    }
    let mut nodes = tape::empty_tape(text.len() / 16 + 1);
    if read(text, &mut nodes).is_some() {
        Some(nodes)
    } else {
        tape::recycle(nodes);
        None
    }
}

/// [`tape`] onto `nodes` (empty); `None` at the first thing the recovering reader must see.
fn read<'t>(text: &'t str, nodes: &mut Vec<Node<'t>>) -> Option<()> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::with_capacity(8);
    // The key of the member whose value comes next.
    let mut key: Option<(Cow<'_, str>, Span)> = None;
    let mut pos = skip_space(bytes, 0);
    loop {
        // A value starts at `pos`.
        let start = pos;
        let entry = match *bytes.get(pos)? {
            open @ (b'{' | b'[') => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                let is_object = open == b'{';
                let node = nodes.len();
                nodes.push(Node {
                    entry: Entry::Null,
                    span: Span::new(pos, pos + 1),
                    key: key.take(),
                });
                pos = skip_space(bytes, pos + 1);
                let closer = if is_object { b'}' } else { b']' };
                if bytes.get(pos) != Some(&closer) {
                    stack.push(Open {
                        node,
                        is_object,
                        len: 0,
                    });
                    if is_object {
                        key = Some(member_key(text, &mut pos, nodes, node)?);
                    }
                    continue;
                }
                // An empty container.
                pos += 1;
                let entry = container(is_object, 0, nodes.len());
                let slot = nodes.get_mut(node)?;
                slot.entry = entry;
                slot.span = Span::new(start, pos);
                None
            }
            b'"' => {
                let (contents, end) = string(text, pos)?;
                pos = end;
                Some(Entry::String(contents))
            }
            b'-' | b'0'..=b'9' => {
                pos = number_end(bytes, pos)?;
                Some(Entry::Number(text.get(start..pos)?))
            }
            b't' => {
                pos = literal(bytes, pos, b"true")?;
                Some(Entry::Bool(true))
            }
            b'f' => {
                pos = literal(bytes, pos, b"false")?;
                Some(Entry::Bool(false))
            }
            b'n' => {
                pos = literal(bytes, pos, b"null")?;
                Some(Entry::Null)
            }
            _ => return None,
        };
        if let Some(entry) = entry {
            nodes.push(Node {
                entry,
                span: Span::new(start, pos),
                key: key.take(),
            });
        }
        // A value has ended at `pos`: a comma, a closer, or the end of the document follows.
        loop {
            pos = skip_space(bytes, pos);
            let Some(top) = stack.last_mut() else {
                return (pos == bytes.len()).then_some(());
            };
            top.len += 1;
            let closer = if top.is_object { b'}' } else { b']' };
            match *bytes.get(pos)? {
                b',' => {
                    pos = skip_space(bytes, pos + 1);
                    if top.is_object {
                        if top.len >= SMALL_OBJECT {
                            // The recovering reader indexes large objects' keys.
                            return None;
                        }
                        let node = top.node;
                        key = Some(member_key(text, &mut pos, nodes, node)?);
                    }
                    break;
                }
                b if b == closer => {
                    pos += 1;
                    let Open {
                        node,
                        is_object,
                        len,
                    } = stack.pop()?;
                    let end = nodes.len();
                    let slot = nodes.get_mut(node)?;
                    slot.entry = container(is_object, len, end);
                    slot.span = Span::new(slot.span.start, pos);
                }
                _ => return None,
            }
        }
    }
}

const fn container(is_object: bool, len: usize, end: usize) -> Entry<'static> {
    if is_object {
        Entry::Object { len, end }
    } else {
        Entry::Array { len, end }
    }
}

/// Past JSON whitespace from `pos`.
fn skip_space(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// The bytes that end a number or a literal for the recovering lexer too: JSON whitespace,
/// a comma, a closer, or the end of the document (anything else would make it read a longer
/// token, or a token with a problem).
fn ends_token(bytes: &[u8], pos: usize) -> bool {
    matches!(
        bytes.get(pos),
        None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}')
    )
}

/// The end of `word` (`true`, `false`, `null`) at `pos`.
fn literal(bytes: &[u8], pos: usize, word: &[u8]) -> Option<usize> {
    let end = pos + word.len();
    (bytes.get(pos..end) == Some(word) && ends_token(bytes, end)).then_some(end)
}

/// The end of the RFC 8259 number at `pos`.
fn number_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let digits = |mut i: usize| {
        while digit(i) {
            i += 1;
        }
        i
    };
    if bytes.get(pos) == Some(&b'-') {
        pos += 1;
    }
    match bytes.get(pos) {
        Some(b'0') => pos += 1,
        Some(b'1'..=b'9') => pos = digits(pos),
        _ => return None,
    }
    if bytes.get(pos) == Some(&b'.') {
        if !digit(pos + 1) {
            return None;
        }
        pos = digits(pos + 1);
    }
    if let Some(b'e' | b'E') = bytes.get(pos) {
        pos += 1;
        if let Some(b'+' | b'-') = bytes.get(pos) {
            pos += 1;
        }
        if !digit(pos) {
            return None;
        }
        pos = digits(pos);
    }
    ends_token(bytes, pos).then_some(pos)
}

/// The key at `*pos` of the object whose entry is `object`, and its span; `*pos` moves past
/// the key, the colon and the whitespace before the value. `None` for anything but a string
/// followed by a colon, and for a key the object already has.
fn member_key<'t>(
    text: &'t str,
    pos: &mut usize,
    nodes: &[Node<'t>],
    object: usize,
) -> Option<(Cow<'t, str>, Span)> {
    let bytes = text.as_bytes();
    let start = *pos;
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let (key, end) = string(text, start)?;
    let mut i = object + 1;
    while let Some(node) = nodes.get(i) {
        if node.key.as_ref().is_some_and(|(k, _)| *k == key) {
            return None;
        }
        i = node.next(i);
    }
    let colon = skip_space(bytes, end);
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    *pos = skip_space(bytes, colon + 1);
    Some((key, Span::new(start, end)))
}

/// The contents of the string whose opening quote is at `start`, and the offset past its
/// closing quote: borrowed when it holds no escape.
fn string(text: &str, start: usize) -> Option<(Cow<'_, str>, usize)> {
    let bytes = text.as_bytes();
    let body = start + 1;
    let end = first_special(bytes, body)?;
    match bytes.get(end) {
        Some(b'"') => return Some((Cow::Borrowed(text.get(body..end)?), end + 1)),
        Some(b'\\') => {}
        _ => return None,
    }
    let mut out = String::with_capacity(end - body + 16);
    let mut pos = body;
    loop {
        let end = first_special(bytes, pos)?;
        out.push_str(text.get(pos..end)?);
        match bytes.get(end) {
            Some(b'"') => return Some((Cow::Owned(out), end + 1)),
            Some(b'\\') => pos = escape(text, end, &mut out)?,
            _ => return None,
        }
    }
}

/// The offset of the first `"`, `\\` or control character (below U+0020) at or after
/// `from`: eight bytes at a time (the lowest flagged byte of a word is exact; a borrow can
/// only flag bytes above a true one).
pub(super) fn first_special(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let found = below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1)
            | below(word, 0x20);
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let tail = chunks.remainder();
    tail.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

/// Read the valid escape whose backslash is at `pos` into `out`; the offset after it.
fn escape(text: &str, pos: usize, out: &mut String) -> Option<usize> {
    let bytes = text.as_bytes();
    let simple = match *bytes.get(pos + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let high = hex4(text, pos + 2)?;
            if (0xd800..0xdc00).contains(&high) {
                if text.get(pos + 6..pos + 8)? != "\\u" {
                    return None;
                }
                let low = hex4(text, pos + 8).filter(|l| (0xdc00..0xe000).contains(l))?;
                out.push(char::from_u32(
                    0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00),
                )?);
                return Some(pos + 12);
            }
            out.push(char::from_u32(high)?);
            return Some(pos + 6);
        }
        _ => return None,
    };
    out.push(simple);
    Some(pos + 2)
}

fn hex4(text: &str, at: usize) -> Option<u32> {
    let digits = text.get(at..at + 4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}
