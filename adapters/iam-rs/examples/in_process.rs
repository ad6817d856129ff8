//! iam-rs gated in process: `iam_conformance::check(&impl Evaluator)` with no protocol in
//! between. `cargo run --example in_process [-- CASES]` prints the grouped human report and
//! exits 1 when iam-rs does not conform.

use iam_eval::{Decision, Evaluator, Request, Response};
use iamconf_adapter_iam_rs::{evaluate, ProtocolRequest};

struct IamRs;

impl Evaluator for IamRs {
    fn evaluate(&self, policies: &[&str], request: &Request) -> Response {
        let context = request
            .context()
            .iter()
            .map(|(key, value)| {
                let multivalued = matches!(value, iam_eval::ContextValue::Multi(_));
                (key, value.values().iter().map(String::as_str).collect::<Vec<&str>>(), multivalued)
            })
            .collect();
        let answer = evaluate(
            policies,
            &ProtocolRequest {
                action: request.action(),
                resource: request.resource(),
                context,
            },
        );
        match answer {
            Ok(word) => Response {
                decision: Some(match word {
                    "allowed" => Decision::Allow,
                    "explicitDeny" => Decision::ExplicitDeny,
                    _ => Decision::ImplicitDeny,
                }),
                ..Response::new()
            },
            Err(message) => Response::from_error(iam_eval::EvaluationError {
                policy: 0,
                statement: None,
                key: None,
                message,
            }),
        }
    }
}

fn main() {
    let generated = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let config = iam_conformance::Config {
        generated,
        ..iam_conformance::Config::default()
    };
    let report = iam_conformance::check(&IamRs, &config);
    println!("{}", iam_conformance::report::human(&report));
    std::process::exit(i32::from(report.exit_code()));
}
