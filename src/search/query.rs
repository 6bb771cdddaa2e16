//! Ranking a pasted text: pages whose signatures match come first (most specific signature
//! first), then pages that match only in full text, by tantivy's BM25.
//!
//! `static/js/search.js` ranks the same way from the exported index; keep the two in step.

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::analyzer::query_terms;
use super::index::Fields;
use super::signatures::{MatchText, SignatureEntry};

/// A pasted log can hold thousands of distinct tokens; the first ones are enough to find the
/// page, and the cap bounds what the browser downloads for a long paste.
pub const MAX_QUERY_TERMS: usize = 64;

/// Scores are compared after rounding to this many decimals, so that the browser (f64) and
/// tantivy (f32, summed in its own order) put equal pages in the same order (by page).
pub const SCORE_DECIMALS: i32 = 4;

/// The terms a query searches for: its distinct tokens, at most [`MAX_QUERY_TERMS`].
pub fn terms(text: &str) -> Vec<String> {
    let mut terms = query_terms(text);
    terms.truncate(MAX_QUERY_TERMS);
    terms
}

/// One ranked page, before its metadata is attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub page: usize,
    /// BM25 relevance of the page's text to the query, rounded.
    pub score: f64,
    /// The page's most specific matching signature, with its specificity.
    pub signature: Option<(usize, u32)>,
}

pub fn round_score(score: f64) -> f64 {
    let scale = 10f64.powi(SCORE_DECIMALS);
    (score * scale).round() / scale
}

/// Full-text scores of every page that contains a query term.
pub fn bm25(
    searcher: &Searcher,
    fields: Fields,
    terms: &[String],
) -> tantivy::Result<HashMap<usize, f64>> {
    let mut scores = HashMap::new();
    if terms.is_empty() {
        return Ok(scores);
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| {
            let term = Term::from_field_text(fields.text, t);
            let query: Box<dyn Query> =
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            (Occur::Should, query)
        })
        .collect();
    let query = BooleanQuery::new(clauses);
    let num_docs = searcher.num_docs() as usize;
    let top = searcher.search(
        &query,
        &tantivy::collector::TopDocs::with_limit(num_docs.max(1)).order_by_score(),
    )?;
    for (score, address) in top {
        scores.insert(page_of(searcher, fields, address)?, score as f64);
    }
    Ok(scores)
}

fn page_of(searcher: &Searcher, _fields: Fields, address: DocAddress) -> tantivy::Result<usize> {
    let column = searcher
        .segment_reader(address.segment_ord)
        .fast_fields()
        .u64("page")?;
    Ok(column.first(address.doc_id).unwrap_or_default() as usize)
}

/// The signatures a query tries: those keyed on one of its terms, and the unkeyed ones.
pub fn signature_hits(
    text: &str,
    terms: &[String],
    by_key: &HashMap<String, Vec<usize>>,
    unkeyed: &[usize],
    signatures: &[SignatureEntry],
) -> HashMap<usize, (usize, u32)> {
    let prepared = MatchText::new(text);
    let mut candidates: Vec<usize> = unkeyed.to_vec();
    for term in terms {
        if let Some(list) = by_key.get(term) {
            candidates.extend(list);
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut best: HashMap<usize, (usize, u32)> = HashMap::new();
    for i in candidates {
        let sig = &signatures[i];
        if !sig.matches(&prepared) {
            continue;
        }
        let better = best
            .get(&sig.page)
            .is_none_or(|&(_, spec)| sig.specificity > spec);
        if better {
            best.insert(sig.page, (i, sig.specificity));
        }
    }
    best
}

/// Orders pages: signature hits by specificity, then by score; then full-text hits by score;
/// ties by page order.
pub fn rank(
    scores: &HashMap<usize, f64>,
    hits: &HashMap<usize, (usize, u32)>,
    limit: usize,
) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = scores
        .keys()
        .chain(hits.keys())
        .copied()
        .collect::<std::collections::BTreeSet<usize>>()
        .into_iter()
        .map(|page| Ranked {
            page,
            score: round_score(scores.get(&page).copied().unwrap_or(0.0)),
            signature: hits.get(&page).copied(),
        })
        .collect();
    ranked.sort_by(|a, b| {
        let spec = |r: &Ranked| r.signature.map(|(_, s)| s as i64 + 1).unwrap_or(0);
        spec(b)
            .cmp(&spec(a))
            .then(b.score.total_cmp(&a.score))
            .then(a.page.cmp(&b.page))
    });
    ranked.truncate(limit);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_hits_rank_above_full_text_and_specific_above_general() {
        let scores = HashMap::from([(0, 9.0), (1, 1.0), (2, 0.5), (3, 3.0)]);
        let hits = HashMap::from([(1, (0, 10)), (2, (1, 30))]);
        let order: Vec<usize> = rank(&scores, &hits, 10).iter().map(|r| r.page).collect();
        assert_eq!(order, [2, 1, 0, 3]);
        assert_eq!(rank(&scores, &hits, 2).len(), 2);
    }

    #[test]
    fn equal_scores_keep_page_order() {
        let scores = HashMap::from([(5, 1.000_001), (2, 1.000_002)]);
        let order: Vec<usize> = rank(&scores, &HashMap::new(), 10)
            .iter()
            .map(|r| r.page)
            .collect();
        assert_eq!(order, [2, 5]);
    }

    #[test]
    fn long_pastes_search_their_first_distinct_terms() {
        let text: String = (0..500).map(|i| format!("word{i} ")).collect();
        let t = terms(&text);
        assert_eq!(t.len(), MAX_QUERY_TERMS);
        assert_eq!(t[0], "word0");
    }
}
