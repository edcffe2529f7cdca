//! The outermost middleware: every request body is read whole (at most
//! [`assumptions::MAX_BODY_BYTES`], within the body timeout) before any check answers, so that
//! an early rejection (401, 404, 429 …) leaves the connection ready for the next request. A
//! body that cannot be read so gets its answer with `Connection: close`.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{CONNECTION, CONTENT_LENGTH};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use idenfy_model::{ApiError, ErrorIdentifier};

use crate::assumptions;
use crate::errors::ApiRejection;

/// How long a request body may take to arrive, from the end of its head.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyTimeout(pub(crate) Duration);

/// Reads the body whole, then passes the request on; answers 413 at once for a
/// `Content-Length` over the limit, 413 for a longer chunked body, 408 for a body that does
/// not arrive in time, each closing the connection.
pub(crate) async fn read_whole_body(
    State(BodyTimeout(timeout)): State<BodyTimeout>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > assumptions::MAX_BODY_BYTES as u64) {
        return closing(ApiRejection::with_status(assumptions::body_too_large()));
    }
    let (parts, body) = request.into_parts();
    let limited = Limited::new(body, assumptions::MAX_BODY_BYTES);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Ok(Ok(collected)) => {
            let request = Request::from_parts(parts, Body::from(collected.to_bytes()));
            next.run(request).await
        }
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            closing(ApiRejection::with_status(assumptions::body_too_large()))
        }
        Ok(Err(error)) => closing(ApiRejection::from(ApiError::new(
            ErrorIdentifier::BadValue,
            format!("Request body could not be read: {error}."),
        ))),
        Err(_) => closing(ApiRejection::with_status(assumptions::body_timeout(
            timeout,
        ))),
    }
}

/// `rejection` with `Connection: close`: the rest of the request is not read, so the
/// connection cannot carry another one.
fn closing(rejection: ApiRejection) -> Response {
    let mut response = rejection.into_response();
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}
