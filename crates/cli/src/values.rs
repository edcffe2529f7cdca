//! Parsers of command-line values: the status values the dummy endpoints accept (the error
//! lists them), webhook event types and body styles, token validation rules by name, signing
//! keys, and seeds.

use std::convert::Infallible;
use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use idenfy_model::validation::Endpoint;
use idenfy_model::{
    BodyStyle, DocumentStatus, DummyStatus, FaceStatus, Rule, SigningKey, WebhookEventType,
};

use crate::exit::UsageError;

/// `dummyStatus` values the token endpoint accepts ([`DummyStatus::ACCEPTED`]), any case.
pub fn dummy_status() -> impl TypedValueParser<Value = DummyStatus> {
    one_of(DummyStatus::ACCEPTED, DummyStatus::as_str)
}

/// `manualFaceMatchResult` values add-dummy-status accepts ([`FaceStatus::DUMMY_MANUAL`]).
pub fn face() -> impl TypedValueParser<Value = FaceStatus> {
    one_of(FaceStatus::DUMMY_MANUAL, FaceStatus::as_str)
}

/// `manualDocumentValidity` values add-dummy-status accepts ([`DocumentStatus::DUMMY_MANUAL`]).
pub fn document() -> impl TypedValueParser<Value = DocumentStatus> {
    one_of(DocumentStatus::DUMMY_MANUAL, DocumentStatus::as_str)
}

/// Every documented `Idenfy-Event-Type` ([`WebhookEventType::ALL`]), any case.
pub fn event() -> impl TypedValueParser<Value = WebhookEventType> {
    one_of(WebhookEventType::ALL, WebhookEventType::as_str)
}

/// A webhook body style by name (`compact`, `spaced-ascii`).
pub fn body_style() -> impl TypedValueParser<Value = BodyStyle> {
    PossibleValuesParser::new(BodyStyle::ALL.iter().map(|style| style.as_str()))
        .map(|name| name.parse().expect("only style names are possible values"))
}

/// The name of a rule a token request can break (`country-code`, `date-format`, …); the
/// error for any other name lists them.
pub fn token_rule() -> impl TypedValueParser<Value = Rule> {
    let token_rules = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| rule.endpoint() == Endpoint::Token);
    PossibleValuesParser::new(token_rules.map(Rule::name))
        .map(|name| Rule::from_name(&name).expect("only rule names are possible values"))
}

/// A webhook signing key; it is never printed.
pub fn signing_key(value: &str) -> Result<SigningKey, String> {
    if value.is_empty() {
        return Err("the signing key is empty".to_owned());
    }
    Ok(SigningKey::new(value))
}

/// The signing key, or how to give one.
pub fn require_signing_key(key: Option<SigningKey>) -> Result<SigningKey, UsageError> {
    key.ok_or_else(|| {
        UsageError(
            "missing signing key: pass --signing-key KEY or set IDENFY_SIGNING_KEY (the webhook \
             signing key from the iDenfy dashboard, or the one given to idenfy-testkit serve)"
                .to_owned(),
        )
    })
}

/// `seed`, or a fresh random one announced on stderr so the output can be repeated.
pub fn seed_or_random(seed: Option<u64>) -> u64 {
    seed.unwrap_or_else(|| {
        let seed = RandomState::new().hash_one(std::time::SystemTime::now());
        eprintln!("seed {seed} (pass --seed {seed} to repeat)");
        seed
    })
}

/// One of `accepted`, matched by wire name in any case; the error lists every accepted name.
fn one_of<T>(accepted: &'static [T], name: fn(&T) -> &str) -> impl TypedValueParser<Value = T>
where
    T: FromStr<Err = Infallible> + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(accepted.iter().map(name)).map(|value| {
        value
            .to_ascii_uppercase()
            .parse()
            .unwrap_or_else(|never: Infallible| match never {})
    })
}
