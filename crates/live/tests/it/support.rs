//! Test helpers: clients for a base URL, and a scripted HTTP server for answers the simulator
//! never gives (odd headers, bodies that are not JSON, slow answers).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use idenfy_live::{Client, RetryPolicy};
use idenfy_model::ApiCredentials;

/// A retry policy fast enough for tests: `max_retries` retries 1 to 2 ms apart.
pub fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(max_retries)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
        .max_retry_after(Duration::from_secs(1))
}

/// A client of `base_url` with `credentials` and `retry`.
pub fn client(base_url: &str, credentials: &ApiCredentials, retry: RetryPolicy) -> Client {
    Client::builder(credentials.clone())
        .base_url(base_url)
        .retry_policy(retry)
        .build()
        .expect("a loopback base URL is accepted")
}

/// Credentials for the scripted server, which does not check them.
pub fn any_credentials() -> ApiCredentials {
    ApiCredentials::new("test-key", "test-secret-do-not-print")
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Answer {
    /// `status` with a JSON or text `body`.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// The same answer with a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The same answer, sent after `delay`.
    pub fn after(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }
}

/// A server answering every request with the next scripted answer (the last one repeats), and
/// recording the request bodies.
pub struct Scripted {
    pub addr: SocketAddr,
    state: Arc<ScriptState>,
}

struct ScriptState {
    answers: Vec<Answer>,
    hits: AtomicUsize,
    bodies: Mutex<Vec<Vec<u8>>>,
    headers: Mutex<Vec<HeaderMap>>,
}

impl Scripted {
    /// Starts serving `answers` on `127.0.0.1:0`.
    pub async fn start(answers: Vec<Answer>) -> Scripted {
        assert!(!answers.is_empty(), "a script needs at least one answer");
        let state = Arc::new(ScriptState {
            answers,
            hits: AtomicUsize::new(0),
            bodies: Mutex::new(Vec::new()),
            headers: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&state));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Scripted { addr, state }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// The bodies received, oldest first.
    pub fn bodies(&self) -> Vec<Vec<u8>> {
        self.state.bodies.lock().unwrap().clone()
    }

    /// The headers received, oldest first.
    pub fn headers(&self) -> Vec<HeaderMap> {
        self.state.headers.lock().unwrap().clone()
    }
}

async fn answer(
    State(state): State<Arc<ScriptState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let hit = state.hits.fetch_add(1, Ordering::SeqCst);
    state.bodies.lock().unwrap().push(body.to_vec());
    state.headers.lock().unwrap().push(headers);
    let answer = state.answers[hit.min(state.answers.len() - 1)].clone();
    tokio::time::sleep(answer.delay).await;
    let mut response = (
        StatusCode::from_u16(answer.status).unwrap(),
        answer.body.clone(),
    )
        .into_response();
    for (name, value) in &answer.headers {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    response
}

/// A loopback port that is bound but not listening: connections to it are refused, and no
/// other socket can take the port while this lives.
pub struct RefusedPort {
    socket: tokio::net::TcpSocket,
    addr: SocketAddr,
}

impl RefusedPort {
    /// Binds a fresh port on `127.0.0.1` without listening.
    pub fn bind() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind((Ipv4Addr::LOCALHOST, 0).into()).unwrap();
        let addr = socket.local_addr().unwrap();
        Self { socket, addr }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Starts listening on the same port and forwards every connection to `target`.
    pub fn forward_to(self, target: SocketAddr) {
        let listener = self.socket.listen(1024).unwrap();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
    }
}

/// A client of `simulator` with its credentials and `retry`.
pub fn sim_client(simulator: &idenfy_sim::Simulator, retry: RetryPolicy) -> Client {
    client(&simulator.uri(), simulator.credentials(), retry)
}

/// A simulator whose webhook retries are 5 ms apart, so refused deliveries settle quickly.
pub fn quick_simulator() -> idenfy_sim::SimulatorBuilder {
    idenfy_sim::Simulator::builder().retry_schedule(vec![Duration::from_millis(5); 3])
}

/// A simulator whose first `count` API requests answer `status`, and a client of it retrying
/// `retries` times. Keep the simulator alive while using the client.
pub async fn failing_simulator(
    count: usize,
    status: u16,
    retries: u32,
) -> (idenfy_sim::Simulator, Client) {
    let simulator = idenfy_sim::Simulator::builder()
        .fail_first_requests(count, status)
        .start()
        .await
        .unwrap();
    let client = sim_client(&simulator, quick_retries(retries));
    (simulator, client)
}
