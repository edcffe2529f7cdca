//! `idenfy-testkit trigger --battery`: runs `idenfy_live::webhook::battery` against an endpoint
//! and prints its grade: a table and a conclusion that says what to fix (with its own hint for
//! a crash, a 404 and a redirect), or one JSON line; exit code 1 unless the endpoint accepted
//! every genuine webhook and refused every forgery without crashing. The cases and their
//! grading live in the library; this module only words and lays them out.

use std::process::ExitCode;

use idenfy_live::webhook::battery::{Case, Expected, Grade, Verdict, run_battery};
use idenfy_model::support::redact_url;
use idenfy_model::{DummyStatus, SigningKey};
use idenfy_sender::{Sender, Url};
use serde::Serialize;

use crate::exit::FAILURE;
use crate::output::Stdout;
use crate::trigger::explain_no_answer;
use crate::webhook_choice::WebhookChoice;

/// One graded case, as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GradedJson {
    case: Case,
    description: &'static str,
    expected: Expected,
    /// The HTTP status, when the endpoint answered.
    status: Option<u16>,
    /// Whether it answered 2xx.
    accepted: bool,
    /// The `Location` of a redirect it answered.
    location: Option<String>,
    /// Why no answer came.
    error: Option<String>,
    verdict: Verdict,
}

/// The whole grade, as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GradeJson<'a> {
    /// Without user info ([`redact_url`]).
    url: String,
    event: &'a str,
    passed: bool,
    cases: Vec<GradedJson>,
    wrongly_accepted: Vec<Case>,
    wrongly_refused: Vec<Case>,
    crashed: Vec<Case>,
    warnings: Vec<Case>,
}

/// Grades the endpoint at `url` with webhooks signed by `key` (the chosen webhook, the
/// `DENIED` auto webhook by default), and prints a table (or JSON); exit code 1 unless it
/// passed.
pub async fn run(
    sender: &Sender,
    url: &Url,
    key: &SigningKey,
    choice: &WebhookChoice,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let webhook = if choice.is_given() {
        choice.generate()
    } else {
        WebhookChoice {
            auto: Some(DummyStatus::Denied),
            ..choice.clone()
        }
        .generate()
    };
    let grade = run_battery(sender, url, key, &webhook.event, &webhook.webhook)
        .await
        .map_err(|no_answer| {
            explain_no_answer(url, &no_answer).context("the battery's first webhook got no answer")
        })?;
    let json_grade = to_json(&grade);
    let mut out = Stdout::lock();
    if json {
        out.json_line(&json_grade)?;
    } else {
        out.bytes(table(&json_grade.cases).as_bytes())?;
        out.bytes(conclusion(&json_grade).as_bytes())?;
    }
    out.finish()?;
    Ok(if json_grade.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILURE)
    })
}

/// The grade as `--json` prints it, with each missing answer in words.
fn to_json(grade: &Grade) -> GradeJson<'_> {
    GradeJson {
        url: redact_url(grade.url.as_str()),
        event: grade.event.as_str(),
        passed: grade.passed(),
        cases: grade
            .cases
            .iter()
            .map(|graded| GradedJson {
                case: graded.case,
                description: graded.case.description(),
                expected: graded.case.expected(),
                status: graded.status(),
                accepted: graded.accepted(),
                location: graded.location().map(str::to_owned),
                error: graded
                    .answer
                    .as_ref()
                    .err()
                    .map(|no_answer| explain_no_answer(&grade.url, no_answer).to_string()),
                verdict: graded.verdict,
            })
            .collect(),
        wrongly_accepted: grade.wrongly_accepted(),
        wrongly_refused: grade.wrongly_refused(),
        crashed: grade.crashed(),
        warnings: grade.warnings(),
    }
}

/// One row per case: case, what it sends, expected answer, answer, verdict.
fn table(cases: &[GradedJson]) -> String {
    let header = ["case", "sends", "expected", "got", "verdict"].map(str::to_owned);
    let rows: Vec<[String; 5]> = cases
        .iter()
        .map(|graded| {
            let got = graded
                .status
                .map_or_else(|| "no answer".to_owned(), |status| status.to_string());
            [
                graded.case.name().to_owned(),
                graded.description.to_owned(),
                graded.expected.description().to_owned(),
                got,
                verdict_label(graded.verdict).to_owned(),
            ]
        })
        .collect();
    let mut widths = header.clone().map(|cell| cell.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut table = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        table.push_str(cells.join("  ").trim_end());
        table.push('\n');
    }
    table
}

/// The verdict in words, with what to fix.
fn conclusion(grade: &GradeJson<'_>) -> String {
    let mut text = String::from("\n");
    for graded in &grade.cases {
        if let Some(error) = &graded.error {
            text.push_str(&format!(
                "note: {} got no answer: {error}\n",
                graded.case.name()
            ));
        }
    }
    if grade.passed {
        text.push_str(&format!(
            "PASSED: {} accepted every genuine webhook and refused every forgery.\n",
            grade.url
        ));
    } else {
        text.push_str(&format!("FAILED: {}\n", grade.url));
    }
    if !grade.wrongly_refused.is_empty() {
        text.push_str(&refusal_hints(grade));
    }
    if !grade.wrongly_accepted.is_empty() {
        text.push_str(&format!(
            "  it accepted webhooks it must refuse: {}\n  verify Idenfy-Signature as the \
             lower-case hex HMAC-SHA256 of the raw body bytes (before any JSON parsing) with \
             your signing key, compare in constant time, and answer 401 when it differs\n",
            names(&grade.wrongly_accepted)
        ));
    }
    if !grade.crashed.is_empty() {
        text.push_str(&format!(
            "  it crashed (5xx) on webhooks it must refuse: {}\n  a crash is not a refusal: \
             iDenfy retries 5xx answers; check the signature before anything that can fail \
             and answer 401 when it differs\n",
            names(&grade.crashed)
        ));
    }
    for graded in grade
        .cases
        .iter()
        .filter(|graded| graded.verdict == Verdict::Warning && graded.accepted)
    {
        let warning = match graded.case.expected() {
            Expected::RefuseOrLenient => format!(
                "WARNING: it accepted the signature in upper-case hex ({}); iDenfy sends \
                 lower-case, so this is lenient, not unsafe, as long as the whole digest is \
                 compared in constant time\n",
                graded.case
            ),
            _ => format!(
                "WARNING: it accepted an exact replay ({}); iDenfy's signature has no \
                 timestamp, so make sure a second webhook for the same scanRef and event is \
                 not acted on twice\n",
                graded.case
            ),
        };
        text.push_str(&warning);
    }
    text
}

/// What to fix when genuine webhooks were refused, by how they were refused: a redirect (with
/// its `Location`), a 404, a 5xx or no answer, or a refusal of some body styles only (a
/// verifier of re-serialized JSON), or of all of them (the wrong key).
fn refusal_hints(grade: &GradeJson<'_>) -> String {
    let genuine = || {
        grade
            .cases
            .iter()
            .filter(|graded| graded.expected == Expected::Accept)
    };
    let refused = || genuine().filter(|graded| graded.verdict == Verdict::Fail);
    let mut text = String::new();
    let mut explained = false;
    if let Some(redirect) = refused().find(|graded| {
        graded
            .status
            .is_some_and(|status| (300..400).contains(&status))
    }) {
        explained = true;
        text.push_str(&format!(
            "  it answered a redirect ({}) to Location: {}\n  iDenfy does not follow \
             redirects: configure the final URL (scheme, host, path, trailing slash) as the \
             webhook URL\n",
            redirect.status.unwrap_or_default(),
            redirect.location.as_deref().unwrap_or("(none given)")
        ));
    }
    if refused().any(|graded| graded.status == Some(404)) {
        explained = true;
        text.push_str(
            "  it answered 404 Not Found to a genuine webhook: check the path of --to against \
             the route your app serves webhooks on (and that it accepts POST)\n",
        );
    }
    if let Some(crash) = refused().find(|graded| graded.status.is_some_and(|status| status >= 500))
    {
        explained = true;
        text.push_str(&format!(
            "  it answered {} to a genuine webhook: its handler fails on a valid webhook (a \
             crash, not a signature refusal); iDenfy retries 5xx, then shows the person a \
             failure page: check its log\n",
            crash.status.unwrap_or_default()
        ));
    }
    if refused().any(|graded| graded.status.is_none()) {
        explained = true;
        text.push_str(
            "  it gave no answer to a genuine webhook (see the error column): it must answer \
             2xx within the time limit, keeping slow work for after the answer\n",
        );
    }
    if explained {
        return text;
    }
    let accepted: Vec<Case> = genuine()
        .filter(|graded| graded.verdict == Verdict::Pass)
        .map(|graded| graded.case)
        .collect();
    if accepted.is_empty() {
        text.push_str(
            "  it refused every correctly signed webhook: check that it verifies with the same \
             signing key, over the raw body bytes, and answers 2xx\n",
        );
    } else {
        text.push_str(&format!(
            "  it refused correctly signed webhooks ({}) while accepting others ({}): it \
             verifies bytes other than those it received (re-serialized or re-encoded JSON); \
             compute the HMAC over the raw request body, before any JSON parsing\n",
            names(&grade.wrongly_refused),
            names(&accepted)
        ));
    }
    text
}

/// The cases' names, comma-separated.
fn names(cases: &[Case]) -> String {
    cases
        .iter()
        .map(|case| case.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How the table shows a verdict.
fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "PASS",
        Verdict::Warning => "WARNING",
        Verdict::Fail => "FAIL",
    }
}
