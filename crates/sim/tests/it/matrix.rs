//! The full dummy status matrix (4 automatic x 11 face x 28 document results) through one
//! simulator, enumerated by idenfy-model: token, automatic webhook, add-dummy-status, manual
//! webhook, all verified.

use std::collections::HashMap;
use std::sync::Arc;

use idenfy_model::rules::{MANUAL_REVIEW_EVENT, auto_result, status_after_manual_review};
use idenfy_model::{IdentificationWebhook, SigningKey, Triple, matrix, sign};
use idenfy_sim::{Delivery, DeliveryState, Simulator};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::support::{Api, Behaviour, finished, simulator_with_receiver};

/// Flows in flight at once.
const CONCURRENCY: usize = 32;

/// Checks a finished delivery: delivered, signed with `key`, and its body parsed.
fn delivered_body(delivery: &Delivery, key: &SigningKey) -> IdentificationWebhook {
    assert_eq!(delivery.state, DeliveryState::Delivered, "{delivery:?}");
    assert_eq!(delivery.signature, sign(key, delivery.body.as_bytes()));
    serde_json::from_str(&delivery.body).unwrap()
}

/// One flow: returns the scanRef once both webhooks are verified.
async fn flow(
    simulator: &Simulator,
    api: &Api,
    Triple {
        auto: dummy,
        face,
        document,
    }: Triple,
) -> String {
    let key = simulator.signing_key();
    let expected_auto = auto_result(&dummy).unwrap();
    let scan_ref = api.dummy_token(dummy.as_str(), None).await;
    let auto = finished(simulator, &scan_ref, &expected_auto.event).await;
    let auto_body = delivered_body(&auto, key);
    assert_eq!(auto_body.scan_ref, scan_ref);
    assert_eq!(auto_body.is_final, expected_auto.is_final);
    assert_eq!(auto_body.status, expected_auto.status, "{dummy}");

    let answer = api
        .add_dummy_status(&scan_ref, face.as_str(), document.as_str())
        .await;
    assert_eq!(answer.status, 200, "{dummy} {face} {document}: {answer:?}");
    let (manual_event, manual_final) = MANUAL_REVIEW_EVENT;
    let manual = finished(simulator, &scan_ref, &manual_event).await;
    let manual_body = delivered_body(&manual, key);
    assert_eq!(manual_body.is_final, manual_final);
    assert_eq!(
        manual_body.status,
        status_after_manual_review(&auto_body.status, &face, &document),
        "{dummy} {face} {document}"
    );
    assert!(manual.id > auto.id, "auto is queued before manual");
    scan_ref
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_triple_of_the_matrix_round_trips() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let simulator = Arc::new(simulator);
    let triples = matrix();
    assert_eq!(triples.len(), 4 * 11 * 28);

    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut flows = JoinSet::new();
    for triple in triples.clone() {
        let (simulator, api, permits) = (Arc::clone(&simulator), api.clone(), Arc::clone(&permits));
        flows.spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            flow(&simulator, &api, triple).await
        });
    }
    let mut scan_refs = Vec::new();
    while let Some(flow) = flows.join_next().await {
        scan_refs.push(flow.unwrap());
    }
    scan_refs.sort();
    scan_refs.dedup();
    assert_eq!(
        scan_refs.len(),
        triples.len(),
        "one verification per triple"
    );

    let received = receiver.wait_for(2 * triples.len()).await;
    assert_eq!(
        received.len(),
        2 * triples.len(),
        "each webhook exactly once"
    );
    let mut events_per_verification: HashMap<String, Vec<String>> = HashMap::new();
    for webhook in &received {
        assert_eq!(webhook.signature, Ok(()));
        events_per_verification
            .entry(webhook.webhook().scan_ref)
            .or_default()
            .push(webhook.event.clone());
    }
    assert_eq!(events_per_verification.len(), triples.len());
    for events in events_per_verification.values() {
        assert_eq!(events.len(), 2);
        assert_ne!(
            events[0], "IDENTIFICATION_MANUAL_FINISHED",
            "auto arrives first"
        );
        assert_eq!(events[1], "IDENTIFICATION_MANUAL_FINISHED");
    }
}
