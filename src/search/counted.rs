//! The search counts of the previous build, kept in `.errbook/cache/` so that the next build
//! counts only the pages whose text changed: after one edit, one page is analyzed instead of
//! every page of the site.
//!
//! The file is only a hint. A page's counts are reused only when the page has the same tool,
//! slug and text hash, under the same errbook executable (its build id, so a changed analyzer
//! counts again); a missing, foreign or damaged file reads as nothing to reuse.
//!
//! Layout, integers little-endian or LEB128 varints:
//!
//! ```text
//! header line, build id (16 bytes)
//! pages:  count, then per page: tool, slug, text hash (16 bytes), tokens
//! terms:  count, then per term: text, postings count, the postings' length in bytes and
//!         the postings as the browser's index encodes them (page delta, tf, fieldnorm id)
//! xxh3-128 of everything before (16 bytes)
//! ```

use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::index::page_text_parts;
use super::postings::{PostingList, Postings};
use crate::cache_file::{self, Kept, Reader, bytes, varint};
use crate::content::Page;
use crate::render::Key;
use crate::render::key::KeyHasher;
use crate::site::Site;
use tantivy::fieldnorm::FieldNormReader;

const HEADER: &[u8] = b"errbook search counts 2\n";

/// The hash of everything the analyzer reads of a page, with the weights it gives each part.
pub fn text_key(page: &Page) -> Key {
    let mut hasher = KeyHasher::new();
    page_text_parts(page, |part, times| {
        hasher.str(part).bytes(&(times as u64).to_le_bytes());
    });
    hasher.finish()
}

/// A page the previous build counted.
pub struct PreviousPage {
    pub tool: String,
    pub slug: String,
    pub text: Key,
    pub tokens: u32,
}

/// What the previous build counted: its pages in site order, and every term's postings
/// (numbered as the previous build numbered its pages), in term order.
pub struct Previous {
    pub pages: Vec<PreviousPage>,
    pub terms: Vec<(String, PostingList)>,
}

impl Previous {
    /// Reads the counts; `None` when there is no usable file for this errbook.
    pub fn read(path: &Path) -> Option<Previous> {
        let kept = Kept::read(path, HEADER)?;
        let mut r = Reader(kept.body());
        let page_count = r.varint()? as usize;
        let mut pages = Vec::with_capacity(page_count.min(r.0.len()));
        for _ in 0..page_count {
            pages.push(PreviousPage {
                tool: r.str()?.to_string(),
                slug: r.str()?.to_string(),
                text: Key(r.u128()?),
                tokens: r.varint()?,
            });
        }
        let norms: Vec<u8> = pages
            .iter()
            .map(|p| FieldNormReader::fieldnorm_to_id(p.tokens))
            .collect();
        let term_count = r.varint()? as usize;
        let mut listed = Vec::with_capacity(term_count.min(r.0.len()));
        for _ in 0..term_count {
            listed.push((r.str()?, r.varint()?, r.bytes()?));
        }
        // Every posting is checked, the lists side by side: pages in order and in range, each
        // page's fieldnorm the one its token count gives.
        let terms: Option<Vec<(String, PostingList)>> = listed
            .into_par_iter()
            .map(|(term, len, encoded)| {
                let last = checked_last_page(encoded, len, &norms)?;
                let list = PostingList::from_encoded(encoded.to_vec(), len, last);
                Some((term.to_string(), list))
            })
            .collect();
        let terms = terms?;
        r.is_empty().then_some(Previous { pages, terms })
    }
}

/// The last page of a list of `len` postings encoded as `encoded`, when every posting holds:
/// pages in order and in range, each page's fieldnorm the one `norms` gives it.
fn checked_last_page(encoded: &[u8], len: u32, norms: &[u8]) -> Option<u32> {
    let mut postings = Reader(encoded);
    let mut page = 0u32;
    for i in 0..len {
        let delta = postings.varint()?;
        if i > 0 && delta == 0 {
            return None;
        }
        page = page.checked_add(delta)?;
        postings.varint()?;
        if *norms.get(page as usize)? != *postings.take(1)?.first()? {
            return None;
        }
    }
    postings.is_empty().then_some(page)
}

/// Writes the counts of `site`'s pages (with their text hashes and token counts) for the
/// next build; the file is replaced whole, never left half-written.
pub fn write(
    path: &Path,
    site: &Site,
    texts: &[Key],
    tokens: &[u32],
    postings: &Postings,
) -> io::Result<()> {
    cache_file::write(path, HEADER, |w| {
        varint(w, site.pages.len() as u32)?;
        for ((page, text), &tokens) in site.pages.iter().zip(texts).zip(tokens) {
            bytes(w, page.tool.as_bytes())?;
            bytes(w, page.slug.as_bytes())?;
            w.write_all(&text.0.to_le_bytes())?;
            varint(w, tokens)?;
        }
        varint(w, postings.terms.len() as u32)?;
        for (term, list) in &postings.terms {
            bytes(w, term.as_bytes())?;
            varint(w, list.len() as u32)?;
            bytes(w, list.bytes())?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::postings::Counted;
    use std::fs;

    /// The bundled site copied to `dir`, with `edit` applied to its content directory.
    fn site_in(dir: &Path, edit: impl FnOnce(&Path)) -> Site {
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::test_support::bundled_content_in(dir);
        edit(&dir.join("content"));
        let config = crate::config::SiteConfig::load(bundled).unwrap().unwrap();
        let loaded = crate::content::load_pages(dir).unwrap();
        Site::new(dir.to_path_buf(), config, loaded.pages).0
    }

    fn counted(site: &Site, file: &Path) -> Postings {
        let Counted {
            postings,
            texts,
            tokens,
        } = Postings::of_site_reusing(site, Previous::read(file));
        write(file, site, &texts, &tokens, &postings).unwrap();
        postings
    }

    #[test]
    fn reused_counts_give_the_postings_of_a_full_count_after_edits() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("counts");
        let site = site_in(tmp.path(), |_| {});
        assert_eq!(counted(&site, &file), Postings::of_site(&site));
        assert!(Previous::read(&file).is_some());

        // One page edited, one removed, one added under a new name: each build reuses the
        // counts the build before kept, and must count as a build from nothing would.
        let edits: [&dyn Fn(&Path); 3] = [
            &|content| {
                let page = content.join("litellm/budget-exceeded.md");
                let text = fs::read_to_string(&page).unwrap();
                let text = text.replacen("## Causes", "A zebracorn sentence.\n\n## Causes", 1);
                fs::write(&page, text).unwrap();
            },
            &|content| fs::remove_file(content.join("litellm/api-connection-error.md")).unwrap(),
            &|content| {
                fs::rename(
                    content.join("litellm/budget-exceeded.md"),
                    content.join("litellm/aaa-budget-exceeded.md"),
                )
                .unwrap()
            },
        ];
        let mut applied: Vec<&dyn Fn(&Path)> = Vec::new();
        for edit in edits {
            applied.push(edit);
            let site = site_in(tmp.path(), |content| {
                applied.iter().for_each(|e| e(content))
            });
            let full = Postings::of_site(&site);
            assert_eq!(counted(&site, &file), full);
        }
        assert!(
            Postings::of_site(&site_in(tmp.path(), |c| applied.iter().for_each(|e| e(c))))
                .terms
                .contains_key("zebracorn")
        );
    }

    #[test]
    fn a_damaged_or_foreign_file_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("counts");
        let site = site_in(tmp.path(), |_| {});
        counted(&site, &file);
        let bytes = fs::read(&file).unwrap();
        for damaged in [
            bytes[..bytes.len() / 2].to_vec(),
            {
                let mut flipped = bytes.clone();
                flipped[bytes.len() / 2] ^= 1;
                flipped
            },
            b"errbook search counts 0\n".to_vec(),
            Vec::new(),
        ] {
            fs::write(&file, damaged).unwrap();
            assert!(Previous::read(&file).is_none());
        }
        assert!(Previous::read(&tmp.path().join("missing")).is_none());
    }

    /// A cache that cannot be written or read is an error for the caller to ignore, never a
    /// panic, and leaves no partial file behind.
    #[test]
    fn an_unwritable_place_is_an_error_and_a_directory_reads_as_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let site = site_in(tmp.path(), |_| {});
        let Counted {
            postings,
            texts,
            tokens,
        } = Postings::of_site_reusing(&site, None);
        let blocked = tmp.path().join("a-file");
        fs::write(&blocked, "").unwrap();
        let under_a_file = blocked.join("counts");
        assert!(write(&under_a_file, &site, &texts, &tokens, &postings).is_err());
        let a_directory = tmp.path().join("dir");
        fs::create_dir(&a_directory).unwrap();
        assert!(write(&a_directory, &site, &texts, &tokens, &postings).is_err());
        assert!(Previous::read(&a_directory).is_none());
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.contains("partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
