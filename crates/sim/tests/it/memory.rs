//! Bounded memory for a long-running simulator: with small caps and many times more
//! verifications, the kept verifications and delivery records never exceed their caps, the
//! oldest `scanRef`s answer 404, and pending or held deliveries are never dropped to make room:
//! new webhooks are refused instead.

use idenfy_model::WebhookEventType;
use idenfy_sim::{DeliveryState, Simulator};
use serde_json::json;

use crate::support::{
    Api, Behaviour, Receiver, assert_error, finished, signing_key, simulator_sending_to,
};

/// Verifications kept.
const MAX_VERIFICATIONS: usize = 20;
/// Delivery records kept.
const MAX_DELIVERIES: usize = 30;

/// A simulator with the small caps above, sending to `receiver`.
async fn capped_simulator(receiver: &Receiver) -> (Simulator, Api) {
    simulator_sending_to(&receiver.url(), |builder| {
        builder
            .max_verifications(MAX_VERIFICATIONS)
            .max_deliveries(MAX_DELIVERIES)
            .seed(10)
    })
    .await
}

/// Asserts that the delivery records kept, seen both in-process and over HTTP, are within the
/// cap and are the newest ones.
async fn assert_deliveries_capped(simulator: &Simulator, api: &Api) {
    let kept = simulator.deliveries();
    assert!(kept.len() <= MAX_DELIVERIES, "{} records kept", kept.len());
    assert_eq!(api.webhooks("").await.len(), kept.len());
    let ids: Vec<u64> = kept.iter().map(|delivery| delivery.id).collect();
    assert!(
        ids.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "the newest records, contiguous: {ids:?}"
    );
}

#[tokio::test]
async fn kept_verifications_and_deliveries_never_exceed_their_caps() {
    const CREATED: usize = 10 * MAX_VERIFICATIONS;
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = capped_simulator(&receiver).await;
    let mut scan_refs = Vec::with_capacity(CREATED);
    for _ in 0..CREATED {
        let scan_ref = api.dummy_token("APPROVED", None).await;
        finished(
            &simulator,
            &scan_ref,
            &WebhookEventType::IdentificationAutoFinished,
        )
        .await;
        assert_deliveries_capped(&simulator, &api).await;
        let answer = api
            .add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        finished(
            &simulator,
            &scan_ref,
            &WebhookEventType::IdentificationManualFinished,
        )
        .await;
        assert_deliveries_capped(&simulator, &api).await;
        scan_refs.push(scan_ref);
    }
    assert_eq!(
        simulator.deliveries().len(),
        MAX_DELIVERIES,
        "full, not over"
    );

    let (forgotten, kept) = scan_refs.split_at(CREATED - MAX_VERIFICATIONS);
    for scan_ref in forgotten {
        assert_error(&api.status(scan_ref).await, 404, "NOT_FOUND", scan_ref);
    }
    for scan_ref in kept {
        assert_eq!(api.status(scan_ref).await.status, 200, "{scan_ref}");
    }
    let oldest = &scan_refs[0];
    let answer = api
        .add_dummy_status(oldest, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    assert_error(&answer, 404, "NOT_FOUND", oldest);
    assert_eq!(
        receiver.received().len(),
        2 * CREATED,
        "forgetting records loses no webhook"
    );
}

#[tokio::test]
async fn pending_deliveries_are_never_dropped_new_work_is_refused_instead() {
    const REFUSED: usize = 5;
    let receiver = Receiver::start(&signing_key(), Behaviour::Hold).await;
    let (simulator, api) = capped_simulator(&receiver).await;
    let mut scan_refs = Vec::with_capacity(MAX_DELIVERIES);
    for _ in 0..MAX_DELIVERIES {
        scan_refs.push(api.dummy_token("SUSPECTED", None).await);
    }
    let body = json!({"clientId": "client-1", "dummyStatus": "APPROVED"});
    for _ in 0..REFUSED {
        let answer = api.post("/api/v2/token", &body).await;
        assert_error(
            &answer,
            503,
            "DELIVERY_JOURNAL_FULL",
            "the delivery journal is full with 30 unfinished deliveries",
        );
    }
    let pending = simulator.deliveries();
    assert_eq!(pending.len(), MAX_DELIVERIES, "at the cap, not over");
    assert!(pending.iter().all(|d| d.state == DeliveryState::Pending));
    let oldest = &scan_refs[0];
    assert_error(&api.status(oldest).await, 404, "NOT_FOUND", oldest);

    receiver.set_behaviour(Behaviour::Accept);
    for scan_ref in &scan_refs {
        let delivery = finished(
            &simulator,
            scan_ref,
            &WebhookEventType::IdentificationAutoFinished,
        )
        .await;
        assert_eq!(
            delivery.state,
            DeliveryState::Delivered,
            "sent although its verification was forgotten"
        );
    }
    let mut arrived: Vec<String> = receiver
        .wait_for(MAX_DELIVERIES)
        .await
        .iter()
        .map(|received| received.webhook().scan_ref)
        .collect();
    arrived.sort();
    let mut expected = scan_refs.clone();
    expected.sort();
    assert_eq!(
        arrived, expected,
        "each pending webhook delivered exactly once"
    );

    // Finished records make room again: the oldest goes.
    let scan_ref = api.dummy_token("APPROVED", None).await;
    finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    assert_deliveries_capped(&simulator, &api).await;
    assert_eq!(simulator.deliveries().len(), MAX_DELIVERIES);
}

#[tokio::test]
async fn held_deliveries_count_against_the_cap() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.max_deliveries(2).hold_deliveries(true).balance(3)
    })
    .await;
    let first = api.dummy_token("APPROVED", None).await;
    api.dummy_token("APPROVED", None).await;
    let body = json!({"clientId": "client-1", "dummyStatus": "APPROVED"});
    let answer = api.post("/api/v2/token", &body).await;
    assert_error(&answer, 503, "DELIVERY_JOURNAL_FULL", "2 unfinished");
    let held: Vec<u64> = simulator.deliveries().iter().map(|d| d.id).collect();
    assert_eq!(held, [1, 2]);
    assert!(
        simulator
            .deliveries()
            .iter()
            .all(|d| d.state == DeliveryState::Held)
    );
    simulator.release(1).unwrap();
    finished(
        &simulator,
        &first,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    api.dummy_token("APPROVED", None).await;
    assert_eq!(
        api.post("/api/v2/token", &body).await.status,
        402,
        "the refused token cost nothing: three were allowed and three were created"
    );
    let kept: Vec<u64> = simulator.deliveries().iter().map(|d| d.id).collect();
    assert_eq!(
        kept,
        [2, 3],
        "the finished record made room, the held one stays"
    );
}
