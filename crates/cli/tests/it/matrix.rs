//! `matrix`: every triple passes end to end through the embedded simulator; a run against a
//! running `serve` passes with its keys and fails (exit 1) with the wrong signing key; missing
//! credentials or callback URL are explained.

use serde_json::Value;

use crate::support::{Receiver, Served, run, run_command, testkit};

const SECRET: &str = "matrix-secret-91be";
const SIGNING_KEY: &str = "matrix-signing-key-4d20";

fn serve() -> Served {
    Served::start(testkit().args([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--api-key",
        "matrix-key",
        "--api-secret",
        SECRET,
        "--signing-key",
        SIGNING_KEY,
    ]))
}

#[test]
fn every_triple_passes_through_the_embedded_simulator() {
    let out = run(&["matrix", "--json"]).success();
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let total = idenfy_model::matrix().len();
    assert_eq!(report["target"], "embedded simulator");
    assert_eq!(report["total"], total);
    assert_eq!(report["passed"], total);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["outcomes"].as_array().unwrap().len(), total);
    assert!(
        out.stderr
            .contains(&format!("{total}/{total} flows done, 0 failed")),
        "plain progress lines without a terminal: {}",
        out.stderr
    );
}

#[test]
fn filters_narrow_the_run_and_the_table_sums_it_up() {
    let out = run(&[
        "matrix",
        "--auto",
        "expired",
        "--face",
        "FACE_MATCH",
        "--concurrency",
        "4",
    ])
    .success();
    let row = out
        .stdout
        .lines()
        .find(|line| line.starts_with("EXPIRED"))
        .unwrap();
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>()[..4],
        ["EXPIRED", "28", "28", "0"]
    );
    assert!(out.stdout.contains("28 flows in "), "{}", out.stdout);
    assert!(out.stdout.contains("28 passed, 0 failed"), "{}", out.stdout);
    assert!(!out.stdout.contains("APPROVED"), "{}", out.stdout);
}

#[test]
fn a_run_against_serve_passes_with_its_keys_and_fails_with_another_signing_key() {
    let served = serve();
    let narrow = [
        "--auto",
        "DENIED",
        "--face",
        "FACE_MISMATCH",
        "--doc",
        "DOC_FAKE",
    ];
    let passing = run_command(
        testkit()
            .args(["matrix", "--base-url", &served.base, "--json"])
            .args(narrow)
            .env("IDENFY_API_KEY", "matrix-key")
            .env("IDENFY_API_SECRET", SECRET)
            .env("IDENFY_SIGNING_KEY", SIGNING_KEY),
    )
    .success();
    let report: Value = serde_json::from_str(passing.stdout.trim()).unwrap();
    assert_eq!(
        (report["total"].as_u64(), report["passed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(report["target"], format!("{}/", served.base));
    passing.never_shows(SECRET);

    let failing = run_command(
        testkit()
            .args([
                "matrix",
                "--base-url",
                &served.base,
                "--webhook-timeout",
                "2",
            ])
            .args(["--api-key", "matrix-key", "--api-secret", SECRET])
            .args(["--signing-key", "not-the-simulator-s-key"])
            .args(narrow),
    );
    assert_eq!(failing.code, Some(1), "{failing:#?}");
    assert!(
        failing
            .stderr
            .contains("FAILED DENIED/FACE_MISMATCH/DOC_FAKE"),
        "{}",
        failing.stderr
    );
    assert!(
        failing.stdout.contains("0 passed, 1 failed"),
        "{}",
        failing.stdout
    );
    assert!(
        failing.stdout.contains("auto webhook: webhook"),
        "{}",
        failing.stdout
    );
    failing.never_shows(SECRET);
}

#[test]
fn credentials_typed_into_the_base_url_are_never_echoed() {
    let url = format!("https://someone:{SECRET}@ivs.idenfy.example/");
    let out = run_command(testkit().args(["matrix", "--base-url", &url]))
        .fails_with(2, &["--base-url https://redacted@ivs.idenfy.example/"]);
    out.never_shows(SECRET);
}

#[test]
fn missing_credentials_and_callback_url_are_explained() {
    let out = run_command(
        testkit()
            .args(["matrix", "--base-url", "http://127.0.0.1:9/"])
            .env("IDENFY_API_SECRET", SECRET),
    )
    .fails_with(
        2,
        &[
            "needs the API key pair",
            "--api-key (or IDENFY_API_KEY)",
            "--signing-key (or IDENFY_SIGNING_KEY)",
        ],
    );
    assert!(
        !out.stderr.contains("IDENFY_API_SECRET)"),
        "the secret was given: {}",
        out.stderr
    );
    out.never_shows(SECRET);

    let remote = [
        "matrix",
        "--base-url",
        "https://ivs.idenfy.com",
        "--api-key",
        "k",
        "--api-secret",
        SECRET,
    ];
    let mut args = remote.to_vec();
    args.extend(["--signing-key", "w"]);
    run(&args)
        .fails_with(
            2,
            &[
                "must reach this machine",
                "--callback-url (or IDENFY_CALLBACK_URL)",
                "127.0.0.1:8787",
            ],
        )
        .never_shows(SECRET);
    args.extend(["--callback-url", "http://my-laptop.example.com/hook"]);
    run(&args).fails_with(2, &["must be an https:// URL"]);
    run(&[
        "matrix",
        "--base-url",
        "http://api.example.com",
        "--api-key",
        "k",
        "--api-secret",
        "s",
        "--signing-key",
        "w",
    ])
    .fails_with(2, &["--base-url: insecure URL"]);
}

#[test]
fn remote_flags_without_base_url_are_a_wrong_command_line_but_the_same_variables_are_not() {
    run(&["matrix", "--api-key", "k", "--listen", "127.0.0.1:0"]).fails_with(
        2,
        &[
            "--api-key, --listen only apply with --base-url",
            "add --base-url URL",
        ],
    );
    let from_environment = run_command(
        testkit()
            .args(["matrix", "--auto", "APPROVED", "--face", "FACE_MATCH"])
            .args(["--doc", "DOC_VALIDATED"])
            .env("IDENFY_API_KEY", "k")
            .env("IDENFY_SIGNING_KEY", "w"),
    );
    assert_eq!(
        from_environment.code,
        Some(0),
        "{:#?}",
        from_environment.stderr
    );
    assert!(
        from_environment.stdout.contains("1 flow in "),
        "{}",
        from_environment.stdout
    );
}

#[test]
fn forward_to_sends_every_flow_s_webhooks_to_the_endpoint() {
    let endpoint = Receiver::checking_signatures(SIGNING_KEY);
    let triple = [
        "--auto",
        "APPROVED",
        "--face",
        "FACE_MATCH",
        "--doc",
        "DOC_EXPIRED",
    ];
    let mut args = vec![
        "matrix",
        "--forward-to",
        endpoint.url(),
        "--signing-key",
        SIGNING_KEY,
    ];
    args.extend(triple);
    let out = run(&args).success();
    assert!(
        out.stdout
            .contains("forwarded 1 triple to http://127.0.0.1:"),
        "{out:?}"
    );
    assert!(out.stdout.contains(": 0 mishandled"), "{out:?}");
    let received = endpoint.received();
    let events: Vec<_> = received
        .iter()
        .map(|request| request.header("idenfy-event-type"))
        .collect();
    assert_eq!(
        events,
        [
            Some("IDENTIFICATION_AUTO_FINISHED"),
            Some("IDENTIFICATION_MANUAL_FINISHED")
        ]
    );
    assert!(received.iter().all(|request| request.answered == 200));

    let refusing = Receiver::checking_signatures("another-key");
    let mut args = vec![
        "matrix",
        "--forward-to",
        refusing.url(),
        "--signing-key",
        SIGNING_KEY,
        "--json",
    ];
    args.extend(triple);
    let out = run(&args);
    assert_eq!(out.code, Some(1), "{out:?}");
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(report["passed"], 1);
    assert_eq!(
        report["forward"]["mishandled"][0]["expected"],
        "2xx to every webhook"
    );
    let group = &report["forward"]["groups"][0]["description"];
    assert!(
        group
            .as_str()
            .unwrap()
            .starts_with("1 triple(s) after automatic result APPROVED"),
        "{group}"
    );
}

#[test]
fn forward_to_and_probe_flags_are_checked() {
    run(&["matrix", "--forward-to", "http://127.0.0.1:1/hook"])
        .fails_with(2, &["--forward-to needs --signing-key"]);
    run(&[
        "matrix",
        "--forward-to",
        "ftp://x/hook",
        "--signing-key",
        "k",
    ])
    .fails_with(
        2,
        &["--forward-to \"ftp://x/hook\" is not an absolute http"],
    );
    run(&["matrix", "--probe", "http://127.0.0.1:1/{scanRef}"])
        .fails_with(2, &["--probe needs --forward-to"]);
    run(&["matrix", "--expect", "APPROVED=ok"]).fails_with(2, &["--probe"]);
}
