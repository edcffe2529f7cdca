//! The engine and its handle on tokio's paused clock, with a scripted transport: order per
//! `scanRef`, retries at their times, waiting, draining within one deadline, and stopping.

use crate::callbacks::CallbackPolicy;
use std::sync::atomic::{AtomicUsize, Ordering};

use idenfy_model::{IdentificationWebhook, verify};
use tokio::sync::watch;

use super::payload::MAX_DEFERRED_REQUEST_BYTES;
use super::queue::{Outcome, Stage, Start};
use super::*;

const AUTO: WebhookEventType = WebhookEventType::IdentificationAutoFinished;
const MANUAL: WebhookEventType = WebhookEventType::IdentificationManualFinished;
const SECOND: Duration = Duration::from_secs(1);
/// Longer than any test runs, in paused time.
const HOUR: Duration = Duration::from_secs(3600);
const DEFAULT_URL: &str = "http://127.0.0.1:9/default";

/// A transport that answers each delivery from a script (then 200), each attempt taking
/// `delay` of paused time, and that holds every attempt while its gate is closed.
#[derive(Clone)]
struct Fake(Arc<Script>);

struct Script {
    /// Answers in order, each for one delivery id.
    answers: Mutex<Vec<(u64, Result<u16, String>)>>,
    delay: Duration,
    gate: watch::Sender<bool>,
    /// Every attempt made, as (delivery id, event, target).
    calls: Mutex<Vec<(u64, WebhookEventType, String)>>,
    /// Attempts started and not yet ended or dropped.
    running: AtomicUsize,
}

/// Counts an attempt as running until it ends or is dropped.
struct Running<'a>(&'a AtomicUsize);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Fake {
    fn new(answers: &[(u64, Result<u16, &str>)], delay: Duration) -> Self {
        Self(Arc::new(Script {
            answers: Mutex::new(
                answers
                    .iter()
                    .map(|(id, answer)| (*id, answer.map_err(str::to_owned)))
                    .collect(),
            ),
            delay,
            gate: watch::Sender::new(true),
            calls: Mutex::new(Vec::new()),
            running: AtomicUsize::new(0),
        }))
    }

    fn ids(&self) -> Vec<u64> {
        lock(&self.0.calls).iter().map(|call| call.0).collect()
    }

    fn running(&self) -> usize {
        self.0.running.load(Ordering::SeqCst)
    }
}

impl Transport for Fake {
    async fn post(&self, start: &Start) -> Outcome {
        let script = &self.0;
        script.running.fetch_add(1, Ordering::SeqCst);
        let _running = Running(&script.running);
        lock(&script.calls).push((start.id, start.event.clone(), start.target.to_string()));
        // The sender lives in the script, which this future holds.
        let _ = script.gate.subscribe().wait_for(|open| *open).await;
        tokio::time::sleep(script.delay).await;
        let answer = {
            let mut answers = lock(&script.answers);
            match answers.iter().position(|(id, _)| *id == start.id) {
                Some(index) => answers.remove(index).1,
                None => Ok(200),
            }
        };
        Outcome {
            answer,
            elapsed: script.delay,
            started_at_ms: 0,
        }
    }
}

fn config(retry_schedule: Vec<Duration>) -> DeliveryConfig {
    DeliveryConfig {
        retry_schedule,
        timeout: SECOND,
        max_records: 100,
        max_in_flight: 10,
        default_url: Some(DEFAULT_URL.to_owned()),
        callbacks: CallbackPolicy::default(),
        hold: false,
        first_delay: Duration::ZERO,
        duplicates: None,
        body_style: BodyStyle::Compact,
    }
}

fn key() -> SigningKey {
    SigningKey::new("test-key")
}

fn start(config: DeliveryConfig, fake: &Fake) -> Deliveries {
    Deliveries::start_with(config, key(), fake.clone())
}

/// A built webhook is its own source.
impl WebhookSource for IdentificationWebhook {
    fn webhook(&self) -> IdentificationWebhook {
        self.clone()
    }

    fn request_bytes(&self) -> usize {
        0
    }
}

fn webhook() -> IdentificationWebhook {
    serde_json::from_str(include_str!(
        "../../../../fixtures/webhooks/auto/approved.json"
    ))
    .unwrap()
}

/// Queues a webhook of `event` for `scan_ref` to the default URL.
fn enqueue(deliveries: &Deliveries, scan_ref: &str, event: WebhookEventType) {
    enqueue_to(deliveries, scan_ref, None, event);
}

/// Queues a webhook of `event` for `scan_ref` to `callback_url` (the default URL for `None`),
/// announces it, and returns its id.
fn enqueue_to(
    deliveries: &Deliveries,
    scan_ref: &str,
    callback_url: Option<&str>,
    event: WebhookEventType,
) -> u64 {
    let target = deliveries.target(callback_url).unwrap();
    let new = deliveries.prepare(&Arc::from(scan_ref), &target, event, webhook());
    let queued = deliveries.enqueue(new).unwrap();
    let id = queued.change.id;
    deliveries.announce(queued);
    id
}

async fn finished(deliveries: &Deliveries, scan_ref: &str, event: &WebhookEventType) -> Delivery {
    deliveries
        .wait_for_finished(scan_ref, event, 1, HOUR)
        .await
        .expect("finished before the hour")
        .remove(0)
}

/// Runs `future` to its end, failing (at once, in paused time) if it has not ended in two
/// hours: a broken engine fails a test rather than hanging it.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(2 * HOUR, future)
        .await
        .expect("ends within two hours of paused time")
}

fn ids(deliveries: &[Delivery]) -> Vec<u64> {
    deliveries.iter().map(|delivery| delivery.id).collect()
}

#[tokio::test(start_paused = true)]
async fn each_scan_ref_is_served_in_order_with_retries_at_their_times() {
    let fake = Fake::new(
        &[(1, Ok(500)), (1, Err("connection failed")), (1, Ok(201))],
        SECOND / 10,
    );
    let deliveries = start(config(vec![SECOND, 2 * SECOND]), &fake);
    let started = Instant::now();
    enqueue(&deliveries, "a", AUTO);
    enqueue(&deliveries, "a", MANUAL);
    let manual = finished(&deliveries, "a", &MANUAL).await;
    assert_eq!(
        started.elapsed(),
        SECOND + 2 * SECOND + 4 * (SECOND / 10),
        "three auto attempts, two waits, then the manual attempt"
    );
    assert_eq!(fake.ids(), [1, 1, 1, 2]);
    let auto = finished(&deliveries, "a", &AUTO).await;
    assert_eq!(auto.state, DeliveryState::Delivered);
    let attempts = auto.attempt_outcomes();
    assert_eq!(
        attempts,
        [
            (1, Some(500), None),
            (2, None, Some("connection failed")),
            (3, Some(201), None)
        ]
    );
    assert_eq!(auto.attempts[0].elapsed_ms, 100);
    assert_eq!(manual.state, DeliveryState::Delivered);
    assert_eq!(manual.attempts.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn verifications_do_not_wait_for_each_other() {
    let fake = Fake::new(&[], SECOND);
    let deliveries = start(config(Vec::new()), &fake);
    let started = Instant::now();
    for scan_ref in ["a", "b", "c"] {
        enqueue(&deliveries, scan_ref, AUTO);
    }
    for scan_ref in ["a", "b", "c"] {
        finished(&deliveries, scan_ref, &AUTO).await;
    }
    assert_eq!(started.elapsed(), SECOND, "all three at once");
}

#[tokio::test(start_paused = true)]
async fn exhausted_retries_fail_and_the_next_webhook_goes() {
    let fake = Fake::new(&[(1, Ok(503)), (1, Ok(503))], Duration::ZERO);
    let deliveries = start(config(vec![SECOND]), &fake);
    enqueue(&deliveries, "a", AUTO);
    enqueue(&deliveries, "a", MANUAL);
    let auto = finished(&deliveries, "a", &AUTO).await;
    assert_eq!(auto.state, DeliveryState::Failed);
    assert_eq!(auto.last_status(), Some(503));
    assert_eq!(auto.attempts.len(), 2);
    let manual = finished(&deliveries, "a", &MANUAL).await;
    assert_eq!(manual.state, DeliveryState::Delivered);
}

#[tokio::test(start_paused = true)]
async fn every_change_is_published_in_order() {
    let fake = Fake::new(&[(1, Ok(500))], Duration::ZERO);
    let deliveries = start(config(vec![SECOND]), &fake);
    let mut changes = deliveries.events.subscribe();
    let started = Instant::now();
    enqueue(&deliveries, "a", AUTO);
    let mut stages = Vec::new();
    while stages.last().is_none_or(|stage: &Stage| !stage.is_final()) {
        let change = bounded(changes.recv()).await.unwrap();
        assert_eq!((change.id, &*change.scan_ref), (1, "a"));
        assert_eq!(change.event, AUTO);
        assert_eq!(&*change.target, DEFAULT_URL);
        stages.push(change.stage);
    }
    let retry_at = (started + SECOND).into_std();
    assert_eq!(
        stages,
        [
            Stage::Queued,
            Stage::InFlight,
            Stage::Scheduled(retry_at),
            Stage::InFlight,
            Stage::Delivered
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn waiting_returns_at_once_for_nothing_and_gives_up_at_its_deadline() {
    let fake = Fake::new(&[], Duration::ZERO);
    fake.0.gate.send_replace(false);
    let deliveries = start(config(Vec::new()), &fake);
    assert_eq!(
        deliveries.wait_for_finished("a", &AUTO, 0, HOUR).await,
        Some(Vec::new())
    );
    enqueue(&deliveries, "a", AUTO);
    enqueue(&deliveries, "b", AUTO);
    let started = Instant::now();
    assert_eq!(
        deliveries
            .wait_for_finished("a", &AUTO, 1, 5 * SECOND)
            .await,
        None
    );
    assert_eq!(started.elapsed(), 5 * SECOND);
    fake.0.gate.send_replace(true);
    let found = deliveries
        .wait_for_finished("b", &AUTO, 1, HOUR)
        .await
        .unwrap();
    assert_eq!(ids(&found), [2]);
    assert_eq!(
        started.elapsed(),
        5 * SECOND,
        "woken by the change, not by time"
    );
}

#[tokio::test(start_paused = true)]
async fn a_waiter_is_woken_by_its_own_scan_refs_change_among_many() {
    const OTHERS: u32 = 3 * EVENT_BUFFER as u32;
    let fake = Fake::new(&[], SECOND);
    let deliveries = start(
        DeliveryConfig {
            max_in_flight: 1,
            max_records: OTHERS as usize + 1,
            ..config(Vec::new())
        },
        &fake,
    );
    let started = Instant::now();
    let waiting = deliveries.wait_for_finished("a", &AUTO, 1, HOUR);
    let queue_all = async {
        for n in 0..OTHERS {
            enqueue(&deliveries, &format!("other-{n}"), AUTO);
        }
        // Last in line: far more changes than the buffer holds come before its own.
        enqueue(&deliveries, "a", AUTO);
    };
    let (found, ()) = bounded(async { tokio::join!(waiting, queue_all) }).await;
    assert_eq!(ids(&found.unwrap()), [u64::from(OTHERS) + 1]);
    assert_eq!(started.elapsed(), (OTHERS + 1) * SECOND, "one at a time");
}

#[tokio::test(start_paused = true)]
async fn drain_returns_as_soon_as_every_delivery_finished() {
    let fake = Fake::new(&[(1, Ok(500))], SECOND);
    let deliveries = start(config(vec![SECOND]), &fake);
    enqueue(&deliveries, "a", AUTO);
    enqueue(&deliveries, "a", MANUAL);
    enqueue(&deliveries, "b", AUTO);
    let started = Instant::now();
    let report = bounded(deliveries.drain(started + HOUR)).await;
    assert_eq!(
        started.elapsed(),
        4 * SECOND,
        "a's auto: attempt, wait, retry; then a's manual"
    );
    assert_eq!((report.delivered, report.failed), (3, 0));
    assert!(report.unfinished.is_empty());
    assert!(deliveries.tracker.is_closed() && deliveries.tracker.is_empty());
}

#[tokio::test(start_paused = true)]
async fn drain_stops_at_the_deadline_and_reports_what_is_unfinished() {
    let fake = Fake::new(&[], Duration::ZERO);
    let deliveries = start(config(Vec::new()), &fake);
    enqueue(&deliveries, "done", AUTO);
    finished(&deliveries, "done", &AUTO).await;
    fake.0.gate.send_replace(false);
    enqueue(&deliveries, "a", AUTO);
    enqueue(&deliveries, "a", MANUAL);
    enqueue_to(&deliveries, "b", Some("https://hooks.example.com/"), AUTO);
    let started = Instant::now();
    let report = bounded(deliveries.drain(started + 5 * SECOND)).await;
    assert_eq!(started.elapsed(), 5 * SECOND);
    assert_eq!((report.delivered, report.failed), (1, 1));
    assert_eq!(ids(&report.unfinished), [2, 3]);
    assert!(
        report
            .unfinished
            .iter()
            .all(|delivery| delivery.state == DeliveryState::Pending)
    );
    assert_eq!(fake.running(), 0, "the attempt in flight was stopped");
    assert!(deliveries.tracker.is_empty());
    fake.0.gate.send_replace(true);
    tokio::time::sleep(HOUR).await;
    assert_eq!(fake.ids(), [1, 2], "nothing is sent after the drain");
}

#[tokio::test(start_paused = true)]
async fn stopping_ends_attempts_and_sends_nothing_more() {
    let fake = Fake::new(&[(1, Ok(500))], SECOND);
    let deliveries = start(config(vec![SECOND]), &fake);
    enqueue(&deliveries, "a", AUTO);
    enqueue(&deliveries, "b", AUTO);
    tokio::time::sleep(SECOND / 2).await;
    assert_eq!(fake.running(), 2);
    deliveries.stop();
    deliveries.tracker.close();
    tokio::time::timeout(SECOND / 10, deliveries.tracker.wait())
        .await
        .expect("the engine and its attempts end at once");
    assert_eq!(fake.running(), 0);
    enqueue(&deliveries, "c", AUTO);
    tokio::time::sleep(HOUR).await;
    assert_eq!(fake.ids(), [1, 2], "no retry, nothing new");
    let states: Vec<_> = deliveries
        .deliveries(None, None)
        .iter()
        .map(|delivery| delivery.state)
        .collect();
    assert_eq!(states, [DeliveryState::Pending; 3]);
}

#[tokio::test(start_paused = true)]
async fn webhooks_are_signed_and_sent_to_the_callback_or_the_default_url() {
    let fake = Fake::new(&[], Duration::ZERO);
    let deliveries = start(config(Vec::new()), &fake);
    assert!(deliveries.has_target(None));
    let callback = "http://localhost:9/callback";
    enqueue_to(&deliveries, "a", Some(callback), AUTO);
    enqueue(&deliveries, "b", MANUAL);
    let to_callback = finished(&deliveries, "a", &AUTO).await;
    let to_default = finished(&deliveries, "b", &MANUAL).await;
    assert_eq!(to_callback.target, callback);
    assert_eq!(to_default.target, DEFAULT_URL);
    assert_eq!(to_default.scan_ref, "b");
    assert_eq!(to_default.event, MANUAL);
    let sent: IdentificationWebhook = serde_json::from_str(&to_default.body).unwrap();
    assert_eq!(sent, webhook());
    assert_eq!(
        verify(&key(), to_default.body.as_bytes(), &to_default.signature),
        Ok(())
    );
    let calls = lock(&fake.0.calls).clone();
    assert_eq!(
        calls,
        [
            (1, AUTO, callback.to_owned()),
            (2, MANUAL, DEFAULT_URL.to_owned())
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn bodies_are_signed_in_the_configured_style() {
    for style in BodyStyle::ALL {
        let fake = Fake::new(&[], Duration::ZERO);
        let deliveries = start(
            DeliveryConfig {
                body_style: *style,
                ..config(Vec::new())
            },
            &fake,
        );
        let id = enqueue_to(&deliveries, "a", None, MANUAL);
        let delivery = deliveries.get(id).unwrap();
        assert_eq!(delivery.event, MANUAL);
        assert_eq!(
            delivery.body.as_bytes(),
            style.render(&webhook()).unwrap(),
            "{style}"
        );
        assert_eq!(
            verify(&key(), delivery.body.as_bytes(), &delivery.signature),
            Ok(())
        );
    }
}

#[tokio::test(start_paused = true)]
async fn without_a_default_url_only_callbacks_are_targets() {
    let fake = Fake::new(&[], Duration::ZERO);
    let deliveries = start(
        DeliveryConfig {
            default_url: None,
            ..config(Vec::new())
        },
        &fake,
    );
    assert!(!deliveries.has_target(None));
    assert!(deliveries.has_target(Some("http://127.0.0.1:9/")));
    assert!(deliveries.target(None).is_none());
}

#[tokio::test(start_paused = true)]
async fn non_loopback_callbacks_fail_without_an_attempt_unless_allowed() {
    let external = "https://hooks.example.com/idenfy";
    for allowed in [false, true] {
        let fake = Fake::new(&[], Duration::ZERO);
        let deliveries = start(
            DeliveryConfig {
                callbacks: CallbackPolicy::new(allowed, &[]),
                ..config(Vec::new())
            },
            &fake,
        );
        enqueue_to(&deliveries, "a", Some(external), AUTO);
        let delivery = finished(&deliveries, "a", &AUTO).await;
        if allowed {
            assert_eq!(delivery.state, DeliveryState::Delivered);
            assert_eq!(fake.ids(), [1]);
        } else {
            assert_eq!(delivery.state, DeliveryState::Failed);
            assert_eq!(
                delivery.attempts[0].error.as_deref(),
                Some(crate::callbacks::EXTERNAL_CALLBACK_REFUSAL)
            );
            assert!(fake.ids().is_empty(), "never contacted");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_journal_lists_what_the_queue_keeps() {
    let fake = Fake::new(&[], Duration::ZERO);
    let deliveries = start(config(Vec::new()), &fake);
    enqueue(&deliveries, "a", AUTO);
    enqueue(&deliveries, "b", AUTO);
    enqueue(&deliveries, "a", MANUAL);
    assert_eq!(ids(&deliveries.deliveries(None, None)), [1, 2, 3]);
    assert_eq!(ids(&deliveries.deliveries(Some("a"), None)), [1, 3]);
    assert_eq!(ids(&deliveries.deliveries(Some("a"), Some(&MANUAL))), [3]);
}

/// A webhook source that counts how often its webhook is built, from a request of `.1` bytes.
#[derive(Clone, Default)]
struct Counted(Arc<AtomicUsize>, usize);

impl WebhookSource for Counted {
    fn webhook(&self) -> IdentificationWebhook {
        self.0.fetch_add(1, Ordering::SeqCst);
        webhook()
    }

    fn request_bytes(&self) -> usize {
        self.1
    }
}

#[tokio::test(start_paused = true)]
async fn a_refused_webhook_is_built_on_first_read_and_only_once() {
    let fake = Fake::new(&[], Duration::ZERO);
    let deliveries = start(config(Vec::new()), &fake);
    let (refused, sent) = (
        Counted(Arc::default(), MAX_DEFERRED_REQUEST_BYTES),
        Counted::default(),
    );
    for (source, url) in [
        (&refused, "https://hooks.example.com/idenfy"),
        (&sent, DEFAULT_URL),
    ] {
        let target = deliveries.target(Some(url)).unwrap();
        let new = deliveries.prepare(&Arc::from("a"), &target, AUTO, source.clone());
        deliveries.announce(deliveries.enqueue(new).unwrap());
    }
    assert_eq!(sent.0.load(Ordering::SeqCst), 1, "built at once to be sent");
    assert_eq!(
        refused.0.load(Ordering::SeqCst),
        0,
        "not built before a read"
    );
    let first = deliveries.get(1).unwrap();
    let second = deliveries.get(1).unwrap();
    assert_eq!(refused.0.load(Ordering::SeqCst), 1, "built once");
    assert_eq!(first.body, second.body);
    let delivered = finished(&deliveries, "a", &AUTO).await;
    assert_eq!(delivered.state, DeliveryState::Failed, "the refused one");
    let sent_body = deliveries.get(2).unwrap().body;
    assert_eq!(first.body, sent_body, "the same webhook, the same bytes");
    assert_eq!(
        verify(&key(), first.body.as_bytes(), &first.signature),
        Ok(())
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_webhook_of_a_large_request_is_built_at_once_and_keeps_no_request() {
    let fake = Fake::new(&[], Duration::ZERO);
    let deliveries = start(config(Vec::new()), &fake);
    let large = Counted(Arc::default(), MAX_DEFERRED_REQUEST_BYTES + 1);
    let target = deliveries
        .target(Some("https://hooks.example.com/idenfy"))
        .unwrap();
    let new = deliveries.prepare(&Arc::from("a"), &target, AUTO, large.clone());
    deliveries.announce(deliveries.enqueue(new).unwrap());
    assert_eq!(large.0.load(Ordering::SeqCst), 1, "built before any read");
    assert_eq!(
        Arc::strong_count(&large.0),
        1,
        "the journal keeps the bytes, not the source"
    );
    let refused = deliveries.get(1).unwrap();
    assert_eq!(refused.state, DeliveryState::Failed);
    assert_eq!(large.0.load(Ordering::SeqCst), 1, "not built again");
    assert_eq!(
        verify(&key(), refused.body.as_bytes(), &refused.signature),
        Ok(())
    );
}
