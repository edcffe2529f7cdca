//! Typed model of iDenfy's KYC dummy-results API: requests, responses, webhooks, errors,
//! the status vocabulary, validation, the behavioural rules and webhook signing.
//!
//! Every type here carries iDenfy's exact wire names. Every vocabulary enum keeps values it
//! does not know (`Other(UnknownValue<Self>)`, made only by parsing, so equal wire values are
//! equal values) and lists its known values in a constant slice (`ALL`, plus the subsets the
//! dummy endpoint accepts), so callers enumerate the status matrix from the types. This crate
//! does no I/O.
//!
//! The facts taken from iDenfy's OpenAPI live once in [`facts`]; the parser ([`drf`]), the
//! validator ([`validation`]) and the JSON Schemas ([`request_schema`]) read them.
//!
//! Sources are cited per item; the compiled reference is `shared/reference/idenfy-api.md`.

pub mod country;
pub mod decision;
pub mod drf;
pub mod dummy;
pub mod environment;
pub mod error;
pub mod facts;
pub mod matrix;
pub mod open_enum;
pub mod parse;
pub mod request_schema;
pub mod rules;
pub mod signature;
pub mod signed;
pub mod status;
pub mod status_api;
pub mod support;
pub mod token;
pub mod validation;
pub mod vocabulary;
pub mod webhook;

pub use decision::{Decision, reference_decision};
pub use dummy::{AddDummyStatusRequest, AddDummyStatusResponse, DummyStatus};
pub use environment::Environment;
pub use error::{ApiError, ErrorIdentifier};
pub use matrix::{Triple, matrix};
pub use parse::parse_body;
pub use signature::{ApiCredentials, SignatureError, SigningKey, sign, verify};
pub use signed::{BodyStyle, SignedWebhook, WebhookError, verify_webhook};
pub use status::{
    AdditionalStepStatus, DocumentStatus, FaceStatus, FraudTag, MismatchTag, OverallStatus,
    SuspicionReason,
};
pub use status_api::{ScanRefRequest, StatusResponse};
pub use token::{TokenRequest, TokenResponse};
pub use validation::{Rule, Violation};
pub use vocabulary::{
    AgeEstimate, DocumentSex, DocumentType, Locale, Platform, ProxyRiskLevel, Sex, TokenType,
};
pub use webhook::{
    DocumentExpirationWebhook, IdentificationData, IdentificationWebhook, WebhookEventType,
    WebhookStatus,
};
