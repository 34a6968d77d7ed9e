//! Loading: a sorted walk of `content/`, the kind from the folder, the id
//! from the file stem, front matter split, YAML read into the model
//! structs. Bad content becomes diagnostics; loading never stops early.

pub mod frontmatter;

use crate::diag::{Code, Diagnostic, Sink, suggest};
use crate::limits;
use crate::model::budget::Budget;
use crate::model::calendar::Calendar;
use crate::model::content::{Campaign, Goal, Metric, Page, Persona};
use crate::model::role::Role;
use crate::model::settings::Settings;
use crate::source::{FileId, Loc, SourceFile, SourceMap};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The kinds of entity, each with its folder under `content/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Page,
    Persona,
    Metric,
    Goal,
    Campaign,
    Budget,
    Role,
    Calendar,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Page,
        Kind::Persona,
        Kind::Metric,
        Kind::Goal,
        Kind::Campaign,
        Kind::Budget,
        Kind::Role,
        Kind::Calendar,
    ];

    /// The folder under `content/`, also the `kind` of `@kind/id` links.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Page => "pages",
            Kind::Persona => "personas",
            Kind::Metric => "metrics",
            Kind::Goal => "goals",
            Kind::Campaign => "campaigns",
            Kind::Budget => "budgets",
            Kind::Role => "roles",
            Kind::Calendar => "calendars",
        }
    }

    /// The singular name, used in messages and schema file names.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Persona => "persona",
            Kind::Metric => "metric",
            Kind::Goal => "goal",
            Kind::Campaign => "campaign",
            Kind::Budget => "budget",
            Kind::Role => "role",
            Kind::Calendar => "calendar",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// Whether files of this kind are Markdown with front matter, YAML, or
    /// either.
    fn accepts(self, ext: &str) -> bool {
        let yaml = ext == "yaml" || ext == "yml";
        match self {
            Kind::Page | Kind::Persona | Kind::Campaign | Kind::Role => ext == "md",
            Kind::Metric | Kind::Budget | Kind::Calendar => yaml,
            Kind::Goal => yaml || ext == "md",
        }
    }
}

/// One loaded entity: its id, its file, and its data.
#[derive(Debug, Clone)]
pub struct Entity<T> {
    pub id: String,
    pub file: FileId,
    /// Byte offset of the YAML document inside the file.
    pub base: usize,
    pub data: T,
    /// Byte range of the Markdown body inside the file, for `.md` files.
    pub body: Option<Range<usize>>,
    /// The body's `@kind/id` links, with ranges relative to the body.
    pub links: Vec<(String, Range<usize>)>,
}

impl<T> Entity<T> {
    /// The file position of a span of the entity's YAML.
    pub fn loc(&self, span: &Range<usize>) -> Loc {
        Loc::new(self.file, self.base + span.start..self.base + span.end)
    }

    /// Where problems with the whole entity point: its first line.
    pub fn start(&self) -> Loc {
        Loc::file_start(self.file)
    }
}

/// Everything read from disk, before validation.
#[derive(Debug, Default)]
pub struct RawPlaybook {
    pub root: PathBuf,
    pub sources: SourceMap,
    pub settings: Option<Entity<Settings>>,
    pub index: Option<Entity<Page>>,
    pub pages: Vec<Entity<Page>>,
    pub personas: Vec<Entity<Persona>>,
    pub metrics: Vec<Entity<Metric>>,
    pub goals: Vec<Entity<Goal>>,
    pub campaigns: Vec<Entity<Campaign>>,
    pub budgets: Vec<Entity<Budget>>,
    pub roles: Vec<Entity<Role>>,
    pub calendars: Vec<Entity<Calendar>>,
    /// Entities whose files exist but could not be read: references to them
    /// are not reported again as unknown.
    pub broken: BTreeSet<(Kind, String)>,
}

impl RawPlaybook {
    /// Every id of a kind, loaded or broken, sorted.
    /// The ids of a kind's loaded entities, in their list's order.
    pub fn loaded_ids(&self, kind: Kind) -> Vec<&str> {
        fn of<T>(list: &[Entity<T>]) -> Vec<&str> {
            list.iter().map(|e| e.id.as_str()).collect()
        }
        match kind {
            Kind::Page => of(&self.pages),
            Kind::Persona => of(&self.personas),
            Kind::Metric => of(&self.metrics),
            Kind::Goal => of(&self.goals),
            Kind::Campaign => of(&self.campaigns),
            Kind::Budget => of(&self.budgets),
            Kind::Role => of(&self.roles),
            Kind::Calendar => of(&self.calendars),
        }
    }

    pub fn ids(&self, kind: Kind) -> BTreeSet<&str> {
        let mut ids: BTreeSet<&str> = self.loaded_ids(kind).into_iter().collect();
        ids.extend(
            self.broken
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| id.as_str()),
        );
        ids
    }

    /// The visibility an entity states: `None` when there is no such
    /// entity, `Some(None)` when it states none (the playbook's default applies).
    pub fn explicit_visibility(
        &self,
        kind: Kind,
        id: &str,
    ) -> Option<Option<crate::model::settings::Visibility>> {
        use crate::model::Located;
        use crate::model::settings::Visibility;
        fn vis<T>(
            list: &[Entity<T>],
            id: &str,
            f: impl Fn(&T) -> Option<&Located<Visibility>>,
        ) -> Option<Option<Visibility>> {
            let i = list.binary_search_by(|e| e.id.as_str().cmp(id)).ok()?;
            Some(f(&list[i].data).map(|v| v.value))
        }
        match kind {
            Kind::Page if id == "index" => self
                .index
                .as_ref()
                .map(|e| e.data.visibility.as_ref().map(|v| v.value)),
            Kind::Page => vis(&self.pages, id, |d| d.visibility.as_ref()),
            Kind::Persona => vis(&self.personas, id, |d| d.visibility.as_ref()),
            Kind::Metric => vis(&self.metrics, id, |d| d.visibility.as_ref()),
            Kind::Goal => vis(&self.goals, id, |d| d.visibility.as_ref()),
            Kind::Campaign => vis(&self.campaigns, id, |d| d.visibility.as_ref()),
            Kind::Budget => vis(&self.budgets, id, |d| d.visibility.as_ref()),
            Kind::Role => vis(&self.roles, id, |d| d.visibility.as_ref()),
            Kind::Calendar => vis(&self.calendars, id, |d| d.visibility.as_ref()),
        }
    }

    pub fn entity_count(&self) -> usize {
        self.index.iter().count()
            + self.pages.len()
            + self.personas.len()
            + self.metrics.len()
            + self.goals.len()
            + self.campaigns.len()
            + self.budgets.len()
            + self.roles.len()
            + self.calendars.len()
    }
}

/// Whether `id` is a valid entity id: `^[a-z0-9][a-z0-9-]*$`.
pub fn valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
}

/// Reads the playbook at `root`. I/O failures of the root itself are `Err`;
/// everything about content goes to `sink`.
pub fn load(root: &Path, sink: &mut Sink) -> anyhow::Result<RawPlaybook> {
    load_cached(root, sink, &mut LoadCache::disabled())
}

/// What was read from each file last time, so that a reload parses only
/// the files whose text changed (`serve` keeps one across rebuilds).
#[derive(Default)]
pub struct LoadCache {
    files: rustc_hash::FxHashMap<String, Cached>,
    /// A one-off load keeps nothing.
    disabled: bool,
    /// When set, the only files that may have changed since the last load:
    /// the others' text is taken from the cache instead of the disk.
    pub changed: Option<std::collections::HashSet<String>>,
    /// Markdown files of the last load whose text changed in the body only,
    /// front matter identical: what lists and tables show of them is the same.
    pub body_only: std::collections::HashSet<String>,
    /// How many files the last load parsed (the others it took from here).
    pub parsed: usize,
    /// What the last walk of `content/` found.
    walked: Option<Arc<Walk>>,
    /// The playbook of the last load, kept whole: when only files holding
    /// entities change, the next load replaces those entities in it.
    last: Option<Last>,
    /// What the last load reported and found, until its playbook is kept.
    pending: Option<(Sink, EntityFiles)>,
    /// Whether the last load changed the kept playbook (instead of walking
    /// the files).
    pub patched: bool,
}

/// The playbook of a load, with what the load reported and where its
/// entities are.
struct Last {
    raw: RawPlaybook,
    reported: Sink,
    files: EntityFiles,
}

/// The files that hold an entity (or the home page), by name.
type EntityFiles = rustc_hash::FxHashMap<String, EntityFile>;

/// What a file holds: an entity of a kind, to parse.
#[derive(Clone, Debug)]
struct EntityFile {
    file: FileId,
    kind: Kind,
    id: String,
    /// Markdown with front matter (else YAML).
    markdown: bool,
    /// The home page, `content/index.md`.
    index: bool,
}

impl LoadCache {
    pub fn disabled() -> LoadCache {
        LoadCache {
            disabled: true,
            ..LoadCache::default()
        }
    }
}

struct Cached {
    text: crate::source::Text,
    /// `Option<Entity<T>>` for the file's kind; `None` while the entity is
    /// lent to the playbook of the last load (see [`LoadCache::restore`]).
    value: Option<Box<dyn std::any::Any + Send + Sync>>,
    diagnostics: Vec<Diagnostic>,
    follow_ups: Vec<String>,
}

impl LoadCache {
    /// Takes back the entities a load lent to `raw`, so that the next load
    /// moves them out again instead of copying them. An entity not given
    /// back is parsed again next time.
    pub fn restore(&mut self, raw: &mut RawPlaybook) {
        fn back<T: Send + Sync + 'static>(cache: &mut LoadCache, sources: &SourceMap, list: Vec<Entity<T>>) {
            for e in list {
                let source = sources.get(e.file);
                if let Some(c) = cache.files.get_mut(&source.name)
                    && c.value.is_none()
                    && crate::source::Text::same(&c.text, &source.text)
                {
                    c.value = Some(Box::new(Some(e)));
                }
            }
        }
        if self.disabled {
            return;
        }
        let s = &raw.sources;
        back(self, s, raw.settings.take().into_iter().collect());
        back(self, s, raw.index.take().into_iter().collect());
        back(self, s, std::mem::take(&mut raw.pages));
        back(self, s, std::mem::take(&mut raw.personas));
        back(self, s, std::mem::take(&mut raw.metrics));
        back(self, s, std::mem::take(&mut raw.goals));
        back(self, s, std::mem::take(&mut raw.campaigns));
        back(self, s, std::mem::take(&mut raw.budgets));
        back(self, s, std::mem::take(&mut raw.roles));
        back(self, s, std::mem::take(&mut raw.calendars));
    }
}

impl LoadCache {
    /// Takes back the playbook of the last load: kept whole, so that the
    /// next load can change just what changed in it; or, when that load
    /// cannot be followed so, its entities (see [`LoadCache::restore`]).
    pub fn keep(&mut self, mut raw: RawPlaybook) {
        if self.disabled {
            return;
        }
        match self.pending.take() {
            Some((reported, files)) => self.last = Some(Last { raw, reported, files }),
            None => self.restore(&mut raw),
        }
    }
}

/// The last load's playbook with the `changed` files (every one an entity
/// file of it, still there and UTF-8) read and parsed again; `None` when
/// the changes are of another sort (files made or removed, settings,
/// anything outside the entities), and the load must walk the files.
fn patched(root: &Path, sink: &mut Sink, cache: &mut LoadCache) -> anyhow::Result<Option<RawPlaybook>> {
    let (Some(changed), Some(last)) = (cache.changed.as_ref(), cache.last.as_ref()) else {
        return Ok(None);
    };
    if !changed.iter().all(|name| last.files.contains_key(name)) {
        return Ok(None);
    }
    let mut texts = Vec::with_capacity(changed.len());
    for name in changed {
        // Still a file (not a folder or a link now, as the walk would see),
        // and readable as UTF-8: else the walk tells what it is.
        let path = root.join(name);
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            return Ok(None);
        }
        match read_text(&path) {
            Ok(FileText::Utf8(text)) => texts.push((name.clone(), text)),
            _ => return Ok(None),
        }
    }
    let Last {
        mut raw,
        reported,
        files,
    } = cache.last.take().expect("checked above");
    let again: rustc_hash::FxHashSet<FileId> = texts.iter().map(|(name, _)| files[name].file).collect();
    let mut reported = reported.without(|f| again.contains(&f));
    for (name, text) in texts {
        let f = &files[&name];
        let old = raw.sources.set_text(f.file, text.clone());
        let split = |t: &str| frontmatter::split(t).ok().map(|s| s.yaml);
        if *old != *text
            && let (Some(a), Some(b)) = (split(&old), split(&text))
            && old[a] == text[b]
        {
            cache.body_only.insert(name.clone());
        }
        let mut local = Sink::default();
        let sources = &raw.sources;
        let broken = &mut raw.broken;
        let sink = &mut local;
        let value = match f.kind {
            Kind::Page if f.index => {
                raw.index = parse_file(sources, f, sink);
                none_held(&raw.index)
            }
            Kind::Page => put(&mut raw.pages, broken, f, parse_file(sources, f, sink)),
            Kind::Persona => put(&mut raw.personas, broken, f, parse_file(sources, f, sink)),
            Kind::Metric => put(&mut raw.metrics, broken, f, parse_file(sources, f, sink)),
            Kind::Goal => put(&mut raw.goals, broken, f, parse_file(sources, f, sink)),
            Kind::Campaign => put(&mut raw.campaigns, broken, f, parse_file(sources, f, sink)),
            Kind::Budget => put(&mut raw.budgets, broken, f, parse_file(sources, f, sink)),
            Kind::Role => put(&mut raw.roles, broken, f, parse_file(sources, f, sink)),
            Kind::Calendar => put(&mut raw.calendars, broken, f, parse_file(sources, f, sink)),
        };
        cache.parsed += 1;
        // The file cache follows, for a load that walks the files again.
        let (diagnostics, follow_ups) = local.clone().into_parts();
        cache.files.insert(
            name,
            Cached {
                text,
                value,
                diagnostics,
                follow_ups: follow_ups.into_iter().map(|(_, k)| k).collect(),
            },
        );
        reported.extend(local);
    }
    sink.extend(reported.clone());
    cache.pending = Some((reported, files));
    Ok(Some(raw))
}

/// Parses an entity file of the last load again.
fn parse_file<T: DeserializeOwned + Default>(
    sources: &SourceMap,
    f: &EntityFile,
    sink: &mut Sink,
) -> Option<Entity<T>> {
    match f.markdown {
        true => parse_md_entity(sources, f.file, f.id.clone(), sink, f.index),
        false => parse_yaml_entity(sources, f.file, f.id.clone(), sink),
    }
}

/// What the file cache holds of a file parsed now: nothing while its
/// entity is lent to the playbook, else that the file has none.
fn none_held<T: Send + Sync + 'static>(
    entity: &Option<Entity<T>>,
) -> Option<Box<dyn std::any::Any + Send + Sync>> {
    entity.is_none().then(|| Box::new(None::<Entity<T>>) as Box<_>)
}

/// Puts an entity parsed again in its place in `list` (by id), or, when
/// its file no longer reads, among the `broken`; returns what the file
/// cache holds of it ([`none_held`]).
fn put<T: Send + Sync + 'static>(
    list: &mut Vec<Entity<T>>,
    broken: &mut BTreeSet<(Kind, String)>,
    f: &EntityFile,
    entity: Option<Entity<T>>,
) -> Option<Box<dyn std::any::Any + Send + Sync>> {
    let held = none_held(&entity);
    let at = list.binary_search_by(|e| e.id.as_str().cmp(&f.id));
    match (entity, at) {
        (Some(e), Ok(i)) => list[i] = e,
        (Some(e), Err(i)) => {
            list.insert(i, e);
            broken.remove(&(f.kind, f.id.clone()));
        }
        (None, at) => {
            if let Ok(i) = at {
                list.remove(i);
            }
            broken.insert((f.kind, f.id.clone()));
        }
    }
    held
}

impl std::fmt::Debug for LoadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoadCache({} files)", self.files.len())
    }
}

/// What parsing one file gave: the entity, its diagnostics and follow-up
/// keys, and what the cache should learn.
struct Parsed<T> {
    file: FileId,
    value: Option<Entity<T>>,
    diagnostics: Vec<Diagnostic>,
    follow_ups: Vec<String>,
    /// Parsed now (not taken from the cache): the cache keeps the result.
    fresh: bool,
    /// Unchanged: [`absorb`] takes the entity from the cache.
    reuse: bool,
    /// The file's text changed in its Markdown body only.
    body_only: bool,
}

/// Parses a file, or reuses last time's result when its text is the same
/// (with its diagnostics, moved to the file's new id). Reads the cache
/// only, so that files can be parsed in parallel; [`absorb`] records.
fn parse_one<T: Clone + Send + Sync + 'static>(
    cache: &LoadCache,
    sources: &SourceMap,
    file: FileId,
    parse: impl FnOnce(&mut Sink) -> Option<Entity<T>>,
) -> Parsed<T> {
    let source = sources.get(file);
    let old = cache.files.get(&source.name).filter(|_| !cache.disabled);
    if let Some(c) = old
        && c.text == source.text
        && c.value.as_ref().is_some_and(|v| v.is::<Option<Entity<T>>>())
    {
        return Parsed {
            file,
            value: None,
            reuse: true,
            diagnostics: c
                .diagnostics
                .iter()
                .map(|d| {
                    let mut d = d.clone();
                    d.loc.file = file;
                    d
                })
                .collect(),
            follow_ups: c.follow_ups.clone(),
            fresh: false,
            body_only: false,
        };
    }
    let body_only = old.is_some_and(|old| {
        matches!(
            (frontmatter::split(&old.text), frontmatter::split(&source.text)),
            (Ok(a), Ok(b)) if old.text[a.yaml.clone()] == source.text[b.yaml.clone()]
        )
    });
    let mut local = Sink::default();
    let value = parse(&mut local);
    let (diagnostics, follow_ups) = local.into_parts();
    Parsed {
        file,
        value,
        diagnostics,
        follow_ups: follow_ups.into_iter().map(|(_, k)| k).collect(),
        fresh: true,
        reuse: false,
        body_only,
    }
}

/// Reports what [`parse_one`] found and lets the cache keep fresh results.
fn absorb<T: Clone + Send + Sync + 'static>(
    cache: &mut LoadCache,
    sources: &SourceMap,
    sink: &mut Sink,
    parsed: Parsed<T>,
) -> Option<Entity<T>> {
    let Parsed {
        file,
        mut value,
        diagnostics,
        follow_ups,
        fresh,
        reuse,
        body_only,
    } = parsed;
    if !cache.disabled {
        let source = sources.get(file);
        if body_only {
            cache.body_only.insert(source.name.clone());
        }
        if reuse && let Some(c) = cache.files.get_mut(&source.name) {
            // Lent to this load's playbook until it is given back (to the
            // entry whose text is this very text).
            c.text = source.text.clone();
            let taken = c
                .value
                .take()
                .and_then(|v| v.downcast::<Option<Entity<T>>>().ok());
            match taken.map(|v| *v) {
                Some(Some(mut e)) => {
                    e.file = file;
                    value = Some(e);
                }
                // A file without an entity: nothing to lend.
                Some(None) => c.value = Some(Box::new(None::<Entity<T>>)),
                None => {}
            }
        }
        if fresh {
            cache.parsed += 1;
            cache.files.insert(
                source.name.clone(),
                Cached {
                    text: source.text.clone(),
                    // A file without an entity has nothing to lend.
                    value: value.is_none().then(|| Box::new(None::<Entity<T>>) as Box<_>),
                    diagnostics: diagnostics.clone(),
                    follow_ups: follow_ups.clone(),
                },
            );
        }
    }
    for d in diagnostics {
        sink.push(d);
    }
    for key in follow_ups {
        sink.follow_up(file, key);
    }
    value
}

/// [`parse_one`] and [`absorb`] in one.
fn parse_cached<T: Clone + Send + Sync + 'static>(
    cache: &mut LoadCache,
    sources: &SourceMap,
    file: FileId,
    sink: &mut Sink,
    parse: impl FnOnce(&mut Sink) -> Option<Entity<T>>,
) -> Option<Entity<T>> {
    let parsed = parse_one(cache, sources, file, parse);
    absorb(cache, sources, sink, parsed)
}

/// One parsed entity file, of any kind: boxed, since entities of some
/// kinds are many times the size of others (a list of them would take the
/// largest size for each).
enum Loaded {
    Page(Box<Parsed<Page>>),
    Persona(Box<Parsed<Persona>>),
    Campaign(Box<Parsed<Campaign>>),
    Role(Box<Parsed<Role>>),
    Goal(Box<Parsed<Goal>>),
    Metric(Box<Parsed<Metric>>),
    Budget(Box<Parsed<Budget>>),
    Calendar(Box<Parsed<Calendar>>),
}

fn parse_task(cache: &LoadCache, sources: &SourceMap, t: &EntityFile) -> Loaded {
    fn entity<T: DeserializeOwned + Default + Clone + Send + Sync + 'static>(
        cache: &LoadCache,
        sources: &SourceMap,
        t: &EntityFile,
    ) -> Box<Parsed<T>> {
        Box::new(parse_one(cache, sources, t.file, |sink| {
            parse_file(sources, t, sink)
        }))
    }
    match t.kind {
        Kind::Page => Loaded::Page(entity(cache, sources, t)),
        Kind::Persona => Loaded::Persona(entity(cache, sources, t)),
        Kind::Campaign => Loaded::Campaign(entity(cache, sources, t)),
        Kind::Role => Loaded::Role(entity(cache, sources, t)),
        Kind::Goal => Loaded::Goal(entity(cache, sources, t)),
        Kind::Metric => Loaded::Metric(entity(cache, sources, t)),
        Kind::Budget => Loaded::Budget(entity(cache, sources, t)),
        Kind::Calendar => Loaded::Calendar(entity(cache, sources, t)),
    }
}

/// [`load`], reusing what `cache` holds for files whose text is unchanged.
pub fn load_cached(root: &Path, sink: &mut Sink, cache: &mut LoadCache) -> anyhow::Result<RawPlaybook> {
    cache.body_only.clear();
    cache.parsed = 0;
    cache.pending = None;
    if let Some(raw) = patched(root, sink, cache)? {
        cache.patched = true;
        return Ok(raw);
    }
    cache.patched = false;
    if let Some(last) = cache.last.take() {
        let mut raw = last.raw;
        cache.restore(&mut raw);
    }
    let mut own = Sink::default();
    let mut files = (!cache.disabled).then(EntityFiles::default);
    let raw = load_walked(root, &mut own, cache, files.as_mut())?;
    if let Some(files) = files {
        cache.pending = Some((own.clone(), files));
    }
    sink.extend(own);
    Ok(raw)
}

/// [`load_cached`] by walking the files; `entity_files`, when given, learns
/// where the entities are.
fn load_walked(
    root: &Path,
    sink: &mut Sink,
    cache: &mut LoadCache,
    mut entity_files: Option<&mut EntityFiles>,
) -> anyhow::Result<RawPlaybook> {
    let mut pb = RawPlaybook {
        root: root.to_path_buf(),
        ..RawPlaybook::default()
    };
    let settings_path = root.join("playbook.yaml");
    if crate::project::is_link(&settings_path) {
        skipped_link(&mut pb.sources, root, &settings_path, sink);
    } else if let Some(file) = read_source_cached(&mut pb.sources, root, &settings_path, sink, cache, None)? {
        pb.settings = parse_cached(cache, &pb.sources, file, sink, |sink| {
            parse_yaml_entity::<Settings>(&pb.sources, file, "playbook".into(), sink)
        });
    }
    let content = root.join("content");
    match std::fs::symlink_metadata(&content) {
        Ok(m) if m.is_dir() => {}
        Ok(m) if m.file_type().is_symlink() => {
            skipped_link(&mut pb.sources, root, &content, sink);
            return Ok(pb);
        }
        _ => return Ok(pb),
    }
    // First file seen for each (kind, id), to name both in a duplicate-id.
    let mut seen: rustc_hash::FxHashMap<(Kind, String), FileId> = Default::default();
    let mut tasks: Vec<EntityFile> = Vec::new();
    let files = match cache.same_files(root) {
        Some(files) => files,
        None => {
            let walker = walkdir::WalkDir::new(&content)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
            let files = crate::timings::step("walk", || -> anyhow::Result<Walk> {
                let mut walk = Walk::default();
                for entry in walker {
                    let entry =
                        entry.map_err(|err| anyhow::anyhow!("cannot read {}: {err}", content.display()))?;
                    if entry.file_type().is_file() {
                        walk.files.push(entry.into_path());
                    } else if entry.file_type().is_symlink() {
                        walk.links.push(entry.into_path());
                    }
                }
                Ok(walk)
            })?;
            let files = Arc::new(files);
            if !cache.disabled {
                cache.walked = Some(files.clone());
            }
            files
        }
    };
    let is_content = |p: &PathBuf| p.extension().and_then(|e| e.to_str()).is_some_and(content_file);
    if let Some(over) = files
        .files
        .iter()
        .filter(|p| is_content(p))
        .nth(limits::MAX_CONTENT_FILES)
    {
        let total = files.files.iter().filter(|p| is_content(p)).count();
        let name = name_of(below(over, root).unwrap_or(over));
        let file = pb.sources.add(SourceFile::new(name, over.clone(), ""));
        sink.push(
            Diagnostic::new(
                Code::LimitExceeded,
                Loc::file_start(file),
                format!(
                    "`content/` holds {} Markdown and YAML files, over the limit of {}; none of them is read",
                    limits::count(total as u64),
                    limits::count(limits::MAX_CONTENT_FILES as u64)
                ),
            )
            .help("this is the first file over the limit; keep generated or copied files out of `content/`"),
        );
        return Ok(pb);
    }
    for link in &files.links {
        skipped_link(&mut pb.sources, root, link, sink);
    }
    let files = &files.files;
    // Files are read in parallel, ahead of the bookkeeping below, which
    // must run in the walk's order.
    let mut texts: Vec<Option<ReadAhead>> = crate::timings::step("read", || {
        files
            .par_iter()
            .map(|path| {
                let text_file = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(content_file);
                text_file.then(|| read_named(root, path, cache))
            })
            .collect()
    });
    for (path, pre) in files.iter().zip(texts.iter_mut()) {
        let mut pre = pre.take();
        let path = path.as_path();
        let rel = below(path, &content).unwrap_or(path);
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut components = rel.components();
        let first = components
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let top_level = components.next().is_none();
        let text_file = content_file(ext);
        if top_level {
            if first.as_deref() == Some("index.md") {
                if let Some(file) = read_source_cached(&mut pb.sources, root, path, sink, cache, pre.take())?
                {
                    let f = EntityFile {
                        file,
                        kind: Kind::Page,
                        id: "index".into(),
                        markdown: true,
                        index: true,
                    };
                    pb.index = parse_cached(cache, &pb.sources, file, sink, |sink| {
                        parse_file(&pb.sources, &f, sink)
                    });
                    if let Some(files) = entity_files.as_deref_mut() {
                        files.insert(pb.sources.get(file).name.clone(), f);
                    }
                }
            } else if text_file {
                ignored(
                    &mut pb.sources,
                    root,
                    path,
                    pre.take(),
                    sink,
                    "only `index.md` is read at the top of `content/`; put pages in `content/pages/`".into(),
                )?;
            }
            continue;
        }
        let folder = first.unwrap_or_default();
        let Some(kind) = Kind::from_folder(&folder) else {
            if text_file {
                let help = match suggest::closest(&folder, Kind::ALL.iter().map(|k| k.folder())) {
                    Some(k) => {
                        format!("`content/{folder}/` is not a kind's folder; did you mean `content/{k}/`?")
                    }
                    None => format!(
                        "`content/{folder}/` is not a kind's folder; the folders are {}",
                        Kind::ALL
                            .iter()
                            .map(|k| k.folder())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                ignored(&mut pb.sources, root, path, pre.take(), sink, help)?;
            }
            continue;
        };
        if !kind.accepts(ext) {
            if text_file {
                let help = match kind {
                    Kind::Metric | Kind::Budget | Kind::Calendar => {
                        format!("{}s are YAML files (`.yaml`)", kind.name())
                    }
                    _ => format!("{}s are Markdown files with front matter (`.md`)", kind.name()),
                };
                ignored(&mut pb.sources, root, path, pre.take(), sink, help)?;
            }
            continue;
        }
        let Some(file) = read_source_cached(&mut pb.sources, root, path, sink, cache, pre.take())? else {
            continue;
        };
        if !valid_id(&stem) {
            sink.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    Loc::file_start(file),
                    format!("`{stem}` is not a valid id: the file name gives the id"),
                )
                .help(format!(
                    "ids use lowercase letters, digits and hyphens, starting with a letter or digit; rename the file to `{}.{ext}`",
                    slugish(&stem)
                )),
            );
            continue;
        }
        if let Some(&other) = seen.get(&(kind, stem.clone())) {
            sink.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    Loc::file_start(file),
                    format!("{} id `{stem}` is already used", kind.name()),
                )
                .help(format!(
                    "`{}` has the same file name; ids are unique per kind, also across subfolders",
                    pb.sources.get(other).name
                )),
            );
            continue;
        }
        seen.insert((kind, stem.clone()), file);
        let task = EntityFile {
            file,
            kind,
            id: stem,
            markdown: ext == "md",
            index: false,
        };
        if let Some(files) = entity_files.as_deref_mut() {
            files.insert(pb.sources.get(file).name.clone(), task.clone());
        }
        tasks.push(task);
    }
    // Parsing is the costly part: files are parsed in parallel, then
    // recorded in the walk's order.
    let count = |kind: Kind| tasks.iter().filter(|t| t.kind == kind).count();
    pb.pages.reserve(count(Kind::Page));
    pb.personas.reserve(count(Kind::Persona));
    pb.campaigns.reserve(count(Kind::Campaign));
    pb.roles.reserve(count(Kind::Role));
    pb.goals.reserve(count(Kind::Goal));
    pb.metrics.reserve(count(Kind::Metric));
    pb.budgets.reserve(count(Kind::Budget));
    pb.calendars.reserve(count(Kind::Calendar));
    let parsed: Vec<Loaded> = crate::timings::step("parse", || {
        let (cache, sources) = (&*cache, &pb.sources);
        tasks.par_iter().map(|t| parse_task(cache, sources, t)).collect()
    });
    for (task, loaded) in tasks.into_iter().zip(parsed) {
        let (c, src) = (&mut *cache, &pb.sources);
        let ok = match loaded {
            Loaded::Page(p) => push(&mut pb.pages, absorb(c, src, sink, *p)),
            Loaded::Persona(p) => push(&mut pb.personas, absorb(c, src, sink, *p)),
            Loaded::Campaign(p) => push(&mut pb.campaigns, absorb(c, src, sink, *p)),
            Loaded::Role(p) => push(&mut pb.roles, absorb(c, src, sink, *p)),
            Loaded::Goal(p) => push(&mut pb.goals, absorb(c, src, sink, *p)),
            Loaded::Metric(p) => push(&mut pb.metrics, absorb(c, src, sink, *p)),
            Loaded::Budget(p) => push(&mut pb.budgets, absorb(c, src, sink, *p)),
            Loaded::Calendar(p) => push(&mut pb.calendars, absorb(c, src, sink, *p)),
        };
        if !ok {
            pb.broken.insert((task.kind, task.id));
        }
    }
    // Forget files that are gone.
    if !cache.files.is_empty() {
        let names: rustc_hash::FxHashSet<&str> = pb.sources.files().map(|(_, f)| f.name.as_str()).collect();
        cache.files.retain(|name, _| names.contains(name.as_str()));
    }
    Ok(pb)
}

/// Whether a file's extension is one of the content files' (read, or
/// reported when in the wrong place).
fn content_file(ext: &str) -> bool {
    ["md", "markdown", "yaml", "yml"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}

/// What a walk of `content/` finds, in its order.
#[derive(Debug, Default)]
struct Walk {
    files: Vec<PathBuf>,
    /// Symbolic links, which are not followed.
    links: Vec<PathBuf>,
}

/// Reports a symbolic link under (or as) `content/`: it is not followed,
/// whether it points inside the playbook, outside it or at itself.
fn skipped_link(sources: &mut SourceMap, root: &Path, path: &Path, sink: &mut Sink) {
    let name = name_of(below(path, root).unwrap_or(path));
    let file = sources.add(SourceFile::new(name, path.to_path_buf(), ""));
    sink.push(
        Diagnostic::new(
            Code::IgnoredFile,
            Loc::file_start(file),
            "this is a symbolic link, which is not followed",
        )
        .help("a link could point outside the playbook; put the file or folder itself here"),
    );
}

/// Reports a content file that is not read (wrong folder or extension).
fn ignored(
    sources: &mut SourceMap,
    root: &Path,
    path: &Path,
    pre: Option<ReadAhead>,
    sink: &mut Sink,
    help: String,
) -> anyhow::Result<()> {
    if let Some(file) = read_source_cached(sources, root, path, sink, &LoadCache::disabled(), pre)? {
        sink.push(
            Diagnostic::new(Code::IgnoredFile, Loc::file_start(file), "this file is not read").help(help),
        );
    }
    Ok(())
}

fn push<T>(list: &mut Vec<Entity<T>>, entity: Option<Entity<T>>) -> bool {
    match entity {
        Some(e) => {
            // The walk is sorted by path, entities by id: mostly the same
            // order (subfolders mix it).
            if list.last().is_none_or(|last| last.id < e.id) {
                list.push(e);
            } else {
                let at = list.partition_point(|x| x.id < e.id);
                list.insert(at, e);
            }
            true
        }
        None => false,
    }
}

fn slugish(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "my-id".into() } else { out }
}

/// A path's components with `/` between them: how files are named.
fn name_of(path: &Path) -> String {
    if std::path::MAIN_SEPARATOR == '/'
        && let Some(name) = path.to_str()
        && plain_relative(name)
    {
        // Already so named: what a walk below the root gives.
        return name.to_owned();
    }
    components_joined(path)
}

/// `path` below `root`, as [`Path::strip_prefix`] gives it. A path the walk
/// made from `root` starts with its very text: that is checked first, as
/// text, which is much cheaper than comparing components.
fn below<'p>(path: &'p Path, root: &Path) -> Option<&'p Path> {
    if std::path::MAIN_SEPARATOR == '/'
        && let (Some(p), Some(r)) = (path.to_str(), root.to_str())
        && let Some(rest) = p.strip_prefix(r).and_then(|rest| rest.strip_prefix('/'))
        && !r.is_empty()
        && plain_relative(rest)
    {
        return Some(Path::new(rest));
    }
    path.strip_prefix(root).ok()
}

/// A relative path whose components are its `/`-separated parts, unchanged.
fn plain_relative(name: &str) -> bool {
    !name.is_empty() && name.split('/').all(|part| !part.is_empty() && part != ".")
}

fn components_joined(path: &Path) -> String {
    let parts: Vec<_> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// `path` relative to `root`, named as the loader names files; `None` when
/// it is outside the root.
pub fn relative_name(root: &Path, path: &Path) -> Option<String> {
    below(path, root).map(name_of)
}

/// A file's text, as read from the disk.
enum FileText {
    Utf8(crate::source::Text),
    /// Not UTF-8: the text with replacement characters, and where the
    /// first invalid byte is.
    Lossy(String, usize),
    /// Gone since the walk saw it.
    Missing,
    /// Over [`limits::MAX_FILE_BYTES`] (this many bytes or more): not read.
    TooLarge(u64),
}

fn read_text(path: &Path) -> anyhow::Result<FileText> {
    use std::io::Read;
    let cannot = |e: std::io::Error| anyhow::anyhow!("cannot read {}: {e}", path.display());
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileText::Missing),
        Err(e) => return Err(cannot(e)),
    };
    let len = file.metadata().map_or(0, |m| m.len());
    if len > limits::MAX_FILE_BYTES {
        return Ok(FileText::TooLarge(len));
    }
    // One read gets a file of the size it had a moment ago: that is all
    // of it, without a second read to find its end. Otherwise (it is
    // growing or shrinking) read to the end, never past the limit.
    let mut bytes = vec![0; len as usize + 1];
    let first = loop {
        match file.read(&mut bytes) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(cannot(e)),
        }
    };
    bytes.truncate(first);
    if first as u64 != len {
        (&mut file)
            .take(limits::MAX_FILE_BYTES + 1 - first as u64)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
    }
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Ok(FileText::TooLarge(bytes.len() as u64));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => FileText::Utf8(text.into()),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            FileText::Lossy(String::from_utf8_lossy(err.as_bytes()).into_owned(), valid)
        }
    })
}

impl LoadCache {
    /// The files of the last walk, when the watcher's changes cannot have
    /// changed which files there are: every changed file was read last
    /// time and is still there (an edit, not a file made, moved or removed).
    fn same_files(&self, root: &Path) -> Option<Arc<Walk>> {
        let changed = self.changed.as_ref()?;
        let walked = self.walked.as_ref()?;
        changed
            .iter()
            .all(|name| {
                // A file still, not a link now (which the walk skips), nor
                // a link in that walk.
                let path = root.join(name);
                self.files.contains_key(name)
                    && std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file())
                    && !walked.links.contains(&path)
            })
            .then(|| walked.clone())
    }

    /// The text of a file (by name) the cache is told did not change
    /// (`serve` knows which files its watcher saw change).
    fn cached_text(&self, name: &str) -> Option<crate::source::Text> {
        let changed = self.changed.as_ref()?;
        if changed.contains(name) {
            return None;
        }
        self.files.get(name).map(|c| c.text.clone())
    }
}

/// A file's name (as the loader names files) and its text, read.
type ReadAhead = (String, anyhow::Result<FileText>);

/// Names the file at `path` and takes its text from `cache`, or reads it.
fn read_named(root: &Path, path: &Path, cache: &LoadCache) -> ReadAhead {
    let name = name_of(below(path, root).unwrap_or(path));
    let text = match cache.cached_text(&name) {
        Some(text) => Ok(FileText::Utf8(text)),
        None => read_text(path),
    };
    (name, text)
}

/// Reads a file into the source map, or takes its text from `cache`, or
/// from `pre` when it was named and read ahead. A file that is not UTF-8 is kept (as
/// lossy text, for positions) and reported; `None` means it cannot be used.
fn read_source_cached(
    sources: &mut SourceMap,
    root: &Path,
    path: &Path,
    sink: &mut Sink,
    cache: &LoadCache,
    pre: Option<ReadAhead>,
) -> anyhow::Result<Option<FileId>> {
    let (name, read) = pre.unwrap_or_else(|| read_named(root, path, cache));
    let read = read?;
    match read {
        FileText::Utf8(text) => Ok(Some(sources.add(SourceFile::new(name, path.to_path_buf(), text)))),
        FileText::Missing => Ok(None),
        FileText::TooLarge(bytes) => {
            let file = sources.add(SourceFile::new(name, path.to_path_buf(), ""));
            sink.push(
                Diagnostic::new(
                    Code::LimitExceeded,
                    Loc::file_start(file),
                    format!(
                        "this file is {}, over the limit of {} for a content file; it is not read",
                        limits::size_over(bytes, limits::MAX_FILE_BYTES),
                        limits::size(limits::MAX_FILE_BYTES)
                    ),
                )
                .help("split the text into several files; images, videos and downloads go in `static/`"),
            );
            Ok(None)
        }
        FileText::Lossy(text, valid) => {
            let file = sources.add(SourceFile::new(name, path.to_path_buf(), text));
            sink.push(
                Diagnostic::new(
                    Code::InvalidEncoding,
                    Loc::new(file, valid..valid),
                    "file is not valid UTF-8",
                )
                .help("save the file as UTF-8"),
            );
            Ok(None)
        }
    }
}

/// The `@kind/id` links of the body at `body` in `text`; raw HTML nested
/// too deep is reported.
fn body_links(text: &str, body: Range<usize>, file: FileId, sink: &mut Sink) -> Vec<(String, Range<usize>)> {
    let scan = crate::links::scan(&text[body.clone()]);
    if let Some(at) = scan.too_deep {
        sink.push(html_too_deep(Loc::new(
            file,
            body.start + at.start..body.start + at.end,
        )));
    }
    scan.links
}

/// A text with raw HTML nesting more than [`limits::MAX_HTML_DEPTH`]
/// elements: the sanitizer's HTML parser takes time with the square of
/// the depth.
pub fn html_too_deep(loc: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::LimitExceeded,
        loc,
        format!(
            "the text here nests more than {} elements deep (Markdown's and raw HTML's together), and it has raw HTML",
            limits::MAX_HTML_DEPTH
        ),
    )
    .help("close the HTML elements it opens and nest less deeply; text without raw HTML may nest deeper")
}

fn parse_md_entity<T: DeserializeOwned + Default>(
    sources: &SourceMap,
    file: FileId,
    id: String,
    sink: &mut Sink,
    optional_front_matter: bool,
) -> Option<Entity<T>> {
    let text = &sources.get(file).text;
    match frontmatter::split(text) {
        Ok(split) => {
            let data = parse_yaml(&text[split.yaml.clone()], file, split.yaml.start, sink)?;
            Some(Entity {
                id,
                file,
                base: split.yaml.start,
                data,
                links: body_links(text, split.body.clone(), file, sink),
                body: Some(split.body),
            })
        }
        Err(frontmatter::SplitError::Missing) if optional_front_matter => Some(Entity {
            id,
            file,
            base: 0,
            data: T::default(),
            body: Some(0..text.len()),
            links: body_links(text, 0..text.len(), file, sink),
        }),
        Err(frontmatter::SplitError::Missing) => {
            sink.push(
                Diagnostic::new(Code::YamlSyntax, Loc::file_start(file), "missing front matter")
                    .help("start the file with a `---` line, the YAML fields, and another `---` line"),
            );
            None
        }
        Err(frontmatter::SplitError::Unclosed(line)) => {
            sink.push(
                Diagnostic::new(
                    Code::YamlSyntax,
                    Loc::new(file, line),
                    "front matter is not closed",
                )
                .help("end the front matter with a `---` line before the Markdown body"),
            );
            None
        }
    }
}

fn parse_yaml_entity<T: DeserializeOwned + Default>(
    sources: &SourceMap,
    file: FileId,
    id: String,
    sink: &mut Sink,
) -> Option<Entity<T>> {
    let text = &sources.get(file).text;
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let data = parse_yaml(&text[base..], file, base, sink)?;
    Some(Entity {
        id,
        file,
        base,
        data,
        body: None,
        links: Vec::new(),
    })
}

/// Options for every YAML document: YAML 1.2 core schema with only
/// `true`/`false` booleans, duplicate keys refused, expansion by aliases
/// and nesting bounded (see [`limits`]).
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        budget: serde_saphyr::budget! {
            max_nodes: limits::MAX_YAML_NODES,
            max_aliases: limits::MAX_YAML_ALIASES,
            max_anchors: limits::MAX_YAML_ALIASES,
            max_depth: limits::MAX_YAML_DEPTH,
            flow_nesting_limit: limits::MAX_YAML_DEPTH,
            // The caps above bound what aliases cost; no ratio of aliases
            // to anchors besides.
            enforce_alias_anchor_ratio: false,
        },
    }
}

/// Reads one YAML document into `T`. An empty document (or one with only
/// comments) is an empty mapping.
pub fn parse_yaml<T: DeserializeOwned + Default>(
    yaml: &str,
    file: FileId,
    base: usize,
    sink: &mut Sink,
) -> Option<T> {
    let blank = yaml
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        return Some(T::default());
    }
    match serde_saphyr::from_str_with_options::<T>(yaml, options()) {
        Ok(v) => Some(v),
        Err(err) => {
            let first = yaml_error(&err, yaml, file, base);
            // Past a limit, reading the document again would only meet it again.
            if first.code == Code::LimitExceeded {
                sink.push(first);
                return None;
            }
            let data = more_problems::<T>(yaml, &first, file, base, sink);
            sink.push(first);
            data
        }
    }
}

/// At most this many more problems are looked for in one document.
const MORE_PROBLEMS: usize = 20;

/// The YAML library stops at the first problem of a document. To report
/// the others in the same run, the offending entry is blanked out (turned
/// into a comment of the same length, so positions stay true) and the
/// document read again, until it reads or an entry cannot be isolated.
/// When it then reads, its data is checked like any other, so that the
/// file's other problems show too; a blanked key is recorded so that its
/// absence is not reported again as a missing field.
fn more_problems<T: DeserializeOwned>(
    yaml: &str,
    first: &Diagnostic,
    file: FileId,
    base: usize,
    sink: &mut Sink,
) -> Option<T> {
    if first.code == Code::YamlSyntax {
        return None;
    }
    let mut text = yaml.to_owned();
    let mut at = first.loc.start - base;
    for _ in 0..MORE_PROBLEMS {
        let key = blank_entry(&mut text, at)?;
        sink.follow_up(file, key);
        match serde_saphyr::from_str_with_options::<T>(&text, options()) {
            Ok(v) => return Some(v),
            Err(err) => {
                let d = yaml_error(&err, &text, file, base);
                if d.code == Code::YamlSyntax {
                    return None;
                }
                at = d.loc.start - base;
                sink.push(d);
            }
        }
    }
    None
}

/// Blanks the block-mapping entry whose line holds byte `at`: that line and
/// the more-indented lines under it. Refuses (returns false) where the
/// entry is not alone on its line, e.g. in a flow mapping or a `- ` item.
/// Returns the blanked key.
fn blank_entry(text: &mut String, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let indent = line.len() - line.trim_start_matches(' ').len();
    let content = line[indent..].trim_end();
    let is_key = !content.starts_with(['-', '#', '{', '[', '?']) && content.contains(':');
    if !is_key || at < line_start + indent {
        return None;
    }
    let key = content
        .split(':')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(['"', '\''])
        .to_owned();
    let mut end = line_end;
    while end < text.len() {
        let next_start = end + 1;
        let next_end = text[next_start..]
            .find('\n')
            .map_or(text.len(), |i| next_start + i);
        let next = &text[next_start..next_end];
        let next_indent = next.len() - next.trim_start_matches(' ').len();
        if !next.trim().is_empty() && next_indent <= indent {
            break;
        }
        end = next_end;
    }
    // Same byte length: `#` then spaces, keeping line breaks.
    let blanked: String = text[line_start + indent..end]
        .split('\n')
        .map(|l| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            if l.trim().is_empty() {
                " ".repeat(l.len())
            } else {
                let pad = l.len() - l.trim_start().len();
                format!("{}#{}", " ".repeat(pad), " ".repeat(l.len() - pad - 1))
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    // Carriage returns were dropped above; put them back where they were.
    let original = &text[line_start + indent..end];
    let blanked: String = original
        .split('\n')
        .zip(blanked.split('\n'))
        .map(|(o, b)| {
            if o.ends_with('\r') {
                format!("{b}\r")
            } else {
                b.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    debug_assert_eq!(blanked.len(), end - line_start - indent);
    text.replace_range(line_start + indent..end, &blanked);
    Some(key)
}

/// Turns a YAML library error into our diagnostic, with our codes and a
/// did-you-mean where the library lists the candidates.
fn yaml_error(err: &serde_saphyr::Error, yaml: &str, file: FileId, base: usize) -> Diagnostic {
    use serde_saphyr::Error as E;
    let span = err
        .location()
        .map(|l| {
            let s = l.span();
            let start = s.byte_offset().unwrap_or(s.offset()) as usize;
            let len = s.byte_len().unwrap_or(s.len()) as usize;
            start.min(yaml.len())..(start + len).min(yaml.len())
        })
        .unwrap_or(0..0);
    let loc = Loc::new(file, base + span.start..base + span.end);
    // Limits hold wherever they are met, inside an alias's replay too.
    let mut inner = err.without_snippet();
    while let E::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    if let E::ExternalMessage { msg, .. } = inner
        && msg == "recursion limit exceeded"
    {
        return too_deep(loc);
    }
    match inner {
        E::Budget { breach, .. } => {
            use serde_saphyr::budget::BudgetBreach as B;
            // The reader's limits that the options leave at its defaults.
            let budget = options().budget.unwrap_or_default();
            let (message, help) = match breach {
                B::Nodes { .. } => (
                    format!(
                        "this YAML holds more than {} values (an alias counts as all it repeats)",
                        limits::count(limits::MAX_YAML_NODES as u64)
                    ),
                    "make the document smaller, or refer to values with fewer aliases",
                ),
                B::Anchors { .. } => (
                    format!(
                        "this YAML defines more than {} anchors (`&name`)",
                        limits::count(limits::MAX_YAML_ALIASES as u64)
                    ),
                    "write the values out instead",
                ),
                B::MergeKeys { .. } => (
                    format!(
                        "this YAML has more than {} merge keys (`<<`)",
                        limits::count(budget.max_merge_keys as u64)
                    ),
                    "write the values out instead",
                ),
                B::Aliases { .. } => (
                    format!(
                        "this YAML uses more than {} aliases (`*name`)",
                        limits::count(limits::MAX_YAML_ALIASES as u64)
                    ),
                    "write the values out, or refer to them with fewer aliases",
                ),
                B::Depth { .. } => return too_deep(loc),
                B::ScalarBytes { .. } | B::RecordedAnchorBytes { .. } | B::RecordedAnchorEvents { .. } => (
                    format!(
                        "aliases in this YAML repeat more text than the reader holds ({})",
                        limits::size(budget.max_total_scalar_bytes as u64)
                    ),
                    "refer to long values with fewer aliases",
                ),
                // The reader's other limits (events, comment bytes, ...):
                // named as the reader names them.
                other => (
                    format!("this YAML is beyond a limit of the YAML reader ({other:?})"),
                    "make the document smaller or simpler",
                ),
            };
            Diagnostic::new(Code::LimitExceeded, loc, message).help(help)
        }
        E::SerdeUnknownField { field, expected, .. } => {
            let mut keys: Vec<&str> = expected.to_vec();
            keys.sort_unstable();
            let help = suggest::did_you_mean(field, keys.iter().copied())
                .unwrap_or_else(|| format!("expected one of: {}", keys.join(", ")));
            Diagnostic::new(Code::UnknownKey, loc, format!("unknown key `{field}`")).help(help)
        }
        E::DuplicateMappingKey { key, .. } => {
            let message = match key {
                Some(k) => format!("duplicate key `{k}`"),
                None => "duplicate key".to_owned(),
            };
            Diagnostic::new(Code::DuplicateKey, loc, message)
                .help("each key may appear once in a mapping; remove or merge the repeat")
        }
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let help = suggest::did_you_mean(variant, expected.iter().copied())
                .unwrap_or_else(|| format!("expected one of: {}", expected.join(", ")));
            Diagnostic::new(
                Code::InvalidValue,
                loc,
                format!("`{variant}` is not an allowed value here"),
            )
            .help(help)
        }
        E::InvalidBooleanStrict { .. } => {
            let text = yaml.get(span.clone()).unwrap_or("").trim();
            Diagnostic::new(Code::InvalidValue, loc, format!("`{text}` is not a boolean"))
                .help("write `true` or `false`")
        }
        E::MultipleDocuments { .. } => {
            Diagnostic::new(Code::YamlSyntax, loc, "more than one YAML document in one file")
                .help("a file holds one document: remove the extra `---` line")
        }
        E::SerdeMissingField { field, .. } => {
            Diagnostic::new(Code::MissingField, loc, format!("missing field `{field}`"))
        }
        E::SerdeInvalidType {
            unexpected, expected, ..
        } => Diagnostic::new(
            Code::InvalidValue,
            loc,
            format!("expected {expected}, found {unexpected}"),
        ),
        E::SerdeInvalidValue { .. }
        | E::SerdeInvalidLength { .. }
        | E::Unexpected { .. }
        | E::NullIntoString { .. }
        | E::InvalidScalar { .. } => Diagnostic::new(Code::InvalidValue, loc, plain_message(err)),
        _ => Diagnostic::new(Code::YamlSyntax, loc, plain_message(err)),
    }
}

/// YAML nested beyond [`limits::MAX_YAML_DEPTH`], as the parser or the
/// reader's budget finds it.
fn too_deep(loc: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::LimitExceeded,
        loc,
        format!(
            "this YAML nests mappings and lists more than {} levels deep",
            limits::MAX_YAML_DEPTH
        ),
    )
    .help("no field of a playbook needs that depth: flatten the value")
}

/// The library's message without its trailing position (we print our own).
fn plain_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    first.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_path_components_joined_by_slashes() {
        for p in [
            "content/pages/a.md",
            "a",
            "content/../x.md",
            "/abs/file.md",
            "content//pages/a.md",
            "./content/a.md",
            "content/./a.md",
            "content/pages/",
            "content/.",
            "content/.hidden/x.md",
        ] {
            assert_eq!(name_of(Path::new(p)), components_joined(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn a_path_below_the_root_is_what_strip_prefix_gives() {
        let roots = ["/pb", "/pb/", "pb", ".", "/", "", "/pb/./x"];
        let paths = [
            "/pb/content/a.md",
            "/pb//content/a.md",
            "/pb/./content/a.md",
            "/pb/content/./a.md",
            "/pb/content/../a.md",
            "/pbx/content/a.md",
            "/pb",
            "/pb/",
            "pb/content/a.md",
            "./content/a.md",
            "/pb/x/y.md",
            "content/a.md",
        ];
        for root in roots {
            for path in paths {
                let (root, path) = (Path::new(root), Path::new(path));
                // Compared as names, as the loader names files.
                assert_eq!(
                    below(path, root).map(name_of),
                    path.strip_prefix(root).ok().map(components_joined),
                    "{path:?} below {root:?}"
                );
            }
        }
    }

    #[test]
    fn ids() {
        for ok in ["a", "social-media-manager", "2026-plan", "x1"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "A", "a_b", "a b", "é", "a.b"] {
            assert!(!valid_id(bad), "{bad}");
        }
        assert_eq!(slugish("Social Media_Manager"), "social-media-manager");
    }

    fn diag_for<T: DeserializeOwned + Default>(yaml: &str) -> Diagnostic {
        let mut sink = Sink::default();
        let _ = parse_yaml::<T>(yaml, FileId(0), 0, &mut sink);
        sink.iter().next().unwrap().clone()
    }

    #[test]
    fn unknown_keys_get_did_you_mean() {
        let d = diag_for::<Role>("title: A\ndepartmnet: marketing\n");
        assert_eq!(d.code, Code::UnknownKey);
        assert_eq!(d.help.as_deref(), Some("did you mean `department`?"));
        assert_eq!((d.loc.start, d.loc.end), (9, 19));
    }

    #[test]
    fn yaml_1_2_rules() {
        assert_eq!(diag_for::<Role>("title: A\ntitle: B\n").code, Code::DuplicateKey);
        let d = diag_for::<Calendar>(
            "name: A\nevents:\n  - title: x\n    type: post\n    personas: [a]\n    status: planed\n",
        );
        assert_eq!(d.code, Code::InvalidValue);
        assert_eq!(d.help.as_deref(), Some("did you mean `planned`?"));
        let mut sink = Sink::default();
        // `no` and `12:30` are strings.
        let s: Settings = parse_yaml("title: no\ntimezone: 12:30\n", FileId(0), 0, &mut sink).unwrap();
        assert_eq!(s.title.unwrap().value, "no");
        assert_eq!(s.timezone.unwrap().value, "12:30");
    }

    #[test]
    fn several_structural_problems_in_one_file() {
        let yaml = "title: A\ndepartmnet: marketing\nsummary: S\nsummary: T\nhiring:\n  open: yes\n  locaton:\n    city: Berlin\nskils: [a]\n";
        let mut sink = Sink::default();
        let role = parse_yaml::<Role>(yaml, FileId(0), 0, &mut sink).expect("the rest of the file is read");
        assert_eq!(role.title.unwrap().value, "A");
        let found: Vec<(Code, usize)> = sink.iter().map(|d| (d.code, d.loc.start)).collect();
        assert_eq!(
            found,
            vec![
                (Code::DuplicateKey, yaml.find("summary: T").unwrap()),
                (Code::InvalidValue, yaml.find("yes").unwrap()),
                (Code::UnknownKey, yaml.find("locaton").unwrap()),
                (Code::UnknownKey, yaml.find("skils").unwrap()),
                (Code::UnknownKey, yaml.find("departmnet").unwrap()),
            ]
        );
    }

    #[test]
    fn blanking_keeps_positions() {
        let mut text = "a: 1\nb:\n  c: 2\r\n  d: é\ne: 3\n".to_owned();
        let len = text.len();
        assert_eq!(blank_entry(&mut text, 6).as_deref(), Some("b"));
        assert_eq!(text.len(), len);
        assert!(text.starts_with("a: 1\n#"));
        assert!(text.ends_with("e: 3\n"));
        let mut flow = "- {a: 1, b: 2}\n".to_owned();
        assert_eq!(blank_entry(&mut flow, 9), None);
    }

    #[test]
    fn strict_booleans() {
        let d = diag_for::<Role>("hiring:\n  open: yes\n");
        assert_eq!(d.code, Code::InvalidValue);
        assert_eq!(d.message, "`yes` is not a boolean");
    }

    /// The reader's own merge-key limit, named with its figure.
    #[test]
    fn too_many_merge_keys_are_a_limit() {
        let yaml: String = (0..10_001).map(|i| format!("k{i}:\n  <<: {{a: 1}}\n")).collect();
        let d = diag_for::<serde_json::Value>(&yaml);
        assert_eq!(d.code, Code::LimitExceeded);
        assert_eq!(d.message, "this YAML has more than 10,000 merge keys (`<<`)");
    }

    #[test]
    fn syntax_errors() {
        let d = diag_for::<Role>("title: [a, b\n");
        assert!(matches!(d.code, Code::YamlSyntax | Code::InvalidValue));
        let d = diag_for::<Role>("title: \"a\n  b: [\n");
        assert_eq!(d.code, Code::YamlSyntax);
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    /// A fresh playbook in a temporary folder with these pages.
    fn playbook(name: &str, pages: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("playbook-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("content/pages")).unwrap();
        std::fs::write(root.join("playbook.yaml"), "title: T\n").unwrap();
        for (file, text) in pages {
            std::fs::write(root.join("content/pages").join(file), text).unwrap();
        }
        root
    }

    /// `serve` says which files changed: an edit reuses the last walk of
    /// `content/`; a file made or removed makes a new one.
    #[test]
    fn an_edit_reuses_the_last_walk_and_new_or_removed_files_walk_again() {
        let root = playbook("walk", &[("a.md", "---\ntitle: A\n---\n")]);
        let mut cache = LoadCache::default();
        let load = |cache: &mut LoadCache, changed: &[&str]| {
            cache.changed = (!changed.is_empty()).then(|| changed.iter().map(|c| c.to_string()).collect());
            let mut pb = load_cached(&root, &mut Sink::default(), cache).unwrap();
            let titles: Vec<String> = pb
                .pages
                .iter()
                .map(|p| p.data.title.as_ref().unwrap().value.clone())
                .collect();
            cache.restore(&mut pb);
            titles
        };
        assert_eq!(load(&mut cache, &[]), ["A"]);
        let walk = cache.walked.clone().unwrap();
        std::fs::write(root.join("content/pages/a.md"), "---\ntitle: A2\n---\n").unwrap();
        assert_eq!(load(&mut cache, &["content/pages/a.md"]), ["A2"]);
        assert!(
            Arc::ptr_eq(&walk, cache.walked.as_ref().unwrap()),
            "an edit does not walk"
        );
        std::fs::write(root.join("content/pages/b.md"), "---\ntitle: B\n---\n").unwrap();
        assert_eq!(load(&mut cache, &["content/pages/b.md"]), ["A2", "B"]);
        assert!(
            !Arc::ptr_eq(&walk, cache.walked.as_ref().unwrap()),
            "a new file walks"
        );
        std::fs::remove_file(root.join("content/pages/a.md")).unwrap();
        assert_eq!(load(&mut cache, &["content/pages/a.md"]), ["B"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// Everything a load gives, as text: the entities, the files and what
    /// was reported.
    fn everything(pb: &RawPlaybook, sink: Sink) -> String {
        let files: Vec<(String, String)> = pb
            .sources
            .files()
            .map(|(_, f)| (f.name.clone(), f.text.to_string()))
            .collect();
        let reported: Vec<String> = sink
            .into_sorted(&pb.sources)
            .into_iter()
            .map(|d| format!("{:?} {:?} {} {:?}", d.code, d.loc, d.message, d.help))
            .collect();
        format!(
            "{:#?}",
            (
                (&pb.settings, &pb.index, &pb.pages, &pb.personas, &pb.metrics),
                (&pb.goals, &pb.campaigns, &pb.budgets, &pb.roles, &pb.calendars),
                &pb.broken,
                files,
                reported
            )
        )
    }

    /// `serve` keeps the last playbook and has the next load change only
    /// the edited entities in it: the result is what a load of the files
    /// from scratch gives, whatever the edit.
    #[test]
    fn an_edit_changes_the_kept_playbook_as_a_whole_load_would_read_it() {
        let root = playbook(
            "patch",
            &[
                ("a.md", "---\ntitle: A\n---\nSee [b](@pages/b).\n"),
                ("b.md", "---\ntitel: B\n---\n"),
            ],
        );
        std::fs::create_dir_all(root.join("content/goals")).unwrap();
        std::fs::write(root.join("content/goals/g.yaml"), "title: G\nperiod: 2026\n").unwrap();
        std::fs::write(root.join("content/index.md"), "Home.\n").unwrap();
        let mut cache = LoadCache::default();
        let load = |cache: &mut LoadCache, changed: &[&str]| {
            cache.changed = Some(changed.iter().map(|c| c.to_string()).collect());
            let mut sink = Sink::default();
            let pb = load_cached(&root, &mut sink, cache).unwrap();
            let got = everything(&pb, sink);
            let (parsed, body_only) = (cache.parsed, cache.body_only.len());
            // Edits change the kept playbook; a new file walks.
            let walks =
                changed.is_empty() || changed.iter().any(|c| c.ends_with("c.md") || c.ends_with("d.md"));
            assert_eq!(cache.patched, !walks, "{changed:?}");
            cache.keep(pb);
            let mut sink = Sink::default();
            let fresh = load(&root, &mut sink).unwrap();
            assert_eq!(got, everything(&fresh, sink), "after {changed:?}");
            (parsed, body_only)
        };
        load(&mut cache, &[]);
        let edits: [(&str, &str, (usize, usize)); 9] = [
            // (file, new text, (files parsed, of which body only))
            ("content/pages/a.md", "---\ntitle: A\n---\nNo link now.\n", (1, 1)),
            ("content/pages/b.md", "---\ntitle: B\n---\n", (1, 0)),
            ("content/pages/a.md", "---\ntitle: [A\n---\n", (1, 0)),
            // A file that no longer reads: its entity is gone, then back.
            ("content/pages/a.md", "---\ntitle: A\n", (1, 0)),
            ("content/pages/a.md", "---\ntitle: A again\n---\n", (1, 0)),
            (
                "content/goals/g.yaml",
                "title: G2\nperiod: 2027\nowner: nobody\n",
                (1, 0),
            ),
            ("content/index.md", "---\ntitle: Home\n---\nWelcome.\n", (1, 0)),
            (
                "content/index.md",
                "---\ntitle: Home\n---\nWelcome back.\n",
                (1, 1),
            ),
            // A new file: the files are walked again.
            ("content/pages/c.md", "---\ntitle: C\n---\n", (1, 0)),
        ];
        for (file, text, counts) in edits {
            std::fs::write(root.join(file), text).unwrap();
            assert_eq!(load(&mut cache, &[file]), counts, "{file}: {text}");
        }
        // A file that no longer reads, then a walk: that file is not read
        // again while its text stays the same.
        for (file, text) in [("b.md", "---\ntitle: B\n"), ("d.md", "---\ntitle: D\n---\n")] {
            std::fs::write(root.join("content/pages").join(file), text).unwrap();
            let name = format!("content/pages/{file}");
            assert_eq!(load(&mut cache, &[name.as_str()]), (1, 0), "{file}");
        }
        // A file read before and now a link, straight away: not read
        // through; the files are walked again and the link reported.
        let d = root.join("content/pages/d.md");
        std::fs::remove_file(&d).unwrap();
        std::os::unix::fs::symlink(root.join("content/pages/b.md"), &d).unwrap();
        load(&mut cache, &["content/pages/d.md"]);
        std::fs::remove_file(&d).unwrap();
        std::fs::write(&d, "---\ntitle: D\n---\n").unwrap();
        load(&mut cache, &["content/pages/d.md"]);
        // An edited file that is now a folder (or a link): the files are
        // walked again, as a new file would be.
        let c = root.join("content/pages/c.md");
        std::fs::remove_file(&c).unwrap();
        std::fs::create_dir(&c).unwrap();
        load(&mut cache, &["content/pages/c.md"]);
        std::fs::remove_dir(&c).unwrap();
        std::os::unix::fs::symlink(root.join("content/pages/b.md"), &c).unwrap();
        load(&mut cache, &["content/pages/c.md"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_reload_parses_only_changed_files_and_reports_the_same() {
        let root = playbook(
            "cache",
            &[("a.md", "---\ntitle: A\n---\n"), ("b.md", "---\ntitel: B\n---\n")],
        );
        let mut cache = LoadCache::default();
        let first = |cache: &mut LoadCache| {
            let mut sink = Sink::default();
            let pb = load_cached(&root, &mut sink, cache).unwrap();
            let diags: Vec<(Code, String)> = sink
                .into_sorted(&pb.sources)
                .into_iter()
                .map(|d| (d.code, d.message))
                .collect();
            (pb, diags)
        };
        let (mut pb1, d1) = first(&mut cache);
        assert_eq!(cache.parsed, 3);
        let pages = pb1.pages.len();
        cache.restore(&mut pb1);
        let (mut pb2, d2) = first(&mut cache);
        assert_eq!(cache.parsed, 0, "unchanged files are taken back, not parsed");
        assert_eq!(d1, d2, "diagnostics of unchanged files are replayed");
        assert_eq!(pages, pb2.pages.len());
        assert_eq!(pb2.pages[0].data.title.as_ref().unwrap().value, "A");
        assert_eq!(pb2.sources.get(pb2.pages[0].file).name, "content/pages/a.md");
        // What a load lent and did not get back is parsed again.
        let (_, d_lent) = first(&mut cache);
        assert_eq!((cache.parsed, d_lent), (3, d1));
        let (mut pb_back, _) = first(&mut cache);
        cache.restore(&mut pb_back);
        cache.restore(&mut pb2);
        // Read again from the disk (same text, not the same copy): taken.
        for _ in 0..2 {
            let (mut pb_again, _) = first(&mut cache);
            assert_eq!(cache.parsed, 0);
            cache.restore(&mut pb_again);
        }
        std::fs::write(root.join("content/pages/a.md"), "---\ntitle: A2\n---\n").unwrap();
        std::fs::remove_file(root.join("content/pages/b.md")).unwrap();
        let (pb3, d3) = first(&mut cache);
        assert_eq!(cache.parsed, 1, "only the changed file is parsed");
        assert_eq!(
            pb3.pages[0].data.title.as_ref().unwrap().value,
            "A2",
            "a changed file is parsed again"
        );
        assert!(d3.is_empty());
        assert_eq!(cache.files.len(), 2, "deleted files are forgotten");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
