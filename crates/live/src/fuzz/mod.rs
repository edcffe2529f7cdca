//! Property-based testing of a team's own webhook endpoint (`fuzz_endpoint`):
//! sequences of genuine webhooks from `idenfy_gen::delivery` (several verifications, manual
//! reviews, duplicates, late retries, unknown tags and fields), the endpoint's answers and, with a
//! [`Probe`](crate::probe::Probe), what its system then holds, checked against `idenfy_model::decision`. A failing
//! case is shrunk by proptest to a minimal one and written down as a [`ReplayFile`], which
//! [`replay_file`] sends again byte for byte. [`run_matrix_to`] is the exhaustive companion:
//! every status triple through the API, its webhooks forwarded to the team's endpoint.
//!
//! Properties: every genuine webhook is answered 2xx, none ever 5xx; with a probe, each
//! verification ends as the reference decision; with the metamorphic check, replacing the
//! approving review's face or document value with a failing one never leaves the system more
//! trusting (`idenfy_model::decision::more_trusting`, words mapped back through `--expect`).
//!
//! Every execution, shrinking steps included, draws fresh `scanRef`s from the run's salt and an
//! execution counter, so no case meets state an earlier one left; the same seed and salt give
//! the same requests, byte for byte.

mod exchange;
mod forward;
mod replay;
mod runner;

pub use exchange::{ProbeReport, Property, StepReport};
pub use forward::{
    ForwardOptions, ForwardReport, Mishandled, MishandledGroup, forward_matrix, run_matrix_to,
};
pub use replay::{
    REPLAY_FORMAT, REPLAY_VERSION, ReplayFile, ReplayOptions, ReplayReport, ReplayStep,
    ReplayVerification, replay_file,
};
pub use runner::{
    DEFAULT_CASES, DEFAULT_MAX_SHRINK_ITERS, FuzzConfig, FuzzFailure, FuzzProgress, FuzzReport,
    fuzz_endpoint, fuzz_endpoint_with_progress,
};
