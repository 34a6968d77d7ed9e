//! Markdown to safe HTML: heading ids and a table of contents, `@kind/id`
//! links resolved to relative URLs (or to plain text when the target is not
//! in the build), raw HTML sanitized with an allow-list, plain text for
//! search.

use crate::load::Kind;
use crate::validate::links::{markdown_options, parse_link};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A heading listed in the table of contents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A rendered Markdown text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    /// Sanitized HTML.
    pub html: String,
    /// Level-2 and level-3 headings, in order.
    pub toc: Vec<TocEntry>,
    /// The words, for search: whitespace collapsed, and cut after one
    /// character more than a search document keeps (enough to tell that
    /// it was cut).
    pub text: String,
}

/// How entity links are resolved for the page being rendered.
pub trait LinkResolver {
    /// The URL (relative to the current page) of an entity that is in the
    /// build, or `None` to keep only the link text.
    fn resolve(&self, kind: Kind, id: &str, fragment: Option<&str>) -> Option<String>;
}

/// Element ids the theme uses on every page or around bodies; headings get
/// another id (`main` becomes `main-1`). Ids starting `kr-` or `m-` are the
/// theme's too, and get an `h-` prefix.
const RESERVED_IDS: &[&str] = &[
    "main",
    "site-search",
    "search-input",
    "search-status",
    "search-results",
    "toc-title",
    "referenced-by",
    "playbook-overlay",
    "responsibilities",
    "not-responsible",
    "authority",
    "escalations",
    "kpis",
    "qualifications",
    "org-chart",
    "by-department",
    "agenda",
    "views-title",
    "campaign-events",
    "campaign-budget",
    "home-goals",
    "home-upcoming",
    "home-budget",
    "home-jobs",
    "home-pages",
    "timeline-title",
];

/// Points an `@kind/id` link or image at its page; `None` when the target
/// is not in the build. Other tags pass through unchanged.
fn retarget<'a>(tag: Tag<'a>, links: &dyn LinkResolver) -> Option<Tag<'a>> {
    let resolve = |dest: &str| {
        parse_link(dest)
            .and_then(|(kind, target, fragment)| links.resolve(Kind::from_folder(kind)?, target, fragment))
    };
    Some(match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } if dest_url.starts_with('@') => Tag::Link {
            link_type,
            dest_url: CowStr::from(resolve(&dest_url)?),
            title,
            id,
        },
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } if dest_url.starts_with('@') => Tag::Image {
            link_type,
            dest_url: CowStr::from(resolve(&dest_url)?),
            title,
            id,
        },
        other => other,
    })
}

/// Renders `markdown`. Heading ids are unique within the page.
pub fn render(markdown: &str, links: &dyn LinkResolver) -> Rendered {
    render_with(markdown, links, true)
}

/// [`render`] with every body through the sanitizer's parse, never its
/// fast path. The two must agree: tests and the fuzzer compare them.
pub fn render_through_sanitizer(markdown: &str, links: &dyn LinkResolver) -> Rendered {
    render_with(markdown, links, false)
}

/// [`render`]; with `fast`, plain Markdown skips the sanitizer's parse
/// (same result, see [`super::clean`]).
fn render_with(markdown: &str, links: &dyn LinkResolver, fast: bool) -> Rendered {
    let mut events: Vec<Event> = Vec::with_capacity(markdown.len() / 16);
    let mut toc = Vec::new();
    let mut text = Words::new(super::search::BODY_CHARS + 1);
    // Heading ids given so far (the theme's are taken from the start).
    let mut used_ids: BTreeSet<String> = BTreeSet::new();
    // Inside a heading: its level, explicit id, and buffered events.
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
    // For each open link or image (they nest properly): whether it is dropped.
    let mut dropped: Vec<bool> = Vec::new();
    // Raw HTML in the Markdown: only the sanitizer can make it safe.
    let mut raw_html = false;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match &event {
            Event::Html(_) | Event::InlineHtml(_) => raw_html = true,
            Event::Text(t) | Event::Code(t) => text.push(t),
            // Block ends and line breaks separate words; inline markup does not.
            Event::SoftBreak | Event::HardBreak | Event::End(_)
                if !matches!(
                    &event,
                    Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link | TagEnd::Strikethrough)
                ) =>
            {
                text.push(" ")
            }
            _ => {}
        }
        let event = match event {
            // A link or image to an entity not in the build is dropped, its
            // text or alt text kept.
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => match retarget(tag, links) {
                Some(tag) => {
                    dropped.push(false);
                    Event::Start(tag)
                }
                None => {
                    dropped.push(true);
                    continue;
                }
            },
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if dropped.pop() == Some(true) {
                    continue;
                }
                event
            }
            other => other,
        };
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id.map(|i| i.to_string()), Vec::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, explicit, inner)) = heading.take() else {
                    continue;
                };
                let plain: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = explicit.unwrap_or_else(|| {
                    let s = slug::slugify(&plain);
                    if s.is_empty() { "section".to_owned() } else { s }
                });
                let base = if base.starts_with("kr-") || base.starts_with("m-") {
                    format!("h-{base}")
                } else {
                    base
                };
                let mut hid = base.clone();
                let mut n = 1;
                while RESERVED_IDS.contains(&hid.as_str()) || !used_ids.insert(hid.clone()) {
                    hid = format!("{base}-{n}");
                    n += 1;
                }
                let lvl = level as u8;
                if lvl == 2 || lvl == 3 {
                    toc.push(TocEntry {
                        level: lvl,
                        id: hid.clone(),
                        text: plain,
                    });
                }
                const TAGS: [(&str, &str); 6] = [
                    ("<h1 id=\"", "</h1>\n"),
                    ("<h2 id=\"", "</h2>\n"),
                    ("<h3 id=\"", "</h3>\n"),
                    ("<h4 id=\"", "</h4>\n"),
                    ("<h5 id=\"", "</h5>\n"),
                    ("<h6 id=\"", "</h6>\n"),
                ];
                let (open, close) = TAGS[usize::from(lvl).clamp(1, 6) - 1];
                let id = escape_attr(&hid);
                let mut start = String::with_capacity(open.len() + id.len() + 2);
                start.push_str(open);
                start.push_str(&id);
                start.push_str("\">");
                events.push(Event::Html(CowStr::from(start)));
                events.extend(inner);
                events.push(Event::Html(CowStr::Borrowed(close)));
            }
            e => match &mut heading {
                Some((_, _, inner)) => inner.push(e),
                None => events.push(e),
            },
        }
    }
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let clean = match fast && !raw_html {
        true => super::clean::clean(&html),
        false => None,
    };
    Rendered {
        html: clean.unwrap_or_else(|| sanitizer().clean(&html).to_string()),
        toc,
        text: text.out,
    }
}

/// The words of a text given in pieces, with single spaces between them,
/// up to `max` characters; the rest of the text is not looked at.
struct Words {
    out: String,
    chars: usize,
    max: usize,
    in_word: bool,
    full: bool,
}

impl Words {
    fn new(max: usize) -> Words {
        Words {
            out: String::with_capacity(max + max / 4),
            chars: 0,
            max,
            in_word: false,
            full: false,
        }
    }

    /// Adds a piece of the text. Words are copied whole, not character
    /// by character; ASCII whitespace is told from its byte, and only other
    /// characters are decoded to ask whether they are whitespace.
    fn push(&mut self, piece: &str) {
        if self.full {
            return;
        }
        // The length of the whitespace character at `i`, if there is one.
        let space_at = |i: usize| match piece.as_bytes()[i] {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => Some(1),
            0..0x80 => None,
            _ => piece[i..]
                .chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map(char::len_utf8),
        };
        let mut i = 0;
        while i < piece.len() {
            if let Some(len) = space_at(i) {
                self.in_word = false;
                i += len;
                continue;
            }
            if !self.in_word {
                if self.chars >= self.max {
                    self.full = true;
                    return;
                }
                if !self.out.is_empty() {
                    self.out.push(' ');
                    self.chars += 1;
                }
                self.in_word = true;
            }
            // The word (or the part of it in this piece), and its characters.
            let mut end = i;
            let mut chars = 0;
            while end < piece.len() && space_at(end).is_none() {
                end += utf8_len(piece.as_bytes()[end]);
                chars += 1;
            }
            let room = self.max.saturating_sub(self.chars);
            if chars <= room {
                self.out.push_str(&piece[i..end]);
                self.chars += chars;
            } else {
                self.out.extend(piece[i..end].chars().take(room));
                self.chars += room;
            }
            i = end;
        }
    }
}

/// The length of the UTF-8 character that starts with byte `b` (never
/// asked of a continuation byte).
fn utf8_len(b: u8) -> usize {
    match b {
        0..0x80 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// The words of `text` with single spaces between them, up to `max` characters.
#[cfg(test)]
fn words(text: &str, max: usize) -> String {
    let mut w = Words::new(max);
    w.push(text);
    w.out
}

/// Rewrites Markdown source so that `@kind/id` links (and images) whose
/// target `keep` refuses become their plain text: for public copies of
/// raw Markdown, where a hidden entity's id must not appear.
pub fn strip_links(markdown: &str, keep: &dyn Fn(Kind, &str) -> bool) -> String {
    let mut cuts: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    // Open links: (whole range, inner start, inner end, drop?)
    let mut open: Vec<(std::ops::Range<usize>, Option<usize>, usize, bool)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                let drop = dest_url.starts_with('@')
                    && !parse_link(dest_url)
                        .and_then(|(k, id, _)| Some((Kind::from_folder(k)?, id)))
                        .is_some_and(|(k, id)| keep(k, id));
                open.push((range.clone(), None, range.start, drop));
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if let Some((whole, inner_start, inner_end, drop)) = open.pop()
                    && drop
                {
                    let inner = inner_start.map_or(whole.start..whole.start, |s| s..inner_end);
                    cuts.push((whole, inner));
                }
            }
            _ => {
                if let Some(top) = open.last_mut() {
                    if top.1.is_none() {
                        top.1 = Some(range.start);
                    }
                    top.2 = top.2.max(range.end);
                }
            }
        }
    }
    cuts.sort_by_key(|(w, _)| w.start);
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (whole, inner) in cuts {
        if whole.start < at {
            continue;
        }
        out.push_str(&markdown[at..whole.start]);
        out.push_str(&markdown[inner]);
        at = whole.end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// The allow-list: ammonia's defaults (no scripts, no event handlers, no
/// `javascript:` URLs, no SVG or MathML) plus heading ids and task-list
/// checkboxes.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b.add_tags(["input"]);
        b.add_tag_attributes("input", ["type", "checked", "disabled"]);
        b.link_rel(Some(super::clean::LINK_REL));
        b
    })
}

/// Escapes text for HTML or XML text and attribute values. Control
/// characters other than whitespace, which neither allows, are dropped.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    struct Links;
    impl LinkResolver for Links {
        fn resolve(&self, kind: Kind, id: &str, fragment: Option<&str>) -> Option<String> {
            (id != "secret").then(|| {
                let f = fragment.map(|f| format!("#{f}")).unwrap_or_default();
                format!("../../{}/{id}/index.html{f}", kind.folder())
            })
        }
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let r = render(
            "## Goals\n\n### Goals\n\n## Café & co\n\n## Goals {#custom}\n",
            &Links,
        );
        assert!(r.html.contains("<h2 id=\"goals\">Goals</h2>"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"goals-1\">Goals</h3>"));
        assert!(
            r.html.contains("<h2 id=\"cafe-co\">Café &amp; co</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"custom\">"));
        assert_eq!(r.toc.len(), 4);
        assert_eq!(r.toc[1].level, 3);
    }

    #[test]
    fn headings_never_take_the_theme_s_ids() {
        let r = render("## Main\n\n## KR-1\n\n<div id=\"main\">x</div>\n", &Links);
        assert!(r.html.contains("<h2 id=\"main-1\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"h-kr-1\">"), "{}", r.html);
        assert!(!r.html.contains("id=\"main\""), "{}", r.html);
    }

    #[test]
    fn entity_links_become_relative_urls_or_text() {
        let r = render("Ask [the manager](@roles/smm) or [them](@roles/secret).", &Links);
        assert!(
            r.html.contains(
                "<a href=\"../../roles/smm/index.html\" rel=\"noopener noreferrer\">the manager</a>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains(" or them."), "{}", r.html);
        assert!(!r.html.contains("secret"));
        let r = render("![a chart](@budgets/secret) end", &Links);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(r.html.contains("a chart end"), "{}", r.html);
        // A dropped image inside a kept link, and a kept image inside a dropped link.
        let r = render(
            "[![alt](@budgets/secret)](@roles/smm) [![x](@roles/smm)](@roles/secret)",
            &Links,
        );
        assert!(
            r.html.contains("<a href=\"../../roles/smm/index.html\""),
            "{}",
            r.html
        );
        assert!(r.html.contains(">alt</a> <img"), "{}", r.html);
        assert_eq!(r.html.matches("</a>").count(), 1, "{}", r.html);
        let r = render("[KR](@goals/grow#followers)", &Links);
        assert!(r.html.contains("../../goals/grow/index.html#followers"));
    }

    #[test]
    fn hidden_links_are_stripped_from_source() {
        let md = "See [the *plan*](@goals/secret#kr) and [Bea](@personas/bea). ![chart](@budgets/secret)";
        let out = strip_links(md, &|_, id| id != "secret");
        assert_eq!(out, "See the *plan* and [Bea](@personas/bea). chart");
    }

    #[test]
    fn raw_html_is_sanitized() {
        let r = render(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">hi</p>\n\n[x](javascript:alert(1)) <img src=x onerror=y>\n\n<svg><animate/></svg>",
            &Links,
        );
        for bad in [
            "<script",
            "onclick",
            "javascript:",
            "onerror",
            "<svg",
            "alert(1)</script",
        ] {
            assert!(!r.html.contains(bad), "{bad} in {}", r.html);
        }
    }

    #[test]
    fn plain_text_for_search() {
        let r = render("# Title\n\nSome *emphasis* and `code`.", &Links);
        assert_eq!(r.text, "Title Some emphasis and code.");
    }

    /// The fast path gives the sanitizer's bytes, or steps aside.
    fn assert_same(markdown: &str) -> bool {
        let fast = render(markdown, &Links).html;
        let slow = render_through_sanitizer(markdown, &Links).html;
        assert_eq!(fast, slow, "for {markdown:?}");
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, markdown_options()));
        super::super::clean::clean(&html).is_some()
    }

    #[test]
    fn fast_path_matches_the_sanitizer() {
        let cases = [
            "Plain *em* **strong** ***both*** ~~gone~~ `code <b> & \"q\"`.",
            "Quotes \"double\" and 'single', AT&T, 1 < 2 > 0, a\u{a0}b, caf\u{e9} \u{1f600}.",
            "Two-byte characters: \u{a9} 2026 \u{ab}quoted\u{bb} \u{b1}5 \u{b5}s \u{a0}\u{a0} x\u{a0}> y & z.",
            "Entities &copy; &amp; &lt;tag&gt; &#35; &nbsp;.",
            "## Title \"quoted\" & <angled>\n\n### Sub {#my-id}\n\ntext",
            "[rel](../x/index.html \"A 'title' & \\\"more\\\"\") [abs](https://example.com/a?b=1&c=2#f)",
            "[mail](mailto:someone@example.com) [js](javascript:alert(1)) [data](data:text/html,x)",
            "[ftp](ftp://example.com/) [bad](http://[::1) [empty]() [space](<a b>) [q](a\"b'c)",
            "<https://example.com/auto> <someone@example.com>",
            "![alt \"text\" & more](img.png \"t\") ![x](javascript:x) [![img](a.png)](b.html)",
            "[entity](@roles/smm) [gone](@roles/secret) [frag](@goals/g#kr-1)",
            "- one\n- two\n  - nested\n\n1. a\n2. b\n\n3. start\n4. next\n\n0. zero",
            "- [ ] open\n- [x] done",
            "> quote\n> > nested\n\n---\n\n***",
            "line  \nbreak\\\nagain",
            "```rust\nfn main() { let x = \"<a>\" & 1; }\n```\n\n    indented\n    code",
            "| a | b | c |\n|:--|:-:|--:|\n| 1 | **2** | [3](x) |\n| \\| | `|` | |",
            "| only head |\n|---|",
            "> [!NOTE]\n> alert",
            "Footnote[^1].\n\n[^1]: The note.",
            "Raw <span onclick=\"x\">html</span> and <script>alert(1)</script>",
            "<div>\nblock\n</div>",
            "text with \r\n windows line ends\r\n",
            "# H1\n## H2\n#### H4\n##### H5\n###### H6",
            "Setext\n======\n\nOther\n-----",
            "*unclosed **mixed* emphasis**",
            "[ref link][r]\n\n[r]: https://example.com \"Title\"",
            "\\<escaped\\> \\& \\*",
        ];
        let mut fast = 0;
        for case in cases {
            fast += usize::from(assert_same(case));
        }
        assert!(fast >= 18, "the fast path took only {fast} cases");
        // Raw HTML always goes through the sanitizer.
        assert!(
            !assert_same("Raw <em>x</em>")
                || render("Raw <b onclick=1>x</b>", &Links).html.contains("<b>x</b>")
        );
    }

    /// Every Markdown file of the repository's playbooks and fixtures.
    #[test]
    fn fast_path_matches_the_sanitizer_on_every_playbook() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["content", "examples", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let entry = entry.unwrap();
                if entry.path().extension().is_some_and(|e| e == "md")
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                {
                    assert_same(&text);
                    seen += 1;
                }
            }
        }
        assert!(seen > 30, "{seen} files");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Random documents made of Markdown's pieces.
        #[test]
        fn fast_path_matches_the_sanitizer_on_random_markdown(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "# ", "## ", "### ", "- ", "1. ", "3) ", "> ", "    ", "```\n", "```js\n",
                        "| a | b |\n|:-|-:|\n", "| ", " |", "---\n", "\n", "\n\n", "  \n", "\\\n",
                        "*", "**", "_", "~~", "`", "[", "](", ")", "![", "<", ">", "&", "\"", "'",
                        "&amp;", "&quot;", "&#39;", "&nbsp;", "\u{a0}", "é", "[ ] ", "[x] ",
                        "](https://example.com/?a=1&b=\"2\")", "](mailto:a@b.c)", "](javascript:x)",
                        "](@roles/smm)", "](@roles/secret)", "](../rel/path.html \"t\")",
                        "](ftp://x)", "](http://[bad)", " {#id}", "<https://a.b/c>", "word ",
                    ]).prop_map(str::to_owned),
                    "[a-zA-Z0-9 .,!?]{0,12}",
                ],
                0..40,
            )
        ) {
            assert_same(&pieces.concat());
        }
    }

    proptest::proptest! {
        /// The words kept for search are the start of all the words.
        #[test]
        fn words_are_the_start_of_all_words(text in "[a-zé😀 \n\t\u{a0}\u{2003}\u{85}\u{b}]{0,60}", max in 0usize..40, cuts in proptest::collection::vec(0usize..61, 0..4)) {
            let all = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let start: String = all.chars().take(max).collect();
            proptest::prop_assert_eq!(words(&text, max), start.clone());
            // Given in pieces, as a Markdown parser hands text over.
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| text.is_char_boundary((*c).min(text.len()))).map(|c| c.min(text.len())).collect();
            cuts.sort();
            let mut w = Words::new(max);
            let mut at = 0;
            for c in cuts.into_iter().chain([text.len()]) {
                w.push(&text[at..c]);
                at = c;
            }
            proptest::prop_assert_eq!(w.out, start);
        }
    }
}
