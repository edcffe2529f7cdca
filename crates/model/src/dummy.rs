//! Dummy results: `dummyStatus` on the token request and `POST /api/v2/add-dummy-status`.
//!
//! Source: `dummy-results.txt` (D-DUMMY) and `idenfy-api.md` section 3.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;
use crate::status::{DocumentStatus, FaceStatus};

open_enum! {
    /// The forced automatic result of a dummy verification (`dummyStatus`).
    pub enum DummyStatus {
        /// Approved automatically.
        Approved = "APPROVED",
        /// Denied automatically.
        Denied = "DENIED",
        /// Suspected automatically.
        Suspected = "SUSPECTED",
        /// Expired without a verification.
        Expired = "EXPIRED",
        /// Listed by older docs only (D-DUMMY-OLD); parsed but no longer accepted.
        Active = "ACTIVE",
    }
}

impl DummyStatus {
    /// The four values the current API accepts (D-DUMMY). The status matrix uses these.
    pub const ACCEPTED: &'static [DummyStatus] = &[
        DummyStatus::Approved,
        DummyStatus::Denied,
        DummyStatus::Suspected,
        DummyStatus::Expired,
    ];
}

/// Body of `POST /api/v2/add-dummy-status`.
///
/// Its JSON Schema is [`crate::request_schema::add_dummy_status_schema`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddDummyStatusRequest {
    /// The verification to review, from a token created with `dummyStatus`.
    pub scan_ref: String,
    /// The forced manual face result; one of [`FaceStatus::DUMMY_MANUAL`].
    pub manual_face_match_result: FaceStatus,
    /// The forced manual document result; one of [`DocumentStatus::DUMMY_MANUAL`].
    pub manual_document_validity: DocumentStatus,
}

/// Body of the 200 answer to `POST /api/v2/add-dummy-status`.
///
/// iDenfy documents only "a response with a 200 status code"; this shape is the simulator's
/// choice (see its assumptions). Unknown fields are ignored so a real body still parses.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddDummyStatusResponse {
    /// Human-readable confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The reviewed verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_ref: Option<String>,
}
