//! Test data worth trusting: consistent fake identities, valid token requests by construction,
//! invalid ones that break exactly one named rule, the full dummy status matrix, and webhooks
//! consistent with a verification, all seeded and reproducible.

pub mod identity;
pub mod seed;
pub mod webhook;

pub use identity::Identity;
pub use seed::{rng_from_seed, runner_from_seed, sample};
pub use webhook::{WebhookContext, auto_webhook, identification_webhook, manual_webhook};
