//! A seed (and a fixed clock) makes every identifier and webhook body repeat for the same
//! sequence of requests.

use idenfy_model::WebhookEventType;
use serde_json::{Value, json};

use crate::support::{Behaviour, Receiver, finished, signing_key, simulator_sending_to};

/// Runs the same requests against a fresh simulator; returns the token bodies and webhook bodies.
async fn run(seed: u64) -> (Vec<Value>, Vec<String>) {
    let receiver = Receiver::start(&signing_key(), Behaviour::Accept).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder.seed(seed).fixed_time(1_767_225_600)
    })
    .await;
    let mut tokens = Vec::new();
    for (client, dummy) in [
        ("a", Some("APPROVED")),
        ("b", None),
        ("c", Some("SUSPECTED")),
    ] {
        let mut body = json!({"clientId": client, "generateDigitString": true});
        if let Some(dummy) = dummy {
            body["dummyStatus"] = json!(dummy);
        }
        tokens.push(api.token(body).await);
    }
    let scan_ref = tokens[2]["scanRef"].as_str().unwrap().to_owned();
    api.add_dummy_status(&scan_ref, "FACE_MISMATCH", "DOC_VALIDATED")
        .await;
    finished(
        &simulator,
        &scan_ref,
        &WebhookEventType::IdentificationManualFinished,
    )
    .await;
    let mut bodies: Vec<String> = simulator
        .deliveries()
        .into_iter()
        .map(|delivery| delivery.body.to_string())
        .collect();
    bodies.sort();
    (tokens, bodies)
}

#[tokio::test]
async fn the_same_seed_repeats_identifiers_and_bodies() {
    let (tokens, bodies) = run(42).await;
    let (again_tokens, again_bodies) = run(42).await;
    assert_eq!(tokens, again_tokens);
    assert_eq!(bodies, again_bodies);
    assert_eq!(bodies.len(), 3);

    let (other_tokens, other_bodies) = run(43).await;
    assert_ne!(tokens[0]["scanRef"], other_tokens[0]["scanRef"]);
    assert_ne!(tokens[0]["authToken"], other_tokens[0]["authToken"]);
    assert_ne!(bodies, other_bodies);
}
