//! `gen token`: valid requests validate, invalid ones break exactly their rule, the same seed
//! gives the same bytes, and unknown rules or statuses are refused with the accepted names.

use std::collections::BTreeSet;

use idenfy_model::validation::Endpoint;
use idenfy_model::{ApiError, DummyStatus, Rule, TokenRequest};
use serde::Deserialize;
use serde_json::Value;

use crate::support::{run, testkit};

/// The rules a token request can break.
fn token_rules() -> Vec<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|rule| rule.endpoint() == Endpoint::Token)
        .collect()
}

/// One `gen token --invalid` line, in the shape of `fixtures/invalid/*.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InvalidLine {
    rule: Rule,
    description: String,
    request: SentRequest,
    status: u16,
    body: ApiError,
}

/// The request half of an [`InvalidLine`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SentRequest {
    method: String,
    path: String,
    body: String,
}

impl InvalidLine {
    /// The token request the line sends.
    fn token_request(&self) -> TokenRequest {
        assert_eq!(
            (self.request.method.as_str(), self.request.path.as_str()),
            ("POST", "/api/v2/token")
        );
        serde_json::from_str(&self.request.body).unwrap()
    }
}

/// The rules a request's validation reports.
fn reported(request: &TokenRequest) -> BTreeSet<Rule> {
    request.validate().into_iter().map(|v| v.rule).collect()
}

#[test]
fn valid_requests_validate_and_honour_count_and_status() {
    let requests: Vec<TokenRequest> = run(&["gen", "token", "--count", "50", "--seed", "5"])
        .success()
        .json_lines();
    assert_eq!(requests.len(), 50);
    for request in &requests {
        assert_eq!(request.validate(), vec![], "{request:?}");
    }
    assert!(
        requests.iter().any(|r| r.dummy_status.is_none())
            && requests.iter().any(|r| r.dummy_status.is_some()),
        "without --status, dummyStatus is one optional field among others"
    );
    for status in DummyStatus::ACCEPTED {
        let name = status.as_str().to_lowercase();
        let args = [
            "gen", "token", "--status", &name, "--count", "5", "--seed", "5",
        ];
        let requests: Vec<TokenRequest> = run(&args).success().json_lines();
        assert_eq!(requests.len(), 5);
        for request in requests {
            assert_eq!(request.dummy_status.as_ref(), Some(status));
            assert_eq!(request.validate(), vec![]);
        }
    }
}

#[test]
fn each_named_rule_is_broken_alone_in_every_line() {
    for rule in token_rules() {
        let run = run(&[
            "gen",
            "token",
            "--invalid",
            rule.name(),
            "--count",
            "3",
            "--seed",
            "9",
        ]);
        let cases: Vec<InvalidLine> = run.success().json_lines();
        assert_eq!(cases.len(), 3, "{rule}");
        for case in cases {
            assert_eq!(case.rule, rule);
            assert!(!case.description.is_empty());
            assert_eq!(
                reported(&case.token_request()),
                BTreeSet::from([rule]),
                "{case:?}"
            );
            assert_eq!(case.status, 400, "{case:?}");
            assert_eq!(case.body.identifier, rule.identifier(), "{case:?}");
        }
    }
}

#[test]
fn invalid_alone_breaks_any_rule_and_says_which() {
    let cases: Vec<InvalidLine> =
        run(&["gen", "token", "--invalid", "--count", "200", "--seed", "4"])
            .success()
            .json_lines();
    assert_eq!(cases.len(), 200);
    for case in &cases {
        assert_eq!(
            reported(&case.token_request()),
            BTreeSet::from([case.rule]),
            "{case:?}"
        );
    }
    let rules: BTreeSet<Rule> = cases.iter().map(|case| case.rule).collect();
    assert!(rules.len() > 10, "many rules among 200 lines: {rules:?}");
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_fewer_lines_are_a_prefix() {
    for args in [
        &["gen", "token", "--count", "5"][..],
        &["gen", "token", "--count", "5", "--status", "SUSPECTED"],
        &["gen", "token", "--count", "5", "--invalid"],
        &["gen", "token", "--count", "5", "--invalid", "country-code"],
    ] {
        let with_seed = |seed: &str| {
            let mut args = args.to_vec();
            args.extend(["--seed", seed]);
            run(&args).success().stdout_bytes
        };
        let first = with_seed("77");
        assert_eq!(first, with_seed("77"), "{args:?}");
        assert_ne!(first, with_seed("78"), "{args:?}");
        assert_eq!(first.iter().filter(|b| **b == b'\n').count(), 5);
        let mut shorter = args.to_vec();
        shorter.extend(["--seed", "77"]);
        shorter[3] = "2";
        let prefix = run(&shorter).success().stdout_bytes;
        assert!(first.starts_with(&prefix), "{args:?}");
    }
}

#[test]
fn without_a_seed_the_one_drawn_is_printed_and_repeats_the_output() {
    let unseeded = run(&["gen", "token", "--count", "3"]).success();
    let seed = unseeded
        .stderr
        .strip_prefix("seed ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no seed announced: {}", unseeded.stderr));
    let repeated = run(&["gen", "token", "--count", "3", "--seed", seed]).success();
    assert_eq!(repeated.stdout_bytes, unseeded.stdout_bytes);
    assert_eq!(repeated.stderr, "", "a given seed is not announced");
}

#[test]
fn unknown_rules_and_statuses_are_refused_with_the_accepted_names() {
    let unknown = run(&["gen", "token", "--invalid", "no-such-rule"]);
    let mut needles = vec!["invalid value 'no-such-rule' for '--invalid [<RULE>]'"];
    let names: Vec<&str> = token_rules().into_iter().map(Rule::name).collect();
    needles.extend(&names);
    unknown.fails_with(2, &needles);
    let dummy_rule = run(&["gen", "token", "--invalid", Rule::ScanRefMissing.name()]);
    assert!(!names.contains(&Rule::ScanRefMissing.name()));
    dummy_rule.fails_with(2, &["invalid value 'scan-ref-missing'", "country-code"]);
    run(&["gen", "token", "--status", "ACTIVE"]).fails_with(
        2,
        &[
            "invalid value 'ACTIVE'",
            "APPROVED, DENIED, SUSPECTED, EXPIRED",
        ],
    );
    run(&["gen", "token", "--status", "APPROVED", "--invalid"])
        .fails_with(2, &["cannot be used with"]);
    let output = testkit()
        .args(["gen", "token", "--count", "0"])
        .output()
        .unwrap();
    assert!(output.status.success() && output.stdout.is_empty());
}

#[test]
fn invalid_lines_have_the_fixture_shape_and_the_simulator_answer() {
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/invalid/address-too-long.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let keys =
        |value: &Value| -> Vec<String> { value.as_object().unwrap().keys().cloned().collect() };
    let lines: Vec<Value> = run(&["gen", "token", "--invalid", "--count", "40", "--seed", "8"])
        .success()
        .json_lines();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let simulator = runtime.block_on(idenfy_sim::Simulator::start()).unwrap();
    let client = reqwest::Client::new();
    for line in &lines {
        assert_eq!(keys(line), keys(&fixture), "{line}");
        assert_eq!(keys(&line["request"]), keys(&fixture["request"]), "{line}");
        let sent = client
            .post(format!("{}/api/v2/token", simulator.uri()))
            .basic_auth(
                simulator.credentials().key(),
                Some(simulator.credentials().expose_secret()),
            )
            .header("content-type", "application/json")
            .body(line["request"]["body"].as_str().unwrap().to_owned());
        let (status, body) = runtime.block_on(async {
            let answer = sent.send().await.unwrap();
            (
                answer.status().as_u16(),
                answer.json::<Value>().await.unwrap(),
            )
        });
        assert_eq!(u64::from(status), line["status"], "{line}");
        assert_eq!(body, line["body"], "{line}");
    }
}
