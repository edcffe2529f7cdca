//! Valid `POST /api/v2/token` requests by construction, from a consistent [`Identity`].
//!
//! A request is a function of three things: the structural choices of the identity behind it
//! (country, sex, age, document), which optional fields it carries (its shape: bit sets, one
//! bit per field) and a seed for the identity's names and numbers and the fields' values.
//! Every value is drawn whether or not its field is present, so shrinking, which clears shape
//! bits one at a time, removes fields without changing the others; fully shrunk, a request
//! holds only its `clientId` and its `tokenType`, the two fields iDenfy's OpenAPI requires.
//!
//! Common fields are each present half of the time; advanced ones (additional steps,
//! questionnaire, risk profile, theme, registry centres, age limits, video-call questions) a
//! few at a time in half of the requests; the feature overrides of reference section 2.2 a few
//! at a time in a quarter of them.

use idenfy_model::country::COUNTRY_CODES;
use idenfy_model::validation::{EXPIRY_TIME_RANGE, SESSION_LENGTH_RANGE};
use idenfy_model::{DocumentType, DummyStatus, Locale, TokenRequest, TokenType};
use proptest::prelude::{Strategy, any};
use rand::RngExt;
use serde_json::{Map, Value, json};

use crate::identity::{Choices, Identity, REFERENCE_DATE, iso_date};
use crate::seed::{SeededRng, rng_from_seed};
use crate::shape::{Advanced, Common, Shape, arb_shape};

/// Valid token requests: every value passes [`TokenRequest::validate`] and satisfies iDenfy's
/// official request schema too: `tokenType` is always present, `IDENTIFICATION` or `DOCUMENT`
/// (the OpenAPI requires it; the prose calls it optional). `dummyStatus` is one of the
/// optional fields, set to one of [`DummyStatus::ACCEPTED`] when present.
pub fn arb_token_request() -> impl Strategy<Value = TokenRequest> + Clone {
    arb_token_request_with_identity().prop_map(|(_, request)| request)
}

/// Valid token requests as [`arb_token_request`], except that `tokenType` is sometimes one of
/// the legacy [`TokenType::VIDEO_CALL`] values of the older docs (which the official schema no
/// longer lists), with `videoCallQuestions` for them.
pub fn arb_legacy_token_request() -> impl Strategy<Value = TokenRequest> + Clone {
    requests_with_identity(TokenTypes::WithLegacy).prop_map(|(_, request)| request)
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
    requests_with_identity(TokenTypes::Current)
}

/// Which `tokenType` values a generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenTypes {
    /// `IDENTIFICATION` or `DOCUMENT`: the official schema's.
    Current,
    /// Also the legacy `VIDEO_CALL*` values.
    WithLegacy,
}

fn requests_with_identity(
    token_types: TokenTypes,
) -> impl Strategy<Value = (Identity, TokenRequest)> + Clone {
    (Choices::strategy(), arb_shape(), any::<u64>()).prop_map(move |(choices, shape, seed)| {
        let rng = &mut rng_from_seed(seed);
        let identity = Identity::from_choices(choices, rng);
        let request = token_request(&identity, shape, token_types, rng);
        (identity, request)
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
/// Additional-step names and types (the additional-steps page).
const STEP_NAMES: &[&str] = &["UTILITY_BILL", "ADDITIONAL_PHOTO", "PROOF_OF_ADDRESS"];
const STEP_KINDS: &[&str] = &["UPLOAD", "EXTRACT", "COMPARE"];
const FRAUD_SERVICES: &[&str] = &["AML_NAMES_CHECK", "LID", "AML_NEWS"];
const DETECTION_TYPES: &[&str] = &["FACE", "EYES"];

/// The request `identity` makes with `shape`, values from `rng`.
///
/// Every random choice is drawn, in a fixed order, whether or not its field is present, so a
/// field's value does not depend on which other fields the shape holds; values are only built
/// (formatted, allocated) for the fields that are present.
fn token_request(
    identity: &Identity,
    shape: Shape,
    token_types: TokenTypes,
    rng: &mut SeededRng,
) -> TokenRequest {
    use Advanced as A;
    use Common as C;
    let client_id = client_id(rng);
    let host = pick(rng, HOSTS);
    let path = pick(rng, URL_PATHS);
    let success = pick(rng, &["success", "complete"]);
    let error = pick(rng, &["error", "failed"]);
    let unverified = pick(rng, &["unverified", "cancelled"]);
    let own_callback_host = rng.random_bool(0.5);
    let callback_token: u32 = rng.random();
    let locale_choice = rng.random_range(0..10);
    let any_locale = pick(rng, Locale::ALL);
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
    let lower_case_country = rng.random_bool(0.25);
    let documents = Documents::draw(rng);
    let nationality_all = rng.random_bool(0.1);
    let generate_digit_string = rng.random_bool(0.5);
    // A legacy value is drawn in both modes, so both draw the same stream.
    let token_type = match rng.random_range(0..10) {
        0..6 => TokenType::Identification,
        6..8 => TokenType::Document,
        _ => match (pick(rng, TokenType::VIDEO_CALL), token_types) {
            (legacy, TokenTypes::WithLegacy) => legacy.clone(),
            (_, TokenTypes::Current) => TokenType::Document,
        },
    };
    let external_ref = (
        rng.random_range(0..3),
        rng.random_range(1..10_000_000),
        rng.random::<u64>() >> 16,
        rng.random_range(2020..=2025),
    );
    let dummy_status = pick(rng, DummyStatus::ACCEPTED);

    let video_questions = Subset::draw(rng, VIDEO_CALL_QUESTIONS);
    let utility_bill = rng.random_bool(0.5);
    let steps = AdditionalSteps::draw(rng);
    let questionnaire = pick(rng, QUESTIONNAIRES);
    let questionnaire_required = rng.random_bool(0.5);
    let risk_assessment_profile: [u8; 16] = rng.random();
    let theme: [u8; 16] = rng.random();
    let registry_centers = [pick(rng, COUNTRY_CODES), pick(rng, COUNTRY_CODES)];
    let registry_count = rng.random_range(0..=2);
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
    let url = |outcome: &str| ["https://", host, path, "/", outcome].concat();
    let is_video_call = TokenType::VIDEO_CALL.contains(&token_type);
    let has_steps = advanced(A::AdditionalSteps);
    let mut request = TokenRequest {
        first_name: common(C::FirstName).then(|| identity.first_name.clone()),
        last_name: common(C::LastName).then(|| identity.last_name.clone()),
        success_url: common(C::SuccessUrl).then(|| url(success)),
        error_url: common(C::ErrorUrl).then(|| url(error)),
        unverified_url: common(C::UnverifiedUrl).then(|| url(unverified)),
        callback_url: common(C::CallbackUrl).then(|| {
            if own_callback_host {
                ["https://", host, "/webhooks/idenfy"].concat()
            } else {
                format!("https://hooks.example.com/idenfy/{callback_token:08x}")
            }
        }),
        locale: common(C::Locale).then(|| match locale_choice {
            0..7 => identity.locale.clone(),
            7..9 => any_locale.clone(),
            // The supported-languages page writes codes in upper case; the API reads any case.
            _ => Locale::from_wire(&identity.locale.as_str().to_ascii_uppercase()),
        }),
        show_instructions: common(C::ShowInstructions).then_some(show_instructions),
        expiry_time: common(C::ExpiryTime).then_some(expiry_time),
        session_length: common(C::SessionLength).then_some(session_length),
        country: common(C::Country).then(|| {
            if lower_case_country {
                // The reference's own example sends "lt".
                identity.issuing_country.to_ascii_lowercase()
            } else {
                identity.issuing_country.clone()
            }
        }),
        documents: common(C::Documents).then(|| documents.list(identity)),
        date_of_birth: common(C::DateOfBirth).then(|| iso_date(identity.date_of_birth)),
        date_of_expiry: common(C::DateOfExpiry).then(|| iso_date(identity.date_of_expiry)),
        date_of_issue: common(C::DateOfIssue).then(|| iso_date(identity.date_of_issue)),
        nationality: common(C::Nationality).then(|| {
            if nationality_all {
                "ALL".to_owned()
            } else {
                identity.nationality.clone()
            }
        }),
        personal_number: common(C::PersonalNumber).then(|| identity.personal_number.clone()),
        document_number: common(C::DocumentNumber).then(|| identity.document_number.clone()),
        sex: common(C::Sex).then(|| identity.sex.clone()),
        address: common(C::Address).then(|| identity.address.clone()),
        generate_digit_string: common(C::GenerateDigitString).then_some(generate_digit_string),
        video_call_questions: (advanced(A::VideoCallQuestions) && is_video_call)
            .then(|| video_questions.strings()),
        token_type: Some(token_type),
        external_ref: common(C::ExternalRef).then(|| match external_ref {
            (0, order, _, _) => format!("order-{order}"),
            (1, _, hex, _) => format!("kyc-{hex:012x}"),
            (_, number, _, year) => format!("ref_{year}_{}", number % 100_000),
        }),
        // `utilityBill: true` cannot be combined with `additionalSteps`.
        utility_bill: advanced(A::UtilityBill).then_some(utility_bill && !has_steps),
        additional_steps: has_steps.then(|| steps.steps()),
        additional_data: advanced(A::AdditionalData).then(|| steps.data(identity)),
        questionnaire: advanced(A::Questionnaire).then(|| questionnaire.to_string()),
        questionnaire_required: advanced(A::QuestionnaireRequired)
            .then_some(questionnaire_required),
        risk_assessment_profile: advanced(A::RiskAssessmentProfile)
            .then(|| uuid_from(risk_assessment_profile)),
        theme: advanced(A::Theme).then(|| uuid_from(theme)),
        registry_centers_countries: advanced(A::RegistryCentersCountries).then(|| {
            let mut countries = vec![identity.issuing_country.clone()];
            for code in &registry_centers[..registry_count] {
                if !countries.iter().any(|known| known == *code) {
                    countries.push(code.to_string());
                }
            }
            countries
        }),
        age_limit: advanced(A::AgeLimit).then_some(age_limit),
        age_max: advanced(A::AgeMax).then_some(age_max),
        dummy_status: common(C::DummyStatus).then(|| dummy_status.clone()),
        ..TokenRequest::new(client_id)
    };
    apply_features(&mut request, shape.features, rng);
    request
}

/// Sets the feature overrides whose bit is set in `features`; values are drawn for all.
fn apply_features(request: &mut TokenRequest, features: u64, rng: &mut SeededRng) {
    let flags: u64 = rng.random();
    let threshold_modifier = f64::from(rng.random_range(-20..=20)) / 100.0;
    let fraud_services = Subset::draw(rng, FRAUD_SERVICES);
    let max_attempt_count = rng.random_range(0..=5);
    let text_ratio = f64::from(rng.random_range(10..=20)) / 20.0;
    let mrz_ratio = f64::from(rng.random_range(10..=20)) / 20.0;
    let detection_types = Subset::draw(rng, DETECTION_TYPES);

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
    r.fraud_services = on(30).then(|| fraud_services.strings());
    r.max_attempt_count = on(31).then_some(max_attempt_count);
    r.levenshtein_text_match_ratio = on(32).then_some(text_ratio);
    r.levenshtein_mrz_match_ratio = on(33).then_some(mrz_ratio);
    r.detection_types = on(34).then(|| detection_types.strings());
}

/// Partner-side identifiers of a person: ASCII, in the shapes integrations use.
fn client_id(rng: &mut SeededRng) -> String {
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

/// Which documents a request lists besides the identity's own.
struct Documents {
    common: [bool; 4],
    rare: &'static DocumentType,
    with_rare: bool,
}

impl Documents {
    fn draw(rng: &mut SeededRng) -> Self {
        Self {
            common: std::array::from_fn(|_| rng.random_bool(0.4)),
            rare: pick(rng, DocumentType::ALL),
            with_rare: rng.random_bool(0.1),
        }
    }

    /// The identity's document first (the webhook reads its type from there), then some of
    /// the common ones, rarely any other known type.
    fn list(&self, identity: &Identity) -> Vec<DocumentType> {
        // Room for the identity's document, the common ones and the rare one, so none grows it.
        let mut documents = Vec::with_capacity(COMMON_DOCUMENTS.len() + 2);
        documents.push(identity.document_type.clone());
        let extra = COMMON_DOCUMENTS
            .iter()
            .zip(self.common)
            .filter_map(|(document, chosen)| chosen.then_some(document))
            .chain(self.with_rare.then_some(self.rare));
        for document in extra {
            if !documents.contains(document) {
                documents.push(document.clone());
            }
        }
        documents
    }
}

/// An `additionalSteps` object in the shape of the additional-steps page, and the
/// `additionalData` its `COMPARE` or `EXTRACT` fields refer to.
pub(crate) struct AdditionalSteps {
    step: &'static str,
    kind: &'static str,
    settings: [bool; 3],
}

impl AdditionalSteps {
    pub(crate) fn draw(rng: &mut SeededRng) -> Self {
        Self {
            step: pick_str(rng, STEP_NAMES),
            kind: pick_str(rng, STEP_KINDS),
            settings: std::array::from_fn(|_| rng.random_bool(0.5)),
        }
    }

    pub(crate) fn steps(&self) -> Value {
        let [can_upload, can_capture, can_upload_pdf] = self.settings;
        let mut step = json!({
            "texts": {
                "en": {
                    "name": "Proof of address document capturing",
                    "description": "Please upload the proof of address document photo."
                }
            },
            "settings": {
                "canUpload": can_upload,
                "canCapture": can_capture,
                "canUploadPDF": can_upload_pdf
            },
            "type": self.kind
        });
        if self.kind != "UPLOAD" {
            step["fields"] = json!(["address"]);
        }
        object("ALL", object("ALL", object(self.step, step)))
    }

    fn data(&self, identity: &Identity) -> Value {
        object(
            self.step,
            object("address", Value::String(identity.address.clone())),
        )
    }
}

/// The object `{ key: value }`, with `value` moved in (`json!` would serialize a copy of it).
fn object(key: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(key.to_owned(), value)]))
}

/// A non-empty subset of a list, in the list's order.
struct Subset {
    items: &'static [&'static str],
    mask: u32,
}

impl Subset {
    fn draw(rng: &mut SeededRng, items: &'static [&'static str]) -> Self {
        Self {
            items,
            mask: rng.random_range(1..1u32 << items.len()),
        }
    }

    fn strings(&self) -> Vec<String> {
        self.items
            .iter()
            .enumerate()
            .filter(|(index, _)| self.mask >> index & 1 == 1)
            .map(|(_, item)| item.to_string())
            .collect()
    }
}

/// A random version-4 UUID, hyphenated, for request fields (`scanRef`s come from
/// [`crate::scan_ref`]).
pub(crate) fn uuid_v4(rng: &mut SeededRng) -> String {
    uuid_from(rng.random())
}

/// The version-4 UUID made of `random_bytes`, hyphenated.
pub(crate) fn uuid_from(random_bytes: [u8; 16]) -> String {
    let uuid = uuid::Builder::from_random_bytes(random_bytes).into_uuid();
    // The hyphenated form `to_string` gives, encoded without the formatting machinery.
    (*uuid
        .hyphenated()
        .encode_lower(&mut uuid::Uuid::encode_buffer()))
    .to_owned()
}

/// A uniformly chosen string of a non-empty list.
fn pick_str(rng: &mut SeededRng, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

/// A uniformly chosen element of a non-empty slice.
pub(crate) fn pick<'a, T>(rng: &mut SeededRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}
