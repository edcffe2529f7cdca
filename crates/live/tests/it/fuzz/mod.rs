//! `fuzz_endpoint` against receivers with one planted bug each: every bug is found within the
//! default case count and shrunk to a small case, a correct receiver passes several seeds, the
//! same seed and salt send the same bytes, and the replay file reproduces the failure.

mod matrix_to;
mod receivers;

use std::path::PathBuf;

use idenfy_live::probe::{Expectations, Probe};
use idenfy_live::{
    Error, FuzzConfig, FuzzFailure, FuzzReport, Property, ReplayFile, ReplayOptions, fuzz_endpoint,
    replay_file,
};
use idenfy_model::SigningKey;
use idenfy_sim::assumptions::WEBHOOK_DEFAULTS;

use receivers::{Bug, KEY, Running, start};

/// A probe of `receiver` reading `/verification/state` with the receiver's words.
fn probe(receiver: &Running) -> Probe {
    let expect = Expectations::parse(&["APPROVED=verified", "DENIED=rejected"]).unwrap();
    Probe::new(&receiver.probe(), "/verification/state", expect).unwrap()
}

/// A run of `seed` against `receiver`, probed.
fn config(receiver: &Running, seed: u64) -> FuzzConfig {
    let mut config = FuzzConfig::new(
        receiver.webhooks(),
        SigningKey::new(KEY),
        WEBHOOK_DEFAULTS.clone(),
    );
    config.seed = seed;
    config.salt = seed.wrapping_mul(31).wrapping_add(7);
    config.probe = Some(probe(receiver));
    config
}

async fn fuzz(bug: Bug, seed: u64) -> FuzzReport {
    let receiver = start(bug).await;
    fuzz_endpoint(config(&receiver, seed)).await.unwrap()
}

/// The failure of `report`, checked to break `property` with at most `webhooks` webhooks in
/// one verification.
fn minimal(report: &FuzzReport, property: Property, webhooks: usize) -> &FuzzFailure {
    let failure = report.failure.as_ref().expect("the planted bug is found");
    assert_eq!(failure.property, property, "{failure}");
    assert_eq!(failure.verifications, 1, "{failure}");
    assert!(failure.webhooks <= webhooks, "{failure}");
    assert_eq!(failure.steps.len(), failure.webhooks);
    assert!(report.cases_passed < idenfy_live::DEFAULT_CASES);
    failure
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correct_receiver_passes_every_seed() {
    for seed in [1, 2, 3, 4, 5] {
        let report = fuzz(Bug::None, seed).await;
        assert!(report.passed(), "seed {seed}: {}", report.failure.unwrap());
        assert_eq!(report.cases_passed, idenfy_live::DEFAULT_CASES);
        assert!(report.webhooks_sent >= u64::from(idenfy_live::DEFAULT_CASES));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_result_taken_as_final_is_found() {
    let report = fuzz(Bug::AutoTakenAsFinal, 11).await;
    let failure = minimal(&report, Property::Decision, 2);
    assert_eq!(failure.webhooks, 2, "{failure}");
    assert!(failure.steps[0].label.starts_with("auto"), "{failure}");
    assert!(failure.steps[1].label.starts_with("review 1"), "{failure}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_webhook_overwriting_a_final_one_is_found() {
    let report = fuzz(Bug::StaleOverwrites, 12).await;
    let failure = minimal(&report, Property::Decision, 3);
    let last = &failure.steps.last().unwrap().label;
    assert!(
        last.contains("delayed") || last.contains("late retry"),
        "{failure}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_acted_on_twice_is_found() {
    let report = fuzz(Bug::DuplicateActedTwice, 13).await;
    let failure = minimal(&report, Property::Accepted, 2);
    assert_eq!(failure.steps.last().unwrap().status, Some(409), "{failure}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_on_an_unknown_tag_is_found() {
    let report = fuzz(Bug::ServerErrorOnUnknownTag, 14).await;
    let failure = minimal(&report, Property::NoServerError, 1);
    assert!(failure.steps[0].label.contains("unknown"), "{failure}");
    assert_eq!(failure.steps[0].status, Some(500));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_re_serializing_verifier_is_found() {
    let report = fuzz(Bug::ReserializingVerifier, 15).await;
    let failure = minimal(&report, Property::Accepted, 1);
    assert_eq!(failure.steps[0].status, Some(401), "{failure}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignored_manual_reviews_are_found() {
    let report = fuzz(Bug::IgnoresManualReviews, 16).await;
    let failure = minimal(&report, Property::Decision, 2);
    assert!(
        failure
            .steps
            .iter()
            .any(|step| step.label.starts_with("review")),
        "{failure}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inverted_review_rule_breaks_the_metamorphic_relation() {
    let report = fuzz(Bug::InvertedReviewRule, 17).await;
    let failure = report.failure.expect("the planted bug is found");
    assert_eq!(failure.property, Property::Metamorphic, "{failure}");
    // The approving review, then the same verification with a failing value.
    assert_eq!(
        (failure.verifications, failure.webhooks),
        (2, 4),
        "{failure}"
    );
    assert!(
        failure.message.contains("left the system more trusting"),
        "{failure}"
    );
    assert!(
        failure
            .message
            .contains("\"verified\" (APPROVED) after, \"rejected\" (DENIED) before"),
        "{failure}"
    );
    let held: Vec<&str> = failure
        .probes
        .iter()
        .map(|probe| probe.got.as_str())
        .collect();
    assert_eq!(held, ["rejected", "verified"], "{failure}");

    let receiver = start(Bug::InvertedReviewRule).await;
    let mut config = config(&receiver, 17);
    config.metamorphic = false;
    let without = fuzz_endpoint(config).await.unwrap().failure.unwrap();
    assert_eq!(without.property, Property::Decision, "{without}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_and_salt_send_the_same_bytes() {
    let first = fuzz(Bug::StaleOverwrites, 21).await.failure.unwrap().replay;
    let second = fuzz(Bug::StaleOverwrites, 21).await.failure.unwrap().replay;
    assert_eq!(first, second);
    let receiver = start(Bug::StaleOverwrites).await;
    let mut other_salt = config(&receiver, 21);
    other_salt.salt += 1;
    let third = fuzz_endpoint(other_salt)
        .await
        .unwrap()
        .failure
        .unwrap()
        .replay;
    assert_ne!(
        first.verifications[0].scan_ref,
        third.verifications[0].scan_ref
    );
}

/// A fresh path under the system's temporary directory.
fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idenfy-live-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replay_file_reproduces_the_failure() {
    for (bug, seed) in [(Bug::AutoTakenAsFinal, 31), (Bug::DuplicateActedTwice, 32)] {
        let failure = fuzz(bug, seed).await.failure.unwrap();
        let path = temp_file(&format!("{bug:?}.json"));
        failure.replay.write(&path).unwrap();
        assert_eq!(ReplayFile::read(&path).unwrap(), failure.replay);

        let buggy = start(bug).await;
        let options = ReplayOptions::default().probe(Some(probe(&buggy)));
        let replayed = replay_file(&path, &buggy.webhooks(), &options)
            .await
            .unwrap();
        assert!(!replayed.passed(), "{bug:?}: {replayed:?}");
        let statuses: Vec<_> = replayed.steps.iter().map(|step| step.status).collect();
        let original: Vec<_> = failure.steps.iter().map(|step| step.status).collect();
        assert_eq!(statuses, original, "{bug:?}");

        let correct = start(Bug::None).await;
        let options = ReplayOptions::default().probe(Some(probe(&correct)));
        let replayed = replay_file(&path, &correct.webhooks(), &options)
            .await
            .unwrap();
        assert!(replayed.passed(), "{bug:?}: {replayed:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifications_are_registered_at_the_setup_url_first() {
    let receiver = start(Bug::None).await;
    let mut config = config(&receiver, 41);
    config.cases = 5;
    config.setup_url = Some(receiver.setup());
    let report = fuzz_endpoint(config).await.unwrap();
    assert!(report.passed());
    assert_eq!(receiver.setups().len(), receiver.held());
    assert!(receiver.held() >= 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_without_the_pointer_stops_the_run_at_once() {
    let receiver = start(Bug::None).await;
    let mut config = config(&receiver, 51);
    config.probe =
        Some(Probe::new(&receiver.probe(), "/decision", Expectations::default()).unwrap());
    let error = fuzz_endpoint(config).await.unwrap_err();
    assert!(matches!(error, Error::Probe { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("nothing at \"/decision\""), "{message}");
    assert!(receiver.held() <= 3, "sent more than the first case");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_nobody_listens_on_stops_the_run_at_once() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/webhooks", listener.local_addr().unwrap());
    drop(listener);
    let config = FuzzConfig::new(
        closed.parse().unwrap(),
        SigningKey::new(KEY),
        WEBHOOK_DEFAULTS.clone(),
    );
    let error = fuzz_endpoint(config).await.unwrap_err();
    assert!(matches!(error, Error::Unreachable { .. }), "{error}");
}

#[test]
fn words_map_statuses_both_ways_and_pending_only_for_non_final_results() {
    use idenfy_model::OverallStatus;
    use idenfy_model::decision::Decision;
    let expect = Expectations::parse(&["APPROVED=ok", "PENDING=wait", "SUSPECTED=ok"]).unwrap();
    let decision = |overall, is_final| Decision { overall, is_final };
    assert_eq!(expect.word(&decision(OverallStatus::Approved, true)), "ok");
    assert_eq!(
        expect.word(&decision(OverallStatus::Approved, false)),
        "wait"
    );
    assert_eq!(
        expect.word(&decision(OverallStatus::Denied, true)),
        "DENIED"
    );
    assert_eq!(expect.status_of("DENIED"), Some(OverallStatus::Denied));
    // Two statuses read "ok": it stands for neither.
    assert_eq!(expect.status_of("ok"), None);
    assert_eq!(expect.status_of("APPROVED"), None);
    let plain = Expectations::default();
    assert_eq!(
        plain.word(&decision(OverallStatus::Suspected, false)),
        "SUSPECTED"
    );
}

#[tokio::test]
async fn a_probe_nobody_answers_says_why() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let template = format!("http://{}/p/{{scanRef}}", listener.local_addr().unwrap());
    drop(listener);
    let probe = Probe::new(&template, "/status", Expectations::default()).unwrap();
    let error = probe.read(&reqwest_client(), "abc").await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("/p/abc (scanRef abc) gave no value: no answer ("),
        "{message}"
    );
    assert!(message.to_lowercase().contains("refused"), "{message}");
}

/// A plain HTTP client, as the probe's callers build one.
fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[test]
fn malformed_expectations_are_refused_with_the_reason() {
    for (given, reason) in [
        ("APPROVED", "expected STATUS=VALUE"),
        ("APROVED=ok", "not an overall status"),
        ("DENIED=", "no VALUE"),
    ] {
        let error = Expectations::parse(&[given]).unwrap_err();
        assert!(error.to_string().contains(reason), "{given}: {error}");
    }
    let twice = Expectations::parse(&["DENIED=a", "DENIED=b"]).unwrap_err();
    assert!(twice.to_string().contains("mapped twice"), "{twice}");
    assert!(Probe::new("http://127.0.0.1/probe", "/status", Expectations::default()).is_err());
    assert!(
        Probe::new(
            "http://127.0.0.1/{scanRef}",
            "status",
            Expectations::default()
        )
        .is_err()
    );
}
