//! Parsing request bodies the way the API reports failures: `ENCODING_ERROR` for bytes that
//! are not UTF-8, `JSON_ERROR` for malformed JSON or a body that is not an object,
//! `MISSING_VALUE` for an absent required field and `BAD_VALUE` for a value of the wrong type,
//! each message naming the field.

use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorIdentifier};
use crate::support::clip;

/// Parses a JSON request body into `T`, or the error body the API answers with.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(body).map_err(|error| {
        ApiError::new(
            ErrorIdentifier::EncodingError,
            format!("Request body is not valid UTF-8: {error}."),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
        ApiError::new(
            ErrorIdentifier::JsonError,
            format!(
                "Request body is not valid JSON: {}.",
                clip(&error.to_string(), MAX_QUOTED_CHARS)
            ),
        )
    })?;
    if !value.is_object() {
        return Err(ApiError::new(
            ErrorIdentifier::JsonError,
            "Request body must be a JSON object.",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = clip(&error.into_inner().to_string(), MAX_QUOTED_CHARS);
        match missing_field(&inner) {
            Some(field) => ApiError::new(
                ErrorIdentifier::MissingValue,
                format!("Missing required field '{}'.", join_path(&path, field)),
            ),
            None => ApiError::new(
                ErrorIdentifier::BadValue,
                format!("Field '{path}' has an invalid value: {inner}."),
            ),
        }
    })
}

/// Longest part of a parser message quoted in an error body: serde quotes the offending
/// value, which may be megabytes long.
pub const MAX_QUOTED_CHARS: usize = 200;

/// The field name in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

fn join_path(path: &str, field: &str) -> String {
    if path == "." || path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}
