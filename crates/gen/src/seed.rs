//! Seeded, reproducible generation: the same named seed gives the same values in every
//! process on every machine.
//!
//! The stream is ChaCha20 (`TestRng::from_seed(RngAlgorithm::ChaCha, ..)`), whose output
//! proptest promises to keep stable. The bytes of generated values also depend on the locked
//! versions of `proptest` and `fake` (their strategies and word lists): upgrading either may
//! change them, which `cargo xtask fixtures --check` then shows as a fixture diff.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A ChaCha20 generator seeded from a 64-bit seed (little-endian in the first 8 bytes).
pub fn rng_from_seed(seed: u64) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// A proptest runner whose stream is fixed by `seed`.
pub fn runner_from_seed(seed: u64) -> TestRunner {
    TestRunner::new_with_rng(Config::default(), rng_from_seed(seed))
}

/// `count` values of `strategy` from `seed`, the same on every machine.
pub fn sample<S: Strategy>(strategy: &S, seed: u64, count: usize) -> Vec<S::Value> {
    samples(strategy, seed).take(count).collect()
}

/// The endless stream of values of `strategy` from `seed`, one at a time: its first `count`
/// values are [`sample`]`(strategy, seed, count)`.
pub fn samples<S: Strategy>(strategy: &S, seed: u64) -> impl Iterator<Item = S::Value> + '_ {
    let mut runner = runner_from_seed(seed);
    std::iter::repeat_with(move || {
        strategy
            .new_tree(&mut runner)
            .expect("strategies of this crate never reject")
            .current()
    })
}
