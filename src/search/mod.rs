//! Search: an error-text analyzer, a tantivy index of every page, signature matching, ranking,
//! and the export of that index to the static site's in-browser search.
//!
//! The API the CLI and the preview server use:
//!
//! ```ignore
//! let index = SearchIndex::build(&site)?;            // in memory
//! let hits = index.query("litellm.RateLimitError: ...", 10, &Filter::default());
//! println!("{}", errbook::search::results_json(&hits));
//! ```
//!
//! [`SearchHit`] serialises to DESIGN.md's `search --json` shape (plus what a result list
//! shows: `path`, `tool`, `category`, `category_name`, `summary`), and [`results_json`] gives
//! the whole `{"results": [...]}` document.

pub mod analyzer;
pub mod cache;
pub mod counted;
pub mod export;
pub mod index;
pub mod normalize;
pub mod partial;
pub mod postings;
pub mod prepared;
pub mod query;
pub mod signatures;
pub mod table;

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::error::{Error, Result};
use crate::site::Site;
use index::{Fields, PageMeta};
pub use signatures::Match;
use signatures::{MatchText, SignatureEntry};
use table::Table;

/// A ranked page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub slug: String,
    pub title: String,
    /// The page's canonical URL (the site's `base_url` followed by `path`).
    pub url: String,
    /// The page's path below the site root, e.g. `litellm/some-error/`; the preview server
    /// links to this.
    pub path: String,
    /// BM25 relevance of the page's text to the query (rounded to 4 decimals). Results are
    /// ordered by signature match first, so a later result can have a higher score.
    pub score: f64,
    /// The page's signature that matched the text, as the page writes it; `null` when the page
    /// matched in full text only.
    pub signature: Option<String>,
    /// How the page matched: `signature`, `partial` (the paste is cut off inside a signature's
    /// message) or `words` (it shares words with the paste: possibly related).
    #[serde(rename = "match")]
    pub matched: Match,
    pub tool: String,
    /// The category's id and its display name.
    pub category: String,
    pub category_name: String,
    /// The page's summary, plain text.
    pub summary: String,
}

/// Restricts a search to one tool and/or one category (ids as in errbook.toml), like the
/// browser's filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub tool: Option<String>,
    pub category: Option<String>,
}

impl Filter {
    fn admits(&self, tool: &str, category: &str) -> bool {
        self.tool.as_deref().is_none_or(|t| t == tool)
            && self.category.as_deref().is_none_or(|c| c == category)
    }
}

/// The tools and categories of the pages, and each page's, by number: filters read these
/// without the pages' metadata.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Facets {
    pub tools: Vec<String>,
    /// (id, display name)
    pub categories: Vec<(String, String)>,
    /// Each page's tool and category, as positions in the lists above.
    pub of_page: Vec<(u32, u32)>,
}

impl Facets {
    fn of(pages: &[PageMeta]) -> Facets {
        let mut tools: Vec<String> = pages.iter().map(|p| p.tool.clone()).collect();
        tools.sort();
        tools.dedup();
        let mut categories: Vec<(String, String)> = pages
            .iter()
            .map(|p| (p.category.clone(), p.category_name.clone()))
            .collect();
        categories.sort();
        categories.dedup();
        let of_page = pages
            .iter()
            .map(|p| {
                let tool = tools.binary_search(&p.tool).unwrap_or_default();
                let category = categories
                    .iter()
                    .position(|(id, _)| *id == p.category)
                    .unwrap_or_default();
                (tool as u32, category as u32)
            })
            .collect();
        Facets {
            tools,
            categories,
            of_page,
        }
    }

    /// The tool and category id of a page.
    fn page(&self, page: usize) -> (&str, &str) {
        let (tool, category) = self.of_page.get(page).copied().unwrap_or_default();
        (
            self.tools.get(tool as usize).map_or("", String::as_str),
            self.categories
                .get(category as usize)
                .map_or("", |(id, _)| id.as_str()),
        )
    }
}

/// What an index keeps beside tantivy: what results show of each page, the pages' facets, the
/// signatures and their key terms.
pub struct Stored {
    pub pages: Table<PageMeta>,
    pub facets: Facets,
    pub signatures: Table<SignatureEntry>,
    /// Each signature's key term, in signature order.
    pub keys: Vec<Option<String>>,
}

impl Stored {
    /// What the index keeps beside tantivy for `site`: page metadata, facets and signature
    /// entries, whose key terms are chosen by `doc_freq` (how many pages hold a term).
    pub fn of(site: &Site, doc_freq: impl Fn(&str) -> u64 + Sync) -> Stored {
        let prepared = site
            .pages
            .par_iter()
            .map(|page| {
                let signatures = page.front.signatures.iter();
                signatures
                    .map(|s| signatures::Prepared::of(&s.value))
                    .collect()
            })
            .collect();
        Stored::of_prepared(site, prepared, doc_freq)
    }

    /// [`Stored::of`] with each page's signatures already prepared (`prepared[page][n]` for
    /// its `n`th signature).
    pub fn of_prepared(
        site: &Site,
        prepared: Vec<Vec<signatures::Prepared>>,
        doc_freq: impl Fn(&str) -> u64 + Sync,
    ) -> Stored {
        let doc_freq = &doc_freq;
        let signatures: Vec<SignatureEntry> = site
            .pages
            .par_iter()
            .zip(prepared)
            .enumerate()
            .flat_map_iter(|(i, (page, prepared))| {
                let signatures = page.front.signatures.iter().zip(prepared);
                signatures.map(move |(s, p)| SignatureEntry::prepared(i, &s.value, p, doc_freq))
            })
            .collect();
        let pages: Vec<PageMeta> = site
            .pages
            .par_iter()
            .map(|p| PageMeta::of(site, p))
            .collect();
        Stored {
            facets: Facets::of(&pages),
            keys: signatures.iter().map(|s| s.key.clone()).collect(),
            pages: Table::loaded(pages),
            signatures: Table::loaded(signatures),
        }
    }
}

/// `{"results": [...], "replaced_bytes": 0}`, best first: the output of `errbook search
/// --json` and of `GET /api/search?q=` for a text that was valid UTF-8.
pub fn results_json(hits: &[SearchHit]) -> String {
    response_json(hits, &Paste::default())
}

/// `{"results": [...], "replaced_bytes": n, "cut_bytes": m}` for a paste read from bytes.
pub fn response_json(hits: &[SearchHit], paste: &Paste) -> String {
    #[derive(Serialize)]
    struct Response<'a> {
        results: &'a [SearchHit],
        /// Bytes of the input that were not UTF-8 and were read as U+FFFD.
        replaced_bytes: usize,
        /// Bytes cut from the start of an input longer than [`MAX_PASTE_BYTES`].
        cut_bytes: usize,
    }
    serde_json::to_string(&Response {
        results: hits,
        replaced_bytes: paste.replaced_bytes,
        cut_bytes: paste.cut_bytes,
    })
    .expect("hits serialise")
}

/// The longest text searched: of a longer one the last part is kept (a log ends with its
/// error).
pub const MAX_PASTE_BYTES: usize = 1024 * 1024;

/// A paste decoded from bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paste {
    pub text: String,
    /// Bytes that were not UTF-8 and were decoded as U+FFFD, as a browser decodes them.
    pub replaced_bytes: usize,
    /// Bytes dropped from the start to keep the last [`MAX_PASTE_BYTES`].
    pub cut_bytes: usize,
}

impl Paste {
    /// Decodes any bytes: invalid UTF-8 is replaced (one U+FFFD per invalid sequence) and
    /// counted, and an input over [`MAX_PASTE_BYTES`] keeps its end.
    pub fn from_bytes(bytes: &[u8]) -> Paste {
        let mut cut_bytes = bytes.len().saturating_sub(MAX_PASTE_BYTES);
        // Not in the middle of a character: its continuation bytes go with the cut.
        while cut_bytes > 0 && cut_bytes < bytes.len() && bytes[cut_bytes] & 0xC0 == 0x80 {
            cut_bytes += 1;
        }
        let bytes = &bytes[cut_bytes..];
        let mut text = String::with_capacity(bytes.len());
        let mut replaced_bytes = 0;
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                replaced_bytes += chunk.invalid().len();
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
        Paste {
            text,
            replaced_bytes,
            cut_bytes,
        }
    }

    /// A text that is already a string, kept to its last [`MAX_PASTE_BYTES`].
    pub fn from_text(text: String) -> Paste {
        Paste {
            text,
            ..Paste::default()
        }
        .keep_last(MAX_PASTE_BYTES)
    }

    /// Keeps the last `max` bytes of the text (whole characters), counting what was cut.
    pub fn keep_last(mut self, max: usize) -> Paste {
        if self.text.len() <= max {
            return self;
        }
        let mut cut = self.text.len() - max;
        while !self.text.is_char_boundary(cut) {
            cut += 1;
        }
        self.text.drain(..cut);
        self.cut_bytes += cut;
        self
    }
}

/// A site's search index: the tantivy index, what results show, and the signatures.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    base_url: String,
    stored: Stored,
    by_key: HashMap<String, Vec<usize>>,
    unkeyed: Vec<usize>,
}

impl SearchIndex {
    /// Indexes every page of the site, in memory.
    pub fn build(site: &Site) -> Result<SearchIndex> {
        Self::build_in(site, None)
    }

    /// Indexes every page of the site into `dir` (which must exist and be empty), or in
    /// memory when `dir` is `None`.
    pub fn build_in(site: &Site, dir: Option<&Path>) -> Result<SearchIndex> {
        let (index, fields) = index::build(site, dir).map_err(tantivy_error)?;
        let reader = reader(&index)?;
        let searcher = reader.searcher();
        // The term dictionaries, opened once for the many key-term lookups.
        let dictionaries = searcher
            .segment_readers()
            .iter()
            .map(|r| r.inverted_index(fields.text))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(tantivy_error)?;
        let doc_freq = |term: &str| {
            let term = tantivy::Term::from_field_text(fields.text, term);
            dictionaries
                .iter()
                .map(|d| u64::from(d.doc_freq(&term).unwrap_or(0)))
                .sum()
        };
        let stored = Stored::of(site, doc_freq);
        Ok(Self::assemble(
            index,
            fields,
            reader,
            site.config.base_url.clone(),
            stored,
        ))
    }

    /// Opens an index that [`SearchIndex::build_in`] wrote, with what it keeps beside it.
    pub fn open(dir: &Path, base_url: String, stored: Stored) -> Result<SearchIndex> {
        let index = Index::open_in_dir(dir).map_err(tantivy_error)?;
        index::register(&index);
        let (_, fields) = index::schema();
        let reader = reader(&index)?;
        Ok(Self::assemble(index, fields, reader, base_url, stored))
    }

    fn assemble(
        index: Index,
        fields: Fields,
        reader: IndexReader,
        base_url: String,
        stored: Stored,
    ) -> SearchIndex {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::with_capacity(stored.keys.len());
        let mut unkeyed = Vec::new();
        for (i, key) in stored.keys.iter().enumerate() {
            match key {
                Some(key) => by_key.entry(key.clone()).or_default().push(i),
                None => unkeyed.push(i),
            }
        }
        SearchIndex {
            index,
            fields,
            reader,
            base_url,
            stored,
            by_key,
            unkeyed,
        }
    }

    /// Takes the index apart: what it keeps beside tantivy (the cache writes it out).
    pub fn into_stored(self) -> Stored {
        self.stored
    }

    /// The best `limit` pages for a pasted text among those `filter` admits, best first.
    pub fn query(&self, text: &str, limit: usize, filter: &Filter) -> Vec<SearchHit> {
        self.ranked_in(text, limit, filter)
            .into_iter()
            .filter_map(|r| {
                let page = self.stored.pages.get(r.page)?;
                Some(SearchHit {
                    slug: page.slug.clone(),
                    title: page.title.clone(),
                    url: format!("{}{}", self.base_url, page.path),
                    path: page.path.clone(),
                    score: r.score,
                    signature: r
                        .signature
                        .and_then(|(i, _)| self.stored.signatures.get(i))
                        .map(|s| s.pattern.clone()),
                    matched: r.matched,
                    tool: page.tool.clone(),
                    category: page.category.clone(),
                    category_name: page.category_name.clone(),
                    summary: page.summary.clone(),
                })
            })
            .collect()
    }

    /// The ranking with page numbers, for the export's parity checks.
    pub fn ranked(&self, text: &str, limit: usize) -> Vec<query::Ranked> {
        self.ranked_in(text, limit, &Filter::default())
    }

    /// [`Self::ranked`] among the pages `filter` admits.
    pub fn ranked_in(&self, text: &str, limit: usize, filter: &Filter) -> Vec<query::Ranked> {
        let prepared = MatchText::new(text);
        let normalized = prepared.normalized();
        let terms = query::with_equivalents(query::terms_of_lines(&normalized.lines));
        let searcher = self.reader.searcher();
        let with_df: Vec<(String, u64)> = terms
            .iter()
            .map(|t| {
                let term = tantivy::Term::from_field_text(self.fields.text, t);
                (t.clone(), searcher.doc_freq(&term).unwrap_or(0))
            })
            .collect();
        let threshold = query::common_threshold(searcher.num_docs());
        let ranking = query::ranking_terms(&with_df, threshold);
        // A read error of an index just built or opened is not expected; rank what we have.
        let mut scores = query::bm25(&searcher, self.fields, &ranking).unwrap_or_default();
        // Signatures are keyed on the tokens of the whole paste, not only the ranking terms.
        let tokens = prepared.tokens();
        let mut hits = query::signature_hits(
            &prepared,
            &tokens,
            &self.by_key,
            &self.unkeyed,
            &self.stored.signatures,
        );
        // Filtered before ranking, so `limit` counts only admitted pages.
        let admits = |page: usize| {
            let (tool, category) = self.stored.facets.page(page);
            filter.admits(tool, category)
        };
        scores.retain(|&page, _| admits(page));
        hits.retain(|&page, _| admits(page));
        query::rank(&scores, &hits, limit)
    }

    /// An error naming the known values when `filter` names a tool or category that no page
    /// has, so a typo is not mistaken for "no results".
    pub fn check_filter(&self, filter: &Filter) -> Result<()> {
        let facets = &self.stored.facets;
        let known = |what: &str, wanted: &Option<String>, values: Vec<&str>| {
            let Some(wanted) = wanted else { return Ok(()) };
            if values.contains(&wanted.as_str()) {
                return Ok(());
            }
            let hint = crate::diagnostic::did_you_mean(wanted, &values)
                .map(|close| format!("did you mean `{close}`? "))
                .unwrap_or_default();
            Err(Error::new(format!(
                "no page has the {what} `{wanted}`; {hint}{what}s: {}",
                values.join(", ")
            )))
        };
        known(
            "tool",
            &filter.tool,
            facets.tools.iter().map(String::as_str).collect(),
        )?;
        known(
            "category",
            &filter.category,
            facets
                .categories
                .iter()
                .map(|(id, _)| id.as_str())
                .collect(),
        )
    }

    /// The tools and the (id, name) categories that have pages, as the browser's manifest
    /// lists them.
    pub fn facets(&self) -> (&[String], &[(String, String)]) {
        (&self.stored.facets.tools, &self.stored.facets.categories)
    }

    /// Every page's metadata, in page order.
    pub fn pages(&self) -> impl Iterator<Item = &PageMeta> {
        self.stored.pages.iter()
    }

    /// Every signature with its number, in the order search tries them.
    pub fn signatures(&self) -> impl Iterator<Item = (usize, &SignatureEntry)> {
        self.stored.signatures.entries()
    }

    /// What the index keeps beside tantivy: page metadata, facets, signatures.
    pub(crate) fn stored(&self) -> &Stored {
        &self.stored
    }

    pub(crate) fn tantivy(&self) -> (&Index, Fields, &IndexReader) {
        (&self.index, self.fields, &self.reader)
    }
}

fn reader(index: &Index) -> Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(tantivy_error)
}

fn tantivy_error(e: tantivy::TantivyError) -> Error {
    Error::new(format!("search index: {e}"))
}

/// The index `errbook search` uses: the cache when the content has not changed since it was
/// built, else a fresh build into the cache. Pages that do not parse are left out (`check`
/// reports them); a site without a usable configuration cannot be searched.
pub fn for_root(root: &Path) -> Result<SearchIndex> {
    if let Some(index) = cache::open_fresh(root)? {
        return Ok(index);
    }
    let config = match crate::config::SiteConfig::load(root)? {
        Ok(config) => config,
        Err(diags) => {
            let first = diags
                .first()
                .map_or(String::new(), |d| format!(": {}", d.message));
            return Err(Error::new(format!("errbook.toml is not usable{first}")));
        }
    };
    let loaded = crate::content::load_pages(root)?.without_drafts();
    let (site, _) = Site::new(root.to_path_buf(), config, loaded.pages);
    cache::build(&site)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_site() -> Site {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::config::SiteConfig::load(root).unwrap().unwrap();
        let loaded = crate::content::load_pages(root).unwrap();
        Site::new(root.to_path_buf(), config, loaded.pages).0
    }

    /// The build exports without tantivy: its files must be those of the tantivy index.
    #[test]
    fn counting_postings_exports_what_the_tantivy_index_exports() {
        let site = bundled_site();
        let index = SearchIndex::build(&site).unwrap();
        assert_eq!(
            postings::Postings::of_site(&site),
            postings::Postings::of_index(&index).unwrap()
        );
        let (from_index, counted) = (export::export(&index).unwrap(), export::export_site(&site));
        assert_eq!(from_index.version, counted.version);
        assert_eq!(from_index.files, counted.files);
    }

    #[test]
    fn an_in_memory_index_answers_the_preview_server() {
        fn shared<T: Send + Sync>(_: &T) {}
        let index = SearchIndex::build(&bundled_site()).unwrap();
        shared(&index);
        let hits = index.query(
            "litellm.types.router.RouterRateLimitError: No deployments available for selected \
             model, Try again in 5 seconds. Passed model=gpt-4o. pre-call-checks=False, \
             cooldown_list=[('8f1a', {'exception_received': 'litellm.RateLimitError'})]",
            3,
            &Filter::default(),
        );
        assert_eq!(hits[0].slug, "no-deployments-available-cooldown");
        assert!(hits[0].signature.is_some());
        assert_eq!(hits[0].path, "litellm/no-deployments-available-cooldown/");
        let json = results_json(&hits[..1]);
        assert!(json.starts_with(r#"{"results":[{"slug":"no-deployments-available-cooldown","#));
        assert!(index.query("", 10, &Filter::default()).is_empty());
        assert!(index.query("zzqxv", 10, &Filter::default()).is_empty());
    }

    #[test]
    fn filters_keep_only_their_pages_and_name_the_known_values() {
        let index = SearchIndex::build(&bundled_site()).unwrap();
        let text = "No deployments available for selected model";
        let all = index.query(text, 100, &Filter::default());
        let category = all[0].category.clone();
        let only = |category: &str| Filter {
            tool: Some("litellm".into()),
            category: Some(category.into()),
        };
        let kept = index.query(text, 100, &only(&category));
        assert_eq!(kept[0].slug, all[0].slug);
        assert!(kept.iter().all(|h| h.category == category));
        assert!(kept.len() < all.len(), "another category's pages match too");
        let other = all.iter().find(|h| h.category != category).unwrap();
        let theirs = index.query(text, 100, &only(&other.category));
        assert!(theirs.iter().all(|h| h.category == other.category));
        assert!(!theirs.iter().any(|h| h.slug == all[0].slug));

        assert!(index.check_filter(&only(&category)).is_ok());
        let typo = Filter {
            tool: Some("litelm".into()),
            category: None,
        };
        let message = index.check_filter(&typo).unwrap_err().to_string();
        assert!(message.contains("no page has the tool `litelm`; did you mean `litellm`?"));
    }
}
