//! Contract snapshots of dummy sessions: for each automatic result and one manual result
//! each, the token answer, the automatic webhook, the add-dummy-status answer, the manual
//! webhook and the final status.

use idenfy_live::Endpoint;
use idenfy_model::{
    AddDummyStatusRequest, DocumentStatus, DummyStatus, FaceStatus, ScanRefRequest, TokenRequest,
    TokenResponse,
};

use super::{Target, answer, assert_contract, callback_url, nth_webhook, skipped, webhook};

/// The sessions recorded: every accepted automatic result, each with a different manual result
/// (approved, a face failure, a forged document, an expired document).
fn sessions() -> Vec<(DummyStatus, FaceStatus, DocumentStatus)> {
    vec![
        (
            DummyStatus::Approved,
            FaceStatus::FaceMatch,
            DocumentStatus::DocValidated,
        ),
        (
            DummyStatus::Denied,
            FaceStatus::FaceMismatch,
            DocumentStatus::DocValidated,
        ),
        (
            DummyStatus::Suspected,
            FaceStatus::FakeFace,
            DocumentStatus::DocFake,
        ),
        (
            DummyStatus::Expired,
            FaceStatus::FaceError,
            DocumentStatus::DocExpired,
        ),
    ]
}

/// One test, sessions in turn: against DEV the receiver listens on one fixed address.
#[tokio::test]
async fn dummy_sessions_match_the_contract() {
    let target = Target::from_env().await;
    let receiver = target.receiver().await;
    if let Err(reason) = &receiver {
        skipped("webhook snapshots", reason);
    }
    for (auto, face, document) in sessions() {
        let name = auto.as_str().to_lowercase();
        let request = TokenRequest {
            first_name: Some("Jonas".to_owned()),
            last_name: Some("Petraitis".to_owned()),
            external_ref: Some(format!("contract-{name}")),
            generate_digit_string: Some(true),
            callback_url: Some(callback_url(&receiver)),
            dummy_status: Some(auto.clone()),
            ..TokenRequest::new(format!("contract-{name}"))
        };
        let raw = target.send(Endpoint::Token, &request).await;
        assert_contract!(target, format!("{name}_1_token"), answer(&raw));
        let scan_ref = raw.decode::<TokenResponse>().unwrap().scan_ref;

        if let Ok(receiver) = &receiver {
            let auto_webhook = nth_webhook(receiver, &scan_ref, 0, target.webhook_timeout).await;
            assert_contract!(
                target,
                format!("{name}_2_auto_webhook"),
                webhook(&auto_webhook)
            );
        }

        let manual = AddDummyStatusRequest {
            scan_ref: scan_ref.clone(),
            manual_face_match_result: face,
            manual_document_validity: document,
        };
        let raw = target.send(Endpoint::AddDummyStatus, &manual).await;
        assert_contract!(target, format!("{name}_3_add_dummy_status"), answer(&raw));

        if let Ok(receiver) = &receiver {
            let manual_webhook = nth_webhook(receiver, &scan_ref, 1, target.webhook_timeout).await;
            assert_contract!(
                target,
                format!("{name}_4_manual_webhook"),
                webhook(&manual_webhook)
            );
        }

        let raw = target
            .send(Endpoint::Status, &ScanRefRequest { scan_ref })
            .await;
        assert_contract!(target, format!("{name}_5_status"), answer(&raw));
    }
}
