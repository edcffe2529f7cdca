//! Every rejection has iDenfy's `{"identifier", "message"}` shape and a 4xx status: credentials,
//! bodies, validation, unknown paths, wrong methods, large bodies and injected faults.

use idenfy_model::ApiCredentials;
use idenfy_sim::Simulator;
use reqwest::Method;
use serde_json::json;

use crate::support::{Answer, Api, assert_error};

async fn api() -> (Simulator, Api) {
    let simulator = Simulator::start().await.unwrap();
    let api = Api::new(&simulator);
    (simulator, api)
}

async fn post_bytes(api: &Api, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
    api.send(
        Method::POST,
        path,
        content_type,
        Some(api.authorization()),
        body.to_vec(),
    )
    .await
}

#[tokio::test]
async fn wrong_or_missing_credentials_get_401_on_every_route() {
    let (_simulator, api) = api().await;
    let wrong =
        ApiCredentials::new(idenfy_sim::DEFAULT_API_KEY, "wrong-secret").authorization_header();
    let routes = [
        (Method::POST, "/api/v2/token"),
        (Method::POST, "/api/v2/add-dummy-status"),
        (Method::POST, "/api/v2/status"),
        (Method::GET, "/sim/webhooks"),
    ];
    for (method, path) in routes {
        for authorization in [
            None,
            Some(wrong.as_str()),
            Some("Basic !!!"),
            Some("Bearer x"),
        ] {
            let answer = api
                .send(
                    method.clone(),
                    path,
                    Some("application/json"),
                    authorization,
                    b"{}".to_vec(),
                )
                .await;
            assert_error(
                &answer,
                401,
                "UNAUTHORIZED",
                "Invalid authorization credentials",
            );
        }
    }
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_get_400() {
    let (_simulator, api) = api().await;
    let cases: [(&[u8], &str, &str); 4] = [
        (b"{not json", "JSON_ERROR", "not valid JSON"),
        (b"[1, 2]", "JSON_ERROR", "JSON object"),
        (b"", "JSON_ERROR", "not valid JSON"),
        (b"{\"clientId\": \"\xff\xfe\"}", "ENCODING_ERROR", "UTF-8"),
    ];
    for (body, identifier, fragment) in cases {
        let answer = post_bytes(&api, "/api/v2/token", Some("application/json"), body).await;
        assert_error(&answer, 400, identifier, fragment);
    }
}

#[tokio::test]
async fn missing_and_mistyped_fields_name_the_field() {
    let (_simulator, api) = api().await;
    let answer = api.post("/api/v2/token", &json!({})).await;
    assert_error(&answer, 400, "MISSING_VALUE", "clientId");
    let answer = api
        .post(
            "/api/v2/token",
            &json!({"clientId": "c", "expiryTime": "soon"}),
        )
        .await;
    assert_error(&answer, 400, "BAD_VALUE", "expiryTime");
    let answer = api
        .post("/api/v2/add-dummy-status", &json!({"scanRef": "x"}))
        .await;
    assert_error(&answer, 400, "MISSING_VALUE", "manualFaceMatchResult");
    let answer = api.post("/api/v2/status", &json!({"scanRef": 7})).await;
    assert_error(&answer, 400, "BAD_VALUE", "scanRef");
}

#[tokio::test]
async fn validation_errors_name_the_field_and_rule_and_list_every_violation() {
    let (_simulator, api) = api().await;
    let answer = api
        .post("/api/v2/token", &json!({"clientId": "c", "country": "XX"}))
        .await;
    assert_error(
        &answer,
        400,
        "BAD_VALUE",
        "Field 'country' must be a valid ISO 3166-1 alpha-2 code.",
    );
    let answer = api
        .post(
            "/api/v2/token",
            &json!({"clientId": "", "sessionLength": 5, "firstName": "R2D2"}),
        )
        .await;
    assert_error(
        &answer,
        400,
        "MISSING_VALUE",
        "Field 'clientId' is required",
    );
    let message = answer.body["message"].as_str().unwrap();
    assert!(message.contains("'firstName'"), "{message}");
    assert!(message.contains("'sessionLength'"), "{message}");
    let answer = api
        .add_dummy_status("x", "FACE_GLARED", "DOC_VALIDATED")
        .await;
    assert_error(&answer, 400, "BAD_VALUE", "manualFaceMatchResult");
}

#[tokio::test]
async fn bodies_need_a_json_content_type() {
    let (_simulator, api) = api().await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let answer = post_bytes(&api, "/api/v2/token", content_type, br#"{"clientId":"c"}"#).await;
        assert_error(
            &answer,
            415,
            "JSON_ERROR",
            "Content-Type must be application/json",
        );
    }
    for content_type in [
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.api+json",
    ] {
        let answer = post_bytes(
            &api,
            "/api/v2/token",
            Some(content_type),
            br#"{"clientId":"c"}"#,
        )
        .await;
        assert_eq!(answer.status, 201, "{content_type}: {answer:?}");
    }
}

#[tokio::test]
async fn unknown_paths_get_404_without_credentials() {
    let (_simulator, api) = api().await;
    for path in [
        "/",
        "/api/v2/nope",
        "/api/v2/token/",
        "/sim",
        "/api/v3/token",
    ] {
        for authorization in [None, Some(api.authorization())] {
            let answer = api
                .send(
                    Method::POST,
                    path,
                    Some("application/json"),
                    authorization,
                    b"{}".to_vec(),
                )
                .await;
            assert_error(&answer, 404, "NOT_FOUND", path);
        }
    }
}

#[tokio::test]
async fn wrong_methods_get_405() {
    let (_simulator, api) = api().await;
    let cases = [
        (Method::GET, "/api/v2/token"),
        (Method::PUT, "/api/v2/token"),
        (Method::DELETE, "/api/v2/add-dummy-status"),
        (Method::GET, "/api/v2/status"),
        (Method::POST, "/sim/webhooks"),
        (Method::PATCH, "/sim/webhooks"),
    ];
    for (method, path) in cases {
        for authorization in [None, Some(api.authorization())] {
            let answer = api
                .send(method.clone(), path, None, authorization, Vec::new())
                .await;
            assert_error(&answer, 405, "METHOD_NOT_ALLOWED", method.as_str());
        }
    }
}

#[tokio::test]
async fn bodies_over_one_mebibyte_get_413() {
    let (_simulator, api) = api().await;
    let padding = "a".repeat(1024 * 1024);
    let body = format!(r#"{{"clientId": "c", "address": "{padding}"}}"#);
    for path in [
        "/api/v2/token",
        "/api/v2/add-dummy-status",
        "/api/v2/status",
    ] {
        let answer = post_bytes(&api, path, Some("application/json"), body.as_bytes()).await;
        assert_error(&answer, 413, "REQUEST_TOO_LARGE", "1048576 bytes");
    }
    let just_under = format!(r#"{{"clientId": "c", "address": "{}"}}"#, "a".repeat(1000));
    let answer = post_bytes(
        &api,
        "/api/v2/token",
        Some("application/json"),
        just_under.as_bytes(),
    )
    .await;
    assert_error(&answer, 400, "BAD_VALUE", "'address'");
}

#[tokio::test]
async fn injected_faults_answer_first_then_the_api_resumes() {
    let simulator = Simulator::builder()
        .fail_first_requests(2, 503)
        .start()
        .await
        .unwrap();
    let api = Api::new(&simulator);
    for _ in 0..2 {
        let answer = api.post("/api/v2/token", &json!({"clientId": "c"})).await;
        assert_error(&answer, 503, "INTERNAL_ERROR", "503");
    }
    api.token(json!({"clientId": "c"})).await;

    let simulator = Simulator::builder()
        .fail_first_requests(1, 429)
        .start()
        .await
        .unwrap();
    let api = Api::new(&simulator);
    let answer = api.post("/api/v2/token", &json!({"clientId": "c"})).await;
    assert_error(&answer, 429, "TOO_MANY_REQUESTS", "");
    api.token(json!({"clientId": "c"})).await;
}

#[tokio::test]
async fn unsupported_fault_statuses_are_refused_at_start() {
    let error = Simulator::builder()
        .fail_first_requests(1, 404)
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("404"), "{error}");
}

#[tokio::test]
async fn error_bodies_snapshot() {
    let (_simulator, api) = api().await;
    let mut answers = Vec::new();
    let mut record = |case: &str, answer: Answer| {
        answers.push(json!({"case": case, "status": answer.status, "body": answer.body}));
    };
    record(
        "no credentials",
        api.send(
            Method::POST,
            "/api/v2/token",
            Some("application/json"),
            None,
            b"{}".to_vec(),
        )
        .await,
    );
    record(
        "malformed JSON",
        post_bytes(&api, "/api/v2/token", Some("application/json"), b"{").await,
    );
    record(
        "invalid UTF-8",
        post_bytes(&api, "/api/v2/token", Some("application/json"), b"\"\xff\"").await,
    );
    record(
        "missing clientId",
        api.post("/api/v2/token", &json!({})).await,
    );
    record(
        "two violations",
        api.post(
            "/api/v2/token",
            &json!({"clientId": "c", "country": "XX", "sex": "X"}),
        )
        .await,
    );
    record(
        "wrong content type",
        post_bytes(&api, "/api/v2/token", Some("text/plain"), b"{}").await,
    );
    record(
        "unknown path",
        api.post("/api/v2/unknown", &json!({})).await,
    );
    record(
        "wrong method",
        api.send(Method::GET, "/api/v2/token", None, None, Vec::new())
            .await,
    );
    record(
        "unknown scanRef",
        api.status("00000000-0000-0000-0000-000000000000").await,
    );
    let plain = crate::support::scan_ref_of(&api.token(json!({"clientId": "c"})).await);
    let mut not_dummy = api
        .add_dummy_status(&plain, "FACE_MATCH", "DOC_VALIDATED")
        .await;
    not_dummy.body["message"] = json!(
        not_dummy.body["message"]
            .as_str()
            .unwrap()
            .replace(&plain, "[scanRef]")
    );
    record("add-dummy-status without dummyStatus", not_dummy);
    insta::assert_json_snapshot!(answers);
}
