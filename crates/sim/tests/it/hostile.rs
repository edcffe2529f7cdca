//! Hostile input: whatever a client sends (bytes, JSON, wrong types, huge or deeply nested
//! values, invalid UTF-8, content types, methods, paths, `Authorization` headers, raw socket
//! garbage), the answer is the one idenfy-model's parsing and validation decide, every
//! rejection is a 4xx in iDenfy's `{"identifier", "message"}` shape, never a 5xx or a panic,
//! and the simulator still serves a valid request afterwards.
//!
//! Every property runs against its own simulator, through one shared runtime and HTTP client
//! ([`BlockingSimulator`](crate::support::BlockingSimulator), called `Target` here).

mod bodies;
mod fields;
mod headers;
mod json;
mod raw;
mod routes;

use idenfy_model::{
    AddDummyStatusRequest, ApiError, ErrorIdentifier, ScanRefRequest, TokenRequest, Violation,
    parse_body,
};
use idenfy_sim::assumptions::{MAX_BODY_BYTES, VALIDATION_PROFILE};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::support::{Answer, BlockingSimulator as Target};

/// The simulator's routes, each with the method it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// `POST /api/v2/token`.
    Token,
    /// `POST /api/v2/add-dummy-status`.
    AddDummyStatus,
    /// `POST /api/v2/status`.
    Status,
    /// `GET /sim/webhooks`.
    Webhooks,
}

/// The answer a request must get.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    /// HTTP status.
    status: u16,
    /// For a rejection: its identifier and a message fragment it must contain.
    error: Option<(ErrorIdentifier, String)>,
}

impl Route {
    /// Every route.
    const ALL: [Route; 4] = [
        Route::Token,
        Route::AddDummyStatus,
        Route::Status,
        Route::Webhooks,
    ];
    /// The routes that read a JSON body.
    const WITH_BODY: [Route; 3] = [Route::Token, Route::AddDummyStatus, Route::Status];

    fn path(self) -> &'static str {
        match self {
            Route::Token => "/api/v2/token",
            Route::AddDummyStatus => "/api/v2/add-dummy-status",
            Route::Status => "/api/v2/status",
            Route::Webhooks => "/sim/webhooks",
        }
    }

    fn method(self) -> Method {
        match self {
            Route::Webhooks => Method::GET,
            _ => Method::POST,
        }
    }

    /// The route serving `path`, if any.
    fn at(path: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|route| route.path() == path)
    }

    /// The JSON field names of the route's body, from the model type's schema.
    fn fields(self) -> Vec<String> {
        let schema = match self {
            Route::Token => schemars::schema_for!(TokenRequest),
            Route::AddDummyStatus => schemars::schema_for!(AddDummyStatusRequest),
            Route::Status => schemars::schema_for!(ScanRefRequest),
            Route::Webhooks => return Vec::new(),
        };
        serde_json::to_value(schema).unwrap()["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    /// A body the route accepts: 201 for a token, 404 for an unknown `scanRef` otherwise.
    fn valid_body(self) -> Value {
        match self {
            Route::Token => json!({"clientId": "hostile-client"}),
            Route::AddDummyStatus => json!({
                "scanRef": "unknown-scan-ref",
                "manualFaceMatchResult": "FACE_MATCH",
                "manualDocumentValidity": "DOC_VALIDATED",
            }),
            Route::Status => json!({"scanRef": "unknown-scan-ref"}),
            Route::Webhooks => Value::Null,
        }
    }

    /// What `body`, sent here with valid credentials and a JSON content type, must get,
    /// decided by idenfy-model: parse errors as `parse_body` reports them, then the first
    /// violation, then success (201 for a token, 404 for a `scanRef` the simulator never
    /// issued, 200 for the inspection).
    fn expected(self, body: &[u8]) -> Expected {
        if body.len() > MAX_BODY_BYTES {
            return Expected::rejected(413, "REQUEST_TOO_LARGE", "1048576 bytes");
        }
        let outcome = match self {
            // The simulator's profile: plain http to loopback is a valid `callbackUrl` there.
            Route::Token => {
                check::<TokenRequest>(body, |request| request.validate_with(VALIDATION_PROFILE))
                    .map(|()| Expected::ok(201))
            }
            Route::AddDummyStatus => {
                check::<AddDummyStatusRequest>(body, AddDummyStatusRequest::validate)
                    .map(|()| Expected::unknown_scan_ref())
            }
            Route::Status => check::<ScanRefRequest>(body, ScanRefRequest::validate)
                .map(|()| Expected::unknown_scan_ref()),
            Route::Webhooks => Ok(Expected::ok(200)),
        };
        outcome.unwrap_or_else(|error| error)
    }
}

/// Parses and validates `body` as `T`: `Ok` when valid, else the expected 400.
fn check<T: DeserializeOwned>(
    body: &[u8],
    validate: impl Fn(&T) -> Vec<Violation>,
) -> Result<(), Expected> {
    let request = parse_body::<T>(body).map_err(|error| Expected::error((400, error)))?;
    match validate(&request).first() {
        Some(first) => Err(Expected {
            status: 400,
            error: Some((first.rule.identifier(), first.message.clone())),
        }),
        None => Ok(()),
    }
}

impl Expected {
    fn ok(status: u16) -> Self {
        Self {
            status,
            error: None,
        }
    }

    fn error((status, error): (u16, ApiError)) -> Self {
        Self {
            status,
            error: Some((error.identifier, error.message)),
        }
    }

    /// A rejection with a literal status and identifier, and a message fragment.
    fn rejected(status: u16, identifier: &str, fragment: &str) -> Self {
        Self {
            status,
            error: Some((identifier.parse().unwrap(), fragment.to_owned())),
        }
    }

    fn unknown_scan_ref() -> Self {
        Self::rejected(404, "NOT_FOUND", "was not found")
    }

    /// Checks `answer` against this expectation; rejections must have the error shape.
    fn check(&self, answer: &Answer) -> Result<(), TestCaseError> {
        if answer.status != self.status {
            return Err(fail(format!("expected {self:?}, got {answer:?}")));
        }
        if let Some((identifier, fragment)) = &self.error {
            let error = rejection(answer)?;
            if error.identifier != *identifier || !error.message.contains(fragment.as_str()) {
                return Err(fail(format!("expected {self:?}, got {answer:?}")));
            }
        }
        Ok(())
    }
}

/// The answer as iDenfy's error body, after checking it is a 4xx with exactly `identifier`
/// and `message`.
fn rejection(answer: &Answer) -> Result<ApiError, TestCaseError> {
    if !(400..500).contains(&answer.status) {
        return Err(fail(format!("not a 4xx: {answer:?}")));
    }
    if answer.body.as_object().map(serde_json::Map::len) != Some(2) {
        return Err(fail(format!(
            "not an {{identifier, message}} body: {answer:?}"
        )));
    }
    serde_json::from_value(answer.body.clone())
        .map_err(|error| fail(format!("not an ApiError ({error}): {answer:?}")))
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

impl Target {
    /// Sends a request; header values are raw bytes so they may be anything HTTP allows.
    fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&[u8]>,
        authorization: Option<&[u8]>,
        body: Vec<u8>,
    ) -> Answer {
        self.block_on(
            self.api
                .send_raw(method, path, content_type, authorization, body),
        )
    }

    /// Sends `body` to `route` with valid credentials and a JSON content type.
    fn send_body(&self, route: Route, body: Vec<u8>) -> Answer {
        self.send(
            route.method(),
            route.path(),
            Some(b"application/json"),
            Some(self.api.authorization().as_bytes()),
            body,
        )
    }

    /// Sends `body` to `route` and checks the answer against the model's decision.
    fn check_body(&self, route: Route, body: Vec<u8>) -> Result<(), TestCaseError> {
        let expected = route.expected(&body);
        let answer = self.send_body(route, body);
        expected.check(&answer)
    }

    /// Checks that a valid token request still gets 201.
    fn still_serves(&self) -> Result<(), TestCaseError> {
        let body = serde_json::to_vec(&Route::Token.valid_body()).unwrap();
        let answer = self.send_body(Route::Token, body);
        if answer.status == 201 {
            Ok(())
        } else {
            Err(fail(format!("a valid request afterwards got {answer:?}")))
        }
    }
}

/// Runs `property` over `cases` values of `strategy` against one fresh simulator, checking
/// after every case that it still serves a valid request; panics with the shrunk failure.
fn run_property<S: Strategy>(
    cases: u32,
    strategy: S,
    property: impl Fn(&Target, S::Value) -> Result<(), TestCaseError>,
) {
    let target = Target::start();
    let mut runner = TestRunner::new(Config {
        source_file: Some(file!()),
        ..Config::with_cases(cases)
    });
    let result = runner.run(&strategy, |value| {
        property(&target, value)?;
        target.still_serves()
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
