//! `content/calendars/*.yaml`: posts, events, meetings and recurring duties.

use super::located::{DateText, Extra, Located};
use super::settings::Visibility;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["name", "events"]))]
pub struct Calendar {
    pub name: Option<Located<String>>,
    /// IANA zone for the calendar's times (default: the playbook's).
    pub timezone: Option<Located<String>>,
    pub description: Option<Located<String>>,
    pub events: Option<Located<Vec<Located<Event>>>>,
    pub visibility: Option<Located<Visibility>>,
    pub extra: Extra,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventType {
    Post,
    Meeting,
    Report,
    Deadline,
    Review,
    Task,
    Milestone,
    Freeze,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Idea,
    Planned,
    InProgress,
    Scheduled,
    Published,
    Cancelled,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["title", "type"]))]
pub struct Event {
    /// Unique in the calendar; derived from title and start when omitted.
    pub id: Option<Located<String>>,
    pub title: Option<Located<String>>,
    #[serde(rename = "type")]
    pub kind: Option<Located<EventType>>,
    /// An all-day event's day.
    pub date: Option<Located<DateText>>,
    /// `YYYY-MM-DDTHH:MM` in the calendar's zone, or with an offset.
    pub start: Option<Located<String>>,
    pub end: Option<Located<String>>,
    /// `30m`, `1h`, `1h30m`, `2d` or ISO 8601 (`PT1H30M`).
    pub duration: Option<Located<String>>,
    /// An RFC 5545 RRULE, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    pub repeat: Option<Located<String>>,
    /// Dates skipped by `repeat`.
    #[serde(default)]
    pub except: Vec<Located<DateText>>,
    pub owner: Option<Located<String>>,
    pub channel: Option<Located<String>>,
    pub campaign: Option<Located<String>>,
    #[serde(default)]
    pub personas: Vec<Located<String>>,
    /// A goal or key result (`goal-id#kr-id`).
    pub goal: Option<Located<String>>,
    pub status: Option<Located<Status>>,
    pub location: Option<Located<String>>,
    pub description: Option<Located<String>>,
}
