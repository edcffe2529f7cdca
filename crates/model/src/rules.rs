//! The API's behavioural rules, in one place: who may call the dummy endpoints, what a dummy
//! auto status produces, and the overall status a manual review produces.
//!
//! The generators and the simulator call these functions; they never restate the rules.
//! The reference decision (which webhook stands, what a correct consumer holds) is the rule
//! of [`crate::decision`].

use crate::dummy::DummyStatus;
use crate::environment::Environment;
use crate::error::{ApiError, ErrorIdentifier, messages};
use crate::status::{
    DocumentStatus, FaceStatus, FraudTag, MismatchTag, OverallStatus, SuspicionReason,
};
use crate::webhook::{WebhookEventType, WebhookStatus};

/// The error a dummy-result call (`POST /api/v2/token` with `dummyStatus`, or
/// `POST /api/v2/add-dummy-status`) gets in `environment`, or `None` where it is allowed.
///
/// Source: D-DUMMY: "Dummy results only work in the DEV environment"; DEMO gets
/// "This endpoint is not available for DEMO partners.", TEST and PROD get
/// "…for TESTING/PRODUCTION partners.". The identifier `PERMISSIONS_ERROR` is from D-DUMMY-INT
/// and the HTTP status 403 ([`ApiError::http_status`]) from D-ERR. An unknown environment is
/// treated like production.
pub fn dummy_endpoint_error(environment: &Environment) -> Option<ApiError> {
    let message = match environment {
        Environment::Dev => return None,
        Environment::Demo => messages::NOT_FOR_DEMO,
        _ => messages::NOT_FOR_TESTING_PRODUCTION,
    };
    Some(ApiError::new(ErrorIdentifier::PermissionsError, message))
}

/// What the automatic processing of a dummy verification reports.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoResult {
    /// The webhook event that carries it.
    pub event: WebhookEventType,
    /// The webhook's `final` flag by default: `false` when a manual result may follow.
    pub is_final: bool,
    /// Statuses and tags of the webhook (manual statuses empty).
    pub status: WebhookStatus,
}

/// The automatic result forced by `dummyStatus`, or `None` for values the API no longer
/// accepts (`ACTIVE`, unknown ones).
///
/// D-DUMMY only says `dummyStatus` "defines the dummy session's auto result"; the statuses
/// and tags below are the simulator's reading (inferred, `idenfy-api.md` section 3.3):
/// - `APPROVED`: `FACE_MATCH`, `DOC_VALIDATED`, no tags.
/// - `DENIED`: `FACE_MISMATCH`, `DOC_VALIDATED` (the sample-documents page's face-mismatch case).
/// - `SUSPECTED`: `FACE_MATCH`, `DOC_VALIDATED` with fraud tag and legacy suspicion reason
///   `FACE_SUSPECTED` (D-SUSP: any tag makes the overall status `SUSPECTED`).
/// - `EXPIRED`: no face or document status; event `IDENTIFICATION_EXPIRED`, `final: true`.
///
/// The other three arrive as `IDENTIFICATION_AUTO_FINISHED` with `final: false`, since
/// a manual result may follow (D-WH).
pub fn auto_result(dummy: &DummyStatus) -> Option<AutoResult> {
    let status = |overall, face, document, tagged: bool| WebhookStatus {
        overall,
        suspicion_reasons: Some(if tagged {
            vec![SuspicionReason::FaceSuspected]
        } else {
            Vec::new()
        }),
        fraud_tags: if tagged {
            vec![FraudTag::FaceSuspected]
        } else {
            Vec::new()
        },
        mismatch_tags: Vec::<MismatchTag>::new(),
        auto_face: face,
        manual_face: None,
        auto_document: document,
        manual_document: None,
        additional_steps: None,
    };
    let auto_finished = |status| AutoResult {
        event: WebhookEventType::IdentificationAutoFinished,
        is_final: false,
        status,
    };
    let matched = Some(FaceStatus::FaceMatch);
    let validated = Some(DocumentStatus::DocValidated);
    Some(match dummy {
        DummyStatus::Approved => {
            auto_finished(status(OverallStatus::Approved, matched, validated, false))
        }
        DummyStatus::Denied => auto_finished(status(
            OverallStatus::Denied,
            Some(FaceStatus::FaceMismatch),
            validated,
            false,
        )),
        DummyStatus::Suspected => {
            auto_finished(status(OverallStatus::Suspected, matched, validated, true))
        }
        DummyStatus::Expired => AutoResult {
            event: WebhookEventType::IdentificationExpired,
            is_final: true,
            status: status(OverallStatus::Expired, None, None, false),
        },
        DummyStatus::Active | DummyStatus::Other(_) => return None,
    })
}

/// The overall status a manual review produces.
///
/// Source: D-DUMMY: "For an approved verification, you need to provide both `FACE_MATCH` and
/// `DOC_VALIDATED` statuses"; D-VOC: other statuses mean declined. So `APPROVED` exactly for
/// (`FACE_MATCH`, `DOC_VALIDATED`), `DENIED` otherwise. A reviewer's decision is final, so
/// fraud tags left by the automatic step do not turn it into `SUSPECTED` (inferred).
pub fn overall_after_manual_review(face: &FaceStatus, document: &DocumentStatus) -> OverallStatus {
    if *face == FaceStatus::FaceMatch && *document == DocumentStatus::DocValidated {
        OverallStatus::Approved
    } else {
        OverallStatus::Denied
    }
}

/// The event and `final` flag of the webhook a manual review sends (D-WH: "always `final: true`").
pub const MANUAL_REVIEW_EVENT: (WebhookEventType, bool) =
    (WebhookEventType::IdentificationManualFinished, true);

/// The statuses after a manual review of a verification whose automatic statuses were `auto`:
/// the automatic statuses and tags unchanged, the manual ones set, the overall status from
/// [`overall_after_manual_review`].
pub fn status_after_manual_review(
    auto: &WebhookStatus,
    face: &FaceStatus,
    document: &DocumentStatus,
) -> WebhookStatus {
    WebhookStatus {
        overall: overall_after_manual_review(face, document),
        manual_face: Some(face.clone()),
        manual_document: Some(document.clone()),
        ..auto.clone()
    }
}
