//! The in-process simulator, wiremock-style: `Simulator::builder()…start().await` serves on
//! `127.0.0.1:0`, `uri()` gives its base URL, dropping it shuts it down.

use crate::callbacks::CallbackPolicy;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use idenfy_model::support::redact_url;
use idenfy_model::{ApiCredentials, BodyStyle, Environment, SigningKey, WebhookEventType};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::SimError;
use crate::assumptions;
use crate::delivery::{
    Deliveries, Delivery, DeliveryConfig, DeliveryState, Duplicates, ShutdownReport,
};
use crate::routes::{self, BodyTimeout};
use crate::server::{self, ReadDeadlines};
use crate::state::{
    AppState, Balance, FaultInjection, RateLimiter, Settings, StartState, VerificationStore,
};

/// API key the simulator accepts unless configured.
pub const DEFAULT_API_KEY: &str = "sim-api-key";
/// API secret the simulator accepts unless configured.
pub const DEFAULT_API_SECRET: &str = "sim-api-secret";
/// Webhook signing key unless configured.
pub const DEFAULT_SIGNING_KEY: &str = "sim-signing-key";

/// A running simulator. Dropping it stops the server and its deliveries without waiting; use
/// [`Simulator::shutdown`] to let them finish.
pub struct Simulator {
    state: Arc<AppState>,
    addr: SocketAddr,
    credentials: ApiCredentials,
    signing_key: SigningKey,
    shutdown_grace: Duration,
    stop_server: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

/// Settings of a simulator; every setter consumes and returns the builder.
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    environment: Environment,
    credentials: ApiCredentials,
    signing_key: SigningKey,
    balance: Option<u64>,
    rate_limit_per_hour: u64,
    default_webhook_url: Option<String>,
    seed: Option<u64>,
    fixed_time: Option<i64>,
    retry_schedule: Vec<Duration>,
    delivery_timeout: Duration,
    auto_webhook_final: bool,
    fail_first_requests: (usize, u16),
    addr: SocketAddr,
    max_verifications: usize,
    max_verification_bytes: usize,
    max_deliveries: usize,
    external_callbacks: bool,
    http_callback_hosts: Vec<String>,
    shutdown_grace: Duration,
    hold_deliveries: bool,
    delivery_delay: Duration,
    duplicate_rate: f64,
    body_style: BodyStyle,
    idle_timeout: Duration,
    header_timeout: Duration,
    body_timeout: Duration,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            environment: Environment::Dev,
            credentials: ApiCredentials::new(DEFAULT_API_KEY, DEFAULT_API_SECRET),
            signing_key: SigningKey::new(DEFAULT_SIGNING_KEY),
            balance: None,
            rate_limit_per_hour: assumptions::DEFAULT_RATE_LIMIT_PER_HOUR,
            default_webhook_url: None,
            seed: None,
            fixed_time: None,
            retry_schedule: assumptions::DEFAULT_RETRY_SCHEDULE.to_vec(),
            delivery_timeout: assumptions::DEFAULT_DELIVERY_TIMEOUT,
            auto_webhook_final: assumptions::DEFAULT_AUTO_WEBHOOK_FINAL,
            fail_first_requests: (0, 500),
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            max_verifications: assumptions::DEFAULT_MAX_VERIFICATIONS,
            max_verification_bytes: assumptions::DEFAULT_MAX_VERIFICATION_BYTES,
            max_deliveries: assumptions::DEFAULT_MAX_DELIVERIES,
            external_callbacks: false,
            http_callback_hosts: Vec::new(),
            shutdown_grace: assumptions::DEFAULT_SHUTDOWN_GRACE,
            hold_deliveries: false,
            delivery_delay: Duration::ZERO,
            duplicate_rate: 0.0,
            body_style: assumptions::DEFAULT_BODY_STYLE,
            idle_timeout: assumptions::DEFAULT_IDLE_TIMEOUT,
            header_timeout: assumptions::DEFAULT_HEADER_TIMEOUT,
            body_timeout: assumptions::DEFAULT_BODY_TIMEOUT,
        }
    }
}

impl SimulatorBuilder {
    /// The environment the credentials belong to; default DEV.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The accepted API key pair; default [`DEFAULT_API_KEY`] / [`DEFAULT_API_SECRET`].
    pub fn credentials(mut self, credentials: ApiCredentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The webhook signing key; default [`DEFAULT_SIGNING_KEY`].
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.signing_key = key;
        self
    }

    /// Tokens that may still be created; default unlimited.
    pub fn balance(mut self, tokens: u64) -> Self {
        self.balance = Some(tokens);
        self
    }

    /// API requests allowed per hour; default 10,000.
    pub fn rate_limit_per_hour(mut self, limit: u64) -> Self {
        self.rate_limit_per_hour = limit;
        self
    }

    /// Where webhooks go for tokens without `callbackUrl`; default none (nothing is sent).
    pub fn default_webhook_url(mut self, url: impl Into<String>) -> Self {
        self.default_webhook_url = Some(url.into());
        self
    }

    /// Makes `scanRef`, `authToken`, `digitString` and fake data reproducible for the same
    /// sequence of requests; default a random seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Freezes the clock used in bodies (`startTime`, `finishTime`) at `unix_seconds`.
    pub fn fixed_time(mut self, unix_seconds: i64) -> Self {
        self.fixed_time = Some(unix_seconds);
        self
    }

    /// Delays between webhook attempts; its length is the number of retries. Default 3 retries
    /// 500 ms apart.
    pub fn retry_schedule(mut self, delays: Vec<Duration>) -> Self {
        self.retry_schedule = delays;
        self
    }

    /// Time limit of one webhook attempt; default 10 s.
    pub fn delivery_timeout(mut self, timeout: Duration) -> Self {
        self.delivery_timeout = timeout;
        self
    }

    /// `final` of `IDENTIFICATION_AUTO_FINISHED`; default `false` (a manual result may follow).
    pub fn auto_webhook_final(mut self, is_final: bool) -> Self {
        self.auto_webhook_final = is_final;
        self
    }

    /// Fault injection for client retry tests: the first `count` API requests answer `status`
    /// in iDenfy's error shape (429 as `TOO_MANY_REQUESTS`, 5xx as `INTERNAL_ERROR`). Other
    /// statuses make [`start`](Self::start) fail.
    pub fn fail_first_requests(mut self, count: usize, status: u16) -> Self {
        self.fail_first_requests = (count, status);
        self
    }

    /// The address to listen on; default `127.0.0.1:0` (a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Verifications kept before the oldest is forgotten; default 10,000.
    pub fn max_verifications(mut self, count: usize) -> Self {
        self.max_verifications = count;
        self
    }

    /// Total size of the request bodies kept with verifications before the oldest verification
    /// is forgotten; default 64 MiB.
    pub fn max_verification_bytes(mut self, bytes: usize) -> Self {
        self.max_verification_bytes = bytes;
        self
    }

    /// Delivery records kept before the oldest finished one is forgotten; default 20,000.
    pub fn max_deliveries(mut self, count: usize) -> Self {
        self.max_deliveries = count;
        self
    }

    /// Whether a `callbackUrl` to a host other than loopback is contacted; default `false`
    /// (its delivery is recorded as failed instead, so tests never reach the internet).
    pub fn external_callbacks(mut self, allowed: bool) -> Self {
        self.external_callbacks = allowed;
        self
    }

    /// Takes plain-http `callbackUrl`s to `host` (a docker-compose service name, say) and
    /// contacts them, as it does for loopback; may be given for several hosts.
    pub fn allow_http_callback_host(mut self, host: impl Into<String>) -> Self {
        self.http_callback_hosts.push(host.into());
        self
    }

    /// The most [`Simulator::shutdown`] waits, for requests in progress and queued webhooks
    /// together; default 5 s.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Whether webhooks are journaled as `HELD` and leave only when released
    /// ([`Simulator::release`], `POST /sim/webhooks/{id}/release`), in the order the test
    /// chooses; default `false` (sent at once).
    pub fn hold_deliveries(mut self, hold: bool) -> Self {
        self.hold_deliveries = hold;
        self
    }

    /// How long every webhook waits before its first attempt (so the token answer reaches
    /// the app first); default none, at most [`assumptions::MAX_DELIVERY_DELAY`].
    pub fn delivery_delay(mut self, delay: Duration) -> Self {
        self.delivery_delay = delay;
        self
    }

    /// The probability, in `0..=1`, that a delivered webhook is sent once more, identical
    /// (iDenfy's retry after a lost answer); drawn from the seed, so a run repeats. Default 0.
    pub fn duplicate_rate(mut self, rate: f64) -> Self {
        self.duplicate_rate = rate;
        self
    }

    /// The bytes of every webhook body: [`BodyStyle::Compact`] (the default, see
    /// [`assumptions::DEFAULT_BODY_STYLE`]) or Python's `", "`-separated, `\u`-escaped
    /// [`BodyStyle::SpacedAscii`]; a receiver must verify either.
    pub fn body_style(mut self, style: BodyStyle) -> Self {
        self.body_style = style;
        self
    }

    /// How long a connection may wait for the first byte of a request before it is closed (the
    /// idle keep-alive timeout); default 75 s.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How long a request head may take from its first byte to its last before the connection
    /// is closed; default 10 s.
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// How long a request body may take to arrive after its head before the answer is 408 and
    /// the connection is closed; default 30 s.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Binds the address and starts serving.
    pub async fn start(self) -> Result<Simulator, SimError> {
        self.check()?;
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| SimError::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: self.addr,
            source,
        })?;
        let seed = self.seed.unwrap_or_else(random_seed);
        let callbacks = CallbackPolicy::new(self.external_callbacks, &self.http_callback_hosts);
        let deliveries = Deliveries::start(
            DeliveryConfig {
                retry_schedule: self.retry_schedule,
                timeout: self.delivery_timeout,
                max_records: self.max_deliveries,
                max_in_flight: assumptions::MAX_CONCURRENT_DELIVERY_ATTEMPTS,
                default_url: self.default_webhook_url,
                callbacks: callbacks.clone(),
                hold: self.hold_deliveries,
                first_delay: self.delivery_delay,
                duplicates: (self.duplicate_rate > 0.0).then_some(Duplicates {
                    rate: self.duplicate_rate,
                    seed,
                }),
                body_style: self.body_style,
            },
            self.signing_key.clone(),
        )
        .map_err(|error| {
            SimError::InvalidConfig(format!("cannot build the webhook client: {error}"))
        })?;
        let (count, status) = self.fail_first_requests;
        let state = Arc::new(AppState {
            settings: Settings {
                environment: self.environment,
                credentials: self.credentials.clone(),
                signing_key: self.signing_key.clone(),
                callbacks,
                fixed_time: self.fixed_time,
                auto_webhook_final: self.auto_webhook_final,
                start: StartState {
                    seed,
                    balance: self.balance,
                    faults: self.fail_first_requests,
                },
            },
            verifications: Mutex::new(VerificationStore::new(
                self.max_verifications,
                self.max_verification_bytes,
            )),
            balance: Balance::new(self.balance),
            rate_limit: RateLimiter::new(self.rate_limit_per_hour),
            faults: FaultInjection::new(count, status),
            rng: Mutex::new(idenfy_gen::rng_from_seed(seed)),
            deliveries,
        });
        let (stop_server, stopped) = oneshot::channel::<()>();
        let app = routes::router(Arc::clone(&state), BodyTimeout(self.body_timeout));
        let deadlines = ReadDeadlines {
            idle: self.idle_timeout,
            header: self.header_timeout,
        };
        let server = tokio::spawn(server::serve(listener, app, deadlines, async {
            // A dropped sender means the simulator is gone: stop as well.
            let _ = stopped.await;
        }));
        Ok(Simulator {
            state,
            addr,
            credentials: self.credentials,
            signing_key: self.signing_key,
            shutdown_grace: self.shutdown_grace,
            stop_server: Some(stop_server),
            server: Some(server),
        })
    }

    /// Rejects settings the simulator cannot honour.
    fn check(&self) -> Result<(), SimError> {
        if let Some(url) = &self.default_webhook_url {
            let shown = redact_url(url);
            let parsed = idenfy_sender::Url::parse(url).map_err(|error| {
                SimError::InvalidConfig(format!(
                    "default webhook URL {shown:?} is invalid: {error}"
                ))
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(SimError::InvalidConfig(format!(
                    "default webhook URL {shown:?} must be http or https"
                )));
            }
        }
        let (count, status) = self.fail_first_requests;
        if count > 0 && assumptions::injected_fault(status).is_none() {
            return Err(SimError::InvalidConfig(format!(
                "fail_first_requests status {status} is not offered: use 429 or 500 to 599"
            )));
        }
        if !(0.0..=1.0).contains(&self.duplicate_rate) {
            return Err(SimError::InvalidConfig(format!(
                "duplicate rate {} is outside 0..=1",
                self.duplicate_rate
            )));
        }
        if self.delivery_delay > assumptions::MAX_DELIVERY_DELAY {
            return Err(SimError::InvalidConfig(format!(
                "delivery delay {:?} is longer than the most allowed, {:?}",
                self.delivery_delay,
                assumptions::MAX_DELIVERY_DELAY
            )));
        }
        if !self.environment.is_known() {
            return Err(SimError::InvalidConfig(format!(
                "unknown environment {:?}: use DEV, DEMO, TEST or PROD",
                self.environment.as_str()
            )));
        }
        Ok(())
    }
}

impl Simulator {
    /// A builder with every default.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// A DEV simulator with every default on `127.0.0.1:0`.
    pub async fn start() -> Result<Simulator, SimError> {
        Self::builder().start().await
    }

    /// The base URL, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the simulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted API key pair.
    pub fn credentials(&self) -> &ApiCredentials {
        &self.credentials
    }

    /// The key webhooks are signed with.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// Every kept webhook delivery, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries.deliveries(None, None)
    }

    /// The first `event` delivery for `scan_ref` that reached a final state (delivered or
    /// failed).
    pub async fn wait_for(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        timeout: Duration,
    ) -> Result<Delivery, SimError> {
        let mut found = self.wait_for_count(scan_ref, event, 1, timeout).await?;
        Ok(found.remove(0))
    }

    /// The first `count` `event` deliveries for `scan_ref` that reached a final state, once
    /// there are that many (for repeated manual reviews). `count` 0 returns at once.
    pub async fn wait_for_count(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, SimError> {
        self.state
            .wait_for_finished(scan_ref, event, count, timeout)
            .await
    }

    /// The first `event` delivery for `scan_ref` once it was delivered; an error naming every
    /// attempt when it failed.
    pub async fn wait_for_delivered(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        timeout: Duration,
    ) -> Result<Delivery, SimError> {
        delivered(self.wait_for(scan_ref, event, timeout).await?)
    }

    /// The automatic result of `scan_ref` once delivered: `IDENTIFICATION_AUTO_FINISHED`, or
    /// `IDENTIFICATION_EXPIRED` for a verification that expired instead; an error naming every
    /// attempt when it failed.
    pub async fn wait_for_auto(
        &self,
        scan_ref: &str,
        timeout: Duration,
    ) -> Result<Delivery, SimError> {
        let finished = tokio::select! {
            auto = self.wait_for(scan_ref, &WebhookEventType::IdentificationAutoFinished, timeout) => auto,
            expired = self.wait_for(scan_ref, &WebhookEventType::IdentificationExpired, timeout) => expired,
        };
        match finished {
            Err(SimError::WaitTimeout { .. }) => Err(SimError::WaitTimeout {
                scan_ref: scan_ref.to_owned(),
                event: WebhookEventType::IdentificationAutoFinished,
                timeout,
            }),
            other => delivered(other?),
        }
    }

    /// Back to the start state: no verifications, an empty journal (ids keep increasing), the
    /// start balance and faults, a new rate-limit window, and the seeded generator at its
    /// seed, so the same calls repeat byte for byte. Attempts in flight are not recorded.
    pub fn reset(&self) {
        self.state.reset(None);
    }

    /// [`Self::reset`], with the seeded generator restarted at `seed` instead of the start
    /// seed: the `scanRef`s that follow are new to a receiver that keeps state between tests.
    pub fn reset_with_seed(&self, seed: u64) {
        self.state.reset(Some(seed));
    }

    /// Sends a `HELD` delivery now (see [`SimulatorBuilder::hold_deliveries`]); it leaves
    /// once the deliveries of its verification released before it finished.
    pub fn release(&self, id: u64) -> Result<Delivery, SimError> {
        self.state.deliveries.release(id)
    }

    /// Sends delivery `id`'s exact bytes and signature again, as a new delivery whose
    /// `redelivery_of` is `id` (iDenfy's retry, on demand); returns the new delivery.
    pub fn redeliver(&self, id: u64) -> Result<Delivery, SimError> {
        self.state.deliveries.redeliver(id)
    }

    /// Stops gracefully: stops accepting connections, lets requests in progress finish and
    /// queued webhooks go out, all within one shutdown grace, and reports those it did not
    /// send.
    pub async fn shutdown(mut self) -> ShutdownReport {
        let deadline = tokio::time::Instant::now() + self.shutdown_grace;
        if let Some(stop) = self.stop_server.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout_at(deadline, server).await.is_err() {
                abort.abort();
            }
        }
        self.state.deliveries.drain(deadline).await
    }

    /// Runs until `signal` completes, then shuts down gracefully. For binaries: start, print
    /// [`uri`](Self::uri), then `serve_until(ctrl_c())`.
    pub async fn serve_until(self, signal: impl Future<Output = ()>) -> ShutdownReport {
        signal.await;
        self.shutdown().await
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop_server.take() {
            let _ = stop.send(());
        }
        self.state.deliveries.stop();
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("addr", &self.addr)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// `delivery` when it was delivered; otherwise an error naming its attempts.
fn delivered(delivery: Delivery) -> Result<Delivery, SimError> {
    if delivery.state == DeliveryState::Delivered {
        return Ok(delivery);
    }
    let attempts = delivery
        .attempts
        .iter()
        .map(|attempt| match (&attempt.status, &attempt.error) {
            (Some(status), _) => format!("attempt {} answered {status}", attempt.number),
            (None, Some(error)) => format!("attempt {}: {error}", attempt.number),
            (None, None) => format!("attempt {}", attempt.number),
        })
        .collect::<Vec<_>>()
        .join("; ");
    Err(SimError::DeliveryFailed {
        scan_ref: delivery.scan_ref.clone(),
        event: delivery.event.clone(),
        attempts,
        delivery: Box::new(delivery),
    })
}

/// A seed from the standard library's per-process random hasher keys.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}
