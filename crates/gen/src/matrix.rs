//! A strategy over the dummy status matrix ([`idenfy_model::matrix`]): any (automatic result,
//! manual face result, manual document result) triple the DEV environment can force.

use idenfy_model::matrix::Triple;
use idenfy_model::{DocumentStatus, DummyStatus, FaceStatus};
use proptest::prelude::Strategy;
use proptest::sample::select;

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
