//! `gen matrix`: every (dummyStatus, manual face, manual document) triple the DEV environment
//! can force, one JSON object per line, with what the rules say each produces.

use clap::Args;
use idenfy_model::rules::{auto_result, overall_after_manual_review};
use idenfy_model::{OverallStatus, Triple, WebhookEventType};
use serde::Serialize;

use crate::output::Stdout;
use crate::triple_filter::TripleFilter;

/// Settings of `gen matrix`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit gen matrix | head -n 2\n  \
    idenfy-testkit gen matrix | grep '\"manualOverall\":\"APPROVED\"' | wc -l\n  \
    idenfy-testkit gen matrix --auto DENIED --doc DOC_VALIDATED\n\n\
    Each line is one triple with its expected results (from idenfy_model::rules):\n  \
    {\"auto\":\"APPROVED\",\"face\":\"FACE_MATCH\",\"document\":\"DOC_VALIDATED\",\n   \
    \"autoEvent\":\"IDENTIFICATION_AUTO_FINISHED\",\"autoOverall\":\"APPROVED\",\"manualOverall\":\"APPROVED\"}\n\
    4 x 11 x 28 = 1232 lines (fewer with --auto, --face or --doc), automatic result first, in the \
    order of the model's constant slices.")]
pub struct MatrixArgs {
    #[command(flatten)]
    filter: TripleFilter,
}

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
pub fn run(args: MatrixArgs) -> anyhow::Result<()> {
    let mut out = Stdout::lock();
    for triple in args.filter.triples() {
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
