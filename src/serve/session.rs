//! A serve session without sockets: the last good site in memory, and the
//! rebuild that a set of changed files triggers. The HTTP server and the
//! file watcher only feed and read this.

use crate::diag::{Diagnostic, Severity, output};
use crate::render::SiteFiles;
use crate::source::SourceMap;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file of the served site.
#[derive(Debug, Clone)]
pub struct Served {
    pub bytes: Arc<Vec<u8>>,
    pub etag: String,
}

/// The site as served: path (relative to the site root) → file.
pub type ServedSite = BTreeMap<String, Served>;

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
    site: SiteFiles,
    served: Arc<ServedSite>,
    /// Diagnostics of the last build when it failed; the overlay shows them.
    failure: Option<Arc<Vec<OverlayItem>>>,
    /// Warnings of the last good build.
    warnings: Vec<OverlayItem>,
    generation: u64,
}

fn etag(bytes: &[u8]) -> String {
    // FNV-1a: a content hash that changes whenever the bytes do.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{h:016x}-{}\"", bytes.len())
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
            served: Arc::new(ServedSite::new()),
            failure: None,
            warnings: Vec::new(),
            generation: 0,
        };
        let outcome = session.rebuild(&[])?;
        Ok((session, outcome))
    }

    /// Rebuilds after `changed` files (paths on disk; empty means "all").
    /// I/O failures of the tool are `Err`; content problems are an outcome
    /// that keeps the last good site.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> anyhow::Result<Outcome> {
        let _ = changed;
        let started = std::time::Instant::now();
        let compiled = crate::compile(&self.root, &self.options.today, self.options.public)?;
        let items = overlay_items(&compiled.diagnostics, &compiled.raw.sources);
        let report = output::render(
            &compiled.diagnostics,
            &compiled.raw.sources,
            output::Format::Human,
            false,
        );
        self.generation += 1;
        if compiled.has_errors() {
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
        let files = match crate::build_site(&compiled, self.options.public, self.options.base_url.clone()) {
            Ok(f) => f,
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
        let mut changed_out: BTreeSet<String> = BTreeSet::new();
        for (path, bytes) in &files {
            if self.site.get(path) != Some(bytes) {
                changed_out.insert(path.clone());
            }
        }
        for path in self.site.keys() {
            if !files.contains_key(path) {
                changed_out.insert(path.clone());
            }
        }
        let mut served = ServedSite::new();
        for (path, bytes) in &files {
            let entry = match self.served.get(path) {
                Some(old) if !changed_out.contains(path) => old.clone(),
                _ => Served {
                    etag: etag(bytes),
                    bytes: Arc::new(bytes.clone()),
                },
            };
            served.insert(path.clone(), entry);
        }
        let rendered = files.keys().cloned().collect();
        self.site = files;
        self.served = Arc::new(served);
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
