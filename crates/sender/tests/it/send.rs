//! What a receiver sees, and how answers and failures are reported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use idenfy_sender::{NoAnswerKind, Outgoing, Sender, Url};
use tokio::net::{TcpListener, TcpSocket};

type Seen = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// Serves `router` on `127.0.0.1:0` and gives its URL.
async fn serve(router: Router) -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/hook").parse().unwrap()
}

/// A receiver recording every request and answering `status` with `body`.
async fn recording(status: StatusCode, body: &'static str) -> (Url, Seen) {
    let seen = Seen::default();
    let kept = Arc::clone(&seen);
    let router = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body_in: Bytes| async move {
            kept.lock().unwrap().push((headers, body_in));
            (status, body)
        }),
    );
    (serve(router).await, seen)
}

fn webhook(signature: Option<&str>) -> Outgoing<'_> {
    Outgoing {
        body: Bytes::from_static(b"{\"b\": 1,\"a\":\"\\u00e9\"}"),
        signature,
        event: "IDENTIFICATION_AUTO_FINISHED",
    }
}

#[tokio::test]
async fn the_receiver_gets_the_exact_bytes_and_headers() {
    let (url, seen) = recording(StatusCode::OK, "thanks").await;
    let sender = Sender::new(Duration::from_secs(5)).unwrap();
    let answer = sender.send(&url, &webhook(Some("abc123"))).await.unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.is_accepted());
    assert_eq!(answer.body_excerpt, "thanks");
    assert_eq!(answer.location, None);
    let seen = seen.lock().unwrap();
    let (headers, body) = &seen[0];
    assert_eq!(body.as_ref(), b"{\"b\": 1,\"a\":\"\\u00e9\"}");
    assert_eq!(headers["idenfy-signature"], "abc123");
    assert_eq!(headers["idenfy-event-type"], "IDENTIFICATION_AUTO_FINISHED");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
}

#[tokio::test]
async fn no_signature_leaves_the_header_out() {
    let (url, seen) = recording(StatusCode::UNAUTHORIZED, "").await;
    let sender = Sender::new(Duration::from_secs(5)).unwrap();
    let answer = sender.send(&url, &webhook(None)).await.unwrap();
    assert_eq!(answer.status, 401);
    assert!(!answer.is_accepted());
    assert!(!seen.lock().unwrap()[0].0.contains_key("idenfy-signature"));
}

#[tokio::test]
async fn accepted_means_exactly_2xx() {
    for (status, accepted) in [
        (200, true),
        (204, true),
        (299, true),
        (300, false),
        (400, false),
        (503, false),
    ] {
        let code = StatusCode::from_u16(status).unwrap();
        let (url, _) = recording(code, "").await;
        let sender = Sender::new(Duration::from_secs(5)).unwrap();
        let answer = sender.send(&url, &webhook(Some("s"))).await.unwrap();
        assert_eq!((answer.status, answer.is_accepted()), (status, accepted));
    }
}

#[tokio::test]
async fn redirects_are_reported_not_followed() {
    let (target, seen) = recording(StatusCode::OK, "").await;
    let location = target.to_string();
    let router = Router::new().route(
        "/hook",
        post(move || async move {
            (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response()
        }),
    );
    let url = serve(router).await;
    let sender = Sender::new(Duration::from_secs(5)).unwrap();
    let answer = sender.send(&url, &webhook(Some("s"))).await.unwrap();
    assert_eq!(answer.status, 307);
    assert_eq!(answer.location.as_deref(), Some(target.as_str()));
    assert!(seen.lock().unwrap().is_empty(), "the redirect was followed");
}

#[tokio::test]
async fn long_answers_are_clipped() {
    let long: &'static str = "é".repeat(500).leak();
    let (url, _) = recording(StatusCode::BAD_REQUEST, long).await;
    let sender = Sender::new(Duration::from_secs(5)).unwrap();
    let answer = sender.send(&url, &webhook(Some("s"))).await.unwrap();
    let expected = format!("{}…", "é".repeat(idenfy_sender::BODY_EXCERPT_CHARS));
    assert_eq!(answer.body_excerpt, expected);
}

#[tokio::test]
async fn a_closed_port_is_a_connect_failure() {
    // Bound but not listening: the port stays ours and every connection is refused.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let url: Url = format!("http://user:secret@{}/hook", socket.local_addr().unwrap())
        .parse()
        .unwrap();
    let sender = Sender::new(Duration::from_secs(5)).unwrap();
    let no_answer = sender.send(&url, &webhook(Some("s"))).await.unwrap_err();
    assert_eq!(no_answer.kind, NoAnswerKind::Connect);
    let message = no_answer.to_string();
    assert!(message.starts_with("connection failed: "), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

#[tokio::test]
async fn a_silent_receiver_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url: Url = format!("http://{}/hook", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    // Accepts and holds every connection without answering.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let sender = Sender::new(Duration::from_millis(200)).unwrap();
    assert_eq!(sender.timeout(), Duration::from_millis(200));
    let no_answer = sender.send(&url, &webhook(Some("s"))).await.unwrap_err();
    assert_eq!(no_answer.kind, NoAnswerKind::Timeout);
    assert_eq!(no_answer.to_string(), "timed out after 200 ms");
    assert!(no_answer.elapsed >= Duration::from_millis(200));
}
