//! The typed calls, one file per API resource.

mod dummy;
mod status;
mod token;
