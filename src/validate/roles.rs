//! Roles: departments, the reporting line, responsibilities and cadences,
//! routing ("who handles what") and job postings.

use super::{Ctx, functional_cycles, normalize_topic, recurrence};
use crate::diag::{Code, Diagnostic};
use crate::load::{Entity, Kind};
use crate::model::role::{Remote, Role};
use std::collections::{BTreeMap, BTreeSet};

pub fn check(cx: &mut Ctx) {
    let pb = cx.pb;
    for e in &pb.roles {
        role(cx, e);
    }
    reporting_cycles(cx);
    routing_cycles(cx);
}

fn role(cx: &mut Ctx, e: &Entity<Role>) {
    let r = &e.data;
    cx.require(
        e.start(),
        "a role",
        &[
            ("title", r.title.is_some()),
            ("department", r.department.is_some()),
            ("summary", r.summary.is_some()),
            ("responsibilities", r.responsibilities.is_some()),
        ],
    );
    if let Some(d) = &r.department
        && !cx.settings.departments.contains_key(&d.value)
    {
        let help =
            crate::diag::suggest::did_you_mean(&d.value, cx.settings.departments.keys().map(String::as_str))
                .unwrap_or_else(|| "declare it under `departments:` in playbook.yaml".into());
        cx.push(
            Diagnostic::new(
                Code::UnknownReference,
                e.loc(&d.span),
                format!("unknown department `{}`", d.value),
            )
            .help(help),
        );
    }
    if let Some(to) = &r.reports_to
        && !cx.has(Kind::Role, &to.value)
    {
        if let Some(dept) = cx.settings.departments.get(&to.value) {
            let help = match &dept.head {
                Some(head) => format!(
                    "`reports_to` names a role; `{}` is a department, headed by `{head}`",
                    to.value
                ),
                None => format!(
                    "`reports_to` names a role; `{}` is a department with no `head`",
                    to.value
                ),
            };
            cx.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    e.loc(&to.span),
                    format!("unknown role `{}`", to.value),
                )
                .help(help),
            );
        } else {
            cx.reference(e, to, Kind::Role);
        }
    }
    let mut own_topics: BTreeMap<String, ()> = BTreeMap::new();
    if let Some(areas) = &r.responsibilities {
        for area in &areas.value {
            cx.require(
                e.loc(&area.span),
                "a responsibility area",
                &[("area", area.value.area.is_some())],
            );
            for item in &area.value.items {
                let text = item.text();
                cx.require(e.loc(&item.span), "a responsibility", &[("text", text.is_some())]);
                if let Some(t) = &text {
                    own_topics.insert(normalize_topic(&t.value), ());
                }
                if let Some(c) = &item.value.cadence
                    && recurrence::cadence_rule(&c.value).is_none()
                    && let Err(msg) = recurrence::check_unanchored(&c.value)
                {
                    cx.push(
                        Diagnostic::new(Code::InvalidRecurrence, e.loc(&c.span), format!("`{}` is not a cadence: {msg}", c.value))
                            .help("use daily, weekly, monthly, quarterly, yearly, or an RRULE such as `FREQ=WEEKLY;BYDAY=MO`"),
                    );
                }
                cx.references(e, &item.value.kpis, Kind::Metric);
            }
        }
    }
    for x in &r.not_responsible_for {
        cx.require(
            e.loc(&x.span),
            "an exclusion",
            &[
                ("text", x.value.text.is_some()),
                ("owner", x.value.owner.is_some()),
            ],
        );
        if let Some(o) = &x.value.owner {
            cx.role_or_department(e, o);
        }
    }
    for esc in &r.escalations {
        let s = &esc.value;
        cx.require(
            e.loc(&esc.span),
            "an escalation",
            &[("topic", s.topic.is_some()), ("to", s.to.is_some())],
        );
        if let Some(topic) = &s.topic
            && own_topics.contains_key(&normalize_topic(&topic.value))
        {
            cx.push(
                Diagnostic::new(
                    Code::OverlappingResponsibility,
                    e.loc(&topic.span),
                    format!(
                        "`{}` is both a responsibility of this role and routed away",
                        topic.value
                    ),
                )
                .help("keep the topic in one place: remove the responsibility or the escalation"),
            );
        }
        let Some(to) = &s.to else { continue };
        if to.value == e.id {
            cx.push(
                Diagnostic::new(
                    Code::InvalidRouting,
                    e.loc(&to.span),
                    "an escalation routes to the role itself",
                )
                .help("escalate to another role or a department"),
            );
            continue;
        }
        if !cx.role_or_department(e, to) {
            continue;
        }
        if let Some(dept) = cx.settings.departments.get(&to.value)
            && dept.head.is_none()
            && !dept.intake
        {
            cx.push(
                Diagnostic::new(
                    Code::InvalidRouting,
                    e.loc(&to.span),
                    format!("department `{}` has no `head` or `intake` to take this", to.value),
                )
                .help(format!(
                    "give `{}` a `head` role or an `intake` in playbook.yaml",
                    to.value
                )),
            );
        }
    }
    cx.references(e, &r.kpis, Kind::Metric);
    if let Some(x) = &r.experience {
        let min = x.value.min_years.as_ref().and_then(|n| cx.number(e, n));
        let max = x.value.max_years.as_ref().and_then(|n| cx.number(e, n));
        if let (Some(a), Some(b), Some(f)) = (min, max, &x.value.max_years)
            && b < a
        {
            cx.push(Diagnostic::new(
                Code::InvalidValue,
                e.loc(&f.span),
                format!("`max_years` {b} is below `min_years` {a}"),
            ));
        }
    }
    if let Some(h) = &r.hiring {
        hiring(cx, e, h);
    }
}

fn hiring(cx: &mut Ctx, e: &Entity<Role>, h: &crate::model::Located<crate::model::role::Hiring>) {
    let hv = &h.value;
    let posted = hv.date_posted.as_ref().and_then(|d| cx.date(e, d));
    let through = hv.valid_through.as_ref().and_then(|d| cx.date(e, d));
    if let (Some(p), Some(t), Some(f)) = (posted, through, &hv.valid_through)
        && t < p
    {
        cx.push(Diagnostic::new(
            Code::EndBeforeStart,
            e.loc(&f.span),
            format!("`valid_through` {t} is before `date_posted` {p}"),
        ));
    }
    for c in &hv.applicant_countries {
        country(cx, e, c);
    }
    if let Some(loc) = &hv.location
        && let Some(c) = &loc.value.country
    {
        country(cx, e, c);
    }
    if let Some(s) = &hv.salary {
        let currency = cx.currency(e, s.value.currency.as_ref());
        let min = s
            .value
            .min
            .as_ref()
            .and_then(|n| cx.amount(e, n, currency.as_ref()));
        let max = s
            .value
            .max
            .as_ref()
            .and_then(|n| cx.amount(e, n, currency.as_ref()));
        if let (Some(a), Some(b), Some(f)) = (min, max, &s.value.max)
            && b < a
        {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&f.span),
                    format!("salary `max` {b} is below `min` {a}"),
                )
                .help("`min` is the lower end of the range"),
            );
        }
    }
    if let Some(url) = &hv.apply_url {
        super::settings::web_url(cx, e, url);
    }
    let open = hv.open.as_ref().is_some_and(|o| o.value);
    if !open {
        return;
    }
    let at = hv.open.as_ref().map_or(e.loc(&h.span), |o| e.loc(&o.span));
    let mut missing = Vec::new();
    if e.data.title.is_none() {
        missing.push(("a `title`", "give the role a `title`"));
    }
    let body = e
        .body
        .as_ref()
        .map(|b| cx.pb.sources.get(e.file).text[b.clone()].trim())
        .unwrap_or("");
    let title = e.data.title.as_ref().map_or("", |t| t.value.trim());
    let summary = e.data.summary.as_ref().map_or("", |s| s.value.trim());
    if (body.is_empty() || body == title) && (summary.is_empty() || summary == title) {
        missing.push(("a description", "write the job description in the Markdown body"));
    }
    if hv.date_posted.is_none() {
        missing.push(("`date_posted`", "add `date_posted: YYYY-MM-DD` under `hiring`"));
    }
    let remote = hv
        .location
        .as_ref()
        .and_then(|l| l.value.remote.as_ref())
        .map(|r| r.value);
    let has_place = hv
        .location
        .as_ref()
        .is_some_and(|l| l.value.locality.is_some() || l.value.country.is_some());
    if !has_place {
        if remote == Some(Remote::Remote) {
            if hv.applicant_countries.is_empty() {
                missing.push((
                    "`applicant_countries`",
                    "a remote posting with no locality names the countries applicants may live in",
                ));
            }
        } else {
            missing.push((
                "a `location`",
                "add `location: {locality: …, country: …}` or `remote: remote` with `applicant_countries`",
            ));
        }
    }
    for (what, help) in missing {
        cx.push(
            Diagnostic::new(Code::PostingIncomplete, at, format!("open posting needs {what}")).help(help),
        );
    }
    if let (Some(t), Some(f)) = (through, &hv.valid_through)
        && t < cx.opts.today
    {
        cx.push(
            Diagnostic::new(
                Code::PostingExpired,
                e.loc(&f.span),
                format!("posting expired on {t} (today is {})", cx.opts.today),
            )
            .help("extend `valid_through`, or set `open: false`; expired postings get no JSON-LD"),
        );
    }
}

fn country(cx: &mut Ctx, e: &Entity<Role>, c: &crate::model::Located<String>) {
    let ok = c.value.len() == 2 && c.value.bytes().all(|b| b.is_ascii_uppercase());
    if !ok {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                e.loc(&c.span),
                format!("`{}` is not a country code", c.value),
            )
            .help("use an ISO 3166-1 alpha-2 code such as DE, AT or US"),
        );
    }
}

fn reporting_cycles(cx: &mut Ctx) {
    let pb = cx.pb;
    let next: BTreeMap<&str, &str> = pb
        .roles
        .iter()
        .filter_map(|e| Some((e.id.as_str(), e.data.reports_to.as_ref()?.value.as_str())))
        .collect();
    for cycle in functional_cycles(&next) {
        let first = pb.roles.iter().find(|r| r.id == cycle[0]).expect("role in cycle");
        let to = first.data.reports_to.as_ref().expect("reports to someone");
        let mut path = cycle.clone();
        path.push(cycle[0].clone());
        cx.push(
            Diagnostic::new(
                Code::ReferenceCycle,
                first.loc(&to.span),
                format!("`reports_to` forms a cycle: {}", path.join(" → ")),
            )
            .help("the reporting line must end at a role that reports to no one"),
        );
    }
}

/// Per topic, each role routes to at most one place; a department stands
/// for its head role. A topic that comes back to where it started is
/// routed in a circle and nobody handles it.
fn routing_cycles(cx: &mut Ctx) {
    let pb = cx.pb;
    let departments = cx.settings.departments.clone();
    // topic → routing role → (target role, the routing role's entity, escalation index)
    type Edges<'a> = BTreeMap<&'a str, (&'a str, &'a Entity<Role>, usize)>;
    let mut by_topic: BTreeMap<String, Edges> = BTreeMap::new();
    for e in &pb.roles {
        for (i, esc) in e.data.escalations.iter().enumerate() {
            let (Some(topic), Some(to)) = (&esc.value.topic, &esc.value.to) else {
                continue;
            };
            if to.value == e.id {
                continue;
            }
            let target = match departments.get(&to.value) {
                Some(d) => match &d.head {
                    Some(h) => h.as_str(),
                    None => continue,
                },
                None => to.value.as_str(),
            };
            if target == e.id {
                continue;
            }
            by_topic
                .entry(normalize_topic(&topic.value))
                .or_default()
                .insert(&e.id, (target, e, i));
        }
    }
    let mut reported = BTreeSet::new();
    for (topic, edges) in &by_topic {
        let next: BTreeMap<&str, &str> = edges.iter().map(|(k, (t, _, _))| (*k, *t)).collect();
        for cycle in functional_cycles(&next) {
            let (_, e, i) = edges[cycle[0].as_str()];
            let esc = &e.data.escalations[i].value;
            let to = esc.to.as_ref().expect("has a target");
            if !reported.insert((topic.clone(), cycle.clone())) {
                continue;
            }
            let mut path = cycle.clone();
            path.push(cycle[0].clone());
            cx.push(
                Diagnostic::new(
                    Code::ReferenceCycle,
                    e.loc(&to.span),
                    format!(
                        "escalations of `{}` form a cycle: {}",
                        esc.topic.as_ref().map_or("", |t| t.value.as_str()),
                        path.join(" → ")
                    ),
                )
                .help("one role on the path must handle the topic instead of routing it on"),
            );
        }
    }
}
