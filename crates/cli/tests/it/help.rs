//! The command line as a whole: every subcommand has help with examples, mistakes in the
//! command line exit 2 with clap's message, and secrets given through the environment never
//! show in help.

use crate::support::{TempDir, run, run_command, shell, testkit};

/// Every subcommand, as typed after `idenfy-testkit`.
const SUBCOMMANDS: &[&[&str]] = &[
    &["gen"],
    &["gen", "token"],
    &["gen", "add-dummy-status"],
    &["gen", "matrix"],
    &["gen", "webhook"],
    &["serve"],
    &["trigger"],
    &["matrix"],
    &["verify"],
    &["fuzz"],
    &["replay"],
];

#[test]
fn every_subcommand_has_help_with_examples_of_itself() {
    let top = run(&["--help"]).success();
    for name in [
        "gen", "serve", "trigger", "matrix", "verify", "fuzz", "replay",
    ] {
        assert!(
            top.stdout.contains(&format!("\n  {name} ")),
            "{name}: {}",
            top.stdout
        );
    }
    for subcommand in SUBCOMMANDS {
        let mut args = subcommand.to_vec();
        args.push("--help");
        let help = run(&args).success();
        let invocation = format!("idenfy-testkit {}", subcommand.join(" "));
        assert!(
            help.stdout.contains("Examples:"),
            "{invocation}: {}",
            help.stdout
        );
        assert!(
            help.stdout.contains(&format!("  {invocation} ")),
            "{invocation} has no example of itself: {}",
            help.stdout
        );
    }
}

#[test]
fn help_names_the_environment_fallbacks_but_never_the_secrets_in_them() {
    const SECRETS: [(&str, &str); 3] = [
        ("IDENFY_API_KEY", "key-0a1b"),
        ("IDENFY_API_SECRET", "secret-2c3d"),
        ("IDENFY_SIGNING_KEY", "signing-4e5f"),
    ];
    for (subcommand, variables) in [
        (&["matrix"][..], &SECRETS[..]),
        (&["serve"][..], &SECRETS[..]),
        (&["trigger"][..], &SECRETS[2..]),
        (&["verify"][..], &SECRETS[2..]),
        (&["gen", "webhook"][..], &SECRETS[2..]),
    ] {
        let mut command = testkit();
        command.args(subcommand).arg("--help");
        for (name, value) in SECRETS {
            command.env(name, value);
        }
        let help = run_command(&mut command).success();
        for (name, value) in variables {
            assert!(
                help.stdout.contains(name),
                "{subcommand:?}: {}",
                help.stdout
            );
            help.never_shows(value);
        }
    }
    let matrix = run(&["matrix", "--help"]).success();
    for name in ["IDENFY_BASE_URL", "IDENFY_CALLBACK_URL"] {
        assert!(matrix.stdout.contains(name), "{}", matrix.stdout);
    }
}

#[test]
fn wrong_command_lines_exit_2_with_clap_s_message() {
    run(&["frobnicate"]).fails_with(2, &["unrecognized subcommand 'frobnicate'"]);
    run(&["gen"]).fails_with(2, &["Usage: idenfy-testkit gen <COMMAND>"]);
    run(&["gen", "token", "--count", "many"])
        .fails_with(2, &["invalid value 'many' for '--count <N>'"]);
    run(&["matrix", "--concurrency", "0"]).fails_with(2, &["'--concurrency <N>'", "0"]);
    run(&["trigger", "--signing-key", "k", "--auto", "APPROVED"]).fails_with(2, &["--to <URL>"]);
}

/// The commands under `Examples:` in `help`, continuation lines joined.
fn examples(help: &str) -> Vec<String> {
    let section = help.split_once("Examples:\n").map_or("", |(_, rest)| rest);
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in section.lines().take_while(|line| line.starts_with("  ")) {
        let text = line.trim();
        current.push_str(text.trim_end_matches('\\'));
        current.push(' ');
        if !text.ends_with('\\') {
            commands.push(std::mem::take(&mut current));
        }
    }
    commands
}

/// Runs every example of every help, in order, in a fresh directory per help, except those
/// that need a server: they name a URL, run `serve` (which runs until stopped) or set up the
/// environment for a remote run.
#[cfg(unix)]
#[test]
fn the_examples_in_the_help_work_as_written() {
    let mut ran = 0;
    for subcommand in std::iter::once(&[][..]).chain(SUBCOMMANDS.iter().copied()) {
        let mut args = subcommand.to_vec();
        args.push("--help");
        let help = run(&args).success().stdout;
        let dir = TempDir::new();
        for example in examples(&help) {
            let needs_a_server = example.contains("http")
                || example.contains(" serve ")
                || example.starts_with("export ");
            if needs_a_server {
                continue;
            }
            let out = run_command(shell(&example).current_dir(dir.path()));
            assert_eq!(out.code, Some(0), "{subcommand:?}: {example}\n{out:#?}");
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples ran");
}
