//! Calendars: dates, times and zones (including DST gaps), recurrence
//! rules, references, and the rules of posts and campaign events.

use super::{Ctx, recurrence, strategy};
use crate::diag::{Code, Diagnostic};
use crate::limits;
use crate::load::{Entity, Kind};
use crate::model::Located;
use crate::model::calendar::{Calendar, Event, EventType, Status};
use crate::model::period::{parse_date, parse_duration};
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use std::collections::BTreeMap;

/// A start or end time as written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum When {
    /// A wall-clock time in the calendar's zone.
    Local(DateTime),
    /// A time with an explicit offset; the civil time is as written.
    Fixed(jiff::Timestamp, DateTime),
}

impl When {
    fn civil(&self) -> DateTime {
        match *self {
            When::Local(dt) | When::Fixed(_, dt) => dt,
        }
    }
}

/// Parses `YYYY-MM-DDTHH:MM` (seconds optional), with an optional offset
/// (`Z`, `+02:00`). `Err` is the message of an `invalid-value`.
pub fn parse_datetime(s: &str) -> Result<When, String> {
    let bad =
        || format!("`{s}` is not a date-time: use YYYY-MM-DDTHH:MM, optionally with an offset like +02:00");
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() < 16 || b[10] != b'T' || b[13] != b':' {
        return Err(bad());
    }
    parse_date(&s[..10]).map_err(|_| bad())?;
    let (time_end, has_offset) = match &s.as_bytes()[16..] {
        [] => (16, false),
        [b':', s1, s2, rest @ ..] if s1.is_ascii_digit() && s2.is_ascii_digit() => (19, !rest.is_empty()),
        _ => (16, true),
    };
    let civil: DateTime = s[..time_end].parse().map_err(|_| bad())?;
    if !has_offset {
        return Ok(When::Local(civil));
    }
    let ts: jiff::Timestamp = s.parse().map_err(|_| bad())?;
    Ok(When::Fixed(ts, civil))
}

pub fn check(cx: &mut Ctx) {
    let pb = cx.pb;
    if pb.calendars.is_empty() {
        return;
    }
    // Where the site's schedule ends: recurring events are shown up to it.
    let end = crate::graph::horizon(pb, cx.opts.today, cx.settings.fy_start).end;
    for e in &pb.calendars {
        calendar(cx, e, end);
    }
}

fn calendar(cx: &mut Ctx, e: &Entity<Calendar>, end: Date) {
    let c = &e.data;
    cx.require(
        e.start(),
        "a calendar",
        &[("name", c.name.is_some()), ("events", c.events.is_some())],
    );
    let (tz, tz_name) = match &c.timezone {
        Some(t) => match super::settings::timezone(cx, e, t) {
            Some(z) => (z, t.value.clone()),
            // Reported; the events are still checked in the playbook's zone.
            None => (cx.settings.timezone.clone(), cx.settings.timezone_name.clone()),
        },
        None => (cx.settings.timezone.clone(), cx.settings.timezone_name.clone()),
    };
    let Some(events) = &c.events else { return };
    let mut ids: BTreeMap<String, ()> = BTreeMap::new();
    for ev in &events.value {
        event(cx, e, ev, (&tz, &tz_name), &mut ids, end);
    }
}

fn event(
    cx: &mut Ctx,
    e: &Entity<Calendar>,
    ev: &Located<Event>,
    (tz, tz_name): (&TimeZone, &str),
    ids: &mut BTreeMap<String, ()>,
    end: Date,
) {
    let v = &ev.value;
    cx.require(
        e.loc(&ev.span),
        "an event",
        &[("title", v.title.is_some()), ("type", v.kind.is_some())],
    );
    if v.date.is_none() && v.start.is_none() {
        cx.push(
            Diagnostic::new(
                Code::MissingField,
                e.loc(&ev.span),
                "missing field `date` or `start`",
            )
            .help("an all-day event has `date: YYYY-MM-DD`; a timed one `start: YYYY-MM-DDTHH:MM`"),
        );
    }
    if let (Some(_), Some(f)) = (&v.date, &v.start) {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                e.loc(&f.span),
                "an event has `date` or `start`, not both",
            )
            .help("use `date` for an all-day event, `start` for a timed one"),
        );
    }
    if let Some(id) = &v.id {
        if !crate::load::valid_id(&id.value) {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&id.span),
                    format!("`{}` is not a valid event id", id.value),
                )
                .help("ids use lowercase letters, digits and hyphens"),
            );
        } else if ids.insert(id.value.clone(), ()).is_some() {
            cx.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    e.loc(&id.span),
                    format!("event `{}` appears twice in this calendar", id.value),
                )
                .help("event ids are unique within their calendar; they make the feed's stable UIDs"),
            );
        }
    }
    // When the event starts, as a day and (for timed events) a civil time.
    let day = v.date.as_ref().and_then(|d| cx.date(e, d));
    let start = v.start.as_ref().and_then(|s| time(cx, e, s, tz));
    let first_day: Option<Date> = day.or(start.map(|w| w.civil().date()));
    if let Some(end_field) = &v.end {
        if let Some(end) = time(cx, e, end_field, tz)
            && let Some(s) = start
            && !after(&end, &s, tz)
        {
            cx.push(
                Diagnostic::new(
                    Code::EndBeforeStart,
                    e.loc(&end_field.span),
                    format!(
                        "event ends at {}, not after its start {}",
                        end.civil().strftime("%Y-%m-%dT%H:%M"),
                        s.civil().strftime("%Y-%m-%dT%H:%M")
                    ),
                )
                .help("`end` is later than `start`; for a length, use `duration`"),
            );
        }
        if v.duration.is_some() {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&end_field.span),
                    "an event has `end` or `duration`, not both",
                )
                .help("keep one of them"),
            );
        }
        if day.is_some() && start.is_none() {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&end_field.span),
                    "an all-day event takes `duration` (e.g. `2d`), not `end`",
                )
                .help("or give a `start` time"),
            );
        }
    }
    if let Some(d) = &v.duration
        && let Err(msg) = parse_duration(&d.value)
    {
        cx.push(Diagnostic::new(Code::InvalidValue, e.loc(&d.span), msg));
    }
    if let Some(rule) = &v.repeat {
        let anchor = match (start, day) {
            (Some(When::Local(dt)), _) => Some(recurrence::Start::Local(dt, tz_name)),
            (Some(When::Fixed(ts, _)), _) => Some(recurrence::Start::Utc(
                ts.to_zoned_datetime(TimeZone::UTC).datetime(),
            )),
            (None, Some(d)) => Some(recurrence::Start::Local(
                d.to_datetime(jiff::civil::Time::midnight()),
                tz_name,
            )),
            (None, None) => None,
        };
        let until = end.to_datetime(jiff::civil::Time::constant(23, 59, 59, 0));
        match anchor.map(|a| (a, recurrence::check(&rule.value, a))) {
            Some((_, Err(msg))) => cx.push(
                Diagnostic::new(Code::InvalidRecurrence, e.loc(&rule.span), msg)
                    .help("`repeat` is an RFC 5545 RRULE whose first occurrence is the event's own start, e.g. `FREQ=WEEKLY;BYDAY=MO` starting on a Monday"),
            ),
            Some((a, Ok(()))) => {
                if let Some(last) = recurrence::beyond(&rule.value, a, until, limits::MAX_OCCURRENCES) {
                    let most = limits::count(limits::MAX_OCCURRENCES.into());
                    cx.push(
                        Diagnostic::new(
                            Code::TooManyOccurrences,
                            e.loc(&rule.span),
                            format!(
                                "this event repeats more than {most} times from its start to the end of the schedule ({end}); the site shows the first {most}, up to {}",
                                last.date()
                            ),
                        )
                        .help("repeat it less often, or end the rule with COUNT or UNTIL; `horizon:` in playbook.yaml sets the dates the schedule covers"),
                    );
                }
            }
            None => {}
        }
    }
    for x in &v.except {
        cx.date(e, x);
    }
    if !v.except.is_empty() && v.repeat.is_none() {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                e.loc(&v.except[0].span),
                "`except` needs `repeat`",
            )
            .help("`except` lists dates a recurring event skips"),
        );
    }
    if let Some(o) = &v.owner {
        cx.reference(e, o, Kind::Role);
    }
    if let Some(ch) = &v.channel {
        cx.channel(e, ch);
    }
    strategy::personas(cx, e, &v.personas, "event");
    if let Some(g) = &v.goal {
        cx.goal_or_key_result(e, g);
    }
    if let Some(c) = &v.campaign
        && cx.reference(e, c, Kind::Campaign)
        && let Some(d) = first_day
    {
        campaign_dates(cx, e, c, d);
    }
    let is_post = v.kind.as_ref().is_some_and(|k| k.value == EventType::Post);
    if let Some(status) = &v.status {
        if status.value == Status::Published
            && is_post
            && let Some(d) = first_day
            && d > cx.opts.today
        {
            cx.push(
                Diagnostic::new(
                    Code::PublishedInFuture,
                    e.loc(&status.span),
                    format!(
                        "marked `published` but dated {d}, after today ({})",
                        cx.opts.today
                    ),
                )
                .help("use `scheduled` for posts that are queued, or fix the date"),
            );
        }
        if status.value == Status::Scheduled && is_post && start.is_none() && day.is_some() {
            cx.push(
                Diagnostic::new(
                    Code::ScheduledWithoutTime,
                    e.loc(&status.span),
                    "a `scheduled` post needs a time",
                )
                .help("replace `date:` with `start: YYYY-MM-DDTHH:MM`"),
            );
        }
    }
}

/// Parses a start or end, checking that a local time exists in the zone.
fn time(cx: &mut Ctx, e: &Entity<Calendar>, s: &Located<String>, tz: &TimeZone) -> Option<When> {
    let when = match parse_datetime(&s.value) {
        Ok(w) => w,
        Err(msg) => {
            cx.push(Diagnostic::new(Code::InvalidValue, e.loc(&s.span), msg));
            return None;
        }
    };
    if let When::Local(dt) = when
        && let AmbiguousOffset::Gap { before, after } = tz.to_ambiguous_timestamp(dt).offset()
    {
        cx.push(
            Diagnostic::new(
                Code::NonexistentLocalTime,
                e.loc(&s.span),
                format!(
                    "{} does not exist in {}: clocks jump from {before} to {after}",
                    dt.strftime("%Y-%m-%d %H:%M"),
                    zone_name(tz)
                ),
            )
            .help("pick a time outside the daylight-saving jump, e.g. an hour later"),
        );
        return None;
    }
    Some(when)
}

fn zone_name(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("the calendar's zone").to_owned()
}

/// Whether `b` is strictly after `a` (local times resolved in `tz`).
fn after(b: &When, a: &When, tz: &TimeZone) -> bool {
    let instant = |w: &When| match *w {
        When::Fixed(ts, _) => Some(ts),
        When::Local(dt) => tz.to_ambiguous_timestamp(dt).compatible().ok(),
    };
    match (instant(b), instant(a)) {
        (Some(x), Some(y)) => x > y,
        _ => true,
    }
}

fn campaign_dates(cx: &mut Ctx, e: &Entity<Calendar>, c: &Located<String>, day: Date) {
    let Some(camp) = cx.pb.campaigns.iter().find(|x| x.id == c.value) else {
        return;
    };
    let start = camp.data.start.as_ref().and_then(|d| parse_date(&d.value.0).ok());
    let end = camp.data.end.as_ref().and_then(|d| parse_date(&d.value.0).ok());
    let (Some(s), Some(en)) = (start, end) else { return };
    if day < s || day > en {
        cx.push(
            Diagnostic::new(
                Code::EventOutsideCampaign,
                e.loc(&c.span),
                format!("event on {day} is outside campaign `{}` ({s} to {en})", c.value),
            )
            .help("move the event into the campaign's dates, or change its `campaign`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::datetime;

    #[test]
    fn date_times() {
        assert_eq!(
            parse_datetime("2026-01-05T09:00"),
            Ok(When::Local(datetime(2026, 1, 5, 9, 0, 0, 0)))
        );
        assert_eq!(
            parse_datetime("2026-01-05T09:00:30"),
            Ok(When::Local(datetime(2026, 1, 5, 9, 0, 30, 0)))
        );
        match parse_datetime("2026-01-05T09:00+02:00").unwrap() {
            When::Fixed(ts, civil) => {
                assert_eq!(ts.to_string(), "2026-01-05T07:00:00Z");
                assert_eq!(civil, datetime(2026, 1, 5, 9, 0, 0, 0));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_datetime("2026-01-05T09:00Z"), Ok(When::Fixed(..))));
        for bad in [
            "2026-01-05T09:3０",
            "2026-01-05T09:30é",
            "2026-01-05",
            "2026-01-05 09:00",
            "2026-01-05T9:00",
            "2026-13-05T09:00",
            "2026-01-05T25:00",
            "2026-01-05T09:00+2",
        ] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dst_gap_is_detected() {
        let berlin = jiff::tz::db().get("Europe/Berlin").unwrap();
        // 2026-03-29: clocks go from 02:00 to 03:00 in Berlin.
        let gap = berlin
            .to_ambiguous_timestamp(datetime(2026, 3, 29, 2, 30, 0, 0))
            .offset();
        assert!(matches!(gap, AmbiguousOffset::Gap { .. }));
        // 2026-10-25 02:30 happens twice: a fold, which is allowed.
        let fold = berlin
            .to_ambiguous_timestamp(datetime(2026, 10, 25, 2, 30, 0, 0))
            .offset();
        assert!(matches!(fold, AmbiguousOffset::Fold { .. }));
    }
}
