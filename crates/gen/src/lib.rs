//! Proptest strategies and seeded fake data for iDenfy requests, webhooks and the status matrix.
