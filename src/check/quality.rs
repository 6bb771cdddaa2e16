//! Quality rules: no paragraph said twice on a page, nearly twice, or on many pages.

use std::collections::HashMap;
use std::ops::Range;

use crate::check::Context;
use crate::check::text::{TextHash, for_each_word, normalize};
use crate::content::Page;
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
        .chain(page.body.sections.iter().flat_map(|s| &s.blocks));
    let mut out = Vec::new();
    for block in texts {
        let start = words.len();
        let mut hash = TextHash::default();
        for_each_word(&block.value, |word| {
            hash.add(word);
            words.push(word.hash);
        });
        if words.len() - start < MIN_WORDS {
            words.truncate(start);
            continue;
        }
        out.push(Normalized {
            span: block.span.clone(),
            text: &block.value,
            words: start..words.len(),
            hash: hash.finish(),
        });
    }
    out
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
        let first = match first_seen.get(&block.hash) {
            Some(&first) if blocks[first].same_as(block) => Some(first),
            Some(_) => blocks[..i]
                .iter()
                .position(|earlier| earlier.same_as(block)),
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
            if exact[i] || exact[j] || blocks[i].same_as(&blocks[j]) {
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
            let similarity = jaccard(
                shingles[i].as_deref().unwrap_or_default(),
                shingles[j].as_deref().unwrap_or_default(),
            );
            if similarity >= cx.settings.near_duplicate_similarity {
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
    blocks.into_iter().map(|b| (b.hash, b.span)).collect()
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
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    }
}

/// `boilerplate`: a block found on many pages. One pass over all blocks with a hash map,
/// never a comparison of every pair of pages.
pub fn check_site(cx: &Context, blocks: &[Vec<Block>], out: &mut Vec<Diagnostic>) {
    let threshold = cx.settings.boilerplate_pages.max(2);
    let mut pages_with: HashMap<u64, Vec<(usize, Range<usize>)>> = HashMap::new();
    for (index, page_blocks) in blocks.iter().enumerate() {
        for (text, span) in page_blocks {
            let span = span.clone();
            let entry = pages_with.entry(*text).or_default();
            if entry.last().is_none_or(|(p, _)| *p != index) {
                entry.push((index, span));
            }
        }
    }
    for occurrences in pages_with.values().filter(|o| o.len() >= threshold) {
        for (index, span) in occurrences {
            let page = &cx.site.pages[*index];
            out.push(
                cx.report(
                    "boilerplate",
                    page,
                    span.clone(),
                    format!("this text appears on {} pages", occurrences.len()),
                )
                .with_help("write what is specific to this error; generic advice belongs nowhere"),
            );
        }
    }
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
}
