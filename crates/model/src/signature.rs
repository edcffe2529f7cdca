//! Webhook signatures (`Idenfy-Signature`) and secret-holding newtypes.
//!
//! Source: D-SIGN: lowercase hex HMAC-SHA256 of the raw body with the webhook's signing key,
//! compared in constant time.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Name of the signature header.
pub const SIGNATURE_HEADER: &str = "Idenfy-Signature";
/// Name of the event-type header.
pub const EVENT_TYPE_HEADER: &str = "Idenfy-Event-Type";

/// Why a signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The header is not 64 lowercase hexadecimal characters.
    #[error("malformed signature: expected 64 lowercase hex characters, got {length} characters")]
    Malformed {
        /// Length of the header value received.
        length: usize,
    },
    /// Well-formed, but not the HMAC of this body under this key.
    #[error("signature does not match the body")]
    Mismatch,
}

/// A webhook signing key. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey(Vec<u8>);

impl SigningKey {
    /// A key from its bytes (the dashboard's signing key, as UTF-8).
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        Self(key.into())
    }

    /// The key's bytes, for code that must hand them on.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts keys of any length")
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl std::fmt::Display for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The `Idenfy-Signature` value for `body`: lowercase hex HMAC-SHA256.
pub fn sign(key: &SigningKey, body: &[u8]) -> String {
    let mut mac = key.mac();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks an `Idenfy-Signature` header against `body` in constant time.
///
/// Rejects anything that is not exactly 64 lowercase hexadecimal characters as malformed,
/// including upper-case hex, which iDenfy never sends.
pub fn verify(key: &SigningKey, body: &[u8], header: &str) -> Result<(), SignatureError> {
    let well_formed = header.len() == 64
        && header
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Err(SignatureError::Malformed {
            length: header.len(),
        });
    }
    let expected = hex::decode(header).map_err(|_| SignatureError::Malformed {
        length: header.len(),
    })?;
    let mut mac = key.mac();
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// An API key pair (HTTP Basic username and password). `Debug` shows the key, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiCredentials {
    key: String,
    secret: String,
}

impl ApiCredentials {
    /// Credentials from an API key and secret.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            secret: secret.into(),
        }
    }

    /// The API key (not secret: it names the partner).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The API secret, for code that must hand it on.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// The `Authorization` header value: `Basic base64(key:secret)`.
    pub fn authorization_header(&self) -> String {
        let pair = format!("{}:{}", self.key, self.secret);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }

    /// Whether an `Authorization` header carries exactly these credentials, compared in
    /// constant time. Malformed headers simply do not match.
    pub fn matches_authorization_header(&self, header: &[u8]) -> bool {
        // RFC 7235: the scheme name is case-insensitive.
        let Some((scheme, encoded)) = header.split_at_checked(6) else {
            return false;
        };
        if !scheme.eq_ignore_ascii_case(b"basic ") {
            return false;
        }
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim_ascii())
        else {
            return false;
        };
        let expected = format!("{}:{}", self.key, self.secret);
        bool::from(decoded.as_slice().ct_eq(expected.as_bytes()))
    }
}

impl std::fmt::Debug for ApiCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiCredentials")
            .field("key", &self.key)
            .field("secret", &"<redacted>")
            .finish()
    }
}
