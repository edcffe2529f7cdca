//! Open vocabularies: unknown values come only from the wire, so equal wire values are equal
//! values, every known name parses to its known variant, and every value round-trips.

use idenfy_model::{
    DocumentStatus, DummyStatus, Environment, ErrorIdentifier, FaceStatus, FraudTag, Locale,
    WebhookEventType,
};
use proptest::prelude::*;

/// Wire strings: mostly known names of `known`, some near misses, some anything.
fn wire(known: Vec<String>) -> BoxedStrategy<String> {
    let name = proptest::sample::select(known);
    prop_oneof![
        3 => name.clone(),
        1 => name.clone().prop_map(|name| name.to_ascii_lowercase()),
        1 => name.prop_map(|name| format!("{name} ")),
        2 => "[A-Z_]{0,24}",
        1 => any::<String>(),
    ]
    .boxed()
}

/// Properties of one open enum, checked over pairs of wire strings.
macro_rules! open_enum_properties {
    ($module:ident, $type:ident) => {
        mod $module {
            use super::*;

            fn names() -> Vec<String> {
                $type::ALL.iter().map(|known| known.as_str().to_owned()).collect()
            }

            /// Every way of parsing gives the same value.
            fn parse(value: &str) -> Result<$type, TestCaseError> {
                let parsed = $type::from_wire(value);
                prop_assert_eq!(&value.parse::<$type>().unwrap(), &parsed);
                prop_assert_eq!(&$type::from(value), &parsed);
                prop_assert_eq!(&$type::from(value.to_owned()), &parsed);
                let json = serde_json::Value::String(value.to_owned());
                prop_assert_eq!(&serde_json::from_value::<$type>(json).unwrap(), &parsed);
                Ok(parsed)
            }

            #[test]
            fn every_known_name_parses_to_its_variant() {
                for known in $type::ALL {
                    let parsed = $type::from_wire(known.as_str());
                    assert_eq!(&parsed, known);
                    assert!(parsed.is_known(), "{parsed:?}");
                }
            }

            proptest! {
                #[test]
                fn equal_wire_values_are_equal_values(
                    a in wire(names()),
                    b in wire(names()),
                ) {
                    let (parsed_a, parsed_b) = (parse(&a)?, parse(&b)?);
                    prop_assert_eq!(parsed_a == parsed_b, a == b, "{:?} {:?}", a, b);
                    prop_assert_eq!(parsed_a.cmp(&parsed_b) == std::cmp::Ordering::Equal, a == b);
                }

                #[test]
                fn parsing_keeps_the_wire_value(value in wire(names())) {
                    let parsed = parse(&value)?;
                    prop_assert_eq!(parsed.as_str(), value.as_str());
                    prop_assert_eq!(parsed.to_string(), value.clone());
                    prop_assert_eq!(
                        serde_json::to_value(&parsed).unwrap(),
                        serde_json::Value::String(value.clone())
                    );
                    let known = $type::ALL.iter().find(|known| known.as_str() == value);
                    prop_assert_eq!(parsed.is_known(), known.is_some());
                    match (&parsed, known) {
                        ($type::Other(unknown), None) => {
                            prop_assert_eq!(unknown.as_str(), value.as_str());
                            prop_assert_eq!(unknown.to_string(), value.clone());
                        }
                        (parsed, Some(known)) => prop_assert_eq!(parsed, known),
                        (parsed, None) => prop_assert!(false, "{:?} is neither known nor Other", parsed),
                    }
                }
            }
        }
    };
}

open_enum_properties!(document_status, DocumentStatus);
open_enum_properties!(dummy_status, DummyStatus);
open_enum_properties!(environment, Environment);
open_enum_properties!(error_identifier, ErrorIdentifier);
open_enum_properties!(face_status, FaceStatus);
open_enum_properties!(fraud_tag, FraudTag);
open_enum_properties!(locale, Locale);
open_enum_properties!(webhook_event_type, WebhookEventType);

#[test]
fn an_unknown_value_of_one_vocabulary_is_not_one_of_another() {
    // A face status name is unknown to the document vocabulary and stays unknown there; the
    // type parameter keeps it from being moved into a vocabulary that knows the name.
    let face = DocumentStatus::from_wire("FACE_MATCH");
    assert!(!face.is_known());
    assert_eq!(FaceStatus::from_wire(face.as_str()), FaceStatus::FaceMatch);
    assert_eq!(
        DocumentStatus::from_wire("DOC_VALIDATED"),
        DocumentStatus::DocValidated
    );
}

#[test]
fn unknown_values_order_hash_and_debug_by_their_text() {
    use std::hash::{BuildHasher, RandomState};
    let (a, b) = (FraudTag::from("A_NEW_TAG"), FraudTag::from("B_NEW_TAG"));
    let (FraudTag::Other(unknown_a), FraudTag::Other(unknown_b)) = (&a, &b) else {
        panic!("{a:?} and {b:?} must be unknown");
    };
    assert!(unknown_a < unknown_b);
    assert_eq!(
        unknown_a.partial_cmp(unknown_b),
        Some(std::cmp::Ordering::Less)
    );
    assert!(a < b);
    let hasher = RandomState::new();
    assert_eq!(
        hasher.hash_one(&a),
        hasher.hash_one(FraudTag::from("A_NEW_TAG"))
    );
    assert_ne!(hasher.hash_one(unknown_a), hasher.hash_one(unknown_b));
    assert_eq!(format!("{a:?}"), r#"Other(UnknownValue("A_NEW_TAG"))"#);
}
