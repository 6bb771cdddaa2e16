//! The validator HTTP API: `GET /api/validators` and `POST /api/validate/<id>`. Config text
//! from the network is untrusted: bounded in size, time and concurrency.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::diagnostic::Severity;
use crate::validators::includes::{NOT_IN_PREVIEW, NotFollowed};
use crate::validators::level::Level;
use crate::validators::{self, ConfigValidator, MAX_INPUT_BYTES, REGISTRY, refusal};

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
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<String>,
}

/// `?level=error|warning|info`: the least severe findings answered (warning by default).
#[derive(serde::Deserialize)]
pub struct ValidateQuery {
    level: Option<String>,
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
                    page: r.page_url(),
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
    Query(query): Query<ValidateQuery>,
    body: Bytes,
) -> Response {
    let level = match query.level.as_deref().map(str::parse::<Level>) {
        None => Level::default(),
        Some(Ok(level)) => level,
        Some(Err(e)) => return error(StatusCode::BAD_REQUEST, e),
    };
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
    run(validator, text, level, slots, TIME_LIMIT).await
}

/// Runs one validation within the limits and turns its findings into the answer.
async fn run(
    validator: &'static dyn ConfigValidator,
    text: String,
    level: Level,
    slots: Arc<Semaphore>,
    time_limit: Duration,
) -> Response {
    let id = validator.id();
    let Ok(Ok(slot)) = tokio::time::timeout(QUEUE_WAIT, slots.acquire_owned()).await else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many validations at once; try again".into(),
        );
    };
    let task = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        // Text from the network: included files are never read on the server.
        validator.validate_with(&text, &NotFollowed(NOT_IN_PREVIEW))
    });
    let findings = match tokio::time::timeout(time_limit, task).await {
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
                    "validation took longer than {} ms and was abandoned",
                    time_limit.as_millis()
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
    Json(json!({ "diagnostics": level.filter(findings) })).into_response()
}

/// A JSON error body: `{"error": "..."}`. JSON-encoded, served as JSON with nosniff, so echoed
/// values cannot become markup.
pub fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validators::{Finding, RuleInfo};

    /// A validator that misbehaves as its input says: `sleep`, `panic`, `refuse`, or finds
    /// nothing.
    struct Unruly;

    impl ConfigValidator for Unruly {
        fn id(&self) -> &'static str {
            "unruly"
        }
        fn title(&self) -> &'static str {
            "misbehaves on purpose"
        }
        fn rules(&self) -> &'static [RuleInfo] {
            &[]
        }
        fn validate(&self, text: &str) -> Vec<Finding> {
            match text {
                "sleep" => std::thread::sleep(Duration::from_millis(500)),
                "panic" => panic!("a validator bug"),
                "refuse" => {
                    return vec![Finding {
                        rule: "yaml-too-deep",
                        severity: Severity::Error,
                        message: "the YAML nests deeper than 64 levels".into(),
                        line: 3,
                        column: 5,
                        help: None,
                        url: "/x/y/".into(),
                        page: None,
                        file: None,
                        refused: false,
                    }];
                }
                _ => {}
            }
            Vec::new()
        }
    }

    async fn answer(text: &str, slots: Arc<Semaphore>) -> (StatusCode, serde_json::Value) {
        // Generous except for `sleep`: printing a panic's backtrace takes a while.
        let limit = Duration::from_millis(if text == "sleep" { 100 } else { 10_000 });
        let response = run(&Unruly, text.into(), Level::Info, slots, limit).await;
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn limits_turn_misbehaviour_into_answers() {
        let slots = Arc::new(Semaphore::new(2));
        let (status, body) = answer("ok", slots.clone()).await;
        assert_eq!((status, body), (StatusCode::OK, json!({"diagnostics": []})));

        let (status, body) = answer("sleep", slots.clone()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("longer than 100 ms")
        );

        let (status, body) = answer("panic", slots.clone()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("`unruly` validator failed")
        );

        let (status, body) = answer("refuse", slots.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "the YAML nests deeper than 64 levels");
        assert_eq!(body["diagnostics"][0]["line"], 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn validations_beyond_the_slots_are_turned_away() {
        let slots = Arc::new(Semaphore::new(1));
        let busy = slots.clone().acquire_owned().await.unwrap();
        let (status, body) = answer("ok", slots.clone()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body["error"].as_str().unwrap().contains("too many"));
        drop(busy);
        assert_eq!(answer("ok", slots).await.0, StatusCode::OK);
    }
}
