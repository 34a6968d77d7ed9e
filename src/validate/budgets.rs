//! Budgets: exact amounts, lines inside the budget's period, planned lines
//! within the total, spending within plan.

use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::load::Kind;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

pub fn check(cx: &mut Ctx) {
    let pb = cx.pb;
    let fy = cx.settings.fy_start;
    for e in &pb.budgets {
        let b = &e.data;
        cx.require(
            e.start(),
            "a budget",
            &[
                ("title", b.title.is_some()),
                ("period", b.period.is_some()),
                ("total", b.total.is_some()),
                ("lines", b.lines.is_some()),
            ],
        );
        let currency = cx.currency(e, b.currency.as_ref());
        let period = b.period.as_ref().and_then(|p| cx.period(e, p));
        let total = b.total.as_ref().and_then(|t| cx.amount(e, t, currency.as_ref()));
        if let Some(owner) = &b.owner {
            cx.reference(e, owner, Kind::Role);
        }
        let Some(lines) = &b.lines else { continue };
        let mut ids = BTreeSet::new();
        let mut planned_sum = Decimal::ZERO;
        let mut all_planned = true;
        for line in &lines.value {
            let l = &line.value;
            cx.require(
                e.loc(&line.span),
                "a budget line",
                &[
                    ("id", l.id.is_some()),
                    ("category", l.category.is_some()),
                    ("planned", l.planned.is_some()),
                ],
            );
            if let Some(id) = &l.id {
                if !crate::load::valid_id(&id.value) {
                    cx.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            e.loc(&id.span),
                            format!("`{}` is not a valid line id", id.value),
                        )
                        .help("ids use lowercase letters, digits and hyphens"),
                    );
                }
                if !ids.insert(id.value.as_str()) {
                    cx.push(
                        Diagnostic::new(
                            Code::DuplicateId,
                            e.loc(&id.span),
                            format!("line `{}` appears twice in this budget", id.value),
                        )
                        .help("line ids are unique within their budget"),
                    );
                }
            }
            if let Some(ch) = &l.channel {
                cx.channel(e, ch);
            }
            if let Some(c) = &l.campaign {
                cx.reference(e, c, Kind::Campaign);
            }
            if let Some(o) = &l.owner {
                cx.reference(e, o, Kind::Role);
            }
            if let (Some(lp), Some(outer)) = (l.period.as_ref().and_then(|p| cx.period(e, p)), period)
                && !lp.inside(&outer, fy)
                && let Some(span) = &l.period
            {
                cx.push(
                    Diagnostic::new(
                        Code::PeriodOutside,
                        e.loc(&span.span),
                        format!("line period {lp} is outside the budget's period {outer}"),
                    )
                    .help("a line's period lies inside its budget's"),
                );
            }
            let planned = l
                .planned
                .as_ref()
                .and_then(|p| cx.amount(e, p, currency.as_ref()));
            let actual = l.actual.as_ref().and_then(|a| cx.amount(e, a, currency.as_ref()));
            match planned {
                Some(p) => planned_sum += p,
                None => all_planned = false,
            }
            if let (Some(p), Some(a), Some(af)) = (planned, actual, &l.actual)
                && a > p
            {
                cx.push(
                    Diagnostic::new(
                        Code::ActualOverPlanned,
                        e.loc(&af.span),
                        format!("actual {a} is {} over the planned {p}", a - p),
                    )
                    .help("raise `planned` if the plan changed, or explain the overspend in `note`"),
                );
            }
        }
        if let (Some(total), Some(tf), true) = (total, &b.total, all_planned)
            && planned_sum > total
        {
            let code = currency.map_or("", |c| c.code());
            cx.push(
                Diagnostic::new(
                    Code::BudgetOverTotal,
                    e.loc(&tf.span),
                    format!(
                        "planned lines add up to {planned_sum} {code}, {} over the total of {total}",
                        planned_sum - total
                    ),
                )
                .help("lower some lines' `planned`, or raise `total`"),
            );
        }
    }
}
