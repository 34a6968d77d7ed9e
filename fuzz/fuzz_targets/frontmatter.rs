//! Splitting a Markdown file into front matter and body: the ranges it
//! gives are inside the text, on character boundaries, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playbook::load::frontmatter::{SplitError, split};

fuzz_target!(|text: &str| {
    match split(text) {
        Ok(s) => {
            assert!(s.yaml.start <= s.yaml.end && s.yaml.end <= s.body.start && s.body.end == text.len());
            assert!(text.get(s.yaml.clone()).is_some() && text.get(s.body.clone()).is_some());
        }
        Err(SplitError::Unclosed(r)) => assert!(text.get(r).is_some()),
        Err(SplitError::Missing) => {}
    }
});
