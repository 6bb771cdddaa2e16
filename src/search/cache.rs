//! The on-disk search index in `<root>/.errbook/cache/search/`, outside the published output:
//! `errbook build` writes it, `errbook search` reuses it while the content is unchanged.

use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use crate::content::load::{Walked, walk_content};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::SearchIndex;
use super::index::{EXAMPLE_WEIGHT, PageMeta, SIGNATURE_WEIGHT, SUMMARY_WEIGHT, TITLE_WEIGHT};
use super::signatures::SignatureEntry;
use crate::error::{Error, Result};
use crate::site::Site;

/// The layout of what the cache holds; a new one invalidates caches of the same errbook
/// version (signature entries gained runs and partial patterns in "2"; stopwords grew in "3"; terms and partial leads in "4").
const FORMAT: &str = "search-cache-4";

/// Where the cache lives below the site root.
pub const CACHE_DIR: &str = ".errbook/cache/search";

/// What is kept beside the tantivy index.
#[derive(Serialize, Deserialize)]
struct Meta {
    fingerprint: String,
    base_url: String,
    pages: Vec<PageMeta>,
    signatures: Vec<SignatureEntry>,
}

pub fn dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR)
}

/// A hash of everything the index depends on: errbook's version, `errbook.toml` and every file
/// under `content/` but hidden ones (path and bytes).
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
    // Each file hashed on its own, in parallel; the hashes combined in path order.
    let hashes: Vec<u64> = files
        .par_iter()
        .map(|path| {
            let bytes = fs::read(path).map_err(|e| Error::io("read", path, e))?;
            let mut file = Fnv64::default();
            file.write(path.to_string_lossy().as_bytes());
            file.write_u8(0);
            file.write(&bytes);
            Ok(file.finish())
        })
        .collect::<Result<_>>()?;
    for hash in hashes {
        hasher.write_u64(hash);
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
    // Taken apart so the index's files are closed before the directory is renamed; the
    // signatures move into the meta file and back out of it when the index is reopened.
    let SearchIndex {
        pages, signatures, ..
    } = SearchIndex::build_in(site, Some(&index_dir))?;
    let meta = Meta {
        fingerprint,
        base_url: site.config.base_url.clone(),
        pages,
        signatures,
    };
    let meta_path = staging.join("meta.json");
    let json = serde_json::to_vec(&meta).map_err(|e| Error::new(e.to_string()))?;
    fs::write(&meta_path, json).map_err(|e| Error::io("write", &meta_path, e))?;
    if target.exists() {
        fs::remove_dir_all(&target).map_err(|e| Error::io("remove", &target, e))?;
    }
    fs::rename(&staging, &target).map_err(|e| Error::io("write", &target, e))?;
    open_dir(&target, &meta_path_in(&target))?.ok_or_else(|| Error::new("search cache vanished"))
}

fn meta_path_in(dir: &Path) -> PathBuf {
    dir.join("meta.json")
}

fn open_dir(dir: &Path, meta_path: &Path) -> Result<Option<SearchIndex>> {
    let Ok(bytes) = fs::read(meta_path) else {
        return Ok(None);
    };
    let Ok(meta) = serde_json::from_slice::<Meta>(&bytes) else {
        return Ok(None);
    };
    let index = SearchIndex::open(
        &dir.join("index"),
        meta.base_url,
        meta.pages,
        meta.signatures,
    )?;
    Ok(Some(index))
}

/// The cached index when the content has not changed since it was built.
pub fn open_fresh(root: &Path) -> Result<Option<SearchIndex>> {
    let target = dir(root);
    let meta_path = meta_path_in(&target);
    let Ok(bytes) = fs::read(&meta_path) else {
        return Ok(None);
    };
    #[derive(Deserialize)]
    struct Stamp {
        fingerprint: String,
    }
    let Ok(stamp) = serde_json::from_slice::<Stamp>(&bytes) else {
        return Ok(None);
    };
    if stamp.fingerprint != fingerprint(root)? {
        return Ok(None);
    }
    // A cache that no longer opens (a crash mid-write, another errbook version) is rebuilt.
    Ok(open_dir(&target, &meta_path).ok().flatten())
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
