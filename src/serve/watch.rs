//! Watching the playbook: folders, never single files (editors that save
//! by renaming break single-file watches), debounced so that a burst such
//! as a `git checkout` of hundreds of files is one rebuild, with editors'
//! temporary and swap files ignored.

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// The folders under the root whose files make the site.
pub const WATCHED_DIRS: [&str; 4] = ["content", "static", "templates", "themes"];

/// How long the file system must be quiet before a rebuild: long enough
/// for an editor's save (write, rename: usually well under a millisecond
/// apart) to be one change, short enough to be a small part of the time
/// from saving to seeing the page. A slower save may take two rebuilds, the
/// first seeing the file half-saved (its diagnostics show for a moment). A burst longer than this (a large checkout) may take
/// two rebuilds; the second starts from the first's state. The watcher
/// looks every quarter of this.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// Whether a file name is an editor's temporary, backup or swap file.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(".#")
        || name.starts_with('~')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.contains(".tmp.")
        || name.contains("___jb_")
        || name.ends_with(".crswap")
        || name.starts_with(".goutputstream")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Whether a changed path can affect the site.
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_temporary(&name) {
        return false;
    }
    let mut parts = rel.components();
    match parts.next().map(|c| c.as_os_str().to_string_lossy().into_owned()) {
        Some(first) if first == crate::project::SETTINGS_FILE => parts.next().is_none(),
        Some(first) => WATCHED_DIRS.contains(&first.as_str()),
        None => false,
    }
}

/// Starts watching `root`; each debounced batch of relevant paths is sent
/// to `changes`.
pub fn watch(
    root: &Path,
    changes: Sender<Vec<PathBuf>>,
) -> anyhow::Result<Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>> {
    let root_for_events = root.to_path_buf();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter().cloned())
            .filter(|p| is_relevant(&root_for_events, p))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = changes.send(paths);
        }
    })?;
    // The root itself, not recursively: `playbook.yaml` and folders that
    // appear later (a new `static/`).
    debouncer.watch(root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(debouncer)
}

/// Adds watches for watched folders created after start.
pub fn watch_new_dirs(
    root: &Path,
    debouncer: &mut Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>,
    changed: &[PathBuf],
) {
    for p in changed {
        if p.parent() == Some(root) && p.is_dir() {
            let _ = debouncer.watch(p, RecursiveMode::Recursive);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for t in [
            ".#role.md",
            "role.md~",
            "4913",
            ".role.md.swp",
            "role.md.tmp",
            "x___jb_tmp___",
            "#role.md#",
        ] {
            assert!(is_temporary(t), "{t}");
        }
        for f in ["role.md", "budget.yaml", "logo.svg"] {
            assert!(!is_temporary(f), "{f}");
        }
    }

    #[test]
    fn only_site_inputs_are_relevant() {
        let root = Path::new("/pb");
        assert!(is_relevant(root, Path::new("/pb/playbook.yaml")));
        assert!(is_relevant(root, Path::new("/pb/content/roles/smm.md")));
        assert!(is_relevant(root, Path::new("/pb/static/logo.svg")));
        assert!(is_relevant(root, Path::new("/pb/themes/x/templates/base.html")));
        assert!(!is_relevant(root, Path::new("/pb/public/index.html")));
        assert!(!is_relevant(root, Path::new("/pb/target/debug/x")));
        assert!(!is_relevant(root, Path::new("/pb/content/roles/.smm.md.swp")));
        assert!(!is_relevant(root, Path::new("/elsewhere/content/x.md")));
    }
}
