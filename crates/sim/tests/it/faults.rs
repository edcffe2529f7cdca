//! Receiver faults: a receiver that is down, too slow, answering 500 or dropping connections.
//! Every delivery is retried on the schedule, every attempt recorded, the delivery ends visibly
//! `FAILED`, the API keeps answering meanwhile, and once the receiver recovers later deliveries
//! go through while the failed ones stay failed.

use std::collections::HashMap;
use std::time::Duration;

use idenfy_model::WebhookEventType;
use idenfy_sim::{Attempt, Delivery, DeliveryState, Simulator};
use serde_json::json;

use crate::support::{
    Api, Behaviour, Receiver, RefusedPort, WAIT, closing_listener, finished, scan_ref_of,
    signing_key, simulator_sending_to, webhook_url,
};

/// Delays between attempts in these tests: two retries, so three attempts per delivery.
const RETRIES: [Duration; 2] = [Duration::from_millis(10), Duration::from_millis(30)];
/// Time limit of one attempt in these tests.
const TIMEOUT: Duration = Duration::from_millis(200);
/// Dummy flows (token and add-dummy-status) run while the receiver fails.
const FLOWS: usize = 3;

/// A simulator sending to `url` with the short schedule and timeout above.
async fn simulator_for_faults(url: &str) -> (Simulator, Api) {
    simulator_sending_to(url, |builder| {
        builder
            .retry_schedule(RETRIES.to_vec())
            .delivery_timeout(TIMEOUT)
            .seed(8)
    })
    .await
}

/// Starts `count` dummy flows without waiting for any webhook; returns their `scanRef`s.
async fn start_flows(api: &Api, count: usize) -> Vec<String> {
    let mut scan_refs = Vec::with_capacity(count);
    for _ in 0..count {
        scan_refs.push(api.dummy_flow(None).await);
    }
    scan_refs
}

/// Waits for both webhooks of every flow and checks that each ended `FAILED` after the whole
/// schedule, with every attempt numbered, recorded and passing `check`. Returns them all.
async fn assert_failed_on_schedule(
    simulator: &Simulator,
    scan_refs: &[String],
    check: impl Fn(&Attempt),
) -> Vec<Delivery> {
    let mut failed = Vec::new();
    for scan_ref in scan_refs {
        for event in [
            WebhookEventType::IdentificationAutoFinished,
            WebhookEventType::IdentificationManualFinished,
        ] {
            let delivery = finished(simulator, scan_ref, &event).await;
            assert_eq!(delivery.state, DeliveryState::Failed, "{delivery:?}");
            let numbers: Vec<u32> = delivery.attempts.iter().map(|a| a.number).collect();
            assert_eq!(
                numbers,
                [1, 2, 3],
                "one attempt and every retry: {delivery:?}"
            );
            for attempt in &delivery.attempts {
                check(attempt);
            }
            failed.push(delivery);
        }
    }
    failed
}

/// After the receiver recovered: a new flow's webhooks are delivered at the first attempt,
/// signed, and the failed deliveries stay failed without being sent again.
async fn assert_recovered(
    simulator: &Simulator,
    api: &Api,
    receiver: &Receiver,
    failed: &[Delivery],
) {
    let before = receiver.received().len();
    let scan_ref = start_flows(api, 1).await.remove(0);
    for event in [
        WebhookEventType::IdentificationAutoFinished,
        WebhookEventType::IdentificationManualFinished,
    ] {
        let delivery = finished(simulator, &scan_ref, &event).await;
        assert_eq!(delivery.state, DeliveryState::Delivered, "{delivery:?}");
        assert_eq!(delivery.attempts.len(), 1, "{delivery:?}");
        assert_eq!(delivery.last_status(), Some(200));
    }
    let arrived = receiver.wait_for(before + 2).await;
    let new: Vec<_> = arrived[before..]
        .iter()
        .map(|received| {
            assert_eq!(received.signature, Ok(()));
            (received.webhook().scan_ref, received.event.clone())
        })
        .collect();
    assert_eq!(
        new,
        [
            (scan_ref.clone(), "IDENTIFICATION_AUTO_FINISHED".to_owned()),
            (scan_ref, "IDENTIFICATION_MANUAL_FINISHED".to_owned()),
        ],
        "only the new flow's webhooks arrive: failed ones are not sent again"
    );
    let states: HashMap<u64, DeliveryState> = simulator
        .deliveries()
        .into_iter()
        .map(|delivery| (delivery.id, delivery.state))
        .collect();
    for delivery in failed {
        assert_eq!(states[&delivery.id], DeliveryState::Failed);
    }
}

#[tokio::test(start_paused = true)]
async fn a_receiver_that_is_down_fails_every_attempt_then_recovers() {
    let down = RefusedPort::bind();
    let (simulator, api) = simulator_for_faults(&webhook_url(down.addr())).await;
    let scan_refs = start_flows(&api, FLOWS).await;
    let failed = assert_failed_on_schedule(&simulator, &scan_refs, |attempt| {
        assert_eq!(attempt.status, None);
        let error = attempt.error.as_deref().unwrap();
        assert!(error.starts_with("connection failed"), "{error}");
    })
    .await;
    assert_eq!(failed.len(), 2 * FLOWS);

    let receiver = Receiver::start_on(&signing_key(), Behaviour::Accept, down.listen());
    assert_recovered(&simulator, &api, &receiver, &failed).await;
}

#[tokio::test(start_paused = true)]
async fn a_receiver_slower_than_the_timeout_fails_every_attempt_then_recovers() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Hold).await;
    let (simulator, api) = simulator_for_faults(&receiver.url()).await;
    let scan_refs = start_flows(&api, FLOWS).await;
    let failed = assert_failed_on_schedule(&simulator, &scan_refs, |attempt| {
        assert_eq!(attempt.status, None);
        assert_eq!(attempt.error.as_deref(), Some("timed out after 200 ms"));
    })
    .await;
    assert_eq!(
        receiver.received().len(),
        3 * 2 * FLOWS,
        "every attempt reached the receiver"
    );

    receiver.set_behaviour(Behaviour::Accept);
    assert_recovered(&simulator, &api, &receiver, &failed).await;
}

#[tokio::test(start_paused = true)]
async fn a_receiver_answering_500_fails_every_attempt_in_order_then_recovers() {
    let receiver = Receiver::start(&signing_key(), Behaviour::FailFirst(usize::MAX, 500)).await;
    let (simulator, api) = simulator_for_faults(&receiver.url()).await;
    let scan_refs = start_flows(&api, FLOWS).await;
    let failed = assert_failed_on_schedule(&simulator, &scan_refs, |attempt| {
        assert_eq!(attempt.status, Some(500));
        assert_eq!(attempt.error, None);
    })
    .await;
    let mut arrivals: HashMap<String, Vec<String>> = HashMap::new();
    for received in receiver.wait_for(3 * 2 * FLOWS).await {
        assert_eq!(received.signature, Ok(()));
        arrivals
            .entry(received.webhook().scan_ref)
            .or_default()
            .push(received.event);
    }
    for scan_ref in &scan_refs {
        assert_eq!(
            arrivals[scan_ref],
            [
                "IDENTIFICATION_AUTO_FINISHED",
                "IDENTIFICATION_AUTO_FINISHED",
                "IDENTIFICATION_AUTO_FINISHED",
                "IDENTIFICATION_MANUAL_FINISHED",
                "IDENTIFICATION_MANUAL_FINISHED",
                "IDENTIFICATION_MANUAL_FINISHED",
            ],
            "the manual webhook waits until the automatic one is given up"
        );
    }

    receiver.set_behaviour(Behaviour::Accept);
    assert_recovered(&simulator, &api, &receiver, &failed).await;
}

#[tokio::test(start_paused = true)]
async fn a_receiver_dropping_connections_fails_every_attempt_then_recovers() {
    let (addr, listener) = closing_listener().await;
    let (simulator, api) = simulator_for_faults(&webhook_url(addr)).await;
    let scan_refs = start_flows(&api, FLOWS).await;
    let failed = assert_failed_on_schedule(&simulator, &scan_refs, |attempt| {
        assert_eq!(attempt.status, None);
        let error = attempt.error.as_deref().unwrap();
        assert!(error.starts_with("request failed"), "{error}");
    })
    .await;

    let receiver = Receiver::start_on(&signing_key(), Behaviour::Accept, listener.stop().await);
    assert_recovered(&simulator, &api, &receiver, &failed).await;
}

#[tokio::test]
async fn the_api_answers_while_every_delivery_slot_hangs() {
    // More flows than attempts may run at once, so deliveries also wait for a slot.
    const HUNG_FLOWS: usize = idenfy_sim::assumptions::MAX_CONCURRENT_DELIVERY_ATTEMPTS + 16;
    let receiver = Receiver::start(&signing_key(), Behaviour::Hold).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.delivery_timeout(WAIT).seed(9)
    })
    .await;
    let mut scan_refs = Vec::new();
    for _ in 0..HUNG_FLOWS {
        scan_refs.push(api.dummy_token("DENIED", None).await);
    }
    // Every slot is now held by the receiver.
    receiver
        .wait_for(idenfy_sim::assumptions::MAX_CONCURRENT_DELIVERY_ATTEMPTS)
        .await;

    for scan_ref in &scan_refs {
        let answer = api
            .add_dummy_status(scan_ref, "FACE_MATCH", "DOC_VALIDATED")
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(api.status(scan_ref).await.status, 200);
    }
    for _ in 0..100 {
        api.token(json!({"clientId": "while-hung"})).await;
    }
    let pending = simulator.deliveries();
    assert_eq!(pending.len(), 2 * HUNG_FLOWS);
    assert!(
        pending.iter().all(|d| d.state == DeliveryState::Pending),
        "the receiver still holds them"
    );

    receiver.set_behaviour(Behaviour::Accept);
    for scan_ref in &scan_refs {
        for event in [
            WebhookEventType::IdentificationAutoFinished,
            WebhookEventType::IdentificationManualFinished,
        ] {
            let delivery = finished(&simulator, scan_ref, &event).await;
            assert_eq!(delivery.state, DeliveryState::Delivered, "{delivery:?}");
            assert_eq!(delivery.attempts.len(), 1);
        }
    }
    assert_eq!(
        receiver.received().len(),
        2 * HUNG_FLOWS,
        "each exactly once"
    );
    let plain = scan_ref_of(&api.token(json!({"clientId": "after"})).await);
    assert_eq!(api.status(&plain).await.status, 200);
}
