//! Ranking a pasted text: pages whose signatures match come first (most specific signature
//! first), then pages that match only in full text, by tantivy's BM25.
//!
//! `static/js/search.js` ranks the same way from the exported index; keep the two in step.

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::analyzer::{TokenSet, for_each};
use super::index::Fields;
use super::signatures::{Match, MatchText, SignatureEntry};
use super::table::Table;

/// A pasted log can hold thousands of distinct tokens; the ones nearest the error are enough
/// to find the page, and the cap bounds what the browser downloads for a long paste.
pub const MAX_QUERY_TERMS: usize = 32;

/// A term on more pages than this says nothing about which page is meant (on a large site,
/// `error` is on every page) and its posting list is the largest download of all, so the query
/// leaves it out, like a stopword. Small sites never reach the floor.
pub const COMMON_MIN_DOCS: u64 = 1000;
pub const COMMON_FRACTION: u64 = 10;

/// The document frequency above which a term is too common to rank by.
pub fn common_threshold(num_docs: u64) -> u64 {
    COMMON_MIN_DOCS.max(num_docs / COMMON_FRACTION)
}

/// Of the query's terms (with their document frequencies), those it ranks by: the ones on some
/// page but not too common; when every term found is too common, the rarest (the first of
/// equals).
pub fn ranking_terms(terms: &[(String, u64)], threshold: u64) -> Vec<String> {
    let kept: Vec<String> = terms
        .iter()
        .filter(|(_, df)| *df > 0 && *df <= threshold)
        .map(|(t, _)| t.clone())
        .collect();
    if !kept.is_empty() {
        return kept;
    }
    let rarest = terms
        .iter()
        .filter(|(_, df)| *df > 0)
        .min_by_key(|(_, df)| *df);
    rarest.map(|(t, _)| vec![t.clone()]).unwrap_or_default()
}

/// Scores are compared after rounding to this many decimals, so that the browser (f64) and
/// tantivy (f32, summed in its own order) put equal pages in the same order (by page).
pub const SCORE_DECIMALS: i32 = 4;

/// Status codes and their names, for natural-language queries ("429 fallback not working"):
/// when a query's terms hold every token of one of a row's triggers, the row's terms are added
/// to it. `static/js/search.js` has the same table; the README documents it.
pub const EQUIVALENTS: &[(&[&[&str]], &[&str])] = &[
    (
        &[
            &["429"],
            &["rate", "limit"],
            &["ratelimit"],
            &["ratelimiterror"],
            &["too", "many", "requests"],
        ],
        &["429", "rate", "limit"],
    ),
    (
        &[
            &["401"],
            &["authentication"],
            &["authenticationerror"],
            &["unauthorized"],
        ],
        &["401", "authentication"],
    ),
    (
        &[&["408"], &["504"], &["timeout"], &["timed", "out"]],
        &["408", "504", "timeout"],
    ),
];

/// The terms a query searches for: [`terms_of_lines`] of the normalized text, with the
/// [`EQUIVALENTS`] of its terms added.
pub fn terms(text: &str) -> Vec<String> {
    with_equivalents(terms_of_lines(&super::normalize::normalize(text).lines))
}

/// Adds the [`EQUIVALENTS`] that `terms` trigger, after them.
pub fn with_equivalents(mut terms: Vec<String>) -> Vec<String> {
    let has = |t: &str, terms: &[String]| terms.iter().any(|x| x == t);
    for (triggers, adds) in EQUIVALENTS {
        if triggers
            .iter()
            .any(|trigger| trigger.iter().all(|t| has(t, &terms)))
        {
            for add in *adds {
                if !has(add, &terms) {
                    terms.push((*add).to_string());
                }
            }
        }
    }
    terms
}

/// The distinct tokens of normalized lines, at most [`MAX_QUERY_TERMS`], taken from the last
/// line up (a traceback ends with the error; a log's newest line is last), and skipping stack
/// frames (`File "…", line N` with the code line under it, `at f(…)`), whose paths and line
/// numbers name no error.
pub fn terms_of_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut kept = Vec::with_capacity(lines.len());
    let mut skip_next_indented = false;
    for line in &lines {
        let trimmed = line.trim_start();
        let indented = trimmed.len() < line.len();
        if is_frame(trimmed) {
            skip_next_indented = true;
            continue;
        }
        if skip_next_indented && indented {
            skip_next_indented = false;
            continue;
        }
        skip_next_indented = false;
        kept.push(*line);
    }
    // Line by line from the last, stopping at the cap: a 1 MiB log is not tokenized whole
    // (no token spans a line break, so this reads the same tokens in the same order).
    let mut terms: Vec<String> = Vec::new();
    for line in kept.iter().rev() {
        for_each(line, |token| {
            if terms.len() < MAX_QUERY_TERMS && !terms.iter().any(|t| t == token) {
                terms.push(token.to_string());
            }
        });
        if terms.len() >= MAX_QUERY_TERMS {
            break;
        }
    }
    terms
}

fn is_frame(trimmed: &str) -> bool {
    trimmed.starts_with("File \"") || (trimmed.starts_with("at ") && trimmed.contains('('))
}

/// One ranked page, before its metadata is attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub page: usize,
    /// BM25 relevance of the page's text to the query, rounded.
    pub score: f64,
    /// The page's most specific matching signature, with its specificity.
    pub signature: Option<(usize, u32)>,
    /// How the page matched.
    pub matched: Match,
}

/// A page's best signature match: the signature, its specificity and how it matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub signature: usize,
    pub specificity: u32,
    pub matched: Match,
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
        scores.insert(page_of(searcher, address)?, score as f64);
    }
    Ok(scores)
}

/// The site's page number of a document (segments number their documents on their own).
fn page_of(searcher: &Searcher, address: DocAddress) -> tantivy::Result<usize> {
    let column = searcher
        .segment_reader(address.segment_ord)
        .fast_fields()
        .u64("page")?;
    Ok(column.first(address.doc_id).unwrap_or_default() as usize)
}

/// The signatures a paste tries: those keyed on any token of the whole paste (not only its
/// ranking terms), and the unkeyed ones; the best hit per page (full matches before partial
/// ones, then the most specific).
pub fn signature_hits(
    text: &MatchText,
    tokens: &TokenSet,
    by_key: &HashMap<String, Vec<usize>>,
    unkeyed: &[usize],
    signatures: &Table<SignatureEntry>,
) -> HashMap<usize, Hit> {
    let mut candidates: Vec<usize> = unkeyed.to_vec();
    for token in tokens {
        if let Some(list) = by_key.get(token) {
            candidates.extend(list);
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut best: HashMap<usize, Hit> = HashMap::new();
    for i in candidates {
        let Some(sig) = signatures.get(i) else {
            continue;
        };
        // A paste without one of the signature's words cannot match it in full; a cut-off one
        // may still end inside it.
        let complete = sig.terms.iter().all(|t| tokens.contains(t));
        let matched = if complete {
            sig.matches(text)
        } else {
            sig.matches_partially(text)
        };
        let Some(matched) = matched else {
            continue;
        };
        let hit = Hit {
            signature: i,
            specificity: sig.specificity,
            matched,
        };
        let better = best
            .get(&sig.page)
            .is_none_or(|b| (matched, sig.specificity) > (b.matched, b.specificity));
        if better {
            best.insert(sig.page, hit);
        }
    }
    best
}

/// Orders pages: signature hits by specificity, then partial hits by specificity, then pages
/// that match in words only; within each, by score; ties by page order.
pub fn rank(scores: &HashMap<usize, f64>, hits: &HashMap<usize, Hit>, limit: usize) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = scores
        .keys()
        .chain(hits.keys())
        .copied()
        .collect::<std::collections::BTreeSet<usize>>()
        .into_iter()
        .map(|page| {
            let hit = hits.get(&page);
            Ranked {
                page,
                score: round_score(scores.get(&page).copied().unwrap_or(0.0)),
                signature: hit.map(|h| (h.signature, h.specificity)),
                matched: hit.map_or(Match::Words, |h| h.matched),
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        let spec = |r: &Ranked| r.signature.map_or(0, |(_, s)| s);
        b.matched
            .cmp(&a.matched)
            .then(spec(b).cmp(&spec(a)))
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
        let scores = HashMap::from([(0, 9.0), (1, 1.0), (2, 0.5), (3, 3.0), (4, 20.0)]);
        let hit = |signature, specificity, matched| Hit {
            signature,
            specificity,
            matched,
        };
        let hits = HashMap::from([
            (1, hit(0, 10, Match::Signature)),
            (2, hit(1, 30, Match::Signature)),
            (4, hit(2, 90, Match::Partial)),
        ]);
        let ranked = rank(&scores, &hits, 10);
        let order: Vec<usize> = ranked.iter().map(|r| r.page).collect();
        assert_eq!(order, [2, 1, 4, 0, 3]);
        assert_eq!(ranked[2].matched, Match::Partial);
        assert_eq!(ranked[3].matched, Match::Words);
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
        let t = terms_of_lines(&text);
        assert_eq!(t.len(), MAX_QUERY_TERMS);
        assert_eq!(t[0], "word0");
    }

    #[test]
    fn tracebacks_are_read_from_the_error_up_without_their_frames() {
        let text = "Traceback (most recent call last):\n  \
                    File \"/usr/lib/python3.11/site-packages/litellm/router.py\", line 826, in acompletion\n    \
                    raise e\n\
                    litellm.RateLimitError: quota";
        let t = terms(text);
        assert_eq!(t[0], "litellm.ratelimiterror");
        assert!(t.contains(&"traceback".to_string()));
        for frame in ["usr", "826", "acompletion", "raise"] {
            assert!(!t.contains(&frame.to_string()), "{frame} in {t:?}");
        }
    }

    #[test]
    fn status_codes_and_their_names_bring_each_other() {
        assert_eq!(terms("429 fallback"), ["429", "fallback", "rate", "limit"]);
        assert_eq!(terms("rate limit"), ["rate", "limit", "429"]);
        assert_eq!(
            terms("Unauthorized"),
            ["unauthorized", "401", "authentication"]
        );
        assert_eq!(
            terms("request timed out"),
            ["request", "timed", "out", "408", "504", "timeout"]
        );
        assert_eq!(terms("rate"), ["rate"]);
    }

    #[test]
    fn too_common_terms_are_left_out_unless_all_are() {
        let terms = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
            v.iter().map(|(t, d)| (t.to_string(), *d)).collect()
        };
        assert_eq!(
            ranking_terms(&terms(&[("error", 9000), ("quota", 12), ("none", 0)]), 1000),
            ["quota"]
        );
        assert_eq!(
            ranking_terms(&terms(&[("error", 9000), ("rate", 3000), ("x", 0)]), 1000),
            ["rate"]
        );
        assert_eq!(common_threshold(3), 1000);
        assert_eq!(common_threshold(20_000), 2000);
    }
}
