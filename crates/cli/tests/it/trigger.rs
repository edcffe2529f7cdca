//! `trigger`: sends the webhook `gen webhook` makes, with the simulator's headers, to an
//! endpoint, prints its status and time, and fails clearly when the endpoint refuses it or
//! cannot be reached.

use idenfy_model::{SigningKey, verify};
use serde_json::Value;

use crate::support::{Receiver, Run, closed_port_url, run, run_command, testkit};

const KEY: &str = "trigger-key-3f9a";

/// `trigger --to URL --signing-key KEY` and `extra`.
fn trigger(to: &str, key: &str, extra: &[&str]) -> Run {
    let mut args = vec!["trigger", "--to", to, "--signing-key", key];
    args.extend(extra);
    run(&args)
}

#[test]
fn the_webhook_arrives_as_the_simulator_sends_it() {
    let receiver = Receiver::checking_signatures(KEY);
    let args = [
        "--auto",
        "DENIED",
        "--face",
        "FACE_MATCH",
        "--doc",
        "DOC_VALIDATED",
        "--seed",
        "12",
    ];
    let out = run_command(
        testkit()
            .args(["trigger", "--to", receiver.url()])
            .args(args)
            .env("IDENFY_SIGNING_KEY", KEY),
    )
    .success();
    assert!(
        out.stdout.contains("sent IDENTIFICATION_MANUAL_FINISHED"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("200 OK in "), "{}", out.stdout);
    out.never_shows(KEY);

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.answered, 200);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("idenfy-event-type"),
        Some("IDENTIFICATION_MANUAL_FINISHED")
    );
    let signature = request.header("idenfy-signature").unwrap();
    assert_eq!(
        verify(&SigningKey::new(KEY), &request.body, signature),
        Ok(())
    );
    let mut gen_args = vec!["gen", "webhook", "--signing-key", KEY];
    gen_args.extend(args);
    let generated = run(&gen_args).success();
    assert_eq!(
        request.body, generated.stdout_bytes,
        "the same bytes as gen webhook"
    );
}

#[test]
fn json_output_reports_status_time_and_scan_ref() {
    let receiver = Receiver::checking_signatures(KEY);
    let out = trigger(receiver.url(), KEY, &["--auto", "EXPIRED", "--json"]).success();
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let body: Value = serde_json::from_slice(&receiver.received()[0].body).unwrap();
    assert_eq!(report["status"], 200);
    assert_eq!(report["accepted"], true);
    assert_eq!(report["event"], "IDENTIFICATION_EXPIRED");
    assert_eq!(report["scanRef"], body["scanRef"]);
    assert_eq!(report["url"], receiver.url());
    assert!(report["elapsedMs"].is_u64());
}

#[test]
fn a_refused_webhook_fails_and_says_what_to_check() {
    let receiver = Receiver::checking_signatures("the-endpoint-s-key");
    let out = trigger(receiver.url(), KEY, &["--auto", "APPROVED"]).fails_with(
        1,
        &["the endpoint answered 401 Unauthorized", "signing key"],
    );
    assert!(
        out.stdout.contains("401 Unauthorized in "),
        "{}",
        out.stdout
    );
    out.never_shows(KEY);
}

#[test]
fn an_unreachable_url_a_bad_url_and_a_missing_key_or_choice_are_explained() {
    let url = closed_port_url();
    trigger(&url, KEY, &["--auto", "APPROVED"])
        .fails_with(1, &["cannot connect to", &url, "is the server running"]);
    trigger("localhost:3000/hook", KEY, &["--auto", "APPROVED"])
        .fails_with(2, &["is not an absolute http:// or https:// URL"]);
    run(&["trigger", "--to", &url, "--auto", "APPROVED"])
        .fails_with(2, &["missing signing key", "IDENFY_SIGNING_KEY"]);
    trigger(&url, KEY, &[]).fails_with(2, &["say which webhook to send", "--battery"]);
    trigger(&url, KEY, &["--auto", "PENDING"])
        .fails_with(2, &["invalid value 'PENDING'", "APPROVED"]);
    trigger(&url, KEY, &["--auto", "APPROVED", "--timeout", "0"])
        .fails_with(2, &["invalid value '0' for '--timeout <SECONDS>'", "1.."]);
}

#[test]
fn cacert_and_insecure_are_checked_before_anything_is_sent() {
    let receiver = Receiver::accepting_everything();
    let missing = std::env::temp_dir().join("idenfy-testkit-no-such-ca.pem");
    let missing = missing.to_str().unwrap();
    trigger(
        receiver.url(),
        KEY,
        &["--auto", "APPROVED", "--cacert", missing],
    )
    .fails_with(
        2,
        &[
            "cannot read the certificate file",
            missing,
            "(from --cacert)",
        ],
    );
    let not_pem =
        std::env::temp_dir().join(format!("idenfy-testkit-not-pem-{}", std::process::id()));
    std::fs::write(&not_pem, "hello").unwrap();
    let not_pem = not_pem.to_str().unwrap();
    trigger(
        receiver.url(),
        KEY,
        &["--auto", "APPROVED", "--cacert", not_pem],
    )
    .fails_with(
        2,
        &["holds no PEM certificate", "-----BEGIN CERTIFICATE-----"],
    );
    let from_variable = run_command(
        testkit()
            .args([
                "trigger",
                "--to",
                receiver.url(),
                "--signing-key",
                KEY,
                "--auto",
                "APPROVED",
            ])
            .env("SSL_CERT_FILE", not_pem),
    );
    from_variable.fails_with(2, &["holds no PEM certificate"]);
    assert_eq!(receiver.received().len(), 0, "nothing was sent");

    let insecure = trigger(receiver.url(), KEY, &["--auto", "APPROVED", "--insecure"]);
    assert_eq!(insecure.code, Some(0), "{}", insecure.stderr);
    assert!(
        insecure.stderr.contains("WARNING: --insecure"),
        "{}",
        insecure.stderr
    );
    assert_eq!(receiver.received().len(), 1);
}
