//! Token creation over loopback with keep-alive at 64 concurrent connections, beside a bare
//! axum handler that returns a fixed JSON body, measured in the same run: requests per second
//! (criterion's throughput, and a summary) and p50/p99 latency, with the simulator/bare ratio.
//!
//! Run with `cargo bench -p idenfy-sim --bench token`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use criterion::{Criterion, Throughput};
use idenfy_sim::Simulator;
use tokio::runtime::Runtime;

/// Concurrent keep-alive connections, one request in flight on each.
const CONNECTIONS: usize = 64;
/// Requests per connection in one criterion iteration.
const REQUESTS_PER_CONNECTION: usize = 20;
/// The token request every run sends.
const REQUEST: &str = r#"{"clientId":"bench-client","firstName":"Jonas","lastName":"Petraitis","locale":"lt","country":"LT","documents":["ID_CARD","PASSPORT"]}"#;

/// One measured server: where to send requests, and the latencies seen so far.
struct Target {
    url: String,
    authorization: String,
    latencies: Arc<Mutex<Vec<Duration>>>,
    requests: Arc<Mutex<(u64, Duration)>>,
}

/// Sends `per_connection` requests on each of [`CONNECTIONS`] concurrent connections; returns
/// the wall time.
async fn load(client: &reqwest::Client, target: &Target, per_connection: usize) -> Duration {
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONNECTIONS {
        let (client, url, authorization) = (
            client.clone(),
            target.url.clone(),
            target.authorization.clone(),
        );
        workers.spawn(async move {
            let mut latencies = Vec::with_capacity(per_connection);
            for _ in 0..per_connection {
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .header(CONTENT_TYPE, "application/json")
                    .header(reqwest::header::AUTHORIZATION, &authorization)
                    .body(REQUEST)
                    .send()
                    .await
                    .expect("request succeeds");
                assert_eq!(response.status().as_u16(), 201);
                response.bytes().await.expect("body arrives");
                latencies.push(sent.elapsed());
            }
            latencies
        });
    }
    let mut all = Vec::with_capacity(CONNECTIONS * per_connection);
    while let Some(latencies) = workers.join_next().await {
        all.extend(latencies.expect("worker finishes"));
    }
    let elapsed = started.elapsed();
    target.latencies.lock().unwrap().extend(all);
    let mut requests = target.requests.lock().unwrap();
    requests.0 += (CONNECTIONS * per_connection) as u64;
    requests.1 += elapsed;
    elapsed
}

/// A bare axum server answering every token request with the same fixed JSON body.
async fn bare_server(body: String) -> String {
    let app = Router::new().route(
        "/api/v2/token",
        post(move || {
            let body = body.clone();
            async move {
                (
                    axum::http::StatusCode::CREATED,
                    [(CONTENT_TYPE, "application/json")],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("bare server runs") });
    format!("http://{addr}/api/v2/token")
}

/// Requests per second and latency percentiles of one target.
fn summary(name: &str, target: &Target) -> f64 {
    let mut latencies = target.latencies.lock().unwrap().clone();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[index]
    };
    let (requests, elapsed) = *target.requests.lock().unwrap();
    let per_second = requests as f64 / elapsed.as_secs_f64();
    println!(
        "{name:>28}: {per_second:>9.0} requests/s  p50 {:>8.2?}  p99 {:>8.2?}  ({requests} requests)",
        percentile(0.50),
        percentile(0.99)
    );
    per_second
}

fn main() {
    let runtime = Runtime::new().expect("tokio runtime");
    let (simulator, simulator_target, bare_target) = runtime.block_on(async {
        let simulator = Simulator::builder()
            .seed(1)
            .rate_limit_per_hour(u64::MAX)
            .start()
            .await
            .expect("simulator starts");
        let authorization = simulator.credentials().authorization_header();
        let probe = reqwest::Client::new()
            .post(format!("{}/api/v2/token", simulator.uri()))
            .header(CONTENT_TYPE, "application/json")
            .header(reqwest::header::AUTHORIZATION, &authorization)
            .body(REQUEST)
            .send()
            .await
            .expect("probe request")
            .text()
            .await
            .expect("probe body");
        let target = |url: String| Target {
            url,
            authorization: authorization.clone(),
            latencies: Arc::default(),
            requests: Arc::default(),
        };
        let simulator_target = target(format!("{}/api/v2/token", simulator.uri()));
        let bare_target = target(bare_server(probe).await);
        (simulator, simulator_target, bare_target)
    });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("client");

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let mut group = criterion.benchmark_group("token_64_connections");
    group.throughput(Throughput::Elements(
        (CONNECTIONS * REQUESTS_PER_CONNECTION) as u64,
    ));
    for (name, target) in [
        ("bare_axum_fixed_json", &bare_target),
        ("simulator_token", &simulator_target),
    ] {
        group.bench_function(name, |bencher| {
            bencher.to_async(&runtime).iter_custom(|iterations| {
                let (client, target) = (&client, target);
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iterations {
                        total += load(client, target, REQUESTS_PER_CONNECTION).await;
                    }
                    total
                }
            });
        });
    }
    group.finish();

    println!("\nsummary over every measured request ({CONNECTIONS} keep-alive connections):");
    let bare = summary("bare axum, fixed JSON", &bare_target);
    let simulated = summary("simulator POST /api/v2/token", &simulator_target);
    println!(
        "{:>28}: {:.2} (target >= 0.50)",
        "simulator / bare",
        simulated / bare
    );
    drop(simulator);
    criterion.final_summary();
}
