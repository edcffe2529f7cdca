//! Async client, webhook receiver and scenarios for the iDenfy DEV API.
