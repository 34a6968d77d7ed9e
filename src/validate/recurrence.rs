//! Recurrence rules (RFC 5545 RRULE). The rrule crate does the parsing and
//! expansion; this module is the only one that touches it, and speaks
//! jiff's civil date-times to the rest of the crate.

use jiff::civil::DateTime;
use rrule::RRuleSet;

/// The cadences a responsibility may name, and the RRULE each stands for.
pub fn cadence_rule(cadence: &str) -> Option<&'static str> {
    Some(match cadence {
        "daily" => "FREQ=DAILY",
        "weekly" => "FREQ=WEEKLY",
        "monthly" => "FREQ=MONTHLY",
        "quarterly" => "FREQ=MONTHLY;INTERVAL=3",
        "yearly" => "FREQ=YEARLY",
        _ => return None,
    })
}

/// Where a rule starts: a local time in an IANA zone, or a UTC instant.
#[derive(Clone, Copy, Debug)]
pub enum Start<'a> {
    Local(DateTime, &'a str),
    Utc(DateTime),
}

/// Checks the shape of a rule: `KEY=VALUE` parts separated by `;`, in
/// uppercase, as RFC 5545 writes them (and as calendar clients expect them
/// in the feeds, where the rule is passed through as written).
fn syntax(rule: &str) -> Result<(), String> {
    if rule.trim().is_empty() {
        return Err("the rule is empty".into());
    }
    for part in rule.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            return Err(format!("`{part}` is not a `KEY=VALUE` part"));
        };
        let upper = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b",+-".contains(&b))
        };
        if key.is_empty() || value.is_empty() || !key.bytes().all(|b| b.is_ascii_uppercase()) || !upper(value)
        {
            return Err(format!(
                "`{part}` is not a valid part: write rules in uppercase, e.g. `FREQ=WEEKLY;BYDAY=MO`"
            ));
        }
    }
    Ok(())
}

/// Checks `rule` against the event's start. `Err` is the message of an
/// `invalid-recurrence`: the rule does not parse, is not valid for this
/// start, or its first occurrence is not the start.
pub fn check(rule: &str, start: Start<'_>) -> Result<(), String> {
    if rule.lines().count() > 1 || rule.contains(':') {
        return Err("write only the rule's parts, e.g. `FREQ=WEEKLY;BYDAY=MO`".into());
    }
    let upper = rule.to_ascii_uppercase();
    if upper.starts_with("RRULE") {
        return Err("write the rule without the `RRULE:` prefix".into());
    }
    syntax(rule)?;
    let (dtstart, local) = match start {
        Start::Local(dt, tz) => (format!("DTSTART;TZID={tz}:{}", ical(dt)), dt),
        Start::Utc(dt) => (format!("DTSTART:{}Z", ical(dt)), dt),
    };
    let set: RRuleSet = format!("{dtstart}\nRRULE:{rule}")
        .parse()
        .map_err(|e: rrule::RRuleError| clean(&e.to_string()))?;
    let first = set.all(1);
    let Some(first) = first.dates.first() else {
        return Err("the rule has no occurrence".into());
    };
    let first = first.naive_local();
    let as_text = first.format("%Y-%m-%dT%H:%M").to_string();
    let expected = local.strftime("%Y-%m-%dT%H:%M").to_string();
    if as_text != expected {
        return Err(format!(
            "the rule's first occurrence is {as_text}, not the event's start {expected}"
        ));
    }
    Ok(())
}

/// The occurrences of `rule` from `start` up to and including `until`, as
/// civil date-times in the start's zone (or UTC), at most `limit` of them.
/// A rule that does not parse yields only the start.
pub fn expand(rule: &str, start: Start<'_>, until: DateTime, limit: u16) -> Vec<DateTime> {
    let (dtstart, first) = match start {
        Start::Local(dt, tz) => (format!("DTSTART;TZID={tz}:{}", ical(dt)), dt),
        Start::Utc(dt) => (format!("DTSTART:{}Z", ical(dt)), dt),
    };
    // The rule library panics on some text that is not a rule (non-ASCII
    // in a weekday): only well-formed parts reach it.
    if rule.contains([':', '\n']) || syntax(rule).is_err() {
        return vec![first];
    }
    let Ok(set) = format!("{dtstart}\nRRULE:{rule}").parse::<RRuleSet>() else {
        return vec![first];
    };
    let mut out = Vec::new();
    // With the library's loop limit: a rule whose positions never match
    // (`BYSETPOS=23` of a few weekdays a month) would search forever.
    for occurrence in set.limit().into_iter().take(usize::from(limit)) {
        let naive = occurrence.naive_local();
        let text = naive.format("%Y-%m-%dT%H:%M:%S").to_string();
        let Ok(dt) = text.parse::<DateTime>() else { break };
        if dt > until {
            break;
        }
        out.push(dt);
    }
    out
}

/// When `rule` from `start` has more than `limit` occurrences up to
/// `until`: the last of the first `limit`. A bound from the rule's parts
/// settles most rules without expanding them; the others are expanded,
/// to one past the limit.
pub fn beyond(rule: &str, start: Start<'_>, until: DateTime, limit: u16) -> Option<DateTime> {
    let first = match start {
        Start::Local(dt, _) | Start::Utc(dt) => dt,
    };
    let days = first
        .date()
        .until(until.date())
        .map_or(0, |s| s.get_days().max(0)) as u64
        + 1;
    let mut unit = 86_400u64;
    let mut per_unit = 1u64;
    let (mut interval, mut count) = (1u64, u64::MAX);
    let mut fine = [1u64; 3];
    for part in rule.split(';') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let values = value.split(',').count() as u64;
        match key {
            // Periods of the frequency, and at most how many occurrences
            // each can hold (one per second, minute or hour it names).
            "FREQ" => {
                (unit, per_unit) = match value {
                    "SECONDLY" => (1, 1),
                    "MINUTELY" => (60, 1),
                    "HOURLY" => (3_600, 1),
                    "DAILY" => (86_400, 1),
                    "WEEKLY" => (7 * 86_400, 7),
                    "MONTHLY" => (28 * 86_400, 31),
                    _ => (365 * 86_400, 366),
                }
            }
            "INTERVAL" => interval = value.parse::<u64>().unwrap_or(1).max(1),
            "COUNT" => count = value.parse().unwrap_or(u64::MAX),
            "BYHOUR" => fine[0] = values,
            "BYMINUTE" => fine[1] = values,
            "BYSECOND" => fine[2] = values,
            _ => {}
        }
    }
    // Only the parts finer than the frequency multiply its occurrences.
    let finer = match unit {
        1 => 1,
        60 => fine[2],
        3_600 => fine[1] * fine[2],
        _ => fine[0] * fine[1] * fine[2],
    };
    let periods = days * 86_400 / (unit * interval) + 1;
    let bound = periods.saturating_mul(per_unit).saturating_mul(finer).min(count);
    if bound <= u64::from(limit) {
        return None;
    }
    let all = expand(rule, start, until, limit.saturating_add(1));
    (all.len() > usize::from(limit)).then(|| all[usize::from(limit) - 1])
}

/// Checks a rule that has no start of its own (a responsibility's cadence).
pub fn check_unanchored(rule: &str) -> Result<(), String> {
    if rule.contains(':') || rule.contains('\n') {
        return Err("write only the rule's parts, e.g. `FREQ=WEEKLY;BYDAY=MO`".into());
    }
    syntax(rule)?;
    rule.parse::<rrule::RRule<rrule::Unvalidated>>()
        .map(|_| ())
        .map_err(|e| clean(&e.to_string()))
}

fn ical(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

fn clean(message: &str) -> String {
    let m = message.trim().trim_end_matches('.');
    // Lowercase a leading capital, but keep acronyms (`RRule`, `BYDAY`).
    let mut chars = m.chars();
    match (chars.next(), chars.next()) {
        (None, _) => "invalid rule".into(),
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(m.chars().skip(1)).collect()
        }
        _ => m.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::datetime;

    fn local(rule: &str, dt: DateTime) -> Result<(), String> {
        check(rule, Start::Local(dt, "Europe/Berlin"))
    }

    /// Found by the `rrule` fuzz target: the rule library panicked on a
    /// weekday with a non-ASCII character in it.
    #[test]
    fn a_rule_that_is_not_ascii_expands_to_its_start_only() {
        let start = datetime(2026, 1, 7, 0, 0, 0, 0);
        let rule = "FREQ=WEEKLY;BYDAY=SU\u{523}A";
        let until = datetime(2027, 1, 1, 0, 0, 0, 0);
        assert_eq!(
            expand(rule, Start::Local(start, "Europe/Berlin"), until, 10),
            vec![start]
        );
        assert_eq!(expand(rule, Start::Utc(start), until, 10), vec![start]);
        assert!(local(rule, start).is_err());
        assert!(check_unanchored(rule).is_err());
    }

    /// Found by the `rrule` fuzz target, as a timeout while the machine
    /// was busy: positions that no month has (`BYSETPOS=23` of four
    /// weekdays) make the rule library search up to its loop limit (about
    /// 30 ms). The expansion runs under that limit too, and ends empty.
    #[test]
    fn a_rule_whose_positions_never_match_expands_in_bounded_time() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let start = datetime(2026, 9, 30, 7, 30, 0, 0);
            let rule = "FREQ=MONTHLY;BYDAY=MO,TU,SU,THMO,FR;BYSETPOS=23";
            let until = datetime(2029, 12, 31, 0, 0, 0, 0);
            let _ = tx.send((
                expand(rule, Start::Local(start, "Australia/Lord_Howe"), until, 500),
                beyond(rule, Start::Utc(start), until, 10),
            ));
        });
        let got = rx.recv_timeout(std::time::Duration::from_secs(60));
        assert_eq!(got, Ok((Vec::new(), None)));
    }

    #[test]
    fn rules_with_more_occurrences_than_the_limit_are_told_apart() {
        let start = datetime(2026, 1, 1, 9, 0, 0, 0);
        let until = datetime(2027, 12, 31, 23, 59, 59, 0);
        let more = |rule: &str| beyond(rule, Start::Local(start, "Europe/Berlin"), until, 2000).is_some();
        // Settled by the bound.
        assert!(!more("FREQ=WEEKLY;BYDAY=TH"));
        assert!(!more("FREQ=DAILY"));
        assert!(!more("FREQ=SECONDLY;COUNT=2000"));
        // Expanded.
        assert!(more("FREQ=SECONDLY"));
        assert!(more("FREQ=MINUTELY;INTERVAL=15"));
        assert!(more("FREQ=DAILY;BYHOUR=9,12,15"));
        assert!(!more("FREQ=HOURLY;UNTIL=20260301T000000Z"));
        assert!(more("FREQ=HOURLY;UNTIL=20260401T000000Z"));
        assert!(!more("FREQ=HOURLY;BYHOUR=9;BYMINUTE=0"));
        // The last occurrence shown.
        assert_eq!(
            beyond("FREQ=HOURLY", Start::Local(start, "Europe/Berlin"), until, 2000),
            Some(datetime(2026, 3, 25, 16, 0, 0, 0))
        );
        // The bound never undercounts: every rule it settles has at most
        // the limit.
        for rule in [
            "FREQ=DAILY",
            "FREQ=MONTHLY;BYMONTHDAY=1,15",
            "FREQ=YEARLY;BYYEARDAY=1,100,200",
        ] {
            let n = expand(rule, Start::Local(start, "Europe/Berlin"), until, 5000).len();
            assert_eq!(more(rule), n > 2000, "{rule}: {n}");
        }
    }

    #[test]
    fn weekly_rule_starting_on_its_day() {
        // 2026-01-05 is a Monday.
        assert_eq!(
            local("FREQ=WEEKLY;BYDAY=MO", datetime(2026, 1, 5, 9, 0, 0, 0)),
            Ok(())
        );
        let err = local("FREQ=WEEKLY;BYDAY=MO", datetime(2026, 1, 2, 9, 0, 0, 0)).unwrap_err();
        assert!(err.contains("2026-01-05T09:00"), "{err}");
    }

    #[test]
    fn monthly_rules() {
        assert_eq!(
            local("FREQ=MONTHLY;BYDAY=1MO", datetime(2026, 2, 2, 10, 0, 0, 0)),
            Ok(())
        );
        assert_eq!(
            local("FREQ=MONTHLY;BYMONTHDAY=1", datetime(2026, 1, 1, 10, 0, 0, 0)),
            Ok(())
        );
        assert_eq!(
            check("FREQ=DAILY;COUNT=3", Start::Utc(datetime(2026, 1, 1, 8, 0, 0, 0))),
            Ok(())
        );
    }

    #[test]
    fn bad_rules() {
        assert!(local("FREQ=SOMETIMES", datetime(2026, 1, 5, 9, 0, 0, 0)).is_err());
        assert!(local("RRULE:FREQ=DAILY", datetime(2026, 1, 5, 9, 0, 0, 0)).is_err());
        assert!(local("FREQ=WEEKLY;BYDAY=XX", datetime(2026, 1, 5, 9, 0, 0, 0)).is_err());
        assert!(check_unanchored("FREQ=WEEKLY;BYDAY=MO,FR").is_ok());
        assert!(check_unanchored("every tuesday").is_err());
        assert!(check_unanchored("FREQ=DAILY;;").is_err());
        assert!(check_unanchored("freq=daily").is_err());
        assert!(check_unanchored("FREQ=WEEKLY;UNTIL=20261231T235959Z;BYDAY=-1FR,+2MO").is_ok());
    }

    #[test]
    fn expansion_stays_on_local_time_across_dst() {
        let all = expand(
            "FREQ=WEEKLY;BYDAY=MO",
            Start::Local(datetime(2026, 3, 23, 9, 0, 0, 0), "Europe/Berlin"),
            datetime(2026, 4, 13, 23, 59, 0, 0),
            100,
        );
        let days: Vec<String> = all.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            days,
            [
                "2026-03-23T09:00:00",
                "2026-03-30T09:00:00",
                "2026-04-06T09:00:00",
                "2026-04-13T09:00:00"
            ]
        );
        assert_eq!(
            expand(
                "FREQ=DAILY",
                Start::Utc(datetime(2026, 1, 1, 0, 0, 0, 0)),
                datetime(2030, 1, 1, 0, 0, 0, 0),
                10
            )
            .len(),
            10
        );
    }

    #[test]
    fn cadences() {
        assert_eq!(cadence_rule("quarterly"), Some("FREQ=MONTHLY;INTERVAL=3"));
        assert_eq!(cadence_rule("fortnightly"), None);
    }
}
