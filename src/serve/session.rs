//! A serve session without sockets: the last good site in memory, and the
//! rebuild that a set of changed files triggers. The HTTP server and the
//! file watcher only feed and read this.

use crate::diag::{Diagnostic, Severity, output};
use crate::graph::{Backlinks, Ref};
use crate::load::Kind;
use crate::render::{Job, Selection, SiteFiles};
use crate::source::SourceMap;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file of the served site.
#[derive(Clone)]
pub struct Served {
    content: Content,
    pub etag: String,
}

#[derive(Clone)]
enum Content {
    Ready(Arc<Vec<u8>>),
    /// Made when first asked for (the files made from every page).
    Later(Arc<Later>),
}

struct Later {
    bytes: std::sync::OnceLock<Arc<Vec<u8>>>,
    make: std::sync::Mutex<Option<crate::render::Deferred>>,
}

impl Served {
    fn ready(bytes: Arc<Vec<u8>>, etag: String) -> Served {
        Served {
            content: Content::Ready(bytes),
            etag,
        }
    }

    fn later(make: crate::render::Deferred, etag: String) -> Served {
        Served {
            content: Content::Later(Arc::new(Later {
                bytes: std::sync::OnceLock::new(),
                make: std::sync::Mutex::new(Some(make)),
            })),
            etag,
        }
    }

    /// The file's bytes, made now if this is their first use.
    pub fn bytes(&self) -> Arc<Vec<u8>> {
        match &self.content {
            Content::Ready(bytes) => bytes.clone(),
            Content::Later(later) => later
                .bytes
                .get_or_init(|| {
                    let make = later.make.lock().unwrap_or_else(|e| e.into_inner()).take();
                    Arc::new(make.map(|make| make()).unwrap_or_default())
                })
                .clone(),
        }
    }
}

impl std::fmt::Debug for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match &self.content {
            Content::Ready(bytes) => format!("{} bytes", bytes.len()),
            Content::Later(_) => "made when asked for".into(),
        };
        write!(f, "Served({what}, {})", self.etag)
    }
}

/// The site as served: path (relative to the site root) → file. A rebuild
/// that changes a few files shares the others with the site before it.
#[derive(Debug, Default)]
pub struct ServedSite {
    /// Files made ready by builds, shared from site to site.
    base: Arc<BTreeMap<String, Served>>,
    /// Changes since `base` (a file, or `None` when it is gone), and the
    /// files made when first asked for: those are never in `base`, so a
    /// site kept for its other files does not keep them too.
    changes: BTreeMap<String, Option<Served>>,
}

/// More changes than this (and than an eighth of the files) are folded
/// into a new base.
const FOLD_AFTER: usize = 256;

impl ServedSite {
    fn new(files: BTreeMap<String, Served>) -> ServedSite {
        ServedSite::default().patched(files.into_iter().map(|(p, f)| (p, Some(f))).collect())
    }

    pub fn get(&self, path: &str) -> Option<&Served> {
        match self.changes.get(path) {
            Some(change) => change.as_ref(),
            None => self.base.get(path),
        }
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// Every file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Served)> {
        let mut all: BTreeMap<&String, &Served> = self
            .base
            .iter()
            .filter(|(path, _)| !self.changes.contains_key(*path))
            .collect();
        all.extend(
            self.changes
                .iter()
                .filter_map(|(path, f)| Some((path, f.as_ref()?))),
        );
        all.into_iter()
    }

    /// This site with `changes`.
    fn patched(&self, changes: BTreeMap<String, Option<Served>>) -> ServedSite {
        let mut all = self.changes.clone();
        all.extend(changes);
        if all.len() <= FOLD_AFTER || all.len() * 8 <= self.base.len() {
            return ServedSite {
                base: self.base.clone(),
                changes: all,
            };
        }
        let mut base = (*self.base).clone();
        let mut later = BTreeMap::new();
        for (path, change) in all {
            match change {
                Some(f) if matches!(f.content, Content::Later(_)) => {
                    base.remove(&path);
                    later.insert(path, Some(f));
                }
                Some(f) => {
                    base.insert(path, f);
                }
                None => {
                    base.remove(&path);
                }
            }
        }
        ServedSite {
            base: Arc::new(base),
            changes: later,
        }
    }
}

/// How a rebuild changed the site's files (those made when first asked
/// for aside).
enum SiteChange {
    /// All of them (a full render).
    Whole(SiteFiles),
    /// The files decided again, each with its bytes or `None` when it is
    /// gone; the others stay as they were.
    Some(BTreeMap<String, Option<Arc<Vec<u8>>>>),
}

/// For each file the jobs made, the job that made it; `None` when two jobs
/// made the same file (then only a full assembly of the site is right).
type JobPaths = rustc_hash::FxHashMap<String, Job>;

fn paths_of(outputs: &crate::render::Outputs) -> Option<JobPaths> {
    let mut paths = JobPaths::default();
    for (job, output) in outputs {
        for path in output.files.keys() {
            if paths.insert(path.clone(), job.clone()).is_some() {
                return None;
            }
        }
    }
    Some(paths)
}

/// A diagnostic as the error overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayItem {
    pub severity: Severity,
    pub code: &'static str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

/// What one rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the new site is served (no errors).
    pub ok: bool,
    /// Output files whose bytes changed, were added or removed.
    pub changed: BTreeSet<String>,
    /// Files that were rendered again.
    pub rendered: BTreeSet<String>,
    /// Errors and warnings of this build.
    pub diagnostics: Vec<OverlayItem>,
    /// The same, as the terminal prints them.
    pub report: String,
    pub millis: u128,
}

/// What a rebuild rendered: the site's files, those made when first asked
/// for, and the files rendered again.
type Rendered = (
    SiteChange,
    Vec<(String, crate::render::Deferred)>,
    BTreeSet<String>,
);

/// Settings of a session.
#[derive(Debug, Clone)]
pub struct Options {
    pub public: bool,
    pub today: crate::Today,
    pub base_url: Option<String>,
}

/// The live state of `serve`.
pub struct Session {
    root: PathBuf,
    options: Options,
    /// The files of the last good build (those made when first asked for
    /// aside), and its site-wide ones among them.
    site: SiteFiles,
    site_wide: SiteFiles,
    /// Which job made each of the jobs' files, when known.
    job_paths: Option<JobPaths>,
    served: Arc<ServedSite>,
    /// Diagnostics of the last build when it failed; the overlay shows them.
    failure: Option<Arc<Vec<OverlayItem>>>,
    /// Warnings of the last good build.
    warnings: Vec<OverlayItem>,
    generation: u64,
    /// What each job rendered last time; jobs not affected by a change are
    /// reused from here.
    outputs: Arc<crate::render::Outputs>,
    /// The reference edges of the last good build (for each entity, the
    /// entities that refer to it); `None` after a failed render.
    backlinks: Option<Backlinks>,
    /// The entities of the last good build, by kind (in `Kind::ALL` order):
    /// while they stay the same, an edit only changes the edited entities'
    /// own edges.
    entities: Vec<Vec<String>>,
    /// Which kinds had entities in the build (the navigation follows them).
    kinds: BTreeSet<Kind>,
    /// "Today" of the last good build: when the date moves (a `serve` left
    /// running past midnight), progress and agendas change everywhere.
    today: Option<jiff::civil::Date>,
    /// Parsed files, so that a rebuild parses only what changed.
    cache: crate::load::LoadCache,
    /// When the session started (seconds): part of every ETag, so that tags
    /// of an earlier `serve` never match this one's files.
    started: u64,
    /// Files changed since the last good build (failed builds leave them here).
    pending: Vec<PathBuf>,
    /// Whether the load's "changed in the body only" holds against the
    /// site (not when changes of failed builds are carried over).
    body_only_known: bool,
}

fn overlay_items(diags: &[Diagnostic], sources: &SourceMap) -> Vec<OverlayItem> {
    diags
        .iter()
        .map(|d| {
            let r = output::resolve(d, sources);
            OverlayItem {
                severity: d.severity(),
                code: d.code.name(),
                file: r.file.to_owned(),
                line: r.line,
                column: r.column,
                message: d.message.clone(),
                help: d.help.clone(),
            }
        })
        .collect()
}

impl Session {
    /// Builds the site for the first time. A playbook with errors still
    /// starts a session: it serves the overlay until the files are fixed.
    pub fn start(root: &Path, options: Options) -> anyhow::Result<(Session, Outcome)> {
        let mut session = Session {
            root: root.to_path_buf(),
            options,
            site: SiteFiles::new(),
            site_wide: SiteFiles::new(),
            job_paths: None,
            served: Arc::new(ServedSite::default()),
            failure: None,
            warnings: Vec::new(),
            generation: 0,
            outputs: Arc::default(),
            backlinks: None,
            entities: Vec::new(),
            kinds: BTreeSet::new(),
            today: None,
            cache: crate::load::LoadCache::default(),
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            pending: Vec::new(),
            body_only_known: true,
        };
        let outcome = session.rebuild(&[])?;
        Ok((session, outcome))
    }

    /// Rebuilds after `changed` files (paths on disk; empty means "all").
    /// I/O failures of the tool are `Err`; content problems are an outcome
    /// that keeps the last good site.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> anyhow::Result<Outcome> {
        let started = std::time::Instant::now();
        // Changes of builds that failed have not reached the site yet: they
        // count as changed until a build succeeds.
        let mut all_changed = std::mem::take(&mut self.pending);
        // Which files changed only in their body is known against the last
        // load, a failed one then: not against the site.
        self.body_only_known = all_changed.is_empty();
        all_changed.extend(changed.iter().cloned());
        let outcome = self.rebuild_with(&all_changed, started);
        if !matches!(&outcome, Ok(o) if o.ok) {
            self.pending = all_changed;
        }
        outcome
    }

    fn rebuild_with(&mut self, changed: &[PathBuf], started: std::time::Instant) -> anyhow::Result<Outcome> {
        // After the first build the watcher says what changed: other files
        // are taken from the cache without reading them again. A path
        // outside the root means nothing is trusted.
        let names: Option<Vec<String>> = changed
            .iter()
            .map(|p| crate::load::relative_name(&self.root, p))
            .collect();
        self.cache.changed = names
            .as_ref()
            .filter(|n| !n.is_empty() && !self.outputs.is_empty())
            .map(|n| n.iter().cloned().collect());
        let compiled = crate::compile_cached(
            &self.root,
            &self.options.today,
            self.options.public,
            &mut self.cache,
        )?;
        let items = overlay_items(&compiled.diagnostics, &compiled.raw.sources);
        let report = output::render(
            &compiled.diagnostics,
            &compiled.raw.sources,
            output::Format::Human,
            false,
        );
        self.generation += 1;
        if compiled.has_errors() {
            self.give_back(compiled);
            self.failure = Some(Arc::new(items.clone()));
            return Ok(Outcome {
                ok: false,
                changed: BTreeSet::new(),
                rendered: BTreeSet::new(),
                diagnostics: items,
                report,
                millis: started.elapsed().as_millis(),
            });
        }
        let full = self.outputs.is_empty() || changed.is_empty();
        let (files, deferred, rendered) = match self.render(&compiled, names.as_deref(), full) {
            Ok(r) => r,
            Err(e) => {
                // A template error: shown like a diagnostic, the old site stays.
                let item = OverlayItem {
                    severity: Severity::Error,
                    code: "template",
                    file: "templates".into(),
                    line: 0,
                    column: 0,
                    message: format!("{e:#}"),
                    help: None,
                };
                self.give_back(compiled);
                self.failure = Some(Arc::new(vec![item.clone()]));
                return Ok(Outcome {
                    ok: false,
                    changed: BTreeSet::new(),
                    rendered: BTreeSet::new(),
                    diagnostics: vec![item],
                    report: format!("error: {e:#}\n"),
                    millis: started.elapsed().as_millis(),
                });
            }
        };
        let (changed_out, served) = crate::timings::step("compare", || {
            let mut changed_out: BTreeSet<String> = BTreeSet::new();
            // A changed file gets a new tag from the build's number:
            // hashing tens of megabytes on every edit would cost more.
            let etag = |bytes: &[u8]| format!("\"{:x}-{}-{:x}\"", self.started, self.generation, bytes.len());
            let mut changes: BTreeMap<String, Option<Served>> = BTreeMap::new();
            let mut whole = None;
            match files {
                SiteChange::Whole(files) => {
                    for (path, bytes) in &files {
                        // Reused outputs share their bytes: no need to compare those.
                        let same = self
                            .site
                            .get(path)
                            .is_some_and(|old| Arc::ptr_eq(old, bytes) || old == bytes);
                        if !same {
                            changed_out.insert(path.clone());
                        }
                    }
                    for path in self.site.keys() {
                        if !files.contains_key(path) {
                            changed_out.insert(path.clone());
                        }
                    }
                    let mut served = BTreeMap::new();
                    for (path, bytes) in &files {
                        let entry = match self.served.get(path) {
                            Some(old) if !changed_out.contains(path) => old.clone(),
                            _ => Served::ready(bytes.clone(), etag(bytes)),
                        };
                        served.insert(path.clone(), entry);
                    }
                    drop_later(std::mem::replace(&mut self.site, files));
                    whole = Some(ServedSite::new(served));
                }
                SiteChange::Some(patch) => {
                    for (path, bytes) in patch {
                        let same = match (self.site.get(&path), &bytes) {
                            (Some(old), Some(new)) => Arc::ptr_eq(old, new) || old == new,
                            (old, new) => old.is_none() && new.is_none(),
                        };
                        if same {
                            continue;
                        }
                        changed_out.insert(path.clone());
                        match bytes {
                            Some(bytes) => {
                                changes
                                    .insert(path.clone(), Some(Served::ready(bytes.clone(), etag(&bytes))));
                                self.site.insert(path, bytes);
                            }
                            None => {
                                changes.insert(path.clone(), None);
                                self.site.remove(&path);
                            }
                        }
                    }
                }
            }
            // Made from every page: new with every build.
            for (path, make) in deferred {
                let etag = format!("\"{:x}-{}-d\"", self.started, self.generation);
                changed_out.insert(path.clone());
                changes.insert(path, Some(Served::later(make, etag)));
            }
            (
                changed_out,
                whole.as_ref().unwrap_or(&self.served).patched(changes),
            )
        });
        drop_later(std::mem::replace(&mut self.served, Arc::new(served)));
        self.give_back(compiled);
        self.failure = None;
        self.warnings = items.clone();
        Ok(Outcome {
            ok: true,
            changed: changed_out,
            rendered,
            diagnostics: items,
            report,
            millis: started.elapsed().as_millis(),
        })
    }

    /// Renders what the `changed` files (names relative to the root; `None`
    /// when one is outside it) affect, or everything when `full`, reusing the
    /// other jobs' output from the last build. Returns how the site's files
    /// changed, the files made when first asked for, and the files rendered
    /// again.
    fn render(
        &mut self,
        compiled: &crate::Compiled,
        changed: Option<&[String]>,
        full: bool,
    ) -> anyhow::Result<Rendered> {
        let theme = crate::timings::step("theme", || crate::theme::Theme::for_playbook(&compiled.raw))?;
        let refs = changed.and_then(changed_entities).filter(|_| !full);
        // The edges of the last build, when only the changed entities' own
        // edges can differ; whom they touched before the change is noted
        // first (the graph then updates the edges in place).
        let entities: Vec<Vec<&str>> = Kind::ALL
            .into_iter()
            .map(|k| compiled.raw.loaded_ids(k))
            .collect();
        let same_entities = entities == self.entities;
        let last_edges = std::mem::take(&mut self.backlinks);
        let before = last_edges
            .as_ref()
            .zip(refs.as_ref())
            .map(|(edges, refs)| neighbours(refs, edges));
        let last = match last_edges {
            Some(edges) if same_entities => Some(edges),
            other => {
                drop_later(other);
                None
            }
        }
        .zip(refs.as_ref());
        let mut graph = crate::timings::step("graph", || {
            crate::graph::Graph::patched(&compiled.raw, compiled.today, self.options.public, last)
        });
        let options = crate::render::Options {
            base_url: self.options.base_url.clone(),
        };
        // Broken entities are never in the build: the loaded ones tell.
        let kinds: BTreeSet<Kind> = Kind::ALL
            .into_iter()
            .zip(&entities)
            .filter(|(k, ids)| ids.iter().any(|id| graph.visible(*k, id)))
            .map(|(k, _)| k)
            .collect();
        let selection = match (refs, before) {
            (Some(refs), Some(mut touched)) if kinds == self.kinds && self.today == Some(compiled.today) => {
                let body_only = match self.body_only_known {
                    true => changed_entities(&self.cache.body_only).unwrap_or_default(),
                    false => BTreeSet::new(),
                };
                touched.extend(neighbours(&refs, &graph.backlinks));
                Selection::Only(affected_jobs(&refs, &body_only, &touched))
            }
            _ => Selection::All,
        };
        let fresh = crate::timings::step("pages", || {
            crate::render::render_jobs(&graph, &theme, &options, &selection)
        })?;
        // Taken, not copied: if anything below fails the session is left
        // without outputs, and the next rebuild renders everything. A full
        // render replaces them all; otherwise the unaffected jobs' outputs
        // are kept (the map is copied when the files served from the last
        // build still hold it; its values are shared, not copied).
        let previous = std::mem::take(&mut self.outputs);
        // The files the jobs rendered again had made last time.
        let mut before: BTreeSet<String> = BTreeSet::new();
        let mut outputs = match &selection {
            Selection::All => {
                drop_later(previous);
                crate::render::Outputs::new()
            }
            Selection::Only(jobs) => {
                let mut kept = Arc::try_unwrap(previous).unwrap_or_else(|shared| (*shared).clone());
                for job in jobs {
                    if let Some(old) = kept.remove(job) {
                        before.extend(old.files.keys().cloned());
                    }
                }
                kept
            }
        };
        let rendered: BTreeSet<String> = fresh.values().flat_map(|o| o.files.keys().cloned()).collect();
        outputs.extend(fresh);
        let outputs = Arc::new(outputs);
        let job_paths = std::mem::take(&mut self.job_paths);
        let (site_wide, deferred) = crate::timings::step("site", || {
            crate::render::finish_deferred(&graph, &theme, &options, &outputs)
        })?;
        let patch = match (&selection, job_paths) {
            (Selection::Only(jobs), Some(mut paths)) => {
                let patch = site_patch(
                    &mut paths,
                    jobs,
                    &before,
                    &outputs,
                    &site_wide,
                    &self.site_wide,
                    &theme,
                );
                self.job_paths = patch.is_some().then_some(paths);
                patch
            }
            _ => None,
        };
        let files = match patch {
            Some(patch) => SiteChange::Some(patch),
            None => {
                self.job_paths = paths_of(&outputs);
                SiteChange::Whole(crate::render::with_jobs_and_statics(
                    site_wide.clone(),
                    &theme,
                    &outputs,
                ))
            }
        };
        self.site_wide = site_wide;
        self.outputs = outputs;
        self.backlinks = Some(std::mem::take(&mut graph.backlinks));
        if !same_entities {
            self.entities = entities
                .into_iter()
                .map(|ids| ids.into_iter().map(str::to_owned).collect())
                .collect();
        }
        self.kinds = kinds;
        self.today = Some(compiled.today);
        Ok((files, deferred, rendered))
    }

    /// Gives the playbook of a load back to the cache (the next load
    /// changes what changed in it instead of loading it all again); the
    /// rest is freed elsewhere.
    fn give_back(&mut self, compiled: crate::Compiled) {
        let crate::Compiled { raw, diagnostics, .. } = compiled;
        crate::timings::step("give back", || self.cache.keep(raw));
        drop_later(diagnostics);
    }

    /// The site being served (the last good one).
    pub fn site(&self) -> Arc<ServedSite> {
        self.served.clone()
    }

    /// The diagnostics of the last build, when it failed.
    pub fn failure(&self) -> Option<Arc<Vec<OverlayItem>>> {
        self.failure.clone()
    }

    /// Counts rebuilds; part of HTML ETags, since the overlay changes pages.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// The files to decide again after the `jobs` rendered again, with their
/// new bytes (`None`: gone), as [`crate::render::with_jobs_and_statics`]
/// would give them: those the jobs made before (`before`) and now, and the
/// site-wide ones of both builds. A job's file wins over a site-wide one,
/// which wins over a static file. `paths` (which job made each file) is
/// brought up to date; `None` when two jobs now make the same file.
fn site_patch(
    paths: &mut JobPaths,
    jobs: &BTreeSet<Job>,
    before: &BTreeSet<String>,
    outputs: &crate::render::Outputs,
    site_wide: &SiteFiles,
    last_site_wide: &SiteFiles,
    theme: &crate::theme::Theme,
) -> Option<BTreeMap<String, Option<Arc<Vec<u8>>>>> {
    for path in before {
        paths.remove(path);
    }
    let mut again: BTreeSet<&String> = before.iter().collect();
    for job in jobs {
        for path in outputs.get(job).into_iter().flat_map(|o| o.files.keys()) {
            if paths.insert(path.clone(), job.clone()).is_some() {
                return None;
            }
            again.insert(path);
        }
    }
    again.extend(site_wide.keys().chain(last_site_wide.keys()));
    Some(
        again
            .into_iter()
            .map(|path| {
                let bytes = paths
                    .get(path)
                    .and_then(|job| outputs.get(job)?.files.get(path))
                    .or_else(|| site_wide.get(path))
                    .or_else(|| theme.statics.get(path));
                (path.clone(), bytes.cloned())
            })
            .collect(),
    )
}

/// Frees `value` on another thread: the last build's site and data are
/// tens of megabytes in many small allocations, and the next page load
/// should not wait for them to be freed.
fn drop_later<T: Send + 'static>(value: T) {
    // Should no thread be had, the failed spawn frees the value itself.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

/// The entities that changed files (named relative to the root) hold, or
/// `None` when a change reaches beyond entities (settings, templates,
/// static files, themes).
pub fn changed_entities<'a>(changed: impl IntoIterator<Item = &'a String>) -> Option<BTreeSet<Ref>> {
    let mut refs = BTreeSet::new();
    for name in changed {
        let mut parts = name.split('/').map(str::to_owned);
        if parts.next()? != "content" {
            return None;
        }
        let first = parts.next()?;
        let rest: Vec<String> = parts.collect();
        if rest.is_empty() {
            // `content/index.md`: the home page; anything else there is not read.
            if first == "index.md" {
                refs.insert((Kind::Page, "index".to_owned()));
            }
            continue;
        }
        let kind = Kind::from_folder(&first)?;
        let stem = Path::new(rest.last()?)
            .file_stem()?
            .to_string_lossy()
            .into_owned();
        refs.insert((kind, stem));
    }
    Some(refs)
}

/// The entities that refer to a `changed` entity or that one refers to,
/// by `backlinks`.
pub fn neighbours(changed: &BTreeSet<Ref>, backlinks: &Backlinks) -> BTreeSet<Ref> {
    let mut out = BTreeSet::new();
    for r in changed {
        // Who refers to a changed entity.
        if let Some(n) = backlinks.get(r) {
            out.extend(n.iter().cloned());
        }
    }
    // Whom a changed entity refers to: one pass over every edge.
    for (target, sources) in backlinks {
        if changed.iter().any(|r| sources.contains(r)) {
            out.insert(target.clone());
        }
    }
    out
}

/// The jobs to render again when `changed` entities changed, `touched`
/// being their [`neighbours`] before and after the change: their own
/// pages, those of every entity they refer to or that refers to them
/// (titles, lists and figures cross those edges), the listings of the
/// kinds involved, and the home page. Entities in `body_only` changed only
/// their Markdown body, which no listing shows: for them (and their
/// neighbours) the pages alone are rendered again.
pub fn affected_jobs(
    changed: &BTreeSet<Ref>,
    body_only: &BTreeSet<Ref>,
    touched: &BTreeSet<Ref>,
) -> BTreeSet<Job> {
    let listings_too = changed.iter().any(|r| !body_only.contains(r));
    let mut jobs = BTreeSet::new();
    if listings_too {
        // The home page lists every kind (its own page is the index's job).
        jobs.insert(Job::Home);
    }
    for (kind, id) in changed.iter().chain(touched) {
        jobs.extend(own_jobs(*kind, id));
        if listings_too {
            jobs.extend(listing_jobs(*kind));
        }
    }
    jobs
}

/// The listings (and schedule) that show entities of `kind`.
fn listing_jobs(kind: Kind) -> Vec<Job> {
    match kind {
        Kind::Page => vec![],
        Kind::Persona => vec![Job::Personas],
        Kind::Metric => vec![Job::Metrics, Job::Goals],
        Kind::Goal => vec![Job::Goals],
        Kind::Campaign => vec![Job::Campaigns, Job::Schedule],
        Kind::Budget => vec![Job::Budgets],
        Kind::Role => vec![Job::Roles, Job::Jobs, Job::Routing, Job::Raci, Job::Schedule],
        Kind::Calendar => vec![Job::Schedule],
    }
}

/// The jobs that render an entity's own pages and feeds.
fn own_jobs(kind: Kind, id: &str) -> Vec<Job> {
    let id = id.to_owned();
    match kind {
        Kind::Page if id == "index" => vec![Job::Home],
        Kind::Page => vec![Job::Page(id)],
        Kind::Persona => vec![Job::Persona(id)],
        Kind::Metric => vec![Job::Metric(id)],
        Kind::Goal => vec![Job::Goal(id)],
        Kind::Campaign => vec![Job::Campaign(id.clone()), Job::CampaignSchedule(id)],
        Kind::Budget => vec![Job::Budget(id)],
        Kind::Role => vec![Job::Role(id.clone()), Job::RoleSchedule(id)],
        Kind::Calendar => vec![Job::CalendarPage(id.clone()), Job::CalendarFeed(id)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let p = entry.unwrap().path();
            let target = to.join(p.file_name().unwrap());
            if p.is_dir() {
                copy_dir(&p, &target);
            } else {
                std::fs::copy(&p, &target).unwrap();
            }
        }
    }

    fn sample(name: &str) -> PathBuf {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let root = std::env::temp_dir().join(format!("playbook-session-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::copy(repo.join("playbook.yaml"), root.join("playbook.yaml")).unwrap();
        copy_dir(&repo.join("content"), &root.join("content"));
        root
    }

    fn options() -> Options {
        Options {
            public: false,
            today: crate::Today::fixed(),
            base_url: None,
        }
    }

    /// The site a fresh, full build makes of the files as they are now.
    fn full_build(root: &Path) -> SiteFiles {
        let compiled = crate::compile(root, &options().today, false).unwrap();
        crate::build_site(&compiled, false, None).unwrap()
    }

    /// The files the session serves, made.
    fn served(session: &Session) -> SiteFiles {
        session
            .site()
            .iter()
            .map(|(k, v)| (k.clone(), v.bytes()))
            .collect()
    }

    /// The files where what the session serves differs from a full build
    /// (present in one only, or with other bytes).
    fn unlike_a_full_build(session: &Session, root: &Path) -> Vec<String> {
        let (served, full) = (served(session), full_build(root));
        let mut paths: BTreeSet<&String> = served.keys().collect();
        paths.extend(full.keys());
        paths
            .into_iter()
            .filter(|p| served.get(*p) != full.get(*p))
            .cloned()
            .collect()
    }

    fn edit(path: &Path, from: &str, to: &str) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{} lacks {from:?}", path.display());
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    #[test]
    fn a_change_re_renders_what_it_affects_and_the_site_equals_a_full_build() {
        let root = sample("incremental");
        // A static file where a page made below will be: the page's file
        // wins while the page is there, the static file is served again
        // once it is gone.
        let shadowed = root.join("static/pages/new-page");
        std::fs::create_dir_all(&shadowed).unwrap();
        std::fs::write(shadowed.join("index.html"), "static, not the page").unwrap();
        let (mut session, first) = Session::start(&root, options()).unwrap();
        assert!(first.ok);
        let c = |p: &str| root.join("content").join(p);

        // A persona: its pages and listings, not the budget.
        let persona = c("personas/busy-brand-owner.md");
        edit(&persona, "summary: ", "summary: Edited. ");
        let out = session.rebuild(std::slice::from_ref(&persona)).unwrap();
        assert!(out.ok);
        assert!(out.rendered.contains("personas/busy-brand-owner/index.html"));
        assert!(out.rendered.contains("personas/index.html"));
        assert!(
            !out.rendered.contains("budgets/social-media-2026/index.html"),
            "a persona edit does not re-render the budget"
        );
        assert!(out.changed.contains("personas/busy-brand-owner/index.html"));
        assert_eq!(served(&session), full_build(&root));

        // More kinds of change, each checked against a full build.
        type Change = Box<dyn Fn(&Path)>;
        let steps: Vec<(PathBuf, Change)> = vec![
            (
                c("roles/head-of-marketing.md"),
                Box::new(|p: &Path| edit(p, "title: Head of Marketing", "title: Marketing Director")),
            ),
            (
                c("metrics/total-followers.yaml"),
                Box::new(|p: &Path| edit(p, "value: 81200", "value: 82500")),
            ),
            (
                c("calendars/editorial.yaml"),
                Box::new(|p: &Path| edit(p, "title: Weekly report to stakeholders", "title: Friday report")),
            ),
            (
                c("budgets/social-media-2026.yaml"),
                Box::new(|p: &Path| edit(p, "actual: 9", "actual: 8")),
            ),
            (
                c("pages/new-page.md"),
                Box::new(|p: &Path| {
                    std::fs::write(
                        p,
                        "---\ntitle: New\n---\nSee [Bea](@personas/busy-brand-owner).\n",
                    )
                    .unwrap()
                }),
            ),
            (
                c("index.md"),
                Box::new(|p: &Path| edit(p, "\n---\n", "\n---\nA new first line.\n\n")),
            ),
            (
                c("pages/new-page.md"),
                Box::new(|p: &Path| std::fs::remove_file(p).unwrap()),
            ),
            (
                c("goals/social-pipeline.yaml"),
                Box::new(|p: &Path| edit(p, "title: ", "title: Renamed ")),
            ),
            // Edges change: another owner, a persona less.
            (
                c("goals/social-pipeline.yaml"),
                Box::new(|p: &Path| {
                    edit(p, "owner: head-of-marketing", "owner: sales-lead");
                    edit(p, "[busy-brand-owner, agency-partner]", "[agency-partner]");
                }),
            ),
            // Body-only edits: listings stay, pages and neighbours change.
            (
                c("pages/channel-strategy.md"),
                Box::new(|p: &Path| {
                    edit(
                        p,
                        "\n---\n",
                        "\n---\nSee [Sam](@personas/store-manager) first.\n\n",
                    )
                }),
            ),
            (
                c("pages/channel-strategy.md"),
                Box::new(|p: &Path| {
                    edit(
                        p,
                        "[agency partners](@personas/agency-partner)",
                        "agency partners",
                    )
                }),
            ),
            (
                c("roles/content-creator.md"),
                Box::new(|p: &Path| edit(p, "\n---\n", "\n---\nA new opening paragraph.\n\n")),
            ),
        ];
        for (path, change) in steps {
            change(&path);
            let out = session.rebuild(std::slice::from_ref(&path)).unwrap();
            assert!(out.ok, "{}: {}", path.display(), out.report);
            let differing = unlike_a_full_build(&session, &root);
            assert!(differing.is_empty(), "after {}: {differing:?}", path.display());
            // The edges kept from build to build are those of a fresh graph.
            let compiled = crate::compile(&root, &options().today, false).unwrap();
            let fresh = crate::graph::Graph::new(&compiled.raw, compiled.today, false).backlinks;
            assert!(
                session.backlinks.as_ref() == Some(&fresh),
                "backlinks after {}",
                path.display()
            );
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// Search data and `playbook.json` are made from every page: a rebuild
    /// leaves them to be made when asked for, with a build's bytes.
    #[test]
    fn files_made_from_every_page_wait_until_asked_for() {
        let root = sample("deferred");
        let (mut session, _) = Session::start(&root, options()).unwrap();
        edit(
            &root.join("content/pages/mission.md"),
            "\n---\n",
            "\n---\nA new first line.\n",
        );
        let out = session.rebuild(&[root.join("content/pages/mission.md")]).unwrap();
        assert!(out.ok);
        let site = session.site();
        for path in ["playbook.json", "search/index.js"] {
            assert!(
                format!("{:?}", site.get(path).unwrap()).contains("when asked for"),
                "{path}"
            );
            assert!(out.changed.contains(path), "{path}");
        }
        let compiled = crate::compile(&root, &options().today, false).unwrap();
        let full = crate::build_site(&compiled, false, None).unwrap();
        for path in ["playbook.json", "search/index.js"] {
            assert_eq!(site.get(path).unwrap().bytes(), full[path], "{path}");
        }
        assert!(
            String::from_utf8_lossy(&site.get("playbook.json").unwrap().bytes())
                .contains("A new first line.")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn changes_made_while_the_playbook_is_broken_reach_the_site_once_fixed() {
        let root = sample("pending");
        let (mut session, _) = Session::start(&root, options()).unwrap();
        let role = root.join("content/roles/sales-lead.md");
        let page = root.join("content/pages/mission.md");
        edit(&role, "department: sales", "department: nowhere");
        assert!(!session.rebuild(std::slice::from_ref(&role)).unwrap().ok);
        edit(&page, "title: ", "title: Changed while broken - ");
        assert!(!session.rebuild(std::slice::from_ref(&page)).unwrap().ok);
        edit(&role, "department: nowhere", "department: sales");
        assert!(session.rebuild(std::slice::from_ref(&role)).unwrap().ok);
        assert_eq!(
            served(&session),
            full_build(&root),
            "the persona edit made while broken is in the site"
        );
        // A title changed in a build that failed on another file's body,
        // then only that body fixed: lists show the new title too.
        edit(&page, "title: Changed while broken - ", "title: Changed again - ");
        edit(&role, "\n---\n", "\n---\nSee [nobody](@pages/nope).\n\n");
        assert!(!session.rebuild(&[page.clone(), role.clone()]).unwrap().ok);
        edit(&role, "See [nobody](@pages/nope).\n\n", "");
        assert!(session.rebuild(std::slice::from_ref(&role)).unwrap().ok);
        let differing = unlike_a_full_build(&session, &root);
        assert!(differing.is_empty(), "{differing:?}");
        // A title changed in a failed build, then the same file's body in
        // the good one: against the failed load the front matter is the
        // same, against the site it is not.
        edit(&page, "title: Changed again - ", "title: Third title - ");
        edit(&role, "\n---\n", "\n---\nSee [nobody](@pages/nope).\n\n");
        assert!(!session.rebuild(&[page.clone(), role.clone()]).unwrap().ok);
        edit(&page, "\n---\n", "\n---\nA new first line.\n\n");
        edit(&role, "See [nobody](@pages/nope).\n\n", "");
        assert!(session.rebuild(&[page.clone(), role.clone()]).unwrap().ok);
        let differing = unlike_a_full_build(&session, &root);
        assert!(differing.is_empty(), "{differing:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_new_day_renders_everything_again() {
        let root = sample("new-day");
        let (mut session, _) = Session::start(&root, options()).unwrap();
        session.options.today = crate::Today {
            as_of: Some("2026-12-15".into()),
            source_date_epoch: None,
        };
        let page = root.join("content/pages/mission.md");
        edit(&page, "title: ", "title: Changed - ");
        let out = session.rebuild(std::slice::from_ref(&page)).unwrap();
        assert!(
            out.rendered.contains("schedule/index.html"),
            "agendas follow the date"
        );
        let compiled = crate::compile(&root, &session.options.today, false).unwrap();
        let full = crate::build_site(&compiled, false, None).unwrap();
        assert_eq!(served(&session), full);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_invalid_edit_keeps_the_last_good_site() {
        let root = sample("invalid");
        let (mut session, _) = Session::start(&root, options()).unwrap();
        let before = session.site();
        let role = root.join("content/roles/sales-lead.md");
        edit(&role, "department: sales", "department: nowhere");
        let out = session.rebuild(std::slice::from_ref(&role)).unwrap();
        assert!(!out.ok);
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.code == "unknown-reference" && d.file == "content/roles/sales-lead.md")
        );
        assert!(session.failure().is_some());
        assert!(Arc::ptr_eq(&before, &session.site()), "the same site is served");
        edit(&role, "department: nowhere", "department: sales");
        let out = session.rebuild(std::slice::from_ref(&role)).unwrap();
        assert!(out.ok && session.failure().is_none());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_public_session_serves_public_entities_only() {
        let root = sample("public");
        let (session, first) = Session::start(
            &root,
            Options {
                public: true,
                ..options()
            },
        )
        .unwrap();
        assert!(first.ok);
        let site = session.site();
        assert!(site.contains_key("roles/social-media-manager/index.html"));
        assert!(
            !site.contains_key("budgets/social-media-2026/index.html"),
            "the budget is internal"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_served_site_changed_bit_by_bit_has_the_files_it_was_given() {
        let file = |n: usize| Served::ready(Arc::new(vec![n as u8]), format!("{n}"));
        let mut model: BTreeMap<String, String> = BTreeMap::new();
        let mut site = ServedSite::new((0..1000).map(|n| (format!("f{n}"), file(n))).collect());
        model.extend((0..1000).map(|n| (format!("f{n}"), format!("{n}"))));
        for round in 0..40 {
            let mut changes = BTreeMap::new();
            for k in 0..30 {
                let path = format!("f{}", (round * 37 + k * 11) % 1200);
                if k % 3 == 0 {
                    changes.insert(path.clone(), None);
                    model.remove(&path);
                } else {
                    let n = round * 100 + k;
                    changes.insert(path.clone(), Some(file(n)));
                    model.insert(path, format!("{n}"));
                }
            }
            changes.insert(
                "made-later".into(),
                Some(Served::later(
                    Box::new(|| b"x".to_vec()),
                    format!("later {round}"),
                )),
            );
            model.insert("made-later".into(), format!("later {round}"));
            site = site.patched(changes);
            let served: BTreeMap<String, String> =
                site.iter().map(|(p, f)| (p.clone(), f.etag.clone())).collect();
            assert_eq!(served, model, "round {round}");
            for (path, etag) in &model {
                assert_eq!(&site.get(path).unwrap().etag, etag);
            }
            assert!(!site.contains_key("f1200"));
            assert!(
                !site.base.contains_key("made-later"),
                "files made when asked for stay out of the shared base"
            );
        }
    }

    /// [`affected_jobs`] with the neighbours in `old` and `new` backlinks.
    fn affected(
        changed: &BTreeSet<Ref>,
        body_only: &BTreeSet<Ref>,
        old: &Backlinks,
        new: &Backlinks,
    ) -> BTreeSet<Job> {
        let mut touched = neighbours(changed, old);
        touched.extend(neighbours(changed, new));
        affected_jobs(changed, body_only, &touched)
    }

    #[test]
    fn affected_jobs_cover_neighbours_and_listings() {
        let role = (Kind::Role, "smm".to_owned());
        let goal = (Kind::Goal, "grow".to_owned());
        let index = (Kind::Page, "index".to_owned());
        // The goal refers to the role (its owner).
        let edges = BTreeMap::from([(role.clone(), BTreeSet::from([goal.clone()]))]);
        let none = BTreeMap::new();
        // A body-only edit: the pages of the role and its neighbour.
        let jobs = affected(
            &BTreeSet::from([role.clone()]),
            &BTreeSet::from([role.clone()]),
            &edges,
            &none,
        );
        assert_eq!(
            jobs,
            BTreeSet::from([
                Job::Role("smm".into()),
                Job::RoleSchedule("smm".into()),
                Job::Goal("grow".into())
            ])
        );
        // A front-matter edit: the listings and the home page too.
        let jobs = affected(&BTreeSet::from([role.clone()]), &BTreeSet::new(), &none, &edges);
        assert_eq!(
            jobs,
            BTreeSet::from([
                Job::Home,
                Job::Role("smm".into()),
                Job::RoleSchedule("smm".into()),
                Job::Roles,
                Job::Jobs,
                Job::Routing,
                Job::Raci,
                Job::Schedule,
                Job::Goal("grow".into()),
                Job::Goals,
            ])
        );
        // The home page's body: that page alone.
        let jobs = affected(
            &BTreeSet::from([index.clone()]),
            &BTreeSet::from([index]),
            &none,
            &none,
        );
        assert_eq!(jobs, BTreeSet::from([Job::Home]));
        // A body-only edit of the goal: the role it refers to as well.
        let jobs = affected(
            &BTreeSet::from([goal.clone()]),
            &BTreeSet::from([goal]),
            &edges,
            &edges,
        );
        assert_eq!(
            jobs,
            BTreeSet::from([
                Job::Goal("grow".into()),
                Job::Role("smm".into()),
                Job::RoleSchedule("smm".into()),
            ])
        );
    }

    #[test]
    fn changes_outside_content_re_render_everything() {
        let names = |n: &str| [n.to_owned()];
        assert_eq!(changed_entities(&names("playbook.yaml")), None);
        assert_eq!(changed_entities(&names("templates/page.html")), None);
        assert_eq!(
            changed_entities(&names("content/roles/team/smm.md")),
            Some(BTreeSet::from([(Kind::Role, "smm".to_owned())]))
        );
        let root = Path::new("/pb");
        assert_eq!(
            crate::load::relative_name(root, &root.join("content/roles/team/smm.md")).as_deref(),
            Some("content/roles/team/smm.md")
        );
        assert_eq!(
            crate::load::relative_name(root, Path::new("/elsewhere/x.md")),
            None
        );
    }
}
