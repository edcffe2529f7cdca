//! Contract snapshots of error answers: bad credentials, invalid fields, unknown scanRefs, and
//! (simulator only) wrong environments and an empty balance.

use idenfy_live::{Client, Endpoint, RetryPolicy};
use idenfy_model::{ApiCredentials, Environment};
use idenfy_sim::Simulator;
use serde_json::{Value, json};

use super::{Target, answer, assert_contract, dev_requested, skipped};

/// A scanRef no environment has.
const UNKNOWN_SCAN_REF: &str = "00000000-0000-4000-8000-000000000000";

/// The answers of all three endpoints to the given bodies.
async fn answers(client: &Client, token: &Value, manual: &Value, status: &Value) -> Value {
    let mut answers = serde_json::Map::new();
    for (name, endpoint, body) in [
        ("token", Endpoint::Token, token),
        ("addDummyStatus", Endpoint::AddDummyStatus, manual),
        ("status", Endpoint::Status, status),
    ] {
        let raw = client.send_raw(endpoint, body).await.unwrap();
        answers.insert(name.to_owned(), answer(&raw));
    }
    Value::Object(answers)
}

fn dummy_token() -> Value {
    json!({"clientId": "contract-errors", "dummyStatus": "APPROVED"})
}

fn manual(scan_ref: &str) -> Value {
    json!({
        "scanRef": scan_ref,
        "manualFaceMatchResult": "FACE_MATCH",
        "manualDocumentValidity": "DOC_VALIDATED",
    })
}

#[tokio::test]
async fn bad_credentials() {
    let target = Target::from_env().await;
    let wrong = ApiCredentials::new(target.client.api_key(), "idenfy-live-wrong-secret");
    let client = Client::builder(wrong)
        .base_url(target.client.base_url().as_str())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let status = json!({"scanRef": UNKNOWN_SCAN_REF});
    let answers = answers(&client, &dummy_token(), &manual(UNKNOWN_SCAN_REF), &status).await;
    assert_contract!(target, "bad_credentials", answers);
}

#[tokio::test]
async fn invalid_fields() {
    let target = Target::from_env().await;
    let token = json!({
        "clientId": "contract-invalid",
        "country": "XX",
        "dateOfBirth": "1990-13-01",
        // Below the OpenAPI's minimum of 0.
        "expiryTime": -1,
    });
    let manual = json!({
        "scanRef": UNKNOWN_SCAN_REF,
        "manualFaceMatchResult": "FACE_GLARED",
        "manualDocumentValidity": "DOC_VALIDATED",
    });
    let status = json!({"scanRef": ""});
    let invalid = answers(&target.client, &token, &manual, &status).await;
    assert_contract!(target, "invalid_fields", invalid);

    let missing = answers(&target.client, &json!({}), &json!({}), &json!({})).await;
    assert_contract!(target, "missing_fields", missing);

    let wrong_types = answers(
        &target.client,
        // A number would be taken (DRF's CharField turns it into a string); a list is not.
        &json!({"clientId": ["42"]}),
        &json!({"scanRef": ["a"], "manualFaceMatchResult": 1, "manualDocumentValidity": null}),
        &json!({"scanRef": 42}),
    )
    .await;
    assert_contract!(target, "wrong_types", wrong_types);

    let raw = target
        .send(
            Endpoint::Token,
            &json!({"clientId": "contract-invalid", "dummyStatus": "ACTIVE"}),
        )
        .await;
    assert_contract!(target, "dummy_status_not_accepted", answer(&raw));
}

#[tokio::test]
async fn unknown_scan_ref() {
    let target = Target::from_env().await;
    let raw = target
        .send(Endpoint::AddDummyStatus, &manual(UNKNOWN_SCAN_REF))
        .await;
    assert_contract!(target, "unknown_scan_ref_add_dummy_status", answer(&raw));
    let raw = target
        .send(Endpoint::Status, &json!({"scanRef": UNKNOWN_SCAN_REF}))
        .await;
    assert_contract!(target, "unknown_scan_ref_status", answer(&raw));
}

#[tokio::test]
async fn wrong_environment() {
    if dev_requested() {
        skipped(
            "wrong environment snapshots",
            "they need a DEMO or TEST key pair; the recorded answers are the simulator's",
        );
        return;
    }
    for (environment, name) in [
        (Environment::Demo, "wrong_environment_demo"),
        (Environment::Test, "wrong_environment_test"),
    ] {
        let target = Target::simulator(Simulator::builder().environment(environment)).await;
        let status = json!({"scanRef": UNKNOWN_SCAN_REF});
        let answers = answers(
            &target.client,
            &dummy_token(),
            &manual(UNKNOWN_SCAN_REF),
            &status,
        )
        .await;
        assert_contract!(target, name, answers);
    }
}

#[tokio::test]
async fn lack_of_funds() {
    if dev_requested() {
        skipped(
            "lack of funds snapshot",
            "DEV cannot be emptied on purpose; the recorded answer is the simulator's",
        );
        return;
    }
    let target = Target::simulator(Simulator::builder().balance(0)).await;
    let raw = target.send(Endpoint::Token, &dummy_token()).await;
    assert_contract!(target, "lack_of_funds", answer(&raw));
}
