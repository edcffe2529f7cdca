//! The idenfy-testkit command line.

fn main() {}
