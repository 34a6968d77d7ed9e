//! Pages, personas, metrics and campaigns.

use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::load::{Entity, Kind};
use crate::model::Located;
use crate::model::content::{Aggregation, PersonaType, Unit};

pub fn check(cx: &mut Ctx) {
    let pb = cx.pb;
    for e in &pb.pages {
        cx.require(e.start(), "a page", &[("title", e.data.title.is_some())]);
        if let Some(w) = &e.data.weight {
            integer(cx, e, w, "`weight`");
        }
    }
    if let Some(e) = &pb.index
        && let Some(w) = &e.data.weight
    {
        integer(cx, e, w, "`weight`");
    }
    for e in &pb.personas {
        let p = &e.data;
        cx.require(
            e.start(),
            "a persona",
            &[("name", p.name.is_some()), ("summary", p.summary.is_some())],
        );
        for c in &p.channels {
            cx.channel(e, c);
        }
        for q in &p.quotes {
            cx.require(e.loc(&q.span), "a quote", &[("text", q.value.text.is_some())]);
        }
        if let Some(avatar) = &p.avatar {
            cx.file_ref(e, avatar);
        }
    }
    for e in &pb.metrics {
        let m = &e.data;
        cx.require(
            e.start(),
            "a metric",
            &[
                ("name", m.name.is_some()),
                ("definition", m.definition.is_some()),
                ("unit", m.unit.is_some()),
                ("direction", m.direction.is_some()),
                ("aggregation", m.aggregation.is_some()),
                ("owner", m.owner.is_some()),
            ],
        );
        if let Some(owner) = &m.owner {
            cx.reference(e, owner, Kind::Role);
        }
        if let (Some(unit), Some(agg)) = (&m.unit, &m.aggregation)
            && matches!(unit.value, Unit::Percent | Unit::Ratio)
            && agg.value == Aggregation::Sum
        {
            let unit_name = if unit.value == Unit::Percent {
                "percent"
            } else {
                "ratio"
            };
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&agg.span),
                    format!("a {unit_name} metric cannot aggregate by `sum`"),
                )
                .help("rates do not add up over periods: use `average` or `last`"),
            );
        }
        let mut dates = std::collections::BTreeSet::new();
        for meas in &m.measurements {
            if let Some(d) = &meas.value.date
                && !dates.insert(d.value.0.clone())
            {
                cx.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        e.loc(&d.span),
                        format!("two measurements on {}", d.value.0),
                    )
                    .help("a metric has one measurement per date; remove or correct one"),
                );
            }
            cx.require(
                e.loc(&meas.span),
                "a measurement",
                &[
                    ("date", meas.value.date.is_some()),
                    ("value", meas.value.value.is_some()),
                ],
            );
            if let Some(d) = &meas.value.date {
                cx.date(e, d);
            }
            if let Some(v) = &meas.value.value {
                cx.number(e, v);
            }
        }
    }
    for e in &pb.campaigns {
        let c = &e.data;
        cx.require(
            e.start(),
            "a campaign",
            &[
                ("name", c.name.is_some()),
                ("start", c.start.is_some()),
                ("end", c.end.is_some()),
                ("owner", c.owner.is_some()),
            ],
        );
        let start = c.start.as_ref().and_then(|d| cx.date(e, d));
        let end = c.end.as_ref().and_then(|d| cx.date(e, d));
        if let (Some(s), Some(en), Some(end_field)) = (start, end, &c.end)
            && en < s
        {
            cx.push(
                Diagnostic::new(
                    Code::EndBeforeStart,
                    e.loc(&end_field.span),
                    format!("campaign ends on {en}, before it starts on {s}"),
                )
                .help("`end` is the campaign's last day"),
            );
        }
        if let Some(owner) = &c.owner {
            cx.reference(e, owner, Kind::Role);
        }
        for g in &c.goals {
            cx.goal_or_key_result(e, g);
        }
        personas(cx, e, &c.personas, "campaign");
        for ch in &c.channels {
            cx.channel(e, ch);
        }
        let currency = cx.currency(e, c.currency.as_ref());
        if let Some(rev) = &c.attributed_revenue {
            cx.amount(e, rev, currency.as_ref());
        }
    }
}

/// Checks persona references, and that none targets a negative persona.
pub fn personas<T>(cx: &mut Ctx, e: &Entity<T>, refs: &[Located<String>], what: &str) {
    for r in refs {
        if !cx.reference(e, r, Kind::Persona) {
            continue;
        }
        let negative = cx
            .pb
            .personas
            .iter()
            .find(|p| p.id == r.value)
            .and_then(|p| p.data.kind.as_ref())
            .is_some_and(|k| k.value == PersonaType::Negative);
        if negative {
            cx.push(
                Diagnostic::new(
                    Code::NegativePersonaTargeted,
                    e.loc(&r.span),
                    format!("{what} targets `{}`, a negative persona", r.value),
                )
                .help("negative personas describe who we do not target; remove it from `personas`"),
            );
        }
    }
}

fn integer<T>(cx: &mut Ctx, e: &Entity<T>, n: &Located<crate::model::Number>, what: &str) {
    if n.value.0.parse::<i64>().is_err() {
        cx.push(Diagnostic::new(
            Code::InvalidValue,
            e.loc(&n.span),
            format!("{what} must be a whole number, not `{}`", n.value.0),
        ));
    }
}
