//! Small helpers every crate of the workspace needs once: clipping quoted text, an error with
//! its causes, and a lock that survives a panicked holder.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// `text` cut to `max_chars` characters, with an ellipsis when something was cut.
pub fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// `error` followed by each of its causes, outermost first, joined by `": "`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// Locks `mutex`, taking the data as it is when an earlier holder panicked: every value
/// guarded in this workspace stays consistent between statements.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
