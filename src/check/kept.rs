//! What the page rules found on each page, kept in `.errbook/cache/` between builds, so that
//! a build runs them only on the pages that changed (they are a fifth of an incremental
//! build's work).
//!
//! Only pages on which the page-local rules report nothing (after `[lints]`) are kept, with
//! the text blocks the site-wide `boilerplate` rule compares: a kept page has nothing else to
//! give. A page is taken from the file only when its path and text are the same, under the
//! same errbook executable (build id) and the same rule settings and `[lints]`. The rules
//! that read more than the page (links to other pages, the date, files under `static/`) run
//! on every page, every time.
//!
//! Layout ([`crate::cache_file`] around it; integers LEB128 varints):
//!
//! ```text
//! rules key (16 bytes), count, then per page: path, text hash (16 bytes),
//!   block count, then per block: hash (8 bytes), span start, span end
//! ```

use std::collections::HashMap;
use std::io;
use std::path::Path;

use super::quality::Block;
use crate::cache_file::{self, Kept, Reader, bytes, varint};
use crate::content::Page;
use crate::render::key::KeyHasher;
use crate::site::Site;

const HEADER: &[u8] = b"errbook checked pages 1\n";

/// Everything besides a page that the page-local rules read: their settings and the levels.
pub fn rules_key(site: &Site) -> u128 {
    let settings = format!("{:?} {:?}", site.config.check, site.config.lints);
    KeyHasher::new().str(&settings).finish().0
}

/// The hash of a page as the page rules see it: its text (the path is the kept page's name).
pub fn text_hash(page: &Page) -> u128 {
    xxhash_rust::xxh3::xxh3_128(page.file.text.as_bytes())
}

/// The pages a previous check found nothing on, with their blocks.
pub struct Previous {
    pages: HashMap<Box<str>, (u128, Vec<Block>)>,
}

impl Previous {
    /// The kept pages, when the file was written under the same rules key.
    pub fn read(path: &Path, rules: u128) -> Option<Previous> {
        let kept = Kept::read(path, HEADER)?;
        let mut r = Reader(kept.body());
        if r.u128()? != rules {
            return None;
        }
        let count = r.varint()? as usize;
        let mut pages = HashMap::with_capacity(count.min(r.0.len()));
        for _ in 0..count {
            let path = r.str()?.into();
            let text = r.u128()?;
            let blocks = r.varint()? as usize;
            let mut page = Vec::with_capacity(blocks.min(r.0.len()));
            for _ in 0..blocks {
                let hash = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
                let (start, end) = (r.varint()? as usize, r.varint()? as usize);
                if start > end {
                    return None;
                }
                page.push((hash, start..end));
            }
            pages.insert(path, (text, page));
        }
        r.is_empty().then_some(Previous { pages })
    }

    /// The blocks of the page at `path` when its text still hashes to `text`.
    pub fn blocks(&self, path: &str, text: u128) -> Option<&[Block]> {
        let (kept, blocks) = self.pages.get(path)?;
        (*kept == text).then_some(blocks)
    }
}

/// A page the page rules found nothing on, to keep for the next build.
pub struct Entry {
    pub path: String,
    pub text: u128,
    pub blocks: Vec<Block>,
}

/// Writes `entries` for the next build under `rules`; the file is replaced whole.
pub fn write(path: &Path, rules: u128, entries: &[Entry]) -> io::Result<()> {
    // Spans beyond 4 GiB cannot be kept as varints; such pages are checked again.
    let fits = |e: &&Entry| e.blocks.iter().all(|(_, s)| u32::try_from(s.end).is_ok());
    let entries: Vec<&Entry> = entries.iter().filter(fits).collect();
    cache_file::write(path, HEADER, |w| {
        w.write_all(&rules.to_le_bytes())?;
        varint(w, entries.len() as u32)?;
        for entry in entries {
            bytes(w, entry.path.as_bytes())?;
            w.write_all(&entry.text.to_le_bytes())?;
            varint(w, entry.blocks.len() as u32)?;
            for (hash, span) in &entry.blocks {
                w.write_all(&hash.to_le_bytes())?;
                varint(w, span.start as u32)?;
                varint(w, span.end as u32)?;
            }
        }
        Ok(())
    })
}
