//! A local webhook endpoint for tests: it records every webhook, checks `Idenfy-Signature`, and
//! answers 200 or a configured status so the sender's retries can be exercised.
//!
//! ```no_run
//! # async fn example() -> Result<(), idenfy_live::Error> {
//! use std::time::Duration;
//! use idenfy_live::WebhookReceiver;
//! use idenfy_model::{SigningKey, WebhookEventType};
//!
//! let receiver = WebhookReceiver::start(SigningKey::new("my-signing-key")).await?;
//! // Create a token with `callbackUrl: receiver.url()`, then:
//! let webhook = receiver
//!     .next_for("the-scan-ref", &WebhookEventType::IdentificationAutoFinished, Duration::from_secs(10))
//!     .await?;
//! assert!(webhook.signature.is_valid());
//! # Ok(()) }
//! ```

mod record;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use idenfy_model::support::lock;
use idenfy_model::{SigningKey, WebhookEventType};
use tokio::sync::{oneshot, watch};

pub use record::{ReceivedWebhook, SignatureCheck};

use crate::error::Error;
use record::Log;

/// The path [`WebhookReceiver::url`] points at. The receiver accepts POSTs on any path.
pub const WEBHOOK_PATH: &str = "/webhook";

/// A running webhook receiver. Clones share it; dropping the last clone stops the server.
///
/// `Debug` shows the URL and how many requests arrived, never the signing key.
#[derive(Clone)]
pub struct WebhookReceiver {
    inner: Arc<Inner>,
}

/// Configures a [`WebhookReceiver`]; every setter consumes and returns the builder.
#[derive(Debug, Clone)]
pub struct ReceiverBuilder {
    signing_key: SigningKey,
    addr: SocketAddr,
    public_url: Option<String>,
    status: u16,
    failures: usize,
    failure_status: u16,
}

struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    url: String,
    shutdown: Mutex<Option<oneshot::Sender<()>>>,
}

/// What the server task and the handle share.
struct Shared {
    signing_key: SigningKey,
    status: u16,
    failures: usize,
    failure_status: u16,
    log: Mutex<Log>,
    /// Bumped after every recorded request, to wake `next_for`.
    recorded: watch::Sender<usize>,
}

impl WebhookReceiver {
    /// A builder: loopback on a free port, answering 200 to every correctly signed webhook.
    pub fn builder(signing_key: SigningKey) -> ReceiverBuilder {
        ReceiverBuilder {
            signing_key,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            public_url: None,
            status: 200,
            failures: 0,
            failure_status: 503,
        }
    }

    /// Starts a receiver on `127.0.0.1:0` that verifies signatures with `signing_key` and
    /// answers 200 (401 to a missing or invalid signature).
    pub async fn start(signing_key: SigningKey) -> Result<WebhookReceiver, Error> {
        Self::builder(signing_key).start().await
    }

    /// The URL to give as `callbackUrl`: the public URL if one was configured, else
    /// `http://127.0.0.1:PORT/webhook`.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The local address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// Every request received so far, oldest first, whatever its signature or answer.
    pub fn received(&self) -> Vec<ReceivedWebhook> {
        self.inner.shared.log().received.clone()
    }

    /// The next accepted webhook (valid signature, answered 2xx) for `scan_ref` with event
    /// `event` that no earlier call returned, waiting up to `timeout` for it to arrive.
    ///
    /// Webhooks the receiver refused (bad signature, a configured failure status) are in
    /// [`WebhookReceiver::received`] but never returned here, so when the sender retries after a
    /// configured failure, this returns the delivery that finally got through.
    pub async fn next_for(
        &self,
        scan_ref: &str,
        event: &WebhookEventType,
        timeout: Duration,
    ) -> Result<ReceivedWebhook, Error> {
        let shared = &self.inner.shared;
        let mut recorded = shared.recorded.subscribe();
        let wait = async {
            loop {
                if let Some(webhook) = shared.log().take(scan_ref, event) {
                    return webhook;
                }
                recorded
                    .changed()
                    .await
                    .expect("the sender lives as long as the receiver");
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .map_err(|_| Error::WebhookTimeout {
                scan_ref: scan_ref.to_owned(),
                event: event.clone(),
                waited: timeout,
            })
    }
}

impl ReceiverBuilder {
    /// The address to listen on; default `127.0.0.1:0`. A fixed port lets a tunnel forward a
    /// public HTTPS URL to the receiver.
    pub fn addr(self, addr: SocketAddr) -> Self {
        Self { addr, ..self }
    }

    /// The URL the sender reaches the receiver at, when it is not the local one (a tunnel to
    /// [`ReceiverBuilder::addr`]); [`WebhookReceiver::url`] then returns it.
    pub fn public_url(self, url: impl Into<String>) -> Self {
        Self {
            public_url: Some(url.into()),
            ..self
        }
    }

    /// The status to answer correctly signed webhooks with; default 200.
    pub fn respond_with(self, status: u16) -> Self {
        Self { status, ..self }
    }

    /// Answers the first `count` correctly signed webhooks with `status` (e.g. 503), the rest
    /// as usual: for testing that the sender retries.
    pub fn fail_first(self, count: usize, status: u16) -> Self {
        Self {
            failures: count,
            failure_status: status,
            ..self
        }
    }

    /// Binds and starts serving.
    pub async fn start(self) -> Result<WebhookReceiver, Error> {
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| Error::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: self.addr,
            source,
        })?;
        let shared = Arc::new(Shared {
            signing_key: self.signing_key,
            status: self.status,
            failures: self.failures,
            failure_status: self.failure_status,
            log: Mutex::new(Log::default()),
            recorded: watch::Sender::new(0),
        });
        let router = Router::new()
            .fallback(receive)
            .with_state(Arc::clone(&shared));
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                tracing::warn!(%error, "webhook receiver stopped");
            }
        });
        let url = self
            .public_url
            .unwrap_or_else(|| format!("http://{addr}{WEBHOOK_PATH}"));
        Ok(WebhookReceiver {
            inner: Arc::new(Inner {
                shared,
                addr,
                url,
                shutdown: Mutex::new(Some(shutdown)),
            }),
        })
    }
}

impl Shared {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        lock(&self.log)
    }

    /// The answer to a correctly signed webhook, given how many such came before it.
    fn answer_for(&self, earlier_valid: usize) -> u16 {
        if earlier_valid < self.failures {
            self.failure_status
        } else {
            self.status
        }
    }
}

impl std::fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("url", &self.inner.url)
            .field("addr", &self.inner.addr)
            .field("received", &self.inner.shared.log().received.len())
            .finish_non_exhaustive()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(shutdown) = lock(&self.shutdown).take() {
            let _ = shutdown.send(());
        }
    }
}

/// Records one request and answers it: 405 to anything but POST (not recorded), 401 to a
/// missing or invalid signature, the configured status otherwise.
async fn receive(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if method != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED;
    }
    let headers = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut record = ReceivedWebhook::read(
        &shared.signing_key,
        uri.path().to_owned(),
        headers,
        body.to_vec(),
    );
    let answered = {
        let mut log = shared.log();
        record.answered = if record.signature.is_valid() {
            shared.answer_for(log.validly_signed)
        } else {
            401
        };
        let answered = record.answered;
        log.push(record);
        answered
    };
    shared.recorded.send_modify(|count| *count += 1);
    StatusCode::from_u16(answered).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
