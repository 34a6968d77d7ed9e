//! Source files and positions: every loaded file is kept here once, and byte
//! offsets into it are turned into 1-based line and character columns.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A file's text, shared without a copy: a file is read into a `String`,
/// which an `Arc<str>` would copy once more.
#[derive(Clone, Debug, Default)]
pub struct Text(Arc<String>);

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Text {
    /// Whether `a` and `b` are the same text, not just equal ones.
    pub fn same(a: &Text, b: &Text) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        Text::same(self, other) || *self.0 == *other.0
    }
}

impl Eq for Text {}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Arc::new(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Arc::new(s.to_owned()))
    }
}

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// One file of the playbook, as read from disk.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the playbook root, with `/` separators.
    pub name: String,
    /// Absolute path on disk.
    pub path: PathBuf,
    /// The text; empty when the file is not UTF-8. Shared, so that a
    /// rebuild of `serve` reuses the text of unchanged files without a copy.
    pub text: Text,
    /// Where lines start, found when a position is first asked for.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(name: String, path: PathBuf, text: impl Into<Text>) -> Self {
        SourceFile {
            name,
            path,
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        // A byte-order mark is not a column.
        let bom = usize::from(line == 0 && offset >= 3 && self.text.starts_with('\u{feff}'));
        let col = self.text[start..offset].chars().count() + 1 - bom;
        (line + 1, col)
    }

    /// Byte range of the 1-based line `line`, without its line break.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts[line - 1];
        let end = starts.get(line).map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// All files read for one compilation.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Gives file `id` a new text; returns the old one.
    pub fn set_text(&mut self, id: FileId, text: Text) -> Text {
        let file = &mut self.files[id.0 as usize];
        file.line_starts = OnceLock::new();
        std::mem::replace(&mut file.text, text)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }
}

/// A byte range in one file: where a diagnostic points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Loc {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Loc {
            file,
            start: range.start,
            end: range.end.max(range.start),
        }
    }

    /// The first line of a file: for problems that belong to a whole file.
    pub fn file_start(file: FileId) -> Self {
        Loc {
            file,
            start: 0,
            end: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.md".into(), PathBuf::from("a.md"), text)
    }

    #[test]
    fn line_and_char_columns() {
        let f = file("ab\ncäd\n\nx");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(1), (1, 2));
        assert_eq!(f.line_col(3), (2, 1));
        // `ä` is two bytes but one column.
        assert_eq!(f.line_col(6), (2, 3));
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.line_col(9), (4, 1));
        assert_eq!(f.line_col(100), (4, 2));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let f = file("\u{feff}title: x");
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(10), (1, 8));
    }

    #[test]
    fn offsets_inside_a_character_round_down() {
        let f = file("äb");
        assert_eq!(f.line_col(1), (1, 1));
    }

    #[test]
    fn line_ranges_drop_crlf() {
        let f = file("one\r\ntwo\nthree");
        assert_eq!(&f.text[f.line_range(1)], "one");
        assert_eq!(&f.text[f.line_range(2)], "two");
        assert_eq!(&f.text[f.line_range(3)], "three");
    }
}
