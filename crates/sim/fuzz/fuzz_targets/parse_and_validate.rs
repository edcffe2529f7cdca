//! Fuzz target: arbitrary bytes through `idenfy_model::parse_body` and `validate` for every
//! request body the simulator reads; see `harness.rs` for what must hold.

#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::parse_and_validate(data);
});
