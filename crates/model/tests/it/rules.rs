//! The behavioural rules: environments, dummy auto results, the manual overall status.

use idenfy_model::environment::Environment;
use idenfy_model::error::messages;
use idenfy_model::rules::*;
use idenfy_model::webhook::WebhookEventType;
use idenfy_model::*;

#[test]
fn only_dev_may_call_the_dummy_endpoints() {
    assert_eq!(dummy_endpoint_error(&Environment::Dev), None);
    let demo = dummy_endpoint_error(&Environment::Demo).unwrap();
    assert_eq!(
        demo.message,
        "This endpoint is not available for DEMO partners."
    );
    assert_eq!(demo.identifier, ErrorIdentifier::PermissionsError);
    assert_eq!(demo.http_status(), 403);
    for environment in [Environment::Test, Environment::Prod, Environment::from("X")] {
        let error = dummy_endpoint_error(&environment).unwrap();
        assert_eq!(error.message, messages::NOT_FOR_TESTING_PRODUCTION);
        assert_eq!(
            error.message,
            "This endpoint is not available for TESTING/PRODUCTION partners."
        );
    }
}

#[test]
fn approved_only_for_face_match_with_doc_validated() {
    for face in FaceStatus::DUMMY_MANUAL {
        for document in DocumentStatus::DUMMY_MANUAL {
            let expected =
                if *face == FaceStatus::FaceMatch && *document == DocumentStatus::DocValidated {
                    OverallStatus::Approved
                } else {
                    OverallStatus::Denied
                };
            assert_eq!(
                overall_after_manual_review(face, document),
                expected,
                "{face} {document}"
            );
        }
    }
}

#[test]
fn each_accepted_dummy_status_has_an_auto_result() {
    for dummy in DummyStatus::ACCEPTED {
        let result = auto_result(dummy).unwrap();
        assert_eq!(result.status.overall.as_str(), dummy.as_str());
        assert_eq!(result.status.manual_face, None);
        assert_eq!(result.status.manual_document, None);
        let tagged = !result.status.fraud_tags.is_empty();
        assert_eq!(
            tagged,
            *dummy == DummyStatus::Suspected,
            "only SUSPECTED carries tags"
        );
        if *dummy == DummyStatus::Expired {
            assert_eq!(result.event, WebhookEventType::IdentificationExpired);
            assert!(result.is_final);
        } else {
            assert_eq!(result.event, WebhookEventType::IdentificationAutoFinished);
            assert!(!result.is_final);
        }
    }
    assert_eq!(auto_result(&DummyStatus::Active), None);
    assert_eq!(auto_result(&DummyStatus::from("NEW")), None);
}

#[test]
fn manual_review_keeps_auto_statuses_and_sets_the_overall_status() {
    let auto = auto_result(&DummyStatus::Suspected).unwrap().status;
    let reviewed =
        status_after_manual_review(&auto, &FaceStatus::FaceMatch, &DocumentStatus::DocValidated);
    assert_eq!(reviewed.overall, OverallStatus::Approved);
    assert_eq!(reviewed.auto_face, auto.auto_face);
    assert_eq!(reviewed.auto_document, auto.auto_document);
    assert_eq!(reviewed.fraud_tags, auto.fraud_tags);
    assert_eq!(reviewed.manual_face, Some(FaceStatus::FaceMatch));
    assert_eq!(reviewed.manual_document, Some(DocumentStatus::DocValidated));
    assert_eq!(
        reviewed,
        WebhookStatus {
            overall: OverallStatus::Approved,
            manual_face: Some(FaceStatus::FaceMatch),
            manual_document: Some(DocumentStatus::DocValidated),
            ..auto.clone()
        }
    );
    let denied =
        status_after_manual_review(&auto, &FaceStatus::FakeFace, &DocumentStatus::DocExpired);
    assert_eq!(denied.overall, OverallStatus::Denied);
    assert_eq!(denied.manual_face, Some(FaceStatus::FakeFace));
    assert_eq!(denied.manual_document, Some(DocumentStatus::DocExpired));
    assert_eq!(denied.suspicion_reasons, auto.suspicion_reasons);
}

#[test]
fn each_dummy_auto_result_is_the_documented_reading() {
    let status = |overall, face, document, tagged: bool| WebhookStatus {
        overall,
        suspicion_reasons: Some(if tagged {
            vec![SuspicionReason::FaceSuspected]
        } else {
            vec![]
        }),
        fraud_tags: if tagged {
            vec![FraudTag::FaceSuspected]
        } else {
            vec![]
        },
        mismatch_tags: vec![],
        auto_face: face,
        manual_face: None,
        auto_document: document,
        manual_document: None,
        additional_steps: None,
    };
    let check = |dummy: DummyStatus, event, is_final, expected: WebhookStatus| {
        assert_eq!(
            auto_result(&dummy),
            Some(AutoResult {
                event,
                is_final,
                status: expected
            }),
            "{dummy}"
        );
    };
    let finished = WebhookEventType::IdentificationAutoFinished;
    let (matched, validated) = (
        Some(FaceStatus::FaceMatch),
        Some(DocumentStatus::DocValidated),
    );
    check(
        DummyStatus::Approved,
        finished.clone(),
        false,
        status(
            OverallStatus::Approved,
            matched.clone(),
            validated.clone(),
            false,
        ),
    );
    check(
        DummyStatus::Denied,
        finished.clone(),
        false,
        status(
            OverallStatus::Denied,
            Some(FaceStatus::FaceMismatch),
            validated.clone(),
            false,
        ),
    );
    check(
        DummyStatus::Suspected,
        finished,
        false,
        status(OverallStatus::Suspected, matched, validated, true),
    );
    check(
        DummyStatus::Expired,
        WebhookEventType::IdentificationExpired,
        true,
        status(OverallStatus::Expired, None, None, false),
    );
}
