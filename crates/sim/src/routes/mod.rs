//! The router: one module per resource, the middleware of the API routes (fault injection,
//! credentials, rate limit), the same-origin check of every steering `POST` under `/sim/`, the
//! activity log, and the fallbacks that keep every answer in iDenfy's error shape.

mod answer;
mod body;
mod control;
mod dummy;
mod origin;
mod status;
mod token;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::assumptions;
use crate::auth::{authorized, require_credentials, unauthorized};
use crate::errors::{self, ApiRejection};
use crate::server::logging;
use crate::state::AppState;

pub(crate) use body::BodyTimeout;
pub(crate) use view::is_page;

/// Path of token creation.
pub(crate) const TOKEN_PATH: &str = "/api/v2/token";
/// Path of the dummy manual result.
pub(crate) const ADD_DUMMY_STATUS_PATH: &str = "/api/v2/add-dummy-status";
/// Path of the status API.
pub(crate) const STATUS_PATH: &str = "/api/v2/status";
/// Path of the delivery journal.
pub(crate) const WEBHOOKS_PATH: &str = "/sim/webhooks";
/// Path of the health check, the one route without credentials.
pub(crate) const HEALTH_PATH: &str = "/sim/health";
/// Path of the server-side wait for a finished delivery.
pub(crate) const WAIT_PATH: &str = "/sim/webhooks/wait";
/// Path of the release of a held delivery.
pub(crate) const RELEASE_PATH: &str = "/sim/webhooks/{id}/release";
/// Path of a redelivery.
pub(crate) const REDELIVER_PATH: &str = "/sim/webhooks/{id}/redeliver";
/// Path of the reset to the start state.
pub(crate) const RESET_PATH: &str = "/sim/reset";
/// Path of fault injection.
pub(crate) const FAULTS_PATH: &str = "/sim/faults";

/// The simulator's router; request bodies that do not arrive within `body_timeout` answer 408.
pub(crate) fn router(state: Arc<AppState>, body_timeout: BodyTimeout) -> Router {
    // Layers run outside in: the last added runs first.
    let api = Router::new()
        .route(TOKEN_PATH, post(token::create_token))
        .route(ADD_DUMMY_STATUS_PATH, post(dummy::add_dummy_status))
        .route(STATUS_PATH, post(status::status))
        .route_layer(from_fn_with_state(Arc::clone(&state), api_gate));
    let control = Router::new()
        .route(WEBHOOKS_PATH, get(control::webhooks))
        .route(WAIT_PATH, get(control::wait))
        .route(RELEASE_PATH, post(control::release))
        .route(REDELIVER_PATH, post(control::redeliver))
        .route(FAULTS_PATH, post(control::faults))
        .route(RESET_PATH, post(control::reset))
        .route_layer(from_fn(origin::same_origin_posts))
        .route_layer(from_fn_with_state(Arc::clone(&state), require_credentials))
        .route(HEALTH_PATH, get(control::health));
    api.merge(control)
        .merge(view::router(&state))
        .fallback(errors::unknown_path)
        .method_not_allowed_fallback(errors::method_not_allowed)
        .layer(DefaultBodyLimit::max(assumptions::MAX_BODY_BYTES))
        .layer(from_fn(logging::log_request))
        .layer(from_fn_with_state(body_timeout, body::read_whole_body))
        .with_state(state)
}

/// The API routes' checks, in order (one middleware, since every API request pays for it):
/// the configured failure while fault injection lasts, 401 without the credentials, then the
/// rate limit's count or its 429.
async fn api_gate(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if let Some(fault) = state.faults.take() {
        return ApiRejection::with_status(fault).into_response();
    }
    if !authorized(&state, &request) {
        return unauthorized();
    }
    match state.rate_limit.admit() {
        Ok(()) => next.run(request).await,
        Err(error) => ApiRejection::from(error).into_response(),
    }
}
