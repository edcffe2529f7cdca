//! Invalid token requests that break exactly one validation rule, and carry it.
//!
//! Each case starts from a valid request of [`arb_token_request_with_identity`] and changes one
//! field (or, for `utilityBill` with `additionalSteps`, one pair) so that
//! [`TokenRequest::validate`] reports that rule and no other. The bad values are the mistakes
//! integrations make: `"UK"` for a country, `"jp"` for Japanese, `12/04/1990` for a date.
//! The rules of `add-dummy-status` are broken in [`crate::dummy`]; [`sample_invalid`] covers
//! both.

use chrono::{Datelike, NaiveDate};
use idenfy_model::validation::{
    ADDRESS_MAX, CLIENT_ID_MAX, EXPIRY_TIME_RANGE, EXTERNAL_REF_MAX, Endpoint, NAME_FORBIDDEN,
    NAME_MAX, NUMBER_MAX, SESSION_LENGTH_RANGE, URL_MAX,
};
use idenfy_model::{
    AddDummyStatusRequest, DocumentType, DummyStatus, Locale, Rule, Sex, TokenRequest, TokenType,
    Violation,
};
use proptest::prelude::{Strategy, any};
use proptest::strategy::{BoxedStrategy, Union};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::dummy::arb_invalid_add_dummy_status_request;
use crate::identity::Identity;
use crate::seed::{SeededRng, rng_from_seed, sample};
use crate::token::{AdditionalSteps, arb_token_request_with_identity, pick, uuid_v4};

/// A request that breaks exactly one rule: validating it reports `rule` (once, or once per
/// broken list element) and nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvalidCase<R = TokenRequest> {
    /// The rule the request breaks.
    pub rule: Rule,
    /// What was broken, e.g. `country is "UK", not an ISO 3166-1 alpha-2 code`.
    pub description: String,
    /// The request.
    pub request: R,
}

/// An invalid request to either endpoint that validates requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InvalidRequest {
    /// A `POST /api/v2/token` body.
    Token(Box<TokenRequest>),
    /// A `POST /api/v2/add-dummy-status` body.
    AddDummyStatus(AddDummyStatusRequest),
}

impl<R> InvalidCase<R> {
    /// The same case with its request converted, e.g. into an [`InvalidRequest`].
    pub fn map_request<T>(self, convert: impl FnOnce(R) -> T) -> InvalidCase<T> {
        InvalidCase {
            rule: self.rule,
            description: self.description,
            request: convert(self.request),
        }
    }
}

impl InvalidRequest {
    /// The violations the request's own validation reports.
    pub fn validate(&self) -> Vec<Violation> {
        match self {
            InvalidRequest::Token(request) => request.validate(),
            InvalidRequest::AddDummyStatus(request) => request.validate(),
        }
    }
}

/// Token requests breaking exactly `rule`, or `None` when `rule` is not about token requests.
pub fn arb_invalid_token_request(rule: Rule) -> Option<BoxedStrategy<InvalidCase>> {
    let breaker = token_breaker(rule)?;
    Some(
        (arb_token_request_with_identity(), any::<u64>())
            .prop_map(move |((identity, mut request), seed)| {
                let description = breaker(&mut request, &identity, &mut rng_from_seed(seed));
                InvalidCase {
                    rule,
                    description,
                    request,
                }
            })
            .boxed(),
    )
}

/// Token requests breaking any one token rule, shrinking toward the first rule of
/// [`Rule::ALL`].
pub fn arb_any_invalid_token_request() -> BoxedStrategy<InvalidCase> {
    Union::new(
        Rule::ALL
            .iter()
            .filter_map(|rule| arb_invalid_token_request(*rule)),
    )
    .boxed()
}

/// One request breaking exactly `rule`, the same for the same seed; `None` for a rule no
/// generator covers (a test keeps that from happening for any rule of [`Rule::ALL`]).
pub fn sample_invalid(rule: Rule, seed: u64) -> Option<InvalidCase<InvalidRequest>> {
    match rule.endpoint() {
        Endpoint::Token => {
            let case = sample(&arb_invalid_token_request(rule)?, seed, 1).remove(0);
            Some(case.map_request(|request| InvalidRequest::Token(Box::new(request))))
        }
        Endpoint::AddDummyStatus => {
            let case = sample(&arb_invalid_add_dummy_status_request(rule)?, seed, 1).remove(0);
            Some(case.map_request(InvalidRequest::AddDummyStatus))
        }
        _ => None,
    }
}

/// Breaks one rule in a valid request made from the identity, and says how.
type Breaker = fn(&mut TokenRequest, &Identity, &mut SeededRng) -> String;

/// Country codes integrations send by mistake; none is ISO 3166-1 alpha-2.
const BAD_COUNTRIES: &[&str] = &["UK", "EU", "XX", "LTU", "DEU", "Lithuania", "L"];
/// Locales integrations send by mistake: country codes for languages, regional tags, names.
const BAD_LOCALES: &[&str] = &[
    "jp", "ee", "ua", "cn", "gr", "se", "dk", "cz", "en-US", "en_GB", "pt_BR", "zh-TW", "english",
];
const NON_ASCII_CLIENT_IDS: &[&str] =
    &["užsakovas-", "клиент-", "josé.garcía-", "顧客-", "kunde-ß"];
const BAD_NATIONALITIES: &[&str] = &["LTU", "Lithuanian", "UK", "EU", "all", "XX"];
/// Dates in formats other than `YYYY-MM-DD`, as `chrono` format strings.
const DATE_FORMATS: &[&str] = &["%d/%m/%Y", "%Y%m%d", "%d.%m.%Y", "%Y-%m-%dT00:00:00Z"];
const BAD_SEXES: &[&str] = &["X", "MALE", "FEMALE", "m", "f", "U", "O"];
const UNKNOWN_DOCUMENT_TYPES: &[&str] = &[
    "DRIVING_LICENCE",
    "IDCARD",
    "passport",
    "ID",
    "NATIONAL_ID",
    "RESIDENCE_CARD",
];
const UNKNOWN_TOKEN_TYPES: &[&str] = &["KYC", "identification", "VIDEO", "DOCUMENTS", "SELFIE"];
const UNKNOWN_DUMMY_STATUSES: &[&str] = &["PENDING", "approved", "REVIEWING", "DECLINED"];
/// Theme and profile references that are names, not UUIDs.
const NOT_UUIDS: &[&str] = &["default", "dark-theme", "standard-risk"];
const BAD_URLS: &[&str] = &[
    "ftp://shop.example.com/kyc/success",
    "shop.example.com/kyc/success",
    "/kyc/success",
    "https://",
    "mailto:kyc@example.com",
    "javascript:alert(1)",
    "file:///tmp/kyc",
];
const PLAIN_HTTP_CALLBACKS: &[&str] = &[
    "http://shop.example.com/webhooks/idenfy",
    "http://hooks.example.com/idenfy",
    "http://10.0.0.5:8080/hooks/idenfy",
    "http://192.168.1.20/idenfy",
];

/// The breaker of `rule`, or `None` for rules that are not about token requests.
fn token_breaker(rule: Rule) -> Option<Breaker> {
    let breaker: Breaker = match rule {
        Rule::ClientIdMissing => |r, _, _| {
            r.client_id.clear();
            "clientId is empty".to_owned()
        },
        Rule::ClientIdTooLong => |r, _, rng| {
            let length = boundary_or_beyond(rng, CLIENT_ID_MAX);
            r.client_id = cycle_to(&format!("{}-", r.client_id), length);
            format!("clientId is {length} characters long")
        },
        Rule::ClientIdNotAscii => |r, _, rng| {
            let prefix = pick(rng, NON_ASCII_CLIENT_IDS);
            r.client_id = format!("{prefix}{}", rng.random_range(1..10_000));
            format!("clientId {:?} holds non-ASCII characters", r.client_id)
        },
        Rule::NameLength => |r, identity, rng| {
            let (wire, field, name) = name_field(r, identity, rng);
            let bad = if rng.random_bool(0.5) {
                String::new()
            } else {
                cycle_to(&format!("{name} "), boundary_or_beyond(rng, NAME_MAX))
            };
            let description = format!("{wire} is {} characters long", bad.chars().count());
            *field = Some(bad);
            description
        },
        Rule::NameCharacters => |r, identity, rng| {
            let (wire, field, name) = name_field(r, identity, rng);
            let forbidden: Vec<char> = ('0'..='9').chain(NAME_FORBIDDEN.chars()).collect();
            let bad = *pick(rng, &forbidden);
            let mut chars: Vec<char> = name.chars().collect();
            chars.insert(rng.random_range(0..=chars.len()), bad);
            *field = Some(chars.into_iter().collect());
            format!("{wire} holds {bad:?}")
        },
        Rule::UrlLength => |r, _, rng| {
            let length = boundary_or_beyond(rng, URL_MAX);
            let base = "https://shop.example.com/kyc/success?state=";
            let url = format!("{base}{}", "a".repeat(length - base.len()));
            let (name, field) = url_field(r, rng);
            *field = Some(url);
            format!("{name} is {length} characters long")
        },
        Rule::UrlScheme => |r, _, rng| {
            let url = pick(rng, BAD_URLS).to_string();
            let (name, field) = url_field(r, rng);
            let description = format!("{name} is {url:?}, not an absolute http or https URL");
            *field = Some(url);
            description
        },
        Rule::CallbackUrlNotHttps => |r, _, rng| {
            let url = pick(rng, PLAIN_HTTP_CALLBACKS).to_string();
            let description = format!("callbackUrl is {url:?}, plain http to a remote host");
            r.callback_url = Some(url);
            description
        },
        Rule::LocaleUnknown => |r, _, rng| {
            let locale = pick(rng, BAD_LOCALES);
            r.locale = Some(Locale::from_wire(locale));
            format!("locale is {locale:?}, not a supported language")
        },
        Rule::ExpiryTimeRange => |r, _, rng| {
            let expiry = out_of(rng, &EXPIRY_TIME_RANGE);
            r.expiry_time = Some(expiry);
            format!("expiryTime is {expiry}")
        },
        Rule::SessionLengthRange => |r, _, rng| {
            let length = out_of(rng, &SESSION_LENGTH_RANGE);
            r.session_length = Some(length);
            format!("sessionLength is {length}")
        },
        Rule::CountryCode => |r, identity, rng| {
            let code = pick(rng, BAD_COUNTRIES).to_string();
            let description = format!("{code:?} is not an ISO 3166-1 alpha-2 code");
            if rng.random_bool(0.5) {
                r.country = Some(code);
                format!("country {description}")
            } else {
                let list = r
                    .registry_centers_countries
                    .get_or_insert_with(|| vec![identity.issuing_country.clone()]);
                list.insert(rng.random_range(0..=list.len()), code);
                format!("registryCentersCountries holds {description}")
            }
        },
        Rule::NationalityCode => |r, _, rng| {
            let code = pick(rng, BAD_NATIONALITIES).to_string();
            let description = format!("nationality is {code:?}, neither an alpha-2 code nor ALL");
            r.nationality = Some(code);
            description
        },
        Rule::DateFormat => |r, identity, rng| {
            let (name, field, date) = match rng.random_range(0..3) {
                0 => ("dateOfBirth", &mut r.date_of_birth, identity.date_of_birth),
                1 => (
                    "dateOfExpiry",
                    &mut r.date_of_expiry,
                    identity.date_of_expiry,
                ),
                _ => ("dateOfIssue", &mut r.date_of_issue, identity.date_of_issue),
            };
            let bad = if rng.random_bool(0.5) {
                impossible_date(date, rng)
            } else {
                let format = pick(rng, DATE_FORMATS);
                date.format(format).to_string()
            };
            let description = format!("{name} is {bad:?}, not a YYYY-MM-DD calendar date");
            *field = Some(bad);
            description
        },
        Rule::NumberLength => |r, identity, rng| {
            let (name, field, number) = if rng.random_bool(0.5) {
                (
                    "personalNumber",
                    &mut r.personal_number,
                    &identity.personal_number,
                )
            } else {
                (
                    "documentNumber",
                    &mut r.document_number,
                    &identity.document_number,
                )
            };
            let bad = if rng.random_bool(0.5) {
                String::new()
            } else {
                cycle_to(number, boundary_or_beyond(rng, NUMBER_MAX))
            };
            let description = format!("{name} is {} characters long", bad.chars().count());
            *field = Some(bad);
            description
        },
        Rule::SexUnknown => |r, _, rng| {
            let sex = pick(rng, BAD_SEXES);
            r.sex = Some(Sex::from_wire(sex));
            format!("sex is {sex:?}, not M or F")
        },
        Rule::AddressTooLong => |r, identity, rng| {
            let length = boundary_or_beyond(rng, ADDRESS_MAX);
            r.address = Some(cycle_to(&format!("{}, ", identity.address), length));
            format!("address is {length} characters long")
        },
        Rule::ExternalRefTooLong => |r, _, rng| {
            let length = boundary_or_beyond(rng, EXTERNAL_REF_MAX);
            let unit = format!("order-{}-", rng.random_range(1..10_000_000));
            r.external_ref = Some(cycle_to(&unit, length));
            format!("externalRef is {length} characters long")
        },
        Rule::DocumentTypeUnknown => |r, identity, rng| {
            let unknown = pick(rng, UNKNOWN_DOCUMENT_TYPES);
            let documents = r
                .documents
                .get_or_insert_with(|| vec![identity.document_type.clone()]);
            documents.insert(
                rng.random_range(0..=documents.len()),
                DocumentType::from_wire(unknown),
            );
            format!("documents holds {unknown:?}, not a known document type")
        },
        Rule::TokenTypeUnknown => |r, _, rng| {
            let token_type = pick(rng, UNKNOWN_TOKEN_TYPES);
            r.token_type = Some(TokenType::from_wire(token_type));
            format!("tokenType is {token_type:?}, not a known token type")
        },
        Rule::UtilityBillWithAdditionalSteps => |r, _, rng| {
            r.utility_bill = Some(true);
            r.additional_steps = Some(AdditionalSteps::draw(rng).steps());
            "utilityBill is true and additionalSteps is set".to_owned()
        },
        Rule::UuidFormat => |r, _, rng| {
            let uuid = uuid_v4(rng);
            let bad = match rng.random_range(0..5) {
                0 => uuid.replace('-', ""),
                1 => format!("{{{uuid}}}"),
                2 => format!("urn:uuid:{uuid}"),
                3 => uuid[..uuid.len() - 1].to_owned(),
                _ => pick(rng, NOT_UUIDS).to_string(),
            };
            let (name, field) = if rng.random_bool(0.5) {
                ("theme", &mut r.theme)
            } else {
                ("riskAssessmentProfile", &mut r.risk_assessment_profile)
            };
            let description = format!("{name} is {bad:?}, not a UUID");
            *field = Some(bad);
            description
        },
        Rule::DummyStatusNotAccepted => |r, _, rng| {
            let status = if rng.random_bool(0.5) {
                DummyStatus::Active
            } else {
                let name = pick(rng, UNKNOWN_DUMMY_STATUSES);
                DummyStatus::from_wire(name)
            };
            let description = format!(
                "dummyStatus is {:?}, no longer or never accepted",
                status.as_str()
            );
            r.dummy_status = Some(status);
            description
        },
        _ => return None,
    };
    Some(breaker)
}

/// An impossible calendar date in the year of `date`: the 30th of February, month 13 or day 32.
pub(crate) fn impossible_date(date: NaiveDate, rng: &mut SeededRng) -> String {
    match rng.random_range(0..3) {
        0 => format!("{}-02-30", date.year()),
        1 => format!("{}-13-{:02}", date.year(), date.day()),
        _ => format!("{}-{:02}-32", date.year(), date.month()),
    }
}

/// One past `max` half of the time, further beyond otherwise.
fn boundary_or_beyond(rng: &mut SeededRng, max: usize) -> usize {
    if rng.random_bool(0.5) {
        max + 1
    } else {
        rng.random_range(max + 2..=max * 3)
    }
}

/// A value outside `range`: just below, just above, or far out on either side.
fn out_of(rng: &mut SeededRng, range: &std::ops::RangeInclusive<i64>) -> i64 {
    let (low, high) = (*range.start(), *range.end());
    match rng.random_range(0..4) {
        0 => low - 1,
        1 => high + 1,
        2 => low - rng.random_range(2..=86_400),
        _ => high + rng.random_range(2..=high),
    }
}

/// `unit` repeated and cut to exactly `length` characters.
fn cycle_to(unit: &str, length: usize) -> String {
    unit.chars().cycle().take(length).collect()
}

/// The first or last name field, with its wire name and the identity's value for it.
fn name_field<'a>(
    r: &'a mut TokenRequest,
    identity: &'a Identity,
    rng: &mut SeededRng,
) -> (&'static str, &'a mut Option<String>, &'a str) {
    if rng.random_bool(0.5) {
        ("firstName", &mut r.first_name, &identity.first_name)
    } else {
        ("lastName", &mut r.last_name, &identity.last_name)
    }
}

/// One of the four URL fields, with its wire name.
fn url_field<'a>(
    r: &'a mut TokenRequest,
    rng: &mut SeededRng,
) -> (&'static str, &'a mut Option<String>) {
    match rng.random_range(0..4) {
        0 => ("successUrl", &mut r.success_url),
        1 => ("errorUrl", &mut r.error_url),
        2 => ("unverifiedUrl", &mut r.unverified_url),
        _ => ("callbackUrl", &mut r.callback_url),
    }
}
