//! Offline simulator of iDenfy's DEV API: token creation with dummy results,
//! `add-dummy-status`, the status API, validation, balance, rate limits and signed webhooks.
//!
//! Run it in-process, wiremock-style:
//!
//! ```no_run
//! # async fn example() -> Result<(), idenfy_sim::SimError> {
//! use std::time::Duration;
//! use idenfy_model::WebhookEventType;
//!
//! let simulator = idenfy_sim::Simulator::builder()
//!     .default_webhook_url("http://127.0.0.1:9000/webhooks/idenfy")
//!     .seed(7)
//!     .start()
//!     .await?;
//! // Point the code under test at simulator.uri() with simulator.credentials(), then:
//! let delivery = simulator
//!     .wait_for("the-scan-ref", &WebhookEventType::IdentificationAutoFinished, Duration::from_secs(5))
//!     .await?;
//! println!("{} answered {:?}", delivery.target, delivery.attempts.last());
//! # Ok(()) }
//! ```
//!
//! or standalone, for any language: `idenfy-testkit serve --api-key K --api-secret S
//! --signing-key W` (see the README).
//!
//! HTTP routes, all behind HTTP Basic auth with the configured key pair:
//! - `POST /api/v2/token`: 201 [`idenfy_model::TokenResponse`].
//! - `POST /api/v2/add-dummy-status`: 200 [`idenfy_model::AddDummyStatusResponse`].
//! - `POST /api/v2/status`: 200 [`idenfy_model::StatusResponse`].
//! - `GET /sim/webhooks`: 200, a JSON array of [`Delivery`].
//!
//! Every error has iDenfy's `{"identifier", "message"}` shape. Every behaviour the iDenfy docs
//! leave open is decided in [`assumptions`], which the README's *Simulator assumptions* section
//! lists as well.

pub mod assumptions;
mod auth;
mod delivery;
mod errors;
mod routes;
mod server;
mod simulator;
mod state;

use std::net::SocketAddr;
use std::time::Duration;

use idenfy_model::WebhookEventType;

pub use delivery::{Attempt, Delivery, DeliveryState, ShutdownReport, Unfinished};
pub use simulator::{
    DEFAULT_API_KEY, DEFAULT_API_SECRET, DEFAULT_SIGNING_KEY, Simulator, SimulatorBuilder,
};

/// What can go wrong starting or querying a simulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listening address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// A setting cannot be honoured.
    #[error("invalid simulator configuration: {0}")]
    InvalidConfig(String),
    /// No matching delivery finished in time.
    #[error("no {event} webhook for scanRef {scan_ref} finished within {timeout:?}")]
    WaitTimeout {
        /// The verification waited on.
        scan_ref: String,
        /// The event waited for.
        event: WebhookEventType,
        /// How long the wait lasted.
        timeout: Duration,
    },
    /// The verification has neither a `callbackUrl` nor a default webhook URL, so no webhook
    /// will ever be sent for it.
    #[error(
        "verification {scan_ref} has no webhook target: give the token a callbackUrl or the \
         simulator a default webhook URL"
    )]
    NoWebhookTarget {
        /// The verification waited on.
        scan_ref: String,
    },
}
