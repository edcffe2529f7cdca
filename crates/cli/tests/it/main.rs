//! Integration tests of the idenfy-testkit binary, run as a child process.

mod battery;
mod fuzz;
mod gen_status;
mod gen_token;
mod gen_webhook;
mod help;
mod log_lines;
mod matrix;
mod readme;
mod secrets;
mod serve;
mod support;
mod trigger;
mod verify;
