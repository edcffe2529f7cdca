//! The status matrix: the dummy flow over many triples at once, with bounded concurrency,
//! progress reports and a report in JSON and prose.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use super::flow::{FlowOptions, FlowOutcome, dummy_flow};
use idenfy_model::Triple;
use idenfy_model::support::counted;

use super::millis;
use crate::client::Client;
use crate::receiver::WebhookReceiver;

/// How a matrix runs: [`MatrixOptions::default`] and the setters, e.g.
/// `MatrixOptions::default().concurrency(16)`; new fields may come.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MatrixOptions {
    /// Flows in flight at once; at least 1.
    pub concurrency: usize,
    /// How each flow runs.
    pub flow: FlowOptions,
}

impl Default for MatrixOptions {
    /// 8 flows at once, default flow options.
    fn default() -> Self {
        Self {
            concurrency: 8,
            flow: FlowOptions::default(),
        }
    }
}

/// Where a matrix run stands, after each finished flow.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// Flows finished so far.
    pub done: usize,
    /// Flows in the run.
    pub total: usize,
    /// Finished flows that found a difference.
    pub failed: usize,
    /// The flow that just finished.
    pub outcome: &'a FlowOutcome,
}

/// What a matrix run found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MatrixReport {
    /// Flows run.
    pub total: usize,
    /// Flows without a difference.
    pub passed: usize,
    /// Flows with a difference.
    pub failed: usize,
    /// Flows in flight at once.
    pub concurrency: usize,
    /// Wall-clock time of the whole run, in milliseconds.
    pub elapsed_ms: u64,
    /// Every flow's outcome, in the order of the triples given.
    pub outcomes: Vec<FlowOutcome>,
}

impl MatrixOptions {
    /// The same options with `concurrency` flows in flight at once (at least 1 is used).
    pub fn concurrency(self, concurrency: usize) -> Self {
        Self {
            concurrency,
            ..self
        }
    }

    /// The same options, running each flow with `flow`.
    pub fn flow(self, flow: FlowOptions) -> Self {
        Self { flow, ..self }
    }
}

/// Runs [`dummy_flow`] for every triple, at most `options.concurrency` at once, calling
/// `progress` after each finished flow. Each flow creates one token, which costs money on the
/// real API: [`matrix()`](idenfy_model::matrix()) is 1232 tokens.
pub async fn run_matrix(
    client: &Client,
    receiver: &WebhookReceiver,
    triples: &[Triple],
    options: &MatrixOptions,
    mut progress: impl FnMut(Progress<'_>),
) -> MatrixReport {
    let started = Instant::now();
    let concurrency = options.concurrency.max(1);
    let mut outcomes: Vec<Option<FlowOutcome>> = vec![None; triples.len()];
    let mut running = JoinSet::new();
    let mut next = 0;
    let mut failed = 0;
    for done in 1..=triples.len() {
        while next < triples.len() && running.len() < concurrency {
            let (client, receiver, triple, flow) = (
                client.clone(),
                receiver.clone(),
                triples[next].clone(),
                options.flow.clone(),
            );
            running
                .spawn(async move { (next, dummy_flow(&client, &receiver, &triple, &flow).await) });
            next += 1;
        }
        let (index, outcome) = match running.join_next().await {
            Some(Ok(finished)) => finished,
            Some(Err(error)) => std::panic::resume_unwind(error.into_panic()),
            None => unreachable!("a flow is running while some are not done"),
        };
        failed += usize::from(!outcome.passed());
        progress(Progress {
            done,
            total: triples.len(),
            failed,
            outcome: &outcome,
        });
        outcomes[index] = Some(outcome);
    }
    let outcomes: Vec<FlowOutcome> = outcomes.into_iter().flatten().collect();
    MatrixReport {
        total: outcomes.len(),
        passed: outcomes.len() - failed,
        failed,
        concurrency,
        elapsed_ms: millis(started.elapsed()),
        outcomes,
    }
}

impl MatrixReport {
    /// Whether every flow passed.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }

    /// The flows that found a difference, in triple order.
    pub fn failures(&self) -> impl Iterator<Item = &FlowOutcome> {
        self.outcomes.iter().filter(|outcome| !outcome.passed())
    }

    /// A human summary: counts and time, then one line per failed flow with its first
    /// difference.
    pub fn summary(&self) -> String {
        let mut summary = format!(
            "{} in {:.1} s ({} at once): {} passed, {} failed\n",
            counted(self.total, "flow"),
            Duration::from_millis(self.elapsed_ms).as_secs_f64(),
            self.concurrency,
            self.passed,
            self.failed,
        );
        for outcome in self.failures() {
            let scan_ref = outcome.scan_ref.as_deref().unwrap_or("no scanRef");
            if let Some(difference) = &outcome.difference {
                summary.push_str(&format!(
                    "  FAILED {} ({scan_ref}): {difference}\n",
                    outcome.triple
                ));
            }
        }
        summary
    }
}

impl std::fmt::Display for MatrixReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}
