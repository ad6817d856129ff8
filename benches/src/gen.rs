//! Generated inputs: each is a pure function of its size, so every run sees the same bytes.

use iam_eval::{Context, ContextValue, PolicySet, Request};
use iam_policy::pattern::{Glob, GlobSyntax};
use iam_policy::{ParseOptions, Policy, PolicyKind};
use serde_json::{json, Value};

/// The account of every generated ARN.
pub const ACCOUNT: &str = "123456789012";

/// `arn:aws:iot:us-east-1:123456789012:<resource>`.
pub fn arn(resource: &str) -> String {
    format!("arn:aws:iot:us-east-1:{ACCOUNT}:{resource}")
}

/// Parse a generated document (it is valid by construction) and compile it.
pub fn compile(document: &str) -> PolicySet {
    compile_all(&[document.to_owned()])
}

/// Parse generated documents and compile them into one set.
pub fn compile_all(documents: &[String]) -> PolicySet {
    let policies = documents
        .iter()
        .map(|d| {
            Policy::parse(d).unwrap_or_else(|e| {
                let head = iam_policy::text::truncate(d, 200);
                panic!("generated policy is invalid: {e:?}\n{head}")
            })
        })
        .collect();
    PolicySet::new(policies)
}

/// Most statements [`statements_set`] puts in one document (the parser refuses documents
/// over 1 MiB; 10,000 statements are about 1.2 MB).
pub const STATEMENTS_PER_DOCUMENT: usize = 1_000;

/// [`statements_policy`]`(n)` compiled, split into documents of at most
/// [`STATEMENTS_PER_DOCUMENT`] statements (the same statements, in order).
pub fn statements_set(n: usize) -> PolicySet {
    let value: Value = serde_json::from_str(&statements_policy(n)).expect("JSON");
    let statements = value["Statement"].as_array().cloned().unwrap_or_default();
    let documents: Vec<String> = statements
        .chunks(STATEMENTS_PER_DOCUMENT)
        .map(|c| document(c.to_vec()))
        .collect();
    compile_all(&documents)
}

/// A request; the context from `(key, value)` pairs.
pub fn request(action: &str, resource: &str, context: &[(&str, &str)]) -> Request {
    let mut c = Context::new();
    for (k, v) in context {
        c.insert(k, ContextValue::from(*v)).expect("distinct keys");
    }
    Request::new(action, resource, c).expect("a valid request")
}

fn document(statements: Vec<Value>) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// Positions of the statements that name `iot:DescribeJob` in [`statements_policy`]: the
/// first, the middle and the last (at most three, whatever `n`).
pub fn describe_positions(n: usize) -> Vec<usize> {
    let mut p = vec![0, n / 2, n.saturating_sub(1)];
    p.dedup();
    p.retain(|&i| i < n);
    p
}

/// `n` Allow statements with exact actions: those at [`describe_positions`] name
/// `iot:DescribeJob` on `job/team-<i>/*`, every other one a real `iot` action other than
/// `DescribeJob` (cycling through the catalog's SAR list). A `DescribeJob` request can match
/// at most three of them, whatever `n`. (Real names: an unknown action costs the parser a
/// "did you mean" search of the whole catalog.)
pub fn statements_policy(n: usize) -> String {
    let hits = describe_positions(n);
    let others: Vec<&str> = iam_policy::catalog::iot_action_names()
        .filter(|a| !a.eq_ignore_ascii_case("DescribeJob"))
        .collect();
    let statements = (0..n)
        .map(|i| {
            let action = if hits.contains(&i) {
                "iot:DescribeJob".to_owned()
            } else {
                format!("iot:{}", others[i % others.len()])
            };
            json!({
                "Effect": "Allow",
                "Action": action,
                "Resource": arn(&format!("job/team-{i}/*")),
            })
        })
        .collect();
    document(statements)
}

/// `n` Allow statements whose actions all have wildcards (`iot:BenchOp<i>*`, `iot:*Op<i>`):
/// the action index cannot narrow them, so a request looks at every one. The last statement
/// also allows `iot:Describe*` on `job/*`.
pub fn wildcard_policy(n: usize) -> String {
    let statements = (0..n)
        .map(|i| {
            let mut actions = vec![format!("iot:BenchOp{i}*"), format!("iot:*Op{i}")];
            let mut resource = arn(&format!("job/team-{i}/*"));
            if i + 1 == n {
                actions.push("iot:Describe*".to_owned());
                resource = arn("job/*");
            }
            json!({"Effect": "Allow", "Action": actions, "Resource": resource})
        })
        .collect();
    document(statements)
}

/// The `i`-th CIDR of [`cidr_policy`]: `10.<hi>.<lo>.0/24`.
pub fn cidr(i: usize) -> String {
    format!("10.{}.{}.0/24", (i >> 8) & 255, i & 255)
}

/// One statement allowing `iot:DescribeJob` on `*` when `aws:SourceIp` is in one of `n` CIDRs
/// (one `IpAddress` condition).
pub fn cidr_policy(n: usize) -> String {
    let cidrs: Vec<String> = (0..n).map(cidr).collect();
    document(vec![json!({
        "Effect": "Allow",
        "Action": "iot:DescribeJob",
        "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": cidrs}},
    })])
}

/// An address in the last CIDR of [`cidr_policy`] (`n` ≥ 1).
pub fn ip_in_last_cidr(n: usize) -> String {
    let i = n.saturating_sub(1);
    format!("10.{}.{}.7", (i >> 8) & 255, i & 255)
}

/// One statement allowing `iot:DescribeJob` on `*` when each of `n` request tags
/// `aws:RequestTag/k<i>` equals `v<i>` (one `StringEquals` block of `n` keys).
pub fn keys_policy(n: usize) -> String {
    let keys: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("aws:RequestTag/k{i}"), Value::from(format!("v{i}"))))
        .collect();
    document(vec![json!({
        "Effect": "Allow",
        "Action": "iot:DescribeJob",
        "Resource": "*",
        "Condition": {"StringEquals": keys},
    })])
}

/// The request that satisfies [`keys_policy`]`(n)`: every tag present with its value.
pub fn keys_request(n: usize) -> Request {
    let pairs: Vec<(String, String)> = (0..n)
        .map(|i| (format!("aws:RequestTag/k{i}"), format!("v{i}")))
        .collect();
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    request("iot:DescribeJob", "*", &refs)
}

/// Policy variables: a resource template and a condition template on the connected thing.
pub fn variables_policy() -> String {
    document(vec![json!({
        "Effect": "Allow",
        "Action": ["iotjobsdata:DescribeJobExecution", "iotjobsdata:UpdateJobExecution"],
        "Resource": arn("thing/${iot:Connection.Thing.ThingName}"),
        "Condition": {
            "StringLike": {"aws:RequestTag/owner": "${iot:Connection.Thing.ThingName}-*"},
            "StringEquals": {"iot:ThingName": "${iot:Connection.Thing.ThingName}"},
        },
    })])
}

/// The request [`variables_policy`] allows.
pub fn variables_request() -> Request {
    request(
        "iotjobsdata:DescribeJobExecution",
        &arn("thing/MyIoTThing"),
        &[
            ("iot:Connection.Thing.ThingName", "MyIoTThing"),
            ("iot:ThingName", "MyIoTThing"),
            ("aws:RequestTag/owner", "MyIoTThing-fleet"),
        ],
    )
}

/// A request [`variables_policy`] does not allow: another thing than the connected one.
pub fn variables_request_elsewhere() -> Request {
    request(
        "iotjobsdata:DescribeJobExecution",
        &arn("thing/OtherThing"),
        &[
            ("iot:Connection.Thing.ThingName", "MyIoTThing"),
            ("iot:ThingName", "MyIoTThing"),
            ("aws:RequestTag/owner", "MyIoTThing-fleet"),
        ],
    )
}

/// A realistic statement, numbered: exact and wildcard actions, ARNs, two conditions.
fn sized_statement(i: usize) -> Value {
    json!({
        "Sid": format!("Statement{i}"),
        "Effect": if i % 5 == 4 { "Deny" } else { "Allow" },
        "Action": ["iot:DescribeJob", "iot:CancelJob", format!("iot:List*"), "iotjobsdata:*"],
        "Resource": [arn(&format!("job/team-{i}/*")), arn(&format!("thing/device-{i}"))],
        "Condition": {
            "IpAddress": {"aws:SourceIp": [cidr(i), "203.0.113.0/24"]},
            "StringEquals": {"aws:RequestTag/team": format!("team-{i}")},
        },
    })
}

/// A pretty-printed document of at least `bytes` bytes (the first statements that reach it).
/// Not within any IAM quota: it measures the parser, not IAM.
pub fn document_of_size(bytes: usize) -> String {
    let mut statements = Vec::new();
    let mut size = 0;
    while size < bytes {
        let s = sized_statement(statements.len());
        // In the document each line of the statement is indented by four more spaces.
        let text = serde_json::to_string_pretty(&s).unwrap_or_default();
        size += text.len() + 4 * text.lines().count() + 2;
        statements.push(s);
    }
    let value = json!({"Version": "2012-10-17", "Statement": statements});
    serde_json::to_string_pretty(&value).expect("serializable")
}

/// Characters that count toward IAM's size quota (all but whitespace).
pub fn quota_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// A pretty-printed managed policy of exactly 6,144 non-whitespace characters (the managed
/// quota): realistic statements, then a padded `Sid` to reach the quota exactly.
pub fn managed_policy() -> String {
    let quota = PolicyKind::Managed.quota();
    let pad = |sid: &str| {
        json!({
            "Sid": sid,
            "Effect": "Deny",
            "Action": "iot:DeleteJob",
            "Resource": arn("job/locked"),
        })
    };
    let text = |statements: &[Value]| {
        serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": statements}))
            .expect("serializable")
    };
    let mut statements = vec![pad("Pad")];
    loop {
        let mut more = statements.clone();
        more.insert(more.len() - 1, sized_statement(more.len() - 1));
        if quota_chars(&text(&more)) > quota {
            break;
        }
        statements = more;
    }
    let missing = quota - quota_chars(&text(&statements));
    let last = statements.len() - 1;
    statements[last] = pad(&format!("Pad{}", "X".repeat(missing)));
    let out = text(&statements);
    assert_eq!(quota_chars(&out), quota);
    out
}

/// Parse options enforcing the managed quota.
pub fn managed_options() -> ParseOptions {
    ParseOptions {
        kind: Some(PolicyKind::Managed),
        ..ParseOptions::default()
    }
}

/// One glob per compiled strategy, with a value it matches: `(strategy, pattern, syntax,
/// value)`.
pub fn strategy_cases() -> Vec<(&'static str, String, GlobSyntax, String)> {
    let job = arn("job/firmware-42");
    vec![
        ("any", "*".into(), GlobSyntax::Text, "describejob".into()),
        ("exact", job.clone(), GlobSyntax::Arn, job.clone()),
        ("prefix", arn("job/*"), GlobSyntax::Arn, job.clone()),
        (
            "suffix",
            "*:job/firmware-42".into(),
            GlobSyntax::Arn,
            job.clone(),
        ),
        (
            "segments",
            "describe*job*exec?tion".into(),
            GlobSyntax::Text,
            "describejobexecution".into(),
        ),
        (
            "nfa",
            format!("arn:aws:iot:us-*-1:{ACCOUNT}:job/*-42"),
            GlobSyntax::Arn,
            job,
        ),
    ]
}

/// For each of [`strategy_cases`], in order, a value its glob misses (`any` misses nothing:
/// its second value is another match).
pub fn strategy_misses() -> Vec<(&'static str, String)> {
    vec![
        ("any", String::new()),
        ("exact", arn("job/firmware-7")),
        ("prefix", arn("thing/firmware-42")),
        ("suffix", arn("job/firmware-420")),
        ("segments", "describejobexecutions".into()),
        (
            "nfa",
            format!("arn:aws:iot:us-east-2:{ACCOUNT}:job/firmware-42"),
        ),
    ]
}

/// The adversarial pattern `*a*a…*a*b` with `pieces` times `*a`.
pub fn adversarial_pattern(pieces: usize) -> String {
    let mut p = "*a".repeat(pieces);
    p.push_str("*b");
    p
}

/// The values of the adversarial benchmark, `(label, value, matches)`, each `len` bytes:
/// `no-b` (`a…a`: the tail check rejects it at once), `late-fail` (passes the tail check, fails
/// only at its end: `b…b` under Text, where no `a` is found; `a…a:b` under Arn, where no star may
/// cross the colon) and `match` (`a…ab`: every byte is read before it is accepted).
pub fn adversarial_values(len: usize, syntax: GlobSyntax) -> Vec<(&'static str, String, bool)> {
    let late_fail = match syntax {
        GlobSyntax::Text => "b".repeat(len),
        GlobSyntax::Arn => format!("{}:b", "a".repeat(len.saturating_sub(2))),
    };
    vec![
        ("no-b", "a".repeat(len), false),
        ("late-fail", late_fail, false),
        (
            "match",
            format!("{}b", "a".repeat(len.saturating_sub(1))),
            true,
        ),
    ]
}

/// The compiled adversarial glob under `syntax` (`segments` for Text, `nfa` for Arn).
pub fn adversarial_glob(syntax: GlobSyntax) -> Glob {
    Glob::new(&adversarial_pattern(16), syntax)
}

/// Value sizes of the adversarial benchmark: 64 B to 64 KiB, by fours.
pub const ADVERSARIAL_SIZES: [usize; 6] = [64, 256, 1024, 4096, 16384, 65536];
