//! Body-level breakage: each broken body gets exactly the identifier it carries from the model's
//! body parser, or parses and fails validation with exactly its rule.

use idenfy_gen::json_breakage::{arb_any_json_breakage, arb_json_breakage};
use idenfy_gen::{BreakageKind, JsonBreakage};
use idenfy_model::{ErrorIdentifier, TokenRequest, parse_body};
use proptest::prelude::*;

use crate::support::check_property;

/// Fails unless parsing (then validating) `breakage.body` answers `breakage.expected`, through
/// the parser when `rule` is `None` and through exactly that rule otherwise.
fn answered_as_expected(breakage: &JsonBreakage) -> Result<(), TestCaseError> {
    match (parse_body::<TokenRequest>(&breakage.body), breakage.rule) {
        (Err(error), None) => {
            prop_assert_eq!(&error.identifier, &breakage.expected, "{}", error.message);
        }
        (Ok(request), Some(rule)) => {
            let violations = request.validate();
            prop_assert!(!violations.is_empty(), "{rule} was not reported");
            for violation in &violations {
                prop_assert_eq!(violation.rule, rule);
                prop_assert_eq!(&violation.to_api_error().identifier, &breakage.expected);
            }
        }
        (Err(error), Some(rule)) => {
            prop_assert!(false, "expected {rule}, the parser answered {error}");
        }
        (Ok(request), None) => {
            prop_assert!(false, "the body parsed: {request:?}");
        }
    }
    Ok(())
}

#[test]
fn every_kind_gets_its_identifier() {
    for kind in BreakageKind::ALL {
        check_property(
            &format!("{kind:?}"),
            &arb_json_breakage(*kind),
            96,
            |breakage| {
                prop_assert_eq!(breakage.kind, *kind);
                prop_assert!(!breakage.description.is_empty());
                answered_as_expected(&breakage)
            },
        );
    }
}

#[test]
fn each_kind_carries_the_identifier_its_name_promises() {
    use BreakageKind as K;
    use ErrorIdentifier as E;
    let expected = |kind: K| match kind {
        K::NumberForString
        | K::StringForNumber
        | K::StringForBoolean
        | K::StringForList
        | K::UnknownEnumValue
        | K::ImpossibleDate => E::BadValue,
        K::MissingClientId => E::MissingValue,
        K::NotAnObject | K::MalformedJson => E::JsonError,
        K::InvalidUtf8 => E::EncodingError,
    };
    for kind in BreakageKind::ALL {
        for breakage in idenfy_gen::sample(&arb_json_breakage(*kind), 3, 16) {
            assert_eq!(
                breakage.expected,
                expected(*kind),
                "{kind:?}: {}",
                breakage.description
            );
        }
    }
}

#[test]
fn an_unknown_sex_parses_as_other_and_fails_validation() {
    let breakages = idenfy_gen::sample(&arb_json_breakage(BreakageKind::UnknownEnumValue), 11, 200);
    let sex = breakages
        .iter()
        .find(|b| b.rule == Some(idenfy_model::Rule::SexUnknown))
        .expect("some unknown enum values are sexes");
    let request = parse_body::<TokenRequest>(&sex.body).unwrap();
    assert!(matches!(request.sex, Some(idenfy_model::Sex::Other(_))));
    assert_eq!(sex.expected, ErrorIdentifier::BadValue);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_breakage_gets_its_identifier(breakage in arb_any_json_breakage()) {
        answered_as_expected(&breakage)?;
    }
}
