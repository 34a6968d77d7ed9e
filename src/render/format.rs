//! Numbers, money, percentages and dates as the site shows them.

use jiff::civil::Date;
use rust_decimal::Decimal;

/// `1234567.5` → `1,234,567.5`.
pub fn number(d: Decimal) -> String {
    let text = d.normalize().to_string();
    group(&text)
}

/// An amount with the currency's minor digits and code: `120,000.00 EUR`.
pub fn money(d: Decimal, currency: Option<&crate::model::money::Currency>) -> String {
    match currency {
        Some(c) => format!(
            "{} {}",
            group(&d.round_dp(c.minor_digits).to_string_padded(c.minor_digits)),
            c.code()
        ),
        None => number(d),
    }
}

trait Padded {
    fn to_string_padded(&self, digits: u32) -> String;
}

impl Padded for Decimal {
    fn to_string_padded(&self, digits: u32) -> String {
        let mut d = *self;
        d.rescale(digits);
        d.to_string()
    }
}

fn group(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Short numbers for chart axes and labels: `44000` → `44k`, `1250000` → `1.3M`.
pub fn compact(v: f64) -> String {
    let (scaled, suffix) = match v.abs() {
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let text = format!("{scaled:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}{suffix}")
}

/// A share as a whole percentage: `0.625` → `63%`.
pub fn percent(share: f64) -> String {
    format!("{}%", (share * 100.0).round() as i64)
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Appends `n` in decimal, with at least `width` digits.
fn push_number(out: &mut String, n: impl Into<u32>, width: usize) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest: u32 = n.into();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 && digits.len() - at >= width {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&b| char::from(b)));
}

/// Appends `5 Jan`: the day of `d` and the short English name of its month.
fn push_day_month(out: &mut String, d: Date) {
    push_number(out, d.day().unsigned_abs(), 1);
    out.push(' ');
    out.push_str(MONTHS[usize::from(d.month().unsigned_abs()) - 1]);
}

/// `2026-03-01` → `1 Mar 2026`.
pub fn date(d: Date) -> String {
    if !(1000..=9999).contains(&d.year()) {
        return d.strftime("%-d %b %Y").to_string();
    }
    let mut out = String::with_capacity(12);
    push_day_month(&mut out, d);
    out.push(' ');
    push_number(&mut out, d.year().unsigned_abs(), 1);
    out
}

/// `2026-03-01`, as the date prints; quick for years 0 to 9999.
pub fn iso_date(d: Date) -> String {
    if !(0..=9999).contains(&d.year()) {
        return d.to_string();
    }
    let mut out = String::with_capacity(10);
    push_number(&mut out, d.year().unsigned_abs(), 4);
    out.push('-');
    push_number(&mut out, d.month().unsigned_abs(), 2);
    out.push('-');
    push_number(&mut out, d.day().unsigned_abs(), 2);
    out
}

/// `09:30`.
pub fn hour_minute(t: jiff::civil::Time) -> String {
    let mut out = String::with_capacity(5);
    push_number(&mut out, t.hour().unsigned_abs(), 2);
    out.push(':');
    push_number(&mut out, t.minute().unsigned_abs(), 2);
    out
}

/// `Mon 5 Jan`.
pub fn day_label(d: Date) -> String {
    let mut out = String::with_capacity(10);
    out.push_str(WEEKDAYS[usize::from(d.weekday().to_monday_zero_offset().unsigned_abs())]);
    out.push(' ');
    push_day_month(&mut out, d);
    out
}

/// `2026-03` → `March 2026`.
pub fn month_label(d: Date) -> String {
    d.strftime("%B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// The quick date and time labels are those of the format strings
    /// they stand for, on every day of four centuries and beyond.
    #[test]
    fn dates_and_times_print_as_their_formats() {
        let mut d = Date::new(1900, 1, 1).unwrap();
        let end = Date::new(2300, 12, 31).unwrap();
        while d <= end {
            assert_eq!(date(d), d.strftime("%-d %b %Y").to_string());
            assert_eq!(day_label(d), d.strftime("%a %-d %b").to_string());
            assert_eq!(iso_date(d), d.to_string());
            d = d.tomorrow().unwrap();
        }
        for d in [
            Date::MIN,
            Date::MAX,
            Date::new(-1, 3, 4).unwrap(),
            Date::new(0, 1, 1).unwrap(),
            Date::new(9, 10, 11).unwrap(),
            Date::new(999, 12, 31).unwrap(),
            Date::new(9999, 12, 31).unwrap(),
        ] {
            assert_eq!(date(d), d.strftime("%-d %b %Y").to_string());
            assert_eq!(day_label(d), d.strftime("%a %-d %b").to_string());
            assert_eq!(iso_date(d), d.to_string());
        }
        for h in 0..24 {
            for m in 0..60 {
                let t = jiff::civil::Time::new(h, m, 59, 999).unwrap();
                assert_eq!(hour_minute(t), t.strftime("%H:%M").to_string());
            }
        }
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(number(Decimal::from_str("1234567.50").unwrap()), "1,234,567.5");
        assert_eq!(number(Decimal::from_str("-1000").unwrap()), "-1,000");
        assert_eq!(number(Decimal::from_str("999").unwrap()), "999");
        let eur = crate::model::money::Currency::parse("EUR").unwrap();
        let jpy = crate::model::money::Currency::parse("JPY").unwrap();
        assert_eq!(
            money(Decimal::from_str("120000").unwrap(), Some(&eur)),
            "120,000.00 EUR"
        );
        assert_eq!(
            money(Decimal::from_str("9800.5").unwrap(), Some(&eur)),
            "9,800.50 EUR"
        );
        assert_eq!(money(Decimal::from_str("5000").unwrap(), Some(&jpy)), "5,000 JPY");
    }

    #[test]
    fn dates_and_shares() {
        let d = jiff::civil::date(2026, 3, 1);
        assert_eq!(date(d), "1 Mar 2026");
        assert_eq!(day_label(d), "Sun 1 Mar");
        assert_eq!(month_label(d), "March 2026");
        assert_eq!(percent(0.625), "63%");
        assert_eq!(compact(44000.0), "44k");
        assert_eq!(compact(4800.0), "4.8k");
        assert_eq!(compact(1_260_000.0), "1.3M");
        assert_eq!(compact(12.0), "12");
        assert_eq!(compact(0.5), "0.5");
    }
}
