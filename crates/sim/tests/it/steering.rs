//! The control API over real HTTP: health, the paged journal, the server-side wait, hold and
//! release, redelivery, fault injection, and the same steering in Rust.

use std::time::Duration;

use idenfy_model::WebhookEventType;
use idenfy_sim::{DeliveryState, SimError};
use serde_json::json;

use crate::support::{
    Answer, Api, Behaviour, Receiver, assert_error, refused_url, signing_key, simulator_sending_to,
    simulator_with_receiver,
};

const AUTO: WebhookEventType = WebhookEventType::IdentificationAutoFinished;
const MANUAL: WebhookEventType = WebhookEventType::IdentificationManualFinished;
/// A hang guard for waits that must succeed.
const WAIT_MS: u64 = 30_000;

async fn get(api: &Api, path: &str) -> Answer {
    api.send(
        reqwest::Method::GET,
        path,
        None,
        Some(api.authorization()),
        Vec::new(),
    )
    .await
}

async fn post_empty(api: &Api, path: &str) -> Answer {
    api.send(
        reqwest::Method::POST,
        path,
        None,
        Some(api.authorization()),
        Vec::new(),
    )
    .await
}

async fn wait(api: &Api, scan_ref: &str, event: &WebhookEventType, timeout_ms: u64) -> Answer {
    get(
        api,
        &format!("/sim/webhooks/wait?scanRef={scan_ref}&event={event}&timeoutMs={timeout_ms}"),
    )
    .await
}

fn ids(answer: &Answer) -> Vec<u64> {
    answer
        .body
        .as_array()
        .unwrap_or_else(|| panic!("a list: {answer:?}"))
        .iter()
        .map(|delivery| delivery["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn health_answers_ok_without_credentials() {
    let (_simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let answer = api
        .send(reqwest::Method::GET, "/sim/health", None, None, Vec::new())
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, json!({"status": "ok"}));
    let journal = api
        .send(
            reqwest::Method::GET,
            "/sim/webhooks",
            None,
            None,
            Vec::new(),
        )
        .await;
    assert_error(&journal, 401, "UNAUTHORIZED", "credentials");
}

#[tokio::test]
async fn the_journal_pages_and_filters() {
    let (_simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let mut scan_refs = Vec::new();
    for _ in 0..3 {
        scan_refs.push(api.dummy_flow(None).await);
    }
    receiver.wait_for(6).await;
    for scan_ref in &scan_refs {
        assert_eq!(wait(&api, scan_ref, &MANUAL, WAIT_MS).await.status, 200);
    }
    assert_eq!(ids(&get(&api, "/sim/webhooks").await), [1, 2, 3, 4, 5, 6]);
    assert_eq!(ids(&get(&api, "/sim/webhooks?limit=2").await), [1, 2]);
    assert_eq!(
        ids(&get(&api, "/sim/webhooks?after=2&limit=2").await),
        [3, 4]
    );
    assert_eq!(
        ids(&get(
            &api,
            "/sim/webhooks?event=IDENTIFICATION_MANUAL_FINISHED&after=2"
        )
        .await),
        [4, 6]
    );
    let by_scan_ref = get(&api, &format!("/sim/webhooks?scanRef={}", scan_refs[1])).await;
    assert_eq!(ids(&by_scan_ref), [3, 4]);
    assert_eq!(
        ids(&get(&api, "/sim/webhooks?state=DELIVERED").await).len(),
        6
    );
    assert!(ids(&get(&api, "/sim/webhooks?state=HELD").await).is_empty());
    let first = &get(&api, "/sim/webhooks?limit=1").await.body[0];
    let attempt = &first["attempts"][0];
    assert_eq!(attempt["status"], 200, "{first}");
    assert!(attempt["startedAtMs"].as_u64().unwrap() > 0, "{first}");
    assert!(attempt["elapsedMs"].is_u64(), "{first}");
}

#[tokio::test]
async fn bad_queries_say_what_was_wrong() {
    let (_simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let cases = [
        ("/sim/webhooks?limit=0", "limit must be between 1 and"),
        ("/sim/webhooks?limit=100000", "limit must be between 1 and"),
        ("/sim/webhooks?limit=-1", "Query string is invalid"),
        ("/sim/webhooks?state=LOST", "Query string is invalid"),
        ("/sim/webhooks?after=x", "Query string is invalid"),
        ("/sim/webhooks?colour=red", "colour"),
        (
            "/sim/webhooks/wait?event=IDENTIFICATION_AUTO_FINISHED",
            "scanRef",
        ),
        ("/sim/webhooks/wait?scanRef=a", "event"),
        (
            "/sim/webhooks/wait?scanRef=a&event=IDENTIFICATION_AUTO_FINISHED&timeoutMs=-5",
            "Query string is invalid",
        ),
        (
            "/sim/webhooks/wait?scanRef=a&event=IDENTIFICATION_AUTO_FINISHED&timeoutMs=99999999",
            "timeoutMs must be at most",
        ),
    ];
    for (path, fragment) in cases {
        assert_error(&get(&api, path).await, 400, "BAD_VALUE", fragment);
    }
    assert_error(
        &post_empty(&api, "/sim/webhooks/abc/release").await,
        400,
        "BAD_VALUE",
        "Delivery id is invalid",
    );
}

#[tokio::test]
async fn wait_answers_a_delivered_webhook_a_failed_one_and_times_out_cleanly() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (_simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.retry_schedule(vec![Duration::from_millis(10)])
    })
    .await;
    let delivered = api.dummy_token("APPROVED", None).await;
    let answer = wait(&api, &delivered, &AUTO, WAIT_MS).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["state"], "DELIVERED");
    assert_eq!(answer.body["scanRef"], delivered.as_str());

    let failed = api.dummy_token("APPROVED", Some(&refused_url())).await;
    let answer = wait(&api, &failed, &AUTO, WAIT_MS).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["state"], "FAILED");
    assert_eq!(answer.body["attempts"].as_array().unwrap().len(), 2);

    let answer = wait(&api, &delivered, &MANUAL, 50).await;
    assert_error(&answer, 404, "NOT_FOUND", "finished within");
}

#[tokio::test]
async fn held_webhooks_leave_in_the_order_released() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) =
        simulator_sending_to(&receiver.url(), |builder| builder.hold_deliveries(true)).await;
    let scan_ref = api.dummy_flow(None).await;
    let held = get(&api, "/sim/webhooks?state=HELD").await;
    assert_eq!(ids(&held), [1, 2], "{held:?}");
    assert_eq!(
        wait(&api, &scan_ref, &AUTO, 50).await.status,
        404,
        "a held webhook is not finished"
    );
    assert!(receiver.received().is_empty());

    let released = post_empty(&api, "/sim/webhooks/2/release").await;
    assert_eq!(released.status, 200, "{released:?}");
    assert_eq!(receiver.wait_for(1).await[0].event, MANUAL.as_str());
    let released = post_empty(&api, "/sim/webhooks/1/release").await;
    assert_eq!(released.status, 200, "{released:?}");
    let received = receiver.wait_for(2).await;
    let events: Vec<&str> = received.iter().map(|got| got.event.as_str()).collect();
    assert_eq!(events, [MANUAL.as_str(), AUTO.as_str()]);
    assert!(received.iter().all(|got| got.signature.is_ok()));
    let auto = simulator
        .wait_for_delivered(&scan_ref, &AUTO, crate::support::WAIT)
        .await
        .unwrap();
    assert_eq!(auto.state, DeliveryState::Delivered);
}

#[tokio::test]
async fn release_and_redeliver_refuse_bad_ids_without_changing_the_journal() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) =
        simulator_sending_to(&receiver.url(), |builder| builder.hold_deliveries(true)).await;
    api.dummy_token("APPROVED", None).await;
    let before = get(&api, "/sim/webhooks").await.body;
    assert_error(
        &post_empty(&api, "/sim/webhooks/99/release").await,
        404,
        "NOT_FOUND",
        "no delivery with id 99",
    );
    assert_error(
        &post_empty(&api, "/sim/webhooks/99/redeliver").await,
        404,
        "NOT_FOUND",
        "no delivery with id 99",
    );
    assert_eq!(get(&api, "/sim/webhooks").await.body, before);
    simulator.release(1).unwrap();
    receiver.wait_for(1).await;
    simulator
        .wait_for_delivered(
            before[0]["scanRef"].as_str().unwrap(),
            &AUTO,
            crate::support::WAIT,
        )
        .await
        .unwrap();
    let after_release = get(&api, "/sim/webhooks").await.body;
    assert_error(
        &post_empty(&api, "/sim/webhooks/1/release").await,
        409,
        "CONFLICT",
        "delivery 1 is DELIVERED, not HELD",
    );
    assert!(matches!(
        simulator.release(1),
        Err(SimError::NotHeld {
            id: 1,
            state: DeliveryState::Delivered
        })
    ));
    assert_eq!(get(&api, "/sim/webhooks").await.body, after_release);
}

#[tokio::test]
async fn redeliver_sends_the_same_bytes_and_signature_as_a_new_delivery() {
    let (simulator, api, receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let original = simulator
        .wait_for_delivered(&scan_ref, &AUTO, crate::support::WAIT)
        .await
        .unwrap();
    let answer = post_empty(&api, &format!("/sim/webhooks/{}/redeliver", original.id)).await;
    assert_eq!(answer.status, 201, "{answer:?}");
    assert_eq!(answer.body["redeliveryOf"], original.id);
    let again = simulator.redeliver(original.id).unwrap();
    assert_eq!(again.redelivery_of, Some(original.id));
    let received = receiver.wait_for(3).await;
    assert!(received.iter().all(|got| got.body == received[0].body));
    assert!(received.iter().all(|got| got.signature.is_ok()));
    let journal = simulator.deliveries();
    assert_eq!(journal.len(), 3);
    for copy in &journal[1..] {
        assert_eq!(copy.body, original.body);
        assert_eq!(copy.signature, original.signature);
        assert_eq!(copy.redelivery_of, Some(original.id));
    }
}

#[tokio::test]
async fn wait_for_delivered_names_the_failed_attempts() {
    let (simulator, api) = simulator_sending_to(&refused_url(), |builder| {
        builder.retry_schedule(vec![Duration::from_millis(10)])
    })
    .await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let error = simulator
        .wait_for_delivered(&scan_ref, &AUTO, crate::support::WAIT)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, SimError::DeliveryFailed { .. }),
        "{error:?}"
    );
    assert!(
        message.contains("attempt 1") && message.contains("attempt 2"),
        "{message}"
    );
    let auto = simulator
        .wait_for_auto(&scan_ref, crate::support::WAIT)
        .await
        .unwrap_err();
    assert!(matches!(auto, SimError::DeliveryFailed { .. }), "{auto:?}");
}

#[tokio::test]
async fn wait_for_auto_accepts_the_automatic_result() {
    let (simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let scan_ref = api.dummy_token("DENIED", None).await;
    let auto = simulator
        .wait_for_auto(&scan_ref, crate::support::WAIT)
        .await
        .unwrap();
    assert_eq!(auto.event, AUTO);
    let missing = simulator
        .wait_for_auto("no-such-scan-ref", Duration::from_millis(20))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, SimError::WaitTimeout { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn faults_fail_the_next_api_requests_and_refuse_other_statuses() {
    let (_simulator, api, _receiver) = simulator_with_receiver(Behaviour::Accept).await;
    let set = api
        .post("/sim/faults", &json!({"status": 503, "count": 2}))
        .await;
    assert_eq!(set.status, 200, "{set:?}");
    let body = json!({"clientId": "client-1"});
    for _ in 0..2 {
        let answer = api.post("/api/v2/token", &body).await;
        assert_error(&answer, 503, "INTERNAL_ERROR", "503");
    }
    assert_eq!(api.post("/api/v2/token", &body).await.status, 201);
    let bad = api
        .post("/sim/faults", &json!({"status": 404, "count": 1}))
        .await;
    assert_error(&bad, 400, "BAD_VALUE", "status 404 is not offered");
    assert_eq!(api.post("/api/v2/token", &body).await.status, 201);
    let malformed = api.post("/sim/faults", &json!({"status": 503})).await;
    assert_error(&malformed, 400, "MISSING_VALUE", "count");
}

/// Runs one seeded flow (token, then a review) and returns its `scanRef` and both webhook
/// bodies as received, in order.
async fn seeded_flow(api: &Api, receiver: &Receiver, already: usize) -> (String, Vec<Vec<u8>>) {
    let scan_ref = api.dummy_flow(None).await;
    let received = receiver.wait_for(already + 2).await;
    let bodies = received[already..]
        .iter()
        .map(|got| got.body.to_vec())
        .collect();
    (scan_ref, bodies)
}

#[tokio::test]
async fn reset_then_the_same_seeded_calls_give_the_same_bytes() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.seed(42).fixed_time(1_767_225_600).balance(1)
    })
    .await;
    let (first_scan_ref, first_bodies) = seeded_flow(&api, &receiver, 0).await;
    let body = json!({"clientId": "client-1"});
    assert_error(
        &api.post("/api/v2/token", &body).await,
        402,
        "PARTNER_CONTRACT_ERROR",
        "lack of funds",
    );
    let reset = post_empty(&api, "/sim/reset").await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(reset.body, json!({"status": "reset"}));
    assert!(ids(&get(&api, "/sim/webhooks").await).is_empty());
    assert_error(
        &api.status(&first_scan_ref).await,
        404,
        "NOT_FOUND",
        &first_scan_ref,
    );
    let (second_scan_ref, second_bodies) = seeded_flow(&api, &receiver, 2).await;
    assert_eq!(second_scan_ref, first_scan_ref);
    assert_eq!(second_bodies, first_bodies);

    simulator.reset();
    assert!(simulator.deliveries().is_empty());
    let (third_scan_ref, third_bodies) = seeded_flow(&api, &receiver, 4).await;
    assert_eq!(third_scan_ref, first_scan_ref);
    assert_eq!(third_bodies, first_bodies);

    let reseeded = post_empty(&api, "/sim/reset?seed=7").await;
    assert_eq!(reseeded.status, 200, "{reseeded:?}");
    let (fourth_scan_ref, _) = seeded_flow(&api, &receiver, 6).await;
    assert_ne!(
        fourth_scan_ref, first_scan_ref,
        "a new seed gives new scanRefs"
    );
    simulator.reset_with_seed(7);
    let (fifth_scan_ref, _) = seeded_flow(&api, &receiver, 8).await;
    assert_eq!(fifth_scan_ref, fourth_scan_ref, "the same seed repeats");
}

#[tokio::test]
async fn reset_refuses_a_malformed_seed() {
    let (_simulator, api) = simulator_sending_to("http://127.0.0.1:9/", |builder| builder).await;
    for query in ["seed=-1", "seed=x", "sede=1"] {
        let got = post_empty(&api, &format!("/sim/reset?{query}")).await;
        assert_eq!(got.status, 400, "{query}: {got:?}");
        assert_eq!(got.body["identifier"], "BAD_VALUE", "{query}: {got:?}");
    }
}

#[tokio::test]
async fn reset_restores_the_start_faults_and_rate_limit_window() {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (_simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.fail_first_requests(1, 500).rate_limit_per_hour(2)
    })
    .await;
    let body = json!({"clientId": "client-1"});
    assert_eq!(api.post("/api/v2/token", &body).await.status, 500);
    assert_eq!(api.post("/api/v2/token", &body).await.status, 201);
    assert_eq!(api.post("/api/v2/token", &body).await.status, 201);
    assert_eq!(api.post("/api/v2/token", &body).await.status, 429);
    assert_eq!(post_empty(&api, "/sim/reset").await.status, 200);
    assert_eq!(api.post("/api/v2/token", &body).await.status, 500);
    assert_eq!(api.post("/api/v2/token", &body).await.status, 201);
}

#[tokio::test]
async fn a_hung_receiver_never_delays_a_healthy_one() {
    const HUNG: usize = idenfy_sim::assumptions::MAX_CONCURRENT_DELIVERY_ATTEMPTS + 10;
    let hung = Receiver::start(&signing_key(), Behaviour::Hold).await;
    let healthy = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&hung.url(), |builder| {
        builder.delivery_timeout(Duration::from_secs(60))
    })
    .await;
    for _ in 0..HUNG {
        api.dummy_token("APPROVED", None).await;
    }
    hung.wait_for(idenfy_sim::assumptions::MAX_CONCURRENT_DELIVERY_ATTEMPTS)
        .await;
    let scan_ref = api.dummy_token("APPROVED", Some(&healthy.url())).await;
    // A bound, far below the hung attempts' 60 s timeout that a shared queue would wait for.
    let delivered = tokio::time::timeout(
        Duration::from_secs(10),
        simulator.wait_for_delivered(&scan_ref, &AUTO, crate::support::WAIT),
    )
    .await
    .expect("the healthy receiver is served while the hung one holds every slot of its own")
    .unwrap();
    assert_eq!(delivered.target, healthy.url());
    assert_eq!(healthy.received().len(), 1);
    hung.set_behaviour(Behaviour::Accept);
    hung.wait_for(HUNG).await;
}

fn unix_millis_now() -> u64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    u64::try_from(since.as_millis()).unwrap()
}

#[tokio::test]
async fn every_webhook_waits_the_delivery_delay_before_its_first_attempt() {
    const DELAY_MS: u64 = 150;
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.delivery_delay(Duration::from_millis(DELAY_MS))
    })
    .await;
    let before = unix_millis_now();
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let after_token = unix_millis_now();
    let auto = simulator
        .wait_for_delivered(&scan_ref, &AUTO, crate::support::WAIT)
        .await
        .unwrap();
    assert!(
        auto.attempts[0].started_at_ms >= before + DELAY_MS,
        "the first attempt started {} ms after the token call began",
        auto.attempts[0].started_at_ms - before
    );
    assert!(after_token >= before);
}

/// The `scanRef`s whose webhook was sent twice after `tokens` seeded tokens, sorted; checks
/// that every duplicate repeats its original's bytes and signature.
async fn duplicated(seed: u64, rate: f64, tokens: usize) -> Vec<String> {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.seed(seed).duplicate_rate(rate)
    })
    .await;
    let mut scan_refs = Vec::new();
    for _ in 0..tokens {
        scan_refs.push(api.dummy_token("APPROVED", None).await);
    }
    for scan_ref in &scan_refs {
        simulator
            .wait_for_delivered(scan_ref, &AUTO, crate::support::WAIT)
            .await
            .unwrap();
    }
    let journal = simulator.deliveries();
    let mut duplicated = Vec::new();
    for copy in &journal {
        let Some(original) = copy.redelivery_of else {
            continue;
        };
        let original = journal.iter().find(|d| d.id == original).unwrap();
        assert_eq!(
            (&copy.body, &copy.signature),
            (&original.body, &original.signature)
        );
        duplicated.push(copy.scan_ref.clone());
    }
    receiver.wait_for(tokens + duplicated.len()).await;
    duplicated.sort();
    duplicated
}

#[tokio::test]
async fn duplicates_follow_the_rate_and_the_seed() {
    assert!(duplicated(3, 0.0, 4).await.is_empty());
    assert_eq!(
        duplicated(3, 1.0, 4).await.len(),
        4,
        "every webhook once more"
    );
    let first = duplicated(5, 0.5, 12).await;
    assert!(!first.is_empty() && first.len() < 12, "{first:?}");
    assert_eq!(
        duplicated(5, 0.5, 12).await,
        first,
        "the same seed, the same duplicates"
    );
}

#[tokio::test]
async fn delivery_settings_out_of_range_are_refused() {
    let bad = [
        idenfy_sim::Simulator::builder().duplicate_rate(1.5),
        idenfy_sim::Simulator::builder().duplicate_rate(-0.1),
        idenfy_sim::Simulator::builder().duplicate_rate(f64::NAN),
        idenfy_sim::Simulator::builder().delivery_delay(Duration::from_secs(3600)),
    ];
    for builder in bad {
        let error = builder.start().await.unwrap_err();
        assert!(matches!(error, SimError::InvalidConfig(_)), "{error:?}");
    }
}

#[tokio::test]
async fn successive_webhooks_of_a_verification_carry_increasing_finish_times() {
    const FROZEN: i64 = 1_767_225_600;
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) =
        simulator_sending_to(&receiver.url(), |builder| builder.fixed_time(FROZEN)).await;
    let scan_ref = api.dummy_token("APPROVED", None).await;
    for (face, document) in [
        ("FACE_MATCH", "DOC_VALIDATED"),
        ("FACE_MISMATCH", "DOC_VALIDATED"),
        ("FACE_MATCH", "DOC_VALIDATED"),
    ] {
        let answer = api.add_dummy_status(&scan_ref, face, document).await;
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    simulator
        .wait_for_count(&scan_ref, &MANUAL, 3, crate::support::WAIT)
        .await
        .unwrap();
    let finish_times: Vec<i64> = simulator
        .deliveries()
        .iter()
        .map(|delivery| {
            let webhook: idenfy_model::IdentificationWebhook =
                serde_json::from_str(&delivery.body).unwrap();
            webhook.finish_time.unwrap()
        })
        .collect();
    let auto = finish_times[0];
    assert_eq!(finish_times, [auto, auto + 1, auto + 2, auto + 3]);
}

#[tokio::test]
async fn wait_for_a_verification_without_a_webhook_target_answers_at_once() {
    let simulator = idenfy_sim::Simulator::start().await.unwrap();
    let api = Api::new(&simulator);
    let scan_ref = api.dummy_token("APPROVED", None).await;
    let answer = wait(&api, &scan_ref, &AUTO, WAIT_MS).await;
    assert_error(&answer, 404, "NOT_FOUND", "has no webhook target");
}
