//! `playbook.yaml`: resolving the settings the other checks rely on, and
//! checking the settings themselves.

use super::{Ctx, Department, Resolved};
use crate::diag::{Code, Diagnostic, Sink, suggest};
use crate::load::{Kind, RawPlaybook};
use crate::model::money::Currency;
use crate::model::settings::Visibility;
use jiff::tz::TimeZone;

/// Resolves the settings with their defaults. Bad values are reported by
/// [`check`]; here they fall back to the defaults so that later checks run.
pub fn resolve(pb: &RawPlaybook, _sink: &mut Sink) -> Resolved {
    let s = pb.settings.as_ref().map(|e| &e.data);
    let timezone_name = s
        .and_then(|s| s.timezone.as_ref())
        .map_or("UTC".to_owned(), |t| t.value.clone());
    let timezone = jiff::tz::db().get(&timezone_name).unwrap_or(TimeZone::UTC);
    let fy_start = s
        .and_then(|s| s.fiscal_year_start.as_ref())
        .and_then(|n| n.value.0.parse::<u8>().ok())
        .filter(|m| (1..=12).contains(m))
        .unwrap_or(1);
    let currency = match s.and_then(|s| s.currency.as_ref()) {
        Some(c) => Currency::parse(&c.value).ok(),
        None => Currency::parse("EUR").ok(),
    };
    let default_visibility = s
        .and_then(|s| s.default_visibility.as_ref())
        .map_or(Visibility::Internal, |v| v.value);
    let channels = s
        .map(|s| s.channels.keys().map(str::to_owned).collect())
        .unwrap_or_default();
    let departments = s
        .map(|s| {
            s.departments
                .iter()
                .map(|(k, d)| {
                    (
                        k.value.clone(),
                        Department {
                            head: d.value.head.as_ref().map(|h| h.value.clone()),
                            intake: d
                                .value
                                .intake
                                .as_ref()
                                .is_some_and(|i| !i.value.trim().is_empty()),
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Resolved {
        fy_start,
        timezone,
        timezone_name,
        currency,
        default_visibility,
        channels,
        departments,
    }
}

pub fn check(cx: &mut Ctx) {
    let Some(e) = cx.pb.settings.as_ref() else {
        return;
    };
    let s = &e.data;
    cx.require(e.start(), "playbook.yaml", &[("title", s.title.is_some())]);
    if let Some(tz) = &s.timezone {
        timezone(cx, e, tz);
    }
    cx.currency(e, s.currency.as_ref());
    if let Some(fy) = &s.fiscal_year_start {
        let ok = fy.value.0.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m));
        if !ok {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&fy.span),
                    format!("`{}` is not a month", fy.value.0),
                )
                .help("`fiscal_year_start` is the first month of the fiscal year, 1 to 12"),
            );
        }
    }
    if let Some(url) = &s.base_url {
        web_url(cx, e, url);
    }
    if let Some(theme) = &s.theme
        && theme.value != "default"
        && (!crate::theme::is_theme_name(&theme.value)
            || !cx.pb.root.join("themes").join(&theme.value).is_dir())
    {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                e.loc(&theme.span),
                format!("unknown theme `{}`", theme.value),
            )
            .help(format!(
                "put the theme in `themes/{}/`, or use `default`",
                theme.value
            )),
        );
    }
    if let Some(lang) = &s.language {
        let mut parts = lang.value.split('-');
        let first_ok = parts
            .next()
            .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
        let rest_ok =
            parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !(first_ok && rest_ok) {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&lang.span),
                    format!("`{}` is not a language tag", lang.value),
                )
                .help("use a BCP 47 tag such as `en`, `de` or `en-GB`"),
            );
        }
    }
    if let Some(url) = s.organization.as_ref().and_then(|o| o.url.as_ref()) {
        web_url(cx, e, url);
    }
    for (_, channel) in s.channels.iter() {
        if let Some(url) = &channel.value.url {
            web_url(cx, e, url);
        }
    }
    if let Some(h) = &s.horizon {
        let start = cx.date(e, &h.value.start);
        let end = cx.date(e, &h.value.end);
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            cx.push(Diagnostic::new(
                Code::EndBeforeStart,
                e.loc(&h.value.end.span),
                format!("horizon ends on {end}, before it starts on {start}"),
            ));
        }
    }
    if let Some(org) = &s.organization {
        if org.name.is_none() {
            cx.require(e.start(), "`organization`", &[("name", false)]);
        }
        if let Some(logo) = &org.logo {
            cx.file_ref(e, logo);
        }
    }
    for (id, channel) in s.channels.iter() {
        id_syntax(cx, e, id, "channel");
        cx.require(
            e.loc(&channel.span),
            "a channel",
            &[("name", channel.value.name.is_some())],
        );
    }
    for (id, dept) in s.departments.iter() {
        id_syntax(cx, e, id, "department");
        cx.require(
            e.loc(&dept.span),
            "a department",
            &[("name", dept.value.name.is_some())],
        );
        if let Some(head) = &dept.value.head {
            cx.reference(e, head, Kind::Role);
        }
        if cx.has(Kind::Role, &id.value) {
            cx.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    e.loc(&id.span),
                    format!("`{}` is both a department and a role", id.value),
                )
                .help("roles and departments share no ids, so that `to:` and `owner:` are unambiguous"),
            );
        }
    }
}

/// Whether `s` is an absolute http(s) URL: the only kind of address the
/// site links to from user data.
pub fn is_web_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Reports a URL that is not an absolute http(s) address.
pub fn web_url<T>(cx: &mut Ctx, e: &crate::load::Entity<T>, url: &crate::model::Located<String>) {
    if !is_web_url(&url.value) {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                e.loc(&url.span),
                format!("`{}` is not an absolute http(s) URL", url.value),
            )
            .help("write the full address, e.g. `https://acme.example/`"),
        );
    }
}

fn id_syntax<T>(cx: &mut Ctx, e: &crate::load::Entity<T>, id: &crate::model::Located<String>, what: &str) {
    if !crate::load::valid_id(&id.value) {
        cx.push(
            Diagnostic::new(
                Code::InvalidValue,
                e.loc(&id.span),
                format!("`{}` is not a valid {what} id", id.value),
            )
            .help("ids use lowercase letters, digits and hyphens"),
        );
    }
}

/// Checks an IANA zone name, suggesting the closest known one.
pub fn timezone<T>(
    cx: &mut Ctx,
    e: &crate::load::Entity<T>,
    tz: &crate::model::Located<String>,
) -> Option<TimeZone> {
    match jiff::tz::db().get(&tz.value) {
        Ok(zone) => Some(zone),
        Err(_) => {
            let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
            let help = suggest::did_you_mean(&tz.value, names.iter().map(String::as_str))
                .unwrap_or_else(|| "use an IANA zone name such as Europe/Berlin or America/New_York".into());
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    e.loc(&tz.span),
                    format!("unknown time zone `{}`", tz.value),
                )
                .help(help),
            );
            None
        }
    }
}
