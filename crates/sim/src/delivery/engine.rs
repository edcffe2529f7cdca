//! The one delivery task: it takes commands (new work, finished attempts), starts the attempts
//! the queue says are due on the shared [`TaskTracker`], wakes for scheduled retries, and
//! publishes every change of stage to its subscribers. Cancelling its token stops it and every
//! attempt at once.

use std::sync::{Arc, Mutex};

use idenfy_model::support::{lock, redact_url};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::queue::{Change, Outcome, Queue, Stage, Start};
use super::transport::Transport;
use crate::server::logging;

/// What the engine is told.
#[derive(Debug)]
pub(crate) enum Command {
    /// A delivery was queued: look for work.
    Queued,
    /// An attempt ended.
    Finished {
        /// The delivery attempted.
        id: u64,
        /// What the attempt gave.
        outcome: Outcome,
    },
}

/// The task's share of the delivery machinery.
pub(crate) struct Engine<T> {
    /// The state machine, shared with the readers of the journal.
    pub(crate) queue: Arc<Mutex<Queue>>,
    /// How attempts are made.
    pub(crate) transport: Arc<T>,
    /// Commands in.
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    /// Handed to attempts, which report back through it.
    pub(crate) finished: mpsc::UnboundedSender<Command>,
    /// Changes out.
    pub(crate) events: broadcast::Sender<Change>,
    /// Attempts run on it, so shutdown can wait for them.
    pub(crate) tracker: TaskTracker,
    /// Stops the engine and every attempt.
    pub(crate) cancel: CancellationToken,
}

/// What woke the engine.
enum Wake {
    Command(Command),
    Timer,
    Stop,
}

impl<T: Transport> Engine<T> {
    /// Runs until cancelled.
    pub(crate) async fn run(mut self) {
        loop {
            let next_timer = self.start_due();
            let timer = async {
                match next_timer {
                    Some(at) => tokio::time::sleep_until(Instant::from_std(at)).await,
                    None => std::future::pending().await,
                }
            };
            let wake = tokio::select! {
                biased;
                () = self.cancel.cancelled() => Wake::Stop,
                command = self.commands.recv() => command.map_or(Wake::Stop, Wake::Command),
                () = timer => Wake::Timer,
            };
            match wake {
                Wake::Stop => return,
                Wake::Timer | Wake::Command(Command::Queued) => {}
                Wake::Command(Command::Finished { id, outcome }) => {
                    let answer = outcome.answer.clone();
                    let (change, attempt, duplicate) = {
                        let mut queue = lock(&self.queue);
                        let change = queue.finish(id, outcome, Instant::now().into_std());
                        let attempt = change
                            .as_ref()
                            .filter(|_| logging::attempts_logged())
                            .and_then(|change| queue.attempt(id, change.attempts));
                        let duplicate = queue
                            .take_duplicate(id)
                            .map(|duplicate| queue.enqueue(duplicate));
                        (change, attempt, duplicate)
                    };
                    if let Some(change) = change {
                        if let Some(attempt) = attempt {
                            logging::log_attempt(&change, &attempt);
                        }
                        log(&change, &answer);
                        self.publish(change);
                    }
                    match duplicate {
                        Some(Ok(queued)) => self.publish(queued),
                        Some(Err(full)) => tracing::warn!(id, "duplicate webhook not sent: {full}"),
                        None => {}
                    }
                }
            }
        }
    }

    /// Starts every attempt that is due; returns when the next retry is.
    fn start_due(&self) -> Option<std::time::Instant> {
        let (started, next_timer) = {
            let mut queue = lock(&self.queue);
            let started = queue.start_ready(Instant::now().into_std());
            (started, queue.next_timer())
        };
        for (start, change) in started {
            self.spawn_attempt(start);
            self.publish(change);
        }
        next_timer
    }

    /// Runs one attempt on the tracker; it reports back unless cancelled first.
    fn spawn_attempt(&self, start: Start) {
        let transport = Arc::clone(&self.transport);
        let finished = self.finished.clone();
        let cancel = self.cancel.clone();
        self.tracker.spawn(async move {
            let outcome = tokio::select! {
                biased;
                () = cancel.cancelled() => return,
                outcome = async {
                    tokio::time::sleep(start.delay).await;
                    transport.post(&start).await
                } => outcome,
            };
            // The engine may have stopped meanwhile; then nobody needs the outcome.
            let _ = finished.send(Command::Finished {
                id: start.id,
                outcome,
            });
        });
    }

    fn publish(&self, change: Change) {
        // No subscriber is fine: nobody is waiting.
        let _ = self.events.send(change);
    }
}

/// Logs a delivery's end, with the last attempt's answer.
fn log(change: &Change, answer: &Result<u16, String>) {
    match change.stage {
        Stage::Delivered => tracing::debug!(
            scan_ref = %change.scan_ref,
            event = %change.event,
            url = %redact_url(&change.target),
            attempts = change.attempts,
            "webhook delivered"
        ),
        Stage::Failed => tracing::warn!(
            scan_ref = %change.scan_ref,
            event = %change.event,
            url = %redact_url(&change.target),
            attempts = change.attempts,
            last = ?answer,
            "webhook delivery failed"
        ),
        Stage::Queued | Stage::Held | Stage::Scheduled(_) | Stage::InFlight => {}
    }
}
