//! Small helpers every crate of the workspace needs once: clipping quoted text, naming an
//! error with its causes, and locking a mutex that a panicking thread may have poisoned.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// `text` cut to at most `max_chars` characters, with `…` appended where it was cut.
///
/// Used wherever text of unbounded length is quoted in a message: a parser's message that
/// quotes the offending value, the body of an unexpected answer. Text of `max_chars`
/// characters or fewer comes back unchanged; the cut never splits a character.
pub fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `error` and its chain of causes, outermost first, joined by `": "`:
/// `"error sending request: client error (Connect): connection refused"`.
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

/// Locks `mutex`, carrying on if another thread panicked while holding it.
///
/// Only for data that every critical section leaves consistent at each step, so that a
/// panic in one request handler or test does not take every later lock down with it.
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
