//! `idenfy-testkit serve`: announces its address, answers the API with the given credentials
//! (flags or environment), stops gracefully on SIGINT and SIGTERM, never prints secrets, and
//! refuses to start without credentials.

use std::io::Read;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::support::{run, start_serve as start, testkit};

const SECRET: &str = "api-secret-6f1d";
const SIGNING_KEY: &str = "signing-key-9c3e";

/// Runs `serve` with credentials and `args` to completion; returns its exit code and stderr.
fn serve_with_credentials(args: &[&str]) -> (Option<i32>, String) {
    let mut command = vec![
        "serve",
        "--api-key",
        "k",
        "--api-secret",
        "s",
        "--signing-key",
        "w",
    ];
    command.extend(args);
    let out = run(&command);
    (out.code, out.stderr)
}

/// `serve` on a free loopback port with the key `cli-key`, [`SECRET`] and [`SIGNING_KEY`],
/// plus `extra` arguments.
fn serving(extra: &[&str]) -> Command {
    let mut command = testkit();
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--api-key", "cli-key"])
        .args(["--api-secret", SECRET, "--signing-key", SIGNING_KEY])
        .args(extra);
    command
}

/// Creates a dummy token against `base` with `key:secret`; returns the HTTP status.
pub(crate) fn create_token(base: &str, key: &str, secret: &str) -> u16 {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("{base}/api/v2/token"))
            .basic_auth(key, Some(secret))
            .json(&serde_json::json!({"clientId": "cli-test", "dummyStatus": "APPROVED"}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

/// Sends `signal` to the child and returns its exit status and all its output.
#[cfg(unix)]
pub(crate) fn stop(mut child: Child, signal: &str) -> (std::process::ExitStatus, String) {
    let killed = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    // A hang guard, not a timing assertion.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not stop after SIG{signal}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut output = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut output)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut output)
        .unwrap();
    (status, output)
}

#[cfg(unix)]
#[test]
fn serve_answers_then_stops_gracefully_on_sigterm_and_sigint() {
    for signal in ["TERM", "INT"] {
        let (child, base) = start(&mut serving(&["--environment", "DEV", "--seed", "3"]));
        assert_eq!(create_token(&base, "cli-key", SECRET), 201);
        assert_eq!(create_token(&base, "cli-key", "wrong"), 401);
        let (status, output) = stop(child, signal);
        assert_eq!(status.code(), Some(0), "SIG{signal}: {output}");
        assert!(output.contains("stopped: "), "{output}");
        assert!(
            !output.contains(SECRET) && !output.contains(SIGNING_KEY),
            "{output}"
        );
    }
}

#[cfg(unix)]
#[test]
fn serve_delivery_flags_set_retries_timeout_clock_and_final() {
    let (child, base) = start(&mut serving(&[
        "--webhook-url",
        &crate::support::closed_port_url(),
        "--retries",
        "1",
        "--retry-interval-ms",
        "10",
        "--delivery-timeout-ms",
        "500",
        "--fixed-time",
        "1767225600",
        "--auto-final",
    ]));
    assert_eq!(create_token(&base, "cli-key", SECRET), 201);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let delivery = runtime.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        // A hang guard, not a timing assertion.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let deliveries: serde_json::Value = http
                .get(format!("{base}/sim/webhooks"))
                .basic_auth("cli-key", Some(SECRET))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let delivery = deliveries[0].clone();
            if delivery["state"] == "FAILED" {
                break delivery;
            }
            assert!(Instant::now() < deadline, "never failed: {deliveries}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert_eq!(
        delivery["attempts"].as_array().unwrap().len(),
        2,
        "the first attempt and one retry: {delivery}"
    );
    let body: serde_json::Value = serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["startTime"], 1_767_225_600);
    assert_eq!(body["final"], true);
    let (status, output) = stop(child, "TERM");
    assert_eq!(status.code(), Some(0), "{output}");
}

#[cfg(unix)]
#[test]
fn serve_reads_credentials_from_the_environment() {
    let (child, base) = start(
        testkit()
            .args(["serve", "--addr", "127.0.0.1:0", "--balance", "1"])
            .env("IDENFY_API_KEY", "env-key")
            .env("IDENFY_API_SECRET", SECRET)
            .env("IDENFY_SIGNING_KEY", SIGNING_KEY),
    );
    assert_eq!(create_token(&base, "env-key", SECRET), 201);
    assert_eq!(
        create_token(&base, "env-key", SECRET),
        402,
        "--balance 1 is spent"
    );
    let (status, output) = stop(child, "TERM");
    assert_eq!(status.code(), Some(0), "{output}");
    assert!(
        !output.contains(SECRET) && !output.contains(SIGNING_KEY),
        "{output}"
    );
}

#[test]
fn serve_refuses_to_start_without_credentials() {
    let output = testkit()
        .args(["serve", "--addr", "127.0.0.1:0", "--api-key", "only-a-key"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing is announced");
    let stderr = String::from_utf8(output.stderr).unwrap();
    for how in [
        "--api-secret",
        "IDENFY_API_SECRET",
        "--signing-key",
        "IDENFY_SIGNING_KEY",
    ] {
        assert!(stderr.contains(how), "{stderr}");
    }
    assert!(
        !stderr.contains("IDENFY_API_KEY)"),
        "the key was given: {stderr}"
    );
}

#[test]
fn serve_refuses_empty_credentials() {
    let output = testkit()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--api-key",
            "k",
            "--api-secret",
            "",
        ])
        .args(["--signing-key", "w"])
        .env_remove("IDENFY_API_SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("missing or empty: --api-secret"),
        "{stderr}"
    );
}

#[test]
fn serve_rejects_an_unknown_environment() {
    let (code, stderr) = serve_with_credentials(&["--environment", "staging"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("unknown environment \"staging\""),
        "{stderr}"
    );
}

#[test]
fn serve_reports_an_address_it_cannot_bind() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stderr) = serve_with_credentials(&["--addr", &addr]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "cannot listen on {addr}: another process already listens there"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("port 0 picks a free one"), "{stderr}");
    assert_eq!(stderr.matches("in use").count(), 0, "said once: {stderr}");
}

#[cfg(unix)]
#[test]
fn serve_takes_a_host_name_in_addr() {
    let mut command = testkit();
    command
        .args(["serve", "--addr", "localhost:0", "--api-key", "cli-key"])
        .args(["--api-secret", SECRET, "--signing-key", SIGNING_KEY]);
    let (child, base) = start(&mut command);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_eq!(create_token(&base, "cli-key", SECRET), 201);
    let (status, output) = stop(child, "TERM");
    assert_eq!(status.code(), Some(0), "{output}");
}

#[test]
fn serve_refuses_a_malformed_addr_or_webhook_url_as_a_wrong_command_line() {
    for (args, expected) in [
        (["--addr", "nowhere"], "expected HOST:PORT"),
        (["--webhook-url", "ftp://x"], "(not ftp://)"),
        (
            ["--webhook-url", "127.0.0.1:3000/hooks"],
            "is not an http:// or https:// URL",
        ),
        (
            ["--webhook-url", "ftp://user:pw-secret@x/"],
            "ftp://redacted@x/",
        ),
    ] {
        let (code, stderr) = serve_with_credentials(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("pw-secret"), "{args:?}: {stderr}");
    }
}

#[test]
fn version_and_help_describe_the_command() {
    let version = testkit().arg("--version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8(version.stdout).unwrap().trim(),
        format!("idenfy-testkit {}", env!("CARGO_PKG_VERSION"))
    );
    let help = testkit().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for expected in [
        "--api-key",
        "IDENFY_API_KEY",
        "--webhook-url",
        "Examples:",
        "listening on",
    ] {
        assert!(help.contains(expected), "{help}");
    }
    let env_help = testkit()
        .args(["serve", "--help"])
        .env("IDENFY_API_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(!String::from_utf8(env_help.stdout).unwrap().contains(SECRET));
}

#[cfg(unix)]
#[test]
fn serve_says_once_that_it_ran_out_of_file_descriptors() {
    use std::io::BufRead;
    use std::sync::mpsc;

    let mut command = crate::support::shell(&format!(
        "ulimit -n 48 && exec idenfy-testkit serve --addr 127.0.0.1:0 --api-key k \
         --api-secret {SECRET} --signing-key {SIGNING_KEY}"
    ));
    let (mut child, base) = start(&mut command);
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let addr = base.trim_start_matches("http://");
    // More connections than descriptors: the rest wait in the listen backlog.
    let connections: Vec<_> = (0..80)
        .map(|_| std::net::TcpStream::connect(addr).unwrap())
        .collect();
    let mut output = Vec::new();
    let warning = "out of file descriptors";
    while !output.iter().any(|line: &String| line.contains(warning)) {
        // A hang guard, not a timing assertion.
        output.push(received.recv_timeout(Duration::from_secs(30)).unwrap());
    }
    // Accepting keeps failing while the connections stay open; it must not say so again.
    std::thread::sleep(Duration::from_millis(500));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    output.extend(received.iter());
    reader.join().unwrap();
    assert!(child.wait().unwrap().success(), "{output:#?}");
    drop(connections);
    let warnings = output.iter().filter(|line| line.contains(warning)).count();
    assert_eq!(warnings, 1, "{output:#?}");
    assert!(
        output.iter().any(|line| line.contains("ulimit -n")),
        "{output:#?}"
    );
}

#[cfg(unix)]
#[test]
fn serve_exits_1_and_counts_first_the_webhooks_it_left_undelivered() {
    // A receiver that accepts connections and never answers.
    let receiver = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", receiver.local_addr().unwrap());
    std::thread::spawn(move || {
        let held: Vec<_> = receiver.incoming().take(8).collect();
        std::thread::sleep(Duration::from_secs(60));
        drop(held);
    });
    let mut command = serving(&["--webhook-url", &url]);
    command.env("IDENFY_LOG", "off");
    let (child, base) = start(&mut command);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let token: serde_json::Value = client
            .post(format!("{base}/api/v2/token"))
            .basic_auth("cli-key", Some(SECRET))
            .json(&serde_json::json!({"clientId": "c", "dummyStatus": "APPROVED"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // The manual webhook waits behind the automatic one, which the receiver holds.
        let review = client
            .post(format!("{base}/api/v2/add-dummy-status"))
            .basic_auth("cli-key", Some(SECRET))
            .json(&serde_json::json!({
                "scanRef": token["scanRef"],
                "manualFaceMatchResult": "FACE_MATCH",
                "manualDocumentValidity": "DOC_VALIDATED",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(review.status().as_u16(), 200);
    });
    let (status, output) = stop(child, "TERM");
    assert_eq!(status.code(), Some(1), "{output}");
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            "2 webhooks left undelivered: 1 never attempted, 1 in flight (may have been \
             received), 0 awaiting a retry"
        ),
        "{output}"
    );
    assert!(
        lines.iter().any(|line| line
            .starts_with("  in flight (may have been received): IDENTIFICATION_AUTO_FINISHED")),
        "{output}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("  never attempted: IDENTIFICATION_MANUAL_FINISHED")),
        "{output}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("stopped: 0 webhooks delivered, 0 failed, 2 undelivered"),
        "{output}"
    );
}

#[test]
fn serve_rejects_out_of_range_delivery_steering() {
    for (flag, value, fragment) in [
        ("--duplicate-rate", "1.5", "a probability from 0 to 1"),
        ("--duplicate-rate", "-0.1", "a probability from 0 to 1"),
        ("--duplicate-rate", "NaN", "a probability from 0 to 1"),
        ("--delivery-delay-ms", "-5", "milliseconds from 0 to 600000"),
        (
            "--delivery-delay-ms",
            "600001",
            "milliseconds from 0 to 600000",
        ),
    ] {
        let (code, stderr) = serve_with_credentials(&[&format!("{flag}={value}")]);
        assert_eq!(code, Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(fragment), "{flag} {value}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn serve_hold_journals_webhooks_as_held_until_released() {
    let (child, base) = start(&mut serving(&[
        "--webhook-url",
        &crate::support::closed_port_url(),
        "--hold",
        "--delivery-delay-ms",
        "5",
        "--duplicate-rate",
        "0.5",
    ]));
    assert_eq!(create_token(&base, "cli-key", SECRET), 201);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let journal: serde_json::Value = http
            .get(format!("{base}/sim/webhooks?state=HELD"))
            .basic_auth("cli-key", Some(SECRET))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(journal.as_array().map(Vec::len), Some(1), "{journal}");
        let released = http
            .post(format!("{base}/sim/webhooks/{}/release", journal[0]["id"]))
            .basic_auth("cli-key", Some(SECRET))
            .send()
            .await
            .unwrap();
        assert_eq!(released.status(), 200);
        let health = http.get(format!("{base}/sim/health")).send().await.unwrap();
        assert_eq!(health.status(), 200);
    });
    let (status, output) = stop(child, "TERM");
    assert_eq!(status.code(), Some(0), "{output}");
}
