//! Retries against the simulator's fault injection: it fails the first requests with 503 or
//! 429, then succeeds; token creation is only retried when the simulator was not there yet.

use std::time::Duration;

use idenfy_live::{Error, RetryPolicy};
use idenfy_model::{
    AddDummyStatusRequest, ApiCredentials, DocumentStatus, DummyStatus, FaceStatus, TokenRequest,
};
use idenfy_sim::Simulator;

use crate::support::{RefusedPort, client, failing_simulator};

#[tokio::test]
async fn reads_and_manual_results_succeed_after_injected_failures() {
    for failure in [503, 500, 429] {
        let (_simulator, client) = failing_simulator(2, failure, 2).await;
        let error = client.status("unknown").await.unwrap_err();
        assert!(
            matches!(error, Error::NotFound { .. }),
            "HTTP {failure}: after two injected failures the third attempt gets the real answer: {error:?}"
        );

        let (_simulator, client) = failing_simulator(2, failure, 2).await;
        let request = AddDummyStatusRequest {
            scan_ref: "unknown".to_owned(),
            manual_face_match_result: FaceStatus::FaceMatch,
            manual_document_validity: DocumentStatus::DocValidated,
        };
        let error = client.add_dummy_status(&request).await.unwrap_err();
        assert!(
            matches!(error, Error::NotFound { .. }),
            "HTTP {failure}: {error:?}"
        );
    }
}

#[tokio::test]
async fn too_few_retries_report_the_injected_failure() {
    let (_simulator, client) = failing_simulator(2, 429, 1).await;
    let error = client.status("unknown").await.unwrap_err();
    assert!(
        matches!(error, Error::RateLimited { attempts: 2, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn token_creation_is_not_retried_after_an_injected_failure() {
    let (_simulator, client) = failing_simulator(1, 503, 3).await;
    let request = TokenRequest::new("c");
    let error = client
        .create_dummy_token(&request, DummyStatus::Approved)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Server {
                status: 503,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    let token = client
        .create_dummy_token(&request, DummyStatus::Approved)
        .await
        .unwrap();
    assert!(
        !token.scan_ref.is_empty(),
        "the caller decides to try again"
    );
}

#[tokio::test(start_paused = true)]
async fn token_creation_is_retried_until_the_server_is_there() {
    // The port refuses connections until the simulator is there; it is never free meanwhile.
    let port = RefusedPort::bind();
    let addr = port.addr();
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let simulator = Simulator::start().await.unwrap();
        port.forward_to(simulator.addr());
        simulator
    });
    let client = client(
        &format!("http://{addr}"),
        &ApiCredentials::new(idenfy_sim::DEFAULT_API_KEY, idenfy_sim::DEFAULT_API_SECRET),
        // At least 10 ms apart after the first few: a hang guard of many seconds, not a
        // timing assumption.
        RetryPolicy::default()
            .max_retries(3_000)
            .initial_backoff(Duration::from_millis(5))
            .max_backoff(Duration::from_millis(20))
            .max_retry_after(Duration::from_secs(1)),
    );
    let token = client
        .create_dummy_token(&TokenRequest::new("c"), DummyStatus::Approved)
        .await
        .unwrap();
    let simulator = late.await.unwrap();
    assert_eq!(client.status(&token.scan_ref).await.unwrap().client_id, "c");
    drop(simulator);
}
