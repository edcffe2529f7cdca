//! `idenfy-testkit gen`: test data on stdout, one module per kind: token requests, add-dummy-status
//! bodies, the status matrix, and signed webhook bodies.

mod add_dummy_status;
mod matrix;
mod token;
mod webhook;

use std::process::ExitCode;

use clap::{Args, Subcommand};

/// Settings of `gen`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit gen token --status APPROVED --count 3 --seed 42\n  \
    idenfy-testkit gen token --invalid country-code --count 2 --seed 1\n  \
    idenfy-testkit gen add-dummy-status --scan-ref 5c8d7f7e-4b1a-4c3e-9f0a-2d6b8e1c3a57 --face FACE_MATCH --doc DOC_VALIDATED\n  \
    idenfy-testkit gen matrix | wc -l\n  \
    idenfy-testkit gen webhook --auto APPROVED --seed 7 --signing-key my-signing-key --headers")]
pub struct GenArgs {
    #[command(subcommand)]
    command: GenCommand,
}

/// What to generate.
#[derive(Debug, Subcommand)]
enum GenCommand {
    /// JSON Lines of `POST /api/v2/token` bodies: valid ones, or each breaking one rule
    Token(token::TokenArgs),
    /// JSON Lines of `POST /api/v2/add-dummy-status` bodies for one verification
    AddDummyStatus(add_dummy_status::AddDummyStatusArgs),
    /// Every (dummyStatus, manual face, manual document) triple with its expected results,
    /// one JSON object per line
    Matrix(matrix::MatrixArgs),
    /// A webhook body exactly as iDenfy (and the simulator) sends it, and its signature
    Webhook(webhook::WebhookArgs),
}

/// Generates what the subcommand names.
pub fn run(args: GenArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        GenCommand::Token(args) => token::run(args),
        GenCommand::AddDummyStatus(args) => add_dummy_status::run(args),
        GenCommand::Matrix(args) => matrix::run(args),
        GenCommand::Webhook(args) => webhook::run(args),
    }?;
    Ok(ExitCode::SUCCESS)
}
