//! Helpers shared by the test modules: fully shrinking a strategy, running a property over
//! one strategy with a given number of cases.

use idenfy_gen::WebhookDefaults;
use idenfy_model::Platform;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// The value `strategy` shrinks to when every simplification is accepted, as when a
/// property fails for every value.
pub fn fully_shrunk<S: Strategy>(strategy: &S, seed: u64) -> S::Value {
    let mut runner = idenfy_gen::runner_from_seed(seed);
    let mut tree = strategy.new_tree(&mut runner).expect("no rejection");
    while tree.simplify() {}
    tree.current()
}

/// Runs `property` over `cases` values of `strategy`, panicking with the minimal failing value
/// and the reason, labelled with `label`.
pub fn check_property<S: Strategy>(
    label: &str,
    strategy: &S,
    cases: u32,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(failure) = runner.run(strategy, property) {
        panic!("{label}: {failure}");
    }
}

/// Proptest's own ChaCha generator with the key `idenfy_gen::rng_from_seed(seed)` uses.
pub fn proptest_rng(seed: u64) -> TestRng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &key)
}

/// The open webhook values these tests build with: unlike the simulator's, so that a value
/// idenfy-gen decided by itself would show.
pub fn defaults() -> WebhookDefaults {
    WebhookDefaults {
        processing_seconds: 7,
        platform: Platform::MobileApp,
        client_ip: "198.51.100.7",
        file_url_base: "https://files.example.test/",
    }
}
