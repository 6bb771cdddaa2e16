//! The preview server's routes: the site from the current snapshot, the reload events, the
//! validator API, and the headers and guards every response gets.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::{Semaphore, broadcast};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::validators::MAX_INPUT_BYTES;

use super::api;
use super::overlay::{self, escape};
use super::snapshot::{Live, Snapshot};

/// Scripts, styles and requests from the site itself only; nothing inline, no frames.
/// The site's own JavaScript is all in files, and JSON-LD blocks are data, not scripts.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'none'";

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub live: Live,
    pub reload: broadcast::Sender<u64>,
    pub slots: Arc<Semaphore>,
    /// Listening on loopback: answer only requests addressed to a loopback name.
    pub local_only: bool,
    pub search: super::search::SearchSlot,
}

impl FromRef<AppState> for super::search::SearchSlot {
    fn from_ref(state: &AppState) -> Self {
        state.search.clone()
    }
}

impl FromRef<AppState> for Arc<Semaphore> {
    fn from_ref(state: &AppState) -> Self {
        state.slots.clone()
    }
}

/// Every route of the preview: the API and the site. A new API endpoint is one more
/// `.route(...)` line in [`api_routes`].
pub fn router(state: AppState, cors: Option<CorsLayer>) -> Router {
    with_guards(
        Router::new()
            .merge(api_routes(cors))
            .route("/__errbook/events", get(events))
            .route("/__errbook/live.js", get(live_js))
            .route("/__errbook/overlay.css", get(overlay_css))
            .fallback(site_file),
        state,
    )
}

/// `serve --api-only`: the validator API and a health check, with no site behind them.
pub fn api_only_router(state: AppState, cors: Option<CorsLayer>) -> Router {
    with_guards(
        Router::new().merge(api_routes(cors)).fallback(|| async {
            api::error(
                StatusCode::NOT_FOUND,
                "not found: this server answers /api/validators, POST /api/validate/<id> and \
                 /healthz"
                    .into(),
            )
        }),
        state,
    )
}

/// The API, with CORS headers for the allowed origins when there are any.
fn api_routes(cors: Option<CorsLayer>) -> Router<AppState> {
    let api = Router::new()
        .route("/api/validators", get(api::list))
        .route(
            "/api/validate/{id}",
            post(api::validate).layer(DefaultBodyLimit::max(MAX_INPUT_BYTES)),
        )
        .route(
            "/api/search",
            get(super::search::search)
                .post(super::search::search_body)
                .layer(DefaultBodyLimit::max(crate::search::MAX_PASTE_BYTES)),
        )
        .route("/api/search/facets", get(super::search::facets))
        .route("/healthz", get(|| async { "ok\n" }));
    match cors {
        Some(cors) => api.layer(cors),
        None => api,
    }
}

/// CORS for the API: pages of these origins may call it from the browser; others get no
/// CORS headers, so their browsers keep the answers from them.
pub fn cors(origins: &[String]) -> crate::error::Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let mut values = Vec::new();
    for origin in origins {
        let origin = origin.trim_end_matches('/');
        let valid = url::Url::parse(origin).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some()
                && u.origin().ascii_serialization() == origin
        });
        let value = valid
            .and_then(|_| HeaderValue::from_str(origin).ok())
            .ok_or_else(|| {
                crate::error::Error::new(format!(
                    "--allow-origin `{origin}` must be an origin: scheme, host and port only, e.g. \
                 https://errors.example.org"
                ))
            })?;
        values.push(value);
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(values))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE])
            .max_age(std::time::Duration::from_secs(24 * 60 * 60)),
    ))
}

/// The guards and headers every response gets.
fn with_guards(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(middleware::from_fn_with_state(
            state.clone(),
            local_host_only,
        ))
        .with_state(state)
        .layer(CatchPanicLayer::custom(|_| {
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; the server keeps running".into(),
            )
        }))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        // A preview must always show the current build.
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Refuses requests whose `Host` is not a loopback name while listening on loopback: a web
/// page elsewhere cannot rebind its own host name to 127.0.0.1 and read the preview.
async fn local_host_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.local_only {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !is_loopback_host(host) {
            return plain(
                StatusCode::FORBIDDEN,
                "this preview answers only to localhost, 127.0.0.1 and [::1]",
            );
        }
    }
    next.run(request).await
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

/// Server-sent events: `ready` with the current generation on connect, then `reload` with the
/// new generation after each swap.
async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.reload.subscribe();
    let ready = Event::default()
        .event("ready")
        .data(state.live.current().generation.to_string());
    let reloads = stream::unfold(receiver, |mut receiver| async move {
        let generation = match receiver.recv().await {
            Ok(generation) => generation,
            // Missed some: one reload covers them all.
            Err(broadcast::error::RecvError::Lagged(_)) => 0,
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        let event = Event::default()
            .event("reload")
            .data(generation.to_string());
        Some((Ok(event), receiver))
    });
    Sse::new(stream::once(async { Ok(ready) }).chain(reloads)).keep_alive(KeepAlive::default())
}

async fn live_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/live.js"),
    )
}

async fn overlay_css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("assets/overlay.css"),
    )
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], text).into_response()
}

/// Any other path: a file of the current snapshot.
async fn site_file(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
    }
    let path = match site_path(uri.path()) {
        Ok(path) => path,
        Err(why) => return plain(StatusCode::BAD_REQUEST, why),
    };
    let snapshot = state.live.current();
    if snapshot.files.is_empty() {
        return no_build(&snapshot);
    }
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(bytes) = snapshot.files.get(&key) {
        return file(StatusCode::OK, &key, bytes, &snapshot);
    }
    if snapshot.files.contains_key(&format!("{path}/index.html")) {
        // `/litellm/x` → `/litellm/x/`, so the page's relative links resolve. The raw path
        // is ASCII as it came on the request line, and was checked above.
        let location = format!("{}/", uri.path());
        if let Ok(value) = HeaderValue::from_str(&location) {
            return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, value)]).into_response();
        }
    }
    match snapshot.files.get("404.html") {
        Some(bytes) => file(StatusCode::NOT_FOUND, "404.html", bytes, &snapshot),
        None => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

fn file(status: StatusCode, key: &str, bytes: &Bytes, snapshot: &Snapshot) -> Response {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") {
        overlay::inject(bytes, snapshot.overlay.as_deref())
    } else {
        bytes.clone()
    };
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        Body::from(body),
    )
        .into_response()
}

/// Before the first good build there is no site: a page that shows why.
fn no_build(snapshot: &Snapshot) -> Response {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>errbook: no build yet</title></head><body>\
         <h1>errbook could not build the site yet</h1>\
         <p>Fix the problems below; this page reloads when the site builds.</p></body></html>",
    );
    if snapshot.overlay.is_none() {
        html = html.replace("Fix the problems below; ", "");
    }
    let body = overlay::inject(html.as_bytes(), snapshot.overlay.as_deref());
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from(body),
    )
        .into_response()
}

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", escape(message)),
    )
        .into_response()
}

/// The site-relative path of a request path, or why it is refused. The site is served from
/// memory, so no path can reach the file system; these refusals make hostile paths fail
/// loudly (400) instead of looking like missing pages.
pub fn site_path(raw: &str) -> Result<String, &'static str> {
    if raw.contains('\\') {
        return Err("backslashes are not allowed in paths");
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "the path is not UTF-8")?;
    if decoded.contains('\\') {
        return Err("backslashes are not allowed in paths");
    }
    if decoded.chars().any(char::is_control) {
        return Err("control characters are not allowed in paths");
    }
    if has_percent_escape(&decoded) {
        return Err("the path is percent-encoded twice");
    }
    if decoded.starts_with("//") || !decoded.starts_with('/') {
        return Err("the path must be relative to the site");
    }
    let relative = &decoded[1..];
    for segment in relative.split('/') {
        if segment == ".." || segment == "." {
            return Err("`.` and `..` are not allowed in paths");
        }
        if segment.contains(':') {
            return Err("the path must be relative to the site");
        }
    }
    Ok(relative.to_string())
}

fn has_percent_escape(text: &str) -> bool {
    text.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "txt" | "log" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::site_path;

    #[test]
    fn captured_logs_are_shown_as_text() {
        assert_eq!(
            super::content_type("captures/litellm/run.log"),
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn loopback_hosts() {
        use super::is_loopback_host;
        for host in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:8080",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "localhost.evil:80",
            "[::2]:1",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn site_paths() {
        assert_eq!(site_path("/"), Ok(String::new()));
        assert_eq!(site_path("/litellm/x/"), Ok("litellm/x/".into()));
        assert_eq!(site_path("/a%20b.css"), Ok("a b.css".into()));
        for hostile in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/%252e%252e/etc/passwd",
            "//etc/passwd",
            "/%2F%2Fetc/passwd",
            "/..\\..\\windows",
            "/%5c..%5cwindows",
            "/C:/Windows/win.ini",
            "/a/./b",
            "/a%00.html",
            "/a%0d%0aSet-Cookie:x",
            "/%ff",
            "etc/passwd",
        ] {
            assert!(site_path(hostile).is_err(), "{hostile}");
        }
    }
}
