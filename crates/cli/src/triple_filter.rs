//! `--auto`, `--face` and `--doc`: the flags that narrow the status matrix, shared by
//! `matrix` and `gen matrix`.

use clap::Args;
use idenfy_model::{DocumentStatus, DummyStatus, FaceStatus, Triple, matrix};

use crate::values;

/// Which triples to take; every one when no flag is given.
#[derive(Debug, Args)]
pub struct TripleFilter {
    /// Only triples with this automatic result
    #[arg(long, value_name = "STATUS", ignore_case = true, value_parser = values::dummy_status())]
    auto: Option<DummyStatus>,
    /// Only triples with this manual face result
    #[arg(long, value_name = "FACE", ignore_case = true, value_parser = values::face())]
    face: Option<FaceStatus>,
    /// Only triples with this manual document result
    #[arg(long, value_name = "DOC", ignore_case = true, value_parser = values::document())]
    doc: Option<DocumentStatus>,
}

impl TripleFilter {
    /// The matrix's triples that pass every given flag, in the matrix's order.
    pub fn triples(&self) -> Vec<Triple> {
        matrix()
            .into_iter()
            .filter(|triple| {
                self.auto.as_ref().is_none_or(|auto| *auto == triple.auto)
                    && self.face.as_ref().is_none_or(|face| *face == triple.face)
                    && self.doc.as_ref().is_none_or(|doc| *doc == triple.document)
            })
            .collect()
    }
}
