//! The web page under `/sim/`: server-rendered HTML of the verifications and their webhooks
//! ([`list`]) and of one delivery ([`detail`]), with release and redeliver buttons that post to
//! routes calling the same code as the control API. Behind the API's credentials (the browser
//! asks for them), same-origin `POST`s only; a small script ([`JS_PATH`](html::JS_PATH)) polls
//! for updates, and every list works without it.

mod detail;
mod html;
mod list;

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use self::html::{CSS_PATH, JS_PATH, problem};
use self::list::{Filter, MAX_ROWS, STATES};
use super::origin;
use crate::SimError;
use crate::auth::require_credentials_or_prompt;
use crate::delivery::Delivery;
use crate::state::{AppState, lock};

/// Path of the list page.
const LIST_PATH: &str = "/sim/";
/// Prefix of the delivery pages.
const DELIVERY_PREFIX: &str = "/sim/deliveries/";
/// Prefix of the page's assets.
const ASSETS_PREFIX: &str = "/sim/assets/";

/// Whether `path` is one of the page's (pages and assets), whose reads are not logged.
pub(crate) fn is_page(path: &str) -> bool {
    path == LIST_PATH || path.starts_with(DELIVERY_PREFIX) || path.starts_with(ASSETS_PREFIX)
}

/// The page's routes, behind credentials and the same-origin check.
pub(crate) fn router(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route(LIST_PATH, get(list_page))
        .route("/sim/deliveries/{id}", get(delivery_page))
        .route("/sim/deliveries/{id}/release", post(release))
        .route("/sim/deliveries/{id}/redeliver", post(redeliver))
        .route(
            CSS_PATH,
            get(|| async { html::asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            JS_PATH,
            get(|| async { html::asset("text/javascript; charset=utf-8", JS) }),
        )
        .route_layer(from_fn(origin::same_origin_posts))
        .route_layer(from_fn_with_state(
            Arc::clone(state),
            require_credentials_or_prompt,
        ))
}

/// The page's style sheet.
const CSS: &str = include_str!("page.css");
/// The page's live-update script.
const JS: &str = include_str!("live.js");

/// The query string of the list page, as a form sends it (empty fields for no filter).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(default)]
    scan_ref: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    state: String,
}

/// The list of verifications and webhooks, filtered by the query string.
async fn list_page(
    State(state): State<Arc<AppState>>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return problem(
            StatusCode::BAD_REQUEST,
            "The filter in the address is malformed.",
        );
    };
    let delivery_state = match query.state.as_str() {
        "" => None,
        name => match STATES.iter().find(|(_, known)| *known == name) {
            Some((delivery_state, _)) => Some(*delivery_state),
            None => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    &format!("Unknown state {name:?}: use HELD, PENDING, DELIVERED or FAILED."),
                );
            }
        },
    };
    let filter = Filter {
        event: (!query.event.is_empty()).then(|| query.event.as_str().into()),
        state: delivery_state,
        scan_ref: query.scan_ref,
    };
    let scan_ref = (!filter.scan_ref.is_empty()).then_some(filter.scan_ref.as_str());
    let mut deliveries: Vec<Delivery> = state
        .deliveries
        .deliveries(scan_ref, filter.event.as_ref())
        .into_iter()
        .filter(|delivery| filter.state.is_none_or(|wanted| delivery.state == wanted))
        .collect();
    deliveries.drain(..deliveries.len().saturating_sub(MAX_ROWS));
    let verifications = lock(&state.verifications);
    let shown: Vec<_> = verifications
        .newest()
        .filter(|(known, _)| scan_ref.is_none_or(|wanted| wanted == *known))
        .take(MAX_ROWS)
        .collect();
    let main = list::render(&filter, &shown, &deliveries);
    drop(verifications);
    html::page(StatusCode::OK, "Verifications and webhooks", &main)
}

/// One delivery's page.
async fn delivery_page(
    State(state): State<Arc<AppState>>,
    id: Result<Path<u64>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_a_delivery();
    };
    let Some(delivery) = state.deliveries.get(id) else {
        return unknown(id);
    };
    let redeliveries: Vec<Delivery> = state
        .deliveries
        .deliveries(Some(&delivery.scan_ref), Some(&delivery.event))
        .into_iter()
        .filter(|other| other.redelivery_of == Some(id))
        .collect();
    let main = detail::render(&delivery, &redeliveries, &state.settings.signing_key);
    html::page(StatusCode::OK, &format!("Webhook #{id}"), &main)
}

/// Releases a held delivery, then shows it again.
async fn release(
    State(state): State<Arc<AppState>>,
    id: Result<Path<u64>, PathRejection>,
) -> Response {
    steer(id, |id| state.deliveries.release(id).map(|_| id))
}

/// Sends a delivery again, then shows the new delivery.
async fn redeliver(
    State(state): State<Arc<AppState>>,
    id: Result<Path<u64>, PathRejection>,
) -> Response {
    steer(id, |id| state.deliveries.redeliver(id).map(|new| new.id))
}

/// Runs `action` on delivery `id`, then shows (303) the delivery whose id it returns; a page
/// saying what went wrong otherwise.
fn steer(
    id: Result<Path<u64>, PathRejection>,
    action: impl FnOnce(u64) -> Result<u64, SimError>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_a_delivery();
    };
    match action(id) {
        Ok(shown) => Redirect::to(&format!("{DELIVERY_PREFIX}{shown}")).into_response(),
        Err(error) => steering_problem(&error),
    }
}

/// 404 for a delivery path whose id is not a number.
fn not_a_delivery() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "No such page: a delivery id is a number.",
    )
}

fn unknown(id: u64) -> Response {
    steering_problem(&SimError::UnknownDelivery { id })
}

/// The control API's status for `error`, as a page.
fn steering_problem(error: &SimError) -> Response {
    let (status, _) = crate::assumptions::steering_error(error);
    problem(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        &error.to_string(),
    )
}
