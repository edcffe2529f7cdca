//! HTTP Basic authentication with the configured API key pair, compared in constant time by
//! [`idenfy_model::ApiCredentials::matches_authorization_header`]; the web page's routes also
//! ask the browser for the credentials (`WWW-Authenticate`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use idenfy_model::ApiError;

use crate::errors::ApiRejection;
use crate::state::AppState;

/// Lets the request through when its `Authorization` header carries the configured
/// credentials; otherwise answers 401 `UNAUTHORIZED` "Invalid authorization credentials".
pub(crate) async fn require_credentials(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if authorized(&state, &request) {
        next.run(request).await
    } else {
        unauthorized()
    }
}

/// The 401 `UNAUTHORIZED` answer.
pub(crate) fn unauthorized() -> Response {
    ApiRejection::from(ApiError::unauthorized()).into_response()
}

/// [`require_credentials`] for the web page: the 401 also carries `WWW-Authenticate`, so that
/// the browser asks for the API key and secret.
pub(crate) async fn require_credentials_or_prompt(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if authorized(&state, &request) {
        return next.run(request).await;
    }
    let mut response = unauthorized();
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"idenfy-sim\", charset=\"UTF-8\""),
    );
    response
}

/// Whether the request's `Authorization` header carries the configured credentials.
pub(crate) fn authorized(state: &AppState, request: &Request) -> bool {
    request.headers().get(AUTHORIZATION).is_some_and(|value| {
        state
            .settings
            .credentials
            .matches_authorization_header(value.as_bytes())
    })
}
