//! Error bodies: the HTTP status travels with the error but never onto the wire.

use idenfy_model::error::messages;
use idenfy_model::{ApiError, ErrorIdentifier};
use serde_json::json;

#[test]
fn the_status_of_an_identifier_is_the_documented_one() {
    let check = |identifier: ErrorIdentifier, status: u16| {
        assert_eq!(
            ApiError::new(identifier.clone(), "m").http_status(),
            status,
            "{identifier}"
        );
    };
    check(ErrorIdentifier::Unauthorized, 401);
    check(ErrorIdentifier::PermissionsError, 403);
    check(ErrorIdentifier::MethodNotAllowed, 405);
    check(ErrorIdentifier::TooManyRequests, 429);
    check(ErrorIdentifier::InternalError, 500);
    check(ErrorIdentifier::PartnerContractError, 400);
    check(ErrorIdentifier::BadValue, 400);
    check(ErrorIdentifier::from("NOT_FOUND"), 400);
}

#[test]
fn lack_of_funds_is_402_by_construction_not_by_its_message() {
    let funds = ApiError::lack_of_funds();
    assert_eq!(funds.http_status(), 402);
    assert_eq!(funds.identifier, ErrorIdentifier::PartnerContractError);
    assert_eq!(funds.message, messages::LACK_OF_FUNDS);
    // The same body made without the status is a plain contract error: no text comparison.
    let same_body = ApiError::new(
        ErrorIdentifier::PartnerContractError,
        messages::LACK_OF_FUNDS,
    );
    assert_eq!(same_body.http_status(), 400);
    assert_eq!(same_body, funds, "equality compares the body only");
}

#[test]
fn the_status_stays_off_the_wire() {
    let error = ApiError::with_status(404, ErrorIdentifier::from("NOT_FOUND"), "gone");
    assert_eq!(error.http_status(), 404);
    let body = serde_json::to_value(&error).unwrap();
    assert_eq!(body, json!({"identifier": "NOT_FOUND", "message": "gone"}));
    let parsed: ApiError = serde_json::from_value(body).unwrap();
    assert_eq!(parsed, error);
    // A parsed body knows only its identifier's status.
    assert_eq!(parsed.http_status(), 400);
    assert_eq!(
        serde_json::to_value(ApiError::lack_of_funds()).unwrap(),
        json!({
            "identifier": "PARTNER_CONTRACT_ERROR",
            "message": "Action not allowed due to lack of funds or exceeded limit."
        })
    );
}

#[test]
fn an_error_displays_its_identifier_and_message() {
    assert_eq!(
        ApiError::unauthorized().to_string(),
        "UNAUTHORIZED: Invalid authorization credentials"
    );
}

#[test]
fn errors_differing_in_identifier_or_message_differ() {
    let error = ApiError::new(ErrorIdentifier::BadValue, "m");
    assert_eq!(
        error,
        ApiError::with_status(422, ErrorIdentifier::BadValue, "m")
    );
    assert_ne!(error, ApiError::new(ErrorIdentifier::BadValue, "n"));
    assert_ne!(error, ApiError::new(ErrorIdentifier::MissingValue, "m"));
    assert_ne!(error, ApiError::new(ErrorIdentifier::MissingValue, "n"));
}
