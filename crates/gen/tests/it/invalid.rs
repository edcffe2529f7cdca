//! Invalid requests: every rule of the model has a generator, and every generated case breaks
//! exactly its rule.

use idenfy_gen::dummy::{
    arb_add_dummy_status_request, arb_any_invalid_add_dummy_status_request,
    arb_invalid_add_dummy_status_request,
};
use idenfy_gen::invalid::{
    arb_any_invalid_token_request, arb_invalid_token_request, sample_invalid,
};
use idenfy_gen::{InvalidCase, InvalidRequest};
use idenfy_model::validation::Endpoint;
use idenfy_model::{Rule, Violation};
use proptest::prelude::*;

use crate::support::check_property;

/// Fails unless `violations` is non-empty and every one names `rule`.
fn only(rule: Rule, violations: &[Violation]) -> Result<(), TestCaseError> {
    prop_assert!(!violations.is_empty(), "{rule} was not reported");
    for violation in violations {
        prop_assert_eq!(violation.rule, rule, "{:?}", violation);
    }
    Ok(())
}

#[test]
fn every_rule_of_the_model_has_a_generator() {
    let uncovered: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| sample_invalid(*rule, 1).is_none())
        .collect();
    assert!(
        uncovered.is_empty(),
        "rules without an invalid-request generator: {uncovered:?}"
    );
}

#[test]
fn each_rule_has_a_generator_for_its_endpoint_only() {
    for rule in Rule::ALL {
        let token = arb_invalid_token_request(*rule).is_some();
        let dummy = arb_invalid_add_dummy_status_request(*rule).is_some();
        assert_eq!(token, rule.endpoint() == Endpoint::Token, "{rule}");
        assert_eq!(dummy, rule.endpoint() == Endpoint::AddDummyStatus, "{rule}");
    }
}

#[test]
fn sampled_cases_break_their_rule_and_round_trip() {
    for (seed, rule) in Rule::ALL.iter().enumerate() {
        let case = sample_invalid(*rule, seed as u64).unwrap();
        assert_eq!(case.rule, *rule);
        only(*rule, &case.request.validate()).unwrap();
        let json = serde_json::to_string(&case).unwrap();
        assert_eq!(
            serde_json::from_str::<InvalidCase<InvalidRequest>>(&json).unwrap(),
            case
        );
        assert_eq!(
            sample_invalid(*rule, seed as u64),
            Some(case),
            "{rule} is not reproducible"
        );
    }
}

#[test]
fn invalid_token_requests_break_exactly_their_rule() {
    for rule in Rule::ALL {
        let Some(strategy) = arb_invalid_token_request(*rule) else {
            continue;
        };
        check_property(rule.name(), &strategy, 96, |case| {
            prop_assert_eq!(case.rule, *rule);
            prop_assert!(!case.description.is_empty());
            only(*rule, &case.request.validate())
        });
    }
}

#[test]
fn invalid_add_dummy_status_requests_break_exactly_their_rule() {
    for rule in Rule::ALL {
        let Some(strategy) = arb_invalid_add_dummy_status_request(*rule) else {
            continue;
        };
        check_property(rule.name(), &strategy, 96, |case| {
            prop_assert_eq!(case.rule, *rule);
            only(*rule, &case.request.validate())
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_invalid_token_request_reports_its_rule(case in arb_any_invalid_token_request()) {
        only(case.rule, &case.request.validate())?;
        let json = serde_json::to_vec(&case).unwrap();
        prop_assert_eq!(serde_json::from_slice::<InvalidCase>(&json).unwrap(), case);
    }

    #[test]
    fn any_invalid_add_dummy_status_request_reports_its_rule(case in arb_any_invalid_add_dummy_status_request()) {
        only(case.rule, &case.request.validate())?;
    }

    #[test]
    fn valid_add_dummy_status_requests_validate(request in arb_add_dummy_status_request()) {
        prop_assert_eq!(request.validate(), vec![]);
        let json = serde_json::to_vec(&request).unwrap();
        prop_assert_eq!(idenfy_model::parse_body::<idenfy_model::AddDummyStatusRequest>(&json).unwrap(), request);
    }
}
