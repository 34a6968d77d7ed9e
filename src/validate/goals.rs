//! Goals, key results and the cascade maths: finer targets must roll up to
//! coarser ones by the metric's aggregation, in exact decimals.

use super::{Ctx, functional_cycles, join_and};
use crate::diag::{Code, Diagnostic};
use crate::load::Kind;
use crate::model::content::{Aggregation, Direction};
use crate::model::period::{Granularity, Period};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub fn check(cx: &mut Ctx) {
    let pb = cx.pb;
    let fy = cx.settings.fy_start;
    let mut periods: BTreeMap<&str, Period> = BTreeMap::new();
    for e in &pb.goals {
        let g = &e.data;
        cx.require(
            e.start(),
            "a goal",
            &[
                ("title", g.title.is_some()),
                ("period", g.period.is_some()),
                ("owner", g.owner.is_some()),
            ],
        );
        if let Some(p) = g.period.as_ref().and_then(|p| cx.period(e, p)) {
            periods.insert(&e.id, p);
        }
        if let Some(owner) = &g.owner {
            cx.reference(e, owner, Kind::Role);
        }
        if let Some(parent) = &g.parent {
            cx.reference(e, parent, Kind::Goal);
        }
        for p in &g.personas {
            cx.reference(e, p, Kind::Persona);
        }
    }
    // Parent links: no cycles, and a child's period inside its parent's.
    let parents: BTreeMap<&str, &str> = pb
        .goals
        .iter()
        .filter_map(|e| Some((e.id.as_str(), e.data.parent.as_ref()?.value.as_str())))
        .collect();
    for cycle in functional_cycles(&parents) {
        let first = pb.goals.iter().find(|g| g.id == cycle[0]).expect("goal in cycle");
        let parent = first.data.parent.as_ref().expect("has a parent");
        let mut path = cycle.clone();
        path.push(cycle[0].clone());
        cx.push(
            Diagnostic::new(
                Code::ReferenceCycle,
                first.loc(&parent.span),
                format!("goal parents form a cycle: {}", path.join(" → ")),
            )
            .help("a goal's `parent` must lead up to a top goal without one"),
        );
    }
    for e in &pb.goals {
        let (Some(parent), Some(own)) = (&e.data.parent, periods.get(e.id.as_str())) else {
            continue;
        };
        if let Some(outer) = periods.get(parent.value.as_str())
            && !own.inside(outer, fy)
            && let Some(p) = &e.data.period
        {
            cx.push(
                Diagnostic::new(
                    Code::PeriodOutside,
                    e.loc(&p.span),
                    format!(
                        "period {own} is outside {outer}, the period of parent goal `{}`",
                        parent.value
                    ),
                )
                .help("a child goal's period lies inside its parent's"),
            );
        }
    }
    for e in &pb.goals {
        key_results(cx, e, periods.get(e.id.as_str()).copied());
    }
}

fn key_results(
    cx: &mut Ctx,
    e: &crate::load::Entity<crate::model::content::Goal>,
    goal_period: Option<Period>,
) {
    let fy = cx.settings.fy_start;
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for kr in &e.data.key_results {
        let k = &kr.value;
        cx.require(
            e.loc(&kr.span),
            "a key result",
            &[
                ("id", k.id.is_some()),
                ("metric", k.metric.is_some()),
                ("baseline", k.baseline.is_some()),
                ("target", k.target.is_some()),
            ],
        );
        if let Some(id) = &k.id {
            if !crate::load::valid_id(&id.value) {
                cx.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        e.loc(&id.span),
                        format!("`{}` is not a valid key result id", id.value),
                    )
                    .help("ids use lowercase letters, digits and hyphens"),
                );
            }
            if seen.insert(&id.value, ()).is_some() {
                cx.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        e.loc(&id.span),
                        format!("key result `{}` appears twice in this goal", id.value),
                    )
                    .help("key result ids are unique within their goal"),
                );
            }
        }
        let metric = k.metric.as_ref().and_then(|m| {
            cx.reference(e, m, Kind::Metric)
                .then(|| cx.pb.metrics.iter().find(|x| x.id == m.value))
                .flatten()
        });
        let baseline = k.baseline.as_ref().and_then(|b| cx.number(e, b));
        let target = k.target.as_ref().and_then(|t| cx.number(e, t));
        let direction = metric.and_then(|m| m.data.direction.as_ref()).map(|d| d.value);
        let aggregation = metric.and_then(|m| m.data.aggregation.as_ref()).map(|a| a.value);
        if let (Some(b), Some(t), Some(d), Some(tf)) = (baseline, target, direction, &k.target) {
            let improves = match d {
                Direction::Increase => t > b,
                Direction::Decrease => t < b,
            };
            if !improves {
                cx.push(
                    Diagnostic::new(
                        Code::TargetDirection,
                        e.loc(&tf.span),
                        format!(
                            "target {t} does not improve on baseline {b}: `{}` should {}",
                            metric.map_or("", |m| m.id.as_str()),
                            if d == Direction::Increase {
                                "increase"
                            } else {
                                "decrease"
                            }
                        ),
                    )
                    .help("check the baseline, the target, or the metric's `direction`"),
                );
            }
        }
        // Parse the cascade; entries that fail are reported and left out.
        let mut entries: Vec<Entry> = Vec::new();
        for (key, value) in k.cascade.iter() {
            let period = match Period::parse(&key.value) {
                Ok(p) => p,
                Err(msg) => {
                    cx.push(Diagnostic::new(Code::InvalidValue, e.loc(&key.span), msg));
                    continue;
                }
            };
            let Some(v) = cx.number(e, value) else { continue };
            if let Some(gp) = goal_period
                && !period.inside(&gp, fy)
            {
                cx.push(
                    Diagnostic::new(
                        Code::PeriodOutside,
                        e.loc(&key.span),
                        format!("cascade period {period} is outside the goal's period {gp}"),
                    )
                    .help("cascade targets split the goal's own period"),
                );
                continue;
            }
            entries.push(Entry {
                period,
                value: v,
                key: key.span.clone(),
                value_span: value.span.clone(),
            });
        }
        let (Some(gp), Some(target), Some(agg), Some(dir)) = (goal_period, target, aggregation, direction)
        else {
            continue;
        };
        let root = Entry {
            period: gp,
            value: target,
            key: k.target.as_ref().map_or(kr.span.clone(), |t| t.span.clone()),
            value_span: k.target.as_ref().map_or(kr.span.clone(), |t| t.span.clone()),
        };
        let metric_id = metric.map_or("", |m| m.id.as_str());
        for problem in cascade(&root, &entries, agg, dir, fy) {
            cx.push(problem.into_diagnostic(e, &root, &entries, metric_id, agg, dir));
        }
    }
}

/// One cascade target.
#[derive(Clone, Debug)]
pub struct Entry {
    pub period: Period,
    pub value: Decimal,
    pub key: std::ops::Range<usize>,
    pub value_span: std::ops::Range<usize>,
}

/// A problem in a cascade; `None` as a parent means the goal's own period.
#[derive(Debug, PartialEq)]
pub enum Problem {
    Mismatch {
        parent: Option<usize>,
        children: Vec<usize>,
        got: Decimal,
    },
    Incomplete {
        parent: Option<usize>,
        first_child: usize,
        missing: Vec<Period>,
    },
    Direction {
        at: usize,
        previous: usize,
    },
}

/// Checks a cascade: `root` is the goal's period and target, `entries`
/// the finer targets. For each period, its children are the entries at the
/// coarsest finer granularity present inside it; they must be all there
/// (else a warning naming the missing ones) and roll up exactly.
pub fn cascade(root: &Entry, entries: &[Entry], agg: Aggregation, dir: Direction, fy: u8) -> Vec<Problem> {
    let mut problems = Vec::new();
    let index: BTreeMap<Period, usize> = entries.iter().enumerate().map(|(i, e)| (e.period, i)).collect();
    let parents = std::iter::once((None, root)).chain(entries.iter().enumerate().map(|(i, e)| (Some(i), e)));
    for (parent, p) in parents {
        for g in [Granularity::Quarter, Granularity::Month, Granularity::Week] {
            let expected = p.period.children(g, fy);
            let present: Vec<usize> = expected.iter().filter_map(|c| index.get(c).copied()).collect();
            if present.is_empty() {
                continue;
            }
            if present.len() < expected.len() {
                let missing = expected.into_iter().filter(|c| !index.contains_key(c)).collect();
                problems.push(Problem::Incomplete {
                    parent,
                    first_child: present[0],
                    missing,
                });
            } else {
                let values: Vec<Decimal> = present.iter().map(|&i| entries[i].value).collect();
                let sum: Decimal = values.iter().sum();
                let n = Decimal::from(values.len());
                let (ok, got) = match agg {
                    Aggregation::Sum => (sum == p.value, sum),
                    Aggregation::Last => {
                        let last = *values.last().expect("present");
                        (last == p.value, last)
                    }
                    // Thirds never come out exact: the mean must round to
                    // the parent's target at the precision it is written in
                    // (at least two decimals).
                    Aggregation::Average => {
                        let mean = sum / n;
                        let rounded = mean.round_dp_with_strategy(
                            p.value.scale().max(2),
                            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                        );
                        (rounded == p.value, mean.round_dp(4).normalize())
                    }
                };
                if !ok {
                    problems.push(Problem::Mismatch {
                        parent,
                        children: present,
                        got,
                    });
                }
            }
            break;
        }
    }
    if agg == Aggregation::Last {
        // Stocks move one way: at each granularity, targets in time order
        // never step back against the direction.
        let mut by_level: BTreeMap<Granularity, Vec<usize>> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_level.entry(e.period.granularity()).or_default().push(i);
        }
        for (_, mut level) in by_level {
            level.sort_by_key(|&i| entries[i].period.range(fy).start);
            for pair in level.windows(2) {
                let (a, b) = (&entries[pair[0]], &entries[pair[1]]);
                let backwards = match dir {
                    Direction::Increase => b.value < a.value,
                    Direction::Decrease => b.value > a.value,
                };
                if backwards {
                    problems.push(Problem::Direction {
                        at: pair[1],
                        previous: pair[0],
                    });
                }
            }
        }
    }
    problems
}

impl Problem {
    fn into_diagnostic<T>(
        self,
        e: &crate::load::Entity<T>,
        root: &Entry,
        entries: &[Entry],
        metric: &str,
        agg: Aggregation,
        dir: Direction,
    ) -> Diagnostic {
        let node = |i: Option<usize>| i.map_or(root, |i| &entries[i]);
        match self {
            Problem::Mismatch {
                parent,
                children,
                got,
            } => {
                let p = node(parent);
                let names: Vec<String> = children.iter().map(|&i| entries[i].period.to_string()).collect();
                let message = match agg {
                    Aggregation::Sum => format!(
                        "cascade targets of {} add up to {got}, not {}'s target {}",
                        p.period, p.period, p.value
                    ),
                    Aggregation::Last => format!(
                        "the last target inside {}, {} = {got}, differs from {}'s target {}",
                        p.period,
                        names.last().expect("children"),
                        p.period,
                        p.value
                    ),
                    Aggregation::Average => format!(
                        "cascade targets of {} average {got}, not {}'s target {}",
                        p.period, p.period, p.value
                    ),
                };
                let rule = match agg {
                    Aggregation::Sum => "add up to",
                    Aggregation::Last => "end on",
                    Aggregation::Average => "average to",
                };
                Diagnostic::new(Code::CascadeMismatch, e.loc(&p.value_span), message).help(format!(
                    "`{metric}` aggregates by `{}`, so {} must {rule} {}",
                    agg_name(agg),
                    join_and(&names),
                    p.value
                ))
            }
            Problem::Incomplete {
                parent,
                first_child,
                missing,
            } => {
                let p = node(parent);
                let names: Vec<String> = missing.iter().map(|m| m.to_string()).collect();
                Diagnostic::new(
                    Code::CascadeIncomplete,
                    e.loc(&entries[first_child].key),
                    format!(
                        "cascade of {} is incomplete: {} missing",
                        p.period,
                        join_and(&names)
                    ),
                )
                .help("give every period at this level, or none")
            }
            Problem::Direction { at, previous } => {
                let (a, b) = (&entries[previous], &entries[at]);
                Diagnostic::new(
                    Code::CascadeDirection,
                    e.loc(&b.value_span),
                    format!(
                        "target {} for {} moves back from {} for {}",
                        b.value, b.period, a.value, a.period
                    ),
                )
                .help(format!(
                    "`{metric}` should {}, so its targets never {}",
                    if dir == Direction::Increase {
                        "increase"
                    } else {
                        "decrease"
                    },
                    if dir == Direction::Increase {
                        "fall"
                    } else {
                        "rise"
                    }
                ))
            }
        }
    }
}

fn agg_name(a: Aggregation) -> &'static str {
    match a {
        Aggregation::Sum => "sum",
        Aggregation::Last => "last",
        Aggregation::Average => "average",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn entry(p: &str, v: &str) -> Entry {
        Entry {
            period: Period::parse(p).unwrap(),
            value: Decimal::from_str(v).unwrap(),
            key: 0..0,
            value_span: 0..0,
        }
    }

    fn run(root: (&str, &str), cascade_: &[(&str, &str)], agg: Aggregation) -> Vec<Problem> {
        let entries: Vec<Entry> = cascade_.iter().map(|(p, v)| entry(p, v)).collect();
        cascade(&entry(root.0, root.1), &entries, agg, Direction::Increase, 1)
    }

    #[test]
    fn sums_add_up_exactly() {
        let q = [
            ("2026-Q1", "100.10"),
            ("2026-Q2", "100.20"),
            ("2026-Q3", "100.30"),
            ("2026-Q4", "99.40"),
        ];
        assert!(run(("2026", "400"), &q, Aggregation::Sum).is_empty());
        let p = run(("2026", "400.01"), &q, Aggregation::Sum);
        assert!(
            matches!(&p[..], [Problem::Mismatch { parent: None, got, .. }] if got.to_string() == "400.00")
        );
    }

    #[test]
    fn last_ends_on_parent() {
        let ok = [
            ("2026-Q1", "40000"),
            ("2026-Q2", "60000"),
            ("2026-Q3", "80000"),
            ("2026-Q4", "100000"),
            ("2026-01", "26000"),
            ("2026-02", "33000"),
            ("2026-03", "40000"),
        ];
        assert!(run(("2026", "100000"), &ok, Aggregation::Last).is_empty());
        let bad = [
            ("2026-01", "26000"),
            ("2026-02", "33000"),
            ("2026-03", "39000"),
            ("2026-Q1", "40000"),
        ];
        let p = run(("2026-Q1", "40000"), &bad[..3], Aggregation::Last);
        assert_eq!(p.len(), 1);
        assert!(matches!(p[0], Problem::Mismatch { parent: None, .. }));
    }

    #[test]
    fn averages_compare_exactly() {
        let q = [
            ("2026-Q1", "3.5"),
            ("2026-Q2", "4"),
            ("2026-Q3", "4.5"),
            ("2026-Q4", "5"),
        ];
        assert!(run(("2026", "4.25"), &q, Aggregation::Average).is_empty());
        // Thirds never come out exact: the mean is compared at the
        // precision the parent is written in, and at least two decimals.
        let m = [("2026-01", "1"), ("2026-02", "1"), ("2026-03", "2")];
        assert!(run(("2026-Q1", "1.33"), &m, Aggregation::Average).is_empty());
        assert!(run(("2026-Q1", "1.3333"), &m, Aggregation::Average).is_empty());
        assert_eq!(run(("2026-Q1", "1.34"), &m, Aggregation::Average).len(), 1);
        assert_eq!(run(("2026-Q1", "1"), &m, Aggregation::Average).len(), 1);
        assert!(
            run(
                ("2026-Q1", "1"),
                &[("2026-01", "1"), ("2026-02", "0.5"), ("2026-03", "1.5")],
                Aggregation::Average
            )
            .is_empty()
        );
    }

    #[test]
    fn incomplete_levels_warn_and_skip_the_rollup() {
        let p = run(
            ("2026-Q1", "40000"),
            &[("2026-01", "26000"), ("2026-02", "33000")],
            Aggregation::Last,
        );
        match &p[..] {
            [Problem::Incomplete { missing, .. }] => assert_eq!(missing, &vec![Period::Month(2026, 3)]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn weeks_roll_into_months_by_thursday() {
        let weeks: Vec<(String, String)> = (1..=5)
            .map(|w| (format!("2026-W{w:02}"), format!("{}", 20000 + w * 1000)))
            .collect();
        let entries: Vec<(&str, &str)> = weeks.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert!(run(("2026-01", "25000"), &entries, Aggregation::Last).is_empty());
        assert_eq!(run(("2026-01", "26000"), &entries, Aggregation::Last).len(), 1);
    }

    #[test]
    fn direction_of_stocks() {
        let q = [
            ("2026-Q1", "40000"),
            ("2026-Q2", "30000"),
            ("2026-Q3", "80000"),
            ("2026-Q4", "100000"),
        ];
        let p = run(("2026", "100000"), &q, Aggregation::Last);
        assert_eq!(p, vec![Problem::Direction { at: 1, previous: 0 }]);
    }
}
