//! `POST /api/v2/token`: creating verification sessions, with or without a dummy result.

use idenfy_model::{DummyStatus, TokenRequest, TokenResponse};

use crate::client::{Client, Endpoint};
use crate::error::Error;

impl Client {
    /// Creates a verification session (`201` with the session's `authToken` and `scanRef`).
    ///
    /// **Costs money and is not idempotent**: every token uses a verification credit. It is
    /// therefore retried only when it surely created nothing: the connection could not be
    /// established, or iDenfy refused it with 429 (rate limit). A timeout or a 5xx is returned
    /// as an error even if the retry policy would allow more attempts, because the token may
    /// already exist; check before creating another one for the same `clientId`.
    ///
    /// The request is sent as it is: iDenfy validates it, and an invalid one comes back as
    /// [`Error::InvalidRequest`] (see `TokenRequest::validate` to check it beforehand).
    pub async fn create_token(&self, request: &TokenRequest) -> Result<TokenResponse, Error> {
        self.call(Endpoint::Token, request).await
    }

    /// Creates a dummy verification (DEV only) whose automatic result is forced to `dummy`:
    /// `request` with `dummyStatus` set. iDenfy then sends the automatic-result webhook to the
    /// request's `callbackUrl` (or the dashboard's URL).
    ///
    /// Costs money and is retried like [`Client::create_token`]. Any other environment answers
    /// [`Error::WrongEnvironment`].
    pub async fn create_dummy_token(
        &self,
        request: &TokenRequest,
        dummy: DummyStatus,
    ) -> Result<TokenResponse, Error> {
        self.create_token(&with_dummy_status(request, dummy)).await
    }
}

/// `request` with `dummyStatus` set to `dummy`.
pub(crate) fn with_dummy_status(request: &TokenRequest, dummy: DummyStatus) -> TokenRequest {
    TokenRequest {
        dummy_status: Some(dummy),
        ..request.clone()
    }
}
