//! `gen add-dummy-status`: the `POST /api/v2/add-dummy-status` body for one verification and one
//! manual result, or for every manual result the endpoint accepts, one per line.

use clap::{ArgGroup, Args};
use idenfy_model::{AddDummyStatusRequest, DocumentStatus, FaceStatus};

use crate::exit::UsageError;
use crate::output::Stdout;
use crate::values;

/// Settings of `gen add-dummy-status`.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("result").required(true).args(["face", "all"])),
    after_help = "Examples:\n  \
    idenfy-testkit gen add-dummy-status --scan-ref 5c8d7f7e-4b1a-4c3e-9f0a-2d6b8e1c3a57 --face FACE_MATCH --doc DOC_VALIDATED\n  \
    idenfy-testkit gen add-dummy-status --scan-ref 5c8d7f7e-4b1a-4c3e-9f0a-2d6b8e1c3a57 --all | wc -l\n\n\
    Each line is {\"scanRef\", \"manualFaceMatchResult\", \"manualDocumentValidity\"}; --all gives\n\
    the 11 x 28 = 308 accepted pairs, face first."
)]
pub struct AddDummyStatusArgs {
    /// The verification, from a token created with `dummyStatus`
    #[arg(long, value_name = "SCAN_REF")]
    scan_ref: String,
    /// Manual face result (needs --doc)
    #[arg(long, value_name = "FACE", requires = "doc", ignore_case = true, value_parser = values::face())]
    face: Option<FaceStatus>,
    /// Manual document result (needs --face)
    #[arg(long, value_name = "DOC", requires = "face", ignore_case = true, value_parser = values::document())]
    doc: Option<DocumentStatus>,
    /// Every accepted (face, document) pair instead of one
    #[arg(long, conflicts_with_all = ["face", "doc"])]
    all: bool,
}

/// Writes the bodies, after checking each as the endpoint would (only the `scanRef` can be
/// wrong: the parsers let through accepted results only).
pub fn run(args: AddDummyStatusArgs) -> anyhow::Result<()> {
    let pairs: Vec<(&FaceStatus, &DocumentStatus)> = match (&args.face, &args.doc) {
        (Some(face), Some(document)) => vec![(face, document)],
        _ => FaceStatus::DUMMY_MANUAL
            .iter()
            .flat_map(|face| {
                DocumentStatus::DUMMY_MANUAL
                    .iter()
                    .map(move |doc| (face, doc))
            })
            .collect(),
    };
    let mut out = Stdout::lock();
    for (face, document) in pairs {
        let request = AddDummyStatusRequest {
            scan_ref: args.scan_ref.clone(),
            manual_face_match_result: face.clone(),
            manual_document_validity: document.clone(),
        };
        let violations = request.validate();
        if !violations.is_empty() {
            let messages: Vec<String> = violations.into_iter().map(|v| v.message).collect();
            return Err(UsageError(format!(
                "the endpoint would refuse --scan-ref {:?}: {}",
                args.scan_ref,
                messages.join(" ")
            ))
            .into());
        }
        out.json_line(&request)?;
    }
    out.finish()
}
