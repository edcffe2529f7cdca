//! Offline simulator of the iDenfy DEV API.
