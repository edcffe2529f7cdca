//! Validation of token and add-dummy-status requests: every violation, each naming its rule.
//!
//! Constraints come from `idenfy-api.md` section 2.1 (OAS lengths and ranges, GH21 and D-KGT
//! character rules) and `dummy-results.txt` (the accepted dummy values). Where sources
//! disagree, the stricter documented bound is used and the choice is written on the rule.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::country::is_country_code;
use crate::dummy::{AddDummyStatusRequest, DummyStatus};
use crate::error::{ApiError, ErrorIdentifier};
use crate::facts;
use crate::status::{DocumentStatus, FaceStatus};
use crate::status_api::ScanRefRequest;
use crate::token::TokenRequest;
use crate::vocabulary::{Locale, Sex};

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )+) => {
        /// A validation rule; every [`Violation`] names one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $variant, )+
        }

        impl Rule {
            /// Every rule.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )+ ];

            /// The rule's stable kebab-case name, as the CLI and fixtures spell it.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )+ }
            }
        }
    };
}

rules! {
    /// `clientId` is required and must not be empty.
    ClientIdMissing = "client-id-missing",
    /// `clientId` is at most 100 characters (OAS maxLength 100).
    ClientIdTooLong = "client-id-too-long",
    /// `clientId` holds ASCII characters only (D-KGT).
    ClientIdNotAscii = "client-id-not-ascii",
    /// `firstName` and `lastName` are 1 to 100 characters (GH21, OAS).
    NameLength = "name-length",
    /// Names hold no digits and none of ``~!@#$%^*()_+={}[]|:;",<>/?`` (GH21, D-KGT).
    NameCharacters = "name-characters",
    /// Redirect and callback URLs are 5 to 2048 characters (D-KGT, GH21).
    UrlLength = "url-length",
    /// URLs are absolute `http` or `https` URLs with a host.
    UrlScheme = "url-scheme",
    /// `callbackUrl` is HTTPS ("Must be HTTPS URL", MID; DEV refuses plain `http://`
    /// callbacks, loopback or not). [`ValidationProfile::Simulator`] also accepts plain
    /// `http://` to a loopback host, so tests can receive webhooks locally.
    CallbackUrlNotHttps = "callback-url-not-https",
    /// `locale` is one of the supported languages (D-LANG), in any case.
    LocaleUnknown = "locale-unknown",
    /// `expiryTime` is 0 to 2,592,000 seconds (OAS minimum and maximum, generated from the
    /// serializer; the prose's "More than 0" is not what the serializer checks).
    ExpiryTimeRange = "expiry-time-range",
    /// `sessionLength` is 60 to 3600 seconds (OAS).
    SessionLengthRange = "session-length-range",
    /// `country` and `registryCentersCountries` hold ISO 3166-1 alpha-2 codes, in any case.
    CountryCode = "country-code",
    /// `nationality` is an ISO 3166-1 alpha-2 code or `ALL` (D-KGT).
    NationalityCode = "nationality-code",
    /// Dates are calendar-valid `YYYY-MM-DD` (GH21, OAS `format: date`).
    DateFormat = "date-format",
    /// `personalNumber` and `documentNumber` are 1 to 50 characters (GH21, OAS).
    NumberLength = "number-length",
    /// `sex` is `M` or `F` (OAS).
    SexUnknown = "sex-unknown",
    /// `address` is at most 255 characters (GH21, OAS).
    AddressTooLong = "address-too-long",
    /// `externalRef` is at most 40 characters (OAS).
    ExternalRefTooLong = "external-ref-too-long",
    /// `documents` holds known document types (OAS `KycDocumentTypeEnum`).
    DocumentTypeUnknown = "document-type-unknown",
    /// `tokenType` is a known token type.
    TokenTypeUnknown = "token-type-unknown",
    /// `utilityBill` cannot be combined with `additionalSteps` (OAS, MID).
    UtilityBillWithAdditionalSteps = "utility-bill-with-additional-steps",
    /// `riskAssessmentProfile` and `theme` are UUIDs (OAS `format: uuid`).
    UuidFormat = "uuid-format",
    /// `dummyStatus` is `APPROVED`, `DENIED`, `SUSPECTED` or `EXPIRED` (D-DUMMY; the older
    /// `ACTIVE` is no longer accepted).
    DummyStatusNotAccepted = "dummy-status-not-accepted",
    /// `scanRef` is required and must not be empty.
    ScanRefMissing = "scan-ref-missing",
    /// `scanRef` is at most 40 characters (GH21).
    ScanRefTooLong = "scan-ref-too-long",
    /// `manualFaceMatchResult` is one of the 11 values the dummy endpoint accepts.
    DummyFaceNotAccepted = "dummy-face-not-accepted",
    /// `manualDocumentValidity` is one of the 28 values the dummy endpoint accepts.
    DummyDocumentNotAccepted = "dummy-document-not-accepted",
}

/// Whose rules a token request is checked against: iDenfy's API exactly, or the simulator's
/// one allowance for local tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ValidationProfile {
    /// iDenfy's DEV API as documented: `callbackUrl` must be HTTPS.
    #[default]
    Dev,
    /// The simulator: as [`Dev`](ValidationProfile::Dev), but `callbackUrl` may also be plain
    /// `http://` to a loopback host ([`is_https_or_loopback`]), so tests receive webhooks on
    /// this machine without TLS.
    Simulator,
}

/// The request whose validation reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /api/v2/token`: [`TokenRequest::validate`].
    Token,
    /// `POST /api/v2/add-dummy-status`: [`AddDummyStatusRequest::validate`]. Its `scanRef` rules
    /// also apply to `POST /api/v2/status` ([`ScanRefRequest::validate`]).
    AddDummyStatus,
}

/// One broken rule: where, which, and a message naming the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// JSON path of the field, e.g. `firstName` or `documents[1]`.
    pub field: String,
    /// The rule broken.
    pub rule: Rule,
    /// Human-readable message, e.g. "Field 'country' must be a valid ISO 3166-1 alpha-2 code.".
    pub message: String,
}

pub use crate::facts::{
    ADDRESS_MAX, CLIENT_ID_MAX, EXTERNAL_REF_MAX, NAME_MAX, NUMBER_MAX, URL_MAX, URL_MIN,
};
/// Characters a name may not contain (besides digits).
pub const NAME_FORBIDDEN: &str = "~!@#$%^*()_+={}[]|:;\",<>/?";
/// Allowed `expiryTime` range in seconds ([`facts::EXPIRY_TIME`]: the OpenAPI's minimum 0).
pub const EXPIRY_TIME_RANGE: std::ops::RangeInclusive<i64> = range(facts::EXPIRY_TIME);
/// Allowed `sessionLength` range in seconds.
pub const SESSION_LENGTH_RANGE: std::ops::RangeInclusive<i64> = range(facts::SESSION_LENGTH);
/// Longest `scanRef`.
pub const SCAN_REF_MAX: usize = 40;

/// The integer range a field's facts allow.
const fn range(field: facts::Field) -> std::ops::RangeInclusive<i64> {
    match (field.minimum, field.maximum) {
        (Some(minimum), Some(maximum)) => minimum..=maximum,
        _ => panic!("field without a range"),
    }
}

impl Rule {
    /// The error identifier the API uses for this rule: `MISSING_VALUE` for absent required
    /// values, `BAD_VALUE` otherwise.
    pub fn identifier(self) -> ErrorIdentifier {
        match self {
            Rule::ClientIdMissing | Rule::ScanRefMissing => ErrorIdentifier::MissingValue,
            _ => ErrorIdentifier::BadValue,
        }
    }

    /// The request whose validation reports this rule, so callers need not probe generators
    /// or validators to find it.
    pub fn endpoint(self) -> Endpoint {
        match self {
            Rule::ScanRefMissing
            | Rule::ScanRefTooLong
            | Rule::DummyFaceNotAccepted
            | Rule::DummyDocumentNotAccepted => Endpoint::AddDummyStatus,
            _ => Endpoint::Token,
        }
    }

    /// Finds a rule by its [`name`](Rule::name).
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.name() == name)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Rule::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown validation rule {name:?}")))
    }
}

impl Violation {
    /// The error body the API answers with for this violation.
    pub fn to_api_error(&self) -> ApiError {
        ApiError::new(self.rule.identifier(), self.message.clone())
    }
}

/// Collects violations for one request.
#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
    profile: ValidationProfile,
}

impl Checker {
    fn fail(&mut self, field: &str, rule: Rule, requirement: &str) {
        self.violations.push(Violation {
            field: field.to_owned(),
            rule,
            message: format!("Field '{field}' {requirement}."),
        });
    }

    fn check(&mut self, ok: bool, field: &str, rule: Rule, requirement: &str) {
        if !ok {
            self.fail(field, rule, requirement);
        }
    }

    fn length(
        &mut self,
        value: &str,
        range: std::ops::RangeInclusive<usize>,
        field: &str,
        rule: Rule,
    ) {
        // Bytes bound characters from above and from below at a quarter: most values are
        // decided without counting.
        let len = value.len();
        let fits = if len <= *range.end() && len >= *range.start() * 4 {
            true
        } else {
            range.contains(&value.chars().count())
        };
        if fits {
            return;
        }
        let requirement = if *range.start() == 0 {
            format!("must be at most {} characters long", range.end())
        } else {
            format!(
                "must be {} to {} characters long",
                range.start(),
                range.end()
            )
        };
        self.fail(field, rule, &requirement);
    }

    fn url(&mut self, value: &str, field: &str) {
        self.length(value, URL_MIN..=URL_MAX, field, Rule::UrlLength);
        let parsed = url::Url::parse(value).ok().filter(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
        });
        self.check(
            parsed.is_some(),
            field,
            Rule::UrlScheme,
            "must be an absolute http or https URL",
        );
        if let Some(url) = parsed.filter(|_| field == "callbackUrl") {
            let (allowed, requirement) = match self.profile {
                ValidationProfile::Dev => (url.scheme() == "https", "must be an HTTPS URL"),
                ValidationProfile::Simulator => (
                    is_https_or_loopback(&url),
                    "must be an HTTPS URL (plain http is accepted for loopback hosts only)",
                ),
            };
            self.check(allowed, field, Rule::CallbackUrlNotHttps, requirement);
        }
    }

    fn date(&mut self, value: &str, field: &str) {
        self.check(
            is_calendar_date(value),
            field,
            Rule::DateFormat,
            "must be a calendar date in the format YYYY-MM-DD",
        );
    }

    fn scan_ref(&mut self, scan_ref: &str) {
        if scan_ref.is_empty() {
            self.fail(
                "scanRef",
                Rule::ScanRefMissing,
                "is required and must not be empty",
            );
        } else {
            self.length(scan_ref, 1..=SCAN_REF_MAX, "scanRef", Rule::ScanRefTooLong);
        }
    }

    fn uuid(&mut self, value: &str, field: &str) {
        self.check(is_uuid(value), field, Rule::UuidFormat, "must be a UUID");
    }
}

impl TokenRequest {
    /// Every violation of a documented constraint, in field order; empty when valid. Checks
    /// iDenfy's rules exactly ([`ValidationProfile::Dev`]).
    pub fn validate(&self) -> Vec<Violation> {
        self.validate_with(ValidationProfile::Dev)
    }

    /// Every violation under `profile`, in field order; empty when valid.
    pub fn validate_with(&self, profile: ValidationProfile) -> Vec<Violation> {
        let mut c = Checker {
            violations: Vec::new(),
            profile,
        };
        if self.client_id.is_empty() {
            c.fail(
                "clientId",
                Rule::ClientIdMissing,
                "is required and must not be empty",
            );
        } else {
            c.length(
                &self.client_id,
                1..=CLIENT_ID_MAX,
                "clientId",
                Rule::ClientIdTooLong,
            );
            c.check(
                self.client_id.is_ascii(),
                "clientId",
                Rule::ClientIdNotAscii,
                "must contain ASCII characters only",
            );
        }
        for (field, name) in [
            ("firstName", &self.first_name),
            ("lastName", &self.last_name),
        ] {
            if let Some(name) = name {
                c.length(name, 1..=NAME_MAX, field, Rule::NameLength);
                if name
                    .chars()
                    .any(|ch| ch.is_ascii_digit() || NAME_FORBIDDEN.contains(ch))
                {
                    c.fail(
                        field,
                        Rule::NameCharacters,
                        &format!("must not contain digits or any of {NAME_FORBIDDEN}"),
                    );
                }
            }
        }
        for (field, url) in [
            ("successUrl", &self.success_url),
            ("errorUrl", &self.error_url),
            ("unverifiedUrl", &self.unverified_url),
            ("callbackUrl", &self.callback_url),
        ] {
            if let Some(url) = url {
                c.url(url, field);
            }
        }
        if let Some(locale) = &self.locale {
            c.check(
                Locale::from_any_case(locale.as_str()).is_known(),
                "locale",
                Rule::LocaleUnknown,
                "must be a supported language code such as en, lt or zh_tw",
            );
        }
        if let Some(expiry) = self.expiry_time {
            c.check(
                EXPIRY_TIME_RANGE.contains(&expiry),
                "expiryTime",
                Rule::ExpiryTimeRange,
                "must be between 0 and 2592000 seconds",
            );
        }
        if let Some(length) = self.session_length {
            c.check(
                SESSION_LENGTH_RANGE.contains(&length),
                "sessionLength",
                Rule::SessionLengthRange,
                "must be between 60 and 3600 seconds",
            );
        }
        if let Some(country) = &self.country {
            c.check(
                is_country_code(country),
                "country",
                Rule::CountryCode,
                "must be a valid ISO 3166-1 alpha-2 code",
            );
        }
        for (index, document) in self.documents.iter().flatten().enumerate() {
            if !document.is_known() {
                c.fail(
                    &format!("documents[{index}]"),
                    Rule::DocumentTypeUnknown,
                    "must be a known document type such as ID_CARD or PASSPORT",
                );
            }
        }
        for (field, date) in [
            ("dateOfBirth", &self.date_of_birth),
            ("dateOfExpiry", &self.date_of_expiry),
            ("dateOfIssue", &self.date_of_issue),
        ] {
            if let Some(date) = date {
                c.date(date, field);
            }
        }
        if let Some(nationality) = &self.nationality {
            c.check(
                nationality == "ALL" || is_country_code(nationality),
                "nationality",
                Rule::NationalityCode,
                "must be a valid ISO 3166-1 alpha-2 code or ALL",
            );
        }
        for (field, number) in [
            ("personalNumber", &self.personal_number),
            ("documentNumber", &self.document_number),
        ] {
            if let Some(number) = number {
                c.length(number, 1..=NUMBER_MAX, field, Rule::NumberLength);
            }
        }
        if let Some(sex) = &self.sex {
            c.check(
                matches!(sex, Sex::Male | Sex::Female),
                "sex",
                Rule::SexUnknown,
                "must be M or F",
            );
        }
        if let Some(address) = &self.address {
            c.length(address, 0..=ADDRESS_MAX, "address", Rule::AddressTooLong);
        }
        if let Some(token_type) = &self.token_type {
            c.check(
                token_type.is_known(),
                "tokenType",
                Rule::TokenTypeUnknown,
                "must be IDENTIFICATION, DOCUMENT, VIDEO_CALL, VIDEO_CALL_PHOTOS or VIDEO_CALL_IDENTIFICATION",
            );
        }
        if let Some(external_ref) = &self.external_ref {
            c.length(
                external_ref,
                0..=EXTERNAL_REF_MAX,
                "externalRef",
                Rule::ExternalRefTooLong,
            );
        }
        let has_additional_steps = self.additional_steps.as_ref().is_some_and(|s| !s.is_null());
        c.check(
            !(self.utility_bill == Some(true) && has_additional_steps),
            "utilityBill",
            Rule::UtilityBillWithAdditionalSteps,
            "cannot be combined with additionalSteps",
        );
        for (field, uuid) in [
            ("riskAssessmentProfile", &self.risk_assessment_profile),
            ("theme", &self.theme),
        ] {
            if let Some(uuid) = uuid {
                c.uuid(uuid, field);
            }
        }
        for (index, country) in self.registry_centers_countries.iter().flatten().enumerate() {
            if !is_country_code(country) {
                c.fail(
                    &format!("registryCentersCountries[{index}]"),
                    Rule::CountryCode,
                    "must be a valid ISO 3166-1 alpha-2 code",
                );
            }
        }
        if let Some(dummy) = &self.dummy_status {
            c.check(
                DummyStatus::ACCEPTED.contains(dummy),
                "dummyStatus",
                Rule::DummyStatusNotAccepted,
                "must be APPROVED, DENIED, SUSPECTED or EXPIRED",
            );
        }
        c.violations
    }
}

impl ScanRefRequest {
    /// Every violation of the `scanRef` rules; empty when valid.
    pub fn validate(&self) -> Vec<Violation> {
        let mut c = Checker::default();
        c.scan_ref(&self.scan_ref);
        c.violations
    }
}

impl AddDummyStatusRequest {
    /// Every violation, in field order; empty when valid.
    pub fn validate(&self) -> Vec<Violation> {
        let mut c = Checker::default();
        c.scan_ref(&self.scan_ref);
        c.check(
            FaceStatus::DUMMY_MANUAL.contains(&self.manual_face_match_result),
            "manualFaceMatchResult",
            Rule::DummyFaceNotAccepted,
            "must be one of the 11 dummy manual face results, such as FACE_MATCH",
        );
        c.check(
            DocumentStatus::DUMMY_MANUAL.contains(&self.manual_document_validity),
            "manualDocumentValidity",
            Rule::DummyDocumentNotAccepted,
            "must be one of the 28 dummy manual document results, such as DOC_VALIDATED",
        );
        c.violations
    }
}

/// Whether `value` is exactly `YYYY-MM-DD` and names a real calendar day.
pub fn is_calendar_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
}

/// Whether `value` is a hyphenated UUID (`8-4-4-4-12` hexadecimal digits).
pub fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `url` is `https://`, or plain `http://` to a loopback host: where the workspace
/// lets a client send credentials or a simulator send webhooks without TLS.
pub fn is_https_or_loopback(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => is_loopback_host(url),
        _ => false,
    }
}

/// Whether a URL points at a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`).
pub fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
