//! The well-formed path (`json/fast.rs`) against the recovering reader: whenever the fast
//! path gives a tape, the recovering reader gives the same tape and no diagnostic, under
//! every reading of duplicate keys; and whenever the recovering reader reads a document
//! cleanly, the fast path takes it (but for the objects it leaves to the recovering reader's
//! key index).

use super::*;
use crate::json::fast;

/// Whether the fast path took `text`; fails when it and the recovering reader disagree.
fn fast_path_agrees(text: &str) -> Result<bool, TestCaseError> {
    if text.len() > MAX_SIZE {
        // Refused before either reader runs.
        prop_assert!(fast::tape(text).is_none());
        return Ok(false);
    }
    let slow = recovering_tape_with(text, DuplicateKeys::Error);
    let Some(nodes) = fast::tape(text) else {
        let large_object = slow
            .nodes
            .iter()
            .any(|n| matches!(n.entry, Entry::Object { len, .. } if len > SMALL_OBJECT));
        prop_assert!(
            !slow.diagnostics.is_empty() || slow.nodes.is_empty() || large_object,
            "the recovering reader reads {:?} cleanly, the fast path does not",
            text.get(..200)
        );
        return Ok(false);
    };
    prop_assert_eq!(&slow.diagnostics, &vec![], "{:?}", text);
    prop_assert_eq!(&nodes, &slow.nodes, "{:?}", text);
    for reading in [DuplicateKeys::First, DuplicateKeys::Last] {
        let other = recovering_tape_with(text, reading);
        prop_assert_eq!(&other.diagnostics, &vec![]);
        prop_assert_eq!(&nodes, &other.nodes);
    }
    // And the reader every caller uses gives that tape.
    let outcome = parse_tape(text);
    prop_assert_eq!(&outcome.diagnostics, &vec![]);
    prop_assert_eq!(&outcome.nodes, &nodes);
    Ok(true)
}

fn agrees(text: &str) -> bool {
    match fast_path_agrees(text) {
        Ok(taken) => taken,
        Err(e) => panic!("{e}"),
    }
}

#[rstest]
#[case("null", true)]
#[case(" true ", true)]
#[case("[false,null]", true)]
#[case("-0", true)]
#[case("[0, -1.5e+3, 2E-2, 10, 123456789012345678901234567890]", true)]
#[case("{}", true)]
#[case("[ ]", true)]
#[case("\t\r\n {\"x\" :\r\n [ {} , [] ] } \n", true)]
#[case(r#""\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r""#, true)]
#[case(r#"{"a\u0041":"x","aA":1}"#, false)] // the same key, one spelt with an escape
#[case(r#"{"a":1,"b":2,"a":3}"#, false)]
#[case(r#"{"a":{"b":1},"b":{"b":2}}"#, true)] // the same key in two objects
#[case(r#""\ud800""#, false)]
#[case(r#""\udc00""#, false)]
#[case(r#""\ud800\u0041""#, false)]
#[case(r#""\x""#, false)]
#[case(r#""\u00g0""#, false)]
#[case("\"tab\there\"", false)]
#[case("\"unterminated", false)]
#[case("'single'", false)]
#[case("[1,]", false)]
#[case("[1 2]", false)]
#[case("{\"a\" 1}", false)]
#[case("{\"a\":1,}", false)]
#[case("{,}", false)]
#[case("[01]", false)]
#[case("[1.]", false)]
#[case("[.5]", false)]
#[case("[+1]", false)]
#[case("[1e]", false)]
#[case("[1-2]", false)]
#[case("[1x]", false)]
#[case("[truex]", false)]
#[case("[True]", false)]
#[case("[nul]", false)]
#[case("[NaN]", false)]
#[case("{a:1}", false)]
#[case("[1]]", false)]
#[case("[1}", false)]
#[case("[1", false)]
#[case("", false)]
#[case("   ", false)]
#[case("1 2", false)]
#[case("\u{feff}{}", false)]
#[case("{}\u{a0}", false)]
#[case("[1] // comment", false)]
#[case("/* c */ []", false)]
fn fast_path_takes_only_clean_documents(#[case] text: &str, #[case] taken: bool) {
    assert_eq!(agrees(text), taken, "{text:?}");
}

#[test]
fn fast_path_leaves_deep_nesting_and_large_objects_to_the_recovering_reader() {
    assert!(agrees(&nested(MAX_DEPTH)));
    assert!(!agrees(&nested(MAX_DEPTH + 1)));
    assert!(!agrees(&"[".repeat(100_000)));
    let object = |n: usize| {
        let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
        format!("{{{}}}", members.join(","))
    };
    assert!(agrees(&object(SMALL_OBJECT)));
    assert!(!agrees(&object(SMALL_OBJECT + 1)));
    // A large object's duplicate is still reported, by the recovering reader.
    let mut text = object(40);
    text.insert_str(1, "\"k39\":0,");
    let outcome = parse_tape(&text);
    assert_eq!(outcome.diagnostics.len(), 1);
    assert_eq!(outcome.diagnostics[0].code, Code::DuplicateKey);
}

#[test]
fn fast_path_takes_the_seed_documents_as_corrected() {
    for text in [E1_FIXED, E2_FIXED, E3_FIXED, E4_FIXED, E5_FIXED, E6_FIXED] {
        assert!(agrees(text), "{text}");
    }
    // As published, most have syntax errors (E7 has none).
    let taken: Vec<bool> = [E1, E2, E3, E4, E5, E6, E7].map(agrees).to_vec();
    assert_eq!(taken, [false, false, false, false, false, false, true]);
}

/// Every string of every golden case (its policies, as text or written from objects, and
/// everything else a case holds, most of it not JSON).
#[test]
fn fast_path_agrees_on_the_golden_corpus() {
    fn walk(value: &Value, texts: &mut Vec<String>) {
        match value {
            Value::String(s) => texts.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| walk(v, texts)),
            Value::Object(members) => {
                texts.push(serde_json::to_string(value).unwrap());
                texts.push(serde_json::to_string_pretty(value).unwrap());
                members.values().for_each(|v| walk(v, texts));
            }
            _ => {}
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/cases");
    let mut dirs = vec![root];
    let (mut files, mut taken) = (0, 0);
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut texts = vec![text.clone()];
            if path.extension().is_some_and(|e| e == "json") {
                files += 1;
                walk(&serde_json::from_str(&text).unwrap(), &mut texts);
            }
            for t in &texts {
                taken += usize::from(agrees(t));
            }
        }
    }
    assert!(files > 200, "{files} case files");
    assert!(taken > 1_000, "the fast path took {taken} texts");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn first_special_is_the_first_quote_backslash_or_control(
        bytes in prop::collection::vec(
            prop_oneof![any::<u8>(), 0x20..0x7fu8, Just(b'"'), Just(b'\\'), Just(0x1f), Just(0x21), Just(0x5d)],
            0..40,
        ),
        from in 0usize..44,
    ) {
        let expected = bytes.get(from..).map(|rest| {
            rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).map(|i| from + i)
        });
        prop_assert_eq!(fast::first_special(&bytes, from), expected.flatten());
    }

    #[test]
    fn fast_path_takes_valid_json(value in json_value(), pretty in any::<bool>()) {
        let text = serialize(&value, pretty);
        prop_assert!(fast_path_agrees(&text)?, "{}", text);
    }

    #[test]
    fn fast_path_agrees_on_json_like_text(text in "[\\[\\]{}:,\"'0-9a-z\\\\ \n.+eE-]{0,40}") {
        fast_path_agrees(&text)?;
    }

    #[test]
    fn fast_path_agrees_on_mutated_documents(
        value in json_container(),
        pretty in any::<bool>(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<bool>(), prop::sample::select(
                vec!['{', '}', '[', ']', ':', ',', '"', '\'', '\\', 'u', 'd', '8', 'x', '1',
                     '-', '.', 'e', '+', ' ', '\t', '\n', '\u{b}', '\u{feff}', 'é'],
            )),
            1..4,
        ),
    ) {
        let mut text = serialize(&value, pretty);
        apply_edits(&mut text, edits);
        fast_path_agrees(&text)?;
    }

    #[test]
    fn fast_path_agrees_on_mutated_policies(
        seed in prop::sample::select(vec![E1_FIXED, E2_FIXED, E3_FIXED, E4_FIXED, E5_FIXED, E6_FIXED]),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<bool>(), prop::sample::select(
                vec!['{', '}', '[', ']', ':', ',', '"', '\\', 'x', '1', '\n'],
            )),
            1..3,
        ),
    ) {
        let mut text = seed.to_owned();
        for (at, insert, c) in edits {
            let at = at.index(text.len() + 1);
            if insert || at == text.len() {
                text.insert(at, c);
            } else {
                text.remove(at);
            }
        }
        fast_path_agrees(&text)?;
    }
}
