//! `fuzz` and `replay`: exit codes, the minimal case printed and written, the replay file
//! resent byte for byte, the `--json` shape, and clear messages for bad input.

use serde_json::Value;

use crate::support::{Receiver, Run, TempDir, TempFile, closed_port_url, run};

const KEY: &str = "fuzz-cli-key-7d1c";

/// `fuzz --to URL --signing-key KEY` and `extra`.
fn fuzz(to: &str, extra: &[&str]) -> Run {
    let mut args = vec!["fuzz", "--to", to, "--signing-key", KEY];
    args.extend(extra);
    run(&args)
}

#[test]
fn an_endpoint_taking_every_genuine_webhook_passes() {
    let receiver = Receiver::checking_signatures(KEY);
    let out = fuzz(receiver.url(), &["--cases", "5", "--seed", "3"]).success();
    assert!(out.stdout.starts_with("all 5 cases passed ("), "{out:?}");
    assert!(out.stdout.contains("seed 3)"), "{out:?}");
    assert!(out.stderr.contains("5/5 cases passed"), "{out:?}");
    out.never_shows(KEY);
    let received = receiver.received();
    assert!(received.len() >= 5);
    assert!(received.iter().all(|request| request.answered == 200));
}

#[test]
fn a_failure_is_shrunk_printed_written_and_replayed() {
    let refusing = Receiver::checking_signatures("another-key");
    let dir = TempDir::new();
    let out_dir = dir.path().to_str().unwrap();
    let out = fuzz(refusing.url(), &["--seed", "4", "--out", out_dir]).fails_with(1, &[]);
    for needle in [
        "property broken: every genuine webhook is answered 2xx",
        "minimal case (1 verification, 1 webhook;",
        "auto APPROVED  -> 401",
        "seed 4 (pass --seed 4 to repeat)",
        "replay file: ",
    ] {
        assert!(out.stdout.contains(needle), "{needle:?} not in {out:?}");
    }
    assert!(
        out.stderr.contains("a case failed; shrinking it"),
        "{out:?}"
    );
    out.never_shows(KEY);
    let file = dir.path().join("idenfy-fuzz-seed4.json");
    let replay: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(replay["format"], "idenfy-testkit-replay");
    assert_eq!(replay["steps"].as_array().unwrap().len(), 1);
    let sent = &replay["steps"][0];

    let correct = Receiver::checking_signatures(KEY);
    let file = file.to_str().unwrap();
    let replayed = run(&["replay", file, "--to", correct.url()]).success();
    assert!(replayed.stdout.ends_with("passed\n"), "{replayed:?}");
    let received = correct.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, sent["body"].as_str().unwrap().as_bytes());
    assert_eq!(
        received[0].header("idenfy-signature"),
        sent["signature"].as_str()
    );
    assert_eq!(
        received[0].header("idenfy-event-type"),
        sent["event"].as_str()
    );

    let replayed = run(&["replay", file, "--to", refusing.url()]).fails_with(1, &[]);
    for needle in ["-> 401 (expected 2xx)", "FAILED: step 1"] {
        assert!(
            replayed.stdout.contains(needle),
            "{needle:?} not in {replayed:?}"
        );
    }
}

#[test]
fn the_json_report_has_the_failure_and_its_replay() {
    let refusing = Receiver::checking_signatures("another-key");
    let out = fuzz(refusing.url(), &["--seed", "5", "--salt", "1", "--json"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    let report: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    insta::assert_json_snapshot!("failure_json", report, {
        ".to" => "[url]",
        ".failure.replay.steps[].body" => "[body]",
        ".failure.replay.steps[].signature" => "[signature]",
        ".failure.steps[].bodyExcerpt" => "[answer]",
    });
}

#[test]
fn bad_input_gets_a_clear_message() {
    let receiver = Receiver::checking_signatures(KEY);
    fuzz(&closed_port_url(), &[]).fails_with(
        1,
        &["cannot reach http://127.0.0.1:", "is the server running"],
    );
    fuzz(
        receiver.url(),
        &[
            "--probe",
            "http://127.0.0.1:1/{scanRef}",
            "--expect",
            "APPROVED",
        ],
    )
    .fails_with(2, &["expected STATUS=VALUE"]);
    fuzz(
        receiver.url(),
        &["--probe", "http://127.0.0.1:1/p", "--expect", "APPROVED=ok"],
    )
    .fails_with(2, &["must hold {scanRef}"]);
    fuzz(receiver.url(), &["--expect", "APPROVED=ok"]).fails_with(2, &["--probe"]);
    fuzz(receiver.url(), &["--metamorphic"]).fails_with(2, &["--metamorphic needs --probe"]);
    fuzz(receiver.url(), &["--cases", "0"]).fails_with(2, &["--cases"]);
    fuzz(receiver.url(), &["--timeout", "0"]).fails_with(2, &["--timeout <SECONDS>"]);
    let missing_ca = std::env::temp_dir().join("idenfy-testkit-fuzz-no-such-ca.pem");
    fuzz(receiver.url(), &["--cacert", missing_ca.to_str().unwrap()])
        .fails_with(2, &["cannot read the certificate file", "(from --cacert)"]);
    let probe = format!("{}/{{scanRef}}", receiver.url());
    fuzz(receiver.url(), &["--probe", &probe])
        .fails_with(1, &["is not JSON", "the probe must answer JSON"]);
    let probes = receiver
        .received()
        .iter()
        .filter(|request| request.header("idenfy-event-type").is_none())
        .count();
    assert_eq!(probes, 1, "the run went on after the probe failed");

    let not_replay = TempFile::new("case.json", br#"{"steps": []}"#);
    run(&["replay", not_replay.path(), "--to", receiver.url()])
        .fails_with(2, &["is not an idenfy-testkit replay file", "\"format\""]);
    let not_json = TempFile::new("case.json", b"hello");
    run(&["replay", not_json.path(), "--to", receiver.url()]).fails_with(2, &["not JSON"]);
}
