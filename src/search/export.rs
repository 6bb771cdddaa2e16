//! The browser's search index, exported from the tantivy index so the browser ranks with the
//! same tokens and statistics: a manifest, term shards fetched only for a query's terms, and
//! page metadata fetched only for the results shown.
//!
//! Layout under the output, all below one versioned directory so a redeploy never mixes old
//! and new files (the version is a hash of every file's content):
//!
//! ```text
//! search/<version>/manifest.js   statistics, the shard count, tools and categories
//! search/<version>/s/<n>.js      the terms whose hash falls in shard n: postings, signatures
//! search/<version>/b/<n>.js      one long posting list (a shard points at it)
//! search/<version>/m/<n>.js      metadata of pages n*CHUNK .. n*CHUNK+CHUNK-1: title, tool,
//!                                category, summary, slug (the path is `<tool>/<slug>/`)
//! search/<version>/k.js          a Bloom filter of every signature key term
//! search/entry.js                names the current version: the only file pages point at
//! ```
//!
//! Pages name the fixed `search/entry.js`, never the version, so a content change rewrites
//! only the pages that show it, not every page's search box. The entry must be revalidated by
//! browsers (served `no-cache`); the versioned files never change and may be cached forever.
//!
//! A signature is tried when its key term occurs anywhere in a paste. The shards of a query's
//! ranking terms hold the signatures keyed on them; for the other tokens of a long paste the
//! browser first asks the key filter, and loads only the shards of the tokens it may hold.
//!
//! Every file is a script calling `errbookSearchLoad(name, data)`, so the index loads through
//! `<script>` elements, which browsers allow from `file://` where they refuse `fetch`.
//!
//! A posting list is base64 of LEB128 varints, per page: the page number's delta from the
//! previous one, the term frequency, and tantivy's fieldnorm id (one byte) for BM25.

use rayon::prelude::*;
use serde_json::{Value, json};
use tantivy::fieldnorm::FieldNormReader;

use super::counted::{self, Previous};
use super::postings::{Counted, Posting, Postings};
use super::prepared;
use super::query::{MAX_QUERY_TERMS, SCORE_DECIMALS, common_threshold};
use super::signatures::Prepared;
use super::{SearchIndex, Stored};
use crate::cache_file::KeptFile;
use crate::content::Signature;
use crate::error::Result;
use crate::render::key::KeyHasher;
use crate::site::Site;

/// Pages per metadata file: a results page of ten fetches at most ten files of about 2.6 KB
/// (one disk block each; four pages a file left three quarters of every block empty, and the
/// site had one such file per four pages).
pub const META_CHUNK: usize = 8;
/// Aim for shards of about this many bytes.
const SHARD_TARGET_BYTES: usize = 3_000;
/// A posting list longer than this gets a file of its own, so a shard stays small for the
/// query terms that share it.
const BIG_POSTINGS_BYTES: usize = 2_000;
/// Prefixes of the filter terms; the analyzer never produces `@`.
pub const TOOL_PREFIX: &str = "@tool:";
pub const CATEGORY_PREFIX: &str = "@category:";

/// The index's fixed entry point below the output root: a script naming the current version.
pub const ENTRY: &str = "search/entry.js";

/// The exported files, paths relative to the output root.
pub struct SearchAssets {
    pub version: String,
    /// `search/<version>/manifest.js`
    pub manifest: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Exports the index for the browser.
pub fn export(index: &SearchIndex) -> Result<SearchAssets> {
    Ok(export_parts(Postings::of_index(index)?, index.stored()))
}

/// Exports the site's index for the browser without building a tantivy index: the postings
/// are counted from the pages (the same files as [`export`] of the site's index).
pub fn export_site(site: &Site) -> SearchAssets {
    let postings = Postings::of_site(site);
    let stored = Stored::of(site, |term| postings.doc_freq(term));
    export_parts(postings, &stored)
}

/// [`export_site`], counting only the pages whose text changed since the counts kept in
/// `counts` and preparing only the signatures not kept in `prepared` (unless they say not to
/// reuse them), and keeping this build's in both. Failing to keep them only costs the next
/// build a full count or preparation.
pub fn export_site_incrementally(
    site: &Site,
    counts: &KeptFile,
    prepared: &KeptFile,
) -> SearchAssets {
    let (previous, signatures) = rayon::join(
        || counts.read_with(Previous::read),
        || prepare_signatures(site, prepared),
    );
    let Counted {
        postings,
        texts,
        tokens,
    } = Postings::of_site_reusing(site, previous);
    let (_, stored) = rayon::join(
        || counted::write(&counts.path, site, &texts, &tokens, &postings),
        || Stored::of_prepared(site, signatures, |term| postings.doc_freq(term)),
    );
    export_parts(postings, &stored)
}

/// Every page's signatures prepared, taken from `kept` where the last build prepared the
/// same signature; all of them are kept there for the next build.
fn prepare_signatures(site: &Site, kept: &KeptFile) -> Vec<Vec<Prepared>> {
    let previous = kept.read_with(prepared::Previous::read);
    let signatures: Vec<Vec<Prepared>> = site
        .pages
        .par_iter()
        .map(|page| {
            let signatures = page.front.signatures.iter();
            signatures
                .map(|s| {
                    let kept = previous.as_ref().and_then(|p| p.get(&s.value));
                    kept.cloned().unwrap_or_else(|| Prepared::of(&s.value))
                })
                .collect()
        })
        .collect();
    let all: Vec<(&Signature, &Prepared)> = site
        .pages
        .iter()
        .zip(&signatures)
        .flat_map(|(page, prepared)| page.front.signatures.iter().map(|s| &s.value).zip(prepared))
        .collect();
    let _ = prepared::write(&kept.path, &all);
    signatures
}

/// The browser's files from the postings (in page order) and what the index keeps beside them.
/// Shards, signatures, metadata files and their hashes are made side by side; the files and
/// the version come out as a sequential pass in term order would make them.
fn export_parts(postings: Postings, stored: &Stored) -> SearchAssets {
    let Postings {
        mut terms,
        total_tokens,
        max_norm,
    } = postings;
    let pages: Vec<&super::index::PageMeta> = stored.pages.iter().collect();
    let (tools, categories) = (&stored.facets.tools, &stored.facets.categories);
    for (i, page) in pages.iter().enumerate() {
        for key in [
            format!("{TOOL_PREFIX}{}", page.tool),
            format!("{CATEGORY_PREFIX}{}", page.category),
        ] {
            terms.entry(key).or_default().push(Posting {
                page: i as u32,
                tf: 0,
                norm: 0,
            });
        }
    }

    let is_big =
        |list: &super::postings::PostingList| base64_len(list.bytes().len()) > BIG_POSTINGS_BYTES;
    let inline_bytes: usize = terms
        .iter()
        .filter(|(_, list)| !is_big(list))
        .map(|(t, list)| t.len() + base64_len(list.bytes().len()) + 6)
        .sum();
    let shard_count = (inline_bytes / SHARD_TARGET_BYTES).max(1) as u32;

    // Each shard takes its terms in term order; a long list gets a file of its own, numbered
    // in term order across all shards. The shards' vectors are sized first: grown, their
    // slack was the build's peak memory.
    let shard_of: Vec<u32> = terms.keys().map(|t| fnv32(t) % shard_count).collect();
    let mut sizes = vec![0usize; shard_count as usize];
    shard_of.iter().for_each(|&n| sizes[n as usize] += 1);
    let mut shard_terms: Vec<Vec<ShardTerm>> = sizes.into_iter().map(Vec::with_capacity).collect();
    let mut big = 0;
    for ((term, list), shard) in terms.into_iter().zip(shard_of) {
        let file = is_big(&list).then(|| {
            big += 1;
            big - 1
        });
        shard_terms[shard as usize].push(ShardTerm { term, list, file });
    }
    // The signatures, each in its shard as JSON text with its key, or among the unkeyed the
    // manifest holds, in index order.
    let signatures: Vec<Placed> = stored
        .signatures
        .entries()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(i, sig)| {
            let entry = signature_json(i, sig);
            match sig.key.as_deref() {
                Some(key) => Placed::Keyed(key, json!([key, entry]).to_string()),
                None => Placed::Unkeyed(entry),
            }
        })
        .collect();
    let mut shard_signatures: Vec<Vec<String>> = (0..shard_count).map(|_| Vec::new()).collect();
    let mut unkeyed = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for signature in signatures {
        match signature {
            Placed::Keyed(key, json) => {
                keys.push(key);
                shard_signatures[(fnv32(key) % shard_count) as usize].push(json);
            }
            Placed::Unkeyed(entry) => unkeyed.push(entry),
        }
    }
    // Each list is encoded as its shard takes it, and dropped: the lists and their encodings
    // are never all alive.
    let shards: Vec<(File, Vec<(usize, File)>)> = shard_terms
        .into_par_iter()
        .zip(shard_signatures)
        .enumerate()
        .map(|(n, (terms, signatures))| shard_files(n, terms, &signatures))
        .collect();
    let mut big_files: Vec<(usize, File)> = Vec::with_capacity(big);
    let mut shard_files = Vec::with_capacity(shards.len());
    for (shard, bigs) in shards {
        shard_files.push(shard);
        big_files.extend(bigs);
    }
    big_files.sort_unstable_by_key(|(n, _)| *n);
    let meta_files: Vec<File> = pages
        .par_chunks(META_CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            let rows: Vec<Value> = chunk
                .iter()
                .map(|p| {
                    // The browser makes the path (`<tool>/<slug>/`) from the tool and the slug.
                    debug_assert_eq!(p.path, format!("{}/{}/", p.tool, p.slug));
                    json!([p.title, p.tool, p.category, p.summary, p.slug])
                })
                .collect();
            File::new(format!("m/{n}"), &Value::Array(rows).to_string())
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let filter = KeyFilter::of(&keys);
    let key_file = File::new("k".to_string(), &json!(base64(&filter.bits)).to_string());
    let norms: Vec<u32> = (0..=max_norm)
        .map(FieldNormReader::id_to_fieldnorm)
        .collect();
    let manifest = json!({
        "docs": pages.len(),
        "tokens": total_tokens,
        "norms": norms,
        "shards": shard_count,
        "chunk": META_CHUNK,
        "maxTerms": MAX_QUERY_TERMS,
        "common": common_threshold(pages.len() as u64),
        "decimals": SCORE_DECIMALS,
        "tools": tools,
        "categories": categories,
        "g": unkeyed,
        "keys": {"bits": filter.bits.len() * 8, "hashes": KEY_FILTER_HASHES},
    });
    let manifest = File::new("manifest".to_string(), &manifest.to_string());

    let files: Vec<File> = big_files
        .into_iter()
        .map(|(_, file)| file)
        .chain(shard_files)
        .chain(meta_files)
        .chain([key_file, manifest])
        .collect();
    // The version is a hash of every file's name and content hash, in order.
    let mut version = KeyHasher::new();
    for file in &files {
        version.str(&file.name).bytes(&file.hash.to_le_bytes());
    }
    let version = format!("{:016x}", version.finish().0 as u64);
    let entry = json!({"version": version, "manifest": format!("{version}/manifest.js")});
    let mut files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|file| (format!("search/{version}/{}.js", file.name), file.script))
        .collect();
    files.push((ENTRY.to_string(), script("entry", &entry.to_string())));
    SearchAssets {
        manifest: format!("search/{version}/manifest.js"),
        version,
        files,
    }
}

/// A term on its way into its shard: its postings, and the number of the file of its own
/// when the list is long.
struct ShardTerm {
    term: String,
    list: super::postings::PostingList,
    file: Option<usize>,
}

/// Shard `n` of the index (its signature array and term map), and the long lists' own files.
fn shard_files(
    n: usize,
    terms: Vec<ShardTerm>,
    signatures: &[String],
) -> (File, Vec<(usize, File)>) {
    let mut data = String::from("{\"g\":[");
    for (i, signature) in signatures.iter().enumerate() {
        if i > 0 {
            data.push(',');
        }
        data.push_str(signature);
    }
    data.push_str("],\"t\":{");
    let mut bigs = Vec::new();
    for (i, ShardTerm { term, list, file }) in terms.into_iter().enumerate() {
        let (df, postings) = (list.len(), base64(list.bytes()));
        drop(list);
        if i > 0 {
            data.push(',');
        }
        data.push_str(&Value::String(term).to_string());
        data.push(':');
        match file {
            Some(file) => {
                // The page count tells the browser, before it downloads the list, whether
                // the term is too common to rank by.
                let own = File::new(format!("b/{file}"), &format!("\"{postings}\""));
                bigs.push((file, own));
                data.push_str(&json!([file, df]).to_string());
            }
            // Base64 needs no escaping in a JSON string.
            None => {
                data.push('"');
                data.push_str(&postings);
                data.push('"');
            }
        }
    }
    data.push_str("}}");
    (File::new(format!("s/{n}"), &data), bigs)
}

/// Where a signature goes: into its key term's shard (as JSON text, with the key), or into
/// the manifest's list of signatures tried on every paste.
enum Placed<'a> {
    Keyed(&'a str, String),
    Unkeyed(Value),
}

/// A signature as the browser's index holds it.
fn signature_json(i: usize, sig: &super::signatures::SignatureEntry) -> Value {
    // The index orders signatures as Rust tries them, so ties resolve the same way.
    json!([
        i,
        sig.page,
        sig.regex as u8,
        js_pattern(sig),
        sig.specificity,
        sig.runs,
        sig.partial.as_deref().map(to_js),
        sig.lead,
        sig.terms
    ])
}

/// One exported file: its name below the version directory (without `.js`), its script,
/// and the hash of its name and data.
struct File {
    name: String,
    script: Vec<u8>,
    hash: u64,
}

impl File {
    fn new(name: String, data: &str) -> File {
        let hash = xxhash_rust::xxh3::xxh3_64(data.as_bytes());
        let script = script(&name, data);
        File { name, script, hash }
    }
}

/// A file of the index: a script that hands its data to the browser's loader.
fn script(name: &str, data: &str) -> Vec<u8> {
    format!(
        "errbookSearchLoad({},{});\n",
        serde_json::to_string(name).expect("a string"),
        data
    )
    .into_bytes()
}

/// FNV-1a, 32 bits, of the term's UTF-8 bytes: the browser computes the same to find a shard.
pub fn fnv32(term: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in term.as_bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The length of [`base64`] of `bytes` bytes.
fn base64_len(bytes: usize) -> usize {
    bytes.div_ceil(3) * 4
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A signature regex in JavaScript's syntax: the few Rust-only forms rewritten. A regex the
/// browser still cannot compile is skipped there (and only there).
fn js_pattern(sig: &super::signatures::SignatureEntry) -> String {
    if !sig.regex {
        return sig.pattern.clone();
    }
    to_js(&sig.pattern)
}

fn to_js(pattern: &str) -> String {
    pattern
        .trim_start_matches("(?i)")
        .replace("(?P<", "(?<")
        .replace("\\A", "^")
        .replace("\\z", "$")
}

/// Bits per key term in the key filter: about 1% false positives, each costing one shard load.
const KEY_FILTER_BITS_PER_KEY: usize = 10;
/// Bit positions per key.
pub const KEY_FILTER_HASHES: u32 = 7;

/// A Bloom filter of key terms. Bit positions are `(h1 + i * h2) mod bits` for `i` below
/// [`KEY_FILTER_HASHES`], with `h1` the term's FNV-1a and `h2` derived from it (`search.js`
/// computes the same, in 32-bit arithmetic).
pub struct KeyFilter {
    pub bits: Vec<u8>,
}

impl KeyFilter {
    pub fn of(keys: &[&str]) -> KeyFilter {
        let bytes = (keys.len() * KEY_FILTER_BITS_PER_KEY).div_ceil(8).max(8);
        let mut filter = KeyFilter {
            bits: vec![0; bytes],
        };
        for key in keys {
            let positions: Vec<usize> = filter.positions(key).collect();
            for bit in positions {
                filter.bits[bit / 8] |= 1 << (bit % 8);
            }
        }
        filter
    }

    pub fn may_contain(&self, term: &str) -> bool {
        self.positions(term)
            .all(|bit| self.bits[bit / 8] & (1 << (bit % 8)) != 0)
    }

    fn positions(&self, term: &str) -> impl Iterator<Item = usize> + use<> {
        let h1 = fnv32(term);
        let h2 = ((h1 ^ (h1 >> 16)).wrapping_mul(0x85eb_ca6b)) | 1;
        let bits = (self.bits.len() * 8) as u32;
        (0..KEY_FILTER_HASHES).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % bits) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::super::postings::PostingList;
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn postings_are_delta_varints() {
        let list = [
            Posting {
                page: 3,
                tf: 1,
                norm: 7,
            },
            Posting {
                page: 300,
                tf: 2,
                norm: 9,
            },
        ];
        let mut encoded = PostingList::default();
        list.into_iter().for_each(|p| encoded.push(p));
        // 3,1,7 then delta 297 = [0xa9, 0x02], 2, 9
        assert_eq!(encoded.bytes(), [3, 1, 7, 0xa9, 0x02, 2, 9]);
        assert_eq!(encoded.len(), 2);
    }

    #[test]
    fn the_key_filter_holds_every_key() {
        let keys: Vec<String> = (0..2000).map(|i| format!("key{i}")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let filter = KeyFilter::of(&refs);
        assert!(refs.iter().all(|k| filter.may_contain(k)));
        let false_positives = (0..2000)
            .filter(|i| filter.may_contain(&format!("other{i}")))
            .count();
        assert!(false_positives < 60, "{false_positives} of 2000");
    }

    #[test]
    fn fnv32_of_known_strings() {
        assert_eq!(fnv32(""), 0x811c_9dc5);
        assert_eq!(fnv32("a"), 0xe40c_292c);
    }
}
