//! `idenfy-testkit trigger --battery`: runs `idenfy_live::webhook::battery` against an endpoint
//! and prints its grade: a table and a conclusion that says what to fix, or one JSON line;
//! exit code 1 unless the endpoint accepted exactly the valid webhook. The cases and their
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
    warnings: Vec<Case>,
}

/// Grades the endpoint at `url` with webhooks signed by `key` (the chosen webhook, the
/// `DENIED` auto webhook by default), and prints a table (or JSON); exit code 1 unless it
/// accepted exactly the valid webhook.
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
    let names = |cases: &[Case]| -> String {
        cases
            .iter()
            .map(|case| case.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
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
            "PASSED: {} accepted the correctly signed webhook and refused every forgery.\n",
            grade.url
        ));
    } else {
        text.push_str(&format!("FAILED: {}\n", grade.url));
    }
    if !grade.wrongly_refused.is_empty() {
        text.push_str(
            "  it refused the correctly signed webhook: check that it verifies with the same \
             signing key, over the raw body bytes, and answers 2xx\n",
        );
    }
    if !grade.wrongly_accepted.is_empty() {
        text.push_str(&format!(
            "  it accepted webhooks it must refuse: {}\n  verify Idenfy-Signature as the \
             lower-case hex HMAC-SHA256 of the raw body bytes (before any JSON parsing) with \
             your signing key, compare in constant time, and answer 401 when it differs\n",
            names(&grade.wrongly_accepted)
        ));
    }
    if !grade.warnings.is_empty() {
        text.push_str(&format!(
            "WARNING: it accepted an exact replay ({}); iDenfy's signature has no timestamp, \
             so make sure a second webhook for the same scanRef and event is not acted on \
             twice\n",
            names(&grade.warnings)
        ));
    }
    text
}

/// How the table shows a verdict.
fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "PASS",
        Verdict::Warning => "WARNING",
        Verdict::Fail => "FAIL",
    }
}
