//! The same-origin check of the steering `POST`s under `/sim/`: browsers resend Basic
//! credentials to the simulator from any page, so a `POST` whose `Origin` is another site's is
//! refused (403 `PERMISSIONS_ERROR`); one without `Origin` (curl, test clients) goes through.

use axum::extract::Request;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use idenfy_model::{ApiError, ErrorIdentifier};

use crate::errors::ApiRejection;

/// Lets a request through unless it is a `POST` from another origin.
pub(crate) async fn same_origin_posts(request: Request, next: Next) -> Response {
    if request.method() == Method::POST && !same_origin(request.headers()) {
        return ApiRejection::from(ApiError::new(
            ErrorIdentifier::PermissionsError,
            "Cross-origin request refused: the Origin header names another site.",
        ))
        .into_response();
    }
    next.run(request).await
}

/// Whether `Origin` is absent or names this server, as reached (`http://` and the `Host`).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let Some(host) = headers.get(HOST) else {
        return false;
    };
    origin
        .as_bytes()
        .strip_prefix(b"http://")
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host.as_bytes()))
}
