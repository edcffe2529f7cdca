//! The dummy status matrix as plain data: every (automatic result, manual face result, manual
//! document result) triple the DEV environment can force, enumerated from the model's constant
//! slices. The proptest strategy over it is `idenfy_gen::matrix::arb_triple`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{AddDummyStatusRequest, DocumentStatus, DummyStatus, FaceStatus};

/// One cell of the matrix: the `dummyStatus` of the token, then the manual result
/// `add-dummy-status` forces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Triple {
    /// The automatic result, one of [`DummyStatus::ACCEPTED`].
    pub auto: DummyStatus,
    /// The manual face result, one of [`FaceStatus::DUMMY_MANUAL`].
    pub face: FaceStatus,
    /// The manual document result, one of [`DocumentStatus::DUMMY_MANUAL`].
    pub document: DocumentStatus,
}

/// Every triple, in a stable order: automatic result, then face, then document, each in the
/// order of its constant slice. Its length is the product of the three slices' lengths.
pub fn matrix() -> Vec<Triple> {
    DummyStatus::ACCEPTED
        .iter()
        .flat_map(|auto| {
            FaceStatus::DUMMY_MANUAL.iter().flat_map(move |face| {
                DocumentStatus::DUMMY_MANUAL
                    .iter()
                    .map(move |document| Triple {
                        auto: auto.clone(),
                        face: face.clone(),
                        document: document.clone(),
                    })
            })
        })
        .collect()
}

impl Triple {
    /// The `add-dummy-status` body that forces this triple's manual result on `scan_ref`.
    pub fn add_dummy_status_request(&self, scan_ref: &str) -> AddDummyStatusRequest {
        AddDummyStatusRequest {
            scan_ref: scan_ref.to_owned(),
            manual_face_match_result: self.face.clone(),
            manual_document_validity: self.document.clone(),
        }
    }
}

impl fmt::Display for Triple {
    /// `APPROVED/FACE_MATCH/DOC_VALIDATED`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.auto, self.face, self.document)
    }
}
