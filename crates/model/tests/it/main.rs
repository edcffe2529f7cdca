//! Integration tests of idenfy-model: wire names, round trips, reference examples,
//! validation boundaries, rules and webhook signatures.

mod decision;
mod drf;
mod error;
mod examples;
mod open_enum;
mod rules;
mod signature;
mod support;
mod validation;
mod wire_names;
