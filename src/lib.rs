//! playbook: compile a folder of Markdown and YAML strategy files into a
//! validated static website.
//!
//! The pipeline runs one way: [`load`] reads files into the [`model`]
//! structs, [`validate`] checks them, and every problem on the way is a
//! [`diag::Diagnostic`]. [`compile`] runs both for `check`, `build` and
//! `serve`.

pub mod cli;
pub mod commands;
pub mod diag;
pub mod embedded;
pub mod graph;
pub mod limits;
pub mod links;
pub mod load;
pub mod model;
pub mod project;
pub mod render;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
pub mod theme;
pub mod timings;
pub mod validate;

use diag::{Diagnostic, Sink};
use jiff::civil::Date;
use std::path::Path;

/// What "today" is taken from, in order.
#[derive(Clone, Debug, Default)]
pub struct Today {
    /// `--as-of`.
    pub as_of: Option<String>,
    /// `SOURCE_DATE_EPOCH`.
    pub source_date_epoch: Option<String>,
}

impl Today {
    pub fn from_env(as_of: Option<String>) -> Today {
        Today {
            as_of,
            source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        }
    }

    /// The date of the unit tests that build the repository's playbooks,
    /// whatever the clock and the environment say.
    #[cfg(test)]
    pub(crate) fn fixed() -> Today {
        Today {
            as_of: Some("2026-11-28".into()),
            source_date_epoch: None,
        }
    }

    /// Resolves "today": `--as-of`, else `SOURCE_DATE_EPOCH` (seconds since
    /// 1970, read in `tz`), else the clock in `tz`. `Err` is a usage error.
    pub fn resolve(&self, tz: &jiff::tz::TimeZone) -> anyhow::Result<Date> {
        if let Some(s) = &self.as_of {
            return model::period::parse_date(s).map_err(|m| anyhow::anyhow!("--as-of: {m}"));
        }
        if let Some(s) = &self.source_date_epoch {
            let secs: i64 = s
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("SOURCE_DATE_EPOCH: `{s}` is not a number of seconds"))?;
            let ts = jiff::Timestamp::from_second(secs)
                .map_err(|_| anyhow::anyhow!("SOURCE_DATE_EPOCH: `{s}` is out of range"))?;
            return Ok(ts.to_zoned_datetime(tz.clone()).date());
        }
        Ok(jiff::Timestamp::now().to_zoned_datetime(tz.clone()).date())
    }
}

/// The result of loading and validating a playbook.
#[derive(Debug)]
pub struct Compiled {
    pub raw: load::RawPlaybook,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    pub today: Date,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == diag::Severity::Error)
    }
}

/// Loads and validates the playbook at `root`.
pub fn compile(root: &Path, today: &Today, public: bool) -> anyhow::Result<Compiled> {
    compile_cached(root, today, public, &mut load::LoadCache::disabled())
}

/// [`compile`], parsing only the files whose text changed since `cache` was filled.
pub fn compile_cached(
    root: &Path,
    today: &Today,
    public: bool,
    cache: &mut load::LoadCache,
) -> anyhow::Result<Compiled> {
    let mut sink = Sink::default();
    let raw = timings::step("load", || load::load_cached(root, &mut sink, cache))?;
    let tz = validate::settings_timezone(&raw);
    let today = today.resolve(&tz)?;
    let opts = validate::Options { today, public };
    timings::step("validate", || validate::validate(&raw, &opts, &mut sink));
    let diagnostics = sink.into_sorted(&raw.sources);
    Ok(Compiled {
        raw,
        diagnostics,
        today,
    })
}

/// Renders the site of a compiled playbook (which must have no errors).
pub fn build_site(
    compiled: &Compiled,
    public: bool,
    base_url: Option<String>,
) -> anyhow::Result<render::SiteFiles> {
    let theme = theme::Theme::for_playbook(&compiled.raw)?;
    let graph = graph::Graph::new(&compiled.raw, compiled.today, public);
    render::render(&graph, &theme, &render::Options { base_url })
}

/// What a build made and no longer needs once the site is written: the
/// graph, the theme and the rendered jobs. Dropping it frees their memory,
/// which for a large playbook takes tens of milliseconds; a process about
/// to end can skip that (`std::mem::forget`).
pub struct Leftovers<'a> {
    _graph: graph::Graph<'a>,
    _theme: theme::Theme,
    _render: render::Leftovers,
}

/// Renders the site of a compiled playbook (which must have no errors)
/// straight into the output folder `out`: files are written aside as they
/// are made and put in place only when all are, so a failure leaves the
/// previous site as it was.
pub fn write_site<'a>(
    compiled: &'a Compiled,
    public: bool,
    base_url: Option<String>,
    out: &Path,
) -> anyhow::Result<(site::WriteStats, Leftovers<'a>)> {
    // The templates compile on another thread while the graph is made
    // (`theme` in `-v` is the time then left to wait for them).
    let (theme, graph) = std::thread::scope(|s| {
        let theme = s.spawn(|| theme::Theme::for_playbook(&compiled.raw));
        let graph = timings::step("graph", || {
            graph::Graph::new(&compiled.raw, compiled.today, public)
        });
        let theme = timings::step("theme", || {
            theme
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (theme, graph)
    });
    let theme = theme?;
    let writer = site::Writer::new(out);
    let rendered = timings::step("render", || {
        render::render_into(&graph, &theme, &render::Options { base_url }, &writer)
    })?;
    let stats = timings::step("commit", || writer.commit())?;
    let rest = Leftovers {
        _graph: graph,
        _theme: theme,
        _render: rendered,
    };
    Ok((stats, rest))
}
