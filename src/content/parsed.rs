//! Parsed pages kept in `.errbook/cache/` between builds, so that a build parses only the page
//! files that changed since the last one (parsing is a third of an incremental build's work).
//!
//! The file is only a hint. A page's parse is taken from it only when the page file has the
//! same path and the same bytes (their xxh3-128), under the same errbook executable (its build
//! id, so a changed parser parses again). Only pages that parsed without a single diagnostic
//! are kept, so a kept page gives exactly what parsing gives: the page, and nothing to report.
//!
//! Layout ([`crate::cache_file`] around it; integers LEB128 varints):
//!
//! ```text
//! count, then per page: path (as diagnostics show it), hash of the file's bytes (16 bytes),
//!                       the front matter and body, in postcard's encoding
//! ```

use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::path::Path;

use crate::cache_file::{self, Kept, Reader, bytes, varint};
use crate::content::markdown::Body;
use crate::content::page::FrontMatter;

const HEADER: &[u8] = b"errbook parsed pages 1\n";

/// The hash a page file is kept under.
pub fn file_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The parsed pages the previous build kept, by path.
pub struct Previous {
    kept: Kept,
    pages: HashMap<Box<str>, (u128, Range<usize>)>,
}

impl Previous {
    /// The kept pages; `None` when there is no usable file for this errbook.
    pub fn read(path: &Path) -> Option<Previous> {
        let kept = Kept::read(path, HEADER)?;
        let body = kept.body();
        let mut r = Reader(body);
        let count = r.varint()? as usize;
        let mut pages = HashMap::with_capacity(count.min(body.len()));
        for _ in 0..count {
            let path = r.str()?.into();
            let hash = r.u128()?;
            let len = r.bytes()?.len();
            let end = body.len() - r.0.len();
            pages.insert(path, (hash, end - len..end));
        }
        r.is_empty().then_some(Previous { kept, pages })
    }

    /// The kept parse of the page file at `path` when the file's bytes still hash to `hash`.
    pub fn get(&self, path: &str, hash: u128) -> Option<Parsed<'_>> {
        let (kept_hash, range) = self.pages.get(path)?;
        (*kept_hash == hash).then(|| Parsed {
            previous: self,
            range: range.clone(),
        })
    }

    fn bytes_of(&self, range: &Range<usize>) -> &[u8] {
        &self.kept.body()[range.clone()]
    }
}

/// One page's kept parse, still encoded: where it is in the previous file's body.
pub struct Parsed<'a> {
    previous: &'a Previous,
    range: Range<usize>,
}

impl Parsed<'_> {
    /// The front matter and body; `None` if the bytes do not decode (the caller parses).
    pub fn decode(&self) -> Option<(FrontMatter, Body)> {
        postcard::from_bytes(self.previous.bytes_of(&self.range)).ok()
    }

    /// The entry that keeps this parse, as it is, for the next build.
    pub fn keep(&self, path: String, hash: u128) -> Entry {
        Entry {
            path,
            hash,
            parsed: Encoded::Kept(self.range.clone()),
        }
    }
}

/// A page to keep for the next build.
pub struct Entry {
    path: String,
    hash: u128,
    parsed: Encoded,
}

enum Encoded {
    /// Bytes of the previous file's body, unchanged.
    Kept(Range<usize>),
    New(Vec<u8>),
}

impl Entry {
    /// A page just parsed; `None` if it cannot be encoded (it is then not kept).
    pub fn new(path: String, hash: u128, front: &FrontMatter, body: &Body) -> Option<Entry> {
        let encoded = postcard::to_allocvec(&(front, body)).ok()?;
        Some(Entry {
            path,
            hash,
            parsed: Encoded::New(encoded),
        })
    }
}

/// What a load gives the next build: every page to keep, some of them still the bytes of the
/// previous file, which it holds.
pub struct ToKeep {
    pub entries: Vec<Entry>,
    pub previous: Option<Previous>,
}

impl ToKeep {
    /// Writes the pages for the next build; the file is replaced whole, never left
    /// half-written.
    pub fn write(&self, path: &Path) -> io::Result<()> {
        let pages: Vec<(&Entry, &[u8])> = self
            .entries
            .iter()
            .filter_map(|entry| match &entry.parsed {
                Encoded::New(encoded) => Some((entry, encoded.as_slice())),
                Encoded::Kept(range) => Some((entry, self.previous.as_ref()?.bytes_of(range))),
            })
            .collect();
        cache_file::write(path, HEADER, |w| {
            varint(w, pages.len() as u32)?;
            for (entry, parsed) in pages {
                bytes(w, entry.path.as_bytes())?;
                w.write_all(&entry.hash.to_le_bytes())?;
                bytes(w, parsed)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load::load_pages_keeping;
    use crate::test_support::bundled_content_in;

    /// Every page as `{:?}` shows it, field by field (but the file's line index, which is
    /// built on first use).
    fn shown_pages(loaded: &crate::content::Loaded) -> Vec<String> {
        let shown = |p: &crate::content::Page| {
            let file = (&p.file.path, &p.file.text);
            format!("{file:?} {} {} {:?} {:?}", p.tool, p.slug, p.front, p.body)
        };
        loaded.pages.iter().map(shown).collect()
    }

    #[test]
    fn kept_pages_are_the_pages_parsing_gives() {
        let dir = tempfile::tempdir().unwrap();
        bundled_content_in(dir.path());
        let file = dir.path().join("parsed");
        let (parsed, to_keep) = load_pages_keeping(dir.path(), || None, true).unwrap();
        let every = to_keep.entries.len();
        assert_eq!(every, parsed.pages.len(), "every bundled page is kept");
        to_keep.write(&file).unwrap();

        let (kept, again) = load_pages_keeping(dir.path(), || Previous::read(&file), true).unwrap();
        assert!(again.previous.is_some(), "the file reads back");
        assert_eq!(shown_pages(&kept), shown_pages(&parsed));
        let taken = again.entries.iter();
        assert!(taken.clone().all(|e| matches!(e.parsed, Encoded::Kept(_))));
        assert_eq!(taken.count(), every);
        // Written again from what was kept, the file is the same.
        let second = dir.path().join("parsed-again");
        again.write(&second).unwrap();
        let (first, second) = (
            std::fs::read(&file).unwrap(),
            std::fs::read(&second).unwrap(),
        );
        assert!(first == second);
    }

    #[test]
    fn an_edited_page_is_parsed_again() {
        let dir = tempfile::tempdir().unwrap();
        bundled_content_in(dir.path());
        let file = dir.path().join("parsed");
        let (_, to_keep) = load_pages_keeping(dir.path(), || None, true).unwrap();
        to_keep.write(&file).unwrap();
        let page = dir.path().join("content/litellm/api-connection-error.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(
            &page,
            text.replacen("## Causes", "## Causes\n\nAn added line.", 1),
        )
        .unwrap();

        let (kept, again) = load_pages_keeping(dir.path(), || Previous::read(&file), true).unwrap();
        let parsed = crate::content::load_pages(dir.path()).unwrap();
        assert_eq!(shown_pages(&kept), shown_pages(&parsed));
        let new: Vec<&str> = again
            .entries
            .iter()
            .filter(|e| matches!(e.parsed, Encoded::New(_)))
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(new, ["content/litellm/api-connection-error.md"]);
    }

    /// A kept parse that does not decode (well framed, checksum and all) is parsed again: the
    /// page is what parsing gives, and the next file keeps the new encoding.
    #[test]
    fn a_kept_parse_that_does_not_decode_is_parsed_again() {
        let dir = tempfile::tempdir().unwrap();
        bundled_content_in(dir.path());
        let shown = "content/litellm/api-connection-error.md";
        let hash = file_hash(&std::fs::read(dir.path().join(shown)).unwrap());
        let file = dir.path().join("parsed");
        cache_file::write(&file, HEADER, |w| {
            varint(w, 1)?;
            bytes(w, shown.as_bytes())?;
            w.write_all(&hash.to_le_bytes())?;
            bytes(w, &[0xff; 7])
        })
        .unwrap();
        let (loaded, to_keep) =
            load_pages_keeping(dir.path(), || Previous::read(&file), true).unwrap();
        assert!(to_keep.previous.is_some(), "the file itself reads");
        let parsed = crate::content::load_pages(dir.path()).unwrap();
        assert_eq!(shown_pages(&loaded), shown_pages(&parsed));
        let entry = to_keep.entries.iter().find(|e| e.path == shown).unwrap();
        assert!(matches!(entry.parsed, Encoded::New(_)));
    }

    #[test]
    fn a_page_with_a_diagnostic_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        bundled_content_in(dir.path());
        let page = dir.path().join("content/litellm/api-connection-error.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, text.replacen("title:", "unknown_key: 1\ntitle:", 1)).unwrap();
        let (loaded, to_keep) = load_pages_keeping(dir.path(), || None, true).unwrap();
        assert!(!loaded.diagnostics.is_empty());
        assert!(
            to_keep
                .entries
                .iter()
                .all(|e| e.path != "content/litellm/api-connection-error.md")
        );
    }
}
