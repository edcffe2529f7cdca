//! API throughput and latency: token creation (plain and with `dummyStatus`) and
//! add-dummy-status at 1, 16 and 64 concurrent keep-alive connections, beside a bare axum
//! handler answering the token's fixed JSON body, all in one run. Criterion reports each
//! group's throughput; the summary prints requests/s, p50/p99 and the ratio to the bare handler
//! at the same concurrency.
//!
//! Run with `cargo bench -p idenfy-sim --bench throughput`.

#[path = "common/bare.rs"]
mod bare;
#[path = "common/driver.rs"]
mod driver;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use criterion::{Criterion, SamplingMode, Throughput};
use driver::{Driver, MakeRequest, Run, Stop};
use idenfy_model::{DocumentStatus, FaceStatus};
use idenfy_sim::Simulator;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use tokio::runtime::Runtime;

/// Concurrent keep-alive connections measured.
const LEVELS: [usize; 3] = [1, 16, 64];
/// Requests in one criterion iteration, split over the connections (at least 8 on each).
const REQUESTS_PER_ITERATION: usize = 256;
/// A realistic token request.
const TOKEN: &str = r#"{"clientId":"bench-client","firstName":"Jonas","lastName":"Petraitis","locale":"lt","country":"LT","documents":["ID_CARD","PASSPORT"]}"#;
/// The same request for a dummy verification.
const DUMMY_TOKEN: &str = r#"{"clientId":"bench-client","firstName":"Jonas","lastName":"Petraitis","locale":"lt","country":"LT","documents":["ID_CARD","PASSPORT"],"dummyStatus":"APPROVED"}"#;

/// One measured endpoint.
struct Target {
    name: &'static str,
    make: MakeRequest,
    measured: Vec<Mutex<Run>>,
}

/// POSTs of `bodies`, taken in turn, to `url` with `authorization`.
fn posts(url: String, authorization: String, bodies: Vec<String>) -> MakeRequest {
    let next = AtomicUsize::new(0);
    Arc::new(move |client, _| {
        let body = &bodies[next.fetch_add(1, Ordering::Relaxed) % bodies.len()];
        client
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, &authorization)
            .body(body.clone())
    })
}

/// A simulator without rate limit.
async fn simulator() -> Simulator {
    Simulator::builder()
        .seed(1)
        .rate_limit_per_hour(u64::MAX)
        .start()
        .await
        .expect("simulator starts")
}

/// POSTs `body` to the simulator's token endpoint; returns the answer's body.
async fn create_token(simulator: &Simulator, body: &str) -> String {
    reqwest::Client::new()
        .post(format!("{}/api/v2/token", simulator.uri()))
        .header(CONTENT_TYPE, "application/json")
        .header(
            AUTHORIZATION,
            simulator.credentials().authorization_header(),
        )
        .body(body.to_owned())
        .send()
        .await
        .expect("token")
        .text()
        .await
        .expect("token body")
}

/// Starts the simulators and the bare server; returns the simulators and every target.
///
/// Reviews go to a simulator of their own, so that the tokens created by the other targets
/// never push their verifications out of its store.
async fn targets() -> ([Simulator; 2], Vec<Target>) {
    let (tokens, reviewed) = (simulator().await, simulator().await);
    let sample = create_token(&tokens, TOKEN).await;
    let mut reviews = Vec::new();
    for index in 0..256 {
        let created: serde_json::Value =
            serde_json::from_str(&create_token(&reviewed, DUMMY_TOKEN).await).expect("JSON");
        let face = &FaceStatus::DUMMY_MANUAL[index % FaceStatus::DUMMY_MANUAL.len()];
        let document = &DocumentStatus::DUMMY_MANUAL[index % DocumentStatus::DUMMY_MANUAL.len()];
        reviews.push(
            serde_json::json!({
                "scanRef": created["scanRef"],
                "manualFaceMatchResult": face,
                "manualDocumentValidity": document,
            })
            .to_string(),
        );
    }
    let bare = bare::fixed_json_server(StatusCode::CREATED, sample).await;
    let authorization = tokens.credentials().authorization_header();
    let target = |name, url: String, bodies: Vec<String>| Target {
        name,
        make: posts(url, authorization.clone(), bodies),
        measured: LEVELS.iter().map(|_| Mutex::default()).collect(),
    };
    let targets = vec![
        target(
            "bare_axum_fixed_json",
            format!("{bare}/api/v2/token"),
            vec![TOKEN.to_owned()],
        ),
        target(
            "token",
            format!("{}/api/v2/token", tokens.uri()),
            vec![TOKEN.to_owned()],
        ),
        target(
            "dummy_token",
            format!("{}/api/v2/token", tokens.uri()),
            vec![DUMMY_TOKEN.to_owned()],
        ),
        target(
            "add_dummy_status",
            format!("{}/api/v2/add-dummy-status", reviewed.uri()),
            reviews,
        ),
    ];
    ([tokens, reviewed], targets)
}

fn main() {
    let runtime = Runtime::new().expect("tokio runtime");
    let (simulators, targets) = runtime.block_on(targets());
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for (level, connections) in LEVELS.into_iter().enumerate() {
        let driver = Driver::new(connections);
        let per_connection = (REQUESTS_PER_ITERATION / connections).max(8) as u64;
        let mut group = criterion.benchmark_group(format!("api_{connections}_connections"));
        group
            .sampling_mode(SamplingMode::Flat)
            .throughput(Throughput::Elements(per_connection * connections as u64));
        for target in &targets {
            group.bench_function(target.name, |bencher| {
                bencher.to_async(&runtime).iter_custom(|iterations| {
                    let (driver, target) = (&driver, target);
                    async move {
                        let mut elapsed = Duration::ZERO;
                        for _ in 0..iterations {
                            let stop = Stop {
                                requests_per_connection: per_connection,
                                deadline: None,
                            };
                            let run = driver.run(stop, &target.make).await;
                            assert!(run.errors.is_empty(), "{}: {run}", target.name);
                            elapsed += run.elapsed;
                            target.measured[level].lock().unwrap().merge(run);
                        }
                        elapsed
                    }
                });
            });
        }
        group.finish();
    }

    println!("\nsummary over every measured request (ratio: requests/s against the bare handler):");
    for (level, connections) in LEVELS.into_iter().enumerate() {
        let bare = targets[0].measured[level].lock().unwrap().per_second();
        for target in &targets {
            let run = target.measured[level].lock().unwrap();
            println!(
                "{connections:>2} conn  {:<22} {run}  ratio {:.2}",
                target.name,
                run.per_second() / bare
            );
        }
    }
    drop(simulators);
    criterion.final_summary();
}
