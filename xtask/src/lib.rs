//! Project automation behind `cargo xtask`: generating and checking `fixtures/`.

pub mod files;
pub mod fixtures;
