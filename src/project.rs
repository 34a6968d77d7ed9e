//! Finding the playbook: `--root`, else the nearest folder upward that
//! holds `playbook.yaml`.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

pub const SETTINGS_FILE: &str = "playbook.yaml";

/// Whether `path` is a symbolic link (which playbook neither reads nor
/// writes through), whatever it points at, even nothing.
pub fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The playbook root for `given` (from `--root`) or, without it, searching
/// upward from `cwd`.
pub fn find_root(given: Option<&Path>, cwd: &Path) -> anyhow::Result<PathBuf> {
    if let Some(root) = given {
        let root = cwd.join(root);
        if !root.join(SETTINGS_FILE).is_file() {
            bail!(
                "no {SETTINGS_FILE} in {}\n  help: run `playbook init {}` to start a playbook there",
                root.display(),
                root.display()
            );
        }
        return root
            .canonicalize()
            .with_context(|| format!("cannot open {}", root.display()));
    }
    for dir in cwd.ancestors() {
        if dir.join(SETTINGS_FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "no {SETTINGS_FILE} found in {} or any folder above it\n  help: run `playbook init` to start a playbook here, or pass `--root DIR`",
        cwd.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_upward() {
        let dir = std::env::temp_dir().join(format!("playbook-root-{}", std::process::id()));
        let deep = dir.join("content/roles");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(dir.join(SETTINGS_FILE), "title: T\n").unwrap();
        assert_eq!(find_root(None, &deep).unwrap(), dir);
        assert!(find_root(Some(Path::new("content")), &dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
