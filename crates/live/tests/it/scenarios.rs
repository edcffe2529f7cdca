//! The dummy flow and the status matrix against the simulator: every triple passes, and a
//! simulator that breaks a rule is caught at the first difference.

use std::time::Duration;

use idenfy_live::scenario::{FlowOptions, FlowStep, MatrixOptions, dummy_flow, run_matrix};
use idenfy_live::{RetryPolicy, WebhookReceiver};
use idenfy_model::{
    DocumentStatus, DummyStatus, Environment, FaceStatus, SigningKey, Triple, WebhookEventType,
    matrix,
};
use idenfy_sim::{Simulator, SimulatorBuilder};

use crate::support::{quick_simulator, sim_client};

/// Options with a webhook timeout that fits a simulator.
fn options() -> FlowOptions {
    FlowOptions::default().webhook_timeout(Duration::from_secs(10))
}

fn triple(auto: DummyStatus, face: FaceStatus, document: DocumentStatus) -> Triple {
    Triple {
        auto,
        face,
        document,
    }
}

/// A simulator from `builder`, a receiver with `key` (the simulator's if `None`), and a client.
async fn setup(
    builder: SimulatorBuilder,
    key: Option<SigningKey>,
) -> (Simulator, WebhookReceiver, idenfy_live::Client) {
    let simulator = builder.start().await.unwrap();
    let key = key.unwrap_or_else(|| simulator.signing_key().clone());
    let receiver = WebhookReceiver::start(key).await.unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    (simulator, receiver, client)
}

#[tokio::test]
async fn the_flow_passes_for_each_automatic_result() {
    let (_simulator, receiver, client) = setup(quick_simulator(), None).await;
    for auto in DummyStatus::ACCEPTED {
        let triple = triple(
            auto.clone(),
            FaceStatus::FaceMatch,
            DocumentStatus::DocValidated,
        );
        let outcome = dummy_flow(&client, &receiver, &triple, &options()).await;
        assert!(outcome.passed(), "{triple}: {:?}", outcome.difference);
        assert_eq!(outcome.triple, triple);
        let scan_ref = outcome.scan_ref.unwrap();
        let events: Vec<WebhookEventType> = receiver
            .received()
            .into_iter()
            .filter(|webhook| webhook.scan_ref.as_deref() == Some(scan_ref.as_str()))
            .filter_map(|webhook| webhook.event)
            .collect();
        assert_eq!(
            events.len(),
            2,
            "{triple}: one auto and one manual webhook: {events:?}"
        );
        assert_eq!(events[1], WebhookEventType::IdentificationManualFinished);
    }
}

#[tokio::test]
async fn the_flow_passes_when_the_receiver_makes_the_simulator_retry() {
    let simulator = quick_simulator().start().await.unwrap();
    let receiver = WebhookReceiver::builder(simulator.signing_key().clone())
        .fail_first(1, 503)
        .start()
        .await
        .unwrap();
    let client = sim_client(&simulator, RetryPolicy::none());
    let triple = triple(
        DummyStatus::Approved,
        FaceStatus::FaceMatch,
        DocumentStatus::DocValidated,
    );
    let outcome = dummy_flow(&client, &receiver, &triple, &options()).await;
    assert!(outcome.passed(), "{:?}", outcome.difference);
    let answers: Vec<u16> = receiver.received().iter().map(|w| w.answered).collect();
    assert_eq!(
        answers,
        [503, 200, 200],
        "the refused auto webhook was sent again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wrong_signing_key_is_reported_at_the_auto_webhook() {
    let (_simulator, receiver, client) = setup(
        quick_simulator(),
        Some(SigningKey::new("not the simulator's key")),
    )
    .await;
    let options = options().webhook_timeout(Duration::from_millis(500));
    let triple = triple(
        DummyStatus::Approved,
        FaceStatus::FaceMatch,
        DocumentStatus::DocValidated,
    );
    let outcome = dummy_flow(&client, &receiver, &triple, &options).await;
    let difference = outcome.difference.unwrap();
    assert_eq!(difference.step, FlowStep::AutoWebhook);
    assert_eq!(difference.field, "webhook");
    assert!(difference.actual.contains("answered 401"), "{difference}");
    assert!(
        difference
            .actual
            .contains("signature invalid: signature does not match the body"),
        "{difference}"
    );
    assert!(outcome.scan_ref.is_some());
}

#[tokio::test]
async fn a_final_auto_webhook_breaks_the_rule_and_is_reported() {
    let (_simulator, receiver, client) =
        setup(quick_simulator().auto_webhook_final(true), None).await;
    let triple = triple(
        DummyStatus::Denied,
        FaceStatus::FaceMatch,
        DocumentStatus::DocValidated,
    );
    let outcome = dummy_flow(&client, &receiver, &triple, &options()).await;
    let difference = outcome.difference.unwrap();
    assert_eq!(difference.step, FlowStep::AutoWebhook);
    assert_eq!(difference.field, "webhook.final");
    assert_eq!(
        (difference.expected.as_str(), difference.actual.as_str()),
        ("false", "true")
    );
    assert_eq!(
        difference.to_string(),
        "auto webhook: webhook.final: expected false, got true"
    );
}

#[tokio::test]
async fn a_wrong_environment_is_reported_at_token_creation() {
    let (_simulator, receiver, client) =
        setup(Simulator::builder().environment(Environment::Demo), None).await;
    let triple = triple(
        DummyStatus::Approved,
        FaceStatus::FaceMatch,
        DocumentStatus::DocValidated,
    );
    let outcome = dummy_flow(&client, &receiver, &triple, &options()).await;
    let difference = outcome.difference.unwrap();
    assert_eq!(difference.step, FlowStep::CreateToken);
    assert_eq!(difference.field, "http status");
    assert_eq!(difference.expected, "201");
    assert!(difference.actual.starts_with("403"), "{difference}");
    assert!(difference.actual.contains("DEMO"), "{difference}");
    assert_eq!(outcome.scan_ref, None);
}

#[tokio::test]
async fn an_unaccepted_dummy_status_is_reported_before_anything_is_sent() {
    let (_simulator, receiver, client) = setup(Simulator::builder(), None).await;
    let triple = triple(
        DummyStatus::Active,
        FaceStatus::FaceMatch,
        DocumentStatus::DocValidated,
    );
    let outcome = dummy_flow(&client, &receiver, &triple, &options()).await;
    let difference = outcome.difference.unwrap();
    assert_eq!(
        (difference.step, difference.field.as_str()),
        (FlowStep::CreateToken, "dummyStatus")
    );
}

#[tokio::test]
async fn the_whole_matrix_passes_against_the_simulator() {
    let (_simulator, receiver, client) = setup(quick_simulator(), None).await;
    let triples = matrix();
    let options = MatrixOptions::default().concurrency(8).flow(options());
    let mut seen = Vec::new();
    let report = run_matrix(&client, &receiver, &triples, &options, |progress| {
        assert_eq!(progress.total, triples.len());
        seen.push(progress.done);
    })
    .await;
    eprintln!("{}", report.summary());
    assert!(report.is_success(), "{}", report.summary());
    assert_eq!(
        (report.total, report.passed, report.failed),
        (1232, 1232, 0)
    );
    assert_eq!(seen, (1..=1232).collect::<Vec<_>>());
    let reported: Vec<&Triple> = report
        .outcomes
        .iter()
        .map(|outcome| &outcome.triple)
        .collect();
    assert_eq!(
        reported,
        triples.iter().collect::<Vec<_>>(),
        "outcomes in matrix order"
    );
    assert!(
        report.summary().starts_with("1232 flows in "),
        "{}",
        report.summary()
    );
    assert!(
        report.summary().contains("1232 passed, 0 failed"),
        "{}",
        report.summary()
    );
}

#[tokio::test]
async fn a_failing_matrix_lists_each_failure_with_its_first_difference() {
    let (_simulator, receiver, client) =
        setup(quick_simulator().auto_webhook_final(true), None).await;
    let triples: Vec<Triple> = DummyStatus::ACCEPTED
        .iter()
        .map(|auto| {
            triple(
                auto.clone(),
                FaceStatus::FaceMatch,
                DocumentStatus::DocValidated,
            )
        })
        .collect();
    let options = MatrixOptions::default().concurrency(2).flow(options());
    let mut failed_so_far = Vec::new();
    let report = run_matrix(&client, &receiver, &triples, &options, |progress| {
        failed_so_far.push(progress.failed);
    })
    .await;
    assert_eq!(
        (report.passed, report.failed),
        (1, 3),
        "{}",
        report.summary()
    );
    assert_eq!(failed_so_far.last(), Some(&3));
    let passed: Vec<&DummyStatus> = report
        .outcomes
        .iter()
        .filter(|outcome| outcome.passed())
        .map(|outcome| &outcome.triple.auto)
        .collect();
    assert_eq!(passed, [&DummyStatus::Expired], "EXPIRED is final by rule");
    let summary = report.summary();
    assert!(summary.contains("1 passed, 3 failed"), "{summary}");
    assert!(
        summary.contains("FAILED APPROVED/FACE_MATCH/DOC_VALIDATED"),
        "{summary}"
    );
    assert!(
        summary.contains("auto webhook: webhook.final: expected false, got true"),
        "{summary}"
    );

    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["failed"], 3);
    assert_eq!(json["outcomes"][0]["triple"]["auto"], "APPROVED");
    assert_eq!(json["outcomes"][0]["difference"]["step"], "auto-webhook");
    assert_eq!(json["outcomes"][0]["difference"]["field"], "webhook.final");
    let back: idenfy_live::scenario::MatrixReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn option_setters_change_their_own_field_only() {
    let flow = FlowOptions::default()
        .webhook_timeout(Duration::from_millis(1234))
        .client_id_prefix("prefix-x");
    assert_eq!(flow.webhook_timeout, Duration::from_millis(1234));
    assert_eq!(flow.client_id_prefix, "prefix-x");
    let matrix = MatrixOptions::default().concurrency(3).flow(flow.clone());
    assert_eq!(matrix.concurrency, 3);
    assert_eq!(matrix.flow, flow);
    assert_eq!(
        MatrixOptions::default().concurrency(3).flow,
        FlowOptions::default()
    );
}
