//! Which webhook to make (`--auto S`, or `--face F --doc D` for the manual review after
//! `--auto`; `--event` to send it as another documented event; `--scan-ref`, `--client-id`,
//! `--external-ref` to set those fields) and making it from a seed: a generated verification's
//! body, signed in a chosen [`BodyStyle`] exactly as the simulator signs it. Shared by
//! `gen webhook` and `trigger`.

use clap::Args;
use idenfy_gen::sample;
use idenfy_gen::verification::arb_verification;
use idenfy_gen::webhook::{auto_webhook, manual_webhook};
use idenfy_model::webhook::ExpirationThreshold;
use idenfy_model::{
    BodyStyle, DocumentExpirationWebhook, DocumentStatus, DummyStatus, FaceStatus,
    IdentificationWebhook, SignedWebhook, SigningKey, WebhookEventType, sign,
};

use crate::values;

/// The webhook to make.
#[derive(Debug, Clone, Args)]
pub struct WebhookChoice {
    /// Automatic result (`dummyStatus`): send its webhook; with --face and --doc, the result
    /// the manual review follows [default with --face or --event: APPROVED]
    #[arg(long, value_name = "STATUS", ignore_case = true, value_parser = values::dummy_status())]
    pub auto: Option<DummyStatus>,
    /// Manual face result: send the manual-review webhook instead (needs --doc)
    #[arg(long, value_name = "FACE", requires = "doc", ignore_case = true, value_parser = values::face())]
    pub face: Option<FaceStatus>,
    /// Manual document result (needs --face)
    #[arg(long, value_name = "DOC", requires = "face", ignore_case = true, value_parser = values::document())]
    pub doc: Option<DocumentStatus>,
    /// Send it as this Idenfy-Event-Type instead of the result's own; DOCUMENT_EXPIRATION
    /// sends that event's own body ({scanRef, clientId, expirationThreshold,
    /// documentExpiration}), every other event the identification webhook
    #[arg(long, value_name = "EVENT", ignore_case = true, value_parser = values::event())]
    pub event: Option<WebhookEventType>,
    /// Set the body's scanRef
    #[arg(long, value_name = "SCAN_REF")]
    pub scan_ref: Option<String>,
    /// Set the body's clientId
    #[arg(long, value_name = "CLIENT_ID")]
    pub client_id: Option<String>,
    /// Set the body's externalRef
    #[arg(long, value_name = "EXTERNAL_REF")]
    pub external_ref: Option<String>,
    /// Makes the fake person, scanRef and times reproducible [default: random, printed on stderr]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// A generated webhook: what goes in the `Idenfy-Event-Type` header, and the body.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The `Idenfy-Event-Type`.
    pub event: WebhookEventType,
    /// The verification's identification webhook, the body of every event but
    /// `DOCUMENT_EXPIRATION`.
    pub webhook: IdentificationWebhook,
    /// The body of a `DOCUMENT_EXPIRATION` webhook, for that event only.
    pub expiration: Option<DocumentExpirationWebhook>,
}

impl WebhookChoice {
    /// Whether `--auto`, `--face` or `--event` said which webhook to make.
    pub fn is_given(&self) -> bool {
        self.auto.is_some() || self.face.is_some() || self.event.is_some()
    }

    /// Makes the chosen webhook (the `APPROVED` auto webhook when nothing was chosen), with
    /// the fields given on the command line set.
    pub fn generate(&self) -> Webhook {
        let auto = self.auto.clone().unwrap_or(DummyStatus::Approved);
        let seed = values::seed_or_random(self.seed);
        let verification = sample(&arb_verification(auto.clone()), seed, 1).remove(0);
        let context = verification.context(&idenfy_sim::assumptions::WEBHOOK_DEFAULTS);
        let (event, webhook) = auto_webhook(&context, &auto)
            .expect("the parser lets through accepted dummy statuses only");
        let (event, mut webhook) = match (&self.face, &self.doc) {
            (Some(face), Some(document)) => {
                manual_webhook(&context, &webhook.status, face, document)
            }
            _ => (event, webhook),
        };
        if let Some(scan_ref) = &self.scan_ref {
            webhook.scan_ref.clone_from(scan_ref);
        }
        if let Some(client_id) = &self.client_id {
            webhook.client_id.clone_from(client_id);
        }
        if let Some(external_ref) = &self.external_ref {
            webhook.external_ref = Some(external_ref.clone());
        }
        let event = self.event.clone().unwrap_or(event);
        let expiration =
            (event == WebhookEventType::DocumentExpiration).then(|| DocumentExpirationWebhook {
                scan_ref: webhook.scan_ref.clone(),
                client_id: webhook.client_id.clone(),
                expiration_threshold: ExpirationThreshold::Within30Days,
                document_expiration: webhook
                    .data
                    .as_ref()
                    .and_then(|data| data.doc_expiry.clone())
                    .unwrap_or_else(|| verification.identity.date_of_expiry.to_string()),
            });
        Webhook {
            event,
            webhook,
            expiration,
        }
    }
}

impl Webhook {
    /// The body in `style`.
    pub fn body(&self, style: BodyStyle) -> Vec<u8> {
        let body = match &self.expiration {
            Some(expiration) => style.render(expiration),
            None => style.render(&self.webhook),
        };
        body.expect("webhook bodies serialize to JSON")
    }

    /// The body in `style`, signed with `key`, as the simulator signs it.
    pub fn sign(&self, key: &SigningKey, style: BodyStyle) -> SignedWebhook {
        let body = self.body(style);
        SignedWebhook {
            event: self.event.clone(),
            signature: sign(key, &body),
            body,
        }
    }

    /// What was made, in a few words: the event, `scanRef` and overall status.
    pub fn summary(&self) -> String {
        match &self.expiration {
            Some(expiration) => format!(
                "{} (scanRef {}, {})",
                self.event, self.webhook.scan_ref, expiration.expiration_threshold
            ),
            None => format!(
                "{} (scanRef {}, overall {})",
                self.event, self.webhook.scan_ref, self.webhook.status.overall
            ),
        }
    }
}
