//! The forgery battery as a library: what each case sends, how an answer is graded, and whole
//! runs against endpoints that check signatures, accept everything, use another key, stall, or
//! cannot be reached.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use idenfy_gen::{Identity, WebhookContext, WebhookDefaults, auto_webhook, rng_from_seed};
use idenfy_live::WebhookReceiver;
use idenfy_live::webhook::battery::{Case, Expected, Grade, Verdict, run_battery};
use idenfy_model::{
    DummyStatus, IdentificationWebhook, OverallStatus, Platform, SigningKey, TokenRequest,
    WebhookEventType, sign, verify,
};
use idenfy_sender::{NoAnswerKind, Sender, Url};

use crate::support::{Answer, Scripted};

const EVENT: WebhookEventType = WebhookEventType::IdentificationAutoFinished;

fn key() -> SigningKey {
    SigningKey::new("battery-library-key")
}

/// A generated auto webhook whose overall status follows `auto`.
fn webhook(auto: DummyStatus) -> IdentificationWebhook {
    let identity = Identity::fake(&mut rng_from_seed(11));
    let request = TokenRequest::new("client-battery");
    let context = WebhookContext {
        scan_ref: "battery-scan",
        request: &request,
        identity: &identity,
        start_time: 1_700_000_000,
        defaults: &WebhookDefaults {
            processing_seconds: 42,
            platform: Platform::Pc,
            client_ip: "192.0.2.10",
            file_url_base: "https://files.example.test",
        },
    };
    auto_webhook(&context, &auto).unwrap().1
}

fn sender(timeout: Duration) -> Sender {
    Sender::new(timeout).unwrap()
}

async fn battery_against(url: &Url, auto: DummyStatus) -> Grade {
    run_battery(
        &sender(Duration::from_secs(10)),
        url,
        &key(),
        &EVENT,
        &webhook(auto),
    )
    .await
    .unwrap()
}

fn url_of(addr: SocketAddr) -> Url {
    format!("http://{addr}/hook").parse().unwrap()
}

#[test]
fn each_expectation_grades_every_kind_of_answer() {
    use Verdict::{Fail, Pass, Warning};
    let check = |expected: Expected, status: Option<u16>, verdict: Verdict| {
        assert_eq!(expected.verdict(status), verdict, "{expected:?} {status:?}");
    };
    for accepted in [200, 202, 204, 299] {
        check(Expected::Accept, Some(accepted), Pass);
        check(Expected::Refuse, Some(accepted), Fail);
        check(Expected::RefuseOrIdempotent, Some(accepted), Warning);
    }
    for refused in [199, 300, 302, 400, 401, 404, 500, 503] {
        check(Expected::Accept, Some(refused), Fail);
        check(Expected::Refuse, Some(refused), Pass);
        check(Expected::RefuseOrIdempotent, Some(refused), Pass);
    }
    check(Expected::Accept, None, Fail);
    check(Expected::Refuse, None, Warning);
    check(Expected::RefuseOrIdempotent, None, Warning);
}

#[test]
fn forgeries_go_first_the_valid_webhook_then_its_replay_last() {
    let names: Vec<&str> = Case::ALL.iter().map(|case| case.name()).collect();
    assert_eq!(
        names,
        [
            "tampered-body",
            "wrong-key",
            "no-signature",
            "uppercase-signature",
            "malformed-signature",
            "reserialized-body",
            "valid",
            "replay",
        ]
    );
    for case in Case::ALL {
        let expected = match case {
            Case::Valid => Expected::Accept,
            Case::Replay => Expected::RefuseOrIdempotent,
            _ => Expected::Refuse,
        };
        assert_eq!(case.expected(), expected, "{case}");
        assert_eq!(case.to_string(), case.name());
        assert_eq!(
            serde_json::to_value(case).unwrap(),
            serde_json::json!(case.name())
        );
        assert!(!case.description().is_empty());
    }
    assert_eq!(
        serde_json::to_value(Expected::RefuseOrIdempotent).unwrap(),
        "refuse-or-idempotent"
    );
    assert_eq!(serde_json::to_value(Verdict::Warning).unwrap(), "warning");
}

#[test]
fn only_the_valid_webhook_and_its_replay_verify_under_the_key() {
    let webhook = webhook(DummyStatus::Denied);
    let exact = serde_json::to_vec(&webhook).unwrap();
    let valid_signature = sign(&key(), &exact);
    for case in Case::ALL {
        let request = case.request(&webhook, &key());
        let verifies = request
            .signature
            .as_deref()
            .is_some_and(|signature| verify(&key(), &request.body, signature).is_ok());
        assert_eq!(
            verifies,
            matches!(case, Case::Valid | Case::Replay),
            "{case}"
        );
        match case {
            Case::Valid | Case::Replay => {
                assert_eq!(request.body, exact, "{case}: compact JSON in model order");
                assert_eq!(request.signature.as_deref(), Some(valid_signature.as_str()));
            }
            Case::TamperedBody => {
                let sent: IdentificationWebhook = serde_json::from_slice(&request.body).unwrap();
                assert_eq!(
                    sent.status.overall,
                    OverallStatus::Approved,
                    "DENIED turned"
                );
                let mut restored = sent.clone();
                restored.status.overall = webhook.status.overall.clone();
                assert_eq!(restored, webhook, "only status.overall changed");
                assert_eq!(request.signature.as_deref(), Some(valid_signature.as_str()));
            }
            Case::WrongKey => {
                assert_eq!(request.body, exact);
                let signature = request.signature.unwrap();
                assert_eq!(signature.len(), 64);
                assert_ne!(signature, valid_signature);
            }
            Case::NoSignature => {
                assert_eq!(request.body, exact);
                assert_eq!(request.signature, None);
            }
            Case::UppercaseSignature => {
                assert_eq!(request.body, exact);
                assert_eq!(
                    request.signature,
                    Some(valid_signature.to_ascii_uppercase())
                );
            }
            Case::MalformedSignature => {
                assert_eq!(request.body, exact);
                assert_eq!(request.signature.as_deref(), Some(&valid_signature[..32]));
            }
            Case::ReserializedBody => {
                assert_ne!(request.body, exact, "other bytes");
                assert_eq!(
                    serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
                    serde_json::from_slice::<serde_json::Value>(&exact).unwrap(),
                    "the same JSON value"
                );
                assert_eq!(request.signature.as_deref(), Some(valid_signature.as_str()));
            }
            _ => unreachable!("a case this test does not know: {case}"),
        }
    }
}

#[test]
fn an_approved_webhook_is_tampered_into_a_denial() {
    let request = Case::TamperedBody.request(&webhook(DummyStatus::Approved), &key());
    let sent: IdentificationWebhook = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent.status.overall, OverallStatus::Denied);
}

#[tokio::test]
async fn an_endpoint_that_checks_signatures_passes_with_a_replay_warning() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let url: Url = receiver.url().parse().unwrap();
    let grade = battery_against(&url, DummyStatus::Denied).await;
    assert!(grade.passed());
    assert_eq!(grade.url, url);
    assert_eq!(grade.event, EVENT);
    let cases: Vec<Case> = grade.cases.iter().map(|graded| graded.case).collect();
    assert_eq!(cases, Case::ALL);
    for graded in &grade.cases {
        let (status, verdict) = match graded.case {
            Case::Valid => (200, Verdict::Pass),
            Case::Replay => (200, Verdict::Warning),
            _ => (401, Verdict::Pass),
        };
        assert_eq!(graded.status(), Some(status), "{}", graded.case);
        assert_eq!(graded.accepted(), status == 200, "{}", graded.case);
        assert_eq!(graded.verdict, verdict, "{}", graded.case);
    }
    assert_eq!(grade.wrongly_accepted(), []);
    assert_eq!(grade.wrongly_refused(), []);
    assert_eq!(grade.warnings(), [Case::Replay]);

    let received = receiver.received();
    assert_eq!(received.len(), 8);
    assert!(received.iter().all(|request| request.event == Some(EVENT)));
    assert_eq!(received[6].body, received[7].body);
}

#[tokio::test]
async fn an_endpoint_that_accepts_everything_fails_on_every_forgery() {
    let server = Scripted::start(vec![Answer::new(200, "ok")]).await;
    let grade = battery_against(&url_of(server.addr), DummyStatus::Approved).await;
    assert!(!grade.passed());
    assert_eq!(grade.wrongly_accepted(), Case::ALL[..6]);
    assert_eq!(grade.wrongly_refused(), []);
    assert_eq!(grade.warnings(), [Case::Replay]);
    assert_eq!(server.hits(), 8);
}

#[tokio::test]
async fn an_endpoint_with_another_key_fails_for_refusing_the_valid_webhook() {
    let receiver = WebhookReceiver::start(SigningKey::new("another-key"))
        .await
        .unwrap();
    let grade = battery_against(&receiver.url().parse().unwrap(), DummyStatus::Approved).await;
    assert!(!grade.passed());
    assert_eq!(grade.wrongly_refused(), [Case::Valid]);
    assert_eq!(grade.wrongly_accepted(), []);
    assert_eq!(grade.warnings(), [], "the refused replay is a pass");
}

#[tokio::test]
async fn a_forgery_left_unanswered_is_a_warning_not_a_pass() {
    let server = Scripted::start(vec![
        Answer::new(401, "no"),
        Answer::new(401, "no").after(Duration::from_secs(5)),
        Answer::new(401, "no"),
        Answer::new(401, "no"),
        Answer::new(401, "no"),
        Answer::new(401, "no"),
        Answer::new(200, "ok"),
        Answer::new(401, "duplicate"),
    ])
    .await;
    let grade = run_battery(
        &sender(Duration::from_millis(300)),
        &url_of(server.addr),
        &key(),
        &EVENT,
        &webhook(DummyStatus::Denied),
    )
    .await
    .unwrap();
    let wrong_key = &grade.cases[1];
    assert_eq!(wrong_key.case, Case::WrongKey);
    assert_eq!(wrong_key.status(), None);
    assert!(!wrong_key.accepted());
    assert_eq!(
        wrong_key.answer.as_ref().unwrap_err().kind,
        NoAnswerKind::Timeout
    );
    assert_eq!(wrong_key.verdict, Verdict::Warning);
    assert!(grade.passed(), "a warning does not fail the endpoint");
    assert_eq!(grade.warnings(), [Case::WrongKey]);
    assert_eq!(grade.wrongly_refused(), []);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_not_graded() {
    // Bound but never listening: connections are refused, and the port stays ours.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((Ipv4Addr::LOCALHOST, 0).into()).unwrap();
    let url = url_of(socket.local_addr().unwrap());
    let no_answer = run_battery(
        &sender(Duration::from_secs(10)),
        &url,
        &key(),
        &EVENT,
        &webhook(DummyStatus::Denied),
    )
    .await
    .unwrap_err();
    assert_eq!(no_answer.kind, NoAnswerKind::Connect);
    drop(socket);
}
