//! The Markdown renderer with `@kind/id` link rewriting and the raw-HTML
//! sanitizer: the fast path agrees with the full sanitizer, and no script,
//! event handler or script URL comes out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playbook::load::Kind;
use playbook::render::markdown::{LinkResolver, render, render_through_sanitizer, strip_links};

/// Resolves ids that start with `a`; others are not in the build.
struct Links;

impl LinkResolver for Links {
    fn resolve(&self, kind: Kind, id: &str, fragment: Option<&str>) -> Option<String> {
        id.starts_with('a').then(|| {
            let mut url = format!("../../{}/{id}/index.html", kind.folder());
            if let Some(f) = fragment {
                url.push('#');
                url.push_str(f);
            }
            url
        })
    }
}

fuzz_target!(|markdown: &str| {
    let fast = render(markdown, &Links);
    let full = render_through_sanitizer(markdown, &Links);
    assert_eq!(fast.html, full.html, "for {markdown:?}");
    let lower = fast.html.to_ascii_lowercase();
    for tag in [
        "<script", "<iframe", "<object", "<embed", "<style", "<form", "<base",
    ] {
        assert!(!lower.contains(tag), "{tag} in {:?} from {markdown:?}", fast.html);
    }
    for attr in ["href=\"", "src=\""] {
        for (at, _) in lower.match_indices(attr) {
            // An attribute: inside a tag, after a blank (not text that
            // happens to read `src="`).
            let before = &lower[..at];
            if before.rfind('<') <= before.rfind('>') || !before.ends_with([' ', '\t', '\n']) {
                continue;
            }
            let raw: String = lower[at + attr.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect();
            // As a browser reads it: character references decoded, blanks dropped.
            let value: String = decode(&raw)
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(
                    !value.starts_with(scheme),
                    "{value} in {:?} from {markdown:?}",
                    fast.html
                );
            }
        }
    }
    let _ = strip_links(markdown, &|_, id| id.starts_with('a'));
});

/// Decodes numeric character references and the few named ones that
/// could spell a scheme.
fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap_or(rest.len());
        let name = &rest[1..end];
        let decoded = if let Some(hex) = name.strip_prefix("#x") {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = name.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match name {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
