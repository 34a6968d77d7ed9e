//! Diagnostics as data: the stable codes, the `Diagnostic` record and the
//! sink that collects them. Content problems never abort a run; they are
//! pushed here and printed at the end by [`output`].

pub mod output;
pub mod suggest;

use crate::source::{Loc, SourceMap};
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $sev:ident, $meaning:literal;)*) => {
        /// Every diagnostic code, with its fixed severity. The names are a
        /// public contract: tools match on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev),* }
            }

            /// One line saying what the code means, for the README table.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning),* }
            }
        }
    };
}

codes! {
    YamlSyntax = "yaml-syntax", Error, "malformed YAML or front matter";
    UnknownKey = "unknown-key", Error, "a key the kind does not have";
    MissingField = "missing-field", Error, "a required field is absent";
    InvalidValue = "invalid-value", Error, "wrong type, bad enum value, bad date/period/zone/currency/id syntax";
    DuplicateKey = "duplicate-key", Error, "a key repeated in one mapping";
    DuplicateId = "duplicate-id", Error, "two entities of one kind with one id (or two lines/events/KRs with one id)";
    UnknownReference = "unknown-reference", Error, "a reference to an id that does not exist";
    ReferenceCycle = "reference-cycle", Error, "a cycle in `reports_to`, goal `parent` or escalation routing";
    BrokenLink = "broken-link", Error, "an `@kind/id` Markdown link that does not resolve";
    MissingFile = "missing-file", Error, "a referenced static file (organization logo, persona avatar, ...) does not exist";
    InvalidEncoding = "invalid-encoding", Error, "a content file that is not UTF-8";
    CascadeMismatch = "cascade-mismatch", Error, "cascade targets do not roll up to their parent";
    CascadeIncomplete = "cascade-incomplete", Warning, "a level of a cascade has only some of its periods";
    CascadeDirection = "cascade-direction", Error, "targets move against the metric's direction";
    PeriodOutside = "period-outside", Error, "a period (cascade, child goal, budget line) outside its parent's";
    BudgetOverTotal = "budget-over-total", Error, "planned lines exceed the budget total";
    ActualOverPlanned = "actual-over-planned", Warning, "a line spent more than planned";
    AmountPrecision = "amount-precision", Error, "more decimals than the currency allows";
    EndBeforeStart = "end-before-start", Error, "an end date before its start";
    InvalidRecurrence = "invalid-recurrence", Error, "an RRULE that does not parse or does not start at the event";
    NonexistentLocalTime = "nonexistent-local-time", Error, "a local time skipped by a DST jump";
    EventOutsideCampaign = "event-outside-campaign", Warning, "a campaign's event outside the campaign's dates";
    NegativePersonaTargeted = "negative-persona-targeted", Error, "a campaign or event targets a negative persona";
    InvalidRouting = "invalid-routing", Error, "an escalation to the role itself, or to a department with no head or intake";
    PostingIncomplete = "posting-incomplete", Error, "an open posting misses a required field";
    PostingExpired = "posting-expired", Warning, "an open posting past `valid_through`";
    InternalReference = "internal-reference", Warning, "in a public build, a public page links to an internal entity";
    TargetDirection = "target-direction", Warning, "a key result's target does not improve on its baseline";
    PublishedInFuture = "published-in-future", Error, "a post marked `published` is dated after today";
    ScheduledWithoutTime = "scheduled-without-time", Error, "a `scheduled` post has a date but no time";
    OverlappingResponsibility = "overlapping-responsibility", Error, "a topic is both a responsibility of a role and routed away by it";
    IgnoredFile = "ignored-file", Warning, "a Markdown or YAML file under `content/` that playbook does not read, or a symbolic link there";
    LimitExceeded = "limit-exceeded", Error, "a file, a YAML document or raw HTML beyond a resource limit (size, count, aliases, nesting)";
    TooManyOccurrences = "too-many-occurrences", Warning, "an event repeats more often within the horizon than the site shows";
}

/// One problem found in the playbook.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub loc: Loc,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            loc,
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Collects diagnostics during a run.
#[derive(Debug, Default, Clone)]
pub struct Sink {
    items: Vec<Diagnostic>,
    /// Keys blanked to read a file past a problem: their absence is a
    /// follow-up of that problem, not a missing field of its own.
    follow_ups: std::collections::BTreeSet<(crate::source::FileId, String)>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Sink) {
        self.items.extend(other.items);
        self.follow_ups.extend(other.follow_ups);
    }

    /// The diagnostics and follow-up keys, as collected.
    pub fn into_parts(self) -> (Vec<Diagnostic>, Vec<(crate::source::FileId, String)>) {
        (self.items, self.follow_ups.into_iter().collect())
    }

    /// Without what was reported about the files `drop` accepts.
    pub fn without(self, drop: impl Fn(crate::source::FileId) -> bool) -> Sink {
        Sink {
            items: self.items.into_iter().filter(|d| !drop(d.loc.file)).collect(),
            follow_ups: self.follow_ups.into_iter().filter(|(f, _)| !drop(*f)).collect(),
        }
    }

    /// Records that `key` of `file` was blanked out after a problem.
    pub fn follow_up(&mut self, file: crate::source::FileId, key: String) {
        self.follow_ups.insert((file, key));
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity() == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file, position and code, and drops exact repeats, so output
    /// is deterministic whatever order the checks ran in.
    pub fn into_sorted(mut self, sources: &SourceMap) -> Vec<Diagnostic> {
        // A field reported missing because its key was misspelt or blanked
        // is the same problem twice: keep the first report only.
        let mut follow_ups = std::mem::take(&mut self.follow_ups);
        for d in &self.items {
            if d.code == Code::UnknownKey
                && let Some(suggested) = d
                    .help
                    .as_deref()
                    .and_then(|h| h.strip_prefix("did you mean `"))
                    .and_then(|h| h.strip_suffix("`?"))
            {
                follow_ups.insert((d.loc.file, suggested.to_owned()));
            }
        }
        self.items.retain(|d| {
            let field = d
                .message
                .strip_prefix("missing field `")
                .and_then(|m| m.strip_suffix('`'));
            !(d.code == Code::MissingField
                && field.is_some_and(|f| follow_ups.contains(&(d.loc.file, f.to_owned()))))
        });
        self.items.sort_by(|a, b| {
            let fa = &sources.get(a.loc.file).name;
            let fb = &sources.get(b.loc.file).name;
            (fa, a.loc.start, a.loc.end, a.code, &a.message).cmp(&(
                fb,
                b.loc.start,
                b.loc.end,
                b.code,
                &b.message,
            ))
        });
        self.items
            .dedup_by(|a, b| a.code == b.code && a.loc == b.loc && a.message == b.message);
        self.items
    }
}
