//! Integration tests of idenfy-gen: every generated value is what it claims to be, checked
//! against idenfy-model's own validation, parsing and rules.

mod delivery;
mod identity;
mod invalid;
mod json_breakage;
mod matrix;
mod numbers;
mod reproducibility;
mod signed;
mod support;
mod token;
mod webhooks;
