//! The validator HTTP API: `GET /api/validators` and `POST /api/validate/<id>`. Config text
//! from the network is untrusted: bounded in size, time and concurrency.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::diagnostic::Severity;
use crate::validators::{self, MAX_INPUT_BYTES, REGISTRY, refusal};

/// Longest a validation may run; a validator that takes longer is answered 503 (it keeps its
/// slot until it finishes, so slow input cannot pile up threads).
pub const TIME_LIMIT: Duration = Duration::from_secs(2);

/// Longest a request waits for a free validation slot before it is answered 503.
const QUEUE_WAIT: Duration = Duration::from_secs(1);

/// Validations are CPU-bound: one slot per core, plus one so a core never idles between
/// requests.
pub fn validation_slots() -> Arc<Semaphore> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores + 1))
}

#[derive(Serialize)]
struct ValidatorView {
    id: &'static str,
    title: &'static str,
    rules: Vec<RuleView>,
}

#[derive(Serialize)]
struct RuleView {
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    url: String,
}

/// `GET /api/validators`: every validator and its rules.
pub async fn list() -> Json<serde_json::Value> {
    let validators: Vec<ValidatorView> = REGISTRY
        .iter()
        .map(|v| ValidatorView {
            id: v.id(),
            title: v.title(),
            rules: v
                .rules()
                .iter()
                .map(|r| RuleView {
                    id: r.id,
                    severity: r.severity,
                    summary: r.summary,
                    url: r.url(),
                })
                .collect(),
        })
        .collect();
    Json(json!({ "validators": validators }))
}

/// `POST /api/validate/<id>`: the raw config text in, `{"diagnostics": [...]}` out.
pub async fn validate(
    State(slots): State<Arc<Semaphore>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(validator) = validators::find(&id) else {
        let known: Vec<&str> = validators::ids().collect();
        return error(
            StatusCode::NOT_FOUND,
            format!("no validator `{id}`; known: {}", known.join(", ")),
        );
    };
    if body.len() > MAX_INPUT_BYTES {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the config is larger than {MAX_INPUT_BYTES} bytes"),
        );
    }
    let Ok(text) = String::from_utf8(body.into()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "the config is not UTF-8 text".into(),
        );
    };
    let Ok(Ok(slot)) = tokio::time::timeout(QUEUE_WAIT, slots.acquire_owned()).await else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many validations at once; try again".into(),
        );
    };
    let task = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        validator.validate(&text)
    });
    let findings = match tokio::time::timeout(TIME_LIMIT, task).await {
        Ok(Ok(findings)) => findings,
        Ok(Err(_)) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the `{id}` validator failed on this config"),
            );
        }
        Err(_) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "validation took longer than {} s and was abandoned",
                    TIME_LIMIT.as_secs()
                ),
            );
        }
    };
    if let Some(refused) = refusal(&findings) {
        let body = json!({
            "error": refused.message,
            "rule": refused.rule,
            "diagnostics": [refused],
        });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    Json(json!({ "diagnostics": findings })).into_response()
}

/// A JSON error body: `{"error": "..."}`. JSON-encoded, served as JSON with nosniff, so echoed
/// values cannot become markup.
pub fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}
