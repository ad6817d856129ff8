//! The golden corpus: plain JSON case files under `conformance/cases/` (format in
//! `conformance/cases/README.md`), loaded from a directory or from the copy embedded in the
//! binary, and checked against the reference.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use iam_policy::{LineIndex, ParseOptions, Policy, PolicyKind};

use crate::protocol::{CaseLine, MatchedRef, RequestLine};

static EMBEDDED: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/cases");

/// A diagnostic a parse case expects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDiagnostic {
    /// The stable code, e.g. `json-syntax`.
    pub code: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// What a parse case expects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParseExpect {
    /// Whether the document is valid.
    pub valid: bool,
    /// Exactly these errors (a multiset).
    #[serde(default)]
    pub errors: Vec<ExpectedDiagnostic>,
    /// When present, exactly these warnings.
    #[serde(default)]
    pub warnings: Option<Vec<ExpectedDiagnostic>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParseFile {
    description: String,
    source: String,
    #[serde(default)]
    implementation_defined: Vec<String>,
    #[serde(default)]
    kind: Option<String>,
    policy: String,
    expect: ParseExpect,
}

/// One parse case: a document and the diagnostics the reference gives it.
#[derive(Debug, Clone)]
pub struct ParseCase {
    /// `parse/<group>/<name>` (the path without `.json`).
    pub id: String,
    /// What it shows.
    pub description: String,
    /// Where it comes from.
    pub source: String,
    /// The `ID-n` choices it depends on.
    pub implementation_defined: Vec<String>,
    /// The policy kind whose quota applies.
    pub kind: Option<PolicyKind>,
    /// The document text.
    pub policy: String,
    /// The expectation.
    pub expect: ParseExpect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionFile {
    description: String,
    source: String,
    #[serde(default)]
    implementation_defined: Vec<String>,
    policies: Vec<Value>,
    requests: Vec<DecisionRequest>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionRequest {
    name: String,
    #[serde(default)]
    why: Option<String>,
    action: String,
    resource: String,
    #[serde(default)]
    context: Map<String, Value>,
    expect: String,
    #[serde(default)]
    matched: Option<Vec<MatchedEntry>>,
    #[serde(default)]
    implementation_defined: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchedEntry {
    policy: usize,
    statement: usize,
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "accepted so golden files may name the statement; the match is by index"
    )]
    sid: Option<String>,
}

/// One decision case: a policy set, one request, the expected verdict.
#[derive(Debug, Clone)]
pub struct DecisionCase {
    /// `eval/<group>/<file>#<name>`.
    pub id: String,
    /// The file's description, then the request's `why`.
    pub description: String,
    /// Where it comes from.
    pub source: String,
    /// The `ID-n` choices it depends on (file's and request's).
    pub implementation_defined: Vec<String>,
    /// The policies and request, as the gate sends them.
    pub case: CaseLine,
    /// `allowed`, `explicitDeny`, `implicitDeny` or `error`.
    pub expect: String,
    /// The deciding statements, when the case says.
    pub matched: Option<Vec<MatchedRef>>,
}

/// The whole corpus.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Parse cases, by id.
    pub parse: Vec<ParseCase>,
    /// Decision cases, by id.
    pub decisions: Vec<DecisionCase>,
    /// Call cases (protocol 1.1), by id.
    pub calls: Vec<crate::calls::golden::GoldenCall>,
}

const VERDICTS: [&str; 4] = ["allowed", "explicitDeny", "implicitDeny", "error"];

impl Corpus {
    /// The corpus embedded in this binary at build time.
    pub fn embedded() -> Result<Corpus, String> {
        let mut files = Vec::new();
        collect_embedded(&EMBEDDED, &mut files);
        Self::from_files(files)
    }

    /// The corpus under `dir` (the folder holding `parse/` and `eval/`).
    pub fn load_dir(dir: &Path) -> Result<Corpus, String> {
        let mut paths = Vec::new();
        walk(dir, &mut paths).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let mut files = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, text));
        }
        Self::from_files(files)
    }

    /// Build from (relative path, text) pairs; files outside `parse/`, `eval/` and `calls/`, and files
    /// not ending in `.json`, are ignored.
    pub fn from_files(mut files: Vec<(String, String)>) -> Result<Corpus, String> {
        files.sort();
        let mut corpus = Corpus::default();
        let mut ids = BTreeSet::new();
        for (path, text) in files {
            let Some(stem) = path.strip_suffix(".json") else {
                continue;
            };
            if stem.starts_with("parse/") {
                let case = parse_case(stem, &text).map_err(|e| format!("{path}: {e}"))?;
                corpus.parse.push(case);
            } else if stem.starts_with("eval/") {
                for case in decision_cases(stem, &text).map_err(|e| format!("{path}: {e}"))? {
                    if !ids.insert(case.id.clone()) {
                        return Err(format!("{path}: case `{}` is named twice", case.id));
                    }
                    corpus.decisions.push(case);
                }
            } else if stem.starts_with("calls/") {
                for case in crate::calls::golden::call_cases(stem, &text)
                    .map_err(|e| format!("{path}: {e}"))?
                {
                    if !ids.insert(case.id.clone()) {
                        return Err(format!("{path}: case `{}` is named twice", case.id));
                    }
                    corpus.calls.push(case);
                }
            }
        }
        Ok(corpus)
    }

    /// Every case as the gate sends it: decision cases, then every invalid parse case as a
    /// case whose expected verdict is `error` (a malformed document never decides anything).
    pub fn gate_cases(&self) -> Vec<DecisionCase> {
        let mut out = self.decisions.clone();
        for p in self
            .parse
            .iter()
            .filter(|p| !p.expect.valid && p.kind.is_none())
        {
            out.push(DecisionCase {
                id: format!("{}#rejected", p.id),
                description: format!("{} (a rejected document decides nothing)", p.description),
                source: p.source.clone(),
                implementation_defined: p.implementation_defined.clone(),
                case: CaseLine {
                    id: format!("{}#rejected", p.id),
                    policies: vec![Value::String(p.policy.clone())],
                    request: RequestLine {
                        action: "iot:DescribeJob".into(),
                        resource: "arn:aws:iot:us-east-1:123456789012:job/j1".into(),
                        context: Map::new(),
                    },
                },
                expect: "error".into(),
                matched: None,
            });
        }
        out
    }
}

fn collect_embedded(dir: &include_dir::Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((
                file.path().to_string_lossy().replace('\\', "/"),
                text.to_owned(),
            ));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn parse_kind(kind: Option<&str>) -> Result<Option<PolicyKind>, String> {
    Ok(match kind {
        None => None,
        Some("managed") => Some(PolicyKind::Managed),
        Some("user") => Some(PolicyKind::User),
        Some("group") => Some(PolicyKind::Group),
        Some("role") => Some(PolicyKind::Role),
        Some(other) => {
            return Err(format!(
                "unknown `kind` `{other}`: use managed, user, group or role"
            ))
        }
    })
}

fn check_ids(ids: &[String]) -> Result<(), String> {
    match ids.iter().find(|id| {
        id.strip_prefix("ID-")
            .and_then(|n| n.parse::<u32>().ok())
            .is_none()
    }) {
        Some(bad) => Err(format!(
            "`{bad}` is not an implementation-defined id (`ID-n`)"
        )),
        None => Ok(()),
    }
}

fn parse_case(stem: &str, text: &str) -> Result<ParseCase, String> {
    let file: ParseFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    check_ids(&file.implementation_defined)?;
    if file.expect.valid && !file.expect.errors.is_empty() {
        return Err("a valid case cannot expect errors".into());
    }
    if !file.expect.valid && file.expect.errors.is_empty() {
        return Err("an invalid case must list its errors".into());
    }
    Ok(ParseCase {
        id: stem.to_owned(),
        description: file.description,
        source: file.source,
        implementation_defined: file.implementation_defined,
        kind: parse_kind(file.kind.as_deref())?,
        policy: file.policy,
        expect: file.expect,
    })
}

fn decision_cases(stem: &str, text: &str) -> Result<Vec<DecisionCase>, String> {
    let file: DecisionFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    check_ids(&file.implementation_defined)?;
    if file.requests.is_empty() {
        return Err("a decision file needs at least one request".into());
    }
    let mut out = Vec::new();
    for r in file.requests {
        check_ids(&r.implementation_defined)?;
        if !VERDICTS.contains(&r.expect.as_str()) {
            return Err(format!(
                "request `{}` expects `{}`: use one of {VERDICTS:?}",
                r.name, r.expect
            ));
        }
        let id = format!("{stem}#{}", r.name);
        let mut implementation_defined = file.implementation_defined.clone();
        for extra in r.implementation_defined {
            if !implementation_defined.contains(&extra) {
                implementation_defined.push(extra);
            }
        }
        let description = match &r.why {
            Some(why) => format!("{} — {why}", file.description),
            None => file.description.clone(),
        };
        out.push(DecisionCase {
            case: CaseLine {
                id: id.clone(),
                policies: file.policies.clone(),
                request: RequestLine {
                    action: r.action,
                    resource: r.resource,
                    context: r.context,
                },
            },
            id,
            description,
            source: file.source.clone(),
            implementation_defined,
            expect: r.expect,
            matched: r.matched.map(|m| {
                let mut refs: Vec<MatchedRef> = m
                    .into_iter()
                    .map(|e| MatchedRef {
                        policy: e.policy,
                        statement: e.statement,
                    })
                    .collect();
                refs.sort();
                refs
            }),
        });
    }
    Ok(out)
}

/// The reference's diagnostics for a parse case, rendered as a person sees them.
pub fn render_parse_case(case: &ParseCase) -> String {
    let checked = Policy::check(
        &case.policy,
        &ParseOptions {
            kind: case.kind,
            ..ParseOptions::default()
        },
    );
    let index = LineIndex::new(&case.policy);
    let mut out = String::new();
    for d in checked
        .diagnostics
        .errors()
        .chain(checked.diagnostics.warnings())
    {
        out.push_str(&d.render("policy.json", &index));
        out.push('\n');
    }
    out
}

/// Check a parse case against the reference parser.
pub fn check_parse_case(case: &ParseCase) -> Result<(), String> {
    let checked = Policy::check(
        &case.policy,
        &ParseOptions {
            kind: case.kind,
            ..ParseOptions::default()
        },
    );
    let actual = |errors: bool| -> Vec<ExpectedDiagnostic> {
        let mut v: Vec<ExpectedDiagnostic> = checked
            .diagnostics
            .0
            .iter()
            .filter(|d| d.is_error() == errors)
            .map(|d| ExpectedDiagnostic {
                code: d.code.as_str().to_owned(),
                line: d.position.line,
                column: d.position.column,
            })
            .collect();
        v.sort();
        v
    };
    let mut problems = Vec::new();
    let valid = checked.policy.is_some();
    if valid != case.expect.valid {
        problems.push(format!(
            "expected valid = {}, got {valid}",
            case.expect.valid
        ));
    }
    let mut expected_errors = case.expect.errors.clone();
    expected_errors.sort();
    if actual(true) != expected_errors {
        problems.push(format!(
            "errors differ\n  expected: {}\n  actual:   {}",
            show(&expected_errors),
            show(&actual(true))
        ));
    }
    if let Some(warnings) = &case.expect.warnings {
        let mut expected = warnings.clone();
        expected.sort();
        if actual(false) != expected {
            problems.push(format!(
                "warnings differ\n  expected: {}\n  actual:   {}",
                show(&expected),
                show(&actual(false))
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n{}\nreference diagnostics:\n{}",
            case.description,
            problems.join("\n"),
            render_parse_case(case)
        ))
    }
}

fn show(list: &[ExpectedDiagnostic]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|d| format!("{}@{}:{}", d.code, d.line, d.column))
        .collect();
    format!("[{}]", items.join(", "))
}
