//! iCalendar (RFC 5545) feeds: a small hand-written writer.
//!
//! The writer is pure and deterministic: the same [`IcsCalendar`] and `dtstamp` always give the same
//! bytes. It takes care of the format's strict rules:
//!
//! - every line ends with CRLF;
//! - content lines are folded at 75 octets (continuation lines start with one space) without ever
//!   splitting a UTF-8 character;
//! - TEXT values are escaped (`\\`, `\;`, `\,`, `\n`; CR and other control characters are dropped);
//! - every `TZID` used gets one `VTIMEZONE`, generated from the tz database's transitions (jiff's
//!   bundled tzdb), never from hand-coded rules.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// The `PRODID` of every feed.
pub const PRODID: &str = "-//playbook//playbook//EN";

/// The longest physical line in octets, CRLF excluded (RFC 5545 §3.1).
const FOLD_OCTETS: usize = 75;

/// A recurring event without COUNT or UNTIL gets time zone data for at least this many years.
const OPEN_RRULE_YEARS: i64 = 5;

/// A recurring event with COUNT or UNTIL gets time zone data for at most this many years.
const MAX_RRULE_YEARS: i64 = 100;

/// A bound on the observances of one `VTIMEZONE`, so absurd year ranges cannot blow up the output.
const MAX_TRANSITIONS: usize = 2000;

/// When an event starts or ends.
#[derive(Clone, Debug, PartialEq)]
pub enum IcsTime {
    /// An all-day date (`VALUE=DATE`).
    Date(Date),
    /// A wall-clock time in an IANA zone (`TZID=`); the zone gets a VTIMEZONE.
    Local(DateTime, String),
    /// A UTC instant (written with `Z`).
    Utc(jiff::Timestamp),
}

/// One `VEVENT`.
#[derive(Clone, Debug, PartialEq)]
pub struct IcsEvent {
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub categories: Vec<String>,
    pub start: IcsTime,
    /// Exclusive end (for all-day events the day after the last day), or None.
    pub end: Option<IcsTime>,
    /// A duration in seconds, used when `end` is None (written as DURATION:PT..S / P..D form).
    pub duration_secs: Option<i64>,
    /// The RRULE value, passed through exactly as given (e.g. "FREQ=WEEKLY;BYDAY=MO").
    pub rrule: Option<String>,
    /// Dates skipped by the rule; written as EXDATE with the start's time of day and zone (or VALUE=DATE
    /// for all-day).
    pub exdates: Vec<Date>,
    /// STATUS: "CONFIRMED" | "TENTATIVE" | "CANCELLED", when known.
    pub status: Option<&'static str>,
}

/// One feed: a `VCALENDAR`.
#[derive(Clone, Debug, PartialEq)]
pub struct IcsCalendar {
    /// X-WR-CALNAME and the feed's NAME.
    pub name: String,
    pub description: Option<String>,
    pub events: Vec<IcsEvent>,
}

/// Writes the calendar. `dtstamp` is used as every event's DTSTAMP (callers pass a value derived from
/// the input, never the clock), so the same input gives the same bytes.
///
/// A `Local` time whose zone jiff does not know is written as if it were UTC (callers validate zones
/// first; this only keeps the writer total).
pub fn write(cal: &IcsCalendar, dtstamp: Timestamp) -> String {
    let zones = Zones::collect(cal);
    let mut out = String::new();
    let mut line = |s: &str| push_line(&mut out, s);

    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{PRODID}"));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    let name = escape_text(&cal.name);
    line(&format!("NAME:{name}"));
    line(&format!("X-WR-CALNAME:{name}"));
    if let Some(description) = &cal.description {
        let description = escape_text(description);
        line(&format!("DESCRIPTION:{description}"));
        line(&format!("X-WR-CALDESC:{description}"));
    }
    for (tzid, usage) in &zones.used {
        write_vtimezone(&mut line, tzid, usage);
    }
    let stamp = format_utc(Offset::UTC.to_datetime(dtstamp));
    for event in &cal.events {
        write_event(&mut line, event, &stamp, &zones);
    }
    line("END:VCALENDAR");
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline are escaped; TAB is
/// kept; CR and the other control characters, which TEXT does not allow, are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one logical content line (without line break) into physical lines of at most 75 octets,
/// each ending in CRLF; continuation lines start with one space. A UTF-8 character is never split.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 37 + 2);
    push_line(&mut out, line);
    out
}

fn push_line(out: &mut String, line: &str) {
    let mut rest = line;
    let mut first = true;
    loop {
        // A continuation line's leading space counts towards its 75 octets.
        let room = if first { FOLD_OCTETS } else { FOLD_OCTETS - 1 };
        if !first {
            out.push(' ');
        }
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        out.push_str(head);
        out.push_str("\r\n");
        rest = tail;
        first = false;
    }
}

/// Removes control characters from a value that is not TEXT (URI, RECUR, STATUS), so it cannot break
/// the line structure.
fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

// ---------------------------------------------------------------------------------------------------
// Time zones

/// A zone that some event uses, with the years its `VTIMEZONE` must cover.
struct ZoneUse {
    tz: TimeZone,
    first_year: i64,
    last_year: i64,
}

impl ZoneUse {
    fn cover(&mut self, year: i64) {
        self.first_year = self.first_year.min(year);
        self.last_year = self.last_year.max(year);
    }
}

/// The zones of a calendar: each given name resolved once, keyed by its canonical IANA name.
struct Zones {
    /// Given name → canonical name, or None when jiff does not know the zone.
    names: BTreeMap<String, Option<String>>,
    /// Canonical name → zone and years; sorted, so `VTIMEZONE`s come out sorted by name.
    used: BTreeMap<String, ZoneUse>,
}

impl Zones {
    fn collect(cal: &IcsCalendar) -> Zones {
        let mut zones = Zones {
            names: BTreeMap::new(),
            used: BTreeMap::new(),
        };
        for event in &cal.events {
            if let IcsTime::Local(start, zone) = &event.start {
                let mut years = vec![i64::from(start.year())];
                years.extend(event.exdates.iter().map(|d| i64::from(d.year())));
                if event.end.is_none()
                    && let Some(secs) = event.duration_secs
                    && let Ok(end) = start.checked_add(SignedDuration::from_secs(secs))
                {
                    years.push(i64::from(end.year()));
                }
                if let Some(rule) = &event.rrule {
                    years.push(rrule_last_year(rule, i64::from(start.year())));
                }
                zones.cover(zone, &years);
            }
            if let Some(IcsTime::Local(end, zone)) = &event.end {
                zones.cover(zone, &[i64::from(end.year())]);
            }
        }
        zones
    }

    fn cover(&mut self, zone: &str, years: &[i64]) {
        let Some(Some(canonical)) = self.resolve(zone).map(|c| c.map(str::to_owned)) else {
            return;
        };
        let Some(usage) = self.used.get_mut(&canonical) else {
            return;
        };
        for &year in years {
            usage.cover(year);
        }
    }

    /// Resolves a zone name; `Some(None)` when unknown. Also registers the zone as used.
    fn resolve(&mut self, zone: &str) -> Option<Option<&str>> {
        if !self.names.contains_key(zone) {
            let found = TimeZone::get(zone).ok().and_then(|tz| {
                let canonical = strip_param(tz.iana_name().unwrap_or(zone));
                if canonical.is_empty() {
                    return None;
                }
                Some((canonical, tz))
            });
            let canonical = match found {
                Some((canonical, tz)) => {
                    self.used.entry(canonical.clone()).or_insert(ZoneUse {
                        tz,
                        first_year: i64::MAX,
                        last_year: i64::MIN,
                    });
                    Some(canonical)
                }
                None => None,
            };
            self.names.insert(zone.to_owned(), canonical);
        }
        self.names.get(zone).map(Option::as_deref)
    }

    /// The canonical name of a known zone.
    fn canonical(&self, zone: &str) -> Option<&str> {
        self.names.get(zone).and_then(Option::as_deref)
    }
}

/// A parameter value must not contain control characters or DQUOTE.
fn strip_param(s: &str) -> String {
    s.chars().filter(|&c| !c.is_control() && c != '"').collect()
}

/// Quotes a parameter value when it contains `:`, `;` or `,` (RFC 5545 §3.2).
fn param_value(s: &str) -> String {
    if s.contains([':', ';', ',']) {
        format!("\"{s}\"")
    } else {
        s.to_owned()
    }
}

/// The last year a recurrence rule may reach, for sizing its `VTIMEZONE`. UNTIL gives it directly;
/// COUNT gives an upper estimate; an open rule covers [`OPEN_RRULE_YEARS`] past the start.
fn rrule_last_year(rule: &str, start_year: i64) -> i64 {
    let mut freq_days = 1;
    let mut interval: i64 = 1;
    let mut count = None;
    let mut until = None;
    for part in rule.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_uppercase().as_str() {
            "FREQ" => {
                freq_days = match value.to_ascii_uppercase().as_str() {
                    "YEARLY" => 366,
                    "MONTHLY" => 31,
                    "WEEKLY" => 7,
                    _ => 1,
                }
            }
            "INTERVAL" => interval = value.parse::<i64>().unwrap_or(1).max(1),
            "COUNT" => count = value.parse::<i64>().ok(),
            "UNTIL" => until = value.get(..4).and_then(|y| y.parse::<i64>().ok()),
            _ => {}
        }
    }
    let last = match (until, count) {
        (Some(year), _) => year,
        (None, Some(count)) => {
            let days = (count.max(1) - 1)
                .saturating_mul(interval)
                .saturating_mul(freq_days);
            start_year.saturating_add(days / 365 + i64::from(days % 365 != 0))
        }
        (None, None) => start_year + OPEN_RRULE_YEARS,
    };
    last.clamp(start_year, start_year + MAX_RRULE_YEARS)
}

/// Midnight UTC on Jan 1 of `year`, clamped to jiff's range.
fn year_start(year: i64) -> Timestamp {
    let Ok(y) = i16::try_from(year) else {
        return if year < 0 { Timestamp::MIN } else { Timestamp::MAX };
    };
    if y < Date::MIN.year() {
        return Timestamp::MIN;
    }
    if y > Date::MAX.year() {
        return Timestamp::MAX;
    }
    Date::new(y, 1, 1)
        .ok()
        .and_then(|d| Offset::UTC.to_timestamp(d.at(0, 0, 0, 0)).ok())
        .unwrap_or(if year < 0 { Timestamp::MIN } else { Timestamp::MAX })
}

fn write_vtimezone(line: &mut impl FnMut(&str), tzid: &str, usage: &ZoneUse) {
    let from = year_start(usage.first_year.saturating_sub(1));
    let until = year_start(usage.last_year.saturating_add(2));
    let tz = &usage.tz;

    line("BEGIN:VTIMEZONE");
    line(&format!("TZID:{}", escape_text(tzid)));
    let after = from.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(from);
    let mut before = tz.to_offset(from);
    let mut any = false;
    for transition in tz
        .following(after)
        .take_while(|t| t.timestamp() < until)
        .take(MAX_TRANSITIONS)
    {
        any = true;
        let kind = if transition.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        let onset = before.to_datetime(transition.timestamp());
        observance(
            line,
            kind,
            &format_local(onset),
            before,
            transition.offset(),
            transition.abbreviation(),
        );
        before = transition.offset();
    }
    if !any {
        let info = tz.to_offset_info(from);
        let offset = info.offset();
        observance(
            line,
            "STANDARD",
            "19700101T000000",
            offset,
            offset,
            info.abbreviation(),
        );
    }
    line("END:VTIMEZONE");
}

fn observance(line: &mut impl FnMut(&str), kind: &str, dtstart: &str, from: Offset, to: Offset, name: &str) {
    line(&format!("BEGIN:{kind}"));
    line(&format!("DTSTART:{dtstart}"));
    line(&format!("TZOFFSETFROM:{}", format_offset(from)));
    line(&format!("TZOFFSETTO:{}", format_offset(to)));
    if !name.is_empty() {
        line(&format!("TZNAME:{}", escape_text(name)));
    }
    line(&format!("END:{kind}"));
}

/// `±HHMM`, or `±HHMMSS` when the offset has seconds; zero is `+0000` (RFC 5545 forbids `-0000`).
fn format_offset(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

// ---------------------------------------------------------------------------------------------------
// Events

/// A time as it will be written.
enum When {
    Date(Date),
    Local(DateTime, String),
    Utc(DateTime),
}

impl When {
    fn of(time: &IcsTime, zones: &Zones) -> When {
        match time {
            IcsTime::Date(d) => When::Date(*d),
            IcsTime::Local(dt, zone) => match zones.canonical(zone) {
                Some(canonical) => When::Local(*dt, canonical.to_owned()),
                None => When::Utc(*dt),
            },
            IcsTime::Utc(ts) => When::Utc(Offset::UTC.to_datetime(*ts)),
        }
    }

    /// `NAME;VALUE=DATE:…`, `NAME;TZID=…:…` or `NAME:…Z`.
    fn property(&self, name: &str) -> String {
        match self {
            When::Date(d) => format!("{name};VALUE=DATE:{}", format_date(*d)),
            When::Local(dt, tzid) => format!("{name};TZID={}:{}", param_value(tzid), format_local(*dt)),
            When::Utc(dt) => format!("{name}:{}", format_utc(*dt)),
        }
    }

    /// EXDATE for the given dates, at this (start) time's time of day and zone.
    fn exdate(&self, dates: &[Date]) -> String {
        let join = |f: &dyn Fn(Date) -> String| dates.iter().map(|d| f(*d)).collect::<Vec<_>>().join(",");
        match self {
            When::Date(_) => format!("EXDATE;VALUE=DATE:{}", join(&|d| format_date(d))),
            When::Local(dt, tzid) => format!(
                "EXDATE;TZID={}:{}",
                param_value(tzid),
                join(&|d| format_local(d.to_datetime(dt.time())))
            ),
            When::Utc(dt) => format!("EXDATE:{}", join(&|d| format_utc(d.to_datetime(dt.time())))),
        }
    }
}

fn write_event(line: &mut impl FnMut(&str), event: &IcsEvent, dtstamp: &str, zones: &Zones) {
    let start = When::of(&event.start, zones);
    line("BEGIN:VEVENT");
    line(&format!("UID:{}", escape_text(&event.uid)));
    line(&format!("DTSTAMP:{dtstamp}"));
    line(&start.property("DTSTART"));
    let all_day = matches!(start, When::Date(_));
    match (&event.end, event.duration_secs, &start) {
        (Some(end), _, _) => line(&When::of(end, zones).property("DTEND")),
        (None, Some(secs), _) => line(&format!("DURATION:{}", format_duration(secs, all_day))),
        (None, None, When::Date(d)) => {
            if let Ok(next) = d.tomorrow() {
                line(&When::Date(next).property("DTEND"));
            }
        }
        (None, None, _) => {}
    }
    if let Some(rule) = &event.rrule {
        line(&format!("RRULE:{}", strip_controls(rule)));
    }
    if !event.exdates.is_empty() {
        line(&start.exdate(&event.exdates));
    }
    line(&format!("SUMMARY:{}", escape_text(&event.summary)));
    if let Some(description) = &event.description {
        line(&format!("DESCRIPTION:{}", escape_text(description)));
    }
    if let Some(location) = &event.location {
        line(&format!("LOCATION:{}", escape_text(location)));
    }
    if let Some(url) = &event.url {
        line(&format!("URL:{}", strip_controls(url)));
    }
    if !event.categories.is_empty() {
        let categories: Vec<String> = event.categories.iter().map(|c| escape_text(c)).collect();
        line(&format!("CATEGORIES:{}", categories.join(",")));
    }
    if let Some(status) = event.status {
        line(&format!("STATUS:{}", strip_controls(status)));
    }
    line("END:VEVENT");
}

/// An RFC 5545 duration. All-day events get whole days (`P2D`, rounded up, as `VALUE=DATE` requires);
/// timed events get the exact length as hours, minutes and seconds (`PT1H30M`, `PT36H`, `PT0S`).
fn format_duration(secs: i64, all_day: bool) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let abs = secs.unsigned_abs();
    if all_day {
        return format!("{sign}P{}D", abs.div_ceil(86_400));
    }
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    let mut out = format!("{sign}PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || abs == 0 {
        out.push_str(&format!("{s}S"));
    }
    out
}

/// `YYYYMMDD`.
fn format_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// `YYYYMMDDTHHMMSS` (floating / local form; fractional seconds are dropped).
fn format_local(dt: DateTime) -> String {
    format!(
        "{}T{:02}{:02}{:02}",
        format_date(dt.date()),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// `YYYYMMDDTHHMMSSZ`, for a civil time already in UTC.
fn format_utc(dt: DateTime) -> String {
    format!("{}Z", format_local(dt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "")
    }

    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// CRLF everywhere, no physical line over 75 octets, continuation lines start with a space,
    /// BEGIN/END balanced. Returns the unfolded logical lines.
    fn check(ics: &str) -> Vec<String> {
        assert!(ics.ends_with("\r\n"), "missing final CRLF");
        let bare_lf = ics
            .bytes()
            .enumerate()
            .any(|(i, b)| b == b'\n' && (i == 0 || ics.as_bytes()[i - 1] != b'\r'));
        assert!(!bare_lf, "bare LF in output");
        let bare_cr = ics
            .bytes()
            .enumerate()
            .any(|(i, b)| b == b'\r' && ics.as_bytes().get(i + 1) != Some(&b'\n'));
        assert!(!bare_cr, "bare CR in output");
        for physical in ics.split("\r\n") {
            assert!(physical.len() <= 75, "line over 75 octets: {physical:?}");
        }
        let logical: Vec<String> = unfold(ics)
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let mut stack = Vec::new();
        for l in &logical {
            if let Some(name) = l.strip_prefix("BEGIN:") {
                stack.push(name.to_owned());
            } else if let Some(name) = l.strip_prefix("END:") {
                assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced END:{name}");
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        logical
    }

    fn event(uid: &str, start: IcsTime) -> IcsEvent {
        IcsEvent {
            uid: uid.to_owned(),
            summary: "Summary".to_owned(),
            description: None,
            location: None,
            url: None,
            categories: Vec::new(),
            start,
            end: None,
            duration_secs: None,
            rrule: None,
            exdates: Vec::new(),
            status: None,
        }
    }

    fn calendar(events: Vec<IcsEvent>) -> IcsCalendar {
        IcsCalendar {
            name: "Editorial calendar".to_owned(),
            description: None,
            events,
        }
    }

    fn stamp() -> Timestamp {
        Offset::UTC.to_timestamp(date(2026, 1, 2).at(3, 4, 5, 0)).unwrap()
    }

    fn berlin(y: i16, m: i8, d: i8, h: i8, min: i8) -> IcsTime {
        IcsTime::Local(date(y, m, d).at(h, min, 0, 0), "Europe/Berlin".to_owned())
    }

    /// The logical lines of the VTIMEZONE with the given TZID.
    fn vtimezone(lines: &[String], tzid: &str) -> Vec<String> {
        let begin = lines
            .windows(2)
            .position(|w| w[0] == "BEGIN:VTIMEZONE" && w[1] == format!("TZID:{tzid}"))
            .unwrap_or_else(|| panic!("no VTIMEZONE {tzid}"));
        let end = lines[begin..].iter().position(|l| l == "END:VTIMEZONE").unwrap() + begin;
        lines[begin..=end].to_vec()
    }

    /// The observances of a VTIMEZONE as (kind, DTSTART, FROM, TO, TZNAME).
    fn observances(tz: &[String]) -> Vec<[String; 5]> {
        let mut out = Vec::new();
        let mut cur: Option<[String; 5]> = None;
        for l in tz {
            match l.as_str() {
                "BEGIN:STANDARD" | "BEGIN:DAYLIGHT" => {
                    cur = Some([
                        l[6..].to_owned(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ])
                }
                "END:STANDARD" | "END:DAYLIGHT" => out.push(cur.take().unwrap()),
                _ => {
                    if let Some(c) = cur.as_mut() {
                        let (k, v) = l.split_once(':').unwrap();
                        let i = match k {
                            "DTSTART" => 1,
                            "TZOFFSETFROM" => 2,
                            "TZOFFSETTO" => 3,
                            "TZNAME" => 4,
                            other => panic!("unexpected {other}"),
                        };
                        c[i] = v.to_owned();
                    }
                }
            }
        }
        out
    }

    fn obs(kind: &str, start: &str, from: &str, to: &str, name: &str) -> [String; 5] {
        [kind, start, from, to, name].map(str::to_owned)
    }

    // --- folding -------------------------------------------------------------------------------------

    #[test]
    fn fold_ascii_exactly_75_octets_is_one_line() {
        let line = "X".repeat(75);
        assert_eq!(fold_line(&line), format!("{line}\r\n"));
    }

    #[test]
    fn fold_ascii_76_octets_is_two_lines() {
        let line = format!("{}Y", "X".repeat(75));
        assert_eq!(fold_line(&line), format!("{}\r\n Y\r\n", "X".repeat(75)));
    }

    #[test]
    fn fold_continuation_lines_hold_74_octets_after_the_space() {
        let line = "a".repeat(75 + 74 + 74 + 3);
        let folded = fold_line(&line);
        let physical: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(physical.len(), 4);
        assert_eq!(physical[0].len(), 75);
        assert_eq!(physical[1].len(), 75);
        assert_eq!(physical[2].len(), 75);
        assert_eq!(physical[3], " aaa");
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
    }

    #[test]
    fn fold_never_splits_two_byte_character() {
        // 74 ASCII octets, then 'é' (2 octets) would straddle octet 75.
        let line = format!("{}é{}", "a".repeat(74), "b".repeat(10));
        let folded = fold_line(&line);
        let physical: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(physical[0], "a".repeat(74));
        assert_eq!(physical[1], format!(" é{}", "b".repeat(10)));
        check(&folded);
        assert_eq!(unfold(&folded), format!("{line}\r\n"));

        // 'é' ending exactly at octet 75 stays on the first line.
        let line = format!("{}é{}", "a".repeat(73), "b".repeat(10));
        let folded = fold_line(&line);
        assert!(folded.starts_with(&format!("{}é\r\n ", "a".repeat(73))));
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
    }

    #[test]
    fn fold_never_splits_four_byte_character() {
        for prefix in 70..76 {
            let line = format!("{}😀😀😀{}", "a".repeat(prefix), "é".repeat(80));
            let folded = fold_line(&line);
            for physical in folded.split("\r\n") {
                assert!(physical.len() <= 75);
            }
            // Every physical line is valid UTF-8 on its own (split on str boundaries only).
            for physical in folded.as_bytes().split(|&b| b == b'\n') {
                assert!(std::str::from_utf8(physical).is_ok());
            }
            check(&folded);
            assert_eq!(unfold(&folded), format!("{line}\r\n"));
        }
    }

    #[test]
    fn fold_only_multibyte() {
        let line = "é".repeat(200);
        let folded = fold_line(&line);
        let physical: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        // 75 octets hold 37 'é' (74 octets); continuation lines ' ' + 37 'é' = 75 octets.
        assert_eq!(physical[0], "é".repeat(37));
        assert_eq!(physical[1], format!(" {}", "é".repeat(37)));
        check(&folded);
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
    }

    #[test]
    fn fold_empty_line() {
        assert_eq!(fold_line(""), "\r\n");
    }

    // --- escaping ------------------------------------------------------------------------------------

    #[test]
    fn escape_text_rules() {
        assert_eq!(escape_text(r"a\b"), r"a\\b");
        assert_eq!(escape_text("a;b,c"), r"a\;b\,c");
        assert_eq!(escape_text("line1\nline2"), r"line1\nline2");
        assert_eq!(escape_text("line1\r\nline2"), r"line1\nline2");
        assert_eq!(escape_text("a\rb"), "ab");
        assert_eq!(escape_text("tab\there"), "tab\there");
        assert_eq!(escape_text("bell\u{7}"), "bell");
        assert_eq!(escape_text("colon: \"quoted\" é 😀"), "colon: \"quoted\" é 😀");
    }

    #[test]
    fn escape_round_trip() {
        for s in [
            "",
            "plain",
            r"\;,",
            "a\\nb",
            "x\ny",
            "\\\\",
            ";;,,",
            "Größe; Preis, 10€\n😀",
        ] {
            assert_eq!(unescape(&escape_text(s)), s);
        }
    }

    // --- calendar structure --------------------------------------------------------------------------

    #[test]
    fn calendar_header_and_crlf() {
        let mut cal = calendar(vec![event("a@example.org", IcsTime::Date(date(2026, 3, 1)))]);
        cal.description = Some("Posts, reports; more".to_owned());
        let ics = write(&cal, stamp());
        let lines = check(&ics);
        assert_eq!(
            &lines[..9],
            &[
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//playbook//playbook//EN",
                "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH",
                "NAME:Editorial calendar",
                "X-WR-CALNAME:Editorial calendar",
                r"DESCRIPTION:Posts\, reports\; more",
                r"X-WR-CALDESC:Posts\, reports\; more",
            ]
        );
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
        assert!(lines.contains(&"DTSTAMP:20260102T030405Z".to_owned()));
    }

    #[test]
    fn snapshot_small_calendar() {
        let mut teaser = event(
            "editorial-spring-teaser@example.org",
            IcsTime::Date(date(2026, 3, 1)),
        );
        teaser.summary = "Launch teaser, part 1".to_owned();
        teaser.categories = vec!["post".to_owned(), "insta;gram".to_owned()];
        teaser.status = Some("TENTATIVE");
        let mut call = event("editorial-call@example.org", IcsTime::Utc(stamp()));
        call.summary = "Call".to_owned();
        call.duration_secs = Some(5400);
        call.url = Some("https://example.org/a?b=1,2;c".to_owned());
        call.description = Some("Line 1\nLine 2".to_owned());
        call.location = Some("Room 1".to_owned());
        let ics = write(&calendar(vec![teaser, call]), stamp());
        let expected = "BEGIN:VCALENDAR\r\n\
            VERSION:2.0\r\n\
            PRODID:-//playbook//playbook//EN\r\n\
            CALSCALE:GREGORIAN\r\n\
            METHOD:PUBLISH\r\n\
            NAME:Editorial calendar\r\n\
            X-WR-CALNAME:Editorial calendar\r\n\
            BEGIN:VEVENT\r\n\
            UID:editorial-spring-teaser@example.org\r\n\
            DTSTAMP:20260102T030405Z\r\n\
            DTSTART;VALUE=DATE:20260301\r\n\
            DTEND;VALUE=DATE:20260302\r\n\
            SUMMARY:Launch teaser\\, part 1\r\n\
            CATEGORIES:post,insta\\;gram\r\n\
            STATUS:TENTATIVE\r\n\
            END:VEVENT\r\n\
            BEGIN:VEVENT\r\n\
            UID:editorial-call@example.org\r\n\
            DTSTAMP:20260102T030405Z\r\n\
            DTSTART:20260102T030405Z\r\n\
            DURATION:PT1H30M\r\n\
            SUMMARY:Call\r\n\
            DESCRIPTION:Line 1\\nLine 2\r\n\
            LOCATION:Room 1\r\n\
            URL:https://example.org/a?b=1,2;c\r\n\
            END:VEVENT\r\n\
            END:VCALENDAR\r\n";
        assert_eq!(ics, expected);
        check(&ics);
    }

    #[test]
    fn snapshot_fixed_zone() {
        let mut ev = event(
            "t@x",
            IcsTime::Local(date(2026, 5, 1).at(9, 30, 0, 0), "Asia/Tokyo".to_owned()),
        );
        ev.end = Some(IcsTime::Local(
            date(2026, 5, 1).at(10, 0, 0, 0),
            "Asia/Tokyo".to_owned(),
        ));
        let ics = write(&calendar(vec![ev]), stamp());
        let expected = "BEGIN:VCALENDAR\r\n\
            VERSION:2.0\r\n\
            PRODID:-//playbook//playbook//EN\r\n\
            CALSCALE:GREGORIAN\r\n\
            METHOD:PUBLISH\r\n\
            NAME:Editorial calendar\r\n\
            X-WR-CALNAME:Editorial calendar\r\n\
            BEGIN:VTIMEZONE\r\n\
            TZID:Asia/Tokyo\r\n\
            BEGIN:STANDARD\r\n\
            DTSTART:19700101T000000\r\n\
            TZOFFSETFROM:+0900\r\n\
            TZOFFSETTO:+0900\r\n\
            TZNAME:JST\r\n\
            END:STANDARD\r\n\
            END:VTIMEZONE\r\n\
            BEGIN:VEVENT\r\n\
            UID:t@x\r\n\
            DTSTAMP:20260102T030405Z\r\n\
            DTSTART;TZID=Asia/Tokyo:20260501T093000\r\n\
            DTEND;TZID=Asia/Tokyo:20260501T100000\r\n\
            SUMMARY:Summary\r\n\
            END:VEVENT\r\n\
            END:VCALENDAR\r\n";
        assert_eq!(ics, expected);
    }

    #[test]
    fn long_description_is_folded_and_unfolds() {
        let mut ev = event("long@x", IcsTime::Date(date(2026, 1, 1)));
        let text = "Über-long description, with commas; semicolons \\ backslashes\nand 😀 emoji ".repeat(8);
        ev.description = Some(text.clone());
        let ics = write(&calendar(vec![ev]), stamp());
        let lines = check(&ics);
        let desc = lines.iter().find_map(|l| l.strip_prefix("DESCRIPTION:")).unwrap();
        assert_eq!(unescape(desc), text);
        assert!(ics.contains("\r\n "), "expected folding");
    }

    #[test]
    fn url_is_not_text_escaped_but_controls_are_dropped() {
        let mut ev = event("u@x", IcsTime::Date(date(2026, 1, 1)));
        ev.url = Some("https://example.org/x?a=1,b;c\\d\r\nX-INJECT:1".to_owned());
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(lines.contains(&"URL:https://example.org/x?a=1,b;c\\dX-INJECT:1".to_owned()));
        assert!(!lines.iter().any(|l| l.starts_with("X-INJECT")));
    }

    #[test]
    fn text_fields_cannot_inject_lines() {
        let mut ev = event("a\r\nEND:VEVENT", IcsTime::Date(date(2026, 1, 1)));
        ev.summary = "x\r\nBEGIN:VALARM".to_owned();
        ev.rrule = Some("FREQ=DAILY\r\nX-BAD:1".to_owned());
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(lines.contains(&r"UID:a\nEND:VEVENT".to_owned()));
        assert!(lines.contains(&r"SUMMARY:x\nBEGIN:VALARM".to_owned()));
        assert!(lines.contains(&"RRULE:FREQ=DAILYX-BAD:1".to_owned()));
    }

    #[test]
    fn categories_are_each_escaped_and_comma_separated() {
        let mut ev = event("c@x", IcsTime::Date(date(2026, 1, 1)));
        ev.categories = vec!["a,b".to_owned(), "c;d".to_owned(), "e".to_owned()];
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(lines.contains(&r"CATEGORIES:a\,b,c\;d,e".to_owned()));
    }

    #[test]
    fn optional_properties_are_omitted() {
        let ics = write(&calendar(vec![event("o@x", IcsTime::Utc(stamp()))]), stamp());
        for name in [
            "DESCRIPTION",
            "LOCATION",
            "URL",
            "CATEGORIES",
            "STATUS",
            "RRULE",
            "EXDATE",
            "DTEND",
            "DURATION",
        ] {
            assert!(!ics.contains(&format!("\r\n{name}")), "{name} should be absent");
        }
        assert!(!ics.contains("VTIMEZONE"));
    }

    // --- dates, ends, durations ----------------------------------------------------------------------

    #[test]
    fn all_day_without_end_ends_next_day_exclusive() {
        let evs = vec![
            event("a@x", IcsTime::Date(date(2026, 3, 1))),
            event("b@x", IcsTime::Date(date(2026, 12, 31))),
            event("c@x", IcsTime::Date(date(2028, 2, 28))),
        ];
        let lines = check(&write(&calendar(evs), stamp()));
        let ends: Vec<&String> = lines.iter().filter(|l| l.starts_with("DTEND")).collect();
        assert_eq!(
            ends,
            [
                "DTEND;VALUE=DATE:20260302",
                "DTEND;VALUE=DATE:20270101",
                "DTEND;VALUE=DATE:20280229"
            ]
        );
    }

    #[test]
    fn all_day_with_end_or_duration() {
        let mut a = event("a@x", IcsTime::Date(date(2026, 3, 1)));
        a.end = Some(IcsTime::Date(date(2026, 3, 4)));
        let mut b = event("b@x", IcsTime::Date(date(2026, 3, 1)));
        b.duration_secs = Some(2 * 86_400);
        let mut c = event("c@x", IcsTime::Date(date(2026, 3, 1)));
        c.duration_secs = Some(3600); // rounded up to whole days
        let lines = check(&write(&calendar(vec![a, b, c]), stamp()));
        assert!(lines.contains(&"DTEND;VALUE=DATE:20260304".to_owned()));
        assert!(lines.contains(&"DURATION:P2D".to_owned()));
        assert!(lines.contains(&"DURATION:P1D".to_owned()));
        assert_eq!(lines.iter().filter(|l| l.starts_with("DTEND")).count(), 1);
    }

    #[test]
    fn end_wins_over_duration() {
        let mut ev = event("e@x", berlin(2026, 1, 5, 9, 0));
        ev.end = Some(berlin(2026, 1, 5, 10, 0));
        ev.duration_secs = Some(60);
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(lines.contains(&"DTEND;TZID=Europe/Berlin:20260105T100000".to_owned()));
        assert!(!lines.iter().any(|l| l.starts_with("DURATION")));
    }

    #[test]
    fn timed_event_without_end_has_neither() {
        let ev = event("t@x", berlin(2026, 1, 5, 9, 0));
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("DTEND") || l.starts_with("DURATION"))
        );
    }

    #[test]
    fn duration_forms() {
        assert_eq!(format_duration(0, false), "PT0S");
        assert_eq!(format_duration(45, false), "PT45S");
        assert_eq!(format_duration(3600, false), "PT1H");
        assert_eq!(format_duration(5400, false), "PT1H30M");
        assert_eq!(format_duration(3661, false), "PT1H1M1S");
        assert_eq!(format_duration(86_400, false), "PT24H");
        assert_eq!(format_duration(-900, false), "-PT15M");
        assert_eq!(format_duration(86_400, true), "P1D");
        assert_eq!(format_duration(86_401, true), "P2D");
        assert_eq!(format_duration(0, true), "P0D");
        assert_eq!(format_duration(i64::MIN, false), "-PT2562047788015215H30M8S");
    }

    #[test]
    fn offset_forms() {
        let o = |s| Offset::from_seconds(s).unwrap();
        assert_eq!(format_offset(o(0)), "+0000");
        assert_eq!(format_offset(o(3600)), "+0100");
        assert_eq!(format_offset(o(-5 * 3600)), "-0500");
        assert_eq!(format_offset(o(5 * 3600 + 45 * 60)), "+0545");
        assert_eq!(format_offset(o(-(9 * 3600 + 30 * 60))), "-0930");
        assert_eq!(format_offset(o(1172)), "+001932");
        assert_eq!(format_offset(o(-1172)), "-001932");
    }

    #[test]
    fn utc_instants_and_subseconds() {
        let ts = Offset::UTC
            .to_timestamp(date(2026, 7, 4).at(23, 59, 58, 999_000_000))
            .unwrap();
        let mut ev = event("u@x", IcsTime::Utc(ts));
        ev.end = Some(IcsTime::Utc(
            ts.checked_add(SignedDuration::from_secs(3)).unwrap(),
        ));
        let lines = check(&write(&calendar(vec![ev]), ts));
        assert!(lines.contains(&"DTSTART:20260704T235958Z".to_owned()));
        assert!(lines.contains(&"DTEND:20260705T000001Z".to_owned()));
        assert!(lines.contains(&"DTSTAMP:20260704T235958Z".to_owned()));
    }

    // --- EXDATE --------------------------------------------------------------------------------------

    #[test]
    fn exdate_forms() {
        let mut all_day = event("a@x", IcsTime::Date(date(2026, 1, 5)));
        all_day.rrule = Some("FREQ=WEEKLY".to_owned());
        all_day.exdates = vec![date(2026, 1, 12), date(2026, 1, 19)];
        let mut local = event("l@x", berlin(2026, 1, 5, 9, 15));
        local.rrule = Some("FREQ=WEEKLY;BYDAY=MO".to_owned());
        local.exdates = vec![date(2026, 12, 28)];
        let mut utc = event("u@x", IcsTime::Utc(stamp()));
        utc.rrule = Some("FREQ=DAILY;COUNT=10".to_owned());
        utc.exdates = vec![date(2026, 1, 3), date(2026, 1, 4)];
        let lines = check(&write(&calendar(vec![all_day, local, utc]), stamp()));
        let exdates: Vec<&String> = lines.iter().filter(|l| l.starts_with("EXDATE")).collect();
        assert_eq!(
            exdates,
            [
                "EXDATE;VALUE=DATE:20260112,20260119",
                "EXDATE;TZID=Europe/Berlin:20261228T091500",
                "EXDATE:20260103T030405Z,20260104T030405Z",
            ]
        );
    }

    #[test]
    fn rrule_is_passed_through_verbatim() {
        let mut ev = event("r@x", berlin(2026, 1, 5, 9, 0));
        ev.rrule = Some("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO,-1FR;BYSETPOS=1;WKST=MO".to_owned());
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(
            lines.contains(&"RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO,-1FR;BYSETPOS=1;WKST=MO".to_owned())
        );
    }

    // --- time zones ----------------------------------------------------------------------------------

    #[test]
    fn berlin_weekly_event_gets_cet_and_cest() {
        let mut ev = event("weekly-report@x", berlin(2026, 1, 5, 9, 0));
        ev.duration_secs = Some(3600);
        ev.rrule = Some("FREQ=WEEKLY;BYDAY=MO".to_owned());
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(lines.contains(&"DTSTART;TZID=Europe/Berlin:20260105T090000".to_owned()));
        assert!(lines.contains(&"DURATION:PT1H".to_owned()));
        let tz = vtimezone(&lines, "Europe/Berlin");
        let obs_list = observances(&tz);
        assert!(obs_list.contains(&obs("DAYLIGHT", "20260329T020000", "+0100", "+0200", "CEST")));
        assert!(obs_list.contains(&obs("STANDARD", "20261025T030000", "+0200", "+0100", "CET")));
        // From Jan 1 2025 (start year − 1) to Dec 31 2032 (open rule: start + 5, plus one): 8 years.
        assert_eq!(obs_list.len(), 16);
        assert_eq!(
            obs_list[0],
            obs("DAYLIGHT", "20250330T020000", "+0100", "+0200", "CEST")
        );
        assert_eq!(
            obs_list[15],
            obs("STANDARD", "20321031T030000", "+0200", "+0100", "CET")
        );
        // Observances alternate and chain: each FROM is the previous TO.
        for w in obs_list.windows(2) {
            assert_ne!(w[0][0], w[1][0]);
            assert_eq!(w[0][3], w[1][2]);
        }
        // The VTIMEZONE comes before the VEVENT.
        let tz_at = lines.iter().position(|l| l == "BEGIN:VTIMEZONE").unwrap();
        let ev_at = lines.iter().position(|l| l == "BEGIN:VEVENT").unwrap();
        assert!(tz_at < ev_at);
    }

    #[test]
    fn single_event_covers_year_before_and_after() {
        let ev = event("s@x", berlin(2026, 6, 1, 12, 0));
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        let obs_list = observances(&vtimezone(&lines, "Europe/Berlin"));
        assert_eq!(obs_list.len(), 6); // 2025, 2026, 2027
        assert_eq!(obs_list[0][1], "20250330T020000");
        assert_eq!(obs_list[5][1], "20271031T030000");
    }

    #[test]
    fn rrule_until_and_count_extend_zone_data() {
        let mut until = event("u@x", berlin(2026, 1, 5, 9, 0));
        until.rrule = Some("FREQ=WEEKLY;UNTIL=20351231T230000Z".to_owned());
        let lines = check(&write(&calendar(vec![until]), stamp()));
        let obs_list = observances(&vtimezone(&lines, "Europe/Berlin"));
        assert_eq!(obs_list.last().unwrap()[1], "20361026T030000");

        let mut count = event("c@x", berlin(2026, 1, 5, 9, 0));
        count.rrule = Some("FREQ=DAILY;COUNT=3".to_owned());
        let lines = check(&write(&calendar(vec![count]), stamp()));
        let obs_list = observances(&vtimezone(&lines, "Europe/Berlin"));
        assert_eq!(obs_list.last().unwrap()[1], "20281029T030000"); // 2026 + 1 estimate + 1

        assert_eq!(rrule_last_year("FREQ=YEARLY;COUNT=10", 2026), 2036);
        assert_eq!(rrule_last_year("FREQ=MONTHLY;INTERVAL=3;COUNT=8", 2026), 2028);
        assert_eq!(rrule_last_year("FREQ=DAILY;COUNT=1", 2026), 2026);
        assert_eq!(rrule_last_year("freq=weekly", 2026), 2031);
        assert_eq!(rrule_last_year("FREQ=WEEKLY;UNTIL=20200101", 2026), 2026);
        assert_eq!(rrule_last_year("FREQ=YEARLY;COUNT=999999999999", 2026), 2126);
        assert_eq!(rrule_last_year("garbage", 2026), 2031);
        assert_eq!(rrule_last_year("FREQ=DAILY;UNTIL=é", 2026), 2031);
    }

    #[test]
    fn exdates_and_end_extend_zone_data() {
        let mut ev = event("x@x", berlin(2026, 1, 5, 9, 0));
        ev.end = Some(berlin(2030, 1, 5, 9, 0));
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        let obs_list = observances(&vtimezone(&lines, "Europe/Berlin"));
        assert_eq!(obs_list.last().unwrap()[1], "20311026T030000");
    }

    #[test]
    fn southern_hemisphere_zone() {
        let ev = event(
            "syd@x",
            IcsTime::Local(date(2026, 1, 10).at(8, 0, 0, 0), "Australia/Sydney".to_owned()),
        );
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        let obs_list = observances(&vtimezone(&lines, "Australia/Sydney"));
        assert!(obs_list.contains(&obs("STANDARD", "20260405T030000", "+1100", "+1000", "AEST")));
        assert!(obs_list.contains(&obs("DAYLIGHT", "20261004T020000", "+1000", "+1100", "AEDT")));
    }

    #[test]
    fn utc_zone_gets_fixed_standard() {
        let ev = event(
            "utc@x",
            IcsTime::Local(date(2026, 1, 10).at(8, 0, 0, 0), "UTC".to_owned()),
        );
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(lines.contains(&"DTSTART;TZID=UTC:20260110T080000".to_owned()));
        let obs_list = observances(&vtimezone(&lines, "UTC"));
        assert_eq!(
            obs_list,
            [obs("STANDARD", "19700101T000000", "+0000", "+0000", "UTC")]
        );
    }

    #[test]
    fn historic_offsets_with_seconds() {
        // Amsterdam used +00:19:32 (and +01:19:32 in summer) until 1937.
        let ev = event(
            "ams@x",
            IcsTime::Local(date(1936, 6, 1).at(12, 0, 0, 0), "Europe/Amsterdam".to_owned()),
        );
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        let tz = vtimezone(&lines, "Europe/Amsterdam");
        assert!(
            tz.iter()
                .any(|l| l == "TZOFFSETTO:+011932" || l == "TZOFFSETFROM:+001932"),
            "{tz:#?}"
        );
    }

    #[test]
    fn zones_sorted_deduplicated_and_canonical() {
        let evs = vec![
            event("1@x", berlin(2026, 1, 5, 9, 0)),
            event(
                "2@x",
                IcsTime::Local(date(2026, 2, 1).at(9, 0, 0, 0), "America/New_York".to_owned()),
            ),
            event(
                "3@x",
                IcsTime::Local(date(2026, 3, 1).at(9, 0, 0, 0), "europe/berlin".to_owned()),
            ),
            event(
                "4@x",
                IcsTime::Local(date(2026, 3, 1).at(9, 0, 0, 0), "Asia/Tokyo".to_owned()),
            ),
        ];
        let lines = check(&write(&calendar(evs), stamp()));
        let tzids: Vec<&String> = lines.iter().filter(|l| l.starts_with("TZID:")).collect();
        assert_eq!(
            tzids,
            ["TZID:America/New_York", "TZID:Asia/Tokyo", "TZID:Europe/Berlin"]
        );
        assert!(lines.contains(&"DTSTART;TZID=Europe/Berlin:20260301T090000".to_owned()));
        // Every TZID parameter has a VTIMEZONE.
        for l in &lines {
            if let Some((_, rest)) = l.split_once(";TZID=") {
                let tzid = rest.split(':').next().unwrap();
                assert!(
                    tzids.contains(&&format!("TZID:{tzid}")),
                    "{tzid} has no VTIMEZONE"
                );
            }
        }
        // Events stay in the given order.
        let uids: Vec<&String> = lines.iter().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(uids, ["UID:1@x", "UID:2@x", "UID:3@x", "UID:4@x"]);
    }

    #[test]
    fn zone_only_in_end_still_gets_vtimezone() {
        let mut ev = event("e@x", IcsTime::Utc(stamp()));
        ev.end = Some(berlin(2026, 1, 2, 12, 0));
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert_eq!(observances(&vtimezone(&lines, "Europe/Berlin")).len(), 6);
    }

    #[test]
    fn unknown_zone_is_written_as_utc() {
        let mut ev = event(
            "n@x",
            IcsTime::Local(date(2026, 1, 5).at(9, 0, 0, 0), "Mars/Olympus".to_owned()),
        );
        ev.end = Some(IcsTime::Local(date(2026, 1, 5).at(10, 0, 0, 0), "".to_owned()));
        ev.rrule = Some("FREQ=WEEKLY".to_owned());
        ev.exdates = vec![date(2026, 1, 12)];
        let lines = check(&write(&calendar(vec![ev]), stamp()));
        assert!(lines.contains(&"DTSTART:20260105T090000Z".to_owned()));
        assert!(lines.contains(&"DTEND:20260105T100000Z".to_owned()));
        assert!(lines.contains(&"EXDATE:20260112T090000Z".to_owned()));
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("VTIMEZONE") || l.contains("TZID"))
        );
    }

    #[test]
    fn extreme_years_do_not_panic() {
        let mut a = event("a@x", IcsTime::Local(DateTime::MAX, "Europe/Berlin".to_owned()));
        a.rrule = Some("FREQ=YEARLY".to_owned());
        a.duration_secs = Some(i64::MAX);
        a.exdates = vec![Date::MIN, Date::MAX];
        let b = event("b@x", IcsTime::Date(Date::MAX));
        let mut c = event("c@x", IcsTime::Local(DateTime::MIN, "Europe/Berlin".to_owned()));
        c.duration_secs = Some(i64::MIN);
        let ics = write(&calendar(vec![a, b, c]), Timestamp::MAX);
        let lines = check(&ics);
        let obs_list = observances(&vtimezone(&lines, "Europe/Berlin"));
        assert!(obs_list.len() <= MAX_TRANSITIONS);
    }

    #[test]
    fn tzid_parameter_quoting() {
        assert_eq!(param_value("Europe/Berlin"), "Europe/Berlin");
        assert_eq!(param_value("a:b"), "\"a:b\"");
        assert_eq!(strip_param("a\"b\nc"), "abc");
    }

    #[test]
    fn output_is_deterministic() {
        let build = || {
            let mut a = event("a@x", berlin(2026, 1, 5, 9, 0));
            a.rrule = Some("FREQ=WEEKLY;BYDAY=MO".to_owned());
            a.exdates = vec![date(2026, 12, 28)];
            let b = event(
                "b@x",
                IcsTime::Local(date(2026, 1, 5).at(9, 0, 0, 0), "America/New_York".to_owned()),
            );
            let c = event("c@x", IcsTime::Date(date(2026, 3, 1)));
            calendar(vec![a, b, c])
        };
        let first = write(&build(), stamp());
        let second = write(&build(), stamp());
        assert_eq!(first, second);
        check(&first);
    }

    // --- properties ----------------------------------------------------------------------------------

    proptest! {
        #[test]
        fn prop_fold_unfold_round_trip(s in "[^\r\n]{0,400}") {
            let folded = fold_line(&s);
            prop_assert!(folded.ends_with("\r\n"));
            for physical in folded.trim_end_matches("\r\n").split("\r\n") {
                prop_assert!(physical.len() <= 75, "{} octets: {:?}", physical.len(), physical);
            }
            prop_assert_eq!(unfold(&folded), format!("{s}\r\n"));
        }

        #[test]
        fn prop_fold_any_unicode(s in any::<String>()) {
            let line = format!("SUMMARY:{}", escape_text(&s));
            let folded = fold_line(&line);
            for physical in folded.trim_end_matches("\r\n").split("\r\n") {
                prop_assert!(physical.len() <= 75);
                prop_assert!(!physical.contains('\n') && !physical.contains('\r'));
            }
            let unfolded = unfold(&folded);
            prop_assert_eq!(unfolded.trim_end_matches("\r\n"), line.as_str());
        }

        #[test]
        fn prop_escape_round_trip(s in any::<String>()) {
            let escaped = escape_text(&s);
            prop_assert!(!escaped.chars().any(|c| c.is_control() && c != '\t'));
            let expected: String = s.chars().filter(|&c| c == '\n' || c == '\t' || !c.is_control()).collect();
            prop_assert_eq!(unescape(&escaped), expected);
        }

        #[test]
        fn prop_event_text_survives_writing(summary in any::<String>(), description in any::<String>()) {
            let mut ev = event("p@x", IcsTime::Date(date(2026, 1, 1)));
            ev.summary = summary.clone();
            ev.description = Some(description.clone());
            let lines = check(&write(&calendar(vec![ev]), stamp()));
            let keep = |s: &str| -> String { s.chars().filter(|&c| c == '\n' || c == '\t' || !c.is_control()).collect() };
            let got_summary = lines.iter().find_map(|l| l.strip_prefix("SUMMARY:")).map(unescape);
            let got_description = lines.iter().find_map(|l| l.strip_prefix("DESCRIPTION:")).map(unescape);
            prop_assert_eq!(got_summary, Some(keep(&summary)));
            prop_assert_eq!(got_description, Some(keep(&description)));
        }
    }
}
