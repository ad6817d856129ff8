//! `iamconf explain --call`: a whole AWS IoT Jobs API call, its combined decision and, per
//! check it needs, the action, resource, decision and why; `--list-calls` lists operations.

use std::process::ExitCode;

use iam_conformance::report::pretty_json;
use iam_eval::call::{Call, CheckReason, ExpandedCall, ParamValue, Rendered};
use iam_eval::Explanation;
use iam_policy::catalog::operations::{self, Operation, ParamKind};
use serde::Serialize;

use super::explain::{
    context, human, policy_set, print_out, usage, ExplainArgs, ExplanationJson, Loaded,
};
use super::Format;

/// The options of a call (flattened into `iamconf explain`).
#[derive(Debug, clap::Args)]
pub(super) struct CallArgs {
    /// A whole API call instead of one request: the operation (`CreateJob`;
    /// `iot:DescribeJobExecution` or `iotjobsdata:DescribeJobExecution` for the two planes).
    #[arg(long, requires_all = ["region", "account"])]
    pub(super) call: Option<String>,
    /// The call's Region.
    #[arg(long, requires = "call")]
    region: Option<String>,
    /// The call's account (12 digits).
    #[arg(long, requires = "call")]
    account: Option<String>,
    /// A parameter of the call, `NAME=VALUE` (`jobId=fw-42`, `targets=ARN,ARN`).
    #[arg(long = "param", value_name = "NAME=VALUE", requires = "call")]
    params: Vec<String>,
    /// A tag the call sets, `KEY=VALUE` (the `tags` parameter); repeat for more.
    #[arg(long = "tag", value_name = "KEY=VALUE", requires = "call")]
    tags: Vec<String>,
    /// List the operations `--call` takes and their parameters.
    #[arg(long, conflicts_with = "call")]
    pub(super) list_calls: bool,
}

fn call_of(args: &ExplainArgs, operation: &str) -> Result<Call, String> {
    let call = &args.call;
    let mut params = Vec::new();
    for pair in &call.params {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(format!(
                "`--param {pair}` is not `NAME=VALUE`\n  help: write `--param jobId=fw-42`"
            ));
        };
        params.push((name.to_owned(), ParamValue::Text(value.to_owned())));
    }
    if !call.tags.is_empty() {
        let mut tags = Vec::new();
        for pair in &call.tags {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(format!(
                    "`--tag {pair}` is not `KEY=VALUE`\n  help: write `--tag env=prod`"
                ));
            };
            tags.push((key.to_owned(), value.to_owned()));
        }
        params.push(("tags".to_owned(), ParamValue::Tags(tags)));
    }
    Ok(Call {
        operation: operation.to_owned(),
        region: call.region.clone().unwrap_or_default(),
        account: call.account.clone().unwrap_or_default(),
        params,
        context: context(&args.context)?,
    })
}

fn reason(reason: CheckReason) -> String {
    match reason {
        CheckReason::Parameter(p) => format!("from `{p}`"),
        CheckReason::NoResource => "the operation names no resource".into(),
        CheckReason::TagOnCreate => "tags given at creation".into(),
    }
}

fn decision_word(decision: Option<iam_eval::Decision>) -> &'static str {
    decision.map_or("error", |d| d.as_protocol_str())
}

fn human_call(
    files: &[Loaded],
    call: &ExpandedCall,
    decision: Option<iam_eval::Decision>,
    explanations: &[Explanation],
) -> String {
    let n = call.checks.len();
    let mut out = format!(
        "decision: {}\ncall: {} ({}) needs {n} check{}; it is allowed only if every check is\n",
        decision_word(decision),
        call.operation.name,
        call.operation.action,
        if n == 1 { "" } else { "s" }
    );
    let refused: Vec<String> = call
        .checks
        .iter()
        .zip(explanations)
        .enumerate()
        .filter(|(_, (_, e))| !e.response.is_allowed())
        .map(|(i, (check, e))| {
            format!(
                "check {} ({} on {}: {})",
                i + 1,
                check.request.action(),
                check.request.resource(),
                decision_word(e.response.decision.filter(|_| e.response.errors.is_empty()))
            )
        })
        .collect();
    if !refused.is_empty() {
        out.push_str(&format!("not allowed by: {}\n", refused.join(", ")));
    }
    for (i, (check, e)) in call.checks.iter().zip(explanations).enumerate() {
        out.push_str(&format!(
            "\ncheck {} of {n}: {} on {} ({}): {}\n",
            i + 1,
            check.request.action(),
            check.request.resource(),
            reason(check.reason),
            decision_word(e.response.decision.filter(|_| e.response.errors.is_empty())),
        ));
        for line in human(files, e).lines().skip(1) {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A call's explanation as JSON: each check is an explanation with what was checked and why.
#[derive(Serialize)]
struct CallJson<'a> {
    decision: &'static str,
    operation: &'static str,
    action: &'static str,
    checks: Vec<CheckJson<'a>>,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    #[serde(flatten)]
    explanation: ExplanationJson<'a>,
    action: &'a str,
    resource: &'a str,
    why: String,
}

impl<'a> CallJson<'a> {
    fn new(
        files: &'a [Loaded],
        call: &'a ExpandedCall,
        decision: Option<iam_eval::Decision>,
        explanations: &'a [Explanation],
    ) -> Self {
        let checks = call
            .checks
            .iter()
            .zip(explanations)
            .map(|(check, e)| CheckJson {
                explanation: ExplanationJson::new(files, e),
                action: check.request.action(),
                resource: check.request.resource(),
                why: reason(check.reason),
            })
            .collect();
        Self {
            decision: decision_word(decision),
            operation: call.operation.name,
            action: call.operation.action,
            checks,
        }
    }
}

/// Explain a call. Exit 0 when a decision was reached, 1 when the policies are rejected or a
/// check is an error, 2 when the call itself is not one AWS would take (usage).
pub(super) fn run(args: &ExplainArgs) -> ExitCode {
    let Some(operation) = &args.call.call else {
        return usage("give `--action` and `--resource`, or `--call` (see `--list-calls`)");
    };
    let call = match call_of(args, operation) {
        Ok(c) => c,
        Err(e) => return usage(&e),
    };
    let expanded = match call.expand() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{}", Rendered(&e));
            return ExitCode::from(2);
        }
    };
    let (files, set) = match policy_set(&args.policies) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let (decision, explanations) = set.explain_call(&expanded);
    let text = match args.format {
        Format::Human => human_call(&files, &expanded, decision, &explanations),
        Format::Json => pretty_json(&CallJson::new(&files, &expanded, decision, &explanations)),
    };
    print_out(text.trim_end());
    if decision.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn kind_words(kind: &ParamKind) -> String {
    match kind {
        ParamKind::Name { resource_type, .. } => format!("name of a `{resource_type}`"),
        ParamKind::ManagedTemplateName => "name of an AWS-managed `jobtemplate`".into(),
        ParamKind::Arn(types) => format!("ARN ({})", types.join(" | ")),
        ParamKind::ArnList(types) => format!("ARN,... ({})", types.join(" | ")),
        ParamKind::JobIdKey => "job id (the `iot:JobId` key)".into(),
        ParamKind::Tags => "tags (`--tag KEY=VALUE`)".into(),
        ParamKind::TagKeys => "tag keys, comma-separated (`aws:TagKeys`)".into(),
        ParamKind::Text => "text (not checked)".into(),
    }
}

/// An operation as `--list-calls --format json` lists it.
#[derive(Serialize)]
struct OperationJson {
    operation: &'static str,
    action: &'static str,
    params: Vec<ParamJson>,
}

#[derive(Serialize)]
struct ParamJson {
    name: &'static str,
    required: bool,
    kind: String,
}

impl OperationJson {
    fn new(o: &Operation) -> Self {
        let params = o
            .params
            .iter()
            .map(|p| ParamJson {
                name: p.name,
                required: p.required,
                kind: kind_words(&p.kind),
            })
            .collect();
        Self {
            operation: o.name,
            action: o.action,
            params,
        }
    }
}

/// `--list-calls`: every operation, its action and its parameters (`*` marks required ones).
pub(super) fn list(format: Format) -> ExitCode {
    let all = operations::operations();
    let text = match format {
        Format::Json => {
            let operations: Vec<OperationJson> = all.iter().map(OperationJson::new).collect();
            pretty_json(&operations)
        }
        Format::Human => {
            let mut out = String::from(
                "operations for `iamconf explain --call` (`*` = required parameter):\n",
            );
            for o in all {
                out.push_str(&format!("\n{} ({})\n", o.name, o.action));
                for p in o.params {
                    let mark = if p.required { "*" } else { " " };
                    out.push_str(&format!("  {mark} {}: {}\n", p.name, kind_words(&p.kind)));
                }
                if o.params.is_empty() {
                    out.push_str("    (no parameters: checked on `*`)\n");
                }
            }
            out
        }
    };
    print_out(text.trim_end());
    ExitCode::SUCCESS
}
