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
    let denied =
        status_after_manual_review(&auto, &FaceStatus::FakeFace, &DocumentStatus::DocValidated);
    assert_eq!(denied.overall, OverallStatus::Denied);
    assert_eq!(
        MANUAL_REVIEW_EVENT,
        (WebhookEventType::IdentificationManualFinished, true)
    );
}
