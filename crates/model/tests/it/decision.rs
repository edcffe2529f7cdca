//! The reference decision: which webhook stands, duplicates, events without a decision, and
//! the trust order of the metamorphic checks.

use idenfy_model::decision::*;
use idenfy_model::*;

/// A minimal identification webhook of `overall`, `final` and `finishTime`.
fn webhook(
    overall: OverallStatus,
    is_final: bool,
    finish_time: Option<i64>,
) -> IdentificationWebhook {
    let body = serde_json::json!({
        "final": is_final,
        "platform": null,
        "status": {"overall": overall.as_str()},
        "data": null,
        "fileUrls": null,
        "scanRef": "s",
        "clientId": "c",
        "finishTime": finish_time,
    });
    serde_json::from_value(body).unwrap()
}

fn decide(received: &[(WebhookEventType, IdentificationWebhook)]) -> Option<Decision> {
    reference_decision(received.iter().map(|(event, body)| (event, body)))
}

fn decision(overall: OverallStatus, is_final: bool) -> Option<Decision> {
    Some(Decision { overall, is_final })
}

const AUTO: WebhookEventType = WebhookEventType::IdentificationAutoFinished;
const MANUAL: WebhookEventType = WebhookEventType::IdentificationManualFinished;

#[test]
fn nothing_received_is_no_decision() {
    assert_eq!(decide(&[]), None);
}

#[test]
fn an_auto_result_stands_until_the_review() {
    let auto = webhook(OverallStatus::Approved, false, Some(10));
    assert_eq!(
        decide(&[(AUTO, auto.clone())]),
        decision(OverallStatus::Approved, false)
    );
    let review = webhook(OverallStatus::Denied, true, Some(11));
    assert_eq!(
        decide(&[(AUTO, auto.clone()), (MANUAL, review.clone())]),
        decision(OverallStatus::Denied, true)
    );
}

#[test]
fn a_late_non_final_webhook_never_replaces_a_final_one() {
    let auto = webhook(OverallStatus::Approved, false, Some(10));
    let review = webhook(OverallStatus::Denied, true, Some(11));
    for received in [
        vec![(MANUAL, review.clone()), (AUTO, auto.clone())],
        vec![
            (AUTO, auto.clone()),
            (MANUAL, review.clone()),
            (AUTO, auto.clone()),
        ],
    ] {
        assert_eq!(decide(&received), decision(OverallStatus::Denied, true));
    }
    // A final webhook stands over a held non-final one that says it finished later.
    let late_auto = webhook(OverallStatus::Approved, false, Some(99));
    assert_eq!(
        decide(&[(AUTO, late_auto), (MANUAL, review.clone())]),
        decision(OverallStatus::Denied, true)
    );
    // Even a non-final webhook that says it finished later.
    let later_auto = webhook(OverallStatus::Approved, false, Some(99));
    assert_eq!(
        decide(&[(MANUAL, review), (AUTO, later_auto)]),
        decision(OverallStatus::Denied, true)
    );
}

#[test]
fn among_final_webhooks_the_latest_finish_time_stands() {
    let first = webhook(OverallStatus::Denied, true, Some(11));
    let second = webhook(OverallStatus::Approved, true, Some(12));
    let in_order = [(MANUAL, first.clone()), (MANUAL, second.clone())];
    let reordered = [(MANUAL, second), (MANUAL, first.clone())];
    assert_eq!(decide(&in_order), decision(OverallStatus::Approved, true));
    assert_eq!(decide(&reordered), decision(OverallStatus::Approved, true));
    // Equal finishTime (or none): the one that arrived last.
    let same_time = webhook(OverallStatus::Approved, true, Some(11));
    assert_eq!(
        decide(&[(MANUAL, first.clone()), (MANUAL, same_time.clone())]),
        decision(OverallStatus::Approved, true)
    );
    assert_eq!(
        decide(&[(MANUAL, same_time), (MANUAL, first)]),
        decision(OverallStatus::Denied, true)
    );
    let untimed = webhook(OverallStatus::Suspected, true, None);
    let timed = webhook(OverallStatus::Denied, true, Some(1));
    assert_eq!(
        decide(&[(MANUAL, timed), (MANUAL, untimed)]),
        decision(OverallStatus::Denied, true)
    );
}

#[test]
fn among_non_final_webhooks_the_latest_finish_time_stands() {
    let early = webhook(OverallStatus::Suspected, false, Some(5));
    let late = webhook(OverallStatus::Approved, false, Some(6));
    assert_eq!(
        decide(&[(AUTO, late), (AUTO, early)]),
        decision(OverallStatus::Approved, false)
    );
}

#[test]
fn duplicates_change_nothing() {
    let auto = webhook(OverallStatus::Suspected, false, Some(10));
    let review = webhook(OverallStatus::Approved, true, Some(11));
    let once = [(AUTO, auto.clone()), (MANUAL, review.clone())];
    let twice = [
        (AUTO, auto.clone()),
        (AUTO, auto.clone()),
        (MANUAL, review.clone()),
        (MANUAL, review),
        (AUTO, auto),
    ];
    assert_eq!(decide(&once), decide(&twice));
}

#[test]
fn only_identification_events_carry_a_decision() {
    let review = webhook(OverallStatus::Denied, true, Some(11));
    let later = webhook(OverallStatus::Approved, true, Some(12));
    for event in [
        WebhookEventType::DocumentExpiration,
        WebhookEventType::VideoCallFinished,
        WebhookEventType::from("IDENTIFICATION_FROM_THE_FUTURE"),
    ] {
        assert!(!carries_decision(&event), "{event}");
        assert_eq!(
            decide(&[(MANUAL, review.clone()), (event.clone(), later.clone())]),
            decision(OverallStatus::Denied, true),
            "{event}"
        );
        assert_eq!(decide(&[(event, later.clone())]), None);
    }
    for event in [
        WebhookEventType::Identification,
        WebhookEventType::IdentificationAutoFinished,
        WebhookEventType::IdentificationManualFinished,
        WebhookEventType::IdentificationResubmitted,
        WebhookEventType::IdentificationCancelled,
        WebhookEventType::IdentificationExpired,
    ] {
        assert!(carries_decision(&event), "{event}");
        assert_eq!(
            decide(&[(MANUAL, review.clone()), (event.clone(), later.clone())]),
            decision(OverallStatus::Approved, true),
            "{event}"
        );
    }
}

#[test]
fn an_expired_verification_holds_expired_until_a_review() {
    let expired = webhook(OverallStatus::Expired, true, Some(10));
    assert_eq!(
        decide(&[(WebhookEventType::IdentificationExpired, expired.clone())]),
        decision(OverallStatus::Expired, true)
    );
    let review = webhook(OverallStatus::Approved, true, Some(11));
    assert_eq!(
        decide(&[
            (WebhookEventType::IdentificationExpired, expired),
            (MANUAL, review)
        ]),
        decision(OverallStatus::Approved, true)
    );
}

#[test]
fn trust_orders_approved_over_suspected_over_the_refusals() {
    use OverallStatus::*;
    assert_eq!(trust_rank(&Approved), Some(2));
    assert_eq!(trust_rank(&Suspected), Some(1));
    assert_eq!(trust_rank(&Denied), Some(0));
    assert_eq!(trust_rank(&Expired), Some(0));
    for none in [
        Active,
        Reviewing,
        Deleted,
        Archived,
        ExpiredDeleted,
        OverallStatus::from("NEW"),
    ] {
        assert_eq!(trust_rank(&none), None, "{none}");
        assert!(!more_trusting(&none, &Denied));
        assert!(!more_trusting(&Approved, &none));
    }
    assert!(more_trusting(&Approved, &Suspected));
    assert!(more_trusting(&Suspected, &Denied));
    assert!(!more_trusting(&Denied, &Expired));
    assert!(!more_trusting(&Expired, &Denied));
    assert!(!more_trusting(&Approved, &Approved));
    assert!(!more_trusting(&Denied, &Approved));
}

#[test]
fn only_face_match_and_doc_validated_pass_review() {
    let passing_faces: Vec<_> = FaceStatus::DUMMY_MANUAL
        .iter()
        .filter(|face| face_passes(face))
        .collect();
    assert_eq!(passing_faces, [&FaceStatus::FaceMatch]);
    let passing_documents: Vec<_> = DocumentStatus::DUMMY_MANUAL
        .iter()
        .filter(|document| document_passes(document))
        .collect();
    assert_eq!(passing_documents, [&DocumentStatus::DocValidated]);
}

#[test]
fn a_decision_serializes_with_the_wire_word_final() {
    let json = serde_json::to_value(Decision {
        overall: OverallStatus::Denied,
        is_final: true,
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({"overall": "DENIED", "final": true})
    );
}
