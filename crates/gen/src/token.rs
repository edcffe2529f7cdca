//! Valid `POST /api/v2/token` requests by construction, from a consistent [`Identity`].
//!
//! A request is a function of three things: the identity behind it, which optional fields it
//! carries (its shape: bit sets, one bit per field) and a seed for the values of those fields.
//! Every value is drawn whether or not its field is present, so shrinking, which clears
//! shape bits one at a time, removes fields without changing the others; fully shrunk, a
//! request holds only its `clientId`.
//!
//! Common fields are each present half of the time; advanced ones (additional steps,
//! questionnaire, risk profile, theme, registry centres, age limits, video-call questions) a
//! few at a time in half of the requests; the feature overrides of reference section 2.2 a few
//! at a time in a quarter of them.

use idenfy_model::country::COUNTRY_CODES;
use idenfy_model::validation::{EXPIRY_TIME_RANGE, SESSION_LENGTH_RANGE};
use idenfy_model::{DocumentType, DummyStatus, Locale, TokenRequest, TokenType};
use proptest::bits;
use proptest::prelude::{Just, Strategy, any, prop_oneof};
use proptest::test_runner::TestRng;
use rand::RngExt;
use serde_json::{Value, json};

use crate::identity::{Identity, REFERENCE_DATE, arb_identity};
use crate::seed::rng_from_seed;

/// Valid token requests: every value passes [`TokenRequest::validate`]. `dummyStatus` is one
/// of the optional fields, set to one of [`DummyStatus::ACCEPTED`] when present.
pub fn arb_token_request() -> impl Strategy<Value = TokenRequest> + Clone {
    arb_token_request_with_identity().prop_map(|(_, request)| request)
}

/// Token requests for a dummy verification with the forced automatic result `status`.
///
/// Valid when `status` is one of [`DummyStatus::ACCEPTED`]; with any other status the only
/// violation is `DummyStatusNotAccepted`.
pub fn arb_dummy_token_request(status: DummyStatus) -> impl Strategy<Value = TokenRequest> + Clone {
    arb_token_request().prop_map(move |mut request| {
        request.dummy_status = Some(status.clone());
        request
    })
}

/// Valid token requests with the identity they were made from: where the request gives a name,
/// date, number, country, sex or address, it is the identity's.
pub fn arb_token_request_with_identity() -> impl Strategy<Value = (Identity, TokenRequest)> + Clone
{
    (arb_identity(), arb_shape(), any::<u64>()).prop_map(|(identity, shape, seed)| {
        let request = token_request(&identity, shape, &mut rng_from_seed(seed));
        (identity, request)
    })
}

/// Which optional fields a request carries.
#[derive(Debug, Clone, Copy)]
struct Shape {
    common: u32,
    advanced: u32,
    features: u64,
}

/// Optional fields most integrations send, one bit each in [`Shape::common`].
#[derive(Clone, Copy)]
enum Common {
    FirstName,
    LastName,
    SuccessUrl,
    ErrorUrl,
    UnverifiedUrl,
    CallbackUrl,
    Locale,
    ShowInstructions,
    ExpiryTime,
    SessionLength,
    Country,
    Documents,
    DateOfBirth,
    DateOfExpiry,
    DateOfIssue,
    Nationality,
    PersonalNumber,
    DocumentNumber,
    Sex,
    Address,
    GenerateDigitString,
    TokenType,
    ExternalRef,
    DummyStatus,
}

const COMMON_COUNT: usize = Common::DummyStatus as usize + 1;

/// Fields few integrations send, one bit each in [`Shape::advanced`].
#[derive(Clone, Copy)]
enum Advanced {
    VideoCallQuestions,
    UtilityBill,
    AdditionalSteps,
    AdditionalData,
    Questionnaire,
    QuestionnaireRequired,
    RiskAssessmentProfile,
    Theme,
    RegistryCentersCountries,
    AgeLimit,
    AgeMax,
}

const ADVANCED_COUNT: usize = Advanced::AgeMax as usize + 1;

/// The feature overrides: 29 flags, then six valued settings (see [`apply_features`]).
const FEATURE_COUNT: usize = 35;

impl Shape {
    fn has(self, field: Common) -> bool {
        self.common >> field as u32 & 1 == 1
    }

    fn has_advanced(self, field: Advanced) -> bool {
        self.advanced >> field as u32 & 1 == 1
    }
}

fn arb_shape() -> impl Strategy<Value = Shape> + Clone {
    (
        bits::u32::between(0, COMMON_COUNT),
        prop_oneof![Just(0u32), bits::u32::sampled(1..=3, 0..ADVANCED_COUNT),],
        prop_oneof![
            3 => Just(0u64),
            1 => bits::u64::sampled(1..=4, 0..FEATURE_COUNT),
        ],
    )
        .prop_map(|(common, advanced, features)| Shape {
            common,
            advanced,
            features,
        })
}

/// Hosts of the partner sites the URLs point at; all reserved for documentation (RFC 2606).
const HOSTS: &[&str] = &[
    "shop.example.com",
    "app.example.org",
    "www.example.net",
    "pay.example.com",
    "wallet.example",
    "onboarding.example.test",
];
const URL_PATHS: &[&str] = &[
    "/kyc",
    "/verify",
    "/account/verification",
    "/onboarding/identity",
];
const COMMON_DOCUMENTS: &[DocumentType] = &[
    DocumentType::IdCard,
    DocumentType::Passport,
    DocumentType::ResidencePermit,
    DocumentType::DriverLicense,
];
const EXPIRY_TIMES: &[i64] = &[3600, 86_400, 600, 1800, 7200, 604_800, 2_592_000];
const SESSION_LENGTHS: &[i64] = &[600, 300, 900, 1800, 3600, 60];
const VIDEO_CALL_QUESTIONS: &[&str] = &[
    "What is the purpose of your account?",
    "Please state your date of birth.",
    "What is the source of your funds?",
    "Please show the back of your document.",
];
const QUESTIONNAIRES: &[&str] = &[
    "onboarding",
    "source-of-funds",
    "pep-declaration",
    "employment",
];
const FRAUD_SERVICES: &[&str] = &["AML_NAMES_CHECK", "LID", "AML_NEWS"];
const DETECTION_TYPES: &[&str] = &["FACE", "EYES"];

/// The request `identity` makes with `shape`, values from `rng`.
fn token_request(identity: &Identity, shape: Shape, rng: &mut TestRng) -> TokenRequest {
    use Common as C;
    let client_id = client_id(rng);
    let host = pick(rng, HOSTS);
    let path = pick(rng, URL_PATHS);
    let success_url = format!(
        "https://{host}{path}/{}",
        pick(rng, &["success", "complete"])
    );
    let error_url = format!("https://{host}{path}/{}", pick(rng, &["error", "failed"]));
    let unverified_url = format!(
        "https://{host}{path}/{}",
        pick(rng, &["unverified", "cancelled"])
    );
    let callback_url = if rng.random_bool(0.5) {
        format!("https://{host}/webhooks/idenfy")
    } else {
        format!(
            "https://hooks.example.com/idenfy/{:08x}",
            rng.random::<u32>()
        )
    };
    let locale = match rng.random_range(0..10) {
        0..7 => identity.locale.clone(),
        7..9 => pick(rng, Locale::ALL).clone(),
        // The supported-languages page writes codes in upper case; the API reads any case.
        _ => Locale::from_wire(&identity.locale.as_str().to_ascii_uppercase()),
    };
    let show_instructions = rng.random_bool(0.5);
    let expiry_time = if rng.random_bool(0.75) {
        *pick(rng, EXPIRY_TIMES)
    } else {
        rng.random_range(EXPIRY_TIME_RANGE)
    };
    let session_length = if rng.random_bool(0.75) {
        *pick(rng, SESSION_LENGTHS)
    } else {
        rng.random_range(SESSION_LENGTH_RANGE)
    };
    let country = if rng.random_bool(0.25) {
        // The reference's own example sends "lt".
        identity.issuing_country.to_ascii_lowercase()
    } else {
        identity.issuing_country.clone()
    };
    let documents = documents(identity, rng);
    let nationality = if rng.random_bool(0.1) {
        "ALL".to_owned()
    } else {
        identity.nationality.clone()
    };
    let generate_digit_string = rng.random_bool(0.5);
    let token_type = match rng.random_range(0..10) {
        0..6 => TokenType::Identification,
        6..8 => TokenType::Document,
        _ => pick(rng, &TokenType::ALL[2..]).clone(),
    };
    let external_ref = match rng.random_range(0..3) {
        0 => format!("order-{}", rng.random_range(1..10_000_000)),
        1 => format!("kyc-{:012x}", rng.random::<u64>() >> 16),
        _ => format!(
            "ref_{}_{}",
            rng.random_range(2020..=2025),
            rng.random_range(1..100_000)
        ),
    };
    let dummy_status = pick(rng, DummyStatus::ACCEPTED).clone();

    let video_questions = subset(rng, VIDEO_CALL_QUESTIONS);
    let utility_bill = rng.random_bool(0.5);
    let (additional_steps, additional_data) = additional_steps(identity, rng);
    let questionnaire = pick(rng, QUESTIONNAIRES).to_string();
    let questionnaire_required = rng.random_bool(0.5);
    let risk_assessment_profile = uuid_v4(rng);
    let theme = uuid_v4(rng);
    let registry_centers_countries = registry_centers_countries(identity, rng);
    // Limits the person meets, so only a dummy status decides the automatic result.
    let age = REFERENCE_DATE
        .years_since(identity.date_of_birth)
        .map_or(18, i64::from);
    let age_limit = if age >= 21 && rng.random_bool(0.3) {
        21
    } else {
        18
    };
    let age_max = rng.random_range(age.max(60)..=100);

    let common = |field: Common| shape.has(field);
    let advanced = |field: Advanced| shape.has_advanced(field);
    let is_video_call = matches!(
        token_type,
        TokenType::VideoCall | TokenType::VideoCallPhotos | TokenType::VideoCallIdentification
    );
    let has_steps = advanced(Advanced::AdditionalSteps);
    let mut request = TokenRequest {
        first_name: common(C::FirstName).then(|| identity.first_name.clone()),
        last_name: common(C::LastName).then(|| identity.last_name.clone()),
        success_url: common(C::SuccessUrl).then_some(success_url),
        error_url: common(C::ErrorUrl).then_some(error_url),
        unverified_url: common(C::UnverifiedUrl).then_some(unverified_url),
        callback_url: common(C::CallbackUrl).then_some(callback_url),
        locale: common(C::Locale).then_some(locale),
        show_instructions: common(C::ShowInstructions).then_some(show_instructions),
        expiry_time: common(C::ExpiryTime).then_some(expiry_time),
        session_length: common(C::SessionLength).then_some(session_length),
        country: common(C::Country).then_some(country),
        documents: common(C::Documents).then_some(documents),
        date_of_birth: common(C::DateOfBirth).then(|| identity.date_of_birth.to_string()),
        date_of_expiry: common(C::DateOfExpiry).then(|| identity.date_of_expiry.to_string()),
        date_of_issue: common(C::DateOfIssue).then(|| identity.date_of_issue.to_string()),
        nationality: common(C::Nationality).then_some(nationality),
        personal_number: common(C::PersonalNumber).then(|| identity.personal_number.clone()),
        document_number: common(C::DocumentNumber).then(|| identity.document_number.clone()),
        sex: common(C::Sex).then(|| identity.sex.clone()),
        address: common(C::Address).then(|| identity.address.clone()),
        generate_digit_string: common(C::GenerateDigitString).then_some(generate_digit_string),
        token_type: common(C::TokenType).then_some(token_type),
        video_call_questions: (advanced(Advanced::VideoCallQuestions) && is_video_call)
            .then_some(video_questions),
        external_ref: common(C::ExternalRef).then_some(external_ref),
        // `utilityBill: true` cannot be combined with `additionalSteps`.
        utility_bill: advanced(Advanced::UtilityBill).then_some(utility_bill && !has_steps),
        additional_steps: has_steps.then_some(additional_steps),
        additional_data: advanced(Advanced::AdditionalData).then_some(additional_data),
        questionnaire: advanced(Advanced::Questionnaire).then_some(questionnaire),
        questionnaire_required: advanced(Advanced::QuestionnaireRequired)
            .then_some(questionnaire_required),
        risk_assessment_profile: advanced(Advanced::RiskAssessmentProfile)
            .then_some(risk_assessment_profile),
        theme: advanced(Advanced::Theme).then_some(theme),
        registry_centers_countries: advanced(Advanced::RegistryCentersCountries)
            .then_some(registry_centers_countries),
        age_limit: advanced(Advanced::AgeLimit).then_some(age_limit),
        age_max: advanced(Advanced::AgeMax).then_some(age_max),
        dummy_status: common(C::DummyStatus).then_some(dummy_status),
        ..TokenRequest::new(client_id)
    };
    apply_features(&mut request, shape.features, rng);
    request
}

/// Sets the feature overrides whose bit is set in `features`; values are drawn for all.
fn apply_features(request: &mut TokenRequest, features: u64, rng: &mut TestRng) {
    let flags: u64 = rng.random();
    let threshold_modifier = f64::from(rng.random_range(-20..=20)) / 100.0;
    let fraud_services = subset(rng, FRAUD_SERVICES);
    let max_attempt_count = rng.random_range(0..=5);
    let text_ratio = f64::from(rng.random_range(10..=20)) / 20.0;
    let mrz_ratio = f64::from(rng.random_range(10..=20)) / 20.0;
    let detection_types = subset(rng, DETECTION_TYPES);

    let on = |index: u32| features >> index & 1 == 1;
    let flag = |index: u32| on(index).then_some(flags >> index & 1 == 1);
    let r = request;
    r.review_successful = flag(0);
    r.review_failed = flag(1);
    r.verify_email = flag(2);
    r.verify_phone = flag(3);
    r.verify_bank = flag(4);
    r.verify_bank_accounts = flag(5);
    r.verify_bank_balances = flag(6);
    r.verify_bank_transactions = flag(7);
    r.bank_card_verification = flag(8);
    r.bank_card_pdf_upload = flag(9);
    r.verify_address = flag(10);
    r.check_aml = flag(11);
    r.check_criminal = flag(12);
    r.check_liveness = flag(13);
    r.check_face_blacklist = flag(14);
    r.check_doc_face_blacklist = flag(15);
    r.check_person_blacklist = flag(16);
    r.check_duplicate_faces = flag(17);
    r.check_duplicate_doc_faces = flag(18);
    r.check_duplicate_personal_data = flag(19);
    r.check_driver_license = flag(20);
    r.check_lid = flag(21);
    r.check_ip_proxy = flag(22);
    r.allow_bsn_masking = flag(23);
    r.nfc_required = flag(24);
    r.nfc_optional = flag(25);
    r.auto_aml_monitoring = flag(26);
    r.driver_license_back = flag(27);
    r.check_urjanet = flag(28);
    r.face_matching_threshold_modifier = on(29).then_some(threshold_modifier);
    r.fraud_services = on(30).then_some(fraud_services);
    r.max_attempt_count = on(31).then_some(max_attempt_count);
    r.levenshtein_text_match_ratio = on(32).then_some(text_ratio);
    r.levenshtein_mrz_match_ratio = on(33).then_some(mrz_ratio);
    r.detection_types = on(34).then_some(detection_types);
}

/// Partner-side identifiers of a person: ASCII, in the shapes integrations use.
fn client_id(rng: &mut TestRng) -> String {
    match rng.random_range(0..5) {
        0 => format!("user-{}", rng.random_range(1..1_000_000)),
        1 => format!("cust_{:08x}", rng.random::<u32>()),
        2 => uuid_v4(rng),
        // The sample-documents page uses "00000000".
        3 => format!("{:08}", rng.random_range(0..100_000_000)),
        _ => format!(
            "acct-{}-{:06}",
            rng.random_range(2019..=2025),
            rng.random_range(0..1_000_000)
        ),
    }
}

/// The identity's document first (the webhook reads its type from there), then some of the
/// common ones, rarely any other known type.
fn documents(identity: &Identity, rng: &mut TestRng) -> Vec<DocumentType> {
    let mut documents = vec![identity.document_type.clone()];
    for document in COMMON_DOCUMENTS {
        if rng.random_bool(0.4) && !documents.contains(document) {
            documents.push(document.clone());
        }
    }
    let rare = pick(rng, DocumentType::ALL);
    if rng.random_bool(0.1) && !documents.contains(rare) {
        documents.push(rare.clone());
    }
    documents
}

/// An `additionalSteps` object in the shape of the additional-steps page, with the
/// `additionalData` its `COMPARE` or `EXTRACT` fields refer to.
pub(crate) fn additional_steps(identity: &Identity, rng: &mut TestRng) -> (Value, Value) {
    let step = *pick(
        rng,
        &["UTILITY_BILL", "ADDITIONAL_PHOTO", "PROOF_OF_ADDRESS"],
    );
    let kind = *pick(rng, &["UPLOAD", "EXTRACT", "COMPARE"]);
    let mut settings = json!({
        "texts": {
            "en": {
                "name": "Proof of address document capturing",
                "description": "Please upload the proof of address document photo."
            }
        },
        "settings": {
            "canUpload": rng.random_bool(0.5),
            "canCapture": rng.random_bool(0.5),
            "canUploadPDF": rng.random_bool(0.5)
        },
        "type": kind
    });
    if kind != "UPLOAD" {
        settings["fields"] = json!(["address"]);
    }
    let steps = json!({ "ALL": { "ALL": { step: settings } } });
    let data = json!({ step: { "address": identity.address } });
    (steps, data)
}

/// One to three registry-centre countries, starting with the issuing one.
fn registry_centers_countries(identity: &Identity, rng: &mut TestRng) -> Vec<String> {
    let mut countries = vec![identity.issuing_country.clone()];
    for _ in 0..rng.random_range(0..=2) {
        let code = pick(rng, COUNTRY_CODES).to_string();
        if !countries.contains(&code) {
            countries.push(code);
        }
    }
    countries
}

/// A random version-4 UUID, hyphenated.
pub(crate) fn uuid_v4(rng: &mut TestRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// A non-empty subset of `items`, in their order.
fn subset(rng: &mut TestRng, items: &[&str]) -> Vec<String> {
    let mask = rng.random_range(1..1u32 << items.len());
    items
        .iter()
        .enumerate()
        .filter(|(index, _)| mask >> index & 1 == 1)
        .map(|(_, item)| item.to_string())
        .collect()
}

/// A uniformly chosen element of a non-empty slice.
pub(crate) fn pick<'a, T>(rng: &mut TestRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}
