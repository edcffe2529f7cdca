//! `POST /api/v2/token`: the 201 body echoes the request with defaults filled and carries
//! well-formed identifiers.

use idenfy_model::error::messages;
use idenfy_model::facts;
use idenfy_model::{Environment, TokenResponse};
use idenfy_sim::Simulator;
use serde_json::{Value, json};

use crate::support::{Api, assert_error};

async fn api() -> (Simulator, Api) {
    let simulator = Simulator::builder().seed(11).start().await.unwrap();
    let api = Api::new(&simulator);
    (simulator, api)
}

/// The request example of iDenfy's dummy-results page.
fn documented_dummy_request() -> Value {
    json!({
        "dummyStatus": "APPROVED",
        "clientId": "100000",
        "firstName": "John Tom",
        "lastName": "Smith",
        "successUrl": "https://www.my-company.com/idenfy/success",
        "errorUrl": "https://www.my-company.com/idenfy/fail",
        "locale": "en",
        "showInstructions": true,
        "expiryTime": 600,
        "sessionLength": 600,
        "country": "lt",
        "documents": ["PASSPORT", "ID_CARD"],
        "dateOfBirth": "1990-12-20",
        "dateOfExpiry": "1990-12-20",
        "dateOfIssue": "1990-12-20",
        "nationality": "lt",
        "personalNumber": "123456789",
        "documentNumber": "123456",
        "sex": "M",
        "address": "Address",
        "tokenType": "IDENTIFICATION",
        "externalRef": "reference",
        "generateDigitString": true
    })
}

#[tokio::test]
async fn minimal_request_gets_defaults_filled() {
    let (_simulator, api) = api().await;
    let body = api
        .token(json!({"clientId": "user-42", "someFutureField": {"nested": true}}))
        .await;
    assert_eq!(body["message"], messages::TOKEN_CREATED);
    assert!(
        body.get("someFutureField").is_none(),
        "unknown fields are ignored"
    );
    assert_eq!(body["clientId"], "user-42");
    assert_eq!(body["expiryTime"], 3600);
    assert_eq!(body["sessionLength"], 600);
    assert_eq!(body["showInstructions"], true);
    assert_eq!(body["tokenType"], "IDENTIFICATION");
    assert_eq!(body["locale"], "en");
    assert_eq!(
        body["allowedDocuments"],
        json!({"ALL": ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE"]})
    );
    assert!(body.get("digitString").is_none());
    assert!(
        body.get("firstName").is_none(),
        "absent fields are not echoed"
    );
    assert!(
        body.as_object()
            .unwrap()
            .values()
            .all(|value| !value.is_null()),
        "no null fields: {body}"
    );
}

#[tokio::test]
async fn identifiers_are_well_formed() {
    let (_simulator, api) = api().await;
    let body = api.token(json!({"clientId": "user-42"})).await;
    let auth_token = body["authToken"].as_str().unwrap();
    assert_eq!(auth_token.len(), 40);
    assert!(auth_token.bytes().all(|b| b.is_ascii_alphanumeric()));
    let scan_ref = body["scanRef"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(scan_ref).is_ok(), "{scan_ref}");
    assert!(scan_ref.len() <= 36);
    assert_eq!(
        body["redirectUrl"],
        format!("https://ivs.idenfy.com/api/v2/redirect?authToken={auth_token}")
    );
    let second = api.token(json!({"clientId": "user-42"})).await;
    assert_ne!(second["scanRef"], body["scanRef"]);
    assert_ne!(second["authToken"], body["authToken"]);
}

#[tokio::test]
async fn documented_dummy_request_is_echoed_with_names_upper_cased() {
    let (_simulator, api) = api().await;
    let request = documented_dummy_request();
    let body = api.token(request.clone()).await;
    assert_eq!(body["message"], messages::DUMMY_TOKEN_CREATED);
    assert_eq!(body["firstName"], "JOHN TOM");
    assert_eq!(body["lastName"], "SMITH");
    for (field, value) in request.as_object().unwrap() {
        let echoed = facts::token_request_field(field).unwrap().echoed;
        if !echoed {
            assert!(
                body.get(field).is_none(),
                "{field} is not in the 201 schema"
            );
        } else if field != "firstName" && field != "lastName" {
            assert_eq!(&body[field], value, "{field} is echoed as sent");
        }
    }
    assert_eq!(
        body["allowedDocuments"],
        json!({"ALL": ["PASSPORT", "ID_CARD"]})
    );
    let digits = body["digitString"].as_str().unwrap();
    assert_eq!(digits.len(), 8);
    assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    let parsed: TokenResponse = serde_json::from_value(body).unwrap();
    assert_eq!(parsed.request.first_name.as_deref(), Some("JOHN TOM"));
}

#[tokio::test]
async fn unicode_names_are_upper_cased() {
    let (_simulator, api) = api().await;
    let body = api
        .token(json!({"clientId": "c", "firstName": "žaneta", "lastName": "straße"}))
        .await;
    assert_eq!(body["firstName"], "ŽANETA");
    assert_eq!(body["lastName"], "STRASSE");
}

#[tokio::test]
async fn token_response_snapshot() {
    let simulator = Simulator::builder()
        .seed(5)
        .fixed_time(1_767_225_600)
        .start()
        .await
        .unwrap();
    let api = Api::new(&simulator);
    let minimal = api.token(json!({"clientId": "user-42"})).await;
    insta::assert_json_snapshot!("minimal", minimal, {
        ".authToken" => "[authToken]",
        ".scanRef" => "[scanRef]",
        ".redirectUrl" => "[redirectUrl]",
    });
    let body = api.token(documented_dummy_request()).await;
    insta::assert_json_snapshot!("documented_dummy_request", body, {
        ".authToken" => "[authToken]",
        ".scanRef" => "[scanRef]",
        ".redirectUrl" => "[redirectUrl]",
        ".digitString" => "[digitString]",
    });
}

#[tokio::test]
async fn plain_tokens_work_in_every_environment() {
    for environment in Environment::ALL {
        let simulator = Simulator::builder()
            .environment(environment.clone())
            .start()
            .await
            .unwrap();
        let api = Api::new(&simulator);
        let body = api.token(json!({"clientId": "c"})).await;
        assert_eq!(body["message"], messages::TOKEN_CREATED, "{environment}");
    }
}

#[tokio::test]
async fn dummy_tokens_are_refused_outside_dev() {
    for (environment, message) in [
        (Environment::Demo, messages::NOT_FOR_DEMO),
        (Environment::Test, messages::NOT_FOR_TESTING_PRODUCTION),
        (Environment::Prod, messages::NOT_FOR_TESTING_PRODUCTION),
    ] {
        let simulator = Simulator::builder()
            .environment(environment.clone())
            .start()
            .await
            .unwrap();
        let api = Api::new(&simulator);
        let answer = api
            .post(
                "/api/v2/token",
                &json!({"clientId": "c", "dummyStatus": "APPROVED"}),
            )
            .await;
        assert_error(&answer, 403, "PERMISSIONS_ERROR", message);
        assert_eq!(answer.body["message"], message, "{environment}");
        let answer = api
            .add_dummy_status("any", "FACE_MATCH", "DOC_VALIDATED")
            .await;
        assert_error(&answer, 403, "PERMISSIONS_ERROR", message);
    }
}

/// The answer's own fields, besides the echoed request's.
const RESPONSE_FIELDS: &[&str] = &[
    "message",
    "authToken",
    "scanRef",
    "redirectUrl",
    "personScanRef",
    "digitString",
    "allowedDocuments",
];

#[tokio::test]
async fn only_fields_of_the_official_201_schema_are_echoed() {
    let (_simulator, api) = api().await;
    let mut request = documented_dummy_request();
    let extra = json!({
        "ageLimit": 18, "ageMax": 90, "nfcOptional": true, "questionnaireRequired": false,
        "maxAttemptCount": 2, "checkUrjanet": true, "detectionTypes": ["FACE"],
        "fraudServices": ["LID"], "levenshteinTextMatchRatio": 0.8,
        "levenshteinMrzMatchRatio": 0.7, "checkAml": true, "utilityBill": false
    });
    request
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let body = api.token(request).await;
    for key in body.as_object().unwrap().keys() {
        let echoed = facts::token_request_field(key).is_some_and(|field| field.echoed);
        assert!(
            echoed || RESPONSE_FIELDS.contains(&key.as_str()),
            "{key} is not in the 201 schema"
        );
    }
    assert_eq!(body["checkAml"], true);
    assert_eq!(body["utilityBill"], false);
}

#[tokio::test]
async fn coerced_values_are_echoed_and_null_is_refused_where_not_nullable() {
    let (_simulator, api) = api().await;
    let body = api
        .token(json!({
            "clientId": 1234, "expiryTime": "600", "sessionLength": 900.0,
            "showInstructions": "no", "checkAml": 1, "externalRef": 12.5,
            "utilityBill": "null", "firstName": null, "tokenType": "DOCUMENT"
        }))
        .await;
    assert_eq!(body["clientId"], "1234");
    assert_eq!(body["expiryTime"], 600);
    assert_eq!(body["sessionLength"], 900);
    assert_eq!(body["showInstructions"], false);
    assert_eq!(body["checkAml"], true);
    assert_eq!(body["externalRef"], "12.5");
    assert!(body.get("utilityBill").is_none());
    assert!(body.get("firstName").is_none());
    for field in [
        "tokenType",
        "expiryTime",
        "showInstructions",
        "additionalSteps",
    ] {
        let answer = api
            .post("/api/v2/token", &json!({"clientId": "c", field: null}))
            .await;
        assert_error(&answer, 400, "BAD_VALUE", "may not be null");
        assert!(
            answer.body["message"].as_str().unwrap().contains(field),
            "{answer:?}"
        );
    }
    let answer = api
        .post(
            "/api/v2/token",
            &json!({"clientId": "c", "expiryTime": 600.5}),
        )
        .await;
    assert_error(&answer, 400, "BAD_VALUE", "A valid integer is required");
}

#[tokio::test]
async fn an_expiry_time_of_zero_is_accepted() {
    let (_simulator, api) = api().await;
    let body = api.token(json!({"clientId": "c", "expiryTime": 0})).await;
    assert_eq!(body["expiryTime"], 0);
}
