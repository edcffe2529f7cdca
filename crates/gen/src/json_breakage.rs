//! Token-request bodies broken below what [`TokenRequest`] can express: wrong JSON types, a
//! missing `clientId`, bodies that are not objects, malformed JSON, bytes that are not UTF-8,
//! and values that parse but fail validation (unknown enum values, impossible dates).
//!
//! Each carries the error identifier [`idenfy_model::parse_body`] answers with, or, for a body
//! that parses, the rule validation reports (and that rule's identifier).

use idenfy_model::{ErrorIdentifier, Rule, TokenRequest};
use proptest::prelude::{Strategy, any};
use proptest::strategy::{BoxedStrategy, Union};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::identity::Identity;
use crate::invalid::{arb_invalid_token_request, impossible_date};
use crate::seed::{SeededRng, rng_from_seed};
use crate::token::{arb_token_request_with_identity, pick};

/// How a body is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakageKind {
    /// A number where a choice belongs, e.g. `"sex": 1` (a free-text field such as
    /// `clientId` takes a number, as DRF's `CharField` does).
    NumberForString,
    /// A string no integer field reads as one, e.g. `"expiryTime": "1h"` (`"3600"` is read
    /// as 3600, as DRF's `IntegerField` does).
    StringForNumber,
    /// A string no boolean field reads as one, e.g. `"showInstructions": "enabled"`
    /// (`"true"`, `"yes"` and `"1"` are read as DRF's `BooleanField` does).
    StringForBoolean,
    /// A single string where a list belongs, e.g. `"documents": "PASSPORT"`.
    StringForList,
    /// A value no enum knows, e.g. `"sex": "X"`: it parses, then fails validation.
    UnknownEnumValue,
    /// A well-shaped date that does not exist, e.g. `"dateOfBirth": "1990-02-30"`.
    ImpossibleDate,
    /// No `clientId` at all.
    MissingClientId,
    /// Valid JSON that is not an object: an array, a string, a number, `null`.
    NotAnObject,
    /// Not JSON: truncated, a trailing comma, single quotes, form encoding.
    MalformedJson,
    /// Bytes that are not UTF-8: Latin-1 text, a stray byte, a cut or surrogate sequence.
    InvalidUtf8,
}

/// A broken token-request body and what the API answers it with.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonBreakage {
    /// How the body is broken.
    pub kind: BreakageKind,
    /// What exactly is wrong, e.g. `clientId is the number 123456`.
    pub description: String,
    /// The raw request body.
    pub body: Vec<u8>,
    /// The error identifier of the answer.
    pub expected: ErrorIdentifier,
    /// For a body that parses, the one rule validation reports; `None` when parsing fails.
    pub rule: Option<Rule>,
}

impl BreakageKind {
    /// Every kind.
    pub const ALL: &'static [BreakageKind] = &[
        BreakageKind::NumberForString,
        BreakageKind::StringForNumber,
        BreakageKind::StringForBoolean,
        BreakageKind::StringForList,
        BreakageKind::UnknownEnumValue,
        BreakageKind::ImpossibleDate,
        BreakageKind::MissingClientId,
        BreakageKind::NotAnObject,
        BreakageKind::MalformedJson,
        BreakageKind::InvalidUtf8,
    ];
}

/// Bodies broken in the way `kind` names, built from valid requests.
pub fn arb_json_breakage(kind: BreakageKind) -> BoxedStrategy<JsonBreakage> {
    use BreakageKind as K;
    use ErrorIdentifier as E;
    let (breaker, expected, rule): (Breaker, _, _) = match kind {
        K::NumberForString => (number_for_string, E::BadValue, None),
        K::StringForNumber => (string_for_number, E::BadValue, None),
        K::StringForBoolean => (string_for_boolean, E::BadValue, None),
        K::StringForList => (string_for_list, E::BadValue, None),
        K::UnknownEnumValue => return arb_unknown_enum_value(),
        K::ImpossibleDate => (
            impossible_date_value,
            Rule::DateFormat.identifier(),
            Some(Rule::DateFormat),
        ),
        K::MissingClientId => (missing_client_id, E::MissingValue, None),
        K::NotAnObject => (not_an_object, E::JsonError, None),
        K::MalformedJson => (malformed, E::JsonError, None),
        K::InvalidUtf8 => (invalid_utf8, E::EncodingError, None),
    };
    (arb_token_request_with_identity(), any::<u64>())
        .prop_map(move |((identity, request), seed)| {
            let (body, description) = breaker(
                request_object(&request),
                &identity,
                &mut rng_from_seed(seed),
            );
            JsonBreakage {
                kind,
                description,
                body,
                expected: expected.clone(),
                rule,
            }
        })
        .boxed()
}

/// Bodies broken in any one way, shrinking toward the first kind of [`BreakageKind::ALL`].
pub fn arb_any_json_breakage() -> BoxedStrategy<JsonBreakage> {
    Union::new(
        BreakageKind::ALL
            .iter()
            .map(|kind| arb_json_breakage(*kind)),
    )
    .boxed()
}

/// The rules an unknown enum value breaks: the serialized invalid cases of these rules.
const ENUM_RULES: &[Rule] = &[
    Rule::SexUnknown,
    Rule::LocaleUnknown,
    Rule::TokenTypeUnknown,
    Rule::DocumentTypeUnknown,
    Rule::DummyStatusNotAccepted,
];

fn arb_unknown_enum_value() -> BoxedStrategy<JsonBreakage> {
    Union::new(ENUM_RULES.iter().filter_map(|rule| {
        Some(
            arb_invalid_token_request(*rule)?.prop_map(|case| JsonBreakage {
                kind: BreakageKind::UnknownEnumValue,
                description: case.description,
                body: to_bytes(&case.request),
                expected: case.rule.identifier(),
                rule: Some(case.rule),
            }),
        )
    }))
    .boxed()
}

/// A broken body and what is wrong with it.
type Broken = (Vec<u8>, String);

/// Breaks the JSON object of a valid request made from the identity.
type Breaker = fn(Map<String, Value>, &Identity, &mut SeededRng) -> Broken;

fn number_for_string(mut object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    // Enum indexes sent instead of their names.
    let field = *pick(rng, &["locale", "sex", "tokenType"]);
    let number = rng.random_range(0..100);
    object.insert(field.to_owned(), json!(number));
    (to_bytes(&object), format!("{field} is the number {number}"))
}

fn string_for_number(mut object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    let (field, value) = *pick(
        rng,
        &[
            ("expiryTime", "1h"),
            ("expiryTime", "3,600"),
            ("sessionLength", "10 min"),
            ("ageLimit", "eighteen"),
            ("ageMax", "99+"),
            // An older setting outside the OpenAPI keeps JSON's types.
            ("maxAttemptCount", "3"),
        ],
    );
    object.insert(field.to_owned(), json!(value));
    (
        to_bytes(&object),
        format!("{field} is the string {value:?}"),
    )
}

fn string_for_boolean(mut object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    let field = *pick(
        rng,
        &[
            "showInstructions",
            "generateDigitString",
            "utilityBill",
            "checkAml",
        ],
    );
    let value = *pick(rng, &["enabled", "checked", "TrUe", "si"]);
    object.insert(field.to_owned(), json!(value));
    (
        to_bytes(&object),
        format!("{field} is the string {value:?}"),
    )
}

fn string_for_list(mut object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    let (field, value) = *pick(
        rng,
        &[
            ("documents", "PASSPORT"),
            ("registryCentersCountries", "LT"),
            ("fraudServices", "AML_NAMES_CHECK"),
        ],
    );
    object.insert(field.to_owned(), json!(value));
    (
        to_bytes(&object),
        format!("{field} is the single string {value:?}"),
    )
}

fn impossible_date_value(
    mut object: Map<String, Value>,
    identity: &Identity,
    rng: &mut SeededRng,
) -> Broken {
    let (field, date) = *pick(
        rng,
        &[
            ("dateOfBirth", identity.date_of_birth),
            ("dateOfExpiry", identity.date_of_expiry),
            ("dateOfIssue", identity.date_of_issue),
        ],
    );
    let bad = impossible_date(date, rng);
    let description = format!("{field} is {bad:?}, a day that does not exist");
    object.insert(field.to_owned(), json!(bad));
    (to_bytes(&object), description)
}

fn missing_client_id(mut object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    if rng.random_bool(0.2) {
        return (b"{}".to_vec(), "the body is an empty object".to_owned());
    }
    object.remove("clientId");
    (to_bytes(&object), "clientId is absent".to_owned())
}

fn not_an_object(object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    let request = Value::Object(object);
    let (value, description) = match rng.random_range(0..5) {
        0 => (json!([request]), "the request wrapped in an array"),
        // A client that serializes twice sends a JSON string.
        1 => (
            json!(request.to_string()),
            "the request encoded twice, a JSON string",
        ),
        2 => (Value::Null, "null"),
        3 => (json!(rng.random_range(0..1000)), "a number"),
        _ => (json!([]), "an empty array"),
    };
    (to_bytes(&value), format!("the body is {description}"))
}

fn malformed(object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    let form = form_encoded(&object);
    let text = Value::Object(object).to_string();
    match rng.random_range(0..4) {
        0 => {
            // Any proper prefix of an object is incomplete; cut on a character boundary so
            // the bytes stay UTF-8.
            let mut end = rng.random_range(0..text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (
                text.as_bytes()[..end].to_vec(),
                format!("the body is cut after {end} bytes"),
            )
        }
        1 => {
            let body = format!("{},}}", &text[..text.len() - 1]);
            (
                body.into_bytes(),
                "the body has a trailing comma".to_owned(),
            )
        }
        2 => (
            text.replace('"', "'").into_bytes(),
            "the body uses single quotes".to_owned(),
        ),
        _ => (form.into_bytes(), "the body is form-encoded".to_owned()),
    }
}

fn invalid_utf8(mut object: Map<String, Value>, _: &Identity, rng: &mut SeededRng) -> Broken {
    match rng.random_range(0..4) {
        0 => {
            // A client that sends ISO-8859-1 instead of UTF-8.
            let name = *pick(rng, &["Müller", "Gonçalves", "Pérez", "Ødegård", "Þórsson"]);
            object.insert("lastName".to_owned(), json!(name));
            let latin1 = Value::Object(object)
                .to_string()
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect();
            (latin1, format!("the body is Latin-1, lastName {name:?}"))
        }
        variant => {
            let (bytes, description): (&[u8], &str) = match variant {
                1 => (b"\xff", "a stray 0xFF byte"),
                2 => (b"\xc3", "a cut two-byte sequence"),
                _ => (b"\xed\xa0\x80", "an encoded UTF-16 surrogate"),
            };
            let mut body = to_bytes(&object);
            // Right after the opening quote of clientId's value.
            let key = br#""clientId":""#;
            let at = body
                .windows(key.len())
                .position(|window| window == key)
                .map_or(0, |start| start + key.len());
            body.splice(at..at, bytes.iter().copied());
            (body, format!("clientId holds {description}"))
        }
    }
}

/// `key=value&…` of the string and number fields of an object.
fn form_encoded(object: &Map<String, Value>) -> String {
    object
        .iter()
        .filter_map(|(key, value)| match value {
            Value::String(text) => Some(format!("{key}={text}")),
            Value::Number(number) => Some(format!("{key}={number}")),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The JSON object a valid request serializes to.
fn request_object(request: &TokenRequest) -> Map<String, Value> {
    match serde_json::to_value(request) {
        Ok(Value::Object(object)) => object,
        other => panic!("a token request serializes to a JSON object, not {other:?}"),
    }
}

fn to_bytes(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON values and requests always serialize")
}
