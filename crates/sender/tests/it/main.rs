//! Integration tests of the webhook sender against receivers on loopback.

mod send;
mod tls;
