//! `idenfy-testkit trigger --battery`: grades a webhook endpoint. It sends six forgeries a
//! careful endpoint refuses (tampered body, wrong key, no signature, upper-case or malformed
//! signature, the body re-serialized under the original signature), one correctly signed
//! webhook, and an exact replay of it, then prints a verdict per case.
//!
//! The endpoint passes when it accepts (2xx) exactly the valid webhook. An accepted replay is
//! a warning, not a failure: iDenfy's signature carries no timestamp, so only idempotency on
//! `scanRef` protects against a replayed webhook, and answering 2xx to a duplicate is how an
//! idempotent endpoint stops iDenfy's retries.

use std::process::ExitCode;

use idenfy_model::{DummyStatus, OverallStatus, SigningKey, sign};
use serde::Serialize;
use serde_json::Value;

use crate::exit::FAILURE;
use crate::output::Stdout;
use crate::send::{Answer, Request, Sender};
use crate::webhook_choice::{Webhook, WebhookChoice};

/// One request of the battery; serialized as its [`Case::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Valid,
    TamperedBody,
    WrongKey,
    NoSignature,
    UppercaseSignature,
    MalformedSignature,
    ReserializedBody,
    Replay,
}

/// What a careful endpoint does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Expected {
    /// Answers 2xx.
    Accept,
    /// Answers anything but 2xx.
    Refuse,
    /// Refuses it, or answers 2xx without acting twice (idempotent on `scanRef`).
    RefuseOrIdempotent,
}

/// How the endpoint did on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Verdict {
    Pass,
    Warning,
    Fail,
}

/// One graded case, as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Graded {
    case: Case,
    description: &'static str,
    expected: Expected,
    /// The HTTP status, when the endpoint answered.
    status: Option<u16>,
    /// Whether it answered 2xx.
    accepted: bool,
    /// Why no answer came.
    error: Option<String>,
    verdict: Verdict,
}

/// The whole grade, as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Grade<'a> {
    url: &'a str,
    event: &'a str,
    passed: bool,
    cases: Vec<Graded>,
    wrongly_accepted: Vec<Case>,
    wrongly_refused: Vec<Case>,
    warnings: Vec<Case>,
}

/// The cases in the order they are sent: forgeries before the valid webhook, so that an
/// endpoint that answers 2xx to any `scanRef` it has already seen (idempotency checked before
/// the signature) cannot pass a forgery off as a duplicate; the replay last.
const CASES: [Case; 8] = [
    Case::TamperedBody,
    Case::WrongKey,
    Case::NoSignature,
    Case::UppercaseSignature,
    Case::MalformedSignature,
    Case::ReserializedBody,
    Case::Valid,
    Case::Replay,
];

/// Grades the endpoint behind `sender` with webhooks signed by `key`, and prints a table (or
/// JSON); exit code 1 unless it accepted exactly the valid webhook.
pub async fn run(
    sender: &Sender,
    key: &SigningKey,
    choice: &WebhookChoice,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let webhook = if choice.is_given() {
        choice.generate()
    } else {
        WebhookChoice {
            auto: Some(DummyStatus::Denied),
            ..choice.clone()
        }
        .generate()
    };
    let mut cases = Vec::new();
    for case in CASES {
        let (body, signature) = case.request(&webhook, key);
        let answer = sender
            .send(&Request {
                body: &body,
                signature: signature.as_deref(),
                event: &webhook.event,
            })
            .await;
        if cases.is_empty()
            && let Err(error) = answer
        {
            return Err(error.context("the battery's first webhook got no answer"));
        }
        cases.push(case.grade(answer));
    }
    let pick = |keep: fn(&Graded) -> bool| -> Vec<Case> {
        cases
            .iter()
            .filter(|graded| keep(graded))
            .map(|graded| graded.case)
            .collect()
    };
    let grade = Grade {
        url: sender.url(),
        event: webhook.event.as_str(),
        passed: cases.iter().all(|graded| graded.verdict != Verdict::Fail),
        wrongly_accepted: pick(|graded| graded.verdict == Verdict::Fail && graded.accepted),
        wrongly_refused: pick(|graded| graded.verdict == Verdict::Fail && !graded.accepted),
        warnings: pick(|graded| graded.verdict == Verdict::Warning),
        cases,
    };
    let mut out = Stdout::lock();
    if json {
        out.json_line(&grade)?;
    } else {
        out.bytes(grade.table().as_bytes())?;
        out.bytes(grade.conclusion().as_bytes())?;
    }
    out.finish()?;
    Ok(if grade.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILURE)
    })
}

impl Case {
    /// What the case sends.
    fn description(self) -> &'static str {
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

    fn expected(self) -> Expected {
        match self {
            Case::Valid => Expected::Accept,
            Case::Replay => Expected::RefuseOrIdempotent,
            _ => Expected::Refuse,
        }
    }

    /// The body and signature header of this case.
    fn request(self, webhook: &Webhook, key: &SigningKey) -> (Vec<u8>, Option<String>) {
        let body = webhook.body.as_bytes().to_vec();
        let signature = sign(key, &body);
        match self {
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
            Case::ReserializedBody => (reserialized(&webhook.body), Some(signature)),
        }
    }

    /// Judges the endpoint's answer to this case.
    fn grade(self, answer: anyhow::Result<Answer>) -> Graded {
        let (status, error, accepted) = match answer {
            Ok(answer) => (Some(answer.status.as_u16()), None, answer.is_accepted()),
            Err(error) => (None, Some(format!("{error:#}")), false),
        };
        let expected = self.expected();
        let answered = status.is_some();
        let verdict = match (expected, accepted) {
            // No answer at all to a forgery is no proof of a check: the endpoint may have
            // crashed on it.
            (Expected::Refuse | Expected::RefuseOrIdempotent, false) if !answered => {
                Verdict::Warning
            }
            (Expected::Accept, true) | (Expected::Refuse | Expected::RefuseOrIdempotent, false) => {
                Verdict::Pass
            }
            (Expected::RefuseOrIdempotent, true) => Verdict::Warning,
            (Expected::Accept, false) | (Expected::Refuse, true) => Verdict::Fail,
        };
        Graded {
            case: self,
            description: self.description(),
            expected,
            status,
            accepted,
            error,
            verdict,
        }
    }

    fn name(self) -> &'static str {
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
}

impl Serialize for Case {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The body with `status.overall` turned into an approval (or, if it is one, a denial): what
/// an attacker who cannot sign would try.
fn tampered(webhook: &Webhook) -> Vec<u8> {
    let mut changed = webhook.webhook.clone();
    changed.status.overall = if changed.status.overall == OverallStatus::Approved {
        OverallStatus::Denied
    } else {
        OverallStatus::Approved
    };
    serde_json::to_vec(&changed).expect("webhook bodies serialize to JSON")
}

/// The same JSON value, pretty-printed with every object's keys in reverse order: equal for a
/// JSON parser, different bytes for the signature.
fn reserialized(body: &str) -> Vec<u8> {
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
    let value: Value = serde_json::from_str(body).expect("generated bodies are JSON");
    serde_json::to_vec_pretty(&reverse_keys(value)).expect("JSON values serialize")
}

impl Expected {
    fn label(self) -> &'static str {
        match self {
            Expected::Accept => "2xx",
            Expected::Refuse => "not 2xx",
            Expected::RefuseOrIdempotent => "not 2xx, or idempotent",
        }
    }
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warning => "WARNING",
            Verdict::Fail => "FAIL",
        }
    }
}

impl Grade<'_> {
    /// One row per case: case, what it sends, expected answer, answer, verdict.
    fn table(&self) -> String {
        let header = ["case", "sends", "expected", "got", "verdict"].map(str::to_owned);
        let rows: Vec<[String; 5]> = self
            .cases
            .iter()
            .map(|graded| {
                let got = graded
                    .status
                    .map_or_else(|| "no answer".to_owned(), |status| status.to_string());
                [
                    graded.case.name().to_owned(),
                    graded.description.to_owned(),
                    graded.expected.label().to_owned(),
                    got,
                    graded.verdict.label().to_owned(),
                ]
            })
            .collect();
        let mut widths = header.clone().map(|cell| cell.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut table = String::new();
        for row in std::iter::once(&header).chain(&rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            table.push_str(cells.join("  ").trim_end());
            table.push('\n');
        }
        table
    }

    /// The verdict in words, with what to fix.
    fn conclusion(&self) -> String {
        let names = |cases: &[Case]| -> String {
            cases
                .iter()
                .map(|case| case.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = String::from("\n");
        let no_answers: Vec<&Graded> = self
            .cases
            .iter()
            .filter(|graded| graded.error.is_some())
            .collect();
        for graded in no_answers {
            text.push_str(&format!(
                "note: {} got no answer: {}\n",
                graded.case.name(),
                graded.error.as_deref().unwrap_or_default()
            ));
        }
        if self.passed {
            text.push_str(&format!(
                "PASSED: {} accepted the correctly signed webhook and refused every forgery.\n",
                self.url
            ));
        } else {
            text.push_str(&format!("FAILED: {}\n", self.url));
        }
        if !self.wrongly_refused.is_empty() {
            text.push_str(
                "  it refused the correctly signed webhook: check that it verifies with the same \
                 signing key, over the raw body bytes, and answers 2xx\n",
            );
        }
        if !self.wrongly_accepted.is_empty() {
            text.push_str(&format!(
                "  it accepted webhooks it must refuse: {}\n  verify Idenfy-Signature as the \
                 lower-case hex HMAC-SHA256 of the raw body bytes (before any JSON parsing) with \
                 your signing key, compare in constant time, and answer 401 when it differs\n",
                names(&self.wrongly_accepted)
            ));
        }
        if !self.warnings.is_empty() {
            text.push_str(&format!(
                "WARNING: it accepted an exact replay ({}); iDenfy's signature has no timestamp, \
                 so make sure a second webhook for the same scanRef and event is not acted on \
                 twice\n",
                names(&self.warnings)
            ));
        }
        text
    }
}
