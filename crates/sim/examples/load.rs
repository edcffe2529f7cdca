//! A bounded load generator for the simulator: keeps `--connections` keep-alive connections
//! busy creating tokens (optionally each followed by an add-dummy-status review) for
//! `--seconds`, then prints requests per second, latency percentiles (p50/p90/p99/max) and
//! errors, and stops.
//!
//! ```sh
//! cargo run --release -p idenfy-sim --example load -- --seconds 10 --connections 64
//! cargo run --release -p idenfy-sim --example load -- --mix 0.3 --baseline
//! cargo run --release -p idenfy-sim --example load -- --url http://127.0.0.1:8080 \
//!     --api-key my-key --api-secret my-secret
//! ```
//!
//! Without `--url` it starts a simulator in-process; with one it targets that server, which
//! must be on loopback unless `--allow-remote` is given (start a standalone simulator with a
//! high `--rate-limit`, or the load meets its hourly limit). Exits with status 1 when any
//! request failed.

#[path = "../benches/common/bare.rs"]
mod bare;
#[path = "../benches/common/driver.rs"]
mod driver;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use clap::Parser;
use driver::{Driver, MakeRequest, Stop};
use idenfy_model::{ApiCredentials, DummyStatus, TokenRequest, TokenResponse};
use idenfy_sim::Simulator;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::json;

/// Load generator for the idenfy-sim API.
#[derive(Debug, Parser)]
struct Args {
    /// How long to send requests.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent keep-alive connections, one request in flight on each.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Share of requests that are add-dummy-status, 0 to 0.5: each reviews the verification its
    /// connection just created (tokens then default to `dummyStatus` APPROVED).
    #[arg(long, default_value_t = 0.0)]
    mix: f64,
    /// `dummyStatus` of the tokens created (default: none, plain tokens).
    #[arg(long)]
    dummy_status: Option<String>,
    /// Base URL of a running simulator; default: start one in-process.
    #[arg(long, requires_all = ["api_key", "api_secret"])]
    url: Option<String>,
    /// API key of `--url`.
    #[arg(long, env = "IDENFY_API_KEY")]
    api_key: Option<String>,
    /// API secret of `--url`.
    #[arg(long, env = "IDENFY_API_SECRET", hide_env_values = true)]
    api_secret: Option<String>,
    /// Allow a `--url` whose host is not loopback.
    #[arg(long)]
    allow_remote: bool,
    /// Then load a bare axum handler answering a fixed token body the same way, and print the
    /// ratio of requests per second.
    #[arg(long)]
    baseline: bool,
}

/// Where the load goes.
struct Target {
    base: String,
    authorization: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(args.seconds > 0, "--seconds must be at least 1");
    ensure!(args.connections > 0, "--connections must be at least 1");
    ensure!(
        (0.0..=0.5).contains(&args.mix),
        "--mix must be between 0 and 0.5: each review follows its own token"
    );
    // Only dummy verifications can be reviewed.
    let dummy_status = match (&args.dummy_status, args.mix > 0.0) {
        (Some(status), _) => Some(status.as_str()),
        (None, true) => Some("APPROVED"),
        (None, false) => None,
    };
    let token = token_body(dummy_status)?;

    let (simulator, target) = match &args.url {
        Some(url) => (None, remote_target(&args, url)?),
        None => {
            let simulator = Simulator::builder()
                .rate_limit_per_hour(u64::MAX)
                .start()
                .await
                .context("starting the in-process simulator")?;
            let target = Target {
                base: simulator.uri(),
                authorization: simulator.credentials().authorization_header(),
            };
            (Some(simulator), target)
        }
    };
    let make = requests(&target, token.clone(), args.mix);
    let driver = Driver::new(args.connections);
    println!(
        "{} connections for {} s against {}{} ({:.0}% add-dummy-status)",
        args.connections,
        args.seconds,
        target.base,
        if simulator.is_some() {
            " (in-process)"
        } else {
            ""
        },
        args.mix * 100.0
    );
    let run = driver.run(stop_after(args.seconds), &make).await;
    println!("{run}");
    if args.baseline {
        let sample = reqwest::Client::new()
            .post(format!("{}/api/v2/token", target.base))
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, &target.authorization)
            .body(token.clone())
            .send()
            .await?
            .text()
            .await?;
        let bare = Target {
            base: bare::fixed_json_server(reqwest::StatusCode::CREATED, sample).await,
            authorization: target.authorization.clone(),
        };
        let baseline = Driver::new(args.connections)
            .run(stop_after(args.seconds), &requests(&bare, token, 0.0))
            .await;
        println!("bare axum handler, fixed token body, same load:");
        println!("{baseline}");
        println!(
            "simulator / bare: {:.2}",
            run.per_second() / baseline.per_second()
        );
    }
    if let Some(simulator) = simulator {
        simulator.shutdown().await;
    }
    if !run.errors.is_empty() {
        bail!("{} requests failed", run.errors.values().sum::<u64>());
    }
    Ok(())
}

/// Requests until `seconds` from now.
fn stop_after(seconds: u64) -> Stop {
    Stop {
        requests_per_connection: u64::MAX,
        deadline: Some(Instant::now() + Duration::from_secs(seconds)),
    }
}

/// The token request sent, checked with the model's validation.
fn token_body(dummy_status: Option<&str>) -> anyhow::Result<String> {
    let request = TokenRequest {
        client_id: "load-client".to_owned(),
        first_name: Some("Jonas".to_owned()),
        last_name: Some("Petraitis".to_owned()),
        country: Some("LT".to_owned()),
        dummy_status: dummy_status.map(DummyStatus::from_wire),
        ..TokenRequest::default()
    };
    if let Some(violation) = request.validate().first() {
        bail!("invalid token request: {}", violation.message);
    }
    Ok(serde_json::to_string(&request)?)
}

/// A target given by `--url`, refused when it is not loopback without `--allow-remote`.
fn remote_target(args: &Args, url: &str) -> anyhow::Result<Target> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("--url {url:?}"))?;
    if !idenfy_model::validation::is_loopback_host(&parsed) && !args.allow_remote {
        bail!("--url {url} is not loopback; pass --allow-remote to load it anyway");
    }
    let (Some(key), Some(secret)) = (&args.api_key, &args.api_secret) else {
        bail!("--url needs --api-key and --api-secret");
    };
    Ok(Target {
        base: url.trim_end_matches('/').to_owned(),
        authorization: ApiCredentials::new(key, secret).authorization_header(),
    })
}

/// Token creations and, for a `mix` share of requests, an add-dummy-status review of the
/// verification the same connection just created.
fn requests(target: &Target, token: String, mix: f64) -> MakeRequest {
    let token_url = format!("{}/api/v2/token", target.base);
    let review_url = format!("{}/api/v2/add-dummy-status", target.base);
    let authorization = target.authorization.clone();
    let reviews_per_thousand = (mix * 1000.0).round() as u64;
    let next = AtomicU64::new(0);
    Arc::new(move |client, previous| {
        // Spread evenly: request n is a review when the running share falls behind the mix.
        let n = next.fetch_add(1, Ordering::Relaxed);
        let review = (n + 1) * reviews_per_thousand / 1000 > n * reviews_per_thousand / 1000;
        let created = previous
            .filter(|_| review)
            .and_then(|body| serde_json::from_slice::<TokenResponse>(body).ok());
        let (url, body) = match created {
            Some(token) => (
                &review_url,
                json!({
                    "scanRef": token.scan_ref,
                    "manualFaceMatchResult": "FACE_MATCH",
                    "manualDocumentValidity": "DOC_VALIDATED",
                })
                .to_string(),
            ),
            None => (&token_url, token.clone()),
        };
        client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, &authorization)
            .body(body)
    })
}
