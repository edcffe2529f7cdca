//! End-to-end scenarios against the DEV API or the simulator: one dummy flow, checked step by
//! step against `idenfy_model::rules`, and the whole status matrix run over it.
//!
//! The cases are `idenfy_model`'s status triples: [`idenfy_model::matrix()`] lists all
//! 4 x 11 x 28 = 1232.

mod compare;
mod flow;
mod matrix;

pub use flow::{Difference, FlowOptions, FlowOutcome, FlowStep, dummy_flow};
pub use matrix::{MatrixOptions, MatrixReport, Progress, run_matrix};

/// A duration in whole milliseconds, saturating.
fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
