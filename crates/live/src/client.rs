//! The HTTP client: configuration, HTTP Basic authentication, retries and raw answers.
//!
//! The typed calls live one file per API resource (`token.rs`, `dummy.rs`, `status.rs`); they
//! all go through [`Client::send_raw`] and [`RawResponse::decode`].

use std::time::Duration;

use idenfy_model::ApiCredentials;
use idenfy_model::support::redact_url;
use idenfy_model::validation::{is_https_or_loopback, is_loopback_host};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{Error, FailedAnswer, HttpError, classify, excerpt};
use crate::retry::{Idempotency, Outcome, RetryPolicy};

/// iDenfy's API host; the key pair decides the environment (DEV, DEMO, TEST, PROD).
pub const DEFAULT_BASE_URL: &str = "https://ivs.idenfy.com";

/// How long one attempt may take by default, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// An async client of iDenfy's verification API. Cheap to clone; clones share connections.
///
/// `Debug` shows the base URL and the API key, never the secret.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Url,
    credentials: ApiCredentials,
    retry: RetryPolicy,
}

/// Configures a [`Client`]; every setter consumes and returns the builder.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: ApiCredentials,
    timeout: Duration,
    retry: RetryPolicy,
}

/// An API endpoint the client can call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /api/v2/token`: creates a verification; costs money, not idempotent.
    Token,
    /// `POST /api/v2/add-dummy-status`: forces a manual result (DEV only).
    AddDummyStatus,
    /// `POST /api/v2/status`: reads a verification's statuses.
    Status,
}

/// An HTTP answer as received, for callers who check status codes and bodies themselves
/// (contract snapshots, error-shape tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body's bytes.
    pub body: Vec<u8>,
    /// `Retry-After`, parsed, if the answer had one.
    pub retry_after: Option<Duration>,
    /// Requests sent to get this answer, retries included.
    pub attempts: u32,
    api_key: String,
    local: bool,
}

impl Client {
    /// A builder for a client with these credentials, the default base URL
    /// ([`DEFAULT_BASE_URL`]), timeout ([`DEFAULT_TIMEOUT`]) and [`RetryPolicy::default`].
    pub fn builder(credentials: ApiCredentials) -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// A client configured from `IDENFY_API_KEY`, `IDENFY_API_SECRET` and, optionally,
    /// `IDENFY_BASE_URL` (default [`DEFAULT_BASE_URL`]).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL every endpoint path is joined to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The API key requests are sent with.
    pub fn api_key(&self) -> &str {
        self.credentials.key()
    }

    /// Sends `body` to `endpoint` and returns whatever HTTP answer arrives last.
    ///
    /// Retries follow the client's [`RetryPolicy`] and the endpoint's [`Idempotency`]: a 429 or
    /// 5xx answer that may not or need not be retried is returned as it is. Only transport
    /// failures are errors here; [`RawResponse::decode`] turns the answer into a typed result.
    pub async fn send_raw<B: Serialize + ?Sized>(
        &self,
        endpoint: Endpoint,
        body: &B,
    ) -> Result<RawResponse, Error> {
        let url = self
            .base_url
            .join(endpoint.path())
            .expect("endpoint paths are relative references");
        let idempotency = endpoint.idempotency();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = self
                .http
                .post(url.clone())
                .header(AUTHORIZATION, self.authorization())
                .json(body)
                .send()
                .await;
            let (outcome, answer) = match result {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = parse_retry_after(response.headers());
                    let outcome = Outcome::Answered {
                        status,
                        retry_after,
                    };
                    let answer = response.bytes().await.map(|body| RawResponse {
                        status,
                        body: body.to_vec(),
                        retry_after,
                        attempts,
                        api_key: self.credentials.key().to_owned(),
                        local: is_loopback_host(&self.base_url),
                    });
                    match answer {
                        Ok(answer) => (outcome, Ok(answer)),
                        Err(source) => (Outcome::NoAnswer, Err(source)),
                    }
                }
                Err(source) if source.is_connect() => (Outcome::ConnectFailed, Err(source)),
                Err(source) => (Outcome::NoAnswer, Err(source)),
            };
            let retry = attempts - 1;
            match self.retry.wait_before(idempotency, outcome, retry) {
                Some(wait) => {
                    tracing::debug!(
                        ?endpoint,
                        attempt = attempts,
                        ?outcome,
                        wait_ms = wait.as_millis(),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                None => {
                    tracing::debug!(?endpoint, attempts, ?outcome, "answered");
                    return answer.map_err(|source| Error::Transport {
                        attempts,
                        source: HttpError::new(source),
                    });
                }
            }
        }
    }

    /// Sends `body` to `endpoint` and decodes a success answer as `T`.
    pub(crate) async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: &B,
    ) -> Result<T, Error> {
        self.send_raw(endpoint, body).await?.decode()
    }

    fn authorization(&self) -> HeaderValue {
        let mut value = HeaderValue::from_str(&self.credentials.authorization_header())
            .expect("base64 is a valid header value");
        value.set_sensitive(true);
        value
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url.as_str())
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder from `IDENFY_API_KEY`, `IDENFY_API_SECRET` and, optionally, `IDENFY_BASE_URL`.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// A builder from the same variables as [`ClientBuilder::from_env`], looked up with `var`
    /// (a config file, a test's map). Empty values count as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
        let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let key = var("IDENFY_API_KEY").ok_or(Error::MissingEnvironmentVariable {
            name: "IDENFY_API_KEY",
            hint: "the API key of a DEV key pair, from the dashboard's API keys page",
        })?;
        let secret = var("IDENFY_API_SECRET").ok_or(Error::MissingEnvironmentVariable {
            name: "IDENFY_API_SECRET",
            hint: "the API secret of the same key pair as IDENFY_API_KEY",
        })?;
        let builder = Client::builder(ApiCredentials::new(key, secret));
        Ok(match var("IDENFY_BASE_URL") {
            Some(base_url) => builder.base_url(base_url),
            None => builder,
        })
    }

    /// The API's base URL, e.g. a simulator's `http://127.0.0.1:PORT`. Must be `https://`, or
    /// `http://` to a loopback host.
    pub fn base_url(self, base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            ..self
        }
    }

    /// How long one attempt may take, connection included.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self { timeout, ..self }
    }

    /// When and how patiently to retry.
    pub fn retry_policy(self, retry: RetryPolicy) -> Self {
        Self { retry, ..self }
    }

    /// The client, or why the configuration is refused.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = parse_base_url(&self.base_url)?;
        let loopback = is_loopback_host(&base_url);
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .https_only(!loopback)
            // A redirect could carry the request (personal data, credentials) elsewhere,
            // over plain http; iDenfy's API never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("idenfy-live/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A system proxy must never see loopback traffic or its Basic credentials.
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|error| Error::HttpClient(HttpError::new(error)))?;
        Ok(Client {
            http,
            base_url,
            credentials: self.credentials,
            retry: self.retry,
        })
    }
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: &'static [Endpoint] =
        &[Endpoint::Token, Endpoint::AddDummyStatus, Endpoint::Status];

    /// The path, relative to the base URL.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Token => "api/v2/token",
            Endpoint::AddDummyStatus => "api/v2/add-dummy-status",
            Endpoint::Status => "api/v2/status",
        }
    }

    /// Which failures it may be retried after.
    pub fn idempotency(self) -> Idempotency {
        match self {
            Endpoint::Token => Idempotency::ConnectOnly,
            Endpoint::AddDummyStatus | Endpoint::Status => Idempotency::Repeatable,
        }
    }
}

impl RawResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON, or [`Error::UndecodableBody`].
    pub fn json(&self) -> Result<serde_json::Value, Error> {
        self.parse()
    }

    /// A 2xx body decoded as `T`; any other answer as the matching [`Error`].
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.is_success() {
            self.parse()
        } else {
            Err(classify(FailedAnswer {
                status: self.status,
                body: &self.body,
                retry_after: self.retry_after,
                attempts: self.attempts,
                api_key: &self.api_key,
                local: self.local,
            }))
        }
    }

    fn parse<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|error| Error::UndecodableBody {
            status: self.status,
            reason: error.to_string(),
            body: excerpt(&String::from_utf8_lossy(&self.body)),
        })
    }
}

/// Parses and checks a base URL: absolute, no credentials in it, HTTPS unless loopback, and
/// ending in `/` so endpoint paths join below it.
fn parse_base_url(text: &str) -> Result<Url, Error> {
    let invalid = |reason: &str| Error::InvalidUrl {
        url: redact_url(text),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(text).map_err(|error| invalid(&error.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::InvalidUrl {
            url: "<redacted: the URL holds credentials>".to_owned(),
            reason: "credentials go in IDENFY_API_KEY and IDENFY_API_SECRET, not in the URL"
                .to_owned(),
        });
    }
    if !is_https_or_loopback(&url) {
        return Err(if url.scheme() == "http" {
            Error::InsecureUrl {
                url: redact_url(text),
            }
        } else {
            invalid("the scheme must be https (or http for loopback hosts)")
        });
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// `Retry-After` as seconds or an HTTP date; a date in the past means "now".
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}
