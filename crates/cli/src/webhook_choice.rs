//! Which webhook to make (`--auto S`, or `--face F --doc D` for the manual review after
//! `--auto`) and making it from a seed: a generated verification's body, serialized exactly
//! as the simulator sends it. Shared by `gen webhook` and `trigger`.

use clap::Args;
use idenfy_gen::sample;
use idenfy_gen::verification::arb_verification;
use idenfy_gen::webhook::{auto_webhook, manual_webhook};
use idenfy_model::{
    DocumentStatus, DummyStatus, FaceStatus, IdentificationWebhook, WebhookEventType,
};

use crate::values;

/// The webhook to make.
#[derive(Debug, Clone, Args)]
pub struct WebhookChoice {
    /// Automatic result (`dummyStatus`): send its webhook; with --face and --doc, the result
    /// the manual review follows [default with --face: APPROVED]
    #[arg(long, value_name = "STATUS", ignore_case = true, value_parser = values::dummy_status())]
    pub auto: Option<DummyStatus>,
    /// Manual face result: send the manual-review webhook instead (needs --doc)
    #[arg(long, value_name = "FACE", requires = "doc", ignore_case = true, value_parser = values::face())]
    pub face: Option<FaceStatus>,
    /// Manual document result (needs --face)
    #[arg(long, value_name = "DOC", requires = "face", ignore_case = true, value_parser = values::document())]
    pub doc: Option<DocumentStatus>,
    /// Makes the fake person, scanRef and times reproducible [default: random, printed on stderr]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// A generated webhook: what goes in the `Idenfy-Event-Type` header and the exact body.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The `Idenfy-Event-Type`.
    pub event: WebhookEventType,
    /// The body as typed data.
    pub webhook: IdentificationWebhook,
    /// The body as sent: compact JSON, fields in the model's order, as the simulator sends it.
    pub body: String,
}

impl WebhookChoice {
    /// Whether `--auto` or `--face` said which webhook to make.
    pub fn is_given(&self) -> bool {
        self.auto.is_some() || self.face.is_some()
    }

    /// Makes the chosen webhook (the `APPROVED` auto webhook when nothing was chosen).
    pub fn generate(&self) -> Webhook {
        let auto = self.auto.clone().unwrap_or(DummyStatus::Approved);
        let seed = values::seed_or_random(self.seed);
        let verification = sample(&arb_verification(auto.clone()), seed, 1).remove(0);
        let context = verification.context(&idenfy_sim::assumptions::WEBHOOK_DEFAULTS);
        let (event, webhook) = auto_webhook(&context, &auto)
            .expect("the parser lets through accepted dummy statuses only");
        let (event, webhook) = match (&self.face, &self.doc) {
            (Some(face), Some(document)) => {
                manual_webhook(&context, &webhook.status, face, document)
            }
            _ => (event, webhook),
        };
        let body = serde_json::to_string(&webhook).expect("webhook bodies serialize to JSON");
        Webhook {
            event,
            webhook,
            body,
        }
    }
}
