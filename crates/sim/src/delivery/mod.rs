//! Asynchronous webhook delivery: the journal's public types and the handle the simulator
//! holds (queue, page, wait, release, redeliver, duplicates, reset, drain). The work is split
//! in three: [`queue`], a synchronous state machine (one ordered line per verification, held
//! deliveries, retries on a schedule, attempt slots per target, a bounded journal);
//! [`transport`], how an attempt reaches the receiver; and [`engine`], the one task that drives
//! the queue, runs attempts (after the first-attempt delay) and publishes every change.

mod engine;
mod payload;
mod queue;
mod transport;

use crate::callbacks::CallbackPolicy;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use idenfy_gen::SeededRng;
use idenfy_model::support::{lock, redact_url};
use idenfy_model::{BodyStyle, SigningKey, WebhookEventType};
use idenfy_sender::{Sender, SenderError};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::SimError;
use crate::server::logging;

use self::engine::{Command, Engine};
pub(crate) use self::payload::WebhookSource;
use self::payload::{Payload, Signer};
pub(crate) use self::queue::{Change, JournalFull, Stage};
use self::queue::{Limits, NewDelivery, Queue, Snapshot};
use self::transport::Transport;

/// One webhook the simulator sent or is sending: what, where, and every attempt.
///
/// Also the items of `GET /sim/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Delivery {
    /// Sequence number, increasing in the order webhooks were queued.
    pub id: u64,
    /// The verification the webhook is about.
    pub scan_ref: String,
    /// The `Idenfy-Event-Type` sent.
    pub event: WebhookEventType,
    /// The URL it is sent to.
    pub target: String,
    /// The exact body sent (UTF-8 JSON), shared with the simulator's journal rather than
    /// copied.
    pub body: Arc<str>,
    /// The `Idenfy-Signature` sent.
    pub signature: String,
    /// Where the delivery stands.
    pub state: DeliveryState,
    /// Every attempt so far, oldest first.
    pub attempts: Vec<Attempt>,
    /// For a redelivery, the id of the delivery whose bytes and signature it sends again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redelivery_of: Option<u64>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum DeliveryState {
    /// Queued, in flight, or waiting for a retry.
    Pending,
    /// Kept back until released (`--hold`, [`crate::SimulatorBuilder::hold_deliveries`]).
    Held,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, or the target may not be contacted.
    Failed,
}

impl DeliveryState {
    /// The wire name, as in the journal (`PENDING`, `HELD`, `DELIVERED`, `FAILED`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "PENDING",
            DeliveryState::Held => "HELD",
            DeliveryState::Delivered => "DELIVERED",
            DeliveryState::Failed => "FAILED",
        }
    }
}

/// One attempt to deliver a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why no status came back (timeout, connection refused, target refused…).
    pub error: Option<String>,
    /// How long the attempt took, in milliseconds.
    pub elapsed_ms: u64,
    /// When the attempt started, in Unix milliseconds (0 for a target refused without an
    /// attempt).
    #[serde(default)]
    pub started_at_ms: u64,
}

/// What a graceful shutdown did with the webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// Deliveries that ended `DELIVERED` over the simulator's life.
    pub delivered: u64,
    /// Deliveries that ended `FAILED` over the simulator's life.
    pub failed: u64,
    /// Deliveries still pending when the grace period ran out: not confirmed delivered and not
    /// sent again; [`ShutdownReport::unfinished_as`] says where each stood.
    pub unfinished: Vec<Delivery>,
    /// Ids of the `unfinished` deliveries whose attempt was running when shutdown stopped it.
    pub in_flight: Vec<u64>,
}

/// Where an unfinished delivery stood when shutdown stopped waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unfinished {
    /// No attempt was ever made (it waited behind an earlier webhook of its `scanRef`, for a
    /// free attempt slot, or was held): the receiver surely did not get it.
    NeverAttempted,
    /// An attempt was running and got no answer: the receiver may have got it.
    InFlight,
    /// Every attempt so far failed and the next was not due yet: the receiver did not accept
    /// it (one that timed out may still have reached it).
    AwaitingRetry,
}

impl ShutdownReport {
    /// Where `delivery`, one of [`unfinished`](Self::unfinished), stood.
    pub fn unfinished_as(&self, delivery: &Delivery) -> Unfinished {
        if self.in_flight.contains(&delivery.id) {
            Unfinished::InFlight
        } else if delivery.attempts.is_empty() {
            Unfinished::NeverAttempted
        } else {
            Unfinished::AwaitingRetry
        }
    }

    /// How many of [`unfinished`](Self::unfinished) stood as `kind`.
    pub fn count(&self, kind: Unfinished) -> usize {
        self.unfinished
            .iter()
            .filter(|delivery| self.unfinished_as(delivery) == kind)
            .count()
    }
}

impl Delivery {
    /// The HTTP status of the latest attempt, if the receiver answered it.
    pub fn last_status(&self) -> Option<u16> {
        self.attempts.last()?.status
    }

    /// Each attempt as (number, status, error), for the engine's and the queue's tests.
    #[cfg(test)]
    pub(crate) fn attempt_outcomes(&self) -> Vec<(u32, Option<u16>, Option<&str>)> {
        self.attempts
            .iter()
            .map(|attempt| (attempt.number, attempt.status, attempt.error.as_deref()))
            .collect()
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
    /// Attempts running at once.
    pub(crate) max_in_flight: usize,
    /// URL for verifications without `callbackUrl`.
    pub(crate) default_url: Option<String>,
    /// Which `callbackUrl`s are contacted.
    pub(crate) callbacks: CallbackPolicy,
    /// Whether new deliveries are held until released.
    pub(crate) hold: bool,
    /// How long every delivery waits before its first attempt.
    pub(crate) first_delay: Duration,
    /// Delivered webhooks sent once more, when set.
    pub(crate) duplicates: Option<Duplicates>,
    /// The bytes of every webhook body.
    pub(crate) body_style: BodyStyle,
}

/// Delivered webhooks sent once more, drawn per webhook from a generator of their own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Duplicates {
    /// The probability, in `0..=1`.
    pub(crate) rate: f64,
    /// The simulator's seed; the generator is derived from it.
    pub(crate) seed: u64,
}

/// Which part of the journal to read: filters, then a page of at most `limit` deliveries
/// with ids after `after`.
#[derive(Debug, Clone, Default)]
pub(crate) struct JournalQuery<'a> {
    /// Only this verification's deliveries.
    pub(crate) scan_ref: Option<&'a str>,
    /// Only this event's deliveries.
    pub(crate) event: Option<&'a WebhookEventType>,
    /// Only deliveries in this state.
    pub(crate) state: Option<DeliveryState>,
    /// Only deliveries with a larger id.
    pub(crate) after: Option<u64>,
    /// At most this many; `None` for all.
    pub(crate) limit: Option<usize>,
}

/// The simulator's handle on delivery: queues webhooks, reads the journal, waits, drains.
/// Dropping it does not stop the engine; [`Deliveries::stop`] does.
pub(crate) struct Deliveries {
    default_url: Option<Arc<str>>,
    callbacks: CallbackPolicy,
    signer: Arc<Signer>,
    duplicates: Option<(Duplicates, Mutex<SeededRng>)>,
    queue: Arc<Mutex<Queue>>,
    commands: mpsc::UnboundedSender<Command>,
    events: broadcast::Sender<Change>,
    tracker: TaskTracker,
    cancel: CancellationToken,
    /// Whether a refused target was warned about: once, since each refusal is also in its
    /// attempt's log line and the journal.
    refusal_warned: AtomicBool,
}

/// Where a verification's webhooks go ([`Deliveries::target`]).
#[derive(Debug, Clone)]
pub(crate) struct Target {
    url: Arc<str>,
    /// Why `url` may not be contacted, when it may not: each webhook fails at once.
    refusal: Option<&'static str>,
}

/// A delivery recorded by [`Deliveries::enqueue`] and not yet announced.
#[must_use = "announce it (Deliveries::announce) once your own lock is released: until then the engine may not notice it"]
pub(crate) struct Queued {
    change: Change,
    /// The one attempt of a delivery whose target was refused, when attempts are logged.
    refused: Option<Attempt>,
}

/// Changes kept for a subscriber that falls behind; one that lags re-reads the journal.
const EVENT_BUFFER: usize = 1024;

impl Deliveries {
    /// Starts the engine, sending through the workspace's webhook sender.
    pub(crate) fn start(config: DeliveryConfig, key: SigningKey) -> Result<Self, SenderError> {
        let sender = Sender::new(config.timeout)?;
        Ok(Self::start_with(config, key, sender))
    }

    /// Starts the engine, making attempts through `transport`.
    fn start_with(config: DeliveryConfig, key: SigningKey, transport: impl Transport) -> Self {
        let queue = Arc::new(Mutex::new(Queue::new(Limits {
            retry_schedule: config.retry_schedule,
            max_records: config.max_records,
            max_in_flight: config.max_in_flight,
            hold_new: config.hold,
            first_delay: config.first_delay,
        })));
        let (commands, received) = mpsc::unbounded_channel();
        let events = broadcast::Sender::new(EVENT_BUFFER);
        let tracker = TaskTracker::new();
        let cancel = CancellationToken::new();
        let engine = Engine {
            queue: Arc::clone(&queue),
            transport: Arc::new(transport),
            commands: received,
            finished: commands.clone(),
            events: events.clone(),
            tracker: tracker.clone(),
            cancel: cancel.clone(),
        };
        tracker.spawn(engine.run());
        Self {
            default_url: config.default_url.map(Arc::from),
            callbacks: config.callbacks,
            signer: Arc::new(Signer {
                key,
                style: config.body_style,
            }),
            duplicates: config
                .duplicates
                .map(|duplicates| (duplicates, Mutex::new(duplicates.generator()))),
            queue,
            commands,
            events,
            tracker,
            cancel,
            refusal_warned: AtomicBool::new(false),
        }
    }

    /// Whether a verification with this `callbackUrl` has anywhere to send webhooks.
    pub(crate) fn has_target(&self, callback_url: Option<&str>) -> bool {
        callback_url.is_some() || self.default_url.is_some()
    }

    /// Where the webhooks of a verification with this `callbackUrl` go, and whether they may
    /// be sent there; `None` when there is no target (see [`Self::has_target`]). Decided once
    /// per verification: the callback settings do not change while the simulator runs.
    pub(crate) fn target(&self, callback_url: Option<&str>) -> Option<Target> {
        Some(match callback_url {
            Some(url) => Target {
                url: Arc::from(url),
                refusal: self.callbacks.refusal(url),
            },
            None => Target {
                url: Arc::clone(self.default_url.as_ref()?),
                refusal: None,
            },
        })
    }

    /// Addresses `source`'s webhook to `target`, ready for [`Self::enqueue`]: serialized (in
    /// the configured body style) and signed now when it will be sent, on first read when the
    /// target is refused (only the journal ever shows those bytes). Call it before taking any
    /// lock.
    pub(crate) fn prepare(
        &self,
        scan_ref: &Arc<str>,
        target: &Target,
        event: WebhookEventType,
        source: impl WebhookSource,
    ) -> NewDelivery {
        let Target {
            url: target,
            refusal,
        } = target.clone();
        let payload = match refusal {
            None => Payload::now(&source, event.clone(), &self.signer),
            Some(_) => Payload::deferred(source, event.clone(), Arc::clone(&self.signer)),
        };
        if let Some(reason) = refusal {
            if self.refusal_warned.swap(true, Ordering::Relaxed) {
                tracing::debug!(
                    scan_ref = &**scan_ref,
                    url = %redact_url(&target),
                    "webhook not sent: {reason}"
                );
            } else {
                tracing::warn!(
                    scan_ref = &**scan_ref,
                    url = %redact_url(&target),
                    "webhook not sent: {reason} (said once: later refusals are in each webhook \
                     attempt's line and in the journal)"
                );
            }
        }
        NewDelivery {
            scan_ref: Arc::clone(scan_ref),
            event,
            target,
            payload,
            refusal: refusal.map(str::to_owned),
            redelivery_of: None,
            duplicate: false,
        }
    }

    /// Records `new` and queues it behind its verification's earlier webhooks. Cheap: callers
    /// that must order webhooks call it under their own lock, then, with that lock released,
    /// [`Self::announce`] what it returns. Refused when the journal is full of unfinished
    /// deliveries.
    pub(crate) fn enqueue(&self, new: NewDelivery) -> Result<Queued, JournalFull> {
        self.enqueue_then(new, |_, _| ()).map(|(queued, ())| queued)
    }

    /// Makes a delivery [`Self::enqueue`] recorded known: logs its attempt when its target was
    /// refused (it failed at once), wakes the engine when it waits to be sent, and tells the
    /// journal's subscribers. Until then the engine may not notice it, nor a waiter see it.
    pub(crate) fn announce(&self, queued: Queued) {
        let Queued { change, refused } = queued;
        if let Some(attempt) = refused {
            logging::log_attempt(&change, &attempt);
        }
        // Only a queued delivery is the engine's business: a refused one failed already, a
        // held one waits for its release. The engine lives until cancelled; after that
        // nothing is sent anyway.
        if change.stage == Stage::Queued {
            let _ = self.commands.send(Command::Queued);
        }
        // No subscriber is fine: nobody is waiting.
        let _ = self.events.send(change);
    }

    /// [`Self::enqueue`], then `read` under the same hold of the journal's lock.
    fn enqueue_then<T>(
        &self,
        mut new: NewDelivery,
        read: impl FnOnce(&Queue, u64) -> T,
    ) -> Result<(Queued, T), JournalFull> {
        let (change, read, refused) = {
            let mut queue = lock(&self.queue);
            if new.redelivery_of.is_none()
                && let Some((duplicates, generator)) = &self.duplicates
            {
                new.duplicate = lock(generator).random_bool(duplicates.rate);
            }
            let change = queue.enqueue(new)?;
            let read = read(&queue, change.id);
            // A refused target fails at once: that is the delivery's one attempt.
            let refused = (change.stage == Stage::Failed && logging::attempts_logged())
                .then(|| queue.attempt(change.id, change.attempts))
                .flatten();
            (change, read, refused)
        };
        Ok((Queued { change, refused }, read))
    }

    /// Sends a held delivery: it leaves once it is first of its verification's line.
    pub(crate) fn release(&self, id: u64) -> Result<Delivery, SimError> {
        let (change, delivery) = {
            let mut queue = lock(&self.queue);
            let stage = queue.stage(id).ok_or(SimError::UnknownDelivery { id })?;
            let change = queue.release(id).ok_or(SimError::NotHeld {
                id,
                state: stage.public(),
            })?;
            (change, queue.delivery(id))
        };
        self.announce(Queued {
            change,
            refused: None,
        });
        Ok(delivery
            .expect("a delivery just released is kept")
            .into_delivery())
    }

    /// Queues the same bytes and signature as delivery `id` again, as a new delivery that
    /// names `id` as its original; sent at once, even while new deliveries are held.
    pub(crate) fn redeliver(&self, id: u64) -> Result<Delivery, SimError> {
        let mut new = lock(&self.queue)
            .redelivery(id)
            .ok_or(SimError::UnknownDelivery { id })?;
        if self.default_url.as_deref() != Some(&*new.target) {
            new.refusal = self.callbacks.refusal(&new.target).map(str::to_owned);
        }
        if new.refusal.is_none() {
            // To be sent (its original's target may have been refused: a `callbackUrl` equal
            // to an external default URL): its bytes are made here, not under the queue's lock
            // when it starts.
            new.payload = Payload::Signed(new.payload.signed());
        }
        let (queued, delivery) = self
            .enqueue_then(new, |queue, id| queue.delivery(id))
            .map_err(|full| SimError::JournalFull(full.to_string()))?;
        self.announce(queued);
        Ok(delivery
            .expect("a delivery just queued is kept")
            .into_delivery())
    }

    /// Forgets every delivery; attempts in flight run on but are no longer recorded.
    pub(crate) fn reset(&self) {
        let mut queue = lock(&self.queue);
        queue.reset();
        if let Some((duplicates, generator)) = &self.duplicates {
            *lock(generator) = duplicates.generator();
        }
    }

    /// Every kept delivery, oldest first, optionally only one verification's or one event's.
    pub(crate) fn deliveries(
        &self,
        scan_ref: Option<&str>,
        event: Option<&WebhookEventType>,
    ) -> Vec<Delivery> {
        let snapshots = lock(&self.queue).deliveries(scan_ref, event);
        Snapshot::all_into_deliveries(snapshots)
    }

    /// The kept delivery with this id.
    pub(crate) fn get(&self, id: u64) -> Option<Delivery> {
        let snapshot = lock(&self.queue).delivery(id);
        snapshot.map(Snapshot::into_delivery)
    }

    /// The page of the journal `query` asks for, oldest first.
    pub(crate) fn page(&self, query: &JournalQuery<'_>) -> Vec<Delivery> {
        let snapshots = lock(&self.queue).page(query);
        Snapshot::all_into_deliveries(snapshots)
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
        let mut changes = self.events.subscribe();
        loop {
            let found = lock(&self.queue).finished(scan_ref, event, count);
            if let Some(found) = found {
                return Some(Snapshot::all_into_deliveries(found));
            }
            // Any change may be the awaited one; a lagging subscriber checks again too.
            match tokio::time::timeout_at(deadline, changes.recv()).await {
                Ok(Ok(_) | Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => return None,
            }
        }
    }

    /// Waits until every delivery finished or `deadline` passed, then stops the engine and
    /// every attempt still running, and reports.
    pub(crate) async fn drain(&self, deadline: Instant) -> ShutdownReport {
        let mut changes = self.events.subscribe();
        while !lock(&self.queue).is_idle() {
            match tokio::time::timeout_at(deadline, changes.recv()).await {
                Ok(Ok(_) | Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => break,
            }
        }
        self.stop();
        self.tracker.close();
        self.tracker.wait().await;
        lock(&self.queue).report()
    }

    /// Stops the engine and every attempt at once, leaving unfinished deliveries pending.
    pub(crate) fn stop(&self) {
        self.cancel.cancel();
    }
}

impl Duplicates {
    /// The draws' generator at its start: the seed's, on a stream of its own so the API's
    /// identifiers stay the same whatever the rate.
    fn generator(self) -> SeededRng {
        const STREAM: u64 = 0x6475_706c_6963_6174;
        idenfy_gen::rng_from_seed(self.seed ^ STREAM)
    }
}

#[cfg(test)]
mod tests;
