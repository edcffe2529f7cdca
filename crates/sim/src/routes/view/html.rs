//! The web page's HTML building blocks: escaping of every client-controlled value, links with
//! query strings, times, and the page frame with its security headers.

use std::fmt::{self, Display, Write};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Where the page's style sheet is served.
pub(super) const CSS_PATH: &str = "/sim/assets/page.css";
/// Where the page's live-update script is served.
pub(super) const JS_PATH: &str = "/sim/assets/live.js";

/// Scripts and styles only from the simulator itself (never inline), nothing from elsewhere:
/// an escaping mistake still could not run a script.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// `text` HTML-escaped when displayed, for element content and quoted attribute values.
pub(super) fn escape(text: &str) -> Escape<'_> {
    Escape(text)
}

/// See [`escape`].
pub(super) struct Escape<'a>(&'a str);

impl Display for Escape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(index) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..index])?;
            f.write_str(match rest.as_bytes()[index] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[index + 1..];
        }
        f.write_str(rest)
    }
}

/// `/sim/` with a query string of the given non-empty pairs, percent-encoded (escape it again
/// for an attribute).
pub(super) fn list_url(pairs: &[(&str, &str)]) -> String {
    let mut url = String::from("/sim/");
    for (index, (key, value)) in pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .enumerate()
    {
        url.push(if index == 0 { '?' } else { '&' });
        url.push_str(key);
        url.push('=');
        for byte in value.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                url.push(char::from(byte));
            } else {
                let _ = write!(url, "%{byte:02X}");
            }
        }
    }
    url
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS` UTC.
pub(super) fn utc_seconds(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |time| time.format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM:SS.mmm` UTC; `—` for 0 (no attempt made).
pub(super) fn utc_millis(millis: u64) -> String {
    if millis == 0 {
        return "—".to_owned();
    }
    i64::try_from(millis)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(
            || millis.to_string(),
            |time| time.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        )
}

/// A whole page: `title` (escaped here) and `main`, the already escaped content.
pub(super) fn page(status: StatusCode, title: &str, main: &str) -> Response {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · iDenfy simulator</title>\n\
         <link rel=\"stylesheet\" href=\"{CSS_PATH}\">\n\
         <script src=\"{JS_PATH}\" defer></script>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to content</a>\n\
         <header><p class=\"brand\"><a href=\"/sim/\">iDenfy simulator</a></p>\n\
         <p id=\"updated\" role=\"status\">Reload the page for new activity.</p></header>\n\
         <main id=\"main\">\n<h1>{title}</h1>\n{main}</main>\n</body>\n</html>\n",
        title = escape(title),
    );
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// A page saying what went wrong, with a way back.
pub(super) fn problem(status: StatusCode, message: &str) -> Response {
    page(
        status,
        status.canonical_reason().unwrap_or("Error"),
        &format!(
            "<p class=\"problem\">{}</p>\n<p><a href=\"/sim/\">Back to the list</a></p>\n",
            escape(message)
        ),
    )
}

/// A static asset with its content type.
pub(super) fn asset(content_type: &'static str, text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{escape, list_url};

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(
            escape("<a href=\"x\" title='y'>&</a>").to_string(),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("plain ąž").to_string(), "plain ąž");
    }

    #[test]
    fn list_url_percent_encodes_values_and_skips_empty_ones() {
        assert_eq!(list_url(&[]), "/sim/");
        assert_eq!(
            list_url(&[("scanRef", "a b&<"), ("event", ""), ("state", "HELD")]),
            "/sim/?scanRef=a%20b%26%3C&state=HELD"
        );
    }
}
