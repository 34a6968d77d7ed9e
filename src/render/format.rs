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

/// `2026-03-01` → `1 Mar 2026`.
pub fn date(d: Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// `Mon 5 Jan`.
pub fn day_label(d: Date) -> String {
    d.strftime("%a %-d %b").to_string()
}

/// `2026-03` → `March 2026`.
pub fn month_label(d: Date) -> String {
    d.strftime("%B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

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
