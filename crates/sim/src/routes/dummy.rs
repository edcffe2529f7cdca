//! `POST /api/v2/add-dummy-status`: a forced manual review of a dummy verification, followed by
//! the `IDENTIFICATION_MANUAL_FINISHED` webhook. Calling it again reviews again.

use std::sync::Arc;

use axum::extract::State;
use idenfy_model::rules::{MANUAL_REVIEW_EVENT, status_after_manual_review};
use idenfy_model::{AddDummyStatusRequest, AddDummyStatusResponse, rules};

use super::answer::ApiAnswer;
use crate::assumptions;
use crate::errors::{ApiRejection, JsonBody};
use crate::state::{AppState, lock};

/// Records the manual result and queues its webhook: 200, or an error naming the `scanRef`.
pub(super) async fn add_dummy_status(
    State(state): State<Arc<AppState>>,
    body: Result<JsonBody<AddDummyStatusRequest>, ApiRejection>,
) -> Result<ApiAnswer<AddDummyStatusResponse>, ApiRejection> {
    if let Some(error) = rules::dummy_endpoint_error(&state.settings.environment) {
        return Err(error.into());
    }
    let JsonBody(request, _) = body?;
    ApiRejection::unless_violations(&request.validate())?;
    let scan_ref: Arc<str> = Arc::from(request.scan_ref.as_str());
    let (event, webhook, status, target) = {
        let mut verifications = lock(&state.verifications);
        let verification = verifications
            .get_mut(&scan_ref)
            .ok_or_else(|| ApiRejection::with_status(assumptions::unknown_scan_ref(&scan_ref)))?;
        let dummy = verification.dummy.as_mut().ok_or_else(|| {
            ApiRejection::with_status(assumptions::not_a_dummy_verification(&scan_ref))
        })?;
        let (event, is_final) = MANUAL_REVIEW_EVENT;
        let status = status_after_manual_review(
            &dummy.auto_status,
            &request.manual_face_match_result,
            &request.manual_document_validity,
        );
        // Reserved now, so every review of this verification gets a later finishTime.
        let finish_time = assumptions::next_finish_time(
            dummy.last_finish_time,
            state.settings.now(),
            Some(dummy.auto_finish_time()),
        );
        dummy.last_finish_time = Some(finish_time);
        let webhook = dummy.webhook(
            &scan_ref,
            (&verification.request, verification.size),
            status.clone(),
            is_final,
            finish_time,
        );
        (event, webhook, status, dummy.target.clone())
    };
    let prepared =
        target.map(|target| state.deliveries.prepare(&scan_ref, &target, event, webhook));
    // The status is recorded and the webhook queued under one hold of the store's lock, so
    // concurrent reviews of one verification send their webhooks in the order their statuses
    // were recorded (the webhook depends only on what a review never changes).
    let mut verifications = lock(&state.verifications);
    let queued = prepared
        .map(|prepared| state.deliveries.enqueue(prepared))
        .transpose()?;
    if let Some(dummy) = verifications
        .get_mut(&scan_ref)
        .and_then(|verification| verification.dummy.as_mut())
    {
        dummy.current_status = status;
    }
    drop(verifications);
    if let Some(queued) = queued {
        state.deliveries.announce(queued);
    }
    Ok(ApiAnswer::ok(
        request.scan_ref.clone(),
        AddDummyStatusResponse {
            message: Some(assumptions::DUMMY_STATUS_ADDED.to_owned()),
            scan_ref: Some(request.scan_ref),
        },
    ))
}
