//! The search documents: one per entity and calendar event, written as a
//! script that sets a global (so search works from `file://`, where
//! `fetch` is not allowed), loaded by the search page only.

use serde::Serialize;

/// Longest body text kept per document, in characters.
const BODY_CHARS: usize = 600;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document {
    /// Unique id.
    pub id: usize,
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
        let mut short: String = body.chars().take(BODY_CHARS).collect();
        if short.len() < body.len() {
            short.push('…');
        }
        Document {
            id: 0,
            title,
            kind: kind.into(),
            url,
            summary,
            body: short,
        }
    }
}

/// `search/index.js`: the documents as a global for the search page.
pub fn script(docs: &[Document]) -> String {
    let mut docs = docs.to_vec();
    for (i, d) in docs.iter_mut().enumerate() {
        d.id = i;
    }
    let json = serde_json::to_string(&docs).expect("documents serialize");
    // The JSON sits in a script file, not inline HTML, but keep it inert anyway.
    let json = json.replace('<', "\\u003c");
    format!("window.PLAYBOOK_SEARCH = {json};\n")
}
