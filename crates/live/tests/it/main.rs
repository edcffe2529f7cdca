//! Integration tests of idenfy-live: the client against scripted servers and the in-process
//! simulator, the webhook receiver, the scenarios, and the contract snapshots.

mod classify;
mod config;
mod receiver;
mod retries;
mod support;
