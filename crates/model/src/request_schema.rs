//! JSON Schemas of the request bodies, built from the field facts ([`crate::facts`]) and the
//! validation rules' constants, so that a schema validator gives the simulator's verdict for
//! every rule JSON Schema can express.
//!
//! Every rule of [`Rule::ALL`](crate::Rule) is expressed: lengths as `minLength`/`maxLength`,
//! ranges as `minimum`/`maximum`, vocabularies as `enum` (or a case-insensitive `pattern` where
//! the API reads any case), formats as a `pattern` beside the `format` (validators need not
//! assert formats), `null` as a `"null"` type on nullable fields, and `utilityBill` with
//! `additionalSteps` as `if`/`then`. One rule is approximated: [`URL_PATTERN`] stands for the
//! WHATWG URL parser behind `url-scheme`. The schemas describe JSON's own types: the simulator
//! also takes DRF's coerced forms (`"600"` for an integer, `"true"` for a boolean, a number for
//! a string, see [`crate::drf`]), which a schema that names one type per field refuses.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::country::COUNTRY_CODES;
use crate::dummy::{AddDummyStatusRequest, DummyStatus};
use crate::facts::{self, Field, FieldSource, FieldType, Format};
use crate::status::{DocumentStatus, FaceStatus};
use crate::token::TokenRequest;
use crate::validation::{NAME_FORBIDDEN, SCAN_REF_MAX};
use crate::vocabulary::{DocumentType, Locale, TokenType};

/// A calendar-valid `YYYY-MM-DD` (years 0000 to 9999, leap years included), as
/// [`is_calendar_date`](crate::validation::is_calendar_date) checks it.
pub const DATE_PATTERN: &str = concat!(
    "^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])",
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)",
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$",
);
/// A hyphenated UUID, as [`is_uuid`](crate::validation::is_uuid) checks it.
pub const UUID_PATTERN: &str =
    "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";
/// An absolute `http` or `https` URL with a non-empty host: an approximation of the URL
/// parser the `url-scheme` rule uses.
pub const URL_PATTERN: &str = "^[Hh][Tt][Tt][Pp][Ss]?://(?:[^/?#@\\s]*@)?[^/?#@:\\s]";
/// `callbackUrl` under the simulator's profile: HTTPS, or plain HTTP to a loopback host.
pub const CALLBACK_PATTERN: &str = concat!(
    "^(?:[Hh][Tt][Tt][Pp][Ss]://",
    "|[Hh][Tt][Tt][Pp]://(?:[^/?#@\\s]*@)?",
    "(?:[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|127\\.[0-9]+\\.[0-9]+\\.[0-9]+|\\[::1\\])",
    "(?:[:/?#]|$))",
);
/// ASCII characters only (`clientId`).
pub const ASCII_PATTERN: &str = "^[\\x00-\\x7F]*$";

impl JsonSchema for TokenRequest {
    fn schema_name() -> Cow<'static, str> {
        "TokenRequest".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        into_schema(token_request_schema())
    }
}

impl JsonSchema for AddDummyStatusRequest {
    fn schema_name() -> Cow<'static, str> {
        "AddDummyStatusRequest".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        into_schema(add_dummy_status_schema())
    }
}

/// The JSON Schema of `POST /api/v2/token` bodies, from [`facts::TOKEN_REQUEST`].
pub fn token_request_schema() -> Value {
    let properties: Map<String, Value> = facts::TOKEN_REQUEST
        .iter()
        .map(|field| (field.name.to_owned(), property(field)))
        .collect();
    let required: Vec<&str> = facts::TOKEN_REQUEST
        .iter()
        .filter(|field| field.required && !field.defaulted)
        .map(|field| field.name)
        .collect();
    json!({
        "type": "object",
        "description": "Body of POST /api/v2/token, generated from idenfy-model's field facts \
            (iDenfy's OpenAPI and the cited prose). iDenfy's OpenAPI also requires tokenType; \
            the simulator defaults it to IDENTIFICATION, as the prose says. Unknown fields are \
            ignored.",
        "required": required,
        "properties": properties,
        "allOf": [{
            "if": {"properties": {"utilityBill": {"const": true}}, "required": ["utilityBill"]},
            "then": {"not": {"required": ["additionalSteps"]}}
        }]
    })
}

/// The JSON Schema of `POST /api/v2/add-dummy-status` bodies.
pub fn add_dummy_status_schema() -> Value {
    json!({
        "type": "object",
        "description": "Body of POST /api/v2/add-dummy-status (DEV only).",
        "required": ["scanRef", "manualFaceMatchResult", "manualDocumentValidity"],
        "properties": {
            "scanRef": {"type": "string", "minLength": 1, "maxLength": SCAN_REF_MAX},
            "manualFaceMatchResult": {"enum": wire_names(FaceStatus::DUMMY_MANUAL, FaceStatus::as_str)},
            "manualDocumentValidity": {"enum": wire_names(DocumentStatus::DUMMY_MANUAL, DocumentStatus::as_str)},
        }
    })
}

/// The schema of one token-request field: its type (with `"null"` when nullable), limits,
/// format and the value rules of its [`Rule`](crate::Rule)s.
fn property(field: &Field) -> Value {
    let kind = match field.kind {
        FieldType::String => "string",
        FieldType::Integer => "integer",
        FieldType::Number => "number",
        FieldType::Boolean => "boolean",
        FieldType::Array => "array",
        FieldType::Object => "object",
    };
    let mut schema = Map::new();
    schema.insert("description".into(), description(field).into());
    schema.insert(
        "type".into(),
        if field.nullable {
            json!([kind, "null"])
        } else {
            json!(kind)
        },
    );
    let limits = [
        ("minLength", field.min_length.map(Value::from)),
        ("maxLength", field.max_length.map(Value::from)),
        ("minimum", field.minimum.map(Value::from)),
        ("maximum", field.maximum.map(Value::from)),
    ];
    for (keyword, limit) in limits {
        if let Some(limit) = limit {
            schema.insert(keyword.into(), limit);
        }
    }
    let mut patterns = Vec::new();
    match field.format {
        Some(Format::Date) => {
            schema.insert("format".into(), "date".into());
            patterns.push(DATE_PATTERN.to_owned());
        }
        Some(Format::Uri) => {
            schema.insert("format".into(), "uri".into());
            patterns.push(URL_PATTERN.to_owned());
        }
        Some(Format::Uuid) => {
            schema.insert("format".into(), "uuid".into());
            patterns.push(UUID_PATTERN.to_owned());
        }
        None => {}
    }
    let nullable = |mut values: Vec<Value>| {
        if field.nullable {
            values.push(Value::Null);
        }
        Value::from(values)
    };
    match field.name {
        "clientId" => patterns.push(ASCII_PATTERN.to_owned()),
        "firstName" | "lastName" => patterns.push(name_pattern()),
        "callbackUrl" => patterns.push(CALLBACK_PATTERN.to_owned()),
        "locale" => patterns.push(any_case(Locale::ALL.iter().map(Locale::as_str))),
        "country" => patterns.push(country_pattern()),
        "nationality" => patterns.push(format!(
            "^(?:ALL|{})$",
            any_case_alternatives(COUNTRY_CODES.iter().copied())
        )),
        "registryCentersCountries" => {
            schema.insert(
                "items".into(),
                json!({"type": "string", "pattern": country_pattern()}),
            );
        }
        "documents" => {
            schema.insert(
                "items".into(),
                json!({"enum": wire_names(DocumentType::ALL, DocumentType::as_str)}),
            );
        }
        "sex" => {
            schema.insert("enum".into(), nullable(vec!["M".into(), "F".into()]));
        }
        "tokenType" => {
            schema.insert(
                "enum".into(),
                nullable(wire_names(TokenType::ALL, TokenType::as_str)),
            );
        }
        "dummyStatus" => {
            schema.insert(
                "enum".into(),
                nullable(wire_names(DummyStatus::ACCEPTED, DummyStatus::as_str)),
            );
        }
        _ => {}
    }
    match patterns.len() {
        0 => {}
        1 => {
            schema.insert("pattern".into(), patterns.remove(0).into());
        }
        _ => {
            let all: Vec<Value> = patterns
                .into_iter()
                .map(|p| json!({"pattern": p}))
                .collect();
            schema.insert("allOf".into(), all.into());
        }
    }
    Value::Object(schema)
}

/// Where the field's facts come from.
fn description(field: &Field) -> String {
    let source = match field.source {
        FieldSource::OpenApi => "In iDenfy's OpenAPI",
        FieldSource::DevOnly => "DEV only, not in iDenfy's OpenAPI; null is read as absent",
        FieldSource::OlderDocs => {
            "An older setting, not in iDenfy's OpenAPI; null is read as absent"
        }
    };
    let mut text = source.to_owned();
    if field.defaulted {
        text.push_str("; required there, defaulted by the simulator as the prose says");
    }
    if !field.limit_source.is_empty() {
        text.push_str("; limits: ");
        text.push_str(field.limit_source);
    }
    if !field.echoed {
        text.push_str("; not echoed in the 201 answer");
    }
    text.push('.');
    text
}

fn wire_names<T>(values: &[T], as_str: fn(&T) -> &str) -> Vec<Value> {
    values.iter().map(|value| as_str(value).into()).collect()
}

/// Names hold no digits and none of [`NAME_FORBIDDEN`].
fn name_pattern() -> String {
    let escaped: String = NAME_FORBIDDEN
        .chars()
        .flat_map(|ch| {
            let escape = matches!(ch, '\\' | ']' | '[' | '^' | '-').then_some('\\');
            escape.into_iter().chain([ch])
        })
        .collect();
    format!("^[^0-9{escaped}]*$")
}

/// An ISO 3166-1 alpha-2 code in any case.
fn country_pattern() -> String {
    any_case(COUNTRY_CODES.iter().copied())
}

/// One of `words`, matched without regard to ASCII case, as a whole string.
fn any_case<'a>(words: impl Iterator<Item = &'a str>) -> String {
    format!("^(?:{})$", any_case_alternatives(words))
}

fn any_case_alternatives<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words
        .map(|word| {
            word.chars()
                .map(|ch| {
                    let (lower, upper) = (ch.to_ascii_lowercase(), ch.to_ascii_uppercase());
                    if lower == upper {
                        regex_literal(ch)
                    } else {
                        format!("[{upper}{lower}]")
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn regex_literal(ch: char) -> String {
    if ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' {
        ch.to_string()
    } else {
        format!("\\{ch}")
    }
}

fn into_schema(value: Value) -> Schema {
    Schema::try_from(value).expect("a JSON object is a schema")
}
