//! Integration tests of idenfy-sim over real HTTP on loopback: the API, its errors, webhooks,
//! limits, shutdown, the full dummy status matrix, properties and the assumptions list.

mod assumptions;
mod dummy;
mod errors;
mod limits;
mod matrix;
mod properties;
mod reproducible;
mod shutdown;
mod status;
mod support;
mod token;
mod webhooks;
