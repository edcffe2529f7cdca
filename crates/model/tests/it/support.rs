//! The shared helpers: clipping, error chains, the poison-tolerant lock.

use std::sync::Mutex;

use idenfy_model::support::{clip, error_chain, lock};

#[test]
fn clip_keeps_short_text_and_marks_a_cut() {
    let check = |text: &str, max: usize, expected: &str| assert_eq!(clip(text, max), expected);
    check("", 3, "");
    check("abc", 3, "abc");
    check("abcd", 3, "abc…");
    check("abcd", 0, "…");
    // Characters, not bytes: a cut never splits one.
    check("ééé", 2, "éé…");
    check("日本語", 3, "日本語");
}

#[derive(Debug, thiserror::Error)]
#[error("{text}")]
struct Layer {
    text: &'static str,
    #[source]
    source: Option<Box<Layer>>,
}

fn layer(text: &'static str, source: Option<Layer>) -> Layer {
    Layer {
        text,
        source: source.map(Box::new),
    }
}

#[test]
fn error_chain_lists_every_cause_outermost_first() {
    let root = layer("connection refused", None);
    assert_eq!(error_chain(&root), "connection refused");
    let chain = layer(
        "error sending request",
        Some(layer("client error (Connect)", Some(root))),
    );
    assert_eq!(
        error_chain(&chain),
        "error sending request: client error (Connect): connection refused"
    );
}

#[test]
fn lock_survives_a_poisoning_panic() {
    let mutex = Mutex::new(1);
    let poisoned = std::panic::catch_unwind(|| {
        let _guard = mutex.lock().unwrap();
        panic!("poison the mutex");
    });
    assert!(poisoned.is_err());
    assert!(mutex.is_poisoned());
    *lock(&mutex) += 1;
    assert_eq!(*lock(&mutex), 2);
}
