//! `idenfy-testkit trigger`: sends one signed webhook to a team's own endpoint, exactly as the
//! simulator would (through `idenfy_sender`, the simulator's own sender), and prints the
//! answer's status code and time; with `--battery`, grades the endpoint instead (see
//! [`crate::battery`]). The words for an endpoint that did not answer live here.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use clap::Args;
use idenfy_model::support::redact_url;
use idenfy_model::{SigningKey, sign};
use idenfy_sender::{NoAnswer, NoAnswerKind, Outgoing, Sender, Url};
use serde::Serialize;

use crate::battery;
use crate::exit::{FAILURE, UsageError};
use crate::output::Stdout;
use crate::values;
use crate::webhook_choice::WebhookChoice;

/// Settings of `trigger`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key --auto APPROVED\n  \
    idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key \\\n    \
      --auto SUSPECTED --face FACE_MATCH --doc DOC_VALIDATED --seed 7 --json\n  \
    IDENFY_SIGNING_KEY=my-signing-key idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --battery\n\n\
    The webhook goes out as the simulator sends it: POST, Content-Type: application/json,\n\
    Idenfy-Signature (HMAC-SHA256 of the body, lower-case hex) and Idenfy-Event-Type.\n\
    Exit code 0 when the endpoint answers 2xx (--battery: when it accepts only the valid webhook),\n\
    1 otherwise, 2 for a wrong command line.")]
pub struct TriggerArgs {
    /// The webhook endpoint to send to
    #[arg(long, value_name = "URL")]
    to: String,
    /// Key that signs the webhook, as in the iDenfy dashboard
    #[arg(long, value_name = "KEY", env = "IDENFY_SIGNING_KEY", hide_env_values = true, value_parser = values::signing_key)]
    signing_key: Option<SigningKey>,
    #[command(flatten)]
    webhook: WebhookChoice,
    /// Grade the endpoint: send six forged webhooks, a valid one and its replay, then print a
    /// verdict per case (the webhook is --auto's, DENIED by default)
    #[arg(long)]
    battery: bool,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
    /// Seconds to wait for each answer
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    timeout: u64,
}

/// What `trigger --json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sent<'a> {
    url: &'a str,
    event: &'a str,
    scan_ref: &'a str,
    status: u16,
    elapsed_ms: u128,
    accepted: bool,
}

/// Sends the webhook, or runs the battery.
pub fn run(args: TriggerArgs) -> anyhow::Result<ExitCode> {
    let key = values::require_signing_key(args.signing_key)?;
    let url = parse_endpoint(&args.to)?;
    let sender = Sender::new(Duration::from_secs(args.timeout))?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    if args.battery {
        return runtime.block_on(battery::run(&sender, &url, &key, &args.webhook, args.json));
    }
    if !args.webhook.is_given() {
        return Err(UsageError(
            "say which webhook to send: --auto STATUS for an automatic result, or --face FACE \
             --doc DOC for a manual review (or --battery to grade the endpoint)"
                .to_owned(),
        )
        .into());
    }
    let webhook = args.webhook.generate();
    let signature = sign(&key, webhook.body.as_bytes());
    let answer = runtime
        .block_on(sender.send(
            &url,
            &Outgoing {
                body: Bytes::from(webhook.body.clone()),
                signature: Some(&signature),
                event: webhook.event.as_str(),
            },
        ))
        .map_err(|no_answer| explain_no_answer(&url, &no_answer))?;
    let mut out = Stdout::lock();
    if args.json {
        out.json_line(&Sent {
            url: &redact_url(url.as_str()),
            event: webhook.event.as_str(),
            scan_ref: &webhook.webhook.scan_ref,
            status: answer.status,
            elapsed_ms: answer.elapsed.as_millis(),
            accepted: answer.is_accepted(),
        })?;
    } else {
        out.line(&format!(
            "sent {} (scanRef {}, overall {}) to {}",
            webhook.event,
            webhook.webhook.scan_ref,
            webhook.webhook.status.overall,
            redact_url(url.as_str()),
        ))?;
        out.line(&format!(
            "{} in {} ms",
            status_with_reason(answer.status),
            answer.elapsed.as_millis()
        ))?;
    }
    out.finish()?;
    if answer.is_accepted() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: the endpoint answered {} to a correctly signed webhook, so iDenfy would count the \
         delivery as failed and retry it; check that it verifies Idenfy-Signature with the same \
         signing key over the raw body. It answered: {:?}",
        status_with_reason(answer.status),
        answer.body_excerpt
    );
    Ok(ExitCode::from(FAILURE))
}

/// `--to`, which must be an absolute `http` or `https` URL.
pub fn parse_endpoint(to: &str) -> Result<Url, UsageError> {
    Url::parse(to)
        .ok()
        .filter(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host())
        .ok_or_else(|| {
            UsageError(format!(
                "--to {:?} is not an absolute http:// or https:// URL, e.g. \
                 http://127.0.0.1:3000/webhooks/idenfy",
                redact_url(to)
            ))
        })
}

/// Why `url` gave no answer, and what to check.
pub fn explain_no_answer(url: &Url, no_answer: &NoAnswer) -> anyhow::Error {
    let cause = &no_answer.cause;
    let url = redact_url(url.as_str());
    match no_answer.kind {
        NoAnswerKind::Timeout => {
            anyhow::anyhow!("{url} did not answer in time ({cause}); raise --timeout if it is slow")
        }
        NoAnswerKind::Connect => anyhow::anyhow!(
            "cannot connect to {url}: {cause}; is the server running and listening there?"
        ),
        _ => anyhow::anyhow!("sending to {url} failed: {cause}"),
    }
}

/// A status code with its reason phrase, e.g. `401 Unauthorized`.
fn status_with_reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .map_or_else(|_| status.to_string(), |code| code.to_string())
}
