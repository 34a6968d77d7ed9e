//! Rendering: the validated playbook into site files, in memory. Pure: no
//! file system here (the theme is loaded before, the files written after).

pub mod charts;
mod clean;
pub mod context;
pub mod feeds;
pub mod format;
pub mod ics;
pub mod jsonld;
pub mod markdown;
mod pages;
pub mod search;

use crate::graph::Graph;
use crate::load::{Entity, Kind};
use crate::theme::Theme;
use context::{Link, Page, Site};
use markdown::{LinkResolver, Rendered};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole site: path relative to the output folder → bytes. Sorted, so
/// output order never depends on how it was built.
/// Bytes are shared, not copied, between a job's output, the assembled
/// site and the server.
pub type SiteFiles = BTreeMap<String, std::sync::Arc<Vec<u8>>>;

/// Build settings beyond the playbook.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Absolute URL of the site (`--base-url`, else `base_url`), ending in `/`.
    pub base_url: Option<String>,
}

/// One unit of rendering: a page (with its feed, for roles) or a listing.
/// Builds can render a chosen set of jobs, and `serve` re-renders only the
/// jobs whose inputs changed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    Home,
    Page(String),
    Personas,
    Persona(String),
    Goals,
    Goal(String),
    Metrics,
    Metric(String),
    Campaigns,
    Campaign(String),
    Budgets,
    Budget(String),
    Roles,
    Role(String),
    Jobs,
    Routing,
    Raci,
    Schedule,
    CalendarPage(String),
    RoleSchedule(String),
    CampaignSchedule(String),
    CalendarFeed(String),
    NotFound,
}

/// What one job produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobOutput {
    pub files: SiteFiles,
    pub search: Vec<search::Document>,
    /// HTML pages, for the sitemap.
    pub pages: Vec<String>,
    /// The entity's entry of `playbook.json`: (section, id, pretty JSON
    /// indented for its place in the file).
    pub json: Option<(&'static str, String, String)>,
}

/// Every job's output; shared, so that `serve` can keep the outputs of
/// one build while making the next.
pub type Outputs = BTreeMap<Job, std::sync::Arc<JobOutput>>;

/// Which jobs to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    Only(std::collections::BTreeSet<Job>),
}

impl Selection {
    pub fn contains(&self, job: &Job) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(set) => set.contains(job),
        }
    }
}

/// Renders every page, feed and file of the site: every job, then what
/// depends on all of them (search data, sitemap, `playbook.json`), then the
/// static files.
pub fn render(graph: &Graph, theme: &Theme, options: &Options) -> anyhow::Result<SiteFiles> {
    let shared = Shared::default();
    let outputs = render_jobs_into(graph, theme, options, &Selection::All, None, &shared)?;
    let files = site_wide(graph, theme, options, &outputs, None, &shared)?;
    Ok(with_jobs_and_statics(files, theme, &outputs))
}

/// Where a build puts files as they are rendered (the site writer), so
/// that the whole site is never held in memory.
pub trait Output: Sync {
    /// Adds a file; each path once.
    fn put(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()>;
    /// Adds a file that `write` writes piece by piece.
    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()>;
    /// Whether a file was put at `path`.
    fn has(&self, path: &str) -> bool;
}

/// [`render`], handing every file to `out` as soon as it is made. The same
/// files as [`render`] gives.
pub fn render_into(
    graph: &Graph,
    theme: &Theme,
    options: &Options,
    out: &dyn Output,
) -> anyhow::Result<Leftovers> {
    let shared = Shared::default();
    // playbook.json needs no page: it is written while the pages render.
    let (outputs, json) = crate::timings::step("pages", || {
        rayon::join(
            || render_jobs_into(graph, theme, options, &Selection::All, Some(out), &shared),
            || {
                let mut b = Builder::site_wide(graph, theme, options, &shared);
                b.sink = Some(out);
                pages::streamed_playbook_json(&mut b)
            },
        )
    });
    let outputs = outputs?;
    json?;
    crate::timings::step("site-wide files", || {
        site_wide(graph, theme, options, &outputs, Some(out), &shared)
    })?;
    // A rendered file wins over a static one.
    for (path, bytes) in &theme.statics {
        if !out.has(path) {
            out.put(path, bytes)?;
        }
    }
    Ok(Leftovers {
        _outputs: outputs,
        _shared: shared,
    })
}

/// What rendering made besides the files: every job's output and what the
/// jobs shared. Freeing it takes tens of milliseconds for a large site, so
/// it is handed back rather than freed at once: a process about to end
/// need not free it at all.
pub struct Leftovers {
    _outputs: Outputs,
    _shared: Shared,
}

/// Renders the selected jobs only.
pub fn render_jobs(
    graph: &Graph,
    theme: &Theme,
    options: &Options,
    selection: &Selection,
) -> anyhow::Result<Outputs> {
    render_jobs_into(graph, theme, options, selection, None, &Shared::default())
}

/// [`render_jobs`]; with `out`, the jobs' files go there instead of into
/// their outputs. What is computed once per build goes to `shared`.
fn render_jobs_into(
    graph: &Graph,
    theme: &Theme,
    options: &Options,
    selection: &Selection,
    out: Option<&dyn Output>,
    shared: &Shared,
) -> anyhow::Result<Outputs> {
    if *selection == Selection::All {
        // What most shards need is made first, on every core, instead of
        // by the first shard to ask while the others wait.
        pages::prepare(&Builder::new(graph, theme, options, selection.clone(), shared));
    }
    // One shard per thread. Every shard walks the same jobs in the same
    // order and renders those whose numbers it claims, one at a time, so
    // that no thread idles while another still has jobs waiting. Their
    // outputs are disjoint and merged by job: the result does not depend on
    // how many threads there are, nor on which thread rendered what.
    let mut shards = rayon::current_num_threads().max(1);
    if let Selection::Only(jobs) = selection {
        shards = shards.min(jobs.len()).max(1);
    }
    let claims = Claims::default();
    let parts: Vec<anyhow::Result<BTreeMap<Job, JobOutput>>> = (0..shards)
        .into_par_iter()
        .map(|_| {
            let mut b = Builder::new(graph, theme, options, selection.clone(), shared);
            b.claim = Some((&claims, None));
            b.sink = out;
            pages::jobs(&mut b)?;
            Ok(b.outputs)
        })
        .collect();
    let mut outputs = Outputs::new();
    for part in parts {
        outputs.extend(part?.into_iter().map(|(job, o)| (job, std::sync::Arc::new(o))));
    }
    Ok(outputs)
}

/// Job numbers (in the order the jobs are met), handed out in turn to the
/// shards that walk them.
#[derive(Default)]
struct Claims(std::sync::atomic::AtomicUsize);

impl Claims {
    /// The lowest number not yet claimed, now claimed.
    fn next(&self) -> usize {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// What the shards of one build compute once and share.
#[derive(Default)]
pub struct Shared {
    /// Calendar occurrences, expanded once per build when a job needs them.
    occurrences: std::sync::OnceLock<std::sync::Arc<pages::OccurrenceIndex>>,
    /// Ids of entities left out of this build, made once when needed.
    hidden: std::sync::OnceLock<std::collections::BTreeSet<String>>,
    /// Who points at whom, made once when needed.
    pointers: std::sync::OnceLock<pages::Pointers>,
}

/// A file made when it is first asked for.
pub type Deferred = Box<dyn FnOnce() -> Vec<u8> + Send>;

/// The site-wide files around `outputs` for `serve`, as [`render`] makes
/// them, but those made from every job's output (search data, sitemap,
/// `playbook.json`) are made only when first asked for; a rebuild then
/// costs what the change touches. The site is these files with the jobs'
/// and the static files: [`with_jobs_and_statics`].
pub fn finish_deferred(
    graph: &Graph,
    theme: &Theme,
    options: &Options,
    outputs: &std::sync::Arc<Outputs>,
) -> anyhow::Result<(SiteFiles, Vec<(String, Deferred)>)> {
    let shared = Shared::default();
    let mut b = Builder::site_wide(graph, theme, options, &shared);
    pages::search_page(&mut b)?;
    let deferred = pages::deferred(&b, outputs.clone());
    let files = b.outputs.remove(&Job::NotFound).unwrap_or_default().files;
    Ok((files, deferred))
}

/// `files` (the site-wide ones) with every job's files (which win) and the
/// static files (which do not).
pub fn with_jobs_and_statics(mut files: SiteFiles, theme: &Theme, outputs: &Outputs) -> SiteFiles {
    for output in outputs.values() {
        for (path, bytes) in &output.files {
            files.insert(path.clone(), bytes.clone());
        }
    }
    for (path, bytes) in &theme.statics {
        files.entry(path.clone()).or_insert_with(|| bytes.clone());
    }
    files
}

/// The files made from every job's output: search data, sitemap,
/// `playbook.json`; into `out` when given.
fn site_wide(
    graph: &Graph,
    theme: &Theme,
    options: &Options,
    outputs: &Outputs,
    out: Option<&dyn Output>,
    shared: &Shared,
) -> anyhow::Result<SiteFiles> {
    let mut b = Builder::site_wide(graph, theme, options, shared);
    b.sink = out;
    pages::finish(&mut b, outputs)?;
    Ok(b.outputs.remove(&Job::NotFound).unwrap_or_default().files)
}

/// Shared state while pages are rendered.
pub struct Builder<'g> {
    pub g: &'g Graph<'g>,
    theme: &'g Theme,
    pub site: Site,
    /// `site` as the templates see it, converted once.
    site_value: tera::Value,
    pub base_url: Option<String>,
    selection: Selection,
    /// The job being rendered; its output receives files and documents.
    current: Option<Job>,
    outputs: BTreeMap<Job, JobOutput>,
    shared: &'g Shared,
    /// Where files go as they are made; without it, into the job's output.
    sink: Option<&'g dyn Output>,
    /// In a shard: the claims it takes its jobs from, and the number (in
    /// the order selected jobs are met) of the job it renders next, once
    /// claimed. Others render every selected job.
    claim: Option<(&'g Claims, Option<usize>)>,
    /// Selected jobs met so far.
    met: usize,
    /// The page being rendered, when pages go to a sink: one buffer for
    /// all of them.
    scratch: Vec<u8>,
}

/// What one page needs besides its data.
pub struct PageSpec<'a> {
    pub path: String,
    pub template: &'a str,
    pub section: &'a str,
    pub title: String,
    pub description: Option<String>,
    pub toc: Vec<markdown::TocEntry>,
    pub referenced_by: Vec<Link>,
    pub json_ld: Option<String>,
    pub feeds: Vec<Link>,
}

impl<'a> PageSpec<'a> {
    pub fn new(
        path: impl Into<String>,
        template: &'a str,
        section: &'a str,
        title: impl Into<String>,
    ) -> Self {
        PageSpec {
            path: path.into(),
            template,
            section,
            title: title.into(),
            description: None,
            toc: Vec::new(),
            referenced_by: Vec::new(),
            json_ld: None,
            feeds: Vec::new(),
        }
    }
}

/// A value as templates see it.
fn template_value<T: Serialize + ?Sized>(v: &T) -> anyhow::Result<tera::Value> {
    tera::Value::try_from_serializable(v).map_err(|e| anyhow::anyhow!("{}", crate::theme::template_error(&e)))
}

/// The root-relative URL of an entity's page.
pub fn url(kind: Kind, id: &str) -> String {
    if kind == Kind::Page && id == "index" {
        return "index.html".into();
    }
    let folder = match kind {
        Kind::Calendar => "schedule/calendars",
        _ => kind.folder(),
    };
    let mut url = String::with_capacity(folder.len() + id.len() + 12);
    url.push_str(folder);
    url.push('/');
    url.push_str(id);
    url.push_str("/index.html");
    url
}

/// `../` per folder level of `path`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

struct Resolver<'a> {
    g: &'a Graph<'a>,
    root: String,
}

/// Ids of entities left out of a build (and shown under no kind).
fn hidden_ids(g: &Graph) -> std::collections::BTreeSet<String> {
    let r = g.raw;
    let shown: std::collections::BTreeSet<&str> = Kind::ALL
        .into_iter()
        .flat_map(|k| r.ids(k).into_iter().filter(move |id| g.visible(k, id)))
        .collect();
    Kind::ALL
        .into_iter()
        .flat_map(|k| r.ids(k).into_iter().filter(move |id| !g.visible(k, id)))
        .filter(|id| !shown.contains(id))
        .map(str::to_owned)
        .collect()
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, kind: Kind, id: &str, fragment: Option<&str>) -> Option<String> {
        if !self.g.visible(kind, id) {
            return None;
        }
        let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        Some(format!("{}{}{fragment}", self.root, url(kind, id)))
    }
}

impl<'g> Builder<'g> {
    fn new(
        g: &'g Graph<'g>,
        theme: &'g Theme,
        options: &Options,
        selection: Selection,
        shared: &'g Shared,
    ) -> Self {
        let settings = g.raw.settings.as_ref().map(|s| &s.data);
        let text = |v: Option<&crate::model::Located<String>>| v.map(|t| t.value.clone());
        let base_url = options
            .base_url
            .clone()
            .or_else(|| text(settings.and_then(|s| s.base_url.as_ref())))
            .map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
        let org = settings.and_then(|s| s.organization.as_ref());
        let site = Site {
            title: text(settings.and_then(|s| s.title.as_ref())).unwrap_or_else(|| "Playbook".into()),
            description: text(settings.and_then(|s| s.description.as_ref())),
            language: text(settings.and_then(|s| s.language.as_ref())).unwrap_or_else(|| "en".into()),
            organization: org.and_then(|o| text(o.name.as_ref())),
            organization_url: org.and_then(|o| text(o.url.as_ref())),
            logo: org
                .and_then(|o| o.logo.as_ref())
                .map(|l| l.value.trim_start_matches("static/").to_owned()),
            nav: Vec::new(),
            today: g.today.to_string(),
            public: g.public,
            generator: format!("playbook {}", env!("CARGO_PKG_VERSION")),
        };
        let mut b = Builder {
            g,
            theme,
            site,
            site_value: tera::Value::none(),
            base_url,
            selection,
            current: None,
            outputs: BTreeMap::new(),
            shared,
            sink: None,
            claim: None,
            met: 0,
            scratch: Vec::new(),
        };
        b.site.nav = b.nav();
        b.site_value = tera::Value::from_serializable(&b.site);
        b
    }

    /// A builder for the files made from every job's output; they go to
    /// the 404 page's job, which has no such files of its own.
    fn site_wide(g: &'g Graph<'g>, theme: &'g Theme, options: &Options, shared: &'g Shared) -> Self {
        let mut b = Builder::new(g, theme, options, Selection::Only(Default::default()), shared);
        b.current = Some(Job::NotFound);
        b.outputs.insert(Job::NotFound, JobOutput::default());
        b
    }

    fn nav(&self) -> Vec<Link> {
        let r = self.g.raw;
        let g = self.g;
        fn any<T>(g: &Graph, kind: Kind, list: &[crate::load::Entity<T>]) -> bool {
            list.iter().any(|e| g.visible(kind, &e.id))
        }
        let mut nav = Vec::new();
        let mut add = |title: &str, url: &str, kind: &str| {
            nav.push(Link {
                title: title.into(),
                url: url.into(),
                kind: kind.into(),
            })
        };
        if any(g, Kind::Goal, &r.goals) {
            add("Goals", "goals/index.html", "goals");
        }
        if any(g, Kind::Persona, &r.personas) {
            add("Personas", "personas/index.html", "personas");
        }
        if any(g, Kind::Campaign, &r.campaigns) {
            add("Campaigns", "campaigns/index.html", "campaigns");
        }
        if any(g, Kind::Budget, &r.budgets) {
            add("Budgets", "budgets/index.html", "budgets");
        }
        if any(g, Kind::Role, &r.roles) {
            add("Roles", "roles/index.html", "roles");
            add("Jobs", "jobs/index.html", "jobs");
            add("Who handles what", "routing/index.html", "routing");
        }
        if any(g, Kind::Calendar, &r.calendars) {
            add("Schedule", "schedule/index.html", "schedule");
        }
        add("Search", "search/index.html", "search");
        nav
    }

    /// Ids of entities left out of this build (and shown under no kind).
    pub fn hidden_ids(&self) -> &'g std::collections::BTreeSet<String> {
        self.shared.hidden.get_or_init(|| hidden_ids(self.g))
    }

    /// A link to an entity, when it is in this build.
    pub fn link(&self, kind: Kind, id: &str) -> Option<Link> {
        self.g.visible(kind, id).then(|| Link {
            title: self.g.title(kind, id),
            url: url(kind, id),
            kind: kind.name().into(),
        })
    }

    /// Links to those of `ids` that are in this build.
    pub fn links<'i>(&self, kind: Kind, ids: impl IntoIterator<Item = &'i str>) -> Vec<Link> {
        ids.into_iter().filter_map(|id| self.link(kind, id)).collect()
    }

    pub fn referenced_by(&self, kind: Kind, id: &str) -> Vec<Link> {
        let mut links: Vec<Link> = self
            .g
            .referenced_by(kind, id)
            .into_iter()
            .filter_map(|(k, i)| self.link(k, &i))
            .collect();
        links.sort_by(|a, b| (&a.kind, &a.title).cmp(&(&b.kind, &b.title)));
        links
    }

    /// Renders Markdown for the page at `path`.
    pub fn markdown(&self, path: &str, text: &str) -> Rendered {
        let resolver = Resolver {
            g: self.g,
            root: root_of(path),
        };
        markdown::render(text, &resolver)
    }

    /// Renders an entity's Markdown body for the page at `path`.
    pub fn body<T>(&self, path: &str, e: &Entity<T>) -> Rendered {
        match &e.body {
            Some(range) => self.markdown(path, &self.g.raw.sources.get(e.file).text[range.clone()]),
            None => Rendered::default(),
        }
    }

    /// Renders a page through its template and records it.
    pub fn emit<T: Serialize>(&mut self, spec: PageSpec, data: &T) -> anyhow::Result<()> {
        // The 404 page is served at any depth: with a base URL its links are
        // absolute so that they work wherever it appears.
        let root = match (&self.base_url, spec.path.as_str()) {
            (Some(base), "404.html") => base.clone(),
            _ => root_of(&spec.path),
        };
        let canonical = self.base_url.as_ref().map(|b| {
            let p = spec.path.strip_suffix("index.html").unwrap_or(&spec.path);
            format!("{b}{p}")
        });
        let toc = if spec.toc.len() >= 3 { spec.toc } else { Vec::new() };
        let page = Page {
            title: spec.title,
            description: spec.description,
            section: spec.section.into(),
            root,
            path: spec.path.clone(),
            canonical,
            toc,
            referenced_by: spec.referenced_by,
            json_ld: spec.json_ld,
            feeds: spec.feeds,
        };
        let mut ctx = tera::Context::new();
        ctx.insert_value("site", self.site_value.clone());
        ctx.insert_value("page", template_value(&page)?);
        ctx.insert_value("data", template_value(data)?);
        let mut html = std::mem::take(&mut self.scratch);
        html.clear();
        self.theme
            .tera
            .render_to(spec.template, &ctx, &mut html)
            .map_err(|e| {
                anyhow::anyhow!(
                    "template `{}`: {}",
                    spec.template,
                    crate::theme::template_error(&e)
                )
            })?;
        if spec.path != "404.html" {
            self.out().pages.push(spec.path.clone());
        }
        // A page that went to the sink leaves its buffer for the next.
        if let Some(buffer) = self.keep_or_put(spec.path, html)? {
            self.scratch = buffer;
        }
        Ok(())
    }

    /// Adds a file to the current job's output (or hands it to the sink).
    pub fn add_file(&mut self, path: impl Into<String>, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.keep_or_put(path.into(), bytes).map(drop)
    }

    /// [`Builder::add_file`]; the bytes come back when they went to the
    /// sink, which does not keep them.
    fn keep_or_put(&mut self, path: String, bytes: Vec<u8>) -> anyhow::Result<Option<Vec<u8>>> {
        // The job is recorded either way, to tell that it ran.
        let sink = self.sink;
        let out = self.out();
        match sink {
            Some(sink) => sink.put(&path, &bytes).map(|()| Some(bytes)),
            None => {
                out.files.insert(path, std::sync::Arc::new(bytes));
                Ok(None)
            }
        }
    }

    /// [`Builder::add_file`] for a file that `write` writes piece by piece,
    /// so that a large one need not be held whole when it goes to a sink;
    /// `size` is about how large it will be.
    pub fn add_file_with(
        &mut self,
        path: &str,
        size: usize,
        mut write: impl FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        match self.sink {
            Some(sink) => {
                self.out();
                sink.put_with(path, &mut write)
            }
            None => {
                let mut bytes = Vec::with_capacity(size);
                write(&mut bytes)?;
                self.add_file(path, bytes)
            }
        }
    }

    /// Sets the current job's entry of `playbook.json`.
    pub fn set_json(&mut self, section: &'static str, id: &str, text: String) {
        self.out().json = Some((section, id.to_owned(), text));
    }

    /// Adds a search document to the current job.
    pub fn doc(&mut self, d: search::Document) {
        self.out().search.push(d);
    }

    /// The jobs this builder renders.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// Whether any selected job is one that `f` accepts.
    pub fn selects(&self, f: impl Fn(&Job) -> bool) -> bool {
        match &self.selection {
            Selection::All => true,
            Selection::Only(jobs) => jobs.iter().any(f),
        }
    }

    /// Starts `job` when it is selected; its files go to its own output.
    pub fn begin(&mut self, job: Job) -> bool {
        if !self.selection.contains(&job) {
            return false;
        }
        self.met += 1;
        if let Some((claims, next)) = &mut self.claim {
            // A shard claims a number when it meets a job without holding
            // one: at its start, and after each job it renders, so that no
            // job waits behind one still rendering. Claims only grow and
            // every shard meets the jobs in the same order: the number
            // claimed is never behind the shard.
            if *next.get_or_insert_with(|| claims.next()) != self.met - 1 {
                return false;
            }
            *next = None;
        }
        self.outputs.entry(job.clone()).or_default();
        self.current = Some(job);
        true
    }

    fn out(&mut self) -> &mut JobOutput {
        let job = self.current.clone().expect("a job was begun");
        self.outputs.entry(job).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The jobs are split among the threads of the pool: however many there
    /// are, the site is the same.
    #[test]
    fn output_does_not_depend_on_the_number_of_threads() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = crate::Today::fixed();
        for public in [false, true] {
            let compiled = crate::compile(root, &today, public).unwrap();
            assert!(!compiled.has_errors());
            let sites: Vec<SiteFiles> = [1, 2, 3]
                .into_iter()
                .map(|threads| {
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap()
                        .install(|| crate::build_site(&compiled, public, None).unwrap())
                })
                .collect();
            assert!(sites[0].len() > 20, "{} files", sites[0].len());
            assert_eq!(sites[0], sites[1]);
            assert_eq!(sites[0], sites[2]);
        }
    }

    /// `build` streams files into the output folder; `serve` keeps them in
    /// memory: the same files either way.
    #[test]
    fn streamed_and_in_memory_sites_are_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = crate::Today::fixed();
        let out = std::env::temp_dir().join(format!("playbook-stream-{}", std::process::id()));
        for public in [false, true] {
            let _ = std::fs::remove_dir_all(&out);
            let compiled = crate::compile(root, &today, public).unwrap();
            let base = Some("https://example.org/pb/".to_owned());
            let memory = crate::build_site(&compiled, public, base.clone()).unwrap();
            crate::write_site(&compiled, public, base, &out).unwrap();
            let mut on_disk = 0;
            for entry in walkdir::WalkDir::new(&out) {
                let entry = entry.unwrap();
                let rel = entry
                    .path()
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if entry.file_type().is_file() && rel != ".playbook-files" {
                    on_disk += 1;
                    let bytes = std::fs::read(entry.path()).unwrap();
                    assert!(memory.get(&rel).is_some_and(|m| **m == bytes), "{rel}");
                }
            }
            assert_eq!(on_disk, memory.len());
            assert!(memory.contains_key("playbook.json") && memory.contains_key("sitemap.xml"));
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}
