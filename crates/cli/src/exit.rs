//! Exit codes and the last word on an error: 0 on success (and when the reader of stdout went
//! away, as with `| head`), 1 when the job failed, 2 when the command line was wrong or
//! incomplete, as clap uses for its own usage errors.

use std::fmt;
use std::process::ExitCode;

/// Exit code of a job that ran and failed: a check did not pass, an endpoint misbehaved.
pub const FAILURE: u8 = 1;

/// Exit code of a command line that cannot run: a missing key, a value the API refuses.
pub const USAGE: u8 = 2;

/// What the user asked for cannot run as given; the message says what to give instead.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Prints `error` with its causes on stderr and picks the exit code: [`USAGE`] for a
/// [`UsageError`], [`FAILURE`] otherwise; silent success when stdout's reader went away.
pub fn report(error: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(error) {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {error:#}");
    if error.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(USAGE)
    } else {
        ExitCode::from(FAILURE)
    }
}

/// Whether writing failed because the other end of a pipe closed.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
