//! The delivery queue as a synchronous state machine: every delivery's stage, one line per
//! `scanRef` served in order, held deliveries released in any order, retries scheduled on the
//! clock passed in, attempt slots per target URL ([`slots`]), and the bounded journal, which
//! refuses new work rather than forget an unfinished delivery. No I/O and no runtime: the
//! engine drives it.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use idenfy_model::WebhookEventType;

use self::slots::Slots;
use super::payload::{Payload, Signed};
use super::{Attempt, Delivery, DeliveryState, JournalQuery, ShutdownReport};

/// Where a delivery stands inside the engine; finer than the public [`DeliveryState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Waiting behind an earlier delivery of its `scanRef`, or for a free attempt slot.
    Queued,
    /// Kept back on request: neither sent nor retried until released, and its `scanRef`'s
    /// later deliveries wait behind it.
    Held,
    /// Waiting to be retried at the given time.
    Scheduled(Instant),
    /// An attempt is running.
    InFlight,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, or the target may not be contacted.
    Failed,
}

/// A webhook ready to be queued: its bytes (made now or deferred) and its address.
#[derive(Debug, Clone)]
pub(crate) struct NewDelivery {
    /// The verification it is about.
    pub(crate) scan_ref: Arc<str>,
    /// The `Idenfy-Event-Type`.
    pub(crate) event: WebhookEventType,
    /// The URL it goes to.
    pub(crate) target: Arc<str>,
    /// The exact body and its `Idenfy-Signature`: made already unless the target is refused.
    pub(crate) payload: Payload,
    /// Why the target may not be contacted, when it may not: the delivery fails at once.
    pub(crate) refusal: Option<String>,
    /// The delivery this one sends again, for a redelivery.
    pub(crate) redelivery_of: Option<u64>,
    /// Whether it is sent once more after it was delivered (a duplicate for the receiver).
    pub(crate) duplicate: bool,
}

/// An attempt the engine should make now.
#[derive(Debug, Clone)]
pub(crate) struct Start {
    /// The delivery.
    pub(crate) id: u64,
    /// The URL to post to.
    pub(crate) target: Arc<str>,
    /// The exact body.
    pub(crate) body: Arc<str>,
    /// The `Idenfy-Signature`.
    pub(crate) signature: Arc<str>,
    /// The `Idenfy-Event-Type`.
    pub(crate) event: WebhookEventType,
    /// How long to wait before posting: the first-attempt delay, zero for a retry.
    pub(crate) delay: Duration,
}

/// What one attempt gave: the receiver's status, or why none came, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The HTTP status, or the reason no answer came.
    pub(crate) answer: Result<u16, String>,
    /// How long the attempt took.
    pub(crate) elapsed: Duration,
    /// When the attempt started, in Unix milliseconds.
    pub(crate) started_at_ms: u64,
}

/// A delivery that changed stage, as published to the engine's subscribers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// The delivery.
    pub(crate) id: u64,
    /// Its verification.
    pub(crate) scan_ref: Arc<str>,
    /// Its event.
    pub(crate) event: WebhookEventType,
    /// Its target.
    pub(crate) target: Arc<str>,
    /// Its new stage.
    pub(crate) stage: Stage,
    /// Attempts made so far.
    pub(crate) attempts: u32,
}

/// Why a delivery was not queued: the journal holds only unfinished deliveries (held, queued
/// or in flight), none of which is forgotten silently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the delivery journal is full with {unfinished} unfinished deliveries: release, wait for \
     or reset them, or raise max_deliveries"
)]
pub(crate) struct JournalFull {
    /// Unfinished deliveries kept.
    pub(crate) unfinished: usize,
}

/// Limits of a queue.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Delays between attempts; its length is the number of retries.
    pub(crate) retry_schedule: Vec<Duration>,
    /// Records kept; finished ones are forgotten, oldest first, to stay within it.
    pub(crate) max_records: usize,
    /// Attempts running at once to one target URL.
    pub(crate) max_in_flight: usize,
    /// Whether new deliveries are held until released, outside their `scanRef`'s line.
    pub(crate) hold_new: bool,
    /// How long every delivery waits before its first attempt.
    pub(crate) first_delay: Duration,
}

/// Every kept delivery and the work still to do.
#[derive(Debug)]
pub(crate) struct Queue {
    limits: Limits,
    /// Kept records, sorted by id.
    records: VecDeque<Record>,
    /// Kept ids per `scanRef`, in order.
    by_scan_ref: HashMap<Arc<str>, VecDeque<u64>>,
    /// Unfinished ids per `scanRef`, in order: the first is the one being served.
    lines: HashMap<Arc<str>, VecDeque<u64>>,
    /// Deliveries that may start as soon as their target has a free slot, and the attempts
    /// running, per target URL.
    slots: Slots,
    /// Retries waiting for their time.
    timers: BTreeSet<(Instant, u64)>,
    next_id: u64,
    delivered: u64,
    failed: u64,
}

/// One delivery as the queue keeps it: shared bytes, never copied per attempt.
#[derive(Debug)]
struct Record {
    id: u64,
    scan_ref: Arc<str>,
    event: WebhookEventType,
    target: Arc<str>,
    payload: Payload,
    stage: Stage,
    attempts: Vec<Attempt>,
    redelivery_of: Option<u64>,
    duplicate: bool,
}

impl Stage {
    /// Whether the delivery reached its end.
    pub(crate) fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Failed)
    }

    /// The stage as the journal shows it.
    pub(crate) fn public(self) -> DeliveryState {
        match self {
            Self::Delivered => DeliveryState::Delivered,
            Self::Failed => DeliveryState::Failed,
            Self::Held => DeliveryState::Held,
            Self::Queued | Self::Scheduled(_) | Self::InFlight => DeliveryState::Pending,
        }
    }
}

impl Queue {
    /// An empty queue.
    pub(crate) fn new(limits: Limits) -> Self {
        let max_in_flight = limits.max_in_flight;
        Self {
            limits,
            records: VecDeque::new(),
            by_scan_ref: HashMap::new(),
            lines: HashMap::new(),
            slots: Slots::new(max_in_flight),
            timers: BTreeSet::new(),
            next_id: 1,
            delivered: 0,
            failed: 0,
        }
    }

    /// Records `new` behind its `scanRef`'s earlier deliveries (or as failed at once when its
    /// target is refused; or held outside the line when new deliveries are held), first
    /// forgetting the oldest finished records while the journal is full. Unfinished records
    /// are never forgotten: with the journal full of them, `new` is refused.
    pub(crate) fn enqueue(&mut self, new: NewDelivery) -> Result<Change, JournalFull> {
        self.evict(self.limits.max_records.max(1) - 1);
        if self.records.len() >= self.limits.max_records.max(1) {
            return Err(JournalFull {
                unfinished: self.records.len(),
            });
        }
        let held = self.limits.hold_new && new.refusal.is_none() && new.redelivery_of.is_none();
        let id = self.next_id;
        self.next_id += 1;
        let mut record = Record {
            id,
            scan_ref: new.scan_ref,
            event: new.event,
            target: new.target,
            payload: new.payload,
            stage: Stage::Queued,
            attempts: Vec::new(),
            redelivery_of: new.redelivery_of,
            duplicate: new.duplicate,
        };
        match new.refusal {
            Some(reason) => {
                record.attempts.push(Attempt {
                    number: 1,
                    status: None,
                    error: Some(reason),
                    elapsed_ms: 0,
                    started_at_ms: 0,
                });
                record.stage = Stage::Failed;
                self.failed += 1;
            }
            None if held => record.stage = Stage::Held,
            None => {
                let line = self.lines.entry(Arc::clone(&record.scan_ref)).or_default();
                line.push_back(id);
                if line.len() == 1 {
                    self.slots.push(&record.target, id);
                }
            }
        }
        self.by_scan_ref
            .entry(Arc::clone(&record.scan_ref))
            .or_default()
            .push_back(id);
        let change = record.change();
        self.records.push_back(record);
        Ok(change)
    }

    /// The attempts to make at `now`: retries whose time came join the ready ones, which
    /// start in order while fewer than the limit are in flight to their target.
    pub(crate) fn start_ready(&mut self, now: Instant) -> Vec<(Start, Change)> {
        while let Some(&(at, id)) = self.timers.first()
            && at <= now
        {
            self.timers.pop_first();
            if let Some(index) = self.index_of(id) {
                let record = &mut self.records[index];
                record.stage = Stage::Queued;
                self.slots.push(&record.target, id);
            }
        }
        let mut started = Vec::new();
        while let Some((id, target)) = self.slots.start_next() {
            match self.start(id) {
                Some(start) => started.push(start),
                None => self.slots.finished(&target),
            }
        }
        started
    }

    /// Marks `id` in flight (its slot is taken) and describes its attempt; `None` when it is
    /// no longer kept.
    fn start(&mut self, id: u64) -> Option<(Start, Change)> {
        let index = self.index_of(id)?;
        let record = &mut self.records[index];
        record.stage = Stage::InFlight;
        // Made already: only a refused delivery's bytes are deferred, and it is never sent
        // (a redelivery of it goes to the same refused URL).
        let Signed { body, signature } = record.payload.signed();
        let start = Start {
            id,
            target: Arc::clone(&record.target),
            body,
            signature,
            event: record.event.clone(),
            delay: if record.attempts.is_empty() {
                self.limits.first_delay
            } else {
                Duration::ZERO
            },
        };
        Some((start, record.change()))
    }

    /// Records the attempt in flight for `id`: a 2xx delivers it, anything else schedules the
    /// next retry after `now` or, with none left, fails it; a finished delivery lets the next
    /// one of its `scanRef` go. `None` when `id` is not in flight.
    pub(crate) fn finish(&mut self, id: u64, outcome: Outcome, now: Instant) -> Option<Change> {
        let schedule = &self.limits.retry_schedule;
        let index = self.index_of(id)?;
        let record = &mut self.records[index];
        if record.stage != Stage::InFlight {
            return None;
        }
        self.slots.finished(&record.target);
        let number = u32::try_from(record.attempts.len() + 1).unwrap_or(u32::MAX);
        let accepted = outcome
            .answer
            .as_ref()
            .is_ok_and(|status| (200..300).contains(status));
        let retry = schedule.get(record.attempts.len()).copied();
        let (status, error) = match outcome.answer {
            Ok(status) => (Some(status), None),
            Err(reason) => (None, Some(reason)),
        };
        record.attempts.push(Attempt {
            number,
            status,
            error,
            elapsed_ms: u64::try_from(outcome.elapsed.as_millis()).unwrap_or(u64::MAX),
            started_at_ms: outcome.started_at_ms,
        });
        record.stage = match (accepted, retry) {
            (true, _) => Stage::Delivered,
            (false, Some(delay)) => Stage::Scheduled(now + delay),
            (false, None) => Stage::Failed,
        };
        let change = record.change();
        match change.stage {
            Stage::Delivered => self.delivered += 1,
            Stage::Failed => self.failed += 1,
            Stage::Scheduled(at) => {
                self.timers.insert((at, id));
            }
            Stage::Queued | Stage::Held | Stage::InFlight => {}
        }
        if change.stage.is_final() {
            self.advance_line(&change.scan_ref);
        }
        Some(change)
    }

    /// Keeps `id` back: a queued or scheduled delivery is neither sent nor retried, and the
    /// later deliveries of its `scanRef` wait, until [`Self::release`]. `None` when it is not
    /// waiting (in flight, finished, held or unknown).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the steering routes of issue 11 call it")
    )]
    pub(crate) fn hold(&mut self, id: u64) -> Option<Change> {
        let index = self.index_of(id)?;
        let record = &mut self.records[index];
        match record.stage {
            Stage::Queued => self.slots.remove(&record.target, id),
            Stage::Scheduled(at) => {
                self.timers.remove(&(at, id));
            }
            Stage::Held | Stage::InFlight | Stage::Delivered | Stage::Failed => return None,
        }
        record.stage = Stage::Held;
        Some(record.change())
    }

    /// Lets a held delivery go: it is sent as soon as it is first of its `scanRef` and a slot
    /// is free. One held since it was queued joins the back of its `scanRef`'s line, so
    /// deliveries released one after the other leave in the order they were released. `None`
    /// when it is not held.
    pub(crate) fn release(&mut self, id: u64) -> Option<Change> {
        let index = self.index_of(id)?;
        let record = &mut self.records[index];
        if record.stage != Stage::Held {
            return None;
        }
        record.stage = Stage::Queued;
        let change = record.change();
        let line = self.lines.entry(Arc::clone(&change.scan_ref)).or_default();
        if !line.contains(&id) {
            line.push_back(id);
        }
        if self
            .lines
            .get(&change.scan_ref)
            .and_then(VecDeque::front)
            .is_some_and(|first| *first == id)
        {
            self.slots.push(&change.target, id);
        }
        Some(change)
    }

    /// Forgets every delivery and all work still to do; ids keep increasing, so an attempt
    /// still running is never taken for a new delivery.
    pub(crate) fn reset(&mut self) {
        *self = Self {
            next_id: self.next_id,
            ..Self::new(self.limits.clone())
        };
    }

    /// The stage of `id`, when it is kept.
    pub(crate) fn stage(&self, id: u64) -> Option<Stage> {
        self.index_of(id).map(|index| self.records[index].stage)
    }

    /// A copy of `id`'s webhook (same target, bytes and signature) that names it as its
    /// original, ready to be queued; `None` when `id` is not kept.
    pub(crate) fn redelivery(&self, id: u64) -> Option<NewDelivery> {
        let record = &self.records[self.index_of(id)?];
        Some(NewDelivery {
            scan_ref: Arc::clone(&record.scan_ref),
            event: record.event.clone(),
            target: Arc::clone(&record.target),
            payload: record.payload.clone(),
            refusal: None,
            redelivery_of: Some(id),
            duplicate: false,
        })
    }

    /// The duplicate to send of `id` once it was delivered, if it was drawn to have one; only
    /// once.
    pub(crate) fn take_duplicate(&mut self, id: u64) -> Option<NewDelivery> {
        let index = self.index_of(id)?;
        let record = &mut self.records[index];
        if record.stage != Stage::Delivered || !std::mem::take(&mut record.duplicate) {
            return None;
        }
        self.redelivery(id)
    }

    /// When the next scheduled retry is due.
    pub(crate) fn next_timer(&self) -> Option<Instant> {
        self.timers.first().map(|(at, _)| *at)
    }

    /// Whether every delivery reached its end.
    pub(crate) fn is_idle(&self) -> bool {
        self.lines.is_empty()
    }

    /// Every kept delivery, oldest first, optionally only one verification's or one event's;
    /// only the matching ones are copied.
    pub(crate) fn deliveries(
        &self,
        scan_ref: Option<&str>,
        event: Option<&WebhookEventType>,
    ) -> Vec<Snapshot> {
        self.page(&JournalQuery {
            scan_ref,
            event,
            ..JournalQuery::default()
        })
    }

    /// The kept deliveries `query` selects, oldest first; only those are copied.
    pub(crate) fn page(&self, query: &JournalQuery<'_>) -> Vec<Snapshot> {
        let matches = |record: &&Record| {
            query.event.is_none_or(|event| record.event == *event)
                && query
                    .state
                    .is_none_or(|state| record.stage.public() == state)
                && query.after.is_none_or(|after| record.id > after)
        };
        let limit = query.limit.unwrap_or(usize::MAX);
        match query.scan_ref {
            Some(scan_ref) => self
                .records_of(scan_ref)
                .filter(matches)
                .take(limit)
                .map(Record::snapshot)
                .collect(),
            None => self
                .records
                .iter()
                .filter(matches)
                .take(limit)
                .map(Record::snapshot)
                .collect(),
        }
    }

    /// A copy of attempt `number` of delivery `id`, when both are kept.
    pub(crate) fn attempt(&self, id: u64, number: u32) -> Option<Attempt> {
        let record = &self.records[self.index_of(id)?];
        record
            .attempts
            .iter()
            .find(|attempt| attempt.number == number)
            .cloned()
    }

    /// A copy of delivery `id`, when it is kept.
    pub(crate) fn delivery(&self, id: u64) -> Option<Snapshot> {
        self.index_of(id)
            .map(|index| self.records[index].snapshot())
    }

    /// The first `count` finished `event` deliveries of `scan_ref`, once there are that many.
    pub(crate) fn finished(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        count: usize,
    ) -> Option<Vec<Snapshot>> {
        let found: Vec<&Record> = self
            .records_of(scan_ref)
            .filter(|record| record.event == *event && record.stage.is_final())
            .take(count)
            .collect();
        (found.len() == count).then(|| found.into_iter().map(Record::snapshot).collect())
    }

    /// The finished counts and every unfinished delivery.
    pub(crate) fn report(&self) -> ShutdownReport {
        ShutdownReport {
            delivered: self.delivered,
            failed: self.failed,
            unfinished: self
                .records
                .iter()
                .filter(|record| !record.stage.is_final())
                // Unfinished, so never refused: their bytes were made already.
                .map(|record| record.snapshot().into_delivery())
                .collect(),
            in_flight: self
                .records
                .iter()
                .filter(|record| record.stage == Stage::InFlight)
                .map(|record| record.id)
                .collect(),
        }
    }

    /// Forgets the oldest finished records until at most `keep` remain or only unfinished
    /// ones are left.
    fn evict(&mut self, keep: usize) {
        while self.records.len() > keep {
            let Some(index) = self
                .records
                .iter()
                .position(|record| record.stage.is_final())
            else {
                return;
            };
            let Some(old) = self.records.remove(index) else {
                return;
            };
            if let Some(ids) = self.by_scan_ref.get_mut(&old.scan_ref) {
                // Ids are kept in increasing order, and the oldest is usually the one to go.
                if ids.front() == Some(&old.id) {
                    ids.pop_front();
                } else if let Ok(position) = ids.binary_search(&old.id) {
                    ids.remove(position);
                }
                if ids.is_empty() {
                    self.by_scan_ref.remove(&old.scan_ref);
                }
            }
        }
    }

    /// Drops the finished first delivery of `scan_ref`'s line; the next one may start.
    fn advance_line(&mut self, scan_ref: &str) {
        let Some(line) = self.lines.get_mut(scan_ref) else {
            return;
        };
        line.pop_front();
        match line.front() {
            Some(&next) => {
                if let Some(index) = self.index_of(next)
                    && self.records[index].stage == Stage::Queued
                {
                    self.slots.push(&self.records[index].target, next);
                }
            }
            None => {
                self.lines.remove(scan_ref);
            }
        }
    }

    fn records_of<'a>(&'a self, scan_ref: &str) -> impl Iterator<Item = &'a Record> {
        self.by_scan_ref
            .get(scan_ref)
            .into_iter()
            .flatten()
            .filter_map(|id| self.index_of(*id).map(|index| &self.records[index]))
    }

    /// Where record `id` is kept. Ids are increasing and usually without gaps (a gap is an
    /// unfinished record's later neighbour forgotten before it), so the offset from the first
    /// id is tried before a binary search.
    fn index_of(&self, id: u64) -> Option<usize> {
        let first = self.records.front()?.id;
        let guess = usize::try_from(id.checked_sub(first)?).ok()?;
        if self
            .records
            .get(guess)
            .is_some_and(|record| record.id == id)
        {
            return Some(guess);
        }
        self.records
            .binary_search_by_key(&id, |record| record.id)
            .ok()
    }
}

impl Record {
    fn change(&self) -> Change {
        Change {
            id: self.id,
            scan_ref: Arc::clone(&self.scan_ref),
            event: self.event.clone(),
            target: Arc::clone(&self.target),
            stage: self.stage,
            attempts: u32::try_from(self.attempts.len()).unwrap_or(u32::MAX),
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            id: self.id,
            scan_ref: Arc::clone(&self.scan_ref),
            event: self.event.clone(),
            target: Arc::clone(&self.target),
            payload: self.payload.clone(),
            state: self.stage.public(),
            attempts: self.attempts.clone(),
            redelivery_of: self.redelivery_of,
        }
    }
}

/// A delivery as copied under the queue's lock: [`Snapshot::into_delivery`] makes its bytes,
/// when they were deferred, once the lock is released.
#[derive(Debug)]
pub(crate) struct Snapshot {
    id: u64,
    scan_ref: Arc<str>,
    event: WebhookEventType,
    target: Arc<str>,
    payload: Payload,
    state: DeliveryState,
    attempts: Vec<Attempt>,
    redelivery_of: Option<u64>,
}

impl Snapshot {
    /// The journal's view of the delivery, its bytes made if they were deferred.
    pub(crate) fn into_delivery(self) -> Delivery {
        let Signed { body, signature } = self.payload.signed();
        Delivery {
            id: self.id,
            scan_ref: self.scan_ref.to_string(),
            event: self.event,
            target: self.target.to_string(),
            body,
            signature: signature.to_string(),
            state: self.state,
            attempts: self.attempts,
            redelivery_of: self.redelivery_of,
        }
    }

    /// Every snapshot's delivery, in order.
    pub(crate) fn all_into_deliveries(snapshots: Vec<Snapshot>) -> Vec<Delivery> {
        snapshots.into_iter().map(Snapshot::into_delivery).collect()
    }
}

mod slots;
#[cfg(test)]
mod tests;
