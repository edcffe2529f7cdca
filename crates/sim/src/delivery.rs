//! Asynchronous webhook delivery: one ordered queue per verification, retries on a schedule,
//! every attempt recorded, a bounded log of deliveries, waiting for a delivery to finish, and
//! draining the queues at shutdown.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{IdentificationWebhook, SigningKey, WebhookEventType, sign};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;

use crate::assumptions;
use crate::state::lock;

/// One webhook the simulator sent or is sending: what, where, and every attempt.
///
/// Also the items of `GET /sim/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Sequence number, increasing in the order webhooks were queued.
    pub id: u64,
    /// The verification the webhook is about.
    pub scan_ref: String,
    /// The `Idenfy-Event-Type` sent.
    pub event: WebhookEventType,
    /// The URL it is sent to.
    pub target: String,
    /// The exact body sent (UTF-8 JSON).
    pub body: String,
    /// The `Idenfy-Signature` sent.
    pub signature: String,
    /// Where the delivery stands.
    pub state: DeliveryState,
    /// Every attempt so far, oldest first.
    pub attempts: Vec<Attempt>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryState {
    /// Queued, in flight, or waiting for a retry.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, or the target may not be contacted.
    Failed,
}

/// One attempt to deliver a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why no status came back (timeout, connection refused, target refused…).
    pub error: Option<String>,
    /// How long the attempt took, in milliseconds.
    pub elapsed_ms: u64,
}

/// What a graceful shutdown did with the webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShutdownReport {
    /// Deliveries that ended `DELIVERED` over the simulator's life.
    pub delivered: u64,
    /// Deliveries that ended `FAILED` over the simulator's life.
    pub failed: u64,
    /// Deliveries still pending when the grace period ran out; they were not sent.
    pub unfinished: Vec<Delivery>,
}

impl Delivery {
    /// The HTTP status of the latest attempt, if the receiver answered it.
    pub fn last_status(&self) -> Option<u16> {
        self.attempts.last()?.status
    }
}

/// Delivery settings.
#[derive(Debug, Clone)]
pub(crate) struct DeliveryConfig {
    /// Delays between attempts; its length is the number of retries.
    pub(crate) retry_schedule: Vec<Duration>,
    /// Time limit of one attempt.
    pub(crate) timeout: Duration,
    /// Delivery records kept.
    pub(crate) max_records: usize,
    /// URL for verifications without `callbackUrl`.
    pub(crate) default_url: Option<String>,
    /// Whether a `callbackUrl` to a non-loopback host is contacted.
    pub(crate) external_callbacks: bool,
}

/// Sends webhooks and keeps the record of every delivery.
pub(crate) struct Deliverer {
    config: DeliveryConfig,
    key: SigningKey,
    client: reqwest::Client,
    log: Mutex<DeliveryLog>,
    /// Pending delivery ids per `scanRef`; an entry exists while a worker serves that queue.
    queues: Mutex<HashMap<String, VecDeque<u64>>>,
    /// Per-`scanRef` change notifications for waiters.
    watchers: Mutex<HashMap<String, watch::Sender<u64>>>,
    /// Number of running queue workers.
    workers: watch::Sender<usize>,
    /// Set at shutdown: workers stop at their next step.
    stop: watch::Sender<bool>,
    permits: Semaphore,
}

/// Where a webhook goes, or why it does not.
enum Target {
    Send(String),
    Refused { url: String, reason: String },
}

/// Kept deliveries, sorted by id, with an index by `scanRef`.
struct DeliveryLog {
    records: VecDeque<Delivery>,
    by_scan_ref: HashMap<String, Vec<u64>>,
    next_id: u64,
    delivered: u64,
    failed: u64,
}

impl Deliverer {
    /// A deliverer signing with `key`.
    pub(crate) fn new(
        config: DeliveryConfig,
        key: SigningKey,
    ) -> Result<Arc<Self>, reqwest::Error> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .build()?;
        Ok(Arc::new(Self {
            config,
            key,
            client,
            log: Mutex::new(DeliveryLog {
                records: VecDeque::new(),
                by_scan_ref: HashMap::new(),
                next_id: 1,
                delivered: 0,
                failed: 0,
            }),
            queues: Mutex::new(HashMap::new()),
            watchers: Mutex::new(HashMap::new()),
            workers: watch::Sender::new(0),
            stop: watch::Sender::new(false),
            permits: Semaphore::new(assumptions::MAX_CONCURRENT_DELIVERY_ATTEMPTS),
        }))
    }

    /// Whether a verification with this `callbackUrl` has anywhere to send webhooks.
    pub(crate) fn has_target(&self, callback_url: Option<&str>) -> bool {
        callback_url.is_some() || self.config.default_url.is_some()
    }

    /// Records `webhook` and queues it behind the verification's earlier webhooks. Does nothing
    /// when there is no target (see [`Self::has_target`]).
    pub(crate) fn enqueue(
        self: &Arc<Self>,
        scan_ref: &str,
        callback_url: Option<&str>,
        event: WebhookEventType,
        webhook: &IdentificationWebhook,
    ) {
        let Some(target) = self.target_for(callback_url) else {
            return;
        };
        let body = serde_json::to_string(webhook).expect("webhook bodies serialize to JSON");
        let signature = sign(&self.key, body.as_bytes());
        let url = match &target {
            Target::Send(url) | Target::Refused { url, .. } => url.clone(),
        };
        let id = lock(&self.log).push(
            Delivery {
                id: 0,
                scan_ref: scan_ref.to_owned(),
                event,
                target: url,
                body,
                signature,
                state: DeliveryState::Pending,
                attempts: Vec::new(),
            },
            self.config.max_records,
        );
        match target {
            Target::Refused { reason, .. } => {
                tracing::warn!(
                    scan_ref,
                    target = callback_url,
                    "webhook not sent: {reason}"
                );
                self.record_attempt(
                    id,
                    Attempt {
                        number: 1,
                        status: None,
                        error: Some(reason),
                        elapsed_ms: 0,
                    },
                    Some(DeliveryState::Failed),
                );
            }
            Target::Send(_) => {
                let mut queues = lock(&self.queues);
                match queues.get_mut(scan_ref) {
                    Some(queue) => queue.push_back(id),
                    None => {
                        queues.insert(scan_ref.to_owned(), VecDeque::from([id]));
                        self.workers.send_modify(|count| *count += 1);
                        tokio::spawn(Arc::clone(self).serve_queue(scan_ref.to_owned()));
                    }
                }
                drop(queues);
                self.notify(scan_ref);
            }
        }
    }

    /// Every kept delivery, oldest first, optionally only one verification's or one event's.
    pub(crate) fn deliveries(
        &self,
        scan_ref: Option<&str>,
        event: Option<&WebhookEventType>,
    ) -> Vec<Delivery> {
        let log = lock(&self.log);
        let matches = |delivery: &&Delivery| event.is_none_or(|event| delivery.event == *event);
        match scan_ref {
            Some(scan_ref) => log
                .ids_of(scan_ref)
                .iter()
                .filter_map(|id| log.get(*id))
                .filter(matches)
                .cloned()
                .collect(),
            None => log.records.iter().filter(matches).cloned().collect(),
        }
    }

    /// The first `count` deliveries of `event` for `scan_ref` that reached a final state, once
    /// there are that many, or `None` after `timeout`.
    pub(crate) async fn wait_for_finished(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        count: usize,
        timeout: Duration,
    ) -> Option<Vec<Delivery>> {
        let deadline = Instant::now() + timeout;
        let mut changes = lock(&self.watchers)
            .entry(scan_ref.to_owned())
            .or_insert_with(|| watch::Sender::new(0))
            .subscribe();
        loop {
            changes.borrow_and_update();
            let finished: Vec<Delivery> = self
                .deliveries(Some(scan_ref), Some(event))
                .into_iter()
                .filter(|delivery| delivery.state != DeliveryState::Pending)
                .take(count)
                .collect();
            if finished.len() == count {
                return Some(finished);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) | Err(_) => return None,
            }
        }
    }

    /// Waits up to `grace` for every queue to empty, then stops the workers and reports.
    pub(crate) async fn drain(&self, grace: Duration) -> ShutdownReport {
        let mut workers = self.workers.subscribe();
        // An error means the sender is gone, which cannot happen while `self` lives.
        let _ = tokio::time::timeout(grace, workers.wait_for(|count| *count == 0)).await;
        self.stop_workers();
        // Stopped workers leave at their next step; give them a moment to do so.
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            workers.wait_for(|count| *count == 0),
        )
        .await;
        let log = lock(&self.log);
        ShutdownReport {
            delivered: log.delivered,
            failed: log.failed,
            unfinished: log
                .records
                .iter()
                .filter(|delivery| delivery.state == DeliveryState::Pending)
                .cloned()
                .collect(),
        }
    }

    /// Tells every worker to stop at its next step, leaving its deliveries pending.
    pub(crate) fn stop_workers(&self) {
        self.stop.send_replace(true);
    }

    fn target_for(&self, callback_url: Option<&str>) -> Option<Target> {
        let Some(url) = callback_url else {
            return self.config.default_url.clone().map(Target::Send);
        };
        let loopback = reqwest::Url::parse(url)
            .is_ok_and(|parsed| idenfy_model::validation::is_loopback_host(&parsed));
        Some(if loopback || self.config.external_callbacks {
            Target::Send(url.to_owned())
        } else {
            Target::Refused {
                url: url.to_owned(),
                reason: "not sent: the callbackUrl host is not loopback and external callbacks \
                         are disabled (SimulatorBuilder::external_callbacks, \
                         --external-callbacks)"
                    .to_owned(),
            }
        })
    }

    /// Delivers the queue of `scan_ref` in order until it is empty or the simulator stops.
    async fn serve_queue(self: Arc<Self>, scan_ref: String) {
        let _running = WorkerGuard(&self.workers);
        let mut stop = self.stop.subscribe();
        loop {
            if *stop.borrow_and_update() {
                return;
            }
            let next = {
                let mut queues = lock(&self.queues);
                match queues.get_mut(&scan_ref).and_then(VecDeque::pop_front) {
                    Some(id) => id,
                    None => {
                        queues.remove(&scan_ref);
                        return;
                    }
                }
            };
            tokio::select! {
                biased;
                _ = stop.wait_for(|stopped| *stopped) => return,
                () = self.deliver(next) => {}
            }
        }
    }

    /// Attempts one delivery until it succeeds or the retry schedule is exhausted.
    async fn deliver(&self, id: u64) {
        let Some(delivery) = lock(&self.log).get(id).cloned() else {
            return;
        };
        let mut delays = self.config.retry_schedule.iter();
        for number in 1.. {
            let attempt = self.attempt(number, &delivery).await;
            if attempt
                .status
                .is_some_and(|status| (200..300).contains(&status))
            {
                tracing::debug!(
                    scan_ref = %delivery.scan_ref,
                    event = %delivery.event,
                    target = %delivery.target,
                    attempt = number,
                    "webhook delivered"
                );
                self.record_attempt(id, attempt, Some(DeliveryState::Delivered));
                return;
            }
            let Some(delay) = delays.next() else {
                tracing::warn!(
                    scan_ref = %delivery.scan_ref,
                    event = %delivery.event,
                    target = %delivery.target,
                    attempts = number,
                    status = ?attempt.status,
                    error = attempt.error.as_deref().unwrap_or_default(),
                    "webhook delivery failed"
                );
                self.record_attempt(id, attempt, Some(DeliveryState::Failed));
                return;
            };
            self.record_attempt(id, attempt, None);
            tokio::time::sleep(*delay).await;
        }
    }

    /// One POST of the webhook.
    async fn attempt(&self, number: u32, delivery: &Delivery) -> Attempt {
        // The semaphore is never closed, so acquiring cannot fail.
        let _permit = self.permits.acquire().await;
        let started = Instant::now();
        let response = self
            .client
            .post(&delivery.target)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, &delivery.signature)
            .header(EVENT_TYPE_HEADER, delivery.event.as_str())
            .body(delivery.body.clone())
            .send()
            .await;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match response {
            Ok(response) => Attempt {
                number,
                status: Some(response.status().as_u16()),
                error: None,
                elapsed_ms,
            },
            Err(error) => Attempt {
                number,
                status: None,
                error: Some(self.describe(&error)),
                elapsed_ms,
            },
        }
    }

    /// A short reason for a failed attempt.
    fn describe(&self, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            return format!("timed out after {} ms", self.config.timeout.as_millis());
        }
        let mut reason = String::from(if error.is_connect() {
            "connection failed"
        } else {
            "request failed"
        });
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            reason.push_str(": ");
            reason.push_str(&cause.to_string());
            source = cause.source();
        }
        reason
    }

    fn record_attempt(&self, id: u64, attempt: Attempt, end: Option<DeliveryState>) {
        let scan_ref = lock(&self.log).record(id, attempt, end);
        if let Some(scan_ref) = scan_ref {
            self.notify(&scan_ref);
        }
    }

    /// Wakes the waiters of `scan_ref`, forgetting the channel once no one waits.
    fn notify(&self, scan_ref: &str) {
        let mut watchers = lock(&self.watchers);
        if let Some(sender) = watchers.get(scan_ref) {
            if sender.receiver_count() == 0 {
                watchers.remove(scan_ref);
            } else {
                sender.send_modify(|version| *version += 1);
            }
        }
    }
}

/// Counts a running worker down when it ends, however it ends.
struct WorkerGuard<'a>(&'a watch::Sender<usize>);

impl Drop for WorkerGuard<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|count| *count -= 1);
    }
}

impl DeliveryLog {
    /// Adds a delivery, numbering it, after forgetting the oldest finished one when full.
    fn push(&mut self, mut delivery: Delivery, max_records: usize) -> u64 {
        while self.records.len() >= max_records.max(1) {
            let Some(index) = self
                .records
                .iter()
                .position(|old| old.state != DeliveryState::Pending)
            else {
                break;
            };
            if let Some(old) = self.records.remove(index)
                && let Some(ids) = self.by_scan_ref.get_mut(&old.scan_ref)
            {
                ids.retain(|id| *id != old.id);
                if ids.is_empty() {
                    self.by_scan_ref.remove(&old.scan_ref);
                }
            }
        }
        let id = self.next_id;
        self.next_id += 1;
        delivery.id = id;
        self.by_scan_ref
            .entry(delivery.scan_ref.clone())
            .or_default()
            .push(id);
        self.records.push_back(delivery);
        id
    }

    fn get(&self, id: u64) -> Option<&Delivery> {
        let index = self.records.binary_search_by_key(&id, |d| d.id).ok()?;
        self.records.get(index)
    }

    fn ids_of(&self, scan_ref: &str) -> &[u64] {
        self.by_scan_ref.get(scan_ref).map_or(&[], Vec::as_slice)
    }

    /// Adds an attempt and, when given, the final state; returns the delivery's `scanRef`.
    fn record(&mut self, id: u64, attempt: Attempt, end: Option<DeliveryState>) -> Option<String> {
        let index = self.records.binary_search_by_key(&id, |d| d.id).ok()?;
        let delivery = self.records.get_mut(index)?;
        delivery.attempts.push(attempt);
        if let Some(end) = end {
            delivery.state = end;
            match end {
                DeliveryState::Delivered => self.delivered += 1,
                DeliveryState::Failed => self.failed += 1,
                DeliveryState::Pending => {}
            }
        }
        Some(delivery.scan_ref.clone())
    }
}
