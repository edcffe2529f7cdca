//! Delivery sequences for fuzzing a webhook consumer: what iDenfy issues for a few
//! verifications (an automatic result, manual reviews), what delivery does to it (duplicates,
//! late retries, delays) and the forward-compatible bodies a consumer must take (unknown tags
//! and fields, `DOCUMENT_EXPIRATION`), with the decision a correct consumer then holds.
//!
//! [`arb_delivery_sequence`] draws a [`DeliveryPlan`], plain data that shrinks toward fewer
//! verifications, fewer webhooks and simpler statuses; [`DeliveryPlan::sign`] turns it into the
//! exact signed requests of a [`DeliverySequence`], with `scanRef`s drawn from a salt, so that
//! every run, and every shrinking step, sends verifications the consumer has never seen.
//!
//! Ordering choice (see `idenfy_model::decision`): nothing in iDenfy's documented body is sure
//! to order two manual reviews, so delivery never reorders two final webhooks of one
//! verification: duplicates of a final webhook arrive right after it, and only the non-final
//! automatic result is retried late or delayed. Every later webhook of a verification carries a
//! `finishTime` one second after the one before, as the simulator's bodies do.

use idenfy_model::decision::{Decision, document_passes, face_passes, reference_decision};
use idenfy_model::webhook::{DocumentExpirationWebhook, ExpirationThreshold};
use idenfy_model::{
    BodyStyle, DocumentStatus, DummyStatus, FaceStatus, FraudTag, IdentificationWebhook,
    MismatchTag, SignedWebhook, SigningKey, WebhookEventType,
};
use proptest::collection::vec;
use proptest::prelude::{Just, Strategy, any, prop_oneof};
use proptest::sample::select;

use crate::identity::iso_date;
use crate::seed::rng_from_seed;
use crate::token::arb_token_request_with_identity;
use crate::verification::{Verification, scan_ref, verification};
use crate::webhook::{WebhookDefaults, auto_webhook, manual_webhook};

/// The unknown fraud tag forward-compatible bodies carry.
pub const UNKNOWN_FRAUD_TAG: &str = "FUTURE_FRAUD_TAG";
/// The unknown mismatch tag forward-compatible bodies carry.
pub const UNKNOWN_MISMATCH_TAG: &str = "FUTURE_MISMATCH_TAG";
/// The unknown optional field forward-compatible bodies carry, at the top and in `status`.
pub const UNKNOWN_FIELD: &str = "futureField";

/// How large a [`DeliveryPlan`] may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryLimits {
    /// Most verifications in one case (at least one).
    pub verifications: usize,
    /// Most manual reviews of one verification.
    pub reviews: usize,
    /// Most delivery perturbations of one verification.
    pub perturbations: usize,
    /// Most forward-compatible changes of one verification.
    pub extras: usize,
}

impl Default for DeliveryLimits {
    /// 3 verifications, each with up to 3 reviews, 4 perturbations and 3 extras.
    fn default() -> Self {
        Self {
            verifications: 3,
            reviews: 3,
            perturbations: 4,
            extras: 3,
        }
    }
}

/// One generated case, before signing.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryPlan {
    /// The byte layout of every body of the case.
    pub style: BodyStyle,
    /// The verifications, each with what iDenfy issues and delivery does to it.
    pub verifications: Vec<VerificationPlan>,
}

/// One verification of a [`DeliveryPlan`].
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationPlan {
    /// The token request and person; its `scanRef` is replaced when signing.
    pub verification: Verification,
    /// The automatic result (`dummyStatus`).
    pub auto: DummyStatus,
    /// The manual reviews (`add-dummy-status` calls), in the order they are made.
    pub reviews: Vec<Review>,
    /// What delivery does to the issued webhooks.
    pub perturbations: Vec<Perturbation>,
    /// Forward-compatible changes.
    pub extras: Vec<Extra>,
}

/// One manual review.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// The manual face result.
    pub face: FaceStatus,
    /// The manual document result.
    pub document: DocumentStatus,
}

/// What delivery does to an issued webhook; the number picks it (modulo how many were issued:
/// 0 is the automatic result, `k` the `k`-th review).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perturbation {
    /// Delivered twice in a row.
    Duplicate(u8),
    /// A non-final webhook is delivered again after every other webhook of its verification
    /// (a final one: twice in a row instead).
    LateRetry(u8),
    /// A non-final webhook is delivered only after every other webhook of its verification
    /// (a final one: unchanged).
    Delay(u8),
}

/// A forward-compatible change a consumer must take without changing its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// The picked webhook carries [`UNKNOWN_FRAUD_TAG`].
    UnknownFraudTag(u8),
    /// The picked webhook carries [`UNKNOWN_MISMATCH_TAG`].
    UnknownMismatchTag(u8),
    /// The picked webhook carries [`UNKNOWN_FIELD`] at the top and in `status`.
    UnknownField(u8),
    /// A `DOCUMENT_EXPIRATION` webhook arrives last.
    DocumentExpiration,
}

/// Which manual value [`DeliveryPlan::failing_variant`] replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualValue {
    /// The face result, by `FACE_MISMATCH`.
    Face,
    /// The document result, by `DOC_NOT_FOUND`.
    Document,
}

/// A signed case: the requests in arrival order and what each verification should end as.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySequence {
    /// Every request, in the order it is sent.
    pub steps: Vec<Step>,
    /// The verifications, in plan order.
    pub verifications: Vec<SequencedVerification>,
}

/// One request of a [`DeliverySequence`].
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Index of its verification in [`DeliverySequence::verifications`].
    pub verification: usize,
    /// What it is, for people: "auto APPROVED", "review 1 FACE_MATCH/DOC_VALIDATED, duplicate".
    pub label: String,
    /// Event, exact body and signature.
    pub webhook: SignedWebhook,
}

/// One verification of a [`DeliverySequence`].
#[derive(Debug, Clone, PartialEq)]
pub struct SequencedVerification {
    /// Its salted `scanRef`.
    pub scan_ref: String,
    /// The token request's `clientId`.
    pub client_id: String,
    /// The token request's `externalRef`.
    pub external_ref: Option<String>,
    /// What a correct consumer holds after every step ([`reference_decision`]).
    pub expected: Option<Decision>,
}

/// Any [`DeliveryPlan`] within `limits`; the person and token request of each verification do
/// not shrink, so shrinking spends its steps on structure and statuses.
pub fn arb_delivery_sequence(limits: DeliveryLimits) -> impl Strategy<Value = DeliveryPlan> {
    (
        select(BodyStyle::ALL),
        vec(
            arb_verification_plan(limits),
            1..=limits.verifications.max(1),
        ),
    )
        .prop_map(|(style, verifications)| DeliveryPlan {
            style,
            verifications,
        })
}

fn arb_verification_plan(limits: DeliveryLimits) -> impl Strategy<Value = VerificationPlan> {
    let review = (
        select(FaceStatus::DUMMY_MANUAL),
        select(DocumentStatus::DUMMY_MANUAL),
    )
        .prop_map(|(face, document)| Review { face, document });
    let perturbation = prop_oneof![
        any::<u8>().prop_map(Perturbation::Duplicate),
        any::<u8>().prop_map(Perturbation::LateRetry),
        any::<u8>().prop_map(Perturbation::Delay),
    ];
    let extra = prop_oneof![
        any::<u8>().prop_map(Extra::UnknownFraudTag),
        any::<u8>().prop_map(Extra::UnknownMismatchTag),
        any::<u8>().prop_map(Extra::UnknownField),
        Just(Extra::DocumentExpiration),
    ];
    (
        select(DummyStatus::ACCEPTED),
        (arb_token_request_with_identity(), any::<u64>()).no_shrink(),
        vec(review, 0..=limits.reviews),
        vec(perturbation, 0..=limits.perturbations),
        vec(extra, 0..=limits.extras),
    )
        .prop_map(
            |(auto, ((identity, request), seed), reviews, perturbations, extras)| {
                VerificationPlan {
                    verification: verification(identity, request, &auto, &mut rng_from_seed(seed)),
                    auto,
                    reviews,
                    perturbations,
                    extras,
                }
            },
        )
}

impl DeliveryPlan {
    /// The signed requests: bodies built by [`crate::webhook`] with `defaults`, rendered in the
    /// plan's style, signed with `key`; `scanRef`s drawn from `salt`.
    pub fn sign(
        &self,
        key: &SigningKey,
        defaults: &WebhookDefaults,
        salt: u64,
    ) -> Result<DeliverySequence, serde_json::Error> {
        let mut rng = rng_from_seed(salt);
        let mut lanes = Vec::with_capacity(self.verifications.len());
        let mut verifications = Vec::with_capacity(self.verifications.len());
        for (index, plan) in self.verifications.iter().enumerate() {
            let mut verification = plan.verification.clone();
            verification.scan_ref = scan_ref(&mut rng);
            let lane = plan.sign(index, &verification, key, defaults, self.style)?;
            verifications.push(SequencedVerification {
                expected: expected(&lane),
                scan_ref: verification.scan_ref,
                client_id: verification.request.client_id,
                external_ref: verification.request.external_ref,
            });
            lanes.push(lane.into_iter());
        }
        // Round robin: the first webhook of every verification, then the second, …
        let mut steps = Vec::new();
        loop {
            let before = steps.len();
            steps.extend(lanes.iter_mut().filter_map(Iterator::next));
            if steps.len() == before {
                break;
            }
        }
        Ok(DeliverySequence {
            steps,
            verifications,
        })
    }

    /// The metamorphic partner of this plan: the first verification whose last review
    /// approved it has that review's `value` replaced by a failing one. Returns the variant
    /// and the verification's index, or `None` when no verification ends approved by a review.
    pub fn failing_variant(&self, value: ManualValue) -> Option<(DeliveryPlan, usize)> {
        let index = self.verifications.iter().position(|plan| {
            plan.reviews.last().is_some_and(|review| {
                face_passes(&review.face) && document_passes(&review.document)
            })
        })?;
        let mut variant = self.clone();
        let review = variant.verifications[index].reviews.last_mut()?;
        match value {
            ManualValue::Face => review.face = FaceStatus::FaceMismatch,
            ManualValue::Document => review.document = DocumentStatus::DocNotFound,
        }
        Some((variant, index))
    }
}

/// An issued webhook and how it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Arrival {
    issued: usize,
    how: &'static str,
}

impl VerificationPlan {
    /// How many webhooks iDenfy issues: the automatic result and one per review.
    fn issued(&self) -> usize {
        1 + self.reviews.len()
    }

    /// Whether issued webhook `issued` is final: reviews always, the automatic result only for
    /// `EXPIRED` (`idenfy_model::rules::auto_result`).
    fn is_final(&self, issued: usize) -> bool {
        issued > 0 || idenfy_model::rules::auto_result(&self.auto).is_some_and(|auto| auto.is_final)
    }

    /// The issued webhooks in the order they arrive, with the perturbations applied.
    fn arrival_order(&self) -> Vec<Arrival> {
        let count = self.issued();
        let mut order: Vec<Arrival> = (0..count)
            .map(|issued| Arrival { issued, how: "" })
            .collect();
        let mut tail = Vec::new();
        for perturbation in &self.perturbations {
            let (pick, late, moved) = match *perturbation {
                Perturbation::Duplicate(pick) => (pick, false, false),
                Perturbation::LateRetry(pick) => (pick, true, false),
                Perturbation::Delay(pick) => (pick, true, true),
            };
            let issued = usize::from(pick) % count;
            let Some(at) = order.iter().position(|arrival| arrival.issued == issued) else {
                continue; // delayed already: it is in the tail
            };
            if late && !self.is_final(issued) {
                if moved {
                    order.remove(at);
                    tail.push(Arrival {
                        issued,
                        how: "delayed",
                    });
                } else {
                    tail.push(Arrival {
                        issued,
                        how: "late retry",
                    });
                }
            } else if !moved {
                order.insert(
                    at + 1,
                    Arrival {
                        issued,
                        how: "duplicate",
                    },
                );
            }
        }
        order.extend(tail);
        order
    }

    /// How many notices (`DOCUMENT_EXPIRATION`) arrive after the issued webhooks.
    fn notices(&self) -> usize {
        self.extras
            .iter()
            .filter(|extra| **extra == Extra::DocumentExpiration)
            .count()
    }

    /// The signed steps of this verification, in arrival order.
    fn sign(
        &self,
        index: usize,
        verification: &Verification,
        key: &SigningKey,
        defaults: &WebhookDefaults,
        style: BodyStyle,
    ) -> Result<Vec<Step>, serde_json::Error> {
        let context = verification.context(defaults);
        let (auto_event, auto) =
            auto_webhook(&context, &self.auto).expect("plans hold accepted statuses only");
        let mut issued = vec![(auto_event, auto.clone(), format!("auto {}", self.auto))];
        for (number, review) in self.reviews.iter().enumerate() {
            let (event, mut body) =
                manual_webhook(&context, &auto.status, &review.face, &review.document);
            // Every later webhook one second later, as the simulator's bodies.
            body.finish_time = body.finish_time.map(|time| time + 1 + number as i64);
            let label = format!("review {} {}/{}", number + 1, review.face, review.document);
            issued.push((event, body, label));
        }
        let mut bodies = Vec::with_capacity(issued.len());
        for (position, (event, body, label)) in issued.into_iter().enumerate() {
            let (body, notes) = self.with_extras(position, body);
            let webhook = sign_body(key, event, &body, &notes, style)?;
            bodies.push((webhook, format!("{label}{}", notes_suffix(&notes))));
        }
        let mut steps: Vec<Step> = self
            .arrival_order()
            .into_iter()
            .map(|arrival| {
                let (webhook, label) = &bodies[arrival.issued];
                let label = if arrival.how.is_empty() {
                    label.clone()
                } else {
                    format!("{label}, {}", arrival.how)
                };
                Step {
                    verification: index,
                    label,
                    webhook: webhook.clone(),
                }
            })
            .collect();
        for _ in 0..self.notices() {
            let notice = DocumentExpirationWebhook {
                scan_ref: verification.scan_ref.clone(),
                client_id: verification.request.client_id.clone(),
                expiration_threshold: ExpirationThreshold::Within30Days,
                document_expiration: iso_date(verification.identity.date_of_expiry),
            };
            steps.push(Step {
                verification: index,
                label: "document expiration notice".to_owned(),
                webhook: SignedWebhook::sign(
                    key,
                    WebhookEventType::DocumentExpiration,
                    &notice,
                    style,
                )?,
            });
        }
        Ok(steps)
    }

    /// `body` (issued webhook `position`) with the tags the extras add, and the unknown-field
    /// notes still to apply.
    fn with_extras(
        &self,
        position: usize,
        mut body: IdentificationWebhook,
    ) -> (IdentificationWebhook, Vec<&'static str>) {
        let count = self.issued();
        let mut notes = Vec::new();
        for extra in &self.extras {
            match *extra {
                Extra::UnknownFraudTag(pick) if usize::from(pick) % count == position => {
                    body.status
                        .fraud_tags
                        .push(FraudTag::from(UNKNOWN_FRAUD_TAG));
                    notes.push("unknown fraud tag");
                }
                Extra::UnknownMismatchTag(pick) if usize::from(pick) % count == position => {
                    body.status
                        .mismatch_tags
                        .push(MismatchTag::from(UNKNOWN_MISMATCH_TAG));
                    notes.push("unknown mismatch tag");
                }
                Extra::UnknownField(pick) if usize::from(pick) % count == position => {
                    notes.push("unknown field");
                }
                _ => {}
            }
        }
        (body, notes)
    }
}

/// `body` signed; with the "unknown field" note, [`UNKNOWN_FIELD`] added at the top and in
/// `status` first.
fn sign_body(
    key: &SigningKey,
    event: WebhookEventType,
    body: &IdentificationWebhook,
    notes: &[&str],
    style: BodyStyle,
) -> Result<SignedWebhook, serde_json::Error> {
    if !notes.contains(&"unknown field") {
        return SignedWebhook::sign(key, event, body, style);
    }
    let mut value = serde_json::to_value(body)?;
    let unknown = serde_json::json!({"addedBy": "a later API version"});
    if let Some(object) = value.as_object_mut() {
        object.insert(UNKNOWN_FIELD.to_owned(), unknown.clone());
        if let Some(status) = object.get_mut("status").and_then(|s| s.as_object_mut()) {
            status.insert(UNKNOWN_FIELD.to_owned(), unknown);
        }
    }
    SignedWebhook::sign(key, event, &value, style)
}

fn notes_suffix(notes: &[&str]) -> String {
    if notes.is_empty() {
        String::new()
    } else {
        format!(" (+ {})", notes.join(", "))
    }
}

/// The reference decision after `steps`, parsed back from the bytes sent.
fn expected(steps: &[Step]) -> Option<Decision> {
    let parsed: Vec<(WebhookEventType, IdentificationWebhook)> = steps
        .iter()
        .filter_map(|step| {
            let body = serde_json::from_slice(&step.webhook.body).ok()?;
            Some((step.webhook.event.clone(), body))
        })
        .collect();
    reference_decision(parsed.iter().map(|(event, body)| (event, body)))
}
