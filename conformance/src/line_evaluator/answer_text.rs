//! Answer lines written straight into a buffer, byte for byte as [`AnswerLine::to_line`]
//! writes them (no `serde_json::Value` built per answer).
//!
//! [`AnswerLine::to_line`]: crate::protocol::AnswerLine::to_line

use std::fmt::Write;

use iam_eval::Response;

/// Append the answer line of a response (as [`crate::protocol::AnswerLine::from_response`]
/// gives it) for case `id`.
pub(crate) fn push_response(out: &mut String, id: &str, response: &Response) {
    push_head(out, id);
    match response.decision {
        Some(decision) => {
            out.push_str(",\"decision\":\"");
            out.push_str(decision.as_protocol_str());
            out.push('"');
        }
        None => {
            out.push_str(",\"error\":\"");
            for (i, error) in response.errors.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                push_escaped(out, &error.to_string());
            }
            out.push('"');
        }
    }
    out.push_str(",\"matched\":[");
    for (i, m) in response.matched.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing into a `String` cannot fail.
        let _ = write!(
            out,
            "{{\"policy\":{},\"statement\":{}}}",
            m.policy, m.statement
        );
    }
    out.push_str("]}");
}

/// Append an error answer line (no `matched`) for case `id`.
pub(crate) fn push_error(out: &mut String, id: &str, message: &str) {
    push_head(out, id);
    out.push_str(",\"error\":\"");
    push_escaped(out, message);
    out.push_str("\"}");
}

fn push_head(out: &mut String, id: &str) {
    out.push_str("{\"id\":\"");
    push_escaped(out, id);
    out.push('"');
}

/// Append the contents of a JSON string holding `text`, escaped as `serde_json` escapes.
fn push_escaped(out: &mut String, text: &str) {
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `at` is an ASCII byte: a character boundary.
        out.push_str(text.get(plain..at).unwrap_or_default());
        if short.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(short);
        }
        plain = at + 1;
    }
    out.push_str(text.get(plain..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut text: String = (0u8..0x80).map(char::from).collect();
        text.push_str("é€😀\u{2028}\"\\");
        for sample in [text.as_str(), "", "plain", "\"", "a\nb"] {
            let mut out = String::new();
            push_escaped(&mut out, sample);
            assert_eq!(format!("\"{out}\""), serde_json::to_string(sample).unwrap());
        }
    }
}
