//! Whether a policy object's text, as a case line holds it, is already the text the tree reader
//! would give the parser: `serde_json`'s compact writing of the parsed value
//! ([`crate::protocol::policy_texts`]). When it is, the parser reads the line's own bytes and
//! the value is never built.

/// Deepest nesting read as compact form; deeper text goes to the tree reader, whose depth
/// limit (128, the case line's two levels included) then decides, as it always has.
const MAX_DEPTH: usize = 64;

/// Whether `serde_json` (with `preserve_order` and `arbitrary_precision`) writes the value read
/// from `raw` back as exactly `raw` — duplicate keys aside, which the caller must rule out —
/// and `raw` nests at most [`MAX_DEPTH`] deep. `raw` is one JSON value that `serde_json`
/// accepted.
///
/// Compact form: no whitespace between tokens; in strings only the escapes `serde_json`
/// writes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and `\u00xx` in lowercase hex for the
/// other control characters); numbers as written, except that an exponent is written `e+` or
/// `e-` (`serde_json` writes `1E5` as `1e+5`).
pub(crate) fn is_compact_form(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut at = 0;
    let mut depth = 0usize;
    while let Some(&byte) = bytes.get(at) {
        at = match byte {
            b'"' => match string_end(bytes, at + 1) {
                Some(end) => end,
                None => return false,
            },
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return false;
                }
                at + 1
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                at + 1
            }
            b'-' | b'0'..=b'9' => match number_end(bytes, at) {
                Some(end) => end,
                None => return false,
            },
            // Separators, and the letters of `true`, `false` and `null`.
            b',' | b':' | b't' | b'r' | b'u' | b'e' | b'f' | b'a' | b'l' | b's' | b'n' => at + 1,
            // Whitespace.
            _ => return false,
        };
    }
    true
}

/// The end of the string whose contents start at `at` (just past the closing quote), or
/// `None` when it holds an escape `serde_json` would write otherwise.
fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at += memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
        match bytes.get(at)? {
            b'"' => return Some(at + 1),
            b'\\' => {
                at += match bytes.get(at + 1)? {
                    b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                    b'u' => {
                        let code = bytes.get(at + 2..at + 6)?;
                        if !is_written_as_u_escape(code) {
                            return None;
                        }
                        6
                    }
                    _ => return None,
                };
            }
            _ => at += 1,
        }
    }
}

/// Whether `serde_json` writes the character of the four hex digits `code` as this very
/// `\u` escape: a control character without a short escape, in lowercase hex.
fn is_written_as_u_escape(code: &[u8]) -> bool {
    let [b'0', b'0', high @ (b'0' | b'1'), low] = *code else {
        return false;
    };
    let low = match low {
        b'0'..=b'9' => low - b'0',
        b'a'..=b'f' => low - b'a' + 10,
        _ => return false,
    };
    let value = (high - b'0') * 16 + low;
    !matches!(value, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d)
}

/// The end of the number starting at `at`, or `None` when its exponent is not written `e+`
/// or `e-`.
fn number_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'0'..=b'9' | b'-' | b'+' | b'.' => at += 1,
            b'e' => match bytes.get(at + 1) {
                Some(b'+' | b'-') => at += 2,
                _ => return None,
            },
            b'E' => return None,
            _ => break,
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(raw: &str) -> String {
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(raw).unwrap()).unwrap()
    }

    /// Every text called compact is written back byte for byte; every text written back
    /// differently is not called compact.
    #[test]
    fn compact_form_is_what_serde_json_writes_back() {
        let mut texts: Vec<String> = [
            r#"{}"#,
            r#"[]"#,
            r#"{"a":[1,-2,0,-0,1.50,1e+5,1e-05,1E5,1e5,2.5E-3,123456789012345678901234567890]}"#,
            r#"{"a":true,"b":false,"c":null,"d":[true,false,null]}"#,
            r#"{"a" :1}"#,
            r#"{"a":1 }"#,
            "{\"a\":\n1}",
            "{\"a\":\t1}",
            r#"{"k":"\"\\\/\b\f\n\r\t"}"#,
            r#"{"k":"\"\\\b\f\n\r\t"}"#,
            r#"{"k":"\u0041\u00e9\u20ac\ud83d\ude00"}"#,
            "{\"k\":\"é€😀\u{7f}\u{2028}\"}",
            r#"{"k":"\u0001\u001f\u001F\u0008\u000a"}"#,
            r#"{"k":"\u0001\u001f"}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":{"aws:x":["a","b"]}}}]}"#,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for byte in 0u8..0x20 {
            texts.push(format!("{{\"k\":\"\\u{byte:04x}\"}}"));
            texts.push(format!("{{\"k\":\"\\u{byte:04X}\"}}"));
            texts.push(written(&format!("{{\"k\":\"\\u{byte:04x}\"}}")));
        }
        let mut compact = 0;
        for text in &texts {
            let same = written(text) == *text;
            assert_eq!(is_compact_form(text), same, "{text}");
            compact += usize::from(same);
        }
        assert!(compact > 30, "{compact}");
    }

    #[test]
    fn deep_nesting_is_left_to_the_tree_reader() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(is_compact_form(&deep(MAX_DEPTH)));
        assert!(!is_compact_form(&deep(MAX_DEPTH + 1)));
    }
}
