//! No input may panic: random bytes and random YAML go through the loader
//! and the checks, as files of every kind.

use proptest::prelude::*;
use std::path::PathBuf;

/// Where each generated text is written, one kind after the other.
const TARGETS: &[(&str, bool)] = &[
    ("playbook.yaml", false),
    ("content/index.md", true),
    ("content/pages/p.md", true),
    ("content/personas/p.md", true),
    ("content/metrics/m.yaml", false),
    ("content/goals/g.yaml", false),
    ("content/campaigns/c.md", true),
    ("content/budgets/b.yaml", false),
    ("content/roles/r.md", true),
    ("content/calendars/c.yaml", false),
];

fn check_text(case: usize, text: &[u8]) {
    // Tests run in parallel: every call gets its own folder.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("playbook-prop-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (target, md) = TARGETS[case % TARGETS.len()];
    std::fs::create_dir_all(dir.join("content/x")).unwrap();
    if target != "playbook.yaml" {
        std::fs::write(dir.join("playbook.yaml"), "title: T\n").unwrap();
    }
    let path: PathBuf = dir.join(target);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut bytes = Vec::new();
    if md {
        bytes.extend_from_slice(b"---\n");
    }
    bytes.extend_from_slice(text);
    if md {
        bytes.extend_from_slice(b"\n---\nBody with [a link](@roles/r) and [x](@nope/y).\n");
    }
    std::fs::write(&path, bytes).unwrap();
    let today = playbook::Today {
        as_of: Some("2026-06-01".into()),
        source_date_epoch: None,
    };
    let compiled =
        playbook::compile(&dir, &today, case.is_multiple_of(2)).expect("content problems are diagnostics");
    // Rendering every diagnostic must work too.
    for format in [
        playbook::diag::output::Format::Human,
        playbook::diag::output::Format::Json,
        playbook::diag::output::Format::Github,
    ] {
        playbook::diag::output::render(&compiled.diagnostics, &compiled.raw.sources, format, false);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

const KEYS: &[&str] = &[
    "title",
    "name",
    "summary",
    "period",
    "owner",
    "parent",
    "key_results",
    "id",
    "metric",
    "baseline",
    "target",
    "cascade",
    "2026-Q1",
    "2026-W01",
    "FY2026",
    "lines",
    "planned",
    "actual",
    "total",
    "currency",
    "category",
    "events",
    "start",
    "end",
    "date",
    "repeat",
    "except",
    "duration",
    "timezone",
    "type",
    "status",
    "hiring",
    "open",
    "location",
    "salary",
    "min",
    "max",
    "responsibilities",
    "area",
    "items",
    "cadence",
    "escalations",
    "to",
    "topic",
    "reports_to",
    "department",
    "departments",
    "channels",
    "visibility",
    "extra",
    "fiscal_year_start",
    "horizon",
    "unit",
    "direction",
    "aggregation",
    "measurements",
    "value",
    "kpis",
    "x",
];

const SCALARS: &[&str] = &[
    "2026",
    "2026-Q5",
    "FY2027-Q1",
    "2026-W53",
    "2027-W53",
    "2026-03-29T02:30",
    "2026-02-30",
    "12:30",
    "no",
    "true",
    "yes",
    "~",
    "null",
    "''",
    "1e999",
    "-0",
    "0.000000000000000000000000001",
    "99999999999999999999999999999",
    "9800.505",
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=2",
    "Europe/Berlin",
    "Mars/Olympus",
    "EUR",
    "JPY",
    "social-media-manager",
    "r",
    "a#b",
    "@roles/r",
    "\"quoted\"",
    "&a x",
    "*a",
    "!!binary aGk=",
    "[a, b]",
    "{a: 1}",
    "sum",
    "last",
    "average",
    "increase",
    "percent",
    "public",
    "post",
    "scheduled",
    "published",
    "1h30m",
    "PT",
    "é",
    "\u{202e}",
    "",
];

fn yaml_value(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop::sample::select(SCALARS).prop_map(str::to_owned);
    if depth == 0 {
        return scalar.boxed();
    }
    let inner = yaml_value(depth - 1);
    prop_oneof![
        3 => scalar,
        1 => prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        1 => prop::collection::vec((prop::sample::select(KEYS), inner), 0..4).prop_map(|kv| {
            let body: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{{}}}", body.join(", "))
        }),
    ]
    .boxed()
}

fn yaml_document() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(KEYS), yaml_value(3), any::<bool>()), 0..12).prop_map(
        |entries| {
            let mut out = String::new();
            for (k, v, nested) in entries {
                if nested {
                    out.push_str(&format!("{k}:\n  - {v}\n  - {k}: {v}\n"));
                } else {
                    out.push_str(&format!("{k}: {v}\n"));
                }
            }
            out
        },
    )
}

proptest! {
    // 200 cases by default; set PROPTEST_CASES for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(case in 0usize..1000, bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_text(case, &bytes);
    }

    #[test]
    fn random_yaml_never_panics(case in 0usize..1000, doc in yaml_document()) {
        check_text(case, doc.as_bytes());
    }

    #[test]
    fn scalar_parsers_never_panic(s in "\\PC{0,24}") {
        let _ = playbook::model::period::Period::parse(&s);
        let _ = playbook::model::period::parse_date(&s);
        let _ = playbook::model::period::parse_duration(&s);
        let _ = playbook::model::money::parse_decimal(&s);
        let _ = playbook::load::frontmatter::split(&s);
    }
}

/// Inputs that once made derived dates overflow, or hid other problems.
#[test]
fn regressions() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "content/goals/g.yaml",
            "title: G\nperiod: 9999\nowner: r\nkey_results:\n  - {id: k, metric: m, baseline: 0, target: 100}\n",
            "outside the years",
        ),
        (
            "content/goals/g.yaml",
            "title: G\nperiod: 9999-W52\nowner: r\n",
            "outside the years",
        ),
        (
            "content/budgets/b.yaml",
            "title: B\nperiod: 2026\ntotal: 5\nlines:\n  - {id: a, category: tools, planned: 5, period: 9999-12}\n",
            "outside the years",
        ),
        (
            "content/goals/g.yaml",
            "title: G\nperiod: 0000\nowner: r\n",
            "is not a period",
        ),
        (
            "content/calendars/c.yaml",
            "name: C\ntimezone: Europe/Berln\nevents:\n  - {title: x, type: post, date: 2026-02-30}\n",
            "not a valid date",
        ),
        (
            "content/metrics/m.yaml",
            "name: M\n---\nname: N\n",
            "more than one YAML document",
        ),
    ];
    for (i, (path, text, needle)) in cases.iter().enumerate() {
        let dir = std::env::temp_dir().join(format!("playbook-regress-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.join("playbook.yaml"), "title: T\n").unwrap();
        std::fs::write(dir.join(path), text).unwrap();
        let today = playbook::Today {
            as_of: Some("2026-06-01".into()),
            source_date_epoch: None,
        };
        let compiled = playbook::compile(&dir, &today, false).unwrap();
        let messages: Vec<&str> = compiled.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "{path}: {messages:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
