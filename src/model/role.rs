//! `content/roles/*.md`: role responsibilities and job descriptions.

use super::located::{DateText, Extra, Located, Number};
use super::settings::Visibility;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["title", "department", "summary", "responsibilities"]))]
pub struct Role {
    pub title: Option<Located<String>>,
    /// A department id from `playbook.yaml`.
    pub department: Option<Located<String>>,
    /// The role this one reports to.
    pub reports_to: Option<Located<String>>,
    pub summary: Option<Located<String>>,
    pub description: Option<Located<String>>,
    pub responsibilities: Option<Located<Vec<Located<Area>>>>,
    /// What the role does not do, and who does.
    #[serde(default)]
    pub not_responsible_for: Vec<Located<Exclusion>>,
    /// Decisions the role may take on its own.
    #[serde(default)]
    pub authority: Vec<Located<String>>,
    /// Who handles what: topics routed to another role or department.
    #[serde(default)]
    pub escalations: Vec<Located<Escalation>>,
    /// Metric ids the role is measured by.
    #[serde(default)]
    pub kpis: Vec<Located<String>>,
    pub qualifications: Option<Qualifications>,
    #[serde(default)]
    pub skills: Vec<Located<String>>,
    pub experience: Option<Located<Experience>>,
    pub education: Option<Located<String>>,
    /// Present with `open: true`, the role is a job posting.
    pub hiring: Option<Located<Hiring>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["area", "items"]))]
pub struct Area {
    pub area: Option<Located<String>>,
    #[serde(default)]
    pub items: Vec<Located<Item>>,
}

/// A responsibility: a plain string, or a mapping with a cadence and KPIs.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub text: Option<Located<String>>,
    /// `daily`, `weekly`, `monthly`, `quarterly`, `yearly`, or an RRULE.
    pub cadence: Option<Located<String>>,
    #[serde(default)]
    pub kpis: Vec<Located<String>>,
}

/// The long form of a responsibility.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["text"]))]
struct ItemFields {
    /// What the role does.
    text: Option<Located<String>>,
    /// `daily`, `weekly`, `monthly`, `quarterly`, `yearly`, or an RRULE.
    cadence: Option<Located<String>>,
    /// Metric ids that measure this responsibility.
    #[serde(default)]
    kpis: Vec<Located<String>>,
}

impl JsonSchema for Item {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Responsibility".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [{"type": "string"}, g.subschema_for::<ItemFields>()]
        })
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a responsibility: a string, or a mapping with `text`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
                // The span is filled in by the enclosing `Located<Item>`.
                Ok(Item {
                    text: Some(Located::new(v.to_owned(), 0..0)),
                    cadence: None,
                    kpis: Vec::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                let f = ItemFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Item {
                    text: f.text,
                    cadence: f.cadence,
                    kpis: f.kpis,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Located<Item> {
    /// The item's text with its real position (a string shorthand is
    /// located by the item itself).
    pub fn text(&self) -> Option<Located<String>> {
        let text = self.value.text.as_ref()?;
        Some(if text.span == (0..0) {
            Located::new(text.value.clone(), self.span.clone())
        } else {
            text.clone()
        })
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["text", "owner"]))]
pub struct Exclusion {
    pub text: Option<Located<String>>,
    /// The role or department that is responsible instead.
    pub owner: Option<Located<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["topic", "to"]))]
pub struct Escalation {
    pub topic: Option<Located<String>>,
    /// A role or department id.
    pub to: Option<Located<String>>,
    /// Answer privately, not in public replies.
    pub private: Option<Located<bool>>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Qualifications {
    #[serde(default)]
    pub required: Vec<Located<String>>,
    #[serde(default)]
    pub preferred: Vec<Located<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Experience {
    pub min_years: Option<Located<Number>>,
    pub max_years: Option<Located<Number>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EmploymentType {
    FullTime,
    PartTime,
    Contractor,
    Temporary,
    Intern,
    Volunteer,
    PerDiem,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Remote {
    Onsite,
    Hybrid,
    Remote,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum SalaryPer {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// The job posting of an open role.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hiring {
    pub open: Option<Located<bool>>,
    pub date_posted: Option<Located<DateText>>,
    pub valid_through: Option<Located<DateText>>,
    /// schema.org employment types.
    #[serde(default)]
    pub employment_type: Vec<Located<EmploymentType>>,
    pub location: Option<Located<JobLocation>>,
    /// ISO 3166 country codes; required when remote with no locality.
    #[serde(default)]
    pub applicant_countries: Vec<Located<String>>,
    pub salary: Option<Located<Salary>>,
    pub apply_url: Option<Located<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobLocation {
    pub street: Option<Located<String>>,
    pub locality: Option<Located<String>>,
    pub region: Option<Located<String>>,
    pub postal_code: Option<Located<String>>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<Located<String>>,
    pub remote: Option<Located<Remote>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Salary {
    pub min: Option<Located<Number>>,
    pub max: Option<Located<Number>>,
    pub currency: Option<Located<String>>,
    pub per: Option<Located<SalaryPer>>,
}
