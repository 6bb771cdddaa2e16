//! Quality rules: no paragraph said twice on a page, nearly twice, or on many pages. The
//! front matter may restate the body, and one step may recur in separate procedures.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::check::Context;
use crate::check::text::{TextHash, for_each_word, normalize};
use crate::content::Page;
use crate::content::markdown::Section;
use crate::content::page::Spanned;
use crate::diagnostic::Diagnostic;

/// Blocks shorter than this many words are too short to be called duplicated text
/// ("Yes.", "See above.").
const MIN_WORDS: usize = 6;

/// One text block of a page, read as words.
struct Normalized<'a> {
    span: Range<usize>,
    /// The block as written; normalized again only to confirm a duplicate.
    text: &'a str,
    /// The block's range in the page's list of word hashes.
    words: Range<usize>,
    hash: u64,
    origin: Origin,
}

/// Where a block stands on the page, which decides what counts as saying it twice.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// `summary` or `quick_fix`: meant to restate the body, so never a duplicate of it.
    FrontMatter,
    /// A paragraph of the body.
    Paragraph,
    /// A top-level list item under a heading (the index of its H2 section and H3 subsection):
    /// one step of a procedure.
    Step { heading: (usize, usize) },
}

impl Origin {
    /// Whether two blocks with the same text are a duplicate. The front matter restates the
    /// body by design, and the same step in two procedures (lists under different headings,
    /// such as one per platform) is not said twice.
    fn can_duplicate(self, other: Origin) -> bool {
        match (self, other) {
            (Origin::FrontMatter, _) | (_, Origin::FrontMatter) => false,
            (Origin::Step { heading: a }, Origin::Step { heading: b }) => a == b,
            _ => true,
        }
    }
}

impl Normalized<'_> {
    fn word_count(&self) -> usize {
        self.words.len()
    }

    /// Whether two blocks say the same: equal hashes, confirmed on the normalized text.
    fn same_as(&self, other: &Normalized) -> bool {
        self.hash == other.hash && normalize(self.text) == normalize(other.text)
    }
}

/// The text blocks of a page that quality rules compare: summary, quick fix, every paragraph
/// and list item. The hashes of their words go, block after block, into `words`.
fn blocks<'a>(page: &'a Page, words: &mut Vec<u64>) -> Vec<Normalized<'a>> {
    let front = &page.front;
    let texts = [&front.summary, &front.quick_fix]
        .into_iter()
        .map(|block| {
            let text = Spanned::new(block.value.as_str(), block.span.clone());
            (text, Origin::FrontMatter)
        })
        .chain(
            page.body
                .sections
                .iter()
                .enumerate()
                .flat_map(|(index, section)| {
                    section.blocks().map(move |block| {
                        let origin = body_origin(index, section, &block);
                        (block, origin)
                    })
                }),
        );
    let mut out = Vec::new();
    for (block, origin) in texts {
        let start = words.len();
        let mut hash = TextHash::default();
        for_each_word(block.value, |word| {
            hash.add(word);
            words.push(word.hash);
        });
        if words.len() - start < MIN_WORDS {
            words.truncate(start);
            continue;
        }
        out.push(Normalized {
            span: block.span,
            text: block.value,
            words: start..words.len(),
            hash: hash.finish(),
            origin,
        });
    }
    out
}

/// A body block's origin: a list item is a step under the section's last H3 before it.
fn body_origin(index: usize, section: &Section, block: &Spanned<&str>) -> Origin {
    let start = block.span.start;
    let is_item = section
        .list_items
        .binary_search_by_key(&start, |item| item.span.start)
        .is_ok();
    if !is_item {
        return Origin::Paragraph;
    }
    let subsection = section
        .subsections
        .partition_point(|sub| sub.span.start < start);
    Origin::Step {
        heading: (index, subsection),
    }
}

/// A text block of a page reduced to the hash of its normalized text, for the site-wide
/// `boilerplate` count.
pub type Block = (u64, Range<usize>);

/// Reports duplicated text within the page; returns the page's blocks for [`check_site`].
pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) -> Vec<Block> {
    let mut words = Vec::new();
    let blocks = blocks(page, &mut words);
    // The first block with each hash; a different text under the same hash (a collision)
    // falls back to comparing with every earlier block.
    let mut first_seen: HashMap<u64, usize> = HashMap::with_capacity(blocks.len());
    let mut exact = vec![false; blocks.len()];
    for (i, block) in blocks.iter().enumerate() {
        // Front-matter blocks never pair; those that cannot pair with the first block of
        // their text are compared with every earlier block (rare: steps repeated across
        // procedures, and hash collisions).
        let duplicates = |earlier: &Normalized| {
            earlier.origin.can_duplicate(block.origin) && earlier.same_as(block)
        };
        let first = match first_seen.get(&block.hash) {
            Some(&first) if duplicates(&blocks[first]) => Some(first),
            Some(_) => blocks[..i].iter().position(duplicates),
            None => {
                first_seen.insert(block.hash, i);
                None
            }
        };
        if let Some(first) = first {
            exact[i] = true;
            let (line, _) = page.file.line_col(blocks[first].span.start);
            out.push(
                cx.report(
                    "duplicate-text",
                    page,
                    block.span.clone(),
                    format!("this text repeats line {line} of the page"),
                )
                .with_help("say it once; each section should add something the others do not"),
            );
        }
    }
    // Near duplicates: word 2-gram overlap, on blocks of similar length only (two texts
    // whose word counts differ by more than the threshold cannot reach it). Shingles are
    // computed for the blocks that meet a candidate, not for every block.
    let mut shingles: Vec<Option<Vec<u64>>> = vec![None; blocks.len()];
    for i in 0..blocks.len() {
        for j in (i + 1)..blocks.len() {
            // Of two equal texts, the later one is already an exact duplicate.
            if exact[i]
                || exact[j]
                || !blocks[i].origin.can_duplicate(blocks[j].origin)
                || blocks[i].same_as(&blocks[j])
            {
                continue;
            }
            let (wi, wj) = (blocks[i].word_count(), blocks[j].word_count());
            let ratio = wi.min(wj) as f64 / wi.max(wj).max(1) as f64;
            if ratio < cx.settings.near_duplicate_similarity {
                continue;
            }
            for k in [i, j] {
                if shingles[k].is_none() {
                    shingles[k] = Some(shingle(&words[blocks[k].words.clone()]));
                }
            }
            if let Some(similarity) = similarity_at_least(
                shingles[i].as_deref().unwrap_or_default(),
                shingles[j].as_deref().unwrap_or_default(),
                cx.settings.near_duplicate_similarity,
            ) {
                let (line, _) = page.file.line_col(blocks[i].span.start);
                out.push(
                    cx.report(
                        "near-duplicate-text",
                        page,
                        blocks[j].span.clone(),
                        format!(
                            "this text is {:.0}% the same as line {line}",
                            similarity * 100.0
                        ),
                    )
                    .with_help("merge the two, or make each say something the other does not"),
                );
            }
        }
    }
    // A new vector: collecting in place would keep the larger allocation of `blocks`.
    blocks.iter().map(|b| (b.hash, b.span.clone())).collect()
}

/// Sorted, deduplicated hashes of the word pairs (2-grams) of a text, from its word hashes.
fn shingle(words: &[u64]) -> Vec<u64> {
    let mut out: Vec<u64> = words
        .windows(2.min(words.len()).max(1))
        .map(|w| w[0] ^ w[w.len() - 1].rotate_left(29))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let both = common(a, b);
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    }
}

/// The Jaccard similarity of two sorted sets when it reaches `threshold`.
///
/// Most pairs of blocks share almost nothing, so a prefix filter rules them out first:
/// a similarity of at least t needs at least `needed` = t·(|a|+|b|)/(1+t) shared elements,
/// and then the smallest shared element is among the first |a|−needed+1 of `a` and the first
/// |b|−needed+1 of `b`. `needed` is rounded down (and shaved for float error), so the filter
/// never drops a pair that reaches the threshold; the similarity itself is computed exactly
/// as before.
fn similarity_at_least(a: &[u64], b: &[u64], threshold: f64) -> Option<f64> {
    let needed =
        (threshold * (a.len() + b.len()) as f64 / (1.0 + threshold) * (1.0 - 1e-9)).floor();
    if needed >= 1.0 {
        let needed = needed as usize;
        let prefix = |set: &[u64]| set.len().saturating_sub(needed) + 1;
        let (pa, pb) = (prefix(a).min(a.len()), prefix(b).min(b.len()));
        if common(&a[..pa], &b[..pb]) == 0 {
            return None;
        }
    }
    let similarity = jaccard(a, b);
    (similarity >= threshold).then_some(similarity)
}

/// How many values two sorted, deduplicated sets share. Branch-free steps: which side
/// advances depends on the data and would be mispredicted half the time.
pub(crate) fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        both += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    both
}

/// `boilerplate`: a block found on many pages. All blocks of the site are sorted by hash,
/// in parallel, and each run of equal hashes is one text: never a comparison of every pair
/// of pages.
pub fn check_site(cx: &Context, blocks: &[Vec<Block>], out: &mut Vec<Diagnostic>) {
    let threshold = cx.settings.boilerplate_pages.max(2);
    // (hash, page, block): sorted, a page's first block with a hash comes first.
    let mut all: Vec<(u64, usize, usize)> = blocks
        .iter()
        .enumerate()
        .flat_map(|(page, page_blocks)| {
            page_blocks
                .iter()
                .enumerate()
                .map(move |(block, (hash, _))| (*hash, page, block))
        })
        .collect();
    all.par_sort_unstable();
    // Each text's findings are located side by side (a site whose generator repeats text
    // has hundreds of thousands), in the texts' order.
    let reported: Vec<Vec<Diagnostic>> = all
        .par_chunk_by(|a, b| a.0 == b.0)
        .filter(|same_text| same_text.len() >= threshold)
        .map(|same_text| {
            // The first block of each page that has the text.
            let firsts: Vec<(usize, usize)> = same_text
                .chunk_by(|a, b| a.1 == b.1)
                .map(|on_page| (on_page[0].1, on_page[0].2))
                .collect();
            if firsts.len() < threshold {
                return Vec::new();
            }
            let message = format!("this text appears on {} pages", firsts.len());
            firsts
                .iter()
                .map(|&(index, block)| {
                    let page = &cx.site.pages[index];
                    let span = blocks[index][block].1.clone();
                    cx.report("boilerplate", page, span, message.clone())
                        .with_help(
                            "write what is specific to this error; generic advice belongs nowhere",
                        )
                })
                .collect()
        })
        .collect();
    out.extend(reported.into_iter().flatten());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shingle_text(text: &str) -> Vec<u64> {
        let mut words = Vec::new();
        for_each_word(text, |w| words.push(w.hash));
        shingle(&words)
    }

    #[test]
    fn similarity_of_word_pairs() {
        let a = shingle_text("the proxy retries the same group before it falls back to another");
        let b =
            shingle_text("the proxy retries the same group before it falls back to a second one");
        let c = shingle_text("cooldowns keep a deployment out of rotation for sixty seconds");
        assert!(jaccard(&a, &b) > 0.6);
        assert!(jaccard(&a, &c) < 0.1);
        assert_eq!(jaccard(&a, &a), 1.0);
    }

    /// The prefix filter only saves work: every pair gets the answer of the plain comparison.
    #[test]
    fn prefix_filter_never_drops_a_similar_pair() {
        // Every subset of 0..7: every way two small sets can overlap, tight cases included.
        let sets: Vec<Vec<u64>> = (0u64..128)
            .map(|bits| (0..7).filter(|n| bits & (1 << n) != 0).collect())
            .collect();
        let mut reached = 0;
        for threshold in [0.0, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0, 1.5] {
            for a in &sets {
                for b in &sets {
                    let plain = jaccard(a, b);
                    let expected = (plain >= threshold).then_some(plain);
                    assert_eq!(similarity_at_least(a, b, threshold), expected);
                    reached += usize::from(expected.is_some());
                }
            }
        }
        assert!(reached > 10_000, "{reached}");
    }
}
