//! Tests of the fixture generator and of the fixtures themselves.

mod architecture;
mod files;
mod fixtures;
mod schemas;
