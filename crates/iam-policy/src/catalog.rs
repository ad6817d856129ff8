//! The AWS IoT Jobs catalog: every `iot` jobs and commands action and every `iotjobsdata`
//! action, its resource types (required or optional) with their ARN templates, and its
//! condition keys. It drives lint warnings; it never changes a decision.
//!
//! The data follows the Service Authorization Reference as summarised in docs/iam-facts.md
//! §9.1, §9.2 and §9.5 (snapshot 2026-07/08). The catalog holds the Jobs subset of `iot`:
//! the 21 control-plane actions of the seed page and the 9 command actions, plus the 4
//! `iotjobsdata` actions. So that lints do not call every other IoT action unknown, the names
//! (only the names) of all the other `iot` actions of the same snapshot are listed too: see
//! [`action_exists`].
//!
//! Condition keys: [`condition_key`] gives a key's type and whether it is multivalued (global
//! keys and the IoT service keys, families such as `aws:RequestTag/${TagKey}` included), and
//! [`action_receives_key`] which keys a request for an action may carry. [`outside_catalog`]
//! says why a request is not one AWS could send (§2 of the semantics, ID-16).
//!
//! ```
//! use iam_policy::catalog;
//!
//! let create = catalog::lookup_action("iot", "createjob").unwrap();
//! assert!(catalog::takes_resource(create, "thinggroup"));
//! let wrong_plane = catalog::suggest_action("iot", "GetPendingJobExecutions").unwrap();
//! assert_eq!(wrong_plane.vendor, "iotjobsdata");
//! let rt = catalog::resource_type_of("arn:aws:iot:us-east-1:123456789012:job/*").unwrap();
//! assert_eq!(rt.name, "job");
//! ```

/// How an action is classed in the Service Authorization Reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    /// Read
    Read,
    /// Write
    Write,
    /// List
    List,
    /// Tagging
    Tagging,
}

/// A resource type an action takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceUse {
    /// The resource type's name (`job`, `thing`, ...).
    pub resource_type: &'static str,
    /// Whether the action requires it.
    pub required: bool,
}

/// One action of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// `iot` or `iotjobsdata`.
    pub vendor: &'static str,
    /// The action name (`CreateJob`).
    pub name: &'static str,
    /// Its access level.
    pub access: AccessLevel,
    /// The resource types it takes; empty means it takes only `*`.
    pub resources: &'static [ResourceUse],
    /// Its action-level condition keys.
    pub condition_keys: &'static [&'static str],
    /// The plane: `true` for the control plane (`iot`), `false` for the data plane.
    pub control_plane: bool,
}

impl ActionInfo {
    /// A one-line description: the phrase completing "grants permission to …" (from the seed
    /// page where it has one, else from the Service Authorization Reference), e.g.
    /// `"cancel a job"`.
    pub fn description(&self) -> &'static str {
        DESCRIPTIONS
            .iter()
            .find(|(v, n, _)| *v == self.vendor && *n == self.name)
            .map_or("", |(_, _, d)| d)
    }
}

/// One resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// Its name (`job`).
    pub name: &'static str,
    /// Its ARN template (`arn:${Partition}:iot:${Region}:${Account}:job/${JobId}`).
    pub arn_template: &'static str,
    /// The condition keys that apply to it.
    pub condition_keys: &'static [&'static str],
}

mod data;
mod keys;
pub mod operations;
mod realism;
use crate::text::cmp_folded;
use data::{ACTIONS, DESCRIPTIONS, IOT_ACTION_NAMES, RESOURCE_TYPES};
pub use keys::{action_receives_key, condition_key, condition_keys, KeyInfo, KeyScope, KeyType};
pub use realism::{outside_catalog, value_fits, ContextShape, OutsideCatalog};

/// Every action of the catalog.
pub fn actions() -> &'static [ActionInfo] {
    &ACTIONS
}

/// Every resource type of the catalog.
pub fn resource_types() -> &'static [ResourceType] {
    &RESOURCE_TYPES
}

/// The resource type called `name` (`job`, ...), compared case-insensitively.
pub fn resource_type(name: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(name))
}

/// Whether the catalog covers `vendor` (`iot` or `iotjobsdata`, case-insensitive).
pub fn covers_vendor(vendor: &str) -> bool {
    vendor.eq_ignore_ascii_case("iot") || vendor.eq_ignore_ascii_case("iotjobsdata")
}

/// The action `vendor:name`, compared case-insensitively.
pub fn lookup_action(vendor: &str, name: &str) -> Option<&'static ActionInfo> {
    actions()
        .iter()
        .find(|a| a.vendor.eq_ignore_ascii_case(vendor) && a.name.eq_ignore_ascii_case(name))
}

/// Every `iot` action name of the SAR snapshot, catalog or not, in the snapshot's order.
pub fn iot_action_names() -> impl Iterator<Item = &'static str> {
    iot_names().in_order.iter().copied()
}

/// The snapshot's `iot` action names, split once: in the snapshot's order (which "did you
/// mean" ties follow) and sorted case-insensitively (for lookups in logarithmic time).
struct IotNames {
    in_order: Vec<&'static str>,
    folded_sorted: Vec<&'static str>,
}

fn iot_names() -> &'static IotNames {
    static NAMES: std::sync::OnceLock<IotNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let in_order: Vec<&'static str> = IOT_ACTION_NAMES.split_whitespace().collect();
        let mut folded_sorted = in_order.clone();
        folded_sorted.sort_unstable_by(|a, b| cmp_folded(a, b));
        IotNames {
            in_order,
            folded_sorted,
        }
    })
}

/// Whether `name` is an `iot` action name of the snapshot (case-insensitive).
fn is_iot_action_name(name: &str) -> bool {
    iot_names()
        .folded_sorted
        .binary_search_by(|n| cmp_folded(n, name))
        .is_ok()
}

/// Whether `vendor:name` is a real action (case-insensitive): a catalog action, or any other
/// `iot` action of the SAR snapshot (`iot:Publish`, `iot:DescribeThing`, ...). `false` for
/// vendors the catalog does not cover.
pub fn action_exists(vendor: &str, name: &str) -> bool {
    lookup_action(vendor, name).is_some()
        || (vendor.eq_ignore_ascii_case("iot") && is_iot_action_name(name))
}

/// The action nearest to `vendor:name`, as (vendor, name) in their catalog spelling, for "did
/// you mean": the action itself when it exists; the same name on the other plane
/// (`iot:GetPendingJobExecutions` → `iotjobsdata:GetPendingJobExecutions`); else the closest
/// name of either plane, the asked vendor winning ties. May name an `iot` action outside the
/// catalog (`iot:DescribeThng` → `iot:DescribeThing`). `None` for far-off names and vendors
/// the catalog does not cover. Meant for names without wildcards: `*` and `?` are compared as
/// plain characters.
pub fn suggest_action_name(vendor: &str, name: &str) -> Option<(&'static str, &'static str)> {
    let (own, other) = if vendor.eq_ignore_ascii_case("iot") {
        ("iot", "iotjobsdata")
    } else if vendor.eq_ignore_ascii_case("iotjobsdata") {
        ("iotjobsdata", "iot")
    } else {
        return None;
    };
    // A case variant on either plane wins (the asked one first), then the closest name.
    crate::suggest::nearest(
        name,
        [own, other]
            .into_iter()
            .flat_map(|v| names_of(v).map(move |n| ((v, n), n))),
    )
}

/// The catalog action nearest to `vendor:name`, for "did you mean" (see
/// [`suggest_action_name`]); `None` also when the nearest action is outside the catalog.
pub fn suggest_action(vendor: &str, name: &str) -> Option<&'static ActionInfo> {
    let (v, n) = suggest_action_name(vendor, name)?;
    lookup_action(v, n)
}

fn names_of(vendor: &'static str) -> Box<dyn Iterator<Item = &'static str>> {
    if vendor == "iot" {
        Box::new(iot_action_names())
    } else {
        Box::new(ACTIONS.iter().filter(|a| !a.control_plane).map(|a| a.name))
    }
}

/// Whether `action` takes resources of type `resource_type` (case-insensitive). An action
/// with no resource types takes only `*`, so this is `false` for it whatever the type.
pub fn takes_resource(action: &ActionInfo, resource_type: &str) -> bool {
    action
        .resources
        .iter()
        .any(|r| r.resource_type.eq_ignore_ascii_case(resource_type))
}

/// Whether `action` takes the resource an ARN pattern names: `None` when the ARN's type is not
/// known (see [`resource_types_of`]); `Some(true)` when the action takes any type the ARN
/// fits (a group ARN fits both `thinggroup` and `dynamicthinggroup`).
pub fn takes_arn(action: &ActionInfo, arn: &str) -> Option<bool> {
    let types = resource_types_of(arn);
    if types.is_empty() {
        return None;
    }
    Some(types.iter().any(|t| takes_resource(action, t.name)))
}

/// The catalog actions that take resources of type `resource_type` (case-insensitive).
pub fn actions_taking(resource_type: &str) -> Vec<&'static ActionInfo> {
    ACTIONS
        .iter()
        .filter(|a| takes_resource(a, resource_type))
        .collect()
}

/// The resource type an ARN (or ARN pattern) names, from its resource part: the first of
/// [`resource_types_of`].
pub fn resource_type_of(arn: &str) -> Option<&'static ResourceType> {
    resource_types_of(arn).first().copied()
}

/// Every resource type whose template the resource part (after the fifth colon) of `arn`
/// fits, when the ARN's service segment is `iot`. The type word before the first `/` must be
/// literal (no `*` or `?`), so `*` and `arn:aws:iot:*:*:*` name no type. A template's
/// `${Name}` stands for one or more characters other than `/`, colons included
/// (`jobtemplate/AWS-Reboot:1.0`). The pattern's `*` and `?` are first read as plain name
/// characters (`package/*` is a package, `package/P/version/*` a package version); only if
/// no type fits that way are they read as wildcards (`package/P/*` is a package version).
pub fn resource_types_of(arn: &str) -> Vec<&'static ResourceType> {
    let Some(["arn", _, "iot", _, _, resource]) = crate::arn::split(arn, false) else {
        return Vec::new();
    };
    let Some((kind, _)) = resource.split_once('/') else {
        return Vec::new();
    };
    if kind.is_empty() || kind.contains(['*', '?']) {
        return Vec::new();
    }
    for wildcards in [false, true] {
        let found: Vec<&'static ResourceType> = RESOURCE_TYPES
            .iter()
            .filter(|t| {
                let template = resource_template(t);
                // Cheap first: the literal type word must be the template's.
                template
                    .split_once('/')
                    .is_some_and(|(word, _)| word == kind)
                    && fits_template(template, resource, wildcards)
            })
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// The resource part of a type's ARN template (`job/${JobId}`).
fn resource_template(t: &ResourceType) -> &'static str {
    // Resource templates hold no colon, so the resource part follows the last one.
    t.arn_template
        .rfind(':')
        .and_then(|i| t.arn_template.get(i + 1..))
        .unwrap_or("")
}

#[derive(Clone, Copy, PartialEq)]
enum TemplateItem {
    Lit(char),
    /// `${Name}`: one or more characters other than `/`.
    Var,
}

#[derive(Clone, Copy)]
enum PatternItem {
    Ch(char),
    AnyChar,
    AnyRun,
}

fn template_items(template: &str) -> Vec<TemplateItem> {
    let mut items = Vec::new();
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                items.push(TemplateItem::Var);
                rest = after.get(end + 1..).unwrap_or("");
                continue;
            }
        }
        items.push(TemplateItem::Lit(c));
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    items
}

/// Whether some text is both matched by `pattern` (with `*`/`?` wildcards when `wildcards`,
/// else literal) and of the template's form. A search over (pattern position, template
/// position, variable started) states: at most 2·(n+1)·(m+1) of them.
fn fits_template(template: &str, pattern: &str, wildcards: bool) -> bool {
    if let Some(fits) = fits_template_by_segments(template, pattern, wildcards) {
        return fits;
    }
    fits_template_general(template, pattern, wildcards)
}

/// The common case without allocating: the pattern has no live wildcard and every `/`-segment
/// of the template is literal or exactly one `${Name}` (one or more characters other than
/// `/`). `None` when that shortcut does not apply.
fn fits_template_by_segments(template: &str, pattern: &str, wildcards: bool) -> Option<bool> {
    if wildcards && pattern.contains(['*', '?']) {
        return None;
    }
    let whole_var =
        |seg: &str| seg.starts_with("${") && seg.ends_with('}') && seg.matches("${").count() == 1;
    if template
        .split('/')
        .any(|seg| seg.contains("${") && !whole_var(seg))
    {
        return None;
    }
    let mut t = template.split('/');
    let mut p = pattern.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(true),
            (Some(ts), Some(ps)) if whole_var(ts) => {
                if ps.is_empty() {
                    return Some(false);
                }
            }
            (Some(ts), Some(ps)) if ts == ps => {}
            _ => return Some(false),
        }
    }
}

fn fits_template_general(template: &str, pattern: &str, wildcards: bool) -> bool {
    let tpl = template_items(template);
    let pat: Vec<PatternItem> = pattern
        .chars()
        .map(|c| match c {
            '*' if wildcards => PatternItem::AnyRun,
            '?' if wildcards => PatternItem::AnyChar,
            c => PatternItem::Ch(c),
        })
        .collect();
    let (n, m) = (pat.len(), tpl.len());
    let index = |i: usize, j: usize, s: bool| (i * (m + 1) + j) * 2 + usize::from(s);
    let mut seen = vec![false; (n + 1) * (m + 1) * 2];
    let mut stack = vec![(0usize, 0usize, false)];
    while let Some((i, j, s)) = stack.pop() {
        let Some(slot) = seen.get_mut(index(i, j, s)) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == n && j == m {
            return true;
        }
        let t = tpl.get(j).copied();
        let p = pat.get(i).copied();
        if t == Some(TemplateItem::Var) && s {
            stack.push((i, j + 1, false));
        }
        // The pattern position after consuming one character, and whether `*` stays.
        let next_i = match p {
            None => continue,
            Some(PatternItem::AnyRun) => {
                stack.push((i + 1, j, s));
                i
            }
            Some(_) => i + 1,
        };
        match (p, t) {
            (Some(PatternItem::Ch(c)), Some(TemplateItem::Lit(d))) if c == d => {
                stack.push((next_i, j + 1, false));
            }
            (Some(PatternItem::Ch(c)), Some(TemplateItem::Var)) if c != '/' => {
                stack.push((next_i, j, true));
            }
            (Some(PatternItem::AnyChar | PatternItem::AnyRun), Some(TemplateItem::Lit(_))) => {
                stack.push((next_i, j + 1, false));
            }
            (Some(PatternItem::AnyChar | PatternItem::AnyRun), Some(TemplateItem::Var)) => {
                stack.push((next_i, j, true));
            }
            _ => {}
        }
    }
    false
}

/// The segments of an ARN (pattern) that are evidently documentation placeholders, as
/// (segment index, text): 1 partition (`partition`), 3 region (`region`, `aws-region`,
/// `your-region`, `<region>`, ...), 4 account (anything but 12 digits, empty, a wildcard
/// pattern or `aws`: `account-id`, `57EXAMPLE833`, `your-account-id`), and for 5, each piece
/// of the resource part after the type that names its own kind (`thing-name`,
/// `thing-group-name`, `job-id`, `<name>`). SAR template text such as `${Region}` or
/// `${ThingName}` counts in every segment (policy variables such as `${aws:username}` do not).
/// Conservative: a real-looking name is never flagged. Empty for text not starting `arn:`.
pub fn placeholder_segments(arn: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut parts = crate::arn::components(arn);
    if parts.next() != Some("arn") {
        return found;
    }
    for (index, segment) in parts.enumerate().map(|(k, s)| (k + 1, s)) {
        match index {
            1 if is_partition_placeholder(segment) => found.push((index, segment.to_owned())),
            3 if is_region_placeholder(segment) => found.push((index, segment.to_owned())),
            4 if is_account_placeholder(segment) => found.push((index, segment.to_owned())),
            5 => {
                for piece in resource_placeholders(segment) {
                    found.push((index, piece.to_owned()));
                }
            }
            _ => {}
        }
    }
    found
}

/// `${Name}` with a plain name (no colon): SAR template text, not a policy variable.
fn has_template_text(text: &str) -> bool {
    if !text.bytes().any(|b| b == b'$') {
        return false;
    }
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            return false;
        };
        let inner = after.get(..end).unwrap_or("");
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return true;
        }
        rest = after;
    }
    false
}

/// `<...>` or `[...]` around some text: never part of a real region, account or name.
fn is_bracketed(text: &str) -> bool {
    text.len() > 2
        && ((text.starts_with('<') && text.ends_with('>'))
            || (text.starts_with('[') && text.ends_with(']')))
}

/// The longest squashed text worth comparing: longer than every placeholder word.
const SQUASH_MAX: usize = 32;

/// Lower-cased, without `-`, `_`, `.` and blanks: `Thing_Group-Name` → `thinggroupname`,
/// written into `buf`; `None` when the result could equal no placeholder word (every word is
/// ASCII letters: it holds another character, such as the digit of a real name or region, or
/// is longer than [`SQUASH_MAX`]), so nothing is allocated and real names stop early.
fn squash<'b>(text: &str, buf: &'b mut [u8; SQUASH_MAX]) -> Option<&'b str> {
    let mut len = 0;
    for b in text.bytes() {
        if matches!(b, b'-' | b'_' | b'.' | b' ') {
            continue;
        }
        if !b.is_ascii_alphabetic() {
            return None;
        }
        *buf.get_mut(len)? = b.to_ascii_lowercase();
        len += 1;
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

/// Whether `squash(text)` is one of `words` (all ASCII).
fn squashes_to(text: &str, words: &[&str]) -> bool {
    let mut buf = [0; SQUASH_MAX];
    squash(text, &mut buf).is_some_and(|s| words.contains(&s))
}

fn is_partition_placeholder(segment: &str) -> bool {
    has_template_text(segment)
        || is_bracketed(segment)
        || squashes_to(segment, &["partition", "awspartition", "yourpartition"])
}

fn is_region_placeholder(segment: &str) -> bool {
    const WORDS: [&str; 12] = [
        "region",
        "awsregion",
        "yourregion",
        "yourawsregion",
        "myregion",
        "regionname",
        "regioncode",
        "regionid",
        "awsregioncode",
        "awsregionname",
        "yourregioncode",
        "yourregionname",
    ];
    has_template_text(segment) || is_bracketed(segment) || squashes_to(segment, &WORDS)
}

fn is_account_placeholder(segment: &str) -> bool {
    let real = segment.is_empty()
        || (segment.len() == 12 && segment.bytes().all(|b| b.is_ascii_digit()))
        || memchr::memchr2(b'*', b'?', segment.as_bytes()).is_some()
        || segment == "aws";
    let variable = crate::text::has_variable_start(segment) && !has_template_text(segment);
    !real && !variable
}

/// The pieces of a resource part after its type word that are placeholders.
fn resource_placeholders(resource: &str) -> Vec<&str> {
    const WORDS: [&str; 17] = [
        "thingname",
        "thinggroupname",
        "dynamicthinggroupname",
        "groupname",
        "jobid",
        "jobname",
        "jobtemplateid",
        "jobtemplatename",
        "templateid",
        "packagename",
        "versionname",
        "packageversionname",
        "commandid",
        "clientid",
        "thingtypename",
        "resourcename",
        "resourceid",
    ];
    let mut pieces = crate::text::split_bytes(resource, b'/', usize::MAX);
    let mut found = Vec::new();
    if let Some(kind) = pieces.next() {
        if has_template_text(kind) || is_bracketed(kind) {
            found.push(kind);
        }
    }
    for piece in pieces {
        let mut buf = [0; SQUASH_MAX];
        let word = squash(piece, &mut buf).is_some_and(|squashed| {
            let bare = squashed.strip_prefix("your").unwrap_or(squashed);
            WORDS.contains(&bare)
        });
        if has_template_text(piece) || is_bracketed(piece) || word {
            found.push(piece);
        }
    }
    found
}

#[cfg(test)]
mod tests;
