//! iDenfy's error body `{"identifier", "message"}`, its identifiers and documented messages.
//!
//! Source: `idenfy-api.md` section 6 (D-ERR, D-ERR2, D-ERR-OLD, GH21).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;

open_enum! {
    /// The `identifier` of an error body; "never changes, therefore can be used in code".
    pub enum ErrorIdentifier {
        /// Unexpected server-side error.
        InternalError = "INTERNAL_ERROR",
        /// Invalid parameter value.
        BadValue = "BAD_VALUE",
        /// Required parameter missing.
        MissingValue = "MISSING_VALUE",
        /// Missing or invalid API key or secret.
        Unauthorized = "UNAUTHORIZED",
        /// The body could not be decoded as UTF-8.
        EncodingError = "ENCODING_ERROR",
        /// Malformed JSON.
        JsonError = "JSON_ERROR",
        /// The token expired, was used, or does not exist.
        TokenNotValid = "TOKEN_NOT_VALID",
        /// The partner's contract does not permit the action.
        PartnerContractError = "PARTNER_CONTRACT_ERROR",
        /// Wrong HTTP method.
        MethodNotAllowed = "METHOD_NOT_ALLOWED",
        /// Insufficient permissions, including the wrong environment for dummy endpoints.
        PermissionsError = "PERMISSIONS_ERROR",
        /// The hourly request limit was reached.
        TooManyRequests = "TOO_MANY_REQUESTS",
        /// One or more fields failed validation.
        ValidationError = "VALIDATION_ERROR",
    }
}

/// Documented error messages, verbatim.
pub mod messages {
    /// 401 on any endpoint with missing or wrong credentials (D-ERR).
    pub const INVALID_CREDENTIALS: &str = "Invalid authorization credentials";
    /// 402 when the balance is spent or an expense limit reached (D-ERR).
    pub const LACK_OF_FUNDS: &str = "Action not allowed due to lack of funds or exceeded limit.";
    /// Dummy endpoints called from the DEMO environment (D-DUMMY).
    pub const NOT_FOR_DEMO: &str = "This endpoint is not available for DEMO partners.";
    /// Dummy endpoints called from the TEST or PROD environment (D-DUMMY).
    pub const NOT_FOR_TESTING_PRODUCTION: &str =
        "This endpoint is not available for TESTING/PRODUCTION partners.";
    /// 429 past the hourly limit (D-ERR: "Default value is 10000").
    pub const TOO_MANY_REQUESTS: &str = "Requests per hour limit has been reached.";
    /// 403 when the partner account is disabled (D-ERR).
    pub const PARTNER_INACTIVE: &str = "Partner inactive";
    /// Older credit-exhaustion message (D-ERR-OLD, MID).
    pub const TOKEN_LIMIT_REACHED: &str = "Partner reached token limit.";
    /// Message of a successful token creation without `dummyStatus` (GH21).
    pub const TOKEN_CREATED: &str = "Token created successfully";
    /// Message of a successful token creation with `dummyStatus` (D-DUMMY).
    pub const DUMMY_TOKEN_CREATED: &str = "Dummy token and verification created successfully";
}

/// An error body as iDenfy sends it.
#[derive(Debug, Clone, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApiError {
    /// Stable machine-readable identifier.
    pub identifier: ErrorIdentifier,
    /// Human-readable explanation.
    pub message: String,
    /// The HTTP status set by [`with_status`](ApiError::with_status), where the identifier alone
    /// does not decide it. It travels beside the body, never in it, and equality ignores it.
    #[serde(skip)]
    status: Option<u16>,
}

impl ApiError {
    /// An error with the given identifier and message, answered with the status documented for
    /// the identifier.
    pub fn new(identifier: ErrorIdentifier, message: impl Into<String>) -> Self {
        Self {
            identifier,
            message: message.into(),
            status: None,
        }
    }

    /// An error answered with `status` whatever its identifier (402 for lack of funds, whose
    /// identifier is shared with other contract errors).
    pub fn with_status(
        status: u16,
        identifier: ErrorIdentifier,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status: Some(status),
            ..Self::new(identifier, message)
        }
    }

    /// The 400 answer to a request with these violations, `None` for none: the first
    /// violation's identifier and every violation's message, first one first, space-separated
    /// (the simulator's reading: iDenfy's docs show one message per answer).
    pub fn for_violations(violations: &[crate::validation::Violation]) -> Option<Self> {
        let first = violations.first()?;
        let message = violations
            .iter()
            .map(|violation| violation.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Some(Self::new(first.rule.identifier(), message))
    }

    /// 401 `UNAUTHORIZED` "Invalid authorization credentials".
    pub fn unauthorized() -> Self {
        Self::new(ErrorIdentifier::Unauthorized, messages::INVALID_CREDENTIALS)
    }

    /// 402 lack of funds. The docs give the message but no identifier; `PARTNER_CONTRACT_ERROR`
    /// is the closest documented one (inferred).
    pub fn lack_of_funds() -> Self {
        Self::with_status(
            402,
            ErrorIdentifier::PartnerContractError,
            messages::LACK_OF_FUNDS,
        )
    }

    /// 429 `TOO_MANY_REQUESTS`, naming the hourly limit.
    pub fn too_many_requests(limit_per_hour: u64) -> Self {
        Self::new(
            ErrorIdentifier::TooManyRequests,
            format!(
                "{} Default value is 10000; this partner's limit is {limit_per_hour}.",
                messages::TOO_MANY_REQUESTS
            ),
        )
    }

    /// The HTTP status iDenfy answers this error with: the one given to
    /// [`with_status`](ApiError::with_status) (402 for [`lack_of_funds`](ApiError::lack_of_funds)),
    /// else the one documented for the identifier (a parsed body carries no status of its own).
    ///
    /// `PERMISSIONS_ERROR` is 403 (D-ERR's "wrong environment" row); the rest follow D-ERR2's
    /// "HTTP 400 (or the appropriate status code)".
    pub fn http_status(&self) -> u16 {
        self.status.unwrap_or(match &self.identifier {
            ErrorIdentifier::Unauthorized => 401,
            ErrorIdentifier::PermissionsError => 403,
            ErrorIdentifier::MethodNotAllowed => 405,
            ErrorIdentifier::TooManyRequests => 429,
            ErrorIdentifier::InternalError => 500,
            _ => 400,
        })
    }
}

impl PartialEq for ApiError {
    /// Equal bodies are equal errors: the status is not part of the body.
    fn eq(&self, other: &Self) -> bool {
        self.identifier == other.identifier && self.message == other.message
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.identifier, self.message)
    }
}

impl std::error::Error for ApiError {}
