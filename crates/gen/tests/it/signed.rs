//! Genuine signed webhooks (both styles, bytes re-serializers change) and the forgeries made
//! from them: every genuine one verifies under its key, no forgery does, and each forgery
//! breaks exactly what it says.

use std::collections::HashSet;

use idenfy_gen::verification::arb_webhook_pair;
use idenfy_gen::{ForgeryKind, arb_signed_webhook, forgeries, sample, unusual_bytes};
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{
    BodyStyle, IdentificationWebhook, OverallStatus, SignedWebhook, SigningKey, WebhookEventType,
    verify, verify_webhook,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{check_property, defaults, fully_shrunk};

fn key() -> SigningKey {
    SigningKey::new("gen-signed-key")
}

/// The style `signed`'s body is written in, if it is one of [`BodyStyle::ALL`].
fn style_of(signed: &SignedWebhook) -> Option<BodyStyle> {
    let webhook: IdentificationWebhook = serde_json::from_slice(&signed.body).ok()?;
    BodyStyle::ALL
        .iter()
        .copied()
        .find(|style| style.render(&webhook).unwrap() == signed.body)
}

/// A webhook pair of the test defaults, drawn from `seed`.
fn pair(seed: u64) -> idenfy_gen::WebhookPair {
    sample(&arb_webhook_pair(defaults()), seed, 1).remove(0)
}

#[test]
fn signed_webhooks_are_genuine_in_either_style() {
    check_property(
        "genuine",
        &arb_signed_webhook(key()),
        128,
        |signed: SignedWebhook| {
            let webhook = verify_webhook(&key(), &signed.body, Some(&signed.signature));
            prop_assert!(webhook.is_ok(), "{:?}", webhook.err());
            prop_assert!(style_of(&signed).is_some(), "{signed:?}");
            prop_assert!(matches!(
                signed.event,
                WebhookEventType::IdentificationAutoFinished
                    | WebhookEventType::IdentificationManualFinished
                    | WebhookEventType::IdentificationExpired
            ));
            Ok(())
        },
    );
    let drawn = sample(&arb_signed_webhook(key()), 3, 64);
    let styles: HashSet<_> = drawn.iter().filter_map(style_of).collect();
    assert_eq!(styles.len(), 2, "both styles drawn");
    let events: HashSet<_> = drawn.iter().map(|signed| signed.event.clone()).collect();
    assert!(events.contains(&WebhookEventType::IdentificationManualFinished));
    assert!(events.contains(&WebhookEventType::IdentificationAutoFinished));
}

#[test]
fn signed_webhooks_shrink_to_the_compact_approved_auto_result() {
    let shrunk = fully_shrunk(&arb_signed_webhook(key()), 5);
    assert_eq!(style_of(&shrunk), Some(BodyStyle::Compact));
    assert_eq!(shrunk.event, WebhookEventType::IdentificationAutoFinished);
    let webhook = verify_webhook(&key(), &shrunk.body, Some(&shrunk.signature)).unwrap();
    assert_eq!(webhook.status.overall, OverallStatus::Approved);
}

#[test]
fn unusual_bytes_are_genuine_and_every_reserializer_changes_them() {
    let pair = pair(21);
    let (event, webhook) = pair.auto;
    let signed = unusual_bytes(&key(), event.clone(), &webhook);
    assert_eq!(signed.event, event);
    let parsed = verify_webhook(&key(), &signed.body, Some(&signed.signature)).unwrap();
    let mut expected = webhook.clone();
    expected.client_location = Some("Šilutė, Lithuania".to_owned());
    expected.risk_assessment = Some(serde_json::json!({"riskScore": 1.0, "riskLevel": null}));
    assert_eq!(parsed, expected, "only the location and risk score are set");

    let text = signed.body_text();
    for needle in [
        "\\/",
        "\\u0160ilut",
        "ė",
        "\"riskScore\":1.0",
        "{ \"final\"",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    assert!(text.ends_with("\n}"), "{text}");
    assert!(!text.contains("https://"), "every slash escaped: {text}");

    let value: Value = serde_json::from_slice(&signed.body).unwrap();
    let reserialized = [
        serde_json::to_vec(&value).unwrap(),
        BodyStyle::SpacedAscii.render(&value).unwrap(),
        BodyStyle::Compact.render(&parsed).unwrap(),
        BodyStyle::SpacedAscii.render(&parsed).unwrap(),
    ];
    for bytes in reserialized {
        assert_ne!(bytes, signed.body);
        assert!(verify(&key(), &bytes, &signed.signature).is_err());
    }
}

#[test]
fn no_forgery_verifies_and_each_breaks_what_it_says() {
    let (event, webhook) = pair(8).manual;
    for style in BodyStyle::ALL {
        let signed = SignedWebhook::sign(&key(), event.clone(), &webhook, *style).unwrap();
        let forged = forgeries(&signed);
        let kinds: Vec<ForgeryKind> = forged.iter().map(|forgery| forgery.kind).collect();
        assert_eq!(kinds, ForgeryKind::ALL);
        for forgery in &forged {
            let label = format!("{} ({style})", forgery.name());
            assert_eq!(forgery.event, event, "{label}");
            assert_eq!(forgery.name(), forgery.kind.name());
            assert_eq!(forgery.breaks(), forgery.kind.breaks());
            assert!(
                verify_webhook(&key(), &forgery.body, forgery.signature.as_deref()).is_err(),
                "{label}"
            );
            let mut headers = vec![(EVENT_TYPE_HEADER, event.as_str())];
            headers.extend(
                forgery
                    .signature
                    .as_deref()
                    .map(|sig| (SIGNATURE_HEADER, sig)),
            );
            assert_eq!(forgery.headers(), headers, "{label}");
            assert_eq!(
                forgery.kind.carries_genuine_mac(),
                forgery.kind == ForgeryKind::UppercaseSignature
            );
            let genuine_body = forgery.body == signed.body;
            let genuine_signature = forgery.signature.as_deref() == Some(&*signed.signature);
            match forgery.kind {
                ForgeryKind::TamperedBody => {
                    assert!(genuine_signature, "{label}");
                    let sent: IdentificationWebhook =
                        serde_json::from_slice(&forgery.body).unwrap();
                    let mut restored = sent.clone();
                    restored.status.overall = webhook.status.overall.clone();
                    assert_eq!(restored, webhook, "{label}: only status.overall changed");
                    assert_ne!(sent.status.overall, webhook.status.overall, "{label}");
                    assert_eq!(
                        style.render(&sent).unwrap(),
                        forgery.body,
                        "{label}: same style"
                    );
                }
                ForgeryKind::WrongKey => {
                    assert!(genuine_body, "{label}");
                    let signature = forgery.signature.as_deref().unwrap();
                    assert_eq!(signature.len(), 64);
                    assert_ne!(signature, signed.signature);
                }
                ForgeryKind::NoSignature => {
                    assert!(genuine_body, "{label}");
                    assert_eq!(forgery.signature, None);
                }
                ForgeryKind::UppercaseSignature => {
                    assert!(genuine_body, "{label}");
                    assert_eq!(
                        forgery.signature,
                        Some(signed.signature.to_ascii_uppercase())
                    );
                }
                ForgeryKind::MalformedSignature => {
                    assert!(genuine_body, "{label}");
                    assert_eq!(forgery.signature.as_deref(), Some(&signed.signature[..32]));
                }
                ForgeryKind::ReserializedBody => {
                    assert!(genuine_signature, "{label}");
                    assert_ne!(forgery.body, signed.body, "{label}");
                    assert_eq!(
                        serde_json::from_slice::<Value>(&forgery.body).unwrap(),
                        serde_json::from_slice::<Value>(&signed.body).unwrap(),
                        "{label}: the same JSON value"
                    );
                }
                _ => unreachable!("a forgery this test does not know: {label}"),
            }
        }
    }
}

#[test]
fn tampering_turns_approved_into_denied_and_bodies_without_a_status_still_change() {
    let signed_of = |body: &[u8]| SignedWebhook {
        event: WebhookEventType::DocumentExpiration,
        body: body.to_vec(),
        signature: idenfy_model::sign(&key(), body),
    };
    let check = |body: &str, tampered: &str| {
        let forged = forgeries(&signed_of(body.as_bytes()));
        assert_eq!(
            std::str::from_utf8(&forged[0].body).unwrap(),
            tampered,
            "{body}"
        );
    };
    check(
        r#"{"note": "overall", "status": {"overall" : "APPROVED"}}"#,
        r#"{"note": "overall", "status": {"overall" : "DENIED"}}"#,
    );
    check(
        r#"{"status":{"overall":"SUSPECTED"}}"#,
        r#"{"status":{"overall":"APPROVED"}}"#,
    );
    check(r#"{"scanRef":"s"}"#, r#"{"scanRef":"s"} "#);
    check(r#"{"overall":"A\"B"}"#, r#"{"overall":"A\"B"} "#);
    let not_json = forgeries(&signed_of(b"not json"));
    assert_eq!(not_json[5].kind, ForgeryKind::ReserializedBody);
    assert_eq!(not_json[5].body, b"not json ");
}
