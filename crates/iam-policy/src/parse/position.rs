//! Lines and columns of the offsets the parser asks for, which come in increasing order: a
//! cursor moves forward over the text, so a document that needs few positions costs no index
//! of its line starts. An offset behind the cursor falls back to a full [`LineIndex`].

use crate::diagnostic::{LineIndex, Position};

pub(super) struct Positions<'t> {
    text: &'t str,
    /// The offset of the last answer, and its line and column (from 0).
    offset: usize,
    line: usize,
    column: usize,
    /// Built on the first offset behind the cursor.
    index: Option<LineIndex<'t>>,
}

/// Characters in `bytes` (a character is counted at its first byte).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

impl<'t> Positions<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self {
            text,
            offset: 0,
            line: 0,
            column: 0,
            index: None,
        }
    }

    /// The position of byte `offset` (clamped to the text), as [`LineIndex::position`] gives.
    pub(super) fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let gap = self.text.as_bytes().get(self.offset..offset);
        let Some(gap) = gap.filter(|_| self.text.is_char_boundary(offset)) else {
            let text = self.text;
            return self
                .index
                .get_or_insert_with(|| LineIndex::new(text))
                .position(offset);
        };
        match memchr::memrchr(b'\n', gap) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', gap).count();
                self.column = chars(gap.get(last + 1..).unwrap_or_default());
            }
            None => self.column += chars(gap),
        }
        self.offset = offset;
        Position {
            line: self.line + 1,
            column: self.column + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any order of offsets: the same answers as the full index.
        #[test]
        fn positions_agree_with_the_line_index(
            text in "[a\u{e9}\u{1F600}\n\r ]{0,40}",
            offsets in proptest::collection::vec(0usize..48, 0..12),
        ) {
            let index = LineIndex::new(&text);
            let mut positions = Positions::new(&text);
            for offset in offsets {
                prop_assert_eq!(positions.position(offset), index.position(offset), "offset {}", offset);
            }
        }
    }

    #[test]
    fn increasing_offsets_count_lines_and_characters() {
        let text = "{\n  \"\u{e9}a\": 1,\n\n  x";
        let mut positions = Positions::new(text);
        let at = |p: Position| (p.line, p.column);
        assert_eq!(at(positions.position(0)), (1, 1));
        assert_eq!(at(positions.position(7)), (2, 5));
        assert_eq!(at(positions.position(text.len())), (4, 4));
    }
}
