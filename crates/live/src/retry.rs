//! When a request is sent again, and how long to wait first: exponential backoff with jitter.
//!
//! Rate limits (429), server errors (5xx) and transport failures are retried; other 4xx never
//! are, since the same request would fail the same way. Token creation costs money and is not
//! idempotent, so it is retried only when the request surely created nothing: the connection
//! was never established, or the server refused it with 429 ([`Idempotency::ConnectOnly`]).

use std::time::Duration;

/// How often and how patiently the client retries.
///
/// The wait before retry `n` (counting from 0) is `initial_backoff * 2^n`, capped at
/// `max_backoff`, then drawn uniformly from its upper half ("equal jitter"), so concurrent
/// clients spread out without any retry coming too early. A 429 with a `Retry-After` header
/// waits exactly that long, unless it exceeds `max_retry_after`, in which case the client gives
/// up at once and returns [`Error::RateLimited`](crate::Error::RateLimited).
///
/// Build one from [`RetryPolicy::default`] or [`RetryPolicy::none`] and the setters, e.g.
/// `RetryPolicy::default().max_retries(5).initial_backoff(Duration::from_millis(100))`; the
/// fields stay readable, and new ones may come.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The wait before the first retry, before jitter.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts, before jitter.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client is willing to sleep through.
    pub max_retry_after: Duration,
}

/// Which failures an endpoint may be retried after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Safe to repeat: retry on 429, 5xx, connection failures and timeouts.
    Repeatable,
    /// Costs money or has effects: retry only when the server surely created nothing: the
    /// connection was never established, or the answer was 429 (a refusal before any work).
    /// A timeout or a 5xx may have created something and is returned to the caller instead.
    ConnectOnly,
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An HTTP answer with this status and, for 429, this `Retry-After`.
    Answered {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection was never established.
    ConnectFailed,
    /// The request may have been sent, but no answer was read (timeout, reset).
    NoAnswer,
}

impl Default for RetryPolicy {
    /// 3 retries, 250 ms doubling up to 5 s, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// The same policy with `max_retries` retries after the first attempt.
    pub fn max_retries(self, max_retries: u32) -> Self {
        Self {
            max_retries,
            ..self
        }
    }

    /// The same policy waiting `initial_backoff` (before jitter) before the first retry.
    pub fn initial_backoff(self, initial_backoff: Duration) -> Self {
        Self {
            initial_backoff,
            ..self
        }
    }

    /// The same policy waiting at most `max_backoff` (before jitter) between two attempts.
    pub fn max_backoff(self, max_backoff: Duration) -> Self {
        Self {
            max_backoff,
            ..self
        }
    }

    /// The same policy sleeping through a `Retry-After` of at most `max_retry_after`.
    pub fn max_retry_after(self, max_retry_after: Duration) -> Self {
        Self {
            max_retry_after,
            ..self
        }
    }

    /// The jittered wait before retry `retry` (0 for the first retry).
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        let ceiling = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let floor = ceiling / 2;
        if ceiling.is_zero() {
            return ceiling;
        }
        let nanos = rand::random_range(floor.as_nanos()..=ceiling.as_nanos());
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// How long to wait before retry `retry` after `outcome`, or `None` to give up.
    pub(crate) fn wait_before(
        &self,
        idempotency: Idempotency,
        outcome: Outcome,
        retry: u32,
    ) -> Option<Duration> {
        if retry >= self.max_retries || !idempotency.allows_retry(outcome) {
            return None;
        }
        match outcome {
            Outcome::Answered {
                retry_after: Some(wait),
                ..
            } => (wait <= self.max_retry_after).then_some(wait),
            _ => Some(self.backoff(retry)),
        }
    }
}

impl Idempotency {
    /// Whether an attempt with this outcome may be sent again.
    pub(crate) fn allows_retry(self, outcome: Outcome) -> bool {
        match (self, outcome) {
            (_, Outcome::ConnectFailed) => true,
            // A 429 is a refusal before anything was created: safe to send again.
            (Idempotency::ConnectOnly, Outcome::Answered { status: 429, .. }) => true,
            (Idempotency::ConnectOnly, _) => false,
            (Idempotency::Repeatable, Outcome::NoAnswer) => true,
            (Idempotency::Repeatable, Outcome::Answered { status, .. }) => {
                status == 429 || status >= 500
            }
        }
    }
}
