//! `iamconf explain`: the decision for one request, the statement that decided it, why every
//! other statement did not apply, and the context keys the request lacked.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use iam_eval::{
    Context, ContextValue, EvaluationError, Explanation, PolicySet, Request, StatementExplanation,
    Verdict,
};
use iam_policy::{LineIndex, ParseOptions, Policy};
use serde::Serialize;

use super::validate::read_limited;
use super::Format;

#[derive(Debug, clap::Args)]
pub(super) struct ExplainArgs {
    /// Policy files attached to the caller (`-` reads one from stdin).
    #[arg(
        long = "policy",
        required_unless_present = "list_calls",
        value_name = "FILE"
    )]
    pub(super) policies: Vec<PathBuf>,
    /// The action, `service:Operation` (e.g. `iot:DescribeJob`).
    #[arg(long, required_unless_present_any = ["call", "list_calls"], conflicts_with = "call")]
    action: Option<String>,
    /// The resource ARN, or `*` for actions that take none.
    #[arg(long, required_unless_present_any = ["call", "list_calls"], conflicts_with = "call")]
    resource: Option<String>,
    #[command(flatten)]
    pub(super) call: super::explain_call::CallArgs,
    /// A context key and value, `KEY=VALUE`. Repeat a key for a multivalued key, or write
    /// `KEY=["a","b"]`; `KEY=[]` is present and empty.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub(super) context: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(super) format: Format,
}

/// Write `text` and a newline to standard output. A closed output (`iamconf explain | head`)
/// ends the output quietly: `println!` would panic.
pub(super) fn print_out(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

pub(super) fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Build the context from `KEY=VALUE` arguments.
pub(super) fn context(pairs: &[String]) -> Result<Context, String> {
    let mut grouped: Vec<(String, Vec<String>, bool)> = Vec::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!("`--context {pair}` is not `KEY=VALUE`"));
        };
        let (values, multi) = if value.starts_with('[') {
            let parsed: Vec<String> = serde_json::from_str(value).map_err(|e| {
                format!("`--context {pair}`: the value is not a JSON array of strings: {e}")
            })?;
            (parsed, true)
        } else {
            (vec![value.to_owned()], false)
        };
        match grouped.iter_mut().find(|(k, _, _)| k == key) {
            Some((_, existing, is_multi)) => {
                existing.extend(values);
                *is_multi = true;
            }
            None => grouped.push((key.to_owned(), values, multi)),
        }
    }
    let mut context = Context::new();
    for (key, mut values, multi) in grouped {
        let value = match (multi, values.pop()) {
            (false, Some(one)) => ContextValue::Single(one),
            (_, last) => {
                values.extend(last);
                ContextValue::Multi(values)
            }
        };
        context.insert(&key, value).map_err(|e| e.to_string())?;
    }
    Ok(context)
}

pub(super) struct Loaded {
    pub(super) name: String,
    pub(super) policy: Policy,
    /// The document's text, for the line and column of an evaluation error.
    pub(super) text: String,
}

/// Read and parse every policy; print the diagnostics of those that are invalid.
pub(super) fn load(paths: &[PathBuf]) -> Result<Vec<Loaded>, String> {
    let mut loaded = Vec::new();
    let mut rejected = String::new();
    for path in paths {
        let name = path.display().to_string();
        let bytes = read_limited(path).map_err(|e| format!("`{name}` {e}"))?;
        let checked = Policy::check_bytes(&bytes, &ParseOptions::default());
        match checked.policy {
            Some(policy) => loaded.push(Loaded {
                name,
                policy,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            }),
            None => {
                let text = String::from_utf8_lossy(&bytes);
                let index = LineIndex::new(&text);
                for d in checked.diagnostics.errors() {
                    rejected.push_str(&d.render(&name, &index));
                }
            }
        }
    }
    if rejected.is_empty() {
        Ok(loaded)
    } else {
        Err(format!(
            "{rejected}a rejected document decides nothing: the evaluation is an error"
        ))
    }
}

fn place(files: &[Loaded], s: &StatementExplanation) -> String {
    let file = files.get(s.policy).map_or("?", |f| f.name.as_str());
    match s.origin {
        Some(p) => format!("{file}:{}:{}", p.line, p.column),
        None => file.to_owned(),
    }
}

/// `file:line:column: ` of the bytes an evaluation error is about, when it has a location.
fn error_place(files: &[Loaded], error: &EvaluationError) -> String {
    let (Some(file), Some(span)) = (files.get(error.policy), error.source_loc) else {
        return String::new();
    };
    let p = LineIndex::new(&file.text).position(span.start);
    format!("{}:{}:{}: ", file.name, p.line, p.column)
}

fn label(s: &StatementExplanation) -> String {
    match &s.sid {
        Some(sid) if !sid.is_empty() => {
            format!("statement {} `{sid}` ({})", s.statement, s.effect.as_str())
        }
        _ => format!("statement {} ({})", s.statement, s.effect.as_str()),
    }
}

pub(super) fn human(files: &[Loaded], e: &Explanation) -> String {
    let r = &e.response;
    let mut out = format!(
        "decision: {}\n",
        r.decision.map_or("error", |d| d.as_protocol_str())
    );
    let deciding: Vec<&StatementExplanation> = e
        .statements
        .iter()
        .filter(|s| {
            r.matched
                .iter()
                .any(|m| m.policy == s.policy && m.statement == s.statement)
        })
        .collect();
    if deciding.is_empty() && r.errors.is_empty() {
        out.push_str("decided by: no statement applies, so the request is implicitly denied\n");
    }
    for s in &deciding {
        out.push_str(&format!("decided by: {} {}\n", place(files, s), label(s)));
    }
    for error in &r.errors {
        out.push_str(&format!("error: {}{error}\n", error_place(files, error)));
    }
    if !r.missing_keys.is_empty() {
        let keys: Vec<String> = r.missing_keys.iter().map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("missing context keys: {}\n", keys.join(", ")));
    }
    out.push_str("statements:\n");
    for s in &e.statements {
        out.push_str(&format!(
            "  {} {}: {}\n",
            place(files, s),
            label(s),
            s.verdict
        ));
    }
    out
}

/// What happened to one statement, as JSON: `{"kind": "applies"}`, ...
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum VerdictJson<'a> {
    Applies,
    ActionNotMatched,
    ResourceNotMatched,
    ConditionNotMet {
        operator: &'a str,
        key: &'a str,
        request_values: Option<&'a [String]>,
        policy_values: &'a [String],
    },
    Error {
        message: &'a str,
    },
}

impl<'a> VerdictJson<'a> {
    fn new(v: &'a Verdict) -> Self {
        match v {
            Verdict::Applies => VerdictJson::Applies,
            Verdict::ActionNotMatched => VerdictJson::ActionNotMatched,
            Verdict::ResourceNotMatched => VerdictJson::ResourceNotMatched,
            Verdict::ConditionNotMet {
                operator,
                key,
                request_values,
                policy_values,
            } => VerdictJson::ConditionNotMet {
                operator,
                key,
                request_values: request_values.as_deref(),
                policy_values,
            },
            Verdict::Error(message) => VerdictJson::Error { message },
        }
    }
}

#[derive(Serialize)]
struct MatchedJson<'a> {
    policy: usize,
    statement: usize,
    sid: Option<&'a str>,
}

#[derive(Serialize)]
struct StatementJson<'a> {
    file: Option<&'a str>,
    policy: usize,
    statement: usize,
    sid: Option<&'a str>,
    effect: &'static str,
    line: Option<usize>,
    column: Option<usize>,
    decided: bool,
    verdict: VerdictJson<'a>,
}

/// The explanation as JSON (`iamconf explain --format json`; each check of `--call`).
#[derive(Serialize)]
pub(super) struct ExplanationJson<'a> {
    decision: &'static str,
    matched: Vec<MatchedJson<'a>>,
    missing_keys: Vec<&'a str>,
    errors: Vec<String>,
    statements: Vec<StatementJson<'a>>,
}

impl<'a> ExplanationJson<'a> {
    pub(super) fn new(files: &'a [Loaded], e: &'a Explanation) -> Self {
        let r = &e.response;
        let statements = e
            .statements
            .iter()
            .map(|s| StatementJson {
                file: files.get(s.policy).map(|f| f.name.as_str()),
                policy: s.policy,
                statement: s.statement,
                sid: s.sid.as_deref(),
                effect: s.effect.as_str(),
                line: s.origin.map(|p| p.line),
                column: s.origin.map(|p| p.column),
                decided: r
                    .matched
                    .iter()
                    .any(|m| m.policy == s.policy && m.statement == s.statement),
                verdict: VerdictJson::new(&s.verdict),
            })
            .collect();
        Self {
            decision: r.decision.map_or("error", |d| d.as_protocol_str()),
            matched: r
                .matched
                .iter()
                .map(|m| MatchedJson {
                    policy: m.policy,
                    statement: m.statement,
                    sid: m.sid.as_deref(),
                })
                .collect(),
            missing_keys: r.missing_keys.iter().map(AsRef::as_ref).collect(),
            errors: r.errors.iter().map(ToString::to_string).collect(),
            statements,
        }
    }
}

/// The policy files and their set; when a file cannot be read or parsed, the `decision:
/// error` answer is printed and the exit code (1) returned.
pub(super) fn policy_set(paths: &[PathBuf]) -> Result<(Vec<Loaded>, PolicySet), ExitCode> {
    match load(paths) {
        Ok(files) => {
            let set = PolicySet::new(files.iter().map(|f| f.policy.clone()).collect());
            Ok((files, set))
        }
        Err(e) => {
            print_out(&format!("decision: error\n{e}"));
            Err(ExitCode::from(1))
        }
    }
}

/// Explain one request. Exit 0 when a decision was reached (whatever it is), 1 when the
/// policies are rejected or the evaluation is an error, 2 on a usage error.
pub(super) fn run(args: &ExplainArgs) -> ExitCode {
    if args.call.list_calls {
        return super::explain_call::list(args.format);
    }
    let (Some(action), Some(resource)) = (&args.action, &args.resource) else {
        return super::explain_call::run(args);
    };
    let context = match context(&args.context) {
        Ok(c) => c,
        Err(e) => return usage(&e),
    };
    let request = match Request::new(action, resource, context) {
        Ok(r) => r,
        Err(e) => return usage(&e.to_string()),
    };
    let (files, set) = match policy_set(&args.policies) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let explanation = set.explain(&request);
    let text = match args.format {
        Format::Human => human(&files, &explanation),
        Format::Json => {
            iam_conformance::report::pretty_json(&ExplanationJson::new(&files, &explanation))
        }
    };
    print_out(text.trim_end());
    if explanation.response.decision.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
