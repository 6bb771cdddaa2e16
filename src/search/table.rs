//! What search keeps beside the tantivy index (page metadata, signature entries), held in
//! memory after an index is built, or read from the cache one line at a time when a query needs
//! it: `errbook search` on a large site then parses the few entries it looks at, not all of them.

use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A list of values, each either in memory or still a line of JSON.
pub struct Table<T> {
    source: Source,
    /// Boxed, so that a table of 20,000 signatures not yet parsed is 20,000 small cells: a
    /// query that parses a few of them does not touch (and page in) megabytes of empty ones.
    cells: Vec<OnceLock<Option<Box<T>>>>,
}

/// Where the JSON lines of values not yet parsed are.
enum Source {
    /// Every value is in memory.
    None,
    /// Lines in a string, with where each starts and ends.
    Text(String, Vec<(usize, usize)>),
    /// Lines in a file, with where each starts (and one offset past the last line's end): only
    /// the lines asked for are read.
    #[cfg(unix)]
    File(std::fs::File, Vec<u64>),
}

impl Source {
    fn line(&self, i: usize) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Source::None => None,
            Source::Text(text, lines) => {
                let (start, end) = *lines.get(i)?;
                Some(std::borrow::Cow::Borrowed(&text[start..end]))
            }
            #[cfg(unix)]
            Source::File(file, starts) => {
                use std::os::unix::fs::FileExt;
                let (start, next) = (*starts.get(i)?, *starts.get(i + 1)?);
                let mut buffer = vec![0; next.checked_sub(start)? as usize];
                file.read_exact_at(&mut buffer, start).ok()?;
                String::from_utf8(buffer).ok().map(std::borrow::Cow::Owned)
            }
        }
    }
}

impl<T: DeserializeOwned> Table<T> {
    /// Values already in memory.
    pub fn loaded(values: Vec<T>) -> Self {
        Table {
            source: Source::None,
            cells: values
                .into_iter()
                .map(|v| OnceLock::from(Some(Box::new(v))))
                .collect(),
        }
    }

    /// Values in a file of JSON lines whose line starts (and end) are `starts`, read one line
    /// at a time when first asked for; elsewhere than Unix, the file is read whole.
    pub fn in_file(path: &std::path::Path, starts: Vec<u64>) -> Option<Self> {
        let count = starts.len().checked_sub(1)?;
        #[cfg(unix)]
        {
            let file = std::fs::File::open(path).ok()?;
            if file.metadata().ok()?.len() != *starts.last()? {
                return None;
            }
            let cells = (0..count).map(|_| OnceLock::new()).collect();
            Some(Table {
                source: Source::File(file, starts),
                cells,
            })
        }
        #[cfg(not(unix))]
        {
            Self::lazy(std::fs::read_to_string(path).ok()?, count)
        }
    }

    /// Values to parse from JSON lines (one value per line) when first asked for; `None` when
    /// the number of lines is not `expected`.
    pub fn lazy(text: String, expected: usize) -> Option<Self> {
        let mut lines = Vec::with_capacity(expected);
        let mut start = 0;
        while start < text.len() {
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            lines.push((start, end));
            start = end + 1;
        }
        if lines.len() != expected {
            return None;
        }
        let cells = (0..expected).map(|_| OnceLock::new()).collect();
        Some(Table {
            source: Source::Text(text, lines),
            cells,
        })
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The value at `i`; `None` when its line does not parse (a damaged cache loses that entry,
    /// and the cache is rebuilt when the content next changes).
    pub fn get(&self, i: usize) -> Option<&T> {
        self.cells
            .get(i)?
            .get_or_init(|| serde_json::from_str(&self.source.line(i)?).ok())
            .as_deref()
    }

    /// Every value that parses, in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries().map(|(_, v)| v)
    }

    /// Every value that parses, with its position.
    pub fn entries(&self) -> impl Iterator<Item = (usize, &T)> {
        (0..self.len()).filter_map(|i| Some((i, self.get(i)?)))
    }
}

/// `values` as JSON lines, one per line, for [`Table::lazy`], and where each line starts (with
/// one offset past the end), for [`Table::in_file`].
pub fn json_lines<T: Serialize>(
    values: impl IntoIterator<Item = T>,
) -> serde_json::Result<(String, Vec<u64>)> {
    let mut out = String::new();
    let mut starts = vec![0];
    for value in values {
        out.push_str(&serde_json::to_string(&value)?);
        out.push('\n');
        starts.push(out.len() as u64);
    }
    Ok((out, starts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_values_parse_on_first_use_and_damage_loses_one_entry() {
        let text = json_lines([vec![1], vec![2, 3]]).unwrap().0 + "not json\n";
        let table: Table<Vec<u32>> = Table::lazy(text.clone(), 3).unwrap();
        assert_eq!(table.get(1), Some(&vec![2, 3]));
        assert_eq!(table.get(2), None);
        assert_eq!(table.get(9), None);
        assert_eq!(table.iter().count(), 2);
        assert!(
            Table::<Vec<u32>>::lazy(text, 2).is_none(),
            "a line count that differs"
        );
        let loaded = Table::loaded(vec![7u32]);
        assert_eq!((loaded.get(0), loaded.len()), (Some(&7), 1));
    }

    #[test]
    fn values_in_a_file_are_read_one_line_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("values.jsonl");
        let (text, starts) = json_lines(["é", "b", "c"]).unwrap();
        std::fs::write(&path, text).unwrap();
        let table: Table<String> = Table::in_file(&path, starts.clone()).unwrap();
        assert_eq!(table.get(2).map(String::as_str), Some("c"));
        assert_eq!(table.get(0).map(String::as_str), Some("é"));
        assert_eq!(table.len(), 3);
        // A file that no longer fits its offsets is refused.
        std::fs::write(&path, "[]").unwrap();
        assert!(Table::<String>::in_file(&path, starts).is_none());
    }
}
