//! JSON Schemas (draft-07, what the YAML language server reads) for every
//! file kind, generated from the same model types the loader fills.

use crate::model::{budget, calendar, content, role, settings};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;

/// Every schema as `(file name, JSON text)`, in a fixed order.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        (
            "playbook.schema.json",
            one::<settings::Settings>("playbook.yaml", "The settings of a playbook."),
        ),
        (
            "page.schema.json",
            one::<content::Page>("page", "Front matter of content/index.md and content/pages/*.md."),
        ),
        (
            "persona.schema.json",
            one::<content::Persona>(
                "persona",
                "Front matter of content/personas/*.md: an audience persona.",
            ),
        ),
        (
            "metric.schema.json",
            one::<content::Metric>("metric", "content/metrics/*.yaml: a KPI."),
        ),
        (
            "goal.schema.json",
            one::<content::Goal>(
                "goal",
                "content/goals/*.yaml: an objective with key results and their cascade.",
            ),
        ),
        (
            "campaign.schema.json",
            one::<content::Campaign>("campaign", "Front matter of content/campaigns/*.md."),
        ),
        (
            "budget.schema.json",
            one::<budget::Budget>("budget", "content/budgets/*.yaml: planned and actual spending."),
        ),
        (
            "role.schema.json",
            one::<role::Role>(
                "role",
                "Front matter of content/roles/*.md: responsibilities and job description.",
            ),
        ),
        (
            "calendar.schema.json",
            one::<calendar::Calendar>(
                "calendar",
                "content/calendars/*.yaml: posts, events and recurring duties.",
            ),
        ),
    ]
}

fn one<T: JsonSchema>(title: &str, description: &str) -> String {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".into(), format!("playbook {title}").into());
    schema.insert("description".into(), description.into());
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    text.push('\n');
    text
}
