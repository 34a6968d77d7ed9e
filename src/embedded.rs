//! Everything the binary carries: the default theme and the sample
//! playbook, so that a lone `playbook` binary can `init` and `build`. The
//! only place with `include_*` macros.

use include_dir::{Dir, include_dir};

/// `themes/default/`: `templates/` and `static/`.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The sample playbook's content.
pub static SAMPLE_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// The sample playbook's settings.
pub static SAMPLE_SETTINGS: &str = include_str!("../playbook.yaml");

/// Every file of a directory, as (path relative to it, bytes), sorted.
pub fn files(dir: &'static Dir<'static>) -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, base: &std::path::Path, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            let rel = f.path().strip_prefix(base).unwrap_or(f.path());
            out.push((rel.to_string_lossy().replace('\\', "/"), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, base, out);
        }
    }
    let mut out = Vec::new();
    walk(dir, dir.path(), &mut out);
    out.sort();
    out
}
