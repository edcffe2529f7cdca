//! Project automation: `cargo xtask fixtures [--check]`.

fn main() {}
