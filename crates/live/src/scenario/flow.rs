//! One dummy flow, end to end: create the dummy token, await the automatic-result webhook, add
//! the dummy manual status, await the manual-result webhook, read the status; every answer
//! checked against `idenfy_model::rules`, stopping at the first difference.

use std::time::{Duration, Instant};

use idenfy_model::error::messages;
use idenfy_model::rules::{self, MANUAL_REVIEW_EVENT};
use idenfy_model::{
    IdentificationWebhook, ScanRefRequest, StatusResponse, TokenRequest, TokenResponse, Triple,
    WebhookEventType, WebhookStatus,
};
use serde::{Deserialize, Serialize};

use super::compare::first_difference;
use super::millis;
use crate::api::{decode_add_dummy_status, with_dummy_status};
use crate::client::{Client, Endpoint, RawResponse};
use crate::error::{Error, excerpt};
use crate::receiver::{ReceivedWebhook, WebhookReceiver};

/// How a flow runs: [`FlowOptions::default`] and the setters, e.g.
/// `FlowOptions::default().webhook_timeout(Duration::from_secs(10))`; new fields may come.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlowOptions {
    /// How long to wait for each webhook. The simulator delivers in milliseconds; iDenfy's DEV
    /// environment may take minutes.
    pub webhook_timeout: Duration,
    /// Start of every `clientId` the flow sends (a random suffix makes each unique).
    pub client_id_prefix: String,
}

impl Default for FlowOptions {
    /// Webhooks within 30 s; `clientId`s start with `idenfy-live`.
    fn default() -> Self {
        Self {
            webhook_timeout: Duration::from_secs(30),
            client_id_prefix: "idenfy-live".to_owned(),
        }
    }
}

/// A step of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FlowStep {
    /// `POST /api/v2/token` with `dummyStatus`.
    CreateToken,
    /// The automatic-result webhook.
    AutoWebhook,
    /// `POST /api/v2/add-dummy-status`.
    AddDummyStatus,
    /// The manual-result webhook.
    ManualWebhook,
    /// `POST /api/v2/status` after the manual result.
    Status,
}

/// The first place the API's behaviour differed from the expected one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Difference {
    /// The step.
    pub step: FlowStep,
    /// What was checked: a JSON path such as `webhook.status.overall`, or `http status`.
    pub field: String,
    /// What the rules (or the request) expected.
    pub expected: String,
    /// What arrived.
    pub actual: String,
}

/// What one flow found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FlowOutcome {
    /// The status triple run.
    pub triple: Triple,
    /// The verification created, once known.
    pub scan_ref: Option<String>,
    /// The first difference, or `None` if every check passed.
    pub difference: Option<Difference>,
    /// How long the flow took, in milliseconds.
    pub elapsed_ms: u64,
}

impl FlowOptions {
    /// The same options, waiting up to `webhook_timeout` for each webhook.
    pub fn webhook_timeout(self, webhook_timeout: Duration) -> Self {
        Self {
            webhook_timeout,
            ..self
        }
    }

    /// The same options, starting every `clientId` with `prefix`.
    pub fn client_id_prefix(self, prefix: impl Into<String>) -> Self {
        Self {
            client_id_prefix: prefix.into(),
            ..self
        }
    }
}

impl FlowOutcome {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.difference.is_none()
    }
}

impl std::fmt::Display for FlowStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FlowStep::CreateToken => "create token",
            FlowStep::AutoWebhook => "auto webhook",
            FlowStep::AddDummyStatus => "add dummy status",
            FlowStep::ManualWebhook => "manual webhook",
            FlowStep::Status => "status",
        })
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}: expected {}, got {}",
            self.step, self.field, self.expected, self.actual
        )
    }
}

/// Runs the dummy flow for `triple`, with webhooks sent to `receiver`:
///
/// 1. create a dummy token (`dummyStatus: triple.auto`, `callbackUrl: receiver.url()`) and check
///    201, the documented message, and that `clientId` and `externalRef` are echoed;
/// 2. await the automatic webhook and check its event, `final`, signature, statuses
///    ([`rules::auto_result`]) and that `scanRef`, `clientId` and `externalRef` came back;
/// 3. add the manual status and check 200 (and the `scanRef`, if the answer has one);
/// 4. await the manual webhook and check it the same way
///    ([`rules::status_after_manual_review`], overall status first);
/// 5. read the status and check it matches the manual webhook.
///
/// Never panics and never returns an error: whatever goes wrong is the outcome's
/// [`Difference`]. Each run creates one token, which costs money on the real API.
pub async fn dummy_flow(
    client: &Client,
    receiver: &WebhookReceiver,
    triple: &Triple,
    options: &FlowOptions,
) -> FlowOutcome {
    let started = Instant::now();
    let mut flow = Flow {
        client,
        receiver,
        triple,
        options,
        scan_ref: None,
    };
    let difference = flow.run().await.err();
    FlowOutcome {
        triple: triple.clone(),
        scan_ref: flow.scan_ref,
        difference,
        elapsed_ms: millis(started.elapsed()),
    }
}

/// The state of one run.
struct Flow<'a> {
    client: &'a Client,
    receiver: &'a WebhookReceiver,
    triple: &'a Triple,
    options: &'a FlowOptions,
    scan_ref: Option<String>,
}

/// The identifiers every webhook must bring back unchanged.
struct Identifiers {
    scan_ref: String,
    client_id: String,
    external_ref: String,
}

impl Flow<'_> {
    async fn run(&mut self) -> Result<(), Difference> {
        let triple = self.triple;
        let expected_auto = rules::auto_result(&triple.auto).ok_or_else(|| Difference {
            step: FlowStep::CreateToken,
            field: "dummyStatus".to_owned(),
            expected: "a value the API accepts".to_owned(),
            actual: triple.auto.to_string(),
        })?;
        let ids = self.create_token().await?;

        let step = FlowStep::AutoWebhook;
        let auto = self.webhook(step, &ids, &expected_auto.event).await?;
        check_webhook(
            step,
            &auto,
            &ids,
            expected_auto.is_final,
            &expected_auto.status,
        )?;

        self.add_dummy_status(&ids.scan_ref).await?;

        let step = FlowStep::ManualWebhook;
        let (event, is_final) = MANUAL_REVIEW_EVENT;
        let manual = self.webhook(step, &ids, &event).await?;
        let overall = rules::overall_after_manual_review(&triple.face, &triple.document);
        check(
            step,
            "webhook.status.overall",
            &overall,
            &manual.status.overall,
        )?;
        let expected =
            rules::status_after_manual_review(&auto.status, &triple.face, &triple.document);
        check_webhook(step, &manual, &ids, is_final, &expected)?;

        self.status(&ids, &manual.status).await
    }

    async fn create_token(&mut self) -> Result<Identifiers, Difference> {
        let step = FlowStep::CreateToken;
        let suffix = format!("{:016x}", rand::random::<u64>());
        let request = TokenRequest {
            external_ref: Some(format!("ext-{suffix}")),
            callback_url: Some(self.receiver.url().to_owned()),
            ..TokenRequest::new(format!("{}-{suffix}", self.options.client_id_prefix))
        };
        let request = with_dummy_status(&request, self.triple.auto.clone());
        let raw = self.send(step, Endpoint::Token, &request, 201).await?;
        let response: TokenResponse = raw.decode().map_err(|error| failed(step, "body", error))?;
        self.scan_ref = Some(response.scan_ref.clone());
        check(
            step,
            "message",
            &Some(messages::DUMMY_TOKEN_CREATED.to_owned()),
            &response.message,
        )?;
        check(
            step,
            "clientId",
            &request.client_id,
            &response.request.client_id,
        )?;
        check(
            step,
            "externalRef",
            &request.external_ref,
            &response.request.external_ref,
        )?;
        Ok(Identifiers {
            scan_ref: response.scan_ref,
            client_id: request.client_id,
            external_ref: request.external_ref.unwrap_or_default(),
        })
    }

    async fn add_dummy_status(&self, scan_ref: &str) -> Result<(), Difference> {
        let step = FlowStep::AddDummyStatus;
        let request = self.triple.add_dummy_status_request(scan_ref);
        let raw = self
            .send(step, Endpoint::AddDummyStatus, &request, 200)
            .await?;
        let response =
            decode_add_dummy_status(&raw).map_err(|error| failed(step, "body", error))?;
        match response.scan_ref {
            Some(echoed) => check(step, "scanRef", &scan_ref.to_owned(), &echoed),
            None => Ok(()),
        }
    }

    async fn status(&self, ids: &Identifiers, last: &WebhookStatus) -> Result<(), Difference> {
        let step = FlowStep::Status;
        let request = ScanRefRequest {
            scan_ref: ids.scan_ref.clone(),
        };
        let raw = self.send(step, Endpoint::Status, &request, 200).await?;
        let actual: StatusResponse = raw.decode().map_err(|error| failed(step, "body", error))?;
        let expected = StatusResponse::from_webhook_status(&ids.scan_ref, &ids.client_id, last);
        check(step, "status", &expected, &actual)
    }

    /// Sends `body` and checks the answer's status is `expected_status`.
    async fn send<B: Serialize>(
        &self,
        step: FlowStep,
        endpoint: Endpoint,
        body: &B,
        expected_status: u16,
    ) -> Result<RawResponse, Difference> {
        let raw = self
            .client
            .send_raw(endpoint, body)
            .await
            .map_err(|error| failed(step, "request", error))?;
        if raw.status != expected_status {
            let detail = match raw.decode::<serde_json::Value>() {
                Err(error) => error.to_string(),
                Ok(_) => excerpt(&String::from_utf8_lossy(&raw.body)),
            };
            return Err(Difference {
                step,
                field: "http status".to_owned(),
                expected: expected_status.to_string(),
                actual: format!("{} ({detail})", raw.status),
            });
        }
        Ok(raw)
    }

    /// The next accepted webhook for this verification, parsed, or what arrived instead. The
    /// receiver accepts only correctly signed webhooks, so a bad signature shows here as a
    /// timeout whose report names the signature check of every refused delivery.
    async fn webhook(
        &self,
        step: FlowStep,
        ids: &Identifiers,
        event: &WebhookEventType,
    ) -> Result<IdentificationWebhook, Difference> {
        let timeout = self.options.webhook_timeout;
        let received = self
            .receiver
            .next_for(&ids.scan_ref, event, timeout)
            .await
            .map_err(|_| Difference {
                step,
                field: "webhook".to_owned(),
                expected: format!("a signed {event} webhook within {} ms", timeout.as_millis()),
                actual: self.received_for(&ids.scan_ref),
            })?;
        received.webhook.map_err(|reason| Difference {
            step,
            field: "webhook body".to_owned(),
            expected: "an identification webhook".to_owned(),
            actual: reason,
        })
    }

    /// What the receiver got for `scan_ref`, for a timeout's report.
    fn received_for(&self, scan_ref: &str) -> String {
        let lines: Vec<String> = self
            .receiver
            .received()
            .iter()
            .filter(|webhook| webhook.scan_ref.as_deref() == Some(scan_ref))
            .map(describe)
            .collect();
        if lines.is_empty() {
            "nothing for this scanRef".to_owned()
        } else {
            lines.join("; ")
        }
    }
}

fn describe(webhook: &ReceivedWebhook) -> String {
    let event = webhook
        .event
        .as_ref()
        .map_or("no event header", WebhookEventType::as_str);
    format!(
        "{event} answered {} ({})",
        webhook.answered, webhook.signature
    )
}

/// Checks `final`, the identifiers and the statuses of a webhook.
fn check_webhook(
    step: FlowStep,
    webhook: &IdentificationWebhook,
    ids: &Identifiers,
    is_final: bool,
    status: &WebhookStatus,
) -> Result<(), Difference> {
    check(step, "webhook.final", &is_final, &webhook.is_final)?;
    check(step, "webhook.scanRef", &ids.scan_ref, &webhook.scan_ref)?;
    check(step, "webhook.clientId", &ids.client_id, &webhook.client_id)?;
    check(
        step,
        "webhook.externalRef",
        &Some(ids.external_ref.clone()),
        &webhook.external_ref,
    )?;
    check(step, "webhook.status", status, &webhook.status)
}

/// The first difference between `expected` and `actual`, as JSON under `field`.
fn check<T: Serialize>(
    step: FlowStep,
    field: &str,
    expected: &T,
    actual: &T,
) -> Result<(), Difference> {
    match first_difference(field, expected, actual) {
        None => Ok(()),
        Some(difference) => Err(Difference {
            step,
            field: difference.path,
            expected: difference.expected,
            actual: difference.actual,
        }),
    }
}

/// A step that failed with an error instead of an answer.
fn failed(step: FlowStep, field: &str, error: Error) -> Difference {
    Difference {
        step,
        field: field.to_owned(),
        expected: "a success".to_owned(),
        actual: error.to_string(),
    }
}
