//! A webhook's exact bytes and signature: made at once for a delivery that will be sent, and
//! on first read for one whose target was refused, whose bytes only ever appear in the
//! journal. Either way they are made once, from values that never change, so every reader
//! sees the same bytes.

use std::fmt;
use std::sync::{Arc, OnceLock};

use idenfy_model::{BodyStyle, IdentificationWebhook, SignedWebhook, SigningKey, WebhookEventType};

/// What a webhook body is made from (the simulator's: `state::DummyWebhook`).
pub(crate) trait WebhookSource: Send + Sync + 'static {
    /// The webhook, the same every time.
    fn webhook(&self) -> IdentificationWebhook;

    /// The size of the token request body this source keeps alive while its webhook waits to
    /// be made (see [`MAX_DEFERRED_REQUEST_BYTES`]).
    fn request_bytes(&self) -> usize;
}

/// Largest token request body a refused webhook keeps, to make its bytes when first read; the
/// webhook of a larger request is made at once. A refused delivery outlives its verification
/// in the journal (twice as many records are kept), so this bounds what the journal keeps
/// alive per record near what a made webhook takes, instead of up to a whole request body
/// (`assumptions::MAX_BODY_BYTES`) each. Typical token requests are a few hundred bytes.
pub(crate) const MAX_DEFERRED_REQUEST_BYTES: usize = 1024;

/// How bodies are written and signed: one per simulator.
pub(crate) struct Signer {
    /// The signing key.
    pub(crate) key: SigningKey,
    /// The bytes' layout.
    pub(crate) style: BodyStyle,
}

impl Signer {
    /// `webhook` serialized and signed.
    fn sign(&self, event: WebhookEventType, webhook: &IdentificationWebhook) -> Signed {
        let signed = SignedWebhook::sign(&self.key, event, webhook, self.style)
            .expect("webhook bodies serialize to JSON");
        Signed {
            body: Arc::from(String::from_utf8(signed.body).expect("serde_json writes UTF-8")),
            signature: Arc::from(signed.signature),
        }
    }
}

/// A webhook's body and `Idenfy-Signature`, shared rather than copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signed {
    /// The exact body.
    pub(crate) body: Arc<str>,
    /// Its signature.
    pub(crate) signature: Arc<str>,
}

/// A delivery's bytes, made now or on first read.
#[derive(Clone)]
pub(crate) enum Payload {
    /// Serialized and signed.
    Signed(Signed),
    /// Serialized and signed when first read, then kept.
    Deferred(Arc<dyn Deferred>),
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signed(signed) => f.debug_tuple("Signed").field(signed).finish(),
            Self::Deferred(_) => f.write_str("Deferred"),
        }
    }
}

/// Bytes made on first read.
pub(crate) trait Deferred: Send + Sync {
    /// The body and signature, made by the first caller.
    fn signed(&self) -> Signed;
}

/// A webhook not serialized yet, its source kept inline (one allocation per delivery).
struct Lazy<S> {
    source: S,
    event: WebhookEventType,
    signer: Arc<Signer>,
    signed: OnceLock<Signed>,
}

impl<S: WebhookSource> Deferred for Lazy<S> {
    fn signed(&self) -> Signed {
        self.signed
            .get_or_init(|| self.signer.sign(self.event.clone(), &self.source.webhook()))
            .clone()
    }
}

impl Payload {
    /// `source`'s webhook serialized and signed now.
    pub(crate) fn now(
        source: &dyn WebhookSource,
        event: WebhookEventType,
        signer: &Signer,
    ) -> Self {
        Self::Signed(signer.sign(event, &source.webhook()))
    }

    /// `source`'s webhook, serialized and signed when first read when its request is at most
    /// [`MAX_DEFERRED_REQUEST_BYTES`], now when it is larger.
    pub(crate) fn deferred(
        source: impl WebhookSource,
        event: WebhookEventType,
        signer: Arc<Signer>,
    ) -> Self {
        if source.request_bytes() > MAX_DEFERRED_REQUEST_BYTES {
            return Self::now(&source, event, &signer);
        }
        Self::Deferred(Arc::new(Lazy {
            source,
            event,
            signer,
            signed: OnceLock::new(),
        }))
    }

    /// The body and signature, made now if they were deferred. Call it outside the queue's
    /// lock where a deferred payload may be read first.
    pub(crate) fn signed(&self) -> Signed {
        match self {
            Self::Signed(signed) => signed.clone(),
            Self::Deferred(deferred) => deferred.signed(),
        }
    }
}
