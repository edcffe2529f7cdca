//! The typed calls, one file per API resource.

mod dummy;
mod status;
mod token;

pub(crate) use dummy::decode_add_dummy_status;
pub(crate) use token::with_dummy_status;
