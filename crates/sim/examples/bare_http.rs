//! The baseline of `scripts/bench-http`: the benchmarks' bare axum handler as a process, so an
//! external load generator can measure it beside `idenfy-testkit serve`.
//!
//! Run with `cargo run --release -p idenfy-sim --example bare_http`; it prints
//! `listening on <url>` (a free loopback port) and answers every request with a token
//! response's worth of fixed JSON (201) until killed.

#[path = "../benches/common/bare.rs"]
mod bare;

use axum::http::StatusCode;

/// The simulator's answer to the harness's plain token request, so both servers write as many
/// bytes.
const BODY: &str = r#"{"message":"Token created successfully","authToken":"nhEXNLMuWeDxu2LUfQQHpUfSWiuP4p9Dls5u267z","scanRef":"f5b7f400-3d87-46bc-9393-147aee6b2023","redirectUrl":"https://ivs.idenfy.com/api/v2/redirect?authToken=nhEXNLMuWeDxu2LUfQQHpUfSWiuP4p9Dls5u267z","allowedDocuments":{"ALL":["ID_CARD","PASSPORT"]},"clientId":"bench-client","firstName":"JONAS","lastName":"PETRAITIS","locale":"lt","showInstructions":true,"expiryTime":3600,"sessionLength":600,"country":"LT","documents":["ID_CARD","PASSPORT"],"tokenType":"IDENTIFICATION"}"#;

#[tokio::main]
async fn main() {
    let uri = bare::fixed_json_server(StatusCode::CREATED, BODY.to_owned()).await;
    println!("listening on {uri}");
    std::future::pending::<()>().await;
}
