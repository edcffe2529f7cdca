//! The baseline server of the benchmarks: a bare axum app answering every request on loopback
//! with one fixed JSON body, doing no work, so that a ratio against it shows what the
//! simulator's own work costs.

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;

/// Serves `body` with `status` to every request on `127.0.0.1:0`; returns the base URL.
pub async fn fixed_json_server(status: StatusCode, body: String) -> String {
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { (status, [(CONTENT_TYPE, "application/json")], body) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("bare server runs") });
    format!("http://{addr}")
}
