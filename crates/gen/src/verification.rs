//! Generated dummy verifications and the webhooks they send: the token request and the person
//! behind it, a `scanRef` and a start time, then the automatic-result webhook of its
//! `dummyStatus` and the manual-result webhook of a matrix triple, both built by
//! [`crate::webhook`] with the caller's [`WebhookDefaults`]. [`scan_ref`] draws every
//! `scanRef`, here and in the simulator.

use chrono::NaiveTime;
use idenfy_model::webhook::WebhookEventType;
use idenfy_model::{DummyStatus, IdentificationWebhook, TokenRequest, Triple};
use proptest::prelude::{Strategy, any};
use proptest::strategy::{BoxedStrategy, Union};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::identity::{Identity, REFERENCE_DATE};
use crate::matrix::arb_triple;
use crate::seed::{SeededRng, rng_from_seed};
use crate::token::{arb_token_request_with_identity, uuid_from};
use crate::webhook::{WebhookContext, WebhookDefaults, auto_webhook, manual_webhook};

/// Verifications start within this many seconds before [`REFERENCE_DATE`].
const START_WINDOW_SECONDS: i64 = 365 * 86_400;

/// A dummy verification: the token request that created it, the person behind it, its
/// `scanRef` and when the client started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// The person, for every webhook value the request does not give.
    pub identity: Identity,
    /// The token request, with `dummyStatus` set.
    pub request: TokenRequest,
    /// A version-4 UUID from [`scan_ref`], as the simulator makes them.
    pub scan_ref: String,
    /// Unix seconds when the client started, in the year before [`REFERENCE_DATE`].
    pub start_time: i64,
}

/// A webhook body with the event type it is delivered under (`Idenfy-Event-Type`).
pub type EventWebhook = (WebhookEventType, IdentificationWebhook);

/// Both webhooks of one cell of the status matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookPair {
    /// The cell.
    pub triple: Triple,
    /// The verification, with `dummyStatus` the triple's automatic result.
    pub verification: Verification,
    /// The automatic-result webhook.
    pub auto: EventWebhook,
    /// The manual-result webhook `add-dummy-status` with the triple's face and document
    /// results sends.
    pub manual: EventWebhook,
}

impl Verification {
    /// What the webhook builders need, with the open values from `defaults`.
    pub fn context<'a>(&'a self, defaults: &'a WebhookDefaults) -> WebhookContext<'a> {
        WebhookContext {
            scan_ref: &self.scan_ref,
            request: &self.request,
            identity: &self.identity,
            start_time: self.start_time,
            defaults,
        }
    }
}

/// Dummy verifications whose token requests force `status`.
pub fn arb_verification(status: DummyStatus) -> impl Strategy<Value = Verification> + Clone {
    (arb_token_request_with_identity(), any::<u64>()).prop_map(
        move |((identity, request), seed)| {
            verification(identity, request, &status, &mut rng_from_seed(seed))
        },
    )
}

/// Verifications forcing `status` with their automatic-result webhook made with `defaults`, or
/// `None` for a status the API does not accept (no webhook is sent for it).
pub fn arb_auto_webhook(
    status: DummyStatus,
    defaults: WebhookDefaults,
) -> Option<BoxedStrategy<(Verification, EventWebhook)>> {
    idenfy_model::rules::auto_result(&status)?;
    Some(
        arb_verification(status.clone())
            .prop_map(move |verification| {
                let webhook = auto_webhook(&verification.context(&defaults), &status)
                    .expect("accepted statuses have an automatic result");
                (verification, webhook)
            })
            .boxed(),
    )
}

/// Automatic-result webhooks of every accepted status made with `defaults`, shrinking toward
/// `APPROVED`.
pub fn arb_any_auto_webhook(
    defaults: WebhookDefaults,
) -> BoxedStrategy<(Verification, EventWebhook)> {
    Union::new(
        DummyStatus::ACCEPTED
            .iter()
            .filter_map(|status| arb_auto_webhook(status.clone(), defaults.clone())),
    )
    .boxed()
}

/// Both webhooks of any matrix triple made with `defaults`, shrinking toward (`APPROVED`,
/// `FACE_MATCH`, `DOC_VALIDATED`).
pub fn arb_webhook_pair(defaults: WebhookDefaults) -> impl Strategy<Value = WebhookPair> + Clone {
    (
        arb_triple(),
        arb_token_request_with_identity(),
        any::<u64>(),
    )
        .prop_map(move |(triple, (identity, request), seed)| {
            let verification =
                verification(identity, request, &triple.auto, &mut rng_from_seed(seed));
            let context = verification.context(&defaults);
            let auto = auto_webhook(&context, &triple.auto)
                .expect("the matrix holds accepted statuses only");
            let manual = manual_webhook(&context, &auto.1.status, &triple.face, &triple.document);
            WebhookPair {
                triple,
                verification,
                auto,
                manual,
            }
        })
}

/// The verification `request` (its `dummyStatus` set to `status`) creates for `identity`.
pub(crate) fn verification(
    identity: Identity,
    mut request: TokenRequest,
    status: &DummyStatus,
    rng: &mut SeededRng,
) -> Verification {
    request.dummy_status = Some(status.clone());
    let reference = REFERENCE_DATE
        .and_time(NaiveTime::MIN)
        .and_utc()
        .timestamp();
    let start_time = reference - rng.random_range(1..=START_WINDOW_SECONDS);
    Verification {
        identity,
        request,
        scan_ref: scan_ref(rng),
        start_time,
    }
}

/// A `scanRef`: a random version-4 UUID, hyphenated, drawn from 16 bytes of `rng` (two `u64`
/// words, little-endian). The simulator draws its `scanRef`s here too.
pub fn scan_ref(rng: &mut SeededRng) -> String {
    uuid_from(rng.random::<u128>().to_le_bytes())
}
