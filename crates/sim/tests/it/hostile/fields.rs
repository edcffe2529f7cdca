//! Hostile values in the fields of the token, add-dummy-status and status bodies: a value of
//! every JSON type in every field, arbitrary JSON in one field of an otherwise valid request,
//! and strings past each field's length limit up to and past the 1 MiB body limit.

use idenfy_gen::dummy::arb_add_dummy_status_request;
use idenfy_gen::token::arb_token_request;
use idenfy_model::ErrorIdentifier;
use idenfy_model::validation::{
    ADDRESS_MAX, CLIENT_ID_MAX, EXTERNAL_REF_MAX, NAME_MAX, NUMBER_MAX, SCAN_REF_MAX, URL_MAX,
};
use idenfy_sim::assumptions::MAX_BODY_BYTES;
use proptest::prelude::{Just, Strategy, prop_oneof};
use proptest::sample;
use serde_json::{Value, json};

use super::json::arb_json;
use super::{Route, Target, run_property};

/// One value of every JSON type.
fn one_of_each_type() -> [Value; 8] {
    [
        Value::Null,
        json!(true),
        json!(7),
        json!(-1.5),
        json!("text"),
        json!([]),
        json!(["text", 7]),
        json!({"nested": "object"}),
    ]
}

/// `body` with `field` set to `value`, as bytes.
fn with_field(mut body: Value, field: &str, value: Value) -> Vec<u8> {
    body[field] = value;
    serde_json::to_vec(&body).unwrap()
}

#[test]
fn every_json_type_in_every_field_gets_the_models_answer() {
    let target = Target::start();
    for route in Route::WITH_BODY {
        for field in route.fields() {
            let mut named = false;
            for value in one_of_each_type() {
                let body = with_field(route.valid_body(), &field, value.clone());
                let expected = route.expected(&body);
                target
                    .check_body(route, body)
                    .unwrap_or_else(|error| panic!("{route:?} {field} = {value}: {error}"));
                named |= expected.error.is_some_and(|(identifier, message)| {
                    identifier == ErrorIdentifier::BadValue
                        && message.contains(&format!("'{field}"))
                });
            }
            // Every field refuses some JSON type: `additionalSteps` and `additionalData` take
            // only objects (DRF's `DictField`), a nullable string field no boolean.
            assert!(
                named,
                "{route:?}: a value of the wrong type in {field} gets BAD_VALUE naming it"
            );
        }
    }
}

#[test]
fn arbitrary_json_in_one_field_of_a_valid_request_gets_the_models_answer() {
    let valid = prop_oneof![
        arb_token_request()
            .prop_map(|request| (Route::Token, serde_json::to_value(request).unwrap())),
        arb_add_dummy_status_request().prop_map(|request| {
            (
                Route::AddDummyStatus,
                serde_json::to_value(request).unwrap(),
            )
        }),
        Just((Route::Status, Route::Status.valid_body())),
    ];
    let strategy = valid.prop_flat_map(|(route, body)| {
        let fields = route.fields();
        (
            Just(route),
            Just(body),
            sample::select(fields.clone()),
            arb_json(fields),
        )
    });
    run_property(256, strategy, |target, (route, body, field, value)| {
        target.check_body(route, with_field(body, &field, value))
    });
}

/// The documented length limit of `field` on `route`, in characters.
fn length_limit(route: Route, field: &str) -> Option<usize> {
    match (route, field) {
        (Route::Token, "clientId") => Some(CLIENT_ID_MAX),
        (Route::Token, "firstName" | "lastName") => Some(NAME_MAX),
        (Route::Token, "successUrl" | "errorUrl" | "unverifiedUrl" | "callbackUrl") => {
            Some(URL_MAX)
        }
        (Route::Token, "personalNumber" | "documentNumber") => Some(NUMBER_MAX),
        (Route::Token, "address") => Some(ADDRESS_MAX),
        (Route::Token, "externalRef") => Some(EXTERNAL_REF_MAX),
        (Route::AddDummyStatus, "scanRef") => Some(SCAN_REF_MAX),
        _ => None,
    }
}

/// Fields that get bodies at the 1 MiB limit: one of each kind (limited string, free string,
/// any JSON, enum, number, array), since a body that size takes a while to check.
const AT_THE_BODY_LIMIT: [(Route, &str); 10] = [
    (Route::Token, "clientId"),
    (Route::Token, "firstName"),
    (Route::Token, "callbackUrl"),
    (Route::Token, "questionnaire"),
    (Route::Token, "additionalData"),
    (Route::Token, "locale"),
    (Route::Token, "expiryTime"),
    (Route::Token, "documents"),
    (Route::AddDummyStatus, "manualFaceMatchResult"),
    (Route::Status, "scanRef"),
];

#[test]
fn huge_strings_in_every_field_get_the_models_answer_up_to_and_past_the_body_limit() {
    const HUGE: usize = 64 * 1024;
    for (route, field) in AT_THE_BODY_LIMIT {
        assert!(route.fields().iter().any(|known| known == field), "{field}");
    }
    let target = Target::start();
    for route in Route::WITH_BODY {
        for field in route.fields() {
            let body_with = |text: String| with_field(route.valid_body(), &field, json!(text));
            let mut bodies = vec![body_with("a".repeat(HUGE))];
            if let Some(limit) = length_limit(route, &field) {
                for text in ["a".repeat(limit + 1), "ą".repeat(limit + 1)] {
                    let body = body_with(text);
                    let expected = route.expected(&body);
                    let (identifier, message) = expected.error.clone().unwrap();
                    assert_eq!(identifier, ErrorIdentifier::BadValue, "{field}");
                    assert!(message.contains(&format!("'{field}'")), "{message}");
                    bodies.push(body);
                }
                bodies.push(body_with("ą".repeat(limit)));
            }
            if AT_THE_BODY_LIMIT.contains(&(route, field.as_str())) {
                let overhead = body_with(String::new()).len();
                let filling = body_with("a".repeat(MAX_BODY_BYTES - overhead));
                assert_eq!(filling.len(), MAX_BODY_BYTES);
                bodies.push(filling);
                bodies.push(body_with("a".repeat(MAX_BODY_BYTES - overhead + 1)));
            }
            for body in bodies {
                let size = body.len();
                target
                    .check_body(route, body)
                    .unwrap_or_else(|error| panic!("{route:?} {field}, {size} bytes: {error}"));
            }
        }
    }
    target.still_serves().unwrap();
}
