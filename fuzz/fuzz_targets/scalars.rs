//! The scalar parsers of the formats: periods, dates, durations, amounts
//! and currency codes. None may panic, and what they accept is sound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playbook::model::money::{Currency, parse_amount, parse_decimal};
use playbook::model::period::{Granularity, Period, parse_date, parse_duration};

fuzz_target!(|text: &str| {
    let _ = parse_date(text);
    let _ = parse_duration(text);
    let _ = parse_decimal(text);
    let currency = Currency::parse(text).ok();
    for code in [Some("EUR"), Some("JPY"), Some("BHD"), None] {
        let c = code.and_then(|c| Currency::parse(c).ok());
        let _ = parse_amount(text, c.as_ref());
    }
    let _ = parse_amount("12.5", currency.as_ref());
    if let Ok(p) = Period::parse(text) {
        assert_eq!(Period::parse(&p.to_string()), Ok(p), "{text}");
        // Every fiscal-year start gives a range that starts before it ends,
        // and children that lie inside the period (a week by its Thursday).
        for fy in 1..=12 {
            let r = p.range(fy);
            assert!(r.start <= r.end, "{text}: {r:?}");
            for g in [Granularity::Quarter, Granularity::Month, Granularity::Week] {
                if g <= p.granularity() {
                    continue;
                }
                for c in p.children(g, fy) {
                    assert!(c.inside(&p, fy), "{text}: {c:?} outside {r:?}");
                }
            }
        }
    }
});
