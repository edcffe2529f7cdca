//! Every rejection in iDenfy's `{"identifier", "message"}` shape: the API's own errors, and
//! axum's (unknown path, wrong method, body too large, wrong content type) mapped onto it, so
//! nothing a client sends gets a 5xx or a body of another shape.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use idenfy_model::{ApiError, Violation, parse_body};
use serde::de::DeserializeOwned;

use crate::assumptions;

/// An error answer: an HTTP status and iDenfy's error body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiRejection {
    status: StatusCode,
    error: ApiError,
}

impl ApiRejection {
    /// A rejection with an explicit status (for the answers [`assumptions`] chooses).
    pub(crate) fn with_status((status, error): (u16, ApiError)) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            error,
        }
    }

    /// `Ok` for a valid request; otherwise [`ApiError::for_violations`].
    pub(crate) fn unless_violations(violations: &[Violation]) -> Result<(), Self> {
        ApiError::for_violations(violations).map_or(Ok(()), |error| Err(Self::from(error)))
    }
}

impl From<ApiError> for ApiRejection {
    /// Uses the status iDenfy documents for the identifier ([`ApiError::http_status`]).
    fn from(error: ApiError) -> Self {
        Self::with_status((error.http_status(), error))
    }
}

impl From<crate::SimError> for ApiRejection {
    /// The steering routes' answers ([`assumptions::steering_error`]).
    fn from(error: crate::SimError) -> Self {
        Self::with_status(assumptions::steering_error(&error))
    }
}

impl From<crate::delivery::JournalFull> for ApiRejection {
    /// 503: the journal holds only unfinished deliveries, none of which is dropped.
    fn from(full: crate::delivery::JournalFull) -> Self {
        Self::from(crate::SimError::JournalFull(full.to_string()))
    }
}

impl IntoResponse for ApiRejection {
    /// The error body, with its identifier in the response's extensions for the activity log.
    fn into_response(self) -> Response {
        let identifier = self.error.identifier.clone();
        let mut response = (self.status, Json(self.error)).into_response();
        response.extensions_mut().insert(identifier);
        response
    }
}

/// A JSON request body parsed with [`idenfy_model::parse_body`], after the content type and
/// size checks, every failure an [`ApiRejection`]; with the body's size in bytes.
pub(crate) struct JsonBody<T>(pub(crate) T, pub(crate) usize);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        if !content_type
            .as_deref()
            .is_some_and(assumptions::is_json_content_type)
        {
            return Err(ApiRejection::with_status(assumptions::wrong_content_type(
                content_type.as_deref(),
            )));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiRejection::with_status(assumptions::body_too_large())
                } else {
                    ApiRejection::from(ApiError::new(
                        idenfy_model::ErrorIdentifier::BadValue,
                        format!("Request body could not be read: {}.", rejection.body_text()),
                    ))
                }
            })?;
        Ok(Self(parse_body(&bytes)?, bytes.len()))
    }
}

/// The router's fallback: 404 for an unknown path.
pub(crate) async fn unknown_path(method: Method, uri: Uri) -> ApiRejection {
    ApiRejection::with_status(assumptions::unknown_path(method.as_str(), uri.path()))
}

/// The router's method-not-allowed fallback: 405 `METHOD_NOT_ALLOWED`.
pub(crate) async fn method_not_allowed(method: Method, uri: Uri) -> ApiRejection {
    ApiRejection::with_status(assumptions::method_not_allowed(method.as_str(), uri.path()))
}
