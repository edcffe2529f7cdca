//! The fuzz runner: proptest's `TestRunner` over `idenfy_gen`'s delivery
//! plans on a blocking thread, each execution's requests sent on the caller's runtime, the
//! minimal failure kept with what was sent and answered.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::time::Duration;

use idenfy_gen::WebhookDefaults;
use idenfy_gen::delivery::{
    DeliveryLimits, DeliveryPlan, DeliverySequence, ManualValue, arb_delivery_sequence,
};
use idenfy_model::SigningKey;
use idenfy_model::decision::more_trusting;
use idenfy_sender::{Trust, Url};
use proptest::test_runner::{Config, TestCaseError, TestError};
use serde::Serialize;
use tokio::runtime::Handle;

use super::exchange::{ProbeReport, Property, StepReport, Wire, judge};
use super::replay::{REPLAY_FORMAT, REPLAY_VERSION, ReplayFile, ReplayStep, ReplayVerification};
use crate::Error;
use crate::probe::Probe;

/// Cases a run tries when not told otherwise.
pub const DEFAULT_CASES: u32 = 100;
/// Most shrinking steps a failure gets.
pub const DEFAULT_MAX_SHRINK_ITERS: u32 = 400;

/// What to fuzz and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FuzzConfig {
    /// The webhook endpoint.
    pub to: Url,
    /// The key every webhook is signed with.
    pub key: SigningKey,
    /// The body values iDenfy's docs leave open (the simulator's are
    /// `idenfy_sim::assumptions::WEBHOOK_DEFAULTS`).
    pub defaults: WebhookDefaults,
    /// Where to ask what the system holds; without it only the answers are checked.
    pub probe: Option<Probe>,
    /// Where to register each verification before its webhooks, when the endpoint only takes
    /// webhooks for verifications it knows.
    pub setup_url: Option<Url>,
    /// Cases to try ([`DEFAULT_CASES`]).
    pub cases: u32,
    /// The seed of the cases.
    pub seed: u64,
    /// The salt of the `scanRef`s: a new one per run keeps runs apart.
    pub salt: u64,
    /// Whether to run the metamorphic check (it needs a probe).
    pub metamorphic: bool,
    /// Time limit of each request.
    pub timeout: Duration,
    /// Which HTTPS certificates the endpoint, the probe and the setup URL may present.
    pub trust: Trust,
    /// How large a case may be.
    pub limits: DeliveryLimits,
    /// Most shrinking steps ([`DEFAULT_MAX_SHRINK_ITERS`]).
    pub max_shrink_iters: u32,
}

/// Where a run is, for progress output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FuzzProgress {
    /// `passed` of `of` cases passed so far.
    Case {
        /// Cases passed.
        passed: u32,
        /// Cases to try.
        of: u32,
    },
    /// A case failed; shrinking step `attempt` is running.
    Shrinking {
        /// Shrinking steps so far.
        attempt: u32,
    },
}

/// What a run found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FuzzReport {
    /// The seed of the cases.
    pub seed: u64,
    /// The salt of the `scanRef`s.
    pub salt: u64,
    /// Cases that passed before the first failure (or all of them).
    pub cases_passed: u32,
    /// Webhooks sent, shrinking included.
    pub webhooks_sent: u64,
    /// The minimal failing case, or `None` when every case passed.
    pub failure: Option<FuzzFailure>,
}

/// The minimal failing case.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FuzzFailure {
    /// The broken property.
    pub property: Property,
    /// What broke it, in words.
    pub message: String,
    /// Verifications in the case.
    pub verifications: usize,
    /// Webhooks in the case.
    pub webhooks: usize,
    /// Shrinking steps tried.
    pub shrink_steps: u32,
    /// How the endpoint answered each step.
    pub steps: Vec<StepReport>,
    /// What the probe said.
    pub probes: Vec<ProbeReport>,
    /// The case written down, for [`replay_file`].
    pub replay: ReplayFile,
}

impl FuzzConfig {
    /// [`DEFAULT_CASES`] cases of seed 0 sent to `to`, signed with `key`, bodies made with
    /// `defaults`; a random salt, no probe, no setup URL, metamorphic check on (it runs only
    /// with a probe), 10 s per request.
    pub fn new(to: Url, key: SigningKey, defaults: WebhookDefaults) -> Self {
        Self {
            to,
            key,
            defaults,
            probe: None,
            setup_url: None,
            cases: DEFAULT_CASES,
            seed: 0,
            salt: rand::random(),
            metamorphic: true,
            timeout: Duration::from_secs(10),
            trust: Trust::default(),
            limits: DeliveryLimits::default(),
            max_shrink_iters: DEFAULT_MAX_SHRINK_ITERS,
        }
    }
}

impl FuzzReport {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Runs `config.cases` cases against the endpoint and shrinks the first failure.
///
/// ```no_run
/// # async fn example() -> Result<(), idenfy_live::Error> {
/// use idenfy_gen::WebhookDefaults;
/// use idenfy_live::{FuzzConfig, fuzz_endpoint};
/// use idenfy_model::{Platform, SigningKey};
///
/// let defaults = WebhookDefaults {
///     processing_seconds: 42,
///     platform: Platform::Pc,
///     client_ip: "192.0.2.10",
///     file_url_base: "https://files.example.test",
/// };
/// let to = "http://127.0.0.1:3000/webhooks/idenfy".parse().expect("a URL");
/// let config = FuzzConfig::new(to, SigningKey::new("my-signing-key"), defaults);
/// let report = fuzz_endpoint(config).await?;
/// if let Some(failure) = &report.failure {
///     panic!("{failure}");
/// }
/// # Ok(()) }
/// ```
pub async fn fuzz_endpoint(config: FuzzConfig) -> Result<FuzzReport, Error> {
    fuzz_endpoint_with_progress(config, |_| {}).await
}

/// [`fuzz_endpoint`], telling `progress` after every case and shrinking step.
pub async fn fuzz_endpoint_with_progress(
    config: FuzzConfig,
    progress: impl Fn(&FuzzProgress) + Send + 'static,
) -> Result<FuzzReport, Error> {
    let handle = Handle::current();
    // proptest's runner is synchronous: it runs on a blocking thread and waits for each
    // case's requests on this runtime.
    tokio::task::spawn_blocking(move || fuzz_blocking(&handle, &config, &progress))
        .await
        .expect("the fuzz thread does not panic")
}

fn fuzz_blocking(
    handle: &Handle,
    config: &FuzzConfig,
    progress: &dyn Fn(&FuzzProgress),
) -> Result<FuzzReport, Error> {
    let run = Run {
        config,
        wire: Wire::new(
            config.to.clone(),
            config.setup_url.clone(),
            config.timeout,
            &config.trust,
        )?,
        handle,
        progress,
        executions: Cell::new(0),
        webhooks_sent: Cell::new(0),
        contacted: Cell::new(false),
        probed: Cell::new(false),
        passed: Cell::new(0),
        shrink_steps: Cell::new(0),
        failure: RefCell::new(None),
        aborted: RefCell::new(None),
    };
    let mut runner = idenfy_gen::runner_from_seed_with(
        config.seed,
        Config {
            cases: config.cases,
            failure_persistence: None,
            max_shrink_iters: config.max_shrink_iters,
            ..Config::default()
        },
    );
    let outcome = runner.run(&arb_delivery_sequence(config.limits), |plan| {
        run.execute(&plan)
    });
    if let Some(error) = run.aborted.take() {
        return Err(error);
    }
    let failure = match outcome {
        Ok(()) => None,
        Err(TestError::Fail(..)) => run.failure.take(),
        Err(TestError::Abort(reason)) => {
            unreachable!("delivery plans are never rejected: {reason}")
        }
    };
    Ok(FuzzReport {
        seed: config.seed,
        salt: config.salt,
        cases_passed: run.passed.get(),
        webhooks_sent: run.webhooks_sent.get(),
        failure,
    })
}

/// The state of one run, shared by its executions (all on one thread).
struct Run<'a> {
    config: &'a FuzzConfig,
    wire: Wire,
    handle: &'a Handle,
    progress: &'a dyn Fn(&FuzzProgress),
    executions: Cell<u64>,
    webhooks_sent: Cell<u64>,
    contacted: Cell<bool>,
    probed: Cell<bool>,
    passed: Cell<u32>,
    shrink_steps: Cell<u32>,
    failure: RefCell<Option<FuzzFailure>>,
    aborted: RefCell<Option<Error>>,
}

/// What one execution sent and got.
#[derive(Default)]
struct Sent {
    salt: u64,
    verifications: Vec<ReplayVerification>,
    steps: Vec<ReplayStep>,
    reports: Vec<StepReport>,
    probes: Vec<ProbeReport>,
}

impl Sent {
    /// Adds what `later` sent and got, after this.
    fn absorb(&mut self, later: Sent) {
        self.verifications.extend(later.verifications);
        self.steps.extend(later.steps);
        self.reports.extend(later.reports);
        self.probes.extend(later.probes);
    }
}

impl Run<'_> {
    /// One execution of `plan`, as proptest sees it.
    fn execute(&self, plan: &DeliveryPlan) -> Result<(), TestCaseError> {
        if self.aborted.borrow().is_some() {
            return Ok(()); // let shrinking end at once: nothing more is sent
        }
        let shrinking = self.failure.borrow().is_some();
        if shrinking {
            let attempt = self.shrink_steps.get() + 1;
            self.shrink_steps.set(attempt);
            (self.progress)(&FuzzProgress::Shrinking { attempt });
        }
        match self.handle.block_on(self.run_case(plan)) {
            Ok(None) => {
                if !shrinking {
                    self.passed.set(self.passed.get() + 1);
                    (self.progress)(&FuzzProgress::Case {
                        passed: self.passed.get(),
                        of: self.config.cases,
                    });
                }
                Ok(())
            }
            Ok(Some(failure)) => {
                let message = failure.message.clone();
                *self.failure.borrow_mut() = Some(failure);
                Err(TestCaseError::fail(message))
            }
            Err(error) => {
                let message = error.to_string();
                *self.aborted.borrow_mut() = Some(error);
                Err(TestCaseError::fail(message))
            }
        }
    }

    /// Sends `plan` (and its metamorphic variant); `Ok(Some(..))` when a property broke,
    /// `Err` when the run cannot go on (nothing listening, a probe that never works).
    async fn run_case(&self, plan: &DeliveryPlan) -> Result<Option<FuzzFailure>, Error> {
        let mut sent = Sent::default();
        self.send(plan, &mut sent).await?;
        if let Some((property, message)) = judge(&sent.reports) {
            return Ok(Some(self.failed(property, message, sent)));
        }
        let Some(probe) = &self.config.probe else {
            return Ok(None);
        };
        match self.wire.probe(probe, &sent.verifications).await {
            Ok(probes) => sent.probes = probes,
            Err(error) if !self.probed.get() => return Err(error),
            Err(error) => {
                return Ok(Some(self.failed(
                    Property::Decision,
                    error.to_string(),
                    sent,
                )));
            }
        }
        self.probed.set(true);
        // The metamorphic relation first: when it breaks, it says more than the decision.
        if self.config.metamorphic
            && let Some((property, message, variant)) = self.metamorphic(plan, probe, &sent).await?
        {
            sent.absorb(variant);
            return Ok(Some(self.failed(property, message, sent)));
        }
        if let Some(wrong) = sent.probes.iter().find(|report| !report.matches()) {
            let message = wrong.describe();
            return Ok(Some(self.failed(Property::Decision, message, sent)));
        }
        Ok(None)
    }

    /// The metamorphic check of `plan`, whose execution `sent` was answered 2xx throughout:
    /// the broken property, its message and what the variant sent, or `None`.
    async fn metamorphic(
        &self,
        plan: &DeliveryPlan,
        probe: &Probe,
        sent: &Sent,
    ) -> Result<Option<(Property, String, Sent)>, Error> {
        let value = match plan.verifications[0].verification.start_time % 2 {
            0 => ManualValue::Face,
            _ => ManualValue::Document,
        };
        let Some((variant, index)) = plan.failing_variant(value) else {
            return Ok(None);
        };
        let original = &sent.verifications[index].scan_ref;
        let Some(before) = sent
            .probes
            .iter()
            .find(|report| &report.scan_ref == original)
        else {
            return Ok(None);
        };
        let mut changed = Sent::default();
        self.send(&variant, &mut changed).await?;
        if let Some((property, message)) = judge(&changed.reports) {
            return Ok(Some((property, message, changed)));
        }
        let verification = changed.verifications[index].clone();
        let after = match probe.read(self.wire.http(), &verification.scan_ref).await {
            Ok(word) => word,
            Err(error) => return Ok(Some((Property::Decision, error.to_string(), changed))),
        };
        let expectations = probe.expectations();
        changed.probes.push(ProbeReport {
            scan_ref: verification.scan_ref.clone(),
            expected: verification
                .expected
                .as_ref()
                .map_or_else(String::new, |decision| expectations.word(decision)),
            got: after.clone(),
        });
        let (Some(trusted_before), Some(trusted_after)) = (
            expectations.status_of(&before.got),
            expectations.status_of(&after),
        ) else {
            return Ok(None);
        };
        if !more_trusting(&trusted_after, &trusted_before) {
            return Ok(None);
        }
        let what = match value {
            ManualValue::Face => "face value FACE_MATCH by FACE_MISMATCH",
            ManualValue::Document => "document value DOC_VALIDATED by DOC_NOT_FOUND",
        };
        let message = format!(
            "replacing the last review's {what} (scanRef {} instead of {original}) left the \
             system more trusting: it holds {after:?} ({trusted_after}) after, {:?} \
             ({trusted_before}) before",
            verification.scan_ref, before.got
        );
        Ok(Some((Property::Metamorphic, message, changed)))
    }

    /// Signs `plan` with a fresh salt, registers its verifications and sends its steps,
    /// adding everything to `sent`.
    async fn send(&self, plan: &DeliveryPlan, sent: &mut Sent) -> Result<(), Error> {
        let execution = self.executions.get();
        self.executions.set(execution + 1);
        let salt = mix(self.config.salt, execution);
        let sequence = plan
            .sign(&self.config.key, &self.config.defaults, salt)
            .expect("webhook bodies always serialize");
        let (verifications, steps) = replay_parts(&sequence);
        if sent.steps.is_empty() {
            sent.salt = salt;
        }
        self.wire.set_up(&verifications).await?;
        let reports = self.wire.send(&steps, !self.contacted.get()).await?;
        self.contacted.set(true);
        self.webhooks_sent
            .set(self.webhooks_sent.get() + steps.len() as u64);
        sent.verifications.extend(verifications);
        sent.steps.extend(steps);
        sent.reports.extend(reports);
        Ok(())
    }

    fn failed(&self, property: Property, message: String, sent: Sent) -> FuzzFailure {
        let replay = ReplayFile {
            format: REPLAY_FORMAT.to_owned(),
            version: REPLAY_VERSION,
            seed: self.config.seed,
            salt: sent.salt,
            failure: message.clone(),
            verifications: sent.verifications,
            steps: sent.steps,
        };
        FuzzFailure {
            property,
            message,
            verifications: replay.verifications.len(),
            webhooks: replay.steps.len(),
            shrink_steps: self.shrink_steps.get(),
            steps: sent.reports,
            probes: sent.probes,
            replay,
        }
    }
}

/// The replay-file view of a signed sequence.
fn replay_parts(sequence: &DeliverySequence) -> (Vec<ReplayVerification>, Vec<ReplayStep>) {
    let verifications = sequence
        .verifications
        .iter()
        .map(|verification| ReplayVerification {
            scan_ref: verification.scan_ref.clone(),
            client_id: verification.client_id.clone(),
            external_ref: verification.external_ref.clone(),
            expected: verification.expected.clone(),
        })
        .collect();
    let steps = sequence
        .steps
        .iter()
        .map(|step| ReplayStep {
            scan_ref: sequence.verifications[step.verification].scan_ref.clone(),
            label: step.label.clone(),
            event: step.webhook.event.as_str().to_owned(),
            body: step.webhook.body_text().to_owned(),
            signature: step.webhook.signature.clone(),
            expected: "2xx".to_owned(),
        })
        .collect();
    (verifications, steps)
}

/// The salt of execution `execution` of a run salted `salt` (SplitMix64's finalizer).
fn mix(salt: u64, execution: u64) -> u64 {
    let mut z = salt ^ execution.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl fmt::Display for FuzzFailure {
    /// The failure for people: the property, the message, then every step with its answer
    /// and every probe with what was expected.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        writeln!(f, "property broken: {}", self.property.describe())?;
        writeln!(f, "  {}", self.message)?;
        writeln!(
            f,
            "minimal case ({}, {}; {} shrinking steps), sent in this order:",
            plural(self.verifications, "verification"),
            plural(self.webhooks, "webhook"),
            self.shrink_steps
        )?;
        for (number, step) in self.steps.iter().enumerate() {
            let answer = match (&step.status, &step.no_answer) {
                (Some(status), _) => status.to_string(),
                (None, Some(why)) => format!("no answer: {why}"),
                (None, None) => "no answer".to_owned(),
            };
            writeln!(
                f,
                "  {:>2}. scanRef {}  {}  {}  -> {answer}",
                number + 1,
                step.scan_ref,
                step.event,
                step.label
            )?;
        }
        for probe in &self.probes {
            let verdict = if probe.matches() { "ok" } else { "WRONG" };
            writeln!(
                f,
                "  probe scanRef {}: says {:?}, expected {:?} ({verdict})",
                probe.scan_ref, probe.got, probe.expected
            )?;
        }
        Ok(())
    }
}
