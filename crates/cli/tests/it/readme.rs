//! Every `idenfy-testkit` command the user docs show in a shell block runs as written (through
//! `bash`, in document order, in one scratch directory per file), and none is refused as a wrong
//! command line. `serve` commands run in the background on a free port until the file is done.
//! Commands that would reach a host other than loopback are skipped and listed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The user docs whose shell blocks are run.
const DOCS: &[&str] = &[
    "README.md",
    "python/README.md",
    "examples/node/README.md",
    "examples/python/README.md",
];

/// The port the docs' `serve` examples listen on, replaced by a free one.
const DOCS_PORT: &str = "127.0.0.1:8080";

/// What clap prints under every usage error.
const USAGE_ERROR: &str = "For more information, try '--help'";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `idenfy-testkit` command lines of `markdown`'s shell blocks, continuations joined.
fn commands(markdown: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_shell = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        let fence = line.trim_start().starts_with("```");
        if fence {
            in_shell = !in_shell && matches!(line.trim(), "```sh" | "```bash" | "```shell");
            continue;
        }
        if !in_shell {
            continue;
        }
        if let Some(start) = line.strip_suffix('\\') {
            pending.push_str(start);
            continue;
        }
        pending.push_str(line);
        let command = std::mem::take(&mut pending);
        if command.trim_start().starts_with("idenfy-testkit ") {
            commands.push(command.trim().to_owned());
        }
    }
    commands
}

/// Whether `command` names a host other than loopback (the docs' iDenfy and tunnel examples).
fn leaves_the_machine(command: &str) -> bool {
    command
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '"')
        .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
        .any(|url| !(url.contains("//127.0.0.1") || url.contains("//localhost")))
}

fn bash(command: &str, dir: &Path, port: &str) -> Command {
    let bin = Path::new(env!("CARGO_BIN_EXE_idenfy-testkit"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut bash = Command::new("bash");
    bash.arg("-c")
        .arg(command.replace(DOCS_PORT, port))
        .current_dir(dir)
        .env("PATH", path)
        .stdin(Stdio::null());
    for variable in crate::support::VARIABLES {
        bash.env_remove(variable);
    }
    bash
}

/// A `serve` in the background, stopped when dropped (also when an assertion fails).
struct Background(Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a `serve` command in the background and waits until it listens.
fn serve(command: &str, dir: &Path, port: &str) -> Background {
    // Without its comment, so that an added `--addr` is not commented out.
    let command = command.split(" #").next().unwrap_or(command);
    let command = command.trim().trim_end_matches('&').trim();
    let command = if command.contains("--addr") {
        command.to_owned()
    } else {
        format!("{command} --addr {DOCS_PORT}")
    };
    let mut child = Background(
        bash(&format!("exec {command} --quiet"), dir, port)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    BufReader::new(child.0.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(
        first.starts_with("listening on http://"),
        "{command}: printed {first:?}"
    );
    child
}

fn free_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

#[cfg(unix)]
#[test]
fn every_documented_command_runs_as_written() {
    let mut ran = 0;
    let mut skipped = Vec::new();
    for doc in DOCS {
        let markdown = std::fs::read_to_string(repository().join(doc)).unwrap();
        let scratch = std::env::temp_dir().join(format!(
            "idenfy-testkit-readme-{}-{}",
            std::process::id(),
            doc.replace('/', "-")
        ));
        std::fs::create_dir_all(&scratch).unwrap();
        let port = free_port();
        // The server of the latest `serve` example; each example stands alone.
        let mut server = None;
        for command in commands(&markdown) {
            if leaves_the_machine(&command) {
                skipped.push(command);
                continue;
            }
            ran += 1;
            if command.starts_with("idenfy-testkit serve") {
                drop(server.take());
                server = Some(serve(&command, &scratch, &port));
                continue;
            }
            let out = bash(&command, &scratch, &port)
                .output()
                .unwrap_or_else(|error| panic!("{command}: {error}"));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stderr.contains(USAGE_ERROR),
                "{doc}: `{command}` is refused as a command line:\n{stderr}"
            );
            // Only commands aimed at the reader's own app (port 3000, not running here) may fail.
            if !command.contains("127.0.0.1:3000") {
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{doc}: `{command}` failed:\n{stderr}"
                );
            }
        }
        drop(server);
        let _ = std::fs::remove_dir_all(&scratch);
    }
    assert!(ran >= 20, "the docs show the CLI: {ran} commands ran");
    eprintln!(
        "skipped {} command(s) that would leave the machine: {skipped:#?}",
        skipped.len()
    );
    assert!(skipped.len() <= 2, "{skipped:#?}");
}

#[test]
fn commands_are_found_with_their_continuations() {
    let markdown = "text\n```sh\nidenfy-testkit gen token \\\n  --count 2  # two\necho hi\n```\n\
                    ```python\nidenfy-testkit not shell\n```\n";
    assert_eq!(
        commands(markdown),
        ["idenfy-testkit gen token   --count 2  # two"]
    );
    assert!(leaves_the_machine(
        "idenfy-testkit matrix --base-url https://ivs.idenfy.com"
    ));
    assert!(!leaves_the_machine(
        "idenfy-testkit trigger --to 'http://127.0.0.1:3000/x'"
    ));
}
