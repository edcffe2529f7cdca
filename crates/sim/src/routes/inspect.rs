//! `GET /sim/webhooks`: every kept webhook delivery, oldest first, optionally filtered by
//! `scanRef` and `event`.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use idenfy_model::{ApiError, ErrorIdentifier, WebhookEventType};
use serde::Deserialize;

use crate::delivery::Delivery;
use crate::errors::ApiRejection;
use crate::state::AppState;

/// The query string of `GET /sim/webhooks`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Filter {
    scan_ref: Option<String>,
    event: Option<WebhookEventType>,
}

/// 200 with the deliveries, or 400 for a malformed query string.
pub(super) async fn webhooks(
    State(state): State<Arc<AppState>>,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Vec<Delivery>>, ApiRejection> {
    let Query(filter) = filter.map_err(|rejection| {
        ApiRejection::from(ApiError::new(
            ErrorIdentifier::BadValue,
            format!("Query string is invalid: {}.", rejection.body_text()),
        ))
    })?;
    Ok(Json(state.deliveries.deliveries(
        filter.scan_ref.as_deref(),
        filter.event.as_ref(),
    )))
}
