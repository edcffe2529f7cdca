//! Part of the behavioural rules ([`crate::rules`]): the reference decision, what a correct
//! consumer holds for one verification after the webhooks it received, and the trust order
//! the metamorphic checks compare decisions by.
//!
//! The choices, with their sources (`shared/reference/idenfy-api.md` section ids):
//! - A final webhook stands over a non-final one, whatever their arrival order: `final: false`
//!   means "you will receive another callback … when it is reviewed manually" (MID, D-WH), and
//!   iDenfy retries any non-2xx (D-WH, D-WHOV), so a retried automatic result may arrive after
//!   the manual one.
//! - Among webhooks of equal finality the one with the latest `finishTime` stands, and of
//!   equal `finishTime` the one that arrived last. The docs are silent on ordering two manual
//!   reviews ("unless it will be repeatedly manually reviewed", MID): OAS describes
//!   `finishTime` as the time "the final decision for automatic processing was made", so real
//!   bodies may carry the same `finishTime` for two reviews. The simulator gives every later
//!   webhook of a verification a later `finishTime` (its assumption *Order of finishTime*),
//!   and the kit's delivery perturbations never reorder two final webhooks of one
//!   verification, so "latest `finishTime`" and "last arrived" agree on every case the kit
//!   sends: a consumer may use either.
//! - Duplicates change nothing: iDenfy says duplicates are possible and `scanRef` is the
//!   idempotency key (D-WHOV, D-WH); an identical body is equal in finality and `finishTime`.
//! - Only the identification events carry a decision (OAS `webhooks`): `IDENTIFICATION`,
//!   `IDENTIFICATION_AUTO_FINISHED`, `_MANUAL_FINISHED`, `_RESUBMITTED`, `_CANCELLED`,
//!   `_EXPIRED`. `DOCUMENT_EXPIRATION`, `VIDEO_CALL_FINISHED` and event types the kit does not
//!   know never change a decision (an unknown value never changes a decision on its own).
//! - The decision is the standing body's `status.overall`, as sent: unknown fraud or
//!   mismatch tags and unknown fields are carried, not interpreted (D-SUSP says tags make the
//!   automatic result `SUSPECTED`; iDenfy has already folded them into `overall`).

use serde::{Deserialize, Serialize};

use crate::rules::overall_after_manual_review;
use crate::status::{DocumentStatus, FaceStatus, OverallStatus};
use crate::webhook::{IdentificationWebhook, WebhookEventType};

/// What a correct consumer holds for one verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The standing webhook's overall status.
    pub overall: OverallStatus,
    /// Whether the standing webhook was final (`false`: a manual review is still to come).
    #[serde(rename = "final")]
    pub is_final: bool,
}

/// Whether a webhook of `event` carries a decision (see the module documentation).
pub fn carries_decision(event: &WebhookEventType) -> bool {
    matches!(
        event,
        WebhookEventType::Identification
            | WebhookEventType::IdentificationAutoFinished
            | WebhookEventType::IdentificationManualFinished
            | WebhookEventType::IdentificationResubmitted
            | WebhookEventType::IdentificationCancelled
            | WebhookEventType::IdentificationExpired
    )
}

/// The reference decision for one verification after `received`, its webhooks in arrival
/// order, or `None` while none of them carries a decision.
pub fn reference_decision<'a, I>(received: I) -> Option<Decision>
where
    I: IntoIterator<Item = (&'a WebhookEventType, &'a IdentificationWebhook)>,
{
    let mut standing: Option<&IdentificationWebhook> = None;
    for (event, webhook) in received {
        if !carries_decision(event) {
            continue;
        }
        if standing.is_none_or(|held| stands_over(webhook, held)) {
            standing = Some(webhook);
        }
    }
    standing.map(|webhook| Decision {
        overall: webhook.status.overall.clone(),
        is_final: webhook.is_final,
    })
}

/// Whether `later`, arriving after `held`, replaces it: final over non-final, then the later
/// (or equal) `finishTime`.
fn stands_over(later: &IdentificationWebhook, held: &IdentificationWebhook) -> bool {
    match (later.is_final, held.is_final) {
        (true, false) => true,
        (false, true) => false,
        _ => later.finish_time.unwrap_or(i64::MIN) >= held.finish_time.unwrap_or(i64::MIN),
    }
}

/// How much a decision lets a person do, for the metamorphic checks: `APPROVED` 2,
/// `SUSPECTED` 1 (checks passed but something was flagged, D-SUSP), `DENIED` and `EXPIRED` 0
/// (D-VOC: nothing verified); `None` for statuses that are no decision (`ACTIVE`,
/// `REVIEWING`, the deletion states, unknown ones).
pub fn trust_rank(overall: &OverallStatus) -> Option<u8> {
    match overall {
        OverallStatus::Approved => Some(2),
        OverallStatus::Suspected => Some(1),
        OverallStatus::Denied | OverallStatus::Expired => Some(0),
        _ => None,
    }
}

/// Whether `a` is strictly more trusting than `b`; `false` when either has no rank.
pub fn more_trusting(a: &OverallStatus, b: &OverallStatus) -> bool {
    matches!((trust_rank(a), trust_rank(b)), (Some(a), Some(b)) if a > b)
}

/// Whether a manual face value passes review: it approves together with `DOC_VALIDATED`
/// ([`overall_after_manual_review`]).
pub fn face_passes(face: &FaceStatus) -> bool {
    overall_after_manual_review(face, &DocumentStatus::DocValidated) == OverallStatus::Approved
}

/// Whether a manual document value passes review: it approves together with `FACE_MATCH`
/// ([`overall_after_manual_review`]).
pub fn document_passes(document: &DocumentStatus) -> bool {
    overall_after_manual_review(&FaceStatus::FaceMatch, document) == OverallStatus::Approved
}
