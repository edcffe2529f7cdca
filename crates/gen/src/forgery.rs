//! The forgeries a careful webhook endpoint refuses, as data: [`forgeries`] turns one genuine
//! [`SignedWebhook`] into requests that each break one thing (the body, the key, the
//! signature's presence, spelling or length), with the bytes and headers to send. Drivers in
//! any language can send them; `idenfy_live::webhook::battery` sends and grades them.

use idenfy_model::signature::{EVENT_TYPE_HEADER, SIGNATURE_HEADER};
use idenfy_model::{SignedWebhook, SigningKey, WebhookEventType, sign};

/// What a forgery breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ForgeryKind {
    /// `status.overall` changed after signing.
    TamperedBody,
    /// Signed with another key.
    WrongKey,
    /// No `Idenfy-Signature` header.
    NoSignature,
    /// The signature in upper-case hex.
    UppercaseSignature,
    /// The signature cut to its first 32 hex digits.
    MalformedSignature,
    /// The same JSON value re-serialized (whitespace, key order) under the original signature.
    ReserializedBody,
}

/// One forged request: the exact body and headers to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgery {
    /// What it breaks.
    pub kind: ForgeryKind,
    /// The `Idenfy-Event-Type`, the genuine webhook's.
    pub event: WebhookEventType,
    /// The exact body bytes.
    pub body: Vec<u8>,
    /// The `Idenfy-Signature` value; `None` leaves the header out.
    pub signature: Option<String>,
}

/// Every forgery of `signed`, in [`ForgeryKind::ALL`] order. Each keeps the genuine event type
/// and, where it forges something else, the genuine body or signature.
pub fn forgeries(signed: &SignedWebhook) -> Vec<Forgery> {
    ForgeryKind::ALL
        .iter()
        .map(|&kind| {
            let genuine = Some(signed.signature.clone());
            let (body, signature) = match kind {
                ForgeryKind::TamperedBody => (tampered(&signed.body), genuine),
                ForgeryKind::WrongKey => {
                    // A key derived from the genuine signature cannot be the signing key.
                    let other = SigningKey::new(format!("not-the-key-of-{}", signed.signature));
                    (signed.body.clone(), Some(sign(&other, &signed.body)))
                }
                ForgeryKind::NoSignature => (signed.body.clone(), None),
                ForgeryKind::UppercaseSignature => (
                    signed.body.clone(),
                    Some(signed.signature.to_ascii_uppercase()),
                ),
                ForgeryKind::MalformedSignature => (
                    signed.body.clone(),
                    Some(signed.signature.chars().take(32).collect()),
                ),
                ForgeryKind::ReserializedBody => (reserialized(&signed.body), genuine),
            };
            Forgery {
                kind,
                event: signed.event.clone(),
                body,
                signature,
            }
        })
        .collect()
}

impl ForgeryKind {
    /// Every kind, in the order [`forgeries`] makes them.
    pub const ALL: &'static [ForgeryKind] = &[
        ForgeryKind::TamperedBody,
        ForgeryKind::WrongKey,
        ForgeryKind::NoSignature,
        ForgeryKind::UppercaseSignature,
        ForgeryKind::MalformedSignature,
        ForgeryKind::ReserializedBody,
    ];

    /// The stable name, e.g. `tampered-body`.
    pub fn name(self) -> &'static str {
        match self {
            ForgeryKind::TamperedBody => "tampered-body",
            ForgeryKind::WrongKey => "wrong-key",
            ForgeryKind::NoSignature => "no-signature",
            ForgeryKind::UppercaseSignature => "uppercase-signature",
            ForgeryKind::MalformedSignature => "malformed-signature",
            ForgeryKind::ReserializedBody => "reserialized-body",
        }
    }

    /// What it breaks, in a few words.
    pub fn breaks(self) -> &'static str {
        match self {
            ForgeryKind::TamperedBody => "status.overall changed after signing",
            ForgeryKind::WrongKey => "signed with another key",
            ForgeryKind::NoSignature => "no Idenfy-Signature header",
            ForgeryKind::UppercaseSignature => "signature in upper-case hex",
            ForgeryKind::MalformedSignature => "signature cut to its first 32 hex digits",
            ForgeryKind::ReserializedBody => "same JSON re-serialized (whitespace, key order)",
        }
    }

    /// Whether the forgery still carries the genuine HMAC, only spelt otherwise (upper-case
    /// hex): accepting it is lenient, not unsafe.
    pub fn carries_genuine_mac(self) -> bool {
        self == ForgeryKind::UppercaseSignature
    }
}

impl Forgery {
    /// The kind's name, e.g. `tampered-body`.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// What it breaks, in a few words.
    pub fn breaks(&self) -> &'static str {
        self.kind.breaks()
    }

    /// The webhook headers to send with [`Forgery::body`] (besides
    /// `Content-Type: application/json`): `Idenfy-Event-Type`, and `Idenfy-Signature` unless
    /// the forgery leaves it out.
    pub fn headers(&self) -> Vec<(&'static str, &str)> {
        let mut headers = vec![(EVENT_TYPE_HEADER, self.event.as_str())];
        if let Some(signature) = &self.signature {
            headers.push((SIGNATURE_HEADER, signature.as_str()));
        }
        headers
    }
}

/// `body` with the value of its `"overall"` key turned into `APPROVED` (or, if it is that,
/// `DENIED`), every other byte kept: what an attacker who cannot sign would try. A body
/// without that key gets a space appended instead.
fn tampered(body: &[u8]) -> Vec<u8> {
    let Some((start, end)) = string_value_of(body, b"\"overall\"") else {
        let mut changed = body.to_vec();
        changed.push(b' ');
        return changed;
    };
    let flipped: &[u8] = if &body[start..end] == b"APPROVED" {
        b"DENIED"
    } else {
        b"APPROVED"
    };
    [&body[..start], flipped, &body[end..]].concat()
}

/// The byte range of the string value (without its quotes) of the first member named `key`
/// (quoted), if its value is a string without escapes.
fn string_value_of(body: &[u8], key: &[u8]) -> Option<(usize, usize)> {
    let skip_space = |mut at: usize| {
        while body.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    let mut from = 0;
    while let Some(found) = find(&body[from..], key) {
        let after_key = skip_space(from + found + key.len());
        from += found + key.len();
        if body.get(after_key) != Some(&b':') {
            continue;
        }
        let open = skip_space(after_key + 1);
        if body.get(open) != Some(&b'"') {
            continue;
        }
        let start = open + 1;
        let length = body[start..]
            .iter()
            .position(|&byte| byte == b'"' || byte == b'\\')?;
        if body[start + length] == b'"' {
            return Some((start, start + length));
        }
    }
    None
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The same JSON value pretty-printed with sorted keys (a `serde_json::Value` sorts them):
/// equal for a JSON parser, other bytes for the signature. A body that is not JSON gets a
/// space appended instead.
fn reserialized(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => serde_json::to_vec_pretty(&value).expect("JSON values serialize"),
        Err(_) => [body, b" "].concat(),
    }
}
