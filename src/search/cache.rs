//! The on-disk search index in `<root>/.errbook/cache/search/`, outside the published output:
//! `errbook build` writes it, `errbook search` reuses it while the content is unchanged.

use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use crate::content::load::{Walked, walk_content};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::index::{EXAMPLE_WEIGHT, SIGNATURE_WEIGHT, SUMMARY_WEIGHT, TITLE_WEIGHT};
use super::table::{Table, json_lines};
use super::{Facets, SearchIndex, Stored};
use crate::error::{Error, Result};
use crate::site::Site;

/// The layout of what the cache holds; a new one invalidates caches of the same errbook
/// version (signature entries gained runs and partial patterns in "2"; stopwords grew in "3"; terms and partial leads in "4"; JSON lines read lazily in "5", a line at a time in "6").
const FORMAT: &str = "search-cache-6";

/// Where the cache lives below the site root.
pub const CACHE_DIR: &str = ".errbook/cache/search";

/// What is kept beside the tantivy index in `meta.json`; page metadata and signature entries
/// are JSON lines of their own (`pages.jsonl`, `signatures.jsonl`), read when needed.
#[derive(Serialize, Deserialize)]
struct Meta {
    fingerprint: String,
    base_url: String,
    facets: Facets,
    /// Each signature's key term.
    keys: Vec<Option<String>>,
    /// Where each line of `pages.jsonl` and `signatures.jsonl` starts, and where the file
    /// ends: a query reads only the lines it needs.
    page_lines: Vec<u64>,
    signature_lines: Vec<u64>,
}

const META: &str = "meta.json";
const PAGES: &str = "pages.jsonl";
const SIGNATURES: &str = "signatures.jsonl";

pub fn dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR)
}

/// A hash of everything the index depends on: errbook's version and the cache format,
/// `errbook.toml`, and the path, size and modification time of every file under `content/` but
/// hidden ones. Sizes and times rather than bytes: a search on a large site answers in
/// milliseconds, and an edit changes both (as for make and cargo).
pub fn fingerprint(root: &Path) -> Result<String> {
    let mut hasher = Fnv64::default();
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.write(FORMAT.as_bytes());
    // Field weights change what the index holds.
    for weight in [
        TITLE_WEIGHT,
        SIGNATURE_WEIGHT,
        SUMMARY_WEIGHT,
        EXAMPLE_WEIGHT,
    ] {
        hasher.write_usize(weight);
    }
    let config = root.join("errbook.toml");
    hasher.write(&fs::read(&config).map_err(|e| Error::io("read", &config, e))?);
    let mut files = Vec::new();
    // Walked as the loader walks it; what cannot be walked counts by name.
    for entry in walk_content(&root.join("content"))? {
        match entry {
            Walked::File(path) => files.push(path),
            Walked::Unreadable(path, _) => hasher.write(path.to_string_lossy().as_bytes()),
            Walked::Special(_) => {}
        }
    }
    let stamps: Vec<u64> = files
        .par_iter()
        .map(|path| {
            let meta = fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let mut file = Fnv64::default();
            file.write(path.to_string_lossy().as_bytes());
            file.write_u8(0);
            file.write_u64(meta.len());
            file.write_u128(modified);
            Ok(file.finish())
        })
        .collect::<Result<_>>()?;
    for stamp in stamps {
        hasher.write_u64(stamp);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// Builds the site's index into the cache (replacing what was there) and opens it.
pub fn build(site: &Site) -> Result<SearchIndex> {
    let fingerprint = fingerprint(&site.root)?;
    let target = dir(&site.root);
    let parent = target.parent().expect("the cache dir has a parent");
    fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    let staging = parent.join(format!("search.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let index_dir = staging.join("index");
    fs::create_dir_all(&index_dir).map_err(|e| Error::io("create", &index_dir, e))?;
    // Taken apart so the index's files are closed before the directory is renamed; what it
    // keeps beside tantivy goes to the JSON files and back out of them when it is reopened.
    let stored = SearchIndex::build_in(site, Some(&index_dir))?.into_stored();
    let json = |e: serde_json::Error| Error::new(e.to_string());
    let (pages, page_lines) = json_lines(stored.pages.iter()).map_err(json)?;
    let (signatures, signature_lines) = json_lines(stored.signatures.iter()).map_err(json)?;
    let meta = Meta {
        fingerprint,
        base_url: site.config.base_url.clone(),
        facets: stored.facets,
        keys: stored.keys,
        page_lines,
        signature_lines,
    };
    for (name, text) in [
        (META, serde_json::to_string(&meta).map_err(json)?),
        (PAGES, pages),
        (SIGNATURES, signatures),
    ] {
        let path = staging.join(name);
        fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
    }
    if target.exists() {
        fs::remove_dir_all(&target).map_err(|e| Error::io("remove", &target, e))?;
    }
    fs::rename(&staging, &target).map_err(|e| Error::io("write", &target, e))?;
    open_dir(&target)?.ok_or_else(|| Error::new("search cache vanished"))
}

/// Opens the cache in `dir`; `None` when a file is missing or does not fit the others.
fn open_dir(dir: &Path) -> Result<Option<SearchIndex>> {
    let Some(meta) = fs::read(dir.join(META))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Meta>(&bytes).ok())
    else {
        return Ok(None);
    };
    open_with(dir, meta)
}

/// Opens the cache in `dir` whose `meta.json` is `meta`.
fn open_with(dir: &Path, meta: Meta) -> Result<Option<SearchIndex>> {
    let (Some(pages), Some(signatures)) = (
        Table::in_file(&dir.join(PAGES), meta.page_lines),
        Table::in_file(&dir.join(SIGNATURES), meta.signature_lines),
    ) else {
        return Ok(None);
    };
    if signatures.len() != meta.keys.len() || pages.len() != meta.facets.of_page.len() {
        return Ok(None);
    }
    let stored = Stored {
        pages,
        facets: meta.facets,
        signatures,
        keys: meta.keys,
    };
    let index = SearchIndex::open(&dir.join("index"), meta.base_url, stored)?;
    Ok(Some(index))
}

/// The cached index when the content has not changed since it was built.
pub fn open_fresh(root: &Path) -> Result<Option<SearchIndex>> {
    let target = dir(root);
    let Ok(bytes) = fs::read(target.join(META)) else {
        return Ok(None);
    };
    // A cache that no longer opens (a crash mid-write, another errbook version) is rebuilt.
    let Ok(meta) = serde_json::from_slice::<Meta>(&bytes) else {
        return Ok(None);
    };
    if meta.fingerprint != fingerprint(root)? {
        return Ok(None);
    }
    Ok(open_with(&target, meta).ok().flatten())
}

/// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
#[derive(Clone, Copy)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
