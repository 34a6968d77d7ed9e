//! Drives the real `playbook` binary over the sample and the fixtures.

mod common;

use common::repo;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AS_OF: &str = "2026-11-28";

fn playbook() -> Command {
    common::playbook_command()
}

fn run(args: &[&str], cwd: &Path) -> Output {
    playbook()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 output")
}

fn check(root: &Path, extra: &[&str]) -> Output {
    let root = root.to_str().unwrap();
    let mut args = vec!["check", "--root", root, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    run(&args, &repo())
}

#[test]
fn the_sample_checks_clean() {
    let out = check(&repo(), &["--deny-warnings"]);
    assert_eq!(
        stdout(&out)
            .lines()
            .last()
            .map(|l| l.starts_with("no problems found")),
        Some(true),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(0));
    // Also as a public build would see it.
    let out = check(&repo(), &["--deny-warnings", "--public", "--format", "json"]);
    assert_eq!(stdout(&out), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn verbose_lists_how_long_each_step_took() {
    let out = check(&repo(), &["-v"]);
    let err = stderr(&out);
    for step in ["\n  load: ", "\n    walk: ", "\n    parse: ", "\n  validate: "] {
        assert!(err.contains(step), "`{step}` missing from:\n{err}");
    }
    let dir = std::env::temp_dir().join(format!("playbook-verbose-{}", std::process::id()));
    let site = dir.to_str().unwrap();
    let root = repo();
    let out = run(
        &[
            "-v",
            "build",
            "--root",
            root.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--out",
            site,
        ],
        &root,
    );
    let err = stderr(&out);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(0), "{err}");
    for step in ["\n  load: ", "\n  render: ", "\n    pages: ", "\n  commit: "] {
        assert!(err.contains(step), "`{step}` missing from:\n{err}");
    }
    // Without -v, none of it.
    assert!(!stderr(&check(&repo(), &[])).contains("load: "));
}

#[test]
fn every_example_checks_clean() {
    let Ok(entries) = std::fs::read_dir(repo().join("examples")) else {
        return;
    };
    for entry in entries {
        let dir = entry.unwrap().path();
        if dir.join("playbook.yaml").is_file() {
            let out = check(&dir, &["--deny-warnings", "--format", "json"]);
            assert_eq!(stdout(&out), "", "{}", dir.display());
            assert_eq!(out.status.code(), Some(0), "{}", dir.display());
        }
    }
}

#[test]
fn the_root_is_found_upward() {
    let out = run(&["check", "--as-of", AS_OF, "-q"], &repo().join("content/roles"));
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn without_a_playbook_every_command_says_how_to_start() {
    let dir = std::env::temp_dir().join(format!("playbook-none-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = run(&["check"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("playbook init"), "{}", stderr(&out));
    let out = run(&["check", "--root", dir.to_str().unwrap()], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("playbook init"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_usage_exits_2() {
    let out = run(&["check", "--format", "xml"], &repo());
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["check", "--as-of", "2026-02-30"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--as-of"), "{}", stderr(&out));
}

/// `(code, file:line:column)` of every diagnostic in `--format json` output.
fn json_diagnostics(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
            let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "severity",
                    "code",
                    "message",
                    "file",
                    "line",
                    "column",
                    "end_line",
                    "end_column",
                    "help"
                ]),
                "exactly the documented fields"
            );
            (
                v["code"].as_str().unwrap().to_owned(),
                format!("{}:{}:{}", v["file"].as_str().unwrap(), v["line"], v["column"]),
            )
        })
        .collect()
}

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/codes"))
        .expect("fixtures folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_code_has_a_fixture() {
    let have: BTreeSet<String> = fixtures()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for code in playbook::diag::Code::ALL {
        assert!(have.contains(code.name()), "no fixture for `{}`", code.name());
    }
}

#[test]
fn each_fixture_reports_its_code_where_expected() {
    for dir in fixtures() {
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        let extra = std::fs::read_to_string(dir.join("args")).unwrap_or_default();
        let mut args: Vec<&str> = vec!["--format", "json"];
        args.extend(extra.split_whitespace());
        let out = check(&dir, &args);
        let found = json_diagnostics(&stdout(&out));
        let expected: Vec<String> = std::fs::read_to_string(dir.join("expected"))
            .unwrap_or_else(|_| panic!("{code}: no `expected` file"))
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        let codes: BTreeSet<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, BTreeSet::from([code.as_str()]), "{code}: {}", stdout(&out));
        let positions: Vec<String> = found.iter().map(|(_, p)| p.clone()).collect();
        assert_eq!(positions, expected, "{code}");
        let severity = playbook::diag::Code::ALL
            .iter()
            .find(|c| c.name() == code)
            .unwrap()
            .severity();
        let want_exit = if severity == playbook::diag::Severity::Error {
            1
        } else {
            0
        };
        assert_eq!(out.status.code(), Some(want_exit), "{code}");
    }
}

#[test]
fn warnings_fail_only_when_denied() {
    let dir = repo().join("tests/fixtures/codes/actual-over-planned");
    assert_eq!(check(&dir, &["-q"]).status.code(), Some(0));
    assert_eq!(check(&dir, &["-q", "--deny-warnings"]).status.code(), Some(1));
}

#[test]
fn today_comes_from_as_of_then_source_date_epoch() {
    let dir = repo().join("tests/fixtures/codes/posting-expired");
    let root = dir.to_str().unwrap();
    // 2020-01-01: long before the posting expired.
    let early = playbook()
        .args(["check", "--root", root, "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1577836800")
        .output()
        .unwrap();
    assert_eq!(stdout(&early), "");
    // --as-of wins over SOURCE_DATE_EPOCH.
    let late = playbook()
        .args(["check", "--root", root, "--format", "json", "--as-of", AS_OF])
        .env("SOURCE_DATE_EPOCH", "1577836800")
        .output()
        .unwrap();
    assert!(stdout(&late).contains("posting-expired"));
}

fn many(format: &str) -> String {
    let out = check(&repo().join("tests/fixtures/many"), &["--format", format]);
    assert_eq!(out.status.code(), Some(1));
    stdout(&out)
}

#[test]
fn human_output() {
    insta::assert_snapshot!(many("human"));
}

#[test]
fn json_output() {
    insta::assert_snapshot!(many("json"));
}

#[test]
fn github_output() {
    insta::assert_snapshot!(many("github"));
}

#[test]
fn help_text() {
    let out = run(&["--help"], &repo());
    insta::assert_snapshot!(stdout(&out));
    let out = run(&["check", "--help"], &repo());
    insta::assert_snapshot!("check_help", stdout(&out));
}

#[test]
fn schemas_on_disk_are_current() {
    for (name, text) in playbook::schema::all() {
        let on_disk = std::fs::read_to_string(repo().join("schemas").join(name))
            .unwrap_or_else(|_| panic!("schemas/{name} missing: run `cargo run -- schema`"));
        assert_eq!(
            on_disk, text,
            "schemas/{name} is stale: run `cargo run -- schema`"
        );
    }
}

#[test]
fn schema_command_writes_every_kind() {
    let dir = std::env::temp_dir().join(format!("playbook-schema-{}", std::process::id()));
    let out = run(&["schema", "--out", dir.to_str().unwrap()], &repo());
    assert_eq!(out.status.code(), Some(0));
    for (name, _) in playbook::schema::all() {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#", "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn schema_required_fields_are_the_ones_the_checker_requires() {
    let dir = std::env::temp_dir().join(format!("playbook-required-{}", std::process::id()));
    let files = [
        ("playbook.yaml", "playbook.schema.json", "{}\n"),
        ("content/pages/a.md", "page.schema.json", "---\n---\n"),
        ("content/personas/a.md", "persona.schema.json", "---\n---\n"),
        ("content/metrics/a.yaml", "metric.schema.json", "{}\n"),
        ("content/goals/a.yaml", "goal.schema.json", "{}\n"),
        ("content/campaigns/a.md", "campaign.schema.json", "---\n---\n"),
        ("content/budgets/a.yaml", "budget.schema.json", "{}\n"),
        ("content/roles/a.md", "role.schema.json", "---\n---\n"),
        ("content/calendars/a.yaml", "calendar.schema.json", "{}\n"),
    ];
    for (path, _, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = check(&dir, &["--format", "json"]);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let schemas: std::collections::BTreeMap<_, _> = playbook::schema::all().into_iter().collect();
    for (path, schema, _) in files {
        let mut required: Vec<String> = lines
            .iter()
            .filter(|d| d["file"] == path && d["code"] == "missing-field")
            .map(|d| {
                d["message"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("missing field ")
                    .trim_matches('`')
                    .to_owned()
            })
            .collect();
        required.sort();
        let v: serde_json::Value = serde_json::from_str(&schemas[schema]).unwrap();
        let mut declared: Vec<String> = v["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect();
        declared.sort();
        assert_eq!(required, declared, "{path}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_readme_lists_every_code() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for code in playbook::diag::Code::ALL {
        let sev = match code.severity() {
            playbook::diag::Severity::Error => "error",
            playbook::diag::Severity::Warning => "warning",
        };
        let row = format!("| `{}` | {sev} | {} |", code.name(), code.meaning());
        assert!(readme.contains(&row), "README lacks the row: {row}");
    }
}

#[test]
fn every_problem_of_a_file_is_reported_in_one_run() {
    // Two unknown keys and a bad enum value (which stop the YAML reader)
    // and three problems found when checking what was read.
    let out = check(&repo().join("tests/fixtures/several"), &["--format", "json"]);
    let found = json_diagnostics(&stdout(&out));
    let expected = [
        ("invalid-value", "content/goals/g.yaml:2:9"),
        ("unknown-reference", "content/goals/g.yaml:3:8"),
        ("unknown-key", "content/goals/g.yaml:4:1"),
        ("invalid-value", "content/goals/g.yaml:5:13"),
        ("unknown-reference", "content/goals/g.yaml:8:13"),
        ("unknown-key", "content/goals/g.yaml:9:5"),
    ];
    let found: Vec<(&str, &str)> = found.iter().map(|(c, p)| (c.as_str(), p.as_str())).collect();
    assert_eq!(found, expected);
}
