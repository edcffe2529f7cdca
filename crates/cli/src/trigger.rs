//! `idenfy-testkit trigger`: sends one signed webhook to a team's own endpoint, exactly as the
//! simulator would (through `idenfy_sender`, the simulator's own sender), and prints the
//! answer's status code and time: a generated one in either body style, or a recorded body
//! (`--body FILE`) byte for byte; with `--battery`, grades the endpoint instead (see
//! [`crate::battery`]). The words for an endpoint that did not answer live here.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bytes::Bytes;
use clap::Args;
use idenfy_model::support::redact_url;
use idenfy_model::{BodyStyle, SignedWebhook, SigningKey, WebhookEventType, sign};
use idenfy_sender::{NoAnswer, NoAnswerKind, Outgoing, Url};
use serde::Serialize;

use crate::battery;
use crate::exit::{FAILURE, UsageError};
use crate::output::Stdout;
use crate::tls::SendArgs;
use crate::values;
use crate::webhook_choice::WebhookChoice;

/// Settings of `trigger`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key --auto APPROVED\n  \
    idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key \\\n    \
      --auto SUSPECTED --face FACE_MATCH --doc DOC_VALIDATED --seed 7 --body-style spaced-ascii --json\n  \
    idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key \\\n    \
      --auto APPROVED --event IDENTIFICATION_RESUBMITTED --scan-ref my-scan-ref --client-id user-42\n  \
    idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --body recorded.json \\\n    \
      --signature <recorded Idenfy-Signature> --event IDENTIFICATION_MANUAL_FINISHED\n  \
    IDENFY_SIGNING_KEY=my-signing-key idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --battery\n\n\
    The webhook goes out as the simulator sends it: POST, Content-Type: application/json,\n\
    Idenfy-Signature (HMAC-SHA256 of the body, lower-case hex) and Idenfy-Event-Type.\n\
    Exit code 0 when the endpoint answers 2xx (--battery: when it accepts every genuine webhook\n\
    and refuses every forgery without crashing), 1 otherwise, 2 for a wrong command line.")]
pub struct TriggerArgs {
    /// The webhook endpoint to send to
    #[arg(long, value_name = "URL")]
    to: String,
    /// Key that signs the webhook, as in the iDenfy dashboard
    #[arg(long, value_name = "KEY", env = "IDENFY_SIGNING_KEY", hide_env_values = true, value_parser = values::signing_key)]
    signing_key: Option<SigningKey>,
    #[command(flatten)]
    webhook: WebhookChoice,
    /// Send this file's bytes as the body, exactly as they are (a recorded webhook; `-` for
    /// stdin), as --event (default IDENTIFICATION_AUTO_FINISHED)
    #[arg(long, value_name = "FILE", conflicts_with_all = [
        "auto", "face", "doc", "seed", "scan_ref", "client_id", "external_ref", "body_style",
    ])]
    body: Option<PathBuf>,
    /// Send this Idenfy-Signature value as given instead of signing the body (no signing key
    /// needed)
    #[arg(long, value_name = "SIGNATURE")]
    signature: Option<String>,
    /// The generated body's bytes: compact JSON, or Python's default `", "`-separated,
    /// `\u`-escaped layout (nobody outside iDenfy knows which it sends)
    #[arg(long, value_name = "STYLE", default_value = idenfy_sim::assumptions::DEFAULT_BODY_STYLE.as_str(), value_parser = values::body_style())]
    body_style: BodyStyle,
    /// Grade the endpoint: send six forged webhooks, a genuine one in each body style and one
    /// in bytes re-serializers change, and a replay, then print a verdict per case (the
    /// webhook is --auto's, DENIED by default)
    #[arg(long, conflicts_with_all = ["body", "signature", "event", "body_style"])]
    battery: bool,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    sending: SendArgs,
}

/// What `trigger --json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sent<'a> {
    url: &'a str,
    event: &'a str,
    /// The body's `scanRef`, when it has one.
    scan_ref: Option<&'a str>,
    status: u16,
    elapsed_ms: u128,
    accepted: bool,
}

/// Sends the webhook, or runs the battery.
pub fn run(args: TriggerArgs) -> anyhow::Result<ExitCode> {
    let url = parse_endpoint(&args.to)?;
    let sender = args.sending.sender()?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    if args.battery {
        let key = values::require_signing_key(args.signing_key)?;
        return runtime.block_on(battery::run(&sender, &url, &key, &args.webhook, args.json));
    }
    let (signed, summary) = webhook_to_send(&args)?;
    let answer = runtime
        .block_on(sender.send(
            &url,
            &Outgoing {
                body: Bytes::from(signed.body.clone()),
                signature: Some(&signed.signature),
                event: signed.event.as_str(),
            },
        ))
        .map_err(|no_answer| explain_no_answer(&url, &no_answer))?;
    let mut out = Stdout::lock();
    if args.json {
        let scan_ref = serde_json::from_slice::<serde_json::Value>(&signed.body)
            .ok()
            .and_then(|body| body.get("scanRef")?.as_str().map(str::to_owned));
        out.json_line(&Sent {
            url: &redact_url(url.as_str()),
            event: signed.event.as_str(),
            scan_ref: scan_ref.as_deref(),
            status: answer.status,
            elapsed_ms: answer.elapsed.as_millis(),
            accepted: answer.is_accepted(),
        })?;
    } else {
        out.line(&format!("sent {summary} to {}", redact_url(url.as_str())))?;
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
    let what = if args.signature.is_some() {
        "the webhook signed with --signature"
    } else {
        "a correctly signed webhook"
    };
    eprintln!(
        "error: the endpoint answered {} to {what}, so iDenfy would count the delivery as \
         failed and retry it; check that it verifies Idenfy-Signature with the same signing \
         key over the raw body. It answered: {:?}",
        status_with_reason(answer.status),
        answer.body_excerpt
    );
    Ok(ExitCode::from(FAILURE))
}

/// The webhook `args` ask for, signed, and a few words saying what it is: the recorded body
/// of `--body`, or the generated webhook in `--body-style`; signed with the key, unless
/// `--signature` gives the value to send.
fn webhook_to_send(args: &TriggerArgs) -> anyhow::Result<(SignedWebhook, String)> {
    let (event, body, summary) = match &args.body {
        Some(path) => {
            let body = read_body(path)?;
            let event = args
                .webhook
                .event
                .clone()
                .unwrap_or(WebhookEventType::IdentificationAutoFinished);
            let summary = format!("{event} ({} bytes from {})", body.len(), path.display());
            (event, body, summary)
        }
        None if !args.webhook.is_given() => {
            return Err(UsageError(
                "say which webhook to send: --auto STATUS for an automatic result, --face FACE \
                 --doc DOC for a manual review, --event EVENT, or --body FILE for a recorded \
                 body (or --battery to grade the endpoint)"
                    .to_owned(),
            )
            .into());
        }
        None => {
            let webhook = args.webhook.generate();
            (
                webhook.event.clone(),
                webhook.body(args.body_style),
                webhook.summary(),
            )
        }
    };
    let signature = match &args.signature {
        Some(given) => given.clone(),
        None => sign(
            &values::require_signing_key(args.signing_key.clone())?,
            &body,
        ),
    };
    let signed = SignedWebhook {
        event,
        body,
        signature,
    };
    Ok((signed, summary))
}

/// The bytes of `--body`: the file's, or stdin's for `-`.
fn read_body(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut body)
            .context("cannot read the body from stdin")?;
        return Ok(body);
    }
    std::fs::read(path).with_context(|| format!("cannot read --body {}", path.display()))
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
        NoAnswerKind::Certificate => anyhow::anyhow!(
            "cannot trust {url}: its HTTPS certificate is refused, {cause}; pass --cacert FILE \
             with the authority's certificate (for mkcert: \"$(mkcert -CAROOT)/rootCA.pem\"), or \
             --insecure"
        ),
        _ => anyhow::anyhow!("sending to {url} failed: {cause}"),
    }
}

/// A status code with its reason phrase, e.g. `401 Unauthorized`.
fn status_with_reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .map_or_else(|_| status.to_string(), |code| code.to_string())
}
