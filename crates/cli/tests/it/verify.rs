//! `verify`: accepts a `gen webhook` body with its signature, from a file or stdin, and rejects a
//! tampered body, another key or a malformed signature, saying why.

use crate::support::{Run, TempFile, run, run_with_stdin};

const KEY: &str = "verify-key-8e41";

/// A generated body and its signature.
fn signed_body() -> (Vec<u8>, String) {
    let out = run(&[
        "gen",
        "webhook",
        "--auto",
        "APPROVED",
        "--seed",
        "3",
        "--signing-key",
        KEY,
    ])
    .success();
    let signature = out
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("Idenfy-Signature: "))
        .unwrap()
        .to_owned();
    (out.stdout_bytes, signature)
}

fn verify_file(body: &[u8], key: &str, signature: &str) -> Run {
    let file = TempFile::new("body.json", body);
    run(&[
        "verify",
        "--signing-key",
        key,
        "--signature",
        signature,
        file.path(),
    ])
}

#[test]
fn a_generated_body_and_its_signature_are_valid_from_a_file_and_from_stdin() {
    let (body, signature) = signed_body();
    let from_file = verify_file(&body, KEY, &signature).success();
    assert_eq!(from_file.stdout, "valid\n");
    from_file.never_shows(KEY);
    let from_stdin = run_with_stdin(
        &[
            "verify",
            "--signing-key",
            KEY,
            "--signature",
            &signature,
            "-",
        ],
        &body,
    );
    assert_eq!(from_stdin.success().stdout, "valid\n");
}

#[test]
fn a_tampered_body_or_another_key_is_a_mismatch() {
    let (body, signature) = signed_body();
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replacen("APPROVED", "DENIED_", 1);
    assert_ne!(tampered.as_bytes(), body);
    let out = verify_file(tampered.as_bytes(), KEY, &signature).fails_with(
        1,
        &[
            "invalid: signature does not match the body",
            "raw request body",
        ],
    );
    assert!(out.stdout.is_empty());
    verify_file(&body, "another-key", &signature).fails_with(1, &["does not match"]);
    let mut with_newline = body.clone();
    with_newline.push(b'\n');
    verify_file(&with_newline, KEY, &signature)
        .fails_with(1, &["does not match", "without its trailing newline"]);
}

#[test]
fn a_malformed_signature_is_named_as_such() {
    let (body, signature) = signed_body();
    verify_file(&body, KEY, &signature.to_uppercase())
        .fails_with(1, &["invalid: malformed signature", "upper-case"]);
    verify_file(&body, KEY, &signature[..10])
        .fails_with(1, &["malformed signature", "got 10 characters"]);
    verify_file(&body, KEY, &format!(" {signature}")).fails_with(1, &["surrounding whitespace"]);
}

#[test]
fn a_missing_key_or_file_is_explained() {
    let (body, signature) = signed_body();
    let file = TempFile::new("body.json", &body);
    run(&["verify", "--signature", &signature, file.path()])
        .fails_with(2, &["missing signing key", "IDENFY_SIGNING_KEY"]);
    run(&[
        "verify",
        "--signing-key",
        KEY,
        "--signature",
        &signature,
        "/nonexistent/body.json",
    ])
    .fails_with(1, &["cannot read the body from /nonexistent/body.json"]);
    run(&["verify", "--signing-key", KEY, file.path()]).fails_with(2, &["--signature <SIGNATURE>"]);
}
