//! The status matrix: complete, without duplicates, in a stable order, and shrinking toward the
//! approved triple.

use std::collections::BTreeSet;

use idenfy_gen::arb_triple;
use idenfy_model::{DocumentStatus, DummyStatus, FaceStatus, Triple, matrix};
use proptest::prelude::*;

use crate::support::fully_shrunk;

fn approved() -> Triple {
    Triple {
        auto: DummyStatus::Approved,
        face: FaceStatus::FaceMatch,
        document: DocumentStatus::DocValidated,
    }
}

#[test]
fn the_matrix_has_one_cell_per_triple_of_the_model_slices() {
    let cells = matrix();
    let product = DummyStatus::ACCEPTED.len()
        * FaceStatus::DUMMY_MANUAL.len()
        * DocumentStatus::DUMMY_MANUAL.len();
    assert_eq!(cells.len(), product);
    let distinct: BTreeSet<&Triple> = cells.iter().collect();
    assert_eq!(distinct.len(), cells.len(), "duplicates in the matrix");
    for auto in DummyStatus::ACCEPTED {
        for face in FaceStatus::DUMMY_MANUAL {
            for document in DocumentStatus::DUMMY_MANUAL {
                let triple = Triple {
                    auto: auto.clone(),
                    face: face.clone(),
                    document: document.clone(),
                };
                assert!(distinct.contains(&triple), "{triple} is missing");
            }
        }
    }
}

#[test]
fn the_order_is_automatic_result_then_face_then_document() {
    let cells = matrix();
    assert_eq!(cells, matrix());
    let faces = FaceStatus::DUMMY_MANUAL.len();
    let documents = DocumentStatus::DUMMY_MANUAL.len();
    for (index, cell) in cells.iter().enumerate() {
        assert_eq!(
            cell.auto,
            DummyStatus::ACCEPTED[index / (faces * documents)]
        );
        assert_eq!(
            cell.face,
            FaceStatus::DUMMY_MANUAL[index / documents % faces]
        );
        assert_eq!(
            cell.document,
            DocumentStatus::DUMMY_MANUAL[index % documents]
        );
    }
    assert_eq!(cells[0], approved());
}

#[test]
fn triples_serialize_with_wire_names_and_round_trip() {
    let json = serde_json::to_string(&approved()).unwrap();
    assert_eq!(
        json,
        r#"{"auto":"APPROVED","face":"FACE_MATCH","document":"DOC_VALIDATED"}"#
    );
    assert_eq!(approved().to_string(), "APPROVED/FACE_MATCH/DOC_VALIDATED");
    let all = serde_json::to_vec(&matrix()).unwrap();
    assert_eq!(
        serde_json::from_slice::<Vec<Triple>>(&all).unwrap(),
        matrix()
    );
}

#[test]
fn every_cell_gives_a_valid_add_dummy_status_request() {
    for cell in matrix() {
        let request = cell.add_dummy_status_request("5b0c2f4e-1d3a-11ef-9a7c-0242ac120002");
        assert_eq!(request.validate(), vec![], "{cell}");
        assert_eq!(request.manual_face_match_result, cell.face);
        assert_eq!(request.manual_document_validity, cell.document);
    }
}

#[test]
fn triples_shrink_toward_approved_face_match_doc_validated() {
    for seed in 0..32 {
        assert_eq!(fully_shrunk(&arb_triple(), seed), approved(), "seed {seed}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_triples_are_cells_of_the_matrix(triple in arb_triple()) {
        prop_assert!(matrix().contains(&triple));
    }
}
