//! The activity log: one `tracing` event per API request ([`REQUEST_LOG_TARGET`]) and one per
//! webhook attempt ([`DELIVERY_LOG_TARGET`]), for `serve`'s terminal lines and any subscriber a
//! Rust user installs. Attempts are logged where the delivery journal records them.

use std::time::Instant;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Query, Request};
use axum::http::{Method, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use idenfy_model::ErrorIdentifier;
use idenfy_model::support::redact_url;
use serde::Deserialize;
use tracing::Level;

use crate::delivery::{Attempt, Change, DeliveryState, Stage};

/// The `tracing` target of the one event per API request: fields `method`, `path`, `status`,
/// `duration_ms`, and `scan_ref` and `error` (the error body's `identifier`) when there are.
pub const REQUEST_LOG_TARGET: &str = "idenfy_sim::activity::request";

/// The `tracing` target of the one event per webhook attempt: fields `id`, `event`,
/// `scan_ref`, `url` (the target, credentials redacted), `status` or `error`, `attempt`,
/// `duration_ms` and `state` (where the delivery stands after it).
pub const DELIVERY_LOG_TARGET: &str = "idenfy_sim::activity::delivery";

/// Bodies larger than this are not searched for a `scanRef` or an error identifier.
const MAX_INSPECTED_BYTES: usize = 64 * 1024;

/// What a handler tells the activity log about its answer: the verification it concerns, so
/// the log need not read the answer's body (the token's new `scanRef` is only there).
#[derive(Debug, Clone)]
pub(crate) struct AnsweredScanRef(pub(crate) String);

/// Logs the request once answered; runs inside the middleware that reads bodies whole (so a
/// body too large or too slow to read is not logged). The web page's own reads are not logged:
/// they poll. Costs nothing when no subscriber wants the event.
///
/// The `scanRef` and error identifier come from the answer's extensions
/// ([`AnsweredScanRef`], and the [`ErrorIdentifier`] every [`ApiRejection`] carries); bodies
/// are read only for answers that carry neither (a rejection before the handler names no
/// `scanRef`, so the request's is read then).
///
/// [`ApiRejection`]: crate::errors::ApiRejection
pub(crate) async fn log_request(request: Request, next: Next) -> Response {
    let page_read = request.method() == Method::GET && crate::routes::is_page(request.uri().path());
    if page_read || !tracing::enabled!(target: REQUEST_LOG_TARGET, Level::INFO) {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|whole| whole.to_bytes());
    let body = body.unwrap_or_default();
    let response = next
        .run(Request::from_parts(parts, Body::from(body.clone())))
        .await;
    let status = response.status();
    let failed = status.is_client_error() || status.is_server_error();
    let told_scan_ref = response
        .extensions()
        .get::<AnsweredScanRef>()
        .map(|told| told.0.clone());
    let told_error = response
        .extensions()
        .get::<ErrorIdentifier>()
        .map(|identifier| identifier.as_str().to_owned());
    let told_enough = if failed {
        told_error.is_some()
    } else {
        told_scan_ref.is_some()
    };
    let (response, answered) = if told_enough {
        (response, Fields::default())
    } else {
        let (response, answer) = inspect(response, uri.path().starts_with("/api/")).await;
        (
            response,
            answer.as_deref().map(json_fields).unwrap_or_default(),
        )
    };
    let scan_ref = told_scan_ref
        .or_else(|| json_fields(&body).scan_ref)
        .or_else(|| scan_ref_in_query(&uri))
        .or(answered.scan_ref);
    let error = failed
        .then_some(told_error.or(answered.identifier))
        .flatten();
    tracing::info!(
        target: REQUEST_LOG_TARGET,
        method = %method,
        path = %uri.path(),
        status = status.as_u16(),
        duration_ms = millis(started.elapsed()),
        scan_ref,
        error,
        "request"
    );
    response
}

/// Whether webhook attempts are logged: callers read the attempt only then.
pub(crate) fn attempts_logged() -> bool {
    tracing::enabled!(target: DELIVERY_LOG_TARGET, Level::INFO)
}

/// Logs the webhook attempt that `change` ends (retry scheduled, delivered or failed); called
/// where the attempt is recorded, after the journal's lock is released.
pub(crate) fn log_attempt(change: &Change, attempt: &Attempt) {
    // Where this attempt left the delivery (its state now may be later).
    let state = match change.stage {
        Stage::Delivered => DeliveryState::Delivered.as_str(),
        Stage::Failed => DeliveryState::Failed.as_str(),
        _ => "RETRYING",
    };
    tracing::info!(
        target: DELIVERY_LOG_TARGET,
        id = change.id,
        event = %change.event,
        scan_ref = %change.scan_ref,
        url = %redact_url(&change.target),
        status = attempt.status,
        error = attempt.error.as_deref(),
        attempt = attempt.number,
        duration_ms = attempt.elapsed_ms,
        state,
        "webhook attempt"
    );
}

/// The response again, with its body when it is JSON worth reading: an API answer or an error.
async fn inspect(response: Response, api: bool) -> (Response, Option<Bytes>) {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let status = response.status();
    let small = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|size| size <= MAX_INSPECTED_BYTES as u64);
    if !(json && small && (api || status.is_client_error() || status.is_server_error())) {
        return (response, None);
    }
    let (parts, body) = response.into_parts();
    match body.collect().await {
        Ok(whole) => {
            let bytes = whole.to_bytes();
            (
                Response::from_parts(parts, Body::from(bytes.clone())),
                Some(bytes),
            )
        }
        Err(_) => (Response::from_parts(parts, Body::empty()), None),
    }
}

/// The string field `name` of a JSON object body.
fn json_fields(body: &[u8]) -> Fields {
    if body.is_empty() || body.len() > MAX_INSPECTED_BYTES {
        return Fields::default();
    }
    serde_json::from_slice(body).unwrap_or_default()
}

/// The two top-level fields a log line shows; parsed without building the rest of the body
/// (other fields are skipped, not stored), since every API request pays for it.
#[derive(Debug, Default, Deserialize)]
struct Fields {
    #[serde(rename = "scanRef")]
    scan_ref: Option<String>,
    identifier: Option<String>,
}

/// The `scanRef` of a request's query string.
fn scan_ref_in_query(uri: &Uri) -> Option<String> {
    #[derive(Deserialize)]
    struct ScanRefOnly {
        #[serde(rename = "scanRef")]
        scan_ref: Option<String>,
    }
    Query::<ScanRefOnly>::try_from_uri(uri).ok()?.0.scan_ref
}

/// Milliseconds, to a hundredth.
fn millis(elapsed: std::time::Duration) -> f64 {
    (elapsed.as_secs_f64() * 100_000.0).round() / 100.0
}
