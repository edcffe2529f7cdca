//! Posts webhooks to a receiver the way iDenfy delivers them: `POST` with
//! `Content-Type: application/json`, `Idenfy-Signature` and `Idenfy-Event-Type`, the exact body
//! bytes, no proxy, no redirect followed, one time limit for the whole exchange.
//!
//! This is the one webhook sender of the workspace: the simulator's delivery engine
//! (`idenfy-sim`) and the client tools (`idenfy-live`, the `idenfy-testkit` binary) both send
//! through it, so a receiver meets the same request whichever of them sent it. It lives in
//! a crate of its own because `idenfy-sim` and `idenfy-live` never depend on each other.
//!
//! ```no_run
//! # async fn example() -> Result<(), idenfy_sender::SenderError> {
//! use std::time::Duration;
//! use idenfy_sender::{Outgoing, Sender};
//!
//! let sender = Sender::new(Duration::from_secs(5))?;
//! let url = "http://127.0.0.1:3000/webhooks/idenfy".parse().expect("a URL");
//! let body = bytes::Bytes::from_static(br#"{"final":true}"#);
//! match sender.send(&url, &Outgoing { body, signature: Some("…"), event: "IDENTIFICATION_MANUAL_FINISHED" }).await {
//!     Ok(answer) => println!("answered {} in {:?}", answer.status, answer.elapsed),
//!     Err(no_answer) => println!("no answer: {no_answer}"),
//! }
//! # Ok(()) }
//! ```

use std::time::{Duration, Instant};

use bytes::Bytes;
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::support::{clip, error_chain};
pub use reqwest::Url;

/// Longest piece of an answer's body kept, in characters.
pub const BODY_EXCERPT_CHARS: usize = 200;

/// Sends webhooks; cheap to clone (clones share one connection pool).
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    timeout: Duration,
}

/// One webhook request.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The exact body bytes; cloning [`Bytes`] shares them.
    pub body: Bytes,
    /// The `Idenfy-Signature` value; `None` leaves the header out (a forgery).
    pub signature: Option<&'a str>,
    /// The `Idenfy-Event-Type` value.
    pub event: &'a str,
}

/// How the receiver answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// From sending to the whole answer read.
    pub elapsed: Duration,
    /// The first [`BODY_EXCERPT_CHARS`] characters of the answer's body, lossily decoded.
    pub body_excerpt: String,
    /// The `Location` header of a redirect, which is never followed.
    pub location: Option<String>,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
#[non_exhaustive]
pub struct NoAnswer {
    /// What kind of failure it was.
    pub kind: NoAnswerKind,
    /// The underlying causes, outermost first (never the URL).
    pub cause: String,
    /// The time limit that applied.
    pub timeout: Duration,
    /// From sending to giving up.
    pub elapsed: Duration,
}

/// What kind of failure left a webhook unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoAnswerKind {
    /// No answer within the time limit.
    Timeout,
    /// No connection could be made (nothing listening, refused, unreachable).
    Connect,
    /// The connection broke or the answer was not HTTP.
    Other,
}

/// What can go wrong setting up a [`Sender`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SenderError {
    /// The HTTP client could not be built (no TLS backend, for instance).
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

impl Sender {
    /// A sender whose every exchange may take up to `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, SenderError> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .build()
            .map_err(|error| SenderError::Client(error_chain(&error)))?;
        Ok(Self { client, timeout })
    }

    /// The time limit of one exchange.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Posts `webhook` to `url` and reads the whole answer.
    pub async fn send(&self, url: &Url, webhook: &Outgoing<'_>) -> Result<Answer, NoAnswer> {
        let mut post = self
            .client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_TYPE_HEADER, webhook.event)
            .body(webhook.body.clone());
        if let Some(signature) = webhook.signature {
            post = post.header(SIGNATURE_HEADER, signature);
        }
        let started = Instant::now();
        let response = post
            .send()
            .await
            .map_err(|error| self.no_answer(&error, started))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let body = response
            .bytes()
            .await
            .map_err(|error| self.no_answer(&error, started))?;
        Ok(Answer {
            status,
            elapsed: started.elapsed(),
            body_excerpt: clip(&String::from_utf8_lossy(&body), BODY_EXCERPT_CHARS),
            location,
        })
    }

    fn no_answer(&self, error: &reqwest::Error, started: Instant) -> NoAnswer {
        let kind = if error.is_timeout() {
            NoAnswerKind::Timeout
        } else if error.is_connect() {
            NoAnswerKind::Connect
        } else {
            NoAnswerKind::Other
        };
        NoAnswer {
            kind,
            // The causes only: reqwest's own message repeats the URL, user info included.
            cause: std::error::Error::source(error).map_or_else(|| error.to_string(), error_chain),
            timeout: self.timeout,
            elapsed: started.elapsed(),
        }
    }
}

impl Answer {
    /// Whether the receiver accepted the webhook (2xx), as iDenfy judges a delivery.
    pub fn is_accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl NoAnswer {
    /// One line: "timed out after 500 ms", "connection failed: …", "request failed: …".
    fn describe(&self) -> String {
        match self.kind {
            NoAnswerKind::Timeout => format!("timed out after {} ms", self.timeout.as_millis()),
            NoAnswerKind::Connect => format!("connection failed: {}", self.cause),
            NoAnswerKind::Other => format!("request failed: {}", self.cause),
        }
    }
}
