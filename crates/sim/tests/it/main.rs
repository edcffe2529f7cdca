//! Integration tests of idenfy-sim over real HTTP on loopback: the API, its errors, webhooks,
//! limits, shutdown, the full dummy status matrix, properties, the assumptions list and the
//! web page.

mod assumptions;
mod concurrency;
mod connections;
mod dummy;
mod errors;
mod faults;
mod fuzzing;
mod hostile;
mod limits;
mod matrix;
mod memory;
mod properties;
mod reproducible;
mod shutdown;
mod status;
mod steering;
mod support;
mod token;
mod view;
mod webhooks;
