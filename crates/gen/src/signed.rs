//! Genuine signed webhooks: [`arb_signed_webhook`], any webhook of the status matrix in either
//! [`BodyStyle`], and [`unusual_bytes`], a genuine webhook whose bytes every JSON
//! re-serializer changes.

use idenfy_model::{
    BodyStyle, IdentificationWebhook, Platform, SignedWebhook, SigningKey, WebhookEventType, sign,
};
use proptest::prelude::{Strategy, any};
use proptest::sample::select;

use crate::verification::arb_webhook_pair;
use crate::webhook::WebhookDefaults;

/// Genuine webhooks signed with `key`: either webhook of any matrix triple (the automatic
/// result, or the manual review after it) in either body style. The values iDenfy's docs
/// leave open ([`WebhookDefaults`]) are drawn too, so a receiver cannot depend on them.
/// Shrinks toward the compact automatic-result webhook of (`APPROVED`, `FACE_MATCH`,
/// `DOC_VALIDATED`).
///
/// ```
/// use idenfy_gen::{arb_signed_webhook, sample};
/// use idenfy_model::{SigningKey, verify_webhook};
///
/// let key = SigningKey::new("my-signing-key");
/// for signed in sample(&arb_signed_webhook(key.clone()), 7, 4) {
///     let webhook = verify_webhook(&key, &signed.body, Some(&signed.signature)).unwrap();
///     assert!(!webhook.scan_ref.is_empty());
/// }
/// ```
pub fn arb_signed_webhook(key: SigningKey) -> impl Strategy<Value = SignedWebhook> + Clone {
    (
        arb_open_defaults().prop_flat_map(arb_webhook_pair),
        any::<bool>(),
        select(BodyStyle::ALL),
    )
        .prop_map(move |(pair, manual, style)| {
            let (event, webhook) = if manual { pair.manual } else { pair.auto };
            SignedWebhook::sign(&key, event, &webhook, style)
                .expect("webhook bodies serialize to JSON")
        })
}

/// `webhook` as a genuine webhook signed with `key`, in bytes that every JSON re-serializer
/// changes (Python's `json.dumps(json.loads(body))`, JavaScript's `JSON.stringify`, a
/// `serde_json::Value` round trip): every `/` escaped as `\/`, a `\u` escape next to raw
/// non-ASCII characters (`clientLocation` becomes `Šilutė, Lithuania`, its `Š` escaped), keys
/// in the model's unsorted order, a number written `1.0` (`riskAssessment.riskScore`), and
/// whitespace inside the outer braces. A receiver must verify exactly these bytes.
pub fn unusual_bytes(
    key: &SigningKey,
    event: WebhookEventType,
    webhook: &IdentificationWebhook,
) -> SignedWebhook {
    let mut webhook = webhook.clone();
    webhook.client_location = Some("Šilutė, Lithuania".to_owned());
    webhook.risk_assessment = Some(serde_json::json!({ "riskScore": 1.0, "riskLevel": null }));
    let compact = String::from_utf8(
        BodyStyle::Compact
            .render(&webhook)
            .expect("webhook bodies serialize"),
    )
    .expect("serde_json writes UTF-8");
    // Outside strings compact JSON has no `/`, so every one of them is inside a string.
    let escaped = compact.replace('/', "\\/").replacen('Š', "\\u0160", 1);
    let members = escaped
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .expect("a webhook body is a JSON object");
    let body = format!("{{ {members}\n}}").into_bytes();
    let signature = sign(key, &body);
    SignedWebhook {
        event,
        body,
        signature,
    }
}

/// The values iDenfy's docs leave open, drawn from documentation addresses and example hosts.
fn arb_open_defaults() -> impl Strategy<Value = WebhookDefaults> + Clone {
    (
        1i64..=1200,
        select(Platform::ALL),
        select(&["192.0.2.10", "198.51.100.7", "203.0.113.42"][..]),
        select(
            &[
                "https://files.example.test",
                "https://cdn.example.com/idenfy/",
            ][..],
        ),
    )
        .prop_map(
            |(processing_seconds, platform, client_ip, file_url_base)| WebhookDefaults {
                processing_seconds,
                platform,
                client_ip,
                file_url_base,
            },
        )
}
