//! How answers become typed errors, with a scripted server for the shapes the simulator never
//! sends: no identifier, bodies that are not JSON, unexpected statuses.

use std::time::Duration;

use idenfy_live::{
    BODY_EXCERPT_CHARS, DEFAULT_RATE_LIMIT_WAIT, Error, PartnerEnvironment, RetryPolicy,
};
use idenfy_model::ErrorIdentifier;

use crate::support::{Answer, Scripted, any_credentials, client};

/// The error `status` with `body` produces from `status()` (no retries).
async fn error_for(answer: Answer) -> Error {
    let server = Scripted::start(vec![answer]).await;
    let client = client(&server.uri(), &any_credentials(), RetryPolicy::none());
    client.status("scan-ref").await.unwrap_err()
}

#[tokio::test]
async fn unauthorized_with_or_without_an_identifier() {
    for body in [
        r#"{"identifier":"UNAUTHORIZED","message":"Invalid authorization credentials"}"#,
        r#"{"message":"Invalid authorization credentials"}"#,
        "",
    ] {
        let error = error_for(Answer::new(401, body)).await;
        let Error::Unauthorized { key_prefix, .. } = &error else {
            panic!("{body}: {error:?}")
        };
        assert_eq!(key_prefix, "test…");
        assert!(!error.to_string().contains("test-key"), "{error}");
        // The scripted server is on loopback, so the advice is the local simulator's.
        assert!(error.to_string().contains("--api-secret"), "{error}");
        assert!(!error.to_string().contains("dashboard"), "{error}");
        assert!(!error.to_string().contains("test-secret"), "{error}");
    }
}

#[tokio::test]
async fn wrong_environment_names_the_environment_from_the_message() {
    for (status, body, environment) in [
        (
            403,
            r#"{"identifier":"PERMISSIONS_ERROR","message":"This endpoint is not available for DEMO partners."}"#,
            PartnerEnvironment::Demo,
        ),
        (
            400,
            r#"{"identifier":"PERMISSIONS_ERROR","message":"This endpoint is not available for TESTING/PRODUCTION partners."}"#,
            PartnerEnvironment::TestingOrProduction,
        ),
        (
            403,
            r#"{"message":"This endpoint is not available for STAGING partners."}"#,
            PartnerEnvironment::Other("STAGING".to_owned()),
        ),
    ] {
        let error = error_for(Answer::new(status, body)).await;
        match &error {
            Error::WrongEnvironment {
                environment: got, ..
            } => assert_eq!(got, &environment),
            other => panic!("{body}: {other:?}"),
        }
        assert!(error.to_string().contains("DEV"), "{error}");
    }
}

#[tokio::test]
async fn lack_of_funds_in_the_current_and_the_older_shape() {
    for (status, body) in [
        (
            402,
            r#"{"identifier":"PARTNER_CONTRACT_ERROR","message":"Action not allowed due to lack of funds or exceeded limit."}"#,
        ),
        (
            400,
            r#"{"identifier":"PERMISSIONS_ERROR","message":"Partner reached token limit."}"#,
        ),
    ] {
        let error = error_for(Answer::new(status, body)).await;
        assert!(
            matches!(error, Error::InsufficientFunds { .. }),
            "{body}: {error:?}"
        );
        assert!(error.to_string().contains("--balance"), "{error}");
    }
}

#[tokio::test]
async fn invalid_requests_keep_status_identifier_and_message() {
    let error = error_for(Answer::new(
        400,
        r#"{"identifier":"BAD_VALUE","message":"Field 'country' must be a valid ISO 3166-1 alpha-2 code."}"#,
    ))
    .await;
    match &error {
        Error::InvalidRequest {
            status,
            identifier,
            message,
        } => {
            assert_eq!(*status, 400);
            assert_eq!(identifier, &Some(ErrorIdentifier::BadValue));
            assert!(message.contains("country"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        error.to_string().contains("retrying it will not help"),
        "{error}"
    );

    let error = error_for(Answer::new(403, r#"{"message":"Partner inactive"}"#)).await;
    assert!(
        matches!(&error, Error::InvalidRequest { status: 403, identifier: None, message } if message == "Partner inactive"),
        "{error:?}"
    );
}

#[tokio::test]
async fn not_found_and_server_errors_accept_any_body() {
    let error = error_for(Answer::new(404, "<html>no such page</html>")).await;
    assert!(
        matches!(&error, Error::NotFound { message } if message.contains("no such page")),
        "{error:?}"
    );
    let error = error_for(Answer::new(502, "bad gateway")).await;
    assert!(
        matches!(&error, Error::Server { status: 502, attempts: 1, message } if message == "bad gateway"),
        "{error:?}"
    );
    assert!(error.is_transient());
}

#[tokio::test]
async fn rate_limits_report_the_wait_from_the_header_or_the_default() {
    let error = error_for(
        Answer::new(
            429,
            r#"{"identifier":"TOO_MANY_REQUESTS","message":"slow down"}"#,
        )
        .header("retry-after", "120"),
    )
    .await;
    assert!(
        matches!(
            error,
            Error::RateLimited { retry_after, from_header: true, attempts: 1, .. }
                if retry_after == Duration::from_secs(120)
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("wait 120 s"), "{error}");

    let error = error_for(Answer::new(
        429,
        r#"{"identifier":"TOO_MANY_REQUESTS","message":"slow down"}"#,
    ))
    .await;
    assert!(
        matches!(
            error,
            Error::RateLimited { retry_after, from_header: false, .. }
                if retry_after == DEFAULT_RATE_LIMIT_WAIT
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_success_that_is_not_the_expected_json_is_undecodable_with_the_body() {
    let error = error_for(Answer::new(200, "<html>captive portal</html>")).await;
    assert!(
        matches!(&error, Error::UndecodableBody { status: 200, body, .. } if body.contains("captive portal")),
        "{error:?}"
    );

    let long = "x".repeat(BODY_EXCERPT_CHARS * 3);
    let error = error_for(Answer::new(200, long.clone())).await;
    let Error::UndecodableBody { body, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(body.starts_with(&long[..BODY_EXCERPT_CHARS]), "{body}");
    assert!(
        body.len() < long.len(),
        "the body is cut: {} bytes",
        body.len()
    );
    assert!(
        body.contains(&format!("{} bytes in all", long.len())),
        "{body}"
    );
}

#[tokio::test]
async fn a_success_body_of_the_wrong_shape_is_undecodable() {
    let error = error_for(Answer::new(200, r#"{"scanRef": 42}"#)).await;
    assert!(
        matches!(&error, Error::UndecodableBody { reason, .. } if reason.contains("scanRef") || reason.contains("invalid type")),
        "{error:?}"
    );
}

#[tokio::test]
async fn add_dummy_status_reads_an_empty_success_body_as_an_empty_answer() {
    let server = Scripted::start(vec![Answer::new(200, "")]).await;
    let client = client(&server.uri(), &any_credentials(), RetryPolicy::none());
    let request = idenfy_model::AddDummyStatusRequest {
        scan_ref: "scan-ref".to_owned(),
        manual_face_match_result: idenfy_model::FaceStatus::FaceMatch,
        manual_document_validity: idenfy_model::DocumentStatus::DocValidated,
    };
    let answer = client.add_dummy_status(&request).await.unwrap();
    assert_eq!(answer, idenfy_model::AddDummyStatusResponse::default());
}
