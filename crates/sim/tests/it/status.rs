//! `POST /api/v2/status`: `ACTIVE` before any result, the automatic result at once for dummy
//! tokens, the latest manual result after a review.

use idenfy_model::rules::auto_result;
use idenfy_model::{DummyStatus, StatusResponse};
use serde_json::json;

use crate::support::{Behaviour, assert_error, review, scan_ref_of, simulator_with_receiver};

#[tokio::test]
async fn plain_tokens_are_active_with_null_statuses() {
    let (_simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = scan_ref_of(&api.token(json!({"clientId": "user-9"})).await);
    let answer = api.status(&scan_ref).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        json!({
            "fraudTags": [],
            "mismatchTags": [],
            "autoDocument": null,
            "autoFace": null,
            "manualDocument": null,
            "manualFace": null,
            "scanRef": scan_ref,
            "clientId": "user-9",
            "status": "ACTIVE",
        })
    );
}

#[tokio::test]
async fn dummy_tokens_show_their_automatic_result_at_once() {
    let (_simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    for dummy in DummyStatus::ACCEPTED {
        let scan_ref = api.dummy_token(dummy.as_str(), None).await;
        let answer = api.status(&scan_ref).await;
        let expected = auto_result(dummy).unwrap().status;
        let status: StatusResponse = serde_json::from_value(answer.body).unwrap();
        assert_eq!(
            status,
            StatusResponse::from_webhook_status(&scan_ref, "client-1", &expected),
            "{dummy}"
        );
    }
}

#[tokio::test]
async fn status_matches_the_latest_webhook() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("DENIED", None).await;
    let webhook = review(&simulator, &api, &scan_ref, "FACE_UNCERTAIN", "DOC_EXPIRED").await;
    let status: StatusResponse = serde_json::from_value(api.status(&scan_ref).await.body).unwrap();
    assert_eq!(
        status,
        StatusResponse::from_webhook_status(&scan_ref, "client-1", &webhook.status)
    );
}

#[tokio::test]
async fn unknown_scan_refs_get_404() {
    let (_simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    assert_error(&api.status("missing").await, 404, "NOT_FOUND", "'missing'");
    let answer = api.post("/api/v2/status", &json!({})).await;
    assert_error(&answer, 400, "MISSING_VALUE", "scanRef");
}
