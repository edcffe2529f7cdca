//! Connections over raw sockets on loopback: keep-alive survives every early rejection, the
//! idle, header and body read timeouts close what a client leaves hanging, a `Content-Length`
//! over the limit is refused before its bytes arrive, and reflected values are clipped.
//!
//! Timeouts are set short and only lower bounds are asserted: each wait is bounded by
//! [`WAIT`], a hang guard.

use std::time::{Duration, Instant};

use idenfy_model::{ApiCredentials, Environment};
use idenfy_sim::assumptions::{MAX_BODY_BYTES, TIMEOUT_IDENTIFIER, TOO_LARGE_IDENTIFIER};
use idenfy_sim::{Simulator, SimulatorBuilder};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Answer, WAIT, assert_error};

/// A short timeout for the tests that wait for one.
const SHORT: Duration = Duration::from_millis(300);

/// One answer read from a raw connection: status, headers (lower-cased names) and JSON body.
#[derive(Debug)]
struct RawAnswer {
    answer: Answer,
    headers: Vec<(String, String)>,
}

impl RawAnswer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A keep-alive HTTP/1.1 connection spoken by hand.
struct Connection {
    stream: TcpStream,
    /// Bytes read past the last answer.
    pending: Vec<u8>,
}

impl Connection {
    async fn open(simulator: &Simulator) -> Self {
        Self {
            stream: TcpStream::connect(simulator.addr()).await.unwrap(),
            pending: Vec::new(),
        }
    }

    /// Sends a request with `headers` (CRLF-separated lines) and `body`.
    async fn send(&mut self, method: &str, path: &str, headers: &[String], body: &[u8]) {
        let mut bytes = format!(
            "{method} {path} HTTP/1.1\r\nHost: sim\r\nContent-Length: {}\r\n",
            body.len()
        );
        for header in headers {
            bytes.push_str(header);
            bytes.push_str("\r\n");
        }
        bytes.push_str("\r\n");
        self.stream.write_all(bytes.as_bytes()).await.unwrap();
        self.stream.write_all(body).await.unwrap();
    }

    /// Reads one answer (its body sized by `Content-Length`), within [`WAIT`].
    async fn answer(&mut self) -> RawAnswer {
        tokio::time::timeout(WAIT, self.read_answer())
            .await
            .expect("the simulator answers in time")
    }

    async fn read_answer(&mut self) -> RawAnswer {
        let head_end = loop {
            if let Some(end) = find(&self.pending, b"\r\n\r\n") {
                break end;
            }
            self.fill().await;
        };
        let head = String::from_utf8(self.pending[..head_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap()[9..12].parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .map_or(0, |(_, value)| value.parse().unwrap());
        let body_start = head_end + 4;
        while self.pending.len() < body_start + length {
            self.fill().await;
        }
        let body = serde_json::from_slice(&self.pending[body_start..body_start + length])
            .unwrap_or(Value::Null);
        self.pending.drain(..body_start + length);
        RawAnswer {
            answer: Answer { status, body },
            headers,
        }
    }

    async fn fill(&mut self) {
        let mut buffer = [0; 8192];
        let read = self.stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "the simulator closed the connection mid-answer");
        self.pending.extend_from_slice(&buffer[..read]);
    }

    /// Waits (at most [`WAIT`]) until the simulator closes the connection; true when it did.
    async fn closed_by_simulator(&mut self) -> bool {
        let mut buffer = [0; 1024];
        matches!(
            tokio::time::timeout(WAIT, self.stream.read(&mut buffer)).await,
            Ok(Ok(0) | Err(_))
        )
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn authorization(simulator: &Simulator) -> String {
    format!(
        "Authorization: {}",
        simulator.credentials().authorization_header()
    )
}

fn json_type() -> String {
    "Content-Type: application/json".to_owned()
}

/// A valid token request padded to about `size` bytes with an ignored field.
fn token_body(size: usize) -> Vec<u8> {
    serde_json::to_vec(&json!({"clientId": "keep-alive", "padding": "x".repeat(size)})).unwrap()
}

/// Sends the good request (`GET /sim/webhooks`, which no rate limit counts) on `connection`
/// and asserts its 200.
async fn assert_still_serves(connection: &mut Connection, simulator: &Simulator, after: &str) {
    connection
        .send("GET", "/sim/webhooks", &[authorization(simulator)], b"")
        .await;
    let answer = connection.answer().await;
    assert_eq!(answer.answer.status, 200, "after {after}: {answer:?}");
}

#[tokio::test]
async fn keep_alive_survives_every_early_rejection_with_a_body() {
    let dev = Simulator::builder().start().await.unwrap();
    let limited = Simulator::builder()
        .rate_limit_per_hour(0)
        .start()
        .await
        .unwrap();
    let demo = Simulator::builder()
        .environment(Environment::Demo)
        .start()
        .await
        .unwrap();
    let wrong = format!(
        "Authorization: {}",
        ApiCredentials::new("wrong", "wrong").authorization_header()
    );
    // Bodies larger than socket buffers, so none is read by accident.
    for size in [10, 200_000, MAX_BODY_BYTES - 100] {
        let body = token_body(size);
        let cases: [(&str, &Simulator, &str, Vec<String>, u16); 4] = [
            (
                "401",
                &dev,
                "/api/v2/token",
                vec![wrong.clone(), json_type()],
                401,
            ),
            ("404", &dev, "/api/v2/nothing", vec![json_type()], 404),
            (
                "429",
                &limited,
                "/api/v2/token",
                vec![authorization(&limited), json_type()],
                429,
            ),
            (
                "403",
                &demo,
                "/api/v2/add-dummy-status",
                vec![authorization(&demo), json_type()],
                403,
            ),
        ];
        for (name, simulator, path, headers, status) in cases {
            let mut connection = Connection::open(simulator).await;
            for round in 0..3 {
                connection.send("POST", path, &headers, &body).await;
                let rejected = connection.answer().await;
                assert_eq!(rejected.answer.status, status, "{name}: {rejected:?}");
                assert_eq!(rejected.header("connection"), None, "{name}: {rejected:?}");
                let after = format!("{name} with a {size}-byte body, round {round}");
                assert_still_serves(&mut connection, simulator, &after).await;
            }
        }
    }
}

#[tokio::test]
async fn a_content_length_over_the_limit_gets_413_before_the_body_is_sent() {
    let simulator = Simulator::start().await.unwrap();
    let mut connection = Connection::open(&simulator).await;
    let declared = MAX_BODY_BYTES + 1;
    let head = format!(
        "POST /api/v2/token HTTP/1.1\r\nHost: sim\r\nContent-Length: {declared}\r\n{}\r\n{}\r\n\r\n",
        authorization(&simulator),
        json_type()
    );
    connection.stream.write_all(head.as_bytes()).await.unwrap();
    // Not one body byte is sent: the answer must come anyway.
    let answer = connection.answer().await;
    assert_error(&answer.answer, 413, TOO_LARGE_IDENTIFIER, "larger than");
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(connection.closed_by_simulator().await);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_gets_413_and_closes() {
    let simulator = Simulator::start().await.unwrap();
    let mut connection = Connection::open(&simulator).await;
    let head = format!(
        "POST /api/v2/token HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n{}\r\n{}\r\n\r\n",
        authorization(&simulator),
        json_type()
    );
    connection.stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
    for _ in 0..=MAX_BODY_BYTES / (64 * 1024) {
        if connection.stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let answer = connection.answer().await;
    assert_error(&answer.answer, 413, TOO_LARGE_IDENTIFIER, "larger than");
    assert_eq!(answer.header("connection"), Some("close"));
}

#[tokio::test]
async fn a_body_that_stops_arriving_gets_408_and_closes() {
    let simulator = Simulator::builder()
        .body_timeout(SHORT)
        .start()
        .await
        .unwrap();
    let mut connection = Connection::open(&simulator).await;
    let head = format!(
        "POST /api/v2/token HTTP/1.1\r\nHost: sim\r\nContent-Length: 100\r\n{}\r\n{}\r\n\r\n{{\"client",
        authorization(&simulator),
        json_type()
    );
    let started = Instant::now();
    connection.stream.write_all(head.as_bytes()).await.unwrap();
    let answer = connection.answer().await;
    assert!(started.elapsed() >= SHORT);
    assert_error(&answer.answer, 408, TIMEOUT_IDENTIFIER, "did not arrive");
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(connection.closed_by_simulator().await);
}

/// A builder whose one timeout under test is [`SHORT`], the others long.
fn only_short(set: fn(SimulatorBuilder, Duration) -> SimulatorBuilder) -> SimulatorBuilder {
    let long = Duration::from_secs(3600);
    set(
        Simulator::builder()
            .idle_timeout(long)
            .header_timeout(long)
            .body_timeout(long),
        SHORT,
    )
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let simulator = only_short(SimulatorBuilder::idle_timeout)
        .start()
        .await
        .unwrap();
    // Right after accept.
    let started = Instant::now();
    let mut fresh = Connection::open(&simulator).await;
    assert!(fresh.closed_by_simulator().await);
    assert!(started.elapsed() >= SHORT);
    // And after an answer, on a kept-alive connection.
    let mut used = Connection::open(&simulator).await;
    assert_still_serves(&mut used, &simulator, "connecting").await;
    let answered = Instant::now();
    assert!(used.closed_by_simulator().await);
    assert!(answered.elapsed() >= SHORT);
}

#[tokio::test]
async fn a_half_sent_head_is_closed_after_the_header_timeout() {
    let simulator = only_short(SimulatorBuilder::header_timeout)
        .start()
        .await
        .unwrap();
    let mut connection = Connection::open(&simulator).await;
    let started = Instant::now();
    connection
        .stream
        .write_all(b"POST /api/v2/token HTTP/1.1\r\nHost: sim\r\n")
        .await
        .unwrap();
    assert!(connection.closed_by_simulator().await);
    assert!(started.elapsed() >= SHORT);
}

#[tokio::test]
async fn the_header_timeout_starts_with_the_request_not_with_the_idle_wait() {
    let simulator = only_short(SimulatorBuilder::header_timeout)
        .start()
        .await
        .unwrap();
    let mut connection = Connection::open(&simulator).await;
    // Idle for longer than the header timeout, then a prompt request is still served.
    tokio::time::sleep(SHORT * 3).await;
    assert_still_serves(&mut connection, &simulator, "an idle wait").await;
    tokio::time::sleep(SHORT * 3).await;
    assert_still_serves(&mut connection, &simulator, "a second idle wait").await;
}

#[tokio::test]
async fn a_request_handled_for_longer_than_the_read_timeouts_is_answered() {
    let simulator = Simulator::builder()
        .idle_timeout(SHORT)
        .header_timeout(SHORT)
        .default_webhook_url("http://127.0.0.1:9/hook")
        .start()
        .await
        .unwrap();
    let mut connection = Connection::open(&simulator).await;
    // The wait answers only once its own timeout has passed: three read timeouts later.
    let path = format!(
        "/sim/webhooks/wait?scanRef=never-issued&event=IDENTIFICATION_AUTO_FINISHED&timeoutMs={}",
        (SHORT * 3).as_millis()
    );
    connection
        .send("GET", &path, &[authorization(&simulator)], b"")
        .await;
    let answer = connection.answer().await;
    assert!(
        answer.answer.status >= 400 && answer.answer.status < 500,
        "the wait's own timeout answers, the connection was not cut: {answer:?}"
    );
}

#[tokio::test]
async fn reflected_values_are_clipped_in_error_messages() {
    let simulator = Simulator::start().await.unwrap();
    let long = "a".repeat(60_000);
    let mut connection = Connection::open(&simulator).await;
    let cases = [
        ("GET", format!("/{long}"), vec![]),
        ("GET", format!("/api/v2/token?{long}"), vec![]),
        (
            "POST",
            "/api/v2/token".to_owned(),
            vec![
                authorization(&simulator),
                format!("Content-Type: text/{long}"),
            ],
        ),
    ];
    for (method, path, headers) in cases {
        connection.send(method, &path, &headers, b"{}").await;
        let answer = connection.answer().await;
        let message = answer.answer.body["message"].as_str().unwrap_or_default();
        assert!(
            (1..1000).contains(&message.chars().count()),
            "{method} {}: a {}-character message",
            &path[..20],
            message.len()
        );
    }
}
