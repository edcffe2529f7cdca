//! `idenfy-testkit fuzz`: property-based testing of a team's own webhook endpoint with
//! `idenfy_live::fuzz_endpoint`: progress on stderr, the minimal failing case (or a summary)
//! on stdout, or the JSON report with `--json`, and the replay file in `--out`. The probe flags
//! (`--probe`, `--probe-pointer`, `--expect`) live here and are shared with `replay`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use idenfy_live::probe::{DEFAULT_POINTER, Expectations, Probe};
use idenfy_live::{FuzzConfig, FuzzProgress, FuzzReport, fuzz_endpoint_with_progress};
use idenfy_model::SigningKey;
use idenfy_model::support::redact_url;
use idenfy_sender::Url;
use serde::Serialize;

use crate::exit::{FAILURE, UsageError};
use crate::output::Stdout;
use crate::tls::SendArgs;
use crate::trigger::parse_endpoint;
use crate::values;

/// Settings of `fuzz`. (No `Debug`: it holds the signing key.)
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit fuzz --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key\n  \
    idenfy-testkit fuzz --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key \\\n    \
      --probe 'http://127.0.0.1:3000/test/idenfy/{scanRef}' --expect APPROVED=verified --expect DENIED=rejected \\\n    \
      --out fuzz-failures --seed 7\n  \
    idenfy-testkit replay fuzz-failures/idenfy-fuzz-seed7.json --to http://127.0.0.1:3000/webhooks/idenfy\n\n\
    Each case sends genuine, signed webhooks for fresh scanRefs: automatic results, manual reviews,\n\
    duplicates, late retries, unknown tags and fields. Every webhook must get a 2xx (never a 5xx); with\n\
    --probe, what your system holds for each verification must be the reference decision, and a failing\n\
    manual value must never leave it more trusting (--no-metamorphic turns that check off). A failing\n\
    case is shrunk to a minimal one, printed, and written to --out as a replay file.\n\
    Exit code 0 when every case passed, 1 on a failure, 2 for a wrong command line.")]
pub struct FuzzArgs {
    /// Your webhook endpoint
    #[arg(long, value_name = "URL")]
    to: String,
    /// Key that signs the webhooks, as in the iDenfy dashboard
    #[arg(long, value_name = "KEY", env = "IDENFY_SIGNING_KEY", hide_env_values = true, value_parser = values::signing_key)]
    signing_key: Option<SigningKey>,
    #[command(flatten)]
    probe: ProbeArgs,
    /// POSTed {"scanRef","clientId","externalRef"} before a verification's webhooks, for
    /// endpoints that only take webhooks for verifications they know
    #[arg(long, value_name = "URL")]
    setup_url: Option<String>,
    /// Cases to try
    #[arg(long, value_name = "N", default_value_t = idenfy_live::DEFAULT_CASES, value_parser = clap::value_parser!(u32).range(1..))]
    cases: u32,
    /// Makes the cases reproducible [default: random, printed]
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Salt of the scanRefs, to repeat a run byte for byte [default: random]
    #[arg(long, value_name = "N", hide = true)]
    salt: Option<u64>,
    /// Print the report as JSON on stdout
    #[arg(long)]
    json: bool,
    /// Directory the replay file of a failure is written to
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Check that a failing manual value never leaves a more trusting decision [default: on
    /// with --probe]
    #[arg(long, overrides_with = "no_metamorphic")]
    metamorphic: bool,
    /// Turn the metamorphic check off
    #[arg(long, overrides_with = "metamorphic")]
    no_metamorphic: bool,
    #[command(flatten)]
    sending: SendArgs,
}

/// The probe flags of `fuzz` and `replay`.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// URL answering what your system holds for a verification, with {scanRef} in it, e.g.
    /// http://127.0.0.1:3000/test/idenfy/{scanRef}
    #[arg(long, value_name = "URL_TEMPLATE")]
    probe: Option<String>,
    /// JSON pointer of the value in the probe's answer
    #[arg(long, value_name = "POINTER", default_value = DEFAULT_POINTER, requires = "probe")]
    probe_pointer: String,
    /// Your word for an iDenfy overall status, e.g. APPROVED=verified (PENDING=... for a result
    /// awaiting manual review); unmapped statuses are compared as iDenfy's own word
    #[arg(long, value_name = "STATUS=VALUE", requires = "probe")]
    expect: Vec<String>,
}

impl ProbeArgs {
    /// The probe, or `None` without `--probe`; a wrong setting is a usage error.
    pub fn build(&self) -> Result<Option<Probe>, UsageError> {
        let Some(template) = &self.probe else {
            return Ok(None);
        };
        let usage = |error: idenfy_live::Error| UsageError(error.to_string());
        let expectations = Expectations::parse(&self.expect).map_err(usage)?;
        Probe::new(template, &self.probe_pointer, expectations)
            .map(Some)
            .map_err(usage)
    }
}

/// `--setup-url`, which must be an absolute `http` or `https` URL.
pub fn setup_url(given: Option<&str>) -> Result<Option<Url>, UsageError> {
    given
        .map(|url| {
            Url::parse(url)
                .ok()
                .filter(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host())
                .ok_or_else(|| {
                    UsageError(format!(
                        "--setup-url {:?} is not an absolute http:// or https:// URL",
                        redact_url(url)
                    ))
                })
        })
        .transpose()
}

/// What `fuzz --json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    to: String,
    passed: bool,
    replay_file: Option<String>,
    #[serde(flatten)]
    report: &'a FuzzReport,
}

/// Runs the fuzzer and reports.
pub fn run(args: FuzzArgs) -> anyhow::Result<ExitCode> {
    let key = values::require_signing_key(args.signing_key)?;
    let to = parse_endpoint(&args.to)?;
    let probe = args.probe.build()?;
    if args.metamorphic && probe.is_none() {
        return Err(UsageError(
            "--metamorphic needs --probe: it compares what your system holds".to_owned(),
        )
        .into());
    }
    let seed = values::seed_or_random(args.seed);
    let mut config = FuzzConfig::new(
        to.clone(),
        key,
        idenfy_sim::assumptions::WEBHOOK_DEFAULTS.clone(),
    );
    config.probe = probe;
    config.setup_url = setup_url(args.setup_url.as_deref())?;
    config.cases = args.cases;
    config.seed = seed;
    config.salt = args.salt.unwrap_or(config.salt);
    config.metamorphic = !args.no_metamorphic;
    config.timeout = args.sending.timeout();
    config.trust = args.sending.trust()?;
    eprintln!(
        "fuzzing {} with {} cases (seed {seed})",
        redact_url(to.as_str()),
        args.cases
    );
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let report = runtime.block_on(fuzz_endpoint_with_progress(config, show_progress))?;
    let replay_file = match (&report.failure, &args.out) {
        (Some(failure), Some(dir)) => Some(write_replay(dir, seed, &failure.replay)?),
        _ => None,
    };
    let summary = summary(&report, seed, replay_file.as_deref());
    let mut out = Stdout::lock();
    if args.json {
        out.json_line(&JsonReport {
            to: redact_url(to.as_str()),
            passed: report.passed(),
            replay_file: replay_file.as_ref().map(|path| path.display().to_string()),
            report: &report,
        })?;
        // People still read the outcome: stdout is the machines'.
        eprint!("{summary}");
    } else {
        out.bytes(summary.as_bytes())?;
    }
    out.finish()?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILURE)
    })
}

/// The outcome for people: the minimal failing case step by step, how to repeat it and where
/// its replay file is; or how many cases passed.
fn summary(report: &idenfy_live::FuzzReport, seed: u64, replay_file: Option<&Path>) -> String {
    let Some(failure) = &report.failure else {
        return format!(
            "all {} cases passed ({} webhooks sent; seed {seed})\n",
            report.cases_passed, report.webhooks_sent
        );
    };
    let mut text = failure.to_string();
    text.push_str(&format!(
        "after {} passing cases; seed {seed} (pass --seed {seed} to repeat)\n",
        report.cases_passed
    ));
    text.push_str(&match replay_file {
        Some(path) => format!(
            "replay file: {} (idenfy-testkit replay {} --to URL)\n",
            path.display(),
            path.display()
        ),
        None => "pass --out DIR to write the case as a replay file\n".to_owned(),
    });
    text
}

/// Progress lines on stderr: every tenth of the cases, and every 50 shrinking steps.
fn show_progress(progress: &FuzzProgress) {
    match *progress {
        FuzzProgress::Case { passed, of } if passed % (of / 10).max(1) == 0 || passed == of => {
            eprintln!("{passed}/{of} cases passed");
        }
        FuzzProgress::Shrinking { attempt } if attempt == 1 || attempt % 50 == 0 => {
            eprintln!("a case failed; shrinking it (step {attempt})");
        }
        _ => {}
    }
}

/// Writes `replay` to `dir/idenfy-fuzz-seed<seed>.json`, creating `dir`.
fn write_replay(
    dir: &Path,
    seed: u64,
    replay: &idenfy_live::ReplayFile,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("idenfy-fuzz-seed{seed}.json"));
    replay
        .write(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
