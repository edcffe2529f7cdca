//! The assumptions list is rendered into docs/ASSUMPTIONS.md and the crate docs; both stay current.

use std::path::Path;

const START: &str = "<!-- assumptions:start -->\n";
const END: &str = "<!-- assumptions:end -->";

/// Writes `expected` to `path` under `UPDATE_ASSUMPTIONS=1`; otherwise fails when they differ.
fn ensure_contents(path: &Path, actual: &str, expected: &str) {
    if actual.replace("\r\n", "\n") == expected {
        return;
    }
    if std::env::var_os("UPDATE_ASSUMPTIONS").is_some() {
        std::fs::write(path, expected).unwrap();
        return;
    }
    panic!(
        "{} is stale: run `UPDATE_ASSUMPTIONS=1 cargo test -p idenfy-sim assumptions` and commit it",
        path.display()
    );
}

#[test]
fn docs_list_every_assumption() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ASSUMPTIONS.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(START)
        .expect("docs/ASSUMPTIONS.md has the assumptions start marker")
        + START.len();
    let end = readme
        .find(END)
        .expect("docs/ASSUMPTIONS.md has the assumptions end marker");
    let expected = format!(
        "{}{}{}",
        &readme[..start],
        idenfy_sim::assumptions::markdown(),
        &readme[end..]
    );
    ensure_contents(&path, &readme, &expected);
}

#[test]
fn crate_docs_list_every_assumption() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/assumptions.md");
    let docs = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = format!(
        "\n# The list\n\nGenerated from [`all`]; docs/ASSUMPTIONS.md is the same list.\n\n{}",
        idenfy_sim::assumptions::markdown()
    );
    ensure_contents(&path, &docs, &expected);
}

#[test]
fn every_assumption_names_a_topic_and_a_choice() {
    let all = idenfy_sim::assumptions::all();
    assert!(all.len() >= 20, "the list covers every open behaviour");
    for assumption in &all {
        assert!(!assumption.topic.is_empty());
        assert!(assumption.choice.ends_with('.'), "{assumption:?}");
    }
    let mut topics: Vec<_> = all.iter().map(|assumption| assumption.topic).collect();
    topics.sort_unstable();
    topics.dedup();
    assert_eq!(topics.len(), all.len(), "topics are unique");
}
