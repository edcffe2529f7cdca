//! The forgery battery: grades a webhook endpoint by sending the forgeries a careful endpoint
//! refuses ([`idenfy_gen::forgeries`]: tampered body, wrong key, no signature, upper-case or
//! malformed signature, the body re-serialized under the original signature), then genuine
//! webhooks it must accept (one per [`BodyStyle`], and one in [`idenfy_gen::unusual_bytes`]
//! that every JSON re-serializer changes), and an exact replay.
//!
//! The endpoint passes when it accepts (2xx) every genuine webhook and refuses (4xx) every
//! forgery. A 5xx is never a refusal: iDenfy retries it, so a crash on a forgery fails. Two
//! acceptances are only warnings: an upper-case hex signature carries the genuine HMAC
//! (accepting it is lenient, not unsafe), and iDenfy's signature carries no timestamp, so only
//! idempotency on `scanRef` protects against a replayed webhook, and answering 2xx to a
//! duplicate is how an idempotent endpoint stops iDenfy's retries. The verdicts depend on the
//! answers only: every run sends the same kinds of bytes, whatever webhook it starts from.
//!
//! The cases are data ([`Case::all`], [`requests`], [`Case::expected`]) and the grading a pure
//! function ([`Expected::verdict`]), so other drivers can reuse them; [`run_battery`] sends
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
use idenfy_gen::{ForgeryKind, forgeries, unusual_bytes};
use idenfy_model::{BodyStyle, IdentificationWebhook, SignedWebhook, SigningKey, WebhookEventType};
use idenfy_sender::{Answer, NoAnswer, Outgoing, Sender, Url};
use serde::Serialize;

/// One request of the battery; serialized as its [`Case::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Case {
    /// A forgery of the compact genuine webhook.
    Forgery(ForgeryKind),
    /// A genuine webhook in this body style.
    Valid(BodyStyle),
    /// A genuine webhook in bytes every JSON re-serializer changes.
    UnusualBytes,
    /// The compact genuine webhook sent again, byte for byte.
    Replay,
}

/// What a careful endpoint does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Expected {
    /// Answers 2xx.
    Accept,
    /// Refuses it with a 1xx, 3xx or 4xx.
    Refuse,
    /// Refuses it, or answers 2xx without acting twice (idempotent on `scanRef`).
    RefuseOrIdempotent,
    /// Refuses it; accepting it is lenient, not unsafe (the genuine HMAC, spelt otherwise).
    RefuseOrLenient,
}

/// How the endpoint did on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// It did what a careful endpoint does.
    Pass,
    /// It may be right, but a careful reader should check: an accepted replay or upper-case
    /// signature, or no answer at all to a forgery (the endpoint may have crashed on it).
    Warning,
    /// It accepted what it must refuse, refused a genuine webhook, or crashed (5xx).
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
    /// Every case, in [`Case::all`] order.
    pub cases: Vec<Graded>,
}

/// Sends every case of [`requests`] to `url`, in order, and grades each answer.
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
    let planned = requests(webhook, key, event);
    let mut cases = Vec::with_capacity(planned.len());
    for (case, request) in planned {
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

/// Every case of [`Case::all`] with the request it sends, built from `webhook` (sent with
/// event `event`) for an endpoint whose signing key is `key`.
///
/// The forgeries and the replay start from the compact genuine webhook, `webhook` as the
/// simulator sends it. The other genuine webhooks carry `scanRef`s of their own (the last
/// hex digit changed), so an endpoint that refuses a second webhook for a verification it
/// already holds still accepts each of them.
pub fn requests(
    webhook: &IdentificationWebhook,
    key: &SigningKey,
    event: &WebhookEventType,
) -> Vec<(Case, Request)> {
    let genuine = |sibling: u32, style: BodyStyle| {
        let mut webhook = webhook.clone();
        webhook.scan_ref = sibling_scan_ref(&webhook.scan_ref, sibling);
        SignedWebhook::sign(key, event.clone(), &webhook, style)
            .expect("webhook bodies serialize to JSON")
    };
    let compact = genuine(0, BodyStyle::Compact);
    let request = |signed: &SignedWebhook| Request {
        body: Bytes::from(signed.body.clone()),
        signature: Some(signed.signature.clone()),
    };
    let mut requests: Vec<(Case, Request)> = forgeries(&compact)
        .into_iter()
        .map(|forgery| {
            let request = Request {
                body: Bytes::from(forgery.body),
                signature: forgery.signature,
            };
            (Case::Forgery(forgery.kind), request)
        })
        .collect();
    let mut sibling = 0;
    for style in BodyStyle::ALL {
        let signed = if *style == BodyStyle::Compact {
            compact.clone()
        } else {
            sibling += 1;
            genuine(sibling, *style)
        };
        requests.push((Case::Valid(*style), request(&signed)));
    }
    let mut unusual = webhook.clone();
    unusual.scan_ref = sibling_scan_ref(&webhook.scan_ref, sibling + 1);
    requests.push((
        Case::UnusualBytes,
        request(&unusual_bytes(key, event.clone(), &unusual)),
    ));
    requests.push((Case::Replay, request(&compact)));
    requests
}

impl Case {
    /// Every case, in the order [`run_battery`] sends them: forgeries before the genuine
    /// webhooks, so that an endpoint that answers 2xx to any `scanRef` it has already seen
    /// (idempotency checked before the signature) cannot pass a forgery off as a duplicate;
    /// the replay last.
    pub fn all() -> Vec<Case> {
        ForgeryKind::ALL
            .iter()
            .map(|kind| Case::Forgery(*kind))
            .chain(BodyStyle::ALL.iter().map(|style| Case::Valid(*style)))
            .chain([Case::UnusualBytes, Case::Replay])
            .collect()
    }

    /// The case's stable name, e.g. `tampered-body` or `valid-compact`.
    pub fn name(self) -> &'static str {
        match self {
            Case::Forgery(kind) => kind.name(),
            Case::Valid(BodyStyle::Compact) => "valid-compact",
            Case::Valid(BodyStyle::SpacedAscii) => "valid-spaced-ascii",
            Case::UnusualBytes => "valid-unusual-bytes",
            Case::Replay => "replay",
        }
    }

    /// What the case sends, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Case::Forgery(kind) => kind.breaks(),
            Case::Valid(BodyStyle::Compact) => "genuine, compact JSON",
            Case::Valid(BodyStyle::SpacedAscii) => r#"genuine, ", "-separated \u-escaped JSON"#,
            Case::UnusualBytes => r"genuine, bytes re-serializers change (\/, \u0160, 1.0)",
            Case::Replay => "valid-compact sent again, byte for byte",
        }
    }

    /// What a careful endpoint does with it.
    pub fn expected(self) -> Expected {
        match self {
            Case::Valid(_) | Case::UnusualBytes => Expected::Accept,
            Case::Replay => Expected::RefuseOrIdempotent,
            Case::Forgery(kind) if kind.carries_genuine_mac() => Expected::RefuseOrLenient,
            Case::Forgery(_) => Expected::Refuse,
        }
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
    /// The expected answer in a few words: `2xx`, `4xx`, `4xx, or idempotent`,
    /// `4xx (2xx: lenient)`.
    pub fn description(self) -> &'static str {
        match self {
            Expected::Accept => "2xx",
            Expected::Refuse => "4xx",
            Expected::RefuseOrIdempotent => "4xx, or idempotent",
            Expected::RefuseOrLenient => "4xx (2xx: lenient)",
        }
    }

    /// Judges an answer against this expectation, given its HTTP status (`None`: no answer
    /// came). 2xx is acceptance; 5xx a crash, never a refusal (iDenfy retries it); any other
    /// status a refusal. No answer at all to a case that must be refused is only a
    /// [`Verdict::Warning`]: it proves no check, the endpoint may have crashed on it. An
    /// accepted replay or upper-case signature is a warning too (see the module's
    /// documentation).
    pub fn verdict(self, status: Option<u16>) -> Verdict {
        let Some(status) = status else {
            return match self {
                Expected::Accept => Verdict::Fail,
                _ => Verdict::Warning,
            };
        };
        let accepted = (200..300).contains(&status);
        let crashed = (500..600).contains(&status);
        match (self, accepted) {
            (Expected::Accept, true) => Verdict::Pass,
            (Expected::Accept, false) | (Expected::Refuse, true) => Verdict::Fail,
            (_, false) if crashed => Verdict::Fail,
            (_, false) => Verdict::Pass,
            (Expected::RefuseOrIdempotent | Expected::RefuseOrLenient, true) => Verdict::Warning,
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

    /// The `Location` of a redirect the endpoint answered.
    pub fn location(&self) -> Option<&str> {
        self.answer.as_ref().ok()?.location.as_deref()
    }
}

impl Grade {
    /// Whether no case failed: the endpoint accepted every genuine webhook and refused every
    /// forgery without crashing (warnings allowed).
    pub fn passed(&self) -> bool {
        self.cases
            .iter()
            .all(|graded| graded.verdict != Verdict::Fail)
    }

    /// The failed cases the endpoint accepted: forgeries it should have refused.
    pub fn wrongly_accepted(&self) -> Vec<Case> {
        self.pick(|graded| graded.verdict == Verdict::Fail && graded.accepted())
    }

    /// The genuine webhooks the endpoint refused, crashed on or left unanswered.
    pub fn wrongly_refused(&self) -> Vec<Case> {
        self.pick(|graded| {
            graded.verdict == Verdict::Fail && graded.case.expected() == Expected::Accept
        })
    }

    /// The cases it had to refuse and answered with a 5xx instead: a crash, which iDenfy
    /// retries.
    pub fn crashed(&self) -> Vec<Case> {
        self.pick(|graded| {
            graded.verdict == Verdict::Fail
                && graded.case.expected() != Expected::Accept
                && !graded.accepted()
        })
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

/// `scan_ref` with its last hex digit moved `steps` along (`steps` in `1..16` gives another
/// `scanRef`), or `steps` appended when it does not end in a hex digit; `scan_ref` itself
/// for 0.
fn sibling_scan_ref(scan_ref: &str, steps: u32) -> String {
    if steps == 0 {
        return scan_ref.to_owned();
    }
    let mut chars: Vec<char> = scan_ref.chars().collect();
    match chars.last().and_then(|last| last.to_digit(16)) {
        Some(digit) => {
            let moved = char::from_digit((digit + steps) % 16, 16).expect("a digit below 16");
            *chars.last_mut().expect("a last digit") = moved;
            chars.into_iter().collect()
        }
        None => format!("{scan_ref}{steps}"),
    }
}

#[cfg(test)]
mod tests {
    use super::sibling_scan_ref;

    #[test]
    fn sibling_scan_refs_differ_from_the_original_and_each_other() {
        let check = |scan_ref: &str, steps: u32, expected: &str| {
            assert_eq!(
                sibling_scan_ref(scan_ref, steps),
                expected,
                "{scan_ref} {steps}"
            );
        };
        check("5f0e-aa3", 0, "5f0e-aa3");
        check("5f0e-aa3", 1, "5f0e-aa4");
        check("5f0e-aa3", 2, "5f0e-aa5");
        check("5f0e-aaf", 1, "5f0e-aa0");
        check("5f0e-aaE", 2, "5f0e-aa0");
        check("scan-x", 1, "scan-x1");
        check("", 2, "2");
    }
}
