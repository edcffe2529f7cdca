//! Every client method against the in-process simulator: typed answers, raw answers, and the
//! statuses a verification goes through.

use std::time::Duration;

use idenfy_live::{Endpoint, Error, RetryPolicy, WebhookReceiver};
use idenfy_model::error::messages;
use idenfy_model::{
    AddDummyStatusRequest, DocumentStatus, DummyStatus, ErrorIdentifier, FaceStatus, OverallStatus,
    TokenRequest, WebhookEventType,
};
use idenfy_sim::Simulator;

use crate::support::{quick_simulator, sim_client};

fn request(client_id: &str) -> TokenRequest {
    TokenRequest {
        first_name: Some("Jonas".to_owned()),
        last_name: Some("Petraitis".to_owned()),
        external_ref: Some("order-778".to_owned()),
        generate_digit_string: Some(true),
        ..TokenRequest::new(client_id)
    }
}

fn manual(scan_ref: &str, face: FaceStatus, document: DocumentStatus) -> AddDummyStatusRequest {
    AddDummyStatusRequest {
        scan_ref: scan_ref.to_owned(),
        manual_face_match_result: face,
        manual_document_validity: document,
    }
}

#[tokio::test]
async fn create_token_returns_the_session_and_echoes_the_request() {
    let simulator = Simulator::start().await.unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    let response = client.create_token(&request("user-42")).await.unwrap();
    assert_eq!(response.message.as_deref(), Some(messages::TOKEN_CREATED));
    assert_eq!(response.auth_token.len(), 40);
    assert!(!response.scan_ref.is_empty());
    assert_eq!(response.request.client_id, "user-42");
    assert_eq!(response.request.first_name.as_deref(), Some("JONAS"));
    assert_eq!(response.request.external_ref.as_deref(), Some("order-778"));
    assert_eq!(response.digit_string.map(|digits| digits.len()), Some(8));
    assert_eq!(response.request.dummy_status, None);

    let status = client.status(&response.scan_ref).await.unwrap();
    assert_eq!(
        status.status,
        OverallStatus::Active,
        "nobody took this verification"
    );
}

#[tokio::test]
async fn create_dummy_token_forces_the_automatic_result() {
    let simulator = Simulator::start().await.unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    let response = client
        .create_dummy_token(&request("user-43"), DummyStatus::Denied)
        .await
        .unwrap();
    assert_eq!(
        response.message.as_deref(),
        Some(messages::DUMMY_TOKEN_CREATED)
    );
    let status = client.status(&response.scan_ref).await.unwrap();
    assert_eq!(status.scan_ref, response.scan_ref);
    assert_eq!(status.client_id, "user-43");
    assert_eq!(status.status, OverallStatus::Denied);
    assert_eq!(status.auto_face, Some(FaceStatus::FaceMismatch));
    assert_eq!(status.manual_face, None);
}

#[tokio::test]
async fn add_dummy_status_sets_the_manual_result_and_sends_the_manual_webhook() {
    let simulator = quick_simulator().start().await.unwrap();
    let receiver = WebhookReceiver::start(simulator.signing_key().clone())
        .await
        .unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    let token = TokenRequest {
        callback_url: Some(receiver.url().to_owned()),
        ..request("user-44")
    };
    let response = client
        .create_dummy_token(&token, DummyStatus::Approved)
        .await
        .unwrap();
    let scan_ref = response.scan_ref;
    let answer = client
        .add_dummy_status(&manual(
            &scan_ref,
            FaceStatus::FaceMatch,
            DocumentStatus::DocExpired,
        ))
        .await
        .unwrap();
    assert_eq!(answer.scan_ref.as_deref(), Some(scan_ref.as_str()));
    assert!(answer.message.is_some());

    let status = client.status(&scan_ref).await.unwrap();
    assert_eq!(
        status.status,
        OverallStatus::Denied,
        "DOC_EXPIRED is not approved"
    );
    assert_eq!(status.manual_face, Some(FaceStatus::FaceMatch));
    assert_eq!(status.manual_document, Some(DocumentStatus::DocExpired));

    let webhook = receiver
        .next_for(
            &scan_ref,
            &WebhookEventType::IdentificationManualFinished,
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    let body = webhook.webhook.unwrap();
    assert!(body.is_final);
    assert_eq!(body.status.overall, OverallStatus::Denied);
}

#[tokio::test]
async fn unknown_scan_refs_are_not_found() {
    let simulator = Simulator::start().await.unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    let error = client.status("no-such-scan-ref").await.unwrap_err();
    assert!(
        matches!(&error, Error::NotFound { message } if message.contains("no-such-scan-ref")),
        "{error:?}"
    );
    let error = client
        .add_dummy_status(&manual(
            "no-such-scan-ref",
            FaceStatus::FaceMatch,
            DocumentStatus::DocValidated,
        ))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

#[tokio::test]
async fn add_dummy_status_on_a_verification_without_dummy_status_is_an_invalid_request() {
    let simulator = Simulator::start().await.unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    let token = client.create_token(&request("user-45")).await.unwrap();
    let error = client
        .add_dummy_status(&manual(
            &token.scan_ref,
            FaceStatus::FaceMatch,
            DocumentStatus::DocValidated,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::InvalidRequest {
                status: 400,
                identifier: Some(ErrorIdentifier::BadValue),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn raw_answers_keep_the_status_and_the_exact_body() {
    let simulator = Simulator::start().await.unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    let raw = client
        .send_raw(Endpoint::Token, &request("user-46"))
        .await
        .unwrap();
    assert_eq!(raw.status, 201);
    assert!(raw.is_success());
    assert_eq!(raw.attempts, 1);
    let json = raw.json().unwrap();
    assert_eq!(json["clientId"], "user-46");

    let raw = client
        .send_raw(Endpoint::Status, &serde_json::json!({"scanRef": 42}))
        .await
        .unwrap();
    assert_eq!(raw.status, 400);
    assert!(!raw.is_success());
    assert_eq!(raw.json().unwrap()["identifier"], "BAD_VALUE");
    assert!(matches!(
        raw.decode::<serde_json::Value>(),
        Err(Error::InvalidRequest { status: 400, .. })
    ));
}
