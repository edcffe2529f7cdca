//! Webhook signatures and secret hygiene.

use idenfy_model::*;

#[test]
fn sign_matches_the_rfc_4231_test_vector() {
    // RFC 4231, test case 2: HMAC-SHA256 with key "Jefe".
    let key = SigningKey::new("Jefe");
    let signature = sign(&key, b"what do ya want for nothing?");
    assert_eq!(
        signature,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        verify(&key, b"what do ya want for nothing?", &signature),
        Ok(())
    );
}

#[test]
fn verify_rejects_tampering_wrong_keys_and_malformed_headers() {
    let key = SigningKey::new("webhook-signing-key");
    let body = br#"{"final":true,"scanRef":"abc"}"#;
    let signature = sign(&key, body);
    assert_eq!(
        verify(&key, br#"{"final":false,"scanRef":"abc"}"#, &signature),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify(&SigningKey::new("other"), body, &signature),
        Err(SignatureError::Mismatch)
    );
    for malformed in [
        String::new(),
        signature.to_uppercase(),
        signature[..63].to_owned(),
        format!("{signature}0"),
        format!("sha256={signature}"),
        "z".repeat(64),
    ] {
        assert!(
            matches!(
                verify(&key, body, &malformed),
                Err(SignatureError::Malformed { .. })
            ),
            "{malformed:?} must be malformed"
        );
    }
}

#[test]
fn secrets_never_show_in_debug_or_display() {
    let key = SigningKey::new("super-secret-signing-key");
    assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    assert_eq!(format!("{key}"), "<redacted>");
    assert_eq!(format!("{key:#?}"), "SigningKey(<redacted>)");
    let credentials = ApiCredentials::new("public-key", "super-secret-api-secret");
    assert_eq!(
        format!("{credentials:?}"),
        r#"ApiCredentials { key: "public-key", secret: "<redacted>" }"#
    );
}

#[test]
fn secrets_are_handed_on_only_when_asked_for() {
    let key = SigningKey::new("super-secret-signing-key");
    assert_eq!(key.expose(), b"super-secret-signing-key");
    assert_eq!(SigningKey::new(vec![0, 159, 255]).expose(), [0, 159, 255]);
    let credentials = ApiCredentials::new("public-key", "super-secret-api-secret");
    assert_eq!(credentials.key(), "public-key");
    assert_eq!(credentials.expose_secret(), "super-secret-api-secret");
}

#[test]
fn basic_auth_header_round_trips_and_rejects_others() {
    let credentials = ApiCredentials::new("key", "secret");
    let header = credentials.authorization_header();
    assert_eq!(header, "Basic a2V5OnNlY3JldA==");
    assert!(credentials.matches_authorization_header(header.as_bytes()));
    assert!(credentials.matches_authorization_header(b"BASIC a2V5OnNlY3JldA=="));
    assert!(credentials.matches_authorization_header(b"basic a2V5OnNlY3JldA=="));
    for wrong in [
        "".as_bytes(),
        b"Basic",
        b"Basic !!!",
        b"Bearer a2V5OnNlY3JldA==",
        b"Basic a2V5Om90aGVy",
    ] {
        assert!(!credentials.matches_authorization_header(wrong));
    }
}
