//! `POST /api/v2/status`: a verification's current statuses.

use idenfy_model::{ScanRefRequest, StatusResponse};

use crate::client::{Client, Endpoint};
use crate::error::Error;

impl Client {
    /// The statuses of the verification `scan_ref` (manual ones empty until reviewed).
    ///
    /// Read-only, so it is retried on 429, 5xx, timeouts and connection failures. iDenfy asks
    /// integrations not to poll it: use webhooks, and this call as a fallback.
    pub async fn status(&self, scan_ref: &str) -> Result<StatusResponse, Error> {
        let request = ScanRefRequest {
            scan_ref: scan_ref.to_owned(),
        };
        self.call(Endpoint::Status, &request).await
    }
}
