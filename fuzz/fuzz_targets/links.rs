//! Finding `@kind/id` links in Markdown and splitting their destinations:
//! every range found lies in the text, and a found link splits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playbook::links::{entity_links, parse_link};

fuzz_target!(|markdown: &str| {
    for (dest, range) in entity_links(markdown) {
        assert!(dest.starts_with('@'));
        assert!(markdown.get(range).is_some(), "{markdown:?}");
        let _ = parse_link(&dest);
    }
    let _ = parse_link(markdown);
});
