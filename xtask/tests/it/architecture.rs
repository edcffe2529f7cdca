//! The *Architecture invariants* of docs/ARCHITECTURE.md that manifests and sources show: the crate graph,
//! read from `cargo metadata` (direct edges of each manifest) and `cargo tree` (everything a
//! crate pulls in at run time), and what the sources of a crate never use.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Crates that are, or bring, an async runtime or an HTTP stack.
const ASYNC_OR_HTTP: &[&str] = &[
    "async-std",
    "axum",
    "futures",
    "hyper",
    "mio",
    "reqwest",
    "smol",
    "tokio",
    "tower",
];

/// The run-time dependencies idenfy-gen may have: the model, the generator crates and what
/// their values are made of (docs/ARCHITECTURE.md's list).
const GEN_DEPENDENCIES: &[&str] = &[
    "chacha20",
    "chrono",
    "fake",
    "idenfy-model",
    "proptest",
    "rand",
    "serde",
    "serde_json",
    "uuid",
];

/// The generator crates whose streams decide the bytes of a seed: pinned exactly in idenfy-gen.
const GENERATOR_CRATES: &[&str] = &["chacha20", "fake", "proptest", "rand"];

/// One dependency line of a workspace manifest.
#[derive(Debug)]
struct Edge {
    /// The crate depended on.
    name: String,
    /// `None` for `[dependencies]`, `Some("dev")` or `Some("build")` otherwise.
    kind: Option<String>,
    /// The version requirement, e.g. `^1` or `=1.12.0`.
    req: String,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs cargo (the one running these tests) in the workspace without touching the network.
fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .arg("--offline")
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every dependency line of the workspace package `package`, as its manifest declares it.
fn edges(package: &str) -> Vec<Edge> {
    let metadata: Value =
        serde_json::from_str(&cargo(&["metadata", "--format-version", "1", "--no-deps"])).unwrap();
    let found = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|candidate| candidate["name"] == package)
        .unwrap_or_else(|| panic!("{package} is a workspace member"));
    found["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|dependency| Edge {
            name: dependency["name"].as_str().unwrap().to_owned(),
            kind: dependency["kind"].as_str().map(str::to_owned),
            req: dependency["req"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// The names of `package`'s direct dependencies of `kind` (`None`: run time).
fn direct(package: &str, kind: Option<&str>) -> BTreeSet<String> {
    edges(package)
        .into_iter()
        .filter(|edge| edge.kind.as_deref() == kind)
        .map(|edge| edge.name)
        .collect()
}

/// Every crate `package` needs at run time on this platform, itself included.
fn run_time_closure(package: &str) -> BTreeSet<String> {
    cargo(&[
        "tree",
        "--package",
        package,
        "--edges",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ])
    .lines()
    .filter_map(|line| line.split_whitespace().next())
    .map(str::to_owned)
    .collect()
}

#[test]
fn the_model_needs_no_async_runtime_and_no_other_crate_of_the_workspace() {
    let closure = run_time_closure("idenfy-model");
    assert!(
        closure.contains("serde"),
        "cargo tree was read: {closure:?}"
    );
    for forbidden in ASYNC_OR_HTTP {
        assert!(
            !closure.contains(*forbidden),
            "idenfy-model pulls in {forbidden}: {closure:?}"
        );
    }
    let workspace: Vec<_> = closure
        .iter()
        .filter(|name| name.starts_with("idenfy-") && *name != "idenfy-model")
        .collect();
    assert!(workspace.is_empty(), "{workspace:?}");
}

/// The text of every file under `dir` (a path inside the workspace), at least one.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let mut pending = vec![workspace_root().join(dir)];
    let mut found = Vec::new();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path()),
            );
        } else {
            let text = std::fs::read_to_string(&path).unwrap();
            found.push((path, text));
        }
    }
    assert!(!found.is_empty(), "no sources under {dir}");
    found
}

#[test]
fn the_model_does_no_io() {
    let sources = sources("crates/model/src");
    assert!(sources.len() > 5, "only {} model sources", sources.len());
    for (path, text) in sources {
        for io in [
            "std::fs",
            "std::net",
            "std::process",
            "std::env",
            "tokio",
            "reqwest",
        ] {
            assert!(!text.contains(io), "{} uses {io}", path.display());
        }
    }
}

#[test]
fn gen_builds_valid_values_without_filtering() {
    for (path, text) in sources("crates/gen/src") {
        assert!(!text.contains("prop_filter"), "{} filters", path.display());
    }
}

#[test]
fn gen_depends_on_the_model_and_its_listed_crates_only() {
    let expected: BTreeSet<String> = GEN_DEPENDENCIES
        .iter()
        .map(|&name| name.to_owned())
        .collect();
    assert_eq!(direct("idenfy-gen", None), expected);
    let closure = run_time_closure("idenfy-gen");
    for forbidden in ASYNC_OR_HTTP {
        assert!(
            !closure.contains(*forbidden),
            "idenfy-gen pulls in {forbidden}"
        );
    }
}

#[test]
fn gen_pins_the_generator_crates_exactly() {
    let edges = edges("idenfy-gen");
    for name in GENERATOR_CRATES {
        let edge = edges
            .iter()
            .find(|edge| edge.name == *name && edge.kind.is_none())
            .unwrap_or_else(|| panic!("idenfy-gen depends on {name}"));
        assert!(
            edge.req.starts_with('='),
            "{name} is required as {}",
            edge.req
        );
    }
}

#[test]
fn sim_and_live_never_depend_on_each_other() {
    let sim_on_live: Vec<_> = edges("idenfy-sim")
        .into_iter()
        .filter(|edge| edge.name == "idenfy-live")
        .collect();
    assert!(sim_on_live.is_empty(), "{sim_on_live:?}");
    let live_on_sim: Vec<_> = edges("idenfy-live")
        .into_iter()
        .filter(|edge| edge.name == "idenfy-sim")
        .map(|edge| edge.kind)
        .collect();
    assert_eq!(
        live_on_sim,
        [Some("dev".to_owned())],
        "only idenfy-live's tests use the simulator"
    );
    assert!(!run_time_closure("idenfy-sim").contains("idenfy-live"));
    assert!(!run_time_closure("idenfy-live").contains("idenfy-sim"));
}

#[test]
fn live_takes_generated_values_from_idenfy_gen_only() {
    let direct = direct("idenfy-live", None);
    assert!(
        direct.contains("idenfy-gen"),
        "the battery's forgeries come from idenfy-gen: {direct:?}"
    );
    // proptest's runner drives `fuzz_endpoint` (generation and shrinking); the values
    // themselves come from idenfy-gen's strategies.
    for generator in GENERATOR_CRATES
        .iter()
        .filter(|name| !["rand", "proptest"].contains(*name))
    {
        assert!(
            !direct.contains(*generator),
            "idenfy-live depends on {generator} directly: {direct:?}"
        );
    }
}
