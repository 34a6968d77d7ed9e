//! The site's iCalendar feeds: one per calendar (its events, recurring ones
//! as the open rules they are) and one per role (its duties with a cadence).

use super::ics::{IcsCalendar, IcsEvent, IcsTime, write};
use crate::graph::Graph;
use crate::model::calendar::{Calendar, Status};
use crate::model::period::{parse_date, parse_duration};
use crate::model::role::Role;
use crate::validate::calendars::{When, parse_datetime};
use crate::validate::recurrence::cadence_rule;
use jiff::civil::Date;

/// The host part of event UIDs: from the base URL, else `playbook`.
pub fn uid_host(base_url: Option<&str>) -> String {
    base_url
        .and_then(|u| u.split("://").nth(1))
        .and_then(|rest| rest.split('/').next())
        .filter(|h| !h.is_empty())
        .unwrap_or("playbook")
        .to_owned()
}

/// DTSTAMP: "today" at midnight UTC, an input, never the clock.
fn dtstamp(g: &Graph) -> jiff::Timestamp {
    g.today
        .to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// A stable id for an event without one: from its title and start.
pub fn derived_id(title: &str, start: &str) -> String {
    let s = slug::slugify(format!("{title} {start}"));
    if s.is_empty() { "event".into() } else { s }
}

/// Makes UIDs unique within a feed, deterministically: a repeat gets `-2`,
/// `-3`, ... before the `@`.
fn unique_uids(events: &mut [IcsEvent]) {
    let mut seen = std::collections::BTreeSet::new();
    for e in events {
        if seen.insert(e.uid.clone()) {
            continue;
        }
        let (local, host) = e
            .uid
            .split_once('@')
            .map_or((e.uid.clone(), String::new()), |(l, h)| {
                (l.to_owned(), h.to_owned())
            });
        let mut n = 2;
        loop {
            let candidate = format!("{local}-{n}@{host}");
            if seen.insert(candidate.clone()) {
                e.uid = candidate;
                break;
            }
            n += 1;
        }
    }
}

/// The `.ics` text of a calendar.
pub fn calendar(g: &Graph, id: &str, cal: &Calendar, host: &str, url: Option<String>) -> String {
    let tz = cal
        .timezone
        .as_ref()
        .map_or(g.timezone.clone(), |t| t.value.clone());
    let mut events = Vec::new();
    for ev in cal.events.iter().flat_map(|v| v.value.iter()) {
        let v = &ev.value;
        let title = v.title.as_ref().map_or(String::new(), |t| t.value.clone());
        let start_text = v
            .start
            .as_ref()
            .map(|s| s.value.clone())
            .or_else(|| v.date.as_ref().map(|d| d.value.0.clone()))
            .unwrap_or_default();
        let event_id =
            v.id.as_ref()
                .map_or_else(|| derived_id(&title, &start_text), |i| i.value.clone());
        let duration = v.duration.as_ref().and_then(|d| parse_duration(&d.value).ok());
        let (start, end, duration_secs) = match (&v.date, &v.start) {
            (Some(d), _) => {
                let Ok(day) = parse_date(&d.value.0) else { continue };
                // All-day: DTEND is exclusive; a `2d` duration spans two days.
                let days = duration.map_or(1, |s| (s / 86_400).max(1));
                let end = day.checked_add(jiff::Span::new().days(days)).unwrap_or(day);
                (IcsTime::Date(day), Some(IcsTime::Date(end)), None)
            }
            (None, Some(s)) => {
                let Ok(when) = parse_datetime(&s.value) else {
                    continue;
                };
                let start = ics_time(when, &tz);
                let end = v
                    .end
                    .as_ref()
                    .and_then(|e| parse_datetime(&e.value).ok())
                    .map(|w| ics_time(w, &tz));
                let dur = if end.is_none() {
                    Some(duration.unwrap_or(3600))
                } else {
                    None
                };
                (start, end, dur)
            }
            _ => continue,
        };
        let status = v.status.as_ref().map(|s| match s.value {
            Status::Cancelled => "CANCELLED",
            Status::Idea | Status::Planned | Status::InProgress => "TENTATIVE",
            Status::Scheduled | Status::Published => "CONFIRMED",
        });
        let exdates: Vec<Date> = v
            .except
            .iter()
            .filter_map(|d| parse_date(&d.value.0).ok())
            .collect();
        let mut categories = Vec::new();
        if let Some(k) = &v.kind {
            categories.push(
                serde_json::to_value(k.value)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            );
        }
        events.push(IcsEvent {
            uid: format!("{id}-{event_id}@{host}"),
            summary: title,
            description: v.description.as_ref().map(|d| plain(&d.value)),
            location: v.location.as_ref().map(|l| l.value.clone()),
            url: url.clone(),
            categories,
            start,
            end,
            duration_secs,
            rrule: v.repeat.as_ref().map(|r| r.value.clone()),
            exdates,
            status,
        });
    }
    unique_uids(&mut events);
    let cal_ics = IcsCalendar {
        name: cal.name.as_ref().map_or(id.to_owned(), |n| n.value.clone()),
        description: cal.description.as_ref().map(|d| plain(&d.value)),
        events,
    };
    write(&cal_ics, dtstamp(g))
}

/// Markdown as plain text for feeds: link text kept, syntax dropped.
fn plain(markdown: &str) -> String {
    struct TextOnly;
    impl super::markdown::LinkResolver for TextOnly {
        fn resolve(&self, _: crate::load::Kind, _: &str, _: Option<&str>) -> Option<String> {
            None
        }
    }
    super::markdown::render(markdown, &TextOnly).text
}

fn ics_time(when: When, tz: &str) -> IcsTime {
    match when {
        When::Local(dt) => IcsTime::Local(dt, tz.to_owned()),
        When::Fixed(ts, _) => IcsTime::Utc(ts),
    }
}

/// The `.ics` of a role's duties: one all-day recurring event per
/// responsibility with a cadence, from the horizon's first day.
pub fn duties(g: &Graph, id: &str, role: &Role, host: &str, url: Option<String>) -> String {
    let mut events = Vec::new();
    for area in role.responsibilities.iter().flat_map(|a| a.value.iter()) {
        for item in &area.value.items {
            let (Some(text), Some(cadence)) = (item.text(), &item.value.cadence) else {
                continue;
            };
            let rule = cadence_rule(&cadence.value).map_or(cadence.value.clone(), str::to_owned);
            let start = g.horizon.start;
            events.push(IcsEvent {
                uid: format!(
                    "{id}-duty-{}-{}@{host}",
                    slug::slugify(area.value.area.as_ref().map_or("", |a| a.value.as_str())),
                    slug::slugify(&text.value)
                ),
                summary: text.value.clone(),
                description: area.value.area.as_ref().map(|a| a.value.clone()),
                location: None,
                url: url.clone(),
                categories: vec!["duty".into()],
                start: IcsTime::Date(start),
                end: Some(IcsTime::Date(start.tomorrow().unwrap_or(start))),
                duration_secs: None,
                rrule: Some(rule),
                exdates: Vec::new(),
                status: None,
            });
        }
    }
    unique_uids(&mut events);
    let title = role.title.as_ref().map_or(id.to_owned(), |t| t.value.clone());
    write(
        &IcsCalendar {
            name: format!("{title}: duties"),
            description: Some(format!("Recurring duties of the {title} role")),
            events,
        },
        dtstamp(g),
    )
}

/// Whether a role has any duty with a cadence.
pub fn has_duties(role: &Role) -> bool {
    role.responsibilities
        .iter()
        .flat_map(|a| a.value.iter())
        .flat_map(|a| a.value.items.iter())
        .any(|i| i.value.cadence.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(uid: &str) -> IcsEvent {
        IcsEvent {
            uid: uid.into(),
            summary: String::new(),
            description: None,
            location: None,
            url: None,
            categories: Vec::new(),
            start: IcsTime::Date(jiff::civil::date(2026, 1, 1)),
            end: None,
            duration_secs: None,
            rrule: None,
            exdates: Vec::new(),
            status: None,
        }
    }

    #[test]
    fn uids_are_unique() {
        let mut events = vec![event("a@h"), event("a@h"), event("a-2@h"), event("a@h")];
        unique_uids(&mut events);
        let uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
        assert_eq!(uids, ["a@h", "a-2@h", "a-2-2@h", "a-3@h"]);
    }

    #[test]
    fn hosts() {
        assert_eq!(uid_host(Some("https://acme.example/playbook/")), "acme.example");
        assert_eq!(uid_host(None), "playbook");
    }
}
