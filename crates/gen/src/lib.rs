//! Test data worth trusting for iDenfy integrations: consistent fake identities, valid token
//! requests by construction, invalid ones that break exactly one named rule, body-level
//! breakage the typed requests cannot express, the full dummy status matrix, and webhooks
//! consistent with a verification; all seeded and reproducible.
//!
//! Every `arb_*` function is a [proptest] strategy. Strategies build valid values by
//! construction, never by filtering, and shrink toward simple values: a token request toward
//! one holding only its `clientId`, a status triple toward (`APPROVED`, `FACE_MATCH`,
//! `DOC_VALIDATED`).
//!
//! | Module | What it generates |
//! |---|---|
//! | [`identity`] | people and documents that agree with each other |
//! | [`numbers`] | personal and document numbers with real check digits |
//! | [`token`] | valid `POST /api/v2/token` bodies |
//! | [`invalid`] | token bodies breaking one rule; [`invalid::sample_invalid`] for any rule |
//! | [`dummy`] | `POST /api/v2/add-dummy-status` bodies, valid and invalid |
//! | [`json_breakage`] | bodies broken below the types, with the error they get |
//! | [`matrix`](mod@matrix) | any of the 4 × 11 × 28 status triples of [`idenfy_model::matrix`] |
//! | [`webhook`] | webhook bodies from a verification and the model's rules |
//! | [`verification`] | generated verifications and both their webhooks |
//! | [`signed`] | genuine signed webhooks in either body style, and bytes re-serializers change |
//! | [`forgery`] | the forgeries a careful webhook endpoint refuses, as data |
//! | [`delivery`] | delivery sequences for fuzzing a webhook consumer, with the reference decision |
//! | [`seed`] | the seeded generator [`SeededRng`], seeded runners and [`sample`] |
//!
//! # Reproducibility
//!
//! [`sample`], [`runner_from_seed`] and [`rng_from_seed`] draw from ChaCha20 ([`SeededRng`])
//! seeded with a named `u64`, so the same seed gives the same values, byte for byte, in every
//! process on every machine. Dates are relative to [`identity::REFERENCE_DATE`], never the
//! clock. The bytes are a function of the seed *and* of the versions of `chacha20`, `rand`,
//! `proptest` and `fake` (their streams, strategies and word lists), which this crate pins
//! exactly, of their own dependencies, which only a lock file holds (this workspace's
//! `Cargo.lock`, or yours), and of this crate: upgrading any of them may change the generated
//! bytes, which shows up as a fixture diff to review, not as a bug.
//!
//! ```
//! use idenfy_gen::{sample, token::arb_token_request};
//!
//! let requests = sample(&arb_token_request(), 42, 3);
//! assert!(requests.iter().all(|request| request.validate().is_empty()));
//! assert_eq!(requests, sample(&arb_token_request(), 42, 3));
//! ```

pub mod delivery;
pub mod dummy;
pub mod forgery;
pub mod identity;
pub mod invalid;
pub mod json_breakage;
pub mod matrix;
pub mod numbers;
mod places;
pub mod seed;
mod shape;
pub mod signed;
pub mod token;
pub mod verification;
pub mod webhook;

pub use delivery::{DeliveryLimits, DeliveryPlan, DeliverySequence, arb_delivery_sequence};
pub use forgery::{Forgery, ForgeryKind, forgeries};
pub use identity::{Identity, arb_identity};
pub use invalid::{InvalidCase, InvalidRequest};
pub use json_breakage::{BreakageKind, JsonBreakage};
pub use matrix::arb_triple;
pub use seed::{
    SeededRng, rng_from_seed, runner_from_seed, runner_from_seed_with, sample, samples,
};
pub use signed::{arb_signed_webhook, unusual_bytes};
pub use token::{arb_dummy_token_request, arb_legacy_token_request, arb_token_request};
pub use verification::{Verification, WebhookPair, scan_ref};
pub use webhook::{
    WebhookContext, WebhookDefaults, auto_webhook, identification_webhook, manual_webhook,
};
