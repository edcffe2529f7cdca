//! The battery against receivers with planted verifier bugs, on several webhooks: one that
//! verifies re-serialized JSON (as `json.dumps(json.loads(body))`, `JSON.stringify` or a
//! `serde_json::Value` round trip do) fails on every seed, one that crashes on forgeries fails
//! with them counted as crashes, one that accepts upper-case hex gets a warning, and a correct
//! one passes every seed.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use idenfy_gen::ForgeryKind;
use idenfy_live::webhook::battery::{Case, Grade, run_battery};
use idenfy_model::signature::SIGNATURE_HEADER;
use idenfy_model::{
    BodyStyle, DummyStatus, IdentificationWebhook, SigningKey, verify, verify_webhook,
};
use serde_json::Value;

use crate::battery::{EVENT, key, sender, url_of, webhook_of};

/// How a planted receiver answers a request: its status code.
type Verifier = fn(&SigningKey, &[u8], Option<&str>) -> u16;

/// 200 when `signature` verifies over `bytes`, else 401.
fn checked(key: &SigningKey, bytes: &[u8], signature: Option<&str>) -> u16 {
    match signature.map(|signature| verify(key, bytes, signature)) {
        Some(Ok(())) => 200,
        _ => 401,
    }
}

/// The correct receiver: verifies the raw bytes, then parses them.
fn correct(key: &SigningKey, body: &[u8], signature: Option<&str>) -> u16 {
    if verify_webhook(key, body, signature).is_ok() {
        200
    } else {
        401
    }
}

/// Verifies `serde_json::to_vec(&serde_json::from_slice::<Value>(body))`.
fn value_round_trip(key: &SigningKey, body: &[u8], signature: Option<&str>) -> u16 {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return 400;
    };
    checked(key, &serde_json::to_vec(&value).unwrap(), signature)
}

/// Verifies `json.dumps(json.loads(body))`: the parsed webhook, keys in its order, in Python's
/// default layout.
fn python_dumps(key: &SigningKey, body: &[u8], signature: Option<&str>) -> u16 {
    let Ok(webhook) = serde_json::from_slice::<IdentificationWebhook>(body) else {
        return 400;
    };
    let rendered = BodyStyle::SpacedAscii.render(&webhook).unwrap();
    checked(key, &rendered, signature)
}

/// Verifies `JSON.stringify(JSON.parse(body))`: works for compact bodies only.
fn compact_only(key: &SigningKey, body: &[u8], signature: Option<&str>) -> u16 {
    let Ok(webhook) = serde_json::from_slice::<IdentificationWebhook>(body) else {
        return 400;
    };
    let rendered = BodyStyle::Compact.render(&webhook).unwrap();
    checked(key, &rendered, signature)
}

/// Verifies the raw bytes, but crashes (500) on anything that does not verify.
fn crashing_on_forgeries(key: &SigningKey, body: &[u8], signature: Option<&str>) -> u16 {
    match correct(key, body, signature) {
        200 => 200,
        _ => 500,
    }
}

/// Verifies the raw bytes, comparing the signature case-insensitively.
fn uppercase_tolerant(key: &SigningKey, body: &[u8], signature: Option<&str>) -> u16 {
    let lower = signature.map(str::to_ascii_lowercase);
    correct(key, body, lower.as_deref())
}

/// Serves `verifier` with the battery's key on `127.0.0.1:0` and grades it with the webhook of
/// `seed`.
async fn grade(verifier: Verifier, seed: u64) -> Grade {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new()
        .fallback(answer)
        .with_state(Arc::new(verifier));
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let auto = if seed.is_multiple_of(2) {
        DummyStatus::Approved
    } else {
        DummyStatus::Denied
    };
    let grade = run_battery(
        &sender(Duration::from_secs(10)),
        &url_of(addr),
        &key(),
        &EVENT,
        &webhook_of(auto, seed),
    )
    .await
    .unwrap();
    server.abort();
    grade
}

async fn answer(
    State(verifier): State<Arc<Verifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    StatusCode::from_u16(verifier(&key(), &body, signature)).unwrap()
}

const SEEDS: [u64; 5] = [0, 1, 7, 42, 1234];

fn names(cases: &[Case]) -> Vec<&'static str> {
    cases.iter().map(|case| case.name()).collect()
}

#[tokio::test]
async fn a_correct_receiver_passes_on_every_seed() {
    for seed in SEEDS {
        let grade = grade(correct, seed).await;
        assert!(grade.passed(), "seed {seed}: {grade:#?}");
        assert_eq!(names(&grade.warnings()), ["replay"], "seed {seed}");
    }
}

#[tokio::test]
async fn receivers_that_verify_reserialized_json_fail_on_every_seed() {
    // (what it does, the receiver, the genuine webhooks it refuses, the forgeries it accepts)
    let expectations: [(&str, Verifier, &[&str], &[&str]); 3] = [
        (
            "serde_json::Value round trip",
            value_round_trip,
            &["valid-compact", "valid-spaced-ascii", "valid-unusual-bytes"],
            &[],
        ),
        (
            "json.dumps(json.loads(body))",
            python_dumps,
            &["valid-compact", "valid-unusual-bytes"],
            &[],
        ),
        (
            "JSON.stringify, compact only",
            compact_only,
            &["valid-spaced-ascii", "valid-unusual-bytes"],
            // Re-serializing the re-serialized forgery gives back the signed bytes.
            &["reserialized-body"],
        ),
    ];
    for (label, verifier, refused, accepted) in expectations {
        for seed in SEEDS {
            let grade = grade(verifier, seed).await;
            assert!(!grade.passed(), "{label}, seed {seed}");
            assert_eq!(
                names(&grade.wrongly_refused()),
                refused,
                "{label}, seed {seed}"
            );
            assert_eq!(
                names(&grade.wrongly_accepted()),
                accepted,
                "{label}, seed {seed}"
            );
        }
    }
}

#[tokio::test]
async fn a_receiver_that_crashes_on_forgeries_fails_with_each_counted_as_a_crash() {
    for seed in SEEDS {
        let grade = grade(crashing_on_forgeries, seed).await;
        assert!(!grade.passed(), "seed {seed}");
        let forgeries: Vec<Case> = ForgeryKind::ALL
            .iter()
            .map(|kind| Case::Forgery(*kind))
            .collect();
        assert_eq!(grade.crashed(), forgeries, "seed {seed}");
        assert_eq!(grade.wrongly_refused(), [], "seed {seed}");
        assert_eq!(grade.wrongly_accepted(), [], "seed {seed}");
        assert_eq!(names(&grade.warnings()), ["replay"], "seed {seed}");
    }
}

#[tokio::test]
async fn a_receiver_that_accepts_upper_case_hex_only_gets_a_warning() {
    for seed in SEEDS {
        let grade = grade(uppercase_tolerant, seed).await;
        assert!(grade.passed(), "seed {seed}: {grade:#?}");
        assert_eq!(
            names(&grade.warnings()),
            ["uppercase-signature", "replay"],
            "seed {seed}"
        );
    }
}
