//! Hostile headers: any or no `Content-Type` (accepted exactly when the simulator's documented
//! rule says JSON, else 415) and any `Authorization` (accepted exactly when it carries the
//! configured key pair, else 401) on every route.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use idenfy_model::{ApiCredentials, ApiError};
use idenfy_sim::assumptions;
use proptest::prelude::{Just, Strategy, any, prop_oneof};
use proptest::{collection, sample};

use super::{Expected, Route, Target, run_property};

/// Bytes an HTTP header value may hold: visible ASCII, space, tab and obs-text.
fn arb_header_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    collection::vec(
        prop_oneof![0x20u8..0x7f, 0x80u8..=0xff, Just(b'\t')],
        0..max,
    )
}

/// Header values as an HTTP server receives them: without surrounding spaces and tabs.
fn trimmed(value: &[u8]) -> &[u8] {
    let is_space = |byte: &u8| *byte == b' ' || *byte == b'\t';
    let start = value
        .iter()
        .position(|b| !is_space(b))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |end| end + 1);
    &value[start..end]
}

fn arb_content_type() -> impl Strategy<Value = Vec<u8>> {
    let variants = sample::select(vec![
        "application/json",
        "APPLICATION/JSON",
        "application/json; charset=utf-8",
        "application/json;charset=latin1",
        "application/problem+json",
        "application/jsonx",
        "application/",
        "application/+json",
        "text/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "json",
        ";application/json",
        "",
    ]);
    prop_oneof![
        variants.prop_map(|text| text.as_bytes().to_vec()),
        arb_header_bytes(64),
        (variants_prefix(), arb_header_bytes(16)).prop_map(|(mut prefix, tail)| {
            prefix.extend(tail);
            prefix
        }),
    ]
}

fn variants_prefix() -> impl Strategy<Value = Vec<u8>> {
    sample::select(vec!["application/json", "application/vnd.x+json", "text/"])
        .prop_map(|text| text.as_bytes().to_vec())
}

#[test]
fn any_content_type_is_accepted_exactly_when_it_is_json() {
    let strategy = (
        sample::select(Route::WITH_BODY.to_vec()),
        proptest::option::weighted(0.9, arb_content_type()),
    );
    run_property(192, strategy, |target, (route, content_type)| {
        let received = content_type
            .as_deref()
            .map(|value| String::from_utf8_lossy(trimmed(value)).into_owned());
        let expected = if received
            .as_deref()
            .is_some_and(assumptions::is_json_content_type)
        {
            route.expected(&serde_json::to_vec(&route.valid_body()).unwrap())
        } else {
            let got = received.map_or("none".to_owned(), |value| format!("'{value}'"));
            Expected::rejected(
                415,
                "JSON_ERROR",
                &format!("Content-Type must be application/json; got {got}."),
            )
        };
        let answer = target.send(
            route.method(),
            route.path(),
            content_type.as_deref(),
            Some(target.api.authorization().as_bytes()),
            serde_json::to_vec(&route.valid_body()).unwrap(),
        );
        expected.check(&answer)
    });
}

/// `Authorization` values: absent, arbitrary, and Basic ones malformed in every documented way.
fn arb_authorization(valid: String) -> impl Strategy<Value = Option<Vec<u8>>> {
    let key = idenfy_sim::DEFAULT_API_KEY;
    let secret = idenfy_sim::DEFAULT_API_SECRET;
    let encoded = |pair: &str| STANDARD.encode(pair);
    let malformed = vec![
        String::new(),
        "Basic".to_owned(),
        "Basic ".to_owned(),
        "Basic !!!not-base64!!!".to_owned(),
        format!("Basic {}", &encoded(&format!("{key}:{secret}"))[1..]),
        format!("Basic {}", encoded(&format!("{key}{secret}"))),
        format!("Basic {}", encoded(":")),
        format!("Basic {}", encoded(&format!("{key}:"))),
        format!("Basic {}", encoded(&format!(":{secret}"))),
        format!("Basic {}", encoded(&format!("{key}:wrong-secret"))),
        format!("Basic {}", encoded(&format!("{key}:{secret}:"))),
        format!("Basic {}", encoded(&format!("{key}:{secret}\n"))),
        format!("Bearer {}", encoded(&format!("{key}:{secret}"))),
        format!("Digest {}", encoded(&format!("{key}:{secret}"))),
        format!("BASIC {}", encoded(&format!("{key}:{secret}"))),
        format!("Basic  {}", encoded(&format!("{key}:{secret}"))),
        format!("Basic{}", encoded(&format!("{key}:{secret}"))),
        format!("{key}:{secret}"),
        encoded(&format!("{key}:{secret}")),
        format!("basic {}", encoded(&format!("{key}:{secret}"))),
        valid.clone(),
    ];
    prop_oneof![
        Just(None),
        sample::select(malformed).prop_map(|text| Some(text.into_bytes())),
        arb_header_bytes(128).prop_map(Some),
        collection::vec(any::<u8>(), 0..48).prop_map(move |pair| {
            Some(format!("Basic {}", STANDARD.encode(pair)).into_bytes())
        }),
        "[ -~]{0,40}".prop_map(|text| Some(format!("Basic {text}").into_bytes())),
        Just(Some(format!("Basic {}", "A".repeat(8192)).into_bytes())),
    ]
}

#[test]
fn any_authorization_is_accepted_exactly_when_it_carries_the_key_pair() {
    let credentials =
        ApiCredentials::new(idenfy_sim::DEFAULT_API_KEY, idenfy_sim::DEFAULT_API_SECRET);
    let strategy = (
        sample::select(Route::ALL.to_vec()),
        arb_authorization(credentials.authorization_header()),
    );
    run_property(256, strategy, |target, (route, authorization)| {
        let accepted = authorization
            .as_deref()
            .is_some_and(|value| credentials.matches_authorization_header(trimmed(value)));
        let body = serde_json::to_vec(&route.valid_body()).unwrap();
        let expected = if accepted {
            route.expected(&body)
        } else {
            Expected::error((401, ApiError::unauthorized()))
        };
        let answer = target.send(
            route.method(),
            route.path(),
            Some(b"application/json"),
            authorization.as_deref(),
            body,
        );
        expected.check(&answer)
    });
}

#[test]
fn the_valid_key_pair_is_accepted_on_every_route() {
    let target = Target::start();
    for route in Route::ALL {
        let body = serde_json::to_vec(&route.valid_body()).unwrap();
        let expected = route.expected(&body);
        expected.check(&target.send_body(route, body)).unwrap();
    }
}
