//! `gen webhook`: the body is the webhook the rules describe, signed on stderr (or with
//! `--headers` first on stdout), the same for the same seed, and never made without a key.

use idenfy_model::rules::{MANUAL_REVIEW_EVENT, auto_result, status_after_manual_review};
use idenfy_model::{
    DocumentStatus, DummyStatus, FaceStatus, IdentificationWebhook, SigningKey, WebhookEventType,
    verify,
};

use crate::support::{Run, run, run_command, testkit};

const KEY: &str = "gen-webhook-key-51d2";

/// The `Idenfy-Signature` and `Idenfy-Event-Type` lines of `text`.
fn headers(text: &str) -> (String, WebhookEventType) {
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in {text:?}"))
            .to_owned()
    };
    (
        value("Idenfy-Signature"),
        WebhookEventType::from_wire(&value("Idenfy-Event-Type")),
    )
}

fn generate(extra: &[&str]) -> Run {
    let mut args = vec!["gen", "webhook", "--signing-key", KEY, "--seed", "21"];
    args.extend(extra);
    run(&args).success()
}

#[test]
fn auto_webhooks_follow_the_rules_and_are_signed_on_stderr() {
    for status in DummyStatus::ACCEPTED {
        let out = generate(&["--auto", status.as_str()]);
        let expected = auto_result(status).unwrap();
        let (signature, event) = headers(&out.stderr);
        assert_eq!(event, expected.event);
        assert_eq!(
            verify(&SigningKey::new(KEY), &out.stdout_bytes, &signature),
            Ok(())
        );
        let webhook: IdentificationWebhook = serde_json::from_slice(&out.stdout_bytes).unwrap();
        assert_eq!(webhook.status, expected.status);
        assert_eq!(webhook.is_final, expected.is_final);
        assert!(
            !out.stdout_bytes.ends_with(b"\n"),
            "stdout is exactly the signed bytes"
        );
        out.never_shows(KEY);
    }
}

#[test]
fn manual_webhooks_follow_the_review_after_the_auto_result() {
    let out = generate(&[
        "--auto",
        "SUSPECTED",
        "--face",
        "FACE_MATCH",
        "--doc",
        "DOC_VALIDATED",
        "--headers",
    ]);
    let (head, body) = out.stdout.split_once("\n\n").unwrap();
    let (signature, event) = headers(head);
    assert_eq!(head.lines().count(), 2, "{head}");
    assert_eq!((event, true), MANUAL_REVIEW_EVENT);
    assert_eq!(
        verify(&SigningKey::new(KEY), body.as_bytes(), &signature),
        Ok(())
    );
    assert_eq!(out.stderr, "", "with --headers everything goes to stdout");
    let webhook: IdentificationWebhook = serde_json::from_str(body).unwrap();
    let auto = auto_result(&DummyStatus::Suspected).unwrap().status;
    assert_eq!(
        webhook.status,
        status_after_manual_review(&auto, &FaceStatus::FaceMatch, &DocumentStatus::DocValidated)
    );
    assert!(webhook.is_final);

    let after_approved = generate(&["--face", "NO_FACE_FOUND", "--doc", "DOC_VALIDATED"]);
    let webhook: IdentificationWebhook =
        serde_json::from_slice(&after_approved.stdout_bytes).unwrap();
    let auto = auto_result(&DummyStatus::Approved).unwrap().status;
    assert_eq!(
        webhook.status,
        status_after_manual_review(
            &auto,
            &FaceStatus::NoFaceFound,
            &DocumentStatus::DocValidated
        ),
        "--face without --auto reviews an APPROVED verification"
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_signature() {
    let first = generate(&["--auto", "DENIED"]);
    let again = generate(&["--auto", "DENIED"]);
    assert_eq!(first.stdout_bytes, again.stdout_bytes);
    assert_eq!(first.stderr, again.stderr);
    let other = run(&[
        "gen",
        "webhook",
        "--signing-key",
        KEY,
        "--seed",
        "22",
        "--auto",
        "DENIED",
    ]);
    assert_ne!(other.success().stdout_bytes, first.stdout_bytes);
}

#[test]
fn the_key_comes_from_the_environment_and_is_required() {
    let from_env = run_command(
        testkit()
            .args(["gen", "webhook", "--auto", "EXPIRED", "--seed", "21"])
            .env("IDENFY_SIGNING_KEY", KEY),
    )
    .success();
    assert_eq!(
        from_env.stdout_bytes,
        generate(&["--auto", "EXPIRED"]).stdout_bytes
    );
    from_env.never_shows(KEY);

    let missing = run(&["gen", "webhook", "--auto", "EXPIRED"]).fails_with(
        2,
        &["missing signing key", "--signing-key", "IDENFY_SIGNING_KEY"],
    );
    assert!(missing.stdout.is_empty());
    run(&["gen", "webhook", "--signing-key", KEY])
        .fails_with(2, &["--auto <STATUS>|--face <FACE>"]);
    run(&[
        "gen",
        "webhook",
        "--signing-key",
        KEY,
        "--face",
        "FACE_MATCH",
    ])
    .fails_with(2, &["--doc <DOC>"]);
    run(&["gen", "webhook", "--signing-key", "", "--auto", "APPROVED"])
        .fails_with(2, &["the signing key is empty"]);
}

#[test]
fn the_body_style_sets_the_bytes_and_the_signature_covers_them() {
    let compact = generate(&["--auto", "DENIED"]);
    let default_style = generate(&["--auto", "DENIED", "--body-style", "compact"]);
    assert_eq!(
        compact.stdout_bytes, default_style.stdout_bytes,
        "compact is the default"
    );
    let spaced = generate(&["--auto", "DENIED", "--body-style", "spaced-ascii"]);
    let (signature, _) = headers(&spaced.stderr);
    assert_eq!(
        verify(&SigningKey::new(KEY), &spaced.stdout_bytes, &signature),
        Ok(())
    );
    let webhook: IdentificationWebhook = serde_json::from_slice(&spaced.stdout_bytes).unwrap();
    let same: IdentificationWebhook = serde_json::from_slice(&compact.stdout_bytes).unwrap();
    assert_eq!(webhook, same, "the same webhook in other bytes");
    assert_eq!(
        spaced.stdout_bytes,
        idenfy_model::BodyStyle::SpacedAscii
            .render(&webhook)
            .unwrap()
    );
    assert!(spaced.stdout_bytes.is_ascii());
    run(&[
        "gen",
        "webhook",
        "--signing-key",
        KEY,
        "--auto",
        "DENIED",
        "--body-style",
        "pretty",
    ])
    .fails_with(2, &["invalid value 'pretty'", "compact", "spaced-ascii"]);
}

#[test]
fn fields_and_the_event_can_be_set() {
    let out = generate(&[
        "--auto",
        "APPROVED",
        "--scan-ref",
        "my-scan-ref",
        "--client-id",
        "user-42",
        "--external-ref",
        "order-9",
        "--event",
        "identification_resubmitted",
    ]);
    let (_, event) = headers(&out.stderr);
    assert_eq!(event, WebhookEventType::IdentificationResubmitted);
    let webhook: IdentificationWebhook = serde_json::from_slice(&out.stdout_bytes).unwrap();
    assert_eq!(webhook.scan_ref, "my-scan-ref");
    assert_eq!(webhook.client_id, "user-42");
    assert_eq!(webhook.external_ref.as_deref(), Some("order-9"));

    let expiration = generate(&["--event", "DOCUMENT_EXPIRATION", "--scan-ref", "s-1"]);
    let (_, event) = headers(&expiration.stderr);
    assert_eq!(event, WebhookEventType::DocumentExpiration);
    let body: idenfy_model::DocumentExpirationWebhook =
        serde_json::from_slice(&expiration.stdout_bytes).unwrap();
    assert_eq!(body.scan_ref, "s-1");
    assert_eq!(
        body.expiration_threshold.as_str(),
        "DOCUMENT_EXPIRES_WITHIN_30_DAYS"
    );
    assert!(!body.document_expiration.is_empty());
}
