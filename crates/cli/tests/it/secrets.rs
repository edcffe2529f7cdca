//! No secret is ever printed: every subcommand, with the API secret, the signing key, the whole
//! API key and credentials inside URLs given through flags and through the environment, at
//! every log level, succeeding and failing, keeps them off stdout and stderr. The API key shows
//! at most as its short prefix.

use std::process::Command;

use crate::serve::{create_token, stop};
use crate::support::{Run, TempFile, closed_port_url, run_command, start_serve, testkit};

const API_KEY: &str = "key-0a1b2c3d";
const API_SECRET: &str = "secret-2c3d4e";
const SIGNING_KEY: &str = "signing-4e5f6a";
const URL_USER: &str = "urluser-7a8b";
const URL_PASSWORD: &str = "urlpass-9c0d";

const SECRETS: [&str; 5] = [API_KEY, API_SECRET, SIGNING_KEY, URL_USER, URL_PASSWORD];

const LOG_LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];

/// `url` (an `http://` URL) with [`URL_USER`] and [`URL_PASSWORD`] as its user info.
fn with_user_info(url: &str) -> String {
    url.replacen("://", &format!("://{URL_USER}:{URL_PASSWORD}@"), 1)
}

/// How a value reaches the binary.
#[derive(Debug, Clone, Copy)]
enum Via {
    Flags,
    Environment,
}

/// Adds `--flag value` or sets `variable`, as `via` says.
fn give(command: &mut Command, via: Via, flag: &str, variable: &str, value: &str) {
    match via {
        Via::Flags => {
            command.args([flag, value]);
        }
        Via::Environment => {
            command.env(variable, value);
        }
    }
}

/// The binary with `args`, the log level, and the three keys given `via`.
fn with_keys(args: &[&str], via: Via, level: &str) -> Command {
    let mut command = testkit();
    command.args(args).env("IDENFY_LOG", level);
    give(&mut command, via, "--api-key", "IDENFY_API_KEY", API_KEY);
    give(
        &mut command,
        via,
        "--api-secret",
        "IDENFY_API_SECRET",
        API_SECRET,
    );
    give(
        &mut command,
        via,
        "--signing-key",
        "IDENFY_SIGNING_KEY",
        SIGNING_KEY,
    );
    command
}

#[track_caller]
fn assert_hidden(what: &str, run: &Run) {
    for secret in SECRETS {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{what}: {secret:?} was printed: {run:#?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn serve_never_prints_a_secret() {
    for via in [Via::Flags, Via::Environment] {
        for level in LOG_LEVELS {
            let webhook_url = with_user_info(&closed_port_url());
            let mut command = with_keys(&["serve", "--addr", "127.0.0.1:0"], via, level);
            command.args(["--webhook-url", &webhook_url, "--retries", "1"]);
            command.args(["--retry-interval-ms", "10"]);
            let (child, base) = start_serve(&mut command);
            assert_eq!(create_token(&base, API_KEY, API_SECRET), 201);
            assert_eq!(create_token(&base, API_KEY, "wrong"), 401);
            let (_, output) = stop(child, "TERM");
            let what = format!("serve via {via:?} at {level}");
            for secret in SECRETS {
                assert!(!output.contains(secret), "{what}: {secret:?} in {output}");
            }
            if level == "info" {
                assert!(output.contains("api_key=key-…"), "{what}: {output}");
                assert!(output.contains("redacted@127.0.0.1"), "{what}: {output}");
            }
        }
    }
}

#[test]
fn matrix_never_prints_a_secret() {
    let closed = closed_port_url();
    let closed_base = closed.trim_end_matches("/webhooks/idenfy").to_owned();
    let cases = [
        (
            "credentials in the base URL",
            with_user_info(&closed_base),
            None,
        ),
        (
            "a base URL that does not parse",
            format!("{URL_USER}:{URL_PASSWORD}@[bad"),
            None,
        ),
        (
            "credentials in the callback URL",
            "https://ivs.idenfy.example".to_owned(),
            Some(with_user_info("https://tunnel.example/hook")),
        ),
        (
            "a callback URL that is not HTTPS",
            "https://ivs.idenfy.example".to_owned(),
            Some(with_user_info("http://tunnel.example/hook")),
        ),
        ("nothing listening", closed_base.clone(), None),
    ];
    for via in [Via::Flags, Via::Environment] {
        for level in LOG_LEVELS {
            for (name, base_url, callback_url) in &cases {
                let mut command = with_keys(&["matrix", "--auto", "APPROVED"], via, level);
                command.args(["--face", "FACE_MATCH", "--doc", "DOC_VALIDATED"]);
                command.args(["--webhook-timeout", "1"]);
                give(&mut command, via, "--base-url", "IDENFY_BASE_URL", base_url);
                if let Some(callback_url) = callback_url {
                    give(
                        &mut command,
                        via,
                        "--callback-url",
                        "IDENFY_CALLBACK_URL",
                        callback_url,
                    );
                }
                let out = run_command(&mut command);
                assert_ne!(out.code, Some(0), "{name}: {out:#?}");
                assert_hidden(&format!("matrix, {name}, via {via:?} at {level}"), &out);
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn a_refused_api_key_shows_only_its_prefix() {
    let mut serve = testkit();
    serve.args(["serve", "--addr", "127.0.0.1:0", "--api-key", API_KEY]);
    serve.args([
        "--api-secret",
        "the-right-one",
        "--signing-key",
        SIGNING_KEY,
    ]);
    let (child, base) = start_serve(&mut serve);
    for level in LOG_LEVELS {
        let mut command = with_keys(&["matrix", "--auto", "APPROVED"], Via::Flags, level);
        command.args([
            "--face",
            "FACE_MATCH",
            "--doc",
            "DOC_VALIDATED",
            "--base-url",
            &base,
        ]);
        let out = run_command(&mut command);
        assert_ne!(out.code, Some(0), "{out:#?}");
        assert!(
            out.stdout.contains("key-…") || out.stderr.contains("key-…"),
            "{out:#?}"
        );
        assert_hidden(&format!("matrix against a refusing serve at {level}"), &out);
    }
    drop(stop(child, "TERM"));
}

#[test]
fn trigger_verify_gen_and_help_never_print_a_secret() {
    let closed = with_user_info(&closed_port_url());
    let body = TempFile::new("body.json", b"{}");
    let runs: [&[&str]; 7] = [
        &["trigger", "--to", &closed, "--auto", "APPROVED"],
        &["trigger", "--to", &closed, "--battery"],
        &["trigger", "--to", &closed, "--battery", "--json"],
        &[
            "trigger",
            "--to",
            &format!("{URL_USER}:{URL_PASSWORD}@host"),
            "--auto",
            "APPROVED",
        ],
        &["verify", "--signature", "00", body.path()],
        &["gen", "webhook", "--auto", "APPROVED", "--seed", "1"],
        &["gen", "token", "--seed", "1"],
    ];
    for via in [Via::Flags, Via::Environment] {
        for level in LOG_LEVELS {
            for args in runs {
                let mut command = testkit();
                command.args(args).env("IDENFY_LOG", level);
                if args[0] != "gen" || args[1] == "webhook" {
                    give(
                        &mut command,
                        via,
                        "--signing-key",
                        "IDENFY_SIGNING_KEY",
                        SIGNING_KEY,
                    );
                }
                let out = run_command(&mut command);
                assert_hidden(&format!("{args:?} via {via:?} at {level}"), &out);
            }
        }
    }
    for subcommand in ["serve", "matrix", "trigger", "verify", "gen"] {
        let mut command = testkit();
        command.args([subcommand, "--help"]);
        command.env("IDENFY_API_KEY", API_KEY);
        command.env("IDENFY_API_SECRET", API_SECRET);
        command.env("IDENFY_SIGNING_KEY", SIGNING_KEY);
        command.env("IDENFY_BASE_URL", with_user_info("https://ivs.idenfy.com"));
        command.env(
            "IDENFY_CALLBACK_URL",
            with_user_info("https://tunnel.example"),
        );
        let out = run_command(&mut command);
        assert_eq!(out.code, Some(0), "{out:#?}");
        assert_hidden(&format!("{subcommand} --help"), &out);
    }
}
