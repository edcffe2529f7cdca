//! A closed-loop HTTP load driver shared by the throughput bench and the load example: a fixed
//! number of keep-alive connections, each its own HTTP/1.1 client with one connection, sending
//! requests back to back until a count or a deadline, recording every latency and error.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

/// Builds the next request on a connection's client, given the body of that connection's
/// previous successful answer (to follow up on it, e.g. review the token just created).
pub type MakeRequest =
    Arc<dyn Fn(&reqwest::Client, Option<&[u8]>) -> reqwest::RequestBuilder + Send + Sync>;

/// When a run ends: after a number of requests on every connection or at a deadline (a
/// request in flight still finishes), whichever comes first.
#[derive(Debug, Clone, Copy)]
pub struct Stop {
    /// Requests each connection sends at most.
    pub requests_per_connection: u64,
    /// When to stop sending, if ever.
    pub deadline: Option<Instant>,
}

/// Keep-alive connections, kept open from one run to the next.
pub struct Driver {
    clients: Vec<reqwest::Client>,
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// Latency of every successful (2xx) request.
    pub latencies: Vec<Duration>,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Failed requests by reason (`HTTP 503`, `connection error`…).
    pub errors: BTreeMap<String, u64>,
}

impl Driver {
    /// `connections` clients, each keeping one idle connection.
    pub fn new(connections: usize) -> Self {
        let clients = (0..connections)
            .map(|_| {
                reqwest::Client::builder()
                    .no_proxy()
                    .pool_max_idle_per_host(1)
                    .build()
                    .expect("HTTP client")
            })
            .collect();
        Self { clients }
    }

    /// Sends requests from `make` on every connection at once, one in flight on each, until
    /// `stop`.
    pub async fn run(&self, stop: Stop, make: &MakeRequest) -> Run {
        let started = Instant::now();
        let mut workers = JoinSet::new();
        for client in &self.clients {
            let (client, make) = (client.clone(), Arc::clone(make));
            workers.spawn(async move {
                let mut run = Run::default();
                let mut previous: Option<axum::body::Bytes> = None;
                for _ in 0..stop.requests_per_connection {
                    if stop
                        .deadline
                        .is_some_and(|deadline| Instant::now() >= deadline)
                    {
                        break;
                    }
                    let sent = Instant::now();
                    let outcome = match make(&client, previous.as_deref()).send().await {
                        Ok(response) => {
                            let status = response.status();
                            match response.bytes().await {
                                Ok(body) if status.is_success() => {
                                    previous = Some(body);
                                    Ok(())
                                }
                                Ok(_) => Err(format!("HTTP {}", status.as_u16())),
                                Err(_) => Err("body not received".to_owned()),
                            }
                        }
                        Err(error) if error.is_connect() => Err("connection error".to_owned()),
                        Err(_) => Err("request error".to_owned()),
                    };
                    match outcome {
                        Ok(()) => run.latencies.push(sent.elapsed()),
                        Err(reason) => *run.errors.entry(reason).or_default() += 1,
                    }
                }
                run
            });
        }
        let mut total = Run::default();
        while let Some(run) = workers.join_next().await {
            total.merge(run.expect("load worker"));
        }
        total.elapsed = started.elapsed();
        total
    }
}

impl Run {
    /// Adds `other`'s requests and errors; the wall times add up, as for consecutive runs.
    pub fn merge(&mut self, other: Run) {
        self.latencies.extend(other.latencies);
        self.elapsed += other.elapsed;
        for (reason, count) in other.errors {
            *self.errors.entry(reason).or_default() += count;
        }
    }

    /// Successful requests per second of wall time.
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency below which a fraction `p` of successful requests fall.
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let rank = (sorted.len() as f64 * p).ceil() as usize;
        sorted
            .get(rank.clamp(1, sorted.len().max(1)) - 1)
            .copied()
            .unwrap_or_default()
    }
}

impl fmt::Display for Run {
    /// `N requests/s  p50 …  p90 …  p99 …  max …  (n ok, errors)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: u64 = self.errors.values().sum();
        write!(
            f,
            "{:>8.0} requests/s  p50 {:>9.2?}  p90 {:>9.2?}  p99 {:>9.2?}  max {:>9.2?}  ({} ok, {errors} errors",
            self.per_second(),
            self.percentile(0.50),
            self.percentile(0.90),
            self.percentile(0.99),
            self.percentile(1.0),
            self.latencies.len(),
        )?;
        for (reason, count) in &self.errors {
            write!(f, "; {count} {reason}")?;
        }
        write!(f, ")")
    }
}
