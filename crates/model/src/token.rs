//! `POST /api/v2/token`: the session request (with `dummyStatus`) and its 201 response.
//!
//! Source: `idenfy-api.md` sections 2.1 to 2.4 (OAS request and response schemas, GH21, D-KGT, MID).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::drf;
use crate::dummy::DummyStatus;
use crate::vocabulary::{DocumentType, Locale, Sex, TokenType};

/// Body of `POST /api/v2/token`. Only `clientId` must be sent (`tokenType` defaults to
/// `IDENTIFICATION`, see [`facts::TOKEN_TYPE`](crate::facts::TOKEN_TYPE)); absent fields are
/// not serialized.
///
/// Fields that the API constrains (dates, codes, URLs, ranges) are kept as sent, so that an
/// invalid request can be represented and [`TokenRequest::validate`](crate::validation) can
/// report it. Unknown fields are ignored when parsing. Parsing follows DRF's field semantics
/// ([`crate::drf`]) and the official nullability ([`crate::facts::TOKEN_REQUEST`]): a field
/// not marked nullable refuses `null`, an integer field takes `600.0` and `"600"`, a boolean
/// field `"true"` and `1`, a string field a number. Its JSON Schema is built from the same
/// facts ([`crate::request_schema`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    /// Partner's identifier of the person: ASCII, 1 to 100 characters. Legacy alias `personScanRef`.
    #[serde(alias = "personScanRef", deserialize_with = "drf::required_string")]
    pub client_id: String,
    /// First name: 1 to 100 characters, no digits or special characters; upper-cased by iDenfy.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub first_name: Option<String>,
    /// Last name: same rules as `first_name`.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_name: Option<String>,
    /// Redirect after success: 5 to 2048 characters.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub success_url: Option<String>,
    /// Redirect after failure: 5 to 2048 characters.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_url: Option<String>,
    /// Redirect when the user cancels: 5 to 2048 characters.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub unverified_url: Option<String>,
    /// Per-session webhook URL; HTTPS.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_url: Option<String>,
    /// UI language; default `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    /// Show instructions before the flow; default `true`.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub show_instructions: Option<bool>,
    /// Token validity in seconds: 0 to 2,592,000; default 3600.
    #[serde(
        default,
        deserialize_with = "drf::integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiry_time: Option<i64>,
    /// Session length in seconds: 60 to 3600; default 600.
    #[serde(
        default,
        deserialize_with = "drf::integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_length: Option<i64>,
    /// Document-issuing country, ISO 3166-1 alpha-2 (any case).
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub country: Option<String>,
    /// Allowed document types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentType>>,
    /// `YYYY-MM-DD`.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub date_of_birth: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub date_of_expiry: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub date_of_issue: Option<String>,
    /// ISO 3166-1 alpha-2, or `ALL` to clear.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub nationality: Option<String>,
    /// 1 to 50 characters.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub personal_number: Option<String>,
    /// 1 to 50 characters.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub document_number: Option<String>,
    /// `M` or `F`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Up to 255 characters; used for proof of address.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub address: Option<String>,
    /// Ask for an 8-digit `digitString` in the response.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub generate_digit_string: Option<bool>,
    /// Verification flow; default `IDENTIFICATION`.
    #[serde(
        default,
        deserialize_with = "drf::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub token_type: Option<TokenType>,
    /// Questions for the video-call token types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_call_questions: Option<Vec<String>>,
    /// Up to 40 characters, returned as-is in webhooks.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_ref: Option<String>,
    /// Add a utility-bill step; cannot be combined with `additional_steps`.
    #[serde(
        default,
        deserialize_with = "drf::nullable_boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub utility_bill: Option<bool>,
    /// Extra document steps; cannot be combined with `utility_bill`.
    #[serde(
        default,
        deserialize_with = "drf::object",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_steps: Option<serde_json::Value>,
    /// Data for COMPARE-type additional steps.
    #[serde(
        default,
        deserialize_with = "drf::object",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_data: Option<serde_json::Value>,
    /// Questionnaire key.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub questionnaire: Option<String>,
    /// Whether the questionnaire is required; default `true`.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub questionnaire_required: Option<bool>,
    /// Risk assessment profile UUID.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub risk_assessment_profile: Option<String>,
    /// UI theme UUID.
    #[serde(
        default,
        deserialize_with = "drf::nullable_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub theme: Option<String>,
    /// Registry centre countries, ISO alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_centers_countries: Option<Vec<String>>,
    /// Minimum age; below it the verification is `SUSPECTED`.
    #[serde(
        default,
        deserialize_with = "drf::integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub age_limit: Option<i64>,
    /// Maximum age; above it the verification is `SUSPECTED`.
    #[serde(
        default,
        deserialize_with = "drf::integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub age_max: Option<i64>,
    /// DEV only: the forced automatic result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dummy_status: Option<DummyStatus>,
    // Feature overrides (reference section 2.2): OAS flags and older documented settings.
    // "You can only override features, parameters, and variables available in your environment."
    /// Manually review successful verifications.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub review_successful: Option<bool>,
    /// Manually review failed verifications.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub review_failed: Option<bool>,
    /// Verify the email address.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub verify_email: Option<bool>,
    /// Verify the phone number.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub verify_phone: Option<bool>,
    /// Verify a bank account.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub verify_bank: Option<bool>,
    /// Verify bank accounts.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub verify_bank_accounts: Option<bool>,
    /// Verify bank balances.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub verify_bank_balances: Option<bool>,
    /// Verify bank transactions.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub verify_bank_transactions: Option<bool>,
    /// Verify a bank card.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub bank_card_verification: Option<bool>,
    /// Allow a bank card PDF upload.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub bank_card_pdf_upload: Option<bool>,
    /// Verify the address.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub verify_address: Option<bool>,
    /// Run the AML check.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_aml: Option<bool>,
    /// Run the criminal record check.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_criminal: Option<bool>,
    /// Run the liveness check.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_liveness: Option<bool>,
    /// Check the face blacklist.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_face_blacklist: Option<bool>,
    /// Check the document face blacklist.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_doc_face_blacklist: Option<bool>,
    /// Check the person blacklist.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_person_blacklist: Option<bool>,
    /// Look for duplicate faces.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_duplicate_faces: Option<bool>,
    /// Look for duplicate document faces.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_duplicate_doc_faces: Option<bool>,
    /// Look for duplicate personal data.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_duplicate_personal_data: Option<bool>,
    /// Check the driver licence.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_driver_license: Option<bool>,
    /// Check lost and invalid documents.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_lid: Option<bool>,
    /// Check whether the client's IP is a proxy.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub check_ip_proxy: Option<bool>,
    /// Allow BSN masking.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_bsn_masking: Option<bool>,
    /// Require an NFC read.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub nfc_required: Option<bool>,
    /// Offer an optional NFC read.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub nfc_optional: Option<bool>,
    /// Enable automatic AML monitoring.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_aml_monitoring: Option<bool>,
    /// Ask for the back of the driver licence.
    #[serde(
        default,
        deserialize_with = "drf::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub driver_license_back: Option<bool>,
    /// Face-matching threshold modifier.
    #[serde(
        default,
        deserialize_with = "drf::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub face_matching_threshold_modifier: Option<f64>,
    /// Older setting: fraud services (`AML_NAMES_CHECK`, `LID`, `AML_NEWS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_services: Option<Vec<String>>,
    /// Older setting: retries after the first failed attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempt_count: Option<i64>,
    /// Older setting: text match ratio (default 0.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levenshtein_text_match_ratio: Option<f64>,
    /// Older setting: MRZ match ratio (default 0.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levenshtein_mrz_match_ratio: Option<f64>,
    /// Older setting: Urjanet utility check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_urjanet: Option<bool>,
    /// Older setting: detection types (`FACE`, `EYES`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_types: Option<Vec<String>>,
}

/// The 201 answer to `POST /api/v2/token`: the request echoed with defaults filled, plus the
/// session's identifiers. Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// "Token created successfully" or "Dummy token and verification created successfully".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Token for the UI or SDK; 40 characters in every example.
    pub auth_token: String,
    /// The verification's identifier.
    pub scan_ref: String,
    /// Hosted UI URL (`https://ivs.idenfy.com/api/v2/redirect?authToken=…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Mirrors `clientId` in older examples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_scan_ref: Option<String>,
    /// Digit code when `generateDigitString` was true (8 digits; the docs' example shows 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit_string: Option<String>,
    /// Allowed documents per country, e.g. `{"ALL": ["ID_CARD", "PASSPORT"]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_documents: Option<BTreeMap<String, Vec<DocumentType>>>,
    /// The request's fields, echoed with defaults filled. Read leniently: an answer's `null`
    /// is an absent field, whatever the request's rules for `null` are.
    #[serde(flatten, deserialize_with = "echoed_request")]
    pub request: TokenRequest,
}

/// The echoed request of a 201 answer: iDenfy answers `null` for fields the request left out,
/// also for fields a request may not set to `null` (`"additionalSteps": null`).
fn echoed_request<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<TokenRequest, D::Error> {
    let mut fields = serde_json::Map::deserialize(deserializer)?;
    fields.retain(|_, value| !value.is_null());
    TokenRequest::deserialize(serde_json::Value::Object(fields)).map_err(serde::de::Error::custom)
}

impl TokenRequest {
    /// A request with only the required `clientId`.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            ..Self::default()
        }
    }
}
