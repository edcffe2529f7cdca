//! `trigger --battery`: an endpoint that checks signatures passes (with a warning for the
//! accepted replay), one that accepts everything fails naming every forgery it accepted (the
//! upper-case signature only warned about), one with the wrong key fails for refusing the
//! genuine webhooks, one that crashes on forgeries fails with the crash hint, and redirects
//! and 404s get hints of their own.

use serde_json::Value;

use crate::support::{Receiver, Run, closed_port_url, run};

const KEY: &str = "battery-key-77c0";

/// The six forgeries, in the order the battery sends them.
const FORGERIES: [&str; 6] = [
    "tampered-body",
    "wrong-key",
    "no-signature",
    "uppercase-signature",
    "malformed-signature",
    "reserialized-body",
];

/// The genuine webhooks, sent after the forgeries.
const GENUINE: [&str; 3] = ["valid-compact", "valid-spaced-ascii", "valid-unusual-bytes"];

fn battery(receiver: &Receiver, extra: &[&str]) -> Run {
    let mut args = vec![
        "trigger",
        "--to",
        receiver.url(),
        "--signing-key",
        KEY,
        "--battery",
        "--seed",
        "5",
    ];
    args.extend(extra);
    run(&args)
}

/// The table row of `case`.
fn row<'a>(out: &'a Run, case: &str) -> &'a str {
    out.stdout
        .lines()
        .find(|line| line.starts_with(&format!("{case} ")))
        .unwrap_or_else(|| panic!("no row {case}: {}", out.stdout))
}

#[test]
fn an_endpoint_that_checks_signatures_passes_with_a_replay_warning() {
    let receiver = Receiver::checking_signatures(KEY);
    let out = battery(&receiver, &[]).success();
    for forgery in FORGERIES {
        assert!(row(&out, forgery).ends_with("401  PASS"), "{out:#?}");
    }
    for genuine in GENUINE {
        assert!(row(&out, genuine).ends_with("200  PASS"), "{out:#?}");
    }
    assert!(row(&out, "replay").ends_with("200  WARNING"), "{out:#?}");
    assert!(out.stdout.contains("PASSED: "), "{}", out.stdout);
    assert!(
        out.stdout.contains("WARNING: it accepted an exact replay"),
        "{}",
        out.stdout
    );
    out.never_shows(KEY);

    let received = receiver.received();
    assert_eq!(received.len(), 10);
    assert_eq!(
        received[6].body, received[9].body,
        "the replay repeats the compact webhook"
    );
    assert_eq!(
        received[6].header("idenfy-signature"),
        received[9].header("idenfy-signature")
    );
    for forgery in &received[..6] {
        assert_eq!(forgery.answered, 401);
        assert_eq!(
            forgery.header("idenfy-event-type"),
            received[6].header("idenfy-event-type")
        );
    }
    assert_eq!(received[2].header("idenfy-signature"), None, "no-signature");
}

#[test]
fn an_endpoint_that_accepts_everything_fails_naming_each_forgery() {
    let receiver = Receiver::accepting_everything();
    let out = battery(&receiver, &[]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let unsafe_forgeries: Vec<&str> = FORGERIES
        .into_iter()
        .filter(|name| *name != "uppercase-signature")
        .collect();
    let named = format!(
        "it accepted webhooks it must refuse: {}",
        unsafe_forgeries.join(", ")
    );
    assert!(out.stdout.contains(&named), "{}", out.stdout);
    assert!(out.stdout.contains("FAILED: "), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("WARNING: it accepted the signature in upper-case hex"),
        "{}",
        out.stdout
    );
    assert!(
        row(&out, "uppercase-signature").ends_with("200  WARNING"),
        "{out:#?}"
    );
    insta::assert_snapshot!(
        "accept_everything_table",
        out.stdout.replace(receiver.url(), "[url]")
    );

    let json = battery(&receiver, &["--json"]);
    assert_eq!(json.code, Some(1));
    let report: Value = serde_json::from_str(json.stdout.trim()).unwrap();
    assert_eq!(report["passed"], false);
    assert_eq!(
        report["wronglyAccepted"],
        serde_json::json!(unsafe_forgeries)
    );
    assert_eq!(report["wronglyRefused"], serde_json::json!([]));
    assert_eq!(report["crashed"], serde_json::json!([]));
    assert_eq!(
        report["warnings"],
        serde_json::json!(["uppercase-signature", "replay"])
    );
    insta::assert_json_snapshot!("accept_everything_json", report, { ".url" => "[url]" });
}

#[test]
fn an_endpoint_with_another_key_fails_for_refusing_the_genuine_webhooks() {
    let receiver = Receiver::checking_signatures("another-key");
    let out = battery(&receiver, &["--auto", "APPROVED", "--json"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(report["wronglyRefused"], serde_json::json!(GENUINE));
    assert_eq!(report["wronglyAccepted"], serde_json::json!([]));
    assert_eq!(
        report["warnings"],
        serde_json::json!([]),
        "the replay was refused too"
    );
    let text = battery(&receiver, &[]);
    assert!(
        text.stdout
            .contains("it refused every correctly signed webhook: check that it verifies"),
        "{}",
        text.stdout
    );
}

#[test]
fn an_endpoint_that_verifies_reserialized_json_fails_on_the_other_styles() {
    let receiver = Receiver::compact_only(KEY);
    for seed in ["1", "2", "3"] {
        let out = run(&[
            "trigger",
            "--to",
            receiver.url(),
            "--signing-key",
            KEY,
            "--battery",
            "--seed",
            seed,
        ]);
        assert_eq!(out.code, Some(1), "seed {seed}: {out:#?}");
        assert!(
            out.stdout.contains(
                "it refused correctly signed webhooks (valid-spaced-ascii, \
                 valid-unusual-bytes) while accepting others (valid-compact)"
            ),
            "seed {seed}: {}",
            out.stdout
        );
        assert!(
            out.stdout
                .contains("compute the HMAC over the raw request body")
        );
    }
}

#[test]
fn an_endpoint_that_crashes_on_forgeries_fails_with_the_crash_hint() {
    let receiver = Receiver::crashing_on_forgeries(KEY);
    let out = battery(&receiver, &[]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    for forgery in FORGERIES {
        assert!(row(&out, forgery).ends_with("500  FAIL"), "{out:#?}");
    }
    let named = format!(
        "it crashed (5xx) on webhooks it must refuse: {}",
        FORGERIES.join(", ")
    );
    assert!(out.stdout.contains(&named), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("a crash is not a refusal: iDenfy retries 5xx answers"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("it accepted webhooks it must refuse"));
    let json = battery(&receiver, &["--json"]);
    let report: Value = serde_json::from_str(json.stdout.trim()).unwrap();
    assert_eq!(report["crashed"], serde_json::json!(FORGERIES));
    assert_eq!(report["wronglyRefused"], serde_json::json!([]));
}

#[test]
fn redirects_show_their_location_and_404s_the_path_hint() {
    let redirecting = Receiver::always(308, Some("https://app.example.test/webhooks/idenfy/"));
    let out = battery(&redirecting, &[]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(
        out.stdout.contains(
            "it answered a redirect (308) to Location: https://app.example.test/webhooks/idenfy/"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("iDenfy does not follow redirects"));
    let json = battery(&redirecting, &["--json"]);
    let report: Value = serde_json::from_str(json.stdout.trim()).unwrap();
    assert_eq!(
        report["cases"][6]["location"],
        "https://app.example.test/webhooks/idenfy/"
    );
    assert_eq!(report["wronglyRefused"], serde_json::json!(GENUINE));

    assert_failing_with_hint(
        &battery(&Receiver::always(404, None), &[]),
        "it answered 404 Not Found to a genuine webhook: check the path of --to",
        "redirect",
    );
}

#[test]
fn a_genuine_webhook_answered_5xx_is_a_crash_not_a_key_problem() {
    assert_failing_with_hint(
        &battery(&Receiver::always(503, None), &[]),
        "it answered 503 to a genuine webhook: its handler fails on a valid webhook",
        "same signing key",
    );
}

#[test]
fn an_unreachable_endpoint_is_explained() {
    let url = closed_port_url();
    run(&["trigger", "--to", &url, "--signing-key", KEY, "--battery"]).fails_with(
        1,
        &[
            "the battery's first webhook got no answer",
            "cannot connect to",
            &url,
        ],
    );
}

#[test]
fn a_genuine_webhook_left_unanswered_gets_its_own_hint() {
    // Answers the first request 401, then closes every later connection unanswered.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut first = true;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            if std::mem::take(&mut first) {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n")
                    && std::io::Read::read(&mut stream, &mut byte).unwrap_or(0) == 1
                {
                    head.push(byte[0]);
                }
                let _ = std::io::Write::write_all(
                    &mut stream,
                    b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        }
    });
    assert_failing_with_hint(
        &run(&["trigger", "--to", &url, "--signing-key", KEY, "--battery"]),
        "it gave no answer to a genuine webhook",
        "same signing key",
    );
}

/// The battery failed (exit 1) with `hint` and without `not`, another hint's words.
fn assert_failing_with_hint(out: &Run, hint: &str, not: &str) {
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(out.stdout.contains(hint), "{}", out.stdout);
    assert!(!out.stdout.contains(not), "{}", out.stdout);
}
