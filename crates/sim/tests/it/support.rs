//! Test support: an HTTP client for the simulator's API and a webhook receiver that verifies
//! every signature with `idenfy_model::verify`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use idenfy_model::WebhookEventType;
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{IdentificationWebhook, SignatureError, SigningKey, verify};
use idenfy_sim::{Delivery, Simulator, SimulatorBuilder};
use serde_json::{Value, json};
use tokio::sync::watch;

/// The longest any test waits for a webhook: a hang guard, not a timing assertion.
pub const WAIT: Duration = Duration::from_secs(30);

/// A client of one simulator's API, with its credentials.
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    authorization: String,
}

/// An HTTP answer: status and JSON body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body, parsed as JSON (`Value::Null` when it is not JSON).
    pub body: Value,
}

impl Api {
    /// A client for `simulator`, authenticated with its credentials.
    pub fn new(simulator: &Simulator) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: simulator.uri(),
            authorization: simulator.credentials().authorization_header(),
        }
    }

    /// POSTs `body` as JSON with credentials.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(
            reqwest::Method::POST,
            path,
            Some("application/json"),
            Some(&self.authorization),
            serde_json::to_vec(body).unwrap(),
        )
        .await
    }

    /// Sends any request; `None` leaves the header out.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: Option<&str>,
        authorization: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        if let Some(authorization) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, authorization);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        Answer {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    /// `GET /sim/webhooks` with `query` (e.g. `?scanRef=...`), parsed.
    pub async fn webhooks(&self, query: &str) -> Vec<Delivery> {
        let answer = self
            .send(
                reqwest::Method::GET,
                &format!("/sim/webhooks{query}"),
                None,
                Some(&self.authorization),
                Vec::new(),
            )
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        serde_json::from_value(answer.body).unwrap()
    }

    /// The credentials' `Authorization` header.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// Creates a token and returns its 201 body.
    pub async fn token(&self, body: Value) -> Value {
        let answer = self.post("/api/v2/token", &body).await;
        assert_eq!(answer.status, 201, "token creation failed: {answer:?}");
        answer.body
    }

    /// Creates a dummy token with `dummy_status` (and `callbackUrl` when given); returns the
    /// `scanRef`.
    pub async fn dummy_token(&self, dummy_status: &str, callback_url: Option<&str>) -> String {
        let mut body = json!({"clientId": "client-1", "dummyStatus": dummy_status});
        if let Some(url) = callback_url {
            body["callbackUrl"] = json!(url);
        }
        scan_ref_of(&self.token(body).await)
    }

    /// Calls `add-dummy-status`.
    pub async fn add_dummy_status(&self, scan_ref: &str, face: &str, document: &str) -> Answer {
        self.post(
            "/api/v2/add-dummy-status",
            &json!({
                "scanRef": scan_ref,
                "manualFaceMatchResult": face,
                "manualDocumentValidity": document,
            }),
        )
        .await
    }

    /// Calls `status`.
    pub async fn status(&self, scan_ref: &str) -> Answer {
        self.post("/api/v2/status", &json!({ "scanRef": scan_ref }))
            .await
    }
}

/// The `scanRef` of a token response.
pub fn scan_ref_of(token: &Value) -> String {
    token["scanRef"].as_str().unwrap().to_owned()
}

/// Asserts an error answer: status, identifier, and a message containing `fragment`.
#[track_caller]
pub fn assert_error(answer: &Answer, status: u16, identifier: &str, fragment: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert_eq!(answer.body["identifier"], identifier, "{answer:?}");
    let message = answer.body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(fragment),
        "message {message:?} lacks {fragment:?}"
    );
    assert_eq!(
        answer.body.as_object().map(|body| body.len()),
        Some(2),
        "an error body has exactly identifier and message: {answer:?}"
    );
}

/// How the receiver answers webhooks.
#[derive(Debug, Clone, Copy)]
pub enum Behaviour {
    /// 200 to everything.
    Accept,
    /// `status` to the first `count` webhooks, then 200.
    FailFirst(usize, u16),
    /// Waits this long before answering 200.
    Slow(Duration),
}

/// A webhook the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// `Idenfy-Event-Type`.
    pub event: String,
    /// `Content-Type`.
    pub content_type: String,
    /// The result of verifying `Idenfy-Signature` over the raw body.
    pub signature: Result<(), SignatureError>,
    /// The raw body.
    pub body: Bytes,
}

impl Received {
    /// The body, parsed.
    pub fn webhook(&self) -> IdentificationWebhook {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A local webhook receiver that checks signatures with the simulator's signing key.
pub struct Receiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    count: watch::Receiver<usize>,
}

#[derive(Clone)]
struct ReceiverState {
    key: SigningKey,
    behaviour: Behaviour,
    received: Arc<Mutex<Vec<Received>>>,
    count: Arc<watch::Sender<usize>>,
}

impl Receiver {
    /// Starts a receiver on `127.0.0.1:0`.
    pub async fn start(key: &SigningKey, behaviour: Behaviour) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let (count_sender, count) = watch::channel(0);
        let state = ReceiverState {
            key: key.clone(),
            behaviour,
            received: Arc::clone(&received),
            count: Arc::new(count_sender),
        };
        let app = Router::new()
            .route("/webhooks", post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            addr,
            received,
            count,
        }
    }

    /// The URL webhooks should go to.
    pub fn url(&self) -> String {
        format!("http://{}/webhooks", self.addr)
    }

    /// Every webhook received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `count` webhooks arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let mut arrivals = self.count.clone();
        tokio::time::timeout(WAIT, arrivals.wait_for(|arrived| *arrived >= count))
            .await
            .expect("webhooks arrive in time")
            .unwrap();
        self.received()
    }
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let received = Received {
        event: header(EVENT_TYPE_HEADER),
        content_type: header("content-type"),
        signature: verify(&state.key, &body, &header(SIGNATURE_HEADER)),
        body,
    };
    let index = {
        let mut all = state.received.lock().unwrap();
        all.push(received);
        all.len()
    };
    state.count.send_replace(index);
    match state.behaviour {
        Behaviour::Accept => StatusCode::OK,
        Behaviour::FailFirst(count, status) if index <= count => {
            StatusCode::from_u16(status).unwrap()
        }
        Behaviour::FailFirst(..) => StatusCode::OK,
        Behaviour::Slow(delay) => {
            tokio::time::sleep(delay).await;
            StatusCode::OK
        }
    }
}

/// A loopback URL where nothing listens: connections are refused.
pub async fn refused_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/webhooks")
}

/// The simulator's default signing key, which receivers check signatures with.
pub fn signing_key() -> SigningKey {
    SigningKey::new(idenfy_sim::DEFAULT_SIGNING_KEY)
}

/// A simulator sending webhooks to `url` by default, with `configure` applied.
pub async fn simulator_sending_to(
    url: &str,
    configure: impl FnOnce(SimulatorBuilder) -> SimulatorBuilder,
) -> (Simulator, Api) {
    let simulator = configure(Simulator::builder().default_webhook_url(url))
        .start()
        .await
        .unwrap();
    let api = Api::new(&simulator);
    (simulator, api)
}

/// A simulator sending to a new receiver that answers as `behaviour`, retrying quickly.
pub async fn simulator_with_receiver(behaviour: Behaviour) -> (Simulator, Api, Receiver) {
    let receiver = Receiver::start(&signing_key(), behaviour).await;
    let (simulator, api) = simulator_sending_to(&receiver.url(), |builder| {
        builder
            .retry_schedule(vec![Duration::from_millis(20); 3])
            .seed(1)
    })
    .await;
    (simulator, api, receiver)
}

/// Forces a manual result on `scan_ref`, checks the 200, and returns the manual webhook once
/// its delivery finished.
pub async fn review(
    simulator: &Simulator,
    api: &Api,
    scan_ref: &str,
    face: &str,
    document: &str,
) -> IdentificationWebhook {
    let answer = api.add_dummy_status(scan_ref, face, document).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let manual = finished(
        simulator,
        scan_ref,
        &WebhookEventType::IdentificationManualFinished,
    )
    .await;
    serde_json::from_str(&manual.body).unwrap()
}

/// The first `event` delivery for `scan_ref` that finished (delivered or failed).
pub async fn finished(simulator: &Simulator, scan_ref: &str, event: &WebhookEventType) -> Delivery {
    simulator.wait_for(scan_ref, event, WAIT).await.unwrap()
}
