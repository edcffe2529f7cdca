//! `POST /api/v2/add-dummy-status`: a forced manual review, its answer, its webhook, repeated
//! reviews, and the verifications it refuses.

use idenfy_model::rules::status_after_manual_review;
use idenfy_model::{DocumentStatus, FaceStatus, OverallStatus, WebhookEventType};
use serde_json::json;

use crate::support::{
    Behaviour, WAIT, assert_error, finished, review, scan_ref_of, simulator_with_receiver,
};

#[tokio::test]
async fn manual_result_answers_200_and_sends_the_manual_webhook() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("SUSPECTED", None).await;
    let auto = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    let answer = api
        .add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.body,
        json!({"message": "Dummy manual status added successfully.", "scanRef": scan_ref})
    );
    let manual = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationManualFinished,
    )
    .await;
    let received = receiver.wait_for(2).await;
    assert_eq!(received[1].event, "IDENTIFICATION_MANUAL_FINISHED");
    assert_eq!(received[1].signature, Ok(()));
    let auto_body: idenfy_model::IdentificationWebhook = serde_json::from_str(&auto.body).unwrap();
    let manual_body = received[1].webhook();
    assert_eq!(manual.body.as_bytes(), &received[1].body[..]);
    assert!(manual_body.is_final);
    assert_eq!(
        manual_body.status,
        status_after_manual_review(
            &auto_body.status,
            &FaceStatus::FaceMatch,
            &DocumentStatus::DocValidated
        )
    );
    assert_eq!(manual_body.status.overall, OverallStatus::Approved);
    assert_eq!(manual_body.status.fraud_tags, auto_body.status.fraud_tags);
    assert_eq!(
        manual_body.data, auto_body.data,
        "same person in both webhooks"
    );
}

#[tokio::test]
async fn repeated_reviews_send_one_webhook_each_and_the_latest_counts() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let reviews = [
        ("FACE_MATCH", "DOC_VALIDATED", "APPROVED"),
        ("FACE_MISMATCH", "DOC_VALIDATED", "DENIED"),
        ("FACE_MATCH", "DOC_FAKE", "DENIED"),
    ];
    for (face, document, _) in reviews {
        let answer = api.add_dummy_status(&scan_ref, face, document).await;
        assert_eq!(answer.status, 200);
    }
    let manual = simulator
        .wait_for_count(
            &scan_ref,
            &WebhookEventType::IdentificationManualFinished,
            3,
            WAIT,
        )
        .await
        .unwrap();
    let received = receiver.wait_for(4).await;
    let events: Vec<_> = received.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_MANUAL_FINISHED",
            "IDENTIFICATION_MANUAL_FINISHED",
            "IDENTIFICATION_MANUAL_FINISHED"
        ]
    );
    for ((delivery, (face, document, overall)), received) in
        manual.iter().zip(reviews).zip(&received[1..])
    {
        let webhook = received.webhook();
        assert_eq!(delivery.body.as_bytes(), &received.body[..], "in order");
        assert_eq!(webhook.status.manual_face.unwrap().as_str(), face);
        assert_eq!(webhook.status.manual_document.unwrap().as_str(), document);
        assert_eq!(webhook.status.overall.as_str(), overall);
    }
    let status = api.status(&scan_ref).await;
    assert_eq!(status.body["manualDocument"], "DOC_FAKE");
    assert_eq!(status.body["status"], "DENIED");
}

#[tokio::test]
async fn expired_verifications_can_be_reviewed() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("EXPIRED", None).await;
    let webhook = review(&simulator, &api, &scan_ref, "FACE_MATCH", "DOC_VALIDATED").await;
    assert_eq!(webhook.status.overall, OverallStatus::Approved);
    assert_eq!(webhook.status.auto_face, None);
    assert_eq!(webhook.status.auto_document, None);
}

#[tokio::test]
async fn unknown_scan_refs_are_named_in_a_404() {
    let (_simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let answer = api
        .add_dummy_status("no-such-verification", "FACE_MATCH", "DOC_VALIDATED")
        .await;
    assert_error(&answer, 404, "NOT_FOUND", "'no-such-verification'");
}

#[tokio::test]
async fn verifications_without_dummy_status_are_named_in_a_400() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = scan_ref_of(&api.token(json!({"clientId": "c"})).await);
    let answer = api
        .add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    assert_error(&answer, 400, "BAD_VALUE", &format!("'{scan_ref}'"));
    assert!(
        simulator.deliveries().is_empty(),
        "no webhook for a refused review"
    );
}
