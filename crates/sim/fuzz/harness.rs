//! The fuzzing harness for request parsing and validation, shared by the cargo-fuzz target
//! `parse_and_validate` and the stable corpus test of idenfy-sim (`tests/it/fuzzing.rs`).
//!
//! Bytes go through `idenfy_model::parse_body` as each body the simulator reads (token,
//! add-dummy-status, status) and, when they parse, through `validate`. Nothing may panic, and:
//! - a parse error carries one of the identifiers `parse_body` documents, `ENCODING_ERROR`
//!   exactly when the bytes are not UTF-8, and a message;
//! - every violation carries `MISSING_VALUE` or `BAD_VALUE` and a message naming its field;
//! - a parsed request serializes to a body that parses again and gets the same violations.

use idenfy_model::{
    AddDummyStatusRequest, ErrorIdentifier, ScanRefRequest, TokenRequest, Violation, parse_body,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The identifiers `parse_body` documents.
pub const PARSE_IDENTIFIERS: [ErrorIdentifier; 4] = [
    ErrorIdentifier::EncodingError,
    ErrorIdentifier::JsonError,
    ErrorIdentifier::MissingValue,
    ErrorIdentifier::BadValue,
];

/// The identifiers a validation rule may carry.
pub const VALIDATION_IDENTIFIERS: [ErrorIdentifier; 2] =
    [ErrorIdentifier::MissingValue, ErrorIdentifier::BadValue];

/// Checks `data` as every request body; panics when an invariant above breaks. Returns what
/// happened, one label per outcome (`"token: JSON_ERROR"`, `"token: name-length"`,
/// `"status: valid"` …), so a corpus can show what it reaches.
pub fn parse_and_validate(data: &[u8]) -> Vec<String> {
    let mut outcomes = check::<TokenRequest>("token", data, TokenRequest::validate);
    outcomes.extend(check::<AddDummyStatusRequest>(
        "add-dummy-status",
        data,
        AddDummyStatusRequest::validate,
    ));
    outcomes.extend(check::<ScanRefRequest>("status", data, |_| Vec::new()));
    outcomes
}

fn check<T: DeserializeOwned + Serialize>(
    body: &str,
    data: &[u8],
    validate: impl Fn(&T) -> Vec<Violation>,
) -> Vec<String> {
    let request = match parse_body::<T>(data) {
        Ok(request) => request,
        Err(error) => {
            assert!(
                PARSE_IDENTIFIERS.contains(&error.identifier),
                "{body}: undocumented identifier in {error:?}"
            );
            assert_eq!(
                error.identifier == ErrorIdentifier::EncodingError,
                std::str::from_utf8(data).is_err(),
                "{body}: ENCODING_ERROR exactly for bytes that are not UTF-8: {error:?}"
            );
            assert!(!error.message.is_empty(), "{body}: empty message");
            return vec![format!("{body}: {}", error.identifier)];
        }
    };
    let violations = validate(&request);
    for violation in &violations {
        let identifier = violation.rule.identifier();
        assert!(
            VALIDATION_IDENTIFIERS.contains(&identifier),
            "{body}: {violation:?} has identifier {identifier}"
        );
        assert_eq!(violation.to_api_error().identifier, identifier);
        assert!(
            violation
                .message
                .starts_with(&format!("Field '{}'", violation.field)),
            "{body}: {violation:?} does not name its field"
        );
    }
    let serialized = serde_json::to_vec(&request).expect("a parsed request serializes");
    let again: T = parse_body(&serialized)
        .unwrap_or_else(|error| panic!("{body}: its own serialization fails to parse: {error}"));
    let rules = |violations: &[Violation]| {
        violations
            .iter()
            .map(|violation| violation.rule)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rules(&violations),
        rules(&validate(&again)),
        "{body}: the serialized request gets other violations"
    );
    if violations.is_empty() {
        vec![format!("{body}: valid")]
    } else {
        violations
            .iter()
            .map(|violation| format!("{body}: {}", violation.rule))
            .collect()
    }
}
