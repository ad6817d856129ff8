//! Generators of policies and requests.
//!
//! A case is first drawn as a small model ([`model::GenCase`]: policies → statements →
//! actions, resources, conditions; a request → action, resource, context), from SMALL pools so
//! that matches and near misses are common, then rendered to the protocol: policies as JSON
//! objects (so that the gate's shrinker works structurally), sometimes as document text,
//! sometimes malformed. Some statements are aimed at the request (their first action and
//! resource drawn from the request's own, or as a near miss: weights `focus` and `near_miss`),
//! so that most cases decide something. The `ID-n` choices a case can depend on are found from
//! the model ([`tags`]): only where a choice can reach the answer, never missing one, so that
//! an untagged case is one every conforming evaluator answers like the reference.
//!
//! The strategies are proptest strategies ([`arb_case`]); [`generate_cases`] draws from them
//! with a deterministic ChaCha RNG seeded by `(seed, index)`, so case `gen-<seed>-<index>` can
//! be regenerated alone.

pub mod families;
mod focus;
mod id_points;
pub mod model;
pub mod pools;
mod request;
mod strategy;
pub mod tags;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner};
use serde::Deserialize;

use crate::protocol::CaseLine;

pub use strategy::arb_model;

/// The generator's pools and weights. Every field has a default (the values of
/// `conformance/presets/default.json`); a JSON file may set any subset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneratorConfig {
    /// Most policies per case (at least 1 is drawn unless `empty_set` fires).
    pub max_policies: usize,
    /// Most statements per policy.
    pub max_statements: usize,
    /// Most condition entries per statement.
    pub max_conditions: usize,
    /// Most values per condition key (several values exercise OR / NOR).
    pub max_values: usize,
    /// How often each shape is drawn.
    pub weights: Weights,
    /// What names and values are drawn from.
    pub pools: Pools,
}

/// Percentages (0–100) of how often each shape is drawn; `families` are relative weights.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// A case with no policy at all.
    pub empty_set: u32,
    /// A policy sent as document text rather than a JSON object.
    pub text_document: u32,
    /// A text document that is malformed (of the text documents).
    pub malformed: u32,
    /// `Version: 2012-10-17` (else 2008-10-17 or absent, evenly).
    pub version_2012: u32,
    /// A statement with `Effect: Deny`.
    pub deny: u32,
    /// A statement whose first action and first resource are drawn from the request's own
    /// (exactly, as a case variant, or as a wildcard that covers it).
    pub focus: u32,
    /// Of those, a near miss: one of the two just misses (the other plane's same operation,
    /// another resource type or account, the resource id re-cased, ...).
    pub near_miss: u32,
    /// `NotAction` instead of `Action`.
    pub not_action: u32,
    /// `NotResource` instead of `Resource`.
    pub not_resource: u32,
    /// A statement with a `Condition` block.
    pub condition: u32,
    /// A resource pattern with a policy variable in its resource part.
    pub variable: u32,
    /// A request action (or action pattern) re-cased.
    pub action_case_variant: u32,
    /// A request action drawn from the whole catalog rather than the focus pool.
    pub catalog_action: u32,
    /// An ARN whose partition, service or region is re-cased (ID-6).
    pub arn_case_variant: u32,
    /// The request resource `*`.
    pub star_resource: u32,
    /// A context key written with another case.
    pub key_case_variant: u32,
    /// A context key the conditions use left absent.
    pub key_absent: u32,
    /// A context key given as an empty array.
    pub empty_array: u32,
    /// A single-valued context key given as an array of one.
    pub array_of_one: u32,
    /// A context value that cannot be read as its type (ID-5).
    pub unreadable_value: u32,
    /// A request that may break the catalog (§2, ID-16): a made-up action, a resource of a
    /// type the action does not take, an array for a single-valued key, an unreadable value.
    /// `empty_array`, `array_of_one` and `unreadable_value` apply to single-valued keys only
    /// in such requests (aws:TagKeys, multivalued, is always an array).
    pub outside_catalog: u32,
    /// A condition operator with `IfExists`.
    pub if_exists: u32,
    /// A condition operator with a set qualifier.
    pub qualifier: u32,
    /// Relative weights of the operator families.
    pub families: FamilyWeights,
}

/// Relative weights of the condition operator families.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FamilyWeights {
    pub string: u32,
    pub numeric: u32,
    pub date: u32,
    pub bool: u32,
    pub binary: u32,
    pub ip: u32,
    pub arn: u32,
    pub null: u32,
}

/// The pools names and values are drawn from. Kept small, so that matches are common.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pools {
    /// Request actions drawn most of the time (`vendor:Name`).
    pub actions: Vec<String>,
    /// Action patterns for policies (besides the request actions).
    pub action_patterns: Vec<String>,
    /// Job ids.
    pub job_ids: Vec<String>,
    /// Thing names (also the values of `aws:username`, so that `${aws:username}` matches).
    pub thing_names: Vec<String>,
    /// Thing group names.
    pub thing_groups: Vec<String>,
    /// Regions.
    pub regions: Vec<String>,
    /// Accounts.
    pub accounts: Vec<String>,
    /// IP ranges for `IpAddress`/`NotIpAddress` (CIDR or bare; v4 and v6).
    pub ip_ranges: Vec<String>,
    /// Tag values (`aws:RequestTag/env`).
    pub tag_values: Vec<String>,
    /// Tag keys (`aws:TagKeys`, multivalued).
    pub tag_keys: Vec<String>,
    /// Numbers.
    pub numbers: Vec<String>,
    /// Dates (ISO 8601 or epoch seconds).
    pub dates: Vec<String>,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        Self {
            max_policies: 3,
            max_statements: 3,
            max_conditions: 2,
            max_values: 3,
            weights: Weights::default(),
            pools: Pools::default(),
        }
    }
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            empty_set: 2,
            text_document: 10,
            malformed: 50,
            version_2012: 70,
            deny: 30,
            focus: 60,
            near_miss: 25,
            not_action: 10,
            not_resource: 10,
            condition: 50,
            variable: 15,
            action_case_variant: 10,
            catalog_action: 20,
            arn_case_variant: 3,
            star_resource: 10,
            key_case_variant: 15,
            key_absent: 20,
            empty_array: 5,
            array_of_one: 10,
            unreadable_value: 3,
            outside_catalog: 5,
            if_exists: 20,
            qualifier: 20,
            families: FamilyWeights::default(),
        }
    }
}

impl Default for FamilyWeights {
    fn default() -> Self {
        Self {
            string: 4,
            numeric: 1,
            date: 1,
            bool: 2,
            binary: 1,
            ip: 3,
            arn: 2,
            null: 1,
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for Pools {
    fn default() -> Self {
        Self {
            actions: strings(&[
                "iot:DescribeJob",
                "iot:DescribeJobExecution",
                "iotjobsdata:DescribeJobExecution",
                "iot:CreateJob",
                "iot:ListJobs",
                "iot:CancelJob",
                "iotjobsdata:UpdateJobExecution",
                "iotjobsdata:GetPendingJobExecutions",
            ]),
            action_patterns: strings(&[
                "iot:*",
                "iotjobsdata:*",
                "iot:Describe*",
                "iot:?escribeJob",
                "*",
                "iot:*JobExecution",
                "iotjobsdata:*JobExecution",
            ]),
            job_ids: strings(&["firmware-42", "Firmware-42", "firmware-7", "café"]),
            thing_names: strings(&["MyIoTThing", "myiotthing", "sensor-1", "café"]),
            thing_groups: strings(&["fleet", "Fleet-A", "café"]),
            regions: strings(&["us-east-1", "eu-west-1"]),
            accounts: strings(&["123456789012", "210987654321"]),
            ip_ranges: strings(&[
                "203.0.113.0/24",
                "192.0.2.5/24",
                "10.0.0.0/8",
                "198.51.100.7",
                "0.0.0.0/0",
                "2001:db8::/32",
                "2001:DB8:0:0:8::/80",
                "::/0",
                "2001:db8::1",
            ]),
            tag_values: strings(&["prod", "beta", "Prod", "café", "dev*", "b?ta"]),
            tag_keys: strings(&["env", "team", "Env", "owner"]),
            numbers: strings(&["0", "10", "10.0", "3600", "-1", "2.5"]),
            dates: strings(&[
                "2024-01-01T00:00:00Z",
                "2024-06-15T12:30:00Z",
                "2024-06-15T14:30:00+02:00",
                "1704067200",
                "1718454600",
            ]),
        }
    }
}

/// A generated case, with the `ID-n` choices its expected answer depends on.
#[derive(Debug, Clone)]
pub struct GeneratedCase {
    /// The case.
    pub case: CaseLine,
    /// The implementation-defined choices it exercises.
    pub implementation_defined: Vec<String>,
}

/// The strategy of whole cases (id `gen-case`): the model, rendered, with its tags.
pub fn arb_case(config: &GeneratorConfig) -> impl Strategy<Value = GeneratedCase> {
    arb_model(config).prop_map(|m| m.to_generated("gen-case".to_owned()))
}

/// The seed of `iamconf check` when none is given.
pub const DEFAULT_SEED: u64 = 0x1a3c_0f5e;

/// How many generated cases `iamconf check` runs when not told.
pub const DEFAULT_CASES: usize = 10_000;

/// `n` cases from `seed`: the same seed and config give the same cases. Case `i` is drawn
/// from its own RNG seeded by `(seed, i)`, and has the id `gen-<seed>-<i>`; one case in
/// [`families::PERIOD`] is instead a case of a family the model does not draw (its id then
/// ends in `~<family>`, [`families::family_of_id`]), the families taking turns.
pub fn generate_cases(
    config: &GeneratorConfig,
    seed: u64,
    n: usize,
) -> impl Iterator<Item = GeneratedCase> {
    generate_cases_at(config, seed, 0..n).filter_map(|(_, case)| case)
}

/// The cases at `indices` of the sequence [`generate_cases`] draws from `seed`, each with its
/// index (`None` where the strategy draws no case): a slice of a run (a shard, one job's share)
/// costs only its own cases.
pub fn generate_cases_at(
    config: &GeneratorConfig,
    seed: u64,
    indices: impl Iterator<Item = usize>,
) -> impl Iterator<Item = (usize, Option<GeneratedCase>)> {
    let strategy = arb_model(config);
    indices.map(move |index| {
        let mut bytes = [0u8; 32];
        for (slot, b) in bytes.iter_mut().zip(
            seed.to_le_bytes()
                .into_iter()
                .chain((index as u64).to_le_bytes()),
        ) {
            *slot = b;
        }
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        let mut runner = TestRunner::new_with_rng(RunnerConfig::default(), rng);
        let case = match families::family_of(index) {
            Some(family) => {
                tree_of(families::arb_family_case(family).new_tree(&mut runner)).map(|tree| {
                    let id = format!("gen-{seed}-{index}~{}", family.name());
                    tree.current().to_generated(id)
                })
            }
            None => tree_of(strategy.new_tree(&mut runner))
                .map(|tree| tree.current().to_generated(format!("gen-{seed}-{index}"))),
        };
        (index, case)
    })
}

/// A strategy's tree. The generator's strategies filter nothing, so making a tree cannot
/// fail; should it, the case is missing (`None`: the gate counts it as skipped, with a
/// reason) rather than replaced.
fn tree_of<T>(tree: Result<T, proptest::test_runner::Reason>) -> Option<T> {
    match tree {
        Ok(tree) => Some(tree),
        Err(why) => {
            debug_assert!(false, "a generator strategy failed: {why}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_default_preset() {
        let text = include_str!("../presets/default.json");
        let preset: GeneratorConfig = serde_json::from_str(text).unwrap();
        assert_eq!(preset, GeneratorConfig::default());
    }

    #[test]
    fn every_preset_reads() {
        for text in [
            include_str!("../presets/ip-heavy.json"),
            include_str!("../presets/variables.json"),
            include_str!("../presets/malformed.json"),
        ] {
            let config: GeneratorConfig = serde_json::from_str(text).unwrap();
            assert_eq!(generate_cases(&config, 1, 20).count(), 20);
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<GeneratorConfig>(r#"{"max_policy": 2}"#).is_err());
        assert!(serde_json::from_str::<GeneratorConfig>(r#"{"weights": {"denny": 2}}"#).is_err());
    }

    #[test]
    fn generation_is_deterministic_and_ids_follow_the_index() {
        let config = GeneratorConfig::default();
        let a: Vec<_> = generate_cases(&config, 7, 50).map(|c| c.case).collect();
        let b: Vec<_> = generate_cases(&config, 7, 50).map(|c| c.case).collect();
        assert_eq!(a, b);
        assert_eq!(a[3].id, "gen-7-3");
        let c: Vec<_> = generate_cases(&config, 8, 50).map(|c| c.case).collect();
        assert_ne!(a, c);
        // Case i does not depend on how many cases come before it.
        let alone = generate_cases(&config, 7, 4).last().unwrap();
        assert_eq!(alone.case, a[3]);
    }

    #[test]
    fn objects_are_valid_and_malformed_texts_are_rejected() {
        use iam_policy::Policy;
        let config = GeneratorConfig::default();
        let strategy = arb_model(&config);
        let mut runner = TestRunner::deterministic();
        let mut tags = std::collections::BTreeMap::new();
        for _ in 0..2_000 {
            let model = strategy.new_tree(&mut runner).unwrap().current();
            let generated = model.to_generated("t".into());
            for t in &generated.implementation_defined {
                *tags.entry(t.clone()).or_insert(0) += 1;
            }
            for (policy, sent) in model.policies.iter().zip(&generated.case.policies) {
                let text = match sent {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let parsed = Policy::parse(&text);
                match policy.form {
                    model::Form::Malformed(fault) => {
                        assert_eq!(parsed.is_err(), fault.rejected(), "{fault:?}: {text}")
                    }
                    _ => assert!(parsed.is_ok(), "{text}\n{:?}", parsed.err()),
                }
            }
        }
        // Every tag the generator can set is set now and then.
        for id in [
            "ID-1", "ID-5", "ID-6", "ID-7", "ID-8", "ID-9", "ID-10", "ID-12",
        ] {
            assert!(tags.contains_key(id), "{id} never set: {tags:?}");
        }
    }

    #[test]
    fn empty_pools_do_not_panic() {
        let config: GeneratorConfig = serde_json::from_str(
            r#"{"pools": {"actions": [], "job_ids": [], "ip_ranges": [], "regions": []},
                "weights": {"families": {"string": 0, "numeric": 0, "date": 0, "bool": 0,
                            "binary": 0, "ip": 0, "arn": 0, "null": 0}}}"#,
        )
        .unwrap();
        assert_eq!(generate_cases(&config, 3, 30).count(), 30);
    }
}
