//! The status matrix against a team's own endpoint ([`run_matrix_to`]): every flow runs as
//! `idenfy_live::scenario::run_matrix` runs it, then the webhooks the kit's receiver got for
//! it, exact bytes and signatures, go to the team's endpoint in the order they arrived, and the
//! probe is compared with the reference decision (`idenfy_model::decision`) per triple. The
//! mishandled triples are grouped by automatic result and by what the system held instead.

use std::collections::BTreeMap;
use std::time::Duration;

use idenfy_model::decision::reference_decision;
use idenfy_model::{IdentificationWebhook, Triple, WebhookEventType};
use idenfy_sender::{Trust, Url};
use serde::Serialize;

use crate::fuzz::exchange::{Wire, judge};
use crate::fuzz::replay::ReplayStep;
use crate::probe::Probe;
use crate::receiver::WebhookReceiver;
use crate::scenario::{MatrixOptions, MatrixReport, Progress, run_matrix};
use crate::{Client, Error};

/// Where the matrix's webhooks go and how the result is read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ForwardOptions {
    /// The team's webhook endpoint.
    pub to: Url,
    /// Where to ask what the system holds; without it only the answers are checked.
    pub probe: Option<Probe>,
    /// Time limit of each request.
    pub timeout: Duration,
    /// Which HTTPS certificates the endpoint and the probe may present.
    pub trust: Trust,
}

/// How the team's endpoint handled the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ForwardReport {
    /// Triples whose webhooks were forwarded (those whose flow passed).
    pub forwarded: usize,
    /// Every mishandled triple, in matrix order.
    pub mishandled: Vec<Mishandled>,
    /// The mishandled triples grouped by automatic result, expected and actual outcome.
    pub groups: Vec<MishandledGroup>,
}

/// One triple the endpoint mishandled.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mishandled {
    /// The triple.
    pub triple: Triple,
    /// Its verification.
    pub scan_ref: String,
    /// What a correct system does: answers 2xx, or holds this word.
    pub expected: String,
    /// What the endpoint did instead.
    pub actual: String,
}

/// Mishandled triples that share an automatic result and an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MishandledGroup {
    /// `55 triple(s) after automatic result APPROVED: expected "rejected", got "verified"`.
    pub description: String,
    /// The triples, in matrix order.
    pub triples: Vec<Triple>,
}

impl ForwardOptions {
    /// Forwards to `to`, without a probe, 10 s per request.
    pub fn new(to: Url) -> Self {
        Self {
            to,
            probe: None,
            timeout: Duration::from_secs(10),
            trust: Trust::default(),
        }
    }
}

impl ForwardReport {
    /// Whether the endpoint handled every forwarded triple.
    pub fn is_success(&self) -> bool {
        self.mishandled.is_empty()
    }
}

/// Runs the matrix over `triples` ([`run_matrix`]), then [`forward_matrix`].
pub async fn run_matrix_to(
    client: &Client,
    receiver: &WebhookReceiver,
    triples: &[Triple],
    options: &MatrixOptions,
    forward: &ForwardOptions,
    progress: impl FnMut(Progress<'_>),
) -> Result<(MatrixReport, ForwardReport), Error> {
    let report = run_matrix(client, receiver, triples, options, progress).await;
    let forwarded = forward_matrix(&report, receiver, forward).await?;
    Ok((report, forwarded))
}

/// Sends the webhooks `receiver` got for each passed flow of `report` to the team's endpoint,
/// in arrival order, and checks the answers and the probe.
pub async fn forward_matrix(
    report: &MatrixReport,
    receiver: &WebhookReceiver,
    forward: &ForwardOptions,
) -> Result<ForwardReport, Error> {
    let wire = Wire::new(forward.to.clone(), None, forward.timeout, &forward.trust)?;
    let received = receiver.received();
    let mut forwarded = 0;
    let mut mishandled = Vec::new();
    for outcome in report.outcomes.iter().filter(|outcome| outcome.passed()) {
        let Some(scan_ref) = &outcome.scan_ref else {
            continue;
        };
        let webhooks: Vec<_> = received
            .iter()
            .filter(|webhook| webhook.scan_ref.as_ref() == Some(scan_ref) && webhook.is_accepted())
            .collect();
        let steps: Vec<ReplayStep> = webhooks
            .iter()
            .map(|webhook| {
                let event = webhook.event.as_ref().map_or("", WebhookEventType::as_str);
                ReplayStep {
                    scan_ref: scan_ref.clone(),
                    label: event.to_owned(),
                    event: event.to_owned(),
                    body: String::from_utf8_lossy(&webhook.body).into_owned(),
                    signature: webhook
                        .header("idenfy-signature")
                        .unwrap_or_default()
                        .to_owned(),
                    expected: "2xx".to_owned(),
                }
            })
            .collect();
        let answers = wire.send(&steps, forwarded == 0).await?;
        forwarded += 1;
        let mut record = |expected: String, actual: String| {
            mishandled.push(Mishandled {
                triple: outcome.triple.clone(),
                scan_ref: scan_ref.clone(),
                expected,
                actual,
            });
        };
        if let Some((_, message)) = judge(&answers) {
            record("2xx to every webhook".to_owned(), message);
            continue;
        }
        let Some(probe) = &forward.probe else {
            continue;
        };
        let bodies: Vec<(WebhookEventType, IdentificationWebhook)> = webhooks
            .iter()
            .filter_map(|webhook| Some((webhook.event.clone()?, webhook.webhook.clone().ok()?)))
            .collect();
        let Some(decision) = reference_decision(bodies.iter().map(|(event, body)| (event, body)))
        else {
            continue;
        };
        let expected = probe.expectations().word(&decision);
        let held = probe.read(wire.http(), scan_ref).await?;
        if held != expected {
            record(expected, held);
        }
    }
    let groups = group(&mishandled);
    Ok(ForwardReport {
        forwarded,
        mishandled,
        groups,
    })
}

/// `mishandled` grouped by automatic result, expected and actual outcome, largest first.
fn group(mishandled: &[Mishandled]) -> Vec<MishandledGroup> {
    let mut groups: BTreeMap<(String, String, String), Vec<Triple>> = BTreeMap::new();
    for item in mishandled {
        let key = (
            item.triple.auto.to_string(),
            item.expected.clone(),
            item.actual.clone(),
        );
        groups.entry(key).or_default().push(item.triple.clone());
    }
    let mut groups: Vec<MishandledGroup> = groups
        .into_iter()
        .map(|((auto, expected, actual), triples)| MishandledGroup {
            description: format!(
                "{} triple(s) after automatic result {auto}: expected {expected:?}, got \
                 {actual:?}",
                triples.len()
            ),
            triples,
        })
        .collect();
    groups.sort_by_key(|group| std::cmp::Reverse(group.triples.len()));
    groups
}
