//! The sanitizer's result without the sanitizer, for the common case.
//!
//! Markdown bodies go through ammonia, which parses the HTML into a tree,
//! filters it against the allow-list and serializes it again: most of the
//! cost of rendering a page. When a body has no raw HTML and only plain
//! Markdown constructs, every tag of the HTML is one that pulldown-cmark
//! (or the heading code) wrote, in a known shape. Then the same result is
//! reached by rewriting the tags and entities in one pass: drop the
//! attributes the allow-list drops, check URLs the same way, add `rel` to
//! links, write void elements and entities as the HTML serializer does.
//!
//! [`clean`] returns `None` whenever the input leaves that known shape;
//! the caller then runs the sanitizer. Tests compare both on every
//! construct (`fast_path_matches_the_sanitizer`).

/// The `rel` the sanitizer puts on every link.
pub const LINK_REL: &str = "noopener noreferrer";

/// `html` as the sanitizer would write it, or `None` when this pass cannot
/// tell (the caller must sanitize).
pub fn clean(html: &str) -> Option<String> {
    if memchr::memchr2(b'\r', 0, html.as_bytes()).is_some() {
        // The HTML parser rewrites these; leave them to it.
        return None;
    }
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    // Open links: a link inside a link (an autolink in a link's text) is
    // split by the HTML parser.
    let mut links = 0usize;
    // Byte searches: `<` and `>` are ASCII, so the offsets are boundaries.
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        text(&rest[..lt], &mut out)?;
        let gt = memchr::memchr(b'>', &rest.as_bytes()[lt..])? + lt;
        let inner = &rest[lt + 1..gt];
        if inner == "/a" {
            links = links.checked_sub(1)?;
        } else if inner == "a" || inner.starts_with("a ") {
            if links > 0 {
                return None;
            }
            links += 1;
        }
        tag(inner, &mut out)?;
        rest = &rest[gt + 1..];
    }
    text(rest, &mut out)?;
    Some(out)
}

/// The entities pulldown-cmark writes, and what they stand for.
const ENTITIES: [(&str, char); 6] = [
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&#x27;", '\''),
];

/// The entity at the start of `s`: its character and length; `None` for
/// any other `&`.
fn entity(s: &str) -> Option<(char, usize)> {
    ENTITIES
        .iter()
        .find(|(e, _)| s.starts_with(e))
        .map(|(e, c)| (*c, e.len()))
}

/// Decodes the entities pulldown-cmark writes; `None` for any other `&`.
fn decode(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    if memchr::memchr(b'&', s.as_bytes()).is_none() {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let (c, len) = entity(&rest[amp..])?;
        out.push(c);
        rest = &rest[amp + len..];
    }
    out.push_str(rest);
    Some(std::borrow::Cow::Owned(out))
}

/// Escapes an attribute value as the HTML serializer does (text between
/// tags has its own pass, [`text`]).
fn escape_attribute(s: &str, out: &mut String) {
    // Runs without a special character are copied whole.
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let (entity, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            // U+00A0 in UTF-8.
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// Text between tags (it holds no `<`): [`decode`], then escaped as the
/// HTML serializer escapes text (`&`, `>`, U+00A0; quotes stay), in one pass.
fn text(s: &str, out: &mut String) -> Option<()> {
    let bytes = s.as_bytes();
    let mut start = 0;
    // Only `&`, `>` and U+00A0 (0xC2 0xA0 in UTF-8) are written otherwise.
    while let Some(found) = memchr::memchr3(b'&', b'>', 0xC2, &bytes[start..]) {
        let i = start + found;
        let (escaped, len) = match bytes[i] {
            b'&' => {
                let (c, len) = entity(&s[i..])?;
                let escaped = match c {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "\"",
                    _ => "'",
                };
                (escaped, len)
            }
            b'>' => ("&gt;", 1),
            _ if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            // Another character whose first byte is 0xC2: kept as it is.
            _ => {
                out.push_str(&s[start..i + 2]);
                start = i + 2;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(escaped);
        start = i + len;
    }
    out.push_str(&s[start..]);
    Some(())
}

/// The sanitizer's attribute allow-list, for the elements Markdown makes.
fn allowed(element: &str, attribute: &str) -> bool {
    matches!(attribute, "lang" | "title")
        || matches!(
            (element, attribute),
            ("a", "href" | "hreflang")
                | ("img", "align" | "alt" | "height" | "src" | "width")
                | ("ol", "start")
                | ("input", "type" | "checked" | "disabled")
                | ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", "id")
                | (
                    "td" | "th",
                    "align" | "char" | "charoff" | "colspan" | "headers" | "rowspan"
                )
                | ("th", "abbr" | "scope")
                | ("hr", "align" | "size" | "width")
                | ("del", "cite" | "datetime")
                | ("blockquote", "cite")
        )
}

/// The elements Markdown makes; anything else is left to the sanitizer.
fn known(element: &str) -> bool {
    matches!(
        element,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "code"
            | "ul"
            | "ol"
            | "li"
            | "table"
            | "thead"
            | "tbody"
            | "tr"
            | "th"
            | "td"
            | "em"
            | "strong"
            | "del"
            | "a"
            | "img"
            | "br"
            | "hr"
            | "input"
    )
}

/// Whether the sanitizer keeps a URL: relative ones, and absolute ones
/// with a scheme it allows. Other schemes are left to the sanitizer.
fn url_kept(value: &str) -> Option<bool> {
    match url::Url::parse(value) {
        Ok(u) => matches!(u.scheme(), "http" | "https" | "mailto").then_some(true),
        Err(url::ParseError::RelativeUrlWithoutBase) => Some(true),
        Err(_) => Some(false),
    }
}

/// Rewrites one tag (the text between `<` and `>`).
fn tag(inner: &str, out: &mut String) -> Option<()> {
    if let Some(name) = inner.strip_prefix('/') {
        if !known(name) || matches!(name, "br" | "hr" | "img" | "input") {
            return None;
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
        return Some(());
    }
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    let (name, mut attrs) = inner.split_once(' ').unwrap_or((inner, ""));
    if !known(name) {
        return None;
    }
    out.push('<');
    out.push_str(name);
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            break;
        }
        let eq = attrs.find("=\"")?;
        let attr = &attrs[..eq];
        if !attr.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return None;
        }
        let close = memchr::memchr(b'"', &attrs.as_bytes()[eq + 2..])? + eq + 2;
        let value = decode(&attrs[eq + 2..close])?;
        attrs = &attrs[close + 1..];
        if !allowed(name, attr) {
            continue;
        }
        if matches!(attr, "href" | "src") && !url_kept(&value)? {
            continue;
        }
        out.push(' ');
        out.push_str(attr);
        out.push_str("=\"");
        escape_attribute(&value, out);
        out.push('"');
    }
    if name == "a" {
        out.push_str(" rel=\"");
        out.push_str(LINK_REL);
        out.push('"');
    }
    out.push('>');
    Some(())
}
