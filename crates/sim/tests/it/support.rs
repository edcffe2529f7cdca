//! Test support: an HTTP client for the simulator's API, a webhook receiver that verifies
//! every signature with `idenfy_model::verify` and can change how it answers, and a listener
//! that drops every connection mid-request.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
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
use tokio::net::{TcpListener, TcpSocket};
use tokio::runtime::Runtime;
use tokio::sync::{oneshot, watch};

/// The longest any test waits for a webhook: a hang guard, not a timing assertion.
pub const WAIT: Duration = Duration::from_secs(30);

/// A client of one simulator's API, with its credentials.
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    authorization: String,
}

/// A simulator without rate limit for synchronous code such as property tests, driven on the
/// one runtime and HTTP client that all such tests share.
pub struct BlockingSimulator {
    /// Its API, through the shared client.
    pub api: Api,
    /// The simulator.
    pub simulator: Simulator,
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
        Self::with_client(simulator, reqwest::Client::new())
    }

    /// A client for `simulator` that sends through `client` (to share one connection pool).
    pub fn with_client(simulator: &Simulator, client: reqwest::Client) -> Self {
        Self {
            client,
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
        self.send_raw(
            method,
            path,
            content_type.map(str::as_bytes),
            authorization.map(str::as_bytes),
            body,
        )
        .await
    }

    /// Sends any request with header values as raw bytes (anything HTTP allows, not only
    /// UTF-8); `None` leaves the header out.
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: Option<&[u8]>,
        authorization: Option<&[u8]>,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .body(body);
        let header = |bytes| reqwest::header::HeaderValue::from_bytes(bytes).unwrap();
        if let Some(content_type) = content_type {
            request = request.header(reqwest::header::CONTENT_TYPE, header(content_type));
        }
        if let Some(authorization) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, header(authorization));
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

    /// The simulator's base URL.
    pub fn base(&self) -> &str {
        &self.base
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

    /// Starts a dummy flow without waiting for any webhook: an `APPROVED` token (with
    /// `callbackUrl` when given), then a manual review of it; returns the `scanRef`.
    pub async fn dummy_flow(&self, callback_url: Option<&str>) -> String {
        let scan_ref = self.dummy_token("APPROVED", callback_url).await;
        let answer = self
            .add_dummy_status(&scan_ref, "FACE_MATCH", "DOC_VALIDATED")
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        scan_ref
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
    /// Holds every webhook unanswered until the behaviour changes, then answers as the new one.
    Hold,
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
    behaviour: Arc<watch::Sender<Behaviour>>,
    received: Arc<Mutex<Vec<Received>>>,
    count: watch::Receiver<usize>,
}

#[derive(Clone)]
struct ReceiverState {
    key: SigningKey,
    behaviour: Arc<watch::Sender<Behaviour>>,
    received: Arc<Mutex<Vec<Received>>>,
    count: Arc<watch::Sender<usize>>,
}

impl Receiver {
    /// Starts a receiver on `127.0.0.1:0`.
    pub async fn start(key: &SigningKey, behaviour: Behaviour) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(key, behaviour, listener)
    }

    /// Starts a receiver on `listener`, e.g. a [`RefusedPort`] that now listens, or the
    /// listener a [`ClosingListener`] gave back: the port is never free in between.
    pub fn start_on(key: &SigningKey, behaviour: Behaviour, listener: TcpListener) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let (count_sender, count) = watch::channel(0);
        let behaviour = Arc::new(watch::Sender::new(behaviour));
        let state = ReceiverState {
            key: key.clone(),
            behaviour: Arc::clone(&behaviour),
            received: Arc::clone(&received),
            count: Arc::new(count_sender),
        };
        let app = Router::new()
            .route("/webhooks", post(receive))
            .with_state(state);
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            addr,
            behaviour,
            received,
            count,
        }
    }

    /// From now on answers as `behaviour`; webhooks held by [`Behaviour::Hold`] are released.
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        self.behaviour.send_replace(behaviour);
    }

    /// The URL webhooks should go to.
    pub fn url(&self) -> String {
        webhook_url(self.addr)
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
    let mut behaviour = state.behaviour.subscribe();
    loop {
        let current = *behaviour.borrow_and_update();
        return match current {
            Behaviour::Accept => StatusCode::OK,
            Behaviour::FailFirst(count, status) if index <= count => {
                StatusCode::from_u16(status).unwrap()
            }
            Behaviour::FailFirst(..) => StatusCode::OK,
            Behaviour::Slow(delay) => {
                tokio::time::sleep(delay).await;
                StatusCode::OK
            }
            Behaviour::Hold => {
                // The sender lives as long as the receiver's state, which this handler holds.
                let _ = behaviour.changed().await;
                continue;
            }
        };
    }
}

/// A listener on `127.0.0.1:0` that reads the start of every request and then drops the
/// connection without answering, until it is stopped.
pub async fn closing_listener() -> (SocketAddr, ClosingListener) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, mut stopped) = oneshot::channel();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut stopped => return listener,
                accepted = listener.accept() => {
                    let (mut stream, _) = accepted.unwrap();
                    tokio::spawn(async move {
                        let mut start = [0u8; 16];
                        // Whatever arrives (or not), the connection is dropped unanswered.
                        let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut start).await;
                    });
                }
            }
        }
    });
    (addr, ClosingListener { stop, task })
}

/// Stops a [`closing_listener`] when dropped, or gives its listener back when
/// [`stop`](Self::stop)ped.
pub struct ClosingListener {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<TcpListener>,
}

impl ClosingListener {
    /// Stops dropping connections and returns the listener, still bound to its port.
    pub async fn stop(self) -> TcpListener {
        let _ = self.stop.send(());
        self.task.await.unwrap()
    }
}

/// A loopback port that is bound but not listening: connections to it are refused, and no
/// other socket can take the port while this lives.
pub struct RefusedPort {
    socket: TcpSocket,
    addr: SocketAddr,
}

impl RefusedPort {
    /// Binds a fresh port on `127.0.0.1` without listening.
    pub fn bind() -> Self {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        let addr = socket.local_addr().unwrap();
        Self { socket, addr }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Starts listening on the same port, e.g. when a receiver that was down comes up.
    pub fn listen(self) -> TcpListener {
        self.socket.listen(1024).unwrap()
    }
}

/// The URL webhooks go to on a receiver at `addr`.
pub fn webhook_url(addr: SocketAddr) -> String {
    format!("http://{addr}/webhooks")
}

/// A loopback URL where connections are refused: one [`RefusedPort`] kept for the whole test
/// binary.
pub fn refused_url() -> String {
    static REFUSED: OnceLock<RefusedPort> = OnceLock::new();
    webhook_url(REFUSED.get_or_init(RefusedPort::bind).addr())
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

impl BlockingSimulator {
    /// Starts a simulator without rate limit on the shared runtime.
    pub fn start() -> Self {
        static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
        let client = CLIENT.get_or_init(|| reqwest::Client::builder().no_proxy().build().unwrap());
        let simulator = Self::runtime().block_on(async {
            Simulator::builder()
                .rate_limit_per_hour(u64::MAX)
                .start()
                .await
                .unwrap()
        });
        Self {
            api: Api::with_client(&simulator, client.clone()),
            simulator,
        }
    }

    /// Runs `future` to completion on the shared runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        Self::runtime().block_on(future)
    }

    fn runtime() -> &'static Runtime {
        static RUNTIME: OnceLock<Runtime> = OnceLock::new();
        RUNTIME.get_or_init(|| Runtime::new().unwrap())
    }
}
