//! `idenfy-testkit serve`: runs the simulator until SIGINT or SIGTERM, then shuts it down
//! gracefully and reports webhooks it could not send. The logic lives in `idenfy_sim`.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use idenfy_model::support::{counted, key_prefix, redact_url};
use idenfy_model::{ApiCredentials, BodyStyle, Environment, SigningKey};
use idenfy_sim::{ShutdownReport, Simulator, Unfinished};

use crate::exit::{FAILURE, UsageError};
use crate::log_lines::{self, LogFormat};

/// Settings of `serve`. (No `Debug`: it holds the API secret.)
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit serve --addr 127.0.0.1:8080 --environment dev \\\n    \
      --api-key my-key --api-secret my-secret --signing-key my-signing-key \\\n    \
      --webhook-url http://127.0.0.1:3000/webhooks/idenfy --seed 42\n  \
    export IDENFY_API_KEY=my-key IDENFY_API_SECRET=my-secret IDENFY_SIGNING_KEY=my-signing-key\n  \
    idenfy-testkit serve --addr 127.0.0.1:0 --balance 100\n  \
    idenfy-testkit serve --seed 42 --fixed-time 1767225600 --retries 1 --retry-interval-ms 100\n\n\
    The first line on stdout is `listening on http://HOST:PORT`; logs go to stderr, one line \
    per API request and per webhook attempt (--quiet drops them, --log-format json for JSON \
    Lines, IDENFY_LOG=debug for more). The page http://HOST:PORT/sim/ lists verifications \
    and webhooks live (same credentials). SIGINT or SIGTERM stop it; it exits 1 when webhooks were \
    left undelivered (counted and listed on stderr first), else 0.")]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT (an IP address or a name such as localhost); port 0
    /// picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = parse_addr)]
    addr: SocketAddr,
    /// Environment the credentials belong to: dev, demo, test or prod. Outside dev, dummy
    /// results answer 403 as iDenfy does.
    #[arg(long, default_value = "dev", value_parser = parse_environment)]
    environment: Environment,
    /// API key clients must send (HTTP Basic username).
    #[arg(long, env = "IDENFY_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// API secret clients must send (HTTP Basic password).
    #[arg(long, env = "IDENFY_API_SECRET", hide_env_values = true)]
    api_secret: Option<String>,
    /// Key that signs webhooks (`Idenfy-Signature`).
    #[arg(long, env = "IDENFY_SIGNING_KEY", hide_env_values = true)]
    signing_key: Option<String>,
    /// Where webhooks go for tokens without `callbackUrl` (an http:// or https:// URL).
    #[arg(long)]
    webhook_url: Option<String>,
    /// Tokens that may be created before 402; unlimited when left out.
    #[arg(long)]
    balance: Option<u64>,
    /// API requests allowed per hour before 429.
    #[arg(long, default_value_t = idenfy_sim::assumptions::DEFAULT_RATE_LIMIT_PER_HOUR)]
    rate_limit: u64,
    /// Makes scanRef, authToken and fake data reproducible.
    #[arg(long)]
    seed: Option<u64>,
    /// Also deliver to `callbackUrl`s whose host is not loopback.
    #[arg(long)]
    external_callbacks: bool,
    /// Take plain-http `callbackUrl`s to HOST (a docker-compose service name, say) and deliver
    /// to them, as for loopback; repeat for several hosts
    #[arg(long, value_name = "HOST")]
    allow_http_callback_host: Vec<String>,
    /// Freeze the clock used in webhook bodies at these Unix seconds; with --seed, the same
    /// requests then give byte-identical webhooks.
    #[arg(long, value_name = "UNIX_SECONDS")]
    fixed_time: Option<i64>,
    /// Attempts after the first for a webhook your endpoint does not answer with 2xx.
    #[arg(long, default_value_t = idenfy_sim::assumptions::DEFAULT_RETRY_SCHEDULE.len())]
    retries: usize,
    /// Milliseconds between webhook attempts.
    #[arg(long, value_name = "MS", default_value_t = millis(idenfy_sim::assumptions::DEFAULT_RETRY_SCHEDULE[0]))]
    retry_interval_ms: u64,
    /// Milliseconds one webhook attempt may take before it counts as failed.
    #[arg(long, value_name = "MS", default_value_t = millis(idenfy_sim::assumptions::DEFAULT_DELIVERY_TIMEOUT))]
    delivery_timeout_ms: u64,
    /// Send `IDENTIFICATION_AUTO_FINISHED` with `final: true` (no manual review expected).
    #[arg(long)]
    auto_final: bool,
    /// Journal every webhook as HELD; it leaves only on `POST /sim/webhooks/{id}/release`.
    #[arg(long)]
    hold: bool,
    /// Milliseconds every webhook waits before its first attempt (at most 600000).
    #[arg(long, value_name = "MS", default_value_t = 0, value_parser = parse_delay)]
    delivery_delay_ms: u64,
    /// Probability (0 to 1) that a delivered webhook is sent once more, identical; drawn from
    /// --seed.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_rate)]
    duplicate_rate: f64,
    /// The bytes of webhook bodies: compact JSON, or Python's default `", "`-separated,
    /// `\u`-escaped layout (nobody outside iDenfy knows which it sends).
    #[arg(long, value_name = "STYLE", default_value = idenfy_sim::assumptions::DEFAULT_BODY_STYLE.as_str(), value_parser = crate::values::body_style())]
    body_style: BodyStyle,
    /// Milliseconds a connection may wait for a request before it is closed (idle keep-alive).
    #[arg(long, value_name = "MS", default_value_t = millis(idenfy_sim::assumptions::DEFAULT_IDLE_TIMEOUT))]
    idle_timeout_ms: u64,
    /// Milliseconds a request line and headers may take from the first byte before the
    /// connection is closed.
    #[arg(long, value_name = "MS", default_value_t = millis(idenfy_sim::assumptions::DEFAULT_HEADER_TIMEOUT))]
    header_timeout_ms: u64,
    /// Milliseconds a request body may take to arrive before the answer is 408.
    #[arg(long, value_name = "MS", default_value_t = millis(idenfy_sim::assumptions::DEFAULT_BODY_TIMEOUT))]
    body_timeout_ms: u64,
    /// No line per API request and per webhook attempt.
    #[arg(long)]
    quiet: bool,
    /// The log on stderr: human lines (colored on a terminal) or JSON Lines.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// `duration` in whole milliseconds, for flag defaults.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Runs the simulator until a shutdown signal.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let (Some(key), Some(secret), Some(signing_key)) = (
        given(&args.api_key),
        given(&args.api_secret),
        given(&args.signing_key),
    ) else {
        return Err(UsageError(missing_credentials(&args)).into());
    };
    if let Some(url) = &args.webhook_url {
        check_webhook_url(url)?;
    }
    let log = log_lines::init(args.log_format, args.quiet);
    let mut builder = Simulator::builder()
        .addr(args.addr)
        .environment(args.environment.clone())
        .credentials(ApiCredentials::new(key, secret))
        .signing_key(SigningKey::new(signing_key.as_bytes()))
        .rate_limit_per_hour(args.rate_limit)
        .external_callbacks(args.external_callbacks)
        .retry_schedule(vec![
            Duration::from_millis(args.retry_interval_ms);
            args.retries
        ])
        .delivery_timeout(Duration::from_millis(args.delivery_timeout_ms))
        .auto_webhook_final(args.auto_final)
        .hold_deliveries(args.hold)
        .delivery_delay(Duration::from_millis(args.delivery_delay_ms))
        .duplicate_rate(args.duplicate_rate)
        .body_style(args.body_style)
        .idle_timeout(Duration::from_millis(args.idle_timeout_ms))
        .header_timeout(Duration::from_millis(args.header_timeout_ms))
        .body_timeout(Duration::from_millis(args.body_timeout_ms));
    for host in &args.allow_http_callback_host {
        builder = builder.allow_http_callback_host(host);
    }
    if let Some(unix_seconds) = args.fixed_time {
        builder = builder.fixed_time(unix_seconds);
    }
    if let Some(url) = &args.webhook_url {
        builder = builder.default_webhook_url(url);
    }
    if let Some(balance) = args.balance {
        builder = builder.balance(balance);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let shutdown = signals::shutdown().context("cannot listen for SIGINT and SIGTERM")?;
        let simulator = builder.start().await.map_err(start_error)?;
        println!("listening on {}", simulator.uri());
        std::io::stdout()
            .flush()
            .context("cannot write to stdout")?;
        tracing::info!(
            environment = %args.environment,
            api_key = %key_prefix(key),
            webhook_url = %args.webhook_url.as_deref().map_or_else(|| "none".to_owned(), redact_url),
            "simulator ready"
        );
        let report = simulator.serve_until(shutdown).await;
        match args.log_format {
            LogFormat::Text => {
                drop(log); // the log's queued lines first
                eprintln!("{}", describe(&report));
            }
            // JSON Lines stay JSON to the end: the same text, one event per line.
            LogFormat::Json => {
                for line in describe(&report).lines() {
                    tracing::info!("{line}");
                }
                drop(log);
            }
        }
        Ok(if report.unfinished.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(FAILURE)
        })
    })
}

/// A flag's value unless it is absent or empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|value| !value.is_empty())
}

/// Says which credentials are missing and how to give them.
fn missing_credentials(args: &ServeArgs) -> String {
    let missing: Vec<&str> = [
        (&args.api_key, "--api-key (or IDENFY_API_KEY)"),
        (&args.api_secret, "--api-secret (or IDENFY_API_SECRET)"),
        (&args.signing_key, "--signing-key (or IDENFY_SIGNING_KEY)"),
    ]
    .into_iter()
    .filter(|(value, _)| given(value).is_none())
    .map(|(_, how)| how)
    .collect();
    format!(
        "the simulator needs credentials to check requests and sign webhooks; missing or empty: {}\n\
         e.g. idenfy-testkit serve --api-key my-key --api-secret my-secret --signing-key my-signing-key",
        missing.join(", ")
    )
}

/// What shutdown did: when webhooks were left undelivered, their count by where they stood
/// first, then one line each; last, the totals.
fn describe(report: &ShutdownReport) -> String {
    let mut text = String::new();
    if !report.unfinished.is_empty() {
        text.push_str(&format!(
            "{} left undelivered: {} never attempted, {} in flight (may have been \
             received), {} awaiting a retry\n",
            counted(report.unfinished.len(), "webhook"),
            report.count(Unfinished::NeverAttempted),
            report.count(Unfinished::InFlight),
            report.count(Unfinished::AwaitingRetry),
        ));
    }
    for delivery in &report.unfinished {
        let stood = match report.unfinished_as(delivery) {
            Unfinished::InFlight => "in flight (may have been received)",
            Unfinished::AwaitingRetry => "awaiting a retry",
            _ => "never attempted",
        };
        text.push_str(&format!(
            "  {stood}: {} {} to {}\n",
            delivery.event,
            delivery.scan_ref,
            redact_url(&delivery.target)
        ));
    }
    text.push_str(&format!(
        "stopped: {} delivered, {} failed, {} undelivered",
        counted(
            usize::try_from(report.delivered).unwrap_or(usize::MAX),
            "webhook"
        ),
        report.failed,
        report.unfinished.len()
    ));
    text
}

/// `HOST:PORT`, the host an IP address or a name; a name takes its first IPv4 address (so
/// `localhost` is 127.0.0.1), else its first address.
fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = value.parse() {
        return Ok(addr);
    }
    let expected = "expected HOST:PORT, e.g. 127.0.0.1:8080 or localhost:8080";
    let addrs: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(value)
        .map_err(|error| format!("{expected} ({error})"))?
        .collect();
    addrs
        .iter()
        .find(|addr| addr.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| format!("{expected} ({value} has no address)"))
}

/// `--webhook-url` must be an absolute `http://` or `https://` URL; the message shows it
/// without its user info (clap's own would show it whole).
fn check_webhook_url(value: &str) -> Result<(), UsageError> {
    let expected = format!(
        "--webhook-url {} is not an http:// or https:// URL; give one such as \
         http://127.0.0.1:3000/webhooks",
        redact_url(value)
    );
    match reqwest::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(()),
        Ok(url) => Err(UsageError(format!("{expected} (not {}://)", url.scheme()))),
        Err(error) => Err(UsageError(format!("{expected} ({error})"))),
    }
}

/// Why the simulator did not start, said once, with what to do about a taken port.
fn start_error(error: idenfy_sim::SimError) -> anyhow::Error {
    match &error {
        idenfy_sim::SimError::Bind { addr, source }
            if source.kind() == std::io::ErrorKind::AddrInUse =>
        {
            anyhow::anyhow!(
                "cannot listen on {addr}: another process already listens there; stop it, or \
                 pick another --addr (port 0 picks a free one)"
            )
        }
        _ => anyhow::Error::new(error).context("cannot start the simulator"),
    }
}

/// A delivery delay in milliseconds, at most the simulator's limit.
fn parse_delay(value: &str) -> Result<u64, String> {
    let max = millis(idenfy_sim::assumptions::MAX_DELIVERY_DELAY);
    match value.parse::<u64>() {
        Ok(ms) if ms <= max => Ok(ms),
        _ => Err(format!(
            "expected milliseconds from 0 to {max}, got {value:?}"
        )),
    }
}

/// A probability from 0 to 1.
fn parse_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("expected a probability from 0 to 1, got {value:?}")),
    }
}

/// Parses `dev`, `DEMO`, `Test`, `prod`.
fn parse_environment(value: &str) -> Result<Environment, String> {
    let environment = Environment::from_any_case(value);
    if environment.is_known() {
        Ok(environment)
    } else {
        Err(format!(
            "unknown environment {value:?}: use dev, demo, test or prod"
        ))
    }
}

/// Shutdown signals, installed before the server announces itself so none is missed.
mod signals {
    use std::future::Future;

    /// Completes on the first SIGINT or SIGTERM (Ctrl-C elsewhere).
    #[cfg(unix)]
    pub fn shutdown() -> std::io::Result<impl Future<Output = ()>> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }

    /// Completes on Ctrl-C.
    #[cfg(not(unix))]
    pub fn shutdown() -> std::io::Result<impl Future<Output = ()>> {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
