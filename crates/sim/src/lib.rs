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
//! HTTP routes, all but `GET /sim/health` behind HTTP Basic auth with the configured key pair:
//! - `POST /api/v2/token`: 201 [`idenfy_model::TokenResponse`].
//! - `POST /api/v2/add-dummy-status`: 200 [`idenfy_model::AddDummyStatusResponse`].
//! - `POST /api/v2/status`: 200 [`idenfy_model::StatusResponse`].
//! - `GET /sim/health`: 200 `{"status":"ok"}`.
//! - `GET /sim/webhooks?scanRef=&event=&state=&after=&limit=`: 200, one page of [`Delivery`].
//! - `GET /sim/webhooks/wait?scanRef=&event=&timeoutMs=`: 200, the first finished
//!   [`Delivery`], or 404 at the timeout.
//! - `POST /sim/webhooks/{id}/release`, `POST /sim/webhooks/{id}/redeliver`: steer one
//!   delivery ([`Simulator::release`], [`Simulator::redeliver`]).
//! - `POST /sim/faults` `{"status","count"}`, `POST /sim/reset` ([`Simulator::reset`]).
//! - `GET /sim/`, `GET /sim/deliveries/{id}`: the web page of verifications and webhooks
//!   (HTML; the browser asks for the credentials), with `POST /sim/deliveries/{id}/release` and
//!   `POST /sim/deliveries/{id}/redeliver` behind its buttons.
//!
//! Every `POST` under `/sim/` whose `Origin` header names another site answers 403. Each API
//! request and each webhook attempt is a `tracing` event ([`REQUEST_LOG_TARGET`],
//! [`DELIVERY_LOG_TARGET`]).
//!
//! Every error of the API and the control API has iDenfy's `{"identifier", "message"}` shape (the
//! `/sim/` page answers HTML). Every behaviour the iDenfy docs
//! leave open is decided in [`assumptions`], which `docs/ASSUMPTIONS.md` lists as well.

pub mod assumptions;
mod auth;
mod callbacks;
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
pub use server::logging::{DELIVERY_LOG_TARGET, REQUEST_LOG_TARGET};
pub use simulator::{
    DEFAULT_API_KEY, DEFAULT_API_SECRET, DEFAULT_SIGNING_KEY, Simulator, SimulatorBuilder,
};

/// What can go wrong starting or querying a simulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listening address could not be bound.
    #[error("cannot listen on {addr}")]
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
    /// The delivery finished as `FAILED`.
    #[error("{event} webhook for scanRef {scan_ref} failed: {attempts}")]
    DeliveryFailed {
        /// The verification waited on.
        scan_ref: String,
        /// The event waited for.
        event: WebhookEventType,
        /// Every attempt, described: number, then status or error.
        attempts: String,
        /// The failed delivery.
        delivery: Box<Delivery>,
    },
    /// No kept delivery has this id (never queued, or forgotten past the journal's cap).
    #[error("no delivery with id {id}")]
    UnknownDelivery {
        /// The id asked for.
        id: u64,
    },
    /// Only a `HELD` delivery can be released.
    #[error("delivery {id} is {}, not HELD: only a held delivery can be released", state.as_str())]
    NotHeld {
        /// The delivery.
        id: u64,
        /// Where it stands.
        state: DeliveryState,
    },
    /// The delivery journal is full of unfinished deliveries, none of which is dropped.
    #[error("{0}")]
    JournalFull(String),
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
