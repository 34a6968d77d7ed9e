//! Writing the rendered site: only after everything rendered, only files
//! whose bytes changed, each through a temporary file and a rename so no
//! reader sees half a file, and stale files of the previous build removed.
//! Nothing is written outside the output folder, but for a new one, made
//! in a folder of its own beside it and renamed into place.

use crate::render::SiteFiles;
use anyhow::{Context, bail};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// Lists the files of the previous build, so only they are ever removed.
const MANIFEST: &str = ".playbook-files";

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Checks that `rel` is a plain relative path (no `..`, no root, no
/// drive), so joining it to the output folder stays inside it.
fn safe_join(out: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write `{rel}`: not a path inside the output folder");
    }
    Ok(out.join(p))
}

/// Writes `files` into `out`, creating it if needed. First every changed
/// file is written beside its target under a temporary name; only when all
/// of them are written are they renamed into place, so a failure (a full
/// disk, a file where a folder should be) leaves the previous site as it was.
pub fn write(out: &Path, files: &SiteFiles) -> anyhow::Result<WriteStats> {
    // Check every path before touching anything.
    for rel in files.keys() {
        safe_join(out, rel)?;
    }
    let writer = Writer::new(out);
    for (rel, bytes) in files {
        writer.stage(rel, bytes)?;
    }
    writer.commit()
}

/// Writes a site file by file as it is rendered, from any number of
/// threads: each changed file goes beside its target under a temporary
/// name at once, so the site never has to be held in memory; [`commit`]
/// renames them all into place at the end. Dropped without a commit (a
/// failed build), it removes its temporary files and the previous site is
/// as it was.
///
/// [`commit`]: Writer::commit
///
/// An output folder that is not there yet is made whole beside where it
/// goes (`.NAME.playbook-new-PID`) and renamed into place at the end: no
/// file needs a temporary name of its own. (An existing folder, even an
/// empty one, may be a mount point or another user's: it is written into.)
pub struct Writer {
    out: PathBuf,
    /// Where files go: `out`, or the new folder beside it.
    root: PathBuf,
    /// Whether `root` is a new folder beside `out`.
    fresh: bool,
    state: std::sync::Mutex<WriterState>,
}

#[derive(Default)]
struct WriterState {
    /// Every file of this build, relative to the output folder.
    files: BTreeSet<String>,
    /// Temporary file → target, for the changed files.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Files written in a new folder.
    written: usize,
    unchanged: usize,
    /// Folders made or found free of symbolic links.
    folders: rustc_hash::FxHashSet<PathBuf>,
    committed: bool,
}

impl Writer {
    pub fn new(out: &Path) -> Writer {
        let (root, fresh) = match new_folder_beside(out) {
            Some(root) => (root, true),
            None => (out.to_path_buf(), false),
        };
        Writer {
            out: out.to_path_buf(),
            root,
            fresh,
            state: Default::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WriterState> {
        // A panic elsewhere cannot leave the bookkeeping half-done.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `rel` is already part of this build.
    pub fn contains(&self, rel: &str) -> bool {
        self.state().files.contains(rel)
    }

    /// Adds `rel` to the site: written aside when its bytes differ from
    /// the file in place. Each file may be staged once.
    pub fn stage(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let (path, tmp, old) = self.prepare(rel)?;
        if self.fresh {
            self.state().written += 1;
            return std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()));
        }
        // A file of another length differs without reading it.
        let same = old.is_some_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == bytes);
        if same {
            self.state().unchanged += 1;
            return Ok(());
        }
        // Recorded before writing, so that even a failure is cleaned up.
        self.state().staged.push((tmp.clone(), path));
        std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))
    }

    /// Makes `dir` (inside the root) and the folders above it, refusing any
    /// that is a symbolic link, so that nothing can be written outside the
    /// output folder whatever it contains. Each folder is looked at once
    /// per build, outside the lock, and noted only once it is there, so a
    /// thread that finds it noted can write into it. In a new folder, where
    /// nothing but this build makes entries, a folder is made without
    /// looking first.
    fn make_folder(&self, dir: &Path) -> anyhow::Result<()> {
        if self.state().folders.contains(dir) {
            return Ok(());
        }
        let cannot = || format!("cannot create {}", dir.display());
        // A folder that is there must be a folder, not a link to one.
        let judge = |found: std::io::Result<std::fs::Metadata>| -> anyhow::Result<()> {
            match found {
                Ok(m) if m.file_type().is_symlink() => {
                    bail!("refusing to write through the symbolic link {}", dir.display())
                }
                Ok(m) if m.is_dir() => Ok(()),
                Ok(_) => bail!("{}: a file is in the way", cannot()),
                Err(e) => Err(e).with_context(cannot),
            }
        };
        match dir.parent() {
            Some(parent) if dir != self.root && dir.starts_with(&self.root) => {
                self.make_folder(parent)?;
                let found = (!self.fresh)
                    .then(|| std::fs::symlink_metadata(dir).ok())
                    .flatten();
                match found {
                    Some(m) => judge(Ok(m))?,
                    None => match std::fs::create_dir(dir) {
                        Ok(()) => {}
                        // Made meanwhile by another thread, or there already.
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                            judge(std::fs::symlink_metadata(dir))?
                        }
                        Err(e) => return Err(e).with_context(cannot),
                    },
                }
            }
            // The output folder itself may be anything the user chose.
            _ => std::fs::create_dir_all(dir).with_context(cannot)?,
        }
        self.state().folders.insert(dir.to_path_buf());
        Ok(())
    }

    /// Claims `rel` for this build and makes its folder: the target path,
    /// the temporary path beside it, and what is in place.
    fn prepare(&self, rel: &str) -> anyhow::Result<(PathBuf, PathBuf, Option<std::fs::Metadata>)> {
        let path = safe_join(&self.root, rel)?;
        let dir = path.parent().expect("inside out");
        if !self.state().files.insert(rel.to_owned()) {
            bail!("two outputs for `{rel}`");
        }
        self.make_folder(dir)?;
        if self.fresh {
            // Nothing is in place yet.
            return Ok((path.clone(), path, None));
        }
        let old = std::fs::symlink_metadata(&path).ok();
        if old.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
            bail!("refusing to write through the symbolic link {}", path.display());
        }
        let name = path.file_name().expect("a file").to_string_lossy();
        let tmp = dir.join(format!(".{name}.playbook-tmp"));
        Ok((path, tmp, old))
    }

    /// [`Writer::stage`] for a file that `write` writes piece by piece: it
    /// is compared with the file in place as it comes, and written aside
    /// from the first difference on, so it is never held whole.
    pub fn stage_with(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        let (path, tmp, old) = self.prepare(rel)?;
        let mut changes = Changes {
            old: old
                .and_then(|_| std::fs::File::open(&path).ok())
                .map(std::io::BufReader::new),
            same: 0,
            scratch: Vec::new(),
            target: &path,
            tmp: &tmp,
            aside: None,
        };
        let result = (|| {
            let mut w = std::io::BufWriter::with_capacity(64 * 1024, &mut changes);
            write(&mut w)?;
            w.flush()
        })();
        let changed = result.and_then(|()| changes.finish());
        if self.fresh {
            // Written in place (`tmp` is the target).
            changed.with_context(|| format!("cannot write {}", path.display()))?;
            self.state().written += 1;
            return Ok(());
        }
        if changes.aside.is_some() || changed.is_err() {
            // Recorded even after a failure, so that it is cleaned up.
            self.state().staged.push((tmp.clone(), path.clone()));
        }
        if !changed.with_context(|| format!("cannot write {}", tmp.display()))? {
            self.state().unchanged += 1;
        }
        Ok(())
    }

    /// Moves the staged files into place and removes what the previous
    /// build wrote and this one did not.
    pub fn commit(self) -> anyhow::Result<WriteStats> {
        let mut state = self.state();
        let out = &self.out;
        let mut stats = WriteStats {
            unchanged: state.unchanged,
            ..WriteStats::default()
        };
        if self.fresh {
            std::fs::write(self.root.join(MANIFEST), manifest_text(&state.files))
                .with_context(|| format!("cannot write {}", self.root.join(MANIFEST).display()))?;
            std::fs::rename(&self.root, out).with_context(|| format!("cannot create {}", out.display()))?;
            state.committed = true;
            stats.written = state.written;
            return Ok(stats);
        }
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        state.committed = true;
        {
            use rayon::prelude::*;
            state.staged.par_iter().try_for_each(|(tmp, path)| {
                std::fs::rename(tmp, path).with_context(|| format!("cannot write {}", path.display()))
            })?;
        }
        stats.written = state.staged.len();
        let manifest = out.join(MANIFEST);
        let previous = std::fs::read_to_string(&manifest).unwrap_or_default();
        for rel in previous
            .lines()
            .filter(|l| !l.is_empty() && !state.files.contains(*l))
        {
            let Ok(path) = safe_join(out, rel) else { continue };
            if std::fs::remove_file(&path).is_ok() {
                stats.removed += 1;
                // Remove folders left empty, up to the output folder.
                let mut dir = path.parent();
                while let Some(d) = dir {
                    if d == out || std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
        let list = manifest_text(&state.files);
        if previous != list {
            std::fs::write(&manifest, list)
                .with_context(|| format!("cannot write {}", manifest.display()))?;
        }
        Ok(stats)
    }
}

/// A file being staged: compared with the file in place while the bytes
/// match it, written aside from the first difference on.
struct Changes<'a> {
    old: Option<std::io::BufReader<std::fs::File>>,
    /// Bytes so far, all equal to the start of the old file.
    same: u64,
    scratch: Vec<u8>,
    target: &'a Path,
    tmp: &'a Path,
    aside: Option<std::fs::File>,
}

impl Changes<'_> {
    /// Starts the file aside with the bytes that matched so far.
    fn diverge(&mut self) -> std::io::Result<&mut std::fs::File> {
        let mut file = std::fs::File::create(self.tmp)?;
        if self.same > 0 {
            let old = std::fs::File::open(self.target)?;
            std::io::copy(&mut old.take(self.same), &mut file)?;
        }
        self.old = None;
        Ok(self.aside.insert(file))
    }

    /// Whether the file differs from the one in place (and is aside).
    fn finish(&mut self) -> std::io::Result<bool> {
        if self.aside.is_some() {
            return Ok(true);
        }
        let longer = match &mut self.old {
            Some(old) => old.read(&mut [0u8])? > 0,
            None => true,
        };
        if longer {
            self.diverge()?;
        }
        Ok(longer)
    }
}

impl Write for Changes<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.aside.is_none() {
            if let Some(old) = &mut self.old {
                self.scratch.resize(buf.len(), 0);
                if old.read_exact(&mut self.scratch).is_ok() && self.scratch == buf {
                    self.same += buf.len() as u64;
                    return Ok(buf.len());
                }
            }
            self.diverge()?;
        }
        let file = self.aside.as_mut().expect("diverged");
        file.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl crate::render::Output for Writer {
    fn put(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.stage(path, bytes)
    }

    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        self.stage_with(path, write)
    }

    fn has(&self, path: &str) -> bool {
        self.contains(path)
    }
}

/// The list of a build's files, as the manifest holds it.
fn manifest_text(files: &BTreeSet<String>) -> String {
    let mut list: String = files.iter().map(|p| format!("{p}\n")).collect();
    if list.is_empty() {
        list.push('\n');
    }
    list
}

/// Refuses an output folder that is, or lies below, a symbolic link inside
/// the playbook at `root`: a link committed to the playbook (a `public`
/// that points elsewhere) must not make a build write outside it. An
/// output folder outside the playbook is the user's own choice.
pub fn refuse_links_inside(root: &Path, out: &Path) -> anyhow::Result<()> {
    let mut dir = Some(out);
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) {
            break;
        }
        if crate::project::is_link(d) {
            bail!(
                "refusing to write the site into {}: {} is a symbolic link in the playbook\n  help: pass the folder it points to with --out",
                out.display(),
                d.display()
            );
        }
        dir = d.parent();
    }
    Ok(())
}

/// A new folder beside `out` to make the site in, when `out` is not there
/// yet; `None` otherwise, or when the folder cannot be made (the site is
/// then written into `out` file by file).
fn new_folder_beside(out: &Path) -> Option<PathBuf> {
    let absent = std::fs::symlink_metadata(out).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    let name = out.file_name()?.to_str()?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !absent || std::fs::create_dir_all(parent).is_err() {
        return None;
    }
    let root = parent.join(format!(".{name}.playbook-new-{}", std::process::id()));
    std::fs::create_dir(&root).ok()?;
    Some(root)
}

impl Drop for Writer {
    fn drop(&mut self) {
        let state = self.state();
        if !state.committed {
            for (tmp, _) in &state.staged {
                let _ = std::fs::remove_file(tmp);
            }
            if self.fresh {
                let _ = std::fs::remove_dir_all(&self.root);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> SiteFiles {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), std::sync::Arc::new(v.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let out = std::env::temp_dir().join(format!("playbook-site-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("keep.txt"), "not ours").unwrap();
        let s = write(&out, &files(&[("index.html", "a"), ("roles/x/index.html", "b")])).unwrap();
        assert_eq!(
            s,
            WriteStats {
                written: 2,
                unchanged: 0,
                removed: 0
            }
        );
        let s = write(&out, &files(&[("index.html", "a"), ("roles/x/index.html", "b")])).unwrap();
        assert_eq!(
            s,
            WriteStats {
                written: 0,
                unchanged: 2,
                removed: 0
            }
        );
        // Same length, other bytes.
        let s = write(&out, &files(&[("index.html", "z"), ("roles/x/index.html", "b")])).unwrap();
        assert_eq!((s.written, s.unchanged), (1, 1));
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "z");
        let s = write(&out, &files(&[("index.html", "c")])).unwrap();
        assert_eq!(
            s,
            WriteStats {
                written: 1,
                unchanged: 0,
                removed: 1
            }
        );
        assert!(!out.join("roles").exists(), "empty folders are removed");
        assert_eq!(std::fs::read_to_string(out.join("keep.txt")).unwrap(), "not ours");
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn a_new_output_folder_is_made_beside_and_put_in_place_whole() {
        let base = std::env::temp_dir().join(format!("playbook-site-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let listing = || -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(&base)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let out = base.join("site");
        // Where there is no folder yet (made beside it), and where there is
        // an empty one (written into).
        for empty_folder in [false, true] {
            if empty_folder {
                std::fs::create_dir(&out).unwrap();
            }
            let writer = Writer::new(&out);
            assert_eq!(writer.fresh, !empty_folder);
            writer.stage("index.html", b"home").unwrap();
            writer.stage("a/b/index.html", b"deep").unwrap();
            assert!(
                !out.join("index.html").exists(),
                "nothing in place before the commit"
            );
            let stats = writer.commit().unwrap();
            assert_eq!(stats.written, 2);
            assert_eq!(
                std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
                "deep"
            );
            assert_eq!(
                std::fs::read_to_string(out.join(MANIFEST)).unwrap(),
                "a/b/index.html\nindex.html\n"
            );
            assert_eq!(listing(), ["site"], "nothing left beside it");
            // The next build writes into it as usual.
            let stats = write(&out, &files(&[("index.html", "home")])).unwrap();
            assert_eq!((stats.written, stats.unchanged, stats.removed), (0, 1, 1));
            std::fs::remove_dir_all(&out).unwrap();
        }
        // A failed build leaves no folder at all.
        let err = write(&out, &files(&[("x", "a file"), ("x/y.html", "under it")]));
        assert!(err.is_err());
        assert!(listing().is_empty(), "{:?}", listing());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let out = std::env::temp_dir().join(format!("playbook-site-fail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        write(&out, &files(&[("index.html", "old"), ("a/index.html", "old a")])).unwrap();
        // A file where the new build needs a folder.
        std::fs::write(out.join("b"), "in the way").unwrap();
        let err = write(
            &out,
            &files(&[
                ("index.html", "new"),
                ("a/index.html", "new a"),
                ("b/index.html", "b"),
            ]),
        );
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "old a"
        );
        let leftovers: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            !leftovers
                .iter()
                .any(|n| n.to_string_lossy().ends_with("playbook-tmp")),
            "{leftovers:?}"
        );
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn never_writes_through_a_symbolic_link() {
        let base = std::env::temp_dir().join(format!("playbook-site-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let out = base.join("out");
        let outside = base.join("outside");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("roles")).unwrap();
        assert!(write(&out, &files(&[("roles/x/index.html", "x")])).is_err());
        // Deeper down, and a file that is a link.
        std::fs::create_dir_all(out.join("pages")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("pages/y")).unwrap();
        assert!(write(&out, &files(&[("pages/y/z/index.html", "x")])).is_err());
        std::os::unix::fs::symlink(outside.join("f.html"), out.join("pages/f.html")).unwrap();
        assert!(write(&out, &files(&[("pages/f.html", "x")])).is_err());
        assert_eq!(
            std::fs::read_dir(&outside).unwrap().count(),
            0,
            "nothing written outside"
        );
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn refuses_paths_outside() {
        let out = std::env::temp_dir().join(format!("playbook-site-bad-{}", std::process::id()));
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(write(&out, &files(&[(bad, "x")])).is_err(), "{bad}");
        }
        assert!(!out.exists(), "nothing is written when a path is refused");
    }

    /// A file written piece by piece is compared with the one in place as
    /// it comes: unchanged, longer, shorter, different in the middle, new.
    #[test]
    fn streamed_files_are_compared_as_they_come() {
        let out = std::env::temp_dir().join(format!("playbook-site-stream-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let old = "abcdefghij".repeat(10_000);
        let cases = [
            ("same.txt", old.clone()),
            ("longer.txt", format!("{old}tail")),
            ("shorter.txt", old[..old.len() - 1].to_owned()),
            ("middle.txt", format!("{}X{}", &old[..50_000], &old[50_001..])),
            ("empty.txt", String::new()),
        ];
        let writer = Writer::new(&out);
        for (name, _) in &cases {
            writer.stage(name, old.as_bytes()).unwrap();
        }
        writer.commit().unwrap();
        let writer = Writer::new(&out);
        for (name, text) in &cases {
            writer
                .stage_with(name, &mut |w| {
                    for piece in text.as_bytes().chunks(7_777) {
                        w.write_all(piece)?;
                    }
                    Ok(())
                })
                .unwrap();
        }
        writer
            .stage_with("new/file.txt", &mut |w| w.write_all(b"new"))
            .unwrap();
        let stats = writer.commit().unwrap();
        assert_eq!((stats.written, stats.unchanged), (5, 1));
        for (name, text) in &cases {
            assert_eq!(&std::fs::read_to_string(out.join(name)).unwrap(), text, "{name}");
        }
        assert_eq!(std::fs::read_to_string(out.join("new/file.txt")).unwrap(), "new");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
