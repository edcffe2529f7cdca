//! The forgery battery as a library: what each case sends, how an answer is graded, and whole
//! runs against endpoints that check signatures, accept everything, use another key, stall,
//! crash, redirect, or cannot be reached. Receivers with planted verifier bugs are in
//! [`crate::battery_receivers`].

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use idenfy_gen::{
    ForgeryKind, Identity, WebhookContext, WebhookDefaults, auto_webhook, forgeries, rng_from_seed,
};
use idenfy_live::WebhookReceiver;
use idenfy_live::webhook::battery::{Case, Expected, Grade, Verdict, requests, run_battery};
use idenfy_model::{
    BodyStyle, DummyStatus, IdentificationWebhook, Platform, SignedWebhook, SigningKey,
    TokenRequest, WebhookEventType, verify_webhook,
};
use idenfy_sender::{NoAnswerKind, Sender, Url};

use crate::support::{Answer, Scripted};

pub const EVENT: WebhookEventType = WebhookEventType::IdentificationAutoFinished;

/// The six forgeries, then the three genuine webhooks, then the replay.
const NAMES: [&str; 10] = [
    "tampered-body",
    "wrong-key",
    "no-signature",
    "uppercase-signature",
    "malformed-signature",
    "reserialized-body",
    "valid-compact",
    "valid-spaced-ascii",
    "valid-unusual-bytes",
    "replay",
];

pub fn key() -> SigningKey {
    SigningKey::new("battery-library-key")
}

/// A generated auto webhook whose overall status follows `auto`, its person drawn from `seed`.
pub fn webhook_of(auto: DummyStatus, seed: u64) -> IdentificationWebhook {
    let identity = Identity::fake(&mut rng_from_seed(seed));
    let request = TokenRequest::new("client-battery");
    let context = WebhookContext {
        scan_ref: "7d0f6c2e-93b1-4c55-a0e2-5b1f0c3d9e4a",
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

fn webhook(auto: DummyStatus) -> IdentificationWebhook {
    webhook_of(auto, 11)
}

pub fn sender(timeout: Duration) -> Sender {
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

pub fn url_of(addr: SocketAddr) -> Url {
    format!("http://{addr}/hook").parse().unwrap()
}

fn case(name: &str) -> Case {
    *Case::all().iter().find(|case| case.name() == name).unwrap()
}

fn cases(names: &[&str]) -> Vec<Case> {
    names.iter().map(|name| case(name)).collect()
}

#[test]
fn each_expectation_grades_every_kind_of_answer() {
    use Verdict::{Fail, Pass, Warning};
    let check = |expected: Expected, status: Option<u16>, verdict: Verdict| {
        assert_eq!(expected.verdict(status), verdict, "{expected:?} {status:?}");
    };
    let lenient = [Expected::RefuseOrIdempotent, Expected::RefuseOrLenient];
    for accepted in [200, 202, 204, 299] {
        check(Expected::Accept, Some(accepted), Pass);
        check(Expected::Refuse, Some(accepted), Fail);
        for expected in lenient {
            check(expected, Some(accepted), Warning);
        }
    }
    for refused in [100, 199, 300, 302, 308, 400, 401, 404, 409, 499, 600] {
        check(Expected::Accept, Some(refused), Fail);
        check(Expected::Refuse, Some(refused), Pass);
        for expected in lenient {
            check(expected, Some(refused), Pass);
        }
    }
    for crashed in [500, 502, 503, 599] {
        check(Expected::Accept, Some(crashed), Fail);
        check(Expected::Refuse, Some(crashed), Fail);
        for expected in lenient {
            check(expected, Some(crashed), Fail);
        }
    }
    check(Expected::Accept, None, Fail);
    check(Expected::Refuse, None, Warning);
    for expected in lenient {
        check(expected, None, Warning);
    }
}

#[test]
fn forgeries_go_first_the_genuine_webhooks_then_the_replay_last() {
    let names: Vec<&str> = Case::all().iter().map(|case| case.name()).collect();
    assert_eq!(names, NAMES);
    let mut descriptions = HashSet::new();
    for case in Case::all() {
        let expected = match case {
            Case::Valid(_) | Case::UnusualBytes => Expected::Accept,
            Case::Replay => Expected::RefuseOrIdempotent,
            Case::Forgery(ForgeryKind::UppercaseSignature) => Expected::RefuseOrLenient,
            _ => Expected::Refuse,
        };
        assert_eq!(case.expected(), expected, "{case}");
        assert_eq!(case.to_string(), case.name());
        assert_eq!(
            serde_json::to_value(case).unwrap(),
            serde_json::json!(case.name())
        );
        assert!(descriptions.insert(case.description()), "{case}");
        if let Case::Forgery(kind) = case {
            assert_eq!(case.name(), kind.name());
            assert_eq!(case.description(), kind.breaks());
        }
    }
    assert_eq!(
        serde_json::to_value(Expected::RefuseOrIdempotent).unwrap(),
        "refuse-or-idempotent"
    );
    assert_eq!(
        serde_json::to_value(Expected::RefuseOrLenient).unwrap(),
        "refuse-or-lenient"
    );
    assert_eq!(serde_json::to_value(Verdict::Warning).unwrap(), "warning");
    let described: Vec<&str> = [
        Expected::Accept,
        Expected::Refuse,
        Expected::RefuseOrIdempotent,
        Expected::RefuseOrLenient,
    ]
    .map(Expected::description)
    .to_vec();
    assert_eq!(
        described,
        ["2xx", "4xx", "4xx, or idempotent", "4xx (2xx: lenient)"]
    );
}

#[test]
fn genuine_cases_verify_under_the_key_and_forgeries_are_idenfy_gen_s() {
    let webhook = webhook(DummyStatus::Denied);
    let planned = requests(&webhook, &key(), &EVENT);
    let planned_cases: Vec<Case> = planned.iter().map(|(case, _)| *case).collect();
    assert_eq!(planned_cases, Case::all());
    let compact = SignedWebhook::sign(&key(), EVENT, &webhook, BodyStyle::Compact).unwrap();
    assert_eq!(
        compact.body,
        serde_json::to_vec(&webhook).unwrap(),
        "compact JSON in model order, as the simulator sends it"
    );
    let forged = forgeries(&compact);
    let mut scan_refs = HashSet::new();
    for (index, (case, request)) in planned.iter().enumerate() {
        let verified = verify_webhook(&key(), &request.body, request.signature.as_deref());
        assert_eq!(
            verified.is_ok(),
            case.expected() == Expected::Accept || *case == Case::Replay,
            "{case}"
        );
        match case {
            Case::Forgery(kind) => {
                assert_eq!(forged[index].kind, *kind);
                assert_eq!(request.body, forged[index].body, "{case}");
                assert_eq!(request.signature, forged[index].signature, "{case}");
            }
            Case::Valid(BodyStyle::Compact) | Case::Replay => {
                assert_eq!(request.body, compact.body, "{case}");
                assert_eq!(request.signature.as_deref(), Some(&*compact.signature));
            }
            _ => {
                let verified = verified.unwrap();
                assert!(scan_refs.insert(verified.scan_ref.clone()), "{case}");
                assert_ne!(
                    verified.scan_ref, webhook.scan_ref,
                    "{case}: a scanRef of its own"
                );
                let mut same = verified;
                same.scan_ref = webhook.scan_ref.clone();
                same.client_location = webhook.client_location.clone();
                same.risk_assessment = None;
                assert_eq!(same, webhook, "{case}");
            }
        }
    }
    let spaced = &planned[7].1.body;
    assert!(
        spaced.windows(4).any(|window| window == b"\": \""),
        "spaced-ascii body"
    );
}

#[test]
fn the_same_kinds_of_bytes_go_out_whatever_the_webhook() {
    let shape = |seed: u64, auto: DummyStatus| -> Vec<(Case, bool, bool)> {
        requests(&webhook_of(auto, seed), &key(), &EVENT)
            .into_iter()
            .map(|(case, request)| {
                let text = String::from_utf8(request.body.to_vec()).unwrap();
                (case, text.contains("\\/"), text.contains(": "))
            })
            .collect()
    };
    let first = shape(0, DummyStatus::Approved);
    for seed in 1..6 {
        assert_eq!(shape(seed, DummyStatus::Denied), first, "seed {seed}");
    }
}

#[tokio::test]
async fn an_endpoint_that_checks_signatures_passes_with_a_replay_warning() {
    let receiver = WebhookReceiver::start(key()).await.unwrap();
    let url: Url = receiver.url().parse().unwrap();
    let grade = battery_against(&url, DummyStatus::Denied).await;
    assert!(grade.passed());
    assert_eq!(grade.url, url);
    assert_eq!(grade.event, EVENT);
    let sent: Vec<Case> = grade.cases.iter().map(|graded| graded.case).collect();
    assert_eq!(sent, Case::all());
    for graded in &grade.cases {
        let (status, verdict) = match graded.case.expected() {
            Expected::Accept => (200, Verdict::Pass),
            Expected::RefuseOrIdempotent => (200, Verdict::Warning),
            _ => (401, Verdict::Pass),
        };
        assert_eq!(graded.status(), Some(status), "{}", graded.case);
        assert_eq!(graded.accepted(), status == 200, "{}", graded.case);
        assert_eq!(graded.verdict, verdict, "{}", graded.case);
        assert_eq!(graded.location(), None);
    }
    assert_eq!(grade.wrongly_accepted(), []);
    assert_eq!(grade.wrongly_refused(), []);
    assert_eq!(grade.crashed(), []);
    assert_eq!(grade.warnings(), [Case::Replay]);

    let received = receiver.received();
    assert_eq!(received.len(), 10);
    assert!(received.iter().all(|request| request.event == Some(EVENT)));
    assert_eq!(received[6].body, received[9].body);
}

#[tokio::test]
async fn an_endpoint_that_accepts_everything_fails_on_every_forgery_but_the_upper_case_one() {
    let server = Scripted::start(vec![Answer::new(200, "ok")]).await;
    let grade = battery_against(&url_of(server.addr), DummyStatus::Approved).await;
    assert!(!grade.passed());
    assert_eq!(
        grade.wrongly_accepted(),
        cases(&[
            "tampered-body",
            "wrong-key",
            "no-signature",
            "malformed-signature",
            "reserialized-body"
        ])
    );
    assert_eq!(grade.wrongly_refused(), []);
    assert_eq!(grade.crashed(), []);
    assert_eq!(grade.warnings(), cases(&["uppercase-signature", "replay"]));
    assert_eq!(server.hits(), 10);
}

#[tokio::test]
async fn an_endpoint_with_another_key_fails_for_refusing_every_genuine_webhook() {
    let receiver = WebhookReceiver::start(SigningKey::new("another-key"))
        .await
        .unwrap();
    let grade = battery_against(&receiver.url().parse().unwrap(), DummyStatus::Approved).await;
    assert!(!grade.passed());
    assert_eq!(
        grade.wrongly_refused(),
        cases(&["valid-compact", "valid-spaced-ascii", "valid-unusual-bytes"])
    );
    assert_eq!(grade.wrongly_accepted(), []);
    assert_eq!(grade.crashed(), []);
    assert_eq!(grade.warnings(), [], "the refused replay is a pass");
}

#[tokio::test]
async fn an_endpoint_that_crashes_fails_for_every_case_and_a_crash_is_no_refusal() {
    let server = Scripted::start(vec![Answer::new(500, "boom")]).await;
    let grade = battery_against(&url_of(server.addr), DummyStatus::Denied).await;
    assert!(!grade.passed());
    assert!(
        grade
            .cases
            .iter()
            .all(|graded| graded.verdict == Verdict::Fail)
    );
    assert_eq!(grade.crashed(), cases(&[&NAMES[..6], &["replay"]].concat()));
    assert_eq!(grade.wrongly_refused(), cases(&NAMES[6..9]));
    assert_eq!(grade.wrongly_accepted(), []);
}

#[tokio::test]
async fn a_redirect_keeps_its_location_and_fails_the_genuine_webhooks() {
    let server = Scripted::start(vec![
        Answer::new(308, "").header("location", "https://example.test/hooks/idenfy"),
    ])
    .await;
    let grade = battery_against(&url_of(server.addr), DummyStatus::Denied).await;
    assert_eq!(grade.wrongly_refused(), cases(&NAMES[6..9]));
    assert_eq!(grade.crashed(), []);
    for graded in &grade.cases {
        assert_eq!(graded.status(), Some(308));
        assert_eq!(graded.location(), Some("https://example.test/hooks/idenfy"));
    }
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
        Answer::new(200, "ok"),
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
    assert_eq!(wrong_key.case, Case::Forgery(ForgeryKind::WrongKey));
    assert_eq!(wrong_key.status(), None);
    assert!(!wrong_key.accepted());
    assert_eq!(
        wrong_key.answer.as_ref().unwrap_err().kind,
        NoAnswerKind::Timeout
    );
    assert_eq!(wrong_key.verdict, Verdict::Warning);
    assert!(grade.passed(), "a warning does not fail the endpoint");
    assert_eq!(grade.warnings(), [Case::Forgery(ForgeryKind::WrongKey)]);
    assert_eq!(grade.wrongly_refused(), []);
    assert_eq!(grade.crashed(), []);
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
