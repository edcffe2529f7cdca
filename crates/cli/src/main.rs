//! The idenfy-testkit command line: one subcommand per job, each in its own module.

mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Test your iDenfy integration without a real person, a real document or the network.
#[derive(Debug, Parser)]
#[command(
    name = "idenfy-testkit",
    version,
    after_help = "Examples:\n  \
        idenfy-testkit serve --api-key my-key --api-secret my-secret --signing-key my-signing-key\n  \
        IDENFY_API_KEY=k IDENFY_API_SECRET=s IDENFY_SIGNING_KEY=w idenfy-testkit serve --addr 127.0.0.1:0\n  \
        idenfy-testkit serve --help"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Run the offline iDenfy DEV API simulator, webhooks included.
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => serve::run(args),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}
