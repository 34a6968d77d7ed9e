//! Periods (`2026`, `FY2026`, `2026-Q2`, `FY2026-Q2`, `2026-05`, `2026-W19`,
//! `{start, end}`), their date ranges and how they nest, and the date,
//! date-time and duration syntaxes of the file formats.

use jiff::civil::{Date, ISOWeekDate, Weekday};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

use super::located::{DateText, Located};

/// A period as written in a file: a name, or an explicit inclusive range.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawPeriod {
    Name(String),
    Range {
        start: Located<DateText>,
        end: Located<DateText>,
    },
}

impl<'de> Deserialize<'de> for RawPeriod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Range {
            start: Located<DateText>,
            end: Located<DateText>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPeriod;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a period such as 2026, FY2026, 2026-Q2, 2026-05, 2026-W19 or {start, end}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPeriod, E> {
                Ok(RawPeriod::Name(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawPeriod, E> {
                Ok(RawPeriod::Name(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawPeriod, E> {
                Ok(RawPeriod::Name(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawPeriod, E> {
                Ok(RawPeriod::Name(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawPeriod, A::Error> {
                let r = Range::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawPeriod::Range {
                    start: r.start,
                    end: r.end,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawPeriod {
    fn schema_name() -> Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A period: 2026, FY2026, 2026-Q2, FY2026-Q2, 2026-05, 2026-W19, or {start, end} (inclusive)",
            "oneOf": [
                {"type": "integer"},
                {"type": "string", "pattern": "^(FY)?[0-9]{4}(-Q[1-4]|-[0-9]{2}|-W[0-9]{2})?$"},
                {
                    "type": "object",
                    "properties": {
                        "start": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                        "end": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
                    },
                    "required": ["start", "end"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// The years periods and dates may fall in: wide enough for any plan,
/// narrow enough that every derived date (a week's Sunday, the day after a
/// month) exists.
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2999;

/// How coarse a period is; cascades roll finer periods up into coarser ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Year,
    Quarter,
    Month,
    Week,
    /// An explicit `{start, end}` range.
    Custom,
}

/// A parsed period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i16),
    FiscalYear(i16),
    Quarter(i16, u8),
    FiscalQuarter(i16, u8),
    Month(i16, u8),
    Week(i16, u8),
    Range(Date, Date),
}

/// Inclusive first and last day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn covers(&self, other: &DateRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Number of days, counting both ends.
    pub fn days(&self) -> i64 {
        (self.end - self.start).get_days() as i64 + 1
    }
}

impl Period {
    /// Parses a period name. `Err` is the message of an `invalid-value`.
    pub fn parse(s: &str) -> Result<Period, String> {
        let bad = || {
            format!(
                "`{s}` is not a period: use 2026, FY2026, 2026-Q2, FY2026-Q2, 2026-05, 2026-W19 or {{start, end}}"
            )
        };
        let (fiscal, rest) = match s.strip_prefix("FY") {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let Some(year_text) = rest.get(..4) else {
            return Err(bad());
        };
        let suffix = &rest[4..];
        if !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i16 = year_text.parse().map_err(|_| bad())?;
        if !YEARS.contains(&year) {
            return Err(format!(
                "`{s}` is outside the years {} to {}",
                YEARS.start(),
                YEARS.end()
            ));
        }
        if suffix.is_empty() {
            return Ok(if fiscal {
                Period::FiscalYear(year)
            } else {
                Period::Year(year)
            });
        }
        let suffix = suffix.strip_prefix('-').ok_or_else(bad)?;
        let number = |t: &str, max: u8| -> Result<u8, String> {
            let digits = if max == 4 { 1 } else { 2 };
            if t.len() != digits {
                return Err(bad());
            }
            match t.parse::<u8>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(bad()),
            }
        };
        if let Some(q) = suffix.strip_prefix('Q') {
            let q = number(q, 4)?;
            return Ok(if fiscal {
                Period::FiscalQuarter(year, q)
            } else {
                Period::Quarter(year, q)
            });
        }
        if fiscal {
            return Err(bad());
        }
        if let Some(w) = suffix.strip_prefix('W') {
            let w = number(w, 53)?;
            if ISOWeekDate::new(year, w as i8, Weekday::Thursday).is_err() {
                return Err(format!("{year} has no ISO week {w}"));
            }
            return Ok(Period::Week(year, w));
        }
        Ok(Period::Month(year, number(suffix, 12)?))
    }

    pub fn granularity(&self) -> Granularity {
        match self {
            Period::Year(_) | Period::FiscalYear(_) => Granularity::Year,
            Period::Quarter(..) | Period::FiscalQuarter(..) => Granularity::Quarter,
            Period::Month(..) => Granularity::Month,
            Period::Week(..) => Granularity::Week,
            Period::Range(..) => Granularity::Custom,
        }
    }

    /// The days the period spans. `fy_start` is the first month of the
    /// fiscal year (1-12); a fiscal year is named after the calendar year in
    /// which it ends.
    pub fn range(&self, fy_start: u8) -> DateRange {
        let date = |y: i16, m: u8, d: u8| Date::new(y, m as i8, d as i8).expect("valid date");
        let month_range = |y: i16, m: u8, months: u8| {
            // `months` months starting with month `m` of year `y` (m may run past 12).
            let first = date(y + ((m - 1) / 12) as i16, (m - 1) % 12 + 1, 1);
            let last_m = m + months - 1;
            let last = date(y + ((last_m - 1) / 12) as i16, (last_m - 1) % 12 + 1, 1).last_of_month();
            DateRange {
                start: first,
                end: last,
            }
        };
        // The calendar year and month in which fiscal year `fy` begins.
        let fiscal_start = |fy: i16| if fy_start == 1 { fy } else { fy - 1 };
        match *self {
            Period::Year(y) => month_range(y, 1, 12),
            Period::FiscalYear(fy) => month_range(fiscal_start(fy), fy_start, 12),
            Period::Quarter(y, q) => month_range(y, (q - 1) * 3 + 1, 3),
            Period::FiscalQuarter(fy, q) => month_range(fiscal_start(fy), fy_start + (q - 1) * 3, 3),
            Period::Month(y, m) => month_range(y, m, 1),
            Period::Week(y, w) => {
                let monday = ISOWeekDate::new(y, w as i8, Weekday::Monday)
                    .expect("week checked when parsed")
                    .date();
                let sunday = ISOWeekDate::new(y, w as i8, Weekday::Sunday)
                    .expect("week checked when parsed")
                    .date();
                DateRange {
                    start: monday,
                    end: sunday,
                }
            }
            Period::Range(start, end) => DateRange { start, end },
        }
    }

    /// The day that decides which coarser periods hold this one: a week's
    /// Thursday (ISO 8601), otherwise `None` (the whole range must fit).
    pub fn anchor(&self) -> Option<Date> {
        match *self {
            Period::Week(y, w) => Some(
                ISOWeekDate::new(y, w as i8, Weekday::Thursday)
                    .expect("week checked when parsed")
                    .date(),
            ),
            _ => None,
        }
    }

    /// Whether this period lies inside `outer` (weeks by their Thursday).
    pub fn inside(&self, outer: &Period, fy_start: u8) -> bool {
        let outer = outer.range(fy_start);
        match self.anchor() {
            Some(thursday) => outer.contains(thursday),
            None => outer.covers(&self.range(fy_start)),
        }
    }

    /// The periods of granularity `g` that lie inside `self`, in order.
    /// Empty for custom ranges, or when `g` is not finer than `self`.
    pub fn children(&self, g: Granularity, fy_start: u8) -> Vec<Period> {
        if g <= self.granularity() || g == Granularity::Custom {
            return Vec::new();
        }
        let range = self.range(fy_start);
        let mut out = Vec::new();
        match g {
            Granularity::Quarter => {
                // Quarters that follow this period's own calendar: fiscal
                // quarters inside fiscal years, calendar ones otherwise.
                match *self {
                    Period::FiscalYear(fy) => out.extend((1..=4).map(|q| Period::FiscalQuarter(fy, q))),
                    Period::Year(y) => out.extend((1..=4).map(|q| Period::Quarter(y, q))),
                    _ => {}
                }
            }
            Granularity::Month => {
                let mut d = range.start.first_of_month();
                while d <= range.end {
                    let p = Period::Month(d.year(), d.month() as u8);
                    if p.inside(self, fy_start) {
                        out.push(p);
                    }
                    d = d.last_of_month().tomorrow().expect("in range");
                }
            }
            Granularity::Week => {
                let first = range.start.iso_week_date();
                let mut d = ISOWeekDate::new(first.year(), first.week(), Weekday::Thursday)
                    .expect("valid")
                    .date();
                while d <= range.end {
                    let iso = d.iso_week_date();
                    let p = Period::Week(iso.year(), iso.week() as u8);
                    if p.inside(self, fy_start) {
                        out.push(p);
                    }
                    d = d.checked_add(jiff::Span::new().days(7)).expect("in range");
                }
            }
            _ => {}
        }
        out
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::FiscalYear(y) => write!(f, "FY{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::FiscalQuarter(y, q) => write!(f, "FY{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Week(y, w) => write!(f, "{y}-W{w:02}"),
            Period::Range(s, e) => write!(f, "{s}..{e}"),
        }
    }
}

/// Parses `YYYY-MM-DD`. `Err` is the message of an `invalid-value`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!("`{s}` is not a date: use YYYY-MM-DD"));
    }
    let date = s
        .parse::<Date>()
        .map_err(|_| format!("`{s}` is not a valid date"))?;
    if !YEARS.contains(&date.year()) {
        return Err(format!(
            "`{s}` is outside the years {} to {}",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(date)
}

/// A duration in seconds from `30m`, `1h`, `1h30m`, `2d` or ISO 8601
/// (`PT1H30M`, `P1D`). `Err` is the message of an `invalid-value`.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not a duration: use 30m, 1h, 1h30m, 2d or PT1H30M");
    if s.starts_with('P') || s.starts_with('p') {
        let span: jiff::Span = s.parse().map_err(|_| bad())?;
        let secs = span
            .total((jiff::Unit::Second, jiff::civil::date(2000, 1, 1)))
            .map_err(|_| bad())?;
        return if secs > 0.0 { Ok(secs as i64) } else { Err(bad()) };
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut last_unit = 0u8;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let (rank, factor) = match c {
            'd' => (1, 86_400),
            'h' => (2, 3_600),
            'm' => (3, 60),
            's' => (4, 1),
            _ => return Err(bad()),
        };
        // Units must come once each, largest first: `1h30m`, not `30m1h`.
        if digits.is_empty() || rank <= last_unit || digits.len() > 6 {
            return Err(bad());
        }
        total += digits.parse::<i64>().map_err(|_| bad())? * factor;
        digits.clear();
        last_unit = rank;
    }
    if !digits.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    fn r(s: &str, fy: u8) -> (String, String) {
        let range = p(s).range(fy);
        (range.start.to_string(), range.end.to_string())
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(p("2026"), Period::Year(2026));
        assert_eq!(p("FY2026"), Period::FiscalYear(2026));
        assert_eq!(p("2026-Q2"), Period::Quarter(2026, 2));
        assert_eq!(p("FY2027-Q1"), Period::FiscalQuarter(2027, 1));
        assert_eq!(p("2026-05"), Period::Month(2026, 5));
        assert_eq!(p("2026-W19"), Period::Week(2026, 19));
        for bad in [
            "9999",
            "9999-W52",
            "0000",
            "1899-12",
            "26",
            "2026-13",
            "2026-Q5",
            "2026-W54",
            "FY2026-05",
            "2026-5x",
            "",
            "2026-",
            "abcd",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        // 2026 has 53 ISO weeks, 2027 only 52.
        assert!(Period::parse("2026-W53").is_ok());
        assert!(Period::parse("2027-W53").is_err());
    }

    #[test]
    fn display_round_trips() {
        for s in ["2026", "FY2026", "2026-Q2", "FY2027-Q1", "2026-05", "2026-W01"] {
            assert_eq!(p(s).to_string(), s);
        }
    }

    #[test]
    fn fiscal_years_are_named_after_their_last_year() {
        assert_eq!(r("FY2027", 7), ("2026-07-01".into(), "2027-06-30".into()));
        assert_eq!(r("FY2027-Q1", 7), ("2026-07-01".into(), "2026-09-30".into()));
        assert_eq!(r("FY2027-Q3", 7), ("2027-01-01".into(), "2027-03-31".into()));
        assert_eq!(r("FY2026", 1), ("2026-01-01".into(), "2026-12-31".into()));
        assert_eq!(r("FY2026-Q4", 4), ("2026-01-01".into(), "2026-03-31".into()));
    }

    #[test]
    fn calendar_ranges() {
        assert_eq!(r("2026-Q1", 1), ("2026-01-01".into(), "2026-03-31".into()));
        assert_eq!(r("2028-02", 1), ("2028-02-01".into(), "2028-02-29".into()));
        assert_eq!(r("2026-W01", 1), ("2025-12-29".into(), "2026-01-04".into()));
        assert_eq!(p("2026").range(1).days(), 365);
    }

    #[test]
    fn weeks_belong_where_their_thursday_is() {
        // 2026-W01 starts in 2025 but its Thursday is 2026-01-01.
        assert!(p("2026-W01").inside(&p("2026-01"), 1));
        assert!(p("2026-W01").inside(&p("2026"), 1));
        // 2025-W01 runs 2024-12-30..2025-01-05: Thursday 2025-01-02.
        assert!(!p("2025-W01").inside(&p("2024"), 1));
        assert_eq!(
            p("2026-01").children(Granularity::Week, 1),
            (1..=5).map(|w| Period::Week(2026, w)).collect::<Vec<_>>()
        );
        // February 2026: Thursdays 5, 12, 19, 26 = W06..W09.
        assert_eq!(p("2026-02").children(Granularity::Week, 1).len(), 4);
        assert_eq!(p("2026").children(Granularity::Week, 1).len(), 53);
    }

    #[test]
    fn children_of_years_and_quarters() {
        assert_eq!(p("2026").children(Granularity::Quarter, 1).len(), 4);
        assert_eq!(
            p("2026-Q2").children(Granularity::Month, 1),
            vec![
                Period::Month(2026, 4),
                Period::Month(2026, 5),
                Period::Month(2026, 6)
            ]
        );
        assert_eq!(
            p("FY2027").children(Granularity::Month, 7).first(),
            Some(&Period::Month(2026, 7))
        );
        assert!(p("2026-05").children(Granularity::Quarter, 1).is_empty());
    }

    #[test]
    fn containment() {
        assert!(p("2026-Q2").inside(&p("2026"), 1));
        assert!(!p("2026-Q2").inside(&p("2026-Q1"), 1));
        assert!(p("FY2027-Q1").inside(&p("2026"), 7));
        let range = Period::Range(date(2026, 3, 1), date(2026, 4, 15));
        assert!(range.inside(&p("2026"), 1));
        assert!(!range.inside(&p("2026-Q1"), 1));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-02-28").unwrap(), date(2026, 2, 28));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-3").is_err());
        assert!(parse_date("20260101").is_err());
        assert!(parse_date("9999-12-31").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("1h"), Ok(3600));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert_eq!(parse_duration("PT1H30M"), Ok(5400));
        assert_eq!(parse_duration("P1D"), Ok(86_400));
        for bad in ["", "h", "30", "30m1h", "1x", "0m", "PT", "-1h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
