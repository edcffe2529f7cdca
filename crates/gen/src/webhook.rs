//! Webhook bodies consistent with a verification: statuses from the model's rules, `data` from
//! the token request where it gives a value and from the identity otherwise, `scanRef`,
//! `clientId` and `externalRef` from the request, ordered timestamps and file URLs.

use std::collections::BTreeMap;

use idenfy_model::rules::{MANUAL_REVIEW_EVENT, auto_result, status_after_manual_review};
use idenfy_model::webhook::WebhookEventType;
use idenfy_model::{
    AgeEstimate, DocumentStatus, DummyStatus, FaceStatus, IdentificationData,
    IdentificationWebhook, OverallStatus, Platform, TokenRequest, WebhookStatus,
};

use crate::identity::{Identity, REFERENCE_DATE, iso_date};

/// Everything a webhook body is made from, besides its statuses.
#[derive(Debug, Clone, Copy)]
pub struct WebhookContext<'a> {
    /// The verification's `scanRef`.
    pub scan_ref: &'a str,
    /// The token request that created the verification.
    pub request: &'a TokenRequest,
    /// The person behind it, for every value the request does not give.
    pub identity: &'a Identity,
    /// Unix seconds when the client started; `finishTime` follows it.
    pub start_time: i64,
    /// The values iDenfy's docs leave open.
    pub defaults: &'a WebhookDefaults,
}

/// The values of a webhook body that iDenfy's docs leave open, chosen by the caller: this crate
/// decides none of them. The simulator's are `idenfy_sim::assumptions::WEBHOOK_DEFAULTS`,
/// listed with its other assumptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDefaults {
    /// Seconds from `startTime` to `finishTime`.
    pub processing_seconds: i64,
    /// `platform` of a verification that took place.
    pub platform: Platform,
    /// `clientIp` of a verification that took place.
    pub client_ip: &'static str,
    /// Base of the file URLs, e.g. `https://files.idenfy-sim.test`.
    pub file_url_base: &'static str,
}

impl WebhookDefaults {
    /// `finishTime` of a verification started at `start_time` (Unix seconds).
    pub fn finish_time(&self, start_time: i64) -> i64 {
        start_time + self.processing_seconds
    }
}

/// A webhook of the given statuses and `final` flag.
///
/// A verification whose automatic step analysed nothing (an `EXPIRED` one, even after a manual
/// review) never took place: its `data` holds only nulls and it has no files, platform or
/// client IP.
pub fn identification_webhook(
    context: &WebhookContext<'_>,
    status: WebhookStatus,
    is_final: bool,
) -> IdentificationWebhook {
    let took_place = status.overall != OverallStatus::Expired
        && (status.auto_face.is_some() || status.auto_document.is_some());
    let request = context.request;
    IdentificationWebhook {
        is_final,
        platform: took_place.then(|| context.defaults.platform.clone()),
        data: Some(if took_place {
            document_data(context)
        } else {
            IdentificationData::default()
        }),
        file_urls: Some(if took_place {
            file_urls(context)
        } else {
            BTreeMap::new()
        }),
        additional_step_pdf_urls: None,
        aml: None,
        aml_check: None,
        lid: None,
        criminal_check: None,
        scan_ref: context.scan_ref.to_owned(),
        external_ref: request.external_ref.clone(),
        client_id: request.client_id.clone(),
        company_id: None,
        beneficiary_id: None,
        start_time: Some(context.start_time),
        finish_time: Some(context.defaults.finish_time(context.start_time)),
        client_ip: took_place.then(|| context.defaults.client_ip.to_owned()),
        client_ip_country: took_place.then(|| context.identity.issuing_country.clone()),
        client_location: took_place.then(|| context.identity.city.clone()),
        gdc_match: None,
        manual_address: None,
        manual_address_match: None,
        registry_center_check: None,
        address_verification: None,
        questionnaire_answers: None,
        risk_assessment: None,
        bank_verification: None,
        email_verification: None,
        phone_verification: None,
        driver_license_check: None,
        bank_card_verification: None,
        additional_steps: None,
        status,
    }
}

/// The automatic-result webhook a dummy token with `dummy` sends, with its event type, or
/// `None` for a `dummyStatus` the API does not accept.
pub fn auto_webhook(
    context: &WebhookContext<'_>,
    dummy: &DummyStatus,
) -> Option<(WebhookEventType, IdentificationWebhook)> {
    let result = auto_result(dummy)?;
    Some((
        result.event,
        identification_webhook(context, result.status, result.is_final),
    ))
}

/// The manual-result webhook `add-dummy-status` sends after the automatic statuses `auto`.
pub fn manual_webhook(
    context: &WebhookContext<'_>,
    auto: &WebhookStatus,
    face: &FaceStatus,
    document: &DocumentStatus,
) -> (WebhookEventType, IdentificationWebhook) {
    let (event, is_final) = MANUAL_REVIEW_EVENT;
    let status = status_after_manual_review(auto, face, document);
    (event, identification_webhook(context, status, is_final))
}

/// The `data` object: the request's values where it gives them (names upper-cased, as iDenfy
/// reads them), the identity's otherwise.
fn document_data(context: &WebhookContext<'_>) -> IdentificationData {
    let request = context.request;
    let identity = context.identity;
    let upper = |given: &Option<String>, fallback: &str| {
        given.as_deref().unwrap_or(fallback).to_uppercase()
    };
    let first_name = upper(&request.first_name, &identity.first_name);
    let last_name = upper(&request.last_name, &identity.last_name);
    let country = |given: &Option<String>, fallback: &str| {
        given
            .as_deref()
            .filter(|code| *code != "ALL")
            .unwrap_or(fallback)
            .to_uppercase()
    };
    let (date_of_birth, born) = match &request.date_of_birth {
        Some(given) => (
            given.clone(),
            chrono::NaiveDate::parse_from_str(given, "%Y-%m-%d").ok(),
        ),
        None => (
            iso_date(identity.date_of_birth),
            Some(identity.date_of_birth),
        ),
    };
    IdentificationData {
        doc_first_name: Some(first_name.clone()),
        doc_last_name: Some(last_name.clone()),
        doc_number: Some(
            request
                .document_number
                .clone()
                .unwrap_or_else(|| identity.document_number.clone()),
        ),
        doc_personal_code: Some(
            request
                .personal_number
                .clone()
                .unwrap_or_else(|| identity.personal_number.clone()),
        ),
        doc_expiry: Some(
            request
                .date_of_expiry
                .clone()
                .unwrap_or_else(|| iso_date(identity.date_of_expiry)),
        ),
        doc_dob: Some(date_of_birth.clone()),
        doc_date_of_issue: Some(
            request
                .date_of_issue
                .clone()
                .unwrap_or_else(|| iso_date(identity.date_of_issue)),
        ),
        doc_type: Some(document_type(context)),
        doc_sex: Some(match &request.sex {
            Some(idenfy_model::Sex::Male) => idenfy_model::DocumentSex::Male,
            Some(idenfy_model::Sex::Female) => idenfy_model::DocumentSex::Female,
            _ => identity.document_sex(),
        }),
        doc_nationality: Some(country(&request.nationality, &identity.nationality)),
        doc_issuing_country: Some(country(&request.country, &identity.issuing_country)),
        address: Some(
            request
                .address
                .clone()
                .unwrap_or_else(|| identity.address.clone()),
        ),
        manually_data_changed: Some(false),
        full_name: Some(format!("{first_name} {last_name}")),
        selected_country: Some(country(&request.country, &identity.issuing_country)),
        org_first_name: Some(first_name),
        org_last_name: Some(last_name),
        age_estimate: Some(age_estimate(born)),
        ..IdentificationData::default()
    }
}

/// The age group on [`REFERENCE_DATE`] of someone born on `born` (the youngest for a date of
/// birth that is not a date, or after it).
fn age_estimate(born: Option<chrono::NaiveDate>) -> AgeEstimate {
    let age = born
        .and_then(|born| REFERENCE_DATE.years_since(born))
        .unwrap_or(0);
    match age {
        30.. => AgeEstimate::Over30,
        25..30 => AgeEstimate::Over25,
        22..25 => AgeEstimate::Over22,
        21 => AgeEstimate::Over21,
        18..21 => AgeEstimate::Over18,
        16..18 => AgeEstimate::Over16,
        13..16 => AgeEstimate::Over13,
        8..13 => AgeEstimate::Over8,
        _ => AgeEstimate::Under8,
    }
}

/// File URLs under the defaults' base: the document front, its back unless it is a passport,
/// and the selfie.
fn file_urls(context: &WebhookContext<'_>) -> BTreeMap<String, Option<String>> {
    let base = context.defaults.file_url_base.trim_end_matches('/');
    let url = |name: &str| Some(format!("{base}/{}/{name}.png", context.scan_ref));
    let mut urls = BTreeMap::from([
        ("FRONT".to_owned(), url("FRONT")),
        ("FACE".to_owned(), url("FACE")),
    ]);
    if document_type(context) != idenfy_model::DocumentType::Passport {
        urls.insert("BACK".to_owned(), url("BACK"));
    }
    urls
}

/// The document the client showed: the first the request allows, else the identity's.
fn document_type(context: &WebhookContext<'_>) -> idenfy_model::DocumentType {
    context
        .request
        .documents
        .as_ref()
        .and_then(|documents| documents.first().cloned())
        .unwrap_or_else(|| context.identity.document_type.clone())
}
