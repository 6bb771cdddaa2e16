//! `GET /api/search?q=`: the tantivy index of the current site, kept in memory and rebuilt off
//! the edit → reload path (at start and with each full check), so an edit never waits for it.

use std::sync::{Arc, RwLock};

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::search::{Filter, Paste, SearchIndex, response_json};
use crate::site::Site;

use super::api;

/// Longest query text taken from the address; a pasted log longer than this is cut (the
/// ranking reads the last lines first, where the error usually is). Longer pastes are posted.
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

/// The parameters of a search request; `q` may also come as a POST body.
#[derive(Default)]
pub struct SearchParams {
    q: Paste,
    limit: Option<usize>,
    /// Only pages of this tool / category; empty means all, as the browser's filters send it.
    /// A value no page has gives no results, as in the static site's engine.
    tool: Option<String>,
    category: Option<String>,
}

impl SearchParams {
    /// Reads a query string by hand: a `q` that is not UTF-8 once percent-decoded is decoded
    /// lossily (a log may carry any bytes) and the replaced bytes are counted.
    fn parse(query: &str) -> SearchParams {
        let mut params = SearchParams::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let bytes: Vec<u8> =
                percent_encoding::percent_decode(value.replace('+', " ").as_bytes()).collect();
            match key {
                "q" => params.q = Paste::from_bytes(&bytes),
                "limit" => params.limit = String::from_utf8_lossy(&bytes).parse().ok(),
                "tool" => params.tool = Some(String::from_utf8_lossy(&bytes).into_owned()),
                "category" => params.category = Some(String::from_utf8_lossy(&bytes).into_owned()),
                _ => {}
            }
        }
        params
    }
}

/// `GET /api/search?q=`: the text in the address.
pub async fn search(State(slot): State<SearchSlot>, RawQuery(query): RawQuery) -> Response {
    let mut params = SearchParams::parse(query.as_deref().unwrap_or(""));
    params.q = params.q.keep_last(MAX_QUERY_BYTES);
    answer(slot, params).await
}

/// `POST /api/search?limit=&tool=&category=`: a long paste as the request body (any bytes,
/// up to 1 MiB).
pub async fn search_body(
    State(slot): State<SearchSlot>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut params = SearchParams::parse(query.as_deref().unwrap_or(""));
    params.q = Paste::from_bytes(&body);
    answer(slot, params).await
}

/// `GET /api/search/facets`: the tools and categories that have pages, as the static site's
/// manifest lists them (`{"tools": [id], "categories": [[id, name]]}`), for the filters.
pub async fn facets(State(slot): State<SearchSlot>) -> Response {
    let Some(index) = slot.get() else {
        return still_building();
    };
    let (tools, categories) = index.facets();
    Json(serde_json::json!({ "tools": tools, "categories": categories })).into_response()
}

fn still_building() -> Response {
    api::error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the search index is still being built; try again in a moment".into(),
    )
}

async fn answer(slot: SearchSlot, params: SearchParams) -> Response {
    let Some(index) = slot.get() else {
        return still_building();
    };
    let limit = params.limit.unwrap_or(10).clamp(1, MAX_LIMIT);
    let filter = Filter {
        tool: params.tool.filter(|t| !t.is_empty()),
        category: params.category.filter(|c| !c.is_empty()),
    };
    let paste = params.q;
    // Ranking is CPU work on a shared index: keep it off the async workers.
    let body = tokio::task::spawn_blocking(move || {
        response_json(&index.query(&paste.text, limit, &filter), &paste)
    })
    .await;
    match body {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => api::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "search failed; the server keeps running".into(),
        ),
    }
}
