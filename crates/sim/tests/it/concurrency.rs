//! A thousand concurrent dummy flows (token, then add-dummy-status at once) against one
//! simulator: every webhook arrives exactly once, automatic before manual per verification,
//! signed, with the statuses the model's rules give.

use std::collections::HashMap;

use idenfy_model::rules::{MANUAL_REVIEW_EVENT, auto_result, status_after_manual_review};
use idenfy_model::{DocumentStatus, DummyStatus, FaceStatus, WebhookEventType, WebhookStatus};
use idenfy_sim::DeliveryState;
use tokio::task::JoinSet;

use crate::support::{Behaviour, finished, simulator_with_receiver};

/// Flows started at once.
const FLOWS: usize = 1000;

/// What one flow asked for: its `scanRef` and the statuses each webhook must carry.
struct Flow {
    scan_ref: String,
    auto_event: WebhookEventType,
    auto_status: WebhookStatus,
    manual_status: WebhookStatus,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_flows_deliver_every_webhook_once_in_order() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let mut flows = JoinSet::new();
    for index in 0..FLOWS {
        let api = api.clone();
        let dummy = DummyStatus::ACCEPTED[index % DummyStatus::ACCEPTED.len()].clone();
        let face = FaceStatus::DUMMY_MANUAL[index % FaceStatus::DUMMY_MANUAL.len()].clone();
        let document =
            DocumentStatus::DUMMY_MANUAL[index % DocumentStatus::DUMMY_MANUAL.len()].clone();
        flows.spawn(async move {
            let scan_ref = api.dummy_token(dummy.as_str(), None).await;
            // No waiting for the automatic webhook: the manual one must still come second.
            let answer = api
                .add_dummy_status(&scan_ref, face.as_str(), document.as_str())
                .await;
            assert_eq!(answer.status, 200, "{answer:?}");
            let auto = auto_result(&dummy).unwrap();
            Flow {
                scan_ref,
                auto_event: auto.event.clone(),
                manual_status: status_after_manual_review(&auto.status, &face, &document),
                auto_status: auto.status,
            }
        });
    }
    let mut by_scan_ref = HashMap::new();
    while let Some(flow) = flows.join_next().await {
        let flow = flow.unwrap();
        by_scan_ref.insert(flow.scan_ref.clone(), flow);
    }
    assert_eq!(by_scan_ref.len(), FLOWS, "one verification per flow");

    let (manual_event, _) = MANUAL_REVIEW_EVENT;
    for flow in by_scan_ref.values() {
        let auto = finished(&simulator, &flow.scan_ref, &flow.auto_event).await;
        let manual = finished(&simulator, &flow.scan_ref, &manual_event).await;
        for delivery in [&auto, &manual] {
            assert_eq!(delivery.state, DeliveryState::Delivered, "{delivery:?}");
            assert_eq!(delivery.attempts.len(), 1, "{delivery:?}");
        }
        assert!(manual.id > auto.id, "auto is queued before manual");
    }

    // Every delivery finished, so a duplicate would already have arrived.
    let received = receiver.wait_for(2 * FLOWS).await;
    assert_eq!(received.len(), 2 * FLOWS, "each webhook exactly once");
    let mut arrivals: HashMap<String, Vec<(String, WebhookStatus)>> = HashMap::new();
    for webhook in &received {
        assert_eq!(webhook.signature, Ok(()), "every signature verifies");
        let body = webhook.webhook();
        arrivals
            .entry(body.scan_ref)
            .or_default()
            .push((webhook.event.clone(), body.status));
    }
    assert_eq!(arrivals.len(), FLOWS);
    for (scan_ref, arrived) in arrivals {
        let flow = &by_scan_ref[&scan_ref];
        assert_eq!(
            arrived,
            [
                (
                    flow.auto_event.as_str().to_owned(),
                    flow.auto_status.clone()
                ),
                (manual_event.as_str().to_owned(), flow.manual_status.clone()),
            ],
            "{scan_ref}: automatic first, then manual, each once"
        );
    }
}
