//! Every page of the site, one function per kind of page.

use super::context::*;
use super::{Builder, Job, PageSpec, charts, feeds, format, jsonld, search, url};
use crate::graph::{Health, Progress, period_of};
use crate::load::{Entity, Kind};
use crate::model::content::Aggregation;
use crate::model::money::{Currency, parse_decimal};
use crate::model::period::{DateRange, Period, parse_date};
use crate::model::role::{EmploymentType, Remote, Role, SalaryPer};
use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

type R = anyhow::Result<()>;

/// Runs every selected job.
pub fn jobs(b: &mut Builder) -> R {
    home(b)?;
    pages(b)?;
    personas(b)?;
    goals(b)?;
    metrics(b)?;
    campaigns(b)?;
    budgets(b)?;
    roles(b)?;
    jobs_page(b)?;
    routing(b)?;
    raci(b)?;
    schedule(b)?;
    calendar_feeds(b)?;
    not_found(b)?;
    Ok(())
}

/// What depends on every page: search data and page, sitemap, `playbook.json`.
pub fn finish(b: &mut Builder, outputs: &super::Outputs) -> R {
    use crate::timings::step;
    step("search data", || search_data(b, &documents(outputs)))?;
    search_page(b)?;
    step("sitemap", || sitemap(b, &page_paths(outputs)))?;
    if !b.sink.is_some_and(|s| s.has("playbook.json")) {
        step("playbook.json", || playbook_json(b, &json_entries(outputs)))?;
    }
    Ok(())
}

/// `playbook.json` straight from the graph into the builder's sink, ahead
/// of [`finish`]: it needs no page, so it is made while pages render.
pub fn streamed_playbook_json(b: &mut Builder) -> R {
    debug_assert!(b.sink.is_some());
    playbook_json(b, &Entries::new())
}

/// Every job's search documents, in job order.
fn documents(outputs: &super::Outputs) -> Vec<&search::Document> {
    outputs.values().flat_map(|o| o.search.iter()).collect()
}

/// Every job's HTML pages.
fn page_paths(outputs: &super::Outputs) -> Vec<&str> {
    outputs
        .values()
        .flat_map(|o| o.pages.iter().map(String::as_str))
        .collect()
}

/// The jobs' entries of `playbook.json`: section → id → entry.
type Entries<'a> = BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>;

fn json_entries(outputs: &super::Outputs) -> Entries<'_> {
    let mut entries = Entries::new();
    for (section, id, text) in outputs.values().filter_map(|o| o.json.as_ref()) {
        entries.entry(section).or_default().insert(id, text);
    }
    entries
}

/// Hands the entries of `section` to `entry`, in id order.
fn each_entry(entries: &Entries, section: &str, entry: &mut EntrySink) -> std::io::Result<()> {
    for (id, v) in entries.get(section).into_iter().flatten() {
        entry(id, v)?;
    }
    Ok(())
}

fn text(v: &Option<crate::model::Located<String>>) -> String {
    v.as_ref().map_or(String::new(), |t| t.value.clone())
}

fn opt_text(v: &Option<crate::model::Located<String>>) -> Option<String> {
    v.as_ref().map(|t| t.value.clone())
}

fn strings(v: &[crate::model::Located<String>]) -> Vec<String> {
    v.iter().map(|t| t.value.clone()).collect()
}

fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn channel_name(b: &Builder, id: &str) -> String {
    b.g.raw
        .settings
        .as_ref()
        .and_then(|s| s.data.channels.get(id))
        .and_then(|c| c.value.name.as_ref())
        .map_or(id.to_owned(), |n| n.value.clone())
}

fn department_name(b: &Builder, id: &str) -> String {
    b.g.raw
        .settings
        .as_ref()
        .and_then(|s| s.data.departments.get(id))
        .and_then(|d| d.value.name.as_ref())
        .map_or(id.to_owned(), |n| n.value.clone())
}

fn visible<'e, T>(b: &Builder, kind: Kind, list: &'e [Entity<T>]) -> Vec<&'e Entity<T>> {
    b.g.in_build(kind, list)
}

/// The [`visible`] entities of `kind` whose own job is selected (`own`
/// reads the id from such a job), in `list` order: when a rebuild renders
/// a few jobs, they are looked up instead of every entity being looked at.
fn selected<'e, T>(
    b: &Builder,
    kind: Kind,
    list: &'e [Entity<T>],
    own: impl Fn(&Job) -> Option<&String>,
) -> Vec<&'e Entity<T>> {
    let super::Selection::Only(jobs) = b.selection() else {
        return visible(b, kind, list);
    };
    let mut found: Vec<(usize, &Entity<T>)> = jobs
        .iter()
        .filter_map(own)
        .filter(|id| b.g.visible(kind, id))
        .filter_map(|id| b.g.position(kind, id))
        .filter_map(|i| Some((i, list.get(i)?)))
        .collect();
    found.sort_by_key(|(i, _)| *i);
    found.dedup_by_key(|(i, _)| *i);
    found.into_iter().map(|(_, e)| e).collect()
}

fn period_label(p: &Period, fy: u8) -> (String, String) {
    let r = p.range(fy);
    (
        p.to_string(),
        format!("{} – {}", format::date(r.start), format::date(r.end)),
    )
}

// ---------------------------------------------------------------- home

fn home(b: &mut Builder) -> R {
    if !b.begin(Job::Home) {
        return Ok(());
    }
    let path = "index.html";
    let intro =
        b.g.raw
            .index
            .as_ref()
            .filter(|_| b.g.visible(Kind::Page, "index"))
            .map(|e| b.body(path, e))
            .unwrap_or_default();
    let goals = goal_tree(b).into_iter().filter(|g| g.depth == 0).collect();
    let budgets = visible(b, Kind::Budget, &b.g.raw.budgets)
        .iter()
        .map(|e| budget_summary(b, e))
        .collect();
    let upcoming = occ(b)
        .all
        .iter()
        .filter(|o| o.0 >= b.g.today)
        .take(8)
        .map(|o| o.1.clone())
        .collect();
    let jobs = open_jobs(b);
    let pages = b.links(Kind::Page, b.g.raw.pages.iter().map(|e| e.id.as_str()));
    let mut counts = Vec::new();
    for (kind, label, url) in [
        (Kind::Persona, "personas", "personas/index.html"),
        (Kind::Goal, "goals", "goals/index.html"),
        (Kind::Campaign, "campaigns", "campaigns/index.html"),
        (Kind::Role, "roles", "roles/index.html"),
    ] {
        let n =
            b.g.raw
                .ids(kind)
                .iter()
                .filter(|id| b.g.visible(kind, id))
                .count();
        if n > 0 {
            counts.push(Count {
                label: label.into(),
                value: n,
                url: url.into(),
            });
        }
    }
    let title = b.site.title.clone();
    let mut spec = PageSpec::new(path, "index.html", "home", title.clone());
    spec.description = b.site.description.clone();
    spec.toc = intro.toc.clone();
    b.doc(search::Document::new(
        "page",
        title,
        path.into(),
        b.site.description.clone().unwrap_or_default(),
        &intro.text,
    ));
    b.emit(
        spec,
        &Home {
            intro: intro.html,
            goals,
            budgets,
            upcoming,
            jobs,
            pages: sorted_pages(b, pages),
            counts,
        },
    )
}

fn sorted_pages(b: &Builder, mut pages: Vec<Link>) -> Vec<Link> {
    let weights: BTreeMap<String, i64> =
        b.g.raw
            .pages
            .iter()
            .map(|p| {
                let w = p
                    .data
                    .weight
                    .as_ref()
                    .and_then(|w| w.value.0.parse().ok())
                    .unwrap_or(0);
                (super::url(Kind::Page, &p.id), w)
            })
            .collect();
    let weight = |url: &str| weights.get(url).copied().unwrap_or(0);
    pages.sort_by(|a, c| (weight(&a.url), &a.title).cmp(&(weight(&c.url), &c.title)));
    pages
}

// ---------------------------------------------------------------- pages

fn pages(b: &mut Builder) -> R {
    for e in selected(b, Kind::Page, &b.g.raw.pages, |j| match j {
        Job::Page(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::Page(e.id.clone())) {
            continue;
        }
        json_entry(b, "pages", e)?;
        let path = url(Kind::Page, &e.id);
        let body = b.body(&path, e);
        let title = text(&e.data.title);
        let mut spec = PageSpec::new(path.clone(), "page.html", "pages", title.clone());
        spec.description = opt_text(&e.data.description);
        spec.toc = body.toc.clone();
        spec.referenced_by = b.referenced_by(Kind::Page, &e.id);
        b.doc(search::Document::new(
            "page",
            title,
            path,
            spec.description.clone().unwrap_or_default(),
            &body.text,
        ));
        b.emit(spec, &Body { body: body.html })?;
    }
    Ok(())
}

// ---------------------------------------------------------------- personas

fn persona_kind(e: &Entity<crate::model::content::Persona>) -> String {
    e.data
        .kind
        .as_ref()
        .map_or("buyer".into(), |k| enum_name(&k.value))
}

fn personas(b: &mut Builder) -> R {
    let list = visible(b, Kind::Persona, &b.g.raw.personas);
    if list.is_empty() {
        return Ok(());
    }
    if b.begin(Job::Personas) {
        let cards = list
            .iter()
            .map(|e| PersonaCard {
                link: b.link(Kind::Persona, &e.id).expect("visible"),
                kind: persona_kind(e),
                summary: text(&e.data.summary),
                channels: e
                    .data
                    .channels
                    .iter()
                    .map(|c| channel_name(b, &c.value))
                    .collect(),
            })
            .collect();
        b.emit(
            PageSpec::new("personas/index.html", "personas.html", "personas", "Personas"),
            &Personas { personas: cards },
        )?;
    }
    for e in selected(b, Kind::Persona, &b.g.raw.personas, |j| match j {
        Job::Persona(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::Persona(e.id.clone())) {
            continue;
        }
        json_entry(b, "personas", e)?;
        let path = url(Kind::Persona, &e.id);
        let p = &e.data;
        let body = b.body(&path, e);
        let name = text(&p.name);
        let mut spec = PageSpec::new(path.clone(), "persona.html", "personas", name.clone());
        spec.description = opt_text(&p.summary);
        spec.toc = body.toc.clone();
        spec.referenced_by = b.referenced_by(Kind::Persona, &e.id);
        b.doc(search::Document::new(
            "persona",
            name,
            path,
            text(&p.summary),
            &body.text,
        ));
        let data = PersonaPage {
            kind: persona_kind(e),
            summary: text(&p.summary),
            demographics: p
                .demographics
                .iter()
                .map(|(k, v)| Pair {
                    key: k.value.replace('_', " "),
                    value: v.value.clone(),
                })
                .collect(),
            goals: strings(&p.goals),
            pain_points: strings(&p.pain_points),
            objections: strings(&p.objections),
            channels: p.channels.iter().map(|c| channel_name(b, &c.value)).collect(),
            content_preferences: strings(&p.content_preferences),
            quotes: p
                .quotes
                .iter()
                .map(|q| Quote {
                    text: text(&q.value.text),
                    source: opt_text(&q.value.source),
                })
                .collect(),
            avatar: p
                .avatar
                .as_ref()
                .map(|a| a.value.trim_start_matches("static/").to_owned()),
            body: body.html,
        };
        b.emit(spec, &data)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- goals

fn progress_summary(
    b: &Builder,
    id: &str,
    title: String,
    metric: Option<&Entity<crate::model::content::Metric>>,
    baseline: Decimal,
    target: Decimal,
    p: &Progress,
) -> KeyResultSummary {
    let share = p.share.map(|s| (s * 100.0).round() as i64);
    let clamped = p.share.map(|s| s.clamp(0.0, 1.0));
    let label = format!("{title}: progress");
    KeyResultSummary {
        id: id.into(),
        title,
        metric: metric.and_then(|m| b.link(Kind::Metric, &m.id)),
        baseline: format::number(baseline),
        target: format::number(target),
        actual: p.actual.map(|a| format::number(a.round_dp(2))),
        progress_percent: share,
        expected_percent: (p.expected * 100.0).round() as i64,
        health: enum_name(&p.health),
        health_label: p.health.label().into(),
        bar: charts::progress_bar(&label, clamped.unwrap_or(0.0), Some(p.expected)),
    }
}

/// A goal's key results with their progress; with `cascade`, also the
/// rows of their cascades (goal pages show them, the goal tree does not).
fn key_results(b: &Builder, e: &Entity<crate::model::content::Goal>, cascade: bool) -> Vec<KeyResultDetail> {
    let fy = b.g.fy_start;
    let Some(period) = b.g.goal_period(&e.data) else {
        return Vec::new();
    };
    let range = period.range(fy);
    let mut out = Vec::new();
    for kr in &e.data.key_results {
        let k = &kr.value;
        let Some((metric, baseline, target)) = b.g.key_result(k) else {
            continue;
        };
        let kr_id = text(&k.id);
        let title = k.title.as_ref().map_or_else(
            || {
                // An internal metric's name stays out of public builds.
                let name = if b.g.visible(Kind::Metric, &metric.id) {
                    b.g.title(Kind::Metric, &metric.id)
                } else {
                    format!("Key result {kr_id}")
                };
                format!("{name} to {}", format::number(target))
            },
            |t| t.value.clone(),
        );
        let p = b.g.progress(&metric.data, &range, baseline, target);
        // Metrics of internal visibility stay out of a public build, and with
        // them the actuals derived from their measurements.
        let metric_visible = b.g.visible(Kind::Metric, &metric.id);
        let p = if metric_visible {
            p
        } else {
            Progress {
                actual: None,
                share: None,
                health: Health::NoData,
                ..p
            }
        };
        let summary = progress_summary(b, &kr_id, title, Some(metric), baseline, target, &p);
        let mut targets: Vec<(Period, Decimal)> = k
            .cascade
            .iter()
            .filter(|_| cascade)
            .filter_map(|(key, v)| Some((Period::parse(&key.value).ok()?, parse_decimal(&v.value.0).ok()?)))
            .collect();
        targets.sort_by_key(|(p, _)| (p.granularity(), p.range(fy).start));
        let rows = targets
            .into_iter()
            .map(|(per, t)| {
                let r = per.range(fy);
                let pr = b.g.progress(&metric.data, &r, baseline, t);
                let pr = if metric_visible {
                    pr
                } else {
                    Progress {
                        actual: None,
                        share: None,
                        health: Health::NoData,
                        ..pr
                    }
                };
                let (label, dates) = period_label(&per, fy);
                CascadeRow {
                    period: label,
                    dates,
                    target: format::number(t),
                    actual: pr.actual.map(|a| format::number(a.round_dp(2))),
                    health: enum_name(&pr.health),
                    health_label: pr.health.label().into(),
                }
            })
            .collect();
        out.push(KeyResultDetail {
            summary,
            direction: enum_name(&crate::graph::Graph::direction(&metric.data)),
            aggregation: metric
                .data
                .aggregation
                .as_ref()
                .map_or(String::new(), |a| enum_name(&a.value)),
            cascade: rows,
        });
    }
    out
}

/// Goals as a tree, depth first, top goals (and goals whose parent is not
/// in the build) at depth 0.
fn goal_tree(b: &Builder) -> Vec<GoalSummary> {
    let goals = visible(b, Kind::Goal, &b.g.raw.goals);
    let ids: BTreeSet<&str> = goals.iter().map(|g| g.id.as_str()).collect();
    let mut children: BTreeMap<Option<&str>, Vec<&Entity<crate::model::content::Goal>>> = BTreeMap::new();
    for g in &goals {
        let parent = g
            .data
            .parent
            .as_ref()
            .map(|p| p.value.as_str())
            .filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(g);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(&Entity<crate::model::content::Goal>, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|g| (*g, 0)).collect())
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    while let Some((g, depth)) = stack.pop() {
        if !seen.insert(g.id.as_str()) {
            continue;
        }
        out.push(GoalSummary {
            link: b.link(Kind::Goal, &g.id).expect("visible"),
            period: b.g.goal_period(&g.data).map_or(String::new(), |p| p.to_string()),
            owner: g.data.owner.as_ref().and_then(|o| b.link(Kind::Role, &o.value)),
            depth,
            key_results: key_results(b, g, false).into_iter().map(|k| k.summary).collect(),
        });
        if let Some(kids) = children.get(&Some(g.id.as_str())) {
            for k in kids.iter().rev() {
                stack.push((k, depth + 1));
            }
        }
    }
    out
}

fn goals(b: &mut Builder) -> R {
    let list = visible(b, Kind::Goal, &b.g.raw.goals);
    if list.is_empty() {
        return Ok(());
    }
    if b.begin(Job::Goals) {
        let tree = goal_tree(b);
        b.emit(
            PageSpec::new("goals/index.html", "goals.html", "goals", "Goals"),
            &Goals { goals: tree },
        )?;
    }
    for e in selected(b, Kind::Goal, &b.g.raw.goals, |j| match j {
        Job::Goal(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::Goal(e.id.clone())) {
            continue;
        }
        json_entry(b, "goals", e)?;
        let path = url(Kind::Goal, &e.id);
        let body = b.body(&path, e);
        let g = &e.data;
        let title = text(&g.title);
        let period = b.g.goal_period(g);
        let (period_text, dates) = period.map(|p| period_label(&p, b.g.fy_start)).unwrap_or_default();
        let pointers = pointers(b);
        let children = b.links(Kind::Goal, ids_at(&b.g.raw.goals, pointers.children.get(&e.id)));
        let campaigns = b.links(
            Kind::Campaign,
            ids_at(&b.g.raw.campaigns, pointers.campaigns.get(&e.id)),
        );
        let mut spec = PageSpec::new(path.clone(), "goal.html", "goals", title.clone());
        spec.description = Some(format!("{title} ({period_text})"));
        spec.toc = body.toc.clone();
        spec.referenced_by = b.referenced_by(Kind::Goal, &e.id);
        b.doc(search::Document::new(
            "goal",
            title,
            path,
            period_text.clone(),
            &body.text,
        ));
        let data = GoalPage {
            period: period_text,
            period_dates: dates,
            owner: g.owner.as_ref().and_then(|o| b.link(Kind::Role, &o.value)),
            parent: g.parent.as_ref().and_then(|p| b.link(Kind::Goal, &p.value)),
            children,
            personas: b.links(Kind::Persona, g.personas.iter().map(|p| p.value.as_str())),
            campaigns,
            key_results: key_results(b, e, true),
            body: body.html,
        };
        b.emit(spec, &data)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- metrics

fn metrics(b: &mut Builder) -> R {
    let list = visible(b, Kind::Metric, &b.g.raw.metrics);
    if list.is_empty() {
        return Ok(());
    }
    if b.begin(Job::Metrics) {
        let rows = list
            .iter()
            .map(|e| {
                let latest = e
                    .data
                    .measurements
                    .iter()
                    .filter_map(|m| {
                        Some((
                            parse_date(&m.value.date.as_ref()?.value.0).ok()?,
                            m.value.value.as_ref()?.value.0.clone(),
                        ))
                    })
                    .filter(|(d, _)| *d <= b.g.today)
                    .max_by_key(|(d, _)| *d)
                    .and_then(|(_, v)| parse_decimal(&v).ok().map(format::number));
                MetricRow {
                    link: b.link(Kind::Metric, &e.id).expect("visible"),
                    unit: e
                        .data
                        .unit
                        .as_ref()
                        .map_or(String::new(), |u| enum_name(&u.value)),
                    direction: e
                        .data
                        .direction
                        .as_ref()
                        .map_or(String::new(), |d| enum_name(&d.value)),
                    latest,
                    owner: e.data.owner.as_ref().and_then(|o| b.link(Kind::Role, &o.value)),
                }
            })
            .collect();
        b.emit(
            PageSpec::new("metrics/index.html", "metrics.html", "goals", "Metrics"),
            &Metrics { metrics: rows },
        )?;
    }
    for e in selected(b, Kind::Metric, &b.g.raw.metrics, |j| match j {
        Job::Metric(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::Metric(e.id.clone())) {
            continue;
        }
        json_entry(b, "metrics", e)?;
        let path = url(Kind::Metric, &e.id);
        let m = &e.data;
        let name = text(&m.name);
        let desc_html = m
            .description
            .as_ref()
            .map(|d| b.markdown(&path, &d.value))
            .unwrap_or_default();
        let mut measured: Vec<(Date, Decimal)> = m
            .measurements
            .iter()
            .filter_map(|x| {
                Some((
                    parse_date(&x.value.date.as_ref()?.value.0).ok()?,
                    parse_decimal(&x.value.value.as_ref()?.value.0).ok()?,
                ))
            })
            .collect();
        measured.sort();
        // Targets from key results that use this metric (visible goals only).
        let mut targets = Vec::new();
        let mut target_points: BTreeMap<Date, Decimal> = BTreeMap::new();
        // The goals that refer to the metric, not all goals: a metric page
        // costs the same however many goals the playbook has.
        let users: Vec<&Entity<crate::model::content::Goal>> = referring(b, Kind::Metric, &e.id, Kind::Goal)
            .filter_map(|id| b.g.goal(id))
            .collect();
        for g in users {
            for kr in &g.data.key_results {
                let k = &kr.value;
                if k.metric.as_ref().map(|x| x.value.as_str()) != Some(e.id.as_str()) {
                    continue;
                }
                let goal_link = b.link(Kind::Goal, &g.id).expect("visible");
                let mut entries: Vec<(Period, Decimal)> = Vec::new();
                if let (Some(p), Some(t)) = (
                    b.g.goal_period(&g.data),
                    k.target.as_ref().and_then(|t| parse_decimal(&t.value.0).ok()),
                ) {
                    entries.push((p, t));
                }
                for (key, v) in k.cascade.iter() {
                    if let (Ok(p), Ok(t)) = (Period::parse(&key.value), parse_decimal(&v.value.0)) {
                        entries.push((p, t));
                    }
                }
                entries.sort_by_key(|(p, _)| (p.granularity(), p.range(b.g.fy_start).start));
                for (p, t) in &entries {
                    targets.push(TargetRow {
                        goal: goal_link.clone(),
                        key_result: text(&k.id),
                        period: p.to_string(),
                        target: format::number(*t),
                    });
                    if p.granularity() == crate::model::period::Granularity::Month
                        || m.aggregation
                            .as_ref()
                            .is_some_and(|a| a.value == Aggregation::Last)
                            && p.granularity() <= crate::model::period::Granularity::Month
                    {
                        target_points.entry(p.range(b.g.fy_start).end).or_insert(*t);
                    }
                }
            }
        }
        let chart = metric_chart(&name, &measured, &target_points);
        let mut spec = PageSpec::new(path.clone(), "metric.html", "goals", name.clone());
        spec.description = opt_text(&m.definition);
        spec.referenced_by = b.referenced_by(Kind::Metric, &e.id);
        b.doc(search::Document::new(
            "metric",
            name,
            path,
            text(&m.definition),
            &desc_html.text,
        ));
        let data = MetricPage {
            definition: text(&m.definition),
            unit: m.unit.as_ref().map_or(String::new(), |u| enum_name(&u.value)),
            direction: m
                .direction
                .as_ref()
                .map_or(String::new(), |d| enum_name(&d.value)),
            aggregation: m
                .aggregation
                .as_ref()
                .map_or(String::new(), |a| enum_name(&a.value)),
            owner: m.owner.as_ref().and_then(|o| b.link(Kind::Role, &o.value)),
            measurements: measured
                .iter()
                .map(|(d, v)| Pair {
                    key: d.to_string(),
                    value: format::number(*v),
                })
                .collect(),
            targets,
            chart,
            body: desc_html.html,
        };
        b.emit(spec, &data)?;
    }
    Ok(())
}

fn metric_chart(name: &str, measured: &[(Date, Decimal)], targets: &BTreeMap<Date, Decimal>) -> String {
    let dates: BTreeSet<Date> = measured
        .iter()
        .map(|(d, _)| *d)
        .chain(targets.keys().copied())
        .collect();
    if dates.is_empty() {
        return String::new();
    }
    let labels: Vec<String> = dates.iter().map(|d| d.strftime("%b %Y").to_string()).collect();
    let measured_map: BTreeMap<Date, Decimal> = measured.iter().copied().collect();
    let series = vec![
        charts::Series {
            name: "Target".into(),
            class: "target".into(),
            values: dates
                .iter()
                .map(|d| targets.get(d).and_then(|v| v.to_f64()))
                .collect(),
        },
        charts::Series {
            name: "Measured".into(),
            class: "measured".into(),
            values: dates
                .iter()
                .map(|d| measured_map.get(d).and_then(|v| v.to_f64()))
                .collect(),
        },
    ];
    charts::line_chart(
        &format!("{name}: targets and measurements"),
        &format!("Targets from goals and measured values of {name} over time"),
        &labels,
        &series,
        &|v| format::number(Decimal::from_f64_retain(v).unwrap_or_default().round_dp(2)),
    )
}

// ---------------------------------------------------------------- campaigns

fn campaign_dates(c: &crate::model::content::Campaign) -> Option<DateRange> {
    Some(DateRange {
        start: parse_date(&c.start.as_ref()?.value.0).ok()?,
        end: parse_date(&c.end.as_ref()?.value.0).ok()?,
    })
}

fn campaign_status(b: &Builder, r: Option<DateRange>) -> String {
    match r {
        Some(r) if b.g.today < r.start => "upcoming".into(),
        Some(r) if b.g.today > r.end => "finished".into(),
        Some(_) => "running".into(),
        None => String::new(),
    }
}

fn campaigns(b: &mut Builder) -> R {
    let list = visible(b, Kind::Campaign, &b.g.raw.campaigns);
    if list.is_empty() {
        return Ok(());
    }
    if b.begin(Job::Campaigns) {
        let mut rows: Vec<CampaignRow> = list
            .iter()
            .map(|e| {
                let r = campaign_dates(&e.data);
                CampaignRow {
                    link: b.link(Kind::Campaign, &e.id).expect("visible"),
                    start: r.map(|r| format::date(r.start)).unwrap_or_default(),
                    end: r.map(|r| format::date(r.end)).unwrap_or_default(),
                    owner: e.data.owner.as_ref().and_then(|o| b.link(Kind::Role, &o.value)),
                    status: campaign_status(b, r),
                }
            })
            .collect();
        rows.sort_by_key(|r| r.start.clone());
        let timeline = timeline(b, &list, &super::root_of("campaigns/index.html"));
        b.emit(
            PageSpec::new("campaigns/index.html", "campaigns.html", "campaigns", "Campaigns"),
            &Campaigns {
                timeline,
                campaigns: rows,
            },
        )?;
    }
    for e in selected(b, Kind::Campaign, &b.g.raw.campaigns, |j| match j {
        Job::Campaign(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::Campaign(e.id.clone())) {
            continue;
        }
        json_entry(b, "campaigns", e)?;
        let path = url(Kind::Campaign, &e.id);
        let c = &e.data;
        let body = b.body(&path, e);
        let name = text(&c.name);
        let dates = campaign_dates(c);
        // The lines of the visible budgets that name this campaign, found
        // through the budgets that refer to it rather than all budgets.
        let matched: Vec<(
            &Entity<crate::model::budget::Budget>,
            &crate::model::budget::BudgetLine,
        )> = referring(b, Kind::Campaign, &e.id, Kind::Budget)
            .filter_map(|id| b.g.budget(id))
            .flat_map(|budget| {
                budget
                    .data
                    .lines
                    .iter()
                    .flat_map(|l| l.value.iter())
                    .map(move |line| (budget, &line.value))
            })
            .filter(|(_, line)| line.campaign.as_ref().is_some_and(|x| x.value == e.id))
            .collect();
        let lines: Vec<LineRow> = matched.iter().map(|&(e, l)| line_row(b, e, l)).collect();
        // Cost from visible budgets only: internal amounts stay out of public builds.
        // Costs are summed per currency; ROI only when cost and revenue
        // share one currency (there is no exchange-rate table).
        let mut costs: BTreeMap<&'static str, (Decimal, Option<Currency>)> = BTreeMap::new();
        let mut uses_planned = false;
        for &(budget, line) in &matched {
            let cur = budget_currency(b, budget);
            let amount = match line.actual.as_ref().and_then(|a| parse_decimal(&a.value.0).ok()) {
                Some(a) => a,
                None => {
                    uses_planned = true;
                    line.planned
                        .as_ref()
                        .and_then(|p| parse_decimal(&p.value.0).ok())
                        .unwrap_or_default()
                }
            };
            let entry = costs
                .entry(cur.map_or("", |c| c.code()))
                .or_insert((Decimal::ZERO, cur));
            entry.0 += amount;
        }
        let has_cost = !costs.is_empty();
        let revenue_currency = c
            .currency
            .as_ref()
            .and_then(|x| Currency::parse(&x.value).ok())
            .or(b.g.currency);
        let revenue = c
            .attributed_revenue
            .as_ref()
            .and_then(|r| parse_decimal(&r.value.0).ok());
        let single_cost = match costs.values().collect::<Vec<_>>().as_slice() {
            [(amount, cur)] if cur.map(|c| c.code()) == revenue_currency.map(|c| c.code()) => Some(*amount),
            _ => None,
        };
        let roi = match (revenue, single_cost) {
            (Some(rev), Some(cost)) if !cost.is_zero() => ((rev - cost) / cost).to_f64().map(format::percent),
            _ => None,
        };
        let cost_text = costs
            .values()
            .map(|(a, cur)| format::money(*a, cur.as_ref()))
            .collect::<Vec<_>>()
            .join(" + ");
        let events: Vec<Shown> = occurrences_of(b, Scope::Campaign(&e.id))
            .into_iter()
            .map(|o| o.1)
            .collect();
        let has_schedule = !events.is_empty();
        let mut spec = PageSpec::new(path.clone(), "campaign.html", "campaigns", name.clone());
        spec.description =
            dates.map(|r| format!("{name}: {} – {}", format::date(r.start), format::date(r.end)));
        spec.toc = body.toc.clone();
        spec.referenced_by = b.referenced_by(Kind::Campaign, &e.id);
        b.doc(search::Document::new(
            "campaign",
            name,
            path,
            spec.description.clone().unwrap_or_default(),
            &body.text,
        ));
        let mut goals: Vec<Link> = Vec::new();
        for g in &c.goals {
            let (goal, kr) = match g.value.split_once('#') {
                Some((g, k)) => (g, Some(k)),
                None => (g.value.as_str(), None),
            };
            if let Some(mut l) = b.link(Kind::Goal, goal) {
                if let Some(kr) = kr {
                    l.url = format!("{}#kr-{kr}", l.url);
                    l.title = format!("{} ({kr})", l.title);
                }
                goals.push(l);
            }
        }
        let data = CampaignPage {
            start: dates.map(|r| format::date(r.start)).unwrap_or_default(),
            end: dates.map(|r| format::date(r.end)).unwrap_or_default(),
            status: campaign_status(b, dates),
            owner: c.owner.as_ref().and_then(|o| b.link(Kind::Role, &o.value)),
            goals,
            personas: b.links(Kind::Persona, c.personas.iter().map(|p| p.value.as_str())),
            channels: c.channels.iter().map(|ch| channel_name(b, &ch.value)).collect(),
            events,
            lines,
            cost: has_cost.then_some(cost_text),
            cost_uses_planned: uses_planned,
            revenue: revenue.map(|r| format::money(r, revenue_currency.as_ref())),
            roi,
            schedule: has_schedule.then(|| format!("schedule/campaigns/{}/index.html", e.id)),
            body: body.html,
        };
        b.emit(spec, &data)?;
    }
    Ok(())
}

/// An SVG timeline (Gantt bars) of the campaigns, drawn here because its
/// geometry is data, not style.
fn timeline(b: &Builder, list: &[&Entity<crate::model::content::Campaign>], root: &str) -> String {
    let mut items: Vec<(String, DateRange, String)> = list
        .iter()
        .filter_map(|e| {
            Some((
                text(&e.data.name),
                campaign_dates(&e.data)?,
                url(Kind::Campaign, &e.id),
            ))
        })
        .collect();
    if items.is_empty() {
        return String::new();
    }
    items.sort_by_key(|(_, r, _)| r.start);
    let start = items
        .iter()
        .map(|(_, r, _)| r.start)
        .min()
        .expect("items")
        .first_of_month();
    let end = items
        .iter()
        .map(|(_, r, _)| r.end)
        .max()
        .expect("items")
        .last_of_month();
    let days = ((end - start).get_days() + 1).max(1) as f64;
    let (w, label_w, row_h) = (800.0, 180.0, 28.0);
    let h = 30.0 + row_h * items.len() as f64;
    let x = |d: Date| label_w + ((d - start).get_days() as f64 / days) * (w - label_w - 10.0);
    let mut svg = format!(
        "<figure class=\"chart timeline\"><svg class=\"chart-svg\" viewBox=\"0 0 {w} {h}\" role=\"group\" aria-labelledby=\"timeline-title\"><title id=\"timeline-title\">Campaign timeline</title>"
    );
    let mut m = start;
    while m <= end {
        let xm = x(m);
        svg.push_str(&format!(
            "<line class=\"grid\" x1=\"{xm:.1}\" y1=\"20\" x2=\"{xm:.1}\" y2=\"{h}\"/><text class=\"axis\" x=\"{:.1}\" y=\"14\">{}</text>",
            xm + 2.0,
            m.strftime("%b")
        ));
        m = m.last_of_month().tomorrow().unwrap_or(end);
        if m == end {
            break;
        }
    }
    if b.g.today >= start && b.g.today <= end {
        let xt = x(b.g.today);
        svg.push_str(&format!(
            "<line class=\"today\" x1=\"{xt:.1}\" y1=\"20\" x2=\"{xt:.1}\" y2=\"{h}\"/>"
        ));
    }
    for (i, (name, r, page)) in items.iter().enumerate() {
        let y = 24.0 + row_h * i as f64;
        let (x1, x2) = (x(r.start), x(r.end.tomorrow().unwrap_or(r.end)));
        // Long names are cut to fit the label column; the tooltip and the
        // table below the chart have them whole.
        let short: String = if name.chars().count() > 24 {
            name.chars().take(23).collect::<String>() + "…"
        } else {
            name.clone()
        };
        let full = super::markdown::escape_attr(name);
        svg.push_str(&format!(
            "<a href=\"{root}{page}\"><title>{full}: {} – {}</title><text class=\"label\" x=\"0\" y=\"{:.1}\">{}</text><rect class=\"bar series-campaign\" x=\"{x1:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\"/></a>",
            format::date(r.start),
            format::date(r.end),
            y + 15.0,
            super::markdown::escape_attr(&short),
            (x2 - x1).max(2.0),
            row_h - 8.0,
        ));
    }
    svg.push_str("</svg><figcaption>Campaign timeline</figcaption></figure>");
    svg
}

// ---------------------------------------------------------------- budgets

fn budget_currency(b: &Builder, e: &Entity<crate::model::budget::Budget>) -> Option<Currency> {
    match &e.data.currency {
        Some(c) => Currency::parse(&c.value).ok(),
        None => b.g.currency,
    }
}

/// Ids of the visible entities of kind `from` that refer to `(kind, id)`,
/// in id order.
fn referring<'a>(b: &'a Builder, kind: Kind, id: &str, from: Kind) -> impl Iterator<Item = &'a str> {
    b.g.backlinks
        .get(&(kind, id.to_owned()))
        .into_iter()
        .flatten()
        .filter(move |(k, i)| *k == from && b.g.visible(*k, i))
        .map(|(_, i)| i.as_str())
}

fn line_row(
    b: &Builder,
    budget: &Entity<crate::model::budget::Budget>,
    l: &crate::model::budget::BudgetLine,
) -> LineRow {
    let cur = budget_currency(b, budget);
    let planned = l
        .planned
        .as_ref()
        .and_then(|p| parse_decimal(&p.value.0).ok())
        .unwrap_or_default();
    let actual = l.actual.as_ref().and_then(|a| parse_decimal(&a.value.0).ok());
    let period = period_of(l.period.as_ref()).or_else(|| period_of(budget.data.period.as_ref()));
    LineRow {
        id: text(&l.id),
        title: l
            .title
            .as_ref()
            .map_or_else(|| text(&l.id).replace('-', " "), |t| t.value.clone()),
        budget: b.link(Kind::Budget, &budget.id),
        category: l.category.as_ref().map_or(String::new(), |c| enum_name(&c.value)),
        channel: l.channel.as_ref().map(|c| channel_name(b, &c.value)),
        campaign: l.campaign.as_ref().and_then(|c| b.link(Kind::Campaign, &c.value)),
        period: period.map_or(String::new(), |p| p.to_string()),
        planned: format::money(planned, cur.as_ref()),
        actual: actual.map(|a| format::money(a, cur.as_ref())),
        over: actual.is_some_and(|a| a > planned),
    }
}

fn sums(e: &Entity<crate::model::budget::Budget>) -> (Decimal, Decimal, Decimal) {
    let total = e
        .data
        .total
        .as_ref()
        .and_then(|t| parse_decimal(&t.value.0).ok())
        .unwrap_or_default();
    let mut planned = Decimal::ZERO;
    let mut actual = Decimal::ZERO;
    for l in e.data.lines.iter().flat_map(|l| l.value.iter()) {
        planned += l
            .value
            .planned
            .as_ref()
            .and_then(|p| parse_decimal(&p.value.0).ok())
            .unwrap_or_default();
        actual += l
            .value
            .actual
            .as_ref()
            .and_then(|a| parse_decimal(&a.value.0).ok())
            .unwrap_or_default();
    }
    (total, planned, actual)
}

fn budget_summary(b: &Builder, e: &Entity<crate::model::budget::Budget>) -> BudgetSummary {
    let cur = budget_currency(b, e);
    let (total, planned, actual) = sums(e);
    BudgetSummary {
        link: b.link(Kind::Budget, &e.id).expect("visible"),
        period: period_of(e.data.period.as_ref()).map_or(String::new(), |p| p.to_string()),
        total: format::money(total, cur.as_ref()),
        planned: format::money(planned, cur.as_ref()),
        actual: format::money(actual, cur.as_ref()),
        spent_percent: if total.is_zero() {
            0
        } else {
            ((actual / total).to_f64().unwrap_or(0.0) * 100.0).round() as i64
        },
    }
}

/// A bar chart of planned against actual spending, one group per row.
fn planned_vs_actual(
    title: &str,
    per: &str,
    rows: &[(String, Option<String>, Decimal, Decimal)],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    charts::bar_chart(
        &format!("{title}: planned and actual by {per}"),
        &format!("Planned and actual spending per {per}"),
        &rows.iter().map(|(l, ..)| l.clone()).collect::<Vec<_>>(),
        &[
            charts::Series {
                name: "Planned".into(),
                class: "planned".into(),
                values: rows.iter().map(|(_, _, p, _)| p.to_f64()).collect(),
            },
            charts::Series {
                name: "Actual".into(),
                class: "actual".into(),
                values: rows.iter().map(|(_, _, _, a)| a.to_f64()).collect(),
            },
        ],
        fmt,
    )
}

/// The quarter a budget line falls in (fiscal quarters when the fiscal
/// year does not start in January; a week by its Thursday), or, for a line
/// that spans more than a quarter, its own period.
fn quarter_label(p: &Period, fy: u8) -> String {
    use crate::model::period::Granularity;
    let r = p.range(fy);
    let g = p.granularity();
    let coarse = g < Granularity::Quarter
        || (g == Granularity::Custom && quarter_of(r.start, fy) != quarter_of(r.end, fy));
    if coarse {
        return format!("{p} (not split by quarter)");
    }
    quarter_of(p.anchor().unwrap_or(r.start), fy)
}

fn quarter_of(day: Date, fy: u8) -> String {
    let month = day.month() as u8;
    if fy == 1 {
        format!("{}-Q{}", day.year(), (month - 1) / 3 + 1)
    } else {
        // Months since the fiscal year began, and the year it ends in.
        let offset = (month + 12 - fy) % 12;
        let fy_year = if month >= fy { day.year() + 1 } else { day.year() };
        format!("FY{fy_year}-Q{}", offset / 3 + 1)
    }
}

/// Groups a budget line under a label (and the URL of what it names).
type LineKey<'a> = dyn Fn(&crate::model::budget::BudgetLine) -> Option<(String, Option<String>)> + 'a;

fn budgets(b: &mut Builder) -> R {
    let list = visible(b, Kind::Budget, &b.g.raw.budgets);
    if list.is_empty() {
        return Ok(());
    }
    if b.begin(Job::Budgets) {
        let summaries = list.iter().map(|e| budget_summary(b, e)).collect();
        b.emit(
            PageSpec::new("budgets/index.html", "budgets.html", "budgets", "Budgets"),
            &Budgets { budgets: summaries },
        )?;
    }
    for e in selected(b, Kind::Budget, &b.g.raw.budgets, |j| match j {
        Job::Budget(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::Budget(e.id.clone())) {
            continue;
        }
        json_entry(b, "budgets", e)?;
        let path = url(Kind::Budget, &e.id);
        let cur = budget_currency(b, e);
        let (total, planned, actual) = sums(e);
        let title = text(&e.data.title);
        let budget_period = period_of(e.data.period.as_ref());
        let lines: Vec<&crate::model::budget::BudgetLine> = e
            .data
            .lines
            .iter()
            .flat_map(|l| l.value.iter())
            .map(|l| &l.value)
            .collect();
        let money = |d: Decimal| format::money(d, cur.as_ref());
        let share = |d: Decimal| {
            if total.is_zero() {
                "—".to_owned()
            } else {
                format::percent((d / total).to_f64().unwrap_or(0.0))
            }
        };
        let group = |key: &LineKey| {
            let mut m: BTreeMap<String, (Option<String>, Decimal, Decimal)> = BTreeMap::new();
            for l in &lines {
                let Some((label, url)) = key(l) else { continue };
                let entry = m.entry(label).or_insert((url, Decimal::ZERO, Decimal::ZERO));
                entry.1 += l
                    .planned
                    .as_ref()
                    .and_then(|p| parse_decimal(&p.value.0).ok())
                    .unwrap_or_default();
                entry.2 += l
                    .actual
                    .as_ref()
                    .and_then(|a| parse_decimal(&a.value.0).ok())
                    .unwrap_or_default();
            }
            m.into_iter()
                .map(|(label, (url, p, a))| (label, url, p, a))
                .collect::<Vec<_>>()
        };
        let by_category = group(&|l| {
            Some((
                l.category
                    .as_ref()
                    .map_or("other".into(), |c| enum_name(&c.value)),
                None,
            ))
        });
        let by_channel = group(&|l| {
            Some((
                l.channel
                    .as_ref()
                    .map_or("(no channel)".into(), |c| channel_name(b, &c.value)),
                None,
            ))
        });
        let fy = b.g.fy_start;
        let by_quarter = group(&|l| {
            let p = period_of(l.period.as_ref()).or(budget_period)?;
            Some((quarter_label(&p, fy), None))
        });
        let by_campaign = group(&|l| {
            let c = l.campaign.as_ref()?;
            let link = b.link(Kind::Campaign, &c.value)?;
            Some((link.title, Some(link.url)))
        });
        let to_rows = |v: &[(String, Option<String>, Decimal, Decimal)]| -> Vec<Breakdown> {
            v.iter()
                .map(|(label, url, p, a)| Breakdown {
                    label: label.clone(),
                    url: url.clone(),
                    planned: money(*p),
                    actual: money(*a),
                    share: share(*p),
                })
                .collect()
        };
        let code = cur.map_or("", |c| c.code());
        let fmt = |v: f64| format!("{} {code}", format::compact(v)).trim_end().to_owned();
        let category_chart = charts::hbar_chart(
            &format!("{title}: planned by category"),
            "Planned spending per category",
            &by_category
                .iter()
                .map(|(l, _, p, _)| (l.clone(), p.to_f64().unwrap_or(0.0)))
                .collect::<Vec<_>>(),
            &fmt,
        );
        let channel_chart = planned_vs_actual(&title, "channel", &by_channel, &fmt);
        let quarter_chart = planned_vs_actual(&title, "quarter", &by_quarter, &fmt);
        let desc = e
            .data
            .description
            .as_ref()
            .map(|d| b.markdown(&path, &d.value))
            .unwrap_or_default();
        let mut spec = PageSpec::new(path.clone(), "budget.html", "budgets", title.clone());
        spec.description = Some(format!("{title}: {} planned of {}", money(planned), money(total)));
        spec.referenced_by = b.referenced_by(Kind::Budget, &e.id);
        b.doc(search::Document::new(
            "budget",
            title,
            path,
            spec.description.clone().unwrap_or_default(),
            &desc.text,
        ));
        let data = BudgetPage {
            period: budget_period.map_or(String::new(), |p| p.to_string()),
            currency: cur.map_or(String::new(), |c| c.code().to_owned()),
            owner: e.data.owner.as_ref().and_then(|o| b.link(Kind::Role, &o.value)),
            total: money(total),
            planned: money(planned),
            actual: money(actual),
            remaining: money(total - actual),
            lines: lines.iter().map(|l| line_row(b, e, l)).collect(),
            by_category: to_rows(&by_category),
            by_channel: to_rows(&by_channel),
            by_quarter: to_rows(&by_quarter),
            by_campaign: to_rows(&by_campaign),
            category_chart,
            channel_chart,
            quarter_chart,
            body: desc.html,
        };
        b.emit(spec, &data)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- roles

fn is_open(b: &Builder, r: &Role) -> (bool, bool) {
    let Some(h) = &r.hiring else { return (false, false) };
    let open = h.value.open.as_ref().is_some_and(|o| o.value);
    let expired = h
        .value
        .valid_through
        .as_ref()
        .and_then(|d| parse_date(&d.value.0).ok())
        .is_some_and(|d| d < b.g.today);
    (open, expired)
}

fn employment_label(t: &[crate::model::Located<EmploymentType>]) -> String {
    t.iter()
        .map(|e| enum_name(&e.value).replace('_', " ").to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

fn location_label(h: &crate::model::role::Hiring) -> String {
    let Some(l) = &h.location else {
        return if h.applicant_countries.is_empty() {
            String::new()
        } else {
            format!("Remote ({})", strings(&h.applicant_countries).join(", "))
        };
    };
    let l = &l.value;
    let place: Vec<String> = [&l.locality, &l.region, &l.country]
        .iter()
        .filter_map(|v| opt_text(v))
        .collect();
    let mode = match l.remote.as_ref().map(|r| r.value) {
        Some(Remote::Remote) => Some("remote"),
        Some(Remote::Hybrid) => Some("hybrid"),
        Some(Remote::Onsite) => Some("on site"),
        None => None,
    };
    match (place.is_empty(), mode) {
        (false, Some(m)) => format!("{} ({m})", place.join(", ")),
        (false, None) => place.join(", "),
        (true, Some(m)) => {
            let countries = strings(&h.applicant_countries).join(", ");
            if countries.is_empty() {
                m.to_owned()
            } else {
                format!("{m} ({countries})")
            }
        }
        (true, None) => String::new(),
    }
}

fn open_jobs(b: &Builder) -> Vec<JobSummary> {
    visible(b, Kind::Role, &b.g.raw.roles)
        .into_iter()
        .filter(|e| is_open(b, &e.data) == (true, false))
        .filter_map(|e| {
            let h = &e.data.hiring.as_ref()?.value;
            Some(JobSummary {
                link: b.link(Kind::Role, &e.id)?,
                department: e
                    .data
                    .department
                    .as_ref()
                    .map_or(String::new(), |d| department_name(b, &d.value)),
                location: location_label(h),
                employment: employment_label(&h.employment_type),
                date_posted: h
                    .date_posted
                    .as_ref()
                    .and_then(|d| parse_date(&d.value.0).ok())
                    .map(format::date)
                    .unwrap_or_default(),
                valid_through: h
                    .valid_through
                    .as_ref()
                    .and_then(|d| parse_date(&d.value.0).ok())
                    .map(format::date),
            })
        })
        .collect()
}

fn to_link(b: &Builder, id: &str) -> (Option<Link>, String) {
    if let Some(l) = b.link(Kind::Role, id) {
        let t = l.title.clone();
        return (Some(l), t);
    }
    if b.g.role(id).is_some() {
        // An internal role in a public build: keep the department-level name out too.
        return (None, "another team".into());
    }
    (None, department_name(b, id))
}

fn roles(b: &mut Builder) -> R {
    let list = visible(b, Kind::Role, &b.g.raw.roles);
    if list.is_empty() {
        return Ok(());
    }
    if b.begin(Job::Roles) {
        // Org chart: depth-first from roles whose manager is not in the build.
        let ids: BTreeSet<&str> = list.iter().map(|e| e.id.as_str()).collect();
        let mut reports: BTreeMap<Option<&str>, Vec<&Entity<Role>>> = BTreeMap::new();
        for e in &list {
            let boss = e
                .data
                .reports_to
                .as_ref()
                .map(|r| r.value.as_str())
                .filter(|r| ids.contains(r));
            reports.entry(boss).or_default().push(e);
        }
        let mut chart: Vec<OrgNode> = Vec::new();
        let mut stack: Vec<(&Entity<Role>, usize)> = reports
            .get(&None)
            .map(|v| v.iter().rev().map(|e| (*e, 0)).collect())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some((e, depth)) = stack.pop() {
            if !seen.insert(e.id.as_str()) {
                continue;
            }
            chart.push(OrgNode {
                link: b.link(Kind::Role, &e.id).expect("visible"),
                depth,
                department: e
                    .data
                    .department
                    .as_ref()
                    .map_or(String::new(), |d| department_name(b, &d.value)),
                open: 0,
                close: 0,
                hiring: is_open(b, &e.data) == (true, false),
            });
            for k in reports.get(&Some(e.id.as_str())).into_iter().flatten().rev() {
                stack.push((k, depth + 1));
            }
        }
        // Nesting for templates: how many lists open before and close after each node.
        for i in 0..chart.len() {
            let next = chart.get(i + 1).map_or(0, |n| n.depth);
            let d = chart[i].depth;
            chart[i].open = next.saturating_sub(d);
            chart[i].close = d.saturating_sub(next);
        }
        let mut departments: BTreeMap<String, Vec<Link>> = BTreeMap::new();
        for e in &list {
            let d = e
                .data
                .department
                .as_ref()
                .map_or(String::new(), |d| department_name(b, &d.value));
            departments
                .entry(d)
                .or_default()
                .push(b.link(Kind::Role, &e.id).expect("visible"));
        }
        let departments = departments
            .into_iter()
            .map(|(name, roles)| DepartmentRoles { name, roles })
            .collect();
        b.emit(
            PageSpec::new("roles/index.html", "roles.html", "roles", "Roles"),
            &Roles { chart, departments },
        )?;
    }
    let host = feeds::uid_host(b.base_url.as_deref());
    for e in selected(b, Kind::Role, &b.g.raw.roles, |j| match j {
        Job::Role(id) => Some(id),
        _ => None,
    }) {
        if b.begin(Job::Role(e.id.clone())) {
            json_entry(b, "roles", e)?;
            role(b, e, &host)?;
        }
    }
    Ok(())
}

fn role(b: &mut Builder, e: &Entity<Role>, host: &str) -> R {
    let path = url(Kind::Role, &e.id);
    let r = &e.data;
    let body = b.body(&path, e);
    let title = text(&r.title);
    let responsibilities: Vec<AreaView> = r
        .responsibilities
        .iter()
        .flat_map(|a| a.value.iter())
        .map(|a| AreaView {
            area: text(&a.value.area),
            items: a
                .value
                .items
                .iter()
                .map(|i| ItemView {
                    text: i.text().map_or(String::new(), |t| t.value),
                    cadence: i.value.cadence.as_ref().map(|c| c.value.clone()),
                    kpis: b.links(Kind::Metric, i.value.kpis.iter().map(|k| k.value.as_str())),
                })
                .collect(),
        })
        .collect();
    let (open, expired) = is_open(b, r);
    let posting = r.hiring.as_ref().map(|h| {
        let h = &h.value;
        let salary = h.salary.as_ref().map(|s| {
            let s = &s.value;
            let cur = s
                .currency
                .as_ref()
                .and_then(|c| Currency::parse(&c.value).ok())
                .or(b.g.currency);
            let amount = |n: &Option<crate::model::Located<crate::model::Number>>| {
                n.as_ref()
                    .and_then(|n| parse_decimal(&n.value.0).ok())
                    .map(|d| format::money(d, cur.as_ref()))
            };
            let per = s.per.as_ref().map_or("year", |p| match p.value {
                SalaryPer::Hour => "hour",
                SalaryPer::Day => "day",
                SalaryPer::Week => "week",
                SalaryPer::Month => "month",
                SalaryPer::Year => "year",
            });
            match (amount(&s.min), amount(&s.max)) {
                (Some(a), Some(z)) => format!("{a} – {z} per {per}"),
                (Some(a), None) => format!("from {a} per {per}"),
                (None, Some(z)) => format!("up to {z} per {per}"),
                (None, None) => String::new(),
            }
        });
        Posting {
            open,
            expired,
            date_posted: h
                .date_posted
                .as_ref()
                .and_then(|d| parse_date(&d.value.0).ok())
                .map(format::date),
            valid_through: h
                .valid_through
                .as_ref()
                .and_then(|d| parse_date(&d.value.0).ok())
                .map(format::date),
            employment: employment_label(&h.employment_type),
            location: location_label(h),
            salary: salary.filter(|s| !s.is_empty()),
            apply_url: opt_text(&h.apply_url),
        }
    });
    let json_ld = (open && !expired).then(|| jsonld::to_script(&job_posting(b, e, &body.html)));
    let duties_feed = feeds::has_duties(r).then(|| format!("roles/{}/duties.ics", e.id));
    if duties_feed.is_some() {
        let canonical = b
            .base_url
            .as_ref()
            .map(|u| format!("{u}{path}").replace("index.html", ""));
        b.add_file(
            format!("roles/{}/duties.ics", e.id),
            feeds::duties(b.g, &e.id, r, host, canonical).into_bytes(),
        )?;
    }
    let reports = b.links(Kind::Role, ids_at(&b.g.raw.roles, pointers(b).reports.get(&e.id)));
    let experience = r.experience.as_ref().and_then(|x| {
        let min = x.value.min_years.as_ref().map(|n| n.value.0.clone());
        let max = x.value.max_years.as_ref().map(|n| n.value.0.clone());
        match (min, max) {
            (Some(a), Some(z)) => Some(format!("{a}–{z} years")),
            (Some(a), None) => Some(format!("{a}+ years")),
            (None, Some(z)) => Some(format!("up to {z} years")),
            (None, None) => None,
        }
    });
    let mut spec = PageSpec::new(path.clone(), "role.html", "roles", title.clone());
    spec.description = opt_text(&r.summary);
    spec.toc = body.toc.clone();
    spec.referenced_by = b.referenced_by(Kind::Role, &e.id);
    spec.json_ld = json_ld;
    if let Some(f) = &duties_feed {
        spec.feeds.push(Link {
            title: format!("{title}: duties"),
            url: f.clone(),
            kind: "ics".into(),
        });
    }
    let search_text = format!(
        "{} {}",
        responsibilities
            .iter()
            .flat_map(|a| a.items.iter().map(|i| i.text.as_str()))
            .collect::<Vec<_>>()
            .join(" "),
        body.text
    );
    b.doc(search::Document::new(
        "role",
        title,
        path.clone(),
        text(&r.summary),
        &search_text,
    ));
    let data = RolePage {
        department: r
            .department
            .as_ref()
            .map_or(String::new(), |d| department_name(b, &d.value)),
        reports_to: r.reports_to.as_ref().and_then(|t| b.link(Kind::Role, &t.value)),
        reports,
        summary: text(&r.summary),
        responsibilities,
        not_responsible_for: r
            .not_responsible_for
            .iter()
            .map(|x| {
                let owner = text(&x.value.owner);
                let (link, name) = to_link(b, &owner);
                Exclusion {
                    text: text(&x.value.text),
                    owner: link,
                    owner_name: name,
                }
            })
            .collect(),
        authority: strings(&r.authority),
        escalations: r
            .escalations
            .iter()
            .map(|x| {
                let (link, name) = to_link(b, &text(&x.value.to));
                EscalationView {
                    topic: text(&x.value.topic),
                    to: link,
                    to_name: name,
                    private: x.value.private.as_ref().is_some_and(|p| p.value),
                }
            })
            .collect(),
        kpis: b.links(Kind::Metric, r.kpis.iter().map(|k| k.value.as_str())),
        qualifications_required: r
            .qualifications
            .as_ref()
            .map(|q| strings(&q.required))
            .unwrap_or_default(),
        qualifications_preferred: r
            .qualifications
            .as_ref()
            .map(|q| strings(&q.preferred))
            .unwrap_or_default(),
        skills: strings(&r.skills),
        experience,
        education: opt_text(&r.education),
        posting,
        duties_feed,
        schedule: (!occurrences_of(b, Scope::Owner(&e.id)).is_empty())
            .then(|| format!("schedule/roles/{}/index.html", e.id)),
        body: body.html,
    };
    b.emit(spec, &data)
}

fn job_posting(b: &Builder, e: &Entity<Role>, body_html: &str) -> jsonld::JobPosting {
    let r = &e.data;
    let h = r.hiring.as_ref().map(|h| &h.value);
    let list = |items: Vec<String>| (!items.is_empty()).then(|| items.join("\n"));
    let responsibilities = list(
        r.responsibilities
            .iter()
            .flat_map(|a| a.value.iter())
            .flat_map(|a| a.value.items.iter())
            .filter_map(|i| i.text().map(|t| t.value))
            .collect(),
    );
    let mut description = format!("<p>{}</p>", super::markdown::escape_attr(&text(&r.summary)));
    description.push_str(body_html);
    let location = h.and_then(|h| h.location.as_ref()).map(|l| &l.value);
    let remote = location.and_then(|l| l.remote.as_ref()).map(|r| r.value);
    let has_place = location.is_some_and(|l| l.locality.is_some() || l.country.is_some());
    let salary = h.and_then(|h| h.salary.as_ref()).map(|s| &s.value).and_then(|s| {
        let cur = s
            .currency
            .as_ref()
            .map(|c| c.value.clone())
            .or_else(|| b.g.currency.map(|c| c.code().to_owned()))?;
        let num = |n: &Option<crate::model::Located<crate::model::Number>>| {
            n.as_ref()
                .and_then(|n| serde_json::from_str::<serde_json::Number>(&n.value.0).ok())
        };
        Some(jsonld::MonetaryAmount {
            kind: "MonetaryAmount",
            currency: cur,
            value: jsonld::QuantitativeValue {
                kind: "QuantitativeValue",
                min_value: num(&s.min),
                max_value: num(&s.max),
                unit_text: s.per.as_ref().map_or("YEAR".into(), |p| enum_name(&p.value)),
            },
        })
    });
    let org_name = b
        .site
        .organization
        .clone()
        .unwrap_or_else(|| b.site.title.clone());
    let abs = |rel: &str| b.base_url.as_ref().map(|u| format!("{u}{rel}"));
    let months = r
        .experience
        .as_ref()
        .and_then(|x| x.value.min_years.as_ref())
        .and_then(|n| n.value.0.parse::<f64>().ok())
        .map(|y| (y * 12.0).round() as u32);
    jsonld::JobPosting {
        context: "https://schema.org/",
        kind: "JobPosting",
        title: text(&r.title),
        description,
        identifier: jsonld::PropertyValue {
            kind: "PropertyValue",
            name: org_name.clone(),
            value: e.id.clone(),
        },
        date_posted: h
            .and_then(|h| h.date_posted.as_ref())
            .map_or(String::new(), |d| d.value.0.clone()),
        valid_through: h
            .and_then(|h| h.valid_through.as_ref())
            .map(|d| format!("{}T23:59:59", d.value.0)),
        employment_type: h
            .map(|h| h.employment_type.iter().map(|t| enum_name(&t.value)).collect())
            .unwrap_or_default(),
        hiring_organization: jsonld::Organization {
            kind: "Organization",
            name: org_name,
            same_as: b.site.organization_url.clone(),
            logo: b.site.logo.as_ref().and_then(|l| abs(l)),
        },
        job_location: has_place.then(|| {
            let l = location.expect("has place");
            jsonld::Place {
                kind: "Place",
                address: jsonld::PostalAddress {
                    kind: "PostalAddress",
                    street_address: opt_text(&l.street),
                    address_locality: opt_text(&l.locality),
                    address_region: opt_text(&l.region),
                    postal_code: opt_text(&l.postal_code),
                    address_country: opt_text(&l.country),
                },
            }
        }),
        job_location_type: (remote == Some(Remote::Remote)).then_some("TELECOMMUTE"),
        applicant_location_requirements: h
            .map(|h| {
                h.applicant_countries
                    .iter()
                    .map(|c| jsonld::Country {
                        kind: "Country",
                        name: c.value.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        base_salary: salary,
        direct_apply: h.and_then(|h| h.apply_url.as_ref()).map(|_| true),
        url: h
            .and_then(|h| h.apply_url.as_ref())
            .map(|u| u.value.clone())
            .or_else(|| abs(&url(Kind::Role, &e.id))),
        responsibilities,
        qualifications: list(
            r.qualifications
                .as_ref()
                .map(|q| {
                    strings(&q.required)
                        .into_iter()
                        .chain(strings(&q.preferred))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        skills: list(strings(&r.skills)),
        education_requirements: r.education.as_ref().and_then(|e| credential(&e.value)).map(|c| {
            jsonld::EducationalCredential {
                kind: "EducationalOccupationalCredential",
                credential_category: c.into(),
            }
        }),
        experience_in_place_of_education: r
            .education
            .as_ref()
            .is_some_and(|e| e.value.to_lowercase().contains("equivalent experience"))
            .then_some(true),
        experience_requirements: months.map(|m| jsonld::ExperienceRequirements {
            kind: "OccupationalExperienceRequirements",
            months_of_experience: m,
        }),
        occupational_category: r.department.as_ref().map(|d| department_name(b, &d.value)),
    }
}

/// Schema.org's credential categories, recognised in the education text.
fn credential(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    [
        ("doctor", "postgraduate degree"),
        ("phd", "postgraduate degree"),
        ("master", "postgraduate degree"),
        ("postgraduate", "postgraduate degree"),
        ("bachelor", "bachelor degree"),
        ("associate", "associate degree"),
        ("certificat", "professional certificate"),
        ("high school", "high school"),
    ]
    .into_iter()
    .find(|(k, _)| t.contains(k))
    .map(|(_, c)| c)
}

fn jobs_page(b: &mut Builder) -> R {
    if !b.begin(Job::Jobs) {
        return Ok(());
    }
    if visible(b, Kind::Role, &b.g.raw.roles).is_empty() {
        return Ok(());
    }
    let jobs = open_jobs(b);
    b.emit(
        PageSpec::new("jobs/index.html", "jobs.html", "jobs", "Open positions"),
        &Jobs { jobs },
    )
}

fn routing(b: &mut Builder) -> R {
    if !b.begin(Job::Routing) {
        return Ok(());
    }
    let list = visible(b, Kind::Role, &b.g.raw.roles);
    if list.is_empty() {
        return Ok(());
    }
    let mut escalations = Vec::new();
    let mut exclusions = Vec::new();
    for e in &list {
        let from = b.link(Kind::Role, &e.id).expect("visible");
        for x in &e.data.escalations {
            let (to, to_name) = to_link(b, &text(&x.value.to));
            escalations.push(RouteRow {
                topic: text(&x.value.topic),
                from: from.clone(),
                to,
                to_name,
                private: x.value.private.as_ref().is_some_and(|p| p.value),
            });
        }
        for x in &e.data.not_responsible_for {
            let (to, to_name) = to_link(b, &text(&x.value.owner));
            exclusions.push(RouteRow {
                topic: text(&x.value.text),
                from: from.clone(),
                to,
                to_name,
                private: false,
            });
        }
    }
    escalations.sort_by(|a, c| {
        (a.topic.to_lowercase(), &a.from.title).cmp(&(c.topic.to_lowercase(), &c.from.title))
    });
    exclusions.sort_by(|a, c| {
        (a.topic.to_lowercase(), &a.from.title).cmp(&(c.topic.to_lowercase(), &c.from.title))
    });
    let mut spec = PageSpec::new(
        "routing/index.html",
        "routing.html",
        "routing",
        "Who handles what",
    );
    spec.description = Some("Every escalation topic and exclusion, and who owns it".into());
    b.emit(
        spec,
        &Routing {
            escalations,
            exclusions,
        },
    )
}

fn raci(b: &mut Builder) -> R {
    if !b.begin(Job::Raci) {
        return Ok(());
    }
    let list = visible(b, Kind::Role, &b.g.raw.roles);
    if list.is_empty() {
        return Ok(());
    }
    let roles: Vec<Link> = list
        .iter()
        .map(|e| b.link(Kind::Role, &e.id).expect("visible"))
        .collect();
    let mut areas: Vec<String> = Vec::new();
    for e in &list {
        for a in e.data.responsibilities.iter().flat_map(|a| a.value.iter()) {
            let name = text(&a.value.area);
            if !areas.contains(&name) {
                areas.push(name);
            }
        }
    }
    let rows = areas
        .into_iter()
        .map(|area| RaciRow {
            cells: list
                .iter()
                .map(|e| {
                    e.data
                        .responsibilities
                        .iter()
                        .flat_map(|a| a.value.iter())
                        .filter(|a| text(&a.value.area) == area)
                        .flat_map(|a| a.value.items.iter().filter_map(|i| i.text().map(|t| t.value)))
                        .collect()
                })
                .collect(),
            area,
        })
        .collect();
    let mut spec = PageSpec::new(
        "raci/index.html",
        "raci.html",
        "roles",
        "Responsibilities by role",
    );
    spec.description = Some("Each role's responsibilities, area by area".into());
    b.emit(spec, &Raci { roles, rows })
}

// ---------------------------------------------------------------- schedule

/// Every occurrence of the events of visible calendars, expanded once per
/// build and sorted, with indexes by owner, campaign and calendar, so that
/// scoped views cost what they show.
pub(crate) struct OccurrenceIndex {
    all: Vec<(Date, Shown)>,
    by_owner: BTreeMap<String, Vec<usize>>,
    by_campaign: BTreeMap<String, Vec<usize>>,
    by_calendar: BTreeMap<String, Vec<usize>>,
}

impl OccurrenceIndex {
    fn pick(&self, ids: Option<&Vec<usize>>) -> Vec<(Date, Shown)> {
        ids.map(|v| v.iter().map(|&i| self.all[i].clone()).collect())
            .unwrap_or_default()
    }
}

fn occurrence_index(b: &Builder) -> OccurrenceIndex {
    occurrence_index_where(b, &|_, _| true)
}

/// The occurrences of the events (of a calendar, by id) that `keep` accepts.
fn occurrence_index_where(
    b: &Builder,
    keep: &(dyn Fn(&str, &crate::model::calendar::Event) -> bool + Sync),
) -> OccurrenceIndex {
    use rayon::prelude::*;
    // Calendars are expanded in parallel, then sorted together.
    let per_calendar: Vec<Vec<_>> = visible(b, Kind::Calendar, &b.g.raw.calendars)
        .par_iter()
        .map(|cal| {
            let mut tagged = Vec::new();
            let events: Vec<&crate::model::calendar::Event> = cal
                .data
                .events
                .iter()
                .flat_map(|v| v.value.iter())
                .map(|e| &e.value)
                .collect();
            let cal_link = Link {
                title: text(&cal.data.name),
                url: format!("calendars/{}.ics", cal.id),
                kind: "calendar".into(),
            };
            // Links are made once per event, not per occurrence.
            let prepared: Vec<Occurrence> = events
                .iter()
                .map(|ev| Occurrence {
                    date: String::new(),
                    day_label: String::new(),
                    time: None,
                    title: text(&ev.title),
                    kind: ev.kind.as_ref().map_or(String::new(), |k| enum_name(&k.value)),
                    status: ev.status.as_ref().map(|s| enum_name(&s.value)),
                    calendar: cal_link.clone(),
                    owner: ev.owner.as_ref().and_then(|x| b.link(Kind::Role, &x.value)),
                    campaign: ev
                        .campaign
                        .as_ref()
                        .and_then(|x| b.link(Kind::Campaign, &x.value)),
                    channel: ev.channel.as_ref().map(|c| channel_name(b, &c.value)),
                    recurring: ev.repeat.is_some(),
                })
                .collect();
            // What templates see of each event, shared by its occurrences:
            // made for the events that have some.
            let mut shown: Vec<Option<EventShown>> = prepared.iter().map(|_| None).collect();
            for o in b.g.occurrences_where(&cal.id, &|ev| keep(&cal.id, ev)) {
                let (Some(ev), Some(base), Some(event)) =
                    (events.get(o.event), prepared.get(o.event), shown.get_mut(o.event))
                else {
                    continue;
                };
                let event = event.get_or_insert_with(|| EventShown::new(base));
                let time = o.time.map(format::hour_minute);
                let shown = Shown::of(
                    event,
                    format::iso_date(o.date),
                    format::day_label(o.date),
                    time.clone(),
                );
                let owner = ev.owner.as_ref().map(|x| x.value.clone());
                let campaign = ev.campaign.as_ref().map(|x| x.value.clone());
                tagged.push((
                    o.date,
                    time,
                    shown,
                    base.title.clone(),
                    (cal.id.clone(), owner, campaign),
                ));
            }
            tagged
        })
        .collect();
    let mut tagged: Vec<_> = per_calendar.into_iter().flatten().collect();
    tagged.sort_by(|a, c| (a.0, &a.1, &a.3).cmp(&(c.0, &c.1, &c.3)));
    let tagged: Vec<_> = tagged
        .into_iter()
        .map(|(date, _, shown, _, (cal, owner, campaign))| (date, shown, cal, owner, campaign))
        .collect();
    let mut index = OccurrenceIndex {
        all: Vec::with_capacity(tagged.len()),
        by_owner: BTreeMap::new(),
        by_campaign: BTreeMap::new(),
        by_calendar: BTreeMap::new(),
    };
    for (i, (date, occ, cal, owner, campaign)) in tagged.into_iter().enumerate() {
        index.by_calendar.entry(cal).or_default().push(i);
        if let Some(o) = owner {
            index.by_owner.entry(o).or_default().push(i);
        }
        if let Some(c) = campaign {
            index.by_campaign.entry(c).or_default().push(i);
        }
        index.all.push((date, occ));
    }
    index
}

/// Whose occurrences a page shows.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Owner(&'a str),
    Campaign(&'a str),
    Calendar(&'a str),
}

/// The occurrences a page of `scope` shows, in the schedule's order: from
/// the build's index when every page is rendered (or the index exists),
/// else expanded for those events alone (a `serve` rebuild of a few pages
/// need not expand every calendar).
fn occurrences_of(b: &Builder, scope: Scope) -> Vec<(Date, Shown)> {
    if b.selection == super::Selection::All || b.shared.occurrences.get().is_some() {
        let index = occ(b);
        let ids = match scope {
            Scope::Owner(id) => index.by_owner.get(id),
            Scope::Campaign(id) => index.by_campaign.get(id),
            Scope::Calendar(id) => index.by_calendar.get(id),
        };
        return index.pick(ids);
    }
    let is = |x: &Option<crate::model::Located<String>>, id: &str| x.as_ref().is_some_and(|x| x.value == id);
    occurrence_index_where(b, &|cal, ev| match scope {
        Scope::Owner(id) => is(&ev.owner, id),
        Scope::Campaign(id) => is(&ev.campaign, id),
        Scope::Calendar(id) => cal == id,
    })
    .all
}

/// Makes what every shard of a full build shares: the occurrences.
pub(super) fn prepare(b: &Builder) {
    occ(b);
}

/// For the pages that list what points at an entity: the roles that
/// report to a role, the goals under a goal and the campaigns that serve
/// it, as positions in their kind's list (in list order). Made once per
/// build: looking through every entity for each page would grow with the
/// square of the playbook.
#[derive(Default)]
pub struct Pointers {
    reports: rustc_hash::FxHashMap<String, Vec<usize>>,
    children: rustc_hash::FxHashMap<String, Vec<usize>>,
    campaigns: rustc_hash::FxHashMap<String, Vec<usize>>,
}

fn pointers<'g>(b: &Builder<'g>) -> &'g Pointers {
    b.shared.pointers.get_or_init(|| {
        let r = b.g.raw;
        let mut p = Pointers::default();
        for (i, e) in r.roles.iter().enumerate() {
            if let Some(to) = &e.data.reports_to {
                p.reports.entry(to.value.clone()).or_default().push(i);
            }
        }
        for (i, e) in r.goals.iter().enumerate() {
            if let Some(parent) = &e.data.parent {
                p.children.entry(parent.value.clone()).or_default().push(i);
            }
        }
        for (i, e) in r.campaigns.iter().enumerate() {
            let goals: BTreeSet<&str> = e
                .data
                .goals
                .iter()
                .filter_map(|g| g.value.split('#').next())
                .collect();
            for goal in goals {
                p.campaigns.entry(goal.to_owned()).or_default().push(i);
            }
        }
        p
    })
}

/// The ids at `positions` of `list`.
fn ids_at<'e, T>(list: &'e [Entity<T>], positions: Option<&'e Vec<usize>>) -> impl Iterator<Item = &'e str> {
    positions.into_iter().flatten().map(|&i| list[i].id.as_str())
}

fn occ(b: &Builder) -> std::sync::Arc<OccurrenceIndex> {
    b.shared
        .occurrences
        .get_or_init(|| std::sync::Arc::new(occurrence_index(b)))
        .clone()
}

/// The months of the horizon (at most 36), with their occurrences; with
/// `eventful`, only those that have some.
fn months(b: &Builder, occ: &[(Date, Shown)], eventful: bool) -> Vec<Month> {
    let mut by_day: BTreeMap<Date, Vec<Shown>> = BTreeMap::new();
    for (d, o) in occ {
        by_day.entry(*d).or_default().push(o.clone());
    }
    // The days without events, by day of the month (0: outside the month),
    // made once for all the months of the page.
    let mut quiet: [Option<ShownDay>; 32] = std::array::from_fn(|_| None);
    let mut quiet_day = |day: Option<u8>| {
        quiet[usize::from(day.unwrap_or(0))]
            .get_or_insert_with(|| {
                ShownDay::of(&Day {
                    day,
                    today: false,
                    events: Vec::new(),
                })
            })
            .clone()
    };
    let mut out = Vec::new();
    let mut month = Some(b.g.horizon.start.first_of_month());
    for _ in 0..36 {
        let Some(m) = month.filter(|m| *m <= b.g.horizon.end) else {
            break;
        };
        let next = m.last_of_month().tomorrow().ok();
        month = next;
        let quiet_month = match next {
            Some(next) => by_day.range(m..next).next().is_none(),
            None => by_day.range(m..).next().is_none(),
        };
        if eventful && quiet_month {
            continue;
        }
        let first_weekday = m.weekday().to_monday_zero_offset() as usize;
        let days = m.days_in_month() as usize;
        let mut weeks: Vec<Vec<ShownDay>> = Vec::new();
        let mut week: Vec<ShownDay> = (0..first_weekday).map(|_| quiet_day(None)).collect();
        for d in 1..=days {
            let date = m.with().day(d as i8).build().unwrap_or(m);
            let day = Some(d as u8);
            let today = date == b.g.today;
            week.push(match by_day.get(&date) {
                None if !today => quiet_day(day),
                events => ShownDay::of(&Day {
                    day,
                    today,
                    events: events.cloned().unwrap_or_default(),
                }),
            });
            if week.len() == 7 {
                weeks.push(std::mem::take(&mut week));
            }
        }
        if !week.is_empty() {
            while week.len() < 7 {
                week.push(quiet_day(None));
            }
            weeks.push(week);
        }
        out.push(Month {
            id: m.strftime("%Y-%m").to_string(),
            label: format::month_label(m),
            weeks,
        });
    }
    out
}

fn calendar_feed_links(b: &Builder) -> Vec<Link> {
    visible(b, Kind::Calendar, &b.g.raw.calendars)
        .iter()
        .map(|c| Link {
            title: text(&c.data.name),
            url: format!("calendars/{}.ics", c.id),
            kind: "ics".into(),
        })
        .collect()
}

fn schedule(b: &mut Builder) -> R {
    let scheduled = |j: &Job| {
        matches!(
            j,
            Job::Schedule | Job::CalendarPage(_) | Job::RoleSchedule(_) | Job::CampaignSchedule(_)
        )
    };
    if visible(b, Kind::Calendar, &b.g.raw.calendars).is_empty() || !b.selects(scheduled) {
        return Ok(());
    }
    if b.begin(Job::Schedule) {
        let index = occ(b);
        // Views: every calendar, and the roles and campaigns that have events.
        let mut views = Vec::new();
        for e in visible(b, Kind::Calendar, &b.g.raw.calendars) {
            views.push(Link {
                title: text(&e.data.name),
                url: url(Kind::Calendar, &e.id),
                kind: "calendar".into(),
            });
        }
        for e in visible(b, Kind::Role, &b.g.raw.roles)
            .into_iter()
            .filter(|e| index.by_owner.contains_key(&e.id))
        {
            views.push(Link {
                title: text(&e.data.title),
                url: format!("schedule/roles/{}/index.html", e.id),
                kind: "role".into(),
            });
        }
        for e in visible(b, Kind::Campaign, &b.g.raw.campaigns)
            .into_iter()
            .filter(|e| index.by_campaign.contains_key(&e.id))
        {
            views.push(Link {
                title: text(&e.data.name),
                url: format!("schedule/campaigns/{}/index.html", e.id),
                kind: "campaign".into(),
            });
        }
        let feeds = calendar_feed_links(b);
        // One search document per event: a recurring one at its first occurrence.
        let mut seen_recurring = BTreeSet::new();
        for (_, o) in &index.all {
            let (title, time) = (o.text("title"), o.text("time"));
            if !o.recurring() || seen_recurring.insert((o.text("calendar.url"), title)) {
                b.doc(search::Document::new(
                    "event",
                    title.to_owned(),
                    format!("schedule/index.html#m-{}", o.text("date").get(..7).unwrap_or("")),
                    format!(
                        "{}{}",
                        o.text("day_label"),
                        if time.is_empty() {
                            String::new()
                        } else {
                            format!(" {time}")
                        }
                    ),
                    o.text("kind"),
                ));
            }
        }
        let mut spec = PageSpec::new("schedule/index.html", "schedule.html", "schedule", "Schedule");
        spec.feeds = feeds.clone();
        let data = Schedule {
            scope: None,
            upcoming: upcoming(b, &index.all),
            months: months(b, &index.all, false),
            views,
            feeds: feeds.clone(),
        };
        b.emit(spec, &data)?;
    }
    for cal in selected(b, Kind::Calendar, &b.g.raw.calendars, |j| match j {
        Job::CalendarPage(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::CalendarPage(cal.id.clone())) {
            continue;
        }
        json_entry(b, "calendars", cal)?;
        let scope = Some(Link {
            title: text(&cal.data.name),
            url: format!("calendars/{}.ics", cal.id),
            kind: "calendar".into(),
        });
        let mut spec = PageSpec::new(
            url(Kind::Calendar, &cal.id),
            "schedule.html",
            "schedule",
            text(&cal.data.name),
        );
        spec.description = opt_text(&cal.data.description);
        spec.referenced_by = b.referenced_by(Kind::Calendar, &cal.id);
        spec.feeds = vec![Link {
            title: text(&cal.data.name),
            url: format!("calendars/{}.ics", cal.id),
            kind: "ics".into(),
        }];
        let occurrences = occurrences_of(b, Scope::Calendar(&cal.id));
        scoped_schedule(b, spec, scope, occurrences)?;
    }
    // The roles and campaigns that have events.
    for e in selected(b, Kind::Role, &b.g.raw.roles, |j| match j {
        Job::RoleSchedule(id) => Some(id),
        _ => None,
    }) {
        entity_schedule(b, Kind::Role, &e.id, text(&e.data.title))?;
    }
    for e in selected(b, Kind::Campaign, &b.g.raw.campaigns, |j| match j {
        Job::CampaignSchedule(id) => Some(id),
        _ => None,
    }) {
        entity_schedule(b, Kind::Campaign, &e.id, text(&e.data.name))?;
    }
    Ok(())
}

/// The next 30 occurrences from today.
fn upcoming(b: &Builder, occ: &[(Date, Shown)]) -> Vec<Shown> {
    let from = occ.partition_point(|(d, _)| *d < b.g.today);
    occ[from..].iter().take(30).map(|(_, o)| o.clone()).collect()
}

/// The schedule page of a role (its events) or a campaign, when it has events.
fn entity_schedule(b: &mut Builder, kind: Kind, id: &str, name: String) -> R {
    let (job, scope) = match kind {
        Kind::Role => (Job::RoleSchedule(id.to_owned()), Scope::Owner(id)),
        _ => (Job::CampaignSchedule(id.to_owned()), Scope::Campaign(id)),
    };
    if !b.begin(job) {
        return Ok(());
    }
    let occurrences = occurrences_of(b, scope);
    if occurrences.is_empty() {
        return Ok(());
    }
    let spec = PageSpec::new(
        format!("schedule/{}/{id}/index.html", kind.folder()),
        "schedule.html",
        "schedule",
        format!("Schedule: {name}"),
    );
    scoped_schedule(b, spec, b.link(kind, id), occurrences)
}

/// A schedule of one calendar, role or campaign: its months with events
/// only, and a link back to the whole schedule instead of every view.
fn scoped_schedule(b: &mut Builder, spec: PageSpec, scope: Option<Link>, occ: Vec<(Date, Shown)>) -> R {
    let months = months(b, &occ, true);
    let data = Schedule {
        scope,
        upcoming: upcoming(b, &occ),
        months,
        views: Vec::new(),
        feeds: spec.feeds.clone(),
    };
    b.emit(spec, &data)
}

fn calendar_feeds(b: &mut Builder) -> R {
    let host = feeds::uid_host(b.base_url.as_deref());
    for cal in selected(b, Kind::Calendar, &b.g.raw.calendars, |j| match j {
        Job::CalendarFeed(id) => Some(id),
        _ => None,
    }) {
        if !b.begin(Job::CalendarFeed(cal.id.clone())) {
            continue;
        }
        let url = b.base_url.as_ref().map(|u| format!("{u}schedule/"));
        let ics = feeds::calendar(b.g, &cal.id, &cal.data, &host, url);
        b.add_file(format!("calendars/{}.ics", cal.id), ics.into_bytes())?;
    }
    Ok(())
}

// ---------------------------------------------------------------- site files

fn search_data(b: &mut Builder, docs: &[&search::Document]) -> R {
    let size = docs
        .iter()
        .map(|d| d.body.len() + d.title.len() + d.url.len() + 96)
        .sum();
    b.add_file_with("search/index.js", size, |w| search::write_script(docs, w))
}

/// The search page; its data is `search/index.js`.
pub fn search_page(b: &mut Builder) -> R {
    b.emit(
        PageSpec::new("search/index.html", "search.html", "search", "Search"),
        &Empty {},
    )
}

fn not_found(b: &mut Builder) -> R {
    if !b.begin(Job::NotFound) {
        return Ok(());
    }
    b.emit(
        PageSpec::new("404.html", "404.html", "", "Page not found"),
        &Empty {},
    )
}

/// `sitemap.xml` needs absolute URLs: it is written only when the base URL
/// is known (`base_url` or `--base-url`).
fn sitemap(b: &mut Builder, pages: &[&str]) -> R {
    let Some(base) = b.base_url.clone() else {
        return Ok(());
    };
    b.add_file("sitemap.xml", sitemap_xml(&base, pages).into_bytes())
}

/// `sitemap.xml` of `pages` under the absolute URL `base`.
fn sitemap_xml(base: &str, pages: &[&str]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut pages = pages.to_vec();
    pages.push("search/index.html");
    pages.sort();
    for p in pages {
        let loc = format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p));
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            super::markdown::escape_attr(&loc)
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Whether a string is the id of a hidden entity (with or without a
/// fragment).
fn names_hidden(hidden: &BTreeSet<String>, s: &str) -> bool {
    hidden.contains(s.split('#').next().unwrap_or(s))
}

/// Removes every string that names a hidden entity (`id` or `id#kr`), and
/// the fields left empty by that.
fn scrub(v: &mut serde_json::Value, hidden: &BTreeSet<String>, keep: &dyn Fn(Kind, &str) -> bool) {
    let names_hidden = |s: &str| names_hidden(hidden, s);
    match v {
        serde_json::Value::String(s) if s.contains("](@") => {
            *s = super::markdown::strip_links(s, keep);
        }
        serde_json::Value::Array(items) => {
            items.retain(|x| !x.as_str().is_some_and(names_hidden));
            items.iter_mut().for_each(|x| scrub(x, hidden, keep));
        }
        serde_json::Value::Object(map) => {
            map.retain(|_, x| !x.as_str().is_some_and(names_hidden));
            map.values_mut().for_each(|x| scrub(x, hidden, keep));
        }
        _ => {}
    }
}

/// `playbook.json`: every entity of the build as the loader read it.
/// An entity's entry of `playbook.json`, made by its own job so that a
/// rebuild serializes only what it re-renders: the data as read, without
/// empty fields, with the Markdown body; in public builds without anything
/// naming a hidden entity.
fn json_entry<T: serde::Serialize>(b: &mut Builder, section: &'static str, e: &Entity<T>) -> R {
    if b.sink.is_some() {
        // A build writes `playbook.json` from the entities at the end.
        return Ok(());
    }
    let mut text = entry_text(b.g, b.hidden_ids(), e)?;
    // Kept until the end of the build: without the slack of its growth.
    text.shrink_to_fit();
    b.set_json(section, &e.id, text);
    Ok(())
}

/// The entry text of [`json_entry`].
fn entry_text<T: serde::Serialize>(
    g: &crate::graph::Graph,
    hidden: &BTreeSet<String>,
    e: &Entity<T>,
) -> serde_json::Result<String> {
    let keep = |k: Kind, id: &str| g.visible(k, id);
    let mut v = serde_json::to_value(&e.data)?;
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|_, x| !x.is_null() && x.as_array().is_none_or(|a| !a.is_empty()));
    }
    // The body, the bulk of most entries, is written into the entry's text
    // directly rather than copied into the value: as `scrub` would leave it.
    let mut body = e
        .body
        .as_ref()
        .filter(|_| v.is_object())
        .map(|b| Cow::Borrowed(g.raw.sources.get(e.file).text[b.clone()].trim()));
    let has_body = body.is_some();
    if g.public {
        scrub(&mut v, hidden, &keep);
        body = body
            .filter(|b| !names_hidden(hidden, b))
            .map(|b| match b.contains("](@") {
                true => Cow::Owned(super::markdown::strip_links(&b, &keep)),
                false => b,
            });
    }
    if let Some(obj) = v.as_object_mut().filter(|_| has_body) {
        match body {
            Some(_) => obj.insert("body".into(), serde_json::Value::String(String::new())),
            // Scrubbed away, as any field naming a hidden entity is.
            None => obj.remove("body"),
        };
    }
    let json = serde_json::to_string_pretty(&v)?;
    // Pretty JSON, indented for its place two levels down in the file.
    let size = json.len() + json.len() / 8 + body.as_ref().map_or(0, |b| b.len() + b.len() / 16);
    let mut out = String::with_capacity(size);
    match body {
        Some(body) => {
            // The top level's keys are the only ones after a line end and
            // two spaces; the body goes between the empty string's quotes.
            const SLOT: &str = "\n  \"body\": \"\"";
            let at = json.find(SLOT).expect("the body's place") + SLOT.len() - 1;
            indent(&json[..at], &mut out);
            json_string_contents(&body, &mut out);
            indent(&json[at..], &mut out);
        }
        None => indent(&json, &mut out),
    }
    Ok(out)
}

/// Appends `json` with four spaces more after each line end.
fn indent(json: &str, out: &mut String) {
    let mut rest = json;
    while let Some(at) = memchr::memchr(b'\n', rest.as_bytes()) {
        out.push_str(&rest[..=at]);
        out.push_str("    ");
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// How `serde_json` escapes a byte inside a string: `None` for a byte it
/// keeps, `Some("")` for one written as `\u00XX`.
fn json_escape(b: u8) -> Option<&'static str> {
    match b {
        b'"' => Some("\\\""),
        b'\\' => Some("\\\\"),
        b'\n' => Some("\\n"),
        b'\r' => Some("\\r"),
        b'\t' => Some("\\t"),
        0x08 => Some("\\b"),
        0x0C => Some("\\f"),
        0x00..=0x1F => Some(""),
        _ => None,
    }
}

/// Appends `s` escaped as inside a JSON string, exactly as `serde_json`
/// escapes it. Eight bytes are looked at at once: the lowest byte a word's
/// mask flags is always one to escape (false flags appear only above a
/// true one), and only that one is used.
fn json_string_contents(s: &str, out: &mut String) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let to_escape = |w: u64| {
        (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
            | zero_byte(w ^ (ONES * u64::from(b'"')))
            | zero_byte(w ^ (ONES * u64::from(b'\\')))
    };
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let at = match bytes.get(i..i + 8) {
            Some(word) => match to_escape(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
                0 => {
                    i += 8;
                    continue;
                }
                mask => i + mask.trailing_zeros() as usize / 8,
            },
            None => match bytes[i..].iter().position(|&b| json_escape(b).is_some()) {
                Some(n) => i + n,
                None => break,
            },
        };
        let b = bytes[at];
        // Every byte escaped is ASCII: `at` is a boundary.
        out.push_str(&s[start..at]);
        match json_escape(b).expect("a byte to escape") {
            "" => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
            escaped => out.push_str(escaped),
        }
        start = at + 1;
        i = start;
    }
    out.push_str(&s[start..]);
}

/// Writes the entries of a section of `playbook.json` made from `list`,
/// a few hundred at a time and those in parallel, so that the entries are
/// never all in memory at once.
fn write_entries<T: serde::Serialize + Sync>(
    g: &crate::graph::Graph,
    hidden: &BTreeSet<String>,
    list: &[&Entity<T>],
    write: &mut EntrySink,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    for chunk in list.chunks(512) {
        let texts: Vec<String> = chunk
            .par_iter()
            .map(|e| entry_text(g, hidden, e))
            .collect::<serde_json::Result<_>>()?;
        for (e, text) in chunk.iter().zip(&texts) {
            write(&e.id, text)?;
        }
    }
    Ok(())
}

/// `playbook.json`: every entity of the build as the loader read it,
/// assembled from the entries the entity jobs made.
fn playbook_json(b: &mut Builder, entries: &Entries) -> R {
    let (g, hidden, streamed) = (b.g, b.hidden_ids(), b.sink.is_some());
    let title = b.site.title.clone();
    let size = entries
        .values()
        .flat_map(|m| m.values())
        .map(|v| v.len() + 64)
        .sum();
    b.add_file_with("playbook.json", size, |out| {
        write_playbook_json(out, &title, g.today, g.public, &mut |section, entry| {
            if streamed {
                section_entries(g, hidden, section, entry)
            } else {
                each_entry(entries, section, entry)
            }
        })
    })
}

/// A callback that receives one `(id, entry)` of a section.
type EntrySink<'a> = dyn FnMut(&str, &str) -> std::io::Result<()> + 'a;

/// Writes `playbook.json`; `sections` gives the entries of each entity
/// section, in id order.
fn write_playbook_json(
    out: &mut dyn std::io::Write,
    title: &str,
    today: Date,
    public: bool,
    sections: &mut dyn FnMut(&str, &mut EntrySink) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let json = |s: &str| serde_json::to_string(s).expect("a string serializes");
    // Sorted keys, as a JSON object's would be; written piece by piece,
    // since the entries of a large playbook add up to tens of megabytes.
    let keys = [
        "budgets",
        "calendars",
        "campaigns",
        "goals",
        "metrics",
        "pages",
        "personas",
        "public",
        "roles",
        "title",
        "today",
    ];
    out.write_all(b"{\n")?;
    for (n, key) in keys.iter().enumerate() {
        write!(out, "  {}: ", json(key))?;
        match *key {
            "public" => out.write_all(if public { b"true" } else { b"false" })?,
            "title" => out.write_all(json(title).as_bytes())?,
            "today" => out.write_all(json(&today.to_string()).as_bytes())?,
            section => {
                let mut count = 0;
                sections(section, &mut |id, v| {
                    out.write_all(if count == 0 { b"{\n" } else { b",\n" })?;
                    count += 1;
                    write!(out, "    {}: {v}", json(id))
                })?;
                out.write_all(if count == 0 { b"{}" } else { b"\n  }" })?;
            }
        }
        out.write_all(if n + 1 < keys.len() { b",\n" } else { b"\n" })?;
    }
    out.write_all(b"}\n")
}

/// The site-wide data files of a build whose job outputs are `outputs`,
/// each made only when it is first asked for (by `serve`): search data,
/// `playbook.json`, and the sitemap when the base URL is known. The same
/// bytes as a build makes.
pub fn deferred(b: &Builder, outputs: std::sync::Arc<super::Outputs>) -> Vec<(String, super::Deferred)> {
    let mut files: Vec<(String, super::Deferred)> = Vec::new();
    let o = outputs.clone();
    files.push((
        "search/index.js".into(),
        Box::new(move || {
            let mut bytes = Vec::new();
            search::write_script(&documents(&o), &mut bytes).expect("writing to memory");
            bytes
        }),
    ));
    if let Some(base) = b.base_url.clone() {
        let o = outputs.clone();
        files.push((
            "sitemap.xml".into(),
            Box::new(move || sitemap_xml(&base, &page_paths(&o)).into_bytes()),
        ));
    }
    let (title, today, public) = (b.site.title.clone(), b.g.today, b.g.public);
    files.push((
        "playbook.json".into(),
        Box::new(move || {
            let entries = json_entries(&outputs);
            let mut bytes = Vec::new();
            write_playbook_json(&mut bytes, &title, today, public, &mut |section, entry| {
                each_entry(&entries, section, entry)
            })
            .expect("writing to memory");
            bytes
        }),
    ));
    files
}

/// The entries of one section of `playbook.json`, made from the entities
/// (when a build's jobs did not keep them).
fn section_entries(
    g: &crate::graph::Graph,
    hidden: &BTreeSet<String>,
    section: &str,
    entry: &mut EntrySink,
) -> std::io::Result<()> {
    let r = g.raw;
    match section {
        "budgets" => write_entries(g, hidden, &g.in_build(Kind::Budget, &r.budgets), entry),
        "calendars" => write_entries(g, hidden, &g.in_build(Kind::Calendar, &r.calendars), entry),
        "campaigns" => write_entries(g, hidden, &g.in_build(Kind::Campaign, &r.campaigns), entry),
        "goals" => write_entries(g, hidden, &g.in_build(Kind::Goal, &r.goals), entry),
        "metrics" => write_entries(g, hidden, &g.in_build(Kind::Metric, &r.metrics), entry),
        "pages" => write_entries(g, hidden, &g.in_build(Kind::Page, &r.pages), entry),
        "personas" => write_entries(g, hidden, &g.in_build(Kind::Persona, &r.personas), entry),
        "roles" => write_entries(g, hidden, &g.in_build(Kind::Role, &r.roles), entry),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod quarter_tests {
    use super::*;

    #[test]
    fn budget_lines_by_quarter() {
        let p = |s: &str| Period::parse(s).unwrap();
        assert_eq!(quarter_label(&p("2026-05"), 1), "2026-Q2");
        assert_eq!(
            quarter_label(&p("2026-W01"), 1),
            "2026-Q1",
            "a week goes where its Thursday is"
        );
        assert_eq!(quarter_label(&p("2026"), 1), "2026 (not split by quarter)");
        assert_eq!(quarter_label(&p("2026-08"), 7), "FY2027-Q1");
        assert_eq!(quarter_label(&p("2027-02"), 7), "FY2027-Q3");
        let r = Period::Range(jiff::civil::date(2026, 1, 5), jiff::civil::date(2026, 2, 1));
        assert_eq!(quarter_label(&r, 1), "2026-Q1");
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;
    use proptest::prelude::*;

    /// The escaped form of `s` as `serde_json` writes it, quotes removed.
    fn by_serde(s: &str) -> String {
        let quoted = serde_json::to_string(s).unwrap();
        quoted[1..quoted.len() - 1].to_owned()
    }

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        json_string_contents(s, &mut out);
        out
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let every_ascii: String = (0u8..=0x7F).map(char::from).collect();
        for s in [
            "",
            "plain",
            "exactly8",
            "\"",
            "a\\b",
            "line\nnext\r\n\ttab",
            "\u{8}\u{c}\u{0}\u{1f}\u{7f}",
            "é “quotes” 😀 and \"more\" past eight bytes\n",
            &every_ascii,
            &every_ascii.repeat(3)[5..],
        ] {
            assert_eq!(escaped(s), by_serde(s), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in "(?s:.{0,80})", ctl in "[\\x00-\\x1f\"\\\\a-z]{0,40}") {
            prop_assert_eq!(escaped(&s), by_serde(&s));
            prop_assert_eq!(escaped(&ctl), by_serde(&ctl));
            let mixed = format!("{s}{ctl}{s}");
            prop_assert_eq!(escaped(&mixed), by_serde(&mixed));
        }
    }

    /// The entry as a JSON value would have it: the body put into the value
    /// and scrubbed with the rest.
    fn through_the_value<T: serde::Serialize>(
        g: &crate::graph::Graph,
        hidden: &BTreeSet<String>,
        e: &Entity<T>,
    ) -> String {
        let mut v = serde_json::to_value(&e.data).unwrap();
        if let Some(obj) = v.as_object_mut() {
            obj.retain(|_, x| !x.is_null() && x.as_array().is_none_or(|a| !a.is_empty()));
            if let Some(body) = &e.body {
                obj.insert(
                    "body".into(),
                    g.raw.sources.get(e.file).text[body.clone()].trim().into(),
                );
            }
        }
        if g.public {
            scrub(&mut v, hidden, &|k: Kind, id: &str| g.visible(k, id));
        }
        let mut out = String::new();
        indent(&serde_json::to_string_pretty(&v).unwrap(), &mut out);
        out
    }

    /// Entries are made with the body written in place; they are the same
    /// as through a JSON value, in full and public builds of every playbook
    /// of the repository.
    #[test]
    fn entries_are_what_the_json_value_gives() {
        fn same<T: serde::Serialize>(
            g: &crate::graph::Graph,
            hidden: &BTreeSet<String>,
            list: &[Entity<T>],
        ) -> usize {
            for e in list {
                assert_eq!(
                    entry_text(g, hidden, e).unwrap(),
                    through_the_value(g, hidden, e),
                    "{}",
                    e.id
                );
            }
            list.iter().filter(|e| e.body.is_some()).count()
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = crate::Today::fixed();
        let mut bodies = 0;
        for dir in [
            root.to_path_buf(),
            root.join("examples/careers"),
            root.join("examples/minimal"),
        ] {
            for public in [false, true] {
                let compiled = crate::compile(&dir, &today, public).unwrap();
                let g = crate::graph::Graph::new(&compiled.raw, compiled.today, public);
                let hidden = super::super::hidden_ids(&g);
                let r = &compiled.raw;
                bodies += same(&g, &hidden, &r.budgets)
                    + same(&g, &hidden, &r.calendars)
                    + same(&g, &hidden, &r.campaigns)
                    + same(&g, &hidden, &r.goals)
                    + same(&g, &hidden, &r.metrics)
                    + same(&g, &hidden, &r.pages)
                    + same(&g, &hidden, &r.personas)
                    + same(&g, &hidden, &r.roles);
            }
        }
        assert!(bodies > 20, "{bodies} bodies");
    }
}
