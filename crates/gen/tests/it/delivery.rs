//! Delivery sequences: genuine signatures, salted `scanRef`s, final webhooks never reordered,
//! the reference decision each verification ends with, shrinking, and the metamorphic variant.

use idenfy_gen::delivery::*;
use idenfy_gen::sample;
use idenfy_model::decision::{Decision, more_trusting};
use idenfy_model::rules::overall_after_manual_review;
use idenfy_model::*;
use proptest::prop_assert_eq;

use crate::support::{check_property, defaults, fully_shrunk};

fn key() -> SigningKey {
    SigningKey::new("delivery-key")
}

/// What a verification of `plan` should end as, said independently of the model's rule: its
/// last review, else its automatic result.
fn ends_as(plan: &VerificationPlan) -> Decision {
    match plan.reviews.last() {
        Some(review) => Decision {
            overall: overall_after_manual_review(&review.face, &review.document),
            is_final: true,
        },
        None => Decision {
            overall: rules::auto_result(&plan.auto).unwrap().status.overall,
            is_final: plan.auto == DummyStatus::Expired,
        },
    }
}

#[test]
fn every_step_is_genuine_and_every_verification_ends_as_its_last_result() {
    check_property(
        "sequences",
        &arb_delivery_sequence(DeliveryLimits::default()),
        128,
        |plan| {
            let sequence = plan.sign(&key(), &defaults(), 7).unwrap();
            for step in &sequence.steps {
                verify(&key(), &step.webhook.body, &step.webhook.signature).unwrap();
                let value: serde_json::Value = serde_json::from_slice(&step.webhook.body).unwrap();
                let scan_ref = &sequence.verifications[step.verification].scan_ref;
                prop_assert_eq!(value["scanRef"].as_str(), Some(scan_ref.as_str()));
            }
            for (plan, verification) in plan.verifications.iter().zip(&sequence.verifications) {
                prop_assert_eq!(verification.expected.clone(), Some(ends_as(plan)));
            }
            Ok(())
        },
    );
}

#[test]
fn final_webhooks_of_a_verification_arrive_in_the_order_issued() {
    check_property(
        "order",
        &arb_delivery_sequence(DeliveryLimits::default()),
        128,
        |plan| {
            let sequence = plan.sign(&key(), &defaults(), 1).unwrap();
            for index in 0..sequence.verifications.len() {
                let finish_times: Vec<i64> = sequence
                    .steps
                    .iter()
                    .filter(|step| step.verification == index)
                    .filter_map(|step| {
                        serde_json::from_slice::<IdentificationWebhook>(&step.webhook.body).ok()
                    })
                    .filter(|body| body.is_final)
                    .map(|body| body.finish_time.unwrap())
                    .collect();
                let mut sorted = finish_times.clone();
                sorted.sort();
                prop_assert_eq!(&finish_times, &sorted);
                // Every issued webhook a second after the one before, as the simulator's.
                let mut distinct: Vec<i64> = sequence
                    .steps
                    .iter()
                    .filter(|step| step.verification == index)
                    .filter_map(|step| {
                        serde_json::from_slice::<IdentificationWebhook>(&step.webhook.body).ok()
                    })
                    .map(|body| body.finish_time.unwrap())
                    .collect();
                distinct.sort();
                distinct.dedup();
                let first = distinct[0];
                let expected: Vec<i64> = (0..=plan.verifications[index].reviews.len() as i64)
                    .map(|k| first + k)
                    .collect();
                prop_assert_eq!(distinct, expected);
            }
            Ok(())
        },
    );
}

#[test]
fn the_salt_changes_the_scan_refs_and_nothing_else_changes_the_bytes() {
    let plans = sample(&arb_delivery_sequence(DeliveryLimits::default()), 3, 8);
    for plan in &plans {
        let first = plan.sign(&key(), &defaults(), 1).unwrap();
        assert_eq!(first, plan.sign(&key(), &defaults(), 1).unwrap());
        let other = plan.sign(&key(), &defaults(), 2).unwrap();
        for (a, b) in first.verifications.iter().zip(&other.verifications) {
            assert_ne!(a.scan_ref, b.scan_ref);
            assert_eq!(a.expected, b.expected);
        }
        let labels = |sequence: &DeliverySequence| -> Vec<String> {
            sequence
                .steps
                .iter()
                .map(|step| step.label.clone())
                .collect()
        };
        assert_eq!(labels(&first), labels(&other));
    }
    assert_eq!(
        plans,
        sample(&arb_delivery_sequence(DeliveryLimits::default()), 3, 8)
    );
}

#[test]
fn perturbations_and_extras_show_in_the_steps() {
    let plan = fully_shrunk(&arb_delivery_sequence(DeliveryLimits::default()), 5);
    let mut verification = plan.verifications[0].clone();
    verification.reviews = vec![Review {
        face: FaceStatus::FaceMatch,
        document: DocumentStatus::DocExpired,
    }];
    verification.perturbations = vec![
        Perturbation::Delay(0),
        Perturbation::LateRetry(3),
        Perturbation::Duplicate(1),
    ];
    verification.extras = vec![
        Extra::UnknownFraudTag(1),
        Extra::UnknownMismatchTag(2),
        Extra::UnknownField(1),
        Extra::DocumentExpiration,
    ];
    let plan = DeliveryPlan {
        style: BodyStyle::SpacedAscii,
        verifications: vec![verification],
    };
    let sequence = plan.sign(&key(), &defaults(), 9).unwrap();
    let labels: Vec<&str> = sequence
        .steps
        .iter()
        .map(|step| step.label.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "review 1 FACE_MATCH/DOC_EXPIRED (+ unknown fraud tag, unknown field)",
            "review 1 FACE_MATCH/DOC_EXPIRED (+ unknown fraud tag, unknown field), duplicate",
            "review 1 FACE_MATCH/DOC_EXPIRED (+ unknown fraud tag, unknown field), duplicate",
            "auto APPROVED (+ unknown mismatch tag), delayed",
            "document expiration notice",
        ]
    );
    let review = sequence.steps[0].webhook.body_text();
    assert!(review.contains("\"FUTURE_FRAUD_TAG\""), "{review}");
    assert!(review.contains("\"futureField\": {"), "{review}");
    assert!(
        sequence.steps[3]
            .webhook
            .body_text()
            .contains("FUTURE_MISMATCH_TAG")
    );
    assert_eq!(
        sequence.steps[4].webhook.event,
        WebhookEventType::DocumentExpiration
    );
    assert_eq!(
        sequence.verifications[0].expected,
        Some(Decision {
            overall: OverallStatus::Denied,
            is_final: true
        })
    );
}

#[test]
fn shrinking_ends_at_one_approved_verification_with_one_webhook() {
    for seed in 0..8 {
        let plan = fully_shrunk(&arb_delivery_sequence(DeliveryLimits::default()), seed);
        assert_eq!(plan.style, BodyStyle::Compact);
        assert_eq!(plan.verifications.len(), 1);
        let only = &plan.verifications[0];
        assert_eq!(only.auto, DummyStatus::Approved);
        assert!(only.reviews.is_empty() && only.perturbations.is_empty() && only.extras.is_empty());
        assert_eq!(plan.sign(&key(), &defaults(), 0).unwrap().steps.len(), 1);
    }
}

#[test]
fn the_failing_variant_is_never_more_trusting() {
    check_property(
        "variant",
        &arb_delivery_sequence(DeliveryLimits::default()),
        128,
        |plan| {
            for value in [ManualValue::Face, ManualValue::Document] {
                let Some((variant, index)) = plan.failing_variant(value) else {
                    let approved_by_review = plan.verifications.iter().any(|verification| {
                        verification.reviews.last().is_some_and(|review| {
                            overall_after_manual_review(&review.face, &review.document)
                                == OverallStatus::Approved
                        })
                    });
                    prop_assert_eq!(approved_by_review, false);
                    continue;
                };
                let original = plan.sign(&key(), &defaults(), 3).unwrap();
                let changed = variant.sign(&key(), &defaults(), 4).unwrap();
                let before = original.verifications[index].expected.clone().unwrap();
                let after = changed.verifications[index].expected.clone().unwrap();
                prop_assert_eq!(&before.overall, &OverallStatus::Approved);
                prop_assert_eq!(after.overall.clone(), OverallStatus::Denied);
                prop_assert_eq!(more_trusting(&after.overall, &before.overall), false);
                prop_assert_eq!(variant.verifications.len(), plan.verifications.len());
            }
            Ok(())
        },
    );
}
