//! `iamconf-fixture MODE [N]`: deliberately broken evaluators speaking the evaluator protocol
//! (docs/evaluator-protocol.md), to see the gate bite and to test it.
//!
//! Each mode wraps the reference evaluator and injects exactly one bug, by rewriting the case's
//! policies (as JSON values) before asking the reference, or by misbehaving on the pipe:
//!
//! ```text
//! iamconf check --evaluator "iamconf-fixture deny-does-not-override"
//! ```
//!
//! Semantic bugs (the answers are wrong, the protocol is kept):
//! - `reference`: no bug; must pass.
//! - `deny-does-not-override`: when a Deny applies, an Allow that also applies wins.
//! - `prefix-confusion`: an `iot:X` action pattern also matches `iotjobsdata:X`, so `iot:*`
//!   reaches the data plane.
//! - `notresource-deny-grants`: a Deny statement with `NotResource` is read as an Allow.
//! - `fail-open`: a case the reference answers with an error (a rejected document, an invalid
//!   request, an evaluation error) is answered `allowed`.
//! - `ignore-unknown-operators`: condition operators it does not know are dropped instead of
//!   the document being rejected.
//! - `case-sensitive-actions`: an action pattern matches only when the case agrees
//!   (`iot:describejob` does not match `iot:DescribeJob`); IAM compares actions ignoring case.
//! - `negated-or`: a plain negated operator with several values (`StringNotEquals {k: [a, b]}`)
//!   is true when the value differs from *any* of them, instead of from *all* of them.
//! - `first-check-only`: authorises a whole API call by its first check only, as a simulator
//!   that takes one resource per call does: to the checks `<call>/2`, `<call>/3`, ... of a call
//!   case (protocol 1.1) it gives its answer to `<call>/1`. Only call cases can catch it.
//! - `several-bugs` (issue 11, the gate-cost bench): the seven semantic bugs above from
//!   `deny-does-not-override` to `negated-or` at once; a case gets the answer of the first of
//!   them that changes it. Dozens of failure groups, so dozens of shrinks.
//!
//! Bugs that each break one evaluator invariant (`iamconf check --evaluator "iamconf-fixture
//! MODE" --no-golden --cases 0` names it): `allow-by-default`, `first-policy-only`,
//! `allows-cancel-in-pairs`, `denies-cancel-in-pairs`, `case-insensitive-resources`,
//! `ip-prefix-ignored`, `absent-key-negated-false`, `ifexists-ignored`,
//! `forallvalues-as-foranyvalue`, `variables-always-live`, `skip-rejected-documents`,
//! `unreadable-holds` (see `fixture_modes/invariant_bugs.rs`).
//!
//! Readings (issue 9; see the block `readings modes` below):
//! - `unreadable-allows`: a case the reference answers with an error because a request value
//!   cannot be read as its condition's type (ID-5) is answered `allowed`: allowed under no
//!   permitted reading.
//! - `bare-ip-as-text`: a bare address in an `IpAddress`/`NotIpAddress` policy value matches a
//!   request address only when their texts are equal (`2001:db8::1` misses `2001:DB8:0::1`).
//! - `reading ID-n=WORD[,ID-m=WORD]`: no bug; the reference under those permitted readings
//!   (`iamconf check --list-readings`). Passes the default gate.
//!
//! Protocol misbehaviour:
//! - `crash-after N`: answers N cases, then exits with status 3 on reading the next.
//! - `exit-early`: reads the first case and exits with status 0 without answering.
//! - `hang-on N`: answers cases 1..N-1, then never answers case N (sleeps until killed).
//! - `garbage`: answers `hello`.
//! - `wrong-id`: echoes an id that is not the case's.
//! - `out-of-order`: answers in pairs, the later case first. It must read ahead to do so: it
//!   waits up to 300 ms for the next case. A gate that sends one case at a time and waits for
//!   its answer (iamconf's gate does) never sends it, so there the fixture answers each case
//!   after the first under the previous case's id — to that gate, the answer to an earlier case
//!   arrives where the current one is due, which it reports as a wrong id / out of order.
//! - `huge-line`: writes a 2 MiB line without a newline.
//! - `stderr-flood`: writes 50 MB to standard error, and answers correctly (must pass).
//! - `slow N`: answers correctly, each answer N milliseconds late (for `--timeout`).
//!
//! Hostile processes (see the block at the end of the file): `slow-partial-lines N`,
//! `close-stdout`, `fork-holding-pipe`.

use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use iam_conformance::oracle::Oracle;
use iam_conformance::protocol::{AnswerLine, CaseLine, Verdict};
use iam_eval::{Decision, Readings};
use iam_policy::condition::Operator;
use serde_json::{Map, Value};

/// Modes that live in their own files, one module each (`fixture_modes/`).
mod fixture_modes;

// ---- Modes that break one evaluator invariant each (issue 10) -------------------------------
use fixture_modes::invariant_bugs;
use invariant_bugs::Bug;
// ---- end of the invariant modes ---------------------------------------------------------------

// ---- Mode `rejects-set-operators`: errors grouped by message, shrinking keeping the cause (issue 14)
use fixture_modes::rejects_set_operators;
// ---- end of mode `rejects-set-operators` --------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Reference,
    DenyDoesNotOverride,
    PrefixConfusion,
    NotResourceDenyGrants,
    FailOpen,
    IgnoreUnknownOperators,
    CaseSensitiveActions,
    NegatedOr,
    FirstCheckOnly,
    CrashAfter(usize),
    ExitEarly,
    HangOn(usize),
    Garbage,
    WrongId,
    OutOfOrder,
    HugeLine,
    StderrFlood,
    Slow(u64),
    // ---- readings modes (issue 9) ----
    UnreadableAllows,
    BareIpAsText,
    Reading(Readings),
    // ---- end of readings modes ----
    /// One of the invariant bugs (issue 10).
    InvariantBug(Bug),
    /// Errors for set-qualified non-String operators and a missing `Version` (issue 14).
    RejectsSetOperators,
    // --- issue 11 (gate-cost bench) ---
    /// The semantic bugs at once.
    SeveralBugs,
}

const USAGE: &str = "usage: iamconf-fixture MODE [N]
semantic bugs: reference, deny-does-not-override, prefix-confusion, notresource-deny-grants,
  fail-open, ignore-unknown-operators, case-sensitive-actions, negated-or, first-check-only,
  rejects-set-operators, several-bugs
invariant bugs: allow-by-default, first-policy-only, allows-cancel-in-pairs,
  denies-cancel-in-pairs, case-insensitive-resources, ip-prefix-ignored,
  absent-key-negated-false, ifexists-ignored, forallvalues-as-foranyvalue,
  variables-always-live, skip-rejected-documents, unreadable-holds
protocol misbehaviour: crash-after N, exit-early, hang-on N, garbage, wrong-id, out-of-order,
  huge-line, stderr-flood, slow MILLISECONDS
readings: unreadable-allows, bare-ip-as-text, reading ID-n=WORD[,ID-m=WORD]";

fn parse_mode(args: &[String]) -> Result<Mode, String> {
    let (name, rest) = match args {
        [name, rest @ ..] => (name.as_str(), rest),
        [] => return Err("no mode given".into()),
    };
    let number = || -> Result<u64, String> {
        match rest {
            [n] => n
                .parse::<u64>()
                .map_err(|_| format!("`{n}` is not a non-negative integer")),
            _ => Err(format!("`{name}` takes one number")),
        }
    };
    let count = || number().and_then(|n| usize::try_from(n).map_err(|e| e.to_string()));
    let plain = |mode: Mode| {
        if rest.is_empty() {
            Ok(mode)
        } else {
            Err(format!("`{name}` takes no argument"))
        }
    };
    match name {
        "reference" => plain(Mode::Reference),
        "deny-does-not-override" => plain(Mode::DenyDoesNotOverride),
        "prefix-confusion" => plain(Mode::PrefixConfusion),
        "notresource-deny-grants" => plain(Mode::NotResourceDenyGrants),
        "fail-open" => plain(Mode::FailOpen),
        "ignore-unknown-operators" => plain(Mode::IgnoreUnknownOperators),
        "case-sensitive-actions" => plain(Mode::CaseSensitiveActions),
        "negated-or" => plain(Mode::NegatedOr),
        "first-check-only" => plain(Mode::FirstCheckOnly),
        "crash-after" => Ok(Mode::CrashAfter(count()?)),
        "exit-early" => plain(Mode::ExitEarly),
        "hang-on" => Ok(Mode::HangOn(count()?.max(1))),
        "garbage" => plain(Mode::Garbage),
        "wrong-id" => plain(Mode::WrongId),
        "out-of-order" => plain(Mode::OutOfOrder),
        "huge-line" => plain(Mode::HugeLine),
        "stderr-flood" => plain(Mode::StderrFlood),
        "slow" => Ok(Mode::Slow(number()?)),
        // ---- readings modes (issue 9) ----
        "unreadable-allows" => plain(Mode::UnreadableAllows),
        "bare-ip-as-text" => plain(Mode::BareIpAsText),
        "reading" => match rest {
            [list] => readings_mode(list),
            _ => Err("`reading` takes one list such as `ID-7=never,ID-9=error`".into()),
        },
        // ---- end of readings modes ----
        "rejects-set-operators" => plain(Mode::RejectsSetOperators),
        "several-bugs" => plain(Mode::SeveralBugs),
        other => match Bug::parse(other) {
            Some(bug) => plain(Mode::InvariantBug(bug)),
            None => Err(format!("unknown mode `{other}`")),
        },
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(args.first().map(String::as_str), Some("-h" | "--help")) {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if let Some(code) = hostile_mode(&args) {
        return code;
    }
    let mode = match parse_mode(&args) {
        Ok(mode) => mode,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let lines = spawn_reader();
    match serve(mode, &lines) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(1),
    }
}

/// Standard input, line by line, from its own thread (so that `out-of-order` can wait for the
/// next case with a deadline).
fn spawn_reader() -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = BufReader::new(stdin.lock());
        let mut line = Vec::new();
        loop {
            line.clear();
            match input.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_owned();
            if text.is_empty() {
                continue;
            }
            if tx.send(text).is_err() {
                return;
            }
        }
    });
    rx
}

fn write_line(out: &mut impl Write, line: &str) -> std::io::Result<()> {
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

fn sleep_forever() -> ! {
    loop {
        thread::sleep(Duration::from_secs(3600));
    }
}

/// Answer cases until standard input closes; the exit status.
fn serve(mode: Mode, lines: &Receiver<String>) -> std::io::Result<u8> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut oracle = Oracle::new();
    let mut seen = 0usize;
    let mut previous_id: Option<String> = None;
    let mut first_checks = FirstChecks::default();
    while let Ok(line) = lines.recv() {
        seen += 1;
        match mode {
            Mode::CrashAfter(n) if seen > n => return Ok(3),
            Mode::ExitEarly => return Ok(0),
            Mode::HangOn(n) if seen >= n => sleep_forever(),
            Mode::Garbage => {
                write_line(&mut out, "hello")?;
                continue;
            }
            Mode::HugeLine => {
                out.write_all(&vec![b'x'; 2 << 20])?;
                out.flush()?;
                continue;
            }
            Mode::StderrFlood if seen == 1 => flood_stderr(),
            Mode::Slow(ms) => thread::sleep(Duration::from_millis(ms)),
            _ => {}
        }
        let case = match CaseLine::parse(&line) {
            Ok(case) => case,
            Err((id, message)) => {
                let answer = AnswerLine {
                    id,
                    verdict: Verdict::Error(message),
                    matched: None,
                };
                write_line(&mut out, &answer.to_line())?;
                continue;
            }
        };
        let mut answer = respond(mode, &mut oracle, &case);
        if mode == Mode::FirstCheckOnly {
            answer = first_checks.answer(&case.id, answer);
        }
        match mode {
            Mode::WrongId => answer.id = Some(format!("{}-not-this-one", case.id)),
            Mode::OutOfOrder => {
                match lines.recv_timeout(Duration::from_millis(300)) {
                    Ok(next_line) => {
                        // A pipelining gate: the later case is answered first.
                        seen += 1;
                        let next = match CaseLine::parse(&next_line) {
                            Ok(next) => oracle.answer(&next),
                            Err((id, message)) => AnswerLine {
                                id,
                                verdict: Verdict::Error(message),
                                matched: None,
                            },
                        };
                        write_line(&mut out, &next.to_line())?;
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        // A lockstep gate: answer under the previous case's id.
                        if let Some(previous) = previous_id.replace(case.id.clone()) {
                            answer.id = Some(previous);
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => {}
                }
            }
            _ => {}
        }
        write_line(&mut out, &answer.to_line())?;
    }
    Ok(0)
}

fn flood_stderr() {
    let chunk = vec![b'e'; 64 * 1024];
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let mut written = 0usize;
    while written < 50_000_000 {
        if err.write_all(&chunk).is_err() {
            return;
        }
        written += chunk.len();
    }
    let _ = err.write_all(b"\nstderr-flood: done\n");
}

// ---- mode `first-check-only` (whole API calls, protocol 1.1) ----

/// The answer to the first check of the call being answered, `<call>/1`.
#[derive(Default)]
struct FirstChecks {
    first: Option<(String, AnswerLine)>,
}

impl FirstChecks {
    /// The answer to case `id`: for a later check `<call>/<n>` (n > 1) of the call whose first
    /// check was answered, that answer under this id; otherwise `answer`, remembered when `id`
    /// is a first check.
    fn answer(&mut self, id: &str, answer: AnswerLine) -> AnswerLine {
        let Some((call, n)) = id.rsplit_once('/') else {
            return answer;
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return answer;
        }
        if n == "1" {
            self.first = Some((call.to_owned(), answer.clone()));
            return answer;
        }
        match &self.first {
            Some((first_call, first)) if first_call == call => AnswerLine {
                id: Some(id.to_owned()),
                ..first.clone()
            },
            _ => answer,
        }
    }
}

// ---- end of mode `first-check-only` ----

/// The (possibly wrong) answer of `mode` to a case.
fn respond(mode: Mode, oracle: &mut Oracle, case: &CaseLine) -> AnswerLine {
    if let Mode::InvariantBug(bug) = mode {
        return bug.respond(oracle, case);
    }
    if mode == Mode::RejectsSetOperators {
        return rejects_set_operators::respond(oracle, case);
    }
    if mode == Mode::SeveralBugs {
        return several_bugs(oracle, case);
    }
    let reference = oracle.answer(case);
    let is_error = matches!(reference.verdict, Verdict::Error(_));
    let rewritten = |rewrite: &dyn Fn(&CaseLine, &mut Vec<Value>) -> bool,
                     oracle: &mut Oracle|
     -> Option<AnswerLine> {
        let mut policies = as_objects(&case.policies)?;
        if !rewrite(case, &mut policies) {
            return None;
        }
        let mut changed = case.clone();
        changed.policies = policies;
        Some(oracle.answer(&changed))
    };
    let buggy = match mode {
        Mode::DenyDoesNotOverride
            if reference.verdict == Verdict::Decision(Decision::ExplicitDeny) =>
        {
            rewritten(&drop_denies, oracle)
                .filter(|a| a.verdict == Verdict::Decision(Decision::Allow))
        }
        Mode::PrefixConfusion if !is_error => rewritten(&|c, p| widen_iot_patterns(c, p), oracle),
        Mode::NotResourceDenyGrants if !is_error => {
            rewritten(&|c, p| notresource_denies_allow(c, p), oracle)
        }
        Mode::FailOpen if is_error => Some(AnswerLine {
            id: Some(case.id.clone()),
            verdict: Verdict::Decision(Decision::Allow),
            matched: None,
        }),
        Mode::IgnoreUnknownOperators if is_error => {
            rewritten(&|c, p| drop_unknown_operators(c, p), oracle)
        }
        Mode::CaseSensitiveActions if !is_error => {
            rewritten(&|c, p| case_sensitive_actions(c, p), oracle)
        }
        Mode::NegatedOr if !is_error => rewritten(&|c, p| split_negated_values(c, p), oracle),
        // ---- readings modes (issue 9) ----
        Mode::UnreadableAllows if is_error && unreadable_value(case) => Some(AnswerLine {
            id: Some(case.id.clone()),
            verdict: Verdict::Decision(Decision::Allow),
            matched: None,
        }),
        Mode::BareIpAsText if !is_error => rewritten(&|c, p| bare_ips_as_text(c, p), oracle),
        Mode::Reading(readings) => Some(Oracle::under(readings).answer(case)),
        // ---- end of readings modes ----
        _ => None,
    };
    buggy.unwrap_or(reference)
}

// --- issue 11 (gate-cost bench) ---
/// `several-bugs`: the answer of the first semantic bug that changes the reference's.
fn several_bugs(oracle: &mut Oracle, case: &CaseLine) -> AnswerLine {
    let reference = oracle.answer(case);
    for mode in [
        Mode::DenyDoesNotOverride,
        Mode::PrefixConfusion,
        Mode::NotResourceDenyGrants,
        Mode::FailOpen,
        Mode::IgnoreUnknownOperators,
        Mode::CaseSensitiveActions,
        Mode::NegatedOr,
    ] {
        let answer = respond(mode, oracle, case);
        if answer.verdict != reference.verdict {
            return answer;
        }
    }
    reference
}
// --- end issue 11 ---

/// Every policy as a JSON object (a document given as text is parsed); `None` when one is not.
fn as_objects(policies: &[Value]) -> Option<Vec<Value>> {
    policies
        .iter()
        .map(|p| match p {
            Value::Object(_) => Some(p.clone()),
            Value::String(text) => serde_json::from_str::<Value>(text)
                .ok()
                .filter(Value::is_object),
            _ => None,
        })
        .collect()
}

/// The statements of a policy, as a list (a single statement object becomes a list of one).
fn statements_mut(policy: &mut Value) -> Vec<&mut Map<String, Value>> {
    match policy.get_mut("Statement") {
        Some(Value::Array(items)) => items.iter_mut().filter_map(Value::as_object_mut).collect(),
        Some(Value::Object(one)) => vec![one],
        _ => Vec::new(),
    }
}

fn effect_is(statement: &Map<String, Value>, effect: &str) -> bool {
    statement.get("Effect").and_then(Value::as_str) == Some(effect)
}

/// Only the Allow statements remain (a policy left with none is dropped).
fn drop_denies(_: &CaseLine, policies: &mut Vec<Value>) -> bool {
    for policy in policies.iter_mut() {
        let Some(object) = policy.as_object_mut() else {
            continue;
        };
        match object.get_mut("Statement") {
            Some(Value::Array(items)) => {
                items.retain(|s| s.as_object().is_some_and(|s| effect_is(s, "Allow")));
            }
            Some(Value::Object(one)) if !effect_is(one, "Allow") => {
                object.insert("Statement".into(), Value::Array(Vec::new()));
            }
            _ => {}
        }
    }
    policies.retain(|p| match p.get("Statement") {
        Some(Value::Array(items)) => !items.is_empty(),
        _ => true,
    });
    true
}

/// Apply `f` to each string of a statement's `Action` and `NotAction` (a string or an array);
/// `f` returns the patterns that replace the string.
fn rewrite_action_patterns(
    policies: &mut [Value],
    f: &dyn Fn(&str) -> Option<Vec<String>>,
) -> bool {
    let mut changed = false;
    for policy in policies.iter_mut() {
        for statement in statements_mut(policy) {
            for key in ["Action", "NotAction"] {
                let Some(value) = statement.get_mut(key) else {
                    continue;
                };
                let patterns: Vec<String> = match value {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                    _ => continue,
                };
                let mut out = Vec::new();
                let mut any = false;
                for p in patterns {
                    match f(&p) {
                        Some(replacement) => {
                            any = true;
                            out.extend(replacement);
                        }
                        None => out.push(p),
                    }
                }
                if any {
                    changed = true;
                    *value = Value::Array(out.into_iter().map(Value::String).collect());
                }
            }
        }
    }
    changed
}

/// `iot:X` patterns also cover `iotjobsdata:X`.
fn widen_iot_patterns(case: &CaseLine, policies: &mut [Value]) -> bool {
    if !case
        .request
        .action
        .to_ascii_lowercase()
        .starts_with("iotjobsdata:")
    {
        return false;
    }
    rewrite_action_patterns(policies, &|p| {
        let rest = p.get(..4).filter(|v| v.eq_ignore_ascii_case("iot:"))?;
        let name = p.get(rest.len()..)?;
        Some(vec![p.to_owned(), format!("iotjobsdata:{name}")])
    })
}

/// An action pattern that differs from the request's action only in case no longer matches it:
/// it is replaced by a pattern that matches nothing the corpus asks about.
fn case_sensitive_actions(case: &CaseLine, policies: &mut [Value]) -> bool {
    let action: Vec<char> = case.request.action.chars().collect();
    let lower: Vec<char> = iam_policy::text::folded(&case.request.action).collect();
    rewrite_action_patterns(policies, &|p| {
        let pattern: Vec<char> = p.chars().collect();
        let pattern_lower: Vec<char> = iam_policy::text::folded(p).collect();
        if glob_match(&pattern_lower, &lower) && !glob_match(&pattern, &action) {
            Some(vec!["iamconf-fixture:NeverMatches".to_owned()])
        } else {
            None
        }
    })
}

/// `*` any run, `?` one character, everything else literal and case-sensitive; linear space,
/// no recursion.
fn glob_match(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || Some(&c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern.iter().skip(p).all(|&c| c == '*')
}

/// Deny statements with `NotResource` become Allow statements.
fn notresource_denies_allow(_: &CaseLine, policies: &mut [Value]) -> bool {
    let mut changed = false;
    for policy in policies.iter_mut() {
        for statement in statements_mut(policy) {
            if effect_is(statement, "Deny") && statement.contains_key("NotResource") {
                statement.insert("Effect".into(), Value::from("Allow"));
                changed = true;
            }
        }
    }
    changed
}

/// Condition operators that `Operator::parse` refuses are removed (an emptied `Condition` too).
fn drop_unknown_operators(_: &CaseLine, policies: &mut [Value]) -> bool {
    let mut changed = false;
    for policy in policies.iter_mut() {
        for statement in statements_mut(policy) {
            let Some(Value::Object(condition)) = statement.get_mut("Condition") else {
                continue;
            };
            let before = condition.len();
            condition.retain(|name, _| Operator::parse(name).is_ok());
            if condition.len() != before {
                changed = true;
                if condition.is_empty() {
                    statement.shift_remove("Condition");
                }
            }
        }
    }
    changed
}

/// Most statements one statement may be split into.
const SPLIT_LIMIT: usize = 256;

/// A statement whose plain negated operator has several values for a key becomes one statement
/// per value (without `Sid`, so they do not clash): the copies apply when *any* value differs,
/// which is the OR the bug computes instead of IAM's NOR.
fn split_negated_values(_: &CaseLine, policies: &mut [Value]) -> bool {
    let mut changed = false;
    for policy in policies.iter_mut() {
        let Some(object) = policy.as_object_mut() else {
            continue;
        };
        let statements: Vec<Value> = match object.get("Statement") {
            Some(Value::Array(items)) => items.clone(),
            Some(one @ Value::Object(_)) => vec![one.clone()],
            _ => continue,
        };
        let mut out = Vec::new();
        for statement in statements {
            let copies = split_statement(&statement);
            changed |= copies.len() > 1;
            out.extend(copies);
        }
        object.insert("Statement".into(), Value::Array(out));
    }
    changed
}

fn split_statement(statement: &Value) -> Vec<Value> {
    let mut splits: Vec<(String, String, Vec<Value>)> = Vec::new();
    if let Some(Value::Object(condition)) = statement.get("Condition") {
        for (name, block) in condition {
            let negated_plain =
                Operator::parse(name).is_ok_and(|op| op.is_negated() && op.qualifier.is_none());
            let Some(block) = block.as_object().filter(|_| negated_plain) else {
                continue;
            };
            for (key, values) in block {
                if let Some(values) = values.as_array().filter(|v| v.len() > 1) {
                    splits.push((name.clone(), key.clone(), values.clone()));
                }
            }
        }
    }
    let mut copies = vec![statement.clone()];
    for (name, key, values) in splits {
        if copies.len() * values.len() > SPLIT_LIMIT {
            break;
        }
        let mut next = Vec::new();
        for copy in &copies {
            for value in &values {
                let mut one = copy.clone();
                if let Some(slot) = one
                    .get_mut("Condition")
                    .and_then(|c| c.get_mut(name.as_str()))
                    .and_then(|b| b.get_mut(key.as_str()))
                {
                    *slot = Value::Array(vec![value.clone()]);
                }
                if let Some(object) = one.as_object_mut() {
                    object.shift_remove("Sid");
                }
                next.push(one);
            }
        }
        copies = next;
    }
    copies
}

// ---- readings modes (issue 9) ----

/// `reading ID-n=WORD,...`: the reference under those readings.
fn readings_mode(list: &str) -> Result<Mode, String> {
    let mut readings = Readings::default();
    for (point, index) in Readings::parse_list(list).map_err(|e| e.to_string())? {
        readings.set_index(point, index);
    }
    Ok(Mode::Reading(readings))
}

/// Whether the reference's error comes from a request value it cannot read (ID-5): under the
/// `false` reading of ID-5 the case is decided.
fn unreadable_value(case: &CaseLine) -> bool {
    let mut readings = Readings::default();
    readings.unreadable_value = iam_policy::readings::UnreadableValue::False;
    !matches!(
        Oracle::under(readings).answer(case).verdict,
        Verdict::Error(_)
    )
}

/// `bare-ip-as-text`: a bare policy address whose text differs from the request's address
/// (single-valued key) is replaced by one that matches nothing the request holds.
fn bare_ips_as_text(case: &CaseLine, policies: &mut [Value]) -> bool {
    let mut changed = false;
    for policy in policies.iter_mut() {
        for statement in statements_mut(policy) {
            let Some(Value::Object(condition)) = statement.get_mut("Condition") else {
                continue;
            };
            for (operator, body) in condition.iter_mut() {
                if !operator.trim_end_matches("IfExists").ends_with("IpAddress") {
                    continue;
                }
                let Value::Object(keys) = body else { continue };
                for (key, values) in keys.iter_mut() {
                    let Some(asked) = request_text(case, key) else {
                        continue;
                    };
                    let items: Vec<&mut Value> = match values {
                        Value::Array(items) => items.iter_mut().collect(),
                        one => vec![one],
                    };
                    for item in items {
                        let Some(text) = item.as_str() else { continue };
                        let bare = !text.contains('/') && text.parse::<std::net::IpAddr>().is_ok();
                        if bare && text != asked {
                            // A range of the other family never holds the request's address.
                            let elsewhere = if asked.contains(':') {
                                "255.255.255.255/32"
                            } else {
                                "::/128"
                            };
                            *item = Value::String(elsewhere.to_owned());
                            changed = true;
                        }
                    }
                }
            }
        }
    }
    changed
}

/// The request's single value for `key` (compared case-insensitively).
fn request_text<'c>(case: &'c CaseLine, key: &str) -> Option<&'c str> {
    case.request
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str())
}

// ---- end of readings modes ----
// ===== Hostile processes (issue 12): a candidate the gate must end, with all it started =====
//
// - `slow-partial-lines N`: answers each case correctly, but one byte at a time, N milliseconds
//   apart: a line arrives far later than the gate waits.
// - `close-stdout`: reads the first case, closes its standard output (points it at /dev/null)
//   and keeps running, reading nothing more.
// - `fork-holding-pipe`: on the first case, starts a child (`hold-pipe`) that inherits its
//   output pipe and sleeps, then exits 0 without answering: the pipe stays open.
// Each writes `iamconf-fixture: pid N` on standard error for every process it runs, so that a
// test can check that none outlives the gate.

/// Run a hostile mode, when `args` names one.
fn hostile_mode(args: &[String]) -> Option<ExitCode> {
    let (name, rest) = args.split_first()?;
    let code = match (name.as_str(), rest) {
        ("slow-partial-lines", [ms]) => slow_partial_lines(Duration::from_millis(ms.parse().ok()?)),
        ("close-stdout", []) => close_stdout(),
        ("fork-holding-pipe", []) => fork_holding_pipe(),
        ("hold-pipe", []) => sleep_forever(),
        _ => return None,
    };
    Some(code)
}

fn announce_pid(pid: u32) {
    eprintln!("iamconf-fixture: pid {pid}");
}

fn first_case_line() -> Option<String> {
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(n) if n > 0 => Some(line),
        _ => None,
    }
}

fn slow_partial_lines(gap: Duration) -> ExitCode {
    announce_pid(std::process::id());
    let lines = spawn_reader();
    let mut oracle = Oracle::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    while let Ok(line) = lines.recv() {
        let answer = match CaseLine::parse(&line) {
            Ok(case) => oracle.answer(&case).to_line(),
            Err((id, message)) => AnswerLine {
                id,
                verdict: Verdict::Error(message),
                matched: None,
            }
            .to_line(),
        };
        for byte in answer.bytes().chain(std::iter::once(b'\n')) {
            if out.write_all(&[byte]).and_then(|()| out.flush()).is_err() {
                return ExitCode::from(1);
            }
            thread::sleep(gap);
        }
    }
    ExitCode::SUCCESS
}

fn close_stdout() -> ExitCode {
    announce_pid(std::process::id());
    if first_case_line().is_none() {
        return ExitCode::from(1);
    }
    #[cfg(unix)]
    {
        let closed = std::fs::File::open("/dev/null")
            .map_err(|e| e.to_string())
            .and_then(|null| rustix::stdio::dup2_stdout(&null).map_err(|e| e.to_string()));
        if let Err(e) = closed {
            eprintln!("iamconf-fixture: cannot close standard output: {e}");
            return ExitCode::from(1);
        }
    }
    sleep_forever()
}

fn fork_holding_pipe() -> ExitCode {
    announce_pid(std::process::id());
    if first_case_line().is_none() {
        return ExitCode::from(1);
    }
    let child = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("hold-pipe")
            .stdin(std::process::Stdio::null())
            .spawn()
    });
    match child {
        // The child is neither waited for nor ended: it outlives this process.
        Ok(child) => announce_pid(child.id()),
        Err(e) => {
            eprintln!("iamconf-fixture: cannot start the child: {e}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
// ===== end of hostile processes =====

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glob_is_case_sensitive_and_complete() {
        let m = |p: &str, t: &str| {
            glob_match(
                &p.chars().collect::<Vec<_>>(),
                &t.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("iot:Describe*", "iot:DescribeJob"));
        assert!(!m("iot:describe*", "iot:DescribeJob"));
        assert!(m("iot:*Job?", "iot:DescribeJobs"));
        assert!(m("*", ""));
        assert!(!m("iot:?", "iot:"));
        assert!(m("a*b*c", "axxbyybc"));
        assert!(!m("a*b*c", "axxbyyb"));
    }

    #[test]
    fn modes_parse_with_their_numbers() {
        let args = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(parse_mode(&args("crash-after 3")), Ok(Mode::CrashAfter(3)));
        assert_eq!(parse_mode(&args("slow 250")), Ok(Mode::Slow(250)));
        assert!(parse_mode(&args("slow")).is_err());
        assert!(parse_mode(&args("garbage 1")).is_err());
        assert!(parse_mode(&args("nonsense")).is_err());
    }
}
