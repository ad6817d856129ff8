//! Self-checks of the parser (no evaluator involved): round trip, and no panic whatever the
//! bytes (§1).

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::Value;

use iam_policy::{Checked, ParseOptions, Policy};

use super::fnv;
use crate::generate::GeneratedCase;

/// The texts of the case's policies.
fn texts(g: &GeneratedCase) -> Vec<String> {
    g.case
        .policies
        .iter()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// `Policy::parse(&p.render()) == Ok(p)` for every valid policy of the case.
pub fn render_parse_round_trip(g: &GeneratedCase) -> Result<(), String> {
    round_trip_with(g, &|p| p.render())
}

/// [`render_parse_round_trip`] with any renderer.
pub fn round_trip_with(
    g: &GeneratedCase,
    render: &dyn Fn(&Policy) -> String,
) -> Result<(), String> {
    for text in texts(g) {
        let Ok(policy) = Policy::parse(&text) else {
            continue;
        };
        let rendered = render(&policy);
        match Policy::parse(&rendered) {
            Ok(again) if again == policy => {}
            Ok(_) => {
                return Err(format!(
                    "`{text}` renders as `{rendered}`, which parses to another policy"
                ))
            }
            Err(d) => {
                return Err(format!(
                    "`{text}` renders as `{rendered}`, which is rejected: {}",
                    d.errors()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            }
        }
    }
    Ok(())
}

/// Check `bytes` with `check`, turning a panic into an `Err`; the result must hold a policy
/// exactly when it has no error.
pub fn check_without_panic(bytes: &[u8], check: &dyn Fn(&[u8]) -> Checked) -> Result<(), String> {
    let shown =
        || String::from_utf8_lossy(bytes.get(..bytes.len().min(200)).unwrap_or(&[])).into_owned();
    match catch_unwind(AssertUnwindSafe(|| check(bytes))) {
        Ok(checked) => {
            if checked.policy.is_some() == checked.diagnostics.has_errors() {
                return Err(format!(
                    "`{}`: a policy is {} although errors are {}",
                    shown(),
                    if checked.policy.is_some() {
                        "given"
                    } else {
                        "missing"
                    },
                    if checked.diagnostics.has_errors() {
                        "reported"
                    } else {
                        "absent"
                    },
                ));
            }
            Ok(())
        }
        Err(_) => Err(format!("the parser panicked on `{}`", shown())),
    }
}

fn reference_check(bytes: &[u8]) -> Checked {
    Policy::check_bytes(bytes, &ParseOptions::default())
}

/// Byte-level variants of a text: truncations, invalid UTF-8, a BOM, NUL, a lone surrogate
/// escape.
fn byte_variants(text: &str) -> Vec<Vec<u8>> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let h = fnv(text) as usize;
    let mut out = Vec::new();
    for cut in [n / 3, 2 * n / 3, h % (n + 1)] {
        out.push(bytes.get(..cut).unwrap_or(bytes).to_vec());
    }
    let mut flipped = bytes.to_vec();
    if let Some(b) = flipped.get_mut(h % n.max(1)) {
        *b ^= 0x80;
    }
    out.push(flipped);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(bytes);
    out.push(bom);
    let mut tail = bytes.to_vec();
    tail.extend_from_slice(&[0xFF, 0x00]);
    out.push(tail);
    let mut nul = bytes.to_vec();
    nul.insert((h / 7) % (n + 1), 0);
    out.push(nul);
    out.push(text.replacen("\"Allow\"", "\"\\ud800\"", 1).into_bytes());
    out.push(text.replacen('"', "\"\\u00", 1).into_bytes());
    out
}

/// Checking any bytes never panics.
pub fn parser_never_panics_on_bytes(g: &GeneratedCase) -> Result<(), String> {
    bytes_with(g, &reference_check)
}

/// [`parser_never_panics_on_bytes`] with any checker.
pub fn bytes_with(g: &GeneratedCase, check: &dyn Fn(&[u8]) -> Checked) -> Result<(), String> {
    for text in texts(g).iter().take(2) {
        for variant in byte_variants(text) {
            check_without_panic(&variant, check)?;
        }
    }
    Ok(())
}

/// Structural mutations of a valid document.
fn mutations(text: &str) -> Vec<Vec<u8>> {
    let bytes = text.as_bytes();
    let n = bytes.len().max(1);
    let mut h = fnv(text);
    let mut next = || {
        h = h.rotate_left(17).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5851_F42D;
        h as usize
    };
    let inserts: [&[u8]; 8] = [b"{", b"}", b"[", b"]", b"\"", b",", b"\\", "é".as_bytes()];
    let mut out = Vec::new();
    for _ in 0..2 {
        let mut d = bytes.to_vec();
        let at = next() % n;
        if at < d.len() {
            d.remove(at);
        }
        out.push(d);
        let mut i = bytes.to_vec();
        let at = next() % (n + 1);
        let what = inserts.get(next() % inserts.len()).copied().unwrap_or(b"{");
        for (k, b) in what.iter().enumerate() {
            i.insert((at + k).min(i.len()), *b);
        }
        out.push(i);
        let mut r = bytes.to_vec();
        let at = next() % n;
        if let Some(slot) = r.get_mut(at) {
            *slot = what.first().copied().unwrap_or(b'x');
        }
        out.push(r);
    }
    // A duplicated key, at the top and in a statement.
    out.push(text.replacen('{', "{\"Statement\":[],", 1).into_bytes());
    out.push(
        text.replacen("\"Effect\"", "\"Effect\":\"Allow\",\"Effect\"", 1)
            .into_bytes(),
    );
    // Deeper nesting: past the limit of 64, and far past it, unclosed.
    let deep = format!("{}{}{}", "[".repeat(70), text, "]".repeat(70));
    out.push(
        text.replacen(
            "\"Statement\":",
            &format!("\"Statement\":{}", "[".repeat(70)),
            1,
        )
        .into_bytes(),
    );
    out.push(deep.into_bytes());
    out.push("[".repeat(2_000).into_bytes());
    out.push(format!("{{\"Statement\":{}", "{\"a\":".repeat(500)).into_bytes());
    out
}

/// Checking a mutated valid document never panics.
pub fn parser_never_panics_on_mutations(g: &GeneratedCase) -> Result<(), String> {
    mutations_with(g, &reference_check)
}

/// [`parser_never_panics_on_mutations`] with any checker.
pub fn mutations_with(g: &GeneratedCase, check: &dyn Fn(&[u8]) -> Checked) -> Result<(), String> {
    let Some(text) = texts(g).into_iter().find(|t| Policy::parse(t).is_ok()) else {
        return Ok(());
    };
    for variant in mutations(&text) {
        check_without_panic(&variant, check)?;
    }
    Ok(())
}
