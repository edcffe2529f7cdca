//! Posting one webhook to an endpoint the way the simulator delivers it: `POST` with
//! `Content-Type: application/json`, `Idenfy-Signature` and `Idenfy-Event-Type`, no proxy, no
//! redirects followed; answered with the status code and the time it took.

use std::time::{Duration, Instant};

use anyhow::Context;
use idenfy_model::WebhookEventType;
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use reqwest::Url;

use crate::exit::UsageError;

/// Longest piece of an answer's body kept for messages, in characters.
const BODY_EXCERPT_CHARS: usize = 200;

/// Sends webhooks to one endpoint.
pub struct Sender {
    client: reqwest::Client,
    url: Url,
}

/// One webhook request; `signature: None` leaves the header out.
pub struct Request<'a> {
    /// The exact body.
    pub body: &'a [u8],
    /// The `Idenfy-Signature` value.
    pub signature: Option<&'a str>,
    /// The `Idenfy-Event-Type`.
    pub event: &'a WebhookEventType,
}

/// How the endpoint answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: reqwest::StatusCode,
    /// From sending to the whole answer read.
    pub elapsed: Duration,
    /// The start of the answer's body, for messages.
    pub body_excerpt: String,
}

impl Sender {
    /// A sender to `url`, which must be an absolute `http` or `https` URL; each request may
    /// take up to `timeout`.
    pub fn new(url: &str, timeout: Duration) -> anyhow::Result<Self> {
        let parsed = Url::parse(url)
            .ok()
            .filter(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host())
            .ok_or_else(|| {
                UsageError(format!(
                    "--to {url:?} is not an absolute http:// or https:// URL, e.g. \
                     http://127.0.0.1:3000/webhooks/idenfy"
                ))
            })?;
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Self {
            client,
            url: parsed,
        })
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Sends `request`; an error says why no answer came (refused, timed out, …).
    pub async fn send(&self, request: &Request<'_>) -> anyhow::Result<Answer> {
        let mut post = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_TYPE_HEADER, request.event.as_str())
            .body(request.body.to_vec());
        if let Some(signature) = request.signature {
            post = post.header(SIGNATURE_HEADER, signature);
        }
        let started = Instant::now();
        let response = post.send().await.map_err(|error| self.no_answer(&error))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| self.no_answer(&error))?;
        let body_excerpt = String::from_utf8_lossy(&body)
            .chars()
            .take(BODY_EXCERPT_CHARS)
            .collect();
        Ok(Answer {
            status,
            elapsed: started.elapsed(),
            body_excerpt,
        })
    }

    /// Why no answer came, named by its root cause, and what to check.
    fn no_answer(&self, error: &reqwest::Error) -> anyhow::Error {
        let mut root: &dyn std::error::Error = error;
        while let Some(cause) = root.source() {
            root = cause;
        }
        let url = &self.url;
        if error.is_timeout() {
            anyhow::anyhow!("{url} did not answer in time ({root}); raise --timeout if it is slow")
        } else if error.is_connect() {
            anyhow::anyhow!(
                "cannot connect to {url}: {root}; is the server running and listening there?"
            )
        } else {
            anyhow::anyhow!("sending to {url} failed: {root}")
        }
    }
}

impl Answer {
    /// Whether the endpoint accepted the webhook (2xx), as iDenfy judges a delivery.
    pub fn is_accepted(&self) -> bool {
        self.status.is_success()
    }
}
