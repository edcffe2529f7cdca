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
    /// The receiver's HTTPS certificate is not trusted; `cause` says why in words.
    Certificate,
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
    /// Extra trusted certificates that are not PEM certificates.
    #[error("{source_name} holds no PEM certificate: {reason}")]
    Certificate {
        /// Where the certificates came from (a file name).
        source_name: String,
        /// What was wrong.
        reason: String,
    },
}

/// Which HTTPS receivers a [`Sender`] trusts besides the public web's authorities: the
/// certificates of a private authority (mkcert's, a company's), or, loudly, any certificate.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    authorities: Vec<(String, Vec<u8>)>,
    any_certificate: bool,
}

impl Trust {
    /// Also trusts the PEM certificates in `pem` (one or more), read from `source_name`.
    pub fn with_authorities(mut self, source_name: impl Into<String>, pem: Vec<u8>) -> Self {
        self.authorities.push((source_name.into(), pem));
        self
    }

    /// Accepts any certificate, expired, self-signed or for another host: for a receiver whose
    /// certificate cannot be had otherwise, never for anything that matters.
    pub fn accepting_any_certificate(mut self) -> Self {
        self.any_certificate = true;
        self
    }

    /// `builder` trusting as this says: for the other HTTP clients of a tool that sends
    /// webhooks (a probe, a setup call), so they trust what its [`Sender`] trusts.
    pub fn configure(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, SenderError> {
        builder = builder.danger_accept_invalid_certs(self.any_certificate);
        for (source_name, pem) in &self.authorities {
            let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|error| {
                SenderError::Certificate {
                    source_name: source_name.clone(),
                    reason: error_chain(&error),
                }
            })?;
            if certificates.is_empty() {
                return Err(SenderError::Certificate {
                    source_name: source_name.clone(),
                    reason: "no -----BEGIN CERTIFICATE----- block".to_owned(),
                });
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        Ok(builder)
    }
}

impl Sender {
    /// A sender whose every exchange may take up to `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, SenderError> {
        Self::with_trust(timeout, &Trust::default())
    }

    /// [`Self::new`], trusting HTTPS receivers as `trust` says.
    pub fn with_trust(timeout: Duration, trust: &Trust) -> Result<Self, SenderError> {
        let builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout);
        let client = trust
            .configure(builder)?
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
        // The causes only: reqwest's own message repeats the URL, user info included.
        let cause = std::error::Error::source(error).map_or_else(|| error.to_string(), error_chain);
        let (kind, cause) = if error.is_timeout() {
            (NoAnswerKind::Timeout, cause)
        } else if let Some(problem) = certificate_problem(&cause) {
            (NoAnswerKind::Certificate, problem.to_owned())
        } else if error.is_connect() {
            (NoAnswerKind::Connect, cause)
        } else {
            (NoAnswerKind::Other, cause)
        };
        NoAnswer {
            kind,
            cause,
            timeout: self.timeout,
            elapsed: started.elapsed(),
        }
    }
}

/// What is wrong with a refused server certificate, in words, from the TLS library's message
/// (`invalid peer certificate: UnknownIssuer` and the like); `None` when `cause` is not about
/// the certificate.
fn certificate_problem(cause: &str) -> Option<&'static str> {
    let (_, detail) = cause.split_once("invalid peer certificate: ")?;
    const PROBLEMS: &[(&str, &str)] = &[
        (
            "UnknownIssuer",
            "it is signed by an authority this machine does not trust",
        ),
        (
            "CaUsedAsEndEntity",
            "it is an authority's certificate, served as the server's own",
        ),
        ("Expired", "it has expired"),
        ("NotValidYet", "it is not valid yet"),
        ("NotValidForName", "it is for another host name"),
        ("Revoked", "it has been revoked"),
        ("BadSignature", "its signature does not verify"),
        ("BadEncoding", "it is not a well-formed certificate"),
    ];
    Some(
        PROBLEMS
            .iter()
            .find(|(name, _)| detail.contains(name))
            .map_or("the TLS library refused it", |(_, problem)| problem),
    )
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
            NoAnswerKind::Certificate => {
                format!(
                    "the endpoint's HTTPS certificate is not trusted: {}",
                    self.cause
                )
            }
            NoAnswerKind::Other => format!("request failed: {}", self.cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::certificate_problem;

    #[test]
    fn certificate_problems_are_said_in_words() {
        let cause = |detail| format!("client error (Connect): invalid peer certificate: {detail}");
        assert_eq!(
            certificate_problem(&cause("Other(OtherError(CaUsedAsEndEntity))")),
            Some("it is an authority's certificate, served as the server's own")
        );
        assert_eq!(
            certificate_problem(&cause("NotValidForNameContext { expected: x }")),
            Some("it is for another host name")
        );
        assert_eq!(
            certificate_problem(&cause("Something new")),
            Some("the TLS library refused it")
        );
        assert_eq!(
            certificate_problem("tcp connect error: Connection refused"),
            None
        );
    }
}
