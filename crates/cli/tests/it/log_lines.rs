//! `serve`'s activity log on stderr: one line per API request and per webhook attempt, with
//! credentials in URLs redacted; plain when stderr is not a terminal, JSON Lines with
//! `--log-format json`, none with `--quiet`.

use serde_json::{Value, json};

use crate::serve::stop;
use crate::support::{Receiver, start_serve, testkit};

/// Runs `serve` (plus `extra`) sending webhooks to a receiver through a URL with credentials,
/// creates one token and makes one unauthorized request, waits for the webhook, stops the
/// server and returns the token's `scanRef` and everything it printed.
fn session(extra: &[&str]) -> (String, String) {
    let receiver = Receiver::accepting_everything();
    let url = receiver
        .url()
        .replace("http://", "http://hook-user:hook-password@");
    let mut command = testkit();
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--api-key", "k"])
        .args([
            "--api-secret",
            "s",
            "--signing-key",
            "w",
            "--webhook-url",
            &url,
        ])
        .args(extra);
    let (child, base) = start_serve(&mut command);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let scan_ref = runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let token: Value = client
            .post(format!("{base}/api/v2/token"))
            .basic_auth("k", Some("s"))
            .json(&json!({"clientId": "log-test", "dummyStatus": "APPROVED"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
        let refused = client
            .post(format!("{base}/api/v2/status"))
            .basic_auth("k", Some("wrong"))
            .json(&json!({"scanRef": scan_ref}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        let waited = client
            .get(format!(
                "{base}/sim/webhooks/wait?scanRef={scan_ref}&event=IDENTIFICATION_AUTO_FINISHED&timeoutMs=30000"
            ))
            .basic_auth("k", Some("s"))
            .send()
            .await
            .unwrap();
        assert_eq!(waited.status(), 200);
        scan_ref
    });
    let (status, output) = stop(child, "TERM");
    assert_eq!(status.code(), Some(0), "{output}");
    assert!(!output.contains("hook-password"), "{output}");
    (scan_ref, output)
}

/// The one line holding every one of `needles`.
fn line_with<'a>(output: &'a str, needles: &[&str]) -> &'a str {
    let found: Vec<&str> = output
        .lines()
        .filter(|line| needles.iter().all(|needle| line.contains(needle)))
        .collect();
    assert_eq!(found.len(), 1, "{needles:?} in {output}");
    found[0]
}

#[cfg(unix)]
#[test]
fn serve_prints_a_plain_line_per_request_and_per_webhook_attempt() {
    let (scan_ref, output) = session(&[]);
    line_with(
        &output,
        &["POST /api/v2/token 201 ", &format!("ms scanRef={scan_ref}")],
    );
    let refused = line_with(&output, &["POST /api/v2/status 401 "]);
    assert!(
        refused.ends_with(&format!("scanRef={scan_ref} error=UNAUTHORIZED")),
        "{refused}"
    );
    let attempt = line_with(&output, &["webhook #1 "]);
    assert!(
        attempt.contains(&format!(
            "webhook #1 IDENTIFICATION_AUTO_FINISHED scanRef={scan_ref} -> http://redacted@127.0.0.1:"
        )),
        "{attempt}"
    );
    assert!(
        attempt.contains("/webhooks/idenfy 200 attempt 1 ") && attempt.ends_with("ms DELIVERED"),
        "{attempt}"
    );
    assert!(
        !output.contains('\x1b'),
        "no colors off a terminal: {output}"
    );
    line_with(
        &output,
        &[
            "GET /sim/webhooks/wait 200 ",
            &format!("ms scanRef={scan_ref}"),
        ],
    );
}

#[cfg(unix)]
#[test]
fn serve_log_format_json_prints_only_json_lines() {
    let (scan_ref, output) = session(&["--log-format", "json"]);
    let lines: Vec<Value> = output
        .lines()
        .filter(|line| !line.starts_with("listening on"))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(
        lines.last().unwrap()["message"],
        "stopped: 1 webhook delivered, 0 failed, 0 undelivered"
    );
    let token = lines
        .iter()
        .find(|line| line["path"] == "/api/v2/token")
        .unwrap();
    assert_eq!(token["target"], "idenfy_sim::activity::request");
    assert_eq!(token["level"], "INFO");
    assert_eq!(token["method"], "POST");
    assert_eq!(token["status"], 201);
    assert_eq!(token["scan_ref"], scan_ref.as_str());
    assert!(token["duration_ms"].is_number(), "{token}");
    assert!(token.get("error").is_none(), "{token}");
    let refused = lines
        .iter()
        .find(|line| line["path"] == "/api/v2/status")
        .unwrap();
    assert_eq!(refused["error"], "UNAUTHORIZED");
    let attempt = lines
        .iter()
        .find(|line| line["target"] == "idenfy_sim::activity::delivery")
        .unwrap();
    assert_eq!(attempt["event"], "IDENTIFICATION_AUTO_FINISHED");
    assert_eq!(attempt["scan_ref"], scan_ref.as_str());
    assert_eq!(attempt["status"], 200);
    assert_eq!(attempt["attempt"], 1);
    assert_eq!(attempt["state"], "DELIVERED");
    let url = attempt["url"].as_str().unwrap();
    assert!(url.starts_with("http://redacted@127.0.0.1:"), "{url}");
    assert!(lines.iter().all(|line| line["time"].is_string()));
}

#[cfg(unix)]
#[test]
fn serve_quiet_prints_no_request_or_attempt_lines() {
    let (scan_ref, output) = session(&["--quiet"]);
    assert!(!output.contains(&scan_ref), "{output}");
    assert!(!output.contains("/api/v2/token"), "{output}");
    assert!(!output.contains("webhook #"), "{output}");
    assert!(output.contains("simulator ready"), "{output}");
}

#[cfg(unix)]
#[test]
fn refused_webhooks_are_warned_about_once_and_each_gets_its_attempt_line() {
    let mut command = testkit();
    command.args(["serve", "--addr", "127.0.0.1:0", "--api-key", "k"]);
    command.args(["--api-secret", "s", "--signing-key", "w"]);
    let (child, base) = start_serve(&mut command);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (first, second) = runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let post = |path: &str, body: Value| {
            client
                .post(format!("{base}{path}"))
                .basic_auth("k", Some("s"))
                .json(&body)
                .send()
        };
        let mut scan_refs = Vec::new();
        for _ in 0..2 {
            let token: Value = post(
                "/api/v2/token",
                json!({
                    "clientId": "log-test",
                    "dummyStatus": "APPROVED",
                    "callbackUrl": "https://receiver.invalid/hook",
                }),
            )
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
            scan_refs.push(token["scanRef"].as_str().unwrap().to_owned());
        }
        let reviewed = post(
            "/api/v2/add-dummy-status",
            json!({
                "scanRef": scan_refs[1],
                "manualFaceMatchResult": "FACE_MATCH",
                "manualDocumentValidity": "DOC_VALIDATED",
            }),
        )
        .await
        .unwrap();
        assert_eq!(reviewed.status(), 200);
        let unknown = post("/api/v2/status", json!({"scanRef": "no-such-scan-ref"}))
            .await
            .unwrap();
        assert_eq!(unknown.status(), 404);
        (scan_refs.remove(0), scan_refs.remove(0))
    });
    let (status, output) = stop(child, "TERM");
    assert_eq!(status.code(), Some(0), "{output}");
    for activity in output
        .lines()
        .filter(|line| line.contains(" POST /api/") || line.contains(" webhook #"))
    {
        let (time, _) = activity.split_at(13);
        assert!(
            time.len() == 13
                && time.bytes().enumerate().all(|(at, byte)| match at {
                    2 | 5 => byte == b':',
                    8 => byte == b'.',
                    12 => byte == b' ',
                    _ => byte.is_ascii_digit(),
                }),
            "an activity line starts with the time, HH:MM:SS.mmm: {activity}"
        );
    }
    let warning = line_with(&output, &["WARN", "webhook not sent"]);
    assert!(warning.contains(&first), "the first refusal: {warning}");
    assert!(warning.contains("said once"), "{warning}");
    for (number, scan_ref, event) in [
        (1, &first, "IDENTIFICATION_AUTO_FINISHED"),
        (2, &second, "IDENTIFICATION_AUTO_FINISHED"),
        (3, &second, "IDENTIFICATION_MANUAL_FINISHED"),
    ] {
        let attempt = line_with(&output, &[&format!("webhook #{number} ")]);
        assert!(
            attempt.contains(&format!(
                "{event} scanRef={scan_ref} -> https://receiver.invalid/hook error: not sent: "
            )) && attempt.ends_with("attempt 1 0ms FAILED"),
            "{attempt}"
        );
    }
    line_with(
        &output,
        &[
            "POST /api/v2/add-dummy-status 200 ",
            &format!("ms scanRef={second}"),
        ],
    );
    let unknown = line_with(&output, &["POST /api/v2/status 404 "]);
    assert!(
        unknown.ends_with("ms scanRef=no-such-scan-ref error=NOT_FOUND"),
        "{unknown}"
    );
}
