//! Graceful shutdown: finished deliveries are counted, unfinished ones reported (delivered,
//! failed and unfinished account for every delivery), deliveries in flight finish within the
//! grace, and the port is released; dropping a simulator stops it too.

use std::collections::BTreeSet;
use std::time::Duration;

use idenfy_model::WebhookEventType;
use idenfy_sim::{DeliveryState, Simulator, Unfinished};

use crate::support::{Api, Behaviour, Receiver, WAIT, finished, signing_key, simulator_sending_to};

#[tokio::test]
async fn shutdown_reports_delivered_webhooks_and_releases_the_port() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.shutdown_grace(Duration::from_secs(3600))
    })
    .await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    api.add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    let addr = simulator.addr();
    let report = tokio::time::timeout(WAIT, simulator.shutdown())
        .await
        .expect("shutdown ends once every webhook is out, not when the hour of grace is over");
    assert_eq!(
        report.delivered, 2,
        "queued webhooks go out before shutdown ends"
    );
    assert_eq!(report.failed, 0);
    assert!(report.unfinished.is_empty());
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_reports_webhooks_it_could_not_send_in_time() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Slow(Duration::from_secs(60))).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.shutdown_grace(Duration::from_millis(100))
    })
    .await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    api.add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    receiver.wait_for(1).await;
    let report = simulator.shutdown().await;
    assert_eq!(report.delivered, 0);
    let unfinished: Vec<_> = report
        .unfinished
        .iter()
        .map(|delivery| {
            (
                delivery.scan_ref.as_str(),
                delivery.event.clone(),
                delivery.state,
            )
        })
        .collect();
    assert_eq!(
        unfinished,
        [
            (
                scan_ref.as_str(),
                WebhookEventType::IdentificationAutoFinished,
                DeliveryState::Pending
            ),
            (
                scan_ref.as_str(),
                WebhookEventType::IdentificationManualFinished,
                DeliveryState::Pending
            ),
        ]
    );
}

#[tokio::test]
async fn dropping_the_simulator_stops_serving() {
    let simulator = Simulator::start().await.unwrap();
    let addr = simulator.addr();
    Api::new(&simulator).dummy_token("APPROVED", None).await;
    drop(simulator);
    tokio::time::timeout(WAIT, async {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the port is released after drop");
}

#[tokio::test]
async fn shutdown_accounts_for_every_delivery_with_some_in_flight() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.shutdown_grace(Duration::from_millis(300))
    })
    .await;
    for _ in 0..3 {
        let scan_ref = api.dummy_flow(None).await;
        finished(
            &simulator,
            &scan_ref,
            &WebhookEventType::IdentificationManualFinished,
        )
        .await;
    }
    // Refused at once: a non-loopback callbackUrl is never contacted.
    let refused = api
        .dummy_flow(Some("https://hooks.example.com/idenfy"))
        .await;
    finished(
        &simulator,
        &refused,
        &WebhookEventType::IdentificationManualFinished,
    )
    .await;
    receiver.set_behaviour(Behaviour::Hold);
    let mut held = BTreeSet::new();
    for _ in 0..4 {
        held.insert(api.dummy_flow(None).await);
    }
    // Each held verification has its automatic webhook at the receiver, its manual one queued.
    receiver.wait_for(6 + held.len()).await;
    let queued = simulator.deliveries();

    let report = simulator.shutdown().await;
    assert_eq!(report.delivered, 6);
    assert_eq!(report.failed, 2);
    assert_eq!(report.unfinished.len(), 2 * held.len());
    assert!(
        report
            .unfinished
            .iter()
            .all(|delivery| delivery.state == DeliveryState::Pending
                && held.contains(&delivery.scan_ref))
    );
    let unfinished_ids: BTreeSet<u64> = report.unfinished.iter().map(|d| d.id).collect();
    let pending_ids: BTreeSet<u64> = queued
        .iter()
        .filter(|delivery| delivery.state == DeliveryState::Pending)
        .map(|delivery| delivery.id)
        .collect();
    assert_eq!(
        unfinished_ids, pending_ids,
        "exactly the pending ones, once each"
    );
    assert_eq!(
        report.delivered + report.failed + report.unfinished.len() as u64,
        queued.len() as u64,
        "delivered, failed and unfinished account for every delivery"
    );
    // Each held verification: its automatic webhook in flight at the receiver, its manual one
    // never attempted.
    for delivery in &report.unfinished {
        let expected = if delivery.event == WebhookEventType::IdentificationAutoFinished {
            Unfinished::InFlight
        } else {
            Unfinished::NeverAttempted
        };
        assert_eq!(report.unfinished_as(delivery), expected, "{delivery:?}");
    }
    assert_eq!(report.count(Unfinished::InFlight), held.len());
    assert_eq!(report.count(Unfinished::NeverAttempted), held.len());
    assert_eq!(report.count(Unfinished::AwaitingRetry), 0);
}

#[tokio::test]
async fn shutdown_waits_for_slow_deliveries_within_the_grace() {
    let receiver =
        Receiver::start(&signing_key(), Behaviour::Slow(Duration::from_millis(100))).await;
    let (simulator, api) =
        simulator_sending_to(&receiver.url(), |builder| builder.shutdown_grace(WAIT)).await;
    let mut scan_refs = Vec::new();
    for _ in 0..5 {
        scan_refs.push(api.dummy_flow(None).await);
    }
    let report = simulator.shutdown().await;
    assert_eq!(
        report.delivered, 10,
        "every in-flight and queued webhook finished"
    );
    assert_eq!(report.failed, 0);
    assert!(report.unfinished.is_empty(), "{:?}", report.unfinished);
    let mut arrived: Vec<String> = receiver
        .received()
        .iter()
        .map(|received| received.webhook().scan_ref)
        .collect();
    arrived.sort();
    let mut expected: Vec<String> = scan_refs
        .iter()
        .flat_map(|s| [s.clone(), s.clone()])
        .collect();
    expected.sort();
    assert_eq!(arrived, expected);
}
