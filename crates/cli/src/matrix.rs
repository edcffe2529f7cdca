//! `idenfy-testkit matrix`: runs every status triple end to end (token, auto webhook,
//! add-dummy-status, manual webhook, status) with `idenfy_live::scenario::run_matrix`, through an
//! embedded simulator by default or against a real API with `--base-url`; progress on stderr, a
//! summary table or a JSON report on stdout, exit code 1 if any flow failed.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use idenfy_live::scenario::{
    FlowOptions, FlowOutcome, MatrixOptions, MatrixReport, Progress, run_matrix,
};
use idenfy_live::{Client, ForwardOptions, ForwardReport, WebhookReceiver, forward_matrix};
use idenfy_model::support::{counted, redact_url};
use idenfy_model::validation::{is_https_or_loopback, is_loopback_host};
use idenfy_model::{ApiCredentials, DummyStatus, SigningKey, Triple};
use idenfy_sim::Simulator;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::exit::{FAILURE, UsageError};
use crate::fuzz::ProbeArgs;
use crate::output::Stdout;
use crate::tls::TlsArgs;
use crate::trigger::parse_endpoint;
use crate::triple_filter::TripleFilter;
use crate::values;

/// Where the webhook receiver listens when a `--callback-url` forwards to it.
const DEFAULT_TUNNEL_PORT: u16 = 8787;

/// Settings of `matrix`. (No `Debug`: it holds the API secret.)
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit matrix\n  \
    idenfy-testkit matrix --auto SUSPECTED --face FACE_MATCH --json > report.json\n  \
    idenfy-testkit matrix --base-url http://127.0.0.1:8080 --api-key my-key --api-secret my-secret \\\n    \
      --signing-key my-signing-key          # against a running `idenfy-testkit serve`\n  \
    export IDENFY_API_KEY=dev-key IDENFY_API_SECRET=dev-secret IDENFY_SIGNING_KEY=dev-signing-key\n  \
    idenfy-testkit matrix --base-url https://ivs.idenfy.com --callback-url https://my-tunnel.example.com \\\n    \
      --auto APPROVED --face FACE_MATCH --concurrency 2\n  \
    idenfy-testkit matrix --forward-to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key \\\n    \
      --probe 'http://127.0.0.1:3000/test/idenfy/{scanRef}' --expect APPROVED=verified --expect DENIED=rejected\n\n\
    Without --base-url an in-process simulator and webhook receiver on 127.0.0.1 run all 1232\n\
    triples in seconds. With --base-url every flow creates a real token (iDenfy charges for it): narrow\n\
    the run with --auto, --face and --doc. A base URL that is not loopback must reach this machine for\n\
    webhooks: --callback-url is a public HTTPS URL forwarding to --listen (default 127.0.0.1:8787).\n\
    --forward-to sends each flow's webhooks on to your endpoint, exact bytes and signatures, and with\n\
    --probe checks what your system holds per triple against the reference decision, grouping the\n\
    mishandled triples.\n\
    Progress goes to stderr (a bar on a terminal, plain lines otherwise); exit code 1 if any flow failed\n\
    or your endpoint mishandled a triple.")]
pub struct MatrixArgs {
    /// Run against this API instead of the embedded simulator: iDenfy (DEV key pair) or a running
    /// `idenfy-testkit serve`
    #[arg(
        long,
        value_name = "URL",
        env = "IDENFY_BASE_URL",
        hide_env_values = true
    )]
    base_url: Option<String>,
    /// API key (HTTP Basic username), with --base-url
    #[arg(
        long,
        value_name = "KEY",
        env = "IDENFY_API_KEY",
        hide_env_values = true
    )]
    api_key: Option<String>,
    /// API secret (HTTP Basic password), with --base-url
    #[arg(
        long,
        value_name = "SECRET",
        env = "IDENFY_API_SECRET",
        hide_env_values = true
    )]
    api_secret: Option<String>,
    /// Key webhooks are signed with, with --base-url
    #[arg(long, value_name = "KEY", env = "IDENFY_SIGNING_KEY", hide_env_values = true, value_parser = values::signing_key)]
    signing_key: Option<SigningKey>,
    /// Public HTTPS URL that forwards to --listen, given to iDenfy as callbackUrl; needed when
    /// --base-url is not loopback
    #[arg(
        long,
        value_name = "URL",
        env = "IDENFY_CALLBACK_URL",
        hide_env_values = true
    )]
    callback_url: Option<String>,
    /// Where the webhook receiver listens, with --base-url [default: 127.0.0.1:8787 with
    /// --callback-url, a free loopback port otherwise]
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    #[command(flatten)]
    filter: TripleFilter,
    /// Flows in flight at once
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,
    /// Seconds to wait for each webhook
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    webhook_timeout: u64,
    /// Also send every flow's webhooks to your endpoint, exact bytes and signatures, and check
    /// what your system holds with --probe (needs --signing-key, the key your endpoint checks)
    #[arg(long, value_name = "URL")]
    forward_to: Option<String>,
    #[command(flatten)]
    probe: ProbeArgs,
    #[command(flatten)]
    tls: TlsArgs,
    /// Print the report as JSON instead of the summary table
    #[arg(long)]
    json: bool,
}

/// What `matrix --json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    /// `embedded simulator` or the base URL.
    target: &'a str,
    #[serde(flatten)]
    report: &'a MatrixReport,
    /// What the endpoint of --forward-to did.
    #[serde(skip_serializing_if = "Option::is_none")]
    forward: Option<&'a ForwardReport>,
}

/// Runs the matrix and reports.
pub fn run(args: MatrixArgs) -> anyhow::Result<ExitCode> {
    if args.base_url.is_none() {
        refuse_remote_flags_without_base_url(&args)?;
    }
    let forward = forward_options(&args)?;
    let triples = args.filter.triples();
    let options = MatrixOptions::default()
        .concurrency(usize::from(args.concurrency))
        .flow(
            FlowOptions::default()
                .webhook_timeout(Duration::from_secs(args.webhook_timeout))
                .client_id_prefix("idenfy-testkit"),
        );
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let outcome = runtime.block_on(async {
        match &args.base_url {
            None => {
                // Signed with the endpoint's key when the webhooks are forwarded to it.
                let mut builder = Simulator::builder();
                if let Some(key) = &args.signing_key {
                    builder = builder.signing_key(key.clone());
                }
                let simulator = builder
                    .start()
                    .await
                    .context("cannot start the embedded simulator")?;
                let client = Client::builder(simulator.credentials().clone())
                    .base_url(simulator.uri())
                    .build()
                    .context("cannot set up the client")?;
                let receiver = WebhookReceiver::start(simulator.signing_key().clone())
                    .await
                    .context("cannot start the webhook receiver")?;
                let target = "embedded simulator".to_owned();
                let report =
                    run_with_progress(&client, &receiver, &triples, &options, &target).await;
                let forwarded = forward_to(&report, &receiver, forward.as_ref()).await?;
                anyhow::Ok((target, report, forwarded))
            }
            Some(base_url) => {
                let (client, receiver) = remote(&args, base_url).await?;
                let target = redact_url(client.base_url().as_str());
                let report =
                    run_with_progress(&client, &receiver, &triples, &options, &target).await;
                let forwarded = forward_to(&report, &receiver, forward.as_ref()).await?;
                anyhow::Ok((target, report, forwarded))
            }
        }
    });
    let (target, report, forwarded) = outcome?;
    let mut out = Stdout::lock();
    if args.json {
        out.json_line(&JsonReport {
            target: &target,
            report: &report,
            forward: forwarded.as_ref(),
        })?;
    } else {
        out.bytes(summary_table(&report).as_bytes())?;
        out.bytes(report.summary().as_bytes())?;
        if let (Some(forwarded), Some(options)) = (&forwarded, &forward) {
            out.bytes(forward_summary(forwarded, options).as_bytes())?;
        }
    }
    out.finish()?;
    let forward_passed = forwarded.as_ref().is_none_or(ForwardReport::is_success);
    Ok(if report.is_success() && forward_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILURE)
    })
}

/// The flags that only mean something with --base-url, when given on the command line without it
/// (the same values from the environment are fine: `serve` reads them too).
fn refuse_remote_flags_without_base_url(args: &MatrixArgs) -> Result<(), UsageError> {
    let from_flag = |value: Option<&[u8]>, variable: &str| {
        value.is_some_and(|value| {
            std::env::var_os(variable).is_none_or(|env| env.as_encoded_bytes() != value)
        })
    };
    let given: Vec<&str> = [
        (
            from_flag(args.api_key.as_deref().map(str::as_bytes), "IDENFY_API_KEY"),
            "--api-key",
        ),
        (
            from_flag(
                args.api_secret.as_deref().map(str::as_bytes),
                "IDENFY_API_SECRET",
            ),
            "--api-secret",
        ),
        (
            from_flag(
                // --forward-to signs with it too.
                args.signing_key
                    .as_ref()
                    .filter(|_| args.forward_to.is_none())
                    .map(SigningKey::expose),
                "IDENFY_SIGNING_KEY",
            ),
            "--signing-key",
        ),
        (
            from_flag(
                args.callback_url.as_deref().map(str::as_bytes),
                "IDENFY_CALLBACK_URL",
            ),
            "--callback-url",
        ),
        (args.listen.is_some(), "--listen"),
    ]
    .into_iter()
    .filter_map(|(given, flag)| given.then_some(flag))
    .collect();
    if given.is_empty() {
        return Ok(());
    }
    Err(UsageError(format!(
        "{} only apply with --base-url (a running simulator or iDenfy); without it the matrix runs \
         against an embedded simulator with its own credentials: add --base-url URL, or leave them out",
        given.join(", ")
    )))
}

/// What `--forward-to` and the probe flags ask for, or `None` without `--forward-to`.
fn forward_options(args: &MatrixArgs) -> Result<Option<ForwardOptions>, UsageError> {
    let probe = args.probe.build()?;
    let Some(to) = &args.forward_to else {
        if probe.is_some() {
            return Err(UsageError(
                "--probe needs --forward-to: the probe reads what your endpoint made of the \
                 webhooks forwarded to it"
                    .to_owned(),
            ));
        }
        return Ok(None);
    };
    if args.signing_key.is_none() {
        return Err(UsageError(
            "--forward-to needs --signing-key (or IDENFY_SIGNING_KEY): the key your endpoint \
             checks Idenfy-Signature with"
                .to_owned(),
        ));
    }
    let mut options = ForwardOptions::new(
        parse_endpoint(to)
            .map_err(|error| UsageError(error.0.replacen("--to", "--forward-to", 1)))?,
    );
    options.probe = probe;
    options.trust = args.tls.trust()?;
    Ok(Some(options))
}

/// Forwards the flows' webhooks when asked to, with a line on stderr.
async fn forward_to(
    report: &MatrixReport,
    receiver: &WebhookReceiver,
    options: Option<&ForwardOptions>,
) -> anyhow::Result<Option<ForwardReport>> {
    let Some(options) = options else {
        return Ok(None);
    };
    eprintln!(
        "forwarding the webhooks of {} passed flows to {}",
        report.passed,
        redact_url(options.to.as_str())
    );
    Ok(Some(forward_matrix(report, receiver, options).await?))
}

/// What the endpoint of `--forward-to` did, grouped.
fn forward_summary(report: &ForwardReport, options: &ForwardOptions) -> String {
    let mut summary = format!(
        "forwarded {} to {}: {} mishandled\n",
        counted(report.forwarded, "triple"),
        redact_url(options.to.as_str()),
        report.mishandled.len()
    );
    for group in &report.groups {
        summary.push_str(&format!("  {}\n", group.description));
        let shown: Vec<String> = group
            .triples
            .iter()
            .take(3)
            .map(ToString::to_string)
            .collect();
        let more = group.triples.len().saturating_sub(shown.len());
        summary.push_str(&format!("    e.g. {}", shown.join(", ")));
        if more > 0 {
            summary.push_str(&format!(" and {more} more"));
        }
        summary.push('\n');
    }
    summary
}

/// The client and receiver for a run against `base_url`, or what is missing.
async fn remote(args: &MatrixArgs, base_url: &str) -> anyhow::Result<(Client, WebhookReceiver)> {
    let shown = redact_url(base_url);
    let missing: Vec<&str> = [
        (args.api_key.is_none(), "--api-key (or IDENFY_API_KEY)"),
        (
            args.api_secret.is_none(),
            "--api-secret (or IDENFY_API_SECRET)",
        ),
        (
            args.signing_key.is_none(),
            "--signing-key (or IDENFY_SIGNING_KEY)",
        ),
    ]
    .into_iter()
    .filter_map(|(is_missing, how)| is_missing.then_some(how))
    .collect();
    let (Some(key), Some(secret), Some(signing_key)) =
        (&args.api_key, &args.api_secret, &args.signing_key)
    else {
        return Err(UsageError(format!(
            "--base-url {shown} needs the API key pair that creates tokens there and the key \
             that signs its webhooks; missing: {}",
            missing.join(", ")
        ))
        .into());
    };
    let client = Client::builder(ApiCredentials::new(key, secret))
        .base_url(base_url)
        .build()
        .map_err(|error| UsageError(format!("--base-url: {error}")))?;
    let callback_url = match &args.callback_url {
        Some(url) => Some(checked_callback_url(url)?),
        None if is_loopback_host(client.base_url()) => None,
        None => {
            return Err(UsageError(format!(
                "{shown} must reach this machine to deliver webhooks: give --callback-url (or \
                 IDENFY_CALLBACK_URL), a public HTTPS URL that forwards to the local receiver on \
                 --listen (default 127.0.0.1:{DEFAULT_TUNNEL_PORT}), e.g. from a tunnel such as \
                 `cloudflared tunnel --url http://127.0.0.1:{DEFAULT_TUNNEL_PORT}`"
            ))
            .into());
        }
    };
    let port = if callback_url.is_some() {
        DEFAULT_TUNNEL_PORT
    } else {
        0
    };
    let addr = args
        .listen
        .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    let mut builder = WebhookReceiver::builder(signing_key.clone()).addr(addr);
    if let Some(url) = callback_url {
        builder = builder.public_url(url);
    }
    let receiver = builder
        .start()
        .await
        .with_context(|| format!("cannot start the webhook receiver on {addr} (--listen)"))?;
    Ok((client, receiver))
}

/// `url` if iDenfy may send webhooks to it: HTTPS, or plain HTTP to a loopback host.
fn checked_callback_url(url: &str) -> anyhow::Result<String> {
    let shown = redact_url(url);
    let parsed = reqwest::Url::parse(url)
        .map_err(|error| UsageError(format!("--callback-url {shown:?} is not a URL: {error}")))?;
    if is_https_or_loopback(&parsed) {
        Ok(url.to_owned())
    } else {
        Err(UsageError(format!(
            "--callback-url {shown:?} must be an https:// URL (iDenfy sends webhooks over HTTPS \
             only; plain http:// works for loopback hosts)"
        ))
        .into())
    }
}

/// Runs the flows, showing progress on stderr: a bar on a terminal, plain lines otherwise
/// (every tenth of the run, and every failure as it happens).
async fn run_with_progress(
    client: &Client,
    receiver: &WebhookReceiver,
    triples: &[Triple],
    options: &MatrixOptions,
    target: &str,
) -> MatrixReport {
    eprintln!(
        "running {} against {target}, {} at once",
        counted(triples.len(), "flow"),
        options.concurrency
    );
    let bar = std::io::stderr().is_terminal().then(|| {
        let style = ProgressStyle::with_template(
            "{bar:40} {pos}/{len} flows, {msg} [{elapsed_precise}, about {eta} left]",
        )
        .expect("the template is valid");
        ProgressBar::new(triples.len() as u64).with_style(style)
    });
    let report = run_matrix(
        client,
        receiver,
        triples,
        options,
        |progress: Progress<'_>| {
            let failure = (!progress.outcome.passed()).then(|| failure_line(progress.outcome));
            match &bar {
                Some(bar) => {
                    bar.inc(1);
                    bar.set_message(format!("{} failed", progress.failed));
                    if let Some(line) = failure {
                        bar.println(line);
                    }
                }
                None => {
                    if let Some(line) = failure {
                        eprintln!("{line}");
                    }
                    let tenth = |done: usize| done * 10 / progress.total;
                    if tenth(progress.done) > tenth(progress.done - 1) {
                        eprintln!(
                            "{}/{} flows done, {} failed",
                            progress.done, progress.total, progress.failed
                        );
                    }
                }
            }
        },
    )
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report
}

/// `FAILED APPROVED/FACE_MATCH/DOC_VALIDATED (scanRef): the first difference`.
fn failure_line(outcome: &FlowOutcome) -> String {
    let scan_ref = outcome.scan_ref.as_deref().unwrap_or("no scanRef");
    let difference = outcome
        .difference
        .as_ref()
        .map_or_else(String::new, ToString::to_string);
    format!("FAILED {} ({scan_ref}): {difference}", outcome.triple)
}

/// Flows, passes, failures and the slowest flow per automatic result, then all together.
fn summary_table(report: &MatrixReport) -> String {
    #[derive(Default)]
    struct Row {
        flows: usize,
        passed: usize,
        slowest_ms: u64,
    }
    impl Row {
        fn add(&mut self, outcome: &FlowOutcome) {
            self.flows += 1;
            self.passed += usize::from(outcome.passed());
            self.slowest_ms = self.slowest_ms.max(outcome.elapsed_ms);
        }
    }
    let mut rows: BTreeMap<usize, (String, Row)> = BTreeMap::new();
    let mut all = Row::default();
    for outcome in &report.outcomes {
        let order = DummyStatus::ACCEPTED
            .iter()
            .position(|status| *status == outcome.triple.auto)
            .unwrap_or(usize::MAX);
        rows.entry(order)
            .or_insert_with(|| (outcome.triple.auto.to_string(), Row::default()))
            .1
            .add(outcome);
        all.add(outcome);
    }
    let mut table = format!(
        "{:<12} {:>6} {:>7} {:>7} {:>10}\n",
        "auto result", "flows", "passed", "failed", "slowest"
    );
    for (name, row) in rows
        .values()
        .map(|(name, row)| (name.as_str(), row))
        .chain([("all", &all)])
    {
        table.push_str(&format!(
            "{:<12} {:>6} {:>7} {:>7} {:>7} ms\n",
            name,
            row.flows,
            row.passed,
            row.flows - row.passed,
            row.slowest_ms
        ));
    }
    table.push('\n');
    table
}
