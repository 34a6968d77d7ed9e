//! `@kind/id` links in Markdown: finding them and splitting them. Pure;
//! the loader records each body's links once, validation checks them and
//! the site follows them.

use pulldown_cmark::{Event, Options, Parser, Tag};
use std::ops::Range;

/// Markdown options shared by everything that reads bodies.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The `@…` link destinations of a Markdown text, with the byte range of
/// each destination (or of its whole link when the destination text cannot
/// be found verbatim, as with reference links).
pub fn entity_links(markdown: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        let dest = match &event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if !dest.starts_with('@') {
            continue;
        }
        let at = markdown[range.clone()]
            .rfind(dest.as_ref())
            .map_or(range.clone(), |i| range.start + i..range.start + i + dest.len());
        out.push((dest.to_string(), at));
    }
    out
}

/// A link destination split into kind, id and fragment.
pub fn parse_link(dest: &str) -> Option<(&str, &str, Option<&str>)> {
    let rest = dest.strip_prefix('@')?;
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    let (kind, id) = path.split_once('/')?;
    Some((kind, id.trim_end_matches('/'), fragment))
}
