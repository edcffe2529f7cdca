//! Raw bytes on the socket, below HTTP: garbage, malformed request lines and headers, oversized
//! URIs and header sections, conflicting lengths, chunked bodies past the limit, CONNECT and
//! asterisk-form requests.
//!
//! Bytes that never become a request are answered by the HTTP layer (hyper) with a bare 400,
//! 414 or 431 and no body, or the connection is closed; every request that is parsed gets the
//! simulator's own answer in iDenfy's error shape. Never a 5xx, and the simulator keeps serving.

use proptest::collection;
use proptest::prelude::{Strategy, any, prop_oneof};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Target, fail, rejection, run_property};
use crate::support::{Answer, WAIT};

/// Writes `bytes` on a new connection and returns everything the simulator answers before it
/// closes. With `end_writing`, the writing side is closed first, for bytes that are not a
/// complete request.
fn exchange(target: &Target, bytes: &[u8], end_writing: bool) -> Vec<u8> {
    let addr = target.simulator.addr();
    target.block_on(async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        // The simulator may close before reading everything; what it answers still counts.
        let _ = stream.write_all(bytes).await;
        if end_writing {
            let _ = stream.shutdown().await;
        }
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(WAIT, stream.read_to_end(&mut answer))
            .await
            .expect("the simulator answers or closes");
        answer
    })
}

/// The first HTTP response in `raw`: status and body (JSON, or `Null` when empty or not JSON).
fn first_response(raw: &[u8]) -> Option<Answer> {
    let text = String::from_utf8_lossy(raw);
    let (head, rest) = text.split_once("\r\n\r\n")?;
    // hyper answers an HTTP/1.0 request in HTTP/1.0.
    let status_line = head
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| head.strip_prefix("HTTP/1.0 "))?;
    let status = status_line.get(..3)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let body = rest.get(..length).unwrap_or(rest);
    Some(Answer {
        status,
        body: serde_json::from_str(body).unwrap_or(Value::Null),
    })
}

/// Checks a raw answer: closed without a word, a bare 4xx from the HTTP layer, or the
/// simulator's 4xx in iDenfy's error shape (any success is the simulator's too).
fn acceptable(raw: &[u8]) -> Result<(), String> {
    if raw.is_empty() {
        return Ok(());
    }
    let answer = first_response(raw)
        .ok_or_else(|| format!("not an HTTP response: {}", String::from_utf8_lossy(raw)))?;
    match answer.status {
        200..=299 => Ok(()),
        400..=499 if answer.body.is_null() => Ok(()),
        400..=499 => rejection(&answer)
            .map(drop)
            .map_err(|error| error.to_string()),
        _ => Err(format!("answered {answer:?}")),
    }
}

#[test]
fn garbage_on_the_socket_gets_a_4xx_or_a_closed_connection() {
    let request_line = "(GET|POST|PUT|X) (/|/api/v2/token|\\*|[a-z:/]{1,12}) HTTP/[0-9]\\.[0-9]";
    let bytes = prop_oneof![
        collection::vec(any::<u8>(), 0..1024),
        (request_line, collection::vec(any::<u8>(), 0..256)).prop_map(|(line, tail)| {
            let mut bytes = format!("{line}\r\n").into_bytes();
            bytes.extend(tail);
            bytes.extend(b"\r\n\r\n");
            bytes
        }),
    ];
    run_property(64, bytes, |target, bytes| {
        acceptable(&exchange(target, &bytes, true)).map_err(fail)
    });
}

/// A complete request: `head` (request line and headers, CRLF-separated) and `body`, closing
/// the connection after the answer.
fn request(head: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{head}\r\nHost: sim\r\nConnection: close\r\n\r\n").into_bytes();
    bytes.extend(body);
    bytes
}

#[test]
fn malformed_http_gets_a_bare_4xx_from_the_http_layer() {
    let target = Target::start();
    let cases: [(&str, Vec<u8>, u16); 5] = [
        (
            "request line not UTF-8",
            b"\xff\xfe / HTTP/1.1\r\n\r\n".to_vec(),
            400,
        ),
        ("HTTP/3.0", request("GET / HTTP/3.0", b""), 400),
        (
            "URI of 70,000 bytes",
            request(&format!("GET /{} HTTP/1.1", "a".repeat(70_000)), b""),
            414,
        ),
        (
            "200 headers",
            request(&format!("GET / HTTP/1.1{}", "\r\nX: y".repeat(200)), b""),
            431,
        ),
        (
            "two Content-Length values",
            request(
                "POST /api/v2/token HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6",
                b"hello",
            ),
            400,
        ),
    ];
    for (case, bytes, status) in cases {
        let answer = first_response(&exchange(&target, &bytes, false))
            .unwrap_or_else(|| panic!("{case}: no answer"));
        assert_eq!(
            (answer.status, answer.body),
            (status, Value::Null),
            "{case}"
        );
        target.still_serves().unwrap();
    }
}

#[test]
fn odd_but_parsed_requests_get_the_simulators_answer() {
    let target = Target::start();
    let authorization = format!("Authorization: {}", target.api.authorization());
    let chunked = |chunks: &[&[u8]]| {
        let mut body = Vec::new();
        for chunk in chunks {
            body.extend(format!("{:x}\r\n", chunk.len()).into_bytes());
            body.extend(*chunk);
            body.extend(b"\r\n");
        }
        body.extend(b"0\r\n\r\n");
        body
    };
    let token_head = format!(
        "POST /api/v2/token HTTP/1.1\r\n{authorization}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked"
    );
    let mebibyte = vec![b' '; 1024 * 1024];
    let cases: [(&str, Vec<u8>, u16, &str); 5] = [
        (
            "chunked body past the limit",
            request(&token_head, &chunked(&[&mebibyte, b"{}"])),
            413,
            "REQUEST_TOO_LARGE",
        ),
        (
            "chunked body",
            request(&token_head, &chunked(&[b"{\"client", b"Id\":\"c\"}"])),
            201,
            "",
        ),
        (
            "CONNECT",
            request("CONNECT 127.0.0.1:1 HTTP/1.1", b""),
            404,
            "NOT_FOUND",
        ),
        (
            "OPTIONS *",
            request("OPTIONS * HTTP/1.1", b""),
            404,
            "NOT_FOUND",
        ),
        (
            "absolute-form URI",
            request("GET http://sim/api/v2/token HTTP/1.1", b""),
            405,
            "METHOD_NOT_ALLOWED",
        ),
    ];
    for (case, bytes, status, identifier) in cases {
        let answer = first_response(&exchange(&target, &bytes, false))
            .unwrap_or_else(|| panic!("{case}: no answer"));
        assert_eq!(answer.status, status, "{case}: {answer:?}");
        if status >= 400 {
            let error = rejection(&answer).unwrap_or_else(|error| panic!("{case}: {error}"));
            assert_eq!(error.identifier.as_str(), identifier, "{case}");
        }
        target.still_serves().unwrap();
    }
}
