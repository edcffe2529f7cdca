//! End-to-end scenarios against the DEV API or the simulator: one dummy flow, checked step by
//! step against `idenfy_model::rules`, and the whole status matrix run over it.

mod compare;
mod flow;
mod matrix;

use idenfy_model::{DocumentStatus, DummyStatus, FaceStatus};
use serde::{Deserialize, Serialize};

pub use flow::{Difference, FlowOptions, FlowOutcome, FlowStep, dummy_flow};
pub use matrix::{MatrixOptions, MatrixReport, Progress, run_matrix};

/// One cell of the status matrix: the forced automatic result and the forced manual one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DummyCase {
    /// `dummyStatus` of the token.
    pub auto: DummyStatus,
    /// `manualFaceMatchResult` of add-dummy-status.
    pub face: FaceStatus,
    /// `manualDocumentValidity` of add-dummy-status.
    pub document: DocumentStatus,
}

impl DummyCase {
    /// Every case the dummy endpoints accept: [`DummyStatus::ACCEPTED`] x
    /// [`FaceStatus::DUMMY_MANUAL`] x [`DocumentStatus::DUMMY_MANUAL`] (4 x 11 x 28 = 1232), in
    /// that nesting order.
    pub fn all() -> Vec<DummyCase> {
        let mut cases = Vec::with_capacity(
            DummyStatus::ACCEPTED.len()
                * FaceStatus::DUMMY_MANUAL.len()
                * DocumentStatus::DUMMY_MANUAL.len(),
        );
        for auto in DummyStatus::ACCEPTED {
            for face in FaceStatus::DUMMY_MANUAL {
                for document in DocumentStatus::DUMMY_MANUAL {
                    cases.push(DummyCase {
                        auto: auto.clone(),
                        face: face.clone(),
                        document: document.clone(),
                    });
                }
            }
        }
        cases
    }
}

impl std::fmt::Display for DummyCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {} / {}", self.auto, self.face, self.document)
    }
}

/// A duration in whole milliseconds, saturating.
fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
