//! Async client, webhook receiver, end-to-end scenarios and contract checks for iDenfy's DEV
//! API, against the real API or the `idenfy-sim` simulator.
//!
//! - [`Client`]: `create_token`, `create_dummy_token`, `add_dummy_status`, `status`, typed with
//!   `idenfy-model`, with one matchable [`Error`] and retries ([`RetryPolicy`]) that never
//!   repeat a token creation that may have reached the server.
//! - [`WebhookReceiver`]: a local endpoint that records and verifies webhooks, for any test.
//! - [`scenario`]: the dummy flow (token, auto webhook, manual status, manual webhook) checked
//!   against `idenfy_model::rules`, and the whole status matrix run over it.
//! - `fuzz_endpoint`: property-based testing of a team's own webhook endpoint
//!   with shrinking to a minimal case, written as a [`ReplayFile`] that [`replay_file`]
//!   resends; [`run_matrix_to`] forwards the status matrix's webhooks to it; [`probe`] reads
//!   what the team's system holds.
//! - [`webhook`]: webhooks sent to a team's own endpoint through `idenfy_sender::Sender`, and
//!   the forgery battery that grades its signature check ([`webhook::battery`]).
//!
//! Every type has one path: the core (client, errors, retries, receiver) lives in private
//! modules re-exported here at the root; the two families [`scenario`] and [`webhook`] are
//! public modules whose items are never re-exported at the root. Anything that names a URL says
//! `url` (`WebhookReceiver::url`, `ClientBuilder::base_url`, `ReceiverBuilder::public_url`),
//! after iDenfy's `callbackUrl` and the `url` crate; `uri()` is left to servers started
//! wiremock-style, such as `idenfy_sim::Simulator::uri`. Types that will grow are
//! `#[non_exhaustive]`; options are built from `Default` with setters.

mod api;
mod client;
mod error;
mod fuzz;
pub mod probe;
mod receiver;
mod retry;
pub mod scenario;
pub mod webhook;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, Endpoint, RawResponse};
pub use error::{
    BODY_EXCERPT_CHARS, DEFAULT_RATE_LIMIT_WAIT, Error, HttpError, PartnerEnvironment,
};
pub use fuzz::{
    DEFAULT_CASES, DEFAULT_MAX_SHRINK_ITERS, FuzzConfig, FuzzFailure, FuzzProgress, FuzzReport,
    fuzz_endpoint, fuzz_endpoint_with_progress,
};
pub use fuzz::{
    ForwardOptions, ForwardReport, Mishandled, MishandledGroup, ProbeReport, Property,
    REPLAY_FORMAT, REPLAY_VERSION, ReplayFile, ReplayOptions, ReplayReport, ReplayStep,
    ReplayVerification, StepReport, forward_matrix, replay_file, run_matrix_to,
};
pub use receiver::{
    ReceivedWebhook, ReceiverBuilder, SignatureCheck, WEBHOOK_PATH, WebhookReceiver,
};
pub use retry::{Idempotency, RetryPolicy};
