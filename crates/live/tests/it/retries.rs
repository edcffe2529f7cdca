//! Retries: which failures are retried for which endpoint, `Retry-After`, and the backoff's
//! bounds. The simulator's fault injection is exercised in `sim_retries`.

use std::time::Duration;

use idenfy_live::{Client, Endpoint, Error, Idempotency, RetryPolicy};
use idenfy_model::{StatusResponse, TokenRequest};
use proptest::prelude::*;

use crate::support::{Answer, RefusedPort, Scripted, any_credentials, client, quick_retries};

const STATUS_BODY: &str = r#"{"scanRef":"s","clientId":"c","status":"APPROVED"}"#;
const TOKEN_BODY: &str = r#"{"authToken":"t","scanRef":"s","clientId":"c"}"#;

/// `status()` against a server scripted with `answers`: its result and the requests sent.
async fn status_against(
    answers: Vec<Answer>,
    retry: RetryPolicy,
) -> (Result<StatusResponse, Error>, usize) {
    let server = Scripted::start(answers).await;
    let result = client(&server.uri(), &any_credentials(), retry)
        .status("s")
        .await;
    (result, server.hits())
}

/// A client of `server` that gives up on an attempt after 200 ms.
fn impatient_client(server: &Scripted) -> Client {
    Client::builder(any_credentials())
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(quick_retries(3))
        .build()
        .unwrap()
}

#[test]
fn only_token_creation_is_connect_only() {
    for endpoint in Endpoint::ALL {
        let expected = if *endpoint == Endpoint::Token {
            Idempotency::ConnectOnly
        } else {
            Idempotency::Repeatable
        };
        assert_eq!(endpoint.idempotency(), expected, "{endpoint:?}");
    }
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_until_success() {
    for failure in [500, 502, 503, 429] {
        let answers = vec![
            Answer::new(failure, "{}"),
            Answer::new(failure, "{}"),
            Answer::new(200, STATUS_BODY),
        ];
        let (status, hits) = status_against(answers, quick_retries(3)).await;
        assert_eq!(status.unwrap().scan_ref, "s");
        assert_eq!(hits, 3, "HTTP {failure}");
    }
}

#[tokio::test]
async fn retries_stop_at_the_policy_limit_and_say_how_many_were_made() {
    let (result, hits) = status_against(vec![Answer::new(503, "{}")], quick_retries(2)).await;
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Server {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(hits, 3);
}

#[tokio::test]
async fn other_client_errors_are_never_retried() {
    for status in [400, 401, 402, 403, 404, 405, 409, 413, 415, 422] {
        let answers = vec![
            Answer::new(status, r#"{"identifier":"BAD_VALUE","message":"no"}"#),
            Answer::new(200, STATUS_BODY),
        ];
        let (result, hits) = status_against(answers, quick_retries(3)).await;
        assert!(result.is_err(), "HTTP {status}");
        assert_eq!(hits, 1, "HTTP {status} was retried");
    }
}

#[tokio::test]
async fn token_creation_is_retried_after_a_rate_limit_refusal() {
    let server = Scripted::start(vec![
        Answer::new(
            429,
            r#"{"identifier":"TOO_MANY_REQUESTS","message":"Requests per hour limit has been reached."}"#,
        ),
        Answer::new(201, TOKEN_BODY),
    ])
    .await;
    let client = client(&server.uri(), &any_credentials(), quick_retries(3));
    client.create_token(&TokenRequest::new("c")).await.unwrap();
    assert_eq!(
        server.hits(),
        2,
        "a 429 created nothing, so the token request is sent again"
    );
}

#[tokio::test]
async fn token_creation_is_not_retried_after_an_answer() {
    for failure in [500, 502, 503] {
        let server = Scripted::start(vec![
            Answer::new(
                failure,
                r#"{"identifier":"INTERNAL_ERROR","message":"oops"}"#,
            ),
            Answer::new(201, TOKEN_BODY),
        ])
        .await;
        let client = client(&server.uri(), &any_credentials(), quick_retries(3));
        let error = client
            .create_token(&TokenRequest::new("c"))
            .await
            .unwrap_err();
        assert!(error.is_transient(), "HTTP {failure}: {error:?}");
        assert_eq!(
            server.hits(),
            1,
            "HTTP {failure}: the token request was repeated"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn token_creation_is_not_retried_after_a_timeout() {
    let server = Scripted::start(vec![
        Answer::new(201, "{}").after(Duration::from_secs(5)),
        Answer::new(201, TOKEN_BODY),
    ])
    .await;
    let error = impatient_client(&server)
        .create_token(&TokenRequest::new("c"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport { attempts: 1, source } if source.is_timeout() && !source.is_connect()),
        "{error:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test(start_paused = true)]
async fn reads_are_retried_after_a_timeout() {
    let server = Scripted::start(vec![
        Answer::new(200, STATUS_BODY).after(Duration::from_secs(5)),
        Answer::new(200, STATUS_BODY),
    ])
    .await;
    let status = impatient_client(&server).status("s").await.unwrap();
    assert_eq!(status.scan_ref, "s");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn connection_failures_are_retried_for_every_endpoint() {
    let refused = RefusedPort::bind();
    let addr = refused.addr();
    let client = client(
        &format!("http://{addr}"),
        &any_credentials(),
        quick_retries(2),
    );
    let error = client
        .create_token(&TokenRequest::new("c"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport { attempts: 3, source } if source.is_connect() && !source.is_timeout()),
        "{error:?}"
    );
    assert!(error.to_string().contains(&addr.to_string()), "{error}");
    assert!(
        error
            .to_string()
            .to_lowercase()
            .contains("connection refused"),
        "the message names the root cause: {error}"
    );
    let error = client.status("s").await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn retry_after_is_honoured_when_short_and_reported_when_long() {
    let answers = vec![
        Answer::new(429, "{}").header("retry-after", "0"),
        Answer::new(200, STATUS_BODY),
    ];
    let (result, hits) = status_against(answers, quick_retries(1)).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(hits, 2);

    let answers = vec![
        Answer::new(429, "{}").header("retry-after", "3600"),
        Answer::new(200, STATUS_BODY),
    ];
    let (result, hits) = status_against(answers, quick_retries(3)).await;
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            Error::RateLimited { retry_after, from_header: true, attempts: 1, .. }
                if retry_after == Duration::from_secs(3600)
        ),
        "{error:?}"
    );
    assert_eq!(hits, 1, "a wait past max_retry_after is not slept through");
}

#[tokio::test]
async fn retry_after_as_an_http_date_in_the_past_means_now() {
    let answers = vec![
        Answer::new(503, "{}").header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        Answer::new(200, STATUS_BODY),
    ];
    let (result, hits) = status_against(answers, quick_retries(1)).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(hits, 2);
}

#[tokio::test]
async fn requests_carry_basic_auth_and_json() {
    let server = Scripted::start(vec![Answer::new(200, STATUS_BODY)]).await;
    let credentials = any_credentials();
    let client = client(&server.uri(), &credentials, RetryPolicy::none());
    client.status("the-scan-ref").await.unwrap();
    let headers = &server.headers()[0];
    assert_eq!(
        headers["authorization"].to_str().unwrap(),
        credentials.authorization_header()
    );
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(server.bodies()[0], br#"{"scanRef":"the-scan-ref"}"#);
}

#[tokio::test(start_paused = true)]
async fn no_retries_means_one_attempt_and_the_default_retries_three_times() {
    for (policy, attempts) in [(RetryPolicy::none(), 1), (RetryPolicy::default(), 4)] {
        let server = Scripted::start(vec![Answer::new(503, "{}")]).await;
        let error = client(&server.uri(), &any_credentials(), policy)
            .status("s")
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Server { status: 503, attempts: made, .. } if made == attempts),
            "{error:?}"
        );
        assert_eq!(server.hits(), attempts as usize);
    }
}

#[test]
fn each_setter_changes_its_own_field_only() {
    let default = RetryPolicy::default();
    let changed = RetryPolicy::default().max_retries(9);
    assert_eq!(changed.max_retries, 9);
    assert_eq!(changed.max_retries(default.max_retries), default);
    let changed = RetryPolicy::default().initial_backoff(Duration::from_millis(7));
    assert_eq!(changed.initial_backoff, Duration::from_millis(7));
    assert_eq!(changed.initial_backoff(default.initial_backoff), default);
    let changed = RetryPolicy::default().max_backoff(Duration::from_millis(8));
    assert_eq!(changed.max_backoff, Duration::from_millis(8));
    assert_eq!(changed.max_backoff(default.max_backoff), default);
    let changed = RetryPolicy::default().max_retry_after(Duration::from_millis(9));
    assert_eq!(changed.max_retry_after, Duration::from_millis(9));
    assert_eq!(changed.max_retry_after(default.max_retry_after), default);
    assert_eq!(RetryPolicy::none(), default.max_retries(0));
}

proptest! {
    #[test]
    fn backoff_doubles_within_its_cap_and_jitters_in_the_upper_half(
        initial_ms in 0u64..2_000,
        max_ms in 0u64..60_000,
        retry in 0u32..40,
    ) {
        let policy = RetryPolicy::default()
            .max_retries(50)
            .initial_backoff(Duration::from_millis(initial_ms))
            .max_backoff(Duration::from_millis(max_ms))
            .max_retry_after(Duration::from_secs(60));
        let ceiling = Duration::from_millis(initial_ms)
            .saturating_mul(2u32.saturating_pow(retry))
            .min(Duration::from_millis(max_ms));
        let wait = policy.backoff(retry);
        prop_assert!(wait <= ceiling, "{wait:?} > {ceiling:?}");
        prop_assert!(wait >= ceiling / 2, "{wait:?} < half of {ceiling:?}");
    }
}
