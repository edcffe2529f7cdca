//! `POST /api/v2/token`: creates a verification, echoing the request with defaults filled; with
//! `dummyStatus`, its automatic result is decided at once and its webhook queued.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use idenfy_gen::{Identity, SeededRng};
use idenfy_model::error::messages;
use idenfy_model::webhook::WebhookEventType;
use idenfy_model::{ApiError, Rule, TokenRequest, TokenResponse, rules};
use rand::RngExt;

use super::answer::ApiAnswer;
use crate::assumptions;
use crate::errors::{ApiRejection, JsonBody};
use crate::state::{AppState, DummyVerification, DummyWebhook, Verification, lock};

/// The values a new token draws from the seeded generator.
struct Drawn {
    scan_ref: String,
    auth_token: String,
    digit_string: Option<String>,
    identity: Option<Identity>,
}

/// Creates a token: 201 with the full token response, or an error.
pub(super) async fn create_token(
    State(state): State<Arc<AppState>>,
    JsonBody(request, size): JsonBody<TokenRequest>,
) -> Result<ApiAnswer<TokenResponse>, ApiRejection> {
    if request.dummy_status.is_some()
        && let Some(error) = rules::dummy_endpoint_error(&state.settings.environment)
    {
        return Err(error.into());
    }
    let mut violations = request.validate_with(assumptions::VALIDATION_PROFILE);
    if request
        .callback_url
        .as_deref()
        .is_some_and(|url| state.settings.callbacks.allows_plain_http(url))
    {
        violations.retain(|violation| violation.rule != Rule::CallbackUrlNotHttps);
    }
    ApiRejection::unless_violations(&violations)?;
    if !state.balance.spend(assumptions::TOKEN_COST) {
        return Err(ApiError::lack_of_funds().into());
    }
    let drawn = draw(
        &mut lock(&state.rng),
        request.dummy_status.is_some(),
        request.generate_digit_string == Some(true),
    );
    let Drawn {
        scan_ref,
        auth_token,
        digit_string,
        identity,
    } = drawn;
    let response = token_response(&request, scan_ref.clone(), auth_token, digit_string);
    let request = Arc::new(request);
    let key: Arc<str> = Arc::from(scan_ref.as_str());
    let (dummy, auto) = match (identity, &request.dummy_status) {
        (Some(identity), Some(dummy_status)) => {
            let (dummy, auto) =
                decide_auto_result(&state, &key, (&request, size), identity, dummy_status);
            (Some(dummy), auto)
        }
        _ => (None, None),
    };
    // Prepared before the store's lock; queued under it, like the manual webhook, so a
    // review of this verification (whose scanRef a seeded client can predict) cannot queue
    // first.
    let auto = auto.and_then(|(event, webhook)| {
        let target = dummy.as_ref()?.target.as_ref()?;
        Some(state.deliveries.prepare(&key, target, event, webhook))
    });
    let mut verifications = lock(&state.verifications);
    let queued = match auto.map(|auto| state.deliveries.enqueue(auto)).transpose() {
        Ok(queued) => queued,
        Err(full) => {
            state.balance.refund(assumptions::TOKEN_COST);
            return Err(full.into());
        }
    };
    let forgotten = verifications.insert(
        key,
        Verification {
            request,
            dummy,
            created: state.settings.now(),
            size,
        },
    );
    drop(verifications);
    if let Some(queued) = queued {
        state.deliveries.announce(queued);
    }
    drop(forgotten);
    Ok(ApiAnswer::with_status(
        StatusCode::CREATED,
        scan_ref,
        response,
    ))
}

/// Draws the token's identifiers, and a fake person for a dummy verification.
fn draw(rng: &mut SeededRng, dummy: bool, digit_string: bool) -> Drawn {
    const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let scan_ref = idenfy_gen::scan_ref(rng);
    let auth_token = (0..assumptions::AUTH_TOKEN_LENGTH)
        .map(|_| char::from(ALPHANUMERIC[rng.random_range(0..ALPHANUMERIC.len())]))
        .collect();
    let digit_string = digit_string.then(|| {
        (0..assumptions::DIGIT_STRING_LENGTH)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect()
    });
    let identity = dummy.then(|| Identity::fake(rng));
    Drawn {
        scan_ref,
        auth_token,
        digit_string,
        identity,
    }
}

/// The 201 body: the request's fields that iDenfy's 201 schema lists, echoed with names
/// upper-cased and defaults filled (values as parsed, so DRF's coercions show), and the
/// token's identifiers.
fn token_response(
    request: &TokenRequest,
    scan_ref: String,
    auth_token: String,
    digit_string: Option<String>,
) -> TokenResponse {
    // The one copy of the request: the stored verification keeps the original.
    let mut echoed = request.clone();
    // Only the fields the official 201 schema lists are echoed (`facts::Field::echoed`).
    echoed.generate_digit_string = None;
    echoed.video_call_questions = None;
    echoed.questionnaire_required = None;
    echoed.age_limit = None;
    echoed.age_max = None;
    echoed.dummy_status = None;
    echoed.nfc_optional = None;
    echoed.fraud_services = None;
    echoed.max_attempt_count = None;
    echoed.levenshtein_text_match_ratio = None;
    echoed.levenshtein_mrz_match_ratio = None;
    echoed.check_urjanet = None;
    echoed.detection_types = None;
    echoed.first_name = echoed.first_name.map(|name| name.to_uppercase());
    echoed.last_name = echoed.last_name.map(|name| name.to_uppercase());
    echoed
        .expiry_time
        .get_or_insert(assumptions::DEFAULT_EXPIRY_TIME);
    echoed
        .session_length
        .get_or_insert(assumptions::DEFAULT_SESSION_LENGTH);
    echoed
        .show_instructions
        .get_or_insert(assumptions::DEFAULT_SHOW_INSTRUCTIONS);
    echoed
        .token_type
        .get_or_insert(assumptions::DEFAULT_TOKEN_TYPE);
    echoed.locale.get_or_insert(assumptions::DEFAULT_LOCALE);
    let documents = request
        .documents
        .clone()
        .unwrap_or_else(|| assumptions::DEFAULT_DOCUMENTS.to_vec());
    TokenResponse {
        message: Some(
            if request.dummy_status.is_some() {
                messages::DUMMY_TOKEN_CREATED
            } else {
                messages::TOKEN_CREATED
            }
            .to_owned(),
        ),
        redirect_url: Some(format!("{}{}", assumptions::REDIRECT_URL_BASE, auth_token)),
        auth_token,
        scan_ref,
        person_scan_ref: None,
        digit_string,
        allowed_documents: Some(BTreeMap::from([(
            assumptions::ALLOWED_DOCUMENTS_KEY.to_owned(),
            documents,
        )])),
        request: echoed,
    }
}

/// The automatic result of a dummy verification, with the webhook that reports it; no webhook
/// for a `dummyStatus` without an automatic result (validation rejects those today).
fn decide_auto_result(
    state: &AppState,
    scan_ref: &Arc<str>,
    (request, request_bytes): (&Arc<TokenRequest>, usize),
    identity: Identity,
    dummy_status: &idenfy_model::DummyStatus,
) -> (DummyVerification, Option<(WebhookEventType, DummyWebhook)>) {
    let mut dummy = DummyVerification {
        identity: Arc::new(identity),
        start_time: state.settings.now(),
        auto_status: assumptions::status_before_any_result(),
        current_status: assumptions::status_before_any_result(),
        last_finish_time: None,
        target: state.deliveries.target(request.callback_url.as_deref()),
    };
    let Some(result) = rules::auto_result(dummy_status) else {
        return (dummy, None);
    };
    let is_final = if result.event == WebhookEventType::IdentificationAutoFinished {
        state.settings.auto_webhook_final
    } else {
        result.is_final
    };
    let finish_time = dummy.auto_finish_time();
    dummy.last_finish_time = Some(finish_time);
    dummy.auto_status = result.status.clone();
    dummy.current_status = result.status.clone();
    let webhook = dummy.webhook(
        scan_ref,
        (request, request_bytes),
        result.status,
        is_final,
        finish_time,
    );
    (dummy, Some((result.event, webhook)))
}
