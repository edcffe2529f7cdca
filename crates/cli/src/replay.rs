//! `idenfy-testkit replay`: sends the requests of a replay file written by `fuzz --out` again,
//! byte for byte, with their signatures, and checks the answers (and, with `--probe`, what the
//! system then holds), so a fuzz failure becomes a regression test in any language.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use idenfy_live::{ReplayOptions, replay_file};
use idenfy_model::support::redact_url;

use crate::exit::{FAILURE, UsageError};
use crate::fuzz::{ProbeArgs, setup_url};
use crate::output::Stdout;
use crate::tls::SendArgs;
use crate::trigger::parse_endpoint;

/// Settings of `replay`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit replay fuzz-failures/idenfy-fuzz-seed7.json --to http://127.0.0.1:3000/webhooks/idenfy\n  \
    idenfy-testkit replay case.json --to http://127.0.0.1:3000/webhooks/idenfy \\\n    \
      --probe 'http://127.0.0.1:3000/test/idenfy/{scanRef}' --expect APPROVED=verified\n\n\
    Start from a fresh system: the file's scanRefs are fixed.\n\
    Exit code 0 when every webhook got a 2xx (and the probe shows the expected decisions), 1 otherwise,\n\
    2 for a wrong command line.")]
pub struct ReplayArgs {
    /// A replay file written by `idenfy-testkit fuzz --out DIR`
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Your webhook endpoint
    #[arg(long, value_name = "URL")]
    to: String,
    #[command(flatten)]
    probe: ProbeArgs,
    /// POSTed {"scanRef","clientId","externalRef"} before the webhooks
    #[arg(long, value_name = "URL")]
    setup_url: Option<String>,
    /// Print the report as JSON on stdout
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    sending: SendArgs,
}

/// Replays the file and reports.
pub fn run(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let to = parse_endpoint(&args.to)?;
    let mut options = ReplayOptions::default()
        .probe(args.probe.build()?)
        .setup_url(setup_url(args.setup_url.as_deref())?);
    options.timeout = args.sending.timeout();
    options.trust = args.sending.trust()?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let report = runtime
        .block_on(replay_file(&args.file, &to, &options))
        .map_err(|error| match error {
            // The command line named a file that is not a replay file.
            idenfy_live::Error::ReplayFile { .. } => UsageError(error.to_string()).into(),
            other => anyhow::Error::from(other),
        })?;
    let mut out = Stdout::lock();
    if args.json {
        out.json_line(&report)?;
    } else {
        out.line(&format!(
            "replayed {} to {}",
            args.file.display(),
            redact_url(to.as_str())
        ))?;
        for (number, step) in report.steps.iter().enumerate() {
            let answer = step.status.map_or_else(
                || format!("no answer: {}", step.no_answer.as_deref().unwrap_or("?")),
                |status| status.to_string(),
            );
            out.line(&format!(
                "  {:>2}. scanRef {}  {}  {}  -> {answer} (expected 2xx)",
                number + 1,
                step.scan_ref,
                step.event,
                step.label
            ))?;
        }
        for probe in &report.probes {
            out.line(&format!(
                "  probe scanRef {}: says {:?}, expected {:?}",
                probe.scan_ref, probe.got, probe.expected
            ))?;
        }
        match &report.failure {
            Some(failure) => out.line(&format!("FAILED: {failure}"))?,
            None => out.line("passed")?,
        }
    }
    out.finish()?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILURE)
    })
}
