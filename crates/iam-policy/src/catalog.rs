//! The AWS IoT Jobs catalog: every `iot` jobs and commands action and every `iotjobsdata`
//! action, its resource types (required or optional) with their ARN templates, and its
//! condition keys. It drives lint warnings; it never changes a decision.
//!
//! STUB: the API is fixed; the data is being completed.

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

/// Every action of the catalog.
pub fn actions() -> &'static [ActionInfo] {
    &[]
}

/// Every resource type of the catalog.
pub fn resource_types() -> &'static [ResourceType] {
    &[]
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

/// The catalog action nearest to `vendor:name`, for "did you mean".
pub fn suggest_action(_vendor: &str, _name: &str) -> Option<&'static ActionInfo> {
    None
}

/// The resource type an ARN (or ARN pattern) names, from its resource part.
pub fn resource_type_of(_arn: &str) -> Option<&'static ResourceType> {
    None
}

/// The placeholder segments of an ARN pattern (`region`, `account-id`, `aws-region`, ...):
/// (segment index, text).
pub fn placeholder_segments(_arn: &str) -> Vec<(usize, String)> {
    Vec::new()
}

/// Whether `action` takes resources of type `resource_type` (an action with no resource types
/// takes only `*`).
pub fn takes_resource(action: &ActionInfo, resource_type: &str) -> bool {
    action
        .resources
        .iter()
        .any(|r| r.resource_type == resource_type)
}
