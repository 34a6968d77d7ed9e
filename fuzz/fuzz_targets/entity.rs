//! Whole files of every kind, through loading (front matter, YAML into the
//! kind's fields), the checks and the diagnostics' rendering; a file that
//! checks clean is built into a site, plain and public. The first byte
//! picks the file; the rest is its text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Where the fuzzed text goes, one path per first byte (modulo).
const TARGETS: &[&str] = &[
    "playbook.yaml",
    "content/index.md",
    "content/pages/p.md",
    "content/personas/p.md",
    "content/metrics/m.yaml",
    "content/goals/g.yaml",
    "content/campaigns/c.md",
    "content/budgets/b.yaml",
    "content/roles/r.md",
    "content/calendars/c.yaml",
];

/// A small valid playbook the fuzzed file joins (or replaces a file of),
/// so that its references can resolve.
const BASE: &[(&str, &str)] = &[
    (
        "playbook.yaml",
        "title: T\ncurrency: EUR\ntimezone: Europe/Berlin\n",
    ),
    (
        "content/roles/r.md",
        "---\ntitle: R\nsummary: A role.\n---\nDoes things.\n",
    ),
    (
        "content/metrics/m.yaml",
        "name: M\nunit: count\ndirection: increase\naggregation: sum\nowner: r\n",
    ),
];

fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("playbook-fuzz-entity-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for folder in [
            "content/pages",
            "content/personas",
            "content/metrics",
            "content/goals",
        ] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        for folder in [
            "content/campaigns",
            "content/budgets",
            "content/roles",
            "content/calendars",
        ] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let dir = folder();
    let target = TARGETS[usize::from(pick) % TARGETS.len()];
    for path in TARGETS {
        let _ = std::fs::remove_file(dir.join(path));
    }
    for (path, base) in BASE {
        std::fs::write(dir.join(path), base).unwrap();
    }
    std::fs::write(dir.join(target), text).unwrap();
    let today = playbook::Today {
        as_of: Some("2026-06-01".into()),
        source_date_epoch: None,
    };
    let public = pick >= 128;
    let compiled = playbook::compile(dir, &today, public).expect("content problems are diagnostics");
    for format in [
        playbook::diag::output::Format::Human,
        playbook::diag::output::Format::Json,
        playbook::diag::output::Format::Github,
    ] {
        playbook::diag::output::render(&compiled.diagnostics, &compiled.raw.sources, format, false);
    }
    if !compiled.has_errors() {
        playbook::build_site(&compiled, public, Some("https://example.org/pb/".into()))
            .expect("a playbook that checks clean builds");
    }
});
