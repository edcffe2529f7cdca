//! The cargo-fuzz harness of `crates/sim/fuzz` on stable: over its seed corpus, every fixture
//! under `fixtures/` and the request bodies they hold, generated tricky inputs and arbitrary
//! bytes. Nothing panics, every invariant holds, and the corpus reaches every parse identifier
//! and every validation rule.

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use idenfy_model::Rule;
use proptest::prelude::{ProptestConfig, Strategy, any, prop_oneof, proptest};
use proptest::{collection, sample};
use serde_json::Value;

/// The committed seed corpus of the fuzz target (cargo-fuzz's own `corpus/` is scratch).
fn seed_corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/parse_and_validate")
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every file under `dir`, recursively, with its path.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    found
}

/// Inputs the seed corpus does not hold: every prefix of a valid body, a byte of every value
/// spliced into it, and nesting around the parser's depth limit.
fn generated() -> Vec<(String, Vec<u8>)> {
    let valid = br#"{"clientId":"c","dummyStatus":"DENIED","firstName":"Ona","scanRef":"x","manualFaceMatchResult":"FACE_MATCH","manualDocumentValidity":"DOC_VALIDATED"}"#;
    let mut inputs = Vec::new();
    for end in 0..valid.len() {
        inputs.push((format!("prefix {end}"), valid[..end].to_vec()));
    }
    for byte in 0..=u8::MAX {
        let mut spliced = valid.to_vec();
        spliced.insert(14, byte);
        inputs.push((format!("byte {byte:#04x} in clientId"), spliced));
    }
    for depth in [127, 128, 129, 100_000] {
        let nested = format!(
            r#"{{"clientId":"c","additionalData":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        inputs.push((format!("depth {depth}"), nested.into_bytes()));
    }
    inputs
}

/// The seed corpus, every fixture file and the request bodies the fixtures hold, and the
/// generated inputs.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut inputs = files(&seed_corpus_dir());
    for (name, bytes) in files(&fixtures_dir()) {
        if let Ok(Value::Object(fixture)) = serde_json::from_slice::<Value>(&bytes)
            && let Some(Value::String(body)) = fixture.get("request").and_then(|r| r.get("body"))
        {
            inputs.push((format!("{name} request body"), body.clone().into_bytes()));
        }
        inputs.push((name, bytes));
    }
    inputs.extend(generated());
    inputs
}

#[test]
fn the_harness_holds_over_the_corpus_and_reaches_every_outcome() {
    let mut reached = BTreeSet::new();
    let inputs = corpus();
    assert!(inputs.len() > 1000, "{} inputs", inputs.len());
    for (name, bytes) in inputs {
        let outcomes = std::panic::catch_unwind(|| harness::parse_and_validate(&bytes))
            .unwrap_or_else(|_| panic!("the harness failed on {name}"));
        reached.extend(outcomes);
    }
    for identifier in harness::PARSE_IDENTIFIERS {
        let label = format!("token: {identifier}");
        assert!(reached.contains(&label), "the corpus never reaches {label}");
    }
    for body in ["token", "add-dummy-status", "status"] {
        let label = format!("{body}: valid");
        assert!(reached.contains(&label), "the corpus never reaches {label}");
    }
    for rule in Rule::ALL {
        assert!(
            reached
                .iter()
                .any(|label| label.ends_with(&format!(": {rule}"))),
            "the corpus never breaks {rule}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_harness_holds_for_arbitrary_and_mutated_bytes(
        bytes in prop_oneof![
            collection::vec(any::<u8>(), 0..512),
            (
                sample::select(files(&seed_corpus_dir())),
                collection::vec((any::<sample::Index>(), any::<u8>()), 1..4),
            )
                .prop_map(|((_, mut bytes), changes)| {
                    for (index, byte) in changes {
                        if !bytes.is_empty() {
                            let at = index.index(bytes.len());
                            bytes[at] = byte;
                        }
                    }
                    bytes
                }),
        ]
    ) {
        harness::parse_and_validate(&bytes);
    }
}
