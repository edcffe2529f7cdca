//! Verification webhooks: the identification webhook and the document-expiration webhook.
//!
//! Source: `idenfy-api.md` sections 4.1 and 4.4 to 4.10 (OAS `IdentificationWebhook`,
//! `IdentificationStatusWebhook`, `IdentificationDataWebhook`, `DocumentExpirationWebhook`;
//! MID and GO example bodies). Every field the docs mark nullable is an `Option`; fields that
//! OAS lists as required are serialized even when `null`, the rest only when present.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::open_enum::open_enum;
use crate::status::{
    AdditionalStepStatus, DocumentStatus, FaceStatus, FraudTag, MismatchTag, OverallStatus,
    SuspicionReason,
};
use crate::vocabulary::{AgeEstimate, DocumentSex, DocumentType, Platform, ProxyRiskLevel};

open_enum! {
    /// The `Idenfy-Event-Type` header. Source: OAS `webhooks.*.parameters`.
    pub enum WebhookEventType {
        /// Legacy catch-all event.
        Identification = "IDENTIFICATION",
        /// Automatic processing finished; `final` says whether a manual review follows.
        IdentificationAutoFinished = "IDENTIFICATION_AUTO_FINISHED",
        /// Manual review finished; always `final: true`.
        IdentificationManualFinished = "IDENTIFICATION_MANUAL_FINISHED",
        /// The client resubmitted.
        IdentificationResubmitted = "IDENTIFICATION_RESUBMITTED",
        /// The verification was cancelled.
        IdentificationCancelled = "IDENTIFICATION_CANCELLED",
        /// The token or session expired.
        IdentificationExpired = "IDENTIFICATION_EXPIRED",
        /// A verified document is about to expire.
        DocumentExpiration = "DOCUMENT_EXPIRATION",
        /// A video call finished.
        VideoCallFinished = "VIDEO_CALL_FINISHED",
    }
}

open_enum! {
    /// `expirationThreshold` of the document-expiration webhook. Source: OAS `DocumentExpirationEnum`.
    pub enum ExpirationThreshold {
        /// Expires within 30 days.
        Within30Days = "DOCUMENT_EXPIRES_WITHIN_30_DAYS",
        /// Expires within 7 days.
        Within7Days = "DOCUMENT_EXPIRES_WITHIN_7_DAYS",
        /// Expires within a day.
        Within1Day = "DOCUMENT_EXPIRES_WITHIN_1_DAY",
        /// Has expired.
        Expired = "DOCUMENT_EXPIRED",
    }
}

open_enum! {
    /// `status.overallStatus` of an AML, LID or criminal-check result.
    pub enum ServiceOverallStatus {
        /// The service found something.
        Suspected = "SUSPECTED",
        /// The service found nothing.
        NotSuspected = "NOT_SUSPECTED",
    }
}

/// Body of the identification webhooks (`IDENTIFICATION_*` events).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentificationWebhook {
    /// Whether more webhooks may follow for this verification (false: a manual review follows).
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The client's device.
    #[serde(default)]
    pub platform: Option<Platform>,
    /// Statuses and tags.
    pub status: WebhookStatus,
    /// Data read from the document.
    #[serde(default)]
    pub data: Option<IdentificationData>,
    /// Image and video URLs, keyed `FRONT`, `BACK`, `FACE`, `FRONT_VIDEO`, `BACK_VIDEO`, `FACE_VIDEO`.
    #[serde(default)]
    pub file_urls: Option<BTreeMap<String, Option<String>>>,
    /// PDF URLs of additional steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_step_pdf_urls: Option<BTreeMap<String, Option<String>>>,
    /// Legacy (v2) AML results.
    #[serde(rename = "AML", default)]
    pub aml: Option<Vec<ServiceResult<serde_json::Value>>>,
    /// AML (v3) result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aml_check: Option<serde_json::Value>,
    /// Lost and invalid documents results.
    #[serde(rename = "LID", default)]
    pub lid: Option<Vec<ServiceResult<LidData>>>,
    /// Criminal record check results.
    #[serde(
        rename = "CRIMINAL_CHECK",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub criminal_check: Option<Vec<ServiceResult<CriminalCheckData>>>,
    /// The verification's identifier (max 36).
    pub scan_ref: String,
    /// The token request's `externalRef`, as sent.
    #[serde(default)]
    pub external_ref: Option<String>,
    /// The token request's `clientId`.
    pub client_id: String,
    /// KYB company link; absent or null for plain KYC.
    #[serde(default)]
    pub company_id: Option<String>,
    /// KYB beneficiary link; absent or null for plain KYC.
    #[serde(default)]
    pub beneficiary_id: Option<String>,
    /// Unix seconds when the client started.
    #[serde(default)]
    pub start_time: Option<i64>,
    /// Unix seconds when the automatic decision was made.
    #[serde(default)]
    pub finish_time: Option<i64>,
    /// The client's IP address.
    #[serde(default)]
    pub client_ip: Option<String>,
    /// Country of the client's IP, alpha-2.
    #[serde(default)]
    pub client_ip_country: Option<String>,
    /// e.g. "Kaunas, Lithuania".
    #[serde(default)]
    pub client_location: Option<String>,
    /// Global data sources match for `additionalData`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdc_match: Option<bool>,
    /// Address parsed from a utility bill (top level per OAS; inside `data` per older examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual_address: Option<String>,
    /// Whether the utility-bill address matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual_address_match: Option<bool>,
    /// Registry centre check (one of several shapes by `resourceType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_center_check: Option<serde_json::Value>,
    /// Address verification result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_verification: Option<serde_json::Value>,
    /// Questionnaire answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire_answers: Option<serde_json::Value>,
    /// Risk assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_assessment: Option<serde_json::Value>,
    /// Bank verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_verification: Option<serde_json::Value>,
    /// Email verification (`{email, emailVerified}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verification: Option<serde_json::Value>,
    /// Phone verification (`{phone, phoneVerified}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_verification: Option<serde_json::Value>,
    /// Driver licence check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_license_check: Option<serde_json::Value>,
    /// Bank card verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_card_verification: Option<serde_json::Value>,
    /// Additional steps: step name to `UPLOAD`, `COMPARE`, `EXTRACT` or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_steps: Option<BTreeMap<String, Option<String>>>,
}

/// The `status` object of an identification webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookStatus {
    /// Overall status; for manual results, see [`crate::rules::overall_after_manual_review`].
    pub overall: OverallStatus,
    /// Legacy suspicion reasons, still sent by some environments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspicion_reasons: Option<Vec<SuspicionReason>>,
    /// Fraud tags; new ones may appear at any time.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub fraud_tags: Vec<FraudTag>,
    /// Mismatches between the token data and the document.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub mismatch_tags: Vec<MismatchTag>,
    /// Automatic face result; null when no selfie was analysed.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub auto_face: Option<FaceStatus>,
    /// Manual face result; null (or empty) until a manual review.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub manual_face: Option<FaceStatus>,
    /// Automatic document result; null when no document was analysed.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub auto_document: Option<DocumentStatus>,
    /// Manual document result; null (or empty) until a manual review.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub manual_document: Option<DocumentStatus>,
    /// Status of additional steps.
    #[serde(default)]
    pub additional_steps: Option<AdditionalStepStatus>,
}

/// The `data` object: what was read from the document. Every field is nullable.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentificationData {
    /// First name on the document.
    #[serde(default)]
    pub doc_first_name: Option<String>,
    /// Last name on the document.
    #[serde(default)]
    pub doc_last_name: Option<String>,
    /// Document number.
    #[serde(default)]
    pub doc_number: Option<String>,
    /// Personal code.
    #[serde(default)]
    pub doc_personal_code: Option<String>,
    /// Expiry date, `YYYY-MM-DD`.
    #[serde(default)]
    pub doc_expiry: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default)]
    pub doc_dob: Option<String>,
    /// Date of issue, `YYYY-MM-DD`.
    #[serde(default)]
    pub doc_date_of_issue: Option<String>,
    /// Document type.
    #[serde(default)]
    pub doc_type: Option<DocumentType>,
    /// Sex on the document.
    #[serde(default)]
    pub doc_sex: Option<DocumentSex>,
    /// Nationality, alpha-2.
    #[serde(default)]
    pub doc_nationality: Option<String>,
    /// Issuing country, alpha-2.
    #[serde(default)]
    pub doc_issuing_country: Option<String>,
    /// Place of birth.
    #[serde(default)]
    pub birth_place: Option<String>,
    /// Issuing authority.
    #[serde(default)]
    pub authority: Option<String>,
    /// Address on the document.
    #[serde(default)]
    pub address: Option<String>,
    /// Temporary address.
    #[serde(default)]
    pub doc_temporary_address: Option<String>,
    /// Mother's maiden name.
    #[serde(default)]
    pub mothers_maiden_name: Option<String>,
    /// Birth name.
    #[serde(default)]
    pub doc_birth_name: Option<String>,
    /// Patronymic.
    #[serde(default)]
    pub doc_patronymic: Option<String>,
    /// Driver licence categories.
    #[serde(default)]
    pub driver_license_category: Option<String>,
    /// Whether a reviewer corrected the data (false for automatic results).
    #[serde(default)]
    pub manually_data_changed: Option<bool>,
    /// Full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Country the client selected, alpha-2.
    #[serde(default)]
    pub selected_country: Option<String>,
    /// First name in the original script.
    #[serde(default)]
    pub org_first_name: Option<String>,
    /// Last name in the original script.
    #[serde(default)]
    pub org_last_name: Option<String>,
    /// Nationality in the original language.
    #[serde(default)]
    pub org_nationality: Option<String>,
    /// Place of birth in the original language.
    #[serde(default)]
    pub org_birth_place: Option<String>,
    /// Authority in the original language.
    #[serde(default)]
    pub org_authority: Option<String>,
    /// Address in the original language.
    #[serde(default)]
    pub org_address: Option<String>,
    /// Temporary address in the original language.
    #[serde(default)]
    pub org_temporary_address: Option<String>,
    /// Mother's maiden name in the original language.
    #[serde(default)]
    pub org_mothers_maiden_name: Option<String>,
    /// Patronymic in the original language.
    #[serde(default)]
    pub org_patronymic: Option<String>,
    /// Birth name in the original language.
    #[serde(default)]
    pub org_birth_name: Option<String>,
    /// Age estimated from the selfie.
    #[serde(default)]
    pub age_estimate: Option<AgeEstimate>,
    /// Proxy risk of the client's IP.
    #[serde(default)]
    pub client_ip_proxy_risk_level: Option<ProxyRiskLevel>,
    /// scanRefs of verifications with the same selfie.
    #[serde(default)]
    pub duplicate_faces: Option<Vec<String>>,
    /// scanRefs of verifications with the same document face.
    #[serde(default)]
    pub duplicate_doc_faces: Option<Vec<String>>,
    /// Data for additional steps, e.g. `{"UTILITY_BILL": {"ssn": {...}}}`.
    #[serde(default)]
    pub additional_data: Option<serde_json::Value>,
    /// Address parsed from a utility bill, where older bodies put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual_address: Option<String>,
    /// Whether the utility-bill address matched, where older bodies put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual_address_match: Option<bool>,
    /// Registry centre check, where older bodies put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_center_check: Option<serde_json::Value>,
    /// Address verification, where older bodies put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_verification: Option<serde_json::Value>,
}

/// One `AML`, `LID` or `CRIMINAL_CHECK` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", bound(deserialize = "D: Deserialize<'de>"))]
pub struct ServiceResult<D> {
    /// What the service did and found.
    pub status: ServiceStatus,
    /// Service name, e.g. `AML_NAMES_CHECK`, `IrdInvalidPapers`.
    #[serde(default)]
    pub service_name: Option<String>,
    /// Service group, e.g. `AML`, `LID`.
    #[serde(default)]
    pub service_group_type: Option<String>,
    /// Result identifier.
    #[serde(default)]
    pub uid: Option<String>,
    /// Error from the service, if any.
    #[serde(default)]
    pub error_message: Option<String>,
    /// What the service returned.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub data: Vec<D>,
}

/// The `status` of a service result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    /// Whether the service suspected something.
    #[serde(default)]
    pub service_suspected: Option<bool>,
    /// Whether the service was used.
    #[serde(default)]
    pub service_used: Option<bool>,
    /// Whether the service found the person or document.
    #[serde(default)]
    pub service_found: Option<bool>,
    /// Whether the check succeeded.
    #[serde(default)]
    pub check_successful: Option<bool>,
    /// `SUSPECTED` or `NOT_SUSPECTED`.
    #[serde(default)]
    pub overall_status: Option<ServiceOverallStatus>,
}

/// One `LID` data item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LidData {
    /// Document number checked.
    #[serde(default)]
    pub document_number: Option<String>,
    /// Document type checked.
    #[serde(default)]
    pub document_type: Option<String>,
    /// Whether the document is valid.
    #[serde(default)]
    pub valid: Option<bool>,
    /// Expiry date.
    #[serde(default)]
    pub expiry_date: Option<String>,
    /// When the check ran.
    #[serde(default)]
    pub check_date: Option<String>,
}

/// One `CRIMINAL_CHECK` data item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CriminalCheckData {
    /// Offenses found.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub offenses: Vec<serde_json::Value>,
    /// Full name checked.
    #[serde(default)]
    pub full_name: Option<String>,
    /// County.
    #[serde(default)]
    pub county: Option<String>,
    /// US state code.
    #[serde(default)]
    pub region: Option<String>,
}

/// Body of the `DOCUMENT_EXPIRATION` webhook. Source: OAS `DocumentExpirationWebhook`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentExpirationWebhook {
    /// The verification whose document expires.
    pub scan_ref: String,
    /// The partner's client identifier.
    pub client_id: String,
    /// How close the expiry is.
    pub expiration_threshold: ExpirationThreshold,
    /// The document's expiry date.
    pub document_expiration: String,
}

impl IdentificationWebhook {
    /// `manualAddress` wherever the body put it: top level (OAS) or inside `data` (older bodies).
    pub fn manual_address(&self) -> Option<&str> {
        self.manual_address
            .as_deref()
            .or_else(|| self.data.as_ref()?.manual_address.as_deref())
    }
}

/// Reads `null` as an empty list.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads `null` and `""` as `None` ("Empty if not reviewed yet", D-DATA).
fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
{
    let value = Option::<String>::deserialize(deserializer)?;
    Ok(value
        .filter(|value| !value.is_empty())
        .and_then(|value| value.parse().ok()))
}
