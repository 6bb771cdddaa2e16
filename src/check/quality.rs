//! Quality rules: no paragraph said twice on a page, nearly twice, or on many pages.

use std::collections::HashMap;
use std::ops::Range;

use crate::check::{Context, fingerprint, normalize};
use crate::content::Page;
use crate::diagnostic::Diagnostic;

/// Blocks shorter than this many words are too short to be called duplicated text
/// ("Yes.", "See above.").
const MIN_WORDS: usize = 6;

/// The text blocks of a page that quality rules compare: summary, quick fix, every paragraph
/// and list item.
fn blocks(page: &Page) -> Vec<(Range<usize>, String)> {
    let front = &page.front;
    let mut out = vec![
        (front.summary.span.clone(), normalize(&front.summary.value)),
        (
            front.quick_fix.span.clone(),
            normalize(&front.quick_fix.value),
        ),
    ];
    for section in &page.body.sections {
        out.extend(
            section
                .blocks
                .iter()
                .map(|b| (b.span.clone(), normalize(&b.value))),
        );
    }
    out.retain(|(_, text)| text.split(' ').count() >= MIN_WORDS);
    out
}

/// A text block of a page reduced to the hash of its normalized text, for the site-wide
/// `boilerplate` count.
pub type Block = (u64, Range<usize>);

/// Reports duplicated text within the page; returns the page's blocks for [`check_site`].
pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) -> Vec<Block> {
    let blocks = blocks(page);
    let mut first_seen: HashMap<&str, &Range<usize>> = HashMap::new();
    let mut exact = vec![false; blocks.len()];
    for (i, (span, text)) in blocks.iter().enumerate() {
        match first_seen.get(text.as_str()) {
            Some(first) => {
                exact[i] = true;
                let (line, _) = page.file.line_col(first.start);
                out.push(
                    cx.report(
                        "duplicate-text",
                        page,
                        span.clone(),
                        format!("this text repeats line {line} of the page"),
                    )
                    .with_help("say it once; each section should add something the others do not"),
                );
            }
            None => {
                first_seen.insert(text, span);
            }
        }
    }
    // Near duplicates: word 2-gram overlap, on blocks of similar length only (two texts
    // whose word counts differ by more than the threshold cannot reach it). Shingles are
    // computed for the blocks that meet a candidate, not for every block.
    let words: Vec<usize> = blocks.iter().map(|(_, t)| t.split(' ').count()).collect();
    let mut shingles: Vec<Option<Vec<u64>>> = vec![None; blocks.len()];
    for i in 0..blocks.len() {
        for j in (i + 1)..blocks.len() {
            if exact[i] || exact[j] || blocks[i].1 == blocks[j].1 {
                continue;
            }
            let ratio = words[i].min(words[j]) as f64 / words[i].max(words[j]).max(1) as f64;
            if ratio < cx.settings.near_duplicate_similarity {
                continue;
            }
            for k in [i, j] {
                if shingles[k].is_none() {
                    shingles[k] = Some(shingle(&blocks[k].1));
                }
            }
            let similarity = jaccard(
                shingles[i].as_deref().unwrap_or_default(),
                shingles[j].as_deref().unwrap_or_default(),
            );
            if similarity >= cx.settings.near_duplicate_similarity {
                let (line, _) = page.file.line_col(blocks[i].0.start);
                out.push(
                    cx.report(
                        "near-duplicate-text",
                        page,
                        blocks[j].0.clone(),
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
    blocks
        .into_iter()
        .map(|(span, text)| (fingerprint(&text), span))
        .collect()
}

/// Sorted, deduplicated hashes of the word pairs (2-grams) of a normalized text.
fn shingle(text: &str) -> Vec<u64> {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<u64> = words
        .windows(2.min(words.len()).max(1))
        .map(|w| fingerprint(w[0]) ^ fingerprint(w[w.len() - 1]).rotate_left(29))
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

    #[test]
    fn similarity_of_word_pairs() {
        let a = shingle("the proxy retries the same group before it falls back to another");
        let b = shingle("the proxy retries the same group before it falls back to a second one");
        let c = shingle("cooldowns keep a deployment out of rotation for sixty seconds");
        assert!(jaccard(&a, &b) > 0.6);
        assert!(jaccard(&a, &c) < 0.1);
        assert_eq!(jaccard(&a, &a), 1.0);
    }
}
