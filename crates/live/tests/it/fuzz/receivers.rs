//! Webhook receivers written the way a team would, each with at most one planted bug, on
//! `127.0.0.1:0`: `POST /webhooks` takes iDenfy webhooks, `GET /probe/{scanRef}` tells what the
//! system holds (`{"status": "<overall>", "verification": {"state": "<word>"}}`, the word
//! `verified` for `APPROVED`, `rejected` for `DENIED`, the status itself otherwise) and
//! `POST /setup` registers a verification.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use idenfy_model::decision::carries_decision;
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{
    DocumentStatus, FaceStatus, FraudTag, IdentificationWebhook, MismatchTag, SigningKey,
    WebhookEventType,
};

/// The signing key of every receiver and fuzz run of these tests.
pub const KEY: &str = "fuzz-test-signing-key";

/// The one mistake a receiver makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bug {
    /// None: the receiver is correct.
    None,
    /// The first result it gets is kept for good, the automatic one included.
    AutoTakenAsFinal,
    /// Whatever arrives last is kept, a late automatic result over a manual one included.
    StaleOverwrites,
    /// A webhook it has seen before is answered 409 Conflict.
    DuplicateActedTwice,
    /// A fraud or mismatch tag it does not know is answered 500.
    ServerErrorOnUnknownTag,
    /// The signature is checked over the body parsed and serialized again.
    ReserializingVerifier,
    /// `IDENTIFICATION_MANUAL_FINISHED` webhooks are acknowledged and dropped.
    IgnoresManualReviews,
    /// A manual review is decided from its face and document values, with the approval rule
    /// inverted: anything but `FACE_MATCH` with `DOC_VALIDATED` approves.
    InvertedReviewRule,
}

/// What the system holds for one verification.
#[derive(Debug, Clone)]
struct Held {
    overall: String,
    is_final: bool,
    finish_time: Option<i64>,
}

#[derive(Default)]
struct Store {
    held: HashMap<String, Held>,
    seen: HashSet<String>,
    setups: Vec<String>,
}

#[derive(Clone)]
struct Receiver {
    bug: Bug,
    key: SigningKey,
    store: Arc<Mutex<Store>>,
}

/// A running receiver; dropping it leaves the server running until the test ends.
pub struct Running {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    store: Arc<Mutex<Store>>,
}

impl Running {
    /// The webhook URL.
    pub fn webhooks(&self) -> idenfy_sender::Url {
        format!("{}/webhooks", self.base).parse().unwrap()
    }

    /// The probe URL template.
    pub fn probe(&self) -> String {
        format!("{}/probe/{{scanRef}}", self.base)
    }

    /// The setup URL.
    pub fn setup(&self) -> idenfy_sender::Url {
        format!("{}/setup", self.base).parse().unwrap()
    }

    /// The `scanRef`s registered at the setup URL, in order.
    pub fn setups(&self) -> Vec<String> {
        self.store.lock().unwrap().setups.clone()
    }

    /// How many verifications the system holds.
    pub fn held(&self) -> usize {
        self.store.lock().unwrap().held.len()
    }
}

/// Starts a receiver with `bug`.
pub async fn start(bug: Bug) -> Running {
    let store = Arc::new(Mutex::new(Store::default()));
    let receiver = Receiver {
        bug,
        key: SigningKey::new(KEY),
        store: store.clone(),
    };
    let router = Router::new()
        .route("/webhooks", post(webhook))
        .route("/probe/{scan_ref}", get(probe))
        .route("/setup", post(setup))
        .with_state(receiver);
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    Running { base, store }
}

async fn webhook(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let checked: Vec<u8> = if receiver.bug == Bug::ReserializingVerifier {
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(value) => serde_json::to_vec(&value).unwrap(),
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        }
    } else {
        body.to_vec()
    };
    if idenfy_model::verify(&receiver.key, &checked, signature).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let event = WebhookEventType::from(
        headers
            .get(EVENT_TYPE_HEADER)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default(),
    );
    let mut store = receiver.store.lock().unwrap();
    if receiver.bug == Bug::DuplicateActedTwice && !store.seen.insert(signature.to_owned()) {
        return (StatusCode::CONFLICT, "already processed").into_response();
    }
    if !carries_decision(&event) {
        return StatusCode::OK.into_response();
    }
    let Ok(webhook) = serde_json::from_slice::<IdentificationWebhook>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let unknown_tag = webhook
        .status
        .fraud_tags
        .iter()
        .any(|tag| matches!(tag, FraudTag::Other(_)))
        || webhook
            .status
            .mismatch_tags
            .iter()
            .any(|tag| matches!(tag, MismatchTag::Other(_)));
    if receiver.bug == Bug::ServerErrorOnUnknownTag && unknown_tag {
        return (StatusCode::INTERNAL_SERVER_ERROR, "unknown tag").into_response();
    }
    if receiver.bug == Bug::IgnoresManualReviews
        && event == WebhookEventType::IdentificationManualFinished
    {
        return StatusCode::OK.into_response();
    }
    let overall = if receiver.bug == Bug::InvertedReviewRule
        && event == WebhookEventType::IdentificationManualFinished
    {
        let approved = webhook.status.manual_face == Some(FaceStatus::FaceMatch)
            && webhook.status.manual_document == Some(DocumentStatus::DocValidated);
        if approved { "DENIED" } else { "APPROVED" }.to_owned()
    } else {
        webhook.status.overall.as_str().to_owned()
    };
    let incoming = Held {
        overall,
        is_final: webhook.is_final,
        finish_time: webhook.finish_time,
    };
    let current = store.held.get(&webhook.scan_ref);
    let take = match (receiver.bug, current) {
        (_, None) => true,
        (Bug::AutoTakenAsFinal, Some(_)) => false,
        (Bug::StaleOverwrites, Some(_)) => true,
        (_, Some(held)) if held.is_final && !incoming.is_final => false,
        (_, Some(held)) if incoming.is_final && !held.is_final => true,
        (_, Some(held)) => incoming.finish_time >= held.finish_time,
    };
    if take {
        store.held.insert(webhook.scan_ref.clone(), incoming);
    }
    StatusCode::OK.into_response()
}

async fn probe(State(receiver): State<Receiver>, Path(scan_ref): Path<String>) -> Response {
    let store = receiver.store.lock().unwrap();
    let Some(held) = store.held.get(&scan_ref) else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(
                serde_json::json!({"status": "unknown", "verification": {"state": "unknown"}}),
            ),
        )
            .into_response();
    };
    let word = match held.overall.as_str() {
        "APPROVED" => "verified",
        "DENIED" => "rejected",
        other => other,
    };
    axum::Json(serde_json::json!({"status": held.overall, "verification": {"state": word}}))
        .into_response()
}

async fn setup(State(receiver): State<Receiver>, body: Bytes) -> StatusCode {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let has_client = value["clientId"].is_string() && value.get("externalRef").is_some();
    match value["scanRef"].as_str() {
        Some(scan_ref) if has_client => {
            receiver
                .store
                .lock()
                .unwrap()
                .setups
                .push(scan_ref.to_owned());
            StatusCode::CREATED
        }
        _ => StatusCode::BAD_REQUEST,
    }
}
