//! `POST /api/v2/add-dummy-status`: forcing the manual review result of a dummy verification.

use idenfy_model::{AddDummyStatusRequest, AddDummyStatusResponse};

use crate::client::{Client, Endpoint, RawResponse};
use crate::error::Error;

impl Client {
    /// Forces the manual review result of a verification created with
    /// [`Client::create_dummy_token`] (DEV only). iDenfy then sends the
    /// `IDENTIFICATION_MANUAL_FINISHED` webhook a real review would.
    ///
    /// Free of charge, so it is retried on 429, 5xx, timeouts and connection failures. A retry
    /// after a lost answer may make iDenfy send the manual webhook twice; webhook handlers must
    /// tolerate duplicates anyway (iDenfy: "use scanRef as idempotency key").
    pub async fn add_dummy_status(
        &self,
        request: &AddDummyStatusRequest,
    ) -> Result<AddDummyStatusResponse, Error> {
        decode_add_dummy_status(&self.send_raw(Endpoint::AddDummyStatus, request).await?)
    }
}

/// The answer of add-dummy-status. iDenfy documents only "a 200 status code", so an empty
/// success body reads as an empty response rather than an undecodable one.
pub(crate) fn decode_add_dummy_status(raw: &RawResponse) -> Result<AddDummyStatusResponse, Error> {
    if raw.is_success() && raw.body.trim_ascii().is_empty() {
        return Ok(AddDummyStatusResponse::default());
    }
    raw.decode()
}
