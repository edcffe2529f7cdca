//! DRF field semantics of token requests: `null` per the official nullability, and the
//! coercions of each field type, with the coerced value as the request serializes it.

use idenfy_model::drf::{messages, python_float_repr};
use idenfy_model::facts::{self, FieldType};
use idenfy_model::{ErrorIdentifier, TokenRequest, parse_body};
use serde_json::{Value, json};

/// The body `{"clientId": "c", "tokenType": "IDENTIFICATION", field: value}` (or with
/// `clientId` replaced), parsed: the field's value as the parsed request serializes it
/// (`None` when absent), or the error message.
fn parse_field(field: &str, value: Value) -> Result<Option<Value>, String> {
    let mut body = json!({"clientId": "c", "tokenType": "IDENTIFICATION"});
    body[field] = value;
    match parse_body::<TokenRequest>(body.to_string().as_bytes()) {
        Ok(request) => Ok(serde_json::to_value(request).unwrap().get(field).cloned()),
        Err(error) => {
            assert_eq!(error.identifier, ErrorIdentifier::BadValue, "{error:?}");
            assert!(
                error.message.starts_with(&format!("Field '{field}' ")),
                "{error:?} names {field}"
            );
            Err(error.message)
        }
    }
}

#[test]
fn null_is_refused_exactly_where_the_official_schema_does_not_allow_it() {
    for field in facts::TOKEN_REQUEST {
        match parse_field(field.name, Value::Null) {
            Ok(echo) => {
                assert!(field.nullable, "{} took null", field.name);
                assert_eq!(echo, None, "{}: null is absent", field.name);
            }
            Err(message) => {
                assert!(!field.nullable, "{} refused null: {message}", field.name);
                assert!(message.contains(messages::NULL), "{message}");
            }
        }
    }
}

/// `(field, sent, Ok(echoed) | Err(message fragment))`.
type Case = (&'static str, Value, Result<Value, &'static str>);

fn check(cases: &[Case]) {
    for (field, sent, expected) in cases {
        let actual = parse_field(field, sent.clone());
        match (expected, actual) {
            (Ok(expected), Ok(actual)) => {
                assert_eq!(actual.as_ref(), Some(expected), "{field} = {sent}")
            }
            (Err(fragment), Err(message)) => {
                assert!(
                    message.contains(fragment.trim_end_matches('.')),
                    "{field} = {sent}: {message}"
                )
            }
            (expected, actual) => panic!("{field} = {sent}: {actual:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn integer_fields_take_what_drf_integer_field_takes() {
    let int = messages::INVALID_INTEGER;
    let long = "1".repeat(1001);
    let longest = "0".repeat(1000);
    check(&[
        ("expiryTime", json!(600), Ok(json!(600))),
        ("expiryTime", json!(600.0), Ok(json!(600))),
        ("expiryTime", json!("600"), Ok(json!(600))),
        ("expiryTime", json!(" 600 "), Ok(json!(600))),
        ("expiryTime", json!("600.00"), Ok(json!(600))),
        ("expiryTime", json!("600."), Ok(json!(600))),
        ("expiryTime", json!("+600"), Ok(json!(600))),
        ("expiryTime", json!("6_00"), Ok(json!(600))),
        ("expiryTime", json!(-0.0), Ok(json!(0))),
        ("sessionLength", json!("-60"), Ok(json!(-60))),
        ("sessionLength", json!(-60), Ok(json!(-60))),
        ("expiryTime", json!(longest), Ok(json!(0))),
        (
            "ageLimit",
            json!(1e15),
            Ok(json!(1_000_000_000_000_000_i64)),
        ),
        ("expiryTime", json!(600.5), Err(int)),
        ("expiryTime", json!("600.5"), Err(int)),
        ("expiryTime", json!("6e2"), Err(int)),
        ("expiryTime", json!(1e16), Err(int)),
        ("expiryTime", json!("6__00"), Err(int)),
        ("expiryTime", json!("_600"), Err(int)),
        ("expiryTime", json!(""), Err(int)),
        ("expiryTime", json!("-"), Err(int)),
        ("expiryTime", json!(true), Err(int)),
        ("expiryTime", json!([600]), Err(int)),
        ("expiryTime", json!({"value": 600}), Err(int)),
        ("expiryTime", json!(u64::MAX), Err(int)),
        ("expiryTime", json!(long), Err(messages::STRING_TOO_LARGE)),
    ]);
}

#[test]
fn boolean_fields_take_what_drf_boolean_field_takes() {
    let mut cases: Vec<Case> = Vec::new();
    for truthy in idenfy_model::drf::TRUE_STRINGS {
        cases.push(("showInstructions", json!(truthy), Ok(json!(true))));
    }
    for falsy in idenfy_model::drf::FALSE_STRINGS {
        cases.push(("checkAml", json!(falsy), Ok(json!(false))));
    }
    let bad = messages::INVALID_BOOLEAN;
    cases.extend([
        ("showInstructions", json!(true), Ok(json!(true))),
        ("showInstructions", json!(1), Ok(json!(true))),
        ("showInstructions", json!(1.0), Ok(json!(true))),
        ("showInstructions", json!(0), Ok(json!(false))),
        ("showInstructions", json!(0.0), Ok(json!(false))),
        ("utilityBill", json!("y"), Ok(json!(true))),
        ("showInstructions", json!(2), Err(bad)),
        ("showInstructions", json!(0.5), Err(bad)),
        ("showInstructions", json!(-1), Err(bad)),
        ("showInstructions", json!("tRuE"), Err(bad)),
        ("showInstructions", json!(" true"), Err(bad)),
        ("showInstructions", json!("maybe"), Err(bad)),
        ("showInstructions", json!(""), Err(bad)),
        ("showInstructions", json!("null"), Err(bad)),
        ("showInstructions", json!([true]), Err(bad)),
        ("showInstructions", json!({"value": true}), Err(bad)),
    ]);
    check(&cases);
    for null_string in idenfy_model::drf::NULL_STRINGS {
        let parsed = parse_field("utilityBill", json!(null_string));
        assert_eq!(parsed, Ok(None), "{null_string:?}");
    }
}

#[test]
fn string_fields_take_numbers_as_python_prints_them() {
    let bad = messages::INVALID_STRING;
    check(&[
        ("clientId", json!(1234), Ok(json!("1234"))),
        ("clientId", json!(-7), Ok(json!("-7"))),
        ("externalRef", json!(12.5), Ok(json!("12.5"))),
        ("externalRef", json!(600.0), Ok(json!("600.0"))),
        ("externalRef", json!(1e16), Ok(json!("1e+16"))),
        (
            "personalNumber",
            json!(u64::MAX),
            Ok(json!("18446744073709551615")),
        ),
        ("firstName", json!("Jonas"), Ok(json!("Jonas"))),
        ("firstName", json!(true), Err(bad)),
        ("clientId", json!(false), Err(bad)),
        ("address", json!(["a"]), Err(bad)),
        ("address", json!({"street": "a"}), Err(bad)),
    ]);
}

#[test]
fn object_fields_take_objects_only() {
    check(&[
        (
            "additionalData",
            json!({"UTILITY_BILL": {"address": "a"}}),
            Ok(json!({"UTILITY_BILL": {"address": "a"}})),
        ),
        ("additionalSteps", json!({}), Ok(json!({}))),
        ("additionalSteps", json!("ALL"), Err("got type \"str\"")),
        ("additionalSteps", json!([]), Err("got type \"list\"")),
        ("additionalData", json!(7), Err("got type \"int\"")),
        ("additionalData", json!(1.5), Err("got type \"float\"")),
        ("additionalData", json!(true), Err("got type \"bool\"")),
    ]);
}

#[test]
fn number_fields_take_numbers_numeric_strings_and_booleans() {
    let bad = messages::INVALID_NUMBER;
    check(&[
        (
            "faceMatchingThresholdModifier",
            json!(0.25),
            Ok(json!(0.25)),
        ),
        ("faceMatchingThresholdModifier", json!(1), Ok(json!(1.0))),
        ("faceMatchingThresholdModifier", json!(-1), Ok(json!(-1.0))),
        (
            "faceMatchingThresholdModifier",
            json!("0".repeat(1000)),
            Ok(json!(0.0)),
        ),
        (
            "faceMatchingThresholdModifier",
            json!("0".repeat(1001)),
            Err(messages::STRING_TOO_LARGE),
        ),
        (
            "faceMatchingThresholdModifier",
            json!({"value": 0.5}),
            Err(bad),
        ),
        (
            "faceMatchingThresholdModifier",
            json!(" -0.5 "),
            Ok(json!(-0.5)),
        ),
        (
            "faceMatchingThresholdModifier",
            json!("1e-1"),
            Ok(json!(0.1)),
        ),
        ("faceMatchingThresholdModifier", json!(true), Ok(json!(1.0))),
        ("faceMatchingThresholdModifier", json!("abc"), Err(bad)),
        ("faceMatchingThresholdModifier", json!("inf"), Err(bad)),
        ("faceMatchingThresholdModifier", json!([0.5]), Err(bad)),
    ]);
}

/// String fields read as choices, which take no number (see the simulator's assumptions).
const CHOICES: &[&str] = &["locale", "sex", "tokenType"];

#[test]
fn every_field_of_a_type_coerces_alike() {
    for field in facts::TOKEN_REQUEST {
        if field.source != facts::FieldSource::OpenApi || CHOICES.contains(&field.name) {
            continue;
        }
        let (sent, expected) = match field.kind {
            FieldType::Integer => (json!("70"), json!(70)),
            FieldType::Boolean => (json!("yes"), json!(true)),
            FieldType::String => (json!(42), json!("42")),
            _ => continue,
        };
        let echoed = parse_field(field.name, sent);
        assert_eq!(echoed, Ok(Some(expected)), "{}", field.name);
    }
}

#[test]
fn python_float_repr_matches_python() {
    for (value, repr) in [
        (600.0, "600.0"),
        (1.5, "1.5"),
        (-1.5, "-1.5"),
        (0.1, "0.1"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (1.2345e-7, "1.2345e-07"),
        (1e15, "1000000000000000.0"),
        (123_456_789_012_345.6, "123456789012345.6"),
        (1e16, "1e+16"),
        (1.5e22, "1.5e+22"),
        (1e100, "1e+100"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
    ] {
        assert_eq!(python_float_repr(value), repr, "{value:e}");
    }
}
