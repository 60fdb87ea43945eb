//! JSON Schema of the rule files (standard.yaml, record.yaml, section files), for editors.
//! The types here mirror what `pack::build` reads; a test checks every built-in pack file
//! against them so the schema cannot drift from the reader.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::Text;

/// A number, or `params.<name>`.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "schema only")]
pub(crate) enum Amount {
    Number(f64),
    Param(String),
}

/// Text in both languages, or one string for both.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "schema only")]
pub(crate) enum TextOrString {
    Text(Text),
    Plain(String),
}

/// A param: a scalar or list, or `{value, unit, basis, source}`.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "schema only")]
pub(crate) enum ParamDef {
    Full {
        value: serde_json::Value,
        unit: Option<String>,
        basis: Option<TextOrString>,
        source: Option<String>,
        description: Option<TextOrString>,
    },
    Plain(serde_json::Value),
}

/// A grade band (ordered best first; the last has no conditions).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct GradeDef {
    id: String,
    label: Option<TextOrString>,
    min_score: Option<f64>,
    min_section_ratio: Option<f64>,
}

/// A named fleet aggregate.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct AggregateDef {
    label: Option<TextOrString>,
    /// ratio | sum | mean | count
    agg: String,
    /// Expression evaluated per record.
    of: Option<String>,
}

/// standard.yaml
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct StandardFile {
    /// Format version: 1.
    chidu: u32,
    id: Option<String>,
    version: Option<String>,
    title: Option<TextOrString>,
    description: Option<TextOrString>,
    source: Option<String>,
    /// The record schema file (default record.yaml).
    record: Option<String>,
    /// Score scale.
    total: Option<f64>,
    /// `rescale` (default) or `full_marks`.
    not_applicable: Option<String>,
    bonus_cap: Option<f64>,
    params: Option<BTreeMap<String, ParamDef>>,
    grades: Option<Vec<GradeDef>>,
    veto_grade: Option<String>,
    /// Section files, in order.
    sections: Option<Vec<String>>,
    aggregates: Option<BTreeMap<String, AggregateDef>>,
    /// Base pack: a path or `builtin:<id>`.
    extends: Option<String>,
    set_params: Option<BTreeMap<String, ParamDef>>,
    remove: Option<Vec<String>>,
    modify: Option<BTreeMap<String, serde_json::Value>>,
}

/// A per-item check.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct ItemDef {
    id: String,
    title: Option<TextOrString>,
    check: String,
}

/// A tier.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct TierDef {
    min: Amount,
    points: f64,
}

/// A linear band.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct LinearDef {
    zero_at: Amount,
    full_at: Amount,
}

/// An indicator: exactly one scoring form (check | items | for_each | measure + target/linear/tiers).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct IndicatorDef {
    id: String,
    title: TextOrString,
    description: Option<TextOrString>,
    clause: Option<String>,
    points: Option<f64>,
    /// document | site | interview | survey
    method: Option<String>,
    when: Option<String>,
    #[serde(rename = "let")]
    lets: Option<indexmap::IndexMap<String, String>>,
    check: Option<String>,
    items: Option<Vec<ItemDef>>,
    deduct: Option<Amount>,
    add: Option<Amount>,
    for_each: Option<String>,
    #[serde(rename = "where")]
    filter: Option<String>,
    measure: Option<String>,
    target: Option<String>,
    linear: Option<LinearDef>,
    tiers: Option<Vec<TierDef>>,
    veto: Option<bool>,
    bonus: Option<bool>,
    message: Option<TextOrString>,
    remediation: Option<TextOrString>,
    evidence: Option<serde_json::Value>,
    notes: Option<serde_json::Value>,
    tags: Option<Vec<String>>,
}

/// A section file.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct SectionFile {
    id: String,
    title: Option<TextOrString>,
    description: Option<TextOrString>,
    points: Option<f64>,
    indicators: Option<Vec<IndicatorDef>>,
}

/// A field of record.yaml.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct FieldDef {
    /// string | int | number | bool | date | enum | object | list
    #[serde(rename = "type")]
    ty: Option<String>,
    required: Option<bool>,
    label: Option<TextOrString>,
    description: Option<TextOrString>,
    unit: Option<String>,
    pii: Option<bool>,
    values: Option<Vec<String>>,
    fields: Option<BTreeMap<String, FieldDef>>,
    item: Option<Box<FieldDef>>,
}

/// record.yaml
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "schema only")]
pub(crate) struct RecordFile {
    id_field: Option<String>,
    name_field: Option<String>,
    group_fields: Option<Vec<String>>,
    fields: Option<BTreeMap<String, FieldDef>>,
}

/// The schemas of the three rule-file kinds, keyed `standard`, `record` and `section`.
pub fn rules_schema() -> serde_json::Value {
    let s = |v: schemars::Schema| serde_json::to_value(v).unwrap_or_default();
    serde_json::json!({
        "standard": s(schemars::schema_for!(StandardFile)),
        "record": s(schemars::schema_for!(RecordFile)),
        "section": s(schemars::schema_for!(SectionFile)),
    })
}
