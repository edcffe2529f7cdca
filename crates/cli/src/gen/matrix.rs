//! `gen matrix`: every (dummyStatus, manual face, manual document) triple the DEV environment
//! can force, one JSON object per line, with what the rules say each produces.

use clap::Args;
use idenfy_model::rules::{auto_result, overall_after_manual_review};
use idenfy_model::{OverallStatus, Triple, WebhookEventType, matrix};
use serde::Serialize;

use crate::output::Stdout;

/// Settings of `gen matrix` (none).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit gen matrix | head -n 2\n  \
    idenfy-testkit gen matrix | grep '\"manualOverall\":\"APPROVED\"' | wc -l\n\n\
    Each line is one triple with its expected results (from idenfy_model::rules):\n  \
    {\"auto\":\"APPROVED\",\"face\":\"FACE_MATCH\",\"document\":\"DOC_VALIDATED\",\n   \
    \"autoEvent\":\"IDENTIFICATION_AUTO_FINISHED\",\"autoOverall\":\"APPROVED\",\"manualOverall\":\"APPROVED\"}\n\
    4 x 11 x 28 = 1232 lines, automatic result first, in the order of the model's constant slices.")]
pub struct MatrixArgs {}

/// One line: the triple, then what its webhooks carry.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    #[serde(flatten)]
    triple: Triple,
    /// Event of the automatic-result webhook.
    auto_event: WebhookEventType,
    /// Overall status of the automatic result.
    auto_overall: OverallStatus,
    /// Overall status after the manual review.
    manual_overall: OverallStatus,
}

/// Writes the matrix.
pub fn run(_: MatrixArgs) -> anyhow::Result<()> {
    let mut out = Stdout::lock();
    for triple in matrix() {
        let auto = auto_result(&triple.auto).expect("the matrix holds accepted statuses only");
        let manual_overall = overall_after_manual_review(&triple.face, &triple.document);
        out.json_line(&Line {
            triple,
            auto_event: auto.event,
            auto_overall: auto.status.overall,
            manual_overall,
        })?;
    }
    out.finish()
}
