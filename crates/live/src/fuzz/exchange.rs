//! The requests of a fuzz case or a replay: registering verifications at the setup URL,
//! sending the steps through the one sender ([`idenfy_sender::Sender`]), reading the probe,
//! and judging the answers.

use std::time::Duration;

use bytes::Bytes;
use idenfy_sender::{NoAnswerKind, Outgoing, Sender, Trust, Url};
use serde::Serialize;

use crate::Error;
use crate::fuzz::replay::{ReplayStep, ReplayVerification, shown};
use crate::probe::Probe;

/// Which property a case broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Property {
    /// Every genuine webhook is answered 2xx.
    Accepted,
    /// No webhook is ever answered 5xx.
    NoServerError,
    /// The probe shows the reference decision.
    Decision,
    /// A failing manual value never leaves a more trusting decision.
    Metamorphic,
}

impl Property {
    /// The property in words.
    pub fn describe(self) -> &'static str {
        match self {
            Property::Accepted => "every genuine webhook is answered 2xx",
            Property::NoServerError => "no webhook is ever answered 5xx",
            Property::Decision => "the system ends with the reference decision",
            Property::Metamorphic => "a failing manual value never leaves the system more trusting",
        }
    }
}

/// How the endpoint answered one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// The verification.
    pub scan_ref: String,
    /// What the step is.
    pub label: String,
    /// The `Idenfy-Event-Type` sent.
    pub event: String,
    /// The status code, when it answered.
    pub status: Option<u16>,
    /// Why it did not answer.
    pub no_answer: Option<String>,
    /// The start of its answer's body.
    pub body_excerpt: String,
}

/// What the probe said about one verification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    /// The verification.
    pub scan_ref: String,
    /// The word a correct system holds.
    pub expected: String,
    /// The word the probe gave.
    pub got: String,
}

impl ProbeReport {
    /// Whether the system holds the expected word.
    pub fn matches(&self) -> bool {
        self.expected == self.got
    }

    /// "scanRef …: the probe says X, expected Y".
    pub fn describe(&self) -> String {
        format!(
            "scanRef {}: the probe says {:?}, a correct consumer holds {:?}",
            self.scan_ref, self.got, self.expected
        )
    }
}

/// The first broken answer property of `steps`, with a message: a 5xx first, else any other
/// answer but 2xx.
pub(crate) fn judge(steps: &[StepReport]) -> Option<(Property, String)> {
    let server_error = steps
        .iter()
        .position(|step| step.status.is_some_and(|status| status >= 500));
    if let Some(at) = server_error {
        let step = &steps[at];
        return Some((
            Property::NoServerError,
            format!(
                "step {} ({}) was answered {}: a genuine webhook must never get a 5xx (iDenfy \
                 retries it, then shows the person a failure page)",
                at + 1,
                step.label,
                step.status.unwrap_or_default()
            ),
        ));
    }
    let refused = steps.iter().position(|step| {
        !step
            .status
            .is_some_and(|status| (200..300).contains(&status))
    })?;
    let step = &steps[refused];
    let answer = match (&step.status, &step.no_answer) {
        (Some(status), _) => format!("answered {status}"),
        (None, Some(why)) => format!("not answered ({why})"),
        (None, None) => "not answered".to_owned(),
    };
    Some((
        Property::Accepted,
        format!(
            "step {} ({}) was {answer}: every genuine webhook must get a 2xx, whatever the \
             order or repetition",
            refused + 1,
            step.label
        ),
    ))
}

/// The connections of one run.
pub(crate) struct Wire {
    sender: Sender,
    http: reqwest::Client,
    to: Url,
    setup_url: Option<Url>,
}

impl Wire {
    /// Sends to `to`, registers at `setup_url`; every request may take `timeout`, and HTTPS
    /// servers are trusted as `trust` says.
    pub(crate) fn new(
        to: Url,
        setup_url: Option<Url>,
        timeout: Duration,
        trust: &Trust,
    ) -> Result<Self, Error> {
        let builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout);
        let http = trust
            .configure(builder)?
            .build()
            .map_err(|error| Error::HttpClient(crate::error::HttpError::new(error)))?;
        Ok(Self {
            sender: Sender::with_trust(timeout, trust)?,
            http,
            to,
            setup_url,
        })
    }

    /// The client that reads probes and registers verifications.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// POSTs `{scanRef, clientId, externalRef}` of each verification to the setup URL.
    pub(crate) async fn set_up(&self, verifications: &[ReplayVerification]) -> Result<(), Error> {
        let Some(url) = &self.setup_url else {
            return Ok(());
        };
        for verification in verifications {
            let body = serde_json::json!({
                "scanRef": verification.scan_ref,
                "clientId": verification.client_id,
                "externalRef": verification.external_ref,
            });
            let refused = |answer: String| Error::Setup {
                url: shown(url),
                scan_ref: verification.scan_ref.clone(),
                answer,
            };
            let response = self
                .http
                .post(url.clone())
                .json(&body)
                .send()
                .await
                .map_err(|error| {
                    if error.is_connect() {
                        Error::Unreachable {
                            url: shown(url),
                            cause: crate::probe::error_causes(&error),
                        }
                    } else {
                        refused(format!("nothing ({})", crate::probe::error_causes(&error)))
                    }
                })?;
            if !response.status().is_success() {
                return Err(refused(response.status().to_string()));
            }
        }
        Ok(())
    }

    /// Sends `steps` in order. With `first_contact`, an endpoint that cannot be connected to
    /// before its first answer is an error, not a broken property.
    pub(crate) async fn send(
        &self,
        steps: &[ReplayStep],
        first_contact: bool,
    ) -> Result<Vec<StepReport>, Error> {
        let mut reports = Vec::with_capacity(steps.len());
        for step in steps {
            let outgoing = Outgoing {
                body: Bytes::from(step.body.clone()),
                signature: Some(&step.signature),
                event: &step.event,
            };
            let answer = self.sender.send(&self.to, &outgoing).await;
            let (status, no_answer, body_excerpt) = match answer {
                Ok(answer) => (Some(answer.status), None, answer.body_excerpt),
                Err(no_answer) => {
                    if first_contact
                        && reports.is_empty()
                        && no_answer.kind == NoAnswerKind::Connect
                    {
                        return Err(Error::Unreachable {
                            url: shown(&self.to),
                            cause: no_answer.cause,
                        });
                    }
                    (None, Some(no_answer.to_string()), String::new())
                }
            };
            reports.push(StepReport {
                scan_ref: step.scan_ref.clone(),
                label: step.label.clone(),
                event: step.event.clone(),
                status,
                no_answer,
                body_excerpt,
            });
        }
        Ok(reports)
    }

    /// What `probe` says about each verification, next to the expected word.
    pub(crate) async fn probe(
        &self,
        probe: &Probe,
        verifications: &[ReplayVerification],
    ) -> Result<Vec<ProbeReport>, Error> {
        let mut reports = Vec::with_capacity(verifications.len());
        for verification in verifications {
            let Some(decision) = &verification.expected else {
                continue;
            };
            reports.push(ProbeReport {
                scan_ref: verification.scan_ref.clone(),
                expected: probe.expectations().word(decision),
                got: probe.read(&self.http, &verification.scan_ref).await?,
            });
        }
        Ok(reports)
    }
}
