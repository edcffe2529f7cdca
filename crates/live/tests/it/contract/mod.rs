//! Contract snapshots: the same requests against the in-process simulator (default) or the real
//! DEV API (only when asked: `IDENFY_LIVE=1` together with `IDENFY_API_KEY` and
//! `IDENFY_API_SECRET`, so a CI job that happens to hold credentials spends no DEV credits),
//! compared with the SAME snapshot files, so a difference between the two fails with insta's
//! diff.
//!
//! Webhook parts against DEV also need `IDENFY_CALLBACK_URL` (a public HTTPS URL forwarded to
//! `IDENFY_RECEIVER_ADDR`, default `127.0.0.1:8787`) and `IDENFY_SIGNING_KEY`; without them they
//! are skipped with the reason printed. `IDENFY_WEBHOOK_TIMEOUT_SECS` (default 600 for DEV)
//! bounds each wait. See the README's *Contract tests against DEV*.

mod errors;
mod sessions;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use idenfy_live::{Client, Endpoint, RawResponse, ReceivedWebhook, RetryPolicy, WebhookReceiver};
use idenfy_model::SigningKey;
use idenfy_sim::Simulator;
use insta::internals::Content;
use serde::Serialize;
use serde_json::{Value, json};

/// `callbackUrl` sent to DEV when no receiver is reachable: a reserved `.invalid` host.
const UNREACHABLE_CALLBACK_URL: &str = "https://callback.invalid/idenfy-live";

/// Where the contract tests send their requests.
pub struct Target {
    /// A client of the simulator or of DEV.
    pub client: Client,
    /// The simulator, when the target is the simulator (kept alive for the test).
    pub simulator: Option<Simulator>,
    /// How long to wait for each webhook.
    pub webhook_timeout: Duration,
}

/// Whether the contract tests run against DEV: `IDENFY_LIVE=1`, `IDENFY_API_KEY` and
/// `IDENFY_API_SECRET` set.
pub fn dev_requested() -> bool {
    live_decision(
        var("IDENFY_LIVE").as_deref(),
        var("IDENFY_API_KEY").is_some() && var("IDENFY_API_SECRET").is_some(),
    )
    .is_ok()
}

/// Whether to run against DEV given `IDENFY_LIVE` and whether both credentials are set, or why
/// not (`None` when nothing asked for DEV).
pub fn live_decision(live: Option<&str>, credentials: bool) -> Result<(), Option<&'static str>> {
    match (live == Some("1"), credentials) {
        (true, true) => Ok(()),
        (true, false) => Err(Some(
            "IDENFY_LIVE=1 but IDENFY_API_KEY or IDENFY_API_SECRET is not set",
        )),
        (false, true) => Err(Some(
            "credentials are set but IDENFY_LIVE is not 1: set IDENFY_LIVE=1 to spend DEV credits",
        )),
        (false, false) => Err(None),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

impl Target {
    /// DEV if [`dev_requested`], else a simulator.
    pub async fn from_env() -> Target {
        if let Err(reason) = live_decision(
            var("IDENFY_LIVE").as_deref(),
            var("IDENFY_API_KEY").is_some() && var("IDENFY_API_SECRET").is_some(),
        ) {
            if let Some(reason) = reason {
                skipped(
                    "contract tests against DEV (running against the simulator)",
                    reason,
                );
            }
            return Self::simulator(Simulator::builder()).await;
        }
        let client = Client::from_env().expect("IDENFY_* variables configure a client");
        eprintln!("contract target: iDenfy at {}", client.base_url());
        let webhook_timeout =
            Duration::from_secs(var("IDENFY_WEBHOOK_TIMEOUT_SECS").map_or(600, |secs| {
                secs.parse()
                    .expect("IDENFY_WEBHOOK_TIMEOUT_SECS is whole seconds")
            }));
        Target {
            client,
            simulator: None,
            webhook_timeout,
        }
    }

    /// A reproducible simulator from `builder`.
    pub async fn simulator(builder: idenfy_sim::SimulatorBuilder) -> Target {
        let simulator = builder
            .seed(20_260_101)
            .fixed_time(1_767_225_600)
            .retry_schedule(vec![Duration::from_millis(5); 3])
            .start()
            .await
            .unwrap();
        let client = Client::builder(simulator.credentials().clone())
            .base_url(simulator.uri())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        Target {
            client,
            simulator: Some(simulator),
            webhook_timeout: Duration::from_secs(10),
        }
    }

    /// A receiver the target's webhooks reach, or why there is none. For DEV it listens on
    /// `IDENFY_RECEIVER_ADDR`, so only one test may ask for it.
    pub async fn receiver(&self) -> Result<WebhookReceiver, String> {
        if let Some(simulator) = &self.simulator {
            return Ok(WebhookReceiver::start(simulator.signing_key().clone())
                .await
                .unwrap());
        }
        let url = var("IDENFY_CALLBACK_URL")
            .ok_or("IDENFY_CALLBACK_URL is not set, so DEV cannot reach a receiver")?;
        let key = var("IDENFY_SIGNING_KEY")
            .ok_or("IDENFY_SIGNING_KEY is not set, so DEV's signatures cannot be checked")?;
        let addr: SocketAddr = var("IDENFY_RECEIVER_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8787".to_owned())
            .parse()
            .expect("IDENFY_RECEIVER_ADDR is host:port");
        Ok(WebhookReceiver::builder(SigningKey::new(key))
            .addr(addr)
            .public_url(url)
            .start()
            .await
            .expect("the receiver binds IDENFY_RECEIVER_ADDR"))
    }

    /// Sends `body` to `endpoint` and returns the answer.
    pub async fn send<B: Serialize + ?Sized>(&self, endpoint: Endpoint, body: &B) -> RawResponse {
        self.client.send_raw(endpoint, body).await.unwrap()
    }
}

/// The `callbackUrl` for token requests: the receiver's, or an unreachable one.
pub fn callback_url(receiver: &Result<WebhookReceiver, String>) -> String {
    match receiver {
        Ok(receiver) => receiver.url().to_owned(),
        Err(_) => UNREACHABLE_CALLBACK_URL.to_owned(),
    }
}

/// Prints that part of a contract test did not run, and why.
pub fn skipped(what: &str, reason: &str) {
    eprintln!("skipped: {what}: {reason}");
}

/// An answer as the snapshots show it: the status and the body (as JSON when it is JSON).
pub fn answer(raw: &RawResponse) -> Value {
    let body = raw
        .json()
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&raw.body).into_owned()));
    json!({ "status": raw.status, "body": body })
}

/// A webhook as the snapshots show it: event header, signature check, content type and body.
pub fn webhook(received: &ReceivedWebhook) -> Value {
    json!({
        "event": received.header(idenfy_model::signature::EVENT_TYPE_HEADER),
        "signature": format!("{:?}", received.signature),
        "contentType": received.header("content-type"),
        "body": received.json().unwrap_or_else(|| Value::String(String::from_utf8_lossy(&received.body).into_owned())),
    })
}

/// The `nth` (from 0) distinct accepted webhook for `scan_ref`, whatever its event, so that an
/// unexpected event shows as a snapshot difference rather than a timeout. Byte-identical
/// repeats (iDenfy documents duplicate deliveries) count once.
pub async fn nth_webhook(
    receiver: &WebhookReceiver,
    scan_ref: &str,
    nth: usize,
    timeout: Duration,
) -> ReceivedWebhook {
    let deadline = Instant::now() + timeout;
    loop {
        let mut accepted: Vec<ReceivedWebhook> = Vec::new();
        for webhook in receiver.received() {
            let fits = webhook.is_accepted() && webhook.scan_ref.as_deref() == Some(scan_ref);
            if fits && !accepted.iter().any(|seen| seen.body == webhook.body) {
                accepted.push(webhook);
            }
        }
        if let Some(webhook) = accepted.into_iter().nth(nth) {
            return webhook;
        }
        assert!(
            Instant::now() < deadline,
            "webhook {nth} for {scan_ref} did not arrive within {timeout:?}; received: {:#?}",
            receiver
                .received()
                .iter()
                .filter(|webhook| webhook.scan_ref.as_deref() == Some(scan_ref))
                .map(|webhook| (&webhook.event, webhook.answered, &webhook.signature))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What a snapshot was recorded from, written into its header (`info`) when it is written.
#[derive(Serialize)]
struct Provenance {
    /// The simulator, or iDenfy's DEV API.
    source: String,
    /// The day (UTC) the snapshot was written.
    recorded: String,
}

impl Target {
    /// The snapshot settings for this target: [`settings`], and a header saying whether the
    /// answers came from the simulator (no evidence about DEV) or from DEV, and when.
    pub fn settings(&self) -> insta::Settings {
        let source = match &self.simulator {
            Some(_) => "idenfy-sim (simulated, not evidence about DEV)".to_owned(),
            None => "iDenfy DEV".to_owned(),
        };
        let provenance = Provenance {
            source,
            recorded: chrono::Utc::now().date_naive().to_string(),
        };
        let mut settings = settings();
        settings.set_info(&provenance);
        settings
    }
}

/// Snapshot settings: every volatile value replaced by a label (nulls kept, so a value that
/// turns null still shows), snapshots beside this module.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    for (selector, label) in [
        (".body.scanRef", "[scanRef]"),
        (".body.authToken", "[authToken]"),
        (".body.digitString", "[digitString]"),
        (".body.callbackUrl", "[callbackUrl]"),
        (".body.startTime", "[timestamp]"),
        (".body.finishTime", "[timestamp]"),
        (".body.clientIp", "[clientIp]"),
        (".body.clientIpCountry", "[clientIpCountry]"),
        (".body.clientLocation", "[clientLocation]"),
    ] {
        settings.add_redaction(selector, volatile(label));
    }
    settings.add_redaction(".body.fileUrls", member_values("[fileUrl]"));
    settings.add_redaction(".body.data", member_values("[data]"));
    settings.add_redaction(
        ".body.redirectUrl",
        insta::dynamic_redaction(|value, _| match value.as_str() {
            Some(url) => match url.split_once("authToken=") {
                Some((base, _)) => Content::from(format!("{base}authToken=[authToken]")),
                None => Content::from("[redirectUrl]"),
            },
            None => value,
        }),
    );
    settings
}

/// Replaces a value by `label`, keeping nulls.
fn volatile(label: &'static str) -> insta::internals::Redaction {
    insta::dynamic_redaction(move |value, _| {
        if value.is_nil() {
            value
        } else {
            Content::from(label)
        }
    })
}

/// Replaces the value of every member of an object by `label`, keeping the names and nulls.
fn member_values(label: &'static str) -> insta::internals::Redaction {
    insta::dynamic_redaction(move |value, _| match value {
        Content::Map(members) => Content::Map(
            members
                .into_iter()
                .map(|(name, value)| {
                    let value = if value.is_nil() {
                        value
                    } else {
                        Content::from(label)
                    };
                    (name, value)
                })
                .collect(),
        ),
        other => other,
    })
}

/// Asserts `value` against the snapshot `name` with the contract's redactions; a snapshot
/// written by it records where its answers came from (see [`Target::settings`]).
macro_rules! assert_contract {
    ($target:expr, $name:expr, $value:expr) => {
        $target
            .settings()
            .bind(|| insta::assert_json_snapshot!($name, $value))
    };
}
pub(crate) use assert_contract;

#[test]
fn dev_is_reached_only_with_idenfy_live_and_credentials() {
    assert_eq!(live_decision(Some("1"), true), Ok(()));
    for (live, credentials, says_why) in [
        (Some("1"), false, true),
        (None, true, true),
        (Some("true"), true, true),
        (Some("0"), true, true),
        (None, false, false),
        (Some("0"), false, false),
    ] {
        let decision = live_decision(live, credentials);
        assert!(decision.is_err(), "{live:?} {credentials}");
        assert_eq!(
            decision.unwrap_err().is_some(),
            says_why,
            "{live:?} {credentials}"
        );
    }
}
