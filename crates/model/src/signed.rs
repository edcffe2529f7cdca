//! A webhook as it travels: the exact body bytes in one of two JSON styles, its signature,
//! and the check a receiver runs on arrival ([`verify_webhook`]).
//!
//! Nobody outside iDenfy knows the exact bytes it sends (compact, or Python's default
//! `", "`/`": "` separators with `\u`-escaped non-ASCII). A receiver must verify the bytes it
//! got, whatever their style; [`BodyStyle`] lets the kit send either.

use serde::Serialize;

use crate::signature::{SignatureError, SigningKey, sign, verify};
use crate::webhook::{IdentificationWebhook, WebhookEventType};

/// The byte layout of a webhook body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum BodyStyle {
    /// `serde_json`'s compact output: no spaces, raw UTF-8 (the kit's default).
    #[default]
    Compact,
    /// Python `json.dumps` defaults: `", "` and `": "` separators, every non-ASCII character
    /// as a `\uXXXX` escape (surrogate pairs beyond the BMP).
    SpacedAscii,
}

impl BodyStyle {
    /// Every style, in a stable order.
    pub const ALL: &'static [BodyStyle] = &[BodyStyle::Compact, BodyStyle::SpacedAscii];

    /// The style's command-line name (`compact`, `spaced-ascii`).
    pub fn as_str(self) -> &'static str {
        match self {
            BodyStyle::Compact => "compact",
            BodyStyle::SpacedAscii => "spaced-ascii",
        }
    }

    /// `value` as body bytes in this style.
    pub fn render<T: Serialize + ?Sized>(self, value: &T) -> Result<Vec<u8>, serde_json::Error> {
        // Room for a whole webhook body (about 2 KB), so rendering one does not reallocate.
        let mut out = Vec::with_capacity(4096);
        match self {
            BodyStyle::Compact => serde_json::to_writer(&mut out, value)?,
            BodyStyle::SpacedAscii => {
                let mut serializer =
                    serde_json::Serializer::with_formatter(&mut out, SpacedAsciiFormatter);
                value.serialize(&mut serializer)?;
            }
        }
        Ok(out)
    }
}

impl std::fmt::Display for BodyStyle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BodyStyle {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BodyStyle::ALL
            .iter()
            .copied()
            .find(|style| style.as_str() == s)
            .ok_or_else(|| format!("unknown body style `{s}`: expected compact or spaced-ascii"))
    }
}

/// Python's `json.dumps` layout: `", "` between items, `": "` after keys, ASCII only.
struct SpacedAsciiFormatter;

impl serde_json::ser::Formatter for SpacedAsciiFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        item_separator(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        item_separator(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut units = [0u16; 2];
        for part in fragment.split_inclusive(|c: char| !c.is_ascii()) {
            let (ascii, last) = match part.chars().next_back() {
                Some(c) if !c.is_ascii() => (&part[..part.len() - c.len_utf8()], Some(c)),
                _ => (part, None),
            };
            writer.write_all(ascii.as_bytes())?;
            if let Some(c) = last {
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// Python's `", "` before every item but the first.
fn item_separator<W: ?Sized + std::io::Write>(writer: &mut W, first: bool) -> std::io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}

/// A webhook ready to send: its event, the exact body bytes and their `Idenfy-Signature`.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedWebhook {
    /// The `Idenfy-Event-Type` the webhook is sent with.
    pub event: WebhookEventType,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// Lowercase hex HMAC-SHA256 of `body`.
    pub signature: String,
}

impl SignedWebhook {
    /// Renders `value` in `style` and signs the bytes with `key`.
    pub fn sign<T: Serialize + ?Sized>(
        key: &SigningKey,
        event: WebhookEventType,
        value: &T,
        style: BodyStyle,
    ) -> Result<Self, serde_json::Error> {
        let body = style.render(value)?;
        let signature = sign(key, &body);
        Ok(SignedWebhook {
            event,
            body,
            signature,
        })
    }

    /// The body as text (bodies are always UTF-8 JSON).
    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("<non-UTF-8 body>")
    }
}

impl std::fmt::Debug for SignedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedWebhook")
            .field("event", &self.event)
            .field("body", &self.body_text())
            .field("signature", &self.signature)
            .finish()
    }
}

/// Why [`verify_webhook`] refused a delivery.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The `Idenfy-Signature` header is malformed or does not match the body.
    #[error("{0}")]
    Signature(#[from] SignatureError),
    /// The `Idenfy-Signature` header is missing.
    #[error("no Idenfy-Signature header")]
    MissingSignature,
    /// Genuine, but not an identification webhook body.
    #[error("genuine body, but not an identification webhook: {0}")]
    Body(#[from] serde_json::Error),
}

/// What a receiver runs on arrival (like async-stripe's `construct_event`): checks the
/// signature over the raw `body` in constant time, then parses it. Pass the header's value, or
/// `None` when the request had none.
pub fn verify_webhook(
    key: &SigningKey,
    body: &[u8],
    signature_header: Option<&str>,
) -> Result<IdentificationWebhook, WebhookError> {
    let header = signature_header.ok_or(WebhookError::MissingSignature)?;
    verify(key, body, header)?;
    Ok(serde_json::from_slice(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spaced_ascii_matches_python_json_dumps() {
        let value = json!({"a": [1, 2.5, "x"], "b": "é😀/", "c": {}});
        let rendered = BodyStyle::SpacedAscii.render(&value).unwrap();
        // python3 -c 'import json; print(json.dumps({"a":[1,2.5,"x"],"b":"é😀/","c":{}}))'
        assert_eq!(
            String::from_utf8(rendered).unwrap(),
            r#"{"a": [1, 2.5, "x"], "b": "\u00e9\ud83d\ude00/", "c": {}}"#
        );
        let compact = BodyStyle::Compact.render(&value).unwrap();
        assert_eq!(
            String::from_utf8(compact).unwrap(),
            r#"{"a":[1,2.5,"x"],"b":"é😀/","c":{}}"#
        );
    }

    #[test]
    fn both_styles_parse_back_to_the_same_value() {
        let value = json!({"name": "Žemaitė \"q\" \\ \n", "n": [null, true]});
        for style in BodyStyle::ALL {
            let bytes = style.render(&value).unwrap();
            let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(back, value, "{style}");
            assert_eq!(style.as_str().parse::<BodyStyle>().unwrap(), *style);
        }
        assert!("pretty".parse::<BodyStyle>().is_err());
    }

    #[test]
    fn verify_webhook_checks_the_exact_bytes() {
        let key = SigningKey::new("k");
        let body = br#"{"final": true}"#;
        let good = sign(&key, body);
        // Genuine but not a full identification webhook: a body error, not a signature one.
        assert!(matches!(
            verify_webhook(&key, body, Some(&good)),
            Err(WebhookError::Body(_))
        ));
        assert!(matches!(
            verify_webhook(&key, br#"{"final":true}"#, Some(&good)),
            Err(WebhookError::Signature(SignatureError::Mismatch))
        ));
        assert!(matches!(
            verify_webhook(&key, body, None),
            Err(WebhookError::MissingSignature)
        ));
    }
}
