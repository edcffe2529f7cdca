//! The checked-in fixtures: fresh, reproducible, parseable into the model, and signed correctly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use idenfy_model::{
    AddDummyStatusRequest, ApiError, IdentificationWebhook, SigningKey, TokenRequest,
    TokenResponse, verify,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use xtask::files::{Mode, sync};
use xtask::fixtures::{TEST_SIGNING_KEY, fixtures_dir, generate};

#[tokio::test(flavor = "multi_thread")]
async fn fixtures_are_up_to_date_and_reproducible() {
    let first = generate().await.unwrap();
    let report = sync(&fixtures_dir(), &first, Mode::Check).unwrap();
    assert!(
        report.is_clean(),
        "fixtures are stale (differ: {:?}, orphans: {:?}): run `cargo xtask fixtures` and commit the result",
        report.changed,
        report.orphans
    );
    let second = generate().await.unwrap();
    assert!(first == second, "two generations differ");
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Parses `value` as `T` and asserts it serializes back to the same JSON value.
fn round_trips<T: DeserializeOwned + serde::Serialize>(path: &Path, value: &Value) -> T {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("{} does not parse: {error}", path.display()));
    assert_eq!(
        &serde_json::to_value(&typed).unwrap(),
        value,
        "{} round trip",
        path.display()
    );
    typed
}

#[test]
fn token_requests_are_valid_and_round_trip() {
    insta::glob!("../../../fixtures", "token-requests/*.json", |path| {
        let request: TokenRequest = round_trips(path, &read(path));
        assert_eq!(request.validate(), vec![], "{}", path.display());
    });
}

#[test]
fn token_responses_round_trip_and_echo_their_request() {
    insta::glob!("../../../fixtures", "token-responses/*.json", |path| {
        let response: TokenResponse = round_trips(path, &read(path));
        let request_path = fixtures_dir()
            .join("token-requests")
            .join(path.file_name().unwrap());
        let request: TokenRequest = serde_json::from_value(read(&request_path)).unwrap();
        assert_eq!(response.request.client_id, request.client_id);
        assert_eq!(response.request.external_ref, request.external_ref);
        assert_eq!(response.auth_token.len(), 40);
    });
}

#[test]
fn add_dummy_status_requests_are_valid_and_round_trip() {
    insta::glob!("../../../fixtures", "add-dummy-status/*.json", |path| {
        let request: AddDummyStatusRequest = round_trips(path, &read(path));
        assert_eq!(request.validate(), vec![], "{}", path.display());
    });
}

#[test]
fn every_webhook_parses_round_trips_and_verifies() {
    let webhooks = fixtures_dir().join("webhooks");
    let signatures: BTreeMap<String, Value> =
        serde_json::from_value(read(&webhooks.join("signatures.json"))).unwrap();
    let key = SigningKey::new(TEST_SIGNING_KEY);
    let mut seen = BTreeSet::new();
    insta::glob!("../../../fixtures", "webhooks/*/*.json", |path| {
        let raw = std::fs::read(path).unwrap();
        let value: Value = serde_json::from_slice(&raw).unwrap();
        let _: IdentificationWebhook = round_trips(path, &value);
        let name = path
            .strip_prefix(&webhooks)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let entry = &signatures[&name];
        let signature = entry["signature"].as_str().unwrap();
        assert_eq!(verify(&key, &raw, signature), Ok(()), "{name}");
        let mut tampered = raw.clone();
        tampered[raw.len() / 2] ^= 1;
        assert!(
            verify(&key, &tampered, signature).is_err(),
            "{name} tampered"
        );
        seen.insert(name);
    });
    assert_eq!(
        seen,
        signatures.keys().cloned().collect(),
        "signatures.json lists exactly the webhook files"
    );
}

#[test]
fn error_and_invalid_fixtures_carry_idenfy_error_bodies() {
    for folder in ["errors", "invalid"] {
        insta::glob!("../../../fixtures", &format!("{folder}/*.json"), |path| {
            let fixture = read(path);
            let status = fixture["status"].as_u64().unwrap();
            assert!(
                (400..500).contains(&status),
                "{} status {status}",
                path.display()
            );
            let _: ApiError = round_trips(path, &fixture["body"]);
        });
    }
}

#[test]
fn summary_of_every_kind() {
    let root = fixtures_dir();
    let mut summary: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
    insta::glob!("../../../fixtures", "**/*.json", |path| {
        let relative = path.strip_prefix(&root).unwrap();
        let kind = relative
            .parent()
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let entry = summary.entry(kind).or_default();
        entry.0 += 1;
        // signatures.json is keyed by file name: its count says enough.
        if let (Value::Object(map), false) = (read(path), relative.ends_with("signatures.json")) {
            entry.1.extend(map.keys().cloned());
        }
    });
    let summary: BTreeMap<String, Value> = summary
        .into_iter()
        .map(|(kind, (files, keys))| {
            (
                kind,
                serde_json::json!({"files": files, "topLevelKeys": keys}),
            )
        })
        .collect();
    insta::assert_json_snapshot!("fixture-summary", summary);
}

#[test]
fn index_lists_every_file_and_each_webhook_reaches_its_expected_outcome() {
    let root = fixtures_dir();
    let index: Vec<Value> = serde_json::from_value(read(&root.join("index.json"))).unwrap();
    let signatures = read(&root.join("webhooks/signatures.json"));
    let listed: BTreeSet<String> = index
        .iter()
        .map(|entry| entry["path"].as_str().unwrap().to_owned())
        .collect();
    let mut on_disk = BTreeSet::new();
    insta::glob!("../../../fixtures", "**/*.json", |path| {
        let relative = path.strip_prefix(&root).unwrap();
        on_disk.insert(relative.to_string_lossy().replace('\\', "/"));
    });
    on_disk.remove("index.json");
    assert_eq!(
        listed, on_disk,
        "index.json lists exactly the fixture files"
    );

    let mut chains: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for entry in index.iter().filter(|entry| entry["kind"] == "webhook") {
        let path = entry["path"].as_str().unwrap();
        let body = read(&root.join(path));
        let expected = &entry["expected"];
        let event = &signatures[path.strip_prefix("webhooks/").unwrap()]["eventType"];
        assert_eq!(event, &expected["event"], "{path}");
        assert_eq!(body["final"], expected["final"], "{path}");
        assert_eq!(body["status"]["overall"], expected["overall"], "{path}");
        if let Some(chain) = entry["case"]["chain"].as_str() {
            chains.entry(chain.to_owned()).or_default().push(body);
        }
    }
    assert!(!chains.is_empty());
    for (chain, bodies) in chains {
        let [auto, manual] = bodies.as_slice() else {
            panic!("chain {chain} has {} webhooks, not 2", bodies.len())
        };
        assert_eq!(auto["scanRef"], manual["scanRef"], "{chain}");
        assert_eq!(auto["clientId"], manual["clientId"], "{chain}");
        assert_eq!(
            auto["data"]["docFirstName"], manual["data"]["docFirstName"],
            "{chain}"
        );
    }
}
