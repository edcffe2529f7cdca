//! Sending webhooks to a team's own endpoint and grading how it answers.
//!
//! Webhooks go out through [`idenfy_sender::Sender`], the workspace's one sender, so the
//! endpoint meets exactly the requests the simulator delivers. [`battery`] grades an endpoint's
//! signature check with forged webhooks; `idenfy-testkit trigger --battery` prints its grade.

pub mod battery;
