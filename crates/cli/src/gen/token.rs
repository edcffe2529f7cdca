//! `gen token`: JSON Lines of token requests, valid by construction (optionally forcing one
//! `dummyStatus`) or each breaking one validation rule and naming it; the same seed gives the
//! same bytes.

use clap::Args;
use idenfy_gen::invalid::{InvalidCase, arb_any_invalid_token_request, arb_invalid_token_request};
use idenfy_gen::samples;
use idenfy_gen::token::{arb_dummy_token_request, arb_token_request};
use idenfy_model::{ApiError, DummyStatus, Rule};
use idenfy_sim::assumptions::VALIDATION_PROFILE;
use serde::Serialize;

use crate::output::Stdout;
use crate::values;

/// Settings of `gen token`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    idenfy-testkit gen token --count 5 --seed 42\n  \
    idenfy-testkit gen token --status EXPIRED --seed 42\n  \
    idenfy-testkit gen token --invalid --count 20 --seed 3\n  \
    idenfy-testkit gen token --invalid date-format --seed 3\n\n\
    Each line is one JSON object. Valid requests are the token request itself:\n  \
    {\"clientId\": \"...\", \"dummyStatus\": \"APPROVED\", ...}\n\
    With --invalid each line has the shape of fixtures/invalid/*.json: the rule it breaks (validating \
    the request reports that rule only), the request as sent and the simulator's answer:\n  \
    {\"rule\": \"date-format\", \"description\": \"dateOfBirth is \\\"12/04/1990\\\", ...\",\n   \
    \"request\": {\"method\": \"POST\", \"path\": \"/api/v2/token\", \"body\": \"{...}\"},\n   \
    \"status\": 400, \"body\": {\"identifier\": \"BAD_VALUE\", \"message\": \"...\"}}")]
pub struct TokenArgs {
    /// Force this automatic result (`dummyStatus`) in every request [default: present in some,
    /// with any accepted value]
    #[arg(long, value_name = "STATUS", ignore_case = true, value_parser = values::dummy_status(), conflicts_with = "invalid")]
    status: Option<DummyStatus>,
    /// How many requests
    #[arg(long, value_name = "N", default_value_t = 1)]
    count: usize,
    /// Makes the output reproducible, byte for byte [default: random, printed on stderr]
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Break RULE in every request; alone, break any token rule (one per request)
    #[arg(long, value_name = "RULE", num_args = 0..=1, value_parser = values::token_rule())]
    invalid: Option<Option<Rule>>,
}

/// Writes the requests.
pub fn run(args: TokenArgs) -> anyhow::Result<()> {
    let seed = values::seed_or_random(args.seed);
    let mut out = Stdout::lock();
    match args.invalid {
        None => match args.status {
            Some(status) => write(
                &mut out,
                samples(&arb_dummy_token_request(status), seed),
                args.count,
            ),
            None => write(&mut out, samples(&arb_token_request(), seed), args.count),
        },
        Some(Some(rule)) => {
            let strategy =
                arb_invalid_token_request(rule).expect("the parser lets through token rules only");
            write(&mut out, samples(&strategy, seed).map(exchange), args.count)
        }
        Some(None) => write(
            &mut out,
            samples(&arb_any_invalid_token_request(), seed).map(exchange),
            args.count,
        ),
    }?;
    out.finish()
}

/// One `--invalid` line, in the shape of `fixtures/invalid/*.json`.
#[derive(Serialize)]
struct InvalidExchange {
    rule: Rule,
    description: String,
    request: SentRequest,
    status: u16,
    body: ApiError,
}

/// The request half of an [`InvalidExchange`]: the body as sent, as text.
#[derive(Serialize)]
struct SentRequest {
    method: &'static str,
    path: &'static str,
    body: String,
}

/// `case` with the request as the simulator would receive it and the answer it would give.
fn exchange(case: InvalidCase) -> InvalidExchange {
    let answer = ApiError::for_violations(&case.request.validate_with(VALIDATION_PROFILE))
        .expect("an invalid case breaks its rule");
    InvalidExchange {
        rule: case.rule,
        description: case.description,
        request: SentRequest {
            method: "POST",
            path: "/api/v2/token",
            body: serde_json::to_string(&case.request).expect("token requests serialize"),
        },
        status: answer.http_status(),
        body: answer,
    }
}

fn write<T: Serialize>(
    out: &mut Stdout,
    values: impl Iterator<Item = T>,
    count: usize,
) -> anyhow::Result<()> {
    values
        .take(count)
        .try_for_each(|value| out.json_line(&value))
}
