//! Strategies for arbitrary JSON: any value, with object keys drawn mostly from the field names
//! of a request type so that values land in real fields.

use proptest::prelude::{Just, Strategy, any, prop_oneof};
use proptest::{collection, num, sample};
use serde_json::{Map, Number, Value};

/// Any JSON value up to a few levels deep; object keys are mostly from `fields`.
pub(super) fn arb_json(fields: Vec<String>) -> impl Strategy<Value = Value> {
    let finite = num::f64::POSITIVE
        | num::f64::NEGATIVE
        | num::f64::NORMAL
        | num::f64::SUBNORMAL
        | num::f64::ZERO;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        finite.prop_map(|float| Value::Number(Number::from_f64(float).unwrap())),
        ".{0,24}".prop_map(Value::String),
        sample::select(PLAUSIBLE).prop_map(|text| Value::String(text.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            collection::vec((arb_key(fields.clone()), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A JSON object whose keys are mostly `fields`, with any values.
pub(super) fn arb_object(fields: Vec<String>) -> impl Strategy<Value = Value> {
    collection::vec((arb_key(fields.clone()), arb_json(fields)), 0..8)
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
}

fn arb_key(fields: Vec<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => sample::select(fields),
        1 => "[a-zA-Z]{0,12}",
    ]
}

/// Strings that the API's enums, dates, codes and URLs might accept.
const PLAUSIBLE: &[&str] = &[
    "",
    "APPROVED",
    "EXPIRED",
    "ACTIVE",
    "FACE_MATCH",
    "FACE_GLARED",
    "DOC_VALIDATED",
    "LT",
    "lt",
    "ALL",
    "M",
    "ID_CARD",
    "IDENTIFICATION",
    "2000-02-29",
    "2001-02-29",
    "http://127.0.0.1:9/hook",
    "https://example.com/",
    "00000000-0000-0000-0000-000000000000",
];
