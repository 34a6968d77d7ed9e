//! The validated playbook as the site sees it: lookups by id, visibility
//! (`--public`), references in both directions, the horizon, and derived
//! values (goal progress and health, actuals, calendar occurrences).
//! Built only from a playbook that checked without errors; still, nothing
//! here panics on odd data: it falls back to "unknown".

use crate::links::parse_link;
use crate::load::{Entity, Kind, RawPlaybook};
use crate::model::content::{Aggregation, Direction, Goal, KeyResult, Metric};
use crate::model::money::{Currency, parse_decimal};
use crate::model::period::{DateRange, Period, RawPeriod, parse_date};
use crate::model::settings::Visibility;
use crate::validate::calendars::{When, parse_datetime};
use crate::validate::recurrence;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, BTreeSet};

/// An entity, by kind and id.
pub type Ref = (Kind, String);

/// For each entity, the entities that refer to it (fields and links).
pub type Backlinks = BTreeMap<Ref, BTreeSet<Ref>>;

/// How a goal is doing at "today".
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    OnTrack,
    AtRisk,
    OffTrack,
    NotStarted,
    NoData,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::OnTrack => "on track",
            Health::AtRisk => "at risk",
            Health::OffTrack => "off track",
            Health::NotStarted => "not started",
            Health::NoData => "no data",
        }
    }
}

/// Progress of a key result (or of one cascade period).
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// The metric's actual for the period, so far.
    pub actual: Option<Decimal>,
    /// Share of the way from baseline to target (may exceed 0..1).
    pub share: Option<f64>,
    /// Share of the period elapsed at today (0..1).
    pub expected: f64,
    pub health: Health,
}

/// One occurrence of a calendar event.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub date: Date,
    /// Wall-clock start, for timed events.
    pub time: Option<Time>,
    pub calendar: String,
    /// Index of the event in its calendar.
    pub event: usize,
}

pub struct Graph<'a> {
    pub raw: &'a RawPlaybook,
    pub today: Date,
    /// Whether this is a `--public` build.
    pub public: bool,
    pub fy_start: u8,
    pub timezone: String,
    pub currency: Option<Currency>,
    pub horizon: DateRange,
    default_visibility: Visibility,
    /// Every entity of this build (all, or the public ones), by kind and id:
    /// one hash lookup instead of a binary search through large entities.
    in_build: rustc_hash::FxHashSet<(Kind, &'a str)>,
    /// Where each entity is in its kind's list.
    at: rustc_hash::FxHashMap<(Kind, &'a str), usize>,
    /// For each entity, the entities that refer to it (fields and links).
    pub backlinks: Backlinks,
}

impl<'a> Graph<'a> {
    pub fn new(raw: &'a RawPlaybook, today: Date, public: bool) -> Graph<'a> {
        Graph::patched(raw, today, public, None)
    }

    /// [`Graph::new`]; with `last`, the backlinks of an earlier build of the
    /// same entities (same kinds and ids) where only the entities in the
    /// set may have changed: their edges are made again, the others kept.
    pub fn patched(
        raw: &'a RawPlaybook,
        today: Date,
        public: bool,
        last: Option<(Backlinks, &BTreeSet<Ref>)>,
    ) -> Graph<'a> {
        let settings = raw.settings.as_ref().map(|s| &s.data);
        let fy_start = settings
            .and_then(|s| s.fiscal_year_start.as_ref())
            .and_then(|n| n.value.0.parse().ok())
            .filter(|m| (1..=12).contains(m))
            .unwrap_or(1);
        let timezone = settings
            .and_then(|s| s.timezone.as_ref())
            .map_or("UTC".to_owned(), |t| t.value.clone());
        let currency = Currency::parse(
            settings
                .and_then(|s| s.currency.as_ref())
                .map_or("EUR", |c| &c.value),
        )
        .ok();
        let default_visibility = settings
            .and_then(|s| s.default_visibility.as_ref())
            .map_or(Visibility::Internal, |v| v.value);
        let mut g = Graph {
            raw,
            today,
            public,
            fy_start,
            timezone,
            currency,
            horizon: DateRange {
                start: today,
                end: today,
            },
            default_visibility,
            in_build: Default::default(),
            at: Default::default(),
            backlinks: BTreeMap::new(),
        };
        g.at = Kind::ALL
            .into_iter()
            .flat_map(|kind| {
                raw.loaded_ids(kind)
                    .into_iter()
                    .enumerate()
                    .map(move |(i, id)| ((kind, id), i))
            })
            .collect();
        g.in_build = g.compute_in_build();
        g.horizon = crate::timings::step("horizon", || g.compute_horizon());
        g.backlinks = crate::timings::step("backlinks", || match last {
            Some((last, changed)) => g.patch_backlinks(last, changed),
            None => {
                let mut out = Backlinks::new();
                g.add_edges(&mut out, None);
                out
            }
        });
        g
    }

    pub fn page(&self, id: &str) -> Option<&'a Entity<crate::model::content::Page>> {
        self.find(Kind::Page, &self.raw.pages, id)
    }
    pub fn persona(&self, id: &str) -> Option<&'a Entity<crate::model::content::Persona>> {
        self.find(Kind::Persona, &self.raw.personas, id)
    }
    pub fn metric(&self, id: &str) -> Option<&'a Entity<Metric>> {
        self.find(Kind::Metric, &self.raw.metrics, id)
    }
    pub fn goal(&self, id: &str) -> Option<&'a Entity<Goal>> {
        self.find(Kind::Goal, &self.raw.goals, id)
    }
    pub fn campaign(&self, id: &str) -> Option<&'a Entity<crate::model::content::Campaign>> {
        self.find(Kind::Campaign, &self.raw.campaigns, id)
    }
    pub fn budget(&self, id: &str) -> Option<&'a Entity<crate::model::budget::Budget>> {
        self.find(Kind::Budget, &self.raw.budgets, id)
    }
    pub fn role(&self, id: &str) -> Option<&'a Entity<crate::model::role::Role>> {
        self.find(Kind::Role, &self.raw.roles, id)
    }
    pub fn calendar(&self, id: &str) -> Option<&'a Entity<crate::model::calendar::Calendar>> {
        self.find(Kind::Calendar, &self.raw.calendars, id)
    }

    /// An entity's visibility, with the playbook's default.
    pub fn visibility(&self, kind: Kind, id: &str) -> Option<Visibility> {
        let explicit = self.raw.explicit_visibility(kind, id)?;
        Some(explicit.unwrap_or(self.default_visibility))
    }

    /// Whether an entity exists and belongs in this build.
    pub fn visible(&self, kind: Kind, id: &str) -> bool {
        self.in_build.contains(&(kind, id))
    }

    /// Where the entity `id` of `kind` is in its kind's list.
    pub fn position(&self, kind: Kind, id: &str) -> Option<usize> {
        self.at.get(&(kind, id)).copied()
    }

    /// The entity `id` of `list`, the list of kind `kind`.
    fn find<T>(&self, kind: Kind, list: &'a [Entity<T>], id: &str) -> Option<&'a Entity<T>> {
        self.position(kind, id).map(|i| &list[i])
    }

    fn compute_in_build(&self) -> rustc_hash::FxHashSet<(Kind, &'a str)> {
        let r = self.raw;
        // The page `index` is the home page's file, whatever `pages/` holds
        // (as `RawPlaybook::explicit_visibility` says).
        let index = r.index.as_ref().map(|_| (Kind::Page, "index"));
        let all = self
            .at
            .keys()
            .copied()
            .filter(|&key| key != (Kind::Page, "index"))
            .chain(index);
        if !self.public {
            // A full build has every entity.
            return all.collect();
        }
        all.filter(|&(kind, id)| self.visibility(kind, id) == Some(Visibility::Public))
            .collect()
    }

    /// The entities of `list` (all of kind `kind`) that belong in this build.
    pub fn in_build<'e, T>(&self, kind: Kind, list: &'e [Entity<T>]) -> Vec<&'e Entity<T>> {
        list.iter().filter(|e| self.visible(kind, &e.id)).collect()
    }

    /// The display name of an entity.
    pub fn title(&self, kind: Kind, id: &str) -> String {
        fn text(v: &Option<crate::model::Located<String>>) -> Option<String> {
            v.as_ref().map(|t| t.value.clone())
        }
        let t = match kind {
            Kind::Page => self.page(id).and_then(|e| text(&e.data.title)),
            Kind::Persona => self.persona(id).and_then(|e| text(&e.data.name)),
            Kind::Metric => self.metric(id).and_then(|e| text(&e.data.name)),
            Kind::Goal => self.goal(id).and_then(|e| text(&e.data.title)),
            Kind::Campaign => self.campaign(id).and_then(|e| text(&e.data.name)),
            Kind::Budget => self.budget(id).and_then(|e| text(&e.data.title)),
            Kind::Role => self.role(id).and_then(|e| text(&e.data.title)),
            Kind::Calendar => self.calendar(id).and_then(|e| text(&e.data.name)),
        };
        t.unwrap_or_else(|| id.to_owned())
    }

    pub fn goal_period(&self, goal: &Goal) -> Option<Period> {
        period_of(goal.period.as_ref())
    }

    fn compute_horizon(&self) -> DateRange {
        horizon(self.raw, self.today, self.fy_start)
    }

    /// `last` (backlinks of the same entities) without the edges from the
    /// `changed` entities, which are then made again from their new data.
    /// Every other entity's edges depend only on its own data and on which
    /// roles exist, which a change of the same entities leaves as it was.
    fn patch_backlinks(&self, mut last: Backlinks, changed: &BTreeSet<Ref>) -> Backlinks {
        for sources in last.values_mut() {
            sources.retain(|s| !changed.contains(s));
        }
        last.retain(|_, sources| !sources.is_empty());
        let only: std::collections::HashSet<(Kind, &str)> =
            changed.iter().map(|(k, id)| (*k, id.as_str())).collect();
        self.add_edges(&mut last, Some(&only));
        last
    }

    /// Adds to `out` the reference edges of every entity, or of those in
    /// `only`.
    fn add_edges(&self, out: &mut Backlinks, only: Option<&std::collections::HashSet<(Kind, &str)>>) {
        let r = self.raw;
        let mut add = |from: (Kind, &str), kind: Kind, id: &str| {
            let id = id.split('#').next().unwrap_or(id);
            if from != (kind, id) {
                out.entry((kind, id.to_owned()))
                    .or_default()
                    .insert((from.0, from.1.to_owned()));
            }
        };
        let skip = |kind: Kind, id: &str| only.is_some_and(|only| !only.contains(&(kind, id)));
        for e in r.metrics.iter().filter(|e| !skip(Kind::Metric, &e.id)) {
            let me = (Kind::Metric, e.id.as_str());
            if let Some(o) = &e.data.owner {
                add(me, Kind::Role, &o.value);
            }
        }
        for e in r.goals.iter().filter(|e| !skip(Kind::Goal, &e.id)) {
            let me = (Kind::Goal, e.id.as_str());
            let d = &e.data;
            for x in d.owner.iter() {
                add(me, Kind::Role, &x.value);
            }
            for x in d.parent.iter() {
                add(me, Kind::Goal, &x.value);
            }
            for x in &d.personas {
                add(me, Kind::Persona, &x.value);
            }
            for kr in &d.key_results {
                for m in kr.value.metric.iter() {
                    add(me, Kind::Metric, &m.value);
                }
            }
        }
        for e in r.campaigns.iter().filter(|e| !skip(Kind::Campaign, &e.id)) {
            let me = (Kind::Campaign, e.id.as_str());
            let d = &e.data;
            for x in d.owner.iter() {
                add(me, Kind::Role, &x.value);
            }
            for x in &d.goals {
                add(me, Kind::Goal, &x.value);
            }
            for x in &d.personas {
                add(me, Kind::Persona, &x.value);
            }
        }
        for e in r.budgets.iter().filter(|e| !skip(Kind::Budget, &e.id)) {
            let me = (Kind::Budget, e.id.as_str());
            for x in e.data.owner.iter() {
                add(me, Kind::Role, &x.value);
            }
            for line in e.data.lines.iter().flat_map(|l| l.value.iter()) {
                for x in line.value.campaign.iter() {
                    add(me, Kind::Campaign, &x.value);
                }
                for x in line.value.owner.iter() {
                    add(me, Kind::Role, &x.value);
                }
            }
        }
        for e in r.roles.iter().filter(|e| !skip(Kind::Role, &e.id)) {
            let me = (Kind::Role, e.id.as_str());
            let d = &e.data;
            for x in d.reports_to.iter() {
                add(me, Kind::Role, &x.value);
            }
            for x in &d.kpis {
                add(me, Kind::Metric, &x.value);
            }
            for area in d.responsibilities.iter().flat_map(|a| a.value.iter()) {
                for item in &area.value.items {
                    for k in &item.value.kpis {
                        add(me, Kind::Metric, &k.value);
                    }
                }
            }
            for x in &d.not_responsible_for {
                if let Some(o) = &x.value.owner
                    && self.role(&o.value).is_some()
                {
                    add(me, Kind::Role, &o.value);
                }
            }
            for x in &d.escalations {
                if let Some(o) = &x.value.to
                    && self.role(&o.value).is_some()
                {
                    add(me, Kind::Role, &o.value);
                }
            }
        }
        for e in r.calendars.iter().filter(|e| !skip(Kind::Calendar, &e.id)) {
            let me = (Kind::Calendar, e.id.as_str());
            for ev in e.data.events.iter().flat_map(|v| v.value.iter()) {
                let v = &ev.value;
                for x in v.owner.iter() {
                    add(me, Kind::Role, &x.value);
                }
                for x in v.campaign.iter() {
                    add(me, Kind::Campaign, &x.value);
                }
                for x in &v.personas {
                    add(me, Kind::Persona, &x.value);
                }
                for x in v.goal.iter() {
                    add(me, Kind::Goal, &x.value);
                }
            }
        }
        // `@kind/id` links in Markdown bodies, as the loader found them.
        let bodies = r
            .pages
            .iter()
            .map(|e| (Kind::Page, &e.id, &e.links))
            .chain(r.personas.iter().map(|e| (Kind::Persona, &e.id, &e.links)))
            .chain(r.campaigns.iter().map(|e| (Kind::Campaign, &e.id, &e.links)))
            .chain(r.roles.iter().map(|e| (Kind::Role, &e.id, &e.links)))
            .chain(r.goals.iter().map(|e| (Kind::Goal, &e.id, &e.links)));
        for (kind, id, links) in bodies.filter(|(kind, id, _)| !skip(*kind, id)) {
            for (dest, _) in links {
                if let Some((k, target, _)) = parse_link(dest)
                    && let Some(k) = Kind::from_folder(k)
                {
                    add((kind, id.as_str()), k, target);
                }
            }
        }
    }

    /// The entities that refer to `(kind, id)` and are in this build.
    pub fn referenced_by(&self, kind: Kind, id: &str) -> Vec<Ref> {
        self.backlinks
            .get(&(kind, id.to_owned()))
            .map(|set| set.iter().filter(|(k, i)| self.visible(*k, i)).cloned().collect())
            .unwrap_or_default()
    }

    /// The actual of `metric` for `range`, from measurements up to today:
    /// the sum, the latest, or the mean of those dated inside it.
    pub fn actual(&self, metric: &Metric, range: &DateRange) -> Option<Decimal> {
        let agg = metric.aggregation.as_ref()?.value;
        let mut values: Vec<(Date, Decimal)> = metric
            .measurements
            .iter()
            .filter_map(|m| {
                let d = parse_date(&m.value.date.as_ref()?.value.0).ok()?;
                let v = parse_decimal(&m.value.value.as_ref()?.value.0).ok()?;
                (range.contains(d) && d <= self.today).then_some((d, v))
            })
            .collect();
        if values.is_empty() {
            return None;
        }
        values.sort_by_key(|(d, _)| *d);
        Some(match agg {
            Aggregation::Sum => values.iter().map(|(_, v)| *v).sum(),
            Aggregation::Last => values.last()?.1,
            Aggregation::Average => {
                let sum: Decimal = values.iter().map(|(_, v)| *v).sum();
                (sum / Decimal::from(values.len())).round_dp(4).normalize()
            }
        })
    }

    /// Progress from `baseline` to `target` over `range` at today.
    pub fn progress(
        &self,
        metric: &Metric,
        range: &DateRange,
        baseline: Decimal,
        target: Decimal,
    ) -> Progress {
        let expected = if self.today < range.start {
            0.0
        } else if self.today >= range.end {
            1.0
        } else {
            ((self.today - range.start).get_days() as f64 + 1.0) / range.days() as f64
        };
        let actual = self.actual(metric, range);
        let share = actual.and_then(|a| {
            let span = target - baseline;
            if span.is_zero() {
                return None;
            }
            ((a - baseline) / span).to_f64()
        });
        let health = if self.today < range.start {
            Health::NotStarted
        } else {
            match share {
                None => Health::NoData,
                Some(s) if s >= expected - 0.05 => Health::OnTrack,
                Some(s) if s >= expected - 0.2 => Health::AtRisk,
                Some(_) => Health::OffTrack,
            }
        };
        Progress {
            actual,
            share,
            expected,
            health,
        }
    }

    /// A key result's metric, baseline and target, when all are usable.
    pub fn key_result(&self, kr: &KeyResult) -> Option<(&'a Entity<Metric>, Decimal, Decimal)> {
        let metric = self.metric(&kr.metric.as_ref()?.value)?;
        let b = parse_decimal(&kr.baseline.as_ref()?.value.0).ok()?;
        let t = parse_decimal(&kr.target.as_ref()?.value.0).ok()?;
        Some((metric, b, t))
    }

    pub fn direction(metric: &Metric) -> Direction {
        metric.direction.as_ref().map_or(Direction::Increase, |d| d.value)
    }

    /// Every occurrence of the calendar's events inside the horizon (recurring
    /// ones expanded, `except` dates skipped), sorted by date and time.
    pub fn occurrences(&self, calendar_id: &str) -> Vec<Occurrence> {
        self.occurrences_where(calendar_id, &|_| true)
    }

    /// [`Graph::occurrences`] of the events that `keep` accepts only.
    pub fn occurrences_where(
        &self,
        calendar_id: &str,
        keep: &dyn Fn(&crate::model::calendar::Event) -> bool,
    ) -> Vec<Occurrence> {
        let Some(cal) = self.calendar(calendar_id) else {
            return Vec::new();
        };
        let tz = cal
            .data
            .timezone
            .as_ref()
            .map_or(self.timezone.as_str(), |t| t.value.as_str());
        let zone = jiff::tz::db().get(tz).unwrap_or(TimeZone::UTC);
        let until = self.horizon.end.to_datetime(Time::constant(23, 59, 59, 0));
        let mut out = Vec::new();
        for (i, ev) in cal.data.events.iter().flat_map(|v| v.value.iter()).enumerate() {
            let v = &ev.value;
            if !keep(v) {
                continue;
            }
            // (start, timed, written with an offset: expanded in UTC)
            let start: Option<(DateTime, bool, bool)> = match (&v.date, &v.start) {
                (Some(d), _) => parse_date(&d.value.0)
                    .ok()
                    .map(|d| (d.to_datetime(Time::midnight()), false, false)),
                (None, Some(s)) => match parse_datetime(&s.value) {
                    Ok(When::Local(dt)) => Some((dt, true, false)),
                    Ok(When::Fixed(ts, _)) => {
                        Some((ts.to_zoned_datetime(TimeZone::UTC).datetime(), true, true))
                    }
                    Err(_) => None,
                },
                _ => None,
            };
            let Some((start, timed, fixed)) = start else {
                continue;
            };
            let except: BTreeSet<Date> = v
                .except
                .iter()
                .filter_map(|d| parse_date(&d.value.0).ok())
                .collect();
            let anchor = if fixed {
                recurrence::Start::Utc(start)
            } else {
                recurrence::Start::Local(start, tz)
            };
            let dates = match &v.repeat {
                Some(rule) => recurrence::expand(&rule.value, anchor, until, crate::limits::MAX_OCCURRENCES),
                None => vec![start],
            };
            // An all-day event of several days is on each of them.
            let days = if timed {
                1
            } else {
                v.duration
                    .as_ref()
                    .and_then(|d| crate::model::period::parse_duration(&d.value).ok())
                    .map_or(1, |secs| (secs / 86_400).clamp(1, 366))
            };
            for dt in dates {
                // Times written with an offset are shown in the calendar's zone.
                let dt = if fixed {
                    dt.to_zoned_datetime(TimeZone::UTC)
                        .map_or(dt, |z| z.with_time_zone(zone.clone()).datetime())
                } else {
                    dt
                };
                if except.contains(&dt.date()) {
                    continue;
                }
                for n in 0..days {
                    let Ok(date) = dt.date().checked_add(jiff::Span::new().days(n)) else {
                        break;
                    };
                    out.push(Occurrence {
                        date,
                        time: timed.then(|| dt.time()),
                        calendar: calendar_id.to_owned(),
                        event: i,
                    });
                }
            }
        }
        out.sort();
        out
    }
}

/// A period as written (in an optional field), when it is there and parses.
pub fn period_of(p: Option<&crate::model::Located<RawPeriod>>) -> Option<Period> {
    match &p?.value {
        RawPeriod::Name(n) => Period::parse(n).ok(),
        RawPeriod::Range { start, end } => Some(Period::Range(
            parse_date(&start.value.0).ok()?,
            parse_date(&end.value.0).ok()?,
        )),
    }
}

/// The dates the schedule covers: `horizon:` from the settings, else the
/// span of every goal, budget and campaign, else the fiscal year holding
/// `today`.
pub fn horizon(r: &RawPlaybook, today: Date, fy_start: u8) -> DateRange {
    if let Some(h) = r.settings.as_ref().and_then(|s| s.data.horizon.as_ref())
        && let (Ok(s), Ok(e)) = (
            parse_date(&h.value.start.value.0),
            parse_date(&h.value.end.value.0),
        )
    {
        return DateRange { start: s, end: e };
    }
    let mut ranges: Vec<DateRange> = Vec::new();
    for g in &r.goals {
        if let Some(p) = period_of(g.data.period.as_ref()) {
            ranges.push(p.range(fy_start));
        }
    }
    for b in &r.budgets {
        if let Some(p) = period_of(b.data.period.as_ref()) {
            ranges.push(p.range(fy_start));
        }
    }
    for c in &r.campaigns {
        let s = c.data.start.as_ref().and_then(|d| parse_date(&d.value.0).ok());
        let e = c.data.end.as_ref().and_then(|d| parse_date(&d.value.0).ok());
        if let (Some(s), Some(e)) = (s, e) {
            ranges.push(DateRange { start: s, end: e });
        }
    }
    match (
        ranges.iter().map(|r| r.start).min(),
        ranges.iter().map(|r| r.end).max(),
    ) {
        (Some(start), Some(end)) => DateRange { start, end },
        _ => {
            // The fiscal year holding today.
            let fy = if fy_start == 1 || (today.month() as u8) < fy_start {
                today.year()
            } else {
                today.year() + 1
            };
            Period::FiscalYear(fy).range(fy_start)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::content::Page;
    use crate::source::FileId;

    fn page(id: &str) -> Entity<Page> {
        Entity {
            id: id.into(),
            file: FileId(0),
            base: 0,
            data: Page::default(),
            body: None,
            links: Vec::new(),
        }
    }

    /// What is in a build is what `RawPlaybook::explicit_visibility` finds:
    /// the page `index` is the home page's file, not `pages/index.md`.
    #[test]
    fn entities_in_the_build_are_those_the_playbook_has() {
        let today = parse_date("2026-11-28").unwrap();
        let mut raw = RawPlaybook {
            pages: vec![page("a"), page("index")],
            ..RawPlaybook::default()
        };
        for public in [false, true] {
            let g = Graph::new(&raw, today, public);
            for (kind, id) in [(Kind::Page, "a"), (Kind::Page, "index"), (Kind::Role, "a")] {
                let expected = g
                    .visibility(kind, id)
                    .is_some_and(|v| !public || v == Visibility::Public);
                assert_eq!(g.visible(kind, id), expected, "{kind:?} {id} public: {public}");
            }
            assert!(!g.visible(Kind::Page, "index"));
            assert_eq!(g.visible(Kind::Page, "a"), !public, "internal by default");
            let listed: Vec<&str> = g
                .in_build(Kind::Page, &raw.pages)
                .iter()
                .map(|e| e.id.as_str())
                .collect();
            assert_eq!(listed, if public { vec![] } else { vec!["a"] });
        }
        raw.index = Some(page("index"));
        assert!(Graph::new(&raw, today, false).visible(Kind::Page, "index"));
    }

    /// The backlinks of a build are those that adding the edges of every
    /// entity named (as a rebuild does for the changed ones) makes.
    #[test]
    fn backlinks_are_those_of_every_entity_named() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = crate::Today::fixed();
        for dir in [
            root.to_path_buf(),
            root.join("examples/careers"),
            root.join("examples/minimal"),
        ] {
            let compiled = crate::compile(&dir, &today, false).unwrap();
            let g = Graph::new(&compiled.raw, compiled.today, false);
            let every: std::collections::HashSet<(Kind, &str)> = Kind::ALL
                .into_iter()
                .flat_map(|k| compiled.raw.loaded_ids(k).into_iter().map(move |id| (k, id)))
                .collect();
            let mut named = Backlinks::new();
            g.add_edges(&mut named, Some(&every));
            assert!(!g.backlinks.is_empty(), "{}", dir.display());
            assert_eq!(g.backlinks, named, "{}", dir.display());
        }
    }
}
