//! Replay files: a failing fuzz case written down as the exact requests sent (event, body
//! bytes, signature) and the decision each verification should end with, and
//! [`replay_file`], which sends exactly those bytes again, so the failure becomes a
//! regression test in any language.

use std::path::Path;
use std::time::Duration;

use idenfy_model::decision::Decision;
use idenfy_model::support::redact_url;
use idenfy_sender::{Trust, Url};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::fuzz::exchange::{ProbeReport, StepReport, Wire, judge};
use crate::probe::Probe;

/// The `format` of every replay file.
pub const REPLAY_FORMAT: &str = "idenfy-testkit-replay";
/// The `version` this crate writes and reads.
pub const REPLAY_VERSION: u32 = 1;

/// A written-down fuzz case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayFile {
    /// Always [`REPLAY_FORMAT`].
    pub format: String,
    /// Always [`REPLAY_VERSION`].
    pub version: u32,
    /// The fuzz run's seed.
    pub seed: u64,
    /// The salt the case's `scanRef`s were drawn from.
    pub salt: u64,
    /// What failed, in words.
    pub failure: String,
    /// The verifications, with what a correct consumer holds after the steps.
    pub verifications: Vec<ReplayVerification>,
    /// The requests, in the order they are sent.
    pub steps: Vec<ReplayStep>,
}

/// One verification of a [`ReplayFile`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayVerification {
    /// Its `scanRef`.
    pub scan_ref: String,
    /// The token request's `clientId`.
    pub client_id: String,
    /// The token request's `externalRef`.
    pub external_ref: Option<String>,
    /// The reference decision after every step (`idenfy_model::decision`).
    pub expected: Option<Decision>,
}

/// One request of a [`ReplayFile`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayStep {
    /// The verification it belongs to.
    pub scan_ref: String,
    /// What it is, for people.
    pub label: String,
    /// The `Idenfy-Event-Type` header.
    pub event: String,
    /// The exact body.
    pub body: String,
    /// The `Idenfy-Signature` header.
    pub signature: String,
    /// The answer a correct endpoint gives: always `2xx`.
    pub expected: String,
}

/// How to replay.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReplayOptions {
    /// Checks what the system holds after the steps, when given.
    pub probe: Option<Probe>,
    /// Registers each verification first (POST `{scanRef, clientId, externalRef}`), when given.
    pub setup_url: Option<Url>,
    /// Time limit of each request.
    pub timeout: Duration,
    /// Which HTTPS certificates the endpoint, the probe and the setup URL may present.
    pub trust: Trust,
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReplayReport {
    /// How the endpoint answered each step.
    pub steps: Vec<StepReport>,
    /// What the probe said, when there is one.
    pub probes: Vec<ProbeReport>,
    /// What failed, or `None` when the endpoint did everything right.
    pub failure: Option<String>,
}

impl Default for ReplayOptions {
    /// No probe, no setup URL, 10 s per request, the public web's certificate authorities.
    fn default() -> Self {
        Self {
            probe: None,
            setup_url: None,
            timeout: Duration::from_secs(10),
            trust: Trust::default(),
        }
    }
}

impl ReplayOptions {
    /// The same options with `probe`.
    pub fn probe(mut self, probe: Option<Probe>) -> Self {
        self.probe = probe;
        self
    }

    /// The same options with `setup_url`.
    pub fn setup_url(mut self, setup_url: Option<Url>) -> Self {
        self.setup_url = setup_url;
        self
    }
}

impl ReplayFile {
    /// Reads and checks a replay file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let refused = |reason: String| Error::ReplayFile {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|error| refused(error.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| refused(format!("not JSON ({error})")))?;
        if value.get("format").and_then(|format| format.as_str()) != Some(REPLAY_FORMAT) {
            return Err(refused(format!("no \"format\": \"{REPLAY_FORMAT}\"")));
        }
        if value.get("version").and_then(|version| version.as_u64())
            != Some(u64::from(REPLAY_VERSION))
        {
            return Err(refused(format!(
                "\"version\" is not {REPLAY_VERSION}; write it again with this idenfy-testkit"
            )));
        }
        serde_json::from_value(value).map_err(|error| refused(error.to_string()))
    }

    /// Writes the file as pretty JSON.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }
}

/// Sends the steps of the replay file at `path` to `to`, exactly as written, then probes.
pub async fn replay_file(
    path: &Path,
    to: &Url,
    options: &ReplayOptions,
) -> Result<ReplayReport, Error> {
    let file = ReplayFile::read(path)?;
    let wire = Wire::new(
        to.clone(),
        options.setup_url.clone(),
        options.timeout,
        &options.trust,
    )?;
    wire.set_up(&file.verifications).await?;
    let steps = wire.send(&file.steps, true).await?;
    if let Some((_, message)) = judge(&steps) {
        return Ok(ReplayReport {
            steps,
            probes: Vec::new(),
            failure: Some(message),
        });
    }
    let probes = match &options.probe {
        Some(probe) => wire.probe(probe, &file.verifications).await?,
        None => Vec::new(),
    };
    let failure = probes
        .iter()
        .find(|report| !report.matches())
        .map(|report| report.describe());
    Ok(ReplayReport {
        steps,
        probes,
        failure,
    })
}

impl ReplayReport {
    /// Whether the endpoint did everything right.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// `url` without user info, for messages.
pub(crate) fn shown(url: &Url) -> String {
    redact_url(url.as_str())
}
