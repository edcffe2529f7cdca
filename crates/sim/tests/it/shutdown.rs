//! Graceful shutdown: finished deliveries are counted, unfinished ones reported, and the port
//! is released; dropping a simulator stops it too.

use std::time::Duration;

use idenfy_model::WebhookEventType;
use idenfy_sim::{DeliveryState, Simulator};

use crate::support::{
    Api, Behaviour, Receiver, WAIT, signing_key, simulator_sending_to, simulator_with_receiver,
};

#[tokio::test]
async fn shutdown_reports_delivered_webhooks_and_releases_the_port() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    api.add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    let addr = simulator.addr();
    let report = simulator.shutdown().await;
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
