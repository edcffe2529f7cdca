//! Parsing request bodies the way the API reports failures: `ENCODING_ERROR` for bytes that
//! are not UTF-8, `JSON_ERROR` for malformed JSON or a body that is not an object,
//! `MISSING_VALUE` for an absent required field and `BAD_VALUE` for a value of the wrong type,
//! each message naming the field.

use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorIdentifier};
use crate::support::clip;

/// Parses a JSON request body into `T`, or the error body the API answers with.
///
/// A well-formed object of known fields is parsed once, straight from the bytes. Any other
/// body (malformed, not an object, a value of the wrong type, an unknown field, whose value
/// only a full parse checks for depth and number range) is parsed again through a
/// [`serde_json::Value`] with its field path tracked, so every error names the field exactly
/// as before.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(body).map_err(|error| {
        ApiError::new(
            ErrorIdentifier::EncodingError,
            format!("Request body is not valid UTF-8: {error}."),
        )
    })?;
    match parse_known_object(text) {
        Some(parsed) => Ok(parsed),
        None => parse_reporting_errors(text),
    }
}

/// Longest part of a parser message quoted in an error body: serde quotes the offending
/// value, which may be megabytes long.
pub const MAX_QUOTED_CHARS: usize = 200;

/// `text` parsed in one pass, when it is a JSON object that `T` takes whole: no error and no
/// field ignored. `None` leaves the verdict to [`parse_reporting_errors`].
fn parse_known_object<T: DeserializeOwned>(text: &str) -> Option<T> {
    // JSON's own whitespace only: `Value` would reject anything else before the brace.
    if !text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut ignored_any = false;
    let parsed = serde_ignored::deserialize(&mut deserializer, |_| ignored_any = true).ok()?;
    deserializer.end().ok()?;
    (!ignored_any).then_some(parsed)
}

/// `text` parsed through a [`serde_json::Value`] with the field path tracked: the error body
/// for every malformed body, and the value for the rare valid body with unknown fields.
fn parse_reporting_errors<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
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
            // DRF's messages ("This field may not be null.") end with their own period.
            None => ApiError::new(
                ErrorIdentifier::BadValue,
                format!(
                    "Field '{path}' has an invalid value: {}.",
                    inner.strip_suffix('.').unwrap_or(&inner)
                ),
            ),
        }
    })
}

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
