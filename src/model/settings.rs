//! `playbook.yaml`: the playbook's settings.

use super::located::{DateText, Extra, Located, LocatedMap, Number};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether an entity may appear in a `--public` build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Internal,
}

/// The settings in `playbook.yaml`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["title"]))]
pub struct Settings {
    /// The site's title.
    pub title: Option<Located<String>>,
    /// One sentence about the playbook, for the home page and metadata.
    pub description: Option<Located<String>>,
    /// The organization the playbook belongs to (job postings name it).
    pub organization: Option<Organization>,
    /// Absolute URL the site is published at; used for the sitemap, JSON-LD and `.ics`.
    pub base_url: Option<Located<String>>,
    /// Language of the content (BCP 47), default `en`.
    pub language: Option<Located<String>>,
    /// IANA time zone for times written without a zone (default `UTC`).
    pub timezone: Option<Located<String>>,
    /// ISO 4217 currency for amounts that name none (default `EUR`).
    pub currency: Option<Located<String>>,
    /// First month (1-12) of the fiscal year; FY quarters follow it.
    pub fiscal_year_start: Option<Located<Number>>,
    /// Where recurring events are expanded; by default it spans every goal,
    /// budget and campaign.
    pub horizon: Option<Located<Horizon>>,
    /// Visibility of entities that set none (default `internal`).
    pub default_visibility: Option<Located<Visibility>>,
    /// The allowed channel ids.
    #[serde(default)]
    pub channels: LocatedMap<Located<Channel>>,
    /// The allowed department ids.
    #[serde(default)]
    pub departments: LocatedMap<Located<Department>>,
    /// Name of the theme under `themes/` (default `default`).
    pub theme: Option<Located<String>>,
    /// Free values for templates.
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["name"]))]
pub struct Organization {
    pub name: Option<Located<String>>,
    pub url: Option<Located<String>>,
    /// Path of a logo file, relative to the playbook root (e.g. `static/logo.svg`).
    pub logo: Option<Located<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Horizon {
    pub start: Located<DateText>,
    pub end: Located<DateText>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["name"]))]
pub struct Channel {
    pub name: Option<Located<String>>,
    pub url: Option<Located<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["name"]))]
pub struct Department {
    pub name: Option<Located<String>>,
    /// The role that heads the department.
    pub head: Option<Located<String>>,
    /// Where requests to the department go (an address or queue).
    pub intake: Option<Located<String>>,
    pub description: Option<Located<String>>,
}
