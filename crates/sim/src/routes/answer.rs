//! A successful API answer: its status, the `scanRef` it concerns (for the activity log) and
//! its JSON body, serialized into one buffer of the usual answer's size.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::server::logging::AnsweredScanRef;

/// Bytes reserved for an answer's body: a token's 201 echoing a full request is about 1.5 KB,
/// so one allocation holds any answer of the API (axum's `Json` starts at 128 bytes and grows
/// four times for a token).
const BODY_CAPACITY: usize = 2048;

/// A successful answer of the API about one verification.
pub(super) struct ApiAnswer<T> {
    status: StatusCode,
    scan_ref: String,
    body: T,
}

impl<T: Serialize> ApiAnswer<T> {
    /// 200 with `body`, about `scan_ref`.
    pub(super) fn ok(scan_ref: String, body: T) -> Self {
        Self::with_status(StatusCode::OK, scan_ref, body)
    }

    /// `status` with `body`, about `scan_ref`.
    pub(super) fn with_status(status: StatusCode, scan_ref: String, body: T) -> Self {
        Self {
            status,
            scan_ref,
            body,
        }
    }
}

impl<T: Serialize> IntoResponse for ApiAnswer<T> {
    fn into_response(self) -> Response {
        let mut bytes = Vec::with_capacity(BODY_CAPACITY);
        serde_json::to_writer(&mut bytes, &self.body).expect("API answers serialize to JSON");
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response();
        response
            .extensions_mut()
            .insert(AnsweredScanRef(self.scan_ref));
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    use serde_json::json;

    use super::ApiAnswer;
    use crate::server::logging::AnsweredScanRef;

    #[tokio::test]
    async fn an_answer_is_its_status_json_body_and_scan_ref() {
        let body = json!({"scanRef": "s-1", "note": "x".repeat(3000)});
        let response =
            ApiAnswer::with_status(StatusCode::CREATED, "s-1".to_owned(), &body).into_response();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(
            response
                .extensions()
                .get::<AnsweredScanRef>()
                .map(|told| told.0.as_str()),
            Some("s-1")
        );
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            body
        );
        let ok = ApiAnswer::ok("s-2".to_owned(), json!({})).into_response();
        assert_eq!(ok.status(), StatusCode::OK);
    }
}
