//! Every known enum value against the lists in the reference, and round trips.

use idenfy_model::environment::Environment;
use idenfy_model::error::ErrorIdentifier;
use idenfy_model::webhook::{ExpirationThreshold, WebhookEventType};
use idenfy_model::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Asserts that `values` carry exactly the comma-separated wire names of `expected`, in order,
/// and that each round-trips through JSON and `FromStr`.
fn check<T>(values: &[T], expected: &str)
where
    T: Serialize
        + DeserializeOwned
        + PartialEq
        + std::fmt::Debug
        + std::fmt::Display
        + std::str::FromStr,
    <T as std::str::FromStr>::Err: std::fmt::Debug,
{
    let expected: Vec<&str> = expected.split(',').map(str::trim).collect();
    let actual: Vec<String> = values.iter().map(ToString::to_string).collect();
    assert_eq!(actual, expected);
    for value in values {
        let json = serde_json::to_string(value).unwrap();
        assert_eq!(json, format!("\"{value}\""));
        assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
        assert_eq!(&value.to_string().parse::<T>().unwrap(), value);
    }
}

#[test]
fn overall_status_lists_the_vocabulary_page() {
    check(
        OverallStatus::ALL,
        "APPROVED, DENIED, SUSPECTED, REVIEWING, EXPIRED, ACTIVE, EXPIRED-DELETED, DELETED, ARCHIVED",
    );
}

#[test]
fn face_status_lists_oas_and_the_dummy_subset() {
    check(
        FaceStatus::ALL,
        "FACE_MATCH, FACE_NOT_CHECKED, FACE_MISMATCH, NO_FACE_FOUND, TOO_MANY_FACES, FACE_TOO_BLURRY, FACE_GLARED, \
         FACE_UNCERTAIN, FACE_NOT_ANALYSED, FACE_ERROR, AUTO_UNVERIFIABLE, FAKE_FACE",
    );
    // Verbatim from dummy-results.txt.
    check(
        FaceStatus::DUMMY_MANUAL,
        "FACE_MATCH, FACE_MISMATCH, NO_FACE_FOUND, TOO_MANY_FACES, FACE_TOO_BLURRY, FACE_UNCERTAIN, \
         FACE_NOT_ANALYSED, FACE_NOT_CHECKED, FACE_ERROR, AUTO_UNVERIFIABLE, FAKE_FACE",
    );
}

#[test]
fn document_status_lists_oas_and_the_dummy_subset() {
    check(
        DocumentStatus::ALL,
        "DOC_VALIDATED, DOC_INFO_MISMATCH, DOC_NOT_FOUND, DOC_NOT_FULLY_VISIBLE, DOC_FACE_NOT_FOUND, DOC_TOO_BLURRY, \
         DOC_GLARED, DOC_FACE_GLARED, MRZ_NOT_FOUND, MRZ_OCR_READING_ERROR, BARCODE_NOT_FOUND, DOC_EXPIRED, \
         DOC_NOT_SUPPORTED, COUNTRY_NOT_SUPPORTED, COUNTRY_MISMATCH, DOC_TYPE_MISMATCH, DOC_SUBTYPE_MISMATCH, \
         DOC_SIDE_MISMATCH, DOC_DAMAGED, DOC_FAKE, DOC_PERSONAL_CODE_INVALID, DOC_NOT_ALLOWED, DOC_NAME_ERROR, \
         DOC_SURNAME_ERROR, DOC_EXPIRY_ERROR, DOC_DOB_ERROR, DOC_PERSONAL_NUMBER_ERROR, DOC_NUMBER_ERROR, \
         DOC_DATE_OF_ISSUE_ERROR, DOC_SEX_ERROR, DOC_NATIONALITY_ERROR, DOC_NOT_ANALYSED, DOC_ERROR, AUTO_UNVERIFIABLE, \
         DOC_SPOOF_DETECTED, MRZ_INVALID, EID_FAILED, NFC_INIT_FAILED, NFC_FAILED, NFC_TIMEOUT",
    );
    check(
        DocumentStatus::DUMMY_MANUAL,
        "DOC_VALIDATED, DOC_INFO_MISMATCH, DOC_NOT_FOUND, DOC_NOT_FULLY_VISIBLE, DOC_NOT_SUPPORTED, DOC_FACE_NOT_FOUND, \
         DOC_TOO_BLURRY, DOC_FACE_GLARED, MRZ_NOT_FOUND, MRZ_OCR_READING_ERROR, BARCODE_NOT_FOUND, DOC_EXPIRED, \
         COUNTRY_MISMATCH, DOC_TYPE_MISMATCH, DOC_DAMAGED, DOC_FAKE, DOC_ERROR, AUTO_UNVERIFIABLE, DOC_NOT_ANALYSED, \
         DOC_NAME_ERROR, DOC_SURNAME_ERROR, DOC_EXPIRY_ERROR, DOC_DOB_ERROR, DOC_PERSONAL_NUMBER_ERROR, \
         DOC_NUMBER_ERROR, DOC_DATE_OF_ISSUE_ERROR, DOC_SEX_ERROR, DOC_NATIONALITY_ERROR",
    );
    assert!(
        DocumentStatus::DUMMY_MANUAL
            .iter()
            .all(|status| DocumentStatus::ALL.contains(status))
    );
}

#[test]
fn tags_and_reasons_list_the_reference() {
    check(
        FraudTag::ALL,
        "FACE_IN_BLACKLIST, DOC_FACE_IN_BLACKLIST, DATA_BLACKLISTED, DATA_IN_BLACKLIST, DUPLICATE_FACE, \
         DUPLICATE_DOC_FACE, DUPLICATE_PERSONAL_DATA, VIRTUAL_CAMERA, ADDRESS_UNVERIFIED, PORTRAIT_SUBSTITUTION, \
         FACE_SUSPECTED, FACE_BLACKLISTED, DOC_FACE_BLACKLISTED, DOC_MOBILE_PHOTO, DEV_TOOLS_OPENED, DOC_PRINT_SPOOFED, \
         FAKE_PHOTO, AML_SUSPECTION, AML_FAILED, LID_SUSPECTION, LID_FAILED, SANCTIONS_SUSPECTION, SANCTIONS_FAILED, \
         CRIMINAL_SUSPECTED, CRIMINAL_CHECK_FAILED, RC_FAILED, DL_FAILED, AUTO_UNVERIFIABLE",
    );
    check(
        MismatchTag::ALL,
        "NAME, SURNAME, DOCUMENT_NUMBER, PERSONAL_CODE, EXPIRY_DATE, DATE_OF_BIRTH, DATE_OF_ISSUE, NATIONALITY, SEX, \
         FULL_NAME, DOC_INFO_MISMATCH, UNDER_AGE, OVER_AGE, UNKNOWN_AGE, UTILITY_ADDRESS, UTILITY_NAME, \
         EXPIRED_UTILITY_BILL, INVALID_ADDITIONAL_STEP, ADDITIONAL_STEP_NOT_FOUND, ADDITIONAL_STEP_INFORMATION_MISMATCH, \
         EXPIRED_ADDITIONAL_STEP_INFORMATION, REGISTRY_CENTER_INFO_MISMATCH, DRIVER_LICENSE_INFO_MISMATCH, \
         NOT_SUPPORTED_POA_DOCUMENT_TYPE, NOT_SUPPORTED_POA_DOCUMENT_COUNTRY, POA_COUNTRIES_MISMATCH, \
         POA_SCREENSHOT_DETECTED",
    );
    check(
        SuspicionReason::ALL,
        "FACE_SUSPECTED, FACE_BLACKLISTED, DOC_FACE_BLACKLISTED, DOC_MOBILE_PHOTO, DEV_TOOLS_OPENED, \
         DOC_PRINT_SPOOFED, FAKE_PHOTO, AML_SUSPECTION, AML_FAILED, LID_SUSPECTION, LID_FAILED, AUTO_UNVERIFIABLE",
    );
    check(AdditionalStepStatus::ALL, "VALID, INVALID, NOT_FOUND");
}

#[test]
fn smaller_vocabularies_list_the_reference() {
    check(
        DocumentType::ALL,
        "ID_CARD, PASSPORT, RESIDENCE_PERMIT, DRIVER_LICENSE, PAN_CARD, AADHAAR, VISA, NATIONAL_PASSPORT, \
         PROVISIONAL_DRIVER_LICENSE, OLD_ID_CARD, MILITARY_CARD, ADDRESS_CARD, SMART_ID, CLEAR, ONE_ID, BANK_ID_SE, \
         BANK_ID_NO, BANK_ID_CZ, FTN, MIT_ID, VERIMI, LA_WALLET, SAMSUNG_WALLET, MOJE_ID_CZ, YOTI_ID, OTHER, \
         BORDER_CROSSING, ASYLUM, PHOTO_CARD, PROOF_OF_AGE_CARD, TRAVEL_CARD, SOCIAL_SECURITY_CARD, VOTER_CARD, \
         DIPLOMATIC_ID, WORK_PERMIT, INTERNATIONAL_PASSPORT",
    );
    let languages = "EN ES FR RU DE IT PL LT LV ET SV CS RO HU JA BG NL PT UK SK SI VI TH HI ID HR DA FI EL NO TR SR ZH ZH_TW";
    check(Locale::ALL, &languages.to_lowercase().replace(' ', ","));
    check(
        TokenType::ALL,
        "IDENTIFICATION, DOCUMENT, VIDEO_CALL, VIDEO_CALL_PHOTOS, VIDEO_CALL_IDENTIFICATION",
    );
    check(
        TokenType::VIDEO_CALL,
        "VIDEO_CALL, VIDEO_CALL_PHOTOS, VIDEO_CALL_IDENTIFICATION",
    );
    check(Sex::ALL, "M, F");
    check(DocumentSex::ALL, "MALE, FEMALE, UNDEFINED");
    check(
        Platform::ALL,
        "PC, MOBILE, TABLET, MOBILE_APP, MOBILE_SDK, OTHER",
    );
    check(
        AgeEstimate::ALL,
        "UNDER_13, UNDER_8, OVER_8, OVER_13, OVER_16, OVER_18, OVER_21, OVER_22, OVER_25, OVER_30",
    );
    check(
        ProxyRiskLevel::ALL,
        "VERY_LOW, LOW, MEDIUM, HIGH, VERY_HIGH, NOT_CHECKED",
    );
    check(
        WebhookEventType::ALL,
        "IDENTIFICATION, IDENTIFICATION_AUTO_FINISHED, IDENTIFICATION_MANUAL_FINISHED, IDENTIFICATION_RESUBMITTED, \
         IDENTIFICATION_CANCELLED, IDENTIFICATION_EXPIRED, DOCUMENT_EXPIRATION, VIDEO_CALL_FINISHED",
    );
    check(
        ExpirationThreshold::ALL,
        "DOCUMENT_EXPIRES_WITHIN_30_DAYS, DOCUMENT_EXPIRES_WITHIN_7_DAYS, DOCUMENT_EXPIRES_WITHIN_1_DAY, DOCUMENT_EXPIRED",
    );
    check(Environment::ALL, "DEV, DEMO, TEST, PROD");
    check(
        DummyStatus::ALL,
        "APPROVED, DENIED, SUSPECTED, EXPIRED, ACTIVE",
    );
    check(
        DummyStatus::ACCEPTED,
        "APPROVED, DENIED, SUSPECTED, EXPIRED",
    );
    check(
        ErrorIdentifier::ALL,
        "INTERNAL_ERROR, BAD_VALUE, MISSING_VALUE, UNAUTHORIZED, ENCODING_ERROR, JSON_ERROR, TOKEN_NOT_VALID, \
         PARTNER_CONTRACT_ERROR, METHOD_NOT_ALLOWED, PERMISSIONS_ERROR, TOO_MANY_REQUESTS, VALIDATION_ERROR",
    );
}

#[test]
fn case_insensitive_parsers_accept_what_the_api_accepts() {
    assert_eq!(Locale::from_any_case("EN"), Locale::En);
    assert_eq!(Locale::from_any_case("ZH_TW"), Locale::ZhTw);
    let unknown = Locale::from_any_case("Xx");
    assert!(matches!(&unknown, Locale::Other(value) if value.as_str() == "Xx"));
    assert_eq!(Environment::from_any_case("dev"), Environment::Dev);
    assert_eq!(Environment::from_any_case("Prod"), Environment::Prod);
    assert!(!Environment::from_any_case("staging").is_known());
}
