//! `content/budgets/*.yaml`.

use super::located::{Extra, Located, Number};
use super::period::RawPeriod;
use super::settings::Visibility;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["title", "period", "total", "lines"]))]
pub struct Budget {
    pub title: Option<Located<String>>,
    pub period: Option<Located<RawPeriod>>,
    /// ISO 4217 code (default: the playbook's currency).
    pub currency: Option<Located<String>>,
    /// The most the planned lines may add up to.
    pub total: Option<Located<Number>>,
    pub owner: Option<Located<String>>,
    pub description: Option<Located<String>>,
    pub lines: Option<Located<Vec<Located<BudgetLine>>>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    People,
    Tools,
    PaidAds,
    Content,
    Influencers,
    Agency,
    Events,
    Training,
    Other,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["id", "category", "planned"]))]
pub struct BudgetLine {
    pub id: Option<Located<String>>,
    pub title: Option<Located<String>>,
    pub category: Option<Located<Category>>,
    pub channel: Option<Located<String>>,
    pub campaign: Option<Located<String>>,
    /// Inside the budget's period (default: the budget's period).
    pub period: Option<Located<RawPeriod>>,
    pub planned: Option<Located<Number>>,
    pub actual: Option<Located<Number>>,
    pub owner: Option<Located<String>>,
    pub note: Option<Located<String>>,
}
