//! The simulator's shared state: settings, verifications (bounded), balance, the rate limit,
//! fault injection and the seeded random generator.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use idenfy_gen::{Identity, SeededRng, WebhookContext, identification_webhook};
pub(crate) use idenfy_model::support::lock;
use idenfy_model::{
    ApiCredentials, ApiError, Environment, IdentificationWebhook, SigningKey, StatusResponse,
    TokenRequest, WebhookEventType, WebhookStatus,
};
use tokio::time::Instant;

use crate::assumptions;
use crate::delivery::{Deliveries, Target, WebhookSource};

/// Everything the handlers share.
pub(crate) struct AppState {
    /// Settings fixed at start.
    pub(crate) settings: Settings,
    /// Known verifications.
    pub(crate) verifications: Mutex<VerificationStore>,
    /// What may still be spent.
    pub(crate) balance: Balance,
    /// Requests per window.
    pub(crate) rate_limit: RateLimiter,
    /// Failures still to inject.
    pub(crate) faults: FaultInjection,
    /// The seeded generator behind `scanRef`, `authToken`, `digitString` and fake identities.
    pub(crate) rng: Mutex<SeededRng>,
    /// Webhook delivery.
    pub(crate) deliveries: Deliveries,
}

/// Settings the handlers read.
pub(crate) struct Settings {
    /// The environment the credentials belong to.
    pub(crate) environment: Environment,
    /// The accepted API key pair.
    pub(crate) credentials: ApiCredentials,
    /// The key webhooks are signed with (the web page checks signatures with it).
    pub(crate) signing_key: SigningKey,
    /// Which `callbackUrl`s are taken over plain http and contacted.
    pub(crate) callbacks: crate::callbacks::CallbackPolicy,
    /// Unix seconds used instead of the clock, when set.
    pub(crate) fixed_time: Option<i64>,
    /// `final` of `IDENTIFICATION_AUTO_FINISHED`.
    pub(crate) auto_webhook_final: bool,
    /// What `POST /sim/reset` goes back to.
    pub(crate) start: StartState,
}

/// The state a simulator starts in, and returns to on reset.
pub(crate) struct StartState {
    /// The seed of the generator.
    pub(crate) seed: u64,
    /// The balance, `None` for unlimited.
    pub(crate) balance: Option<u64>,
    /// Requests to fail and their status.
    pub(crate) faults: (usize, u16),
}

/// A verification the simulator created.
pub(crate) struct Verification {
    /// The token request, as received; shared with its webhooks' sources.
    pub(crate) request: Arc<TokenRequest>,
    /// Set for tokens created with `dummyStatus`.
    pub(crate) dummy: Option<DummyVerification>,
    /// Unix seconds when the token was created.
    pub(crate) created: i64,
    /// Size of the request body in bytes, counted against the store's byte budget.
    pub(crate) size: usize,
}

/// The results of a dummy verification and what its webhooks are made from.
pub(crate) struct DummyVerification {
    /// The fake person behind it; shared with its webhooks' sources.
    pub(crate) identity: Arc<Identity>,
    /// Unix seconds when it was created; the webhooks' `startTime`.
    pub(crate) start_time: i64,
    /// Statuses of the automatic result.
    pub(crate) auto_status: WebhookStatus,
    /// Statuses now: the automatic ones, or those of the latest manual review.
    pub(crate) current_status: WebhookStatus,
    /// `finishTime` of its latest webhook.
    pub(crate) last_finish_time: Option<i64>,
    /// Where its webhooks go, if anywhere.
    pub(crate) target: Option<Target>,
}

/// Verifications by `scanRef`, forgetting the oldest past the count or byte cap.
pub(crate) struct VerificationStore {
    /// Boxed: a verification is over a kilobyte, and the table stays small and cheap to probe.
    /// Keys shared with `order`: one copy of each `scanRef`.
    by_scan_ref: HashMap<Arc<str>, Box<Verification>>,
    order: VecDeque<Arc<str>>,
    max_count: usize,
    bytes: usize,
    max_bytes: usize,
}

/// The balance: units left, or unlimited.
pub(crate) struct Balance {
    remaining: Option<AtomicU64>,
}

/// A fixed-window request counter.
pub(crate) struct RateLimiter {
    limit: u64,
    window: Mutex<Option<(Instant, u64)>>,
}

/// The first requests to fail on purpose, for client retry tests.
pub(crate) struct FaultInjection {
    remaining: AtomicUsize,
    status: AtomicU16,
}

impl AppState {
    /// Back to the start state: no verifications, an empty journal, the start balance and
    /// faults, a new rate-limit window and the generator at its seed. Attempts in flight run
    /// on but are no longer recorded.
    pub(crate) fn reset(&self, seed: Option<u64>) {
        let start = &self.settings.start;
        let mut verifications = lock(&self.verifications);
        verifications.clear();
        self.deliveries.reset();
        *lock(&self.rng) = idenfy_gen::rng_from_seed(seed.unwrap_or(start.seed));
        self.balance.reset(start.balance);
        self.rate_limit.reset();
        self.faults.set(start.faults.0, start.faults.1);
        drop(verifications);
    }
}

impl AppState {
    /// The first `count` `event` deliveries for `scan_ref` that reached a final state, once
    /// there are that many; an error at once when its verification has no webhook target, or
    /// after `timeout`.
    pub(crate) async fn wait_for_finished(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        count: usize,
        timeout: std::time::Duration,
    ) -> Result<Vec<crate::Delivery>, crate::SimError> {
        let has_target = lock(&self.verifications).get(scan_ref).map(|verification| {
            self.deliveries
                .has_target(verification.request.callback_url.as_deref())
        });
        if has_target == Some(false) {
            return Err(crate::SimError::NoWebhookTarget {
                scan_ref: scan_ref.to_owned(),
            });
        }
        self.deliveries
            .wait_for_finished(scan_ref, event, count, timeout)
            .await
            .ok_or_else(|| crate::SimError::WaitTimeout {
                scan_ref: scan_ref.to_owned(),
                event: event.clone(),
                timeout,
            })
    }
}

impl Settings {
    /// Unix seconds now, or the fixed time.
    pub(crate) fn now(&self) -> i64 {
        self.fixed_time.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| {
                    i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
                })
        })
    }
}

impl Verification {
    /// The status API's view of this verification.
    pub(crate) fn status_response(&self, scan_ref: &str) -> StatusResponse {
        let status = match &self.dummy {
            Some(dummy) => dummy.current_status.clone(),
            None => assumptions::status_before_any_result(),
        };
        StatusResponse::from_webhook_status(scan_ref, &self.request.client_id, &status)
    }
}

/// What one webhook of a dummy verification is made from, sharing the verification's request
/// and person: the webhook is built (and serialized, signed) when first needed, the same
/// whenever that is.
pub(crate) struct DummyWebhook {
    scan_ref: Arc<str>,
    request: Arc<TokenRequest>,
    /// The size of the request's body.
    request_bytes: usize,
    identity: Arc<Identity>,
    start_time: i64,
    status: WebhookStatus,
    is_final: bool,
    finish_time: i64,
}

impl DummyVerification {
    /// `finishTime` of this verification's automatic result.
    pub(crate) fn auto_finish_time(&self) -> i64 {
        assumptions::WEBHOOK_DEFAULTS.finish_time(self.start_time)
    }

    /// The webhook reporting `status`, with these `final` flag and `finishTime`, from the
    /// verification's request (`request_bytes` long as sent).
    pub(crate) fn webhook(
        &self,
        scan_ref: &Arc<str>,
        (request, request_bytes): (&Arc<TokenRequest>, usize),
        status: WebhookStatus,
        is_final: bool,
        finish_time: i64,
    ) -> DummyWebhook {
        DummyWebhook {
            scan_ref: Arc::clone(scan_ref),
            request: Arc::clone(request),
            request_bytes,
            identity: Arc::clone(&self.identity),
            start_time: self.start_time,
            status,
            is_final,
            finish_time,
        }
    }
}

impl WebhookSource for DummyWebhook {
    fn webhook(&self) -> IdentificationWebhook {
        let context = WebhookContext {
            scan_ref: &self.scan_ref,
            request: &self.request,
            identity: &self.identity,
            start_time: self.start_time,
            defaults: &assumptions::WEBHOOK_DEFAULTS,
        };
        let mut webhook = identification_webhook(&context, self.status.clone(), self.is_final);
        webhook.finish_time = Some(self.finish_time);
        webhook
    }

    fn request_bytes(&self) -> usize {
        self.request_bytes
    }
}

impl VerificationStore {
    /// An empty store keeping at most `max_count` verifications whose request bodies add up to
    /// at most `max_bytes` (the newest is always kept).
    pub(crate) fn new(max_count: usize, max_bytes: usize) -> Self {
        Self {
            by_scan_ref: HashMap::new(),
            order: VecDeque::new(),
            max_count: max_count.max(1),
            bytes: 0,
            max_bytes,
        }
    }

    /// Adds a verification, forgetting the oldest ones until it fits; returns the forgotten
    /// ones, for the caller to drop after releasing the store's lock.
    #[must_use = "drop the forgotten verifications outside the store's lock"]
    pub(crate) fn insert(
        &mut self,
        scan_ref: Arc<str>,
        verification: Verification,
    ) -> Vec<(Arc<str>, Box<Verification>)> {
        let mut forgotten = Vec::new();
        while self.order.len() >= self.max_count
            || (!self.order.is_empty() && self.bytes + verification.size > self.max_bytes)
        {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.by_scan_ref.remove(&oldest) {
                self.bytes -= old.size;
                forgotten.push((oldest, old));
            }
        }
        self.bytes += verification.size;
        self.order.push_back(Arc::clone(&scan_ref));
        self.by_scan_ref.insert(scan_ref, Box::new(verification));
        forgotten
    }

    /// Forgets every verification.
    pub(crate) fn clear(&mut self) {
        self.by_scan_ref.clear();
        self.order.clear();
        self.bytes = 0;
    }

    /// The verification with this `scanRef`.
    pub(crate) fn get(&self, scan_ref: &str) -> Option<&Verification> {
        self.by_scan_ref
            .get(scan_ref)
            .map(|verification| &**verification)
    }

    /// Every verification, newest first, with its `scanRef`.
    pub(crate) fn newest(&self) -> impl Iterator<Item = (&str, &Verification)> {
        self.order
            .iter()
            .rev()
            .filter_map(|scan_ref| Some((&**scan_ref, &**self.by_scan_ref.get(scan_ref)?)))
    }

    /// The verification with this `scanRef`, to update.
    pub(crate) fn get_mut(&mut self, scan_ref: &str) -> Option<&mut Verification> {
        self.by_scan_ref
            .get_mut(scan_ref)
            .map(|verification| &mut **verification)
    }
}

impl Balance {
    /// `units` to spend, or unlimited for `None`.
    pub(crate) fn new(units: Option<u64>) -> Self {
        Self {
            remaining: units.map(AtomicU64::new),
        }
    }

    /// `units` left again (a no-op for an unlimited balance).
    pub(crate) fn reset(&self, units: Option<u64>) {
        if let (Some(remaining), Some(units)) = (&self.remaining, units) {
            remaining.store(units, Ordering::Release);
        }
    }

    /// Gives back `cost` spent on a token that was refused after all.
    pub(crate) fn refund(&self, cost: u64) {
        if let Some(remaining) = &self.remaining {
            remaining.fetch_add(cost, Ordering::AcqRel);
        }
    }

    /// Spends `cost` if that much is left; `false` when it is not.
    pub(crate) fn spend(&self, cost: u64) -> bool {
        self.remaining.as_ref().is_none_or(|remaining| {
            remaining
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                    left.checked_sub(cost)
                })
                .is_ok()
        })
    }
}

impl RateLimiter {
    /// `limit` requests per [`assumptions::RATE_LIMIT_WINDOW`].
    pub(crate) fn new(limit: u64) -> Self {
        Self {
            limit,
            window: Mutex::new(None),
        }
    }

    /// Starts a new window with the next request.
    pub(crate) fn reset(&self) {
        *lock(&self.window) = None;
    }

    /// Counts a request, or answers the 429 when the window is full (not counting it).
    pub(crate) fn admit(&self) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut window = lock(&self.window);
        let count = match &mut *window {
            Some((start, count)) if now.duration_since(*start) < assumptions::RATE_LIMIT_WINDOW => {
                count
            }
            fresh => &mut fresh.insert((now, 0)).1,
        };
        if *count >= self.limit {
            return Err(ApiError::too_many_requests(self.limit));
        }
        *count += 1;
        Ok(())
    }
}

impl FaultInjection {
    /// The first `count` requests fail with `status` (checked by the builder to be 429 or 5xx).
    pub(crate) fn new(count: usize, status: u16) -> Self {
        Self {
            remaining: AtomicUsize::new(count),
            status: AtomicU16::new(status),
        }
    }

    /// From now on, the next `count` requests fail with `status` (checked by the caller to be
    /// 429 or 5xx).
    pub(crate) fn set(&self, count: usize, status: u16) {
        self.remaining.store(0, Ordering::Release);
        self.status.store(status, Ordering::Release);
        self.remaining.store(count, Ordering::Release);
    }

    /// The injected failure for this request, while any remain.
    pub(crate) fn take(&self) -> Option<(u16, ApiError)> {
        self.remaining
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(1)
            })
            .ok()?;
        let status = self.status.load(Ordering::Acquire);
        Some((status, assumptions::injected_fault(status)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verification(size: usize) -> Verification {
        Verification {
            request: Arc::default(),
            dummy: None,
            created: 0,
            size,
        }
    }

    fn kept(store: &VerificationStore) -> Vec<&str> {
        let mut kept: Vec<&str> = store.newest().map(|(scan_ref, _)| scan_ref).collect();
        kept.reverse();
        kept
    }

    #[test]
    fn a_dummy_webhook_knows_the_size_of_the_request_it_keeps() {
        let dummy = DummyVerification {
            identity: Arc::new(idenfy_gen::Identity::fake(&mut idenfy_gen::rng_from_seed(
                1,
            ))),
            start_time: 0,
            auto_status: assumptions::status_before_any_result(),
            current_status: assumptions::status_before_any_result(),
            last_finish_time: None,
            target: None,
        };
        let request = Arc::default();
        for size in [0, 700, 5000] {
            let status = assumptions::status_before_any_result();
            let webhook = dummy.webhook(&Arc::from("a"), (&request, size), status, false, 1);
            // What decides whether its bytes wait for a first read (delivery::payload).
            assert_eq!(webhook.request_bytes(), size);
        }
    }

    #[test]
    fn the_store_forgets_the_oldest_past_its_byte_cap_and_hands_them_back() {
        let mut store = VerificationStore::new(100, 250);
        assert!(store.insert("a".into(), verification(100)).is_empty());
        assert!(store.insert("b".into(), verification(100)).is_empty());
        // 300 bytes would pass the cap of 250: "a" goes.
        let forgotten = store.insert("c".into(), verification(100));
        assert_eq!(forgotten.len(), 1);
        assert_eq!(&*forgotten[0].0, "a");
        assert_eq!(kept(&store), ["b", "c"]);
        // Exactly at the cap is kept.
        assert!(store.insert("d".into(), verification(50)).is_empty());
        assert_eq!(kept(&store), ["b", "c", "d"]);
        // One larger than all the others together forgets them all, but is kept itself.
        let forgotten = store.insert("e".into(), verification(1000));
        assert_eq!(forgotten.len(), 3);
        assert_eq!(kept(&store), ["e"]);
        assert!(store.get("b").is_none());
        assert_eq!(store.get("e").map(|kept| kept.size), Some(1000));
    }

    #[test]
    fn the_store_forgets_the_oldest_past_its_count_cap() {
        let mut store = VerificationStore::new(2, usize::MAX);
        for scan_ref in ["a", "b", "c"] {
            let _ = store.insert(scan_ref.into(), verification(1));
        }
        assert_eq!(kept(&store), ["b", "c"]);
        assert!(store.get_mut("a").is_none());
        assert!(store.get_mut("c").is_some());
    }
}
