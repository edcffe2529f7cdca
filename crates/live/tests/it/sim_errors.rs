//! Every error a caller can meet, produced by simulators configured to refuse: wrong
//! credentials, wrong environment, no balance, a rate limit of one, invalid fields and injected
//! faults. Transport and undecodable-body errors need no simulator (`retries`, `classify`).

use idenfy_live::{Error, PartnerEnvironment, RetryPolicy};
use idenfy_model::error::messages;
use idenfy_model::{
    AddDummyStatusRequest, ApiCredentials, DocumentStatus, DummyStatus, Environment,
    ErrorIdentifier, FaceStatus, TokenRequest,
};
use idenfy_sim::Simulator;

use crate::support::{client, failing_simulator, quick_retries, sim_client};

fn manual(scan_ref: &str) -> AddDummyStatusRequest {
    AddDummyStatusRequest {
        scan_ref: scan_ref.to_owned(),
        manual_face_match_result: FaceStatus::FaceMatch,
        manual_document_validity: DocumentStatus::DocValidated,
    }
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_on_every_endpoint() {
    let simulator = Simulator::start().await.unwrap();
    let wrong = ApiCredentials::new(simulator.credentials().key(), "wrong-secret-xyz");
    let client = client(&simulator.uri(), &wrong, quick_retries(2));
    let errors = [
        client
            .create_token(&TokenRequest::new("c"))
            .await
            .unwrap_err(),
        client.add_dummy_status(&manual("s")).await.unwrap_err(),
        client.status("s").await.unwrap_err(),
    ];
    for error in errors {
        assert!(
            matches!(&error, Error::Unauthorized { key_prefix, message, .. }
                if *key_prefix == idenfy_model::support::key_prefix(simulator.credentials().key())
                    && message == messages::INVALID_CREDENTIALS),
            "{error:?}"
        );
        assert!(!error.to_string().contains("wrong-secret-xyz"), "{error}");
        assert!(
            !format!("{error:?}").contains("wrong-secret-xyz"),
            "{error:?}"
        );
        assert!(!error.is_transient());
    }
}

#[tokio::test]
async fn dummy_endpoints_in_another_environment_name_it() {
    for (environment, expected) in [
        (Environment::Demo, PartnerEnvironment::Demo),
        (Environment::Test, PartnerEnvironment::TestingOrProduction),
        (Environment::Prod, PartnerEnvironment::TestingOrProduction),
    ] {
        let simulator = Simulator::builder()
            .environment(environment.clone())
            .start()
            .await
            .unwrap();
        let client = sim_client(&simulator, RetryPolicy::none());
        let token = client
            .create_dummy_token(&TokenRequest::new("c"), DummyStatus::Approved)
            .await
            .unwrap_err();
        let manual = client.add_dummy_status(&manual("s")).await.unwrap_err();
        for error in [token, manual] {
            assert!(
                matches!(&error, Error::WrongEnvironment { environment: got, .. } if *got == expected),
                "{environment}: {error:?}"
            );
        }
        let plain = client.create_token(&TokenRequest::new("c")).await;
        assert!(
            plain.is_ok(),
            "{environment}: tokens without dummyStatus work: {plain:?}"
        );
    }
}

#[tokio::test]
async fn an_empty_balance_is_insufficient_funds() {
    let simulator = Simulator::builder().balance(1).start().await.unwrap();
    let client = sim_client(&simulator, quick_retries(3));
    client
        .create_dummy_token(&TokenRequest::new("c"), DummyStatus::Approved)
        .await
        .unwrap();
    let error = client
        .create_token(&TokenRequest::new("c"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InsufficientFunds { message, .. } if message == messages::LACK_OF_FUNDS),
        "{error:?}"
    );
    assert!(!error.is_transient());
}

#[tokio::test]
async fn past_the_rate_limit_requests_are_rate_limited_after_the_allowed_retries() {
    let simulator = Simulator::builder()
        .rate_limit_per_hour(1)
        .start()
        .await
        .unwrap();
    let client = sim_client(&simulator, quick_retries(2));
    let token = client.create_token(&TokenRequest::new("c")).await.unwrap();
    let error = client.status(&token.scan_ref).await.unwrap_err();
    let Error::RateLimited {
        attempts,
        retry_after,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*attempts, 3, "status is retried on 429");
    assert!(!retry_after.is_zero());
    assert!(error.is_transient());

    let error = client
        .create_token(&TokenRequest::new("c"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::RateLimited { attempts: 3, .. }),
        "token creation is retried on 429, which created nothing: {error:?}"
    );
}

#[tokio::test]
async fn invalid_fields_are_an_invalid_request_naming_them() {
    let simulator = Simulator::start().await.unwrap();
    let client = sim_client(&simulator, quick_retries(3));
    let request = TokenRequest {
        country: Some("XX".to_owned()),
        date_of_birth: Some("1990-13-01".to_owned()),
        ..TokenRequest::new("c")
    };
    let error = client.create_token(&request).await.unwrap_err();
    let Error::InvalidRequest {
        status,
        identifier,
        message,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 400);
    assert_eq!(identifier, &Some(ErrorIdentifier::BadValue));
    assert!(
        message.contains("country") && message.contains("dateOfBirth"),
        "{message}"
    );

    let error = client
        .add_dummy_status(&AddDummyStatusRequest {
            manual_face_match_result: FaceStatus::FaceGlared,
            ..manual("s")
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest { message, .. } if message.contains("manualFaceMatchResult")),
        "FACE_GLARED is not a dummy manual value: {error:?}"
    );
}

#[tokio::test]
async fn persistent_server_errors_are_server_errors_after_the_retries() {
    let (_simulator, client) = failing_simulator(10, 500, 2).await;
    let error = client.status("s").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Server {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{error:?}"
    );
}
