//! Pages, personas, metrics, goals and campaigns.

use super::located::{DateText, Extra, Located, LocatedMap, Number};
use super::period::RawPeriod;
use super::settings::Visibility;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Front matter of `content/index.md` and `content/pages/*.md`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["title"]))]
pub struct Page {
    pub title: Option<Located<String>>,
    pub description: Option<Located<String>>,
    /// Ordering in navigation (lower first), then title.
    pub weight: Option<Located<Number>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PersonaType {
    Buyer,
    User,
    Influencer,
    /// Someone the team deliberately does not target.
    Negative,
}

/// Front matter of `content/personas/*.md`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["name", "summary"]))]
pub struct Persona {
    pub name: Option<Located<String>>,
    /// `buyer` unless given.
    #[serde(rename = "type")]
    pub kind: Option<Located<PersonaType>>,
    pub summary: Option<Located<String>>,
    pub description: Option<Located<String>>,
    /// Free string map: age, location, role, ...
    #[serde(default)]
    pub demographics: LocatedMap<Located<String>>,
    #[serde(default)]
    pub goals: Vec<Located<String>>,
    #[serde(default)]
    pub pain_points: Vec<Located<String>>,
    #[serde(default)]
    pub objections: Vec<Located<String>>,
    /// Channel ids from `playbook.yaml`.
    #[serde(default)]
    pub channels: Vec<Located<String>>,
    #[serde(default)]
    pub content_preferences: Vec<Located<String>>,
    #[serde(default)]
    pub quotes: Vec<Located<Quote>>,
    /// Path of an image relative to the playbook root; must exist.
    pub avatar: Option<Located<String>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["text"]))]
pub struct Quote {
    pub text: Option<Located<String>>,
    pub source: Option<Located<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    Percent,
    Currency,
    Duration,
    Ratio,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Increase,
    Decrease,
}

/// How values of finer periods roll up into coarser ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Aggregation {
    /// Flows: the parent is the sum of its children.
    Sum,
    /// Stocks: the parent is its last child.
    Last,
    /// The parent is the mean of its children.
    Average,
}

/// `content/metrics/*.yaml`: a KPI.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["name", "definition", "unit", "direction", "aggregation", "owner"]))]
pub struct Metric {
    pub name: Option<Located<String>>,
    /// How the value is measured, and where it comes from.
    pub definition: Option<Located<String>>,
    pub unit: Option<Located<Unit>>,
    pub direction: Option<Located<Direction>>,
    pub aggregation: Option<Located<Aggregation>>,
    /// The role accountable for the metric.
    pub owner: Option<Located<String>>,
    pub description: Option<Located<String>>,
    /// Actual values, each dated at the end of what it measures.
    #[serde(default)]
    pub measurements: Vec<Located<Measurement>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["date", "value"]))]
pub struct Measurement {
    pub date: Option<Located<DateText>>,
    pub value: Option<Located<Number>>,
    pub note: Option<Located<String>>,
}

/// `content/goals/*.yaml` (or `.md` front matter): an objective.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["title", "period", "owner"]))]
pub struct Goal {
    pub title: Option<Located<String>>,
    pub period: Option<Located<RawPeriod>>,
    /// Another goal this one contributes to.
    pub parent: Option<Located<String>>,
    pub owner: Option<Located<String>>,
    pub description: Option<Located<String>>,
    #[serde(default)]
    pub personas: Vec<Located<String>>,
    #[serde(default)]
    pub key_results: Vec<Located<KeyResult>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["id", "metric", "baseline", "target"]))]
pub struct KeyResult {
    pub id: Option<Located<String>>,
    pub title: Option<Located<String>>,
    pub metric: Option<Located<String>>,
    pub baseline: Option<Located<Number>>,
    pub target: Option<Located<Number>>,
    /// Finer-grained targets: period → target.
    #[serde(default)]
    pub cascade: LocatedMap<Located<Number>>,
}

/// Front matter of `content/campaigns/*.md`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["name", "start", "end", "owner"]))]
pub struct Campaign {
    pub name: Option<Located<String>>,
    pub start: Option<Located<DateText>>,
    pub end: Option<Located<DateText>>,
    pub owner: Option<Located<String>>,
    pub description: Option<Located<String>>,
    /// Goals (`goal-id`) or key results (`goal-id#kr-id`) the campaign serves.
    #[serde(default)]
    pub goals: Vec<Located<String>>,
    #[serde(default)]
    pub personas: Vec<Located<String>>,
    #[serde(default)]
    pub channels: Vec<Located<String>>,
    /// Revenue credited to the campaign, for ROI.
    pub attributed_revenue: Option<Located<Number>>,
    /// Currency of `attributed_revenue` (default: the playbook's).
    pub currency: Option<Located<String>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}
