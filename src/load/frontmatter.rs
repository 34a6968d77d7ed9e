//! Splitting a Markdown file into its YAML front matter and its body.

use std::ops::Range;

/// The parts of a Markdown file, as byte ranges into its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split {
    /// The YAML between the `---` lines (empty when there is none).
    pub yaml: Range<usize>,
    /// The Markdown after the closing line.
    pub body: Range<usize>,
}

/// Why a file's front matter could not be found.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `---` line.
    Missing,
    /// The opening `---` has no closing `---` or `...` line; the range is
    /// the opening line.
    Unclosed(Range<usize>),
}

/// Splits `text`. A leading byte-order mark is skipped; lines may end with
/// LF or CRLF; the closing line is `---` or `...`.
pub fn split(text: &str) -> Result<Split, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let Some(first) = lines.next() else {
        return Err(SplitError::Missing);
    };
    if text[first.clone()].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_start = lines.pos;
    for line in lines.by_ref() {
        let content = text[line.clone()].trim_end();
        if content == "---" || content == "..." {
            return Ok(Split {
                yaml: yaml_start..line.start,
                body: lines.pos..text.len(),
            });
        }
    }
    let opening_end = first.end - usize::from(text[first.clone()].ends_with('\r'));
    Err(SplitError::Unclosed(first.start..opening_end))
}

/// Lines of a text as byte ranges, without their `\n`.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = Range<usize>;
    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.pos = if end < self.text.len() { end + 1 } else { end };
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (&str, &str) {
        let s = split(text).unwrap();
        (&text[s.yaml], &text[s.body])
    }

    #[test]
    fn splits_front_matter() {
        assert_eq!(parts("---\ntitle: A\n---\nBody\n"), ("title: A\n", "Body\n"));
        assert_eq!(parts("---\r\ntitle: A\r\n---\r\nBody"), ("title: A\r\n", "Body"));
        assert_eq!(parts("---\ntitle: A\n...\n"), ("title: A\n", ""));
        assert_eq!(parts("\u{feff}---\nx: 1\n---\n"), ("x: 1\n", ""));
        assert_eq!(parts("---\n---\n"), ("", ""));
        assert_eq!(parts("---\n---"), ("", ""));
    }

    #[test]
    fn later_rules_belong_to_the_body() {
        assert_eq!(
            parts("---\na: 1\n---\ntext\n---\nmore"),
            ("a: 1\n", "text\n---\nmore")
        );
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("----\n"), Err(SplitError::Missing));
        assert_eq!(split("---\r\ntitle: A\n"), Err(SplitError::Unclosed(0..3)));
    }
}
