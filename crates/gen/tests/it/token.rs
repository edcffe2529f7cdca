//! Valid token requests: every one validates, agrees with its identity, round-trips, and every
//! optional field of the model is sometimes present and sometimes absent.

use std::collections::BTreeMap;

use idenfy_gen::token::arb_token_request_with_identity;
use idenfy_gen::{arb_dummy_token_request, arb_legacy_token_request, arb_token_request, sample};
use idenfy_model::facts::{self, FieldSource};
use idenfy_model::{DummyStatus, Rule, TokenRequest, TokenType, parse_body};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};

use crate::support::{check_property, fully_shrunk, proptest_rng};

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_generated_request_validates(request in arb_token_request()) {
        prop_assert_eq!(request.validate(), vec![], "{:?}", request);
    }

    #[test]
    fn requests_carry_a_token_type_of_the_official_schema(request in arb_token_request()) {
        prop_assert!(
            matches!(request.token_type, Some(TokenType::Identification | TokenType::Document)),
            "{:?}", request.token_type
        );
        prop_assert_eq!(request.video_call_questions, None);
    }

    #[test]
    fn requests_round_trip_through_the_body_parser(request in arb_token_request()) {
        let body = serde_json::to_vec(&request).unwrap();
        prop_assert_eq!(parse_body::<TokenRequest>(&body).unwrap(), request);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn requests_give_their_identity_values((identity, request) in arb_token_request_with_identity()) {
        let same = |given: &Option<String>, expected: &str| given.as_deref().is_none_or(|v| v == expected);
        prop_assert!(same(&request.first_name, &identity.first_name));
        prop_assert!(same(&request.last_name, &identity.last_name));
        prop_assert!(same(&request.personal_number, &identity.personal_number));
        prop_assert!(same(&request.document_number, &identity.document_number));
        prop_assert!(same(&request.address, &identity.address));
        prop_assert!(same(&request.date_of_birth, &identity.date_of_birth.to_string()));
        prop_assert!(same(&request.date_of_issue, &identity.date_of_issue.to_string()));
        prop_assert!(same(&request.date_of_expiry, &identity.date_of_expiry.to_string()));
        prop_assert!(request.country.as_deref().is_none_or(|c| c.eq_ignore_ascii_case(&identity.issuing_country)));
        prop_assert!(request.nationality.as_deref().is_none_or(|n| n == "ALL" || n == identity.nationality));
        prop_assert!(request.sex.as_ref().is_none_or(|sex| *sex == identity.sex));
        // The webhook reads the document type from the first listed document.
        if let Some(documents) = &request.documents {
            prop_assert_eq!(documents.first(), Some(&identity.document_type));
        }
    }

    #[test]
    fn urls_are_https(request in arb_token_request()) {
        for url in [&request.success_url, &request.error_url, &request.unverified_url, &request.callback_url]
            .into_iter()
            .flatten()
        {
            prop_assert!(url.starts_with("https://"), "{url}");
        }
    }
}

#[test]
fn dummy_requests_force_their_status() {
    for status in DummyStatus::ACCEPTED {
        check_property(
            status.as_str(),
            &arb_dummy_token_request(status.clone()),
            128,
            |request| {
                prop_assert_eq!(request.dummy_status.as_ref(), Some(status));
                prop_assert_eq!(request.validate(), vec![]);
                Ok(())
            },
        );
    }
}

#[test]
fn a_dummy_status_the_api_no_longer_accepts_is_the_only_violation() {
    check_property(
        "ACTIVE",
        &arb_dummy_token_request(DummyStatus::Active),
        64,
        |request| {
            let rules: Vec<Rule> = request.validate().iter().map(|v| v.rule).collect();
            prop_assert_eq!(rules, vec![Rule::DummyStatusNotAccepted]);
            Ok(())
        },
    );
}

/// Every field name of the model's token request, from its JSON schema.
fn model_field_names() -> Vec<String> {
    let schema = schemars::schema_for!(TokenRequest);
    schema.as_value()["properties"]
        .as_object()
        .expect("the schema lists properties")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_optional_field_of_the_model_is_sometimes_present_and_sometimes_absent() {
    const COUNT: usize = 2000;
    let requests = sample(&arb_token_request(), 0x5EED, COUNT);
    let mut present: BTreeMap<String, usize> = BTreeMap::new();
    for request in &requests {
        let serde_json::Value::Object(object) = serde_json::to_value(request).unwrap() else {
            panic!("a request serializes to an object");
        };
        for key in object.keys() {
            *present.entry(key.clone()).or_default() += 1;
        }
    }
    let fields = model_field_names();
    assert!(
        fields.len() > 60,
        "the schema lists {} fields",
        fields.len()
    );
    for key in present.keys() {
        assert!(fields.contains(key), "{key} is not in the field facts");
    }
    for field in fields {
        let count = present.get(&field).copied().unwrap_or(0);
        if facts::token_request_field(&field).unwrap().required {
            assert_eq!(count, COUNT, "{field} is required by iDenfy's OpenAPI");
        } else if field == "videoCallQuestions" {
            assert_eq!(count, 0, "{field} goes only with the legacy token types");
        } else {
            assert!(
                (1..COUNT).contains(&count),
                "{field} is present in {count} of {COUNT} requests"
            );
        }
    }
}

#[test]
fn legacy_requests_sometimes_use_the_video_call_token_types_with_their_questions() {
    let requests = sample(&arb_legacy_token_request(), 0x5EED, 500);
    let legacy = |request: &&TokenRequest| {
        request
            .token_type
            .as_ref()
            .is_some_and(|token_type| TokenType::VIDEO_CALL.contains(token_type))
    };
    assert!(requests.iter().any(|request| legacy(&request)));
    assert!(requests.iter().any(|request| !legacy(&request)));
    assert!(requests.iter().any(|r| r.video_call_questions.is_some()));
    for request in &requests {
        assert_eq!(request.validate(), vec![], "{request:?}");
        assert!(request.video_call_questions.is_none() || legacy(&request));
    }
}

#[test]
fn the_fields_outside_the_openapi_are_the_facts_older_settings_and_dummy_status() {
    let outside: Vec<&str> = facts::TOKEN_REQUEST
        .iter()
        .filter(|field| field.source != FieldSource::OpenApi)
        .map(|field| field.name)
        .collect();
    assert_eq!(outside.len(), 8, "{outside:?}");
}

#[test]
fn requests_shrink_to_the_client_id_and_token_type() {
    for seed in [0, 1, 2, 3, 4] {
        let request = fully_shrunk(&arb_token_request(), seed);
        let expected = TokenRequest {
            token_type: request.token_type.clone(),
            ..TokenRequest::new(request.client_id.clone())
        };
        assert_eq!(request, expected);
        assert!(request.token_type.is_some());
        assert_eq!(request.validate(), vec![]);
    }
}

#[test]
fn shrinking_keeps_only_the_field_a_failure_needs() {
    for seed in [1, 2, 3] {
        let config = Config {
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, proptest_rng(seed));
        let result = runner.run(&arb_token_request(), |request| {
            prop_assert!(request.documents.is_none());
            Ok(())
        });
        let Err(TestError::Fail(_, minimal)) = result else {
            panic!("some request lists documents: {result:?}");
        };
        let expected = TokenRequest {
            documents: minimal.documents.clone(),
            token_type: minimal.token_type.clone(),
            ..TokenRequest::new(minimal.client_id.clone())
        };
        assert_eq!(minimal, expected);
        assert!(minimal.documents.is_some());
    }
}
