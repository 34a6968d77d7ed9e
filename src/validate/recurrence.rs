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

/// Checks a rule that has no start of its own (a responsibility's cadence).
pub fn check_unanchored(rule: &str) -> Result<(), String> {
    if rule.contains(':') || rule.contains('\n') {
        return Err("write only the rule's parts, e.g. `FREQ=WEEKLY;BYDAY=MO`".into());
    }
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
    }

    #[test]
    fn cadences() {
        assert_eq!(cadence_rule("quarterly"), Some("FREQ=MONTHLY;INTERVAL=3"));
        assert_eq!(cadence_rule("fortnightly"), None);
    }
}
