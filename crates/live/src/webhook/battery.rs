//! The forgery battery: grades a webhook endpoint by sending six forgeries a careful endpoint
//! refuses (tampered body, wrong key, no signature, upper-case or malformed signature, the body
//! re-serialized under the original signature), one correctly signed webhook, and an exact
//! replay of it.
//!
//! The endpoint passes when it accepts (2xx) exactly the valid webhook. An accepted replay is
//! a warning, not a failure: iDenfy's signature carries no timestamp, so only idempotency on
//! `scanRef` protects against a replayed webhook, and answering 2xx to a duplicate is how an
//! idempotent endpoint stops iDenfy's retries.
//!
//! The cases are data ([`Case::ALL`], [`Case::request`], [`Case::expected`]) and the grading a
//! pure function ([`Expected::verdict`]), so other drivers can reuse them; [`run_battery`] sends
//! the whole battery and returns its [`Grade`].
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use idenfy_live::webhook::battery::run_battery;
//! use idenfy_model::{IdentificationWebhook, SigningKey, WebhookEventType};
//! use idenfy_sender::Sender;
//!
//! # let webhook: IdentificationWebhook = todo!();
//! let sender = Sender::new(Duration::from_secs(10))?;
//! let url = "http://127.0.0.1:3000/webhooks/idenfy".parse()?;
//! let key = SigningKey::new("my-signing-key");
//! let event = WebhookEventType::IdentificationAutoFinished;
//! let grade = run_battery(&sender, &url, &key, &event, &webhook).await?;
//! assert!(grade.passed(), "wrongly accepted: {:?}", grade.wrongly_accepted());
//! # Ok(()) }
//! ```

use bytes::Bytes;
use idenfy_model::{IdentificationWebhook, OverallStatus, SigningKey, WebhookEventType, sign};
use idenfy_sender::{Answer, NoAnswer, Outgoing, Sender, Url};
use serde::Serialize;
use serde_json::Value;

/// One request of the battery; serialized as its [`Case::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Case {
    /// The webhook, correctly signed.
    Valid,
    /// `status.overall` changed after signing.
    TamperedBody,
    /// Signed with another key.
    WrongKey,
    /// No `Idenfy-Signature` header.
    NoSignature,
    /// The signature in upper-case hex.
    UppercaseSignature,
    /// The signature cut to its first 32 hex digits.
    MalformedSignature,
    /// The same JSON value re-serialized (whitespace, key order) under the original signature.
    ReserializedBody,
    /// The valid webhook sent again, byte for byte.
    Replay,
}

/// What a careful endpoint does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Expected {
    /// Answers 2xx.
    Accept,
    /// Answers anything but 2xx.
    Refuse,
    /// Refuses it, or answers 2xx without acting twice (idempotent on `scanRef`).
    RefuseOrIdempotent,
}

/// How the endpoint did on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// It did what a careful endpoint does.
    Pass,
    /// It may be right, but a careful reader should check: an accepted replay, or no answer
    /// at all to a forgery (the endpoint may have crashed on it).
    Warning,
    /// It accepted what it must refuse, or refused the valid webhook.
    Fail,
}

/// The body and `Idenfy-Signature` one case sends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request {
    /// The exact body bytes.
    pub body: Bytes,
    /// The `Idenfy-Signature` value; `None` leaves the header out.
    pub signature: Option<String>,
}

/// One case as sent and graded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Graded {
    /// The case.
    pub case: Case,
    /// The endpoint's answer, or why none came.
    pub answer: Result<Answer, NoAnswer>,
    /// How the endpoint did.
    pub verdict: Verdict,
}

/// A whole battery's result, cases in the order they were sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grade {
    /// The endpoint graded.
    pub url: Url,
    /// The `Idenfy-Event-Type` every case carried.
    pub event: WebhookEventType,
    /// Every case, in [`Case::ALL`] order.
    pub cases: Vec<Graded>,
}

/// Sends every case of [`Case::ALL`] to `url`, in that order, built from `webhook` (sent with
/// event `event`) and signed with `key`, and grades each answer.
///
/// Fails only when the first case gets no answer at all: the endpoint is unreachable, and
/// there is nothing to grade. A later case without an answer is graded like any other (see
/// [`Expected::verdict`]).
pub async fn run_battery(
    sender: &Sender,
    url: &Url,
    key: &SigningKey,
    event: &WebhookEventType,
    webhook: &IdentificationWebhook,
) -> Result<Grade, NoAnswer> {
    let mut cases = Vec::with_capacity(Case::ALL.len());
    for case in Case::ALL {
        let request = case.request(webhook, key);
        let answer = sender
            .send(
                url,
                &Outgoing {
                    body: request.body,
                    signature: request.signature.as_deref(),
                    event: event.as_str(),
                },
            )
            .await;
        if let (true, Err(no_answer)) = (cases.is_empty(), &answer) {
            return Err(no_answer.clone());
        }
        let status = answer.as_ref().ok().map(|answer| answer.status);
        cases.push(Graded {
            case,
            verdict: case.expected().verdict(status),
            answer,
        });
    }
    Ok(Grade {
        url: url.clone(),
        event: event.clone(),
        cases,
    })
}

impl Case {
    /// Every case, in the order [`run_battery`] sends them: forgeries before the valid webhook,
    /// so that an endpoint that answers 2xx to any `scanRef` it has already seen (idempotency
    /// checked before the signature) cannot pass a forgery off as a duplicate; the replay last.
    pub const ALL: [Case; 8] = [
        Case::TamperedBody,
        Case::WrongKey,
        Case::NoSignature,
        Case::UppercaseSignature,
        Case::MalformedSignature,
        Case::ReserializedBody,
        Case::Valid,
        Case::Replay,
    ];

    /// The case's stable name, e.g. `tampered-body`.
    pub fn name(self) -> &'static str {
        match self {
            Case::Valid => "valid",
            Case::TamperedBody => "tampered-body",
            Case::WrongKey => "wrong-key",
            Case::NoSignature => "no-signature",
            Case::UppercaseSignature => "uppercase-signature",
            Case::MalformedSignature => "malformed-signature",
            Case::ReserializedBody => "reserialized-body",
            Case::Replay => "replay",
        }
    }

    /// What the case sends, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Case::Valid => "valid webhook, correctly signed",
            Case::TamperedBody => "status.overall changed after signing",
            Case::WrongKey => "signed with another key",
            Case::NoSignature => "no Idenfy-Signature header",
            Case::UppercaseSignature => "signature in upper-case hex",
            Case::MalformedSignature => "signature cut to its first 32 hex digits",
            Case::ReserializedBody => "same JSON re-serialized (whitespace, key order)",
            Case::Replay => "the valid webhook sent again, byte for byte",
        }
    }

    /// What a careful endpoint does with it.
    pub fn expected(self) -> Expected {
        match self {
            Case::Valid => Expected::Accept,
            Case::Replay => Expected::RefuseOrIdempotent,
            Case::TamperedBody
            | Case::WrongKey
            | Case::NoSignature
            | Case::UppercaseSignature
            | Case::MalformedSignature
            | Case::ReserializedBody => Expected::Refuse,
        }
    }

    /// The request this case sends for `webhook` to an endpoint whose signing key is `key`.
    /// The valid case sends `webhook` as the simulator does: compact JSON, fields in the
    /// model's order.
    pub fn request(self, webhook: &IdentificationWebhook, key: &SigningKey) -> Request {
        let body =
            Bytes::from(serde_json::to_vec(webhook).expect("webhook bodies serialize to JSON"));
        let signature = sign(key, &body);
        let (body, signature) = match self {
            Case::Valid | Case::Replay => (body, Some(signature)),
            Case::TamperedBody => (tampered(webhook), Some(signature)),
            Case::WrongKey => {
                let mut wrong = key.expose().to_vec();
                wrong.extend_from_slice(b"-but-not-the-signing-key");
                let signature = sign(&SigningKey::new(wrong), &body);
                (body, Some(signature))
            }
            Case::NoSignature => (body, None),
            Case::UppercaseSignature => (body, Some(signature.to_ascii_uppercase())),
            Case::MalformedSignature => (body, Some(signature[..32].to_owned())),
            Case::ReserializedBody => (reserialized(&body), Some(signature)),
        };
        Request { body, signature }
    }
}

impl Serialize for Case {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Expected {
    /// The expected answer in a few words: `2xx`, `not 2xx`, `not 2xx, or idempotent`.
    pub fn description(self) -> &'static str {
        match self {
            Expected::Accept => "2xx",
            Expected::Refuse => "not 2xx",
            Expected::RefuseOrIdempotent => "not 2xx, or idempotent",
        }
    }

    /// Judges an answer against this expectation, given its HTTP status (`None`: no answer
    /// came). 2xx is acceptance, any other status a refusal. No answer at all to a case that
    /// must be refused is only a [`Verdict::Warning`]: it proves no check, the endpoint may
    /// have crashed on it. An accepted replay is a warning too (see the module's
    /// documentation).
    pub fn verdict(self, status: Option<u16>) -> Verdict {
        let accepted = status.is_some_and(|status| (200..300).contains(&status));
        match (self, accepted) {
            (Expected::Refuse | Expected::RefuseOrIdempotent, false) if status.is_none() => {
                Verdict::Warning
            }
            (Expected::Accept, true) | (Expected::Refuse | Expected::RefuseOrIdempotent, false) => {
                Verdict::Pass
            }
            (Expected::RefuseOrIdempotent, true) => Verdict::Warning,
            (Expected::Accept, false) | (Expected::Refuse, true) => Verdict::Fail,
        }
    }
}

impl Graded {
    /// The HTTP status, when the endpoint answered.
    pub fn status(&self) -> Option<u16> {
        self.answer.as_ref().ok().map(|answer| answer.status)
    }

    /// Whether the endpoint answered 2xx.
    pub fn accepted(&self) -> bool {
        self.answer.as_ref().is_ok_and(Answer::is_accepted)
    }
}

impl Grade {
    /// Whether no case failed: the endpoint accepted the valid webhook and refused every
    /// forgery (warnings allowed).
    pub fn passed(&self) -> bool {
        self.cases
            .iter()
            .all(|graded| graded.verdict != Verdict::Fail)
    }

    /// The failed cases the endpoint accepted: forgeries it should have refused.
    pub fn wrongly_accepted(&self) -> Vec<Case> {
        self.pick(|graded| graded.verdict == Verdict::Fail && graded.accepted())
    }

    /// The failed cases the endpoint refused (or left unanswered): the valid webhook.
    pub fn wrongly_refused(&self) -> Vec<Case> {
        self.pick(|graded| graded.verdict == Verdict::Fail && !graded.accepted())
    }

    /// The cases graded [`Verdict::Warning`].
    pub fn warnings(&self) -> Vec<Case> {
        self.pick(|graded| graded.verdict == Verdict::Warning)
    }

    fn pick(&self, keep: impl Fn(&Graded) -> bool) -> Vec<Case> {
        self.cases
            .iter()
            .filter(|graded| keep(graded))
            .map(|graded| graded.case)
            .collect()
    }
}

/// The body with `status.overall` turned into an approval (or, if it is one, a denial): what
/// an attacker who cannot sign would try.
fn tampered(webhook: &IdentificationWebhook) -> Bytes {
    let mut changed = webhook.clone();
    changed.status.overall = if changed.status.overall == OverallStatus::Approved {
        OverallStatus::Denied
    } else {
        OverallStatus::Approved
    };
    Bytes::from(serde_json::to_vec(&changed).expect("webhook bodies serialize to JSON"))
}

/// The same JSON value, pretty-printed with every object's keys in reverse order: equal for a
/// JSON parser, different bytes for the signature.
fn reserialized(body: &[u8]) -> Bytes {
    fn reverse_keys(value: Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(String, Value)> = map.into_iter().collect();
                entries.reverse();
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(key, value)| (key, reverse_keys(value)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.into_iter().map(reverse_keys).collect()),
            other => other,
        }
    }
    let value: Value = serde_json::from_slice(body).expect("webhook bodies are JSON");
    Bytes::from(serde_json::to_vec_pretty(&reverse_keys(value)).expect("JSON values serialize"))
}
