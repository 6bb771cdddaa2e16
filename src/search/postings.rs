//! Postings: for every term, the pages that hold it, how often, and each page's field length
//! (tantivy's one-byte fieldnorm id), which is all the browser's index is made of. They are read
//! back from a tantivy index, or counted straight from the pages with the same analyzer and
//! tantivy's own rules, which is what `errbook build` does: the browser's files come out
//! byte for byte the same (a test compares both), without building an index on disk.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use rayon::prelude::*;
use tantivy::DocSet;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings as _;
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::{MAX_TOKEN_LEN, TokenStream, Tokenizer};

use super::SearchIndex;
use super::analyzer::ErrorTextTokenizer;
use super::cache::Fnv64;
use super::index::page_text;
use crate::error::{Error, Result};
use crate::site::Site;

/// Terms are short: FNV hashes them faster than the default SipHash.
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv64>>;

/// How many groups of terms [`Postings::of_site`] merges in parallel.
const MERGE_BUCKETS: usize = 16;

/// One page's terms and their frequencies, by bucket.
type Buckets = Vec<Vec<(String, u32)>>;

/// One page's number, fieldnorm id and the counts of one bucket's terms.
type PageCounts = (u32, u8, Vec<(String, u32)>);

/// Pages counted side by side before their counts are merged (and dropped).
const COUNT_CHUNK: usize = 512;

/// One page's term counts by bucket, and its length in tokens, as tantivy counts them: a
/// token longer than tantivy's limit is dropped and not counted.
fn count_page(
    tokenizer: &mut ErrorTextTokenizer,
    counts: &mut FastMap<String, u32>,
    page: &crate::content::Page,
) -> (Buckets, u32) {
    let text = page_text(page);
    let mut tokens = 0u32;
    tokenizer.token_stream(&text).process(&mut |token| {
        if token.text.len() > MAX_TOKEN_LEN {
            return;
        }
        tokens += 1;
        match counts.get_mut(token.text.as_str()) {
            Some(n) => *n += 1,
            None => {
                counts.insert(token.text.clone(), 1);
            }
        }
    });
    let mut buckets: Buckets = vec![Vec::new(); MERGE_BUCKETS];
    for (term, tf) in counts.drain() {
        buckets[bucket(&term)].push((term, tf));
    }
    (buckets, tokens)
}

fn bucket(term: &str) -> usize {
    use std::hash::Hasher;
    let mut hasher = Fnv64::default();
    hasher.write(term.as_bytes());
    (hasher.finish() % MERGE_BUCKETS as u64) as usize
}

/// One page's occurrences of a term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    pub page: u32,
    pub tf: u32,
    pub norm: u8,
}

/// A term's postings in page order, kept as the browser reads them: per page, LEB128 varints
/// of the page number's delta from the previous one and of the term frequency, then the
/// fieldnorm id. A [`Posting`] each took four times the bytes, the most of the build's peak.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PostingList {
    bytes: Vec<u8>,
    len: u32,
    last_page: u32,
}

impl PostingList {
    /// Appends a posting of a page after every page already in the list.
    pub fn push(&mut self, posting: Posting) {
        debug_assert!(self.len == 0 || posting.page > self.last_page);
        let delta = posting.page - if self.len == 0 { 0 } else { self.last_page };
        varint(delta, &mut self.bytes);
        varint(posting.tf, &mut self.bytes);
        self.bytes.push(posting.norm);
        self.last_page = posting.page;
        self.len += 1;
    }

    /// How many pages the list holds.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The encoded postings.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }
}

fn varint(mut n: u32, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Every term's postings, in page order, and the statistics BM25 needs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Postings {
    pub terms: BTreeMap<String, PostingList>,
    /// Tokens indexed over all pages.
    pub total_tokens: u64,
    /// The largest fieldnorm id of any page.
    pub max_norm: u8,
}

impl Postings {
    /// Counts the postings of the site's pages with the search analyzer, as tantivy indexes
    /// them: a token longer than tantivy's limit is dropped and not counted, a page's length
    /// is its number of tokens.
    pub fn of_site(site: &Site) -> Postings {
        // Pages are counted a chunk at a time, side by side, each page's term counts split by
        // a hash of the term into buckets; each bucket is then merged into its part of the
        // site's postings, side by side. Only one chunk's per-page counts are alive at once:
        // counting every page first held a string per term per page, the largest part of the
        // build's memory.
        let mut merged: Vec<FastMap<String, PostingList>> =
            (0..MERGE_BUCKETS).map(|_| FastMap::default()).collect();
        let mut total_tokens = 0u64;
        let mut max_norm = 0u8;
        for (chunk_no, chunk) in site.pages.chunks(COUNT_CHUNK).enumerate() {
            let first = (chunk_no * COUNT_CHUNK) as u32;
            let counted: Vec<(Buckets, u32)> = chunk
                .par_iter()
                .map_init(
                    || {
                        (
                            ErrorTextTokenizer::default(),
                            FastMap::<String, u32>::default(),
                        )
                    },
                    |(tokenizer, counts), page| count_page(tokenizer, counts, page),
                )
                .collect();
            for (_, tokens) in &counted {
                total_tokens += u64::from(*tokens);
            }
            // Transposed so that each bucket's merge owns its terms and moves them into the map.
            let mut by_bucket: Vec<Vec<PageCounts>> = (0..MERGE_BUCKETS)
                .map(|_| Vec::with_capacity(chunk.len()))
                .collect();
            for (i, (buckets, tokens)) in counted.into_iter().enumerate() {
                let norm = FieldNormReader::fieldnorm_to_id(tokens);
                max_norm = max_norm.max(norm);
                for (b, terms) in buckets.into_iter().enumerate() {
                    by_bucket[b].push((first + i as u32, norm, terms));
                }
            }
            merged
                .par_iter_mut()
                .zip(by_bucket)
                .for_each(|(terms, pages)| {
                    for (page, norm, counts) in pages {
                        for (term, tf) in counts {
                            terms
                                .entry(term)
                                .or_default()
                                .push(Posting { page, tf, norm });
                        }
                    }
                });
        }
        let mut merged: Vec<(String, PostingList)> = merged
            .into_par_iter()
            .flat_map_iter(|terms| {
                // Most terms are rare: a list of one page would keep room for eight bytes.
                terms.into_iter().map(|(term, mut list)| {
                    list.shrink_to_fit();
                    (term, list)
                })
            })
            .collect();
        merged.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Postings {
            terms: merged.into_iter().collect(),
            total_tokens,
            max_norm,
        }
    }

    /// Reads the postings back from a tantivy index, pages numbered by its `page` field.
    pub fn of_index(index: &SearchIndex) -> Result<Postings> {
        let (_, fields, reader) = index.tantivy();
        let searcher = reader.searcher();
        let mut postings = Postings::default();
        // Segments need not hold the pages in order: each list is sorted before it is encoded.
        let mut terms: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(fields.text).map_err(te)?;
            postings.total_tokens += inverted.total_num_tokens();
            let norms = segment.get_fieldnorms_reader(fields.text).map_err(te)?;
            let page_of = segment.fast_fields().u64("page").map_err(te)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(|e| Error::new(e.to_string()))?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let mut found = inverted
                    .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)
                    .map_err(|e| Error::new(e.to_string()))?;
                let list = terms.entry(term.to_string()).or_default();
                let mut doc = found.doc();
                while doc != tantivy::TERMINATED {
                    let norm = norms.fieldnorm_id(doc);
                    postings.max_norm = postings.max_norm.max(norm);
                    list.push(Posting {
                        page: page_of.first(doc).unwrap_or_default() as u32,
                        tf: found.term_freq(),
                        norm,
                    });
                    doc = found.advance();
                }
            }
        }
        for (term, mut list) in terms {
            list.sort_by_key(|p| p.page);
            let encoded = postings.terms.entry(term).or_default();
            list.into_iter().for_each(|p| encoded.push(p));
        }
        Ok(postings)
    }

    /// How many pages hold `term`.
    pub fn doc_freq(&self, term: &str) -> u64 {
        self.terms.get(term).map_or(0, |list| list.len() as u64)
    }
}

fn te(e: tantivy::TantivyError) -> Error {
    Error::new(format!("search index: {e}"))
}
