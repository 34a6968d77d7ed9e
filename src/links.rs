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

/// What the loader reads from a Markdown text in one pass.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// The `@…` link destinations, with the byte range of each destination
    /// (or of its whole link when the destination text cannot be found
    /// verbatim, as with reference links).
    pub links: Vec<(String, Range<usize>)>,
    /// The raw HTML where more than [`MAX_HTML_DEPTH`] elements are first
    /// held open, if they ever are.
    ///
    /// [`MAX_HTML_DEPTH`]: crate::limits::MAX_HTML_DEPTH
    pub too_deep: Option<Range<usize>>,
}

/// Reads the links and the raw HTML's depth of a Markdown text.
pub fn scan(markdown: &str) -> Scan {
    let mut out = Scan::default();
    let mut depth = 0;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        let dest = match &event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => dest_url,
            Event::Html(html) | Event::InlineHtml(html) => {
                if out.too_deep.is_none() && opens_too_many(html, &mut depth) {
                    out.too_deep = Some(range);
                }
                continue;
            }
            _ => continue,
        };
        if !dest.starts_with('@') {
            continue;
        }
        let at = markdown[range.clone()]
            .rfind(dest.as_ref())
            .map_or(range.clone(), |i| range.start + i..range.start + i + dest.len());
        out.links.push((dest.to_string(), at));
    }
    out
}

/// The `@…` link destinations of a Markdown text (see [`Scan::links`]).
pub fn entity_links(markdown: &str) -> Vec<(String, Range<usize>)> {
    scan(markdown).links
}

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

/// Counts the elements `html` opens and closes into `depth` (tags opened
/// and not closed so far, the way an HTML parser's stack grows); `true`
/// once more than [`MAX_HTML_DEPTH`](crate::limits::MAX_HTML_DEPTH) are open.
fn opens_too_many(html: &str, depth: &mut usize) -> bool {
    let b = html.as_bytes();
    for at in memchr::memchr_iter(b'<', b) {
        match b.get(at + 1) {
            Some(b'/') => *depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let rest = &b[at + 1..];
                let name_len = rest
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .unwrap_or(rest.len());
                let name = &html[at + 1..at + 1 + name_len];
                let self_closing =
                    memchr::memchr(b'>', rest).is_some_and(|end| end > 0 && rest[end - 1] == b'/');
                if !self_closing && !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
                    *depth += 1;
                    if *depth > crate::limits::MAX_HTML_DEPTH {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
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
