//! The crate's one error type, and how an HTTP answer that is not a success becomes one.
//!
//! Every variant says what went wrong and what to do about it. No variant ever holds the API
//! secret or the webhook signing key.

use std::net::SocketAddr;
use std::time::Duration;

use idenfy_model::error::messages;
use idenfy_model::support::{clip, error_chain, key_prefix, redact_url};
use idenfy_model::{ErrorIdentifier, WebhookEventType};
use serde::Deserialize;

/// How long [`Error::RateLimited`] tells a caller to wait when iDenfy sends no `Retry-After`.
///
/// iDenfy documents an hourly request limit ("Requests per hour limit has been reached") but no
/// header saying when it resets, so this is a guess: long enough not to hammer the API, short
/// enough to notice a limit that was only briefly exceeded.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// Longest body excerpt an error carries, in characters.
pub const BODY_EXCERPT_CHARS: usize = 512;

/// Everything that can go wrong when talking to iDenfy or receiving its webhooks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: the API key pair was refused.
    #[error("unauthorized: the API key {key_prefix} or its secret was refused ({message}); {fix}")]
    Unauthorized {
        /// The start of the API key that was sent, as
        /// [`key_prefix`](idenfy_model::support::key_prefix) shows it: enough to tell keys
        /// apart, never the whole key.
        key_prefix: String,
        /// iDenfy's message.
        message: String,
        /// What to check: the dashboard for iDenfy, the `serve` flags for a local simulator.
        fix: &'static str,
    },
    /// The dummy endpoints were called with a key pair of another environment than DEV.
    #[error(
        "wrong environment: this API key belongs to a {environment} partner, but dummy results \
         work only in the DEV environment; use a DEV key pair ({message})"
    )]
    WrongEnvironment {
        /// The environment named in iDenfy's message.
        environment: PartnerEnvironment,
        /// iDenfy's message.
        message: String,
    },
    /// 402: no credits left, or an expense limit reached.
    #[error(
        "insufficient funds: no verification credits left or the expense limit reached \
         ({message}); {fix}"
    )]
    InsufficientFunds {
        /// iDenfy's message.
        message: String,
        /// What to do: the dashboard for iDenfy, the `serve` flags for a local simulator.
        fix: &'static str,
    },
    /// 429: the hourly request limit was reached, and retrying did not help.
    #[error(
        "rate limited after {attempts} attempt(s): wait {} s before sending more requests \
         ({message})",
        retry_after.as_secs()
    )]
    RateLimited {
        /// How long to wait: the `Retry-After` header if present, else [`DEFAULT_RATE_LIMIT_WAIT`].
        retry_after: Duration,
        /// Whether `retry_after` came from a `Retry-After` header.
        from_header: bool,
        /// Requests sent, retries included.
        attempts: u32,
        /// iDenfy's message.
        message: String,
    },
    /// Another 4xx: the request itself is wrong, and sending it again will not help.
    #[error(
        "invalid request (HTTP {status}, {}): {message}; fix the request, retrying it will not help",
        identifier.as_ref().map_or("no identifier", |identifier| identifier.as_str())
    )]
    InvalidRequest {
        /// The HTTP status.
        status: u16,
        /// iDenfy's stable identifier, when the body had one.
        identifier: Option<ErrorIdentifier>,
        /// iDenfy's message, or the start of the body when it was not an error body.
        message: String,
    },
    /// 404: no such verification, or the base URL does not point at iDenfy's API.
    #[error(
        "not found ({message}): check the scanRef, and that the base URL points at iDenfy's API"
    )]
    NotFound {
        /// iDenfy's message, or the start of the body.
        message: String,
    },
    /// 5xx: iDenfy failed, and retrying (where allowed) did not help.
    #[error(
        "server error (HTTP {status}) after {attempts} attempt(s): {message}; iDenfy failed, try \
         again later"
    )]
    Server {
        /// The HTTP status.
        status: u16,
        /// Requests sent, retries included.
        attempts: u32,
        /// iDenfy's message, or the start of the body.
        message: String,
    },
    /// The request could not be sent or its answer not read: DNS, connection, TLS or timeout.
    #[error(
        "transport error after {attempts} attempt(s): {}; check the base URL and the network, \
         or raise the timeout",
        error_chain(source)
    )]
    Transport {
        /// Requests tried, retries included.
        attempts: u32,
        /// What the HTTP client reported (it names the URL, without user info); the message
        /// lists its whole chain of causes.
        #[source]
        source: HttpError,
    },
    /// A success answer whose body is not the expected JSON.
    #[error(
        "undecodable body (HTTP {status}): {reason}; the API may have changed, compare with the \
         contract snapshots; body: {body}"
    )]
    UndecodableBody {
        /// The HTTP status.
        status: u16,
        /// Why decoding failed.
        reason: String,
        /// The body, cut to [`BODY_EXCERPT_CHARS`] characters.
        body: String,
    },
    /// A plain `http://` URL to a host other than loopback (shown without user info).
    #[error(
        "insecure URL {url}: use https://, plain http:// is allowed only for loopback hosts such \
         as 127.0.0.1"
    )]
    InsecureUrl {
        /// The refused URL.
        url: String,
    },
    /// A URL that does not parse or cannot serve as a base URL (shown without user info).
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The refused URL.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A required environment variable is unset or empty.
    #[error("environment variable {name} is not set: {hint}")]
    MissingEnvironmentVariable {
        /// The variable's name.
        name: &'static str,
        /// What to put in it.
        hint: &'static str,
    },
    /// The HTTP client could not be built (for example, no TLS roots).
    #[error("could not build the HTTP client: {0}")]
    HttpClient(#[source] HttpError),
    /// The webhook receiver could not listen.
    #[error("the webhook receiver could not listen on {addr}: {source}; choose another address")]
    Bind {
        /// The address it tried.
        addr: SocketAddr,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// A probe setting that cannot work: a `--expect` that is not `STATUS=VALUE`, a JSON
    /// pointer that does not start with `/`, a probe URL without `{scanRef}`.
    #[error("invalid probe setting {given:?}: {reason}")]
    ProbeSetting {
        /// The setting as given.
        given: String,
        /// What is wrong with it, and what to give instead.
        reason: String,
    },
    /// The probe gave no value: no answer, a body that is not JSON, or nothing at the pointer.
    #[error("the probe {url} (scanRef {scan_ref}) gave no value: {reason}")]
    Probe {
        /// The probe URL fetched (without user info).
        url: String,
        /// The verification probed.
        scan_ref: String,
        /// What went wrong, and what the probe must answer instead.
        reason: String,
    },
    /// The webhook endpoint or the setup URL could not be reached before it answered anything.
    #[error("cannot reach {url}: {cause}; is the server running and listening there?")]
    Unreachable {
        /// The URL (without user info).
        url: String,
        /// Why no connection was made.
        cause: String,
    },
    /// The setup URL refused to register a verification.
    #[error(
        "the setup URL {url} answered {answer} for scanRef {scan_ref}; it must answer 2xx to \
         POST {{\"scanRef\", \"clientId\", \"externalRef\"}}"
    )]
    Setup {
        /// The setup URL (without user info).
        url: String,
        /// The verification it refused.
        scan_ref: String,
        /// Its answer: a status code, or why there was none.
        answer: String,
    },
    /// A file that is not an idenfy-testkit replay file.
    #[error("{path} is not an idenfy-testkit replay file: {reason}")]
    ReplayFile {
        /// The file.
        path: String,
        /// Why it was refused.
        reason: String,
    },
    /// The webhook sender could not be set up.
    #[error(transparent)]
    Sender(#[from] idenfy_sender::SenderError),
    /// No accepted webhook arrived in time.
    #[error(
        "no accepted {event} webhook for scanRef {scan_ref} within {} ms; check the callback URL, \
         the signing key, and the receiver's answers in received()",
        waited.as_millis()
    )]
    WebhookTimeout {
        /// The verification awaited.
        scan_ref: String,
        /// The event awaited.
        event: WebhookEventType,
        /// How long it waited.
        waited: Duration,
    },
}

/// What the HTTP client reported, opaque so that the crate can change or upgrade its HTTP
/// client without changing [`Error`]. Its `Display` and `source()` chain are the client's.
#[derive(Debug)]
pub struct HttpError(reqwest::Error);

/// The environment a wrong-environment error names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PartnerEnvironment {
    /// "…not available for DEMO partners."
    Demo,
    /// "…not available for TESTING/PRODUCTION partners."
    TestingOrProduction,
    /// Another name, verbatim.
    Other(String),
}

impl std::fmt::Display for PartnerEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PartnerEnvironment::Demo => "DEMO",
            PartnerEnvironment::TestingOrProduction => "TESTING/PRODUCTION",
            PartnerEnvironment::Other(name) => name,
        })
    }
}

impl PartnerEnvironment {
    /// The environment named by "This endpoint is not available for {ENV} partners.", if the
    /// message has that form.
    pub fn from_message(message: &str) -> Option<Self> {
        let name = message
            .split_once("not available for ")?
            .1
            .split_once(" partners")?
            .0
            .trim();
        Some(match name {
            "DEMO" => PartnerEnvironment::Demo,
            "TESTING/PRODUCTION" => PartnerEnvironment::TestingOrProduction,
            other => PartnerEnvironment::Other(other.to_owned()),
        })
    }
}

impl HttpError {
    /// Wraps what reqwest reported, its URL without user info; crate-private, so no reqwest
    /// type is in the public API.
    pub(crate) fn new(mut error: reqwest::Error) -> Self {
        if let Some(url) = error.url_mut()
            && let Ok(shown) = reqwest::Url::parse(&redact_url(url.as_str()))
        {
            *url = shown;
        }
        HttpError(error)
    }

    /// Whether the request or its answer took longer than the timeout.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// Whether the connection could not be established (refused, unreachable, DNS, TLS).
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl Error {
    /// Whether the request may succeed if sent again later (rate limits, server errors,
    /// transport failures).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. } | Error::Server { .. } | Error::Transport { .. }
        )
    }
}

/// An error body, read leniently: iDenfy documents `{identifier, message}` but says some
/// authentication errors come without `identifier`.
#[derive(Debug, Default, Deserialize)]
struct LenientErrorBody {
    #[serde(default)]
    identifier: Option<ErrorIdentifier>,
    #[serde(default)]
    message: Option<String>,
}

/// What a failed answer says, for [`classify`].
#[derive(Debug)]
pub(crate) struct FailedAnswer<'a> {
    pub status: u16,
    pub body: &'a [u8],
    pub retry_after: Option<Duration>,
    pub attempts: u32,
    pub api_key: &'a str,
    /// Whether the server is on loopback (a local simulator), which changes the advice.
    pub local: bool,
}

/// The error for a non-success answer, from its status and body.
pub(crate) fn classify(answer: FailedAnswer<'_>) -> Error {
    let parsed: LenientErrorBody = serde_json::from_slice(answer.body).unwrap_or_default();
    let message = parsed
        .message
        .unwrap_or_else(|| excerpt(&String::from_utf8_lossy(answer.body)));
    let identifier = parsed.identifier;
    if let Some(environment) = PartnerEnvironment::from_message(&message) {
        return Error::WrongEnvironment {
            environment,
            message,
        };
    }
    let funds_message =
        message == messages::LACK_OF_FUNDS || message == messages::TOKEN_LIMIT_REACHED;
    match (answer.status, &identifier) {
        (401, _) | (_, Some(ErrorIdentifier::Unauthorized)) => Error::Unauthorized {
            key_prefix: key_prefix(answer.api_key),
            message,
            fix: if answer.local {
                "check the key pair against the --api-key and --api-secret the simulator was \
                 started with"
            } else {
                "check IDENFY_API_KEY and IDENFY_API_SECRET against the dashboard's API keys page"
            },
        },
        (402, _) => Error::InsufficientFunds {
            message,
            fix: funds_fix(answer.local),
        },
        _ if funds_message => Error::InsufficientFunds {
            message,
            fix: funds_fix(answer.local),
        },
        (429, _) | (_, Some(ErrorIdentifier::TooManyRequests)) => Error::RateLimited {
            retry_after: answer.retry_after.unwrap_or(DEFAULT_RATE_LIMIT_WAIT),
            from_header: answer.retry_after.is_some(),
            attempts: answer.attempts,
            message,
        },
        (404, _) => Error::NotFound { message },
        (500.., _) => Error::Server {
            status: answer.status,
            attempts: answer.attempts,
            message,
        },
        (status, _) => Error::InvalidRequest {
            status,
            identifier,
            message,
        },
    }
}

/// What to do about a lack of funds, on a local simulator or at iDenfy.
fn funds_fix(local: bool) -> &'static str {
    if local {
        "the simulator's --balance ran out: restart it with a larger one, or POST /sim/reset"
    } else {
        "add finances to the environment in the dashboard"
    }
}

/// `text` cut to [`BODY_EXCERPT_CHARS`] characters, marking the cut and the whole length.
pub(crate) fn excerpt(text: &str) -> String {
    let clipped = clip(text, BODY_EXCERPT_CHARS);
    if clipped == text {
        clipped
    } else {
        format!("{clipped} ({} bytes in all)", text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advice(status: u16, local: bool) -> String {
        classify(FailedAnswer {
            status,
            body: br#"{"message":"m"}"#,
            retry_after: None,
            attempts: 1,
            api_key: "key-123456",
            local,
        })
        .to_string()
    }

    #[test]
    fn advice_names_the_dashboard_only_for_a_remote_server() {
        for status in [401, 402] {
            let remote = advice(status, false);
            let local = advice(status, true);
            assert!(remote.contains("dashboard"), "{remote}");
            assert!(!local.contains("dashboard"), "{local}");
        }
        assert!(advice(401, true).contains("--api-key"));
        assert!(advice(402, true).contains("--balance"));
    }
}
