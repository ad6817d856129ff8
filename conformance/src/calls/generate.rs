//! Generated call cases: a call drawn from small pools (operations with several checks first),
//! and statements aimed at its checks (exact, a type wildcard, `*`, or a near miss: the other
//! account, another job, the other plane), some of them Deny, some under a condition on a key
//! the call sets. Policies are JSON objects and stay clear of every `ID-n` point (literal
//! resources or one trailing `*`, no case variants, no plain operator on `aws:TagKeys`), so a
//! generated call case is untagged. Case `i` of seed `s` is `gen-call-<s>-<i>`, drawn from its
//! own ChaCha RNG.

use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};
use serde_json::{json, Map, Value};

use super::{CallCase, CallLine};

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const ACCOUNTS: [&str; 2] = ["123456789012", "210987654321"];
const JOB_IDS: [&str; 2] = ["fw-42", "fw-43"];
const THINGS: [&str; 2] = ["t1", "t2"];
const GROUPS: [&str; 2] = ["fleet", "beta"];
const TAG_VALUES: [&str; 2] = ["prod", "beta"];

/// Operations drawn, with weights: those with several checks most.
const OPERATIONS: [(&str, u32); 12] = [
    ("CreateJob", 30),
    ("AssociateTargetsWithJob", 10),
    ("CancelJobExecution", 8),
    ("DeleteJobExecution", 6),
    ("iot:DescribeJobExecution", 6),
    ("CreateJobTemplate", 8),
    ("TagResource", 6),
    ("StartCommandExecution", 6),
    ("iotjobsdata:DescribeJobExecution", 8),
    ("iotjobsdata:UpdateJobExecution", 6),
    ("DescribeJob", 3),
    ("ListJobs", 3),
];

struct Draw(TestRng);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.0.next_u32()).unwrap_or(0) % n.max(1)
    }

    fn percent(&mut self, p: u32) -> bool {
        self.0.next_u32() % 100 < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).copied().unwrap_or_default()
    }
}

fn arn(region: &str, account: &str, resource: &str) -> String {
    format!("arn:aws:iot:{region}:{account}:{resource}")
}

/// Draw the call: operation, Region, account, parameters (always valid for the operation).
fn draw_call(d: &mut Draw) -> CallLine {
    let total: u32 = OPERATIONS.iter().map(|(_, w)| w).sum();
    let mut roll = d.0.next_u32() % total;
    let mut operation = "CreateJob";
    for (name, weight) in OPERATIONS {
        if roll < weight {
            operation = name;
            break;
        }
        roll -= weight;
    }
    let region = d.pick(&REGIONS);
    let account = d.pick(&ACCOUNTS);
    let mut params = Map::new();
    let mut put = |k: &str, v: Value| params.insert(k.to_owned(), v);
    let targets = |d: &mut Draw| -> Value {
        let n = 1 + d.below(3);
        let list: Vec<String> = (0..n)
            .map(|_| {
                if d.percent(50) {
                    arn(region, account, &format!("thing/{}", d.pick(&THINGS)))
                } else {
                    arn(region, account, &format!("thinggroup/{}", d.pick(&GROUPS)))
                }
            })
            .collect();
        Value::from(list)
    };
    let tags = |d: &mut Draw| json!({"env": d.pick(&TAG_VALUES)});
    match operation {
        "CreateJob" | "AssociateTargetsWithJob" => {
            put("jobId", d.pick(&JOB_IDS).into());
            put("targets", targets(d));
            if operation == "CreateJob" {
                if d.percent(25) {
                    put(
                        "jobTemplateArn",
                        arn(region, account, "jobtemplate/fw").into(),
                    );
                }
                if d.percent(40) {
                    put("tags", tags(d));
                }
            }
        }
        "CancelJobExecution" | "DeleteJobExecution" | "iot:DescribeJobExecution" => {
            put("jobId", d.pick(&JOB_IDS).into());
            put("thingName", d.pick(&THINGS).into());
            if operation == "DeleteJobExecution" {
                put("executionNumber", "1".into());
            }
        }
        "CreateJobTemplate" => {
            put("jobTemplateId", "fw".into());
            if d.percent(50) {
                put(
                    "jobArn",
                    arn(region, account, &format!("job/{}", d.pick(&JOB_IDS))).into(),
                );
            }
            if d.percent(40) {
                put("tags", tags(d));
            }
        }
        "TagResource" => {
            put(
                "resourceArn",
                arn(region, account, &format!("job/{}", d.pick(&JOB_IDS))).into(),
            );
            put("tags", tags(d));
        }
        "StartCommandExecution" => {
            put("commandArn", arn(region, account, "command/reboot").into());
            put(
                "targetArn",
                arn(region, account, &format!("thing/{}", d.pick(&THINGS))).into(),
            );
        }
        "iotjobsdata:DescribeJobExecution" | "iotjobsdata:UpdateJobExecution" => {
            put("thingName", d.pick(&THINGS).into());
            put("jobId", d.pick(&JOB_IDS).into());
        }
        "DescribeJob" => {
            put("jobId", d.pick(&JOB_IDS).into());
        }
        _ => {}
    }
    let mut context = Map::new();
    if d.percent(30) {
        let ip = if d.percent(50) {
            "203.0.113.7"
        } else {
            "198.51.100.1"
        };
        context.insert("aws:SourceIp".into(), ip.into());
    }
    CallLine {
        operation: operation.to_owned(),
        region: region.to_owned(),
        account: account.to_owned(),
        params,
        context,
    }
}

/// A statement aimed at one check `(action, resource)`.
fn statement(d: &mut Draw, action: &str, resource: &str) -> Value {
    let (vendor, name) = action.split_once(':').unwrap_or(("iot", action));
    let action_pattern = match d.below(10) {
        0 => format!("{vendor}:*"),
        1 => format!("{vendor}:{}*", name.get(..4).unwrap_or(name)),
        // Near miss: the other plane, or another action of the same plane.
        2 => {
            let other = if vendor == "iot" {
                "iotjobsdata"
            } else {
                "iot"
            };
            format!("{other}:{name}")
        }
        3 => format!("{vendor}:DescribeJob"),
        _ => action.to_owned(),
    };
    let resource_pattern = if resource == "*" {
        "*".to_owned()
    } else {
        match d.below(10) {
            0 => "*".to_owned(),
            1 | 2 => match resource.rsplit_once('/') {
                Some((head, _)) => format!("{head}/*"),
                None => resource.to_owned(),
            },
            // Near miss: the other account.
            3 => resource.replacen(ACCOUNTS[0], "000000000000", 1).replacen(
                ACCOUNTS[1],
                "000000000000",
                1,
            ),
            _ => resource.to_owned(),
        }
    };
    let mut s = json!({
        "Effect": if d.percent(20) { "Deny" } else { "Allow" },
        "Action": action_pattern,
        "Resource": resource_pattern,
    });
    if d.percent(20) {
        let condition = match d.below(3) {
            0 => json!({"StringEquals": {"aws:RequestTag/env": d.pick(&TAG_VALUES)}}),
            1 => json!({"StringEquals": {"iot:JobId": d.pick(&JOB_IDS)}}),
            _ => json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        };
        if let Value::Object(o) = &mut s {
            o.insert("Condition".into(), condition);
        }
    }
    s
}

/// Draw call case `index` of `seed`.
pub fn generate_call_case(seed: u64, index: usize) -> CallCase {
    let mut bytes = [0u8; 32];
    for (slot, b) in bytes.iter_mut().zip(
        seed.to_le_bytes()
            .into_iter()
            .chain((index as u64).to_le_bytes())
            .chain(*b"call-cas"),
    ) {
        *slot = b;
    }
    let mut d = Draw(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let call = draw_call(&mut d);
    // The checks the statements aim at; a call that does not expand (never, by construction)
    // gets statements aimed at nothing.
    let targets: Vec<(String, String)> = call
        .expand()
        .map(|e| {
            e.checks
                .iter()
                .map(|c| {
                    (
                        c.request.action().to_owned(),
                        c.request.resource().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let grant_all = d.percent(40).then(|| {
        let actions: Vec<&str> = targets.iter().map(|(a, _)| a.as_str()).collect();
        let resources: Vec<&str> = targets.iter().map(|(_, r)| r.as_str()).collect();
        json!({"Effect": "Allow", "Action": actions, "Resource": resources})
    });
    let policies: Vec<Value> = (0..1 + d.below(2))
        .map(|p| {
            let first = if p == 0 { grant_all.clone() } else { None };
            let statements: Vec<Value> = first
                .into_iter()
                .chain((0..d.below(4)).map(|_| {
                    let i = d.below(targets.len());
                    match targets.get(i) {
                        Some((a, r)) => statement(&mut d, a, r),
                        None => statement(&mut d, "iot:ListJobs", "*"),
                    }
                }))
                .collect();
            let statements = if statements.is_empty() {
                vec![statement(&mut d, "iot:ListJobs", "*")]
            } else {
                statements
            };
            json!({"Version": "2012-10-17", "Statement": statements})
        })
        .collect();
    CallCase {
        id: format!("gen-call-{seed}-{index}"),
        policies,
        call,
    }
}

/// `n` generated call cases of `seed`.
pub fn generate_call_cases(seed: u64, n: usize) -> impl Iterator<Item = CallCase> {
    (0..n).map(move |i| generate_call_case(seed, i))
}
