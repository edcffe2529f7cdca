//! Reproducibility: the same seed gives the same bytes, in this process and in another one.

use std::process::Command;

use idenfy_gen::dummy::arb_add_dummy_status_request;
use idenfy_gen::invalid::sample_invalid;
use idenfy_gen::json_breakage::arb_json_breakage;
use idenfy_gen::verification::arb_webhook_pair;
use idenfy_gen::{
    BreakageKind, arb_dummy_token_request, arb_identity, arb_token_request, sample, samples,
};
use idenfy_model::{DummyStatus, Rule, matrix};
use serde_json::json;

use crate::support::{defaults, proptest_rng};

/// Set in the child process to the seed whose sample it prints.
const CHILD_SEED: &str = "IDENFY_GEN_TEST_PRINT_SAMPLE_SEED";
const BEGIN: &str = "---- begin sample ----";
const END: &str = "---- end sample ----";

/// Everything the crate generates from `seed`, as JSON bytes.
fn sample_bytes(seed: u64) -> Vec<u8> {
    let dummy_requests: Vec<_> = DummyStatus::ACCEPTED
        .iter()
        .map(|status| sample(&arb_dummy_token_request(status.clone()), seed, 1))
        .collect();
    let invalid: Vec<_> = Rule::ALL
        .iter()
        .map(|rule| sample_invalid(*rule, seed))
        .collect();
    let breakages: Vec<_> = BreakageKind::ALL
        .iter()
        .flat_map(|kind| sample(&arb_json_breakage(*kind), seed, 2))
        .map(|breakage| (breakage.kind, breakage.description, breakage.body))
        .collect();
    let value = json!({
        "identities": sample(&arb_identity(), seed, 4),
        "tokenRequests": sample(&arb_token_request(), seed, 8),
        "dummyTokenRequests": dummy_requests,
        "addDummyStatusRequests": sample(&arb_add_dummy_status_request(), seed, 4),
        "invalid": invalid,
        "breakages": breakages,
        "webhookPairs": sample(&arb_webhook_pair(defaults()), seed, 3),
        "matrix": matrix(),
    });
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    assert_eq!(sample_bytes(7), sample_bytes(7));
    assert_ne!(sample_bytes(7), sample_bytes(8));
}

#[test]
fn fewer_values_are_a_prefix_of_more_and_streaming_draws_the_same() {
    let five = sample(&arb_token_request(), 11, 5);
    assert_eq!(sample(&arb_token_request(), 11, 2), five[..2]);
    let streamed: Vec<_> = samples(&arb_token_request(), 11).take(5).collect();
    assert_eq!(streamed, five);
    assert_ne!(sample(&arb_token_request(), 12, 5), five);
}

/// Runs this very test in a second process, which prints its sample instead of comparing, and
/// compares the bytes it printed with this process's.
#[test]
fn the_same_seed_gives_the_same_bytes_in_another_process() {
    if let Ok(seed) = std::env::var(CHILD_SEED) {
        let bytes = sample_bytes(seed.parse().unwrap());
        println!("{BEGIN}\n{}\n{END}", String::from_utf8(bytes).unwrap());
        return;
    }
    let seed = 0x1D_E4F1;
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "reproducibility::the_same_seed_gives_the_same_bytes_in_another_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_SEED, seed.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let printed = stdout
        .split_once(&format!("{BEGIN}\n"))
        .and_then(|(_, rest)| rest.split_once(&format!("\n{END}")))
        .map(|(sample, _)| sample)
        .unwrap_or_else(|| panic!("the child printed no sample: {stdout}"));
    let expected = sample_bytes(seed);
    assert!(
        expected.len() > 10_000,
        "the sample is too small to mean much"
    );
    assert!(
        printed.as_bytes() == expected,
        "the child generated different bytes"
    );
}

#[test]
fn direct_draws_and_runners_share_proptest_s_chacha_stream() {
    use rand::Rng;

    for seed in [0, 7, u64::MAX] {
        let mut proptest_rng = proptest_rng(seed);
        let mut seeded = idenfy_gen::rng_from_seed(seed);
        let words = |rng: &mut dyn Rng| -> Vec<u64> {
            let mut bytes = [0u8; 13];
            rng.fill_bytes(&mut bytes);
            vec![
                u64::from(rng.next_u32()),
                rng.next_u64(),
                u64::from_le_bytes(bytes[..8].try_into().unwrap()),
                rng.next_u64(),
            ]
        };
        assert_eq!(words(&mut seeded), words(&mut proptest_rng), "seed {seed}");
    }
    assert_ne!(
        idenfy_gen::rng_from_seed(1),
        idenfy_gen::rng_from_seed(2),
        "the seed keys the stream"
    );
}
