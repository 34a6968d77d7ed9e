//! `playbook schema`: write the JSON Schemas for editors.

use crate::cli::Global;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;

pub fn run(global: &Global, out: Option<&Path>, cwd: &Path) -> anyhow::Result<ExitCode> {
    let dir = match out {
        Some(dir) => cwd.join(dir),
        None => match crate::project::find_root(global.root.as_deref(), cwd) {
            Ok(root) => root.join("schemas"),
            Err(_) => cwd.to_path_buf(),
        },
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in crate::schema::all() {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !global.quiet {
        println!(
            "wrote {} schemas to {}",
            crate::schema::all().len(),
            dir.display()
        );
        println!(
            "  hint: start a YAML file with `# yaml-language-server: $schema=<path to schema>` for completion"
        );
    }
    Ok(ExitCode::SUCCESS)
}
