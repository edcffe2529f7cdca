//! The dummy status matrix: every (automatic result, manual face result, manual document
//! result) triple the DEV environment can force, enumerated from the model's constant slices.

use std::fmt;

use idenfy_model::{AddDummyStatusRequest, DocumentStatus, DummyStatus, FaceStatus};
use proptest::prelude::Strategy;
use proptest::sample::select;
use serde::{Deserialize, Serialize};

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

/// Any triple of the matrix, shrinking toward (`APPROVED`, `FACE_MATCH`, `DOC_VALIDATED`), the
/// first value of each slice.
pub fn arb_triple() -> impl Strategy<Value = Triple> + Clone {
    (
        select(DummyStatus::ACCEPTED),
        select(FaceStatus::DUMMY_MANUAL),
        select(DocumentStatus::DUMMY_MANUAL),
    )
        .prop_map(|(auto, face, document)| Triple {
            auto,
            face,
            document,
        })
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
