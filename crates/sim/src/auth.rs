//! HTTP Basic authentication with the configured API key pair, compared in constant time by
//! [`idenfy_model::ApiCredentials::matches_authorization_header`].

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
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
    let authorized = request.headers().get(AUTHORIZATION).is_some_and(|value| {
        state
            .settings
            .credentials
            .matches_authorization_header(value.as_bytes())
    });
    if authorized {
        next.run(request).await
    } else {
        ApiRejection::from(ApiError::unauthorized()).into_response()
    }
}
