//! `trigger --battery`: an endpoint that checks signatures passes (with a warning for the
//! accepted replay), one that accepts everything fails naming every forgery it accepted, one
//! with the wrong key fails for refusing the valid webhook.

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

#[test]
fn an_endpoint_that_checks_signatures_passes_with_a_replay_warning() {
    let receiver = Receiver::checking_signatures(KEY);
    let out = battery(&receiver, &[]).success();
    for forgery in FORGERIES {
        let row = out
            .stdout
            .lines()
            .find(|line| line.starts_with(forgery))
            .unwrap();
        assert!(row.ends_with("401  PASS"), "{row}");
    }
    let valid = out
        .stdout
        .lines()
        .find(|line| line.starts_with("valid "))
        .unwrap();
    assert!(valid.ends_with("200  PASS"), "{valid}");
    let replay = out
        .stdout
        .lines()
        .find(|line| line.starts_with("replay "))
        .unwrap();
    assert!(replay.ends_with("200  WARNING"), "{replay}");
    assert!(out.stdout.contains("PASSED: "), "{}", out.stdout);
    assert!(
        out.stdout.contains("WARNING: it accepted an exact replay"),
        "{}",
        out.stdout
    );
    out.never_shows(KEY);

    let received = receiver.received();
    assert_eq!(received.len(), 8);
    assert_eq!(
        received[6].body, received[7].body,
        "the replay repeats the valid webhook"
    );
    assert_eq!(
        received[6].header("idenfy-signature"),
        received[7].header("idenfy-signature")
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
    let named = format!(
        "it accepted webhooks it must refuse: {}",
        FORGERIES.join(", ")
    );
    assert!(out.stdout.contains(&named), "{}", out.stdout);
    assert!(out.stdout.contains("FAILED: "), "{}", out.stdout);
    insta::assert_snapshot!(
        "accept_everything_table",
        out.stdout.replace(receiver.url(), "[url]")
    );

    let json = battery(&receiver, &["--json"]);
    assert_eq!(json.code, Some(1));
    let report: Value = serde_json::from_str(json.stdout.trim()).unwrap();
    assert_eq!(report["passed"], false);
    assert_eq!(report["wronglyAccepted"], serde_json::json!(FORGERIES));
    assert_eq!(report["wronglyRefused"], serde_json::json!([]));
    assert_eq!(report["warnings"], serde_json::json!(["replay"]));
    insta::assert_json_snapshot!("accept_everything_json", report, { ".url" => "[url]" });
}

#[test]
fn an_endpoint_with_another_key_fails_for_refusing_the_valid_webhook() {
    let receiver = Receiver::checking_signatures("another-key");
    let out = battery(&receiver, &["--auto", "APPROVED", "--json"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(report["wronglyRefused"], serde_json::json!(["valid"]));
    assert_eq!(report["wronglyAccepted"], serde_json::json!([]));
    assert_eq!(
        report["warnings"],
        serde_json::json!([]),
        "the replay was refused too"
    );
    let text = battery(&receiver, &[]);
    assert!(
        text.stdout
            .contains("it refused the correctly signed webhook"),
        "{}",
        text.stdout
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
