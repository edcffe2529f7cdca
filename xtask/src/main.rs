//! `cargo xtask fixtures [--check]`: regenerate `fixtures/`, or fail when it is stale.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use xtask::files::Mode;

const USAGE: &str = "usage: cargo xtask fixtures [--check]

  fixtures          regenerate every file under fixtures/ (writes only what changed, deletes orphans)
  fixtures --check  write nothing; fail if any fixture is stale, missing or orphaned";

#[tokio::main]
async fn main() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["fixtures"] => Mode::Write,
        ["fixtures", "--check"] => Mode::Check,
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        _ => bail!("unknown arguments {args:?}\n\n{USAGE}"),
    };
    let started = Instant::now();
    let report = xtask::fixtures::run(mode).await?;
    let elapsed = started.elapsed();
    match mode {
        Mode::Write => {
            println!(
                "fixtures: {} written, {} deleted, {} unchanged in {:.2?}",
                report.changed.len(),
                report.orphans.len(),
                report.unchanged,
                elapsed
            );
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check if report.is_clean() => {
            println!(
                "fixtures: {} files up to date ({elapsed:.2?})",
                report.unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check => {
            eprintln!("fixtures are stale:");
            for path in &report.changed {
                eprintln!("  differs or missing: fixtures/{}", path.display());
            }
            for path in &report.orphans {
                eprintln!("  no longer generated: fixtures/{}", path.display());
            }
            eprintln!("run `cargo xtask fixtures` and commit the result");
            Ok(ExitCode::FAILURE)
        }
    }
}
