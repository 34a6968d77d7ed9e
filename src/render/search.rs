//! The search documents: one per entity and calendar event, written as a
//! script that sets a global (so search works from `file://`, where
//! `fetch` is not allowed), loaded by the search page only.

use serde::Serialize;

/// Longest body text kept per document, in characters.
pub const BODY_CHARS: usize = 600;

#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub title: String,
    /// What it is: role, goal, event, ...
    pub kind: String,
    /// Relative to the site root.
    pub url: String,
    pub summary: String,
    pub body: String,
}

impl Document {
    pub fn new(kind: &str, title: String, url: String, summary: String, body: &str) -> Document {
        let mut short = match body.char_indices().nth(BODY_CHARS) {
            Some((cut, _)) => body[..cut].to_owned(),
            None => body.to_owned(),
        };
        if short.len() < body.len() {
            short.push('…');
        }
        Document {
            title,
            kind: kind.into(),
            url,
            summary,
            body: short,
        }
    }
}

/// A document as the search page reads it, numbered.
#[derive(Serialize)]
struct Numbered<'a> {
    id: usize,
    title: &'a str,
    kind: &'a str,
    url: &'a str,
    summary: &'a str,
    body: &'a str,
}

/// Writes `search/index.js`: the documents as a global for the search
/// page. Documents are encoded on every core, a thousand at a time, and
/// written in order.
pub fn write_script(docs: &[&Document], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    const CHUNK: usize = 1024;
    w.write_all(b"window.PLAYBOOK_SEARCH = [")?;
    for (c, chunk) in docs.chunks(CHUNK).enumerate() {
        let encoded: Vec<String> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                let json = serde_json::to_string(&Numbered {
                    id: c * CHUNK + i,
                    title: &d.title,
                    kind: &d.kind,
                    url: &d.url,
                    summary: &d.summary,
                    body: &d.body,
                })
                .expect("documents serialize");
                // The JSON sits in a script file, not inline HTML, but keep it inert anyway.
                if json.contains('<') {
                    json.replace('<', "\\u003c")
                } else {
                    json
                }
            })
            .collect();
        for (i, json) in encoded.iter().enumerate() {
            if c + i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(json.as_bytes())?;
        }
    }
    w.write_all(b"];\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> String {
        Document::new("page", "T".into(), "u".into(), String::new(), text).body
    }

    #[test]
    fn the_script_numbers_every_document_in_order() {
        let docs: Vec<Document> = (0..2500)
            .map(|i| Document::new("page", format!("T{i} <b>"), format!("u{i}"), String::new(), "b"))
            .collect();
        let refs: Vec<&Document> = docs.iter().collect();
        let mut out = Vec::new();
        write_script(&refs, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('<'), "kept inert");
        let json = text
            .strip_prefix("window.PLAYBOOK_SEARCH = ")
            .and_then(|t| t.strip_suffix(";\n"))
            .unwrap();
        let list: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
        assert_eq!(list.len(), 2500);
        for (i, d) in list.iter().enumerate() {
            assert_eq!(d["id"], i);
            assert_eq!(d["title"], format!("T{i} <b>"));
            assert_eq!(d["url"], format!("u{i}"));
        }
    }

    #[test]
    fn a_body_keeps_its_first_characters_and_marks_a_cut() {
        let exact = "é".repeat(BODY_CHARS);
        assert_eq!(body(&exact), exact, "exactly as long as kept: no mark");
        let longer = format!("{exact}ab");
        assert_eq!(body(&longer), format!("{exact}…"));
        assert_eq!(body(""), "");
        assert_eq!(body("short text"), "short text");
    }
}
