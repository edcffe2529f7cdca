//! iDenfy environments and which of them may call the dummy-result endpoints.

use crate::open_enum::open_enum;

open_enum! {
    /// The environment an API key pair belongs to. Source: D-DUMMY, GH21 `Environments.md`.
    pub enum Environment {
        /// Development: dummy results allowed.
        Dev = "DEV",
        /// Demonstration for prospective clients.
        Demo = "DEMO",
        /// Testing, with real manual review.
        Test = "TEST",
        /// Production.
        Prod = "PROD",
    }
}
