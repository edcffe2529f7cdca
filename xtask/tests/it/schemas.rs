//! The exported JSON Schemas give the simulator's verdict: every valid fixture satisfies its
//! schema, and every invalid fixture is refused by it, except for rules JSON Schema cannot
//! express (listed by name). Valid token requests also satisfy the official facts: every field
//! iDenfy's OpenAPI requires is present and `tokenType` is one of its two values.

use std::path::Path;

use idenfy_model::Rule;
use idenfy_model::facts;
use serde_json::Value;
use xtask::fixtures::fixtures_dir;

/// Rules whose every violation our schemas cannot refuse. None: the one approximated rule,
/// `url-scheme` (a pattern for the URL parser), refuses every URL its fixtures hold.
const INEXPRESSIBLE: &[Rule] = &[];

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema = read(&fixtures_dir().join(format!("schema/{name}.schema.json")));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|error| panic!("{name} is a valid JSON Schema: {error}"))
}

#[test]
fn every_valid_request_fixture_satisfies_our_schema_and_the_official_required_fields() {
    let token = validator("token-request");
    insta::glob!("../../../fixtures", "token-requests/*.json", |path| {
        let request = read(path);
        let errors: Vec<String> = token.iter_errors(&request).map(|e| e.to_string()).collect();
        assert_eq!(errors, Vec::<String>::new(), "{}", path.display());
        for field in facts::TOKEN_REQUEST.iter().filter(|field| field.required) {
            assert!(
                request.get(field.name).is_some(),
                "{} lacks {}",
                path.display(),
                field.name
            );
        }
        assert!(
            matches!(
                request["tokenType"].as_str(),
                Some("IDENTIFICATION" | "DOCUMENT")
            ),
            "{}",
            path.display()
        );
    });
    let dummy = validator("add-dummy-status-request");
    insta::glob!("../../../fixtures", "add-dummy-status/*.json", |path| {
        assert!(dummy.is_valid(&read(path)), "{}", path.display());
    });
}

#[test]
fn every_response_fixture_satisfies_our_schema_and_echoes_only_the_201_schema_fields() {
    let response = validator("token-response");
    const OWN: &[&str] = &[
        "message",
        "authToken",
        "scanRef",
        "redirectUrl",
        "personScanRef",
        "digitString",
        "allowedDocuments",
    ];
    insta::glob!("../../../fixtures", "token-responses/*.json", |path| {
        let body = read(path);
        let errors: Vec<String> = response.iter_errors(&body).map(|e| e.to_string()).collect();
        assert_eq!(errors, Vec::<String>::new(), "{}", path.display());
        for key in body.as_object().unwrap().keys() {
            let echoed = facts::token_request_field(key).is_some_and(|field| field.echoed);
            assert!(
                echoed || OWN.contains(&key.as_str()),
                "{} echoes {key}",
                path.display()
            );
        }
        assert!(
            matches!(
                body["tokenType"].as_str(),
                Some("IDENTIFICATION" | "DOCUMENT")
            ),
            "{}",
            path.display()
        );
    });
}

#[test]
fn every_invalid_fixture_of_an_expressible_rule_is_refused_by_our_schema() {
    let token = validator("token-request");
    let dummy = validator("add-dummy-status-request");
    let mut refused = Vec::new();
    insta::glob!("../../../fixtures", "invalid/*.json", |path| {
        let fixture = read(path);
        let rule = Rule::from_name(fixture["rule"].as_str().unwrap()).unwrap();
        let request = &fixture["request"];
        let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
        let schema = match request["path"].as_str().unwrap() {
            "/api/v2/token" => &token,
            "/api/v2/add-dummy-status" => &dummy,
            other => panic!("{}: no schema for {other}", path.display()),
        };
        if INEXPRESSIBLE.contains(&rule) {
            return;
        }
        assert!(
            !schema.is_valid(&body),
            "{}: our schema accepts a body breaking {rule}",
            path.display()
        );
        refused.push(rule);
    });
    refused.sort();
    refused.dedup();
    let expressible: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| !INEXPRESSIBLE.contains(rule))
        .collect();
    assert_eq!(
        refused, expressible,
        "every expressible rule has a refused fixture"
    );
}

#[test]
fn our_schema_refuses_null_exactly_where_the_facts_do() {
    let token = validator("token-request");
    for field in facts::TOKEN_REQUEST {
        let mut body = serde_json::json!({"clientId": "c"});
        body[field.name] = Value::Null;
        assert_eq!(token.is_valid(&body), field.nullable, "{}", field.name);
    }
}
