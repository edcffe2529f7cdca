//! Webhooks of generated verifications: statuses from the model's rules, identifiers from the
//! request, ordered timestamps, both webhooks of a triple, JSON round trips.

use idenfy_gen::verification::{arb_any_auto_webhook, arb_auto_webhook, arb_webhook_pair};
use idenfy_gen::{Verification, WebhookPair};
use idenfy_model::rules::{MANUAL_REVIEW_EVENT, auto_result, overall_after_manual_review};
use idenfy_model::{DummyStatus, IdentificationWebhook, OverallStatus};
use proptest::prelude::*;

use crate::support::{check_property, defaults};

/// Fails unless the body's identifiers come from the verification and its times are ordered.
fn belongs_to(
    body: &IdentificationWebhook,
    verification: &Verification,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(&body.scan_ref, &verification.scan_ref);
    prop_assert_eq!(&body.client_id, &verification.request.client_id);
    prop_assert_eq!(&body.external_ref, &verification.request.external_ref);
    prop_assert_eq!(body.start_time, Some(verification.start_time));
    prop_assert_eq!(
        body.finish_time,
        Some(verification.start_time + defaults().processing_seconds)
    );
    Ok(())
}

/// Fails unless `body` survives serialize, parse.
fn round_trips(body: &IdentificationWebhook) -> Result<(), TestCaseError> {
    let json = serde_json::to_vec(body).unwrap();
    prop_assert_eq!(
        &serde_json::from_slice::<IdentificationWebhook>(&json).unwrap(),
        body
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn both_webhooks_of_a_triple_follow_the_rules(pair in arb_webhook_pair(defaults())) {
        let WebhookPair { triple, verification, auto, manual } = &pair;
        prop_assert_eq!(verification.request.dummy_status.as_ref(), Some(&triple.auto));
        prop_assert_eq!(verification.request.validate(), vec![]);

        let expected = auto_result(&triple.auto).unwrap();
        prop_assert_eq!(&auto.0, &expected.event);
        prop_assert_eq!(auto.1.is_final, expected.is_final);
        prop_assert_eq!(&auto.1.status, &expected.status);

        let (manual_event, manual_final) = MANUAL_REVIEW_EVENT;
        prop_assert_eq!(&manual.0, &manual_event);
        prop_assert_eq!(manual.1.is_final, manual_final);
        prop_assert_eq!(&manual.1.status.overall, &overall_after_manual_review(&triple.face, &triple.document));
        prop_assert_eq!(manual.1.status.manual_face.as_ref(), Some(&triple.face));
        prop_assert_eq!(manual.1.status.manual_document.as_ref(), Some(&triple.document));
        // The manual review keeps the automatic statuses and tags.
        prop_assert_eq!(&manual.1.status.auto_face, &auto.1.status.auto_face);
        prop_assert_eq!(&manual.1.status.auto_document, &auto.1.status.auto_document);
        prop_assert_eq!(&manual.1.status.fraud_tags, &auto.1.status.fraud_tags);
        prop_assert_eq!(&manual.1.status.mismatch_tags, &auto.1.status.mismatch_tags);
        prop_assert_eq!(&manual.1.status.suspicion_reasons, &auto.1.status.suspicion_reasons);

        for body in [&auto.1, &manual.1] {
            belongs_to(body, verification)?;
            round_trips(body)?;
        }
        let json = serde_json::to_vec(&pair).unwrap();
        prop_assert_eq!(&serde_json::from_slice::<WebhookPair>(&json).unwrap(), &pair);
    }

    #[test]
    fn data_comes_from_the_request_or_the_identity(pair in arb_webhook_pair(defaults())) {
        let verification = &pair.verification;
        let data = pair.manual.1.data.as_ref().unwrap();
        if pair.triple.auto == DummyStatus::Expired {
            // Nothing was analysed, before or after the manual review.
            for body in [&pair.auto.1, &pair.manual.1] {
                prop_assert_eq!(body.data.as_ref().unwrap(), &Default::default());
                prop_assert_eq!(body.platform.as_ref(), None);
                prop_assert!(body.file_urls.as_ref().unwrap().is_empty());
            }
            return Ok(());
        }
        // The files match the document: a passport has no back side.
        let has_back = pair.manual.1.file_urls.as_ref().unwrap().contains_key("BACK");
        prop_assert_eq!(has_back, data.doc_type != Some(idenfy_model::DocumentType::Passport));
        let first = verification.request.first_name.as_deref().unwrap_or(&verification.identity.first_name);
        prop_assert_eq!(data.doc_first_name.clone(), Some(first.to_uppercase()));
        let number = verification.request.personal_number.as_deref().unwrap_or(&verification.identity.personal_number);
        prop_assert_eq!(data.doc_personal_code.as_deref(), Some(number));
    }

    #[test]
    fn scan_refs_are_version_four_uuids(pair in arb_webhook_pair(defaults())) {
        let uuid = uuid::Uuid::parse_str(&pair.verification.scan_ref).unwrap();
        prop_assert_eq!(uuid.get_version_num(), 4);
        prop_assert_eq!(uuid.hyphenated().to_string(), pair.verification.scan_ref.clone());
    }

    #[test]
    fn open_values_come_from_the_defaults(pair in arb_webhook_pair(defaults())) {
        let defaults = defaults();
        let took_place = pair.triple.auto != DummyStatus::Expired;
        for body in [&pair.auto.1, &pair.manual.1] {
            prop_assert_eq!(body.platform.clone(), took_place.then(|| defaults.platform.clone()));
            prop_assert_eq!(body.client_ip.as_deref(), took_place.then_some(defaults.client_ip));
            for url in body.file_urls.as_ref().unwrap().values() {
                let url = url.as_deref().unwrap();
                let prefix = format!("https://files.example.test/{}/", pair.verification.scan_ref);
                prop_assert!(url.starts_with(&prefix), "{url}");
            }
        }
    }

    #[test]
    fn any_auto_webhook_follows_its_status((verification, (event, body)) in arb_any_auto_webhook(defaults())) {
        let status = verification.request.dummy_status.clone().unwrap();
        let expected = auto_result(&status).unwrap();
        prop_assert_eq!(event, expected.event);
        prop_assert_eq!(&body.status, &expected.status);
        belongs_to(&body, &verification)?;
        round_trips(&body)?;
    }
}

#[test]
fn auto_webhooks_exist_for_accepted_statuses_only() {
    for status in DummyStatus::ACCEPTED {
        let strategy = arb_auto_webhook(status.clone(), defaults()).expect("accepted status");
        check_property(
            status.as_str(),
            &strategy,
            32,
            |(verification, (_, body))| {
                prop_assert_eq!(verification.request.dummy_status.as_ref(), Some(status));
                prop_assert_eq!(
                    &body.status.overall,
                    &auto_result(status).unwrap().status.overall
                );
                if body.status.overall == OverallStatus::Expired {
                    prop_assert_eq!(body.file_urls.as_ref().map(|urls| urls.len()), Some(0));
                    prop_assert_eq!(body.platform, None);
                }
                Ok(())
            },
        );
    }
    assert!(arb_auto_webhook(DummyStatus::Active, defaults()).is_none());
    assert!(arb_auto_webhook(DummyStatus::from("PENDING"), defaults()).is_none());
}

/// The automatic `APPROVED` webhook's `data` for `request` made with `identity`.
fn approved_data(
    identity: &idenfy_gen::Identity,
    request: &idenfy_model::TokenRequest,
) -> idenfy_model::IdentificationData {
    let context = idenfy_gen::webhook::WebhookContext {
        scan_ref: "scan-1",
        request,
        identity,
        start_time: 1_700_000_000,
        defaults: &defaults(),
    };
    let (_, webhook) = idenfy_gen::auto_webhook(&context, &DummyStatus::Approved).unwrap();
    webhook.data.unwrap()
}

#[test]
fn data_takes_the_request_s_values_and_the_identity_s_for_the_others() {
    use idenfy_model::{AgeEstimate, DocumentSex, Sex};
    let identity = idenfy_gen::Identity::fake_in("LT", &mut idenfy_gen::rng_from_seed(3)).unwrap();
    let bare = idenfy_model::TokenRequest {
        client_id: "c".to_owned(),
        ..Default::default()
    };
    let from_identity = approved_data(&identity, &bare);
    let first = identity.first_name.to_uppercase();
    let last = identity.last_name.to_uppercase();
    let dob = identity.date_of_birth.to_string();
    let text = |value: &Option<String>| value.clone().unwrap();
    assert_eq!(
        [
            &from_identity.doc_first_name,
            &from_identity.doc_last_name,
            &from_identity.org_first_name,
            &from_identity.org_last_name,
            &from_identity.full_name,
            &from_identity.doc_number,
            &from_identity.doc_personal_code,
            &from_identity.doc_dob,
            &from_identity.doc_expiry,
            &from_identity.doc_date_of_issue,
            &from_identity.doc_nationality,
            &from_identity.doc_issuing_country,
            &from_identity.selected_country,
            &from_identity.address,
        ]
        .map(text),
        [
            first.clone(),
            last.clone(),
            first.clone(),
            last.clone(),
            format!("{first} {last}"),
            identity.document_number.clone(),
            identity.personal_number.clone(),
            dob,
            identity.date_of_expiry.to_string(),
            identity.date_of_issue.to_string(),
            identity.nationality.clone(),
            identity.issuing_country.clone(),
            identity.issuing_country.clone(),
            identity.address.clone(),
        ]
    );
    assert_eq!(from_identity.doc_sex, Some(identity.document_sex()));
    assert_eq!(from_identity.doc_type, Some(identity.document_type.clone()));
    assert_eq!(from_identity.manually_data_changed, Some(false));
    assert!(from_identity.age_estimate.is_some());

    let given = idenfy_model::TokenRequest {
        first_name: Some("Ona".to_owned()),
        last_name: Some("Onaitė".to_owned()),
        document_number: Some("AB1234567".to_owned()),
        personal_number: Some("49001010000".to_owned()),
        date_of_birth: Some("2010-06-30".to_owned()),
        date_of_expiry: Some("2031-01-01".to_owned()),
        date_of_issue: Some("2021-01-02".to_owned()),
        nationality: Some("lv".to_owned()),
        country: Some("ee".to_owned()),
        address: Some("Gatvė 1".to_owned()),
        sex: Some(Sex::Female),
        ..bare.clone()
    };
    let from_request = approved_data(&identity, &given);
    assert_eq!(
        [
            &from_request.doc_first_name,
            &from_request.doc_last_name,
            &from_request.full_name,
            &from_request.doc_number,
            &from_request.doc_personal_code,
            &from_request.doc_dob,
            &from_request.doc_expiry,
            &from_request.doc_date_of_issue,
            &from_request.doc_nationality,
            &from_request.doc_issuing_country,
            &from_request.selected_country,
            &from_request.address,
        ]
        .map(text),
        [
            "ONA",
            "ONAITĖ",
            "ONA ONAITĖ",
            "AB1234567",
            "49001010000",
            "2010-06-30",
            "2031-01-01",
            "2021-01-02",
            "LV",
            "EE",
            "EE",
            "Gatvė 1",
        ]
    );
    // The request's sex wins over the identity's, whichever it is.
    let person = |sex: Sex| {
        (0..)
            .map(|seed| {
                idenfy_gen::Identity::fake_in("LT", &mut idenfy_gen::rng_from_seed(seed)).unwrap()
            })
            .find(|person| person.sex == sex)
            .unwrap()
    };
    for (given, other, shown) in [
        (Sex::Female, Sex::Male, DocumentSex::Female),
        (Sex::Male, Sex::Female, DocumentSex::Male),
    ] {
        let request = idenfy_model::TokenRequest {
            sex: Some(given),
            ..bare.clone()
        };
        assert_eq!(approved_data(&person(other), &request).doc_sex, Some(shown));
    }
    // 15 on the reference date, 2026-01-01.
    assert_eq!(from_request.age_estimate, Some(AgeEstimate::Over13));
}

#[test]
fn the_age_group_is_the_age_on_the_reference_date() {
    use idenfy_model::AgeEstimate::*;
    let identity = idenfy_gen::Identity::fake_in("LT", &mut idenfy_gen::rng_from_seed(3)).unwrap();
    let group = |date_of_birth: &str| {
        let request = idenfy_model::TokenRequest {
            client_id: "c".to_owned(),
            date_of_birth: Some(date_of_birth.to_owned()),
            ..Default::default()
        };
        approved_data(&identity, &request).age_estimate.unwrap()
    };
    for (born, expected) in [
        ("1996-01-01", Over30),
        ("1996-01-02", Over25),
        ("2001-01-01", Over25),
        ("2001-01-02", Over22),
        ("2004-01-01", Over22),
        ("2004-01-02", Over21),
        ("2005-01-01", Over21),
        ("2005-01-02", Over18),
        ("2008-01-01", Over18),
        ("2008-01-02", Over16),
        ("2010-01-01", Over16),
        ("2010-01-02", Over13),
        ("2013-01-01", Over13),
        ("2013-01-02", Over8),
        ("2018-01-01", Over8),
        ("2018-01-02", Under8),
        ("2027-01-01", Under8),
        ("not a date", Under8),
    ] {
        assert_eq!(group(born), expected, "born {born}");
    }
}
