//! The control API under `/sim/`: health, the paged delivery journal, a server-side wait for a
//! finished delivery, release and redelivery of one delivery, fault injection and reset.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use idenfy_model::{ApiError, ErrorIdentifier, WebhookEventType};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::assumptions;
use crate::delivery::{Delivery, DeliveryState, JournalQuery};
use crate::errors::{ApiRejection, JsonBody};
use crate::state::AppState;

/// The query string of `GET /sim/webhooks`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Filter {
    scan_ref: Option<String>,
    event: Option<WebhookEventType>,
    state: Option<DeliveryState>,
    after: Option<u64>,
    limit: Option<usize>,
}

/// The query string of `GET /sim/webhooks/wait`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Wait {
    scan_ref: String,
    event: WebhookEventType,
    timeout_ms: Option<u64>,
}

/// The query string of `POST /sim/reset`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Reset {
    seed: Option<u64>,
}

/// The body of `POST /sim/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Faults {
    status: u16,
    count: usize,
}

/// 200 `{"status":"ok"}`, without credentials.
pub(super) async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// 200 with one page of the journal, or 400 for a malformed query string.
pub(super) async fn webhooks(
    State(state): State<Arc<AppState>>,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Vec<Delivery>>, ApiRejection> {
    let Query(filter) = filter.map_err(bad_query)?;
    let limit = filter.limit.unwrap_or(assumptions::DEFAULT_JOURNAL_PAGE);
    if !(1..=assumptions::MAX_JOURNAL_PAGE).contains(&limit) {
        return Err(bad_value(format!(
            "limit must be between 1 and {}; got {limit}.",
            assumptions::MAX_JOURNAL_PAGE
        )));
    }
    Ok(Json(state.deliveries.page(&JournalQuery {
        scan_ref: filter.scan_ref.as_deref(),
        event: filter.event.as_ref(),
        state: filter.state,
        after: filter.after,
        limit: Some(limit),
    })))
}

/// 200 with the first finished (`DELIVERED` or `FAILED`) matching delivery, 404 once
/// `timeoutMs` passed without one, 400 for a malformed query string.
pub(super) async fn wait(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Wait>, QueryRejection>,
) -> Result<Json<Delivery>, ApiRejection> {
    let Query(query) = query.map_err(bad_query)?;
    let timeout_ms = query
        .timeout_ms
        .unwrap_or(assumptions::DEFAULT_WAIT_TIMEOUT_MS);
    if timeout_ms > assumptions::MAX_WAIT_TIMEOUT_MS {
        return Err(bad_value(format!(
            "timeoutMs must be at most {}; got {timeout_ms}.",
            assumptions::MAX_WAIT_TIMEOUT_MS
        )));
    }
    let timeout = Duration::from_millis(timeout_ms);
    let mut found = state
        .wait_for_finished(&query.scan_ref, &query.event, 1, timeout)
        .await?;
    Ok(Json(found.remove(0)))
}

/// 200 `{"status":"reset"}` once the simulator is back in its start state, its generator at
/// `?seed=` when given (fresh `scanRef`s for a receiver that keeps state between tests), else at
/// the start seed; 400 for a malformed query string.
pub(super) async fn reset(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Reset>, QueryRejection>,
) -> Result<Json<Value>, ApiRejection> {
    let Query(query) = query.map_err(bad_query)?;
    state.reset(query.seed);
    Ok(Json(json!({ "status": "reset" })))
}

/// 200 with the released delivery; 404 for an unknown id, 409 when it is not `HELD`.
pub(super) async fn release(
    State(state): State<Arc<AppState>>,
    id: Result<Path<u64>, PathRejection>,
) -> Result<Json<Delivery>, ApiRejection> {
    let Path(id) = id.map_err(bad_path)?;
    Ok(Json(state.deliveries.release(id)?))
}

/// 201 with the new delivery that sends delivery `id` again; 404 for an unknown id.
pub(super) async fn redeliver(
    State(state): State<Arc<AppState>>,
    id: Result<Path<u64>, PathRejection>,
) -> Result<(axum::http::StatusCode, Json<Delivery>), ApiRejection> {
    let Path(id) = id.map_err(bad_path)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(state.deliveries.redeliver(id)?),
    ))
}

/// 200 with the fault now injected: the next `count` API requests answer `status` (429 or
/// 5xx); 400 for another status.
pub(super) async fn faults(
    State(state): State<Arc<AppState>>,
    JsonBody(faults, _): JsonBody<Faults>,
) -> Result<Json<Value>, ApiRejection> {
    if assumptions::injected_fault(faults.status).is_none() {
        return Err(bad_value(format!(
            "status {} is not offered: use 429 or 500 to 599.",
            faults.status
        )));
    }
    state.faults.set(faults.count, faults.status);
    Ok(Json(
        json!({ "status": faults.status, "count": faults.count }),
    ))
}

fn bad_value(message: String) -> ApiRejection {
    ApiRejection::from(ApiError::new(ErrorIdentifier::BadValue, message))
}

fn bad_query(rejection: QueryRejection) -> ApiRejection {
    bad_value(format!(
        "Query string is invalid: {}.",
        rejection.body_text()
    ))
}

fn bad_path(rejection: PathRejection) -> ApiRejection {
    bad_value(format!(
        "Delivery id is invalid: {}.",
        rejection.body_text()
    ))
}
