//! Generated dummy verifications and the webhooks they send: the token request and the person
//! behind it, a `scanRef` and a start time, then the automatic-result webhook of its
//! `dummyStatus` and the manual-result webhook of a matrix triple, both built by
//! [`crate::webhook`].

use chrono::NaiveTime;
use idenfy_model::webhook::WebhookEventType;
use idenfy_model::{DummyStatus, IdentificationWebhook, TokenRequest};
use proptest::prelude::{Strategy, any};
use proptest::strategy::{BoxedStrategy, Union};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::identity::{Identity, REFERENCE_DATE};
use crate::matrix::{Triple, arb_triple};
use crate::seed::{SeededRng, rng_from_seed};
use crate::token::arb_token_request_with_identity;
use crate::webhook::{WebhookContext, auto_webhook, manual_webhook};

/// Base of the file URLs of generated webhooks.
pub const FILE_URL_BASE: &str = "https://files.idenfy-sim.test";

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
    /// A version-1 UUID whose timestamp is when the token was created, as iDenfy's are.
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
    /// What the webhook builders need, with file URLs under [`FILE_URL_BASE`].
    pub fn context(&self) -> WebhookContext<'_> {
        WebhookContext {
            scan_ref: &self.scan_ref,
            request: &self.request,
            identity: &self.identity,
            start_time: self.start_time,
            file_url_base: FILE_URL_BASE,
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

/// Verifications forcing `status` with their automatic-result webhook, or `None` for a status
/// the API does not accept (no webhook is sent for it).
pub fn arb_auto_webhook(
    status: DummyStatus,
) -> Option<BoxedStrategy<(Verification, EventWebhook)>> {
    idenfy_model::rules::auto_result(&status)?;
    Some(
        arb_verification(status.clone())
            .prop_map(move |verification| {
                let webhook = auto_webhook(&verification.context(), &status)
                    .expect("accepted statuses have an automatic result");
                (verification, webhook)
            })
            .boxed(),
    )
}

/// Automatic-result webhooks of every accepted status, shrinking toward `APPROVED`.
pub fn arb_any_auto_webhook() -> BoxedStrategy<(Verification, EventWebhook)> {
    Union::new(
        DummyStatus::ACCEPTED
            .iter()
            .filter_map(|status| arb_auto_webhook(status.clone())),
    )
    .boxed()
}

/// Both webhooks of any matrix triple, shrinking toward (`APPROVED`, `FACE_MATCH`,
/// `DOC_VALIDATED`).
pub fn arb_webhook_pair() -> impl Strategy<Value = WebhookPair> + Clone {
    (
        arb_triple(),
        arb_token_request_with_identity(),
        any::<u64>(),
    )
        .prop_map(|(triple, (identity, request), seed)| {
            let verification =
                verification(identity, request, &triple.auto, &mut rng_from_seed(seed));
            let context = verification.context();
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
fn verification(
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
    let created = start_time - rng.random_range(0..=600);
    Verification {
        identity,
        request,
        scan_ref: scan_ref(created, rng),
        start_time,
    }
}

/// A version-1 UUID at `created` (unix seconds), like `ec6a7108-8c26-11e9-9758-309c231b1bac`.
fn scan_ref(created: i64, rng: &mut SeededRng) -> String {
    /// 100-nanosecond intervals from the Gregorian calendar's start to the Unix epoch.
    const GREGORIAN_TO_UNIX: u64 = 0x01B2_1DD2_1381_4000;
    let ticks = GREGORIAN_TO_UNIX
        + u64::try_from(created).unwrap_or(0) * 10_000_000
        + rng.random_range(0..10_000_000);
    let node: [u8; 6] = rng.random();
    uuid::Builder::from_gregorian_timestamp(ticks, rng.random(), &node)
        .into_uuid()
        .to_string()
}
