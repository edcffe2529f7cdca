//! Asking a team's own system what it holds for a verification: the probe URL template with
//! `{scanRef}`, the JSON pointer that picks the value, and the `STATUS=VALUE` words that map
//! iDenfy's overall statuses to the team's own (`--probe`, `--probe-pointer`, `--expect` of
//! `idenfy-testkit fuzz`, `replay` and `matrix --forward-to`).
//!
//! ```
//! use idenfy_live::probe::{Expectations, Probe};
//! use idenfy_model::{OverallStatus, decision::Decision};
//!
//! let expect = Expectations::parse(&["APPROVED=verified", "DENIED=rejected"])?;
//! let probe = Probe::new("http://127.0.0.1:3000/test/idenfy/{scanRef}", "/status", expect)?;
//! assert_eq!(probe.url("abc"), "http://127.0.0.1:3000/test/idenfy/abc");
//! let approved = Decision { overall: OverallStatus::Approved, is_final: true };
//! assert_eq!(probe.expectations().word(&approved), "verified");
//! # Ok::<(), idenfy_live::Error>(())
//! ```

use std::collections::BTreeMap;

use idenfy_model::decision::Decision;
use idenfy_model::support::redact_url;
use idenfy_model::{OverallStatus, support::clip};
use serde_json::Value;

use crate::Error;

/// The placeholder a probe URL template must hold.
pub const SCAN_REF_PLACEHOLDER: &str = "{scanRef}";
/// The JSON pointer used when none is given.
pub const DEFAULT_POINTER: &str = "/status";
/// The `--expect` key for a verification whose standing webhook is not final yet (an automatic
/// result awaiting review); without it such a verification is compared by its overall status.
pub const PENDING: &str = "PENDING";

/// How iDenfy's overall statuses read in the team's system.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    words: BTreeMap<String, String>,
}

/// Where and how to ask the team's system what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    template: String,
    pointer: String,
    expectations: Expectations,
}

impl Expectations {
    /// Parses `STATUS=VALUE` items; `STATUS` is an overall status (`APPROVED`, `DENIED`, …) or
    /// [`PENDING`], each given at most once.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Self, Error> {
        let mut words = BTreeMap::new();
        for item in items {
            let item = item.as_ref();
            let invalid = |reason: String| Error::ProbeSetting {
                given: item.to_owned(),
                reason,
            };
            let (status, word) = item.split_once('=').ok_or_else(|| {
                invalid("expected STATUS=VALUE, e.g. APPROVED=verified".to_owned())
            })?;
            let known = OverallStatus::ALL
                .iter()
                .any(|known| known.as_str() == status);
            if !known && status != PENDING {
                let names: Vec<&str> = OverallStatus::ALL.iter().map(|s| s.as_str()).collect();
                return Err(invalid(format!(
                    "{status:?} is not an overall status; use one of {} or {PENDING}",
                    names.join(", ")
                )));
            }
            if word.is_empty() {
                return Err(invalid(format!(
                    "no VALUE after {status}=: give the word your system holds"
                )));
            }
            if words.insert(status.to_owned(), word.to_owned()).is_some() {
                return Err(invalid(format!("{status} is mapped twice")));
            }
        }
        Ok(Self { words })
    }

    /// The word a correct system holds for `decision`: the [`PENDING`] word for a non-final
    /// one when given, else the overall status's word, else the status itself.
    pub fn word(&self, decision: &Decision) -> String {
        let pending = (!decision.is_final)
            .then(|| self.words.get(PENDING))
            .flatten();
        pending
            .or_else(|| self.words.get(decision.overall.as_str()))
            .cloned()
            .unwrap_or_else(|| decision.overall.as_str().to_owned())
    }

    /// The overall status `word` stands for, when exactly one status reads as it (unmapped
    /// statuses read as themselves).
    pub fn status_of(&self, word: &str) -> Option<OverallStatus> {
        let mut matches = OverallStatus::ALL.iter().filter(|status| {
            self.words
                .get(status.as_str())
                .map_or(status.as_str() == word, |mapped| mapped == word)
        });
        let status = matches.next()?;
        matches.next().is_none().then(|| status.clone())
    }
}

impl Probe {
    /// A probe of `template` (holding [`SCAN_REF_PLACEHOLDER`]), reading the value at `pointer`
    /// (a JSON pointer: empty for the whole body, or starting with `/`).
    pub fn new(template: &str, pointer: &str, expectations: Expectations) -> Result<Self, Error> {
        if !template.contains(SCAN_REF_PLACEHOLDER) {
            return Err(Error::ProbeSetting {
                given: redact_url(template),
                reason: format!(
                    "the probe URL must hold {SCAN_REF_PLACEHOLDER}, e.g. \
                     http://127.0.0.1:3000/test/idenfy/{SCAN_REF_PLACEHOLDER}"
                ),
            });
        }
        let sample = template.replace(SCAN_REF_PLACEHOLDER, "scan-ref");
        match reqwest::Url::parse(&sample) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => {
                return Err(Error::ProbeSetting {
                    given: redact_url(template),
                    reason: "the probe URL must be an absolute http:// or https:// URL".to_owned(),
                });
            }
        }
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(Error::ProbeSetting {
                given: pointer.to_owned(),
                reason: format!(
                    "a JSON pointer starts with `/`, e.g. {DEFAULT_POINTER} or /verification/state"
                ),
            });
        }
        Ok(Self {
            template: template.to_owned(),
            pointer: pointer.to_owned(),
            expectations,
        })
    }

    /// The probe URL of `scan_ref`.
    pub fn url(&self, scan_ref: &str) -> String {
        self.template.replace(SCAN_REF_PLACEHOLDER, scan_ref)
    }

    /// The words compared.
    pub fn expectations(&self) -> &Expectations {
        &self.expectations
    }

    /// What the team's system holds for `scan_ref`: the value at the pointer, a string as it
    /// is, any other JSON value as its JSON text (`true`, `3`, `null`).
    pub async fn read(&self, http: &reqwest::Client, scan_ref: &str) -> Result<String, Error> {
        let url = self.url(scan_ref);
        let failed = |reason: String| Error::Probe {
            url: redact_url(&url),
            scan_ref: scan_ref.to_owned(),
            reason,
        };
        let response = http
            .get(&url)
            .send()
            .await
            .map_err(|error| failed(format!("no answer ({})", error_causes(&error))))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|error| failed(format!("the answer broke off ({})", error_causes(&error))))?;
        let value: Value = serde_json::from_slice(&body).map_err(|error| {
            failed(format!(
                "HTTP {status} with a body that is not JSON ({error}): {:?}; the probe must \
                 answer JSON such as {{\"status\": \"...\"}}",
                clip(&String::from_utf8_lossy(&body), 200)
            ))
        })?;
        let found = value.pointer(&self.pointer).ok_or_else(|| {
            failed(format!(
                "HTTP {status}, but the JSON has nothing at {:?}: {}; set --probe-pointer",
                self.pointer,
                clip(&value.to_string(), 200)
            ))
        })?;
        Ok(match found {
            Value::String(word) => word.clone(),
            other => other.to_string(),
        })
    }
}

/// The causes of a client error, without the URL reqwest's own message repeats.
pub(crate) fn error_causes(error: &reqwest::Error) -> String {
    std::error::Error::source(error)
        .map_or_else(|| error.to_string(), idenfy_model::support::error_chain)
}
