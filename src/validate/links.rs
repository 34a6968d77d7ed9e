//! `@kind/id` links in Markdown: in bodies and in `description:` fields.

use super::Ctx;
use crate::diag::{Code, Diagnostic, suggest};
use crate::load::{Entity, Kind};
use crate::model::Located;
use crate::model::settings::Visibility;

pub use crate::links::{entity_links, markdown_options, parse_link};

pub fn check(cx: &mut Ctx) {
    let pb = cx.pb;
    if let Some(e) = &pb.index {
        body(cx, e, cx.visibility(e.data.visibility.as_ref()));
    }
    for e in &pb.pages {
        body(cx, e, cx.visibility(e.data.visibility.as_ref()));
    }
    for e in &pb.personas {
        body(cx, e, cx.visibility(e.data.visibility.as_ref()));
        description(
            cx,
            e,
            e.data.description.as_ref(),
            cx.visibility(e.data.visibility.as_ref()),
        );
    }
    for e in &pb.campaigns {
        body(cx, e, cx.visibility(e.data.visibility.as_ref()));
        description(
            cx,
            e,
            e.data.description.as_ref(),
            cx.visibility(e.data.visibility.as_ref()),
        );
    }
    for e in &pb.roles {
        body(cx, e, cx.visibility(e.data.visibility.as_ref()));
        description(
            cx,
            e,
            e.data.description.as_ref(),
            cx.visibility(e.data.visibility.as_ref()),
        );
    }
    for e in &pb.goals {
        body(cx, e, cx.visibility(e.data.visibility.as_ref()));
        description(
            cx,
            e,
            e.data.description.as_ref(),
            cx.visibility(e.data.visibility.as_ref()),
        );
    }
    for e in &pb.metrics {
        description(
            cx,
            e,
            e.data.description.as_ref(),
            cx.visibility(e.data.visibility.as_ref()),
        );
    }
    for e in &pb.budgets {
        description(
            cx,
            e,
            e.data.description.as_ref(),
            cx.visibility(e.data.visibility.as_ref()),
        );
    }
    for e in &pb.calendars {
        description(
            cx,
            e,
            e.data.description.as_ref(),
            cx.visibility(e.data.visibility.as_ref()),
        );
        for ev in e.data.events.iter().flat_map(|v| v.value.iter()) {
            description(
                cx,
                e,
                ev.value.description.as_ref(),
                cx.visibility(e.data.visibility.as_ref()),
            );
        }
    }
}

fn body<T>(cx: &mut Ctx, e: &Entity<T>, visibility: Visibility) {
    let Some(range) = &e.body else { return };
    for (dest, at) in &e.links {
        let loc = crate::source::Loc::new(e.file, range.start + at.start..range.start + at.end);
        resolve(cx, dest, loc, visibility);
    }
}

fn description<T>(cx: &mut Ctx, e: &Entity<T>, d: Option<&Located<String>>, visibility: Visibility) {
    let Some(d) = d else { return };
    let source = &cx.pb.sources.get(e.file).text;
    let span = e.base + d.span.start..(e.base + d.span.end).min(source.len());
    let region = source.get(span.clone()).unwrap_or("");
    let scan = crate::links::scan(&d.value);
    if scan.too_deep.is_some() {
        cx.push(crate::load::html_too_deep(crate::source::Loc::new(
            e.file,
            span.clone(),
        )));
    }
    for (dest, _) in scan.links {
        let at = region
            .find(&dest)
            .map_or(span.clone(), |i| span.start + i..span.start + i + dest.len());
        resolve(cx, &dest, crate::source::Loc::new(e.file, at), visibility);
    }
}

fn resolve(cx: &mut Ctx, dest: &str, loc: crate::source::Loc, from: Visibility) {
    let Some((kind_name, id, fragment)) = parse_link(dest) else {
        cx.push(
            Diagnostic::new(Code::BrokenLink, loc, format!("`{dest}` is not an entity link"))
                .help("entity links look like `@roles/social-media-manager`"),
        );
        return;
    };
    let Some(kind) = Kind::from_folder(kind_name) else {
        let help =
            suggest::did_you_mean(kind_name, Kind::ALL.iter().map(|k| k.folder())).unwrap_or_else(|| {
                format!(
                    "the kinds are {}",
                    Kind::ALL
                        .iter()
                        .map(|k| k.folder())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        cx.push(
            Diagnostic::new(
                Code::BrokenLink,
                loc,
                format!("unknown kind `{kind_name}` in link `{dest}`"),
            )
            .help(help),
        );
        return;
    };
    if !cx.has(kind, id) {
        let help = suggest::did_you_mean(id, cx.ids(kind))
            .map(|m| format!("{m} (`@{}/…`)", kind.folder()))
            .unwrap_or_else(|| format!("no {} has the id `{id}`", kind.name()));
        cx.push(
            Diagnostic::new(
                Code::BrokenLink,
                loc,
                format!("link `{dest}` points to no {}", kind.name()),
            )
            .help(help),
        );
        return;
    }
    if kind == Kind::Goal
        && let Some(kr) = fragment
        && let Some(help) = cx.missing_key_result(id, kr)
    {
        cx.push(
            Diagnostic::new(
                Code::BrokenLink,
                loc,
                format!("goal `{id}` has no key result `{kr}`"),
            )
            .help(help),
        );
        return;
    }
    if cx.opts.public && from == Visibility::Public && target_visibility(cx, kind, id) == Visibility::Internal
    {
        cx.push(
            Diagnostic::new(
                Code::InternalReference,
                loc,
                format!("public page links to internal {} `{id}`", kind.name()),
            )
            .help("a public build keeps only the link text; make the target public or drop the link"),
        );
    }
}

fn target_visibility(cx: &Ctx, kind: Kind, id: &str) -> Visibility {
    cx.pb
        .explicit_visibility(kind, id)
        .flatten()
        .unwrap_or(cx.settings.default_visibility)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_entity_links() {
        let md = "See [the manager](@roles/social-media-manager) and [x](https://a.example).\n\n![bea](@personas/bea)";
        let links = entity_links(md);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].0, "@roles/social-media-manager");
        assert_eq!(&md[links[0].1.clone()], "@roles/social-media-manager");
        assert_eq!(&md[links[1].1.clone()], "@personas/bea");
    }

    #[test]
    fn splits_destinations() {
        assert_eq!(
            parse_link("@goals/grow#followers"),
            Some(("goals", "grow", Some("followers")))
        );
        assert_eq!(parse_link("@roles/smm"), Some(("roles", "smm", None)));
        assert_eq!(parse_link("@roles"), None);
        assert_eq!(parse_link("roles/x"), None);
    }
}
