//! `POST /api/v2/status`: a verification's current statuses.
//!
//! Source: D-DATA (`idenfy-api.md` section 1 and the data-retrieval page).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::status::{DocumentStatus, FaceStatus, FraudTag, MismatchTag, OverallStatus};
use crate::webhook::WebhookStatus;

/// Body of `POST /api/v2/status` (and of `/api/v2/data`, `/api/v2/files`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScanRefRequest {
    /// The verification.
    pub scan_ref: String,
}

/// Answer of `POST /api/v2/status`. Manual statuses are null until a manual review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusResponse {
    /// Fraud tags.
    #[serde(default)]
    pub fraud_tags: Vec<FraudTag>,
    /// Mismatch tags.
    #[serde(default)]
    pub mismatch_tags: Vec<MismatchTag>,
    /// Automatic document result.
    #[serde(default)]
    pub auto_document: Option<DocumentStatus>,
    /// Automatic face result.
    #[serde(default)]
    pub auto_face: Option<FaceStatus>,
    /// Manual document result; empty until reviewed.
    #[serde(default)]
    pub manual_document: Option<DocumentStatus>,
    /// Manual face result; empty until reviewed.
    #[serde(default)]
    pub manual_face: Option<FaceStatus>,
    /// The verification.
    pub scan_ref: String,
    /// The partner's client identifier.
    pub client_id: String,
    /// Overall status.
    pub status: OverallStatus,
}

impl StatusResponse {
    /// The status API's view of a webhook `status` object.
    pub fn from_webhook_status(scan_ref: &str, client_id: &str, status: &WebhookStatus) -> Self {
        Self {
            fraud_tags: status.fraud_tags.clone(),
            mismatch_tags: status.mismatch_tags.clone(),
            auto_document: status.auto_document.clone(),
            auto_face: status.auto_face.clone(),
            manual_document: status.manual_document.clone(),
            manual_face: status.manual_face.clone(),
            scan_ref: scan_ref.to_owned(),
            client_id: client_id.to_owned(),
            status: status.overall.clone(),
        }
    }
}
