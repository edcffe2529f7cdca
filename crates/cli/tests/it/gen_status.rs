//! `gen add-dummy-status` and `gen matrix`: bodies the endpoint accepts, every accepted pair
//! and triple once, the expected results from the model's rules, and refused values named
//! with the accepted ones.

use std::collections::BTreeSet;

use idenfy_model::rules::{auto_result, overall_after_manual_review};
use idenfy_model::{AddDummyStatusRequest, DocumentStatus, FaceStatus, Triple, matrix};
use serde_json::Value;

use crate::support::run;

const SCAN_REF: &str = "5c8d7f7e-4b1a-4c3e-9f0a-2d6b8e1c3a57";

#[test]
fn one_pair_gives_one_body_the_endpoint_accepts() {
    let bodies: Vec<AddDummyStatusRequest> = run(&[
        "gen",
        "add-dummy-status",
        "--scan-ref",
        SCAN_REF,
        "--face",
        "fake_face",
        "--doc",
        "DOC_EXPIRED",
    ])
    .success()
    .json_lines();
    assert_eq!(
        bodies,
        vec![AddDummyStatusRequest {
            scan_ref: SCAN_REF.to_owned(),
            manual_face_match_result: FaceStatus::FakeFace,
            manual_document_validity: DocumentStatus::DocExpired,
        }]
    );
    assert_eq!(bodies[0].validate(), vec![]);
}

#[test]
fn all_gives_every_accepted_pair_once() {
    let bodies: Vec<AddDummyStatusRequest> =
        run(&["gen", "add-dummy-status", "--scan-ref", SCAN_REF, "--all"])
            .success()
            .json_lines();
    let pairs: BTreeSet<(FaceStatus, DocumentStatus)> = bodies
        .iter()
        .map(|body| {
            assert_eq!(body.scan_ref, SCAN_REF);
            assert_eq!(body.validate(), vec![]);
            (
                body.manual_face_match_result.clone(),
                body.manual_document_validity.clone(),
            )
        })
        .collect();
    assert_eq!(bodies.len(), pairs.len(), "no pair twice");
    assert_eq!(
        pairs.len(),
        FaceStatus::DUMMY_MANUAL.len() * DocumentStatus::DUMMY_MANUAL.len()
    );
}

#[test]
fn values_the_endpoint_refuses_are_named_with_the_accepted_ones() {
    let args = |face: &str, doc: &str| {
        run(&[
            "gen",
            "add-dummy-status",
            "--scan-ref",
            SCAN_REF,
            "--face",
            face,
            "--doc",
            doc,
        ])
    };
    args("FACE_GLARED", "DOC_VALIDATED").fails_with(
        2,
        &[
            "invalid value 'FACE_GLARED' for '--face <FACE>'",
            "FACE_MATCH",
            "FAKE_FACE",
        ],
    );
    args("FACE_MATCH", "NFC_FAILED").fails_with(
        2,
        &[
            "invalid value 'NFC_FAILED' for '--doc <DOC>'",
            "DOC_VALIDATED",
            "DOC_NATIONALITY_ERROR",
        ],
    );
    let too_long = "x".repeat(41);
    run(&["gen", "add-dummy-status", "--scan-ref", &too_long, "--all"]).fails_with(
        2,
        &["the endpoint would refuse --scan-ref", "1 to 40 characters"],
    );
    run(&["gen", "add-dummy-status", "--scan-ref", SCAN_REF])
        .fails_with(2, &["--face <FACE>|--all"]);
    run(&[
        "gen",
        "add-dummy-status",
        "--scan-ref",
        SCAN_REF,
        "--face",
        "FACE_MATCH",
    ])
    .fails_with(2, &["--doc <DOC>"]);
    run(&[
        "gen",
        "add-dummy-status",
        "--scan-ref",
        SCAN_REF,
        "--all",
        "--face",
        "FACE_MATCH",
    ])
    .fails_with(2, &["cannot be used with"]);
}

#[test]
fn matrix_lists_every_triple_in_order_with_the_rules_results() {
    let lines: Vec<Value> = run(&["gen", "matrix"]).success().json_lines();
    let triples: Vec<Triple> = lines
        .iter()
        .map(|line| serde_json::from_value(line.clone()).unwrap())
        .collect();
    assert_eq!(triples, matrix());
    for (line, triple) in lines.iter().zip(&triples) {
        let auto = auto_result(&triple.auto).unwrap();
        assert_eq!(line["autoEvent"], auto.event.as_str(), "{line}");
        assert_eq!(line["autoOverall"], auto.status.overall.as_str(), "{line}");
        let manual = overall_after_manual_review(&triple.face, &triple.document);
        assert_eq!(line["manualOverall"], manual.as_str(), "{line}");
        assert_eq!(line.as_object().unwrap().len(), 6, "{line}");
    }
}

#[test]
fn matrix_filters_take_the_same_flags_as_the_matrix_command() {
    let lines: Vec<Value> = run(&[
        "gen",
        "matrix",
        "--auto",
        "denied",
        "--doc",
        "DOC_VALIDATED",
    ])
    .success()
    .json_lines();
    let expected: Vec<Triple> = matrix()
        .into_iter()
        .filter(|triple| {
            triple.auto.as_str() == "DENIED" && triple.document.as_str() == "DOC_VALIDATED"
        })
        .collect();
    assert_eq!(expected.len(), 11, "one per face value");
    let got: Vec<Triple> = lines
        .iter()
        .map(|line| serde_json::from_value(line.clone()).unwrap())
        .collect();
    assert_eq!(got, expected);
    let one: Vec<Value> = run(&[
        "gen",
        "matrix",
        "--auto",
        "APPROVED",
        "--face",
        "FACE_MATCH",
        "--doc",
        "DOC_VALIDATED",
    ])
    .success()
    .json_lines();
    assert_eq!(one.len(), 1);
    run(&["gen", "matrix", "--face", "DOC_VALIDATED"]).fails_with(2, &["invalid value"]);
}
