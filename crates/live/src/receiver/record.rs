//! What the webhook receiver keeps of every request: the exact bytes, the headers, the parsed
//! body, the signature check and the answer, plus the queue `next_for` takes from.

use std::collections::{HashMap, VecDeque};

use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{IdentificationWebhook, SignatureError, SigningKey, WebhookEventType, verify};
use serde::Deserialize;

/// One webhook request as the receiver saw and answered it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReceivedWebhook {
    /// The request path, e.g. `/webhook`.
    pub path: String,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes (what the signature covers).
    pub body: Vec<u8>,
    /// The `Idenfy-Event-Type` header, if present.
    pub event: Option<WebhookEventType>,
    /// The body's `scanRef`, if it has one.
    pub scan_ref: Option<String>,
    /// The body as an identification webhook, or why it is not one.
    pub webhook: Result<IdentificationWebhook, String>,
    /// The `Idenfy-Signature` check.
    pub signature: SignatureCheck,
    /// The HTTP status the receiver answered.
    pub answered: u16,
}

/// The outcome of checking `Idenfy-Signature` against the body with the receiver's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// The header is the HMAC of the body under the receiver's key.
    Valid,
    /// No `Idenfy-Signature` header.
    Missing,
    /// The header is malformed or signs something else.
    Invalid(SignatureError),
}

impl std::fmt::Display for SignatureCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureCheck::Valid => f.write_str("signature valid"),
            SignatureCheck::Missing => f.write_str("no Idenfy-Signature header"),
            SignatureCheck::Invalid(error) => write!(f, "signature invalid: {error}"),
        }
    }
}

impl ReceivedWebhook {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Whether the signature was valid and the receiver answered 2xx, i.e. whether a real
    /// handler would have acted on it.
    pub fn is_accepted(&self) -> bool {
        self.signature == SignatureCheck::Valid && (200..300).contains(&self.answered)
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Records a request: checks its signature and reads its event, `scanRef` and body.
    pub(crate) fn read(
        key: &SigningKey,
        path: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Self {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ScanRefOnly {
            scan_ref: Option<String>,
        }
        let mut record = ReceivedWebhook {
            path,
            headers,
            event: None,
            scan_ref: serde_json::from_slice::<ScanRefOnly>(&body)
                .ok()
                .and_then(|only| only.scan_ref),
            webhook: serde_json::from_slice(&body).map_err(|error| error.to_string()),
            signature: SignatureCheck::Missing,
            answered: 0,
            body,
        };
        record.event = record
            .header(EVENT_TYPE_HEADER)
            .map(WebhookEventType::from_wire);
        record.signature = match record.header(SIGNATURE_HEADER) {
            None => SignatureCheck::Missing,
            Some(header) => match verify(key, &record.body, header) {
                Ok(()) => SignatureCheck::Valid,
                Err(error) => SignatureCheck::Invalid(error),
            },
        };
        record
    }
}

impl SignatureCheck {
    /// Whether the signature is valid.
    pub fn is_valid(&self) -> bool {
        *self == SignatureCheck::Valid
    }
}

/// Every request so far, and for each (scanRef, event) the accepted ones `next_for` has not
/// handed out yet.
#[derive(Default)]
pub(crate) struct Log {
    pub received: Vec<ReceivedWebhook>,
    /// How many of `received` had a valid signature.
    pub validly_signed: usize,
    pending: HashMap<(String, WebhookEventType), VecDeque<usize>>,
}

impl Log {
    /// Appends a record, queueing it for `next_for` if it was accepted.
    pub fn push(&mut self, record: ReceivedWebhook) {
        if record.signature.is_valid() {
            self.validly_signed += 1;
        }
        if record.is_accepted()
            && let (Some(scan_ref), Some(event)) = (&record.scan_ref, &record.event)
        {
            self.pending
                .entry((scan_ref.clone(), event.clone()))
                .or_default()
                .push_back(self.received.len());
        }
        self.received.push(record);
    }

    /// Takes the oldest accepted record for `scan_ref` and `event` not taken before.
    pub fn take(&mut self, scan_ref: &str, event: &WebhookEventType) -> Option<ReceivedWebhook> {
        let queue = self
            .pending
            .get_mut(&(scan_ref.to_owned(), event.clone()))?;
        let index = queue.pop_front()?;
        Some(self.received[index].clone())
    }
}
