//! The idenfy-testkit command line: one subcommand per job, each in its own module; this file
//! only parses the command line, turns the outcome into an exit code ([`exit`]) and sets the
//! binary's allocator.

mod battery;
mod exit;
mod fuzz;
mod r#gen;
mod log_lines;
mod log_writer;
mod matrix;
mod output;
mod replay;
mod serve;
mod tls;
mod trigger;
mod triple_filter;
mod values;
mod verify;
mod webhook_choice;

use std::process::ExitCode;

/// mimalloc: `serve` allocates many small values per request from two worker threads; measured
/// in docs/PERFORMANCE.md. Built without transparent huge pages (`no_thp`): with them, page
/// faults in its arenas stalled requests for up to 100 ms (p99) under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

/// Test your iDenfy integration without a real person, a real document or the network.
#[derive(Parser)]
#[command(
    name = "idenfy-testkit",
    version,
    after_help = "Examples:\n  \
        idenfy-testkit gen token --status APPROVED --count 3 --seed 42\n  \
        idenfy-testkit serve --api-key my-key --api-secret my-secret --signing-key my-signing-key\n  \
        idenfy-testkit trigger --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key --battery\n  \
        idenfy-testkit matrix\n  \
        idenfy-testkit fuzz --to http://127.0.0.1:3000/webhooks/idenfy --signing-key my-signing-key --out fuzz-failures\n  \
        idenfy-testkit gen webhook --auto APPROVED --signing-key my-signing-key > body.json 2> headers.txt\n  \
        idenfy-testkit verify --signing-key my-signing-key \\\n    \
          --signature \"$(sed -n 's/^Idenfy-Signature: //p' headers.txt)\" body.json\n\n\
        Every key and secret may come from the environment instead: IDENFY_API_KEY, IDENFY_API_SECRET,\n\
        IDENFY_SIGNING_KEY, IDENFY_BASE_URL. Exit codes: 0 success, 1 failure, 2 wrong command line.\n\
        `idenfy-testkit <command> --help` shows each command's examples."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. (No `Debug`: some hold API secrets.)
#[derive(Subcommand)]
enum Command {
    /// Generate token requests, add-dummy-status bodies, the status matrix or signed webhooks
    Gen(r#gen::GenArgs),
    /// Run the offline iDenfy DEV API simulator, webhooks included
    Serve(serve::ServeArgs),
    /// Send a signed webhook to your endpoint, or grade it with --battery
    Trigger(trigger::TriggerArgs),
    /// Run every dummy status triple end to end, through the embedded simulator or a real API
    Matrix(matrix::MatrixArgs),
    /// Check a saved webhook body against its Idenfy-Signature
    Verify(verify::VerifyArgs),
    /// Fuzz your webhook endpoint with webhook sequences, shrinking a failure to a minimal case
    Fuzz(fuzz::FuzzArgs),
    /// Resend the webhooks of a replay file written by fuzz, byte for byte
    Replay(replay::ReplayArgs),
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Gen(args) => r#gen::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Trigger(args) => trigger::run(args),
        Command::Matrix(args) => matrix::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Fuzz(args) => fuzz::run(args),
        Command::Replay(args) => replay::run(args),
    };
    outcome.unwrap_or_else(|error| exit::report(&error))
}
