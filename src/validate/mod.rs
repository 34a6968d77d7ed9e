//! Validation: every rule of the file formats, run over the loaded
//! playbook, one file per concern. Problems go to the sink; nothing here
//! stops at the first one.

mod budgets;
pub mod calendars;
mod goals;
pub mod links;
pub mod recurrence;
mod roles;
pub mod settings;
mod strategy;

use crate::diag::{Code, Diagnostic, Sink, suggest};
use crate::load::{Entity, Kind, RawPlaybook};
use crate::model::Number;
use crate::model::located::{DateText, Located};
use crate::model::money::{self, AmountError, Currency};
use crate::model::period::{self, Period, RawPeriod};
use crate::model::settings::Visibility;
use crate::source::Loc;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// What a run of the checks needs besides the files.
#[derive(Clone, Debug)]
pub struct Options {
    /// "Today": progress, upcoming events and expiry are judged on it.
    pub today: Date,
    /// Check as for a `--public` build (links from public to internal).
    pub public: bool,
}

/// Settings resolved to typed values, with their defaults applied.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub fy_start: u8,
    pub timezone: TimeZone,
    pub timezone_name: String,
    pub currency: Option<Currency>,
    pub default_visibility: Visibility,
    pub channels: BTreeSet<String>,
    /// Department id → its head role and whether it has an intake.
    pub departments: BTreeMap<String, Department>,
}

#[derive(Clone, Debug, Default)]
pub struct Department {
    pub head: Option<String>,
    pub intake: bool,
}

/// Shared state of one validation run.
pub struct Ctx<'a> {
    pub pb: &'a RawPlaybook,
    pub opts: &'a Options,
    pub settings: &'a Resolved,
    pub sink: &'a mut Sink,
    ids: &'a BTreeMap<Kind, BTreeSet<&'a str>>,
}

/// The playbook's time zone (UTC when absent or unknown), for "today".
pub fn settings_timezone(pb: &RawPlaybook) -> TimeZone {
    pb.settings
        .as_ref()
        .and_then(|s| s.data.timezone.as_ref())
        .and_then(|t| jiff::tz::db().get(&t.value).ok())
        .unwrap_or(TimeZone::UTC)
}

/// Runs every check.
pub fn validate(pb: &RawPlaybook, opts: &Options, sink: &mut Sink) {
    let settings = settings::resolve(pb, sink);
    let ids = Kind::ALL.into_iter().map(|k| (k, pb.ids(k))).collect();
    let cx = |sink| Ctx {
        pb,
        opts,
        settings: &settings,
        sink,
        ids: &ids,
    };
    // The checks only read the playbook: two halves of about the same
    // cost run side by side, and their reports are joined in the order
    // they would have had one after the other.
    let (mut first, mut second) = (Sink::default(), Sink::default());
    rayon::join(
        || {
            let mut cx = cx(&mut first);
            settings::check(&mut cx);
            strategy::check(&mut cx);
            goals::check(&mut cx);
            budgets::check(&mut cx);
            roles::check(&mut cx);
        },
        || {
            let mut cx = cx(&mut second);
            calendars::check(&mut cx);
            links::check(&mut cx);
        },
    );
    sink.extend(first);
    sink.extend(second);
}

impl<'a> Ctx<'a> {
    pub fn push(&mut self, d: Diagnostic) {
        self.sink.push(d);
    }

    pub fn has(&self, kind: Kind, id: &str) -> bool {
        self.ids.get(&kind).is_some_and(|ids| ids.contains(id))
    }

    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &'a str> + '_ {
        self.ids.get(&kind).into_iter().flat_map(|s| s.iter().copied())
    }

    /// Reports each absent required field of a mapping at `at`.
    pub fn require(&mut self, at: Loc, what: &str, fields: &[(&str, bool)]) {
        for (name, present) in fields {
            if !present {
                self.push(
                    Diagnostic::new(Code::MissingField, at, format!("missing field `{name}`")).help(format!(
                        "{what} needs {}",
                        join_and(&fields.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>())
                    )),
                );
            }
        }
    }

    /// Checks a reference to an entity of `kind`.
    pub fn reference<T>(&mut self, e: &Entity<T>, r: &Located<String>, kind: Kind) -> bool {
        if self.has(kind, &r.value) {
            return true;
        }
        let help = suggest::did_you_mean(&r.value, self.ids(kind)).or_else(|| {
            Some(format!(
                "add `content/{}/{}.{}` or use an existing {} id",
                kind.folder(),
                r.value,
                if matches!(kind, Kind::Metric | Kind::Budget | Kind::Calendar | Kind::Goal) {
                    "yaml"
                } else {
                    "md"
                },
                kind.name()
            ))
        });
        self.push(
            Diagnostic::new(
                Code::UnknownReference,
                e.loc(&r.span),
                format!("unknown {} `{}`", kind.name(), r.value),
            )
            .maybe_help(help),
        );
        false
    }

    pub fn references<T>(&mut self, e: &Entity<T>, refs: &[Located<String>], kind: Kind) {
        for r in refs {
            self.reference(e, r, kind);
        }
    }

    /// Checks a channel id against `playbook.yaml`.
    pub fn channel<T>(&mut self, e: &Entity<T>, r: &Located<String>) {
        if self.settings.channels.contains(&r.value) {
            return;
        }
        let help = suggest::did_you_mean(&r.value, self.settings.channels.iter().map(String::as_str))
            .unwrap_or_else(|| "declare it under `channels:` in playbook.yaml".to_owned());
        self.push(
            Diagnostic::new(
                Code::UnknownReference,
                e.loc(&r.span),
                format!("unknown channel `{}`", r.value),
            )
            .help(help),
        );
    }

    /// Checks a reference that may name a role or a department.
    pub fn role_or_department<T>(&mut self, e: &Entity<T>, r: &Located<String>) -> bool {
        if self.has(Kind::Role, &r.value) || self.settings.departments.contains_key(&r.value) {
            return true;
        }
        let candidates: Vec<&str> = self
            .ids(Kind::Role)
            .chain(self.settings.departments.keys().map(String::as_str))
            .collect();
        let help = suggest::did_you_mean(&r.value, candidates)
            .unwrap_or_else(|| "name a role id or a department id from playbook.yaml".into());
        self.push(
            Diagnostic::new(
                Code::UnknownReference,
                e.loc(&r.span),
                format!("unknown role or department `{}`", r.value),
            )
            .help(help),
        );
        false
    }

    /// Checks `goal-id` or `goal-id#kr-id`.
    pub fn goal_or_key_result<T>(&mut self, e: &Entity<T>, r: &Located<String>) {
        let (goal, kr) = match r.value.split_once('#') {
            Some((g, k)) => (g, Some(k)),
            None => (r.value.as_str(), None),
        };
        let goal_ref = Located::new(goal.to_owned(), r.span.clone());
        if !self.reference(e, &goal_ref, Kind::Goal) {
            return;
        }
        let Some(kr) = kr else { return };
        if let Some(help) = self.missing_key_result(goal, kr) {
            self.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    e.loc(&r.span),
                    format!("goal `{goal}` has no key result `{kr}`"),
                )
                .help(help),
            );
        }
    }

    /// When goal `goal` exists but has no key result `kr`: the help line.
    pub fn missing_key_result(&self, goal: &str, kr: &str) -> Option<String> {
        let g = self.pb.goals.iter().find(|g| g.id == goal)?;
        let krs: Vec<&str> = g
            .data
            .key_results
            .iter()
            .filter_map(|k| k.value.id.as_ref().map(|i| i.value.as_str()))
            .collect();
        if krs.contains(&kr) {
            return None;
        }
        Some(
            suggest::did_you_mean(kr, krs.iter().copied())
                .unwrap_or_else(|| format!("`{goal}` has the key results: {}", krs.join(", "))),
        )
    }

    pub fn date<T>(&mut self, e: &Entity<T>, d: &Located<DateText>) -> Option<Date> {
        match period::parse_date(&d.value.0) {
            Ok(date) => Some(date),
            Err(msg) => {
                self.push(Diagnostic::new(Code::InvalidValue, e.loc(&d.span), msg));
                None
            }
        }
    }

    pub fn period<T>(&mut self, e: &Entity<T>, p: &Located<RawPeriod>) -> Option<Period> {
        match &p.value {
            RawPeriod::Name(name) => match Period::parse(name) {
                Ok(p) => Some(p),
                Err(msg) => {
                    self.push(Diagnostic::new(Code::InvalidValue, e.loc(&p.span), msg));
                    None
                }
            },
            RawPeriod::Range { start, end } => {
                let s = self.date(e, start)?;
                let en = self.date(e, end)?;
                if en < s {
                    self.push(
                        Diagnostic::new(
                            Code::EndBeforeStart,
                            e.loc(&end.span),
                            format!("period ends on {en}, before it starts on {s}"),
                        )
                        .help("swap `start` and `end`"),
                    );
                    return None;
                }
                Some(Period::Range(s, en))
            }
        }
    }

    /// A plain decimal (a target, a count of years).
    pub fn number<T>(&mut self, e: &Entity<T>, n: &Located<Number>) -> Option<Decimal> {
        match money::parse_decimal(&n.value.0) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.push(
                    Diagnostic::new(Code::InvalidValue, e.loc(&n.span), msg)
                        .help("write digits with an optional `.` and decimals, e.g. 12000 or 4.5"),
                );
                None
            }
        }
    }

    /// An amount of money in `currency`.
    pub fn amount<T>(
        &mut self,
        e: &Entity<T>,
        n: &Located<Number>,
        currency: Option<&Currency>,
    ) -> Option<Decimal> {
        match money::parse_amount(&n.value.0, currency) {
            Ok(v) => Some(v),
            Err(AmountError::Syntax(msg)) => {
                self.push(
                    Diagnostic::new(Code::InvalidValue, e.loc(&n.span), msg)
                        .help("write digits with an optional `.` and decimals, e.g. 12000 or 9800.50"),
                );
                None
            }
            Err(AmountError::Precision(msg)) => {
                self.push(
                    Diagnostic::new(Code::AmountPrecision, e.loc(&n.span), msg)
                        .help("round the amount to the currency's minor unit"),
                );
                None
            }
        }
    }

    /// A currency code, or the playbook's when absent.
    pub fn currency<T>(&mut self, e: &Entity<T>, c: Option<&Located<String>>) -> Option<Currency> {
        match c {
            None => self.settings.currency,
            Some(c) => match Currency::parse(&c.value) {
                Ok(cur) => Some(cur),
                Err(msg) => {
                    self.push(
                        Diagnostic::new(Code::InvalidValue, e.loc(&c.span), msg)
                            .help("use a three-letter ISO 4217 code such as EUR, USD or JPY"),
                    );
                    None
                }
            },
        }
    }

    /// A path to a file in the playbook (logo, avatar) that must exist and
    /// stay inside the playbook.
    pub fn file_ref<T>(&mut self, e: &Entity<T>, p: &Located<String>) {
        let rel = std::path::Path::new(&p.value);
        let escapes = rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
        if escapes {
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&p.span),
                    format!("`{}` must be a path inside the playbook", p.value),
                )
                .help("write a relative path without `..`, e.g. `static/logo.svg`"),
            );
            return;
        }
        if !p.value.starts_with("static/") {
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&p.span),
                    format!("`{}` is not in `static/`", p.value),
                )
                .help(
                    "images and logos go in `static/`, which is copied into the site; e.g. `static/logo.svg`",
                ),
            );
            return;
        }
        if !self.pb.root.join(rel).is_file() {
            self.push(
                Diagnostic::new(
                    Code::MissingFile,
                    e.loc(&p.span),
                    format!("file `{}` does not exist", p.value),
                )
                .help("paths are relative to the playbook root, e.g. `static/logo.svg`"),
            );
        }
    }

    /// The entity's visibility, with the playbook's default applied.
    pub fn visibility(&self, v: Option<&Located<Visibility>>) -> Visibility {
        v.map_or(self.settings.default_visibility, |v| v.value)
    }
}

/// "`a`, `b` and `c`".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The cycles of a graph where each node has at most one successor, each
/// cycle listed once, starting at its smallest node.
pub fn functional_cycles(next: &BTreeMap<&str, &str>) -> Vec<Vec<String>> {
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = on path, 2 = done
    let mut cycles = Vec::new();
    for &start in next.keys() {
        let mut path: Vec<&str> = Vec::new();
        let mut node = start;
        loop {
            match state.get(node) {
                Some(2) => break,
                Some(1) => {
                    let at = path.iter().position(|n| *n == node).expect("on path");
                    let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                    let min = cycle
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, n)| n.as_str())
                        .map_or(0, |(i, _)| i);
                    cycle.rotate_left(min);
                    cycles.push(cycle);
                    break;
                }
                _ => {}
            }
            state.insert(node, 1);
            path.push(node);
            match next.get(node) {
                Some(n) => node = n,
                None => break,
            }
        }
        for n in path {
            state.insert(n, 2);
        }
    }
    cycles.sort();
    cycles
}

/// Text compared the way people mean it: case, spaces and a final period
/// do not make two topics different.
pub fn normalize_topic(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_in_functional_graphs() {
        let next: BTreeMap<&str, &str> = [
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("d", "a"),
            ("e", "e"),
            ("f", "g"),
        ]
        .into();
        assert_eq!(
            functional_cycles(&next),
            vec![
                vec!["a".to_string(), "b".into(), "c".into()],
                vec!["e".to_string()]
            ]
        );
        let none: BTreeMap<&str, &str> = [("a", "b"), ("b", "c")].into();
        assert!(functional_cycles(&none).is_empty());
    }

    #[test]
    fn topics() {
        assert_eq!(
            normalize_topic("  Pricing and   discounts."),
            "pricing and discounts"
        );
    }

    #[test]
    fn lists() {
        let items = ["`a`".to_string(), "`b`".into(), "`c`".into()];
        assert_eq!(join_and(&items), "`a`, `b` and `c`");
        assert_eq!(join_and(&items[..1]), "`a`");
    }
}
