//! Helpers for running the built binary, plus the tiny webhook receivers `trigger` and
//! `trigger --battery` are tested against: one that checks signatures correctly, one that
//! crashes on forgeries, one that verifies re-serialized JSON, one that accepts everything, and one that always answers the same.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{SigningKey, verify};

/// Every variable the binary reads, so that none leaks in from the developer's shell.
pub const VARIABLES: &[&str] = &[
    "IDENFY_API_KEY",
    "IDENFY_API_SECRET",
    "IDENFY_SIGNING_KEY",
    "IDENFY_BASE_URL",
    "IDENFY_CALLBACK_URL",
    "IDENFY_LOG",
];

/// The binary with no `IDENFY_*` variables inherited.
pub fn testkit() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_idenfy-testkit"));
    for variable in VARIABLES {
        command.env_remove(variable);
    }
    command
}

/// What a finished run printed, and its exit code.
pub struct Run {
    /// The exit code.
    pub code: Option<i32>,
    /// Standard output as bytes, for byte-exact comparisons.
    pub stdout_bytes: Vec<u8>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the binary with `args` and no stdin.
pub fn run(args: &[&str]) -> Run {
    run_command(testkit().args(args))
}

/// Runs `command` to completion with no stdin.
pub fn run_command(command: &mut Command) -> Run {
    finished(command.stdin(Stdio::null()).output().unwrap())
}

/// Runs the binary with `args`, `input` on stdin.
pub fn run_with_stdin(args: &[&str], input: &[u8]) -> Run {
    use std::io::Write;
    let mut child = testkit()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    finished(child.wait_with_output().unwrap())
}

fn finished(output: Output) -> Run {
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stdout_bytes: output.stdout,
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

impl std::fmt::Debug for Run {
    /// The exit code and both streams as text (not the bytes again).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("code", &self.code)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}

impl Run {
    /// Asserts exit code 0 and returns the run.
    pub fn success(self) -> Self {
        assert_eq!(self.code, Some(0), "{self:#?}");
        self
    }

    /// Asserts `code`, that stderr holds every one of `needles`, and returns the run.
    pub fn fails_with(self, code: i32, needles: &[&str]) -> Self {
        assert_eq!(self.code, Some(code), "{self:#?}");
        for needle in needles {
            assert!(self.stderr.contains(needle), "{needle:?} not in {self:#?}");
        }
        self
    }

    /// Asserts that nothing printed holds `secret`.
    pub fn never_shows(&self, secret: &str) {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "{secret:?} was printed: {self:#?}"
        );
    }

    /// Standard output's JSON lines, parsed.
    pub fn json_lines<T: serde::de::DeserializeOwned>(&self) -> Vec<T> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect()
    }
}

/// A URL on 127.0.0.1 where connections are refused: a port bound without listening, kept for
/// the whole test binary so that no other socket can take it.
pub fn closed_port_url() -> String {
    static REFUSED: OnceLock<tokio::net::TcpSocket> = OnceLock::new();
    let socket = REFUSED.get_or_init(|| {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
        socket
    });
    let port = socket.local_addr().unwrap().port();
    format!("http://127.0.0.1:{port}/webhooks/idenfy")
}

/// A fresh temporary directory, removed when dropped.
pub struct TempDir {
    path: std::path::PathBuf,
}

impl TempDir {
    /// Creates a directory no other test uses.
    pub fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let unique = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("idenfy-testkit-it-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        Self { path }
    }

    /// The directory.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A file in its own temporary directory, removed with it when dropped.
pub struct TempFile {
    path: std::path::PathBuf,
    _dir: TempDir,
}

impl TempFile {
    /// Writes `contents` to a new file named `name`.
    pub fn new(name: &str, contents: &[u8]) -> Self {
        let dir = TempDir::new();
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        Self { path, _dir: dir }
    }

    /// The file's path as a string.
    pub fn path(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

/// `sh -c script` with the binary's directory first on `PATH` and no `IDENFY_*` variables.
pub fn shell(script: &str) -> Command {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_idenfy-testkit"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("sh");
    command.args(["-c", script]).env("PATH", path);
    for variable in VARIABLES {
        command.env_remove(variable);
    }
    command
}

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header name (lower case) and value pairs.
    pub headers: Vec<(String, String)>,
    /// The exact body.
    pub body: Vec<u8>,
    /// The status answered.
    pub answered: u16,
}

impl Received {
    /// The value of header `name`, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// How a receiver decides.
#[derive(Clone)]
enum Policy {
    /// Verifies `Idenfy-Signature` with the key (401 if wrong), then answers 200, processing
    /// each (scanRef, event) once and acknowledging duplicates.
    CheckSignatures(SigningKey),
    /// Verifies the signature over the body parsed and written again compactly (JavaScript's
    /// `JSON.stringify(JSON.parse(body))`): only compact bodies pass.
    CompactOnly(SigningKey),
    /// Like `CheckSignatures`, but answers 500 instead of 401.
    CrashOnForgeries(SigningKey),
    /// Answers 200 to anything.
    AcceptEverything,
    /// Answers this status, with this `Location` when given, to anything.
    Always(u16, Option<&'static str>),
}

struct Shared {
    policy: Policy,
    received: Mutex<Vec<Received>>,
    processed: Mutex<HashSet<(String, String)>>,
}

/// A webhook endpoint on `127.0.0.1:0`, served by its own runtime; dropping it stops it.
pub struct Receiver {
    url: String,
    shared: Arc<Shared>,
    _runtime: tokio::runtime::Runtime,
}

impl Receiver {
    /// A correct endpoint: verifies the signature over the raw body with `key`, in constant time.
    pub fn checking_signatures(key: &str) -> Self {
        Self::start(Policy::CheckSignatures(SigningKey::new(key)))
    }

    /// An endpoint that verifies the re-serialized body, so only compact bodies pass.
    pub fn compact_only(key: &str) -> Self {
        Self::start(Policy::CompactOnly(SigningKey::new(key)))
    }

    /// An endpoint that verifies correctly but crashes (500) on what does not verify.
    pub fn crashing_on_forgeries(key: &str) -> Self {
        Self::start(Policy::CrashOnForgeries(SigningKey::new(key)))
    }

    /// A careless endpoint that answers 200 to anything.
    pub fn accepting_everything() -> Self {
        Self::start(Policy::AcceptEverything)
    }

    /// An endpoint that answers `status` (with `location` as its `Location`) to anything.
    pub fn always(status: u16, location: Option<&'static str>) -> Self {
        Self::start(Policy::Always(status, location))
    }

    fn start(policy: Policy) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/webhooks/idenfy", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            policy,
            received: Mutex::new(Vec::new()),
            processed: Mutex::new(HashSet::new()),
        });
        let router = Router::new()
            .fallback(receive)
            .with_state(Arc::clone(&shared));
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            url,
            shared,
            _runtime: runtime,
        }
    }

    /// The URL to send webhooks to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    };
    let signed = |key: &SigningKey| {
        header(SIGNATURE_HEADER).is_some_and(|signature| verify(key, &body, &signature).is_ok())
    };
    let mut location = None;
    let answer = match &shared.policy {
        Policy::AcceptEverything => StatusCode::OK,
        Policy::Always(status, given) => {
            location = *given;
            StatusCode::from_u16(*status).unwrap()
        }
        Policy::CompactOnly(key) => {
            let rendered = serde_json::from_slice::<idenfy_model::IdentificationWebhook>(&body)
                .map(|webhook| serde_json::to_vec(&webhook).unwrap());
            let verified = header(SIGNATURE_HEADER).is_some_and(|signature| {
                rendered
                    .as_ref()
                    .is_ok_and(|bytes| verify(key, bytes, &signature).is_ok())
            });
            if verified {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            }
        }
        Policy::CrashOnForgeries(key) if !signed(key) => StatusCode::INTERNAL_SERVER_ERROR,
        Policy::CheckSignatures(key) | Policy::CrashOnForgeries(key) => {
            if signed(key) {
                let scan_ref = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|value| value["scanRef"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                let event = header(EVENT_TYPE_HEADER).unwrap_or_default();
                // A duplicate is acknowledged without acting on it again.
                shared.processed.lock().unwrap().insert((scan_ref, event));
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            }
        }
    };
    shared.received.lock().unwrap().push(Received {
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
        answered: answer.as_u16(),
    });
    let mut response = axum::response::IntoResponse::into_response(answer);
    if let Some(location) = location {
        response.headers_mut().insert(
            axum::http::header::LOCATION,
            axum::http::HeaderValue::from_static(location),
        );
    }
    response
}

/// Starts `serve` and returns the child and the base URL from its first stdout line.
pub fn start_serve(command: &mut Command) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let base = first_line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"))
        .trim_end()
        .to_owned();
    assert!(first_line.ends_with('\n'));
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_ne!(base, "http://127.0.0.1:0");
    (child, base)
}

/// A running `idenfy-testkit serve`, killed when dropped.
pub struct Served {
    child: Child,
    /// Its base URL.
    pub base: String,
}

impl Served {
    /// Starts `serve` with `command`'s arguments and `--quiet`: nobody reads its stderr, which
    /// would otherwise fill the pipe and stall the server after a few hundred lines.
    pub fn start(command: &mut Command) -> Self {
        let (child, base) = start_serve(command.arg("--quiet"));
        Self { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
