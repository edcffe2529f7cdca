//! Webhook delivery: signed bodies and headers, targets, per-verification order, retries on
//! error statuses, refused connections and timeouts, visible failures and inspection.

use std::time::Duration;

use idenfy_model::rules::auto_result;
use idenfy_model::{BodyStyle, DummyStatus, WebhookEventType, sign};
use idenfy_sim::{Delivery, DeliveryState, SimError, Simulator, SimulatorBuilder};
use serde_json::json;

use crate::support::{
    Api, Behaviour, Receiver, WAIT, finished, refused_url, scan_ref_of, signing_key,
    simulator_sending_to, simulator_with_receiver,
};

#[tokio::test]
async fn auto_webhook_is_signed_and_carries_the_automatic_result() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let token = api
        .token(json!({
            "clientId": "client-7",
            "dummyStatus": "DENIED",
            "externalRef": "order-1",
            "firstName": "Ona",
        }))
        .await;
    let scan_ref = scan_ref_of(&token);
    let delivery = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    let received = receiver.wait_for(1).await;
    let received = &received[0];
    assert_eq!(received.signature, Ok(()));
    assert_eq!(received.event, "IDENTIFICATION_AUTO_FINISHED");
    assert_eq!(received.content_type, "application/json");
    let webhook = received.webhook();
    assert!(!webhook.is_final);
    assert_eq!(webhook.scan_ref, scan_ref);
    assert_eq!(webhook.client_id, "client-7");
    assert_eq!(webhook.external_ref.as_deref(), Some("order-1"));
    assert_eq!(
        webhook.status,
        auto_result(&DummyStatus::Denied).unwrap().status
    );
    assert_eq!(webhook.data.unwrap().doc_first_name.as_deref(), Some("ONA"));
    // The values the docs leave open are the assumptions' one value.
    let defaults = &idenfy_sim::assumptions::WEBHOOK_DEFAULTS;
    assert_eq!(webhook.platform.as_ref(), Some(&defaults.platform));
    assert_eq!(webhook.client_ip.as_deref(), Some(defaults.client_ip));
    assert_eq!(
        webhook.finish_time.unwrap() - webhook.start_time.unwrap(),
        defaults.processing_seconds
    );
    let files = webhook.file_urls.unwrap();
    assert!(!files.is_empty());
    for url in files.values() {
        let prefix = format!("{}/{scan_ref}/", defaults.file_url_base);
        assert!(url.as_deref().unwrap().starts_with(&prefix), "{url:?}");
    }

    assert_eq!(delivery.state, DeliveryState::Delivered);
    assert_eq!(delivery.target, receiver.url());
    assert_eq!(delivery.body.as_bytes(), &received.body[..]);
    assert_eq!(
        delivery.signature,
        sign(&signing_key(), delivery.body.as_bytes())
    );
    assert_eq!(delivery.attempts.len(), 1);
    assert_eq!(delivery.attempts[0].number, 1);
    assert_eq!(delivery.attempts[0].status, Some(200));
}

#[tokio::test]
async fn the_body_style_chooses_the_bytes_and_the_signature_covers_them() {
    for style in BodyStyle::ALL {
        let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
        let (simulator, api) =
            simulator_sending_to(&receiver.url(), |builder| builder.body_style(*style)).await;
        let scan_ref = api.dummy_token("APPROVED", None).await;
        let delivery = finished(
            &simulator,
            &scan_ref,
            &WebhookEventType::IdentificationAutoFinished,
        )
        .await;
        let received = receiver.wait_for(1).await;
        assert_eq!(received[0].signature, Ok(()), "{style}");
        let webhook = received[0].webhook();
        assert_eq!(received[0].body, style.render(&webhook).unwrap(), "{style}");
        assert_eq!(delivery.body.as_bytes(), &received[0].body[..], "{style}");
    }
}

#[tokio::test]
async fn expired_sends_the_final_expired_webhook() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("EXPIRED", None).await;
    finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationExpired,
    )
    .await;
    let received = receiver.wait_for(1).await;
    assert_eq!(received[0].event, "IDENTIFICATION_EXPIRED");
    let webhook = received[0].webhook();
    assert!(webhook.is_final);
    assert_eq!(webhook.status.overall.as_str(), "EXPIRED");
}

#[tokio::test]
async fn auto_webhook_final_flag_is_configurable() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (_simulator, api) =
        simulator_sending_to(&receiver.url(), |builder| builder.auto_webhook_final(true)).await;
    api.dummy_token("APPROVED", None).await;
    assert!(receiver.wait_for(1).await[0].webhook().is_final);
}

#[tokio::test]
async fn callback_url_overrides_the_default_url() {
    let (simulator, api, default_receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let callback_receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let scan_ref = api
        .dummy_token("APPROVED", Some(&callback_receiver.url()))
        .await;
    let delivery = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    assert_eq!(delivery.target, callback_receiver.url());
    assert_eq!(callback_receiver.wait_for(1).await.len(), 1);
    assert!(default_receiver.received().is_empty());
}

#[tokio::test]
async fn without_any_target_nothing_is_sent_and_waiting_says_why() {
    let simulator = Simulator::start().await.unwrap();
    let api = Api::new(&simulator);
    let scan_ref = api.dummy_token("APPROVED", None).await;
    assert!(simulator.deliveries().is_empty());
    let error = simulator
        .wait_for(
            &scan_ref,
            &WebhookEventType::IdentificationAutoFinished,
            WAIT,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, SimError::NoWebhookTarget { .. }), "{error}");
    assert!(error.to_string().contains(&scan_ref));
}

#[tokio::test]
async fn non_loopback_callbacks_are_recorded_as_failed_without_contacting_them() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api
        .dummy_token("APPROVED", Some("https://hooks.example.com/idenfy"))
        .await;
    let delivery = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert_eq!(delivery.target, "https://hooks.example.com/idenfy");
    assert_eq!(delivery.attempts.len(), 1);
    assert_eq!(delivery.attempts[0].status, None);
    assert!(
        delivery.attempts[0]
            .error
            .as_deref()
            .unwrap()
            .contains("external callbacks are disabled")
    );
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_refused_callback_journals_the_bytes_a_receiver_would_get() {
    // Same seed and clock: the same verification, once delivered and once refused (its bytes
    // made only when the journal is read).
    let start = || async {
        let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
        let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
            builder.seed(7).fixed_time(1_700_000_000)
        })
        .await;
        (simulator, api, receiver)
    };
    let (sent, sent_api, receiver) = start().await;
    let (journaled, journaled_api, _) = start().await;
    let sent_ref = sent_api.dummy_flow(None).await;
    let journaled_ref = journaled_api
        .dummy_flow(Some("https://hooks.example.com/idenfy"))
        .await;
    assert_eq!(sent_ref, journaled_ref, "same seed, same verification");
    for event in [
        WebhookEventType::IdentificationAutoFinished,
        WebhookEventType::IdentificationManualFinished,
    ] {
        let delivered = finished(&sent, &sent_ref, &event).await;
        let refused = finished(&journaled, &journaled_ref, &event).await;
        assert_eq!(delivered.state, DeliveryState::Delivered);
        assert_eq!(refused.state, DeliveryState::Failed);
        assert_eq!(refused.body, delivered.body, "{event}");
        assert_eq!(refused.signature, delivered.signature, "{event}");
        // Read again: the bytes made at the first read, shared.
        let again = journaled
            .deliveries()
            .into_iter()
            .find(|delivery| delivery.id == refused.id)
            .unwrap();
        assert!(
            std::sync::Arc::ptr_eq(&again.body, &refused.body),
            "{event}"
        );
    }
    let received = receiver.wait_for(2).await;
    assert!(received.iter().all(|webhook| webhook.signature == Ok(())));
}

#[tokio::test]
async fn error_statuses_are_retried_in_order_per_verification() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::FailFirst(2, 500)).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    // Queued while the auto webhook is still being retried: it must wait its turn.
    api.add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    let manual = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationManualFinished,
    )
    .await;
    let auto = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    let statuses = |delivery: &Delivery| -> Vec<Option<u16>> {
        delivery
            .attempts
            .iter()
            .map(|attempt| attempt.status)
            .collect()
    };
    assert_eq!(statuses(&auto), [Some(500), Some(500), Some(200)]);
    assert_eq!(
        auto.attempts.iter().map(|a| a.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(auto.state, DeliveryState::Delivered);
    assert_eq!(statuses(&manual), [Some(200)]);
    let events: Vec<_> = receiver
        .wait_for(4)
        .await
        .into_iter()
        .map(|received| received.event)
        .collect();
    assert_eq!(
        events,
        [
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_AUTO_FINISHED",
            "IDENTIFICATION_MANUAL_FINISHED",
        ]
    );
}

#[tokio::test]
async fn exhausted_retries_end_failed_and_stay_visible() {
    let (simulator, api, receiver) =
        simulator_with_receiver(Behaviour::FailFirst(usize::MAX, 503)).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let delivery = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert_eq!(delivery.attempts.len(), 4, "one attempt and three retries");
    assert!(delivery.attempts.iter().all(|a| a.status == Some(503)));
    assert_eq!(delivery.last_status(), Some(503));
    assert_eq!(receiver.received().len(), 4);
    let listed = api.webhooks("").await;
    assert_eq!(listed, [delivery]);
    assert_eq!(serde_json::to_value(&listed[0]).unwrap()["state"], "FAILED");
}

/// The finished automatic webhook of one `APPROVED` dummy token sent to `url`, with one retry
/// 10 ms after the first attempt and `configure` applied.
async fn auto_delivery_with_one_retry(
    url: &str,
    configure: impl FnOnce(SimulatorBuilder) -> SimulatorBuilder,
) -> Delivery {
    let (simulator, api) = simulator_sending_to(url, |builder| {
        configure(builder.retry_schedule(vec![Duration::from_millis(10)]))
    })
    .await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await
}

#[tokio::test(start_paused = true)]
async fn refused_connections_are_retried_then_fail() {
    let delivery = auto_delivery_with_one_retry(&refused_url(), |builder| builder).await;
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert_eq!(delivery.attempts.len(), 2);
    for attempt in &delivery.attempts {
        assert_eq!(attempt.status, None);
        assert!(
            attempt
                .error
                .as_deref()
                .unwrap()
                .starts_with("connection failed"),
            "{attempt:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn slow_receivers_time_out_and_are_retried() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Slow(Duration::from_secs(5))).await;
    let delivery = auto_delivery_with_one_retry(&receiver.url(), |builder| {
        builder.delivery_timeout(Duration::from_millis(100))
    })
    .await;
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert_eq!(delivery.attempts.len(), 2);
    for attempt in &delivery.attempts {
        assert_eq!(attempt.error.as_deref(), Some("timed out after 100 ms"));
    }
    assert_eq!(
        receiver.received().len(),
        2,
        "both attempts reached the receiver"
    );
}

#[tokio::test]
async fn the_api_answers_before_the_webhook_is_delivered() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Slow(Duration::from_secs(60))).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| builder).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    receiver.wait_for(1).await;
    // The receiver holds the webhook for a minute; the API still answers.
    assert_eq!(api.status(&scan_ref).await.status, 200);
    api.dummy_token("DENIED", None).await;
    let states: Vec<_> = simulator.deliveries().iter().map(|d| d.state).collect();
    assert!(states.contains(&DeliveryState::Pending), "{states:?}");
}

#[tokio::test]
async fn inspection_filters_by_scan_ref_and_event() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let first = api.dummy_token("APPROVED", None).await;
    let second = api.dummy_token("DENIED", None).await;
    api.add_dummy_status(&first, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    finished(
        &simulator,
        &first,
        &WebhookEventType::IdentificationManualFinished,
    )
    .await;
    assert_eq!(api.webhooks("").await.len(), 3);
    let of_first = api.webhooks(&format!("?scanRef={first}")).await;
    assert_eq!(of_first.len(), 2);
    assert!(of_first.iter().all(|d| d.scan_ref == first));
    let manual = api.webhooks("?event=IDENTIFICATION_MANUAL_FINISHED").await;
    assert_eq!(manual.len(), 1);
    assert_eq!(
        api.webhooks(&format!(
            "?scanRef={second}&event=IDENTIFICATION_AUTO_FINISHED"
        ))
        .await
        .len(),
        1
    );
    let ids: Vec<u64> = simulator.deliveries().iter().map(|d| d.id).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "oldest first");
}

#[tokio::test]
async fn waiting_for_a_webhook_that_never_comes_times_out_with_its_name() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let error = simulator
        .wait_for(
            &scan_ref,
            &WebhookEventType::IdentificationManualFinished,
            Duration::from_millis(50),
        )
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, SimError::WaitTimeout { .. }));
    assert!(message.contains(&scan_ref) && message.contains("IDENTIFICATION_MANUAL_FINISHED"));
}

#[tokio::test]
async fn a_named_host_takes_plain_http_callbacks_and_is_contacted() {
    // `.invalid` never resolves (RFC 6761): the attempt fails at the name, not at the policy.
    let callback = "http://app.invalid:3000/webhooks/idenfy";
    let (_refusing, refusing_api) =
        simulator_sending_to("http://127.0.0.1:9/", |builder| builder).await;
    let refused = refusing_api
        .post(
            "/api/v2/token",
            &json!({"clientId": "c", "callbackUrl": callback}),
        )
        .await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(refused.body["identifier"], "BAD_VALUE", "{refused:?}");

    let (simulator, api) = simulator_sending_to("http://127.0.0.1:9/", |builder| {
        builder
            .allow_http_callback_host("APP.invalid")
            .retry_schedule(Vec::new())
    })
    .await;
    let scan_ref = api.dummy_token("APPROVED", Some(callback)).await;
    let delivery = finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationAutoFinished,
    )
    .await;
    assert_eq!(delivery.target, callback);
    let error = delivery.attempts[0].error.as_deref().unwrap();
    assert!(
        !error.contains("external callbacks are disabled"),
        "the named host is contacted: {error}"
    );
    let other = api
        .post(
            "/api/v2/token",
            &json!({"clientId": "c", "callbackUrl": "http://other.invalid/hook"}),
        )
        .await;
    assert_eq!(other.status, 400, "only the named host: {other:?}");
}
