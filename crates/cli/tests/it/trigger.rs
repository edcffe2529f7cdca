//! `trigger`: sends the webhook `gen webhook` makes (in either body style, any documented
//! event, fields set from the command line) or a recorded body byte for byte, with the
//! simulator's headers, to an endpoint, prints its status and time, and fails clearly when the
//! endpoint refuses it or cannot be reached.

use idenfy_model::{BodyStyle, IdentificationWebhook, SigningKey, WebhookEventType, sign, verify};
use serde_json::Value;

use crate::support::{Receiver, Run, TempFile, closed_port_url, run, run_command, testkit};

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
    trigger(&url, KEY, &[]).fails_with(2, &["say which webhook to send", "--body", "--battery"]);
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
    assert_eq!(receiver.received().len(), 0, "nothing was sent");
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
    // SSL_CERT_FILE belongs to the environment: a stale one is a warning, not a refusal.
    assert_eq!(from_variable.code, Some(0), "{}", from_variable.stderr);
    assert!(
        from_variable.stderr.contains("warning: SSL_CERT_FILE=")
            && from_variable.stderr.contains("ignored"),
        "{}",
        from_variable.stderr
    );
    assert_eq!(receiver.received().len(), 1);

    let insecure = trigger(receiver.url(), KEY, &["--auto", "APPROVED", "--insecure"]);
    assert_eq!(insecure.code, Some(0), "{}", insecure.stderr);
    assert!(
        insecure.stderr.contains("WARNING: --insecure"),
        "{}",
        insecure.stderr
    );
    assert_eq!(receiver.received().len(), 2);
}

#[test]
fn a_recorded_body_is_sent_byte_for_byte_signed_with_the_key() {
    let receiver = Receiver::checking_signatures(KEY);
    // Bytes a re-serializer would change: escapes, raw non-ASCII, spacing, a trailing newline.
    let recorded =
        "{ \"scanRef\" : \"rec-1\", \"url\": \"https:\\/\\/x\", \"name\": \"\\u0160il\u{117}\" }\n";
    let file = TempFile::new("recorded.json", recorded.as_bytes());
    let out = trigger(receiver.url(), KEY, &["--body", file.path(), "--json"]).success();
    let received = &receiver.received()[0];
    assert_eq!(
        received.body,
        recorded.as_bytes(),
        "exactly the file's bytes"
    );
    assert_eq!(
        received.header("idenfy-signature"),
        Some(sign(&SigningKey::new(KEY), recorded.as_bytes()).as_str())
    );
    assert_eq!(
        received.header("idenfy-event-type"),
        Some("IDENTIFICATION_AUTO_FINISHED")
    );
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(report["scanRef"], "rec-1");
    assert_eq!(report["event"], "IDENTIFICATION_AUTO_FINISHED");

    let text = trigger(
        receiver.url(),
        KEY,
        &["--body", file.path(), "--event", "IDENTIFICATION_CANCELLED"],
    )
    .success();
    assert!(
        text.stdout.contains(&format!(
            "sent IDENTIFICATION_CANCELLED ({} bytes from {})",
            recorded.len(),
            file.path()
        )),
        "{}",
        text.stdout
    );
    assert_eq!(
        receiver.received()[1].header("idenfy-event-type"),
        Some("IDENTIFICATION_CANCELLED")
    );
}

#[test]
fn a_given_signature_is_sent_as_is_without_a_key() {
    let receiver = Receiver::checking_signatures(KEY);
    let body = b"{\"final\":true}";
    let file = TempFile::new("body.json", body);
    let genuine = sign(&SigningKey::new(KEY), body);
    let out = run(&[
        "trigger",
        "--to",
        receiver.url(),
        "--body",
        file.path(),
        "--signature",
        &genuine,
    ])
    .success();
    assert!(out.stdout.contains("200 OK in "), "{}", out.stdout);
    let forged = "0".repeat(64);
    trigger(
        receiver.url(),
        KEY,
        &["--auto", "APPROVED", "--signature", &forged, "--seed", "3"],
    )
    .fails_with(
        1,
        &["answered 401 Unauthorized to the webhook signed with --signature"],
    );
    let received = receiver.received();
    assert_eq!(received[0].body, body);
    assert_eq!(
        received[0].header("idenfy-signature"),
        Some(genuine.as_str())
    );
    assert_eq!(
        received[1].header("idenfy-signature"),
        Some(forged.as_str())
    );
    let generated = run(&[
        "gen",
        "webhook",
        "--signing-key",
        KEY,
        "--auto",
        "APPROVED",
        "--seed",
        "3",
    ])
    .success();
    assert_eq!(
        received[1].body, generated.stdout_bytes,
        "the generated body"
    );
}

#[test]
fn fields_of_a_generated_body_can_be_set_and_its_style_chosen() {
    let receiver = Receiver::checking_signatures(KEY);
    trigger(
        receiver.url(),
        KEY,
        &[
            "--auto",
            "SUSPECTED",
            "--scan-ref",
            "scan-from-my-db",
            "--client-id",
            "user-42",
            "--external-ref",
            "order-9",
            "--body-style",
            "spaced-ascii",
        ],
    )
    .success();
    let received = &receiver.received()[0];
    let webhook: IdentificationWebhook = serde_json::from_slice(&received.body).unwrap();
    assert_eq!(webhook.scan_ref, "scan-from-my-db");
    assert_eq!(webhook.client_id, "user-42");
    assert_eq!(webhook.external_ref.as_deref(), Some("order-9"));
    assert_eq!(
        received.body,
        BodyStyle::SpacedAscii.render(&webhook).unwrap()
    );
    assert_eq!(
        verify(
            &SigningKey::new(KEY),
            &received.body,
            received.header("idenfy-signature").unwrap()
        ),
        Ok(())
    );
}

#[test]
fn every_documented_event_can_be_sent() {
    let receiver = Receiver::checking_signatures(KEY);
    for event in WebhookEventType::ALL {
        let out = trigger(
            receiver.url(),
            KEY,
            &["--event", event.as_str(), "--seed", "4", "--json"],
        )
        .success();
        let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
        assert_eq!(report["event"], event.as_str());
        let received = receiver.received().pop().unwrap();
        assert_eq!(received.header("idenfy-event-type"), Some(event.as_str()));
        let body: Value = serde_json::from_slice(&received.body).unwrap();
        assert_eq!(report["scanRef"], body["scanRef"]);
        let expiration = *event == WebhookEventType::DocumentExpiration;
        assert_eq!(
            body.get("expirationThreshold").is_some(),
            expiration,
            "{event}"
        );
        assert_eq!(body.get("status").is_some(), !expiration, "{event}");
    }
    assert_eq!(receiver.received().len(), WebhookEventType::ALL.len());
}

#[test]
fn recorded_bodies_and_batteries_refuse_what_does_not_apply() {
    let url = closed_port_url();
    let file = TempFile::new("body.json", b"{}");
    trigger(&url, KEY, &["--body", file.path(), "--auto", "APPROVED"])
        .fails_with(2, &["--body <FILE>", "--auto <STATUS>"]);
    trigger(
        &url,
        KEY,
        &["--body", file.path(), "--body-style", "spaced-ascii"],
    )
    .fails_with(2, &["--body-style"]);
    trigger(&url, KEY, &["--battery", "--body", file.path()]).fails_with(2, &["--body"]);
    trigger(&url, KEY, &["--battery", "--signature", "ab"]).fails_with(2, &["--signature"]);
    trigger(&url, KEY, &["--body", "/nonexistent/recorded.json"])
        .fails_with(1, &["cannot read --body /nonexistent/recorded.json"]);
    run(&["trigger", "--to", &url, "--body", file.path()]).fails_with(2, &["missing signing key"]);
    trigger(&url, KEY, &["--event", "NOT_AN_EVENT"])
        .fails_with(2, &["invalid value 'NOT_AN_EVENT'", "DOCUMENT_EXPIRATION"]);
}
