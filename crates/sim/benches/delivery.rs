//! Webhook delivery: webhooks delivered per second to a local receiver, beside a plain client
//! posting the same signed body at the deliverer's concurrency; and the end-to-end time of the
//! full 1,232-triple dummy matrix (token, add-dummy-status, both webhooks received), beside the
//! same HTTP exchanges with bare servers. All in one run, with the ratios in a summary.
//!
//! Run with `cargo bench -p idenfy-sim --bench delivery`.

#[path = "common/bare.rs"]
mod bare;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_sim::Simulator;
use idenfy_sim::assumptions::MAX_CONCURRENT_DELIVERY_ATTEMPTS;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::json;
use tokio::runtime::Runtime;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

/// Webhooks in one delivery measurement.
const BATCH: usize = 512;
/// Flows in flight at once in the matrix.
const FLOWS_IN_FLIGHT: usize = 64;

/// A webhook receiver that answers 200 once its gate is open and counts what it answered.
struct Receiver {
    url: String,
    gate: Arc<watch::Sender<bool>>,
    answered: watch::Receiver<u64>,
}

#[derive(Clone)]
struct ReceiverState {
    gate: Arc<watch::Sender<bool>>,
    answered: Arc<watch::Sender<u64>>,
}

async fn receive(State(state): State<ReceiverState>) -> StatusCode {
    let mut gate = state.gate.subscribe();
    // The sender lives in the state this handler holds.
    let _ = gate.wait_for(|open| *open).await;
    state.answered.send_modify(|count| *count += 1);
    StatusCode::OK
}

impl Receiver {
    async fn start() -> Self {
        let gate = Arc::new(watch::Sender::new(true));
        let (answered_sender, answered) = watch::channel(0);
        let state = ReceiverState {
            gate: Arc::clone(&gate),
            answered: Arc::new(answered_sender),
        };
        let app = Router::new()
            .route("/webhooks", post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!(
            "http://{}/webhooks",
            listener.local_addr().expect("address")
        );
        tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver runs") });
        Self {
            url,
            gate,
            answered,
        }
    }

    fn answered(&self) -> u64 {
        *self.answered.borrow()
    }

    /// Waits until `count` webhooks were answered in total.
    async fn wait_for(&self, count: u64) {
        let mut answered = self.answered.clone();
        answered
            .wait_for(|answered| *answered >= count)
            .await
            .expect("receiver runs");
    }
}

/// The simulator, its receiver, and a client of its API.
struct Setup {
    simulator: Simulator,
    receiver: Receiver,
    client: reqwest::Client,
    authorization: String,
    bare: String,
}

impl Setup {
    async fn start() -> Self {
        let receiver = Receiver::start().await;
        let simulator = Simulator::builder()
            .default_webhook_url(&receiver.url)
            .rate_limit_per_hour(u64::MAX)
            .seed(2)
            .start()
            .await
            .expect("simulator starts");
        let authorization = simulator.credentials().authorization_header();
        let bare = bare::fixed_json_server(StatusCode::OK, r#"{"message":"ok"}"#.to_owned()).await;
        Self {
            simulator,
            receiver,
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(FLOWS_IN_FLIGHT)
                .build()
                .expect("client"),
            authorization,
            bare,
        }
    }

    /// POSTs `body` as JSON to `url` with the credentials; returns the answer's body.
    async fn post(&self, url: &str, body: String) -> serde_json::Value {
        let response = self
            .client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, &self.authorization)
            .body(body)
            .send()
            .await
            .expect("request");
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.expect("JSON answer")
    }

    fn api(&self, path: &str) -> String {
        format!("{}{path}", self.simulator.uri())
    }

    /// Runs `flow` for every item of `items`, [`FLOWS_IN_FLIGHT`] at a time.
    async fn concurrently<T, F, Fut>(self: &Arc<Self>, items: Vec<T>, flow: F)
    where
        T: Send + 'static,
        F: Fn(Arc<Self>, T) -> Fut + Clone + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let permits = Arc::new(Semaphore::new(FLOWS_IN_FLIGHT));
        let mut flows = JoinSet::new();
        for item in items {
            let (setup, permits, flow) = (Arc::clone(self), Arc::clone(&permits), flow.clone());
            flows.spawn(async move {
                let _permit = permits.acquire_owned().await.expect("semaphore");
                flow(setup, item).await;
            });
        }
        while let Some(done) = flows.join_next().await {
            done.expect("flow");
        }
    }

    /// Queues [`BATCH`] webhooks behind the closed gate, then times their delivery.
    async fn simulator_delivery(self: &Arc<Self>) -> Duration {
        self.receiver.gate.send_replace(false);
        let target = self.receiver.answered() + BATCH as u64;
        self.concurrently((0..BATCH).collect(), |setup, _| async move {
            let url = setup.api("/api/v2/token");
            setup
                .post(
                    &url,
                    json!({"clientId": "bench", "dummyStatus": "DENIED"}).to_string(),
                )
                .await;
        })
        .await;
        let started = Instant::now();
        self.receiver.gate.send_replace(true);
        self.receiver.wait_for(target).await;
        started.elapsed()
    }

    /// Posts [`BATCH`] copies of a real signed webhook straight to the receiver, at the
    /// deliverer's concurrency.
    async fn plain_delivery(self: &Arc<Self>, webhook: &Arc<idenfy_sim::Delivery>) -> Duration {
        let permits = Arc::new(Semaphore::new(MAX_CONCURRENT_DELIVERY_ATTEMPTS));
        let started = Instant::now();
        let mut posts = JoinSet::new();
        for _ in 0..BATCH {
            let (setup, permits, webhook) =
                (Arc::clone(self), Arc::clone(&permits), Arc::clone(webhook));
            posts.spawn(async move {
                let _permit = permits.acquire_owned().await.expect("semaphore");
                setup.post_webhook(&webhook).await;
            });
        }
        while let Some(done) = posts.join_next().await {
            done.expect("post");
        }
        started.elapsed()
    }

    /// Posts `webhook` to the receiver as the simulator does.
    async fn post_webhook(&self, webhook: &idenfy_sim::Delivery) {
        let response = self
            .client
            .post(&self.receiver.url)
            .header(CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, &webhook.signature)
            .header(EVENT_TYPE_HEADER, webhook.event.as_str())
            .body(webhook.body.to_string())
            .send()
            .await
            .expect("webhook post");
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// Every triple of the dummy matrix through the simulator: token and add-dummy-status,
    /// timed until the receiver answered both webhooks of every triple.
    async fn simulator_matrix(self: &Arc<Self>) -> Duration {
        let triples = idenfy_model::matrix();
        let target = self.receiver.answered() + 2 * triples.len() as u64;
        let started = Instant::now();
        self.concurrently(triples, |setup, triple| async move {
            let token = setup
                .post(
                    &setup.api("/api/v2/token"),
                    json!({"clientId": "bench", "dummyStatus": triple.auto}).to_string(),
                )
                .await;
            setup
                .post(
                    &setup.api("/api/v2/add-dummy-status"),
                    json!({
                        "scanRef": token["scanRef"],
                        "manualFaceMatchResult": triple.face,
                        "manualDocumentValidity": triple.document,
                    })
                    .to_string(),
                )
                .await;
        })
        .await;
        self.receiver.wait_for(target).await;
        started.elapsed()
    }

    /// The matrix's HTTP exchanges with bare servers: per triple, two API calls to the bare
    /// handler and two webhook posts to the receiver.
    async fn bare_matrix(self: &Arc<Self>, webhook: &Arc<idenfy_sim::Delivery>) -> Duration {
        let started = Instant::now();
        let webhook = Arc::clone(webhook);
        self.concurrently(idenfy_model::matrix(), move |setup, _| {
            let webhook = Arc::clone(&webhook);
            async move {
                for path in ["/api/v2/token", "/api/v2/add-dummy-status"] {
                    setup
                        .post(&format!("{}{path}", setup.bare), "{}".to_owned())
                        .await;
                }
                setup.post_webhook(&webhook).await;
                setup.post_webhook(&webhook).await;
            }
        })
        .await;
        started.elapsed()
    }
}

/// Wall times of one benchmark, for the summary.
#[derive(Default)]
struct Timings(Mutex<Vec<Duration>>);

impl Timings {
    fn record(&self, elapsed: Duration) -> Duration {
        self.0.lock().unwrap().push(elapsed);
        elapsed
    }

    /// The median measurement.
    fn median(&self) -> Duration {
        let mut all = self.0.lock().unwrap().clone();
        all.sort_unstable();
        all[all.len() / 2]
    }
}

/// Benchmarks `routine`, which times itself, recording every measurement in `timings`.
fn bench<F, Fut>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &Runtime,
    name: &str,
    timings: &Timings,
    routine: F,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = Duration>,
{
    group.bench_function(name, |bencher| {
        bencher.to_async(runtime).iter_custom(|iterations| {
            let routine = &routine;
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    total += timings.record(routine().await);
                }
                total
            }
        });
    });
}

fn main() {
    let runtime = Runtime::new().expect("tokio runtime");
    let setup = Arc::new(runtime.block_on(Setup::start()));
    // A real webhook, for the plain client to post.
    let webhook = runtime.block_on(async {
        setup.simulator_delivery().await;
        Arc::new(setup.simulator.deliveries().swap_remove(0))
    });
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let timings: [Timings; 4] = Default::default();

    let mut group = criterion.benchmark_group("webhook_delivery");
    group
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(BATCH as u64));
    bench(
        &mut group,
        &runtime,
        "simulator_to_local_receiver",
        &timings[0],
        || setup.simulator_delivery(),
    );
    bench(
        &mut group,
        &runtime,
        "plain_client_same_webhook",
        &timings[1],
        || setup.plain_delivery(&webhook),
    );
    group.finish();

    let mut group = criterion.benchmark_group("full_matrix");
    group
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(idenfy_model::matrix().len() as u64));
    bench(
        &mut group,
        &runtime,
        "simulator_1232_triples",
        &timings[2],
        || setup.simulator_matrix(),
    );
    bench(
        &mut group,
        &runtime,
        "bare_same_exchanges",
        &timings[3],
        || setup.bare_matrix(&webhook),
    );
    group.finish();

    let per_second = |timings: &Timings| BATCH as f64 / timings.median().as_secs_f64();
    let (simulated, plain) = (per_second(&timings[0]), per_second(&timings[1]));
    println!("\nsummary (medians of every measurement):");
    println!("webhooks delivered/s, simulator: {simulated:>8.0}");
    println!("webhooks posted/s, plain client: {plain:>8.0}");
    println!(
        "simulator / plain:               {:>8.2}",
        simulated / plain
    );
    let (matrix, bare) = (timings[2].median(), timings[3].median());
    println!("full matrix end to end:          {matrix:>8.2?}");
    println!("same exchanges, bare servers:    {bare:>8.2?}");
    println!(
        "simulator / bare (time):         {:>8.2}",
        matrix.as_secs_f64() / bare.as_secs_f64()
    );
    criterion.final_summary();
}
