//! Property tests over HTTP, with idenfy-gen's strategies: every valid token request gets 201
//! and is echoed; every invalid request or broken body gets a 4xx naming its rule.

use std::sync::OnceLock;

use idenfy_gen::dummy::arb_any_invalid_add_dummy_status_request;
use idenfy_gen::invalid::arb_any_invalid_token_request;
use idenfy_gen::json_breakage::arb_any_json_breakage;
use idenfy_gen::token::arb_token_request;
use idenfy_model::facts;
use idenfy_model::validation::ValidationProfile;
use idenfy_model::{Rule, Violation};
use proptest::prelude::{ProptestConfig, prop_assert, prop_assert_eq, proptest};
use reqwest::Method;
use serde_json::Value;

use crate::support::{Answer, BlockingSimulator};

/// One simulator for every case.
fn shared() -> &'static BlockingSimulator {
    static SHARED: OnceLock<BlockingSimulator> = OnceLock::new();
    SHARED.get_or_init(BlockingSimulator::start)
}

fn post(path: &str, body: Vec<u8>) -> Answer {
    let shared = shared();
    shared.block_on(shared.api.send(
        Method::POST,
        path,
        Some("application/json"),
        Some(shared.api.authorization()),
        body,
    ))
}

/// JSON equality that allows floats the last-digit slack of a text round trip.
fn same_json(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => match (left.as_f64(), right.as_f64()) {
            (Some(l), Some(r)) => l == r || (l - r).abs() <= 1e-12 * l.abs().max(r.abs()),
            _ => left == right,
        },
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| same_json(l, r))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .all(|(key, l)| right.get(key).is_some_and(|r| same_json(l, r)))
        }
        _ => left == right,
    }
}

/// Asserts a 400 that reports `rule`: its identifier and the first violation's message.
fn assert_reports(answer: &Answer, rule: Rule, violations: &[Violation]) -> Result<(), String> {
    if answer.status != 400 {
        return Err(format!("expected 400 for {rule}, got {answer:?}"));
    }
    if answer.body["identifier"] != rule.identifier().as_str() {
        return Err(format!(
            "expected {} for {rule}, got {answer:?}",
            rule.identifier()
        ));
    }
    let message = answer.body["message"].as_str().unwrap_or_default();
    match violations.first() {
        Some(violation) if violation.rule == rule && message.contains(&violation.message) => Ok(()),
        _ => Err(format!(
            "{answer:?} does not report {rule} ({violations:?})"
        )),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_valid_token_request_gets_201_and_is_echoed(request in arb_token_request()) {
        let sent = serde_json::to_value(&request).unwrap();
        let answer = post("/api/v2/token", serde_json::to_vec(&sent).unwrap());
        prop_assert_eq!(answer.status, 201, "{:?}", answer);
        for (field, value) in sent.as_object().unwrap() {
            if !facts::token_request_field(field).unwrap().echoed {
                prop_assert!(answer.body.get(field).is_none(), "{} is not in the 201 schema", field);
                continue;
            }
            let expected = match (field.as_str(), value) {
                ("firstName" | "lastName", Value::String(name)) => Value::String(name.to_uppercase()),
                _ => value.clone(),
            };
            prop_assert!(
                same_json(&answer.body[field], &expected),
                "{} sent as {} came back as {}", field, value, answer.body[field]
            );
        }
    }

    #[test]
    fn every_invalid_token_request_gets_400_naming_its_rule(case in arb_any_invalid_token_request()) {
        let violations = case.request.validate_with(ValidationProfile::Simulator);
        let answer = post("/api/v2/token", serde_json::to_vec(&case.request).unwrap());
        let reported = assert_reports(&answer, case.rule, &violations);
        prop_assert!(reported.is_ok(), "{}: {}", case.description, reported.unwrap_err());
    }

    #[test]
    fn every_invalid_add_dummy_status_request_gets_400_naming_its_rule(
        case in arb_any_invalid_add_dummy_status_request()
    ) {
        let violations = case.request.validate();
        let answer = post("/api/v2/add-dummy-status", serde_json::to_vec(&case.request).unwrap());
        let reported = assert_reports(&answer, case.rule, &violations);
        prop_assert!(reported.is_ok(), "{}: {}", case.description, reported.unwrap_err());
    }

    #[test]
    fn every_broken_body_gets_its_documented_error(breakage in arb_any_json_breakage()) {
        let answer = post("/api/v2/token", breakage.body.clone());
        prop_assert_eq!(answer.status, 400, "{}: {:?}", breakage.description, answer);
        prop_assert_eq!(
            answer.body["identifier"].as_str(),
            Some(breakage.expected.as_str()),
            "{}: {:?}", breakage.description, answer
        );
        if let Some(rule) = breakage.rule {
            let request: idenfy_model::TokenRequest = idenfy_model::parse_body(&breakage.body).unwrap();
            let reported = assert_reports(&answer, rule, &request.validate_with(ValidationProfile::Simulator));
            prop_assert!(reported.is_ok(), "{}: {}", breakage.description, reported.unwrap_err());
        }
    }
}
