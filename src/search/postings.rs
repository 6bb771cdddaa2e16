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
use tantivy::tokenizer::MAX_TOKEN_LEN;

use super::SearchIndex;
use super::analyzer;
use super::cache::Fnv64;
use super::counted::{Previous, text_key};
use super::index::page_text_parts;
use crate::error::{Error, Result};
use crate::render::Key;
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
/// token longer than tantivy's limit is dropped and not counted. Each weighted part of the
/// page's text is analyzed once and counted as often as
/// [`page_text`](super::index::page_text) repeats it.
fn count_page(
    (counts, scratch): &mut (FastMap<String, u32>, String),
    page: &crate::content::Page,
) -> (Buckets, u32) {
    let mut tokens = 0u32;
    page_text_parts(page, |part, times| {
        let times = times as u32;
        analyzer::for_each_reusing(part, scratch, |token| {
            if token.len() > MAX_TOKEN_LEN {
                return;
            }
            tokens += times;
            match counts.get_mut(token) {
                Some(n) => *n += times,
                None => {
                    counts.insert(token.to_string(), times);
                }
            }
        });
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

/// The postings of a site and, per page, what they were counted from: the hash of the page's
/// text and its number of tokens (what the next build reuses, see [`counted`](super::counted)).
pub struct Counted {
    pub postings: Postings,
    pub texts: Vec<Key>,
    pub tokens: Vec<u32>,
}

/// The previous build's postings of every page whose text is unchanged, renumbered, in term
/// order; their pages' token counts go into `tokens`. A list none of whose pages moved or
/// changed is taken as it is encoded.
fn reuse(
    site: &Site,
    texts: &[Key],
    previous: Previous,
    tokens: &mut [Option<u32>],
) -> Vec<(String, PostingList)> {
    let now: HashMap<(&str, &str), usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.tool.as_str(), p.slug.as_str()), i))
        .collect();
    let renumbered: Vec<Option<u32>> = previous
        .pages
        .iter()
        .map(|old| {
            let &i = now.get(&(old.tool.as_str(), old.slug.as_str()))?;
            (texts[i] == old.text).then(|| {
                tokens[i] = Some(old.tokens);
                i as u32
            })
        })
        .collect();
    // Pages keep their order (both builds sort them by tool and slug), so lists stay sorted;
    // a reused page's fieldnorm is unchanged, its text being the same.
    previous
        .terms
        .into_par_iter()
        .filter_map(|(term, list)| {
            if list
                .iter()
                .all(|p| renumbered[p.page as usize] == Some(p.page))
            {
                return Some((term, list));
            }
            let mut kept = PostingList::default();
            for posting in list.iter() {
                if let Some(page) = renumbered[posting.page as usize] {
                    kept.push(Posting { page, ..posting });
                }
            }
            (!kept.is_empty()).then_some((term, kept))
        })
        .collect()
}

/// The reused postings and those of the pages counted again, both in term order, merged into
/// one list in term order; a term in both gets the pages of both, in page order.
fn merge_reused(
    reused: Vec<(String, PostingList)>,
    counted: Vec<(String, PostingList)>,
) -> Vec<(String, PostingList)> {
    let mut out = Vec::with_capacity(reused.len() + counted.len());
    let mut counted = counted.into_iter().peekable();
    for (term, list) in reused {
        while counted.peek().is_some_and(|(t, _)| *t < term) {
            out.extend(counted.next());
        }
        if counted.peek().is_some_and(|(t, _)| *t == term) {
            let (_, again) = counted.next().expect("peeked");
            let mut both: Vec<Posting> = list.iter().chain(again.iter()).collect();
            both.sort_unstable_by_key(|p| p.page);
            let mut merged = PostingList::default();
            both.into_iter().for_each(|p| merged.push(p));
            out.push((term, merged));
        } else {
            out.push((term, list));
        }
    }
    out.extend(counted);
    out
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
        self.bytes.extend_from_slice(Varint::of(delta).as_bytes());
        self.bytes
            .extend_from_slice(Varint::of(posting.tf).as_bytes());
        self.bytes.push(posting.norm);
        self.last_page = posting.page;
        self.len += 1;
    }

    /// A list from its encoding, `len` postings whose last page is `last_page` (as
    /// [`PostingList::bytes`] and [`PostingList::len`] gave them).
    pub fn from_encoded(bytes: Vec<u8>, len: u32, last_page: u32) -> PostingList {
        PostingList {
            bytes,
            len,
            last_page,
        }
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

    /// The postings, decoded, in page order.
    pub fn iter(&self) -> impl Iterator<Item = Posting> + '_ {
        let mut bytes = self.bytes.as_slice();
        let mut page = 0u32;
        (0..self.len).map(move |_| {
            let mut next = || Varint::read(&mut bytes).expect("a list reads as it was pushed");
            page += next();
            let tf = next();
            let (&norm, rest) = bytes.split_first().expect("a posting ends with its norm");
            bytes = rest;
            Posting { page, tf, norm }
        })
    }

    fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }
}

/// A number as a LEB128 varint (seven bits a byte, low bits first), the integer encoding of
/// posting lists and of the search counts file.
pub struct Varint {
    bytes: [u8; 5],
    len: u8,
}

impl Varint {
    pub fn of(mut n: u32) -> Varint {
        let mut bytes = [0u8; 5];
        let mut len = 0;
        while n >= 0x80 {
            bytes[len] = (n as u8 & 0x7f) | 0x80;
            n >>= 7;
            len += 1;
        }
        bytes[len] = n as u8;
        Varint {
            bytes,
            len: len as u8 + 1,
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Reads a varint from the front of `bytes` and moves past it; `None` when the bytes end
    /// first or the number does not fit 32 bits.
    pub fn read(bytes: &mut &[u8]) -> Option<u32> {
        let mut n = 0u32;
        for shift in (0..32).step_by(7) {
            let (&byte, rest) = bytes.split_first()?;
            *bytes = rest;
            let bits = u32::from(byte & 0x7f);
            if bits.leading_zeros() < shift {
                return None;
            }
            n |= bits << shift;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
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
        Self::of_site_reusing(site, None).postings
    }

    /// [`Postings::of_site`], taking the counts of every page whose text is unchanged from
    /// what the previous build counted: only new and edited pages are analyzed.
    pub fn of_site_reusing(site: &Site, previous: Option<Previous>) -> Counted {
        let texts: Vec<Key> = site.pages.par_iter().map(|p| text_key(p)).collect();
        let mut tokens: Vec<Option<u32>> = vec![None; site.pages.len()];
        // In term order, as the previous build wrote them.
        let reused = match previous {
            Some(previous) => reuse(site, &texts, previous, &mut tokens),
            None => Vec::new(),
        };
        // Pages are counted a chunk at a time, side by side, each page's term counts split by
        // a hash of the term into buckets; each bucket is then merged into its part of the
        // site's postings, side by side. Only one chunk's per-page counts are alive at once:
        // counting every page first held a string per term per page, the largest part of the
        // build's memory.
        let mut merged: Vec<FastMap<String, PostingList>> =
            (0..MERGE_BUCKETS).map(|_| FastMap::default()).collect();
        let fresh: Vec<u32> = (0..site.pages.len() as u32)
            .filter(|&i| tokens[i as usize].is_none())
            .collect();
        for chunk in fresh.chunks(COUNT_CHUNK) {
            let counted: Vec<(Buckets, u32)> = chunk
                .par_iter()
                .map_init(Default::default, |state, &i| {
                    count_page(state, &site.pages[i as usize])
                })
                .collect();
            // Transposed so that each bucket's merge owns its terms and moves them into the map.
            let mut by_bucket: Vec<Vec<PageCounts>> = (0..MERGE_BUCKETS)
                .map(|_| Vec::with_capacity(chunk.len()))
                .collect();
            for (&page, (buckets, count)) in chunk.iter().zip(counted) {
                tokens[page as usize] = Some(count);
                let norm = FieldNormReader::fieldnorm_to_id(count);
                for (b, terms) in buckets.into_iter().enumerate() {
                    by_bucket[b].push((page, norm, terms));
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
        let tokens: Vec<u32> = tokens.into_iter().map(Option::unwrap_or_default).collect();
        let norms: Vec<u8> = tokens
            .iter()
            .map(|&t| FieldNormReader::fieldnorm_to_id(t))
            .collect();
        let mut counted: Vec<(String, PostingList)> = merged
            .into_par_iter()
            .flat_map_iter(|terms| {
                // Most terms are rare: a list of one page would keep room for eight bytes.
                terms.into_iter().map(|(term, mut list)| {
                    list.shrink_to_fit();
                    (term, list)
                })
            })
            .collect();
        counted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let terms = if reused.is_empty() {
            counted
        } else {
            merge_reused(reused, counted)
        };
        Counted {
            postings: Postings {
                terms: terms.into_iter().collect(),
                total_tokens: tokens.iter().map(|&t| u64::from(t)).sum(),
                max_norm: norms.iter().copied().max().unwrap_or_default(),
            },
            texts,
            tokens,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_read_back_and_bad_ones_are_refused() {
        for n in [0, 1, 127, 128, 300, 16_383, 16_384, u32::MAX] {
            let encoded = Varint::of(n);
            let mut bytes = encoded.as_bytes();
            assert_eq!(Varint::read(&mut bytes), Some(n));
            assert!(bytes.is_empty(), "{n} read to its end");
        }
        assert_eq!(Varint::of(300).as_bytes(), [0xac, 0x02]);
        // Ends inside a number; a fifth byte beyond 32 bits; a sixth byte.
        for bad in [&[0x80][..], &[0xff, 0xff, 0xff, 0xff, 0x1f], &[0x80; 6]] {
            assert_eq!(Varint::read(&mut &bad[..]), None, "{bad:?}");
        }
    }

    #[test]
    fn a_posting_list_reads_back_what_was_pushed() {
        let postings = [(3, 1, 7), (300, 2, 9), (301, 70_000, 0)].map(|(page, tf, norm)| Posting {
            page,
            tf,
            norm,
        });
        let mut list = PostingList::default();
        postings.iter().for_each(|&p| list.push(p));
        assert_eq!(list.iter().collect::<Vec<_>>(), postings);
        let copy = PostingList::from_encoded(list.bytes().to_vec(), 3, 301);
        assert_eq!(copy, list);
    }
}
