//! Integration tests of the idenfy-testkit binary, run as a child process.

mod serve;
