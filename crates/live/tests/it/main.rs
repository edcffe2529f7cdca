//! Integration tests of idenfy-live: the client against scripted servers and the in-process
//! simulator, the webhook receiver, the scenarios, the forgery battery, and the contract snapshots.

mod battery;
mod battery_receivers;
mod classify;
mod config;
mod contract;
mod endpoints;
mod fuzz;
mod receiver;
mod retries;
mod scenarios;
mod sim_errors;
mod sim_retries;
mod support;
