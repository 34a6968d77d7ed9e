//! `@kind/id` links in Markdown: finding them and splitting them. Pure;
//! the loader records each body's links once, validation checks them and
//! the site follows them.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
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
    /// For a text with raw HTML (which makes its page go through the HTML
    /// sanitizer): where more than [`MAX_HTML_DEPTH`] elements, of
    /// Markdown and raw HTML together, are first open, if they ever are.
    ///
    /// [`MAX_HTML_DEPTH`]: crate::limits::MAX_HTML_DEPTH
    pub too_deep: Option<Range<usize>>,
}

/// Reads the links and the nesting of a Markdown text.
pub fn scan(markdown: &str) -> Scan {
    let mut out = Scan::default();
    let mut depth = Depth::default();
    let mut deepest = None;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        let dest = match &event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                depth.markdown += 1;
                dest_url
            }
            // A block of raw HTML is no element of its own.
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => continue,
            Event::Start(_) => {
                depth.markdown += 1;
                if deepest.is_none() && depth.over() {
                    deepest = Some(range);
                }
                continue;
            }
            Event::End(_) => {
                depth.markdown = depth.markdown.saturating_sub(1);
                continue;
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                depth.raw_html(html);
                if deepest.is_none() && depth.over() {
                    deepest = Some(range);
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
    // Without raw HTML, Markdown nests as deep as it likes: only the
    // sanitizer's parser is slow with depth.
    out.too_deep = deepest.filter(|_| depth.had_html);
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

/// Elements that a start tag of their own name closes (`<li>a<li>b`).
const CLOSED_BY_SIBLING: &[&str] = &[
    "li", "p", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rt", "rp", "tbody", "thead", "tfoot",
];

/// How many elements are open, as an HTML parser's stack of open elements
/// grows: Markdown's, and raw HTML's by their tags. Tags that a parser
/// ignores (end tags of elements not open, `/>` on elements that have
/// content) are read as it reads them.
#[derive(Default)]
struct Depth {
    markdown: usize,
    html: Vec<String>,
    in_comment: bool,
    had_html: bool,
}

impl Depth {
    fn over(&self) -> bool {
        self.markdown + self.html.len() > crate::limits::MAX_HTML_DEPTH
    }

    /// Reads the tags of a piece of raw HTML, stopping once the depth is
    /// over the limit.
    fn raw_html(&mut self, html: &str) {
        self.had_html = true;
        let b = html.as_bytes();
        let mut at = 0;
        while at < b.len() {
            if self.in_comment {
                match html[at..].find("-->") {
                    Some(end) => {
                        self.in_comment = false;
                        at += end + 3;
                    }
                    None => return,
                }
                continue;
            }
            let Some(lt) = memchr::memchr(b'<', &b[at..]) else {
                return;
            };
            at += lt + 1;
            let rest = &html[at..];
            if rest.starts_with("!--") {
                self.in_comment = true;
                at += 3;
                continue;
            }
            let (closing, name_at) = match rest.as_bytes().first() {
                Some(b'/') => (true, at + 1),
                Some(c) if c.is_ascii_alphabetic() => (false, at),
                _ => continue,
            };
            let name_len = b[name_at..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .unwrap_or(b.len() - name_at);
            if name_len == 0 {
                continue;
            }
            let name = html[name_at..name_at + name_len].to_ascii_lowercase();
            at = name_at + name_len;
            if closing {
                if let Some(open) = self.html.iter().rposition(|n| *n == name) {
                    self.html.truncate(open);
                }
            } else if !VOID.contains(&name.as_str()) {
                if CLOSED_BY_SIBLING.contains(&name.as_str()) && self.html.last() == Some(&name) {
                    self.html.pop();
                }
                self.html.push(name);
                if self.over() {
                    return;
                }
            }
        }
    }
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

#[cfg(test)]
mod depth_tests {
    use super::*;
    use crate::limits::MAX_HTML_DEPTH;

    fn deep(markdown: &str) -> bool {
        scan(markdown).too_deep.is_some()
    }

    #[test]
    fn nesting_counts_as_an_html_parser_would() {
        let n = MAX_HTML_DEPTH + 10;
        // Raw HTML nested too deep, in every spelling a parser nests.
        assert!(deep(&format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n))));
        assert!(deep(&"<div/>".repeat(n)), "`/>` does not close a div");
        assert!(
            deep(&"<div></span>".repeat(n)),
            "an end tag of an element not open is ignored"
        );
        assert!(deep(&"<div></>".repeat(n)));
        assert!(
            deep(&format!("{}\n\n<b>x</b>", "> ".repeat(n))),
            "Markdown nesting, with raw HTML"
        );
        // What does not nest.
        assert!(!deep(&"<div></div>".repeat(n)));
        assert!(!deep(&"<br><img src=a.png><hr/>".repeat(n)));
        assert!(
            !deep(&format!("<ul>{}</ul>", "<li>item".repeat(n))),
            "a sibling closes an item"
        );
        assert!(!deep(&format!("<p>{}", "<p>para".repeat(n))));
        assert!(
            !deep(&format!("<!-- {} -->", "<div>".repeat(n))),
            "tags in a comment"
        );
        assert!(
            !deep(&format!("{}\n\nplain", "> ".repeat(n))),
            "Markdown alone, without raw HTML"
        );
        // Right at the limit.
        let m = MAX_HTML_DEPTH;
        assert!(!deep(&format!("{}x{}", "<div>".repeat(m), "</div>".repeat(m))));
        assert!(deep(&format!(
            "{}x{}",
            "<div>".repeat(m + 1),
            "</div>".repeat(m + 1)
        )));
    }
}
