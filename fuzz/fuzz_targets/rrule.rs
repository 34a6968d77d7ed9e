//! Recurrence rules: checked against a start in a zone (or UTC) and
//! expanded up to a horizon. None may panic; an expansion stays within its
//! limit, in order, inside the horizon.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playbook::validate::recurrence::{Start, check, check_unanchored, expand};

const ZONES: [&str; 4] = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"];

fuzz_target!(|input: (u8, u16, &str)| {
    let (pick, day, rule) = input;
    let start = jiff::civil::date(2026, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(day % 1200)))
        .unwrap()
        .to_datetime(jiff::civil::Time::constant(
            i8::try_from(pick % 24).unwrap(),
            30,
            0,
            0,
        ));
    let start = match pick % 5 {
        4 => Start::Utc(start),
        z => Start::Local(start, ZONES[usize::from(z)]),
    };
    let _ = check_unanchored(rule);
    let _ = check(rule, start);
    let until = jiff::civil::date(2029, 12, 31).at(23, 59, 59, 0);
    let got = expand(rule, start, until, 500);
    assert!(got.len() <= 500);
    assert!(
        got.iter().all(|d| *d <= until) || got.len() == 1,
        "{rule}: {got:?}"
    );
    assert!(got.windows(2).all(|w| w[0] <= w[1]), "{rule}: out of order");
});
