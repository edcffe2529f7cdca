//! Balance (402), the hourly rate limit (429) and the memory caps on verifications and
//! delivery records.

use idenfy_model::WebhookEventType;
use idenfy_sim::{DeliveryState, Simulator};
use serde_json::json;

use crate::support::{
    Api, Behaviour, Receiver, assert_error, finished, scan_ref_of, signing_key,
    simulator_sending_to,
};

#[tokio::test]
async fn tokens_spend_the_balance_and_then_get_402() {
    let simulator = Simulator::builder().balance(2).start().await.unwrap();
    let api = Api::new(&simulator);
    let invalid = api
        .post("/api/v2/token", &json!({"clientId": "c", "country": "XX"}))
        .await;
    assert_eq!(invalid.status, 400, "invalid requests cost nothing");
    let scan_ref = api.dummy_token("APPROVED", None).await;
    api.token(json!({"clientId": "c"})).await;
    let answer = api.post("/api/v2/token", &json!({"clientId": "c"})).await;
    assert_error(
        &answer,
        402,
        "PARTNER_CONTRACT_ERROR",
        "Action not allowed due to lack of funds or exceeded limit.",
    );
    let answer = api
        .add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    assert_eq!(answer.status, 200, "add-dummy-status is free");
    assert_eq!(api.status(&scan_ref).await.status, 200, "status is free");
}

#[tokio::test]
async fn requests_past_the_hourly_limit_get_429() {
    let simulator = Simulator::builder()
        .rate_limit_per_hour(3)
        .start()
        .await
        .unwrap();
    let api = Api::new(&simulator);
    let unauthenticated = api
        .send(
            reqwest::Method::POST,
            "/api/v2/token",
            Some("application/json"),
            None,
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(unauthenticated.status, 401, "not counted");
    let scan_ref = scan_ref_of(&api.token(json!({"clientId": "c"})).await);
    assert_eq!(
        api.post("/api/v2/token", &json!({})).await.status,
        400,
        "counted"
    );
    assert_eq!(api.status(&scan_ref).await.status, 200);
    for _ in 0..2 {
        let answer = api.status(&scan_ref).await;
        assert_error(
            &answer,
            429,
            "TOO_MANY_REQUESTS",
            "Requests per hour limit has been reached.",
        );
        assert!(answer.body["message"].as_str().unwrap().contains(" 3."));
    }
    assert!(
        api.webhooks("").await.is_empty(),
        "inspection is not rate limited"
    );
}

#[tokio::test]
async fn the_oldest_verification_is_forgotten_past_the_cap() {
    let simulator = Simulator::builder()
        .max_verifications(2)
        .start()
        .await
        .unwrap();
    let api = Api::new(&simulator);
    let mut scan_refs = Vec::new();
    for _ in 0..3 {
        scan_refs.push(scan_ref_of(&api.token(json!({"clientId": "c"})).await));
    }
    assert_error(
        &api.status(&scan_refs[0]).await,
        404,
        "NOT_FOUND",
        &scan_refs[0],
    );
    for scan_ref in &scan_refs[1..] {
        assert_eq!(api.status(scan_ref).await.status, 200);
    }
}

#[tokio::test]
async fn the_oldest_finished_delivery_is_forgotten_past_the_cap() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) =
        simulator_sending_to(&receiver.url(), |builder| builder.max_deliveries(2)).await;
    let mut scan_refs = Vec::new();
    for _ in 0..3 {
        let scan_ref = api.dummy_token("APPROVED", None).await;
        finished(
            &simulator,
            &scan_ref,
            &WebhookEventType::IdentificationAutoFinished,
        )
        .await;
        scan_refs.push(scan_ref);
    }
    let kept = simulator.deliveries();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        kept.iter().map(|d| d.scan_ref.as_str()).collect::<Vec<_>>(),
        [scan_refs[1].as_str(), scan_refs[2].as_str()]
    );
    assert!(kept.iter().all(|d| d.state == DeliveryState::Delivered));
    assert_eq!(
        receiver.received().len(),
        3,
        "forgetting a record loses no webhook"
    );
}

#[tokio::test]
async fn verifications_are_forgotten_past_the_byte_budget() {
    let simulator = Simulator::builder()
        .max_verification_bytes(100)
        .start()
        .await
        .unwrap();
    let api = Api::new(&simulator);
    let body = json!({"clientId": "c", "address": "a".repeat(40)});
    assert!(
        serde_json::to_vec(&body).unwrap().len() > 50,
        "two bodies exceed 100 bytes"
    );
    let first = scan_ref_of(&api.token(body.clone()).await);
    let second = scan_ref_of(&api.token(body).await);
    assert_error(&api.status(&first).await, 404, "NOT_FOUND", &first);
    assert_eq!(api.status(&second).await.status, 200);
    let huge = json!({"clientId": "c", "address": "a".repeat(200)});
    let third = scan_ref_of(&api.token(huge).await);
    assert_eq!(
        api.status(&third).await.status,
        200,
        "the newest is kept even past the budget"
    );
}
