//! Hostile bodies on every route that reads one: arbitrary bytes, arbitrary JSON documents,
//! invalid UTF-8 anywhere, and nesting far past the parser's depth limit.

use proptest::prelude::{Just, Strategy, any, prop_oneof};
use proptest::sample::Index;
use proptest::{collection, sample};
use serde_json::{Value, json};

use super::json::{arb_json, arb_object};
use super::{Expected, Route, Target, run_property};

fn arb_route() -> impl Strategy<Value = Route> {
    sample::select(Route::WITH_BODY.to_vec())
}

/// Bytes from a valid body of `route`, cut and with some bytes overwritten.
fn arb_damaged(route: Route) -> impl Strategy<Value = Vec<u8>> {
    let valid = serde_json::to_vec(&route.valid_body()).unwrap();
    let length = valid.len();
    (0..=length, collection::vec((0..length, any::<u8>()), 0..4)).prop_map(
        move |(keep, changes)| {
            let mut bytes = valid.clone();
            for (index, byte) in changes {
                bytes[index] = byte;
            }
            bytes.truncate(keep);
            bytes
        },
    )
}

#[test]
fn arbitrary_bytes_get_the_models_answer() {
    let strategy = arb_route().prop_flat_map(|route| {
        let bytes = prop_oneof![collection::vec(any::<u8>(), 0..2048), arb_damaged(route),];
        (Just(route), bytes)
    });
    run_property(256, strategy, |target, (route, body)| {
        target.check_body(route, body)
    });
}

#[test]
fn arbitrary_json_documents_get_the_models_answer() {
    let strategy = arb_route().prop_flat_map(|route| {
        let document = prop_oneof![arb_json(route.fields()), arb_object(route.fields())];
        (Just(route), document)
    });
    run_property(256, strategy, |target, (route, document)| {
        target.check_body(route, serde_json::to_vec(&document).unwrap())
    });
}

#[test]
fn invalid_utf8_anywhere_gets_encoding_error() {
    // A byte no UTF-8 sequence may start with or hold at this place.
    let invalid = prop_oneof![0x80u8..=0xBF, 0xC0u8..=0xC1, 0xF5u8..=0xFF];
    let strategy = (
        arb_route(),
        any::<Index>(),
        invalid,
        collection::vec(any::<u8>(), 0..4),
    );
    run_property(128, strategy, |target, (route, at, invalid, tail)| {
        let mut body = serde_json::to_vec(&route.valid_body()).unwrap();
        let at = at.index(body.len());
        body.splice(at..at, std::iter::once(invalid).chain(tail));
        let expected = route.expected(&body);
        assert_eq!(
            expected
                .error
                .as_ref()
                .map(|(identifier, _)| identifier.as_str()),
            Some("ENCODING_ERROR"),
            "the model rejects the bytes first"
        );
        expected.check(&target.send_body(route, body))
    });
}

/// `depth` nested arrays, `[[[…]]]`.
fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// `depth` nested objects, `{"a":{"a":…{}}}`.
fn nested_objects(depth: usize) -> String {
    format!("{}{{}}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
}

#[test]
fn deep_nesting_gets_the_models_answer() {
    let target = Target::start();
    for route in Route::WITH_BODY {
        let field = match route {
            Route::Token => "additionalData",
            _ => "scanRef",
        };
        for depth in [10, 127, 128, 129, 10_000] {
            for nested in [nested_arrays(depth), nested_objects(depth)] {
                let mut wrapped = route.valid_body();
                wrapped[field] = json!("placeholder");
                let wrapped = serde_json::to_string(&wrapped)
                    .unwrap()
                    .replace(r#""placeholder""#, &nested);
                for body in [nested.clone(), wrapped] {
                    target
                        .check_body(route, body.into_bytes())
                        .unwrap_or_else(|error| panic!("{route:?} depth {depth}: {error}"));
                }
            }
        }
        let deepest = nested_arrays(10_000).into_bytes();
        let expected = route.expected(&deepest);
        assert_eq!(
            expected
                .error
                .as_ref()
                .map(|(identifier, _)| identifier.as_str()),
            Some("JSON_ERROR"),
            "{expected:?}"
        );
    }
    let accepted = Expected::ok(201);
    let mut body = Route::Token.valid_body();
    body["additionalData"] = serde_json::from_str::<Value>(&nested_objects(100)).unwrap();
    accepted
        .check(&target.send_body(Route::Token, serde_json::to_vec(&body).unwrap()))
        .unwrap();
    target.still_serves().unwrap();
}
