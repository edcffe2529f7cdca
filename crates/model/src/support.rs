//! Small helpers every crate of the workspace needs once: clipping quoted text, hiding the
//! credentials in a URL and most of an API key, naming an error with its causes, counting things
//! in words, and locking a mutex that a panicking thread may have poisoned.

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

/// What replaces the user name and password of a URL in [`redact_url`].
pub const REDACTED_USER_INFO: &str = "redacted";

/// `url` as every message and log shows it: user name and password (anything before an `@`
/// in the authority) replaced by [`REDACTED_USER_INFO`], the rest unchanged. Works on text
/// that does not parse as a URL too (`user:pass@host`), so an "invalid URL" error can quote it.
pub fn redact_url(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |scheme_end| scheme_end + 3);
    let rest = &url[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_len].rfind('@') {
        Some(at) => format!(
            "{}{REDACTED_USER_INFO}{}",
            &url[..authority_start],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

/// Characters of an API key a message or log may show, at most.
pub const KEY_PREFIX_CHARS: usize = 4;

/// `key` as every message and log shows it: its first [`KEY_PREFIX_CHARS`] characters (half
/// of it when it is shorter than twice that) followed by an ellipsis.
pub fn key_prefix(key: &str) -> String {
    let shown = KEY_PREFIX_CHARS.min(key.chars().count() / 2);
    let end = key
        .char_indices()
        .nth(shown)
        .map_or(key.len(), |(end, _)| end);
    format!("{}…", &key[..end])
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

/// `count` and the noun, singular for exactly one: `counted(1, "flow")` is `1 flow`,
/// `counted(2, "flow")` is `2 flows` (nouns that take a plain `s`).
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::{counted, key_prefix, redact_url};

    #[test]
    fn counted_is_singular_for_exactly_one() {
        assert_eq!(counted(0, "flow"), "0 flows");
        assert_eq!(counted(1, "flow"), "1 flow");
        assert_eq!(counted(2, "webhook"), "2 webhooks");
    }

    #[test]
    fn redact_url_hides_user_info_and_nothing_else() {
        let cases = [
            (
                "https://user:pass@example.com/a?b#c",
                "https://redacted@example.com/a?b#c",
            ),
            (
                "http://token@127.0.0.1:8080",
                "http://redacted@127.0.0.1:8080",
            ),
            ("http://a:b@c@host/x@y", "http://redacted@host/x@y"),
            ("user:pass@host:1/path", "redacted@host:1/path"),
            (
                "https://example.com/a@b?c=d@e",
                "https://example.com/a@b?c=d@e",
            ),
            ("not a url", "not a url"),
            ("", ""),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn key_prefix_shows_at_most_four_characters_and_never_half_of_a_short_key() {
        let cases = [
            ("sim-api-key", "sim-…"),
            ("abcdefgh", "abcd…"),
            ("abcdef", "abc…"),
            ("K", "…"),
            ("", "…"),
            ("ключ-ключ", "ключ…"),
        ];
        for (key, shown) in cases {
            assert_eq!(key_prefix(key), shown, "{key}");
        }
    }
}
