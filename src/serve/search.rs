//! `GET /api/search?q=`: the tantivy index of the current site, kept in memory and rebuilt off
//! the edit → reload path (at start and with each full check), so an edit never waits for it.

use std::sync::{Arc, RwLock};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::search::{Filter, SearchIndex, results_json};
use crate::site::Site;

use super::api;

/// Longest query text taken; a pasted log longer than this is cut (the ranking reads the last
/// lines first, where the error usually is).
const MAX_QUERY_BYTES: usize = 64 * 1024;
/// Most results one request may ask for.
const MAX_LIMIT: usize = 100;

/// The index the handlers answer from; empty until the first one is built.
#[derive(Clone, Default)]
pub struct SearchSlot(Arc<RwLock<Option<Arc<SearchIndex>>>>);

impl SearchSlot {
    pub fn get(&self) -> Option<Arc<SearchIndex>> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Indexes `site` and swaps the new index in; on failure the previous one stays.
    pub fn rebuild(&self, site: &Site) {
        match SearchIndex::build(site) {
            Ok(index) => *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(index)),
            Err(e) => eprintln!("search index not rebuilt (the previous one stays): {e}"),
        }
    }
}

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
    /// Only pages of this tool / category; empty means all, as the browser's filters send it.
    /// A value no page has gives no results, as in the static site's engine.
    tool: Option<String>,
    category: Option<String>,
}

pub async fn search(
    State(slot): State<SearchSlot>,
    Query(params): Query<SearchParams>,
) -> Response {
    let Some(index) = slot.get() else {
        return api::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the search index is still being built; try again in a moment".into(),
        );
    };
    let mut q = params.q;
    if q.len() > MAX_QUERY_BYTES {
        let mut cut = q.len() - MAX_QUERY_BYTES;
        while !q.is_char_boundary(cut) {
            cut += 1;
        }
        q.drain(..cut);
    }
    let limit = params.limit.unwrap_or(10).clamp(1, MAX_LIMIT);
    let filter = Filter {
        tool: params.tool.filter(|t| !t.is_empty()),
        category: params.category.filter(|c| !c.is_empty()),
    };
    // Ranking is CPU work on a shared index: keep it off the async workers.
    let body =
        tokio::task::spawn_blocking(move || results_json(&index.query(&q, limit, &filter))).await;
    match body {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => api::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "search failed; the server keeps running".into(),
        ),
    }
}
