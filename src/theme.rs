//! Templates and static files, looked up in order: the playbook's
//! `templates/` and `static/`, then the theme's folder in `themes/NAME/`,
//! then the default theme embedded in the binary. A file found earlier
//! overrides one of the same name found later.

use crate::embedded;
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::Path;

/// The theme a build uses.
pub struct Theme {
    pub tera: tera::Tera,
    /// Static files: path relative to the site root → bytes.
    pub statics: BTreeMap<String, std::sync::Arc<Vec<u8>>>,
}

impl Theme {
    /// The theme `playbook.yaml` names (`default` unless given).
    pub fn for_playbook(raw: &crate::load::RawPlaybook) -> anyhow::Result<Theme> {
        let name = raw
            .settings
            .as_ref()
            .and_then(|s| s.data.theme.as_ref())
            .map_or("default", |t| t.value.as_str());
        Theme::load(&raw.root, name)
    }

    /// Loads the theme for the playbook at `root` (`name` from `theme:`).
    pub fn load(root: &Path, name: &str) -> anyhow::Result<Theme> {
        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut statics: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (path, bytes) in embedded::files(&embedded::DEFAULT_THEME) {
            if let Some(t) = path.strip_prefix("templates/") {
                templates.insert(t.to_owned(), String::from_utf8_lossy(bytes).into_owned());
            } else if let Some(s) = path.strip_prefix("static/") {
                statics.insert(s.to_owned(), bytes.to_vec());
            }
        }
        // A theme is a folder of `themes/`, neither a path elsewhere nor a link.
        if !is_theme_name(name) {
            anyhow::bail!("the theme `{name}` is not the name of a folder in `themes/`");
        }
        let theme_dir = root.join("themes").join(name);
        for dir in [root.join("themes"), theme_dir.clone()] {
            if crate::project::is_link(&dir) {
                return Err(linked(&dir));
            }
        }
        read_dir_into(&theme_dir.join("templates"), &mut templates, |b| {
            String::from_utf8_lossy(&b).into_owned()
        })?;
        read_dir_into(&theme_dir.join("static"), &mut statics, |b| b)?;
        read_dir_into(&root.join("templates"), &mut templates, |b| {
            String::from_utf8_lossy(&b).into_owned()
        })?;
        read_dir_into(&root.join("static"), &mut statics, |b| b)?;
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| anyhow::anyhow!("{}", template_error(&e)))?;
        let statics = statics
            .into_iter()
            .map(|(k, v)| (k, std::sync::Arc::new(v)))
            .collect();
        Ok(Theme { tera, statics })
    }
}

/// Whether `name` can name a folder of `themes/`: one plain, visible
/// folder name, not a path.
pub fn is_theme_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\'])
}

/// A theme or site folder that is a symbolic link, which is not read.
fn linked(dir: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "refusing to read {}: it is a symbolic link, which could point outside the playbook",
        dir.display()
    )
}

/// A template error with its whole chain of causes.
pub fn template_error(e: &tera::Error) -> String {
    // Tera's own rendering starts with "error: "; ours adds that prefix.
    let text = e.to_string();
    let mut msg = text.strip_prefix("error: ").unwrap_or(&text).to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    msg
}

/// Reads every file under `dir` (if it exists) into `map`, keyed by its
/// path relative to `dir`, replacing entries of the same name. Symbolic
/// links are not followed, and `dir` itself may not be one.
fn read_dir_into<T>(
    dir: &Path,
    map: &mut BTreeMap<String, T>,
    convert: impl Fn(Vec<u8>) -> T,
) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {}
        // A walk follows the folder it starts from: not when it is a link.
        Ok(m) if m.file_type().is_symlink() => return Err(linked(dir)),
        _ => return Ok(()),
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if name.split('/').any(|p| p.starts_with('.')) {
            continue;
        }
        let bytes =
            std::fs::read(entry.path()).with_context(|| format!("cannot read {}", entry.path().display()))?;
        map.insert(name, convert(bytes));
    }
    Ok(())
}
