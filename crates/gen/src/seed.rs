//! Seeded, reproducible generation: the same named seed gives the same values in every
//! process on every machine.
//!
//! Every draw goes through ChaCha20 ([`SeededRng`], `chacha20::ChaCha20Rng`): the direct draws
//! of [`rng_from_seed`], and the runners of [`runner_from_seed`], whose proptest `TestRng`
//! (`TestRng::from_seed(RngAlgorithm::ChaCha, ..)`) wraps the same generator, so both give the
//! same words for the same seed. The bytes of generated values also depend on the versions of
//! `chacha20`, `rand`, `proptest` and `fake` (their streams, strategies and word lists), which
//! this crate pins exactly (`=` in its `Cargo.toml`), so a project depending on it draws the
//! same bytes without this workspace's `Cargo.lock`. Their own dependencies (`rand_core`,
//! `deunicode`, …) are not pinned: only a lock file holds those. Upgrading any of them may
//! change the bytes, which `cargo xtask fixtures --check` then shows as a fixture diff.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rand::SeedableRng;

/// The seeded generator behind every direct draw of this crate and of the simulator: ChaCha20.
pub type SeededRng = chacha20::ChaCha20Rng;

/// A ChaCha20 generator seeded from a 64-bit seed (little-endian in the first 8 bytes).
pub fn rng_from_seed(seed: u64) -> SeededRng {
    SeededRng::from_seed(seed_bytes(seed))
}

/// A proptest runner whose stream is fixed by `seed`: the stream of [`rng_from_seed`].
pub fn runner_from_seed(seed: u64) -> TestRunner {
    runner_from_seed_with(seed, Config::default())
}

/// [`runner_from_seed`] with `config` (case count, shrinking limits, persistence).
pub fn runner_from_seed_with(seed: u64, config: Config) -> TestRunner {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(seed));
    TestRunner::new_with_rng(config, rng)
}

/// The 32-byte ChaCha20 key of `seed`.
fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes
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
