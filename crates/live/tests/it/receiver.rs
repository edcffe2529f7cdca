//! The webhook receiver: records every request, verifies `Idenfy-Signature`, answers 401 to bad
//! signatures and the configured status otherwise, hands out accepted webhooks per
//! verification and event, and shuts down gracefully.

use std::time::Duration;

use idenfy_gen::{Identity, WebhookContext, auto_webhook, rng_from_seed};
use idenfy_live::{Error, SignatureCheck, WEBHOOK_PATH, WebhookReceiver};
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{DummyStatus, SignatureError, SigningKey, TokenRequest, WebhookEventType, sign};

const AUTO: WebhookEventType = WebhookEventType::IdentificationAutoFinished;
const SHORT: Duration = Duration::from_millis(200);
const LONG: Duration = Duration::from_secs(10);

fn key() -> SigningKey {
    SigningKey::new("receiver-test-key")
}

/// A realistic auto webhook body for `scan_ref`, from idenfy-gen.
fn body(scan_ref: &str) -> Vec<u8> {
    let identity = Identity::fake(&mut rng_from_seed(7));
    let request = TokenRequest::new("client-1");
    let context = WebhookContext {
        scan_ref,
        request: &request,
        identity: &identity,
        start_time: 1_700_000_000,
        defaults: &idenfy_sim::assumptions::WEBHOOK_DEFAULTS,
    };
    let (_, webhook) = auto_webhook(&context, &DummyStatus::Approved).unwrap();
    serde_json::to_vec(&webhook).unwrap()
}

/// POSTs `body` to the receiver with the given signature header, returning the status.
async fn post(receiver: &WebhookReceiver, body: &[u8], signature: Option<&str>) -> u16 {
    let mut request = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(receiver.url())
        .header("content-type", "application/json")
        .header(EVENT_TYPE_HEADER, AUTO.as_str())
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_correctly_signed_webhook_is_recorded_exactly_and_answered_200() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    assert_eq!(
        receiver.url(),
        format!("http://{}{WEBHOOK_PATH}", receiver.addr())
    );
    let body = body("scan-1");
    assert_eq!(
        post(&receiver, &body, Some(&sign(&key(), &body))).await,
        200
    );

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let webhook = &received[0];
    assert_eq!(webhook.body, body, "raw bytes are kept exactly");
    assert_eq!(webhook.path, WEBHOOK_PATH);
    assert_eq!(webhook.signature, SignatureCheck::Valid);
    assert_eq!(webhook.answered, 200);
    assert!(webhook.is_accepted());
    assert_eq!(webhook.event, Some(AUTO));
    assert_eq!(webhook.scan_ref.as_deref(), Some("scan-1"));
    assert_eq!(
        webhook.header("IDENFY-SIGNATURE"),
        Some(sign(&key(), &body).as_str())
    );
    assert_eq!(webhook.header("content-type"), Some("application/json"));
    assert_eq!(webhook.webhook.as_ref().unwrap().scan_ref, "scan-1");
    assert_eq!(webhook.json().unwrap()["scanRef"], "scan-1");

    let next = receiver.next_for("scan-1", &AUTO, LONG).await.unwrap();
    assert_eq!(&next, webhook);
}

#[tokio::test]
async fn bad_or_missing_signatures_are_answered_401_and_recorded_as_rejected() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let body = body("scan-2");
    let other_key = sign(&SigningKey::new("another key"), &body);
    let cases: [(Option<&str>, SignatureCheck); 4] = [
        (
            Some(&other_key),
            SignatureCheck::Invalid(SignatureError::Mismatch),
        ),
        (
            Some(&other_key.to_uppercase()),
            SignatureCheck::Invalid(SignatureError::Malformed { length: 64 }),
        ),
        (
            Some("abc"),
            SignatureCheck::Invalid(SignatureError::Malformed { length: 3 }),
        ),
        (None, SignatureCheck::Missing),
    ];
    for (signature, _) in &cases {
        assert_eq!(
            post(&receiver, &body, *signature).await,
            401,
            "{signature:?}"
        );
    }
    let received = receiver.received();
    let checks: Vec<SignatureCheck> = received.iter().map(|w| w.signature.clone()).collect();
    let expected: Vec<SignatureCheck> = cases.into_iter().map(|(_, check)| check).collect();
    assert_eq!(checks, expected);
    assert!(
        received
            .iter()
            .all(|w| w.answered == 401 && !w.is_accepted())
    );

    let error = receiver.next_for("scan-2", &AUTO, SHORT).await.unwrap_err();
    assert!(
        matches!(&error, Error::WebhookTimeout { scan_ref, event, .. } if scan_ref == "scan-2" && *event == AUTO),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_configured_status_answers_every_signed_webhook() {
    let receiver = WebhookReceiver::builder(key())
        .respond_with(204)
        .start()
        .await
        .unwrap();
    let body = body("scan-3");
    assert_eq!(
        post(&receiver, &body, Some(&sign(&key(), &body))).await,
        204
    );
    assert!(
        receiver.received()[0].is_accepted(),
        "any 2xx is an acceptance"
    );

    let receiver = WebhookReceiver::builder(key())
        .respond_with(500)
        .start()
        .await
        .unwrap();
    assert_eq!(
        post(&receiver, &body, Some(&sign(&key(), &body))).await,
        500
    );
    assert!(!receiver.received()[0].is_accepted());
    assert!(receiver.next_for("scan-3", &AUTO, SHORT).await.is_err());
}

#[tokio::test]
async fn fail_first_refuses_the_first_signed_webhooks_then_accepts() {
    let receiver = WebhookReceiver::builder(key())
        .fail_first(2, 503)
        .start()
        .await
        .unwrap();
    let body = body("scan-4");
    let signature = sign(&key(), &body);
    assert_eq!(
        post(&receiver, &body, Some("bad")).await,
        401,
        "bad signatures do not count"
    );
    let answers = [
        post(&receiver, &body, Some(&signature)).await,
        post(&receiver, &body, Some(&signature)).await,
        post(&receiver, &body, Some(&signature)).await,
        post(&receiver, &body, Some(&signature)).await,
    ];
    assert_eq!(answers, [503, 503, 200, 200]);
    let answered: Vec<u16> = receiver.received().iter().map(|w| w.answered).collect();
    assert_eq!(answered, [401, 503, 503, 200, 200]);

    let first = receiver.next_for("scan-4", &AUTO, LONG).await.unwrap();
    let second = receiver.next_for("scan-4", &AUTO, LONG).await.unwrap();
    assert_eq!((first.answered, second.answered), (200, 200));
    assert!(
        receiver.next_for("scan-4", &AUTO, SHORT).await.is_err(),
        "each accepted webhook is handed out once"
    );
}

#[tokio::test]
async fn next_for_waits_for_a_webhook_that_arrives_later_and_filters_by_scan_ref_and_event() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let waiting = {
        let receiver = receiver.clone();
        tokio::spawn(async move { receiver.next_for("scan-5", &AUTO, LONG).await })
    };
    let other = body("scan-other");
    post(&receiver, &other, Some(&sign(&key(), &other))).await;
    let body = body("scan-5");
    post(&receiver, &body, Some(&sign(&key(), &body))).await;
    let webhook = waiting.await.unwrap().unwrap();
    assert_eq!(webhook.scan_ref.as_deref(), Some("scan-5"));
    let manual = WebhookEventType::IdentificationManualFinished;
    assert!(receiver.next_for("scan-5", &manual, SHORT).await.is_err());
}

#[tokio::test]
async fn bodies_that_are_not_webhooks_are_recorded_with_the_reason() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let body = br#"{"scanRef":"scan-6","unexpected":true}"#;
    assert_eq!(post(&receiver, body, Some(&sign(&key(), body))).await, 200);
    let webhook = &receiver.received()[0];
    assert_eq!(webhook.scan_ref.as_deref(), Some("scan-6"));
    let reason = webhook.webhook.as_ref().unwrap_err();
    assert!(reason.contains("missing field"), "{reason}");
}

#[tokio::test]
async fn only_post_is_accepted() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let status = reqwest::get(receiver.url()).await.unwrap().status();
    assert_eq!(status, 405);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_public_url_replaces_the_local_one() {
    let receiver = WebhookReceiver::builder(key())
        .public_url("https://hooks.example.test/idenfy")
        .start()
        .await
        .unwrap();
    assert_eq!(receiver.url(), "https://hooks.example.test/idenfy");
    assert!(receiver.addr().ip().is_loopback());
}

#[tokio::test]
async fn binding_a_taken_address_is_a_clear_error() {
    let first = WebhookReceiver::start(key()).await.unwrap();
    let error = WebhookReceiver::builder(key())
        .addr(first.addr())
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Bind { addr, .. } if addr == first.addr()),
        "{error:?}"
    );
}

#[tokio::test]
async fn dropping_the_last_clone_stops_the_server() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let clone = receiver.clone();
    let url = receiver.url().to_owned();
    drop(receiver);
    let body = body("scan-7");
    assert_eq!(post(&clone, &body, Some(&sign(&key(), &body))).await, 200);
    drop(clone);
    // Wait (generously, this is no timing assertion) until the server has gone.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut refused = false;
    for _ in 0..1000 {
        if http.post(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        refused,
        "the server still answers after the last clone was dropped"
    );
}

#[tokio::test]
async fn respond_after_records_at_once_and_answers_late() {
    let receiver = WebhookReceiver::builder(key())
        .respond_after(Duration::from_secs(5))
        .start()
        .await
        .unwrap();
    let body = body("scan-10");
    let signature = sign(&key(), &body);
    let sender = idenfy_sender::Sender::new(Duration::from_millis(200)).unwrap();
    let no_answer = sender
        .send(
            &receiver.url().parse().unwrap(),
            &idenfy_sender::Outgoing {
                body: body.clone().into(),
                signature: Some(&signature),
                event: AUTO.as_str(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(no_answer.kind, idenfy_sender::NoAnswerKind::Timeout);
    let received = receiver.received();
    assert_eq!(received.len(), 1, "recorded before the answer");
    assert_eq!(received[0].body, body);
}

#[tokio::test]
async fn shutdown_answers_requests_in_flight_returns_every_request_and_stops_accepting() {
    let receiver = WebhookReceiver::builder(key())
        .respond_after(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let addr = receiver.addr();
    let bad = body("scan-8-bad");
    assert_eq!(post(&receiver, &bad, Some("bad")).await, 401);
    let in_flight = {
        let receiver = receiver.clone();
        let body = body("scan-8");
        tokio::spawn(async move { post(&receiver, &body, Some(&sign(&key(), &body))).await })
    };
    // Recorded at once, answered later: the request is in progress from here on.
    receiver.next_for("scan-8", &AUTO, LONG).await.unwrap();

    let received = receiver.shutdown().await;
    assert_eq!(
        in_flight.await.unwrap(),
        200,
        "the request in flight got its answer"
    );
    let scan_refs: Vec<Option<&str>> = received.iter().map(|w| w.scan_ref.as_deref()).collect();
    assert_eq!(scan_refs, [Some("scan-8-bad"), Some("scan-8")]);
    assert_eq!(received[1].answered, 200);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the listener is closed once shutdown returns"
    );
}

#[tokio::test]
async fn shutdown_stops_every_clone_and_clones_keep_what_was_received() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let clone = receiver.clone();
    let body = body("scan-9");
    assert_eq!(post(&clone, &body, Some(&sign(&key(), &body))).await, 200);
    let received = receiver.shutdown().await;
    assert_eq!(received, clone.received());
    assert_eq!(received.len(), 1);
    assert!(
        tokio::net::TcpStream::connect(clone.addr()).await.is_err(),
        "a clone does not keep the server running"
    );
    let webhook = clone.next_for("scan-9", &AUTO, SHORT).await.unwrap();
    assert_eq!(webhook.body, body);
}

#[test]
fn debug_never_shows_the_signing_key() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let receiver = runtime.block_on(WebhookReceiver::start(key())).unwrap();
    let shown = format!("{receiver:?}");
    assert!(!shown.contains("receiver-test-key"), "{shown}");
    assert!(shown.contains(receiver.url()), "{shown}");
}
