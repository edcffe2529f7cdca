//! `POST /api/v2/status`: a verification's current statuses.

use std::sync::Arc;

use axum::extract::State;
use idenfy_model::{ScanRefRequest, StatusResponse};

use super::answer::ApiAnswer;
use crate::assumptions;
use crate::errors::{ApiRejection, JsonBody};
use crate::state::{AppState, lock};

/// 200 with the statuses, 400 for an empty or overlong `scanRef`, or 404 naming an unknown one.
pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    JsonBody(request, _): JsonBody<ScanRefRequest>,
) -> Result<ApiAnswer<StatusResponse>, ApiRejection> {
    ApiRejection::unless_violations(&request.validate())?;
    let response = lock(&state.verifications)
        .get(&request.scan_ref)
        .map(|verification| verification.status_response(&request.scan_ref))
        .ok_or_else(|| {
            ApiRejection::with_status(assumptions::unknown_scan_ref(&request.scan_ref))
        })?;
    Ok(ApiAnswer::ok(request.scan_ref, response))
}
