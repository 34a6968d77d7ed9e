//! `playbook new KIND ID`: add an entity file from a stub that checks
//! clean, filled with ids the playbook already has. Never overwrites.

use crate::cli::Global;
use crate::load::{Kind, valid_id};
use anyhow::{Context, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn run(global: &Global, kind: &str, id: &str, cwd: &Path) -> anyhow::Result<ExitCode> {
    let kind_names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let Some(kind) = Kind::ALL
        .into_iter()
        .find(|k| k.name() == kind || k.folder() == kind)
    else {
        let help = crate::diag::suggest::did_you_mean(kind, kind_names.iter().copied())
            .unwrap_or_else(|| format!("the kinds are {}", kind_names.join(", ")));
        bail!("unknown kind `{kind}`\n  help: {help}");
    };
    if !valid_id(id) {
        bail!(
            "`{id}` is not a valid id\n  help: ids use lowercase letters, digits and hyphens, e.g. `social-media-manager`"
        );
    }
    let root = crate::project::find_root(global.root.as_deref(), cwd)?;
    let folder = root.join("content").join(kind.folder());
    // Links are not followed: a folder of the playbook that is one would
    // take the file elsewhere, and a link (even a dangling one) is there.
    for dir in [root.join("content"), folder.clone()] {
        if crate::project::is_link(&dir) {
            bail!("{} is a symbolic link; nothing was written", dir.display());
        }
    }
    for ext in ["md", "yaml", "yml"] {
        let existing = folder.join(format!("{id}.{ext}"));
        if std::fs::symlink_metadata(&existing).is_ok() {
            bail!("{} already exists; nothing was written", existing.display());
        }
    }
    let today = crate::Today::from_env(global.as_of.clone());
    let mut sink = crate::diag::Sink::default();
    let raw = crate::load::load(&root, &mut sink)?;
    let today = today.resolve(&crate::validate::settings_timezone(&raw))?;
    let role = raw.roles.first().map(|r| r.id.clone());
    let department = raw
        .settings
        .as_ref()
        .and_then(|s| s.data.departments.keys().next().map(str::to_owned));
    // Quoted, so that titles like `Null` or `Yes` stay strings.
    let title = serde_json::to_string(&title_of(id)).expect("a string serializes");
    let year = today.year();
    let schema = |name: &str| format!("# yaml-language-server: $schema=../../schemas/{name}.schema.json\n");
    let owner = role.clone().unwrap_or_else(|| "ROLE-ID".into());
    let (ext, text) = match kind {
        Kind::Page => (
            "md",
            format!(
                "---\ntitle: {title}\ndescription: One sentence about this page.\n---\n\nWrite the page here.\n"
            ),
        ),
        Kind::Persona => (
            "md",
            format!(
                "---\nname: {title}\ntype: buyer\nsummary: Who they are, in one sentence.\ngoals: []\npain_points: []\nobjections: []\n---\n\nDescribe the persona here.\n"
            ),
        ),
        Kind::Metric => (
            "yaml",
            format!(
                "{}name: {title}\ndefinition: What is counted, and where the number comes from.\nunit: count\ndirection: increase\naggregation: last\nowner: {owner}\nmeasurements: []\n",
                schema("metric")
            ),
        ),
        Kind::Goal => (
            "yaml",
            format!(
                "{}title: {title}\nperiod: {year}\nowner: {owner}\nkey_results: []\n",
                schema("goal")
            ),
        ),
        Kind::Campaign => (
            "md",
            format!(
                "---\nname: {title}\nstart: {today}\nend: {}\nowner: {owner}\n---\n\nWhat the campaign is for, and how it runs.\n",
                today.checked_add(jiff::Span::new().days(30)).unwrap_or(today)
            ),
        ),
        Kind::Budget => (
            "yaml",
            format!(
                "{}title: {title}\nperiod: {year}\ntotal: 0\nlines: []\n",
                schema("budget")
            ),
        ),
        Kind::Role => (
            "md",
            format!(
                "---\ntitle: {title}\ndepartment: {}\nsummary: What this role is for, in one sentence.\nresponsibilities:\n  - area: General\n    items:\n      - Describe a responsibility here\n---\n\nDescribe the role here.\n",
                department.clone().unwrap_or_else(|| "DEPARTMENT-ID".into())
            ),
        ),
        Kind::Calendar => (
            "yaml",
            format!(
                "{}name: {title}\nevents:\n  - id: first-event\n    title: First event\n    type: task\n    date: {today}\n",
                schema("calendar")
            ),
        ),
    };
    std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    let path = folder.join(format!("{id}.{ext}"));
    // Made new: never through a link that appeared meanwhile.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .with_context(|| format!("cannot write {}", path.display()))?;
    if !global.quiet {
        println!("created {}", path.strip_prefix(&root).unwrap_or(&path).display());
        let needs_role = matches!(kind, Kind::Metric | Kind::Goal | Kind::Campaign) && role.is_none();
        let needs_dept = kind == Kind::Role && department.is_none();
        if needs_role {
            println!(
                "  note: the playbook has no role yet; create one with `playbook new role ID` and set `owner`"
            );
        }
        if needs_dept {
            println!(
                "  note: declare a department under `departments:` in playbook.yaml and set `department`"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `social-media-plan` → `Social media plan`.
fn title_of(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
