//! Fake identities: dates that agree, names the API accepts, nationality and locale that fit.

use chrono::{Days, Months};
use idenfy_gen::identity::REFERENCE_DATE;
use idenfy_gen::{Identity, arb_identity, rng_from_seed};
use idenfy_model::{DocumentType, Rule, Sex, TokenRequest};
use proptest::prelude::*;

use crate::support::fully_shrunk;

/// A token request carrying every identity field the API takes.
fn request_from(identity: &Identity) -> TokenRequest {
    TokenRequest {
        first_name: Some(identity.first_name.clone()),
        last_name: Some(identity.last_name.clone()),
        date_of_birth: Some(identity.date_of_birth.to_string()),
        date_of_expiry: Some(identity.date_of_expiry.to_string()),
        date_of_issue: Some(identity.date_of_issue.to_string()),
        nationality: Some(identity.nationality.clone()),
        country: Some(identity.issuing_country.clone()),
        personal_number: Some(identity.personal_number.clone()),
        document_number: Some(identity.document_number.clone()),
        sex: Some(identity.sex.clone()),
        address: Some(identity.address.clone()),
        locale: Some(identity.locale.clone()),
        documents: Some(vec![identity.document_type.clone()]),
        ..TokenRequest::new("client")
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn dates_agree_with_each_other_and_the_reference_date(identity in arb_identity()) {
        let adult_on = identity.date_of_birth + Months::new(18 * 12);
        prop_assert!(identity.date_of_issue > adult_on, "issued before the 18th birthday: {identity:?}");
        prop_assert!(identity.date_of_expiry > identity.date_of_issue);
        prop_assert!(identity.date_of_issue <= REFERENCE_DATE && REFERENCE_DATE < identity.date_of_expiry,
            "not valid on the reference date: {identity:?}");
        let age = REFERENCE_DATE.years_since(identity.date_of_birth).unwrap();
        prop_assert!((18..=80).contains(&age), "age {age}");
    }

    #[test]
    fn every_identity_field_passes_validation(identity in arb_identity()) {
        prop_assert_eq!(request_from(&identity).validate(), vec![]);
    }

    #[test]
    fn names_pass_the_name_rules(identity in arb_identity()) {
        let request = TokenRequest {
            first_name: Some(identity.first_name.clone()),
            last_name: Some(identity.last_name.clone()),
            ..TokenRequest::new("client")
        };
        let rules: Vec<Rule> = request.validate().iter().map(|v| v.rule).collect();
        prop_assert!(rules.is_empty(), "{rules:?} for {identity:?}");
        prop_assert!(!identity.first_name.trim().is_empty() && !identity.last_name.trim().is_empty());
    }

    #[test]
    fn lithuanians_carry_a_personal_code_of_their_birth_date_and_sex(seed in any::<u64>()) {
        let identity = Identity::fake_in("lt", &mut rng_from_seed(seed)).unwrap();
        let code = &identity.personal_number;
        prop_assert_eq!(code.len(), 11);
        let expected_first = match (identity.date_of_birth.format("%C").to_string().as_str(), &identity.sex) {
            ("19", Sex::Male) => '3',
            ("19", _) => '4',
            ("20", Sex::Male) => '5',
            _ => '6',
        };
        prop_assert_eq!(code.chars().next(), Some(expected_first));
        prop_assert_eq!(&code[1..7], identity.date_of_birth.format("%y%m%d").to_string());
        let check = idenfy_gen::identity::lithuanian_check_digit(&code[..10]);
        prop_assert_eq!(code[10..].parse::<u32>().unwrap(), check);
    }

    #[test]
    fn text_fields_hold_no_template_placeholders(identity in arb_identity()) {
        for text in [&identity.first_name, &identity.last_name, &identity.address, &identity.city] {
            prop_assert!(!text.contains(['{', '}']) && !text.contains("  ") && text.trim() == text, "{text:?}");
        }
    }

    #[test]
    fn residence_permits_belong_to_foreigners_and_passports_to_citizens(identity in arb_identity()) {
        if identity.document_type == DocumentType::ResidencePermit {
            prop_assert_ne!(&identity.nationality, &identity.issuing_country);
        } else {
            prop_assert_eq!(&identity.nationality, &identity.issuing_country);
        }
    }

    #[test]
    fn identities_round_trip_through_json(identity in arb_identity()) {
        let json = serde_json::to_vec(&identity).unwrap();
        prop_assert_eq!(serde_json::from_slice::<Identity>(&json).unwrap(), identity);
    }
}

#[test]
fn fake_in_draws_from_the_named_country_in_any_case() {
    for country in Identity::countries() {
        let lower = country.to_ascii_lowercase();
        let identity = Identity::fake_in(&lower, &mut rng_from_seed(1)).unwrap();
        assert_eq!(identity.issuing_country, country);
    }
    assert_eq!(Identity::fake_in("XX", &mut rng_from_seed(1)), None);
}

#[test]
fn fake_is_a_function_of_the_stream() {
    let first = Identity::fake(&mut rng_from_seed(9));
    assert_eq!(first, Identity::fake(&mut rng_from_seed(9)));
    assert_ne!(first, Identity::fake(&mut rng_from_seed(10)));
}

#[test]
fn identities_shrink_to_a_young_lithuanian_with_a_fresh_passport() {
    for seed in [0, 1, 2, 3] {
        let identity = fully_shrunk(&arb_identity(), seed);
        assert_eq!(identity.issuing_country, "LT");
        assert_eq!(identity.nationality, "LT");
        assert_eq!(identity.sex, Sex::Male);
        assert_eq!(identity.document_type, DocumentType::Passport);
        assert_eq!(identity.date_of_birth, REFERENCE_DATE - Days::new(18 * 366));
        let adult_on = identity.date_of_birth + Months::new(18 * 12);
        assert_eq!(identity.date_of_issue, adult_on + Days::new(1));
        // The names and numbers follow seed 0, so every seed shrinks to the same person.
        assert_eq!(identity, fully_shrunk(&arb_identity(), 0));
    }
}
