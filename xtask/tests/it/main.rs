//! Tests of the fixture generator and of the fixtures themselves.

mod files;
mod fixtures;
