//! Source files as read from disk, and byte-offset ↔ line:column conversion.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A text file of the site, as read: its path relative to the site root and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, used in every diagnostic.
    pub path: PathBuf,
    /// The file's text with a leading byte-order mark removed (editors do not count it).
    pub text: String,
    /// Built on first use: only files with a diagnostic or an edit need it.
    lines: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let mut text: String = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        SourceFile {
            path: path.into(),
            text,
            lines: std::sync::OnceLock::new(),
        }
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The path as shown to users: always with `/` separators.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }

    /// Byte offset of a 1-based line and a 0-based character column on it.
    pub fn offset_of(&self, line: usize, char_col: usize) -> usize {
        self.lines().offset_of(&self.text, line, char_col)
    }

    /// The byte range of one line's content, without its line break.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        self.lines().line_range(&self.text, line)
    }
}

/// A path relative to the site root, shown with `/` on every platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Start offsets of every line, for O(log n) offset → line lookups.
#[derive(Debug, Clone)]
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = clamp_to_char(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }

    fn offset_of(&self, text: &str, line: usize, char_col: usize) -> usize {
        let range = self.line_range(text, line);
        let mut rest = text[range.start..].char_indices();
        match rest.nth(char_col) {
            Some((i, _)) => range.start + i,
            None => text.len(),
        }
    }

    fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let line = line.clamp(1, self.starts.len());
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).map_or(text.len(), |&s| s - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }
}

fn clamp_to_char(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_crlf() {
        let f = SourceFile::new("a.md", "ab\r\nçd\nx");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 1));
        assert_eq!(f.line_col(6), (2, 2)); // after the two-byte ç
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.offset_of(2, 1), 6);
        assert_eq!(f.line_range(1), 0..2);
    }

    #[test]
    fn bom_is_dropped() {
        let f = SourceFile::new("a.md", "\u{feff}---\n");
        assert!(f.text.starts_with("---"));
    }
}
