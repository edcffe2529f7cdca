//! `run_matrix_to`: the matrix through the simulator, its webhooks forwarded to a team's
//! endpoint, the probe compared with the reference decision per triple.

use idenfy_live::scenario::MatrixOptions;
use idenfy_live::{ForwardOptions, RetryPolicy, WebhookReceiver, run_matrix_to};
use idenfy_model::{DocumentStatus, DummyStatus, FaceStatus, SigningKey, Triple, matrix};

use super::probe;
use super::receivers::{Bug, KEY, start};
use crate::support::{quick_simulator, sim_client};

/// The triples with automatic result `APPROVED` or `DENIED` and face `FACE_MATCH` or
/// `FACE_MISMATCH`: 112 flows.
fn some_triples() -> Vec<Triple> {
    matrix()
        .into_iter()
        .filter(|triple| matches!(triple.auto, DummyStatus::Approved | DummyStatus::Denied))
        .filter(|triple| {
            matches!(
                triple.face,
                FaceStatus::FaceMatch | FaceStatus::FaceMismatch
            )
        })
        .collect()
}

async fn forward(bug: Bug) -> idenfy_live::ForwardReport {
    let simulator = quick_simulator()
        .signing_key(SigningKey::new(KEY))
        .start()
        .await
        .unwrap();
    let client = sim_client(&simulator, RetryPolicy::default());
    let receiver = WebhookReceiver::start(SigningKey::new(KEY)).await.unwrap();
    let endpoint = start(bug).await;
    let mut options = ForwardOptions::new(endpoint.webhooks());
    options.probe = Some(probe(&endpoint));
    let triples = some_triples();
    let (report, forwarded) = run_matrix_to(
        &client,
        &receiver,
        &triples,
        &MatrixOptions::default(),
        &options,
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.is_success(), "{}", report.summary());
    assert_eq!(forwarded.forwarded, triples.len());
    forwarded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correct_endpoint_handles_every_triple() {
    let forwarded = forward(Bug::None).await;
    assert!(forwarded.is_success(), "{forwarded:#?}");
    assert!(forwarded.groups.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignored_reviews_are_grouped_by_automatic_result_and_outcome() {
    let forwarded = forward(Bug::IgnoresManualReviews).await;
    // The automatic result is kept: after APPROVED every one of the 56 triples but the
    // approving review is mishandled; after DENIED only the approving review is.
    let descriptions: Vec<(&str, usize)> = forwarded
        .groups
        .iter()
        .map(|group| (group.description.as_str(), group.triples.len()))
        .collect();
    assert_eq!(
        descriptions,
        [
            (
                "55 triple(s) after automatic result APPROVED: expected \"rejected\", got \"verified\"",
                55
            ),
            (
                "1 triple(s) after automatic result DENIED: expected \"verified\", got \"rejected\"",
                1
            ),
        ]
    );
    assert_eq!(
        forwarded.groups[1].triples,
        [Triple {
            auto: DummyStatus::Denied,
            face: FaceStatus::FaceMatch,
            document: DocumentStatus::DocValidated
        }]
    );
}
