//! The reference's example bodies parse, validate and round-trip.

use idenfy_model::*;
use serde_json::Value;

fn example(name: &str) -> Value {
    let path = format!("{}/tests/it/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn dummy_results_request_example_validates_and_round_trips() {
    let value = example("dummy-request.json");
    let request: TokenRequest = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        request.validate(),
        vec![],
        "lower-case country and equal dates are accepted"
    );
    assert_eq!(request.dummy_status, Some(DummyStatus::Approved));
    assert_eq!(request.country.as_deref(), Some("lt"));
    assert_eq!(serde_json::to_value(&request).unwrap(), value);
}

#[test]
fn dummy_results_response_example_parses_with_its_seven_digit_string() {
    let value = example("dummy-response.json");
    let response: TokenResponse = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(response.digit_string.as_deref(), Some("4823657"));
    assert_eq!(response.request.first_name.as_deref(), Some("JOHN TOM"));
    assert_eq!(response.scan_ref, "ec6a7108-8c26-11e9-9758-309c231b1bac");
    assert_eq!(response.auth_token.len(), 40);
    assert_eq!(serde_json::to_value(&response).unwrap(), value);
}

#[test]
fn token_response_tolerates_nulls_and_unknown_fields() {
    let response: TokenResponse =
        serde_json::from_value(example("token-response-nulls.json")).unwrap();
    assert_eq!(response.person_scan_ref.as_deref(), Some("user-42"));
    assert_eq!(response.request.client_id, "user-42");
    assert_eq!(response.request.success_url, None);
    assert_eq!(
        response.allowed_documents.unwrap()["ALL"],
        vec![DocumentType::Passport, DocumentType::IdCard]
    );
}

#[test]
fn legacy_person_scan_ref_alias_is_accepted_in_requests() {
    let request: TokenRequest = serde_json::from_str(r#"{"personScanRef": "legacy-7"}"#).unwrap();
    assert_eq!(request.client_id, "legacy-7");
}

#[test]
fn oas_webhook_example_parses() {
    let value = example("webhook-oas.json");
    let webhook: IdentificationWebhook = serde_json::from_value(value.clone()).unwrap();
    assert!(webhook.is_final);
    assert_eq!(webhook.status.overall, OverallStatus::Approved);
    assert_eq!(webhook.status.manual_face, Some(FaceStatus::FaceMatch));
    let data = webhook.data.as_ref().unwrap();
    assert_eq!(data.doc_sex, Some(DocumentSex::Male));
    assert_eq!(data.age_estimate, Some(AgeEstimate::Over30));
    assert_eq!(webhook.aml, None);
    assert_eq!(webhook.manual_address(), None);
    assert_eq!(webhook.manual_address_match, Some(false));
    // Everything the example carries survives a round trip.
    let again: IdentificationWebhook =
        serde_json::from_value(serde_json::to_value(&webhook).unwrap()).unwrap();
    assert_eq!(again, webhook);
}

#[test]
fn legacy_webhook_with_data_address_null_statuses_and_unknown_tags_parses() {
    let webhook: IdentificationWebhook =
        serde_json::from_value(example("webhook-legacy.json")).unwrap();
    assert!(!webhook.is_final);
    assert_eq!(webhook.manual_address(), Some("Jogailos g. 4, Vilnius"));
    let status = &webhook.status;
    assert_eq!(status.manual_document, None);
    assert_eq!(
        status.manual_face, None,
        "an empty string means not reviewed yet"
    );
    assert_eq!(
        status.fraud_tags,
        vec![
            FraudTag::DuplicateFace,
            FraudTag::from("BRAND_NEW_FRAUD_TAG")
        ]
    );
    assert!(
        matches!(&status.fraud_tags[1], FraudTag::Other(value) if value.as_str() == "BRAND_NEW_FRAUD_TAG")
    );
    assert!(
        matches!(&status.mismatch_tags[1], MismatchTag::Other(value) if value.as_str() == "BRAND_NEW_MISMATCH")
    );
    assert!(matches!(
        &status.suspicion_reasons.as_ref().unwrap()[1],
        SuspicionReason::Other(value) if value.as_str() == "SOME_NEW_REASON"
    ));
    assert_eq!(status.additional_steps, Some(AdditionalStepStatus::Valid));
    let data = webhook.data.as_ref().unwrap();
    assert!(matches!(
        &data.age_estimate,
        Some(AgeEstimate::Other(value)) if value.as_str() == "OVER_130"
    ));
    assert_eq!(webhook.lid.as_ref().unwrap()[0].data[0].valid, Some(true));
    assert_eq!(
        webhook.criminal_check.as_ref().unwrap()[0].data[0]
            .region
            .as_deref(),
        Some("IL")
    );
    assert_eq!(webhook.file_urls.as_ref().unwrap()["BACK"], None);
    assert_eq!(webhook.company_id, None);
}

#[test]
fn top_level_manual_address_wins() {
    let mut value = example("webhook-legacy.json");
    value["manualAddress"] = Value::from("Top level 1");
    let webhook: IdentificationWebhook = serde_json::from_value(value).unwrap();
    assert_eq!(webhook.manual_address(), Some("Top level 1"));
}

#[test]
fn document_expiration_webhook_parses_and_round_trips() {
    let value = example("document-expiration.json");
    let webhook: idenfy_model::webhook::DocumentExpirationWebhook =
        serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        webhook.expiration_threshold,
        idenfy_model::webhook::ExpirationThreshold::Within30Days
    );
    assert_eq!(serde_json::to_value(&webhook).unwrap(), value);
}

#[test]
fn error_bodies_parse_in_both_documented_shapes() {
    let error: ApiError = serde_json::from_str(
        r#"{"identifier": "PERMISSIONS_ERROR", "message": "This endpoint is not available for DEMO partners."}"#,
    )
    .unwrap();
    assert_eq!(error.identifier, ErrorIdentifier::PermissionsError);
    assert_eq!(error.http_status(), 403);
    assert_eq!(ApiError::unauthorized().http_status(), 401);
    assert_eq!(ApiError::lack_of_funds().http_status(), 402);
    assert_eq!(ApiError::too_many_requests(10).http_status(), 429);
    assert_eq!(
        serde_json::to_value(ApiError::unauthorized()).unwrap(),
        serde_json::json!({"identifier": "UNAUTHORIZED", "message": "Invalid authorization credentials"})
    );
}

#[test]
fn body_parsing_reports_the_api_identifiers() {
    let check = |body: &[u8], identifier: ErrorIdentifier, needle: &str| {
        let error = parse_body::<TokenRequest>(body).unwrap_err();
        assert_eq!(error.identifier, identifier, "{error}");
        assert!(
            error.message.contains(needle),
            "{error} should mention {needle}"
        );
    };
    check(
        b"{\"clientId\": \"\xff\"}",
        ErrorIdentifier::EncodingError,
        "UTF-8",
    );
    check(b"{\"clientId\": ", ErrorIdentifier::JsonError, "JSON");
    check(b"[1, 2]", ErrorIdentifier::JsonError, "object");
    check(b"{}", ErrorIdentifier::MissingValue, "clientId");
    // A string field takes a number (DRF's CharField), not a boolean.
    check(
        b"{\"clientId\": true}",
        ErrorIdentifier::BadValue,
        "clientId",
    );
    check(
        b"{\"clientId\": \"a\", \"expiryTime\": \"soon\"}",
        ErrorIdentifier::BadValue,
        "expiryTime",
    );
    check(
        b"{\"clientId\": \"a\", \"checkAml\": \"maybe\"}",
        ErrorIdentifier::BadValue,
        "checkAml",
    );
    // A huge wrong-typed value is not echoed back whole.
    let huge = format!(
        "{{\"clientId\": \"a\", \"expiryTime\": \"{}\"}}",
        "9".repeat(100_000)
    );
    let error = parse_body::<TokenRequest>(huge.as_bytes()).unwrap_err();
    assert_eq!(error.identifier, ErrorIdentifier::BadValue);
    assert!(
        error.message.contains("expiryTime") && error.message.len() < 400,
        "{}",
        error.message.len()
    );
    let ok: TokenRequest = parse_body(br#"{"clientId": "a", "unknownField": 1}"#).unwrap();
    assert_eq!(ok, TokenRequest::new("a"));
}

/// Bodies where a one-pass typed parse and a parse through `serde_json::Value` could disagree
/// get the `Value` verdict: `parse_body` parses once only when nothing is skipped or repeated.
#[test]
fn body_parsing_keeps_the_full_parse_verdict_where_a_typed_parse_is_lenient() {
    // A skipped unknown field is still checked for number range and nesting depth.
    for body in [
        r#"{"clientId": "a", "unknownField": 1e400}"#.to_owned(),
        format!(
            r#"{{"clientId": "a", "unknownField": {}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        ),
    ] {
        let error = parse_body::<TokenRequest>(body.as_bytes()).unwrap_err();
        assert_eq!(error.identifier, ErrorIdentifier::JsonError, "{error}");
    }
    // A repeated key keeps its last value, as a JSON object does.
    let repeated: TokenRequest =
        parse_body(br#"{"clientId": "first", "clientId": "last"}"#).unwrap();
    assert_eq!(repeated, TokenRequest::new("last"));
    // A struct also deserializes from an array; a body must still be an object.
    let error = parse_body::<TokenRequest>(br#" ["a"]"#).unwrap_err();
    assert_eq!(error.message, "Request body must be a JSON object.");
    let spaced: TokenRequest = parse_body(b" \t\r\n{\"clientId\": \"a\"} \n").unwrap();
    assert_eq!(spaced, TokenRequest::new("a"));
}

#[test]
fn oas_webhook_signed_in_either_style_verifies_and_parses() {
    let key = SigningKey::new("signing-key");
    let webhook: IdentificationWebhook =
        serde_json::from_value(example("webhook-oas.json")).unwrap();
    let mut bodies = Vec::new();
    for style in BodyStyle::ALL {
        let signed = SignedWebhook::sign(
            &key,
            WebhookEventType::IdentificationManualFinished,
            &webhook,
            *style,
        )
        .unwrap();
        let parsed = verify_webhook(&key, &signed.body, Some(&signed.signature)).unwrap();
        assert_eq!(parsed, webhook, "{style}");
        let wrong = verify_webhook(
            &SigningKey::new("other"),
            &signed.body,
            Some(&signed.signature),
        );
        assert!(wrong.is_err(), "{style}: a wrong key must not verify");
        bodies.push(signed.body);
    }
    assert_ne!(bodies[0], bodies[1], "the two styles differ in bytes");
}

#[test]
fn the_webhook_fields_null_despite_the_schema_parse_when_null_or_absent() {
    for fact in idenfy_model::facts::WEBHOOK_NULL_DESPITE_SCHEMA {
        let (parent, leaf) = match fact.path.split_once('.') {
            Some((parent, leaf)) => (Some(parent), leaf),
            None => (None, fact.path),
        };
        for absent in [false, true] {
            let mut value = example("webhook-oas.json");
            let object = match parent {
                Some(parent) => &mut value[parent],
                None => &mut value,
            };
            let object = object.as_object_mut().unwrap();
            assert!(object.contains_key(leaf), "the example has {}", fact.path);
            if absent {
                object.remove(leaf);
            } else {
                object.insert(leaf.to_owned(), Value::Null);
            }
            let parsed: Result<IdentificationWebhook, _> = serde_json::from_value(value);
            let round = serde_json::to_value(parsed.unwrap()).unwrap();
            let echoed = match parent {
                Some(parent) => &round[parent][leaf],
                None => &round[leaf],
            };
            assert!(echoed.is_null(), "{} ({}): {echoed}", fact.path, fact.when);
        }
    }
}
