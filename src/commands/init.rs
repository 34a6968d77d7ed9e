//! `playbook init`: write the sample playbook (embedded in the binary) into
//! a folder, as a starting point that checks clean and builds.

use crate::cli::Global;
use crate::embedded;
use anyhow::{Context, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn run(global: &Global, dir: Option<&Path>, cwd: &Path) -> anyhow::Result<ExitCode> {
    let dir = dir.map_or(cwd.to_path_buf(), |d| cwd.join(d));
    let mut files: Vec<(String, Vec<u8>)> = vec![(
        "playbook.yaml".into(),
        embedded::SAMPLE_SETTINGS.as_bytes().to_vec(),
    )];
    for (path, bytes) in embedded::files(&embedded::SAMPLE_CONTENT) {
        files.push((format!("content/{path}"), bytes.to_vec()));
    }
    for (name, text) in crate::schema::all() {
        files.push((format!("schemas/{name}"), text.into_bytes()));
    }
    let clashes: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| dir.join(p).exists())
        .collect();
    if !clashes.is_empty() {
        bail!(
            "{} already holds {}; nothing was written\n  help: choose an empty folder, e.g. `playbook init my-playbook`",
            dir.display(),
            clashes
                .iter()
                .take(3)
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for (path, bytes) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, bytes).with_context(|| format!("cannot write {}", target.display()))?;
    }
    if !global.quiet {
        println!("created a playbook in {} ({} files)", dir.display(), files.len());
        println!("  next: `playbook check` to validate it, `playbook build` to make the site");
    }
    Ok(ExitCode::SUCCESS)
}
